//! Tests of the Campaign aggregate, one file per group of commands; the fixtures they share.

use cqrs_es::test::TestFramework;
use serde_json::json;

use super::*;
use crate::tcr::{TcrApiError, TcrCampaign, TcrCampaignSubmission, TcrError, TcrSharing};

mod actions;
mod cnp_migration;
mod registration;
mod sync;

type CampaignTest = TestFramework<Campaign>;

const TCR_CAMPAIGN_ID: &str = "C1A2B3C";

fn profile() -> CampaignProfile {
    CampaignProfile::parse(
        &json!({
            "usecase": "2FA",
            "description": "One-time passcodes for Acme Flowers customers signing in.",
            "messageFlow": "Customers enter their phone number at sign-up on acmeflowers.com and tick a box.",
            "sample1": "Your Acme Flowers code is 123456. Reply STOP to opt out.",
        }),
        &[],
    )
    .expect("fixture profile is valid")
}

fn request() -> CampaignCommand {
    CampaignCommand::RequestRegistration {
        campaign_id: "5c1a0e2b-3d4f-4a6b-8c7d-9e0f1a2b3c4d".into(),
        customer_id: "6d1f0c3e-8a4b-4f2a-9c1d-2b7e5a60c0de".into(),
        brand_id: "0b7c2a4e-9d1f-4c3b-8a5e-2f6d1c0b9a87".into(),
        tcr_brand_id: "BXYZ123".into(),
        reference_id: "tendlc-campaign-1".into(),
        profile: profile(),
        qualification: UsecaseQualification {
            usecase: "2FA".into(),
            monthly_fee: Some(10.0),
            ..UsecaseQualification::default()
        },
    }
}

fn requested() -> CampaignEvent {
    let CampaignCommand::RequestRegistration {
        campaign_id,
        customer_id,
        brand_id,
        tcr_brand_id,
        reference_id,
        profile,
        qualification,
    } = request()
    else {
        unreachable!()
    };
    CampaignEvent::CampaignRegistrationRequested {
        campaign_id,
        customer_id,
        brand_id,
        tcr_brand_id,
        reference_id,
        profile,
        qualification,
    }
}

fn submitted() -> CampaignEvent {
    CampaignEvent::CampaignSubmittedToTcr {
        tcr_campaign_id: TCR_CAMPAIGN_ID.into(),
        reference_id: "tendlc-campaign-1".into(),
        mno_terms: BTreeMap::new(),
        adopted: false,
    }
}

fn at(minute: u32) -> DateTime<Utc> {
    chrono::NaiveDate::from_ymd_opt(2026, 11, 25)
        .unwrap()
        .and_hms_opt(10, minute, 0)
        .unwrap()
        .and_utc()
}

fn mno_changed(
    mno: Mno,
    from: Option<OperationStatus>,
    to: OperationStatus,
    reason: Option<CarrierReason>,
    minute: u32,
) -> CampaignEvent {
    CampaignEvent::CampaignMnoStatusChanged {
        mno,
        from: from.map(Into::into),
        to: to.into(),
        reason,
        source: Source::Webhook,
        observed_at: at(minute),
    }
}

fn observe(statuses: &[(Mno, OperationStatus)], minute: u32) -> CampaignCommand {
    CampaignCommand::ObserveTcrState(Box::new(Observation {
        campaign: None,
        operation_status: Some(
            statuses
                .iter()
                .map(|(m, s)| (m.key(), (*s).into()))
                .collect(),
        ),
        reasons: vec![],
        sharing: None,
        source: Source::Webhook,
        observed_at: at(minute),
    }))
}

/// The campaign its events make.
fn state_after(events: impl IntoIterator<Item = CampaignEvent>) -> Campaign {
    let mut state = Campaign::default();
    for event in events {
        state.evolve(event);
    }
    state
}

fn registered() -> Vec<CampaignEvent> {
    vec![requested(), submitted()]
}

fn rejected_by_t_mobile() -> Vec<CampaignEvent> {
    let mut events = registered();
    events.push(mno_changed(
        Mno::T_MOBILE,
        None,
        OperationStatus::Rejected,
        None,
        1,
    ));
    events
}
