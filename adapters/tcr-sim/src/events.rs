//! Webhook events as TCR sends them: flat JSON objects (`shared/tcr-api.md` §6.3). Every event
//! carries `eventType`, `cspId`, `cspName`, the brand (`brandId`, `brandName`,
//! `brandReferenceId`), a `description` and `mock`; campaign, carrier and vetting events add
//! their own ids.
use serde_json::{json, Value};

use super::campaigns::CampaignRecord;
use super::enums::{self, Mno};
use super::state::{BrandRecord, Sim};
use super::vetting::Vetting;

/// A brand event.
pub(super) fn brand_event(sim: &Sim, event_type: &str, brand: &BrandRecord) -> Value {
    let name = brand.fields.get("displayName").unwrap_or_default();
    let id = &brand.brand_id;
    let status = brand.identity_status.as_str();
    let description = match event_type {
        "BRAND_ADD" => format!("Brand {id} ({name}) is added"),
        "BRAND_UPDATE" => format!("Brand {id} ({name}) is updated"),
        "BRAND_DELETE" => format!("Brand {id} ({name}) is deleted"),
        "BRAND_REVET" => format!("Brand {id} ({name}) is submitted for revet"),
        "BRAND_SCORE_UPDATE" => format!("Brand {id} ({name}) entity score is updated"),
        "BRAND_IDENTITY_STATUS_UPDATE" => {
            format!("Brand {id} ({name}) identity status is updated to {status}")
        }
        "BRAND_MOCK_OTP" => format!("Mock OTP for brand {id} ({name}) is sent"),
        "BRAND_OTP_VERIFIED" => format!("Brand {id} ({name}) mobile phone is verified by OTP"),
        "BRAND_APPEAL_ADD" => format!("Brand {id} ({name}) identity appeal is submitted"),
        _ => format!("Brand {id} ({name}): {event_type}"),
    };
    let mut event = json!({
        "eventType": event_type,
        "cspId": sim.config.csp_id,
        "cspName": sim.config.csp_name,
        "brandId": id,
        "brandName": name,
        "brandReferenceId": brand.fields.get("referenceId"),
        "description": description,
        "mock": brand.fields.mock,
    });
    if event_type == "BRAND_IDENTITY_STATUS_UPDATE" {
        event["brandIdentityStatus"] = json!(status);
    }
    event
}

/// A campaign event: the brand's fields, `campaignId`, `campaignReferenceId` (`null` without
/// one) and the campaign's `mock`.
pub(super) fn campaign_event(
    sim: &Sim,
    event_type: &str,
    campaign: &CampaignRecord,
    brand: &BrandRecord,
    description: String,
) -> Value {
    let mut event = brand_event(sim, event_type, brand);
    event["campaignId"] = json!(campaign.campaign_id);
    event["campaignReferenceId"] = json!(campaign.fields.get("referenceId"));
    event["description"] = json!(description);
    event["mock"] = json!(campaign.mock);
    event
}

/// A carrier's campaign event (`MNO_CAMPAIGN_OPERATION_*`): a campaign event plus `mnoId` (a
/// number) and `mnoName`.
pub(super) fn mno_event(
    sim: &Sim,
    event_type: &str,
    campaign: &CampaignRecord,
    brand: &BrandRecord,
    mno: &Mno,
    description: String,
) -> Value {
    let mut event = campaign_event(sim, event_type, campaign, brand, description);
    event["mnoId"] = json!(mno.network_id);
    event["mnoName"] = json!(mno.name);
    event
}

/// A vetting event (`EVP_REPORT_*`): the brand's fields plus `evpId`, `evpName`, `vettingId`
/// and `vettingClass`.
pub(super) fn vetting_event(
    sim: &Sim,
    event_type: &str,
    brand: &BrandRecord,
    vetting: &Vetting,
    description: String,
) -> Value {
    let mut event = brand_event(sim, event_type, brand);
    event["evpId"] = json!(vetting.evp_id);
    event["evpName"] = json!(enums::vetting_provider(vetting.evp_id).map(|p| p.name));
    event["vettingId"] = json!(vetting.vetting_id);
    event["vettingClass"] = json!(vetting.class);
    event["description"] = json!(description);
    event
}
