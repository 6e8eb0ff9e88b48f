//! The webhook subscription API and the event catalogue, checked against TCR's OpenAPI document
//! (`WebhookSubscription`, `EventType`, `ApiError`), and the mock endpoint that posts a sample
//! event.
mod support;

use std::collections::BTreeSet;
use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use support::*;

fn path_template() -> &'static str {
    "/webhook/subscription/eventType/{eventType}/mock"
}

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
