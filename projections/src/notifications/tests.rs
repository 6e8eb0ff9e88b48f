use chrono::TimeZone;
use tendlc_domain::notification::{NoticeFacts, NotificationKind};

use super::*;

fn verified() -> Notice {
    Notice {
        kind: NotificationKind::BrandVerified,
        track: "identity".into(),
        state: "VERIFIED".into(),
        facts: NoticeFacts::default(),
    }
}

fn email(text: &str) -> Email {
    Email::parse(text).unwrap()
}

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 10, 12, 0, 0).unwrap()
}

#[test]
fn it_should_mail_a_fresh_change() {
    let decided = disposition(&verified(), &Default::default(), None, now(), now());
    assert_eq!(decided, (status::PENDING, None));
}

#[test]
fn it_should_not_mail_a_kind_the_customer_opted_out_of() {
    let preferences = NotificationPreferences {
        opt_outs: vec![NotificationKind::BrandVerified],
        ..Default::default()
    };
    let decided = disposition(&verified(), &preferences, None, now(), now());
    assert_eq!(decided, (status::SUPPRESSED, Some(suppressed::OPTED_OUT)));
}

#[test]
fn it_should_not_mail_the_same_state_twice_in_a_row() {
    let decided = disposition(
        &verified(),
        &Default::default(),
        Some("VERIFIED"),
        now(),
        now(),
    );
    assert_eq!(decided, (status::SUPPRESSED, Some(suppressed::DUPLICATE)));
    let changed_back = disposition(
        &verified(),
        &Default::default(),
        Some("UNVERIFIED"),
        now(),
        now(),
    );
    assert_eq!(changed_back, (status::PENDING, None));
}

#[test]
fn it_should_not_mail_history_found_by_a_replay() {
    let long_ago = now() - STALE_AFTER - Duration::minutes(1);
    let decided = disposition(&verified(), &Default::default(), None, long_ago, now());
    assert_eq!(decided, (status::SUPPRESSED, Some(suppressed::STALE)));
}

#[test]
fn it_should_tell_the_customer_and_the_brand_contacts_once_each() {
    let brand = Uuid::from_u128(7);
    let preferences = NotificationPreferences {
        brand_contacts: [(brand, vec![email("OPS@acme.com"), email("brand@acme.com")])].into(),
        ..Default::default()
    };
    let to = recipients(&[email("ops@acme.com")], &preferences, brand);
    assert_eq!(to, vec!["ops@acme.com", "brand@acme.com"]);
    let other_brand = recipients(&[email("ops@acme.com")], &preferences, Uuid::from_u128(8));
    assert_eq!(other_brand, vec!["ops@acme.com"]);
}

#[test]
fn it_should_give_one_change_and_recipient_one_id() {
    let a = notification_id("Brand/x#3/BRAND_VERIFIED", "ops@acme.com");
    assert_eq!(
        a,
        notification_id("Brand/x#3/BRAND_VERIFIED", "OPS@acme.com")
    );
    assert_ne!(
        a,
        notification_id("Brand/x#4/BRAND_VERIFIED", "ops@acme.com")
    );
}

#[test]
fn it_should_read_every_event_the_domain_may_find_worth_a_mail() {
    use cqrs_es::DomainEvent;
    use tendlc_domain::brand::BrandEvent;
    use tendlc_domain::campaign::CampaignEvent;
    // The events `for_brand_event` / `for_campaign_event` answer for, by the names they are stored under.
    let abandoned = BrandEvent::BrandSubmissionAbandoned {
        attempts: 1,
        reason: "r".into(),
    };
    let campaign_abandoned = CampaignEvent::CampaignSubmissionAbandoned {
        attempts: 1,
        reason: "r".into(),
    };
    let names = [
        abandoned.event_type(),
        campaign_abandoned.event_type(),
        "BrandIdentityStatusChanged".to_string(),
        "BrandVettingStatusChanged".to_string(),
        "CampaignMnoStatusChanged".to_string(),
    ];
    for name in names {
        assert!(EVENTS_READ.contains(&name.as_str()), "{name}");
    }
}
