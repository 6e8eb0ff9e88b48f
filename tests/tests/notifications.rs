//! Telling people once: a status change worth a mail is mailed once per recipient, through
//! SendGrid's v3 API (a local stand-in here) or the outbox folder; busy answers are retried,
//! refusals and dead letters are kept for a super admin to send again, opt-outs are honoured,
//! a change seen by webhook and poll or replayed is not mailed twice, and a mail decided before
//! `serve` dies is sent after it.
use std::time::Duration;

use reqwest::Method;
use secrecy::SecretString;
use serde_json::{json, Value};
use tendlc_api::config::{MailConfig, MailSender, SyncConfig};
use tendlc_api::http::auth::Role;
use tendlc_tests::fixtures::private_brand;
use tendlc_tests::harness::{eventually, status_and_body, AppOptions};
use tendlc_tests::sendgrid::{Answer, SendGridStandIn};
use tendlc_tests::{ProcessApp, TestApp};
use uuid::Uuid;

const WAIT: Duration = Duration::from_secs(20);

/// A fresh SendGrid key (a secret the scan must never find in logs or rows).
fn api_key() -> String {
    format!("SG.{}", Uuid::new_v4().simple())
}

fn sendgrid(stand_in: &SendGridStandIn, key: &str, max_attempts: u32) -> MailConfig {
    MailConfig {
        sender: MailSender::SendGrid {
            base_url: stand_in.base_url.clone(),
            api_key: SecretString::from(key.to_string()),
        },
        from_email: "notifications@acme-messaging.example".into(),
        from_name: "Acme Messaging".into(),
        operator_name: "Acme Messaging".into(),
        max_attempts,
        retry_base: Duration::from_millis(200),
        timeout: Duration::from_secs(2),
        lease: Duration::from_secs(5),
        ..MailConfig::outbox("unused")
    }
}

/// Brands are scored quickly and read back by the poller (no webhooks unless `webhooks`).
fn options(mail: Option<MailConfig>, webhooks: bool) -> AppOptions {
    AppOptions {
        scoring_delay: Duration::from_millis(300),
        subscribe_webhooks: webhooks,
        sync: SyncConfig {
            tick: Duration::from_millis(200),
            poll_unverified: Duration::from_millis(300),
            ..SyncConfig::default()
        },
        mail,
        ..AppOptions::default()
    }
}

/// The customer's notifications (as a super admin acting for it), newest first.
async fn notifications(app: &TestApp, customer: Uuid, query: &str) -> Vec<Value> {
    let path = format!("/v1/notifications?perPage=500{query}");
    let (status, body) = app.call_for(customer, Method::GET, &path, None).await;
    assert_eq!(status, 200, "listing notifications: {body}");
    body["items"].as_array().cloned().unwrap_or_default()
}

/// Waits until the customer has `count` notifications, all of them in `status`.
async fn until_all(app: &TestApp, customer: Uuid, count: usize, status: &str) -> Vec<Value> {
    eventually(
        WAIT,
        &format!("{count} notification(s) {status}"),
        || async {
            let all = notifications(app, customer, "").await;
            (all.len() == count && all.iter().all(|n| n["status"] == status)).then_some(all)
        },
    )
    .await
}

async fn create_customer(app: &TestApp, ban: &str, emails: &[&str]) -> Uuid {
    let (status, body) = status_and_body(
        app.request(Method::POST, "/v1/customers", &app.superadmin())
            .json(
                &json!({"ban": ban, "name": format!("Customer {ban}"), "serviceTier": "BASIC",
                          "notificationEmails": emails}),
            ),
    )
    .await;
    assert_eq!(status, 201, "creating the customer: {body}");
    Uuid::parse_str(body["id"].as_str().unwrap()).unwrap()
}

async fn register(app: &TestApp, customer: Uuid, name: &str) -> String {
    let (status, body) =
        tendlc_tests::harness::json_of(app.register_brand(customer, &private_brand(name)).await)
            .await;
    assert_eq!(status, 201, "registering the brand: {body}");
    body["id"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn a_verified_brand_is_mailed_through_sendgrid_v3_mail_send() {
    let stand_in = SendGridStandIn::start().await;
    let key = api_key();
    let app = TestApp::spawn_with(options(Some(sendgrid(&stand_in, &key, 8)), false)).await;
    app.db.guard_secret(&key);
    let customer = create_customer(&app, "BAN-MAIL-1", &["ops@example.com"]).await;
    let brand = register(&app, customer, "Acme <Widgets>").await;

    let sent = until_all(&app, customer, 1, "SENT").await;
    let requests = stand_in.received();
    assert_eq!(requests.len(), 1, "one mail: {requests:?}");
    let request = &requests[0];
    assert_eq!(request.path, "/v3/mail/send");
    assert_eq!(
        request.header("authorization"),
        Some(format!("Bearer {key}").as_str())
    );
    assert!(request
        .header("content-type")
        .is_some_and(|t| t.starts_with("application/json")));
    let body = &request.body;
    assert_eq!(
        body["personalizations"],
        json!([{"to": [{"email": "ops@example.com"}]}])
    );
    assert_eq!(
        body["from"],
        json!({"email": "notifications@acme-messaging.example", "name": "Acme Messaging"})
    );
    assert_eq!(
        body["subject"],
        "Acme Messaging: brand Acme <Widgets> is verified"
    );
    assert_eq!(body["content"][0]["type"], "text/plain");
    assert_eq!(body["content"][1]["type"], "text/html");
    assert_eq!(body["content"].as_array().unwrap().len(), 2);
    let text = body["content"][0]["value"].as_str().unwrap();
    let html = body["content"][1]["value"].as_str().unwrap();
    assert!(
        text.contains("verified the identity of your brand Acme <Widgets>"),
        "{text}"
    );
    assert!(
        html.contains("Acme &lt;Widgets&gt;") && !html.contains("<Widgets>"),
        "{html}"
    );
    let id = sent[0]["id"].as_str().unwrap();
    assert_eq!(body["custom_args"], json!({"notification_id": id}));
    assert_eq!(body["headers"]["Message-ID"], format!("<{id}@tendlc>"));

    // What was sent, to whom, why, and SendGrid's answer.
    let notification = &sent[0];
    assert_eq!(notification["kind"], "BRAND_VERIFIED");
    assert_eq!(notification["subjectType"], "BRAND");
    assert_eq!(notification["subjectId"], brand.as_str());
    assert_eq!(notification["recipient"], "ops@example.com");
    assert_eq!(notification["provider"], "sendgrid");
    assert!(notification["providerMessageId"]
        .as_str()
        .unwrap()
        .starts_with("sg-"));
    assert!(notification["providerAnswer"]
        .as_str()
        .unwrap()
        .starts_with("202"));
    assert_eq!(
        notification["reason"]["eventType"],
        "BrandIdentityStatusChanged"
    );
    assert_eq!(notification["reason"]["state"], "VERIFIED");
    assert_eq!(notification["attempts"], 1);

    // The brand shows it.
    let shown = app.brand(&brand).await;
    assert_eq!(shown["notificationStatus"], "SENT", "{shown}");
    assert_eq!(shown["lastNotificationSentAt"], notification["sentAt"]);

    // Tenant-scoped: another customer's admin sees none of it, not even by id.
    let other = create_customer(&app, "BAN-MAIL-1B", &["x@example.com"]).await;
    let outsider = app.token(Role::CustomerAdmin, Some(other));
    let (status, body) =
        status_and_body(app.request(Method::GET, "/v1/notifications", &outsider)).await;
    assert_eq!((status, body["total"].as_i64()), (200, Some(0)), "{body}");
    let path = format!("/v1/notifications/{id}");
    let (status, _) = status_and_body(app.request(Method::GET, &path, &outsider)).await;
    assert_eq!(status, 404);
    // And filters narrow the list.
    assert_eq!(
        notifications(&app, customer, "&kind=BRAND_VERIFIED&status=SENT")
            .await
            .len(),
        1
    );
    assert_eq!(
        notifications(&app, customer, "&status=FAILED").await.len(),
        0
    );
    let (status, body) = app
        .call_for(customer, Method::GET, "/v1/notifications?status=LOST", None)
        .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["fields"][0]["field"], "status", "{body}");
}

#[tokio::test]
async fn busy_answers_are_retried_with_backoff_and_a_refusal_is_kept() {
    let stand_in = SendGridStandIn::start().await;
    let key = api_key();
    let app = TestApp::spawn_with(options(Some(sendgrid(&stand_in, &key, 8)), false)).await;
    app.db.guard_secret(&key);
    let attempts = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    // The first address: 429, then 503, then taken. The second: refused (400).
    {
        let attempts = attempts.clone();
        stand_in.answer_with(move |request, _| {
            if request.to() == "bounce@example.com" {
                return Answer::Status(
                    400,
                    r#"{"errors":[{"message":"Does not contain a valid address."}]}"#,
                );
            }
            match attempts.fetch_add(1, std::sync::atomic::Ordering::SeqCst) {
                0 => Answer::Status(429, r#"{"errors":[{"message":"too many requests"}]}"#),
                1 => Answer::Status(503, "unavailable"),
                _ => Answer::Status(202, ""),
            }
        });
    }
    let customer = create_customer(
        &app,
        "BAN-MAIL-2",
        &["ops@example.com", "bounce@example.com"],
    )
    .await;
    register(&app, customer, "Retry Widgets").await;

    let settled = eventually(WAIT, "one mail sent and one refused", || async {
        let all = notifications(&app, customer, "").await;
        let statuses: Vec<&str> = all.iter().map(|n| n["status"].as_str().unwrap()).collect();
        (all.len() == 2 && statuses.contains(&"SENT") && statuses.contains(&"FAILED"))
            .then_some(all)
    })
    .await;
    let sent = settled.iter().find(|n| n["status"] == "SENT").unwrap();
    assert_eq!(sent["recipient"], "ops@example.com");
    assert_eq!(sent["attempts"], 3, "429, 503, then 202: {sent}");
    let failed = settled.iter().find(|n| n["status"] == "FAILED").unwrap();
    assert_eq!(failed["recipient"], "bounce@example.com");
    assert_eq!(failed["attempts"], 1, "a refusal is not retried: {failed}");
    assert!(
        failed["providerAnswer"].as_str().unwrap().contains("400")
            && failed["providerAnswer"]
                .as_str()
                .unwrap()
                .contains("valid address"),
        "{failed}"
    );

    // The three attempts were one mail: same body each time, and waited for in between.
    tokio::time::sleep(Duration::from_millis(800)).await;
    let to_ops: Vec<_> = stand_in
        .received()
        .into_iter()
        .filter(|r| r.to() == "ops@example.com")
        .collect();
    assert_eq!(to_ops.len(), 3, "nothing after the 202");
    assert!(to_ops.iter().all(|r| r.body == to_ops[0].body));
}

#[tokio::test]
async fn a_mail_that_keeps_failing_is_dead_lettered_and_a_super_admin_can_send_it_again() {
    let stand_in = SendGridStandIn::start().await;
    stand_in.answer_with(|_, _| Answer::Status(500, "internal error"));
    let key = api_key();
    let app = TestApp::spawn_with(options(Some(sendgrid(&stand_in, &key, 3)), false)).await;
    app.db.guard_secret(&key);
    let customer = create_customer(&app, "BAN-MAIL-3", &["ops@example.com"]).await;
    let brand = register(&app, customer, "Dead Letter Widgets").await;

    let dead = until_all(&app, customer, 1, "DEAD").await;
    let dead = &dead[0];
    assert_eq!(dead["attempts"], 3);
    assert!(
        dead["providerAnswer"].as_str().unwrap().contains("500"),
        "{dead}"
    );
    assert_eq!(stand_in.received().len(), 3, "the cap is the cap");
    assert_eq!(app.brand(&brand).await["notificationStatus"], "DEAD");

    // A customer admin may not send it again; a super admin may, and it is recorded.
    let id = dead["id"].as_str().unwrap();
    let path = format!("/v1/notifications/{id}/resend");
    let admin = app.token(Role::CustomerAdmin, Some(customer));
    let (status, _) = status_and_body(app.request(Method::POST, &path, &admin)).await;
    assert_eq!(status, 403);
    stand_in.answer_with(|_, _| Answer::Status(202, ""));
    let (status, body) = status_and_body(app.request(Method::POST, &path, &app.superadmin())).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["resends"], 1);
    assert_eq!(body["resendHistory"][0]["previousStatus"], "DEAD", "{body}");
    assert_eq!(
        body["resendHistory"][0]["resentBy"], "user:test-user",
        "{body}"
    );

    let sent = until_all(&app, customer, 1, "SENT").await;
    assert_eq!(sent[0]["attempts"], 1, "attempts start again: {}", sent[0]);
    assert_eq!(stand_in.received().len(), 4);
    // A sent one is not sent again.
    let (status, body) = status_and_body(app.request(Method::POST, &path, &app.superadmin())).await;
    assert_eq!(status, 409, "{body}");
    assert_eq!(body["code"], "notification_not_failed");
}

#[tokio::test]
async fn a_change_seen_by_webhook_and_poll_or_replayed_is_mailed_once() {
    let stand_in = SendGridStandIn::start().await;
    let key = api_key();
    // A fast poller reads the verdict first; then TCR's webhook reports it, twice.
    let app = TestApp::spawn_with(AppOptions {
        sim_faults: tendlc_tcr_sim::SimFaults {
            webhook_delay: Duration::from_secs(2),
            webhook_duplicate_rate: 1.0,
            ..Default::default()
        },
        ..options(Some(sendgrid(&stand_in, &key, 8)), true)
    })
    .await;
    app.db.guard_secret(&key);
    let customer =
        create_customer(&app, "BAN-MAIL-4", &["ops@example.com", "cfo@example.com"]).await;
    let brand = app
        .scored_brand(customer, &private_brand("Twice Told"), "VERIFIED")
        .await;
    until_all(&app, customer, 2, "SENT").await;
    eventually(
        WAIT,
        "both webhook deliveries of the verdict to be applied",
        || async {
            let applied = app
                .webhook_log()
                .await
                .iter()
                .filter(|d| {
                    d["eventType"] == "BRAND_IDENTITY_STATUS_UPDATE" && d["processed"] == true
                })
                .count();
            (applied >= 2).then_some(())
        },
    )
    .await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let sources: Vec<String> = sqlx::query_scalar(
        "SELECT metadata->>'source' FROM events
          WHERE aggregate_id = $1 AND event_type = 'BrandIdentityStatusChanged'",
    )
    .bind(&brand)
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        sources.len(),
        1,
        "one change, however often reported: {sources:?}"
    );
    let mails = stand_in.received();
    assert_eq!(mails.len(), 2, "one mail per recipient: {mails:?}");

    // Replay every brand event into the notification state: nothing new is decided or sent.
    let rows_before: i64 = sqlx::query_scalar("SELECT count(*) FROM notifications")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    sqlx::query(
        "UPDATE projection_checkpoints SET last_transaction_id = '0', last_global_position = 0
          WHERE name = 'notifications'",
    )
    .execute(&app.pool)
    .await
    .unwrap();
    sqlx::query("SELECT pg_notify('tendlc_events', '')")
        .execute(&app.pool)
        .await
        .unwrap();
    eventually(WAIT, "the replay to reach the last event", || async {
        let behind: bool = sqlx::query_scalar(
            "SELECT last_global_position < (SELECT max(global_position) FROM events)
               FROM projection_checkpoints WHERE name = 'notifications'",
        )
        .fetch_one(&app.pool)
        .await
        .unwrap();
        (!behind).then_some(())
    })
    .await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let rows_after: i64 = sqlx::query_scalar("SELECT count(*) FROM notifications")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(rows_after, rows_before, "a replay decides nothing new");
    assert_eq!(stand_in.received().len(), 2, "a replay sends nothing");
}

#[tokio::test]
async fn opt_outs_and_brand_contacts_are_honoured() {
    // The default sender: the outbox folder.
    let app = TestApp::spawn_with(AppOptions {
        scoring_delay: Duration::from_secs(3),
        ..options(None, false)
    })
    .await;
    let quiet = create_customer(&app, "BAN-MAIL-5A", &["quiet@example.com"]).await;
    let chatty = create_customer(&app, "BAN-MAIL-5B", &["chatty@example.com"]).await;

    // Invalid preferences are refused, naming each bad field.
    let path = format!("/v1/customers/{quiet}/notification-preferences");
    let admin = app.token(Role::CustomerAdmin, Some(quiet));
    let (status, body) = status_and_body(app.request(Method::PUT, &path, &admin).json(
        &json!({"optOuts": ["BRAND_VERIFIED", "SPAM"], "brandContacts": {"x": ["a@b.com"]}}),
    ))
    .await;
    assert_eq!(status, 422, "{body}");
    let fields: Vec<&str> = body["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, vec!["optOuts[1]", "brandContacts.x"], "{body}");
    // The customer's admin opts out of verification mails.
    let (status, body) = status_and_body(
        app.request(Method::PUT, &path, &admin)
            .json(&json!({"optOuts": ["BRAND_VERIFIED"]})),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["optOuts"], json!(["BRAND_VERIFIED"]));
    // A customer user may read them, not set them.
    let user = app.token(Role::CustomerUser, Some(quiet));
    let (status, body) = status_and_body(app.request(Method::GET, &path, &user)).await;
    assert_eq!(
        (status, &body["optOuts"]),
        (200, &json!(["BRAND_VERIFIED"]))
    );
    let (status, _) =
        status_and_body(app.request(Method::PUT, &path, &user).json(&json!({}))).await;
    assert_eq!(status, 403);

    let quiet_brand = register(&app, quiet, "Quiet Widgets").await;
    let chatty_brand = register(&app, chatty, "Chatty Widgets").await;
    // The other customer adds a contact for its brand before TCR has scored it.
    let path = format!("/v1/customers/{chatty}/notification-preferences");
    let (status, body) = status_and_body(
        app.request(
            Method::PUT,
            &path,
            &app.token(Role::CustomerAdmin, Some(chatty)),
        )
        .json(&json!({"brandContacts": {chatty_brand.clone(): ["owner@chatty.example"]}})),
    )
    .await;
    assert_eq!(status, 200, "{body}");

    let suppressed = until_all(&app, quiet, 1, "SUPPRESSED").await;
    assert_eq!(suppressed[0]["suppressedReason"], "opted_out");
    assert_eq!(suppressed[0]["subjectId"], quiet_brand.as_str());
    let sent = until_all(&app, chatty, 2, "SENT").await;
    let mut to: Vec<&str> = sent
        .iter()
        .map(|n| n["recipient"].as_str().unwrap())
        .collect();
    to.sort_unstable();
    assert_eq!(to, vec!["chatty@example.com", "owner@chatty.example"]);
    assert_eq!(
        app.brand(&quiet_brand).await["notificationStatus"],
        "SUPPRESSED"
    );

    // The outbox holds exactly the two mails sent, one file each, and none for the quiet one.
    let files: Vec<String> = std::fs::read_dir(&app.outbox)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(files.len(), 2, "{files:?}");
    for notification in &sent {
        let file = app
            .outbox
            .join(format!("{}.eml", notification["id"].as_str().unwrap()));
        let mail = std::fs::read_to_string(&file).unwrap();
        assert!(mail.contains(&format!(
            "To: <{}>",
            notification["recipient"].as_str().unwrap()
        )));
        assert!(
            mail.contains("Subject: tendlc: brand Chatty Widgets is verified"),
            "{mail}"
        );
        assert!(mail.contains("Content-Type: text/html; charset=utf-8"));
    }
}

#[tokio::test]
async fn a_mail_decided_before_serve_is_killed_is_sent_after_it() {
    let stand_in = SendGridStandIn::start().await;
    // The first attempt never gets an answer: the process dies waiting for it.
    stand_in.answer_with(|_, n| {
        if n == 0 {
            Answer::Hang
        } else {
            Answer::Status(202, "")
        }
    });
    let key = api_key();
    // This in-process app answers the API and polls, but sends nothing.
    let app = TestApp::spawn_with(options(
        Some(MailConfig {
            send_here: false,
            ..sendgrid(&stand_in, &key, 8)
        }),
        false,
    ))
    .await;
    app.db.guard_secret(&key);
    let env = [
        ("TENDLC_MAIL_SENDER", "sendgrid"),
        ("SENDGRID_API_KEY", key.as_str()),
        ("TENDLC_SENDGRID_URL", stand_in.base_url.as_str()),
        ("TENDLC_MAIL_LEASE_MS", "3000"),
        ("TENDLC_MAIL_TIMEOUT_MS", "2500"),
        ("TENDLC_MAIL_RETRY_BASE_MS", "200"),
        ("TENDLC_SYNC_TICK_MS", "200"),
        ("TENDLC_POLL_UNVERIFIED_SECS", "1"),
    ];
    let mut sender = ProcessApp::start_with_env(&app.db.url, &app.sim, &app.jwt_secret, &env).await;
    let customer = create_customer(&app, "BAN-MAIL-6", &["ops@example.com"]).await;
    register(&app, customer, "Crash Widgets").await;

    eventually(WAIT, "the first attempt to reach SendGrid", || async {
        (!stand_in.received().is_empty()).then_some(())
    })
    .await;
    sender.kill_9();
    let pending = notifications(&app, customer, "").await;
    assert_eq!(pending.len(), 1);
    assert_eq!(
        pending[0]["status"], "PENDING",
        "decided, not sent: {}",
        pending[0]
    );

    let _restarted = ProcessApp::start_with_env(&app.db.url, &app.sim, &app.jwt_secret, &env).await;
    let sent = until_all(&app, customer, 1, "SENT").await;
    let requests = stand_in.received();
    assert_eq!(requests.len(), 2, "sent again after the crash, once");
    // At least once, with one key: both attempts are the same mail, with the same notification id.
    let id = sent[0]["id"].as_str().unwrap();
    assert!(requests.iter().all(|r| r.notification_id() == id));
    assert_eq!(requests[0].body["subject"], requests[1].body["subject"]);
    assert_eq!(
        requests[0].body["personalizations"],
        requests[1].body["personalizations"]
    );
    assert_eq!(requests[0].body["headers"], requests[1].body["headers"]);
}
