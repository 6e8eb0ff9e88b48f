//! "TCR may have acted" is never "TCR refused": a success whose answer cannot be read leaves the
//! registration pending, and the retrier finds what TCR did by our reference before ever sending
//! again — one brand at TCR, ours registered with TCR's id. A value TCR adds later (a new
//! identity status) is kept as it came.
use std::time::Duration;

use tendlc_api::config::SyncConfig;
use tendlc_tests::fixtures::private_brand;
use tendlc_tests::harness::{eventually, json_of, AppOptions};
use tendlc_tests::stand_in::TcrStandIn;
use tendlc_tests::TestApp;

fn options(tcr: &TcrStandIn) -> AppOptions {
    AppOptions {
        scoring_delay: Duration::from_secs(3600),
        tcr_base_url: Some(tcr.base_url.clone()),
        sync: SyncConfig {
            tick: Duration::from_millis(200),
            retry_grace: Duration::from_millis(300),
            retry_base: Duration::from_millis(200),
            ..SyncConfig::default()
        },
        ..AppOptions::default()
    }
}

#[tokio::test]
async fn an_unreadable_success_is_confirmed_with_tcr_never_sent_twice() {
    let tcr = TcrStandIn::start().await;
    let app = TestApp::spawn_with(options(&tcr)).await;
    tcr.forward_to(&app.sim.base_url);
    let customer = app.create_customer("BAN-UNREADABLE", "BASIC").await;

    // TCR creates the brand, but its answer cannot be read.
    tcr.garble_next("POST", "/brand/nonBlocking");
    let response = app
        .register_brand(customer, &private_brand("Acme Unreadable"))
        .await;
    let location = response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .expect("the recorded registration is named")
        .to_string();
    let (status, answer) = json_of(response).await;
    assert_eq!(
        status, 502,
        "an unreadable success is no refusal (not 422): {answer}"
    );
    assert_eq!(answer["code"], "tcr_answer_unreadable", "{answer}");
    assert!(
        answer["message"]
            .as_str()
            .unwrap()
            .contains("may have acted"),
        "{answer}"
    );
    let brand_id = location.rsplit('/').next().unwrap().to_string();
    assert_eq!(
        app.brand(&brand_id).await["status"],
        "PENDING",
        "pending until TCR is asked what it did"
    );

    // The retrier asks TCR by our reference and adopts what TCR created.
    let registered = eventually(
        Duration::from_secs(15),
        "the brand to be adopted by reference",
        || async {
            let brand = app.brand(&brand_id).await;
            (brand["status"] == "REGISTERED").then_some(brand)
        },
    )
    .await;
    let at_tcr = app.sim.brands().await;
    assert_eq!(at_tcr.len(), 1, "one brand at TCR: {at_tcr:?}");
    assert_eq!(
        registered["tcrBrandId"], at_tcr[0]["brandId"],
        "ours is TCR's: {registered}"
    );
    assert_eq!(
        tcr.calls("POST", "/brand/nonBlocking"),
        1,
        "never sent twice"
    );
}

#[tokio::test]
async fn a_status_tcr_adds_later_is_kept_as_it_came() {
    let tcr = TcrStandIn::start().await;
    let mut options = options(&tcr);
    options.sync.poll_unverified = Duration::from_millis(300);
    let app = TestApp::spawn_with(options).await;
    tcr.forward_to(&app.sim.base_url);
    let customer = app.create_customer("BAN-NEW-STATUS", "BASIC").await;
    let (status, brand) = json_of(
        app.register_brand(customer, &private_brand("Acme New Status"))
            .await,
    )
    .await;
    assert_eq!(status, 201, "{brand}");
    let id = brand["id"].as_str().unwrap().to_string();
    let tcr_id = brand["tcrBrandId"].as_str().unwrap().to_string();

    // TCR starts answering with an identity status this build has never heard of.
    tcr.rewrite(
        "GET",
        &format!("/brand/{tcr_id}"),
        "identityStatus",
        serde_json::json!("PROVISIONALLY_VERIFIED"),
    );
    let kept = eventually(
        Duration::from_secs(15),
        "the poller to record TCR's new status",
        || async {
            let brand = app.brand(&id).await;
            (brand["identityStatus"] == "PROVISIONALLY_VERIFIED").then_some(brand)
        },
    )
    .await;
    assert_eq!(kept["status"], "REGISTERED", "{kept}");
    assert_eq!(kept["syncSource"], "poll", "{kept}");
}
