//! The `[sim:...]` markers that make a call fail on purpose (`[sim:error-NNN]`, `[sim:http-NNN]`,
//! `[sim:slow-N]`, `[sim:created-then-http-500]`), in a brand's `displayName` and a campaign's
//! `description`, on create and update; and unknown markers being refused.
mod support;

use std::sync::Arc;
use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use support::*;

// ---------------------------------------------------------------------------------------------
// Brands
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn sim_error_591_is_refused_as_a_temporary_error_and_stores_nothing() {
    let sim = spawn_sim(|_| {}).await;
    let request = with(
        brand_request("PRIVATE_PROFIT"),
        "displayName",
        json!("Acme [sim:error-591]"),
    );
    let errors = assert_errors(
        &sim.post_brand(&request).await,
        "ApiError",
        "a [sim:error-591] brand",
    );
    assert_eq!(
        errors[0]["code"], 591,
        "expected TCR error 591; got {errors:#?}"
    );
    assert!(
        text(&errors[0], "description").contains("30 seconds"),
        "591 tells the client to retry in 30 seconds; got {errors:#?}"
    );
    assert_eq!(
        sim.count_by_reference(text(&request, "referenceId")).await,
        0,
        "a refused brand must not be stored"
    );
}

#[tokio::test]
async fn sim_http_503_fails_with_a_bare_503_and_stores_nothing() {
    let sim = spawn_sim(|_| {}).await;
    let request = with(
        brand_request("PRIVATE_PROFIT"),
        "displayName",
        json!("Acme [sim:http-503]"),
    );
    let answer = sim.post_brand(&request).await;
    answer.expect(StatusCode::SERVICE_UNAVAILABLE, "a [sim:http-503] brand");
    assert!(
        answer.text.is_empty(),
        "a bare 503 has no body; got {:?}",
        answer.text
    );
    assert_eq!(
        sim.count_by_reference(text(&request, "referenceId")).await,
        0,
        "a failed brand must not be stored"
    );
}

#[tokio::test]
async fn sim_slow_2_answers_two_seconds_late_but_registers_at_once() {
    let sim = Arc::new(spawn_sim(|_| {}).await);
    let request = with(
        brand_request("PRIVATE_PROFIT"),
        "displayName",
        json!("Acme [sim:slow-2]"),
    );
    let reference = text(&request, "referenceId").to_owned();
    let slow = {
        let sim = sim.clone();
        tokio::spawn(async move { sim.post_brand(&request).await })
    };
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        sim.count_by_reference(&reference).await,
        1,
        "a slow TCR has stored the brand before it answers"
    );
    let answer = slow.await.expect("the slow call's task");
    answer.expect(StatusCode::OK, "a [sim:slow-2] brand");
    assert!(
        answer.elapsed >= Duration::from_secs(2),
        "[sim:slow-2] should take at least 2 s, took {:?}",
        answer.elapsed
    );
    assert_component("Brand_CSP", &answer.json("slow answer"), "the slow answer");
}

#[tokio::test]
async fn sim_created_then_http_500_stores_the_brand_but_answers_500() {
    let sim = spawn_sim(|_| {}).await;
    let request = with(
        brand_request("PRIVATE_PROFIT"),
        "displayName",
        json!("Acme [sim:created-then-http-500]"),
    );
    let answer = sim.post_brand(&request).await;
    answer.expect(
        StatusCode::INTERNAL_SERVER_ERROR,
        "a [sim:created-then-http-500] brand",
    );
    assert_eq!(
        sim.count_by_reference(text(&request, "referenceId")).await,
        1,
        "TCR created the brand even though it answered 500"
    );
}

#[tokio::test]
async fn magic_markers_refuse_updates_too_and_change_nothing() {
    let sim = spawn_sim(|c| c.scoring_delay = Duration::from_secs(60)).await;
    let request = brand_request("PRIVATE_PROFIT");
    let created = sim.create(&request).await;
    let brand_id = text(&created, "brandId");
    let change = with(request, "website", json!("https://changed.acme.example"));

    let refused = with(change.clone(), "displayName", json!("Acme [sim:error-591]"));
    let errors = assert_errors(
        &sim.put_brand(brand_id, &refused).await,
        "ApiError_CSP",
        "PUT with [sim:error-591]",
    );
    assert_eq!(
        errors[0]["code"], 591,
        "expected TCR error 591; got {errors:#?}"
    );

    let failed = with(change, "displayName", json!("Acme [sim:http-502]"));
    let answer = sim.put_brand(brand_id, &failed).await;
    answer.expect(StatusCode::BAD_GATEWAY, "PUT with [sim:http-502]");
    assert!(
        answer.text.is_empty(),
        "a bare 502 has no body; got {:?}",
        answer.text
    );

    assert_eq!(
        sim.get_brand(brand_id).await,
        created,
        "a refused or failed update must leave the brand as it was"
    );
}

#[tokio::test]
async fn an_unknown_sim_marker_is_refused() {
    let sim = spawn_sim(|_| {}).await;
    let request = with(
        brand_request("PRIVATE_PROFIT"),
        "displayName",
        json!("Acme [sim:explode]"),
    );
    let errors = assert_errors(&sim.post_brand(&request).await, "ApiError", "[sim:explode]");
    assert!(
        has_error(&errors, 501, "displayName"),
        "an unknown marker is a 501 on displayName; got {errors:#?}"
    );
}

// ---------------------------------------------------------------------------------------------
// Campaigns
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn campaign_magic_markers_fail_calls_on_purpose() {
    let (sim, _hooks) = sim_with_hooks().await;
    let brand_id = sim.verified_brand(&brand_request("PRIVATE_PROFIT")).await;
    let count = |reference: Value| {
        let sim = &sim;
        async move {
            let found = sim
                .json_answer(
                    Method::GET,
                    &format!("/campaign?referenceId={}", reference.as_str().unwrap()),
                    None,
                    &component("RecordSetCampaign_CSP"),
                )
                .await;
            found["totalRecords"].as_u64().unwrap()
        }
    };
    let marked = |marker: &str| {
        with(
            campaign_request(&brand_id),
            "description",
            json!(format!("Weekly offers from Acme Widgets for you. {marker}")),
        )
    };

    let request = marked("[sim:error-591]");
    let errors = assert_errors(
        &sim.post_campaign(&request).await,
        "ApiError",
        "[sim:error-591]",
    );
    assert_eq!(errors[0]["code"], 591);
    assert_eq!(
        count(request["referenceId"].clone()).await,
        0,
        "nothing stored"
    );

    let request = marked("[sim:http-503]");
    let answer = sim.post_campaign(&request).await;
    answer.expect(StatusCode::SERVICE_UNAVAILABLE, "[sim:http-503]");
    assert!(answer.text.is_empty(), "a bare 503");
    assert_eq!(
        count(request["referenceId"].clone()).await,
        0,
        "nothing stored"
    );

    let request = marked("[sim:created-then-http-500]");
    sim.post_campaign(&request).await.expect(
        StatusCode::INTERNAL_SERVER_ERROR,
        "[sim:created-then-http-500]",
    );
    assert_eq!(
        count(request["referenceId"].clone()).await,
        1,
        "created anyway"
    );

    let request = marked("[sim:slow-1]");
    let answer = sim.post_campaign(&request).await;
    answer.expect(StatusCode::OK, "[sim:slow-1]");
    assert!(
        answer.elapsed >= Duration::from_secs(1),
        "took {:?}",
        answer.elapsed
    );

    let campaign_id = text(&answer.json("slow"), "campaignId").to_owned();
    let errors = refused(
        &sim,
        Method::PUT,
        &format!("/campaign/{campaign_id}"),
        Some(&json!({"description": "Weekly offers from Acme Widgets for you. [sim:error-509]"})),
    )
    .await;
    assert_eq!(errors[0]["code"], 509);
    assert!(
        sim.get_campaign(&campaign_id).await["description"]
            .as_str()
            .unwrap()
            .contains("[sim:slow-1]"),
        "a refused update changes nothing"
    );
}
