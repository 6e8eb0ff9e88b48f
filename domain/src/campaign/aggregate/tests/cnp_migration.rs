//! CNP migration: asked for and cancelled as actions (recorded before TCR, the answer after),
//! its end read from TCR.

use super::*;
use crate::tcr::TcrCnpMigration;
use crate::values::CnpMigrationStatus;

fn shared_with(upstream: &str, status: SharingStatus) -> Vec<CampaignEvent> {
    let mut events = registered();
    events.push(CampaignEvent::CampaignSharingChanged {
        upstream_cnp_id: Some(upstream.into()),
        from: None,
        to: status.into(),
        explanation: None,
        source: Source::Webhook,
    });
    events
}

fn migration(to: CnpMigrationStatus, from: Option<CnpMigrationStatus>) -> CampaignEvent {
    CampaignEvent::CampaignCnpMigrationChanged {
        upstream_cnp_id: "BANDW".into(),
        from,
        to,
        cancellation_reason: None,
        source: Source::Api,
    }
}

/// Shared with TWILO (accepted) and migrating to BANDW.
fn migrating() -> Vec<CampaignEvent> {
    let mut events = shared_with("TWILO", SharingStatus::Accepted);
    events.push(CampaignEvent::CampaignActionRequested {
        action: CampaignAction::MigrateCnp {
            upstream_cnp_id: "BANDW".into(),
        },
    });
    events.push(migration(CnpMigrationStatus::Active, None));
    events
}

fn read(status: &str, reason: Option<&str>) -> CampaignCommand {
    CampaignCommand::ObserveCnpMigration {
        migration: Some(TcrCnpMigration {
            campaign_id: Some(TCR_CAMPAIGN_ID.into()),
            status: status.into(),
            cancellation_reason: reason.map(Into::into),
            create_date: None,
            expiration_date: None,
        }),
        source: Source::Poll,
    }
}

/// `given`, then a request to migrate to BANDW whose answer failed for `reason`.
fn migration_request_failed(given: Vec<CampaignEvent>, reason: &str) -> Vec<CampaignEvent> {
    let mut events = given;
    events.push(CampaignEvent::CampaignActionRequested {
        action: CampaignAction::MigrateCnp {
            upstream_cnp_id: "BANDW".into(),
        },
    });
    events.push(CampaignEvent::CampaignActionFailed {
        action: "CNP migration".into(),
        reason: reason.into(),
        message: "TCR did not answer in time".into(),
        tcr_errors: vec![],
        retryable: true,
    });
    events
}

#[test]
fn it_should_record_a_migration_request_before_tcr_and_its_start_after() {
    // given a campaign a partner accepted
    let given = shared_with("TWILO", SharingStatus::Accepted);
    let action = CampaignAction::MigrateCnp {
        upstream_cnp_id: "BANDW".into(),
    };
    // when a migration to another partner is asked for, then the intent is recorded
    CampaignTest::with(())
        .given(given.clone())
        .when(CampaignCommand::RequestCnpMigration {
            upstream_cnp_id: "BANDW".into(),
        })
        .then_expect_events(vec![CampaignEvent::CampaignActionRequested {
            action: action.clone(),
        }]);
    // and when TCR takes it, the migration is ACTIVE
    let mut requested = given;
    requested.push(CampaignEvent::CampaignActionRequested { action });
    CampaignTest::with(())
        .given(requested)
        .when(CampaignCommand::RecordActionAccepted {
            answer: ActionAnswer::None,
        })
        .then_expect_events(vec![migration(CnpMigrationStatus::Active, None)]);
}

#[test]
fn it_should_refuse_a_migration_tcr_would_refuse() {
    let refused = |given: Vec<CampaignEvent>, upstream: &str, why: &str| {
        CampaignTest::with(())
            .given(given)
            .when(CampaignCommand::RequestCnpMigration {
                upstream_cnp_id: upstream.into(),
            })
            .then_expect_error(CampaignError::NotApplicable(why.into()));
    };
    let not_accepted =
        "only a campaign whose sharing a connectivity partner ACCEPTED can migrate to another";
    // given a campaign never shared, or shared and still PENDING
    refused(registered(), "BANDW", not_accepted);
    refused(
        shared_with("TWILO", SharingStatus::Pending),
        "BANDW",
        not_accepted,
    );
    // given the campaign is already with that partner
    refused(
        shared_with("TWILO", SharingStatus::Accepted),
        "TWILO",
        "the campaign is already with TWILO",
    );
    // given a migration already under way
    refused(
        migrating(),
        "SINCH",
        "a CNP migration of this campaign is already under way; cancel it first",
    );
}

#[test]
fn it_should_cancel_only_a_migration_under_way() {
    CampaignTest::with(())
        .given(shared_with("TWILO", SharingStatus::Accepted))
        .when(CampaignCommand::RequestCnpMigrationCancel { explanation: None })
        .then_expect_error(CampaignError::NotApplicable(
            "no CNP migration of this campaign is under way".into(),
        ));
    let action = CampaignAction::CancelCnpMigration {
        explanation: Some("customer changed its mind".into()),
    };
    let mut cancelling = migrating();
    cancelling.push(CampaignEvent::CampaignActionRequested {
        action: action.clone(),
    });
    CampaignTest::with(())
        .given(migrating())
        .when(CampaignCommand::RequestCnpMigrationCancel {
            explanation: Some("customer changed its mind".into()),
        })
        .then_expect_events(vec![CampaignEvent::CampaignActionRequested { action }]);
    CampaignTest::with(())
        .given(cancelling)
        .when(CampaignCommand::RecordActionAccepted {
            answer: ActionAnswer::None,
        })
        .then_expect_events(vec![CampaignEvent::CampaignCnpMigrationChanged {
            upstream_cnp_id: "BANDW".into(),
            from: Some(CnpMigrationStatus::Active),
            to: CnpMigrationStatus::Cancelled,
            cancellation_reason: Some("customer changed its mind".into()),
            source: Source::Api,
        }]);
}

#[test]
fn it_should_record_the_end_tcr_reports_once_and_move_the_sharing_on_completion() {
    // given a migration under way, when TCR reports it COMPLETED
    let completed = CampaignEvent::CampaignCnpMigrationChanged {
        upstream_cnp_id: "BANDW".into(),
        from: Some(CnpMigrationStatus::Active),
        to: CnpMigrationStatus::Completed,
        cancellation_reason: None,
        source: Source::Poll,
    };
    CampaignTest::with(())
        .given(migrating())
        .when(read("COMPLETED", Some("")))
        .then_expect_events(vec![completed.clone()]);
    // then the campaign is with the new partner, and reading it again records nothing
    let state = state_after(migrating().into_iter().chain([completed.clone()]));
    let sharing = state.sharing.clone().expect("shared");
    assert_eq!(
        (sharing.upstream_cnp_id.as_deref(), sharing.status),
        (Some("BANDW"), SharingStatus::Accepted.into())
    );
    let mut done = migrating();
    done.push(completed);
    CampaignTest::with(())
        .given(done.clone())
        .when(read("COMPLETED", None))
        .then_expect_events(vec![]);
    // a late reading of it ACTIVE does not start it again
    CampaignTest::with(())
        .given(done)
        .when(read("ACTIVE", None))
        .then_expect_events(vec![]);
    // the new partner declined: TCR cancelled it, with the partner's reason
    CampaignTest::with(())
        .given(migrating())
        .when(read(
            "CANCELLED",
            Some("SAMPLE_MESSAGE: samples lack opt-out"),
        ))
        .then_expect_events(vec![CampaignEvent::CampaignCnpMigrationChanged {
            upstream_cnp_id: "BANDW".into(),
            from: Some(CnpMigrationStatus::Active),
            to: CnpMigrationStatus::Cancelled,
            cancellation_reason: Some("SAMPLE_MESSAGE: samples lack opt-out".into()),
            source: Source::Poll,
        }]);
}

#[test]
fn it_should_end_the_pending_action_only_on_our_own_answer() {
    let migrate = CampaignAction::MigrateCnp {
        upstream_cnp_id: "BANDW".into(),
    };
    assert!(migration(CnpMigrationStatus::Active, None).ends_pending_action(Some(&migrate)));
    assert!(!CampaignEvent::CampaignCnpMigrationChanged {
        upstream_cnp_id: "BANDW".into(),
        from: Some(CnpMigrationStatus::Active),
        to: CnpMigrationStatus::Completed,
        cancellation_reason: None,
        source: Source::Poll,
    }
    .ends_pending_action(Some(&migrate)));
    // a migration's end read while another action waits for TCR does not answer it
    assert!(!migration(
        CnpMigrationStatus::Completed,
        Some(CnpMigrationStatus::Active)
    )
    .ends_pending_action(Some(&CampaignAction::Deactivate)));
}

#[test]
fn it_should_read_back_a_migration_request_whose_answer_was_lost_before_asking_again() {
    // given a migration request that timed out (TCR may have started it)
    let lost = migration_request_failed(shared_with("TWILO", SharingStatus::Accepted), "timeout");
    let state = state_after(lost.clone());
    assert_eq!(state.cnp_migration_unconfirmed.as_deref(), Some("BANDW"));
    assert!(state.cnp_migration_to_read());
    // when the customer asks again, then it is refused until TCR is read
    CampaignTest::with(())
        .given(lost.clone())
        .when(CampaignCommand::RequestCnpMigration {
            upstream_cnp_id: "BANDW".into(),
        })
        .then_expect_error(CampaignError::NotApplicable(
            "TCR did not confirm the last CNP migration request (to BANDW); read it back first (GET …/cnp-migration)".into(),
        ));
    // and a request TCR refused (it certainly did nothing) or one interrupted by a crash
    for (reason, unconfirmed) in [("rejected", false), ("interrupted", true)] {
        let state = state_after(migration_request_failed(
            shared_with("TWILO", SharingStatus::Accepted),
            reason,
        ));
        assert_eq!(
            state.cnp_migration_unconfirmed.is_some(),
            unconfirmed,
            "{reason}"
        );
    }
}

#[test]
fn it_should_adopt_the_migration_tcr_started_from_a_request_whose_answer_was_lost() {
    let lost = migration_request_failed(shared_with("TWILO", SharingStatus::Accepted), "timeout");
    // when TCR shows a migration under way, then it is ours: adopted as started
    let adopted = CampaignEvent::CampaignCnpMigrationChanged {
        upstream_cnp_id: "BANDW".into(),
        from: None,
        to: CnpMigrationStatus::Active,
        cancellation_reason: None,
        source: Source::Poll,
    };
    CampaignTest::with(())
        .given(lost.clone())
        .when(read("ACTIVE", None))
        .then_expect_events(vec![adopted.clone()]);
    let mut after = lost.clone();
    after.push(adopted);
    let state = state_after(after);
    assert_eq!(state.cnp_migration_unconfirmed, None);
    assert!(state.cnp_migration_to_read(), "now under way");
    // when TCR shows one that already ended and the campaign never had another, it is ours too
    CampaignTest::with(())
        .given(lost.clone())
        .when(read("COMPLETED", None))
        .then_expect_events(vec![CampaignEvent::CampaignCnpMigrationChanged {
            upstream_cnp_id: "BANDW".into(),
            from: None,
            to: CnpMigrationStatus::Completed,
            cancellation_reason: None,
            source: Source::Poll,
        }]);
}

#[test]
fn it_should_record_that_tcr_never_started_a_migration_whose_answer_was_lost() {
    let not_started = CampaignEvent::CampaignCnpMigrationNotStarted {
        upstream_cnp_id: "BANDW".into(),
        source: Source::Poll,
    };
    // given a lost request on a campaign that never migrated, when TCR holds no migration
    let lost = migration_request_failed(shared_with("TWILO", SharingStatus::Accepted), "timeout");
    CampaignTest::with(())
        .given(lost.clone())
        .when(CampaignCommand::ObserveCnpMigration {
            migration: None,
            source: Source::Poll,
        })
        .then_expect_events(vec![not_started.clone()]);
    // given an earlier migration that was cancelled, when TCR's latest is still that one
    let mut earlier = migrating();
    earlier.push(CampaignEvent::CampaignCnpMigrationChanged {
        upstream_cnp_id: "BANDW".into(),
        from: Some(CnpMigrationStatus::Active),
        to: CnpMigrationStatus::Cancelled,
        cancellation_reason: None,
        source: Source::Poll,
    });
    let lost_again = migration_request_failed(earlier, "server_error");
    CampaignTest::with(())
        .given(lost_again.clone())
        .when(read("CANCELLED", None))
        .then_expect_events(vec![not_started.clone()]);
    // then nothing is left to read, and a new request may be made
    let mut settled = lost_again;
    settled.push(not_started);
    let state = state_after(settled.clone());
    assert!(!state.cnp_migration_to_read());
    CampaignTest::with(())
        .given(settled)
        .when(CampaignCommand::RequestCnpMigration {
            upstream_cnp_id: "BANDW".into(),
        })
        .then_expect_events(vec![CampaignEvent::CampaignActionRequested {
            action: CampaignAction::MigrateCnp {
                upstream_cnp_id: "BANDW".into(),
            },
        }]);
}

#[test]
fn it_should_record_nothing_from_a_reading_when_no_migration_is_under_way_or_unconfirmed() {
    CampaignTest::with(())
        .given(shared_with("TWILO", SharingStatus::Accepted))
        .when(read("ACTIVE", None))
        .then_expect_events(vec![]);
}
