//! A request never completes another request's action: while one change of a campaign waits for
//! TCR, a request that changes nothing is answered at once without calling TCR, and the first
//! change is recorded as what it was.
use std::time::{Duration, Instant};

use reqwest::Method;
use serde_json::json;
use tendlc_api::config::SyncConfig;
use tendlc_tests::fixtures::{private_brand, two_factor_campaign};
use tendlc_tests::harness::{status_and_body, AppOptions};
use tendlc_tests::TestApp;

#[tokio::test]
async fn a_change_that_changes_nothing_never_answers_for_the_pending_one() {
    let app = TestApp::spawn_with(AppOptions {
        scoring_delay: Duration::from_millis(200),
        sync: SyncConfig {
            tick: Duration::from_millis(200),
            poll_unverified: Duration::from_secs(1),
            ..SyncConfig::default()
        },
        ..AppOptions::default()
    })
    .await;
    let customer = app.create_customer("BAN-ONE-ACTION", "BASIC").await;
    let brand = app
        .scored_brand(customer, &private_brand("Acme One At A Time"), "VERIFIED")
        .await;
    let (status, created) = app
        .call_for(
            customer,
            Method::POST,
            "/v1/messaging/campaigns",
            Some(two_factor_campaign(&brand)),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_str().unwrap().to_string();
    let tcr_id = created["tcrCampaignId"].as_str().unwrap().to_string();
    let path = format!("/v1/messaging/campaigns/{id}");
    let unchanged = two_factor_campaign(&brand)["description"].clone();

    // A change TCR takes three seconds to answer.
    let slow =
        "One-time passcodes for Acme Widgets customers signing in, now with backups. [sim:slow-3]";
    let first = tokio::spawn(status_and_body(
        app.as_operator_for(Method::PATCH, &path, customer)
            .json(&json!({ "description": slow })),
    ));
    tokio::time::sleep(Duration::from_millis(700)).await;

    // Meanwhile a request that changes nothing: answered at once, nothing sent to TCR.
    let started = Instant::now();
    let (status, same) = app
        .call_for(
            customer,
            Method::PATCH,
            &path,
            Some(json!({ "description": unchanged })),
        )
        .await;
    assert_eq!(status, 200, "a change of nothing is not refused: {same}");
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "a change of nothing must not wait for TCR (took {:?})",
        started.elapsed()
    );

    let (status, changed) = first.await.unwrap();
    assert_eq!(
        status, 200,
        "the first change is TCR's to answer: {changed}"
    );
    assert_eq!(changed["campaign"]["description"], slow, "{changed}");
    let at_tcr = app
        .sim
        .handle
        .campaign(&tcr_id)
        .expect("the campaign at TCR");
    assert_eq!(
        at_tcr["description"], slow,
        "TCR holds the first change, not one sent for the empty request: {at_tcr}"
    );
    let events: Vec<String> = app
        .events_of(&id)
        .await
        .into_iter()
        .map(|(kind, _)| kind)
        .collect();
    assert_eq!(
        events
            .iter()
            .filter(|e| *e == "CampaignActionRequested")
            .count(),
        1,
        "one action was asked for: {events:?}"
    );
    assert_eq!(
        events.iter().filter(|e| *e == "CampaignUpdated").count(),
        1,
        "and answered once: {events:?}"
    );
}
