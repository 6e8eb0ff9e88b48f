//! Snapshots: every kind's mail rendered from fixed facts, compared with the files in
//! `src/mail/snapshots/`. `UPDATE_SNAPSHOTS=1 cargo test -p tendlc-adapters mail` writes them
//! anew (then read the diff).
use std::path::PathBuf;

use serde_json::json;

use super::*;

fn templates() -> Templates {
    Templates::new(Branding::api_links(
        "Acme Messaging",
        "https://tendlc.example.com",
    ))
}

fn brand_change(kind: &str, facts: Value) -> Change {
    Change {
        kind: kind.into(),
        subject_type: "Brand".into(),
        subject_id: "6f1c2d4e-0000-4000-8000-000000000001".into(),
        subject_name: "Acme Widgets".into(),
        brand_id: "6f1c2d4e-0000-4000-8000-000000000001".into(),
        brand_name: "Acme Widgets".into(),
        customer_name: Some("Demo Customer".into()),
        recipient: "ops@example.com".into(),
        facts,
    }
}

fn campaign_change(kind: &str, facts: Value) -> Change {
    Change {
        subject_type: "Campaign".into(),
        subject_id: "7a2b3c4d-0000-4000-8000-000000000002".into(),
        subject_name: "2FA campaign".into(),
        ..brand_change(kind, facts)
    }
}

fn cases() -> Vec<(&'static str, Change)> {
    vec![
        (
            "brand_verified",
            brand_change("BRAND_VERIFIED", json!({"status": "VERIFIED"})),
        ),
        (
            "brand_unverified",
            brand_change("BRAND_UNVERIFIED", json!({"status": "UNVERIFIED"})),
        ),
        (
            "vetting_completed",
            brand_change(
                "VETTING_COMPLETED",
                json!({"status": "ACTIVE", "score": 82, "provider": "AEGIS"}),
            ),
        ),
        (
            "vetting_failed",
            brand_change(
                "VETTING_COMPLETED",
                json!({"status": "FAILED", "provider": "WMC"}),
            ),
        ),
        (
            "campaign_approved",
            campaign_change(
                "CAMPAIGN_APPROVED",
                json!({"status": "REGISTERED", "carrier": "T-Mobile", "carrierId": 10035}),
            ),
        ),
        (
            "campaign_rejected",
            campaign_change(
                "CAMPAIGN_REJECTED",
                json!({"status": "REJECTED", "carrier": "AT&T", "carrierId": 10017,
                       "reasonCategory": "SAMPLE_MESSAGE",
                       "reason": "Sample messages do not match the use case"}),
            ),
        ),
        (
            "campaign_suspended",
            campaign_change(
                "CAMPAIGN_SUSPENDED",
                json!({"status": "SUSPENDED", "carrier": "T-Mobile", "carrierId": 10035,
                       "reasonCategory": "SPAM", "reason": "Complaints"}),
            ),
        ),
        (
            "registration_abandoned",
            campaign_change(
                "REGISTRATION_ABANDONED",
                json!({"attempts": 10, "reason": "TCR never answered"}),
            ),
        ),
    ]
}

fn snapshot(name: &str, actual: &str) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("src/mail/snapshots")
        .join(name);
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|_| {
        panic!(
            "no snapshot {} (UPDATE_SNAPSHOTS=1 writes it)",
            path.display()
        )
    });
    assert_eq!(
        actual, expected,
        "the rendered {name} differs from its snapshot"
    );
}

#[test]
fn every_mail_renders_as_its_snapshot() {
    let templates = templates();
    for (name, change) in cases() {
        let mail = templates.render(&change).unwrap();
        snapshot(
            &format!("{name}.txt"),
            &format!("Subject: {}\n\n{}", mail.subject, mail.text),
        );
        snapshot(&format!("{name}.html"), &mail.html);
    }
}

#[test]
fn every_kind_has_its_templates() {
    for kind in tendlc_domain::notification::NotificationKind::ALL {
        let change = brand_change(kind.as_str(), json!({}));
        templates()
            .render(&change)
            .unwrap_or_else(|e| panic!("{}: {e}", kind.as_str()));
    }
}

#[test]
fn html_escapes_what_customers_and_carriers_wrote_and_text_keeps_it() {
    let mut change = campaign_change(
        "CAMPAIGN_REJECTED",
        json!({"carrier": "AT&T", "reason": "<script>alert(1)</script>"}),
    );
    change.brand_name = "Tom & <b>Jerry</b>".into();
    let mail = templates().render(&change).unwrap();
    assert!(!mail.html.contains("<script>"), "{}", mail.html);
    assert!(mail.html.contains("&lt;script&gt;"), "{}", mail.html);
    assert!(
        mail.html
            .contains("Tom &amp; &lt;b&gt;Jerry&lt;&#x2f;b&gt;")
            || mail.html.contains("Tom &amp; &lt;b&gt;Jerry&lt;/b&gt;"),
        "{}",
        mail.html
    );
    assert!(mail.text.contains("<script>alert(1)</script>"));
    assert!(mail.subject.contains("Tom & <b>Jerry</b>"));
}
