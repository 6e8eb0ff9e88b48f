//! Given a campaign's events, then these rows: the fold alone, no database.
use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde_json::json;
use tendlc_domain::campaign::{Billing, CampaignAction, CampaignEvent, CarrierReason};
use tendlc_domain::ids::{TcrBrandId, TcrCampaignId};
use tendlc_domain::values::SharingStatus;

use super::*;
use crate::fold::testing::{at, given};

const CUSTOMER: &str = "6d1f0c3e-8a4b-4f2a-9c1d-2b7e5a60c0de";
const BRAND: &str = "0b7c2a4e-8a4b-4f2a-9c1d-2b7e5a60c0de";

fn requested() -> CampaignEvent {
    let profile = CampaignProfile::parse(
        &json!({
            "usecase": "2FA",
            "description": "One-time passcodes for Acme Flowers customers signing in.",
            "messageFlow": "Customers enter their phone number at sign-up on acmeflowers.com and tick a box.",
            "sample1": "Your Acme Flowers code is 123456. Reply STOP to opt out.",
            "mnoIds": [10017, 10035],
        }),
        &[],
    )
    .expect("the fixture profile is valid");
    CampaignEvent::CampaignRegistrationRequested {
        campaign_id: Uuid::nil().into(),
        customer_id: CUSTOMER.parse().unwrap(),
        brand_id: BRAND.parse().unwrap(),
        tcr_brand_id: TcrBrandId::from_tcr("BXYZ123"),
        reference_id: "tendlc-campaign".into(),
        profile,
        qualification: UsecaseQualification {
            usecase: "2FA".into(),
            monthly_fee: Some(10.0),
            ..UsecaseQualification::default()
        },
    }
}

fn submitted() -> CampaignEvent {
    CampaignEvent::CampaignSubmittedToTcr {
        tcr_campaign_id: TcrCampaignId::from_tcr("C1A2B3C"),
        reference_id: "tendlc-campaign".into(),
        mno_terms: BTreeMap::new(),
        adopted: false,
    }
}

fn observed(seconds: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(1_800_000_000 + seconds, 0).unwrap()
}

fn verdict(to: OperationStatus, reason: Option<&str>, seconds: i64) -> CampaignEvent {
    CampaignEvent::CampaignMnoStatusChanged {
        mno: Mno::T_MOBILE,
        from: None,
        to: to.into(),
        reason: reason.map(CarrierReason::from_text),
        source: Source::Webhook,
        observed_at: observed(seconds),
    }
}

fn share(source: Source) -> CampaignEvent {
    CampaignEvent::CampaignSharingChanged {
        upstream_cnp_id: Some("CNP1".into()),
        from: None,
        to: SharingStatus::Pending.into(),
        explanation: None,
        source,
    }
}

/// The rows `events` (after the registration request) leave.
fn campaign(events: Vec<CampaignEvent>) -> CampaignRows {
    given(Uuid::nil(), [vec![requested()], events].concat())
}

fn carrier(rows: &CampaignRows, mno: Mno) -> &CarrierRow {
    rows.carriers
        .iter()
        .find(|c| c.mno_id == mno)
        .expect("a row for the carrier")
}

#[test]
fn it_should_give_each_carrier_asked_for_a_row_before_it_reports() {
    let rows = campaign(vec![]);
    assert_eq!(rows.campaign.status, RegistrationStatus::Pending);
    assert_eq!(rows.campaign.monthly_fee, Some(10.0), "as TCR quoted it");
    assert_eq!(rows.campaign.brand_id.to_string(), BRAND);
    assert_eq!(
        rows.carriers.iter().map(|c| c.mno_id).collect::<Vec<_>>(),
        vec![Mno::ATT, Mno::T_MOBILE]
    );
    assert_eq!(carrier(&rows, Mno::ATT).mno_name, "AT&T");
    assert_eq!(carrier(&rows, Mno::ATT).status, None);
}

#[test]
fn it_should_hold_a_campaign_tcr_took_as_registered_and_synced_by_the_api() {
    let rows = campaign(vec![submitted()]);
    let campaign = &rows.campaign;
    assert_eq!(campaign.status, RegistrationStatus::Registered);
    assert_eq!(campaign.tcr_status, Some(TcrCampaignStatus::Active.into()));
    assert_eq!(campaign.tcr_campaign_id.as_deref(), Some("C1A2B3C"));
    assert_eq!(campaign.submission_attempts, 1);
    assert_eq!(campaign.sync_source, Some(Source::Api));
    assert_eq!(
        carrier(&rows, Mno::T_MOBILE).last_synced_at,
        Some(at(2).recorded_at)
    );
}

#[test]
fn it_should_drop_a_carriers_reason_once_it_moves_on() {
    let rejected = campaign(vec![
        submitted(),
        verdict(
            OperationStatus::Rejected,
            Some("T-Mobile rejected campaign C1A2B3C: SAMPLE_MESSAGE: Samples do not match"),
            1,
        ),
    ]);
    let t_mobile = carrier(&rejected, Mno::T_MOBILE);
    assert_eq!(t_mobile.status, Some(OperationStatus::Rejected.into()));
    assert_eq!(t_mobile.reason_category.as_deref(), Some("SAMPLE_MESSAGE"));
    assert_eq!(
        t_mobile.reason_text.as_deref(),
        Some("Samples do not match")
    );
    assert_eq!(t_mobile.changed_at, Some(observed(1)));
    assert_eq!(carrier(&rejected, Mno::ATT).changed_at, None);
    assert_eq!(
        carrier(&rejected, Mno::ATT).sync_source,
        Some(Source::Webhook)
    );

    let registered = campaign(vec![
        submitted(),
        verdict(OperationStatus::Rejected, Some("SPAM: complaints"), 1),
        verdict(OperationStatus::Registered, None, 2),
    ]);
    let t_mobile = carrier(&registered, Mno::T_MOBILE);
    assert_eq!(t_mobile.status, Some(OperationStatus::Registered.into()));
    assert_eq!(
        (&t_mobile.reason_category, &t_mobile.reason_text),
        (&None, &None)
    );
    assert_eq!(t_mobile.changed_at, Some(observed(2)));
}

#[test]
fn it_should_reject_a_campaign_only_when_retrying_cannot_help_and_say_why_retries_gave_up() {
    let failed = |retryable| CampaignEvent::CampaignSubmissionFailed {
        reason: "tcr_rejected".into(),
        message: "no".into(),
        tcr_errors: vec![],
        retryable,
    };
    let rejected = campaign(vec![failed(true), failed(false)]).campaign;
    assert_eq!(rejected.status, RegistrationStatus::Rejected);
    assert_eq!(rejected.submission_attempts, 2);
    assert_eq!(
        rejected.last_error.as_ref().map(|e| &e["action"]),
        Some(&json!("register"))
    );
    let abandoned = campaign(vec![
        failed(true),
        CampaignEvent::CampaignSubmissionAbandoned {
            attempts: 1,
            reason: "gave up".into(),
        },
    ])
    .campaign;
    assert_eq!(abandoned.status, RegistrationStatus::Abandoned);
    assert_eq!(
        abandoned.last_error,
        Some(
            json!({"action": "register", "abandoned": "gave up", "attempts": 1, "at": at(3).recorded_at})
        )
    );
}

#[test]
fn it_should_free_a_pending_sharing_only_when_tcr_answers_the_request() {
    let requested = CampaignEvent::CampaignActionRequested {
        action: CampaignAction::Share {
            upstream_cnp_id: "CNP1".into(),
        },
    };
    let reported = campaign(vec![submitted(), requested.clone(), share(Source::Poll)]).campaign;
    assert!(reported.pending_action.is_some(), "a poll answers nothing");
    assert_eq!(reported.sharing_status, Some(SharingStatus::Pending.into()));
    let answered = campaign(vec![submitted(), requested, share(Source::Api)]).campaign;
    assert_eq!(answered.pending_action, None);
    assert_eq!(answered.upstream_cnp_id.as_deref(), Some("CNP1"));
}

#[test]
fn it_should_clear_the_last_failure_when_tcr_takes_the_next_action() {
    let campaign = campaign(vec![
        submitted(),
        CampaignEvent::CampaignActionRequested {
            action: CampaignAction::Deactivate,
        },
        CampaignEvent::CampaignActionFailed {
            action: "deactivate".into(),
            reason: "tcr_unavailable".into(),
            message: "TCR answered 503".into(),
            tcr_errors: vec![],
            retryable: true,
        },
        CampaignEvent::CampaignBillingChanged {
            billing: Billing {
                monthly_fee: Some(12.0),
                billed_date: None,
                next_renewal_or_expiration_date: None,
            },
            source: Source::Poll,
        },
        CampaignEvent::CampaignDeactivated {
            source: Source::Api,
        },
    ])
    .campaign;
    assert_eq!(campaign.last_error, None);
    assert_eq!(campaign.tcr_status, Some(TcrCampaignStatus::Expired.into()));
    assert_eq!(campaign.monthly_fee, Some(12.0));
    assert_eq!(campaign.updated_at, at(6).recorded_at);
    assert_eq!(campaign.last_sequence, 6);
}

#[test]
fn it_should_show_a_cnp_migration_and_move_the_sharing_once_it_completes() {
    use tendlc_domain::values::CnpMigrationStatus;
    let migration = |to, source| CampaignEvent::CampaignCnpMigrationChanged {
        upstream_cnp_id: "BANDW".into(),
        from: None,
        to,
        cancellation_reason: None,
        source,
    };
    let shared = CampaignEvent::CampaignSharingChanged {
        upstream_cnp_id: Some("TWILO".into()),
        from: None,
        to: SharingStatus::Accepted.into(),
        explanation: None,
        source: Source::Webhook,
    };
    let started = campaign(vec![
        submitted(),
        shared.clone(),
        migration(CnpMigrationStatus::Active, Source::Api),
    ]);
    let row = &started.campaign;
    assert_eq!(row.cnp_migration.as_ref().unwrap()["status"], "ACTIVE");
    assert_eq!(row.upstream_cnp_id.as_deref(), Some("TWILO"));
    let completed = campaign(vec![
        submitted(),
        shared,
        migration(CnpMigrationStatus::Active, Source::Api),
        migration(CnpMigrationStatus::Completed, Source::Poll),
    ]);
    let row = &completed.campaign;
    assert_eq!(row.cnp_migration.as_ref().unwrap()["status"], "COMPLETED");
    assert_eq!(row.cnp_migration.as_ref().unwrap()["source"], "poll");
    assert_eq!(row.upstream_cnp_id.as_deref(), Some("BANDW"));
    assert_eq!(row.sharing_status, Some(SharingStatus::Accepted.into()));
}
