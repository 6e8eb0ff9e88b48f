//! What a customer asks of a registered campaign — change it, deactivate it, resubmit it to
//! carriers, nudge them, share it with an upstream partner: each recorded, sent to TCR, its
//! outcome recorded, and TCR's state read back.
use tendlc_domain::attachment::{AttachmentUse, FileRef};
use tendlc_domain::campaign::{ActionAnswer, Campaign, CampaignBody, CampaignCommand, Mno};
use tendlc_domain::ids::{CampaignId, TcrCampaignId};
use tendlc_domain::tcr::{
    TcrCampaignUpdate, TcrFileTarget, TcrFileUpload, TcrNudge, TcrPort, TcrReply,
};
use tendlc_domain::values::{NudgeIntent, OperationStatus};
use tendlc_projections::campaigns::CampaignRow;

use super::campaigns::Campaigns;
use super::context::CommandContext;
use super::error::AppError;
use super::Outcome;

/// One request about a campaign.
#[derive(Debug, Clone)]
pub enum CampaignRequest {
    /// Change what TCR lets change; `changes` sends only the fields to change.
    Update {
        changes: Box<CampaignBody>,
    },
    /// Deactivate (EXPIRED at TCR; irreversible).
    Deactivate,
    /// Send it back to these carriers (default: those that rejected it).
    Resubmit {
        mno_ids: Option<Vec<Mno>>,
    },
    Nudge {
        intent: NudgeIntent,
        description: String,
    },
    Share {
        upstream_cnp_id: String,
    },
    /// Move it to another upstream connectivity partner.
    MigrateCnp {
        upstream_cnp_id: String,
    },
    /// Stop the CNP migration under way.
    CancelCnpMigration {
        explanation: Option<String>,
    },
    /// One of the customer's files, as MMS sample media or a supporting document; only `file`
    /// is recorded.
    AttachFile {
        purpose: AttachmentUse,
        file: FileRef,
        file_name: String,
        content: Vec<u8>,
    },
}

/// What TCR is sent for a request, prepared from the campaign as it stands.
enum Send {
    Update(Box<TcrCampaignUpdate>),
    Deactivate,
    Resubmit(Vec<u32>),
    Nudge(TcrNudge),
    Share(String),
    MigrateCnp(String),
    CancelCnpMigration(Option<String>),
    File {
        purpose: AttachmentUse,
        file_name: String,
        content_type: String,
        content: Vec<u8>,
    },
}

impl Send {
    async fn to(
        self,
        tcr: &dyn TcrPort,
        tcr_campaign_id: &TcrCampaignId,
    ) -> TcrReply<ActionAnswer> {
        fn answered<T>(
            reply: TcrReply<T>,
            f: impl FnOnce(T) -> ActionAnswer,
        ) -> TcrReply<ActionAnswer> {
            TcrReply {
                call: reply.call,
                result: reply.result.map(f),
            }
        }
        match self {
            Send::Update(update) => {
                answered(tcr.update_campaign(tcr_campaign_id, &update).await, |_| {
                    ActionAnswer::None
                })
            }
            Send::Deactivate => answered(tcr.deactivate_campaign(tcr_campaign_id).await, |()| {
                ActionAnswer::None
            }),
            Send::Resubmit(ids) => answered(
                tcr.resubmit_campaign(tcr_campaign_id, &ids).await,
                ActionAnswer::Resubmitted,
            ),
            Send::Nudge(nudge) => {
                answered(tcr.nudge_campaign(tcr_campaign_id, &nudge).await, |()| {
                    ActionAnswer::None
                })
            }
            Send::Share(partner) => answered(
                tcr.share_campaign(tcr_campaign_id, &partner).await,
                ActionAnswer::Shared,
            ),
            Send::MigrateCnp(partner) => answered(
                tcr.start_cnp_migration(tcr_campaign_id, &partner).await,
                |()| ActionAnswer::None,
            ),
            Send::CancelCnpMigration(explanation) => answered(
                tcr.cancel_cnp_migration(tcr_campaign_id, explanation.as_deref())
                    .await,
                |()| ActionAnswer::None,
            ),
            Send::File {
                purpose,
                file_name,
                content_type,
                content,
            } => {
                let target = match purpose {
                    AttachmentUse::MmsSample => TcrFileTarget::CampaignMms(tcr_campaign_id.clone()),
                    _ => TcrFileTarget::CampaignSupportingDocument(tcr_campaign_id.clone()),
                };
                let upload = TcrFileUpload {
                    file_name: &file_name,
                    content_type: &content_type,
                    content: &content,
                };
                answered(
                    tcr.upload_file(&target, &upload).await,
                    ActionAnswer::Attachment,
                )
            }
        }
    }
}

impl CampaignRequest {
    /// How the request is named in answers.
    pub fn action_name(&self) -> &'static str {
        match self {
            CampaignRequest::Update { .. } => "update",
            CampaignRequest::Deactivate => "deactivation",
            CampaignRequest::Resubmit { .. } => "resubmission",
            CampaignRequest::Nudge { .. } => "nudge",
            CampaignRequest::Share { .. } => "sharing",
            CampaignRequest::MigrateCnp { .. } => "CNP migration",
            CampaignRequest::CancelCnpMigration { .. } => "CNP migration cancellation",
            CampaignRequest::AttachFile { .. } => "file attachment",
        }
    }

    /// The command to record and what to send TCR, given the campaign as it stands.
    fn prepare(self, campaign: &Campaign) -> Result<(CampaignCommand, Send), AppError> {
        Ok(match self {
            CampaignRequest::Update { changes } => {
                let current = campaign
                    .profile
                    .as_ref()
                    .ok_or(AppError::NotFound("campaign"))?;
                let profile = current.changed_by(*changes)?;
                let update = profile.to_tcr_update();
                (
                    CampaignCommand::RequestUpdate { profile },
                    Send::Update(Box::new(update)),
                )
            }
            CampaignRequest::Deactivate => (CampaignCommand::RequestDeactivation, Send::Deactivate),
            CampaignRequest::Resubmit { mno_ids } => {
                let mnos = mno_ids.unwrap_or_else(|| {
                    campaign
                        .carriers
                        .iter()
                        .filter(|(_, c)| c.status == OperationStatus::Rejected)
                        .map(|(m, _)| *m)
                        .collect()
                });
                if mnos.is_empty() {
                    return Err(AppError::field(
                        "mnoIds",
                        "no carrier rejected this campaign; name the carriers to resubmit to",
                    ));
                }
                let ids = mnos.iter().map(|m| m.0).collect();
                (
                    CampaignCommand::RequestResubmission { mno_ids: mnos },
                    Send::Resubmit(ids),
                )
            }
            CampaignRequest::Nudge {
                intent,
                description,
            } => (
                CampaignCommand::RequestNudge {
                    intent,
                    description: description.clone(),
                },
                Send::Nudge(TcrNudge {
                    nudge_intent: intent,
                    description,
                }),
            ),
            CampaignRequest::Share { upstream_cnp_id } => (
                CampaignCommand::RequestSharing {
                    upstream_cnp_id: upstream_cnp_id.clone(),
                },
                Send::Share(upstream_cnp_id),
            ),
            CampaignRequest::MigrateCnp { upstream_cnp_id } => (
                CampaignCommand::RequestCnpMigration {
                    upstream_cnp_id: upstream_cnp_id.clone(),
                },
                Send::MigrateCnp(upstream_cnp_id),
            ),
            CampaignRequest::CancelCnpMigration { explanation } => (
                CampaignCommand::RequestCnpMigrationCancel {
                    explanation: explanation.clone(),
                },
                Send::CancelCnpMigration(explanation),
            ),
            CampaignRequest::AttachFile {
                purpose,
                file,
                file_name,
                content,
            } => (
                CampaignCommand::RequestFileAttachment {
                    purpose,
                    file: file.clone(),
                },
                Send::File {
                    purpose,
                    file_name,
                    content_type: file.content_type,
                    content,
                },
            ),
        })
    }
}

impl Campaigns {
    /// Records the request against `campaign` (the caller's, as its events say), sends it to
    /// TCR, records the outcome and reads TCR's state back. `None` when it changes nothing
    /// (nothing is recorded or sent).
    #[tracing::instrument(skip_all, fields(campaign = %campaign_id, action = request.action_name()))]
    pub async fn request(
        &self,
        context: &CommandContext,
        campaign_id: CampaignId,
        campaign: &Campaign,
        request: CampaignRequest,
    ) -> Result<Option<Outcome<CampaignRow>>, AppError> {
        // A migration whose last request's answer was lost: what TCR did with it comes first.
        let read_back;
        let campaign = match request {
            CampaignRequest::MigrateCnp { .. } if campaign.cnp_migration_unconfirmed.is_some() => {
                read_back = self
                    .follow_cnp_migration(campaign_id, campaign, context)
                    .await?;
                read_back.as_ref().map_or(campaign, |read| &read.state)
            }
            _ => campaign,
        };
        let (command, send) = request.prepare(campaign)?;
        let tcr = self.tcr().clone();
        self.act(
            context,
            campaign_id,
            command,
            |tcr_campaign_id| async move { send.to(tcr.as_ref(), &tcr_campaign_id).await },
        )
        .await
    }
}
