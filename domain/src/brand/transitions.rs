//! Rules of a brand's state that the aggregate and the read models both follow, so a read
//! model never re-derives them.
use super::aggregate::RegistrationStatus;
use super::events::BrandEvent;
use crate::values::{Reported, TcrBrandStatus};

impl RegistrationStatus {
    pub const ALL: [RegistrationStatus; 4] = [
        RegistrationStatus::Pending,
        RegistrationStatus::Registered,
        RegistrationStatus::Rejected,
        RegistrationStatus::Abandoned,
    ];

    /// Reads our spelling (`PENDING`, …); `None` for anything else.
    pub fn parse(text: &str) -> Option<RegistrationStatus> {
        Self::ALL.into_iter().find(|status| status.as_str() == text)
    }

    /// Where a registration stands once TCR did not take it: a failure that retrying cannot
    /// help rejects it; any other leaves it where it was, to be tried again.
    pub fn after_failure(self, retryable: bool) -> RegistrationStatus {
        if retryable {
            self
        } else {
            RegistrationStatus::Rejected
        }
    }
}

/// TCR's status of a brand it has just taken: what TCR said, or ACTIVE when it said nothing.
pub fn tcr_status_when_submitted(
    reported: Option<Reported<TcrBrandStatus>>,
) -> Reported<TcrBrandStatus> {
    reported.unwrap_or(Reported::Known(TcrBrandStatus::Active))
}

impl BrandEvent {
    /// TCR answered the vetting, revet, appeal, OTP step or deletion waiting for it (or it
    /// failed), so nothing is pending any more.
    pub fn ends_pending_action(&self) -> bool {
        matches!(
            self,
            BrandEvent::BrandActionFailed { .. }
                | BrandEvent::BrandRevetted
                | BrandEvent::BrandVettingRecorded { .. }
                | BrandEvent::BrandAppealFiled { .. }
                | BrandEvent::BrandOtpSent { .. }
                | BrandEvent::BrandOtpVerified
                | BrandEvent::BrandDeleted { .. }
                | BrandEvent::BrandEvidenceUploaded { .. }
                | BrandEvent::BrandVettingAppealFiled { .. }
                | BrandEvent::BrandAuthPlusEmailResent { .. }
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::brand::BrandAction;
    use crate::metadata::Source;

    #[test]
    fn it_should_reject_a_registration_when_retrying_cannot_help() {
        // given
        let pending = RegistrationStatus::Pending;
        // when
        let after = pending.after_failure(false);
        // then
        assert_eq!(after, RegistrationStatus::Rejected);
    }

    #[test]
    fn it_should_keep_a_registration_pending_after_a_failure_worth_retrying() {
        // given
        let pending = RegistrationStatus::Pending;
        // when
        let after = pending.after_failure(true);
        // then
        assert_eq!(after, RegistrationStatus::Pending);
    }

    #[test]
    fn it_should_read_back_every_registration_status_it_spells() {
        for status in RegistrationStatus::ALL {
            assert_eq!(RegistrationStatus::parse(status.as_str()), Some(status));
        }
        assert_eq!(RegistrationStatus::parse("pending"), None);
    }

    #[test]
    fn it_should_hold_a_brand_tcr_took_without_a_status_as_active() {
        assert_eq!(
            tcr_status_when_submitted(None),
            Reported::Known(TcrBrandStatus::Active)
        );
        assert_eq!(
            tcr_status_when_submitted(Some(TcrBrandStatus::Deleted.into())),
            Reported::Known(TcrBrandStatus::Deleted)
        );
    }

    #[test]
    fn it_should_end_the_pending_action_only_when_tcr_answers_it() {
        // given an action waiting for TCR
        let requested = BrandEvent::BrandActionRequested {
            action: BrandAction::Revet,
        };
        // when TCR answers it, or something else happens
        let answers = [
            BrandEvent::BrandRevetted,
            BrandEvent::BrandOtpVerified,
            BrandEvent::BrandDeleted {
                source: Source::Api,
            },
        ];
        let others = [
            requested,
            BrandEvent::BrandSyncConfirmed {
                source: Source::Poll,
                observed_at: chrono::Utc::now(),
            },
            BrandEvent::BrandAppealCompleted {
                outcome: None,
                source: Source::Webhook,
            },
        ];
        // then only the answers end it
        assert!(answers.iter().all(BrandEvent::ends_pending_action));
        assert!(!others.iter().any(BrandEvent::ends_pending_action));
    }
}
