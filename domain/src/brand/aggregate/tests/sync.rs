//! What TCR is observed to hold (webhook or poll): identity and TCR status changes, once.

use super::*;

#[test]
fn it_should_record_an_identity_status_change_with_its_source() {
    BrandTest::with(())
        .given(registered(Some(IdentityStatus::Unverified)))
        .when(BrandCommand::ObserveTcrState {
            identity_status: Some(IdentityStatus::VettedVerified.into()),
            tcr_status: None,
            source: Source::Webhook,
            observed_at: observed_at(),
        })
        .then_expect_events(vec![BrandEvent::BrandIdentityStatusChanged {
            from: Some(IdentityStatus::Unverified.into()),
            to: IdentityStatus::VettedVerified.into(),
            source: Source::Webhook,
            observed_at: Some(observed_at()),
        }]);
}

#[test]
fn it_should_record_the_first_identity_status_tcr_reports() {
    BrandTest::with(())
        .given(registered(None))
        .when(BrandCommand::ObserveTcrState {
            identity_status: Some(IdentityStatus::Verified.into()),
            tcr_status: None,
            source: Source::Poll,
            observed_at: observed_at(),
        })
        .then_expect_events(vec![BrandEvent::BrandIdentityStatusChanged {
            from: None,
            to: IdentityStatus::Verified.into(),
            source: Source::Poll,
            observed_at: Some(observed_at()),
        }]);
}

#[test]
fn it_should_record_only_a_sync_confirmation_when_tcr_reports_the_identity_status_we_already_have()
{
    BrandTest::with(())
        .given(registered(Some(IdentityStatus::Verified)))
        .when(BrandCommand::ObserveTcrState {
            identity_status: Some(IdentityStatus::Verified.into()),
            tcr_status: None,
            source: Source::Webhook,
            observed_at: observed_at(),
        })
        .then_expect_events(vec![BrandEvent::BrandSyncConfirmed {
            source: Source::Webhook,
            observed_at: observed_at(),
        }]);
}

#[test]
fn it_should_refuse_an_identity_status_for_a_brand_tcr_does_not_hold_yet() {
    BrandTest::with(())
        .given(vec![registration_requested()])
        .when(BrandCommand::ObserveTcrState {
            identity_status: Some(IdentityStatus::Verified.into()),
            tcr_status: None,
            source: Source::Webhook,
            observed_at: observed_at(),
        })
        .then_expect_error(BrandError::NotRegistered("PENDING"));
}

#[test]
fn it_should_refuse_an_identity_status_for_an_unknown_brand() {
    BrandTest::with(())
        .given_no_previous_events()
        .when(BrandCommand::ObserveTcrState {
            identity_status: Some(IdentityStatus::Verified.into()),
            tcr_status: None,
            source: Source::Webhook,
            observed_at: observed_at(),
        })
        .then_expect_error(BrandError::NotFound);
}

fn observed_at() -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from_timestamp(1_800_000_000, 0).unwrap()
}

#[test]
fn it_should_ignore_an_observation_older_than_one_already_recorded() {
    let mut history = registered(Some(IdentityStatus::Unverified));
    history.push(BrandEvent::BrandIdentityStatusChanged {
        from: Some(IdentityStatus::Unverified.into()),
        to: IdentityStatus::Verified.into(),
        source: Source::Webhook,
        observed_at: Some(observed_at()),
    });
    BrandTest::with(())
        .given(history)
        .when(BrandCommand::ObserveTcrState {
            identity_status: Some(IdentityStatus::Unverified.into()),
            tcr_status: None,
            source: Source::Poll,
            observed_at: observed_at() - chrono::Duration::seconds(5),
        })
        .then_expect_events(vec![]);
}

/// A registered brand whose `status` TCR confirmed, read at `at`.
fn confirmed(status: IdentityStatus, at: chrono::DateTime<chrono::Utc>) -> Vec<BrandEvent> {
    let mut history = registered(Some(status));
    history.push(BrandEvent::BrandSyncConfirmed {
        source: Source::Webhook,
        observed_at: at,
    });
    history
}

/// A poll's reading of TCR's identity status, read at `at`.
fn polled(status: IdentityStatus, at: chrono::DateTime<chrono::Utc>) -> BrandCommand {
    BrandCommand::ObserveTcrState {
        identity_status: Some(status.into()),
        tcr_status: None,
        source: Source::Poll,
        observed_at: at,
    }
}

#[test]
fn it_should_ignore_an_older_observation_even_after_a_confirmation_without_change() {
    BrandTest::with(())
        .given(confirmed(IdentityStatus::Verified, observed_at()))
        .when(polled(
            IdentityStatus::Unverified,
            observed_at() - chrono::Duration::milliseconds(1),
        ))
        .then_expect_events(vec![]);
}

// Two observers read TCR at about the same time; each reading is dated when TCR's answer
// arrived. The one that arrived last holds the newer state and wins, whichever is recorded first.

#[test]
fn it_should_apply_a_reading_that_arrived_after_the_last_recorded_one_though_recorded_later() {
    let later = observed_at() + chrono::Duration::milliseconds(1);
    BrandTest::with(())
        .given(confirmed(IdentityStatus::Unverified, observed_at()))
        .when(polled(IdentityStatus::Verified, later))
        .then_expect_events(vec![BrandEvent::BrandIdentityStatusChanged {
            from: Some(IdentityStatus::Unverified.into()),
            to: IdentityStatus::Verified.into(),
            source: Source::Poll,
            observed_at: Some(later),
        }]);
}

#[test]
fn it_should_ignore_a_reading_that_arrived_at_the_same_instant_as_the_last_recorded_one() {
    BrandTest::with(())
        .given(confirmed(IdentityStatus::Verified, observed_at()))
        .when(polled(IdentityStatus::Unverified, observed_at()))
        .then_expect_events(vec![]);
}

#[test]
fn it_should_record_a_tcr_status_change_as_its_own_event() {
    BrandTest::with(())
        .given(registered(Some(IdentityStatus::Verified)))
        .when(BrandCommand::ObserveTcrState {
            identity_status: Some(IdentityStatus::Verified.into()),
            tcr_status: Some(TcrBrandStatus::Deleted.into()),
            source: Source::Poll,
            observed_at: observed_at(),
        })
        .then_expect_events(vec![BrandEvent::BrandTcrStatusChanged {
            from: Some(TcrBrandStatus::Active.into()),
            to: TcrBrandStatus::Deleted.into(),
            source: Source::Poll,
            observed_at: observed_at(),
        }]);
}
