use cqrs_es::test::TestFramework;

use super::*;

type PartnerTest = TestFramework<PartnerCampaign>;

fn reading(sharing: SharingStatus) -> PartnerReading {
    PartnerReading {
        downstream_cnp_id: Some("S123ABC".into()),
        brand_id: Some("B1A2B3C".into()),
        usecase: Some("2FA".into()),
        description: Some("Sign-in codes".into()),
        tcr_status: Some("ACTIVE".into()),
        sharing_status: Some(sharing.into()),
        upstream_cnp_id: None,
        upstream_sharing_status: None,
        carriers: [("10017".to_string(), OperationStatus::Registered.into())].into(),
    }
}

fn observed(sharing: SharingStatus) -> PartnerCampaignEvent {
    PartnerCampaignEvent::PartnerCampaignObserved {
        tcr_campaign_id: "C9X8Y7Z".into(),
        reading: reading(sharing),
        source: Source::Poll,
    }
}

fn observe(reading: PartnerReading) -> PartnerCampaignCommand {
    PartnerCampaignCommand::Observe {
        tcr_campaign_id: "C9X8Y7Z".into(),
        reading,
        source: Source::Poll,
    }
}

fn decline() -> PartnerDecline {
    PartnerDecline {
        explanation: "Samples lack opt-out language".into(),
        categories: vec![RejectionCategory::SampleMessage],
    }
}

fn link(status: &str) -> TcrSharingLink {
    TcrSharingLink {
        downstream_cnp_id: Some("SOURCSP".into()),
        upstream_cnp_id: Some("TWILO".into()),
        sharing_status: status.into(),
        explanation: None,
        shared_date: None,
        status_date: None,
        cnp_migration: Some(false),
    }
}

#[test]
fn it_should_record_a_shared_campaign_once_and_each_change_of_it() {
    // given nothing, when TCR shows the campaign, then it is recorded
    PartnerTest::with(())
        .given_no_previous_events()
        .when(observe(reading(SharingStatus::Pending)))
        .then_expect_events(vec![observed(SharingStatus::Pending)]);
    // given it is held, when TCR shows the same, then nothing is recorded
    PartnerTest::with(())
        .given(vec![observed(SharingStatus::Pending)])
        .when(observe(reading(SharingStatus::Pending)))
        .then_expect_events(vec![]);
    // when a carrier moves, the new reading is recorded
    let mut suspended = reading(SharingStatus::Pending);
    suspended
        .carriers
        .insert("10017".into(), OperationStatus::Suspended.into());
    PartnerTest::with(())
        .given(vec![observed(SharingStatus::Pending)])
        .when(observe(suspended.clone()))
        .then_expect_events(vec![PartnerCampaignEvent::PartnerCampaignObserved {
            tcr_campaign_id: "C9X8Y7Z".into(),
            reading: suspended,
            source: Source::Poll,
        }]);
}

#[test]
fn it_should_record_an_acceptance_before_tcr_and_tcrs_answer_after() {
    let action = PartnerAction::Accept {
        upstream_cnp_id: "TWILO".into(),
    };
    PartnerTest::with(())
        .given(vec![observed(SharingStatus::Pending)])
        .when(PartnerCampaignCommand::Accept {
            upstream_cnp_id: "TWILO".into(),
        })
        .then_expect_events(vec![PartnerCampaignEvent::PartnerCampaignActionRequested {
            action: action.clone(),
        }]);
    let requested = vec![
        observed(SharingStatus::Pending),
        PartnerCampaignEvent::PartnerCampaignActionRequested { action },
    ];
    // while TCR has not answered, nothing else may be asked
    PartnerTest::with(())
        .given(requested.clone())
        .when(PartnerCampaignCommand::Decline(decline()))
        .then_expect_error(PartnerCampaignError::ActionPending("acceptance"));
    let accepted = PartnerCampaignEvent::PartnerCampaignAccepted {
        upstream_cnp_id: "TWILO".into(),
        upstream_sharing_status: SharingStatus::Pending.into(),
    };
    PartnerTest::with(())
        .given(requested)
        .when(PartnerCampaignCommand::RecordOutcome(Ok(link("PENDING"))))
        .then_expect_events(vec![accepted.clone()]);
    // then the share with us is ACCEPTED and nothing more can be asked
    let mut state = PartnerCampaign::default();
    for event in [observed(SharingStatus::Pending), accepted] {
        state.evolve(event);
    }
    let reading = state.reading.as_ref().expect("held");
    assert_eq!(reading.sharing_status, Some(SharingStatus::Accepted.into()));
    assert_eq!(reading.upstream_cnp_id.as_deref(), Some("TWILO"));
    assert_eq!(
        state.decide(PartnerCampaignCommand::Decline(decline())),
        Err(PartnerCampaignError::NotApplicable(
            "only a campaign whose sharing with us is PENDING can be accepted or declined; this one is ACCEPTED".into()
        ))
    );
}

#[test]
fn it_should_record_a_refused_decline_as_failed_and_let_it_be_asked_again() {
    let requested = vec![
        observed(SharingStatus::Pending),
        PartnerCampaignEvent::PartnerCampaignActionRequested {
            action: PartnerAction::Decline(decline()),
        },
    ];
    let refused = TcrError::Rejected(vec![TcrApiError {
        code: 501,
        description: "bad category".into(),
        fields: vec!["rejectionCategory".into()],
    }]);
    let (kind, message, tcr_errors, retryable) = refused.record_parts();
    let failed = PartnerCampaignEvent::PartnerCampaignActionFailed {
        action: "decline".into(),
        failure: PartnerFailure {
            kind,
            message,
            tcr_errors,
            retryable,
        },
    };
    PartnerTest::with(())
        .given(requested.clone())
        .when(PartnerCampaignCommand::RecordOutcome(Err(refused)))
        .then_expect_events(vec![failed.clone()]);
    let mut after = requested;
    after.push(failed);
    PartnerTest::with(())
        .given(after)
        .when(PartnerCampaignCommand::Decline(decline()))
        .then_expect_events(vec![PartnerCampaignEvent::PartnerCampaignActionRequested {
            action: PartnerAction::Decline(decline()),
        }]);
}

#[test]
fn it_should_refuse_actions_on_a_campaign_never_seen_and_a_decline_without_category() {
    PartnerTest::with(())
        .given_no_previous_events()
        .when(PartnerCampaignCommand::Accept {
            upstream_cnp_id: "TWILO".into(),
        })
        .then_expect_error(PartnerCampaignError::NotFound);
    PartnerTest::with(())
        .given(vec![observed(SharingStatus::Pending)])
        .when(PartnerCampaignCommand::Decline(PartnerDecline {
            explanation: "no".into(),
            categories: vec![],
        }))
        .then_expect_error(PartnerCampaignError::NotApplicable(
            "a decline names at least one rejection category".into(),
        ));
    // an answer to nothing pending changes nothing
    PartnerTest::with(())
        .given(vec![observed(SharingStatus::Pending)])
        .when(PartnerCampaignCommand::RecordOutcome(Ok(link("ACCEPTED"))))
        .then_expect_events(vec![]);
}
