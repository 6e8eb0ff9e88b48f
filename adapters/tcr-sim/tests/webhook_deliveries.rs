//! Webhook deliveries to a tiny HTTP receiver that records every POST it gets, checked against
//! `shared/tcr-api.md` §6.3 (flat JSON, `X-Registry-Signature` = HMAC-SHA1 of URL + JCS body,
//! keyed by the API secret): which events are sent when, to whom, and the retries of failed
//! deliveries.
mod support;

use std::time::{Duration, Instant};

use reqwest::{Method, StatusCode};
use serde_json::json;
use support::*;
use tendlc_adapters::webhook_signature::Verdict;
use tendlc_tcr_sim::{DeliveryRecord, SimHandleError};

/// Waits until the simulator has recorded at least `n` delivery attempts (a record is written
/// once the receiver's answer is in, a moment after the receiver saw the request).
async fn wait_for_records(sim: &TestSim, n: usize, what: &str) -> Vec<DeliveryRecord> {
    let started = Instant::now();
    loop {
        let records = sim.handle.deliveries();
        if records.len() >= n {
            return records;
        }
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "{what}: expected {n} delivery records, the simulator has {records:#?}"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

// ---------------------------------------------------------------------------------------------
// Events
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_new_brand_sends_a_signed_brand_add_then_score_and_identity_updates_after_scoring() {
    let (sim, receiver) = sim_and_receiver(400, |_| {}).await;
    let request = brand_request("PRIVATE_PROFIT");
    let started = Instant::now();
    let brand = sim.create(&request).await;
    let brand_id = text(&brand, "brandId");

    let first = receiver
        .wait_for(1, Duration::from_secs(2), "BRAND_ADD")
        .await;
    assert_eq!(first[0].event_type(), "BRAND_ADD", "the first event");
    assert!(
        first[0].at.duration_since(started) < Duration::from_millis(350),
        "BRAND_ADD should come right after the create, before scoring; took {:?}",
        first[0].at.duration_since(started)
    );

    let got = receiver
        .wait_for(
            3,
            Duration::from_secs(3),
            "BRAND_ADD and the scoring events",
        )
        .await;
    assert_eq!(
        receiver.types(),
        strings(&[
            "BRAND_ADD",
            "BRAND_SCORE_UPDATE",
            "BRAND_IDENTITY_STATUS_UPDATE"
        ]),
        "the events, in order"
    );
    for scored in &got[1..] {
        assert!(
            scored.at.duration_since(started) >= Duration::from_millis(400),
            "{} came {:?} after the create, before the 400 ms scoring delay",
            scored.event_type(),
            scored.at.duration_since(started)
        );
    }
    assert_signed(&got, &sim, &receiver.url);
    let elsewhere = receiver.url.replace("/brand", "/other");
    assert_eq!(
        got[0].verdict(&sim.secret, &elsewhere),
        Verdict::Invalid,
        "the signature covers the subscribed URL"
    );

    for r in &got {
        assert_eq!(r.method, "POST", "webhooks are POSTed");
        assert_eq!(
            r.path, "/hooks/tcr/brand",
            "delivered to the subscribed path"
        );
        assert!(
            r.content_type.starts_with("application/json"),
            "{}: Content-Type should be application/json, got {:?}",
            r.event_type(),
            r.content_type
        );
        let event = r.event();
        let what = r.event_type();
        let fields = event.as_object().expect("an event is a flat JSON object");
        assert!(
            fields.values().all(|v| !v.is_object() && !v.is_array()),
            "{what}: the event should be flat: {event:#}"
        );
        assert_eq!(event["cspId"], sim.csp_id.as_str(), "{what}: cspId");
        assert_eq!(event["cspName"], "Simulated CSP", "{what}: cspName");
        assert_eq!(event["brandId"], brand_id, "{what}: brandId");
        assert_eq!(
            event["brandName"], request["displayName"],
            "{what}: brandName"
        );
        assert_eq!(
            event["brandReferenceId"], request["referenceId"],
            "{what}: brandReferenceId"
        );
        assert_eq!(event["mock"], true, "{what}: mock, as the brand was sent");
        assert!(
            text(&event, "description").contains(brand_id),
            "{what}: the description names the brand: {event}"
        );
        if what == "BRAND_IDENTITY_STATUS_UPDATE" {
            assert_eq!(
                event["brandIdentityStatus"], "VERIFIED",
                "{what}: brandIdentityStatus"
            );
        } else {
            assert!(
                event.get("brandIdentityStatus").is_none(),
                "{what} carries no brandIdentityStatus: {event}"
            );
        }
    }
    assert_eq!(
        sim.get_brand(brand_id).await["identityStatus"],
        "VERIFIED",
        "the brand is VERIFIED once its identity event went out"
    );

    let records = wait_for_records(&sim, 3, "the three clean deliveries").await;
    assert_eq!(records.len(), 3, "three delivery records: {records:#?}");
    for (record, received) in records.iter().zip(&got) {
        assert!(
            record.succeeded()
                && record.attempt == 1
                && !record.dropped
                && !record.duplicate
                && !record.corrupted()
                && !record.from_mock_endpoint,
            "a clean first delivery: {record:#?}"
        );
        assert_eq!(record.endpoint, receiver.url);
        assert_eq!(record.body.as_bytes(), received.body, "the recorded body");
        assert_eq!(Some(&record.signature), received.signature.as_ref());
        assert_eq!(record.payload, received.event(), "the recorded payload");
    }
    assert!(
        records.windows(2).all(|w| w[0].event_id < w[1].event_id),
        "event ids follow creation order"
    );
}

#[tokio::test]
async fn update_and_delete_send_brand_update_and_a_single_brand_delete() {
    let (sim, receiver) = sim_and_receiver(60_000, |_| {}).await;
    let request = brand_request("NON_PROFIT");
    let brand = sim.create(&request).await;
    let brand_id = text(&brand, "brandId");
    let change = with(request, "website", json!("https://changed.acme.example"));
    sim.put_brand(brand_id, &change)
        .await
        .expect(StatusCode::OK, "PUT /brand");
    let path = format!("/brand/{brand_id}");
    for n in 1..=2 {
        sim.call(Method::DELETE, &path, None)
            .await
            .expect(StatusCode::NO_CONTENT, &format!("DELETE /brand, time {n}"));
    }
    let got = receiver
        .wait_for(3, Duration::from_secs(2), "add, update, delete")
        .await;
    receiver
        .expect_total(
            3,
            Duration::from_millis(300),
            "a second delete sends nothing",
        )
        .await;
    assert_eq!(
        receiver.types(),
        strings(&["BRAND_ADD", "BRAND_UPDATE", "BRAND_DELETE"])
    );
    assert_signed(&got, &sim, &receiver.url);
    assert!(
        text(&got[2].event(), "description").contains("deleted"),
        "BRAND_DELETE's description: {}",
        got[2].event()
    );
}

#[tokio::test]
async fn only_subscribed_categories_get_events() {
    let sim = spawn_sim(|c| c.scoring_delay = Duration::from_millis(200)).await;
    let receiver = Receiver::start("/hooks/campaign").await;
    sim.subscribe("CAMPAIGN", &receiver.url).await;
    sim.subscribe("BRAND", &receiver.url).await;
    sim.call(Method::DELETE, "/webhook/subscription/BRAND", None)
        .await
        .expect(StatusCode::NO_CONTENT, "unsubscribing BRAND");
    sim.create(&brand_request("PRIVATE_PROFIT")).await;
    receiver
        .expect_total(
            0,
            Duration::from_millis(700),
            "brand events without a BRAND subscription",
        )
        .await;
    assert!(
        sim.handle.deliveries().is_empty(),
        "nothing was attempted: {:#?}",
        sim.handle.deliveries()
    );
}

#[tokio::test]
async fn an_out_of_band_identity_change_updates_the_brand_and_sends_the_event() {
    let (sim, receiver) = sim_and_receiver(500, |_| {}).await;
    let brand = sim.create(&brand_request("PRIVATE_PROFIT")).await;
    let brand_id = text(&brand, "brandId");
    receiver
        .wait_for(1, Duration::from_secs(1), "BRAND_ADD")
        .await;
    sim.handle
        .set_identity_status(brand_id, "VETTED_VERIFIED")
        .expect("a known brand and status");
    assert_eq!(
        sim.get_brand(brand_id).await["identityStatus"],
        "VETTED_VERIFIED",
        "GET shows the new identity at once"
    );
    assert_eq!(
        sim.handle
            .brand(brand_id)
            .expect("the handle sees the brand")["identityStatus"],
        "VETTED_VERIFIED"
    );
    let got = receiver
        .wait_for(2, Duration::from_secs(1), "the identity event")
        .await;
    assert_eq!(got[1].event_type(), "BRAND_IDENTITY_STATUS_UPDATE");
    assert_eq!(got[1].event()["brandIdentityStatus"], "VETTED_VERIFIED");
    assert_signed(&got, &sim, &receiver.url);

    receiver
        .expect_total(
            2,
            Duration::from_millis(700),
            "the cancelled scoring sends nothing",
        )
        .await;
    assert_eq!(
        sim.get_brand(brand_id).await["identityStatus"],
        "VETTED_VERIFIED",
        "the scoring under way must not overwrite an out-of-band verdict"
    );

    assert_eq!(
        sim.handle.set_identity_status("BNOSUCH", "VERIFIED"),
        Err(SimHandleError::UnknownBrand("BNOSUCH".into()))
    );
    assert_eq!(
        sim.handle.set_identity_status(brand_id, "PENDING"),
        Err(SimHandleError::UnknownIdentityStatus("PENDING".into()))
    );
    assert_eq!(sim.handle.brand_count(), 1);
    assert!(sim.handle.brand("BNOSUCH").is_none());
}

// ---------------------------------------------------------------------------------------------
// Retries
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_failed_delivery_is_retried_after_a_one_second_backoff() {
    let sim = spawn_sim(|c| c.scoring_delay = Duration::from_secs(60)).await;
    let receiver = Receiver::start("/hooks/brand").await;
    sim.subscribe("BRAND", &receiver.url).await;
    receiver.answer_next(&[500]);
    sim.create(&brand_request("PRIVATE_PROFIT")).await;
    let got = receiver
        .wait_for(2, Duration::from_secs(3), "BRAND_ADD and its retry")
        .await;
    let gap = got[1].at.duration_since(got[0].at);
    assert!(
        gap >= Duration::from_millis(950),
        "the default backoff is 1 s; the retry came after {gap:?}"
    );
    assert_eq!(got[0].body, got[1].body, "a retry resends the same event");
    assert_signed(&got, &sim, &receiver.url);
    let records = wait_for_records(&sim, 2, "the delivery and its retry").await;
    let summary: Vec<(u64, u32, Option<u16>)> = records
        .iter()
        .map(|r| (r.event_id, r.attempt, r.status))
        .collect();
    assert_eq!(
        summary,
        [
            (records[0].event_id, 1, Some(500)),
            (records[0].event_id, 2, Some(200))
        ],
        "attempt 1 got 500, attempt 2 got 200"
    );
    receiver
        .expect_total(2, Duration::from_millis(300), "no retry after a 200")
        .await;
}

#[tokio::test]
async fn retries_back_off_and_stop_after_the_configured_number() {
    let (sim, receiver) = sim_and_receiver(60_000, |c| {
        c.webhook_retries = 2;
        c.webhook_retry_backoff = Duration::from_millis(150);
    })
    .await;
    receiver.answer_always(503, "busy");
    sim.create(&brand_request("PRIVATE_PROFIT")).await;
    let got = receiver
        .wait_for(3, Duration::from_secs(2), "one delivery and two retries")
        .await;
    receiver
        .expect_total(3, Duration::from_millis(800), "no more than two retries")
        .await;
    let gaps = [
        got[1].at.duration_since(got[0].at),
        got[2].at.duration_since(got[1].at),
    ];
    assert!(
        gaps[0] >= Duration::from_millis(140) && gaps[1] >= Duration::from_millis(290),
        "the backoff doubles from 150 ms; gaps were {gaps:?}"
    );
    let attempts: Vec<(u32, Option<u16>)> = sim
        .handle
        .deliveries()
        .iter()
        .map(|r| (r.attempt, r.status))
        .collect();
    assert_eq!(attempts, [(1, Some(503)), (2, Some(503)), (3, Some(503))]);
}

#[tokio::test]
async fn zero_retries_turns_retrying_off_and_an_unreachable_endpoint_is_recorded() {
    let sim = spawn_sim(|c| {
        c.scoring_delay = Duration::from_secs(60);
        c.webhook_retries = 0;
        c.webhook_retry_backoff = Duration::from_millis(100);
    })
    .await;
    let receiver = Receiver::start("/hooks/brand").await;
    receiver.answer_always(500, "broken");
    sim.subscribe("BRAND", &receiver.url).await;
    sim.create(&brand_request("PRIVATE_PROFIT")).await;
    receiver
        .wait_for(1, Duration::from_secs(1), "BRAND_ADD")
        .await;
    receiver
        .expect_total(1, Duration::from_millis(500), "no retry with 0 retries")
        .await;

    sim.subscribe("BRAND", "http://127.0.0.1:1/closed").await;
    sim.create(&brand_request("PRIVATE_PROFIT")).await;
    let started = Instant::now();
    let record = loop {
        if let Some(r) = sim
            .handle
            .deliveries()
            .into_iter()
            .find(|r| r.endpoint.contains(":1/"))
        {
            break r;
        }
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "no delivery attempt to the closed port was recorded"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert!(
        record.status.is_none() && record.error.is_some(),
        "an unreachable endpoint is recorded with an error and no status: {record:#?}"
    );
}

#[tokio::test]
async fn a_slow_receiver_never_holds_up_the_api_answer() {
    let (sim, receiver) = sim_and_receiver(60_000, |_| {}).await;
    receiver.stall(Duration::from_secs(2));
    let answer = sim.post_brand(&brand_request("PRIVATE_PROFIT")).await;
    answer.expect(StatusCode::OK, "POST /brand/nonBlocking");
    receiver
        .wait_for(1, Duration::from_secs(1), "BRAND_ADD")
        .await;
    assert!(
        answer.elapsed < Duration::from_millis(500),
        "delivery runs in the background; the create took {:?}",
        answer.elapsed
    );
}
