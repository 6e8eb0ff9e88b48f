//! What was sent to TCR, exactly: each request a brand's or campaign's events recorded, rebuilt
//! into the body TCR received by the same domain functions that built it then (the profile as
//! recorded, TCR's field names), secrets removed.
use chrono::{DateTime, Utc};
use cqrs_es::Aggregate;
use serde::Serialize;
use serde_json::Value;
use std::collections::HashMap;
use tendlc_domain::brand::{Brand, BrandAction, BrandEvent};
use tendlc_domain::campaign::{Campaign, CampaignAction, CampaignEvent};

use crate::history::redacted;
use crate::stream::StoredEvent;

/// One request to TCR.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SubmittedRequest {
    /// The event that recorded the request (its global position).
    pub position: i64,
    pub recorded_at: DateTime<Utc>,
    pub aggregate_type: String,
    pub aggregate_id: String,
    pub event_type: String,
    pub actor: Option<String>,
    pub request_id: Option<String>,
    /// `METHOD /path` at TCR (`{brandId}`/`{campaignId}` once TCR's id is known).
    pub endpoint: String,
    /// The body TCR received; absent for requests without one.
    pub body: Option<Value>,
}

/// The requests `events` (a brand's and its campaigns', in commit order) recorded.
pub fn requests(events: &[StoredEvent]) -> Vec<SubmittedRequest> {
    let mut brands: HashMap<String, Brand> = HashMap::new();
    let mut campaigns: HashMap<String, Campaign> = HashMap::new();
    let mut out = vec![];
    for event in events {
        let request = |endpoint: String, body: Option<Value>| SubmittedRequest {
            position: event.global_position,
            recorded_at: event.recorded_at,
            aggregate_type: event.aggregate_type.clone(),
            aggregate_id: event.aggregate_id.clone(),
            event_type: event.event_type.clone(),
            actor: event.meta("actor").map(str::to_string),
            request_id: event.meta("request_id").map(str::to_string),
            endpoint,
            body: body.map(redacted),
        };
        match event.aggregate_type.as_str() {
            "Brand" => {
                let Ok(decoded) = event.decode::<BrandEvent>() else {
                    continue;
                };
                let brand = brands.entry(event.aggregate_id.clone()).or_default();
                let tcr = brand
                    .tcr_brand_id
                    .as_ref()
                    .map_or("{brandId}".to_string(), |id| id.to_string());
                match &decoded {
                    BrandEvent::BrandRegistrationRequested {
                        reference_id,
                        brand_relationship,
                        profile,
                        ..
                    } => out.push(request(
                        "POST /brand/nonBlocking".into(),
                        serde_json::to_value(
                            profile.to_tcr_request(*brand_relationship, Some(reference_id)),
                        )
                        .ok(),
                    )),
                    BrandEvent::BrandUpdateRequested { profile, .. } => {
                        if let Some(relationship) = brand.brand_relationship {
                            out.push(request(
                                format!("PUT /brand/{tcr}"),
                                serde_json::to_value(
                                    profile.to_tcr_request(
                                        relationship,
                                        brand.reference_id.as_deref(),
                                    ),
                                )
                                .ok(),
                            ));
                        }
                    }
                    BrandEvent::BrandActionRequested { action } => {
                        let endpoint = match action {
                            BrandAction::OrderVetting { .. } => {
                                format!("POST /brand/{tcr}/externalVetting")
                            }
                            BrandAction::ImportVetting { .. } => {
                                format!("PUT /brand/{tcr}/externalVetting")
                            }
                            BrandAction::Revet => format!("PUT /brand/{tcr}/revet"),
                            BrandAction::Appeal { .. } => format!("POST /brand/{tcr}/appeal"),
                            BrandAction::SendOtp => format!("POST /brand/{tcr}/smsOtp"),
                            BrandAction::VerifyOtp => format!("PUT /brand/{tcr}/smsOtp"),
                            BrandAction::Delete => format!("DELETE /brand/{tcr}"),
                            BrandAction::UploadEvidence { .. } => {
                                format!("POST /brand/{tcr}/appeal/evidence")
                            }
                            BrandAction::AppealVetting { .. } => {
                                format!("POST /brand/{tcr}/externalVetting/appeal")
                            }
                            BrandAction::ResendAuthPlusEmail { .. } => {
                                format!("POST /brand/{tcr}/2faEmail?vettingClass=AUTHPLUS")
                            }
                        };
                        out.push(request(endpoint, serde_json::to_value(action).ok()));
                    }
                    _ => {}
                }
                brand.apply(decoded);
            }
            "Campaign" => {
                let Ok(decoded) = event.decode::<CampaignEvent>() else {
                    continue;
                };
                let campaign = campaigns.entry(event.aggregate_id.clone()).or_default();
                let tcr = campaign
                    .tcr_campaign_id
                    .as_ref()
                    .map_or("{campaignId}".to_string(), |id| id.to_string());
                match &decoded {
                    CampaignEvent::CampaignRegistrationRequested {
                        tcr_brand_id,
                        reference_id,
                        profile,
                        ..
                    } => out.push(request(
                        "POST /campaignBuilder".into(),
                        serde_json::to_value(profile.to_tcr_request(tcr_brand_id, reference_id))
                            .ok(),
                    )),
                    CampaignEvent::CampaignActionRequested { action } => {
                        let (endpoint, body) = match action {
                            CampaignAction::Update { profile, .. } => (
                                format!("PUT /campaign/{tcr}"),
                                serde_json::to_value(profile.to_tcr_update()).ok(),
                            ),
                            CampaignAction::Deactivate => (format!("DELETE /campaign/{tcr}"), None),
                            CampaignAction::Resubmit { mno_ids } => (
                                format!("PUT /campaign/{tcr}/resubmit"),
                                Some(serde_json::json!({
                                    "mnoIds": mno_ids.iter().map(|m| m.0).collect::<Vec<_>>()
                                })),
                            ),
                            CampaignAction::AttachFile { purpose, file } => (
                                format!(
                                    "POST /campaign/{tcr}/{}",
                                    match purpose {
                                        tendlc_domain::attachment::AttachmentUse::MmsSample =>
                                            "mms",
                                        _ => "supportingDocument",
                                    }
                                ),
                                serde_json::to_value(file).ok(),
                            ),
                            CampaignAction::MigrateCnp { upstream_cnp_id } => (
                                format!("POST /campaign/{tcr}/migrateCnp/{upstream_cnp_id}"),
                                None,
                            ),
                            CampaignAction::CancelCnpMigration { explanation } => (
                                format!("DELETE /campaign/{tcr}/migrateCnp"),
                                explanation
                                    .as_ref()
                                    .map(|e| serde_json::json!({ "explanation": e })),
                            ),
                            CampaignAction::Nudge { .. } | CampaignAction::Share { .. } => (
                                format!("POST /campaign/{tcr}/{}", action.name()),
                                serde_json::to_value(action).ok(),
                            ),
                        };
                        out.push(request(endpoint, body));
                    }
                    _ => {}
                }
                campaign.apply(decoded);
            }
            _ => {}
        }
    }
    out
}
