//! The PartnerCampaign aggregate: a campaign another CSP shared with the operator's TCR account,
//! the operator being its upstream connectivity partner (CNP). tendlc learns of it by reading
//! TCR (`sharedWithMe`, with each carrier's status), and the operator accepts it (by sharing it
//! further upstream, which is how TCR accepts a share) or declines it. As for our own
//! campaigns, the intent is recorded before TCR is called and TCR's answer after. Its id is
//! TCR's campaign id: it is TCR's record, not one of our customers'.
use std::collections::BTreeMap;

use cqrs_es::DomainEvent;
use serde::{Deserialize, Serialize};

use crate::metadata::Source;
use crate::tcr::{TcrApiError, TcrError, TcrSharingLink};
use crate::values::{OperationStatus, RejectionCategory, Reported, SharingStatus};

#[cfg(test)]
mod tests;

/// One reading of a shared campaign at TCR.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PartnerReading {
    /// The CSP that shared it with us.
    pub downstream_cnp_id: Option<String>,
    pub brand_id: Option<String>,
    pub usecase: Option<String>,
    pub description: Option<String>,
    /// TCR's own status (ACTIVE | EXPIRED).
    pub tcr_status: Option<String>,
    /// Where the share with us stands; `None` when TCR did not say.
    pub sharing_status: Option<Reported<SharingStatus>>,
    /// Our share further upstream, once we accepted: the partner and where it stands.
    pub upstream_cnp_id: Option<String>,
    pub upstream_sharing_status: Option<Reported<SharingStatus>>,
    /// Each carrier's status, by TCR network id.
    pub carriers: BTreeMap<String, Reported<OperationStatus>>,
}

/// Declining a campaign shared with us: why, and TCR's categories (at least one).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PartnerDecline {
    pub explanation: String,
    pub categories: Vec<RejectionCategory>,
}

/// What the operator asks of a shared campaign.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum PartnerAction {
    /// Accept by sharing it on to `upstream_cnp_id`.
    Accept {
        upstream_cnp_id: String,
    },
    Decline(PartnerDecline),
}

impl PartnerAction {
    pub fn name(&self) -> &'static str {
        match self {
            PartnerAction::Accept { .. } => "acceptance",
            PartnerAction::Decline(_) => "decline",
        }
    }
}

/// Why TCR did not do what was asked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PartnerFailure {
    pub kind: String,
    pub message: String,
    pub tcr_errors: Vec<TcrApiError>,
    pub retryable: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub enum PartnerCampaignCommand {
    /// What TCR holds now (a sync); a reading equal to the one held records nothing.
    Observe {
        tcr_campaign_id: String,
        reading: PartnerReading,
        source: Source,
    },
    Accept {
        upstream_cnp_id: String,
    },
    Decline(PartnerDecline),
    /// TCR's answer to the pending action: the link it now shows, or why not.
    RecordOutcome(Result<TcrSharingLink, TcrError>),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum PartnerCampaignEvent {
    /// TCR was read and showed this (first sight, or something changed).
    PartnerCampaignObserved {
        tcr_campaign_id: String,
        reading: PartnerReading,
        source: Source,
    },
    /// The operator asked to accept or decline; recorded before TCR is called.
    PartnerCampaignActionRequested { action: PartnerAction },
    /// TCR took the acceptance: the campaign is shared on to `upstream_cnp_id`.
    PartnerCampaignAccepted {
        upstream_cnp_id: String,
        upstream_sharing_status: Reported<SharingStatus>,
    },
    /// TCR took the decline.
    PartnerCampaignDeclined { decline: PartnerDecline },
    /// TCR refused or failed the pending action; nothing changed at TCR.
    PartnerCampaignActionFailed {
        action: String,
        failure: PartnerFailure,
    },
}

impl DomainEvent for PartnerCampaignEvent {
    fn event_type(&self) -> String {
        match self {
            PartnerCampaignEvent::PartnerCampaignObserved { .. } => "PartnerCampaignObserved",
            PartnerCampaignEvent::PartnerCampaignActionRequested { .. } => {
                "PartnerCampaignActionRequested"
            }
            PartnerCampaignEvent::PartnerCampaignAccepted { .. } => "PartnerCampaignAccepted",
            PartnerCampaignEvent::PartnerCampaignDeclined { .. } => "PartnerCampaignDeclined",
            PartnerCampaignEvent::PartnerCampaignActionFailed { .. } => {
                "PartnerCampaignActionFailed"
            }
        }
        .to_string()
    }

    fn event_version(&self) -> String {
        "1.0".to_string()
    }
}

impl PartnerCampaignEvent {
    /// What happened, in one line.
    pub fn summary(&self) -> String {
        match self {
            PartnerCampaignEvent::PartnerCampaignObserved {
                reading, source, ..
            } => format!(
                "shared with us by {}: sharing {} (seen by {})",
                reading.downstream_cnp_id.as_deref().unwrap_or("a CSP"),
                reading
                    .sharing_status
                    .as_ref()
                    .map_or("unknown", |s| s.as_str()),
                source.as_str()
            ),
            PartnerCampaignEvent::PartnerCampaignActionRequested { action } => {
                format!("{} requested", action.name())
            }
            PartnerCampaignEvent::PartnerCampaignAccepted {
                upstream_cnp_id, ..
            } => format!("accepted by TCR: shared on to {upstream_cnp_id}"),
            PartnerCampaignEvent::PartnerCampaignDeclined { decline } => format!(
                "declined at TCR ({}): {}",
                decline
                    .categories
                    .iter()
                    .map(|c| c.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
                decline.explanation
            ),
            PartnerCampaignEvent::PartnerCampaignActionFailed { action, failure } => {
                format!("{action} not taken by TCR: {}", failure.message)
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PartnerCampaignError {
    #[error("no such partner campaign")]
    NotFound,
    #[error("the campaign's {0} is still waiting for TCR's answer; try again shortly")]
    ActionPending(&'static str),
    #[error("{0}")]
    NotApplicable(String),
}

/// A shared campaign as its events say.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PartnerCampaign {
    pub tcr_campaign_id: Option<String>,
    pub reading: Option<PartnerReading>,
    pub pending: Option<PartnerAction>,
    pub decline: Option<PartnerDecline>,
    pub last_failure: Option<PartnerFailure>,
}

impl PartnerCampaign {
    /// An action may be asked of a campaign whose share with us is still PENDING, one at a time.
    fn act(
        &self,
        action: PartnerAction,
    ) -> Result<Vec<PartnerCampaignEvent>, PartnerCampaignError> {
        let reading = self
            .reading
            .as_ref()
            .ok_or(PartnerCampaignError::NotFound)?;
        if let Some(pending) = &self.pending {
            return Err(PartnerCampaignError::ActionPending(pending.name()));
        }
        let status = reading.sharing_status.as_ref();
        if !status.is_some_and(|s| *s == SharingStatus::Pending) {
            return Err(PartnerCampaignError::NotApplicable(format!(
                "only a campaign whose sharing with us is PENDING can be accepted or declined; this one is {}",
                status.map_or("unknown", |s| s.as_str())
            )));
        }
        Ok(vec![PartnerCampaignEvent::PartnerCampaignActionRequested {
            action,
        }])
    }

    pub fn decide(
        &self,
        command: PartnerCampaignCommand,
    ) -> Result<Vec<PartnerCampaignEvent>, PartnerCampaignError> {
        match command {
            PartnerCampaignCommand::Observe {
                tcr_campaign_id,
                reading,
                source,
            } => {
                if self.reading.as_ref() == Some(&reading) {
                    return Ok(vec![]);
                }
                Ok(vec![PartnerCampaignEvent::PartnerCampaignObserved {
                    tcr_campaign_id,
                    reading,
                    source,
                }])
            }
            PartnerCampaignCommand::Accept { upstream_cnp_id } => {
                self.act(PartnerAction::Accept { upstream_cnp_id })
            }
            PartnerCampaignCommand::Decline(decline) => {
                if decline.categories.is_empty() {
                    return Err(PartnerCampaignError::NotApplicable(
                        "a decline names at least one rejection category".into(),
                    ));
                }
                self.act(PartnerAction::Decline(decline))
            }
            PartnerCampaignCommand::RecordOutcome(outcome) => {
                // An answer to nothing pending (a repeated outcome) changes nothing.
                let Some(action) = self.pending.clone() else {
                    return Ok(vec![]);
                };
                Ok(vec![match (action, outcome) {
                    (PartnerAction::Accept { upstream_cnp_id }, Ok(link)) => {
                        PartnerCampaignEvent::PartnerCampaignAccepted {
                            upstream_cnp_id: link.upstream_cnp_id.unwrap_or(upstream_cnp_id),
                            upstream_sharing_status: Reported::parse(&link.sharing_status),
                        }
                    }
                    (PartnerAction::Decline(decline), Ok(_)) => {
                        PartnerCampaignEvent::PartnerCampaignDeclined { decline }
                    }
                    (action, Err(error)) => {
                        let (kind, message, tcr_errors, retryable) = error.record_parts();
                        PartnerCampaignEvent::PartnerCampaignActionFailed {
                            action: action.name().to_string(),
                            failure: PartnerFailure {
                                kind,
                                message,
                                tcr_errors,
                                retryable,
                            },
                        }
                    }
                }])
            }
        }
    }

    /// Pure evolution: the state after one more event.
    pub fn evolve(&mut self, event: PartnerCampaignEvent) {
        match event {
            PartnerCampaignEvent::PartnerCampaignObserved {
                tcr_campaign_id,
                reading,
                ..
            } => {
                self.tcr_campaign_id = Some(tcr_campaign_id);
                self.reading = Some(reading);
            }
            PartnerCampaignEvent::PartnerCampaignActionRequested { action } => {
                self.pending = Some(action);
            }
            PartnerCampaignEvent::PartnerCampaignAccepted {
                upstream_cnp_id,
                upstream_sharing_status,
            } => {
                self.pending = None;
                self.last_failure = None;
                let reading = self.reading.get_or_insert_with(Default::default);
                // TCR accepts a share when its partner shares it further.
                reading.sharing_status = Some(SharingStatus::Accepted.into());
                reading.upstream_cnp_id = Some(upstream_cnp_id);
                reading.upstream_sharing_status = Some(upstream_sharing_status);
            }
            PartnerCampaignEvent::PartnerCampaignDeclined { decline } => {
                self.pending = None;
                self.last_failure = None;
                let reading = self.reading.get_or_insert_with(Default::default);
                reading.sharing_status = Some(SharingStatus::Declined.into());
                self.decline = Some(decline);
            }
            PartnerCampaignEvent::PartnerCampaignActionFailed { failure, .. } => {
                self.pending = None;
                self.last_failure = Some(failure);
            }
        }
    }
}

crate::aggregate!(
    PartnerCampaign,
    "PartnerCampaign",
    PartnerCampaignCommand,
    PartnerCampaignEvent,
    PartnerCampaignError
);
