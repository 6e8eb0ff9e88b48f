use chrono::Utc;
use uuid::Uuid;

use super::*;
use crate::campaign::CarrierReason;
use crate::metadata::Source;
use crate::values::Reported;

fn identity(to: IdentityStatus) -> BrandEvent {
    BrandEvent::BrandIdentityStatusChanged {
        from: Some(Reported::Known(IdentityStatus::Unverified)),
        to: Reported::Known(to),
        source: Source::Webhook,
        observed_at: None,
    }
}

fn carrier(to: OperationStatus, reason: Option<CarrierReason>) -> CampaignEvent {
    CampaignEvent::CampaignMnoStatusChanged {
        mno: Mno::T_MOBILE,
        from: Some(Reported::Known(OperationStatus::Review)),
        to: Reported::Known(to),
        reason,
        source: Source::Poll,
        observed_at: Utc::now(),
    }
}

#[test]
fn it_should_tell_a_verified_brand() {
    let notice = for_brand_event(&identity(IdentityStatus::Verified)).unwrap();
    assert_eq!(notice.kind, NotificationKind::BrandVerified);
    assert_eq!(
        (notice.track.as_str(), notice.state.as_str()),
        ("identity", "VERIFIED")
    );
}

#[test]
fn it_should_tell_an_unverified_brand_but_not_a_self_declared_one() {
    let notice = for_brand_event(&identity(IdentityStatus::Unverified)).unwrap();
    assert_eq!(notice.kind, NotificationKind::BrandUnverified);
    assert_eq!(
        for_brand_event(&identity(IdentityStatus::SelfDeclared)),
        None
    );
}

#[test]
fn it_should_tell_a_completed_vetting_with_its_score_but_not_a_pending_one() {
    let vetted = |to| BrandEvent::BrandVettingStatusChanged {
        vetting_id: "v1".into(),
        provider: "AEGIS".into(),
        from: Some(VettingStatus::Pending),
        to,
        score: Some(80),
        source: Source::Webhook,
        observed_at: Utc::now(),
    };
    let notice = for_brand_event(&vetted(VettingStatus::Active)).unwrap();
    assert_eq!(notice.kind, NotificationKind::VettingCompleted);
    assert_eq!(notice.facts.score, Some(80));
    assert_eq!(notice.track, "vetting:v1");
    assert_eq!(for_brand_event(&vetted(VettingStatus::Pending)), None);
}

#[test]
fn it_should_tell_each_carrier_verdict_with_the_reason() {
    let approved = for_campaign_event(&carrier(OperationStatus::Registered, None)).unwrap();
    assert_eq!(approved.kind, NotificationKind::CampaignApproved);
    assert_eq!(approved.track, "carrier:10035");
    assert_eq!(approved.facts.carrier.as_deref(), Some("T-Mobile"));
    let reason = CarrierReason {
        category: Some("SAMPLE_MESSAGE".into()),
        text: "samples do not match".into(),
    };
    let rejected = for_campaign_event(&carrier(OperationStatus::Rejected, Some(reason))).unwrap();
    assert_eq!(rejected.kind, NotificationKind::CampaignRejected);
    assert_eq!(
        rejected.facts.reason_category.as_deref(),
        Some("SAMPLE_MESSAGE")
    );
    let suspended = for_campaign_event(&carrier(OperationStatus::Suspended, None)).unwrap();
    assert_eq!(suspended.kind, NotificationKind::CampaignSuspended);
    assert_eq!(
        for_campaign_event(&carrier(OperationStatus::Review, None)),
        None
    );
}

#[test]
fn it_should_tell_an_abandoned_registration() {
    let event = CampaignEvent::CampaignSubmissionAbandoned {
        attempts: 10,
        reason: "TCR never answered".into(),
    };
    let notice = for_campaign_event(&event).unwrap();
    assert_eq!(notice.kind, NotificationKind::RegistrationAbandoned);
    assert_eq!(notice.facts.attempts, Some(10));
}

#[test]
fn it_should_name_every_bad_preference() {
    let body: NotificationPreferencesBody = serde_json::from_value(serde_json::json!({
        "optOuts": ["BRAND_VERIFIED", "NEWSLETTER"],
        "brandContacts": {"not-a-uuid": ["a@b.com"],
                          "6f1c2d4e-0000-4000-8000-000000000001": ["nope"]},
        "colour": "blue"
    }))
    .unwrap();
    let errors = NotificationPreferences::try_from(body).unwrap_err();
    assert_eq!(
        errors.fields(),
        vec![
            "optOuts[1]",
            "brandContacts.6f1c2d4e-0000-4000-8000-000000000001[0]",
            "brandContacts.not-a-uuid",
            "colour"
        ]
    );
}

#[test]
fn it_should_read_good_preferences() {
    let body: NotificationPreferencesBody = serde_json::from_value(serde_json::json!({
        "optOuts": ["CAMPAIGN_APPROVED", "BRAND_VERIFIED", "BRAND_VERIFIED"],
        "brandContacts": {"6f1c2d4e-0000-4000-8000-000000000001": ["brand@acme.com"]}
    }))
    .unwrap();
    let preferences = NotificationPreferences::try_from(body).unwrap();
    assert_eq!(
        preferences.opt_outs,
        vec![
            NotificationKind::BrandVerified,
            NotificationKind::CampaignApproved
        ]
    );
    assert!(preferences.opted_out(NotificationKind::BrandVerified));
    let brand = Uuid::parse_str("6f1c2d4e-0000-4000-8000-000000000001").unwrap();
    assert_eq!(preferences.contacts_of(brand)[0].as_str(), "brand@acme.com");
}
