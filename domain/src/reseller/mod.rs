//! The Reseller aggregate: a business between a customer's brands and the operator (typically
//! another messaging platform) that the customer registers with TCR, so its campaigns can name
//! it. Like brands and campaigns, each change is recorded before TCR is called and TCR's answer
//! after.
mod details;

use cqrs_es::DomainEvent;
use serde::{Deserialize, Serialize};

pub use details::{ResellerBody, ResellerDetails};

use crate::ids::{CustomerId, ResellerId, TcrResellerId};
use crate::tcr::TcrApiError;

/// What is sent to TCR about a reseller.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ResellerAction {
    Register,
    Update,
    Delete,
}

impl ResellerAction {
    pub fn name(self) -> &'static str {
        match self {
            ResellerAction::Register => "registration",
            ResellerAction::Update => "update",
            ResellerAction::Delete => "deletion",
        }
    }
}

/// Where a reseller stands.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ResellerStatus {
    /// Sent to TCR (or about to be); TCR has not confirmed it.
    #[default]
    Pending,
    /// TCR holds it under `tcr_reseller_id`.
    Registered,
    /// TCR refused it, or never confirmed it; a `PUT` tries again.
    Failed,
    /// Deleted at TCR.
    Deleted,
}

impl ResellerStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ResellerStatus::Pending => "PENDING",
            ResellerStatus::Registered => "REGISTERED",
            ResellerStatus::Failed => "FAILED",
            ResellerStatus::Deleted => "DELETED",
        }
    }
}

/// Why a call to TCR did not do what was asked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResellerFailure {
    pub kind: String,
    pub message: String,
    pub tcr_errors: Vec<TcrApiError>,
    pub retryable: bool,
}

/// TCR's answer to the pending action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResellerOutcome {
    /// Created, or found at TCR under our company name (`adopted`) after an unconfirmed try.
    Registered {
        tcr_reseller_id: TcrResellerId,
        adopted: bool,
    },
    Updated,
    Deleted,
    Failed(ResellerFailure),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResellerCommand {
    Register {
        reseller_id: ResellerId,
        customer_id: CustomerId,
        details: ResellerDetails,
    },
    /// New details: sent as an update once TCR holds the reseller, else as a new registration
    /// attempt (which adopts what TCR may already hold).
    Update {
        details: ResellerDetails,
    },
    Delete,
    RecordOutcome(ResellerOutcome),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ResellerEvent {
    ResellerRegistrationRequested {
        reseller_id: ResellerId,
        customer_id: CustomerId,
        details: ResellerDetails,
    },
    ResellerRegisteredWithTcr {
        tcr_reseller_id: TcrResellerId,
        adopted: bool,
    },
    ResellerUpdateRequested {
        details: ResellerDetails,
    },
    ResellerUpdatedAtTcr,
    ResellerDeletionRequested,
    /// Deleted at TCR, or never held by TCR (nothing to delete there).
    ResellerDeleted,
    ResellerTcrCallFailed {
        action: ResellerAction,
        failure: ResellerFailure,
    },
}

impl DomainEvent for ResellerEvent {
    fn event_type(&self) -> String {
        match self {
            ResellerEvent::ResellerRegistrationRequested { .. } => "ResellerRegistrationRequested",
            ResellerEvent::ResellerRegisteredWithTcr { .. } => "ResellerRegisteredWithTcr",
            ResellerEvent::ResellerUpdateRequested { .. } => "ResellerUpdateRequested",
            ResellerEvent::ResellerUpdatedAtTcr => "ResellerUpdatedAtTcr",
            ResellerEvent::ResellerDeletionRequested => "ResellerDeletionRequested",
            ResellerEvent::ResellerDeleted => "ResellerDeleted",
            ResellerEvent::ResellerTcrCallFailed { .. } => "ResellerTcrCallFailed",
        }
        .to_string()
    }

    fn event_version(&self) -> String {
        "1.0".to_string()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ResellerError {
    #[error("no such reseller")]
    NotFound,
    #[error("this reseller is already registered")]
    AlreadyExists,
    #[error("the reseller's {0} is still waiting for TCR's answer; try again shortly")]
    ActionPending(&'static str),
    #[error("the reseller is deleted")]
    Deleted,
}

/// A reseller as its events say.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Reseller {
    pub reseller_id: Option<ResellerId>,
    pub customer_id: Option<CustomerId>,
    pub details: Option<ResellerDetails>,
    pub tcr_reseller_id: Option<TcrResellerId>,
    pub status: ResellerStatus,
    /// The action sent to TCR whose answer is not recorded yet.
    pub pending: Option<ResellerAction>,
    pub last_failure: Option<ResellerFailure>,
}

impl Reseller {
    /// Whether `customer_id` owns this reseller.
    pub fn belongs_to(&self, customer_id: CustomerId) -> bool {
        self.customer_id == Some(customer_id)
    }

    fn ready(&self) -> Result<&ResellerDetails, ResellerError> {
        let details = self.details.as_ref().ok_or(ResellerError::NotFound)?;
        if self.status == ResellerStatus::Deleted {
            return Err(ResellerError::Deleted);
        }
        if let Some(action) = self.pending {
            return Err(ResellerError::ActionPending(action.name()));
        }
        Ok(details)
    }

    pub fn decide(&self, command: ResellerCommand) -> Result<Vec<ResellerEvent>, ResellerError> {
        match command {
            ResellerCommand::Register {
                reseller_id,
                customer_id,
                details,
            } => {
                if self.details.is_some() {
                    return Err(ResellerError::AlreadyExists);
                }
                Ok(vec![ResellerEvent::ResellerRegistrationRequested {
                    reseller_id,
                    customer_id,
                    details,
                }])
            }
            ResellerCommand::Update { details } => {
                let current = self.ready()?;
                // Unchanged and held by TCR: nothing to send. A failed registration is tried
                // again even with the same details.
                if current == &details && self.status == ResellerStatus::Registered {
                    return Ok(vec![]);
                }
                Ok(vec![ResellerEvent::ResellerUpdateRequested { details }])
            }
            ResellerCommand::Delete => {
                // Deleting a deleted reseller changes nothing (as for campaigns).
                if self.status == ResellerStatus::Deleted && self.pending.is_none() {
                    return Ok(vec![]);
                }
                self.ready()?;
                if self.tcr_reseller_id.is_none() {
                    return Ok(vec![ResellerEvent::ResellerDeleted]);
                }
                Ok(vec![ResellerEvent::ResellerDeletionRequested])
            }
            ResellerCommand::RecordOutcome(outcome) => {
                self.details.as_ref().ok_or(ResellerError::NotFound)?;
                let Some(action) = self.pending else {
                    // An answer to nothing pending (a repeated outcome) changes nothing.
                    return Ok(vec![]);
                };
                Ok(vec![match outcome {
                    ResellerOutcome::Registered {
                        tcr_reseller_id,
                        adopted,
                    } => ResellerEvent::ResellerRegisteredWithTcr {
                        tcr_reseller_id,
                        adopted,
                    },
                    ResellerOutcome::Updated => ResellerEvent::ResellerUpdatedAtTcr,
                    ResellerOutcome::Deleted => ResellerEvent::ResellerDeleted,
                    ResellerOutcome::Failed(failure) => {
                        ResellerEvent::ResellerTcrCallFailed { action, failure }
                    }
                }])
            }
        }
    }

    /// Pure evolution: the state after one more event.
    pub fn evolve(&mut self, event: ResellerEvent) {
        match event {
            ResellerEvent::ResellerRegistrationRequested {
                reseller_id,
                customer_id,
                details,
            } => {
                self.reseller_id = Some(reseller_id);
                self.customer_id = Some(customer_id);
                self.details = Some(details);
                self.status = ResellerStatus::Pending;
                self.pending = Some(ResellerAction::Register);
            }
            ResellerEvent::ResellerRegisteredWithTcr {
                tcr_reseller_id, ..
            } => {
                self.tcr_reseller_id = Some(tcr_reseller_id);
                self.status = ResellerStatus::Registered;
                self.pending = None;
                self.last_failure = None;
            }
            ResellerEvent::ResellerUpdateRequested { details } => {
                self.details = Some(details);
                self.pending = Some(if self.tcr_reseller_id.is_some() {
                    ResellerAction::Update
                } else {
                    self.status = ResellerStatus::Pending;
                    ResellerAction::Register
                });
            }
            ResellerEvent::ResellerUpdatedAtTcr => {
                self.pending = None;
                self.last_failure = None;
            }
            ResellerEvent::ResellerDeletionRequested => {
                self.pending = Some(ResellerAction::Delete);
            }
            ResellerEvent::ResellerDeleted => {
                self.status = ResellerStatus::Deleted;
                self.pending = None;
                self.last_failure = None;
            }
            ResellerEvent::ResellerTcrCallFailed { action, failure } => {
                if action == ResellerAction::Register {
                    self.status = ResellerStatus::Failed;
                }
                self.pending = None;
                self.last_failure = Some(failure);
            }
        }
    }
}

crate::aggregate!(
    Reseller,
    "Reseller",
    ResellerCommand,
    ResellerEvent,
    ResellerError
);

#[cfg(test)]
mod tests;
