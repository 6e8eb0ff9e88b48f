use chrono::{DateTime, Utc};
use cqrs_es::DomainEvent;
use serde::{Deserialize, Serialize};

use super::identity::{BrandAction, VettingRecord};
use super::profile::BrandProfile;
use crate::attachment::FileRef;
use crate::ids::{BrandId, CustomerId, TcrBrandId};
use crate::metadata::Source;
use crate::tcr::TcrApiError;
use crate::values::{
    AppealCategory, BrandRelationship, IdentityStatus, Reported, TcrBrandStatus, VettingStatus,
};

/// Facts about one brand. Never edited or deleted; new shapes get a new `event_version`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum BrandEvent {
    /// A customer asked for the brand; nothing was sent to TCR yet.
    BrandRegistrationRequested {
        brand_id: BrandId,
        customer_id: CustomerId,
        /// Our unique `referenceId` at TCR, so a retry can find a brand TCR created silently.
        reference_id: String,
        brand_relationship: BrandRelationship,
        profile: BrandProfile,
    },
    /// TCR holds the brand under `tcr_brand_id`.
    BrandSubmittedToTcr {
        tcr_brand_id: TcrBrandId,
        reference_id: String,
        tcr_status: Option<Reported<TcrBrandStatus>>,
        identity_status: Option<Reported<IdentityStatus>>,
        /// True when found by reference rather than created by our call.
        adopted: bool,
    },
    /// TCR did not take the brand; `retryable` says whether trying again may help.
    BrandSubmissionFailed {
        reason: String,
        message: String,
        tcr_errors: Vec<TcrApiError>,
        retryable: bool,
    },
    /// A customer asked to change the brand's profile; TCR not yet told.
    BrandUpdateRequested {
        profile: BrandProfile,
        changed_fields: Vec<String>,
    },
    /// TCR accepted the change.
    BrandUpdated {
        profile: BrandProfile,
        changed_fields: Vec<String>,
    },
    /// TCR refused or failed the change; the brand keeps its previous profile.
    BrandUpdateFailed {
        reason: String,
        message: String,
        tcr_errors: Vec<TcrApiError>,
        retryable: bool,
    },
    /// TCR's assessment of the brand's identity changed.
    BrandIdentityStatusChanged {
        from: Option<Reported<IdentityStatus>>,
        to: Reported<IdentityStatus>,
        source: Source,
        /// When TCR's state was read (absent for changes reported in TCR's answer to our call,
        /// and in events recorded before version 1.1).
        #[serde(default)]
        observed_at: Option<DateTime<Utc>>,
    },
    /// TCR's own status of the brand (ACTIVE / DELETED) changed.
    BrandTcrStatusChanged {
        from: Option<Reported<TcrBrandStatus>>,
        to: Reported<TcrBrandStatus>,
        source: Source,
        observed_at: DateTime<Utc>,
    },
    /// TCR was asked and agreed with what we hold.
    BrandSyncConfirmed {
        source: Source,
        observed_at: DateTime<Utc>,
    },
    /// Retries stopped: TCR never took the brand.
    BrandSubmissionAbandoned { attempts: u32, reason: String },
    /// A customer asked for a vetting, revet, appeal, OTP step or deletion; TCR not yet told.
    BrandActionRequested { action: BrandAction },
    /// TCR refused or failed what was asked; nothing changed at TCR.
    BrandActionFailed {
        action: String,
        reason: String,
        message: String,
        tcr_errors: Vec<TcrApiError>,
        retryable: bool,
    },
    /// TCR holds a vetting of the brand (ordered, imported, or first seen by a poll).
    BrandVettingRecorded {
        vetting: VettingRecord,
        imported: bool,
        /// Whether TCR bills the CSP for it: a vetting ordered through TCR is billed, an
        /// imported one was paid to its provider directly. Added in 1.1; 1.0 events are
        /// upcast with `!imported` (see `crate::upcasters`).
        billed: bool,
    },
    /// A vetting moved (e.g. PENDING → ACTIVE with a score, or FAILED).
    BrandVettingStatusChanged {
        vetting_id: String,
        provider: String,
        from: Option<VettingStatus>,
        to: VettingStatus,
        score: Option<i64>,
        source: Source,
        observed_at: DateTime<Utc>,
    },
    /// TCR took a request to re-verify the brand's identity.
    BrandRevetted,
    /// TCR took an identity appeal.
    BrandAppealFiled {
        categories: Vec<AppealCategory>,
        explanation: Option<String>,
        /// TCR's ids of the evidence files the appeal names (absent in appeals recorded before
        /// it was kept).
        #[serde(default)]
        evidence: Vec<String>,
    },
    /// TCR finished reviewing the appeal.
    BrandAppealCompleted {
        outcome: Option<String>,
        source: Source,
    },
    /// TCR sent the sole proprietor a PIN (the PIN itself is never recorded).
    BrandOtpSent { reference_id: String },
    /// TCR accepted the PIN.
    BrandOtpVerified,
    /// TCR deleted the brand at our request; irreversible.
    BrandDeleted { source: Source },
    /// TCR holds one of the customer's files as appeal evidence, under `attachment_id`.
    BrandEvidenceUploaded {
        file: FileRef,
        attachment_id: String,
    },
    /// TCR took an appeal of an external vet, with the evidence it names.
    BrandVettingAppealFiled {
        provider: String,
        vetting_id: String,
        categories: Vec<String>,
        evidence: Vec<String>,
        explanation: Option<String>,
    },
    /// TCR decided an appeal of an external vet: the vet's status and score after it, and the
    /// provider's reasons (the vet's own change is recorded beside it as a vetting change).
    BrandVettingAppealCompleted {
        provider: String,
        vetting_id: String,
        vet_status: Option<String>,
        vet_score: Option<u32>,
        reasons: Vec<String>,
        source: Source,
    },
    /// TCR took a resend of the Authentication+ 2FA e-mail to the business contact.
    BrandAuthPlusEmailResent {
        vetting_id: String,
        /// When it was asked of TCR (TCR's 2-hour limit counts from here).
        sent_at: DateTime<Utc>,
    },
}

impl DomainEvent for BrandEvent {
    fn event_type(&self) -> String {
        match self {
            BrandEvent::BrandRegistrationRequested { .. } => "BrandRegistrationRequested",
            BrandEvent::BrandSubmittedToTcr { .. } => "BrandSubmittedToTcr",
            BrandEvent::BrandSubmissionFailed { .. } => "BrandSubmissionFailed",
            BrandEvent::BrandUpdateRequested { .. } => "BrandUpdateRequested",
            BrandEvent::BrandUpdated { .. } => "BrandUpdated",
            BrandEvent::BrandUpdateFailed { .. } => "BrandUpdateFailed",
            BrandEvent::BrandIdentityStatusChanged { .. } => "BrandIdentityStatusChanged",
            BrandEvent::BrandTcrStatusChanged { .. } => "BrandTcrStatusChanged",
            BrandEvent::BrandSyncConfirmed { .. } => "BrandSyncConfirmed",
            BrandEvent::BrandSubmissionAbandoned { .. } => "BrandSubmissionAbandoned",
            BrandEvent::BrandActionRequested { .. } => "BrandActionRequested",
            BrandEvent::BrandActionFailed { .. } => "BrandActionFailed",
            BrandEvent::BrandVettingRecorded { .. } => "BrandVettingRecorded",
            BrandEvent::BrandVettingStatusChanged { .. } => "BrandVettingStatusChanged",
            BrandEvent::BrandRevetted => "BrandRevetted",
            BrandEvent::BrandAppealFiled { .. } => "BrandAppealFiled",
            BrandEvent::BrandAppealCompleted { .. } => "BrandAppealCompleted",
            BrandEvent::BrandOtpSent { .. } => "BrandOtpSent",
            BrandEvent::BrandOtpVerified => "BrandOtpVerified",
            BrandEvent::BrandDeleted { .. } => "BrandDeleted",
            BrandEvent::BrandEvidenceUploaded { .. } => "BrandEvidenceUploaded",
            BrandEvent::BrandVettingAppealFiled { .. } => "BrandVettingAppealFiled",
            BrandEvent::BrandVettingAppealCompleted { .. } => "BrandVettingAppealCompleted",
            BrandEvent::BrandAuthPlusEmailResent { .. } => "BrandAuthPlusEmailResent",
        }
        .to_string()
    }

    fn event_version(&self) -> String {
        match self {
            // 1.1 added `observed_at`; 1.0 events read with it absent.
            BrandEvent::BrandIdentityStatusChanged { .. } => "1.1",
            // 1.1 added `billed`; 1.0 events are upcast (`crate::upcasters`).
            BrandEvent::BrandVettingRecorded { .. } => "1.1",
            _ => "1.0",
        }
        .to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn it_should_read_an_identity_change_recorded_before_version_1_1() {
        let old = serde_json::json!({"BrandIdentityStatusChanged": {"from": null, "to": "VERIFIED", "source": "webhook"}});
        let event: BrandEvent = serde_json::from_value(old).expect("1.0 events stay readable");
        assert_eq!(
            event,
            BrandEvent::BrandIdentityStatusChanged {
                from: None,
                to: IdentityStatus::Verified.into(),
                source: Source::Webhook,
                observed_at: None,
            }
        );
    }
}
