//! The campaign request bodies as the OpenAPI document describes them. Validation itself is
//! `CampaignProfile` in the domain (which names every bad field); these only document it.
#![allow(dead_code)] // read by utoipa's derive only

/// TCR's `CampaignRequest` fields, with tendlc's `brandId`.
#[derive(utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CampaignRequestBody {
    /// One of your registered, VERIFIED (or VETTED_VERIFIED) brands (tendlc's id).
    #[schema(format = "uuid")]
    pub brand_id: String,
    /// A TCR use case, e.g. 2FA, MARKETING, MIXED, LOW_VOLUME.
    pub usecase: String,
    /// Sub use cases; how many depends on the use case (see qualify).
    pub sub_usecases: Option<Vec<String>>,
    #[schema(min_length = 40, max_length = 4096)]
    pub description: String,
    /// How subscribers opt in.
    #[schema(min_length = 40, max_length = 4096)]
    pub message_flow: String,
    #[schema(min_length = 20, max_length = 1024)]
    pub sample1: String,
    #[schema(min_length = 20, max_length = 1024)]
    pub sample2: Option<String>,
    #[schema(min_length = 20, max_length = 1024)]
    pub sample3: Option<String>,
    #[schema(min_length = 20, max_length = 1024)]
    pub sample4: Option<String>,
    #[schema(min_length = 20, max_length = 1024)]
    pub sample5: Option<String>,
    #[serde(flatten)]
    pub changeable: CampaignChangesBody,
    /// When true, `optinMessage` and `optinKeywords` are required.
    pub subscriber_optin: Option<bool>,
    /// When true, `optoutMessage` and `optoutKeywords` are required.
    pub subscriber_optout: Option<bool>,
    /// When true, `helpMessage` and `helpKeywords` are required.
    pub subscriber_help: Option<bool>,
    /// Must be true (default): the CSP accepts TCR's terms.
    pub terms_and_conditions: Option<bool>,
    /// TCR network ids (default: all six carriers).
    pub mno_ids: Option<Vec<u32>>,
}

/// The fields TCR lets change after creation.
#[derive(utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CampaignChangesBody {
    #[schema(min_length = 20, max_length = 1024)]
    pub help_message: Option<String>,
    #[schema(min_length = 20, max_length = 1024)]
    pub optin_message: Option<String>,
    #[schema(min_length = 20, max_length = 1024)]
    pub optout_message: Option<String>,
    /// Comma-separated, no spaces, e.g. `JOIN,START`.
    #[schema(max_length = 255)]
    pub optin_keywords: Option<String>,
    #[schema(max_length = 255)]
    pub optout_keywords: Option<String>,
    #[schema(max_length = 255)]
    pub help_keywords: Option<String>,
    pub embedded_link: Option<bool>,
    #[schema(max_length = 255)]
    pub embedded_link_sample: Option<String>,
    pub embedded_phone: Option<bool>,
    pub number_pool: Option<bool>,
    pub age_gated: Option<bool>,
    pub direct_lending: Option<bool>,
    pub auto_renewal: Option<bool>,
    #[schema(max_length = 2048)]
    pub privacy_policy_link: Option<String>,
    #[schema(max_length = 2048)]
    pub terms_and_conditions_link: Option<String>,
    /// `R000000` (none) by default; may change once, to `R000000`.
    #[schema(max_length = 8)]
    pub reseller_id: Option<String>,
}

/// A change: any of the changeable fields, plus the description, flow and samples.
#[derive(utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CampaignUpdateBody {
    #[schema(min_length = 40, max_length = 4096)]
    pub description: Option<String>,
    #[schema(min_length = 40, max_length = 4096)]
    pub message_flow: Option<String>,
    #[schema(min_length = 20, max_length = 1024)]
    pub sample1: Option<String>,
    #[schema(min_length = 20, max_length = 1024)]
    pub sample2: Option<String>,
    #[schema(min_length = 20, max_length = 1024)]
    pub sample3: Option<String>,
    #[schema(min_length = 20, max_length = 1024)]
    pub sample4: Option<String>,
    #[schema(min_length = 20, max_length = 1024)]
    pub sample5: Option<String>,
    #[serde(flatten)]
    pub changeable: CampaignChangesBody,
}
