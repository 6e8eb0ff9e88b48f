//! What TCR and the carriers are observed to hold (webhook or poll): each change once, never backwards.

use super::*;

#[test]
fn it_should_record_each_carrier_change_once() {
    CampaignTest::with(())
        .given(registered())
        .when(observe(
            &[
                (Mno::ATT, OperationStatus::Review),
                (Mno::T_MOBILE, OperationStatus::Registered),
            ],
            1,
        ))
        .then_expect_events(vec![
            CampaignEvent::CampaignMnoStatusChanged {
                mno: Mno::ATT,
                from: None,
                to: OperationStatus::Review.into(),
                reason: None,
                source: Source::Webhook,
                observed_at: at(1),
            },
            CampaignEvent::CampaignMnoStatusChanged {
                mno: Mno::T_MOBILE,
                from: None,
                to: OperationStatus::Registered.into(),
                reason: None,
                source: Source::Webhook,
                observed_at: at(1),
            },
        ]);
    let mut given = registered();
    given.push(mno_changed(
        Mno::ATT,
        None,
        OperationStatus::Review,
        None,
        1,
    ));
    CampaignTest::with(())
        .given(given)
        .when(observe(&[(Mno::ATT, OperationStatus::Review)], 2))
        .then_expect_events(vec![CampaignEvent::CampaignSyncConfirmed {
            source: Source::Webhook,
            observed_at: at(2),
        }]);
}

#[test]
fn it_should_ignore_an_observation_older_than_the_last_one() {
    let mut given = registered();
    given.push(mno_changed(
        Mno::ATT,
        None,
        OperationStatus::Registered,
        None,
        5,
    ));
    CampaignTest::with(())
        .given(given)
        .when(observe(&[(Mno::ATT, OperationStatus::Review)], 3))
        .then_expect_events(vec![]);
}

/// A registered campaign AT&T moved to `status` (read at minute `changed`), and whose state a
/// poll confirmed (read at minute `confirmed`).
fn at_t_confirmed(status: OperationStatus, changed: u32, confirmed: u32) -> Vec<CampaignEvent> {
    let mut given = registered();
    given.push(mno_changed(Mno::ATT, None, status, None, changed));
    given.push(CampaignEvent::CampaignSyncConfirmed {
        source: Source::Poll,
        observed_at: at(confirmed),
    });
    given
}

/// Readings are dated when the last of TCR's answers arrived: a reading that arrived after the
/// last recorded one moves the campaign on, though its observer asked first and records last.
#[test]
fn it_should_apply_a_reading_that_arrived_after_the_last_recorded_one_though_recorded_later() {
    CampaignTest::with(())
        .given(at_t_confirmed(OperationStatus::Review, 3, 4))
        .when(observe(&[(Mno::ATT, OperationStatus::Registered)], 5))
        .then_expect_events(vec![mno_changed(
            Mno::ATT,
            Some(OperationStatus::Review),
            OperationStatus::Registered,
            None,
            5,
        )]);
}

#[test]
fn it_should_ignore_an_older_reading_after_a_confirmation_without_change() {
    CampaignTest::with(())
        .given(at_t_confirmed(OperationStatus::Registered, 3, 5))
        .when(observe(&[(Mno::ATT, OperationStatus::Review)], 4))
        .then_expect_events(vec![]);
}

#[test]
fn it_should_keep_a_late_webhook_s_reason_for_the_status_a_newer_poll_recorded() {
    // A poll recorded T-Mobile's rejection first (no reason); the webhook that carried the
    // reason was read from TCR a moment earlier, so its reading is older.
    let mut given = registered();
    given.push(mno_changed(
        Mno::T_MOBILE,
        None,
        OperationStatus::Rejected,
        None,
        5,
    ));
    let reason = CarrierReason {
        category: Some("SAMPLE_MESSAGE".into()),
        text: "samples do not match".into(),
    };
    let late = |status: OperationStatus| {
        CampaignCommand::ObserveTcrState(Box::new(Observation {
            campaign: None,
            operation_status: Some(BTreeMap::from([(Mno::T_MOBILE.key(), status.into())])),
            reasons: vec![(Mno::T_MOBILE, status, reason.clone())],
            sharing: None,
            source: Source::Webhook,
            observed_at: at(3),
        }))
    };
    CampaignTest::with(())
        .given(given.clone())
        .when(late(OperationStatus::Rejected))
        .then_expect_events(vec![mno_changed(
            Mno::T_MOBILE,
            Some(OperationStatus::Rejected),
            OperationStatus::Rejected,
            Some(reason.clone()),
            3,
        )]);
    // A late reading of another status still changes nothing.
    CampaignTest::with(())
        .given(given)
        .when(late(OperationStatus::Suspended))
        .then_expect_events(vec![]);
}

#[test]
fn it_should_keep_the_carrier_s_reason_when_it_matches_the_confirmed_status() {
    let reason = CarrierReason {
        category: Some("SAMPLE_MESSAGE".into()),
        text: "samples do not match".into(),
    };
    let command = CampaignCommand::ObserveTcrState(Box::new(Observation {
        campaign: None,
        operation_status: Some(BTreeMap::from([
            (Mno::T_MOBILE.key(), OperationStatus::Rejected.into()),
            (Mno::ATT.key(), OperationStatus::Registered.into()),
        ])),
        reasons: vec![
            (Mno::T_MOBILE, OperationStatus::Rejected, reason.clone()),
            // A stale reason: AT&T is registered now, so it must not stick.
            (Mno::ATT, OperationStatus::Rejected, reason.clone()),
        ],
        sharing: None,
        source: Source::Webhook,
        observed_at: at(1),
    }));
    CampaignTest::with(())
        .given(registered())
        .when(command)
        .then_expect_events(vec![
            mno_changed(Mno::ATT, None, OperationStatus::Registered, None, 1),
            mno_changed(
                Mno::T_MOBILE,
                None,
                OperationStatus::Rejected,
                Some(reason),
                1,
            ),
        ]);
}

#[test]
fn it_should_record_tcr_status_and_billing_changes() {
    let command = CampaignCommand::ObserveTcrState(Box::new(Observation {
        campaign: Some(TcrCampaign {
            campaign_id: TCR_CAMPAIGN_ID.into(),
            status: Some(TcrCampaignStatus::Expired.into()),
            monthly_fee: Some(10.0),
            billed_date: chrono::NaiveDate::from_ymd_opt(2026, 11, 25),
            ..TcrCampaign::default()
        }),
        operation_status: None,
        reasons: vec![],
        sharing: None,
        source: Source::Poll,
        observed_at: at(1),
    }));
    CampaignTest::with(())
        .given(registered())
        .when(command)
        .then_expect_events(vec![
            CampaignEvent::CampaignTcrStatusChanged {
                from: Some(TcrCampaignStatus::Active.into()),
                to: TcrCampaignStatus::Expired.into(),
                source: Source::Poll,
                observed_at: at(1),
            },
            CampaignEvent::CampaignBillingChanged {
                billing: Billing {
                    monthly_fee: Some(10.0),
                    billed_date: chrono::NaiveDate::from_ymd_opt(2026, 11, 25),
                    next_renewal_or_expiration_date: None,
                },
                source: Source::Poll,
            },
        ]);
}

#[test]
fn it_should_never_show_a_deactivated_campaign_active_again() {
    let mut given = registered();
    given.push(CampaignEvent::CampaignDeactivated {
        source: Source::Api,
    });
    // A poll that read TCR just before the deactivation, recorded just after it.
    let stale = CampaignCommand::ObserveTcrState(Box::new(Observation {
        campaign: Some(crate::tcr::TcrCampaign {
            status: Some(TcrCampaignStatus::Active.into()),
            ..Default::default()
        }),
        operation_status: None,
        reasons: vec![],
        sharing: None,
        source: Source::Poll,
        observed_at: at(3),
    }));
    let events = CampaignTest::with(())
        .given(given)
        .when(stale)
        .inspect_result()
        .expect("an observation is recorded");
    assert!(
        !events
            .iter()
            .any(|e| matches!(e, CampaignEvent::CampaignTcrStatusChanged { .. })),
        "EXPIRED is final: {events:?}"
    );
}
