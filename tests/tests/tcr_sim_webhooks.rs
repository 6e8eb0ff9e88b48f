//! The TCR simulator's webhooks and fault injection, black-box: the simulator on a real port, a
//! tiny HTTP receiver on another that records every POST it gets.
//!
//! Subscriptions are checked against TCR's OpenAPI document (`WebhookSubscription`, `EventType`,
//! `ApiError`); deliveries against `shared/tcr-api.md` §6.3 (flat JSON, `X-Registry-Signature`
//! = HMAC-SHA1 of URL + JCS body, keyed by the API secret).
mod common;

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use common::*;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use tendlc_adapters::webhook_signature::Verdict;
use tendlc_tcr_sim::{
    ApiFailure, Corruption, DeliveryRecord, SimConfig, SimFaults, SimHandleError, FAULT_HEADER,
};

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/// A simulator (scoring `scoring_ms`, fast retries unless `tune` says otherwise) with BRAND
/// events subscribed to a fresh receiver.
async fn sim_and_receiver(
    scoring_ms: u64,
    tune: impl FnOnce(&mut SimConfig),
) -> (TestSim, Receiver) {
    let sim = spawn_sim(|config| {
        config.scoring_delay = Duration::from_millis(scoring_ms);
        config.webhook_retry_backoff = Duration::from_millis(200);
        tune(config);
    })
    .await;
    let receiver = Receiver::start("/hooks/tcr/brand").await;
    sim.subscribe("BRAND", &receiver.url).await;
    (sim, receiver)
}

/// Fails unless every delivery carries a valid signature for the receiver's URL.
fn assert_signed(received: &[Received], sim: &TestSim, url: &str) {
    for (n, r) in received.iter().enumerate() {
        assert_eq!(
            r.verdict(&sim.secret, url),
            Verdict::Valid,
            "delivery {n} ({}) should carry a valid X-Registry-Signature for {url}; header {:?}, \
             body {}",
            r.event_type(),
            r.signature,
            String::from_utf8_lossy(&r.body)
        );
    }
}

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

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

// ---------------------------------------------------------------------------------------------
// The subscription API
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn subscriptions_are_set_listed_replaced_and_removed_as_the_document_says() {
    let sim = spawn_sim(|_| {}).await;
    let listed = sim.get("/webhook/subscription").await;
    listed.expect(StatusCode::OK, "GET /webhook/subscription");
    assert_eq!(
        listed.json("GET /webhook/subscription"),
        json!([]),
        "no subscriptions at first"
    );

    let put_schema = response_schema("/webhook/subscription", "put");
    for (category, endpoint) in [
        ("BRAND", "https://a.example/hooks/brand"),
        ("CAMPAIGN", "http://b.example:8080/hooks/campaign?x=1"),
        ("BRAND", "https://c.example/hooks/brand-v2"),
    ] {
        let echo = sim.subscribe(category, endpoint).await;
        assert_schema(put_schema, &echo, "PUT /webhook/subscription answer");
        assert_component(
            "WebhookSubscription",
            &echo,
            "PUT /webhook/subscription answer",
        );
        assert_eq!(
            echo,
            json!({"eventCategory": category, "webhookEndpoint": endpoint}),
            "PUT /webhook/subscription echoes the subscription"
        );
    }

    let listed = sim
        .get("/webhook/subscription")
        .await
        .json("GET /webhook/subscription");
    let items = listed
        .as_array()
        .expect("GET /webhook/subscription is an array");
    for item in items {
        assert_component("WebhookSubscription", item, "a listed subscription");
    }
    let pairs: BTreeSet<(String, String)> = items
        .iter()
        .map(|i| {
            (
                text(i, "eventCategory").into(),
                text(i, "webhookEndpoint").into(),
            )
        })
        .collect();
    assert_eq!(
        pairs,
        BTreeSet::from([
            ("BRAND".into(), "https://c.example/hooks/brand-v2".into()),
            (
                "CAMPAIGN".into(),
                "http://b.example:8080/hooks/campaign?x=1".into()
            ),
        ]),
        "a second PUT for BRAND replaces its endpoint; CAMPAIGN stays"
    );
    assert_eq!(
        sim.handle.subscriptions().len(),
        2,
        "the handle sees the same subscriptions"
    );

    let removed = sim
        .call(Method::DELETE, "/webhook/subscription/CAMPAIGN", None)
        .await;
    removed.expect(
        StatusCode::NO_CONTENT,
        "DELETE /webhook/subscription/CAMPAIGN",
    );
    assert!(
        removed.text.is_empty(),
        "a 204 has no body: {:?}",
        removed.text
    );
    let listed = sim
        .get("/webhook/subscription")
        .await
        .json("GET /webhook/subscription");
    assert_eq!(
        listed,
        json!([{"eventCategory": "BRAND", "webhookEndpoint": "https://c.example/hooks/brand-v2"}]),
        "only BRAND is left after unsubscribing CAMPAIGN"
    );

    for category in ["CAMPAIGN", "VETTING", "OTHER", "NO_SUCH_THING"] {
        let what = format!("DELETE /webhook/subscription/{category} (not subscribed)");
        let answer = sim
            .call(
                Method::DELETE,
                &format!("/webhook/subscription/{category}"),
                None,
            )
            .await;
        let errors = assert_errors(&answer, "ApiError", &what);
        assert!(
            errors.iter().any(|e| e["code"] == 502),
            "{what}: expected error 502, got {errors:#?}"
        );
    }
}

#[tokio::test]
async fn bad_subscriptions_are_refused_with_error_501_and_change_nothing() {
    let sim = spawn_sim(|_| {}).await;
    let at_limit = format!("https://example.com/{}", "a".repeat(255 - 20));
    assert_eq!(at_limit.len(), 255);
    let over_limit = format!("{at_limit}b");
    let cases = [
        (
            "an unknown category",
            json!({"eventCategory": "BOGUS", "webhookEndpoint": "https://example.com/h"}),
            "eventCategory",
        ),
        (
            "a category only the DELETE path lists",
            json!({"eventCategory": "OTHER", "webhookEndpoint": "https://example.com/h"}),
            "eventCategory",
        ),
        (
            "a lower-case category",
            json!({"eventCategory": "brand", "webhookEndpoint": "https://example.com/h"}),
            "eventCategory",
        ),
        (
            "no category",
            json!({"webhookEndpoint": "https://example.com/h"}),
            "eventCategory",
        ),
        (
            "a 256-character endpoint",
            json!({"eventCategory": "BRAND", "webhookEndpoint": over_limit}),
            "webhookEndpoint",
        ),
        (
            "an ftp endpoint",
            json!({"eventCategory": "BRAND", "webhookEndpoint": "ftp://example.com/h"}),
            "webhookEndpoint",
        ),
        (
            "an endpoint that is not a URL",
            json!({"eventCategory": "BRAND", "webhookEndpoint": "example.com/h"}),
            "webhookEndpoint",
        ),
        (
            "an empty endpoint",
            json!({"eventCategory": "BRAND", "webhookEndpoint": ""}),
            "webhookEndpoint",
        ),
        (
            "no endpoint",
            json!({"eventCategory": "BRAND"}),
            "webhookEndpoint",
        ),
        (
            "a numeric endpoint",
            json!({"eventCategory": "BRAND", "webhookEndpoint": 42}),
            "webhookEndpoint",
        ),
    ];
    for (label, body, field) in cases {
        let what = format!("PUT /webhook/subscription with {label}");
        let answer = sim
            .call(Method::PUT, "/webhook/subscription", Some(&body))
            .await;
        let errors = assert_errors(&answer, "ApiError", &what);
        assert!(
            has_error(&errors, 501, field),
            "{what}: expected error 501 on {field}, got {errors:#?}"
        );
    }
    let not_json = sim
        .http
        .put(format!("{}/webhook/subscription", sim.base))
        .basic_auth(&sim.key, Some(&sim.secret))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .expect("an HTTP answer");
    assert_eq!(
        not_json.status(),
        StatusCode::BAD_REQUEST,
        "a body that is not JSON is a 400"
    );
    assert_eq!(
        sim.get("/webhook/subscription")
            .await
            .json("GET /webhook/subscription"),
        json!([]),
        "refused subscriptions must not be stored"
    );

    let echo = sim.subscribe("VETTING", &at_limit).await;
    assert_eq!(
        echo["webhookEndpoint"], at_limit,
        "a 255-character endpoint is allowed"
    );
}

#[tokio::test]
async fn event_categories_and_types_are_listed_as_the_document_says() {
    let sim = spawn_sim(|_| {}).await;
    let categories = sim
        .get("/webhook/eventCategory")
        .await
        .json("GET /webhook/eventCategory");
    assert_schema(
        response_schema("/webhook/eventCategory", "get"),
        &categories,
        "GET /webhook/eventCategory",
    );
    let subscribable = string_set(
        &openapi()["components"]["schemas"]["WebhookSubscription"]["properties"]["eventCategory"]
            ["enum"],
        "WebhookSubscription.eventCategory.enum",
    );
    assert_eq!(
        string_set(&categories, "GET /webhook/eventCategory"),
        subscribable,
        "GET /webhook/eventCategory lists exactly the subscribable categories"
    );

    let types = sim
        .get("/webhook/eventType")
        .await
        .json("GET /webhook/eventType");
    assert_schema(
        response_schema("/webhook/eventType", "get"),
        &types,
        "GET /webhook/eventType",
    );
    let types = types
        .as_array()
        .expect("GET /webhook/eventType is an array");
    let mut names = BTreeSet::new();
    let mut covered = BTreeSet::new();
    for item in types {
        assert_component("EventType", item, "an event type");
        for field in ["eventType", "description", "eventCategory"] {
            assert!(
                item[field].as_str().is_some_and(|s| !s.is_empty()),
                "event type {item} lacks {field}"
            );
        }
        assert!(
            names.insert(text(item, "eventType").to_owned()),
            "{} is listed twice",
            item["eventType"]
        );
        covered.insert(text(item, "eventCategory").to_owned());
    }
    assert_eq!(covered, subscribable, "every category has event types");
    let example = &response_schema("/webhook/eventType", "get")["items"]["example"];
    assert!(
        types.iter().any(|t| t["eventType"] == example["eventType"]
            && t["eventCategory"] == example["eventCategory"]),
        "the document's example {example} is not listed"
    );
    for sent in [
        "BRAND_ADD",
        "BRAND_UPDATE",
        "BRAND_DELETE",
        "BRAND_SCORE_UPDATE",
        "BRAND_IDENTITY_STATUS_UPDATE",
        "CAMPAIGN_ADD",
        "CSP_ACTIVE",
        "EVP_REPORT_SCORE",
        "MNO_COMPLAINT",
    ] {
        assert!(names.contains(sent), "GET /webhook/eventType lacks {sent}");
    }
}

// ---------------------------------------------------------------------------------------------
// Deliveries
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
async fn the_mock_endpoint_posts_a_mock_event_and_reports_the_answer() {
    let sim = spawn_sim(|_| {}).await;
    let unknown = sim
        .get("/webhook/subscription/eventType/NO_SUCH_EVENT/mock")
        .await;
    let errors = assert_errors(&unknown, "ApiError", "mock of an unknown event type");
    assert!(
        has_error(&errors, 501, "eventType"),
        "an unknown event type is error 501: {errors:#?}"
    );
    let unsubscribed = sim
        .get("/webhook/subscription/eventType/BRAND_ADD/mock")
        .await;
    let errors = assert_errors(&unsubscribed, "ApiError", "mock before subscribing");
    assert!(
        errors.iter().any(|e| e["code"] == 502),
        "a mock without a subscription is error 502: {errors:#?}"
    );

    let receiver = Receiver::start("/hooks/brand").await;
    receiver.answer_always(202, "thanks");
    sim.subscribe("BRAND", &receiver.url).await;
    let path = "/webhook/subscription/eventType/BRAND_IDENTITY_STATUS_UPDATE/mock";
    let answer = sim.get(path).await;
    answer.expect(StatusCode::OK, path);
    let report = answer.json(path);
    assert_schema(response_schema(path_template(), "get"), &report, path);
    let example = &response_schema(path_template(), "get")["example"];
    for (name, value) in example.as_object().expect("the example is an object") {
        let kind = |v: &Value| std::mem::discriminant(v);
        assert!(
            report.get(name).is_some_and(|r| kind(r) == kind(value)),
            "the mock report's {name} should be like the example's {value}: {report:#}"
        );
    }
    assert_eq!(report["endpoint"], receiver.url.as_str(), "endpoint");
    assert_eq!(report["status"], 202, "status is the receiver's");
    assert_eq!(
        report["response"], "thanks",
        "response is the receiver's body"
    );

    let got = receiver
        .wait_for(1, Duration::from_secs(1), "the mock event")
        .await;
    assert_eq!(got.len(), 1, "one mock event");
    let sent: Value = serde_json::from_str(text(&report, "request"))
        .expect("the report's request is the JSON text sent");
    assert_eq!(sent, got[0].event(), "request is what the receiver got");
    assert_eq!(sent["eventType"], "BRAND_IDENTITY_STATUS_UPDATE");
    assert_eq!(sent["mock"], true, "a mock event is marked mock");
    assert!(sent["brandIdentityStatus"].is_string(), "{sent}");
    assert_signed(&got, &sim, &receiver.url);
    let records = sim.handle.deliveries();
    assert!(
        records.len() == 1 && records[0].from_mock_endpoint && records[0].status == Some(202),
        "the mock delivery is recorded: {records:#?}"
    );

    // Another category, and an endpoint nobody listens on.
    let campaigns = Receiver::start("/hooks/campaign").await;
    sim.subscribe("CAMPAIGN", &campaigns.url).await;
    let report = sim
        .get("/webhook/subscription/eventType/CAMPAIGN_SHARE_ADD/mock")
        .await
        .json("mock CAMPAIGN_SHARE_ADD");
    assert_eq!(report["status"], 200, "{report}");
    let event = campaigns
        .wait_for(1, Duration::from_secs(1), "CAMPAIGN_SHARE_ADD")
        .await[0]
        .event();
    assert!(event["campaignId"].is_string(), "a campaign event: {event}");

    sim.subscribe("VETTING", "http://127.0.0.1:1/closed").await;
    let report = sim
        .get("/webhook/subscription/eventType/EVP_REPORT_SCORE/mock")
        .await
        .json("mock to a closed port");
    assert_eq!(
        report["status"], 0,
        "an unreachable endpoint reports status 0: {report}"
    );
}

fn path_template() -> &'static str {
    "/webhook/subscription/eventType/{eventType}/mock"
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

// ---------------------------------------------------------------------------------------------
// Webhook faults
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn dropped_events_are_never_sent_nor_retried_until_the_fault_is_lifted() {
    let (sim, receiver) = sim_and_receiver(200, |c| {
        c.faults = SimFaults {
            webhook_drop_rate: 1.0,
            ..SimFaults::default()
        };
    })
    .await;
    let brand = sim.create(&brand_request("PRIVATE_PROFIT")).await;
    let brand_id = text(&brand, "brandId");
    sim.wait_for_identity(brand_id, "VERIFIED").await;
    receiver
        .expect_total(0, Duration::from_millis(600), "every event dropped")
        .await;
    let records = sim.handle.deliveries();
    let dropped: Vec<&str> = records
        .iter()
        .filter(|r| r.dropped && r.status.is_none())
        .map(|r| r.event_type.as_str())
        .collect();
    assert_eq!(
        dropped,
        [
            "BRAND_ADD",
            "BRAND_SCORE_UPDATE",
            "BRAND_IDENTITY_STATUS_UPDATE"
        ],
        "the dropped events are recorded as dropped: {records:#?}"
    );

    sim.handle.set_faults(SimFaults::default());
    assert_eq!(sim.handle.faults(), SimFaults::default());
    sim.call(Method::DELETE, &format!("/brand/{brand_id}"), None)
        .await
        .expect(StatusCode::NO_CONTENT, "DELETE /brand");
    let got = receiver
        .wait_for(1, Duration::from_secs(1), "BRAND_DELETE once drops are off")
        .await;
    assert_eq!(got[0].event_type(), "BRAND_DELETE");
}

#[tokio::test]
async fn duplicated_events_arrive_twice_identically() {
    let (sim, receiver) = sim_and_receiver(60_000, |_| {}).await;
    sim.handle.set_faults(SimFaults {
        webhook_duplicate_rate: 1.0,
        ..SimFaults::default()
    });
    sim.create(&brand_request("PRIVATE_PROFIT")).await;
    let got = receiver
        .wait_for(2, Duration::from_secs(1), "BRAND_ADD and its duplicate")
        .await;
    receiver
        .expect_total(2, Duration::from_millis(300), "exactly one extra copy")
        .await;
    assert_eq!(got[0].event_type(), "BRAND_ADD");
    assert_eq!(got[0].body, got[1].body, "the copy has the same body");
    assert_eq!(
        got[0].signature, got[1].signature,
        "the copy has the same signature"
    );
    assert_signed(&got, &sim, &receiver.url);
    let records = sim.handle.deliveries();
    assert!(
        records.len() == 2
            && records[0].event_id == records[1].event_id
            && !records[0].duplicate
            && records[1].duplicate,
        "one original and one duplicate of the same event: {records:#?}"
    );
}

#[tokio::test]
async fn delayed_events_arrive_late_while_the_api_answers_at_once() {
    let (sim, receiver) = sim_and_receiver(60_000, |c| {
        c.faults = SimFaults {
            webhook_delay: Duration::from_millis(600),
            webhook_delay_jitter: Duration::from_millis(200),
            ..SimFaults::default()
        };
    })
    .await;
    let started = Instant::now();
    let answer = sim.post_brand(&brand_request("PRIVATE_PROFIT")).await;
    answer.expect(StatusCode::OK, "POST /brand/nonBlocking");
    assert!(
        answer.elapsed < Duration::from_millis(400),
        "a webhook delay must not delay the API answer; it took {:?}",
        answer.elapsed
    );
    let got = receiver
        .wait_for(1, Duration::from_secs(2), "the delayed BRAND_ADD")
        .await;
    let late = got[0].at.duration_since(started);
    assert!(
        late >= Duration::from_millis(600) && late < Duration::from_millis(1500),
        "BRAND_ADD should arrive 600-800 ms (+ slack) after the create; it took {late:?}"
    );
    assert_signed(&got, &sim, &receiver.url);
}

#[tokio::test]
async fn events_within_the_reorder_window_arrive_newest_first() {
    let (sim, receiver) = sim_and_receiver(60_000, |c| {
        c.faults = SimFaults {
            webhook_reorder_window: Duration::from_millis(500),
            ..SimFaults::default()
        };
    })
    .await;
    let request = brand_request("PRIVATE_PROFIT");
    let brand = sim.create(&request).await;
    let brand_id = text(&brand, "brandId");
    sim.put_brand(
        brand_id,
        &with(request, "website", json!("https://new.acme.example")),
    )
    .await
    .expect(StatusCode::OK, "PUT /brand");
    sim.call(Method::DELETE, &format!("/brand/{brand_id}"), None)
        .await
        .expect(StatusCode::NO_CONTENT, "DELETE /brand");
    let got = receiver
        .wait_for(3, Duration::from_secs(2), "three reordered events")
        .await;
    assert_eq!(
        receiver.types(),
        strings(&["BRAND_DELETE", "BRAND_UPDATE", "BRAND_ADD"]),
        "events held in one window go out newest first"
    );
    assert_signed(&got, &sim, &receiver.url);

    sim.handle.set_faults(SimFaults::default());
    let started = Instant::now();
    sim.create(&brand_request("PRIVATE_PROFIT")).await;
    let got = receiver
        .wait_for(4, Duration::from_secs(1), "BRAND_ADD without reordering")
        .await;
    assert!(
        got[3].at.duration_since(started) < Duration::from_millis(400),
        "without a reorder window events are not held"
    );
}

#[tokio::test]
async fn corrupted_events_fail_verification_and_retries_send_them_intact() {
    let (sim, receiver) = sim_and_receiver(60_000, |c| {
        c.faults = SimFaults {
            webhook_corrupt_rate: 1.0,
            seed: Some(42),
            ..SimFaults::default()
        };
    })
    .await;
    const BRANDS: usize = 8;
    for _ in 0..BRANDS {
        sim.create(&brand_request("PRIVATE_PROFIT")).await;
    }
    let got = receiver
        .wait_for(BRANDS, Duration::from_secs(2), "the corrupted BRAND_ADDs")
        .await;
    receiver
        .expect_total(BRANDS, Duration::from_millis(300), "no retries after a 200")
        .await;
    let records = sim.handle.deliveries();
    let (mut bad_signatures, mut truncated) = (0, 0);
    for (received, record) in got.iter().zip(&records) {
        let verdict = received.verdict(&sim.secret, &receiver.url);
        match record.corruption {
            Some(Corruption::BadSignature) => {
                bad_signatures += 1;
                assert_eq!(
                    verdict,
                    Verdict::Invalid,
                    "a bad signature must fail verification"
                );
                assert_eq!(received.event(), record.payload, "the body is intact");
            }
            Some(Corruption::TruncatedBody) => {
                truncated += 1;
                assert_eq!(verdict, Verdict::Unreadable, "a truncated body is not JSON");
                assert!(received.json().is_none());
            }
            None => panic!("every delivery should be corrupted: {record:#?}"),
        }
    }
    assert!(
        bad_signatures > 0 && truncated > 0,
        "both kinds of corruption should occur among {BRANDS} events (seed 42): \
         {bad_signatures} bad signatures, {truncated} truncated bodies"
    );

    // A receiver that refuses the damaged copy gets the event intact on retry.
    receiver.answer_next(&[401]);
    sim.create(&brand_request("PRIVATE_PROFIT")).await;
    let got = receiver
        .wait_for(BRANDS + 2, Duration::from_secs(2), "the retry")
        .await;
    let (damaged, retry) = (&got[BRANDS], &got[BRANDS + 1]);
    assert_ne!(
        damaged.verdict(&sim.secret, &receiver.url),
        Verdict::Valid,
        "the first copy is damaged"
    );
    assert_eq!(
        retry.verdict(&sim.secret, &receiver.url),
        Verdict::Valid,
        "the retry is intact"
    );
    assert_eq!(retry.event_type(), "BRAND_ADD");
}

// ---------------------------------------------------------------------------------------------
// API faults
// ---------------------------------------------------------------------------------------------

/// What one call under API faults came to: an HTTP status with its fault header, or a timeout.
#[derive(Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Clone)]
enum Outcome {
    Status(u16, Option<String>, String),
    TimedOut,
}

async fn call_with_timeout(
    sim: &TestSim,
    method: Method,
    path: &str,
    body: Option<&Value>,
) -> Outcome {
    let client = reqwest::Client::builder()
        .timeout(Duration::from_millis(600))
        .build()
        .expect("a client");
    let mut request = client
        .request(method, format!("{}{path}", sim.base))
        .basic_auth(&sim.key, Some(&sim.secret));
    if let Some(body) = body {
        request = request.json(body);
    }
    match request.send().await {
        Ok(response) => {
            let status = response.status().as_u16();
            let fault = response
                .headers()
                .get(FAULT_HEADER)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned);
            let body = response.text().await.unwrap_or_default();
            Outcome::Status(status, fault, body)
        }
        Err(e) if e.is_timeout() => Outcome::TimedOut,
        Err(e) => panic!("{path}: the call failed in an unexpected way: {e}"),
    }
}

#[tokio::test]
async fn an_api_failure_rate_of_one_fails_every_call_with_an_injected_kind_and_stores_nothing() {
    let sim = spawn_sim(|c| {
        c.faults = SimFaults {
            api_failure_rate: 1.0,
            ..SimFaults::default()
        };
    })
    .await;
    let mut seen = BTreeSet::new();
    for n in 0..8 {
        let outcome = if n % 2 == 0 {
            call_with_timeout(
                &sim,
                Method::POST,
                "/brand/nonBlocking",
                Some(&brand_request("PRIVATE_PROFIT")),
            )
            .await
        } else {
            call_with_timeout(&sim, Method::GET, "/enum/entityType", None).await
        };
        let kind = match &outcome {
            Outcome::Status(500, Some(f), b) if f == "http-500" && b.is_empty() => "500",
            Outcome::Status(503, Some(f), b) if f == "http-503" && b.is_empty() => "503",
            Outcome::Status(429, Some(f), b) if f == "http-429" && b.is_empty() => "429",
            Outcome::TimedOut => "timeout",
            other => panic!("call {n} should fail with an injected failure, got {other:?}"),
        };
        seen.insert(kind);
    }
    assert_eq!(
        seen,
        BTreeSet::from(["500", "503", "429", "timeout"]),
        "the injected failures take turns through all four kinds"
    );
    assert_eq!(
        sim.handle.brand_count(),
        0,
        "a call answered with an injected failure stores nothing"
    );

    sim.handle.set_faults(SimFaults {
        api_failure_rate: 1.0,
        api_failure_kinds: vec![ApiFailure::Http503],
        ..SimFaults::default()
    });
    for _ in 0..3 {
        assert_eq!(
            call_with_timeout(&sim, Method::GET, "/version", None).await,
            Outcome::Status(503, Some("http-503".into()), String::new()),
            "only 503 is injected now"
        );
    }

    sim.handle.set_faults(SimFaults::default());
    let brand = sim.create(&brand_request("PRIVATE_PROFIT")).await;
    assert!(brand["brandId"].is_string());
    assert_eq!(
        sim.handle.brand_count(),
        1,
        "calls work again without faults"
    );
}

#[tokio::test]
async fn api_latency_delays_every_answer() {
    let sim = spawn_sim(|_| {}).await;
    let quick = sim.get("/version").await;
    quick.expect(StatusCode::OK, "GET /version");
    assert!(
        quick.elapsed < Duration::from_millis(300),
        "without latency GET /version is quick; took {:?}",
        quick.elapsed
    );
    sim.handle.set_faults(SimFaults {
        api_latency: Duration::from_millis(400),
        ..SimFaults::default()
    });
    let slow_read = sim.get("/version").await;
    slow_read.expect(StatusCode::OK, "GET /version with latency");
    let slow_write = sim.post_brand(&brand_request("PRIVATE_PROFIT")).await;
    slow_write.expect(StatusCode::OK, "POST /brand/nonBlocking with latency");
    for (what, elapsed) in [
        ("GET /version", slow_read.elapsed),
        ("POST /brand/nonBlocking", slow_write.elapsed),
    ] {
        assert!(
            elapsed >= Duration::from_millis(400),
            "{what} should take at least the 400 ms latency; took {elapsed:?}"
        );
    }
    sim.handle.set_faults(SimFaults::default());
    let quick = sim.get("/version").await;
    assert!(
        quick.elapsed < Duration::from_millis(300),
        "latency off again; took {:?}",
        quick.elapsed
    );
}
