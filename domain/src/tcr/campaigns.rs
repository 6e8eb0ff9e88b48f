//! Campaign-side shapes of the TCR port: qualification, campaign requests and records,
//! per-carrier status and sharing.
use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::dates::tcr_day;
use crate::ids::{TcrBrandId, TcrCampaignId};
use crate::values::{NudgeIntent, OperationStatus, Reported, SharingStatus, TcrCampaignStatus};

/// One carrier's terms for a use case (TCR `Metadata`). Carrier-specific fields are `None`
/// for the other carriers.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct MnoTerms {
    #[serde(default)]
    pub mno: Option<String>,
    #[serde(default)]
    pub mno_support: Option<bool>,
    /// The carrier reviews the campaign by hand.
    #[serde(default)]
    pub mno_review: Option<bool>,
    #[serde(default)]
    pub qualify: Option<bool>,
    #[serde(default)]
    pub min_msg_samples: Option<u32>,
    #[serde(default)]
    pub req_subscriber_optin: Option<bool>,
    #[serde(default)]
    pub req_subscriber_optout: Option<bool>,
    #[serde(default)]
    pub req_subscriber_help: Option<bool>,
    #[serde(default)]
    pub no_embedded_link: Option<bool>,
    #[serde(default)]
    pub no_embedded_phone: Option<bool>,
    /// AT&T message class.
    #[serde(default)]
    pub msg_class: Option<String>,
    /// AT&T SMS throughput per minute.
    #[serde(default)]
    pub tpm: Option<u32>,
    #[serde(default)]
    pub mms_tpm: Option<u32>,
    #[serde(default)]
    pub tpm_scope: Option<String>,
    /// T-Mobile brand tier.
    #[serde(default)]
    pub brand_tier: Option<String>,
    /// T-Mobile daily message cap; `None` when uncapped.
    #[serde(default)]
    pub brand_daily_cap: Option<u64>,
}

impl MnoTerms {
    /// TCR says the carrier takes this use case (absent flags count as yes, as TCR omits them).
    pub fn qualifies(&self) -> bool {
        self.qualify.unwrap_or(true) && self.mno_support.unwrap_or(true)
    }
}

/// What TCR's campaign builder says about a brand and a use case (TCR `UsecaseMetadata`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct UsecaseQualification {
    pub usecase: String,
    #[serde(default)]
    pub monthly_fee: Option<f64>,
    #[serde(default)]
    pub quarterly_fee: Option<f64>,
    #[serde(default)]
    pub annual_fee: Option<f64>,
    #[serde(default)]
    pub min_sub_usecases: Option<u32>,
    #[serde(default)]
    pub max_sub_usecases: Option<u32>,
    /// Per carrier, keyed by TCR network id (`"10017"`).
    #[serde(default)]
    pub mno_metadata: BTreeMap<String, MnoTerms>,
}

/// A campaign as TCR's `CampaignRequest` spells it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TcrCampaignRequest {
    pub brand_id: TcrBrandId,
    pub usecase: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sub_usecases: Vec<String>,
    pub reseller_id: String,
    pub description: String,
    pub message_flow: String,
    #[serde(flatten)]
    pub fields: TcrCampaignFields,
    pub subscriber_optin: bool,
    pub subscriber_optout: bool,
    pub subscriber_help: bool,
    pub terms_and_conditions: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub mno_ids: Vec<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference_id: Option<String>,
}

/// The fields TCR lets a campaign change after creation (`UpdateCampaign_CSP`), shared by the
/// create and update requests.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TcrCampaignFields {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sample1: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sample2: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sample3: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sample4: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sample5: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help_message: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub optin_message: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub optout_message: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub optin_keywords: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub optout_keywords: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help_keywords: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub embedded_link_sample: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub privacy_policy_link: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub terms_and_conditions_link: Option<String>,
    pub embedded_link: bool,
    pub embedded_phone: bool,
    pub number_pool: bool,
    pub age_gated: bool,
    pub direct_lending: bool,
    pub auto_renewal: bool,
}

/// `PUT /campaign/{id}`: the changeable fields, plus the description and flow.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TcrCampaignUpdate {
    pub description: String,
    pub message_flow: String,
    pub reseller_id: String,
    #[serde(flatten)]
    pub fields: TcrCampaignFields,
}

/// What TCR answers to a create or a resubmission (`CampaignSubmissionResponse`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TcrCampaignSubmission {
    pub campaign_id: TcrCampaignId,
    #[serde(default)]
    pub mno_metadata: BTreeMap<String, MnoTerms>,
}

/// The parts of TCR's `Campaign_CSP_EX` tendlc keeps.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TcrCampaign {
    pub campaign_id: TcrCampaignId,
    #[serde(default)]
    pub brand_id: Option<TcrBrandId>,
    #[serde(default)]
    pub status: Option<Reported<TcrCampaignStatus>>,
    #[serde(default)]
    pub reference_id: Option<String>,
    #[serde(default)]
    pub monthly_fee: Option<f64>,
    #[serde(default, deserialize_with = "tcr_day")]
    pub billed_date: Option<NaiveDate>,
    #[serde(default, deserialize_with = "tcr_day")]
    pub next_renewal_or_expiration_date: Option<NaiveDate>,
    #[serde(default, deserialize_with = "tcr_day")]
    pub expiration_date: Option<NaiveDate>,
    /// Every other field TCR answered, as it spelled it: what it holds of the campaign.
    #[serde(flatten)]
    pub held: BTreeMap<String, serde_json::Value>,
}

/// Per carrier (TCR network id as text), what it says of the campaign.
pub type OperationStatuses = BTreeMap<String, Reported<OperationStatus>>;

/// `POST /campaign/{id}/nudge`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TcrNudge {
    pub nudge_intent: NudgeIntent,
    pub description: String,
}

/// Sharing a campaign with an upstream connectivity partner (`CampaignSharingStatus`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TcrSharing {
    #[serde(default)]
    pub upstream_cnp_id: Option<String>,
    pub sharing_status: Reported<SharingStatus>,
    #[serde(default)]
    pub explanation: Option<String>,
}
