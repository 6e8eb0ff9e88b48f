//! A write is answered within the answer budget, truthfully: with its outcome when TCR answered
//! in time, otherwise 202 with the record it went on (PENDING) while the TCR work goes on in the
//! background — never a bare timeout that invites a second, billed, registration.
use std::time::{Duration, Instant};

use reqwest::Method;
use serde_json::json;
use tendlc_api::config::{InboundLimits, SyncConfig};
use tendlc_tcr_sim::SimFaults;
use tendlc_tests::fixtures::{private_brand, two_factor_campaign};
use tendlc_tests::harness::{eventually, json_of, AppOptions};
use tendlc_tests::TestApp;

const BUDGET: Duration = Duration::from_secs(2);

fn options() -> AppOptions {
    AppOptions {
        scoring_delay: Duration::from_millis(300),
        subscribe_webhooks: true,
        inbound: InboundLimits {
            answer_within: BUDGET,
            ..InboundLimits::default()
        },
        sync: SyncConfig {
            tick: Duration::from_millis(100),
            poll_unverified: Duration::from_millis(500),
            webhook_retry_base: Duration::from_millis(300),
            // The request's own work finishes the registration, not the retrier.
            retry_grace: Duration::from_secs(60),
            ..SyncConfig::default()
        },
        ..AppOptions::default()
    }
}

fn location_of(response: &reqwest::Response) -> String {
    response
        .headers()
        .get("location")
        .expect("a Location header")
        .to_str()
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn a_campaign_registration_tcr_is_slow_to_answer_gets_202_and_ends_registered_once() {
    let app = TestApp::spawn_with(options()).await;
    let customer = app.create_customer("BAN-BUDGET-1", "BASIC").await;
    let brand = app
        .scored_brand(customer, &private_brand("Acme Patient"), "VERIFIED")
        .await;
    let mut body = two_factor_campaign(&brand);
    body["description"] =
        json!("One-time passcodes for Acme Widgets customers signing in. [sim:slow-4]");

    let started = Instant::now();
    let response = app
        .as_operator_for(Method::POST, "/v1/messaging/campaigns", customer)
        .json(&body)
        .send()
        .await
        .unwrap();
    let took = started.elapsed();
    let location = location_of(&response);
    let (status, accepted) = json_of(response).await;

    assert_eq!(status, 202, "{accepted}");
    assert!(
        took < BUDGET + Duration::from_millis(1500),
        "answered at the budget, not after TCR: {took:?}"
    );
    assert_eq!(accepted["status"], "PENDING", "{accepted}");
    let id = accepted["id"]
        .as_str()
        .expect("the campaign's id")
        .to_string();
    assert_eq!(location, format!("/v1/messaging/campaigns/{id}"));
    assert_eq!(accepted["location"], location.as_str());
    let (status, pending) = app.call_for(customer, Method::GET, &location, None).await;
    assert_eq!(status, 200, "{pending}");
    assert_eq!(pending["status"], "PENDING", "{pending}");

    // The work went on after the answer: TCR's slow answer is recorded by the request itself.
    let registered = eventually(
        Duration::from_secs(20),
        "the campaign to be registered",
        || async {
            let (_, campaign) = app.call_for(customer, Method::GET, &location, None).await;
            (campaign["status"] == "REGISTERED").then_some(campaign)
        },
    )
    .await;
    assert!(registered["tcrCampaignId"].is_string(), "{registered}");
    let submitted = app
        .events_of(&id)
        .await
        .into_iter()
        .find(|(event, _)| event == "CampaignSubmittedToTcr")
        .expect("TCR's answer is recorded");
    assert_eq!(submitted.1["source"], "api", "{submitted:?}");
    let at_tcr = app.sim.campaigns().await;
    assert_eq!(at_tcr.len(), 1, "exactly one campaign at TCR: {at_tcr:?}");
}

#[tokio::test]
async fn a_202_kept_for_a_key_is_replaced_by_the_final_answer() {
    let app = TestApp::spawn_with(AppOptions {
        inbound: InboundLimits {
            answer_within: Duration::from_secs(1),
            ..InboundLimits::default()
        },
        ..AppOptions::default()
    })
    .await;
    let customer = app.create_customer("BAN-BUDGET-2", "BASIC").await;
    let body = private_brand("Acme Later [sim:slow-3]");
    let register = || {
        app.as_operator_for(Method::POST, "/v1/messaging/brands", customer)
            .header("Idempotency-Key", "brand-later-1")
            .json(&body)
            .send()
    };

    let response = register().await.unwrap();
    let location = location_of(&response);
    let (status, accepted) = json_of(response).await;
    assert_eq!(status, 202, "{accepted}");
    assert_eq!(accepted["status"], "PENDING", "{accepted}");
    let id = accepted["id"].as_str().unwrap().to_string();
    assert_eq!(location, format!("/v1/messaging/brands/{id}"));

    // Asked again while TCR is still working: the 202 again, nothing sent twice.
    let (status, again) = json_of(register().await.unwrap()).await;
    assert_eq!(status, 202, "{again}");
    assert_eq!(again["id"], id.as_str());

    // Once the work is done, the key answers what the request would have answered in time.
    let last = eventually(
        Duration::from_secs(15),
        "the kept answer to become the final one",
        || async {
            let (status, answer) = json_of(register().await.unwrap()).await;
            (status == 201).then_some(answer)
        },
    )
    .await;
    assert_eq!(last["id"], id.as_str(), "{last}");
    assert_eq!(last["status"], "REGISTERED", "{last}");
    assert_eq!(app.sim.handle.brand_count(), 1, "registered once at TCR");
}

#[tokio::test]
async fn a_change_tcr_answers_in_time_is_answered_with_its_outcome() {
    let app = TestApp::spawn_with(AppOptions {
        inbound: InboundLimits {
            answer_within: Duration::from_secs(4),
            ..InboundLimits::default()
        },
        ..AppOptions::default()
    })
    .await;
    let customer = app.create_customer("BAN-BUDGET-3", "BASIC").await;
    let (status, brand) = json_of(
        app.register_brand(customer, &private_brand("Acme Prompt"))
            .await,
    )
    .await;
    assert_eq!(status, 201, "{brand}");
    let path = format!("/v1/messaging/brands/{}", brand["id"].as_str().unwrap());

    let (status, changed) = app
        .call_for(
            customer,
            Method::PATCH,
            &path,
            Some(json!({"displayName": "Acme Prompt [sim:slow-1]"})),
        )
        .await;
    assert_eq!(status, 200, "TCR answered within the budget: {changed}");
    assert_eq!(changed["displayName"], "Acme Prompt [sim:slow-1]");

    // Slower than the budget: 202 on the brand, and the change is applied in the background.
    let response = app
        .as_operator_for(Method::PATCH, &path, customer)
        .json(&json!({"displayName": "Acme Prompt [sim:slow-6]"}))
        .send()
        .await
        .unwrap();
    assert_eq!(location_of(&response), path);
    let (status, accepted) = json_of(response).await;
    assert_eq!(status, 202, "{accepted}");
    assert_eq!(accepted["id"], brand["id"], "{accepted}");
    eventually(
        Duration::from_secs(15),
        "the slow change to be applied",
        || async {
            let shown = app.brand(brand["id"].as_str().unwrap()).await;
            (shown["displayName"] == "Acme Prompt [sim:slow-6]").then_some(())
        },
    )
    .await;
}

#[tokio::test]
async fn a_campaign_that_could_not_be_started_within_the_budget_is_refused_and_never_recorded() {
    let app = TestApp::spawn_with(options()).await;
    let customer = app.create_customer("BAN-BUDGET-4", "BASIC").await;
    let brand = app
        .scored_brand(customer, &private_brand("Acme Too Late"), "VERIFIED")
        .await;
    // TCR answers everything late, even the qualification asked before anything is recorded.
    app.sim.handle.set_faults(SimFaults {
        api_latency: BUDGET + Duration::from_secs(1),
        ..SimFaults::default()
    });
    let register = || {
        app.as_operator_for(Method::POST, "/v1/messaging/campaigns", customer)
            .header("Idempotency-Key", "campaign-too-late")
            .json(&two_factor_campaign(&brand))
            .send()
    };

    let started = Instant::now();
    let (status, refused) = json_of(register().await.unwrap()).await;
    let took = started.elapsed();

    assert_eq!(status, 503, "{refused}");
    assert_eq!(refused["code"], "not_started_in_time", "{refused}");
    assert!(
        took < BUDGET + Duration::from_millis(900),
        "answered at the budget: {took:?}"
    );
    // TCR's late qualification arrives, and still nothing is recorded or created.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let (_, list) = app
        .call_for(customer, Method::GET, "/v1/messaging/campaigns", None)
        .await;
    assert_eq!(list["total"], 0, "{list}");
    assert!(app.sim.campaigns().await.is_empty());

    // Nothing was done, so the key is free: asked again once TCR is quick, it registers.
    app.sim.handle.set_faults(SimFaults::default());
    let (status, created) = json_of(register().await.unwrap()).await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(app.sim.campaigns().await.len(), 1);
}
