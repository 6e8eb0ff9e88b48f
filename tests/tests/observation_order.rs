//! Two observers of one registration at once (here two replicas' webhook workers): the one that
//! asked TCR first may be answered last, with the newer state. Readings are ordered by when
//! TCR's answer arrived, so that newer state is what tendlc ends with.
use std::time::Duration;

use reqwest::Method;
use serde_json::{json, Value};
use tendlc_api::config::SyncConfig;
use tendlc_tests::fixtures::private_brand;
use tendlc_tests::harness::{eventually, AppOptions, SimTuning};
use tendlc_tests::stand_in::TcrStandIn;
use tendlc_tests::TestApp;

const AT_T: u64 = 10017;
const HOUR: Duration = Duration::from_secs(3600);

/// Two replicas that act on webhooks only (no polls due for an hour, no subscription: the test
/// delivers), both reaching TCR through `tcr`.
async fn two_replicas(
    tcr: &TcrStandIn,
    poll_unverified: Duration,
    sim: SimTuning,
) -> (TestApp, tendlc_tests::harness::Replica) {
    let app = TestApp::spawn_with(AppOptions {
        scoring_delay: Duration::from_millis(300),
        tcr_base_url: Some(tcr.base_url.clone()),
        // Longer than the test holds a read back.
        tcr_timeout: Duration::from_secs(20),
        sync: SyncConfig {
            tick: Duration::from_millis(200),
            poll_unverified,
            poll_campaign_review: HOUR,
            poll_active: HOUR,
            webhook_retry_base: Duration::from_millis(300),
            ..SyncConfig::default()
        },
        sim: Some(sim),
        ..AppOptions::default()
    })
    .await;
    tcr.forward_to(&app.sim.base_url);
    let replica = app.start_replica().await;
    (app, replica)
}

async fn deliver(app: &TestApp, path: &str, body: Value) {
    let response = app.deliver_webhook(&app.base_url, path, &body, None).await;
    assert!(response.status().is_success(), "delivery refused: {body}");
}

async fn all_processed(app: &TestApp, count: usize) {
    eventually(
        Duration::from_secs(20),
        "every delivery to be processed",
        || async {
            let log = app.webhook_log().await;
            (log.len() == count && log.iter().all(|d| d["processed"] == true)).then_some(())
        },
    )
    .await;
}

async fn count_of(app: &TestApp, aggregate_id: &str, event_type: &str) -> usize {
    app.payloads_of(aggregate_id, event_type).await.len()
}

#[tokio::test]
async fn a_brand_ends_with_the_state_read_last_though_its_reader_asked_first() {
    let tcr = TcrStandIn::start().await;
    let (app, replica) = two_replicas(
        &tcr,
        HOUR,
        std::sync::Arc::new(|config| config.scoring_delay = HOUR),
    )
    .await;
    let customer = app.create_customer("BAN-ORDER-1", "BASIC").await;
    let (status, brand) = app
        .call_for(
            customer,
            Method::POST,
            "/v1/messaging/brands",
            Some(private_brand("Order")),
        )
        .await;
    assert_eq!(status, 201, "{brand}");
    assert_eq!(brand["identityStatus"], "UNVERIFIED", "{brand}");
    let id = brand["id"].as_str().unwrap().to_string();
    let tcr_id = brand["tcrBrandId"].as_str().unwrap().to_string();

    // The first observer asks TCR; its call is held on the way (a slow network, the limiter).
    let mut first = tcr.hold_next("GET", &format!("/brand/{tcr_id}"));
    deliver(
        &app,
        "brands",
        json!({"eventType": "BRAND_UPDATE", "brandId": tcr_id, "n": 1}),
    )
    .await;
    first.arrived(Duration::from_secs(10)).await;

    // The second asks later, is answered at once (UNVERIFIED), and records that first.
    deliver(
        &app,
        "brands",
        json!({"eventType": "BRAND_UPDATE", "brandId": tcr_id, "n": 2}),
    )
    .await;
    eventually(
        Duration::from_secs(10),
        "the second reading to be recorded",
        || async { (count_of(&app, &id, "BrandSyncConfirmed").await == 1).then_some(()) },
    )
    .await;

    // TCR verifies the brand; then the first call reaches TCR and reads VERIFIED.
    app.sim
        .handle
        .set_identity_status(&tcr_id, "VERIFIED")
        .unwrap();
    first.release();
    all_processed(&app, 2).await;

    let brand = app.brand(&id).await;
    assert_eq!(
        brand["identityStatus"], "VERIFIED",
        "TCR's newer state, read last, was dropped: {brand}"
    );
    let changes = app.payloads_of(&id, "BrandIdentityStatusChanged").await;
    assert_eq!(
        changes.last().unwrap()["BrandIdentityStatusChanged"]["to"],
        "VERIFIED",
        "{changes:?}"
    );
    assert!(replica.shutdown().await.is_ok());
}

#[tokio::test]
async fn a_campaign_ends_with_the_carrier_status_read_last_though_its_reader_asked_first() {
    let tcr = TcrStandIn::start().await;
    let (app, replica) = two_replicas(
        &tcr,
        Duration::from_millis(500),
        std::sync::Arc::new(|config| config.campaign_review_delay = HOUR),
    )
    .await;
    let customer = app.create_customer("BAN-ORDER-2", "BASIC").await;
    let campaign = app.registered_campaign(customer, "Order Campaign").await;
    let id = campaign["id"].as_str().unwrap().to_string();
    let tcr_id = campaign["tcrCampaignId"].as_str().unwrap().to_string();
    let confirmed = count_of(&app, &id, "CampaignSyncConfirmed").await;

    // The first observer's first read is held; the second reads all of it (AT&T in REVIEW).
    let mut first = tcr.hold_next("GET", &format!("/campaign/{tcr_id}"));
    let event = |n: u32| json!({"eventType": "CAMPAIGN_UPDATE", "campaignId": tcr_id, "n": n});
    deliver(&app, "campaigns", event(1)).await;
    first.arrived(Duration::from_secs(10)).await;
    deliver(&app, "campaigns", event(2)).await;
    eventually(
        Duration::from_secs(10),
        "the second reading to be recorded",
        || async { (count_of(&app, &id, "CampaignSyncConfirmed").await > confirmed).then_some(()) },
    )
    .await;

    // AT&T registers it; then the first observer's reads reach TCR and see that.
    app.sim
        .handle
        .set_operation_status(&tcr_id, AT_T, "REGISTERED", None, None)
        .unwrap();
    first.release();
    all_processed(&app, 2).await;

    let campaign = app.campaign(customer, &id).await;
    let at_t = campaign["carriers"]
        .as_array()
        .and_then(|carriers| carriers.iter().find(|c| c["mnoId"] == AT_T))
        .unwrap_or_else(|| panic!("no AT&T on the campaign: {campaign}"));
    assert_eq!(
        at_t["status"], "REGISTERED",
        "TCR's newer state, read last, was dropped: {campaign}"
    );
    assert!(replica.shutdown().await.is_ok());
}

/// Found by `tendlc chaos`: a reading was stamped with the arrival of its *last* call to TCR
/// (the sharing), though the carriers were read before it. A reader whose sharing call was slow
/// then outranked a later reader of a newer carrier status, and the carrier moved backwards
/// (and its approval was mailed twice).
#[tokio::test]
async fn a_carrier_status_read_before_a_slow_call_does_not_outrank_a_newer_reading() {
    let tcr = TcrStandIn::start().await;
    let (app, replica) = two_replicas(
        &tcr,
        Duration::from_millis(500),
        std::sync::Arc::new(|config| config.campaign_review_delay = HOUR),
    )
    .await;
    let customer = app.create_customer("BAN-ORDER-3", "BASIC").await;
    let campaign = app.registered_campaign(customer, "Order Campaign").await;
    let id = campaign["id"].as_str().unwrap().to_string();
    let tcr_id = campaign["tcrCampaignId"].as_str().unwrap().to_string();

    // The first observer reads the carriers (AT&T in REVIEW); its next call, the sharing, is held.
    let mut first = tcr.hold_next("GET", &format!("/campaign/{tcr_id}/sharing"));
    let event = |n: u32| json!({"eventType": "CAMPAIGN_UPDATE", "campaignId": tcr_id, "n": n});
    deliver(&app, "campaigns", event(1)).await;
    first.arrived(Duration::from_secs(10)).await;

    // AT&T registers it; the second observer reads and records that.
    app.sim
        .handle
        .set_operation_status(&tcr_id, AT_T, "REGISTERED", None, None)
        .unwrap();
    deliver(&app, "campaigns", event(2)).await;
    let registered = |changes: &[Value]| {
        changes.iter().any(|c| {
            c["CampaignMnoStatusChanged"]["mno"] == AT_T
                && c["CampaignMnoStatusChanged"]["to"] == "REGISTERED"
        })
    };
    eventually(
        Duration::from_secs(10),
        "the second reading to be recorded",
        || async {
            registered(&app.payloads_of(&id, "CampaignMnoStatusChanged").await).then_some(())
        },
    )
    .await;

    // The first observer's sharing answer comes last; its older carrier reading must not win.
    first.release();
    all_processed(&app, 2).await;
    let changes = app.payloads_of(&id, "CampaignMnoStatusChanged").await;
    let at_t: Vec<&Value> = changes
        .iter()
        .map(|c| &c["CampaignMnoStatusChanged"])
        .filter(|c| c["mno"] == AT_T)
        .collect();
    assert_eq!(
        at_t.last().map(|c| c["to"].clone()),
        Some(json!("REGISTERED")),
        "AT&T moved back to an older reading: {at_t:?}"
    );
    assert!(replica.shutdown().await.is_ok());
}
