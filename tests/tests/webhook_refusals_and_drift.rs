//! The webhook receivers' refusals, modes and limits, and drift found by polling.
use std::time::Duration;

use serde_json::{json, Value};
use tendlc_api::config::{SignatureMode, SyncConfig};
use tendlc_tcr_sim::SimFaults;
use tendlc_tests::fixtures::private_brand;
use tendlc_tests::harness::{eventually, AppOptions};
use tendlc_tests::TestApp;

async fn registered(app: &TestApp, ban: &str, name: &str) -> Value {
    let customer = app.create_customer(ban, "BASIC").await;
    let response = app.register_brand(customer, &private_brand(name)).await;
    assert_eq!(response.status(), 201);
    response.json().await.unwrap()
}

#[tokio::test]
async fn malformed_and_oversized_deliveries_are_refused_and_logged() {
    let app = TestApp::spawn().await;
    let url = format!("{}/webhooks/tcr/brands", app.base_url);

    let not_json = app
        .http
        .post(&url)
        .header("X-Registry-Signature", "abc=")
        .body("{oops")
        .send()
        .await
        .unwrap();
    assert_eq!(not_json.status(), 400);
    let array = app
        .http
        .post(&url)
        .json(&json!([1, 2]))
        .send()
        .await
        .unwrap();
    assert_eq!(array.status(), 400);
    let huge = "x".repeat(70 * 1024);
    let too_big = app
        .http
        .post(&url)
        .json(&json!({ "eventType": "BRAND_ADD", "pad": huge }))
        .send()
        .await
        .unwrap();
    assert_eq!(too_big.status(), 413);
    let nowhere = app
        .http
        .post(format!("{}/webhooks/tcr/elsewhere", app.base_url))
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(nowhere.status(), 404);

    // Refusals are kept (bounded, digests only) in the refusal store before the answer, and
    // never become events.
    let refusals = app.webhook_refusals().await;
    assert_eq!(refusals.len(), 3, "{refusals:?}");
    let codes: Vec<&str> = refusals
        .iter()
        .map(|d| d["reasonCode"].as_str().unwrap())
        .collect();
    assert_eq!(
        codes.iter().filter(|c| **c == "not_an_object").count(),
        2,
        "{codes:?}"
    );
    assert!(codes.contains(&"too_large"), "{codes:?}");
    // The body's digest is kept, not the body.
    use sha2::Digest;
    let digest = hex::encode(sha2::Sha256::digest(b"{oops"));
    let oops = refusals
        .iter()
        .find(|d| d["bodySha256"] == digest.as_str())
        .unwrap_or_else(|| panic!("no refusal with the digest of {{oops: {refusals:?}"));
    assert_eq!(oops["bodyBytes"], 5);
    assert_eq!(oops["httpStatus"], 400);
    let too_large = refusals
        .iter()
        .find(|d| d["reasonCode"] == "too_large")
        .unwrap();
    assert_eq!(too_large["bodyBytes"], Value::Null);
    assert_eq!(too_large["httpStatus"], 413);
    assert!(too_large["reason"]
        .as_str()
        .unwrap()
        .contains("larger than"));
    assert_eq!(app.webhook_event_count().await, 0);
}

#[tokio::test]
async fn deliveries_from_outside_the_allow_list_are_refused() {
    let app = TestApp::spawn_with(AppOptions {
        allowed_ips: vec!["52.44.59.112".parse().unwrap()],
        ..AppOptions::default()
    })
    .await;
    let body = json!({"eventType": "BRAND_ADD", "brandId": "B000000"});
    let response = app
        .deliver_webhook(&app.base_url, "brands", &body, None)
        .await;
    assert_eq!(response.status(), 403);
    let refusals = app.webhook_refusals().await;
    assert_eq!(refusals.len(), 1, "{refusals:?}");
    assert_eq!(refusals[0]["reasonCode"], "source_not_allowed");
    assert_eq!(
        refusals[0]["signature"], "VALID",
        "signed correctly, but from the wrong place"
    );
    assert_eq!(refusals[0]["remoteAddr"], "127.0.0.1");
    assert_eq!(refusals[0]["claimedTcrBrandId"], "B000000");
    assert!(refusals[0]["reason"]
        .as_str()
        .unwrap()
        .contains("allow list"));
    assert_eq!(app.webhook_event_count().await, 0);
}

#[tokio::test]
async fn in_warn_mode_a_badly_signed_delivery_is_accepted_but_only_tcrs_state_is_applied() {
    let app = TestApp::spawn_with(AppOptions {
        scoring_delay: Duration::from_secs(3600),
        signature: SignatureMode::Warn,
        ..AppOptions::default()
    })
    .await;
    let brand = registered(&app, "BAN-WARN", "Warned").await;
    let claim = json!({"eventType": "BRAND_IDENTITY_STATUS_UPDATE", "brandId": brand["tcrBrandId"], "brandIdentityStatus": "VERIFIED"});
    let response = app
        .deliver_webhook(
            &app.base_url,
            "brands",
            &claim,
            Some("bm90IGEgc2lnbmF0dXJl"),
        )
        .await;
    assert_eq!(response.status(), 200);

    let delivery = eventually(
        Duration::from_secs(10),
        "the delivery to be processed",
        || async {
            app.webhook_log()
                .await
                .into_iter()
                .find(|d| d["processed"] == true)
        },
    )
    .await;
    assert_eq!(delivery["signature"], "INVALID", "{delivery}");
    assert_eq!(
        delivery["processingOutcome"], "no_change",
        "TCR still says UNVERIFIED: {delivery}"
    );
    assert_eq!(
        app.brand(brand["id"].as_str().unwrap()).await["identityStatus"],
        "UNVERIFIED"
    );
}

#[tokio::test]
async fn polling_records_drift_with_what_we_had_and_what_tcr_has() {
    let app = TestApp::spawn_with(AppOptions {
        scoring_delay: Duration::from_millis(200),
        subscribe_webhooks: true,
        sync: SyncConfig {
            tick: Duration::from_millis(200),
            poll_unverified: Duration::from_millis(500),
            poll_active: Duration::from_millis(500),
            ..SyncConfig::default()
        },
        sim_faults: SimFaults {
            webhook_drop_rate: 1.0,
            ..SimFaults::default()
        },
        ..AppOptions::default()
    })
    .await;
    let brand = registered(&app, "BAN-DRIFT", "Drifting").await;
    let id = brand["id"].as_str().unwrap();
    eventually(Duration::from_secs(10), "VERIFIED", || async {
        (app.brand(id).await["identityStatus"] == "VERIFIED").then_some(())
    })
    .await;
    // TCR changes its mind and nobody is told (every webhook is lost).
    app.sim
        .handle
        .set_identity_status(brand["tcrBrandId"].as_str().unwrap(), "UNVERIFIED")
        .unwrap();

    eventually(
        Duration::from_secs(10),
        "the drift to be corrected",
        || async { (app.brand(id).await["identityStatus"] == "UNVERIFIED").then_some(()) },
    )
    .await;
    let payloads: Vec<Value> = sqlx::query_scalar(
        "SELECT payload FROM events WHERE aggregate_id = $1 AND event_type = 'BrandIdentityStatusChanged' ORDER BY sequence",
    )
    .bind(id)
    .fetch_all(&app.pool)
    .await
    .unwrap();
    let last = &payloads.last().unwrap()["BrandIdentityStatusChanged"];
    assert_eq!(last["from"], "VERIFIED", "{last}");
    assert_eq!(last["to"], "UNVERIFIED", "{last}");
    assert_eq!(last["source"], "poll", "{last}");
    assert!(last["observed_at"].is_string(), "{last}");
}
