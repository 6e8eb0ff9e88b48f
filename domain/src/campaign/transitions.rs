//! Rules of a campaign's state that the aggregate and the read models both follow, so a read
//! model never re-derives them.
use super::aggregate::CarrierState;
use super::carriers::Mno;
use super::events::{CampaignAction, CampaignEvent};
use crate::metadata::Source;

impl CampaignEvent {
    /// TCR answered the change, deactivation, resubmission, nudge, sharing or migration
    /// `pending` (or it failed), so nothing is pending any more. A sharing or migration change
    /// TCR reports by itself (a webhook, a poll, a reading asked for meanwhile) answers nothing.
    pub fn ends_pending_action(&self, pending: Option<&CampaignAction>) -> bool {
        match self {
            CampaignEvent::CampaignActionFailed { .. }
            | CampaignEvent::CampaignUpdated { .. }
            | CampaignEvent::CampaignDeactivated { .. }
            | CampaignEvent::CampaignResubmitted { .. }
            | CampaignEvent::CampaignNudged { .. }
            | CampaignEvent::CampaignFileAttached { .. } => true,
            CampaignEvent::CampaignSharingChanged { source, .. } => {
                *source == Source::Api && matches!(pending, Some(CampaignAction::Share { .. }))
            }
            CampaignEvent::CampaignCnpMigrationChanged { source, .. } => {
                *source == Source::Api
                    && matches!(
                        pending,
                        Some(
                            CampaignAction::MigrateCnp { .. }
                                | CampaignAction::CancelCnpMigration { .. }
                        )
                    )
            }
            _ => false,
        }
    }

    /// The carrier verdict this event records, if it records one. The new verdict replaces the
    /// carrier's reason: a reason explains only the status it came with.
    pub fn carrier_verdict(&self) -> Option<(Mno, CarrierState)> {
        match self {
            CampaignEvent::CampaignMnoStatusChanged {
                mno, to, reason, ..
            } => Some((
                *mno,
                CarrierState {
                    status: to.clone(),
                    reason: reason.clone(),
                },
            )),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::Utc;

    use super::*;
    use crate::campaign::{CampaignAction, CarrierReason};
    use crate::values::{OperationStatus, SharingStatus};

    fn verdict(to: OperationStatus, reason: Option<CarrierReason>) -> CampaignEvent {
        CampaignEvent::CampaignMnoStatusChanged {
            mno: Mno::T_MOBILE,
            from: Some(OperationStatus::Rejected.into()),
            to: to.into(),
            reason,
            source: Source::Webhook,
            observed_at: Utc::now(),
        }
    }

    fn shared(source: Source) -> CampaignEvent {
        CampaignEvent::CampaignSharingChanged {
            upstream_cnp_id: Some("CNP1".into()),
            from: None,
            to: SharingStatus::Pending.into(),
            explanation: None,
            source,
        }
    }

    #[test]
    fn it_should_drop_a_carrier_reason_once_the_carrier_moves_on() {
        // given a carrier that rejected the campaign, then registers it without a reason
        let registered = verdict(OperationStatus::Registered, None);
        // when the verdict is read
        let (mno, state) = registered.carrier_verdict().expect("a carrier verdict");
        // then the rejection's reason no longer applies
        assert_eq!(mno, Mno::T_MOBILE);
        assert_eq!(
            state,
            CarrierState {
                status: OperationStatus::Registered.into(),
                reason: None
            }
        );
    }

    #[test]
    fn it_should_keep_the_reason_a_verdict_came_with() {
        let reason = CarrierReason::from_text("SAMPLE_MESSAGE: Samples do not match");
        let rejected = verdict(OperationStatus::Rejected, Some(reason.clone()));
        assert_eq!(
            rejected.carrier_verdict().map(|(_, state)| state.reason),
            Some(Some(reason))
        );
        assert_eq!(shared(Source::Api).carrier_verdict(), None);
    }

    #[test]
    fn it_should_end_the_pending_action_when_tcr_answers_it_not_when_tcr_reports_by_itself() {
        // given an action waiting for TCR
        let share = CampaignAction::Share {
            upstream_cnp_id: "CNP1".into(),
        };
        let pending = Some(&share);
        let requested = CampaignEvent::CampaignActionRequested {
            action: share.clone(),
        };
        // when / then
        assert!(!requested.ends_pending_action(pending));
        assert!(shared(Source::Api).ends_pending_action(pending));
        assert!(!shared(Source::Webhook).ends_pending_action(pending));
        assert!(CampaignEvent::CampaignDeactivated {
            source: Source::Api
        }
        .ends_pending_action(pending));
        assert!(!verdict(OperationStatus::Registered, None).ends_pending_action(pending));
        // a sharing read back while another action waits (a nudge) does not answer it
        let nudge = CampaignAction::Nudge {
            intent: crate::values::NudgeIntent::Review,
            description: "look again".into(),
        };
        assert!(!shared(Source::Api).ends_pending_action(Some(&nudge)));
    }
}
