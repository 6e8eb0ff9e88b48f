//! Staying in sync with TCR through webhooks and polling, with the simulator injecting faults:
//! nothing lost, nothing doubled, nothing moved backwards.
use std::collections::HashMap;
use std::time::Duration;

use serde_json::{json, Value};
use tendlc_api::config::SyncConfig;
use tendlc_tcr_sim::SimFaults;
use tendlc_tests::fixtures::private_brand;
use tendlc_tests::harness::{eventually, AppOptions};
use tendlc_tests::TestApp;

/// Never polls on its own during the test (so webhooks alone must do the work).
fn no_polling() -> SyncConfig {
    SyncConfig {
        tick: Duration::from_millis(200),
        poll_unverified: Duration::from_secs(3600),
        poll_active: Duration::from_secs(3600),
        webhook_retry_base: Duration::from_millis(300),
        ..SyncConfig::default()
    }
}

fn fast_polling() -> SyncConfig {
    SyncConfig {
        poll_unverified: Duration::from_millis(500),
        ..no_polling()
    }
}

async fn register(app: &TestApp, customer: uuid::Uuid, name: &str) -> Value {
    let response = app.register_brand(customer, &private_brand(name)).await;
    let status = response.status();
    let body: Value = response.json().await.unwrap();
    assert_eq!(status, 201, "registering {name}: {body}");
    body
}

async fn identity_becomes(app: &TestApp, id: &str, status: &str) -> Value {
    eventually(
        Duration::from_secs(15),
        &format!("brand {id} to become {status}"),
        || async {
            let brand = app.brand(id).await;
            (brand["identityStatus"] == status).then_some(brand)
        },
    )
    .await
}

async fn brand_event_types(app: &TestApp, id: &str) -> Vec<(String, Value)> {
    app.events_of(id).await
}

#[tokio::test]
async fn webhooks_bring_tcrs_verdict_and_every_delivery_is_logged_once() {
    let app = TestApp::spawn_with(AppOptions {
        scoring_delay: Duration::from_millis(300),
        subscribe_webhooks: true,
        sync: no_polling(),
        ..AppOptions::default()
    })
    .await;
    app.webhooks_subscribed().await;
    let customer = app.create_customer("BAN-WH-1", "BASIC").await;
    let brand = register(&app, customer, "Webhooked").await;
    let id = brand["id"].as_str().unwrap();
    let tcr_id = brand["tcrBrandId"].as_str().unwrap();

    let verified = identity_becomes(&app, id, "VERIFIED").await;
    assert_eq!(verified["syncSource"], "webhook", "{verified}");

    let log = eventually(
        Duration::from_secs(10),
        "three processed deliveries",
        || async {
            let log = app.webhook_log().await;
            let processed = log.iter().filter(|d| d["processed"] == true).count();
            (processed >= 3).then_some(log)
        },
    )
    .await;
    let mut by_type: HashMap<String, usize> = HashMap::new();
    for delivery in &log {
        assert_eq!(delivery["tcrBrandId"], tcr_id, "{delivery}");
        assert_eq!(delivery["disposition"], "ACCEPTED", "{delivery}");
        assert_eq!(delivery["signature"], "VALID", "{delivery}");
        *by_type
            .entry(delivery["eventType"].as_str().unwrap().to_string())
            .or_default() += 1;
    }
    for event_type in [
        "BRAND_ADD",
        "BRAND_SCORE_UPDATE",
        "BRAND_IDENTITY_STATUS_UPDATE",
    ] {
        assert_eq!(
            by_type.get(event_type),
            Some(&1),
            "{event_type} logged exactly once: {by_type:?}"
        );
    }
    // One transition, whatever number of deliveries reported it.
    let changes = brand_event_types(&app, id)
        .await
        .into_iter()
        .filter(|(t, _)| t == "BrandIdentityStatusChanged")
        .count();
    assert_eq!(changes, 1, "one identity transition");
}

#[tokio::test]
async fn with_every_webhook_dropped_the_poller_still_reaches_tcrs_state() {
    let app = TestApp::spawn_with(AppOptions {
        scoring_delay: Duration::from_millis(300),
        subscribe_webhooks: true,
        sync: fast_polling(),
        sim_faults: SimFaults {
            webhook_drop_rate: 1.0,
            ..SimFaults::default()
        },
        ..AppOptions::default()
    })
    .await;
    let customer = app.create_customer("BAN-WH-2", "BASIC").await;
    let brand = register(&app, customer, "Dropped").await;
    let id = brand["id"].as_str().unwrap();

    let verified = identity_becomes(&app, id, "VERIFIED").await;

    assert_eq!(verified["syncSource"], "poll", "{verified}");
    assert!(app.webhook_log().await.is_empty(), "no delivery arrived");
    let events = brand_event_types(&app, id).await;
    let change = events
        .iter()
        .find(|(t, _)| t == "BrandIdentityStatusChanged")
        .expect("a recorded change");
    assert_eq!(change.1["source"], "poll");
    assert_eq!(change.1["actor"], "system:poller");
    assert_eq!(
        change.1["tcr_endpoint"],
        format!("GET /brand/{}", brand["tcrBrandId"].as_str().unwrap())
    );
}

#[tokio::test]
async fn duplicated_and_reordered_webhooks_never_move_a_brand_backwards() {
    let app = TestApp::spawn_with(AppOptions {
        scoring_delay: Duration::from_millis(300),
        subscribe_webhooks: true,
        sync: no_polling(),
        sim_faults: SimFaults {
            webhook_duplicate_rate: 1.0,
            webhook_reorder_window: Duration::from_millis(600),
            seed: Some(7),
            ..SimFaults::default()
        },
        ..AppOptions::default()
    })
    .await;
    let customer = app.create_customer("BAN-WH-3", "BASIC").await;
    let brand = register(&app, customer, "Doubled").await;
    let id = brand["id"].as_str().unwrap();
    let tcr_id = brand["tcrBrandId"].as_str().unwrap().to_string();
    identity_becomes(&app, id, "VERIFIED").await;

    // TCR later vets the brand; then every old delivery is replayed, late and duplicated.
    app.sim
        .handle
        .set_identity_status(&tcr_id, "VETTED_VERIFIED")
        .unwrap();
    identity_becomes(&app, id, "VETTED_VERIFIED").await;
    let old = app.sim.handle.deliveries();
    for delivery in old.iter().filter(|d| !d.dropped) {
        let response = app
            .deliver_webhook(&app.base_url, "brands", &delivery.payload, None)
            .await;
        assert_eq!(response.status(), 200, "a redelivery is acknowledged");
    }
    tokio::time::sleep(Duration::from_secs(2)).await;

    assert_eq!(
        app.brand(id).await["identityStatus"],
        "VETTED_VERIFIED",
        "never moved backwards"
    );
    let changes: Vec<Value> = brand_event_types(&app, id)
        .await
        .into_iter()
        .filter(|(t, _)| t == "BrandIdentityStatusChanged")
        .map(|(_, m)| m)
        .collect();
    assert_eq!(
        changes.len(),
        2,
        "UNVERIFIED→VERIFIED→VETTED_VERIFIED, nothing more: {changes:?}"
    );
    let log = app.webhook_log().await;
    let accepted = log
        .iter()
        .filter(|d| d["disposition"] == "ACCEPTED")
        .count();
    let duplicates = log
        .iter()
        .filter(|d| d["disposition"] == "DUPLICATE")
        .count();
    assert!(
        duplicates >= accepted,
        "every duplicate is logged and marked ({accepted} accepted, {duplicates} duplicates)"
    );
    for duplicate in log.iter().filter(|d| d["disposition"] == "DUPLICATE") {
        assert!(duplicate["duplicateOf"].is_string(), "{duplicate}");
        assert!(
            log.iter()
                .any(|d| d["id"] == duplicate["duplicateOf"] && d["disposition"] == "ACCEPTED"),
            "a duplicate points at its original: {duplicate}"
        );
    }
    // Every original was processed exactly once.
    assert!(
        log.iter()
            .filter(|d| d["disposition"] == "ACCEPTED")
            .all(|d| d["processed"] == true),
        "{log:?}"
    );
}

#[tokio::test]
async fn forged_and_corrupted_deliveries_are_refused_and_kept_as_refusals_not_events() {
    let app = TestApp::spawn_with(AppOptions {
        scoring_delay: Duration::from_millis(300),
        subscribe_webhooks: true,
        sync: fast_polling(),
        sim_faults: SimFaults {
            webhook_corrupt_rate: 1.0,
            seed: Some(3),
            ..SimFaults::default()
        },
        ..AppOptions::default()
    })
    .await;
    let customer = app.create_customer("BAN-WH-4", "BASIC").await;
    let brand = register(&app, customer, "Forged").await;
    let id = brand["id"].as_str().unwrap();
    let tcr_id = brand["tcrBrandId"].as_str().unwrap();

    // A forger claims the brand was verified.
    let forged = json!({"eventType": "BRAND_IDENTITY_STATUS_UPDATE", "brandId": tcr_id, "brandIdentityStatus": "VETTED_VERIFIED"});
    let response = app
        .deliver_webhook(
            &app.base_url,
            "brands",
            &forged,
            Some("Zm9yZ2VkIHNpZ25hdHVyZQ=="),
        )
        .await;
    assert_eq!(response.status(), 401);
    let unsigned = app
        .http
        .post(format!("{}/webhooks/tcr/brands", app.base_url))
        .json(&forged)
        .send()
        .await
        .unwrap();
    assert_eq!(unsigned.status(), 401);

    // The brand still reaches TCR's real state (VERIFIED, not the forger's claim), by polling.
    identity_becomes(&app, id, "VERIFIED").await;
    // TCR keeps retrying corrupted copies, so wait until the refusals kept have caught up with
    // every corrupted copy the simulator sent so far plus both forgeries.
    let (refusals, corrupted) = eventually(
        Duration::from_secs(20),
        "every corrupted copy and both forgeries refused",
        || async {
            let corrupted = app
                .sim
                .handle
                .deliveries()
                .iter()
                .filter(|d| d.corrupted())
                .count();
            let refusals = app.webhook_refusals().await;
            (corrupted >= 1 && refusals.len() == corrupted + 2).then_some((refusals, corrupted))
        },
    )
    .await;
    // Every corrupted copy and both forgeries were refused and kept as refusals (never as
    // events); only intact, validly signed copies (TCR's retries) were accepted.
    assert_eq!(
        refusals.len(),
        corrupted + 2,
        "corrupted ({corrupted}) + 2 forged"
    );
    let verdicts: Vec<&str> = refusals
        .iter()
        .map(|d| d["signature"].as_str().unwrap())
        .collect();
    assert!(
        verdicts.contains(&"MISSING") && verdicts.contains(&"INVALID"),
        "{verdicts:?}"
    );
    assert!(
        refusals.iter().all(
            |d| d["reasonCode"].as_str().unwrap().starts_with("signature_")
                && d["httpStatus"] == 401
        ),
        "{refusals:?}"
    );
    let forged_claims = refusals
        .iter()
        .filter(|d| {
            d["claimedTcrBrandId"] == tcr_id
                && d["claimedEventType"] == "BRAND_IDENTITY_STATUS_UPDATE"
        })
        .count();
    assert!(
        forged_claims >= 2,
        "the forger's claims are kept: {refusals:?}"
    );
    let log = app.webhook_log().await;
    assert!(
        log.iter()
            .all(|d| d["disposition"] != "REJECTED" && d["signature"] == "VALID"),
        "{log:?}"
    );
    assert_ne!(app.brand(id).await["identityStatus"], "VETTED_VERIFIED");
}

#[tokio::test]
async fn a_delivery_for_a_brand_not_yet_recorded_is_kept_and_applied_when_it_appears() {
    let app = TestApp::spawn_with(AppOptions {
        scoring_delay: Duration::from_millis(200),
        subscribe_webhooks: true,
        sync: no_polling(),
        ..AppOptions::default()
    })
    .await;
    app.webhooks_subscribed().await;
    let customer = app.create_customer("BAN-WH-5", "BASIC").await;
    // TCR answers our create 2 s late, so its webhooks arrive before we know the brand.
    let brand = register(&app, customer, "Early Bird [sim:slow-2]").await;
    let id = brand["id"].as_str().unwrap();

    let verified = identity_becomes(&app, id, "VERIFIED").await;
    assert_eq!(verified["syncSource"], "webhook");
    let early = eventually(
        Duration::from_secs(15),
        "the early delivery to be applied",
        || async {
            app.webhook_log().await.into_iter().find(|d| {
                d["eventType"] == "BRAND_IDENTITY_STATUS_UPDATE" && d["processed"] == true
            })
        },
    )
    .await;
    assert!(
        early["attempts"].as_i64().unwrap() >= 1,
        "it waited for the brand: {early}"
    );
}

#[tokio::test]
async fn the_webhook_log_is_scoped_to_each_customer_and_filterable() {
    let app = TestApp::spawn_with(AppOptions {
        scoring_delay: Duration::from_millis(200),
        subscribe_webhooks: true,
        sync: no_polling(),
        ..AppOptions::default()
    })
    .await;
    app.webhooks_subscribed().await;
    let alpha = app.create_customer("BAN-WH-A", "BASIC").await;
    let beta = app.create_customer("BAN-WH-B", "BASIC").await;
    let a = register(&app, alpha, "Alpha").await;
    register(&app, beta, "Beta").await;
    identity_becomes(&app, a["id"].as_str().unwrap(), "VERIFIED").await;
    eventually(Duration::from_secs(10), "six deliveries", || async {
        (app.webhook_log().await.len() >= 6).then_some(())
    })
    .await;

    let token = app.token(tendlc_api::http::auth::Role::CustomerUser, Some(alpha));
    let own: Value = app
        .request(reqwest::Method::GET, "/v1/messaging/webhook-events", &token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let items = own["items"].as_array().unwrap();
    assert!(!items.is_empty());
    assert!(
        items.iter().all(|d| d["tcrBrandId"] == a["tcrBrandId"]),
        "alpha sees only its brand's deliveries: {own}"
    );

    let filtered: Value = app
        .request(
            reqwest::Method::GET,
            "/v1/messaging/webhook-events?eventType=BRAND_ADD",
            &app.superadmin(),
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(filtered["total"], 2, "{filtered}");
    let bad = app
        .request(
            reqwest::Method::GET,
            "/v1/messaging/webhook-events?from=yesterday",
            &app.superadmin(),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 422);
}
