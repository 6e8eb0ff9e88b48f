use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::carriers::{CarrierReason, Mno};
use super::cnp_migration::CnpMigration;
use super::commands::{ActionAnswer, CampaignCommand, Observation};
use super::events::{Billing, CampaignAction, CampaignEvent};
use super::profile::CampaignProfile;
use crate::attachment::AttachmentUse;
use crate::brand::RegistrationStatus;
use crate::ids::{BrandId, CampaignId, CustomerId, TcrBrandId, TcrCampaignId};
use crate::metadata::Source;
use crate::tcr::{MnoTerms, TcrError, UsecaseQualification, INTERRUPTED};
use crate::values::{
    CnpMigrationStatus, KnownValue, NudgeIntent, OperationStatus, Reported, SharingStatus,
    TcrCampaignStatus,
};

/// Why a campaign command was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CampaignError {
    #[error("this campaign has already been requested")]
    AlreadyRequested,
    #[error("no such campaign")]
    NotFound,
    #[error("the campaign is not registered with TCR (status {0})")]
    NotRegistered(&'static str),
    #[error("the campaign is deactivated (EXPIRED) at TCR; nothing more can be asked of it")]
    Expired,
    #[error("TCR already holds this campaign as {existing}, not {reported}")]
    ConflictingTcrCampaign {
        existing: TcrCampaignId,
        reported: TcrCampaignId,
    },
    #[error("another {0} of this campaign is waiting for TCR's answer; try again when it is done")]
    ActionPending(&'static str),
    #[error("no action on this campaign is waiting for TCR's answer")]
    NoActionPending,
    #[error("{0}")]
    NotApplicable(String),
}

/// One carrier's view of the campaign.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CarrierState {
    pub status: Reported<OperationStatus>,
    pub reason: Option<CarrierReason>,
}

/// How the campaign is shared upstream.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sharing {
    pub upstream_cnp_id: Option<String>,
    pub status: Reported<SharingStatus>,
    pub explanation: Option<String>,
}

/// The state rebuilt from a campaign's events.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Campaign {
    pub campaign_id: Option<CampaignId>,
    pub customer_id: Option<CustomerId>,
    pub brand_id: Option<BrandId>,
    pub tcr_brand_id: Option<TcrBrandId>,
    pub reference_id: Option<String>,
    pub profile: Option<CampaignProfile>,
    pub qualification: Option<UsecaseQualification>,
    pub status: Option<RegistrationStatus>,
    pub tcr_campaign_id: Option<TcrCampaignId>,
    pub tcr_status: Option<Reported<TcrCampaignStatus>>,
    pub mno_terms: BTreeMap<String, MnoTerms>,
    pub carriers: BTreeMap<Mno, CarrierState>,
    pub billing: Billing,
    pub sharing: Option<Sharing>,
    /// The latest CNP migration to another connectivity partner.
    #[serde(default)]
    pub cnp_migration: Option<CnpMigration>,
    /// The partner of a CNP migration whose request's answer was lost: TCR may have started
    /// it, so it is read back before anything else is asked of the migration.
    #[serde(default)]
    pub cnp_migration_unconfirmed: Option<String>,
    /// The customer's files TCR holds on the campaign: what for, and their SHA-256.
    #[serde(default)]
    pub files: BTreeSet<(AttachmentUse, String)>,
    /// The action sent to TCR and not yet answered.
    pub pending_action: Option<CampaignAction>,
    pub submission_attempts: u32,
    pub last_observed_at: Option<DateTime<Utc>>,
}

impl Campaign {
    /// Pure decision: the events a command produces from this state.
    pub fn decide(&self, command: CampaignCommand) -> Result<Vec<CampaignEvent>, CampaignError> {
        match command {
            CampaignCommand::RequestRegistration {
                campaign_id,
                customer_id,
                brand_id,
                tcr_brand_id,
                reference_id,
                profile,
                qualification,
            } => {
                if self.status.is_some() {
                    return Err(CampaignError::AlreadyRequested);
                }
                Ok(vec![CampaignEvent::CampaignRegistrationRequested {
                    campaign_id,
                    customer_id,
                    brand_id,
                    tcr_brand_id,
                    reference_id,
                    profile,
                    qualification,
                }])
            }
            CampaignCommand::RecordSubmissionAccepted {
                submission,
                adopted,
            } => {
                self.require_requested()?;
                if let Some(existing) = &self.tcr_campaign_id {
                    if existing == &submission.campaign_id {
                        return Ok(vec![]);
                    }
                    return Err(CampaignError::ConflictingTcrCampaign {
                        existing: existing.clone(),
                        reported: submission.campaign_id,
                    });
                }
                Ok(vec![CampaignEvent::CampaignSubmittedToTcr {
                    tcr_campaign_id: submission.campaign_id,
                    reference_id: self.reference_id.clone().unwrap_or_default(),
                    mno_terms: submission.mno_metadata,
                    adopted,
                }])
            }
            CampaignCommand::RecordSubmissionFailed { error } => {
                self.require_requested()?;
                if self.status != Some(RegistrationStatus::Pending) {
                    return Ok(vec![]);
                }
                let (reason, message, tcr_errors, retryable) = error.record_parts();
                Ok(vec![CampaignEvent::CampaignSubmissionFailed {
                    reason,
                    message,
                    tcr_errors,
                    retryable,
                }])
            }
            CampaignCommand::AbandonSubmission { reason } => {
                self.require_requested()?;
                if self.status != Some(RegistrationStatus::Pending) {
                    return Ok(vec![]);
                }
                Ok(vec![CampaignEvent::CampaignSubmissionAbandoned {
                    attempts: self.submission_attempts,
                    reason,
                }])
            }
            CampaignCommand::RequestUpdate { profile } => {
                let current = self.require_active()?;
                let changed_fields = current.changed_fields(&profile);
                if changed_fields.is_empty() {
                    return Ok(vec![]);
                }
                self.action(CampaignAction::Update {
                    profile: Box::new(profile),
                    changed_fields,
                })
            }
            CampaignCommand::RequestDeactivation => {
                self.require_registered()?;
                if self.tcr_status.known() == Some(TcrCampaignStatus::Expired) {
                    return Ok(vec![]);
                }
                self.action(CampaignAction::Deactivate)
            }
            CampaignCommand::RequestResubmission { mno_ids } => {
                self.require_active()?;
                if mno_ids.is_empty() {
                    return Err(CampaignError::NotApplicable(
                        "name at least one carrier to resubmit to".into(),
                    ));
                }
                self.action(CampaignAction::Resubmit { mno_ids })
            }
            CampaignCommand::RequestNudge {
                intent,
                description,
            } => {
                self.require_active()?;
                let wanted = match intent {
                    NudgeIntent::Review => OperationStatus::Review,
                    NudgeIntent::AppealRejection => OperationStatus::Rejected,
                };
                if !self.carriers.values().any(|c| c.status == wanted) {
                    return Err(CampaignError::NotApplicable(format!(
                        "a {} nudge needs a carrier in {wanted}; none is",
                        intent.as_str()
                    )));
                }
                self.action(CampaignAction::Nudge {
                    intent,
                    description,
                })
            }
            CampaignCommand::RequestSharing { upstream_cnp_id } => {
                self.require_active()?;
                if let Some(sharing) = &self.sharing {
                    if sharing.status != SharingStatus::Declined {
                        return Err(CampaignError::NotApplicable(format!(
                            "the campaign is already shared ({}) and cannot be shared again until the partner declines",
                            sharing.status
                        )));
                    }
                }
                self.action(CampaignAction::Share { upstream_cnp_id })
            }
            CampaignCommand::RequestFileAttachment { purpose, file } => {
                self.require_active()?;
                if purpose == AttachmentUse::AppealEvidence {
                    return Err(CampaignError::NotApplicable(
                        "appeal evidence belongs to a brand, not a campaign".into(),
                    ));
                }
                // TCR holds it there already: attaching it again changes nothing.
                if self.files.contains(&(purpose, file.sha256.clone())) {
                    return Ok(vec![]);
                }
                self.action(CampaignAction::AttachFile { purpose, file })
            }
            CampaignCommand::RequestCnpMigration { upstream_cnp_id } => {
                self.request_cnp_migration(upstream_cnp_id)
            }
            CampaignCommand::RequestCnpMigrationCancel { explanation } => {
                self.request_cnp_migration_cancel(explanation)
            }
            CampaignCommand::ObserveCnpMigration { migration, source } => {
                self.observe_cnp_migration(migration, source)
            }
            CampaignCommand::RecordActionAccepted { answer } => {
                let action = self
                    .pending_action
                    .clone()
                    .ok_or(CampaignError::NoActionPending)?;
                Ok(self.accepted(action, answer))
            }
            CampaignCommand::RecordActionFailed { error } => {
                let action = self
                    .pending_action
                    .as_ref()
                    .ok_or(CampaignError::NoActionPending)?;
                let (reason, message, tcr_errors, retryable) = error.record_parts();
                Ok(vec![CampaignEvent::CampaignActionFailed {
                    action: action.name().to_string(),
                    reason,
                    message,
                    tcr_errors,
                    retryable,
                }])
            }
            CampaignCommand::AbandonAction { reason, tcr } => Ok(match &self.pending_action {
                None => vec![],
                // TCR applied the change before the process died: it is what TCR holds.
                Some(CampaignAction::Update {
                    profile,
                    changed_fields,
                }) if tcr
                    .as_ref()
                    .is_some_and(|tcr| profile.held_by(changed_fields, tcr)) =>
                {
                    vec![CampaignEvent::CampaignUpdated {
                        profile: (**profile).clone(),
                        changed_fields: changed_fields.clone(),
                    }]
                }
                Some(action) => vec![CampaignEvent::CampaignActionFailed {
                    action: action.name().to_string(),
                    reason: INTERRUPTED.to_string(),
                    message: reason.clone(),
                    tcr_errors: vec![],
                    retryable: true,
                }],
            }),
            CampaignCommand::ObserveTcrState(observation) => {
                self.require_registered()?;
                Ok(self.observe(*observation))
            }
        }
    }

    pub(super) fn action(
        &self,
        action: CampaignAction,
    ) -> Result<Vec<CampaignEvent>, CampaignError> {
        if let Some(pending) = &self.pending_action {
            return Err(CampaignError::ActionPending(pending.name()));
        }
        Ok(vec![CampaignEvent::CampaignActionRequested { action }])
    }

    fn accepted(&self, action: CampaignAction, answer: ActionAnswer) -> Vec<CampaignEvent> {
        if let Some(event) = self.cnp_migration_answered(&action) {
            return vec![event];
        }
        match action {
            CampaignAction::MigrateCnp { .. } | CampaignAction::CancelCnpMigration { .. } => {
                vec![]
            }
            CampaignAction::Update {
                profile,
                changed_fields,
            } => vec![CampaignEvent::CampaignUpdated {
                profile: *profile,
                changed_fields,
            }],
            CampaignAction::Deactivate => vec![CampaignEvent::CampaignDeactivated {
                source: Source::Api,
            }],
            CampaignAction::Resubmit { mno_ids } => {
                let mno_terms = match answer {
                    ActionAnswer::Resubmitted(submission) => submission.mno_metadata,
                    _ => BTreeMap::new(),
                };
                vec![CampaignEvent::CampaignResubmitted { mno_ids, mno_terms }]
            }
            CampaignAction::Nudge {
                intent,
                description,
            } => vec![CampaignEvent::CampaignNudged {
                intent,
                description,
            }],
            CampaignAction::AttachFile { purpose, file } => match answer {
                ActionAnswer::Attachment(attachment) => vec![CampaignEvent::CampaignFileAttached {
                    purpose,
                    file,
                    attachment_id: attachment.uuid,
                }],
                // TCR took it without naming it: the action ends as failed, to be asked again.
                _ => vec![CampaignEvent::CampaignActionFailed {
                    action: "attach file".into(),
                    reason: "unreadable_answer".into(),
                    message: "TCR took the file without naming its attachment id".into(),
                    tcr_errors: vec![],
                    retryable: true,
                }],
            },
            CampaignAction::Share { upstream_cnp_id } => {
                let (to, explanation) = match answer {
                    ActionAnswer::Shared(sharing) => {
                        (sharing.sharing_status, given(sharing.explanation))
                    }
                    _ => (SharingStatus::Pending.into(), None),
                };
                vec![CampaignEvent::CampaignSharingChanged {
                    upstream_cnp_id: Some(upstream_cnp_id),
                    from: self.sharing.as_ref().map(|s| s.status.clone()),
                    to,
                    explanation,
                    source: Source::Api,
                }]
            }
        }
    }

    /// Reasons from a reading older than the last one, for carriers whose status we hold is the
    /// one the reading and the reason both name, and which have no reason yet.
    fn late_reasons(
        &self,
        operation_status: Option<&BTreeMap<String, Reported<OperationStatus>>>,
        reasons: &[(Mno, OperationStatus, CarrierReason)],
        source: Source,
        observed_at: DateTime<Utc>,
    ) -> Vec<CampaignEvent> {
        reasons
            .iter()
            .filter(|(mno, status, _)| {
                let read = operation_status.and_then(|all| all.get(&mno.key()));
                let held = self.carriers.get(mno);
                read.is_some_and(|read| read == status)
                    && held.is_some_and(|c| c.status == *status && c.reason.is_none())
            })
            .map(
                |(mno, status, reason)| CampaignEvent::CampaignMnoStatusChanged {
                    mno: *mno,
                    from: Some((*status).into()),
                    to: (*status).into(),
                    reason: Some(reason.clone()),
                    source,
                    observed_at,
                },
            )
            .collect()
    }

    /// Compares one reading of TCR with what we hold; records each difference once.
    fn observe(&self, observation: Observation) -> Vec<CampaignEvent> {
        let Observation {
            campaign,
            operation_status,
            reasons,
            sharing,
            source,
            observed_at,
        } = observation;
        if self
            .last_observed_at
            .is_some_and(|last| observed_at <= last)
        {
            // An older reading changes nothing; but a carrier's reason it carries (from a
            // webhook) still explains the status we hold, when that is the status it explains.
            return self.late_reasons(operation_status.as_ref(), &reasons, source, observed_at);
        }
        let mut events = Vec::new();
        if let Some(campaign) = &campaign {
            // EXPIRED is final at TCR: a reading taken before the deactivation and recorded
            // after it must not show the campaign active again.
            let expired = self.tcr_status.known() == Some(TcrCampaignStatus::Expired);
            if let Some(to) = campaign
                .status
                .as_ref()
                .filter(|to| Some(*to) != self.tcr_status.as_ref() && !expired)
            {
                events.push(CampaignEvent::CampaignTcrStatusChanged {
                    from: self.tcr_status.clone(),
                    to: to.clone(),
                    source,
                    observed_at,
                });
            }
            let billing = Billing {
                monthly_fee: campaign.monthly_fee.or(self.billing.monthly_fee),
                billed_date: campaign.billed_date.or(self.billing.billed_date),
                next_renewal_or_expiration_date: campaign
                    .next_renewal_or_expiration_date
                    .or(self.billing.next_renewal_or_expiration_date),
            };
            if billing != self.billing {
                events.push(CampaignEvent::CampaignBillingChanged { billing, source });
            }
        }
        for (key, to) in operation_status.iter().flatten() {
            let Some(mno) = Mno::parse(key) else { continue };
            let current = self.carriers.get(&mno);
            let reason = reasons
                .iter()
                .find(|(m, status, _)| *m == mno && to == status)
                .map(|(_, _, reason)| reason.clone());
            let changed = current.is_none_or(|c| &c.status != to);
            let newly_explained = current.is_some_and(|c| c.reason.is_none()) && reason.is_some();
            if changed || newly_explained {
                events.push(CampaignEvent::CampaignMnoStatusChanged {
                    mno,
                    from: current.map(|c| c.status.clone()),
                    to: to.clone(),
                    reason,
                    source,
                    observed_at,
                });
            }
        }
        if let Some(sharing) = sharing {
            let current = self.sharing.as_ref();
            if current.is_none_or(|c| c.status != sharing.sharing_status) {
                events.push(CampaignEvent::CampaignSharingChanged {
                    upstream_cnp_id: sharing
                        .upstream_cnp_id
                        .or_else(|| current.and_then(|c| c.upstream_cnp_id.clone())),
                    from: current.map(|c| c.status.clone()),
                    to: sharing.sharing_status,
                    explanation: given(sharing.explanation),
                    source,
                });
            }
        }
        if events.is_empty() {
            events.push(CampaignEvent::CampaignSyncConfirmed {
                source,
                observed_at,
            });
        }
        events
    }

    fn require_requested(&self) -> Result<(), CampaignError> {
        self.status.map(|_| ()).ok_or(CampaignError::NotFound)
    }

    pub(super) fn require_registered(&self) -> Result<&CampaignProfile, CampaignError> {
        match (self.status, &self.profile) {
            (Some(RegistrationStatus::Registered), Some(profile)) => Ok(profile),
            (Some(status), _) => Err(CampaignError::NotRegistered(status.as_str())),
            (None, _) => Err(CampaignError::NotFound),
        }
    }

    pub(super) fn require_active(&self) -> Result<&CampaignProfile, CampaignError> {
        let profile = self.require_registered()?;
        if self.tcr_status.known() == Some(TcrCampaignStatus::Expired) {
            return Err(CampaignError::Expired);
        }
        Ok(profile)
    }

    fn observed(&mut self, at: DateTime<Utc>) {
        self.last_observed_at = Some(self.last_observed_at.map_or(at, |last| last.max(at)));
    }
}

/// TCR's text, when it says something (it sends `""` for no explanation).
fn given(text: Option<String>) -> Option<String> {
    text.filter(|t| !t.trim().is_empty())
}

crate::aggregate!(
    Campaign,
    "Campaign",
    CampaignCommand,
    CampaignEvent,
    CampaignError
);

impl Campaign {
    /// Pure evolution: the state after one more event.
    pub fn evolve(&mut self, event: CampaignEvent) {
        let answered = if event.ends_pending_action(self.pending_action.as_ref()) {
            self.pending_action.take()
        } else {
            None
        };
        if let Some((mno, carrier)) = event.carrier_verdict() {
            self.carriers.insert(mno, carrier);
        }
        match event {
            CampaignEvent::CampaignRegistrationRequested {
                campaign_id,
                customer_id,
                brand_id,
                tcr_brand_id,
                reference_id,
                profile,
                qualification,
            } => {
                self.campaign_id = Some(campaign_id);
                self.customer_id = Some(customer_id);
                self.brand_id = Some(brand_id);
                self.tcr_brand_id = Some(tcr_brand_id);
                self.reference_id = Some(reference_id);
                self.billing.monthly_fee = qualification.monthly_fee;
                self.profile = Some(profile);
                self.qualification = Some(qualification);
                self.status = Some(RegistrationStatus::Pending);
            }
            CampaignEvent::CampaignSubmittedToTcr {
                tcr_campaign_id,
                mno_terms,
                ..
            } => {
                self.submission_attempts += 1;
                self.tcr_campaign_id = Some(tcr_campaign_id);
                self.tcr_status = Some(TcrCampaignStatus::Active.into());
                self.mno_terms = mno_terms;
                self.status = Some(RegistrationStatus::Registered);
            }
            CampaignEvent::CampaignSubmissionFailed { retryable, .. } => {
                self.submission_attempts += 1;
                self.status = self.status.map(|status| status.after_failure(retryable));
            }
            CampaignEvent::CampaignSubmissionAbandoned { .. } => {
                self.status = Some(RegistrationStatus::Abandoned);
            }
            CampaignEvent::CampaignActionRequested { action } => {
                self.pending_action = Some(action);
            }
            CampaignEvent::CampaignActionFailed { reason, .. } => {
                if let Some(CampaignAction::MigrateCnp { upstream_cnp_id }) = answered {
                    if TcrError::kind_may_have_acted(&reason) {
                        self.cnp_migration_unconfirmed = Some(upstream_cnp_id);
                    }
                }
            }
            CampaignEvent::CampaignFileAttached { purpose, file, .. } => {
                self.files.insert((purpose, file.sha256));
            }
            CampaignEvent::CampaignNudged { .. } => {}
            CampaignEvent::CampaignUpdated { profile, .. } => {
                self.profile = Some(profile);
            }
            CampaignEvent::CampaignDeactivated { .. } => {
                self.tcr_status = Some(TcrCampaignStatus::Expired.into());
            }
            CampaignEvent::CampaignResubmitted { mno_terms, .. } => {
                self.mno_terms.extend(mno_terms);
            }
            CampaignEvent::CampaignSharingChanged {
                upstream_cnp_id,
                to,
                explanation,
                ..
            } => {
                self.sharing = Some(Sharing {
                    upstream_cnp_id,
                    status: to,
                    explanation,
                });
            }
            CampaignEvent::CampaignCnpMigrationChanged {
                upstream_cnp_id,
                to,
                cancellation_reason,
                ..
            } => {
                // Completed: the new partner accepted, so the campaign is shared with it now.
                if to == CnpMigrationStatus::Completed {
                    self.sharing = Some(Sharing {
                        upstream_cnp_id: Some(upstream_cnp_id.clone()),
                        status: SharingStatus::Accepted.into(),
                        explanation: None,
                    });
                }
                self.cnp_migration = Some(CnpMigration {
                    upstream_cnp_id,
                    status: to,
                    cancellation_reason,
                });
                self.cnp_migration_unconfirmed = None;
            }
            CampaignEvent::CampaignCnpMigrationNotStarted { .. } => {
                self.cnp_migration_unconfirmed = None;
            }
            CampaignEvent::CampaignMnoStatusChanged { observed_at, .. } => {
                self.observed(observed_at);
            }
            CampaignEvent::CampaignTcrStatusChanged {
                to, observed_at, ..
            } => {
                self.tcr_status = Some(to);
                self.observed(observed_at);
            }
            CampaignEvent::CampaignBillingChanged { billing, .. } => self.billing = billing,
            CampaignEvent::CampaignSyncConfirmed { observed_at, .. } => self.observed(observed_at),
        }
    }
}

#[cfg(test)]
mod tests;
