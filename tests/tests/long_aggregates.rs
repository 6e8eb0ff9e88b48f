//! A brand with 10,000 events still decides from its whole history without replaying it on every
//! command: a load that replays many events stores the state it reached (a snapshot), the next
//! one starts there. A snapshot is a cache: one stored by other domain code, or one that does not
//! read, is passed over and the events decide.
use reqwest::Method;
use serde_json::{json, Value};
use tendlc_api::http::auth::Role;
use tendlc_tests::fixtures::private_brand;
use tendlc_tests::harness::json_of;
use tendlc_tests::TestApp;

const EVENTS: i64 = 10_000;

/// A registered brand of a new customer, then `EVENTS` polls that found TCR agreeing, written
/// straight into the store as the sync would have recorded them (as the bench does).
async fn long_lived_brand(app: &TestApp) -> (String, String) {
    let customer = app.create_customer("BAN-LONG-1", "MEDIUM").await;
    let (status, brand) = json_of(
        app.register_brand(customer, &private_brand("Long Lived"))
            .await,
    )
    .await;
    assert_eq!(status, 201, "registering the brand: {brand}");
    let id = brand["id"].as_str().unwrap().to_string();
    tendlc_api::bench::long_aggregate::append_polls(&app.pool, &id, EVENTS)
        .await
        .expect("append the polls");
    (id, app.token(Role::CustomerAdmin, Some(customer)))
}

async fn update(app: &TestApp, id: &str, token: &str, body: Value) -> (u16, Value) {
    let path = format!("/v1/messaging/brands/{id}");
    json_of(
        app.request(Method::PATCH, &path, token)
            .json(&body)
            .send()
            .await
            .unwrap(),
    )
    .await
}

/// The brand's snapshot row: (fingerprint, last sequence, state).
async fn snapshot(app: &TestApp, id: &str) -> Option<(String, i64, Value)> {
    sqlx::query_as(
        "SELECT fingerprint, last_sequence, state FROM aggregate_snapshots
          WHERE aggregate_type = 'Brand' AND aggregate_id = $1",
    )
    .bind(id)
    .fetch_optional(&app.pool)
    .await
    .expect("read the snapshot")
}

async fn last_sequence(app: &TestApp, id: &str) -> i64 {
    sqlx::query_scalar(
        "SELECT max(sequence) FROM events WHERE aggregate_type = 'Brand' AND aggregate_id = $1",
    )
    .bind(id)
    .fetch_one(&app.pool)
    .await
    .expect("read the last sequence")
}

/// Puts `state` in the brand's snapshot as if `fingerprint`'s code had stored it.
async fn plant(app: &TestApp, id: &str, fingerprint: &str, state: &Value) {
    sqlx::query(
        "UPDATE aggregate_snapshots SET fingerprint = $2, state = $3
          WHERE aggregate_type = 'Brand' AND aggregate_id = $1",
    )
    .bind(id)
    .bind(fingerprint)
    .bind(state)
    .execute(&app.pool)
    .await
    .expect("plant a snapshot");
}

#[tokio::test]
async fn a_brand_with_ten_thousand_events_is_decided_from_a_snapshot_and_the_events_after_it() {
    let app = TestApp::spawn().await;
    let (id, token) = long_lived_brand(&app).await;
    assert!(
        snapshot(&app, &id).await.is_none(),
        "no snapshot before a command loads the brand"
    );

    let (status, body) = update(&app, &id, &token, json!({"displayName": "Long Lived One"})).await;
    assert_eq!(status, 200, "the first update after 10,000 events: {body}");
    assert_eq!(body["displayName"], "Long Lived One");
    let (fingerprint, taken_at, state) = snapshot(&app, &id)
        .await
        .expect("loading 10,000 events stored a snapshot");
    assert_eq!(
        fingerprint,
        tendlc_domain::FINGERPRINT,
        "stored by this code"
    );
    assert!(
        taken_at > EVENTS,
        "the snapshot covers the polls (sequence {taken_at})"
    );
    assert!(
        state["profile"].is_object(),
        "the snapshot holds the brand: {state}"
    );

    // The next command starts from the snapshot: a brand this code stored as abandoned is one.
    let mut abandoned = state.clone();
    abandoned["status"] = json!("ABANDONED");
    plant(&app, &id, tendlc_domain::FINGERPRINT, &abandoned).await;
    let (status, body) = update(&app, &id, &token, json!({"city": "Chicago"})).await;
    assert_eq!(
        status, 409,
        "the snapshot decided (an abandoned brand is not updated): {body}"
    );
    assert_eq!(body["code"], "brand_not_registered", "{body}");

    // Stored by other domain code: passed over, the events decide, and a fresh one replaces it.
    plant(&app, &id, "older-domain-code", &abandoned).await;
    let (status, body) = update(&app, &id, &token, json!({"city": "Chicago"})).await;
    assert_eq!(status, 200, "an older code's snapshot is not read: {body}");
    assert_eq!(body["city"], "Chicago");
    let (fingerprint, taken_at, state) = snapshot(&app, &id).await.unwrap();
    assert_eq!(
        fingerprint,
        tendlc_domain::FINGERPRINT,
        "replaced by this code's"
    );
    assert_eq!(state["status"], "REGISTERED", "from the events: {state}");
    assert!(taken_at > EVENTS);

    // One that does not read as a brand: passed over too.
    plant(&app, &id, tendlc_domain::FINGERPRINT, &json!("not a brand")).await;
    let (status, body) = update(&app, &id, &token, json!({"city": "Boston"})).await;
    assert_eq!(status, 200, "an unreadable snapshot is not read: {body}");
    assert_eq!(body["city"], "Boston");
    let (_, _, state) = snapshot(&app, &id).await.unwrap();
    assert!(
        state.is_object(),
        "an unreadable snapshot is replaced: {state}"
    );

    // What the snapshot-based decisions recorded agrees with a replay of every event.
    assert!(
        last_sequence(&app, &id).await > taken_at,
        "commands after the snapshot appended"
    );
    let shown = app.brand(&id).await;
    assert_eq!(shown["displayName"], "Long Lived One");
    assert_eq!(shown["city"], "Boston");
}
