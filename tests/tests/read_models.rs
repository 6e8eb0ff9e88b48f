//! The read models are folds of the event stream: a database written by the previous release
//! (with `campaigns_10dlc.state`) is served after the upgrade and follows new events, events
//! delivered again change nothing, and read models rebuilt from the events equal the live ones.
use std::time::Duration;

use reqwest::Method;
use serde_json::{json, Value};
use tendlc_api::config::SyncConfig;
use tendlc_tests::fixtures::private_brand;
use tendlc_tests::harness::{eventually, AppOptions};
use tendlc_tests::TestApp;
use uuid::Uuid;

fn options() -> AppOptions {
    AppOptions {
        scoring_delay: Duration::from_millis(300),
        subscribe_webhooks: true,
        sync: SyncConfig {
            tick: Duration::from_millis(200),
            // Webhooks do the work; no poll adds events while answers are compared.
            poll_unverified: Duration::from_secs(3600),
            poll_campaign_review: Duration::from_secs(3600),
            webhook_retry_base: Duration::from_millis(300),
            ..SyncConfig::default()
        },
        sim: Some(std::sync::Arc::new(|config| {
            config.campaign_review_delay = Duration::from_millis(300);
        })),
        ..AppOptions::default()
    }
}

fn campaign(brand_id: &str) -> Value {
    json!({
        "brandId": brand_id,
        "usecase": "MARKETING",
        "description": "Weekly offers from Acme Widgets to club members who opted in. [sim:mno-reject-10035]",
        "messageFlow": "Customers text JOIN to our short code from in-store posters and confirm by replying YES.",
        "sample1": "Acme Widgets: 20% off all gadgets this week! Reply STOP to opt out.",
        "sample2": "Acme Widgets: new arrivals in store now. Reply HELP for help, STOP to stop.",
        "subscriberOptin": true,
        "optinKeywords": "JOIN,YES",
        "optinMessage": "Welcome to Acme Widgets offers! Msg&data rates may apply. Reply STOP to cancel.",
        "subscriberOptout": true,
        "optoutKeywords": "STOP,QUIT",
        "optoutMessage": "You are unsubscribed from Acme Widgets offers. No more messages will be sent.",
        "subscriberHelp": true,
        "helpKeywords": "HELP,INFO",
        "helpMessage": "Acme Widgets offers: call +1 202 555 0123 or email support@acmewidgets.com.",
        "privacyPolicyLink": "https://acmewidgets.com/privacy"
    })
}

/// A customer with a verified brand and a campaign every carrier has answered (T-Mobile with
/// a rejection and its reason), once nothing more is on its way.
async fn registered(app: &TestApp) -> (Uuid, String, String) {
    app.webhooks_subscribed().await;
    let customer = app.create_customer("BAN-READ-1", "BASIC").await;
    let brand = app
        .scored_brand(customer, &private_brand("Acme Read Models"), "VERIFIED")
        .await;
    let (status, created) = app
        .call_for(
            customer,
            Method::POST,
            "/v1/messaging/campaigns",
            Some(campaign(&brand)),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_str().unwrap().to_string();
    eventually(
        Duration::from_secs(20),
        "every carrier's answer",
        || async {
            let campaign = get(app, customer, &format!("/v1/messaging/campaigns/{id}")).await;
            campaign["carriers"]
                .as_array()
                .unwrap()
                .iter()
                .all(|c| c["status"] == "REGISTERED" || !c["reason"].is_null())
                .then_some(())
        },
    )
    .await;
    settled(app).await;
    (customer, brand, id)
}

async fn get(app: &TestApp, customer: Uuid, path: &str) -> Value {
    let (status, body) = app.call_for(customer, Method::GET, path, None).await;
    assert_eq!(status, 200, "GET {path}: {body}");
    body
}

/// What the API answers about everything `registered` made.
async fn answers(app: &TestApp, customer: Uuid, brand: &str, campaign: &str) -> Vec<Value> {
    let mut answers = Vec::new();
    for path in [
        format!("/v1/customers/{customer}"),
        format!("/v1/messaging/brands/{brand}"),
        format!("/v1/messaging/brands/{brand}/vettings"),
        format!("/v1/messaging/campaigns/{campaign}"),
        "/v1/messaging/campaigns".to_string(),
        "/v1/messaging/webhook-events?perPage=500".to_string(),
    ] {
        answers.push(get(app, customer, &path).await);
    }
    answers
}

/// Waits until no event has been recorded for a while and every read model has applied them
/// all.
async fn settled(app: &TestApp) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    let mut seen = app.event_count().await;
    loop {
        tokio::time::sleep(Duration::from_millis(700)).await;
        let now = app.event_count().await;
        if now == seen {
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "events kept coming");
        seen = now;
    }
    caught_up(app).await;
}

/// Waits until every read model's checkpoint stands at the last event.
async fn caught_up(app: &TestApp) {
    let names: Vec<&str> = tendlc_projections::all().iter().map(|p| p.name()).collect();
    eventually(
        Duration::from_secs(20),
        "read models at the last event",
        || async {
            let behind: i64 = sqlx::query_scalar(
                "SELECT count(*) FROM projection_checkpoints
              WHERE name = ANY($1)
                AND last_global_position < (SELECT max(global_position) FROM events)",
            )
            .bind(&names)
            .fetch_one(&app.pool)
            .await
            .unwrap();
            (behind == 0).then_some(())
        },
    )
    .await;
}

/// Moves every read model's checkpoint back to the start, so each event is delivered again.
async fn rewind(app: &TestApp, truncate_read_tables: bool) {
    let names: Vec<&str> = tendlc_projections::all().iter().map(|p| p.name()).collect();
    let mut tx = app.pool.begin().await.unwrap();
    sqlx::query("SELECT name FROM projection_checkpoints WHERE name = ANY($1) FOR UPDATE")
        .bind(&names)
        .execute(&mut *tx)
        .await
        .unwrap();
    if truncate_read_tables {
        sqlx::query(
            "TRUNCATE campaign_mno_status, campaigns_10dlc, brand_vettings, brands_10dlc, customers,
                      tcr_webhook_events",
        )
        .execute(&mut *tx)
        .await
        .unwrap();
    }
    sqlx::query(
        "UPDATE projection_checkpoints SET last_transaction_id = '0', last_global_position = 0
          WHERE name = ANY($1)",
    )
    .bind(&names)
    .execute(&mut *tx)
    .await
    .unwrap();
    tx.commit().await.unwrap();
}

#[tokio::test]
async fn a_database_of_the_previous_release_is_served_and_follows_new_events() {
    let app = TestApp::spawn_with(options()).await;
    let (customer, brand, campaign) = registered(&app).await;
    let before = answers(&app, customer, &brand, &campaign).await;

    // The previous release's schema: campaigns kept their aggregate's serialized state, and
    // migration 0006 had not run.
    sqlx::query("ALTER TABLE campaigns_10dlc ADD COLUMN state jsonb")
        .execute(&app.pool)
        .await
        .unwrap();
    sqlx::query(
        "UPDATE campaigns_10dlc
            SET state = jsonb_build_object('status', status, 'tcr_campaign_id', tcr_campaign_id)",
    )
    .execute(&app.pool)
    .await
    .unwrap();
    sqlx::query("DELETE FROM _sqlx_migrations WHERE version = 6")
        .execute(&app.pool)
        .await
        .unwrap();
    // Every event again, over the rows already there.
    rewind(&app, false).await;

    // A replica of this release migrates the database as it starts.
    let replica = app.start_replica().await;
    caught_up(&app).await;
    let state_kept: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM information_schema.columns
                         WHERE table_name = 'campaigns_10dlc' AND column_name = 'state')",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert!(!state_kept, "migration 0006 drops campaigns_10dlc.state");
    assert_eq!(
        answers(&app, customer, &brand, &campaign).await,
        before,
        "the rows already there answer as before, and events delivered again change nothing"
    );

    // New events apply on top of the old rows, through either replica.
    let (status, expired) = app
        .call_for(
            customer,
            Method::DELETE,
            &format!("/v1/messaging/campaigns/{campaign}"),
            None,
        )
        .await;
    assert_eq!(status, 200, "{expired}");
    assert_eq!(expired["tcrStatus"], "EXPIRED", "{expired}");
    assert_eq!(expired["status"], "REGISTERED", "{expired}");
    let read = app
        .http
        .get(format!(
            "{}/v1/messaging/campaigns/{campaign}",
            replica.base_url
        ))
        .bearer_auth(app.superadmin())
        .header("X-Customer-ID", customer.to_string())
        .send()
        .await
        .unwrap()
        .json::<Value>()
        .await
        .unwrap();
    assert_eq!(read["tcrStatus"], "EXPIRED", "{read}");
    assert_eq!(read["carriers"], expired["carriers"], "{read}");
    assert!(replica.shutdown().await.is_ok());
}

#[tokio::test]
async fn read_models_rebuilt_from_the_events_answer_as_the_live_ones() {
    let app = TestApp::spawn_with(options()).await;
    let (customer, brand, campaign) = registered(&app).await;
    let live = answers(&app, customer, &brand, &campaign).await;
    assert!(
        live[5]["total"].as_i64().unwrap() > 0,
        "webhooks were logged: {}",
        live[5]
    );

    rewind(&app, true).await;
    caught_up(&app).await;

    assert_eq!(answers(&app, customer, &brand, &campaign).await, live);
}

/// Rows written through `COPY` (a rebuild's new rows) read back exactly as written, whatever
/// their text holds: tabs, newlines, backslashes, quotes, non-ASCII, NULLs.
#[tokio::test]
async fn rows_written_by_copy_read_back_as_written() {
    use std::collections::BTreeMap;
    use tendlc_domain::tcr::TcrEventType;
    use tendlc_domain::webhook::{ProcessingOutcome, SignatureVerdict, WebhookCategory};
    use tendlc_projections::columns::{insert_copied, select_in};
    use tendlc_projections::webhook_events::{Disposition, WebhookEventRow};

    let db = tendlc_tests::db::TestDatabase::create().await;
    let pool = tendlc_adapters::db::connect(&db.url, 1)
        .await
        .expect("connect");
    tendlc_adapters::db::migrate(&pool).await.expect("migrate");
    let at = |micros: i64| chrono::DateTime::from_timestamp_micros(micros).unwrap();
    let awkward = "tab\there\nnewline \\ backslash \\N \"quoted\" ünïcødé\r";
    let full = WebhookEventRow {
        id: "d-1".into(),
        delivery_id: "d-1".into(),
        category: WebhookCategory::Brand,
        event_type: Some(TcrEventType::Other(awkward.into())),
        tcr_brand_id: Some("B\t1".into()),
        tcr_campaign_id: None,
        payload: Some(json!({"text": awkward, "n": 1.5, "list": [null, true]})),
        raw_body_base64: "eyJhIjoxfQ==".into(),
        body_sha256: "ab".repeat(32),
        headers: BTreeMap::from([("x-odd".to_string(), awkward.to_string())]),
        remote_addr: Some("127.0.0.1".into()),
        signature: SignatureVerdict::Valid,
        disposition: Disposition::Accepted,
        rejection_reason: Some(awkward.into()),
        duplicate_of: None,
        processed: true,
        processed_at: Some(at(1_765_022_400_123_456)),
        processing_outcome: Some(ProcessingOutcome::NoChange),
        processing_detail: Some(awkward.into()),
        processing_error: None,
        attempts: 3,
        received_at: at(1_765_022_399_000_001),
        last_sequence: 2,
    };
    let sparse = WebhookEventRow {
        id: "d-2#3".into(),
        event_type: None,
        tcr_brand_id: None,
        payload: None,
        headers: BTreeMap::new(),
        remote_addr: None,
        rejection_reason: None,
        duplicate_of: Some("d-1".into()),
        processed: false,
        processed_at: None,
        processing_outcome: None,
        processing_detail: None,
        ..full.clone()
    };
    let mut conn = pool.acquire().await.unwrap();
    insert_copied(&mut conn, &[&full, &sparse])
        .await
        .expect("COPY the rows in");
    let mut read: Vec<WebhookEventRow> =
        select_in(&mut conn, "id", &["d-1".to_string(), "d-2#3".to_string()])
            .await
            .expect("read them back");
    read.sort_by(|a, b| a.id.cmp(&b.id));
    assert_eq!(read, vec![full.clone(), sparse]);
    // A row that exists is not overwritten by a COPY: it fails, and nothing changes.
    assert!(insert_copied(&mut conn, &[&full]).await.is_err());
}
