//! Workers share fairly and lease honestly: replicas together keep TCR's account limits, a slow
//! webhook delivery is worked by one worker only, and newer due retries are not starved by
//! older work that is not due.
use std::time::Duration;

use serde_json::Value;
use tendlc_api::config::SyncConfig;
use tendlc_tests::fixtures::private_brand;
use tendlc_tests::harness::{eventually, AppOptions};
use tendlc_tests::TestApp;

/// Our id of a registration, from the answer's body or its `Location`.
async fn registration_id(response: reqwest::Response) -> String {
    let location = response
        .headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .map(|l| l.rsplit('/').next().unwrap_or_default().to_string());
    let body: Value = response.json().await.unwrap_or(Value::Null);
    body["id"]
        .as_str()
        .map(str::to_string)
        .or(location)
        .unwrap_or_else(|| panic!("no id in {body}"))
}

async fn submissions(app: &TestApp, brand: &str) -> usize {
    app.events_of(brand)
        .await
        .iter()
        .filter(|(event_type, _)| event_type == "BrandSubmissionFailed")
        .count()
}

#[tokio::test]
async fn a_due_retry_is_not_starved_by_older_registrations_that_are_not_due() {
    const BATCH: usize = 3;
    let app = TestApp::spawn_with(AppOptions {
        sync: SyncConfig {
            tick: Duration::from_millis(100),
            retry_grace: Duration::from_millis(500),
            retry_base: Duration::from_millis(300),
            retry_max_attempts: 100,
            retry_batch: BATCH as i64,
            ..SyncConfig::default()
        },
        ..AppOptions::default()
    })
    .await;
    let customer = app.create_customer("BAN-STARVE", "BASIC").await;
    // More pending registrations than one pass takes; TCR keeps failing them.
    let mut oldest = Vec::new();
    for n in 0..BATCH {
        let response = app
            .register_brand(customer, &private_brand(&format!("Old {n} [sim:http-503]")))
            .await;
        oldest.push(registration_id(response).await);
    }
    // Retried until they back off beyond a few seconds (0.3, 0.6, 1.2, 2.4, then 4.8 s).
    eventually(
        Duration::from_secs(30),
        "the oldest to back off",
        || async {
            for brand in &oldest {
                if submissions(&app, brand).await < 5 {
                    return None;
                }
            }
            Some(())
        },
    )
    .await;

    // The newest is due 0.3 s after its first attempt, while the oldest are not due.
    let newest = registration_id(
        app.register_brand(customer, &private_brand("New [sim:http-503]"))
            .await,
    )
    .await;
    assert_eq!(submissions(&app, &newest).await, 1);
    eventually(
        Duration::from_secs(4),
        "the newest registration to be retried",
        || async { (submissions(&app, &newest).await >= 2).then_some(()) },
    )
    .await;
    let events = app.events_of(&newest).await;
    assert!(
        events.iter().any(|(_, m)| m["source"] == "retry"),
        "{events:?}"
    );
}
