use chrono::{DateTime, Utc};

use super::carriers::{CarrierReason, Mno};
use super::profile::CampaignProfile;
use crate::attachment::{AttachmentUse, FileRef};
use crate::ids::{BrandId, CampaignId, CustomerId, TcrBrandId};
use crate::metadata::Source;
use crate::tcr::{
    OperationStatuses, TcrAttachment, TcrCampaign, TcrCampaignSubmission, TcrCnpMigration,
    TcrError, TcrSharing, UsecaseQualification,
};
use crate::values::NudgeIntent;

/// What can be asked of a campaign. As with brands, every TCR outcome comes back as a command
/// of its own, so the intent is recorded before TCR is called.
// One is built per request or reading; their size does not matter, their shape does.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum CampaignCommand {
    /// A customer asks for a new campaign; the brand was checked and qualified before.
    RequestRegistration {
        campaign_id: CampaignId,
        customer_id: CustomerId,
        brand_id: BrandId,
        tcr_brand_id: TcrBrandId,
        reference_id: String,
        profile: CampaignProfile,
        qualification: UsecaseQualification,
    },
    /// TCR holds the campaign: it answered our create, or a lookup by reference found it.
    RecordSubmissionAccepted {
        submission: TcrCampaignSubmission,
        adopted: bool,
    },
    /// TCR did not take the campaign.
    RecordSubmissionFailed { error: TcrError },
    /// The retry worker gives up on a submission TCR never took.
    AbandonSubmission { reason: String },

    /// A customer asks to change what TCR lets change.
    RequestUpdate { profile: CampaignProfile },
    /// A customer asks to deactivate the campaign.
    RequestDeactivation,
    /// A customer asks TCR to send the campaign to these carriers again.
    RequestResubmission { mno_ids: Vec<Mno> },
    /// A customer nudges the carriers / DCA.
    RequestNudge {
        intent: NudgeIntent,
        description: String,
    },
    /// A customer shares the campaign with an upstream connectivity partner.
    RequestSharing { upstream_cnp_id: String },
    /// A customer attaches one of its files (MMS sample media or a supporting document).
    RequestFileAttachment {
        purpose: AttachmentUse,
        file: FileRef,
    },
    /// A customer moves the campaign to another upstream connectivity partner.
    RequestCnpMigration { upstream_cnp_id: String },
    /// A customer stops the CNP migration under way.
    RequestCnpMigrationCancel { explanation: Option<String> },
    /// TCR's reading of the campaign's latest CNP migration (`None`: TCR holds none).
    ObserveCnpMigration {
        migration: Option<TcrCnpMigration>,
        source: Source,
    },
    /// TCR did what the pending action asked; `answer` carries what TCR said, if anything.
    RecordActionAccepted { answer: ActionAnswer },
    /// TCR refused or failed the pending action.
    RecordActionFailed { error: TcrError },
    /// No answer was ever recorded for the pending action (the process that sent it died);
    /// TCR's state has been read again (`tcr`), so a change TCR applied is recorded as applied,
    /// anything else as interrupted, and the customer may ask again.
    AbandonAction {
        reason: String,
        tcr: Option<TcrCampaign>,
    },

    /// What TCR holds for the campaign, read at `observed_at`. Older observations than one
    /// already recorded change nothing; absent parts are not compared.
    ObserveTcrState(Box<Observation>),
}

/// What TCR answered to an accepted action.
#[derive(Debug, Clone, PartialEq)]
pub enum ActionAnswer {
    None,
    Resubmitted(TcrCampaignSubmission),
    Shared(TcrSharing),
    /// The file TCR now holds.
    Attachment(TcrAttachment),
}

/// One reading of TCR's state of a campaign.
#[derive(Debug, Clone, PartialEq)]
pub struct Observation {
    pub campaign: Option<TcrCampaign>,
    pub operation_status: Option<OperationStatuses>,
    /// Reasons carriers gave (from webhooks), applied only to a carrier whose observed status
    /// is the one the reason was given for.
    pub reasons: Vec<(Mno, crate::values::OperationStatus, CarrierReason)>,
    pub sharing: Option<TcrSharing>,
    pub source: Source,
    pub observed_at: DateTime<Utc>,
}
