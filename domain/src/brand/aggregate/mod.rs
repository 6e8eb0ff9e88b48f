use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::auth_plus::{self, AuthPlus};
use super::commands::BrandCommand;
use super::events::BrandEvent;
use super::identity::{BrandAction, VettingRecord};
use super::profile::BrandProfile;
use crate::ids::{BrandId, CustomerId, TcrBrandId};
use crate::values::{AppealStatus, BrandRelationship, IdentityStatus, Reported, TcrBrandStatus};

/// Where a brand's registration stands on our side.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RegistrationStatus {
    /// Recorded; TCR has not (yet) confirmed it holds the brand.
    Pending,
    /// TCR holds the brand.
    Registered,
    /// TCR refused the brand and retrying cannot help.
    Rejected,
    /// TCR never took the brand and the retries gave up.
    Abandoned,
}

impl RegistrationStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            RegistrationStatus::Pending => "PENDING",
            RegistrationStatus::Registered => "REGISTERED",
            RegistrationStatus::Rejected => "REJECTED",
            RegistrationStatus::Abandoned => "ABANDONED",
        }
    }
}

/// Why a brand command was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BrandError {
    #[error("this brand has already been requested")]
    AlreadyRequested,
    #[error("no such brand")]
    NotFound,
    #[error("the brand is not registered with TCR yet (status {0})")]
    NotRegistered(&'static str),
    #[error("TCR already holds this brand as {existing}, not {reported}")]
    ConflictingTcrBrand {
        existing: TcrBrandId,
        reported: TcrBrandId,
    },
    #[error("no update of this brand is waiting for TCR's answer")]
    NoUpdatePending,
    #[error("another {0} of this brand is waiting for TCR's answer; try again when it is done")]
    ActionPending(&'static str),
    #[error("no action on this brand is waiting for TCR's answer")]
    NoActionPending,
    #[error("{0}")]
    NotApplicable(String),
    /// Allowed again from `retry_after` (TCR's limits on how often something may be sent).
    #[error("{message}")]
    TooSoon {
        message: String,
        retry_after: DateTime<Utc>,
    },
    /// A change that would revoke the brand's Authentication+ and was not confirmed.
    #[error("{0}")]
    RevokesAuthPlus(String),
}

/// The state rebuilt from a brand's events.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Brand {
    pub brand_id: Option<BrandId>,
    pub customer_id: Option<CustomerId>,
    pub reference_id: Option<String>,
    pub brand_relationship: Option<BrandRelationship>,
    pub profile: Option<BrandProfile>,
    pub status: Option<RegistrationStatus>,
    pub tcr_brand_id: Option<TcrBrandId>,
    pub tcr_status: Option<Reported<TcrBrandStatus>>,
    pub identity_status: Option<Reported<IdentityStatus>>,
    /// The profile sent to TCR and not yet confirmed.
    pub pending_update: Option<BrandProfile>,
    pub submission_attempts: u32,
    /// When TCR's state was last read; older observations change nothing.
    pub last_observed_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub vettings: Vec<VettingRecord>,
    #[serde(default)]
    pub appeal_status: Option<AppealStatus>,
    /// The SHA-256 of each file TCR holds as the brand's appeal evidence.
    #[serde(default)]
    pub evidence: BTreeSet<String>,
    /// External vets appealed and not yet decided: vetting id → provider.
    #[serde(default)]
    pub pending_vetting_appeals: BTreeMap<String, String>,
    #[serde(default)]
    pub otp_reference_id: Option<String>,
    /// The vetting, appeal, OTP step or deletion sent to TCR and not yet answered.
    #[serde(default)]
    pub pending_action: Option<BrandAction>,
    /// The latest Authentication+ vet (PUBLIC_PROFIT brands).
    #[serde(default)]
    pub auth_plus: Option<AuthPlus>,
}

impl Brand {
    /// Pure decision: the events a command produces from this state.
    pub fn decide(&self, command: BrandCommand) -> Result<Vec<BrandEvent>, BrandError> {
        match command {
            BrandCommand::RequestRegistration {
                brand_id,
                customer_id,
                reference_id,
                brand_relationship,
                profile,
            } => {
                if self.status.is_some() {
                    return Err(BrandError::AlreadyRequested);
                }
                Ok(vec![BrandEvent::BrandRegistrationRequested {
                    brand_id,
                    customer_id,
                    reference_id,
                    brand_relationship,
                    profile,
                }])
            }
            BrandCommand::RecordSubmissionAccepted { tcr, adopted } => {
                self.require_requested()?;
                if let Some(existing) = &self.tcr_brand_id {
                    if existing == &tcr.brand_id {
                        return Ok(
                            self.identity_change(tcr.identity_status, crate::metadata::Source::Api)
                        );
                    }
                    return Err(BrandError::ConflictingTcrBrand {
                        existing: existing.clone(),
                        reported: tcr.brand_id,
                    });
                }
                Ok(vec![BrandEvent::BrandSubmittedToTcr {
                    tcr_brand_id: tcr.brand_id,
                    reference_id: self.reference_id.clone().unwrap_or_default(),
                    tcr_status: tcr.status,
                    identity_status: tcr.identity_status,
                    adopted,
                }])
            }
            BrandCommand::RecordSubmissionFailed { error } => {
                self.require_requested()?;
                if self.status != Some(RegistrationStatus::Pending) {
                    // A late failure for a brand TCR already holds (or already refused) changes nothing.
                    return Ok(vec![]);
                }
                let (reason, message, tcr_errors, retryable) = error.record_parts();
                Ok(vec![BrandEvent::BrandSubmissionFailed {
                    reason,
                    message,
                    tcr_errors,
                    retryable,
                }])
            }
            BrandCommand::RequestUpdate {
                profile,
                confirm_auth_plus_revocation,
            } => {
                let current = self.require_registered()?;
                // One change at a time: TCR holds whichever arrives last, so a second change
                // sent before the first is answered would leave us unsure which TCR kept.
                if self.pending_update.is_some() {
                    return Err(BrandError::ActionPending("update"));
                }
                let changed_fields = current.changed_fields(&profile);
                if changed_fields.is_empty() {
                    return Ok(vec![]);
                }
                self.check_auth_plus_revocation(&changed_fields, confirm_auth_plus_revocation)?;
                Ok(vec![BrandEvent::BrandUpdateRequested {
                    profile,
                    changed_fields,
                }])
            }
            BrandCommand::RecordUpdateAccepted { profile, tcr } => {
                let current = self.require_registered()?;
                if self.pending_update.as_ref() != Some(&profile) {
                    return Err(BrandError::NoUpdatePending);
                }
                let changed_fields = current.changed_fields(&profile);
                let mut events = vec![BrandEvent::BrandUpdated {
                    profile,
                    changed_fields,
                }];
                events.extend(
                    self.identity_change(tcr.identity_status, crate::metadata::Source::Api),
                );
                Ok(events)
            }
            BrandCommand::RecordUpdateFailed { error } => {
                self.require_registered()?;
                if self.pending_update.is_none() {
                    return Err(BrandError::NoUpdatePending);
                }
                let (reason, message, tcr_errors, retryable) = error.record_parts();
                Ok(vec![BrandEvent::BrandUpdateFailed {
                    reason,
                    message,
                    tcr_errors,
                    retryable,
                }])
            }
            BrandCommand::ObserveTcrState {
                identity_status,
                tcr_status,
                source,
                observed_at,
            } => {
                self.require_registered()?;
                if self
                    .last_observed_at
                    .is_some_and(|last| observed_at <= last)
                {
                    return Ok(vec![]);
                }
                let mut events = match identity_status {
                    Some(to) if Some(&to) != self.identity_status.as_ref() => {
                        vec![BrandEvent::BrandIdentityStatusChanged {
                            from: self.identity_status.clone(),
                            to,
                            source,
                            observed_at: Some(observed_at),
                        }]
                    }
                    _ => vec![],
                };
                if let Some(to) = tcr_status.filter(|to| Some(to) != self.tcr_status.as_ref()) {
                    events.push(BrandEvent::BrandTcrStatusChanged {
                        from: self.tcr_status.clone(),
                        to,
                        source,
                        observed_at,
                    });
                }
                if events.is_empty() {
                    events.push(BrandEvent::BrandSyncConfirmed {
                        source,
                        observed_at,
                    });
                }
                Ok(events)
            }
            BrandCommand::RequestAction { action } => self.request_action(action),
            BrandCommand::RecordActionAccepted { answer } => self.action_accepted(answer),
            BrandCommand::RecordActionFailed { error } => self.action_failed(&error),
            BrandCommand::AbandonAction { reason, tcr } => {
                let update = self.pending_update.iter().map(|pending| {
                    let applied = match (&self.profile, self.brand_relationship, &tcr) {
                        (Some(before), Some(relationship), Some(tcr)) => {
                            pending.held_by(before, relationship, tcr)
                        }
                        _ => false,
                    };
                    match &self.profile {
                        Some(before) if applied => BrandEvent::BrandUpdated {
                            changed_fields: before.changed_fields(pending),
                            profile: pending.clone(),
                        },
                        _ => BrandEvent::BrandUpdateFailed {
                            reason: crate::tcr::INTERRUPTED.to_string(),
                            message: reason.clone(),
                            tcr_errors: vec![],
                            retryable: true,
                        },
                    }
                });
                let action =
                    self.pending_action
                        .iter()
                        .map(|action| BrandEvent::BrandActionFailed {
                            action: action.name().to_string(),
                            reason: crate::tcr::INTERRUPTED.to_string(),
                            message: reason.clone(),
                            tcr_errors: vec![],
                            retryable: true,
                        });
                Ok(update.chain(action).collect())
            }
            BrandCommand::ObserveIdentityRecords {
                vettings,
                appeal,
                vetting_appeals,
                source,
                observed_at,
            } => {
                let mut events =
                    self.observe_identity_records(&vettings, appeal.as_ref(), source, observed_at)?;
                events.extend(self.observe_vetting_appeals(&vetting_appeals, source));
                Ok(events)
            }
            BrandCommand::AbandonSubmission { reason } => {
                self.require_requested()?;
                if self.status != Some(RegistrationStatus::Pending) {
                    return Ok(vec![]);
                }
                Ok(vec![BrandEvent::BrandSubmissionAbandoned {
                    attempts: self.submission_attempts,
                    reason,
                }])
            }
        }
    }

    /// TCR revokes Auth+ when `businessContactEmail` changes: such a change of a brand whose
    /// Auth+ is under way or verified is sent only once the customer confirmed it.
    fn check_auth_plus_revocation(
        &self,
        changed_fields: &[String],
        confirmed: bool,
    ) -> Result<(), BrandError> {
        let live = self.auth_plus.as_ref().filter(|a| a.live());
        match live {
            Some(auth_plus) if !confirmed && changed_fields.iter().any(|f| f == auth_plus::CONTACT_FIELD) => {
                Err(BrandError::RevokesAuthPlus(format!(
                    "changing businessContactEmail revokes this brand's Authentication+ (now {}): TCR fails the Auth+ vet and a new one must be ordered and confirmed by the new contact. Send the change again with \"confirmAuthPlusRevocation\": true to go ahead",
                    auth_plus.status()
                )))
            }
            _ => Ok(()),
        }
    }

    fn require_requested(&self) -> Result<(), BrandError> {
        self.status.map(|_| ()).ok_or(BrandError::NotFound)
    }

    pub(super) fn require_registered(&self) -> Result<&BrandProfile, BrandError> {
        match (self.status, &self.profile) {
            (Some(RegistrationStatus::Registered), Some(profile)) => Ok(profile),
            (Some(status), _) => Err(BrandError::NotRegistered(status.as_str())),
            (None, _) => Err(BrandError::NotFound),
        }
    }

    /// An update that changes nothing records nothing.
    pub(super) fn identity_change(
        &self,
        reported: Option<Reported<IdentityStatus>>,
        source: crate::metadata::Source,
    ) -> Vec<BrandEvent> {
        match reported {
            Some(to) if Some(&to) != self.identity_status.as_ref() => {
                vec![BrandEvent::BrandIdentityStatusChanged {
                    from: self.identity_status.clone(),
                    to,
                    source,
                    observed_at: None,
                }]
            }
            _ => vec![],
        }
    }
}

impl Brand {
    fn observed(&mut self, at: Option<DateTime<Utc>>) {
        if let Some(at) = at {
            self.last_observed_at = Some(self.last_observed_at.map_or(at, |last| last.max(at)));
        }
    }
}

crate::aggregate!(Brand, "Brand", BrandCommand, BrandEvent, BrandError);

impl Brand {
    /// Pure evolution: the state after one more event.
    pub fn evolve(&mut self, event: BrandEvent) {
        if event.ends_pending_action() {
            self.pending_action = None;
        }
        AuthPlus::follow(&mut self.auth_plus, &event);
        match event {
            BrandEvent::BrandRegistrationRequested {
                brand_id,
                customer_id,
                reference_id,
                brand_relationship,
                profile,
            } => {
                self.brand_id = Some(brand_id);
                self.customer_id = Some(customer_id);
                self.reference_id = Some(reference_id);
                self.brand_relationship = Some(brand_relationship);
                self.profile = Some(profile);
                self.status = Some(RegistrationStatus::Pending);
            }
            BrandEvent::BrandSubmittedToTcr {
                tcr_brand_id,
                tcr_status,
                identity_status,
                ..
            } => {
                self.submission_attempts += 1;
                self.tcr_brand_id = Some(tcr_brand_id);
                self.tcr_status = Some(super::tcr_status_when_submitted(tcr_status));
                self.identity_status = identity_status;
                self.status = Some(RegistrationStatus::Registered);
            }
            BrandEvent::BrandSubmissionFailed { retryable, .. } => {
                self.submission_attempts += 1;
                self.status = self.status.map(|status| status.after_failure(retryable));
            }
            BrandEvent::BrandUpdateRequested { profile, .. } => {
                self.pending_update = Some(profile);
            }
            BrandEvent::BrandUpdated { profile, .. } => {
                self.profile = Some(profile);
                self.pending_update = None;
            }
            BrandEvent::BrandUpdateFailed { .. } => {
                self.pending_update = None;
            }
            BrandEvent::BrandIdentityStatusChanged {
                to, observed_at, ..
            } => {
                self.identity_status = Some(to);
                self.observed(observed_at);
            }
            BrandEvent::BrandTcrStatusChanged {
                to, observed_at, ..
            } => {
                self.tcr_status = Some(to);
                self.observed(Some(observed_at));
            }
            BrandEvent::BrandSyncConfirmed { observed_at, .. } => self.observed(Some(observed_at)),
            BrandEvent::BrandSubmissionAbandoned { .. } => {
                self.status = Some(RegistrationStatus::Abandoned);
            }
            BrandEvent::BrandActionRequested { action } => self.pending_action = Some(action),
            BrandEvent::BrandActionFailed { .. } | BrandEvent::BrandRevetted => {}
            BrandEvent::BrandVettingRecorded { vetting, .. } => {
                self.vettings.retain(|v| v.vetting_id != vetting.vetting_id);
                self.vettings.push(vetting);
            }
            BrandEvent::BrandVettingStatusChanged {
                vetting_id,
                to,
                score,
                ..
            } => {
                if let Some(vetting) = self
                    .vettings
                    .iter_mut()
                    .find(|v| v.vetting_id == vetting_id)
                {
                    vetting.status = Some(to);
                    vetting.score = score.or(vetting.score);
                }
            }
            BrandEvent::BrandAppealFiled { .. } => {
                self.appeal_status = Some(AppealStatus::Pending);
            }
            BrandEvent::BrandAppealCompleted { .. } => {
                self.appeal_status = Some(AppealStatus::Complete);
            }
            BrandEvent::BrandOtpSent { reference_id } => {
                self.otp_reference_id = Some(reference_id);
            }
            BrandEvent::BrandVettingAppealFiled {
                provider,
                vetting_id,
                ..
            } => {
                self.pending_vetting_appeals.insert(vetting_id, provider);
            }
            BrandEvent::BrandVettingAppealCompleted { vetting_id, .. } => {
                self.pending_vetting_appeals.remove(&vetting_id);
            }
            BrandEvent::BrandEvidenceUploaded { file, .. } => {
                self.evidence.insert(file.sha256);
            }
            BrandEvent::BrandOtpVerified | BrandEvent::BrandAuthPlusEmailResent { .. } => {}
            BrandEvent::BrandDeleted { .. } => {
                self.tcr_status = Some(TcrBrandStatus::Deleted.into());
            }
        }
    }
}

#[cfg(test)]
mod tests;
