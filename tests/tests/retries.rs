//! Registrations TCR did not confirm are healed by the retrier: adopted by reference when TCR
//! created them after all, re-sent when it did not, abandoned visibly when it never will —
//! and no brand is ever created twice.
use std::time::Duration;

use serde_json::Value;
use tendlc_api::config::SyncConfig;
use tendlc_tcr_sim::SimFaults;
use tendlc_tests::fixtures::private_brand;
use tendlc_tests::harness::{eventually, AppOptions};
use tendlc_tests::TestApp;

fn quick_retries() -> SyncConfig {
    SyncConfig {
        tick: Duration::from_millis(100),
        retry_grace: Duration::from_millis(500),
        retry_base: Duration::from_millis(100),
        retry_max_attempts: 12,
        ..SyncConfig::default()
    }
}

async fn status_becomes(app: &TestApp, id: &str, status: &str) -> Value {
    eventually(
        Duration::from_secs(30),
        &format!("brand {id} to become {status}"),
        || async {
            let brand = app.brand(id).await;
            (brand["status"] == status).then_some(brand)
        },
    )
    .await
}

/// How many brands TCR holds under each of our references (must never exceed one).
async fn tcr_copies(app: &TestApp) -> std::collections::HashMap<String, usize> {
    let mut copies = std::collections::HashMap::new();
    for brand in app.sim.brands().await {
        *copies
            .entry(brand["referenceId"].as_str().unwrap_or("").to_string())
            .or_insert(0) += 1;
    }
    copies
}

async fn id_from_location(response: reqwest::Response) -> (u16, String) {
    let status = response.status().as_u16();
    let location = response.headers()["location"].to_str().unwrap().to_string();
    (status, location.rsplit('/').next().unwrap().to_string())
}

#[tokio::test]
async fn a_registration_that_timed_out_is_adopted_by_reference_not_created_twice() {
    let app = TestApp::spawn_with(AppOptions {
        tcr_timeout: Duration::from_secs(1),
        sync: quick_retries(),
        ..AppOptions::default()
    })
    .await;
    let customer = app.create_customer("BAN-RT-1", "BASIC").await;
    let (status, id) = id_from_location(
        app.register_brand(customer, &private_brand("Slowpoke [sim:slow-3]"))
            .await,
    )
    .await;
    assert_eq!(status, 504);

    let brand = status_becomes(&app, &id, "REGISTERED").await;

    assert!(brand["tcrBrandId"].is_string(), "{brand}");
    let copies = tcr_copies(&app).await;
    assert_eq!(
        copies.get(brand["referenceId"].as_str().unwrap()),
        Some(&1),
        "exactly one TCR brand: {copies:?}"
    );
    assert_eq!(app.sim.handle.brand_count(), 1);
    let events = app.events_of(&id).await;
    let adopted = events
        .iter()
        .find(|(t, _)| t == "BrandSubmittedToTcr")
        .expect("submitted");
    assert_eq!(adopted.1["source"], "retry", "{events:?}");
    assert_eq!(adopted.1["actor"], "system:retry");
    let payload: Value = sqlx::query_scalar(
        "SELECT payload FROM events WHERE aggregate_id = $1 AND event_type = 'BrandSubmittedToTcr'",
    )
    .bind(&id)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        payload["BrandSubmittedToTcr"]["adopted"], true,
        "found by reference, not re-created: {payload}"
    );
}

#[tokio::test]
async fn a_brand_tcr_created_but_answered_500_for_is_adopted() {
    let app = TestApp::spawn_with(AppOptions {
        sync: quick_retries(),
        ..AppOptions::default()
    })
    .await;
    let customer = app.create_customer("BAN-RT-2", "BASIC").await;
    let (status, id) = id_from_location(
        app.register_brand(customer, &private_brand("Liar [sim:created-then-http-500]"))
            .await,
    )
    .await;
    assert_eq!(status, 502);
    status_becomes(&app, &id, "REGISTERED").await;
    assert_eq!(app.sim.handle.brand_count(), 1, "never created twice");
}

#[tokio::test]
async fn a_registration_tcr_never_takes_is_abandoned_visibly() {
    let app = TestApp::spawn_with(AppOptions {
        sync: SyncConfig {
            retry_max_attempts: 3,
            ..quick_retries()
        },
        ..AppOptions::default()
    })
    .await;
    let customer = app.create_customer("BAN-RT-3", "BASIC").await;
    let (status, id) = id_from_location(
        app.register_brand(customer, &private_brand("Doomed [sim:http-503]"))
            .await,
    )
    .await;
    assert_eq!(status, 502);

    let brand = status_becomes(&app, &id, "ABANDONED").await;

    assert_eq!(brand["submissionAttempts"], 3, "{brand}");
    assert!(
        brand["lastError"]["abandoned"]
            .as_str()
            .unwrap()
            .contains("3 attempts"),
        "{brand}"
    );
    let types: Vec<String> = app
        .events_of(&id)
        .await
        .into_iter()
        .map(|(t, _)| t)
        .collect();
    assert_eq!(
        types.last().map(String::as_str),
        Some("BrandSubmissionAbandoned"),
        "{types:?}"
    );
    assert_eq!(app.sim.handle.brand_count(), 0);
}

#[tokio::test]
async fn a_validation_refusal_is_not_retried() {
    let app = TestApp::spawn_with(AppOptions {
        sync: quick_retries(),
        ..AppOptions::default()
    })
    .await;
    let customer = app.create_customer("BAN-RT-4", "BASIC").await;
    let (status, id) = id_from_location(
        app.register_brand(customer, &private_brand("Bad [sim:error-501]"))
            .await,
    )
    .await;
    assert_eq!(status, 422);
    tokio::time::sleep(Duration::from_secs(2)).await;
    let brand = app.brand(&id).await;
    assert_eq!(brand["status"], "REJECTED");
    assert_eq!(
        brand["submissionAttempts"], 1,
        "TCR's refusal is final: {brand}"
    );
}

#[tokio::test]
async fn under_random_tcr_failures_every_registration_lands_exactly_once() {
    let app = TestApp::spawn_with(AppOptions {
        tcr_timeout: Duration::from_secs(1),
        sync: quick_retries(),
        sim_faults: SimFaults {
            api_failure_rate: 0.25,
            seed: Some(11),
            ..SimFaults::default()
        },
        ..AppOptions::default()
    })
    .await;
    let customer = app.create_customer("BAN-RT-5", "BASIC").await;
    let mut ids = Vec::new();
    for n in 0..6 {
        let response = app
            .register_brand(customer, &private_brand(&format!("Chaos {n}")))
            .await;
        let (status, id) = id_from_location(response).await;
        assert!(
            [201, 502, 504].contains(&status),
            "registration {n} answered {status}"
        );
        ids.push(id);
    }
    for id in &ids {
        status_becomes(&app, id, "REGISTERED").await;
    }
    // Calm TCR down and count: one TCR brand per registration, no more.
    app.sim.handle.set_faults(SimFaults::default());
    let copies = tcr_copies(&app).await;
    assert_eq!(copies.len(), 6, "{copies:?}");
    assert!(
        copies.values().all(|n| *n == 1),
        "a brand was created twice: {copies:?}"
    );
}
