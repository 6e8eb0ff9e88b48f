//! The TCR port: what the domain needs from The Campaign Registry, with no notion of HTTP.
mod campaigns;
mod dates;
mod event_type;
mod files;
mod partners;
mod vetting;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub use campaigns::*;
pub use dates::{parse_tcr_date, parse_tcr_time, tcr_day, tcr_time};
pub use event_type::{IdentityRecord, TcrEventType};
pub use files::*;
pub use partners::*;
pub use vetting::*;

use crate::ids::{TcrBrandId, TcrCampaignId, TcrResellerId};
use crate::values::{BrandRelationship, IdentityStatus, Reported, TcrBrandStatus};

/// One call made to TCR, kept with the event that records its outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TcrCall {
    pub method: String,
    /// Path below the CSP API base, e.g. `/brand/nonBlocking`.
    pub endpoint: String,
    /// `None` when no HTTP answer arrived (timeout, connection refused).
    pub http_status: Option<u16>,
    pub latency_ms: u64,
}

/// A TCR business error, as TCR sends it in a `400` array.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TcrApiError {
    pub code: i64,
    pub description: String,
    #[serde(default)]
    pub fields: Vec<String>,
}

/// TCR's reference catalogues tendlc reads, TCR being the authority on them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TcrCatalogue {
    /// `GET /error`: error code → description.
    Errors,
    Countries,
    UsStates,
    ApprovedPublicCompanies,
    VettingFeedbackCodes,
    OptionalAttributeNames,
    ExtVettingAppealCategories,
    BrandAppealCategories,
    StockExchanges,
    AltBusinessIdTypes,
    BrandRelationships,
    RejectionCategories,
    SuspensionCategories,
}

impl TcrCatalogue {
    pub const ALL: &'static [TcrCatalogue] = &[
        Self::Errors,
        Self::Countries,
        Self::UsStates,
        Self::ApprovedPublicCompanies,
        Self::VettingFeedbackCodes,
        Self::OptionalAttributeNames,
        Self::ExtVettingAppealCategories,
        Self::BrandAppealCategories,
        Self::StockExchanges,
        Self::AltBusinessIdTypes,
        Self::BrandRelationships,
        Self::RejectionCategories,
        Self::SuspensionCategories,
    ];

    /// Its path under TCR's base URL.
    pub fn path(self) -> &'static str {
        match self {
            Self::Errors => "/error",
            Self::Countries => "/enum/country",
            Self::UsStates => "/enum/usState",
            Self::ApprovedPublicCompanies => "/enum/approvedPublicCompany",
            Self::VettingFeedbackCodes => "/enum/vettingFeedbackCode",
            Self::OptionalAttributeNames => "/enum/optionalAttributeNames",
            Self::ExtVettingAppealCategories => "/enum/extVettingAppealCategory",
            Self::BrandAppealCategories => "/enum/brandAppealCategory",
            Self::StockExchanges => "/enum/stockExchange",
            Self::AltBusinessIdTypes => "/enum/altBusinessIdType",
            Self::BrandRelationships => "/enum/brandRelationship",
            Self::RejectionCategories => "/enum/rejectionCategory",
            Self::SuspensionCategories => "/enum/suspensionCategory",
        }
    }

    /// Its name in tendlc's API (`/v1/tcr/catalogues/{name}`).
    pub fn name(self) -> &'static str {
        match self {
            Self::Errors => "errors",
            Self::Countries => "countries",
            Self::UsStates => "us-states",
            Self::ApprovedPublicCompanies => "approved-public-companies",
            Self::VettingFeedbackCodes => "vetting-feedback-codes",
            Self::OptionalAttributeNames => "optional-attribute-names",
            Self::ExtVettingAppealCategories => "external-vetting-appeal-categories",
            Self::BrandAppealCategories => "brand-appeal-categories",
            Self::StockExchanges => "stock-exchanges",
            Self::AltBusinessIdTypes => "alt-business-id-types",
            Self::BrandRelationships => "brand-relationships",
            Self::RejectionCategories => "rejection-categories",
            Self::SuspensionCategories => "suspension-categories",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|c| c.name() == name)
    }
}

/// TCR codes that say "temporary, retry in 30 s" (and TCR's own internal error).
pub const RETRYABLE_TCR_CODES: &[i64] = &[590, 591, 620, 630];

/// Why a TCR call did not succeed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TcrError {
    /// TCR refused the request with its own error codes (HTTP 400).
    #[error("TCR refused the request: {}", describe(.0))]
    Rejected(Vec<TcrApiError>),
    /// TCR did not accept our credentials (HTTP 401).
    #[error("TCR rejected the configured API credentials")]
    Unauthorized,
    /// TCR's rate limit was hit (HTTP 429).
    #[error("TCR rate limit exceeded")]
    RateLimited,
    /// TCR failed (HTTP 5xx).
    #[error("TCR failed with HTTP {status}")]
    ServerError { status: u16 },
    /// No answer within our time budget.
    #[error("TCR did not answer in time")]
    Timeout,
    /// TCR could not be reached at all.
    #[error("TCR could not be reached: {0}")]
    Unreachable(String),
    /// TCR answered that it did what was asked (2xx) with a body we cannot read: it may well
    /// have acted, so this is never taken for a refusal.
    #[error("TCR answered HTTP {status} with a body tendlc cannot read: {detail}")]
    UnreadableAnswer { status: u16, detail: String },
    /// TCR answered with something we cannot read, and not a success.
    #[error("TCR sent an unexpected response (HTTP {status}): {detail}")]
    UnexpectedResponse { status: u16, detail: String },
}

/// The reason recorded for an action whose process died after sending it, before TCR's answer
/// was recorded (the healer's): like a timeout, TCR may have acted.
pub const INTERRUPTED: &str = "interrupted";

fn describe(errors: &[TcrApiError]) -> String {
    errors
        .iter()
        .map(|e| format!("{} {}", e.code, e.description))
        .collect::<Vec<_>>()
        .join("; ")
}

impl TcrError {
    /// Whether TCR may have done what was asked although no answer says so (a timeout, a
    /// failure of TCR or of the connection after the request left, an unreadable success): the
    /// outcome is unknown, so nothing is sent again before TCR is asked what it holds.
    pub fn may_have_acted(&self) -> bool {
        Self::kind_may_have_acted(self.kind())
    }

    /// [`TcrError::may_have_acted`] for a failure as recorded (its [`TcrError::kind`], or
    /// [`INTERRUPTED`] for an action whose process died before TCR's answer was recorded).
    pub fn kind_may_have_acted(kind: &str) -> bool {
        matches!(
            kind,
            "timeout" | "server_error" | "unreachable" | "unreadable_answer" | INTERRUPTED
        )
    }

    /// Whether trying the same call again later may succeed (or, when TCR may have acted,
    /// finding what it did): a registration stays pending while this holds.
    pub fn retryable(&self) -> bool {
        match self {
            TcrError::Rejected(errors) => {
                !errors.is_empty() && errors.iter().all(|e| RETRYABLE_TCR_CODES.contains(&e.code))
            }
            TcrError::Unauthorized => false,
            TcrError::RateLimited => true,
            TcrError::ServerError { .. } => true,
            TcrError::Timeout => true,
            TcrError::Unreachable(_) => true,
            TcrError::UnreadableAnswer { .. } => true,
            TcrError::UnexpectedResponse { .. } => false,
        }
    }

    /// A stable machine name for the kind of failure.
    pub fn kind(&self) -> &'static str {
        match self {
            TcrError::Rejected(_) => "rejected",
            TcrError::Unauthorized => "unauthorized",
            TcrError::RateLimited => "rate_limited",
            TcrError::ServerError { .. } => "server_error",
            TcrError::Timeout => "timeout",
            TcrError::Unreachable(_) => "unreachable",
            TcrError::UnreadableAnswer { .. } => "unreadable_answer",
            TcrError::UnexpectedResponse { .. } => "unexpected_response",
        }
    }

    /// What a failure event records of it: `(reason, message, tcr_errors, retryable)`.
    pub fn record_parts(&self) -> (String, String, Vec<TcrApiError>, bool) {
        (
            self.kind().to_string(),
            self.to_string(),
            self.tcr_errors().to_vec(),
            self.retryable(),
        )
    }

    /// TCR's own errors, when it sent any.
    pub fn tcr_errors(&self) -> &[TcrApiError] {
        match self {
            TcrError::Rejected(errors) => errors,
            _ => &[],
        }
    }
}

/// The answer to one TCR call together with the record of the call itself.
#[derive(Debug, Clone)]
pub struct TcrReply<T> {
    pub call: TcrCall,
    pub result: Result<T, TcrError>,
}

/// A brand as TCR's `BrandRequest` / `UpdateBrand_CSP` spell it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TcrBrandRequest {
    pub entity_type: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    pub display_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub company_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ein: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ein_issuing_country: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alt_business_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alt_business_id_type: Option<String>,
    pub phone: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mobile_phone: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub street: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub postal_code: Option<String>,
    pub country: String,
    pub email: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stock_symbol: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stock_exchange: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub website: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub brand_relationship: Option<BrandRelationship>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vertical: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub business_contact_email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mock: Option<bool>,
}

/// The parts of TCR's `Brand_CSP` answer tendlc keeps.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TcrBrand {
    pub brand_id: TcrBrandId,
    #[serde(default)]
    pub status: Option<Reported<TcrBrandStatus>>,
    #[serde(default)]
    pub identity_status: Option<Reported<IdentityStatus>>,
    #[serde(default)]
    pub reference_id: Option<String>,
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub entity_type: Option<String>,
    /// Every other field TCR answered, as it spelled it: what it holds of the profile.
    #[serde(flatten)]
    pub held: BTreeMap<String, serde_json::Value>,
}

impl TcrBrand {
    /// The field TCR answered under `name` (its own spelling), if it did.
    pub fn field(&self, name: &str) -> Option<serde_json::Value> {
        match name {
            "displayName" => self.display_name.clone().map(Into::into),
            "entityType" => self.entity_type.clone().map(Into::into),
            _ => self.held.get(name).cloned(),
        }
    }
}

/// One TCR vertical (`GET /enum/vertical`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VerticalInfo {
    pub code: String,
    pub industry_id: Option<String>,
    pub display_name: Option<String>,
    pub description: Option<String>,
}

/// One TCR use case (`GET /enum/usecase`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UseCaseInfo {
    pub code: String,
    pub classification: Option<String>,
    pub display_name: Option<String>,
    pub description: Option<String>,
    pub min_sub_usecases: Option<i64>,
    pub max_sub_usecases: Option<i64>,
    pub valid_sub_usecase: Option<bool>,
}

/// One webhook subscription: all events of a category go to one endpoint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WebhookSubscription {
    pub event_category: String,
    pub webhook_endpoint: String,
}

/// What tendlc needs from TCR's CSP API.
/// `Reseller`: what TCR holds of a reseller.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TcrReseller {
    pub reseller_id: TcrResellerId,
    #[serde(default)]
    pub company_name: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
}

/// `Reseller` / `UpdateReseller` as sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TcrResellerRequest {
    pub company_name: String,
    pub phone: String,
    pub email: String,
}

#[async_trait]
pub trait TcrPort: Send + Sync {
    /// `POST /brand/nonBlocking`.
    async fn create_brand(&self, brand: &TcrBrandRequest) -> TcrReply<TcrBrand>;
    /// `GET /brand/{brandId}`.
    async fn get_brand(&self, tcr_brand_id: &TcrBrandId) -> TcrReply<TcrBrand>;
    /// `PUT /brand/{brandId}`.
    async fn update_brand(
        &self,
        tcr_brand_id: &TcrBrandId,
        brand: &TcrBrandRequest,
    ) -> TcrReply<TcrBrand>;
    /// `GET /brand?referenceId=`: the brand TCR holds for our reference, if any.
    async fn find_brand_by_reference(&self, reference_id: &str) -> TcrReply<Option<TcrBrand>>;
    /// `GET /enum/entityType`.
    async fn entity_types(&self) -> TcrReply<Vec<String>>;
    /// `GET /enum/vertical`.
    async fn verticals(&self) -> TcrReply<Vec<VerticalInfo>>;
    /// `GET /enum/usecase`.
    async fn use_cases(&self) -> TcrReply<Vec<UseCaseInfo>>;
    /// One of TCR's reference catalogues, as TCR answers it (`GET /error`, `GET /enum/...`).
    async fn catalogue(&self, catalogue: TcrCatalogue) -> TcrReply<serde_json::Value>;
    /// The categories one vetting provider's vets may be appealed for
    /// (`GET /enum/extVettingAppealCategory?evpId=`), as `[{id, displayName, description}]`.
    async fn vetting_appeal_categories(&self, evp_id: &str) -> TcrReply<serde_json::Value>;
    /// `GET /webhook/subscription`.
    async fn webhook_subscriptions(&self) -> TcrReply<Vec<WebhookSubscription>>;
    /// `PUT /webhook/subscription`.
    async fn subscribe_webhook(
        &self,
        subscription: &WebhookSubscription,
    ) -> TcrReply<WebhookSubscription>;

    // -- brand vetting and identity ------------------------------------------------------------

    /// `DELETE /brand/{brandId}`.
    async fn delete_brand(&self, tcr_brand_id: &TcrBrandId) -> TcrReply<()>;
    /// `PUT /brand/{brandId}/revet`: the brand (200), or none while TCR works on it (202).
    async fn revet_brand(&self, tcr_brand_id: &TcrBrandId) -> TcrReply<Option<TcrBrand>>;
    /// `GET /brand/feedback/{brandId}`.
    async fn brand_feedback(&self, tcr_brand_id: &TcrBrandId) -> TcrReply<TcrFeedback>;
    /// `POST /brand/{brandId}/externalVetting`.
    async fn order_vetting(
        &self,
        tcr_brand_id: &TcrBrandId,
        order: &TcrVettingOrder,
    ) -> TcrReply<TcrVetting>;
    /// `PUT /brand/{brandId}/externalVetting`.
    async fn import_vetting(
        &self,
        tcr_brand_id: &TcrBrandId,
        import: &TcrVettingImport,
    ) -> TcrReply<TcrVetting>;
    /// `GET /brand/{brandId}/externalVetting`.
    async fn vettings(&self, tcr_brand_id: &TcrBrandId) -> TcrReply<Vec<TcrVetting>>;
    /// `POST /brand/{brandId}/appeal` (TCR answers 204).
    async fn appeal_brand(
        &self,
        tcr_brand_id: &TcrBrandId,
        appeal: &TcrAppealRequest,
    ) -> TcrReply<()>;
    /// `GET /brand/{brandId}/appeal`.
    async fn brand_appeals(&self, tcr_brand_id: &TcrBrandId) -> TcrReply<Vec<TcrAppeal>>;
    /// `POST /brand/{brandId}/smsOtp`.
    async fn send_otp(
        &self,
        tcr_brand_id: &TcrBrandId,
        pin_sms: &str,
        success_sms: Option<&str>,
    ) -> TcrReply<TcrOtpSent>;
    /// `PUT /brand/{brandId}/smsOtp`.
    async fn verify_otp(&self, tcr_brand_id: &TcrBrandId, otp_pin: &str) -> TcrReply<()>;
    /// `POST /brand/{brandId}/2faEmail?vettingClass=AUTHPLUS`: resend the Authentication+ 2FA
    /// e-mail to the business contact (204). TCR refuses with 565 when no Auth+ vet was started
    /// in the last 30 days (or it failed) and 592 once 2FA is complete; it sends at most one
    /// e-mail per 2 hours.
    async fn resend_auth_plus_email(&self, tcr_brand_id: &TcrBrandId) -> TcrReply<()>;
    /// `GET /brand/smsOtp/{referenceId}`.
    async fn otp_status(&self, reference_id: &str) -> TcrReply<TcrOtpStatus>;

    // -- campaigns -----------------------------------------------------------------------------

    /// `GET /campaignBuilder/brand/{brandId}/usecase/{usecase}`.
    async fn qualify(
        &self,
        tcr_brand_id: &TcrBrandId,
        usecase: &str,
    ) -> TcrReply<UsecaseQualification>;
    /// `POST /campaignBuilder`.
    async fn create_campaign(
        &self,
        campaign: &TcrCampaignRequest,
    ) -> TcrReply<TcrCampaignSubmission>;
    /// `GET /campaign/{campaignId}`.
    async fn get_campaign(&self, tcr_campaign_id: &TcrCampaignId) -> TcrReply<TcrCampaign>;
    /// `GET /campaign?referenceId=`: the campaign TCR holds for our reference, if any.
    async fn find_campaign_by_reference(&self, reference_id: &str)
        -> TcrReply<Option<TcrCampaign>>;
    /// `PUT /campaign/{campaignId}`.
    async fn update_campaign(
        &self,
        tcr_campaign_id: &TcrCampaignId,
        update: &TcrCampaignUpdate,
    ) -> TcrReply<TcrCampaign>;
    /// `DELETE /campaign/{campaignId}`.
    async fn deactivate_campaign(&self, tcr_campaign_id: &TcrCampaignId) -> TcrReply<()>;
    /// `GET /campaign/{campaignId}/operationStatus`.
    async fn operation_status(
        &self,
        tcr_campaign_id: &TcrCampaignId,
    ) -> TcrReply<OperationStatuses>;
    /// `GET /campaign/{campaignId}/mnoMetadata`.
    async fn campaign_mno_metadata(
        &self,
        tcr_campaign_id: &TcrCampaignId,
    ) -> TcrReply<std::collections::BTreeMap<String, MnoTerms>>;
    /// `PUT /campaign/{campaignId}/resubmit`.
    async fn resubmit_campaign(
        &self,
        tcr_campaign_id: &TcrCampaignId,
        mno_ids: &[u32],
    ) -> TcrReply<TcrCampaignSubmission>;
    /// `POST /campaign/{campaignId}/nudge`.
    async fn nudge_campaign(
        &self,
        tcr_campaign_id: &TcrCampaignId,
        nudge: &TcrNudge,
    ) -> TcrReply<()>;
    /// `PUT /campaign/{campaignId}/sharing/{upstreamCnpId}`.
    async fn share_campaign(
        &self,
        tcr_campaign_id: &TcrCampaignId,
        upstream_cnp_id: &str,
    ) -> TcrReply<TcrSharing>;
    /// `GET /campaign/{campaignId}/sharing`: how the campaign is shared upstream, if at all.
    async fn campaign_sharing(
        &self,
        tcr_campaign_id: &TcrCampaignId,
    ) -> TcrReply<Option<TcrSharing>>;

    // -- files: evidence, MMS media, supporting documents, vetting reports ---------------------

    /// `POST` a file (multipart `file`) to the target's endpoint.
    async fn upload_file(
        &self,
        target: &TcrFileTarget,
        file: &TcrFileUpload<'_>,
    ) -> TcrReply<TcrAttachment>;
    /// `GET` the target's files.
    async fn files(&self, target: &TcrFileTarget) -> TcrReply<Vec<TcrAttachment>>;
    /// `GET /attachment/{attachmentId}`.
    async fn download_attachment(&self, attachment_id: &str) -> TcrReply<TcrDownload>;
    /// `POST /brand/{brandId}/externalVetting/appeal`.
    async fn appeal_vetting(
        &self,
        tcr_brand_id: &TcrBrandId,
        appeal: &TcrVettingAppealRequest,
    ) -> TcrReply<()>;
    /// `GET /brand/{brandId}/externalVetting/appeal`.
    async fn vetting_appeals(&self, tcr_brand_id: &TcrBrandId) -> TcrReply<Vec<TcrVettingAppeal>>;
    /// `GET /brand/{brandId}/externalVetting/enhancedVettingReport`.
    async fn enhanced_vetting_reports(
        &self,
        tcr_brand_id: &TcrBrandId,
    ) -> TcrReply<Vec<TcrAttachment>>;

    // -- the partner's side and CNP migration ------------------------------------------------

    /// `GET /partnerCampaign/sharedWithMe` (one page, 1-based).
    async fn campaigns_shared_with_me(&self, page: u32) -> TcrReply<TcrPartnerCampaignPage>;
    /// `GET /partnerCampaign/sharedByMe` (one page, 1-based).
    async fn campaigns_shared_by_me(&self, page: u32) -> TcrReply<TcrPartnerCampaignPage>;
    /// `GET /partnerCampaign/{campaignId}`.
    async fn partner_campaign(
        &self,
        tcr_campaign_id: &TcrCampaignId,
    ) -> TcrReply<TcrPartnerCampaign>;
    /// `GET /partnerCampaign/{campaignId}/mnoMetadata`.
    async fn partner_campaign_mno_metadata(
        &self,
        tcr_campaign_id: &TcrCampaignId,
    ) -> TcrReply<BTreeMap<String, MnoTerms>>;
    /// `GET /partnerCampaign/{campaignId}/operationStatus`.
    async fn partner_campaign_operation_status(
        &self,
        tcr_campaign_id: &TcrCampaignId,
    ) -> TcrReply<OperationStatuses>;
    /// `GET /partnerCampaign/{campaignId}/sharing`.
    async fn partner_campaign_sharing(
        &self,
        tcr_campaign_id: &TcrCampaignId,
    ) -> TcrReply<TcrSharingChain>;
    /// `PUT /partnerCampaign/{campaignId}/sharing/{upstreamCnpId}`: accept a campaign shared
    /// with us by sharing it further upstream.
    async fn reshare_partner_campaign(
        &self,
        tcr_campaign_id: &TcrCampaignId,
        upstream_cnp_id: &str,
    ) -> TcrReply<TcrSharingLink>;
    /// `DELETE /partnerCampaign/{campaignId}/sharing`.
    async fn decline_partner_campaign(
        &self,
        tcr_campaign_id: &TcrCampaignId,
        decline: &TcrPartnerDecline,
    ) -> TcrReply<TcrSharingLink>;
    /// `POST /campaign/{campaignId}/migrateCnp/{upstreamCnpId}` (TCR answers 204).
    async fn start_cnp_migration(
        &self,
        tcr_campaign_id: &TcrCampaignId,
        upstream_cnp_id: &str,
    ) -> TcrReply<()>;
    /// `GET /campaign/{campaignId}/migrateCnp`.
    async fn cnp_migration(&self, tcr_campaign_id: &TcrCampaignId) -> TcrReply<TcrCnpMigration>;
    /// `DELETE /campaign/{campaignId}/migrateCnp` (TCR answers 204).
    async fn cancel_cnp_migration(
        &self,
        tcr_campaign_id: &TcrCampaignId,
        explanation: Option<&str>,
    ) -> TcrReply<()>;
    /// `GET /settings/cnpMigration`.
    async fn cnp_migration_settings(&self) -> TcrReply<TcrCnpMigrationSettings>;
    /// `PUT /settings/cnpMigration`.
    async fn update_cnp_migration_settings(
        &self,
        settings: &TcrCnpMigrationSettings,
    ) -> TcrReply<TcrCnpMigrationSettings>;

    // -- resellers -----------------------------------------------------------------------------

    /// `POST /reseller`.
    async fn create_reseller(&self, reseller: &TcrResellerRequest) -> TcrReply<TcrReseller>;
    /// `GET /reseller?companyName=`: the reseller TCR holds under exactly this name (ignoring
    /// case), if any.
    async fn find_reseller_by_name(&self, company_name: &str) -> TcrReply<Option<TcrReseller>>;
    /// `PUT /reseller/{resellerId}`.
    async fn update_reseller(
        &self,
        tcr_reseller_id: &TcrResellerId,
        reseller: &TcrResellerRequest,
    ) -> TcrReply<TcrReseller>;
    /// `DELETE /reseller/{resellerId}`.
    async fn delete_reseller(&self, tcr_reseller_id: &TcrResellerId) -> TcrReply<()>;
}
