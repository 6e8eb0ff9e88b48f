//! `Idempotency-Key` makes retrying a write safe: the same key with the same request gives the
//! first answer again and registers (and bills) nothing more, another request under the key is
//! refused, two at once run once, and each customer has its own keys.
use std::time::Duration;

use reqwest::Method;
use serde_json::{json, Value};
use tendlc_api::config::SyncConfig;
use tendlc_api::http::auth::Role;
use tendlc_tests::fixtures::{private_brand, two_factor_campaign};
use tendlc_tests::harness::{json_of, AppOptions};
use tendlc_tests::TestApp;
use uuid::Uuid;

/// Registers a brand as the customer's admin, under `key`.
async fn register_brand_with_key(
    app: &TestApp,
    customer: Uuid,
    key: &str,
    body: &Value,
) -> (u16, Value, Option<String>, bool) {
    let response = app
        .request(
            Method::POST,
            "/v1/messaging/brands",
            &app.token(Role::CustomerAdmin, Some(customer)),
        )
        .header("Idempotency-Key", key)
        .json(body)
        .send()
        .await
        .expect("register brand");
    let location = response
        .headers()
        .get("location")
        .map(|l| l.to_str().unwrap().to_string());
    let replayed = response.headers().get("idempotent-replayed").is_some();
    let (status, body) = json_of(response).await;
    (status, body, location, replayed)
}

#[tokio::test]
async fn the_same_key_and_body_twice_registers_one_campaign_and_answers_the_same() {
    let app = TestApp::spawn_with(AppOptions {
        scoring_delay: Duration::from_millis(300),
        subscribe_webhooks: true,
        sync: SyncConfig {
            tick: Duration::from_millis(100),
            poll_unverified: Duration::from_millis(500),
            webhook_retry_base: Duration::from_millis(300),
            ..SyncConfig::default()
        },
        ..AppOptions::default()
    })
    .await;
    let customer = app.create_customer("BAN-IDEM-1", "BASIC").await;
    let brand = app
        .scored_brand(customer, &private_brand("Acme Once"), "VERIFIED")
        .await;
    let key = Uuid::new_v4().to_string();
    let register = || {
        app.as_operator_for(Method::POST, "/v1/messaging/campaigns", customer)
            .header("Idempotency-Key", &key)
            .json(&two_factor_campaign(&brand))
            .send()
    };

    let first = register().await.unwrap();
    let first_location = first.headers().get("location").cloned();
    let (status, created) = json_of(first).await;
    assert_eq!(status, 201, "{created}");

    // The client never saw that answer and asks again, with the same key.
    let second = register().await.unwrap();
    assert_eq!(
        second
            .headers()
            .get("idempotent-replayed")
            .map(|v| v.to_str().unwrap()),
        Some("true"),
        "a replay says so"
    );
    assert_eq!(second.headers().get("location").cloned(), first_location);
    let (status, again) = json_of(second).await;
    assert_eq!(status, 201, "{again}");
    assert_eq!(again, created, "the first answer, word for word");

    let at_tcr = app.sim.campaigns().await;
    assert_eq!(
        at_tcr.len(),
        1,
        "one campaign created (and billed): {at_tcr:?}"
    );
    let (_, list) = app
        .call_for(customer, Method::GET, "/v1/messaging/campaigns", None)
        .await;
    assert_eq!(list["total"], 1, "one campaign recorded: {list}");
}

#[tokio::test]
async fn the_same_key_with_another_body_is_refused_and_registers_nothing() {
    let app = TestApp::spawn().await;
    let customer = app.create_customer("BAN-IDEM-2", "BASIC").await;
    let key = Uuid::new_v4().to_string();

    let (status, first, _, _) =
        register_brand_with_key(&app, customer, &key, &private_brand("Acme First")).await;
    assert_eq!(status, 201, "{first}");

    // The same body written differently is the same request.
    let mut reordered = serde_json::Map::new();
    let original = private_brand("Acme First");
    for (name, value) in original.as_object().unwrap().iter().rev() {
        reordered.insert(name.clone(), value.clone());
    }
    let (status, same, _, replayed) =
        register_brand_with_key(&app, customer, &key, &Value::Object(reordered)).await;
    assert_eq!((status, replayed), (201, true), "{same}");
    assert_eq!(same["id"], first["id"]);

    let (status, refused, _, _) =
        register_brand_with_key(&app, customer, &key, &private_brand("Acme Second")).await;
    assert_eq!(status, 422, "{refused}");
    assert_eq!(refused["code"], "idempotency_key_reused", "{refused}");

    // Under another path the key is another request too.
    let (status, refused) = json_of(
        app.as_operator_for(
            Method::PATCH,
            &format!("/v1/messaging/brands/{}", first["id"].as_str().unwrap()),
            customer,
        )
        .header("Idempotency-Key", &key)
        .json(&json!({"website": "https://acme.example"}))
        .send()
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(status, 422, "{refused}");
    assert_eq!(refused["code"], "idempotency_key_reused", "{refused}");

    assert_eq!(
        app.sim.handle.brand_count(),
        1,
        "only the first was sent to TCR"
    );

    let (status, invalid, _, _) =
        register_brand_with_key(&app, customer, "not a key", &private_brand("Acme Third")).await;
    assert_eq!(status, 400, "{invalid}");
    assert_eq!(invalid["code"], "invalid_idempotency_key", "{invalid}");
    assert_eq!(app.sim.handle.brand_count(), 1);
}

#[tokio::test]
async fn two_requests_at_once_with_one_key_register_once() {
    let app = TestApp::spawn().await;
    let customer = app.create_customer("BAN-IDEM-3", "BASIC").await;
    let key = Uuid::new_v4().to_string();
    // TCR takes its time, so both requests are in flight together.
    let body = private_brand("Acme Twice At Once [sim:slow-2]");

    let (one, two) = tokio::join!(
        register_brand_with_key(&app, customer, &key, &body),
        register_brand_with_key(&app, customer, &key, &body),
    );

    assert_eq!((one.0, two.0), (201, 201), "{} / {}", one.1, two.1);
    assert_eq!(one.1["id"], two.1["id"], "the same registration for both");
    assert_eq!(one.2, two.2, "the same Location");
    assert!(one.3 != two.3, "exactly one of them is the replay");
    assert_eq!(app.sim.handle.brand_count(), 1, "registered once at TCR");
    let (_, list) = app
        .call_for(customer, Method::GET, "/v1/messaging/brands", None)
        .await;
    assert_eq!(list["total"], 1, "recorded once: {list}");
}

#[tokio::test]
async fn keys_belong_to_their_customer() {
    let app = TestApp::spawn().await;
    let first = app.create_customer("BAN-IDEM-4A", "BASIC").await;
    let second = app.create_customer("BAN-IDEM-4B", "BASIC").await;
    let key = "order-42";
    let body = private_brand("Acme Shared Key");

    let (status, mine, _, _) = register_brand_with_key(&app, first, key, &body).await;
    assert_eq!(status, 201, "{mine}");
    let (status, theirs, _, replayed) = register_brand_with_key(&app, second, key, &body).await;
    assert_eq!(status, 201, "{theirs}");
    assert!(!replayed, "another customer's key is not replayed");
    assert_ne!(mine["id"], theirs["id"], "each customer has its own brand");
    assert_eq!(app.sim.handle.brand_count(), 2);

    // A super admin acting for the first customer shares that customer's keys.
    let (status, replay) = json_of(
        app.as_operator_for(Method::POST, "/v1/messaging/brands", first)
            .header("Idempotency-Key", key)
            .json(&body)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 201, "{replay}");
    assert_eq!(replay["id"], mine["id"], "{replay}");
    assert_eq!(app.sim.handle.brand_count(), 2);
}

#[tokio::test]
async fn a_refusal_that_recorded_nothing_leaves_the_key_free() {
    let app = TestApp::spawn().await;
    let customer = app.create_customer("BAN-IDEM-5", "BASIC").await;
    let key = Uuid::new_v4().to_string();
    let mut invalid = private_brand("Acme Typo");
    invalid["phone"] = json!("555-0100");

    let (status, refused, _, _) = register_brand_with_key(&app, customer, &key, &invalid).await;
    assert_eq!(status, 422, "{refused}");
    assert_eq!(refused["code"], "validation_failed", "{refused}");

    // Fixed, and sent again under the same key: nothing was done the first time.
    let (status, created, _, replayed) =
        register_brand_with_key(&app, customer, &key, &private_brand("Acme Typo")).await;
    assert_eq!(status, 201, "{created}");
    assert!(!replayed);
    // That answer is kept: the key is spent on it.
    let (status, again, _, replayed) =
        register_brand_with_key(&app, customer, &key, &private_brand("Acme Typo")).await;
    assert_eq!((status, replayed), (201, true), "{again}");
    assert_eq!(again["id"], created["id"]);
    assert_eq!(app.sim.handle.brand_count(), 1);
}
