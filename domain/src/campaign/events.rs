use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use cqrs_es::DomainEvent;
use serde::{Deserialize, Serialize};

use super::carriers::{CarrierReason, Mno};
use super::profile::CampaignProfile;
use crate::attachment::{AttachmentUse, FileRef};
use crate::ids::{BrandId, CampaignId, CustomerId, TcrBrandId, TcrCampaignId};
use crate::metadata::Source;
use crate::tcr::{MnoTerms, TcrApiError, UsecaseQualification};
use crate::values::{
    CnpMigrationStatus, NudgeIntent, OperationStatus, Reported, SharingStatus, TcrCampaignStatus,
};

/// Something a customer asks of a registered campaign; recorded before TCR is called.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum CampaignAction {
    Update {
        profile: Box<CampaignProfile>,
        changed_fields: Vec<String>,
    },
    Deactivate,
    Resubmit {
        mno_ids: Vec<Mno>,
    },
    Nudge {
        intent: NudgeIntent,
        description: String,
    },
    Share {
        upstream_cnp_id: String,
    },
    /// Attach one of the customer's files as MMS sample media or a supporting document.
    AttachFile {
        purpose: AttachmentUse,
        file: FileRef,
    },
    /// Move the campaign to another upstream connectivity partner.
    MigrateCnp {
        upstream_cnp_id: String,
    },
    /// Stop the CNP migration under way.
    CancelCnpMigration {
        explanation: Option<String>,
    },
}

impl CampaignAction {
    pub fn name(&self) -> &'static str {
        match self {
            CampaignAction::Update { .. } => "update",
            CampaignAction::Deactivate => "deactivate",
            CampaignAction::Resubmit { .. } => "resubmit",
            CampaignAction::Nudge { .. } => "nudge",
            CampaignAction::Share { .. } => "share",
            CampaignAction::AttachFile { .. } => "attach file",
            CampaignAction::MigrateCnp { .. } => "CNP migration",
            CampaignAction::CancelCnpMigration { .. } => "CNP migration cancellation",
        }
    }
}

/// What TCR bills for a campaign, as TCR last said.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Billing {
    pub monthly_fee: Option<f64>,
    pub billed_date: Option<NaiveDate>,
    pub next_renewal_or_expiration_date: Option<NaiveDate>,
}

/// Facts about one campaign. Never edited or deleted; new shapes get a new `event_version`.
// One is built per request or reading; their size does not matter, their shape does.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum CampaignEvent {
    /// A customer asked for the campaign, and TCR qualified the brand for its use case.
    CampaignRegistrationRequested {
        campaign_id: CampaignId,
        customer_id: CustomerId,
        brand_id: BrandId,
        tcr_brand_id: TcrBrandId,
        /// Our unique `referenceId` at TCR, so a retry can find a campaign TCR created silently.
        reference_id: String,
        profile: CampaignProfile,
        /// The carriers' terms TCR quoted when qualifying the brand.
        qualification: UsecaseQualification,
    },
    /// TCR holds the campaign under `tcr_campaign_id` (and has billed it).
    CampaignSubmittedToTcr {
        tcr_campaign_id: TcrCampaignId,
        reference_id: String,
        mno_terms: BTreeMap<String, MnoTerms>,
        /// True when found by reference rather than created by our call.
        adopted: bool,
    },
    /// TCR did not take the campaign; `retryable` says whether trying again may help.
    CampaignSubmissionFailed {
        reason: String,
        message: String,
        tcr_errors: Vec<TcrApiError>,
        retryable: bool,
    },
    /// Retries stopped: TCR never took the campaign.
    CampaignSubmissionAbandoned { attempts: u32, reason: String },
    /// A customer asked for a change, deactivation, resubmission, nudge or sharing.
    CampaignActionRequested { action: CampaignAction },
    /// TCR refused or failed what was asked; nothing changed at TCR.
    CampaignActionFailed {
        action: String,
        reason: String,
        message: String,
        tcr_errors: Vec<TcrApiError>,
        retryable: bool,
    },
    /// TCR accepted the change.
    CampaignUpdated {
        profile: CampaignProfile,
        changed_fields: Vec<String>,
    },
    /// TCR deactivated the campaign (EXPIRED); irreversible.
    CampaignDeactivated { source: Source },
    /// TCR sent the campaign back to these carriers for review.
    CampaignResubmitted {
        mno_ids: Vec<Mno>,
        mno_terms: BTreeMap<String, MnoTerms>,
    },
    /// TCR passed the nudge on to the carriers / DCA.
    CampaignNudged {
        intent: NudgeIntent,
        description: String,
    },
    /// TCR holds one of the customer's files on the campaign (MMS sample media or a supporting
    /// document) under `attachment_id`.
    CampaignFileAttached {
        purpose: AttachmentUse,
        file: FileRef,
        attachment_id: String,
    },
    /// Sharing with an upstream connectivity partner moved.
    CampaignSharingChanged {
        upstream_cnp_id: Option<String>,
        from: Option<Reported<SharingStatus>>,
        to: Reported<SharingStatus>,
        explanation: Option<String>,
        source: Source,
    },
    /// A CNP migration to `upstream_cnp_id` moved: started (our request, TCR took it),
    /// cancelled (by us, or TCR because the new partner declined, with its reason) or
    /// completed (the new partner accepted; the campaign is now with it).
    CampaignCnpMigrationChanged {
        upstream_cnp_id: String,
        from: Option<CnpMigrationStatus>,
        to: CnpMigrationStatus,
        cancellation_reason: Option<String>,
        source: Source,
    },
    /// TCR never started the CNP migration to `upstream_cnp_id` whose request's answer was
    /// lost (a timeout, a failure after the request left): read back, TCR holds none under way.
    CampaignCnpMigrationNotStarted {
        upstream_cnp_id: String,
        source: Source,
    },
    /// One carrier's verdict on the campaign changed.
    CampaignMnoStatusChanged {
        mno: Mno,
        from: Option<Reported<OperationStatus>>,
        to: Reported<OperationStatus>,
        reason: Option<CarrierReason>,
        source: Source,
        observed_at: DateTime<Utc>,
    },
    /// TCR's own status (ACTIVE / EXPIRED) changed outside our own deactivation.
    CampaignTcrStatusChanged {
        from: Option<Reported<TcrCampaignStatus>>,
        to: Reported<TcrCampaignStatus>,
        source: Source,
        observed_at: DateTime<Utc>,
    },
    /// What TCR bills (fee, billed and renewal dates) changed.
    CampaignBillingChanged { billing: Billing, source: Source },
    /// TCR was asked and agreed with what we hold.
    CampaignSyncConfirmed {
        source: Source,
        observed_at: DateTime<Utc>,
    },
}

impl DomainEvent for CampaignEvent {
    fn event_type(&self) -> String {
        match self {
            CampaignEvent::CampaignRegistrationRequested { .. } => "CampaignRegistrationRequested",
            CampaignEvent::CampaignSubmittedToTcr { .. } => "CampaignSubmittedToTcr",
            CampaignEvent::CampaignSubmissionFailed { .. } => "CampaignSubmissionFailed",
            CampaignEvent::CampaignSubmissionAbandoned { .. } => "CampaignSubmissionAbandoned",
            CampaignEvent::CampaignActionRequested { .. } => "CampaignActionRequested",
            CampaignEvent::CampaignActionFailed { .. } => "CampaignActionFailed",
            CampaignEvent::CampaignUpdated { .. } => "CampaignUpdated",
            CampaignEvent::CampaignDeactivated { .. } => "CampaignDeactivated",
            CampaignEvent::CampaignResubmitted { .. } => "CampaignResubmitted",
            CampaignEvent::CampaignNudged { .. } => "CampaignNudged",
            CampaignEvent::CampaignFileAttached { .. } => "CampaignFileAttached",
            CampaignEvent::CampaignSharingChanged { .. } => "CampaignSharingChanged",
            CampaignEvent::CampaignCnpMigrationChanged { .. } => "CampaignCnpMigrationChanged",
            CampaignEvent::CampaignCnpMigrationNotStarted { .. } => {
                "CampaignCnpMigrationNotStarted"
            }
            CampaignEvent::CampaignMnoStatusChanged { .. } => "CampaignMnoStatusChanged",
            CampaignEvent::CampaignTcrStatusChanged { .. } => "CampaignTcrStatusChanged",
            CampaignEvent::CampaignBillingChanged { .. } => "CampaignBillingChanged",
            CampaignEvent::CampaignSyncConfirmed { .. } => "CampaignSyncConfirmed",
        }
        .to_string()
    }

    fn event_version(&self) -> String {
        "1.0".to_string()
    }
}
