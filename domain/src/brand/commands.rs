use chrono::{DateTime, Utc};

use super::identity::{BrandAction, BrandActionAnswer};
use super::profile::BrandProfile;
use crate::ids::{BrandId, CustomerId};
use crate::metadata::Source;
use crate::tcr::{TcrAppeal, TcrBrand, TcrError, TcrVetting, TcrVettingAppeal};
use crate::values::{BrandRelationship, IdentityStatus, Reported, TcrBrandStatus};

/// What can be asked of a brand. TCR outcomes come back as commands of their own, so the
/// intent is always recorded before TCR is called.
#[derive(Debug, Clone, PartialEq)]
pub enum BrandCommand {
    /// A customer asks for a new brand; everything needed is looked up before this is issued.
    RequestRegistration {
        brand_id: BrandId,
        customer_id: CustomerId,
        reference_id: String,
        brand_relationship: BrandRelationship,
        profile: BrandProfile,
    },
    /// TCR holds the brand: it answered our create, or a lookup by reference found it.
    RecordSubmissionAccepted { tcr: TcrBrand, adopted: bool },
    /// TCR did not take the brand.
    RecordSubmissionFailed { error: TcrError },
    /// A customer asks to change a registered brand's profile.
    /// A change of `businessContactEmail` revokes a live Authentication+ and is refused unless
    /// `confirm_auth_plus_revocation`.
    RequestUpdate {
        profile: BrandProfile,
        confirm_auth_plus_revocation: bool,
    },
    /// TCR accepted the update.
    RecordUpdateAccepted {
        profile: BrandProfile,
        tcr: TcrBrand,
    },
    /// TCR refused or failed the update.
    RecordUpdateFailed { error: TcrError },
    /// What TCR holds for the brand, read at `observed_at` (by a poll, or to confirm a webhook).
    /// An observation older than one already recorded changes nothing.
    ObserveTcrState {
        identity_status: Option<Reported<IdentityStatus>>,
        tcr_status: Option<Reported<TcrBrandStatus>>,
        source: Source,
        observed_at: DateTime<Utc>,
    },
    /// The retry worker gives up on a submission TCR never took.
    AbandonSubmission { reason: String },
    /// A customer asks for a vetting, revet, appeal, OTP step or deletion.
    RequestAction { action: BrandAction },
    /// TCR did what the pending action asked.
    RecordActionAccepted { answer: BrandActionAnswer },
    /// TCR refused or failed the pending action.
    RecordActionFailed { error: TcrError },
    /// No answer was ever recorded for the pending action or update (the process that sent it
    /// died); TCR's state has been read again (`tcr`), so an update TCR applied is recorded as
    /// applied, anything else as interrupted, and the customer may ask again.
    AbandonAction {
        reason: String,
        tcr: Option<TcrBrand>,
    },
    /// TCR's vettings of the brand, its latest appeal and its vet appeals (read while one is
    /// pending), read at `observed_at`.
    ObserveIdentityRecords {
        vettings: Vec<TcrVetting>,
        appeal: Option<TcrAppeal>,
        vetting_appeals: Vec<TcrVettingAppeal>,
        source: Source,
        observed_at: DateTime<Utc>,
    },
}
