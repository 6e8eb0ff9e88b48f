//! `GET /metrics`: Prometheus text that counts requests, TCR calls by outcome and webhook
//! deliveries by verdict, and reports projection lag and the retry queue from the database.
use std::time::Duration;

use serde_json::json;
use tendlc_tests::fixtures::private_brand;
use tendlc_tests::harness::eventually;
use tendlc_tests::TestApp;

async fn scrape(app: &TestApp) -> String {
    let response = app
        .http
        .get(format!("{}/metrics", app.base_url))
        .send()
        .await
        .expect("scrape /metrics");
    assert_eq!(response.status(), 200);
    assert!(response.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/plain"));
    response.text().await.unwrap()
}

/// The value of the first sample whose line starts with `name{` and holds every label.
fn sample(text: &str, name: &str, labels: &[&str]) -> Option<f64> {
    text.lines()
        .filter(|l| l.starts_with(&format!("{name}{{")) || l.starts_with(&format!("{name} ")))
        .find(|l| labels.iter().all(|label| l.contains(label)))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|v| v.parse().ok())
}

#[tokio::test]
async fn requests_tcr_calls_and_webhook_verdicts_are_counted() {
    let app = TestApp::spawn().await;
    let customer = app.create_customer("BAN-METRICS-1", "BASIC").await;
    let response = app
        .register_brand(customer, &private_brand("Counted Co"))
        .await;
    assert_eq!(response.status(), 201);
    let forged = app
        .deliver_webhook(
            &app.base_url,
            "brands",
            &json!({"eventType": "BRAND_ADD", "brandId": "B000001"}),
            Some("Zm9yZ2Vk"),
        )
        .await;
    assert_eq!(forged.status(), 401);

    let text = scrape(&app).await;
    let registered = sample(
        &text,
        "tendlc_http_requests_total",
        &[
            r#"route="/v1/messaging/brands""#,
            r#"method="POST""#,
            r#"status="201""#,
        ],
    );
    assert!(registered >= Some(1.0), "{text}");
    let created = sample(
        &text,
        "tendlc_tcr_calls_total",
        &[r#"endpoint="/brand/nonBlocking""#, r#"outcome="ok""#],
    );
    assert!(created >= Some(1.0), "{text}");
    assert!(
        !text.contains("tendlc_tcr_calls_total{") || !text.contains("endpoint=\"/brand/B"),
        "TCR ids in metric labels: {text}"
    );
    let refused = sample(
        &text,
        "tendlc_webhook_deliveries_total",
        &[r#"category="BRAND""#, r#"verdict="signature_invalid""#],
    );
    assert!(refused >= Some(1.0), "{text}");
    assert!(
        sample(&text, "tendlc_retry_queue_depth", &[r#"kind="brand""#]).is_some(),
        "{text}"
    );
    assert!(
        sample(&text, "tendlc_http_request_duration_seconds_count", &[]).is_some(),
        "{text}"
    );
}

#[tokio::test]
async fn the_projection_lag_gauge_moves_when_a_projection_is_held_back() {
    let app = TestApp::spawn().await;
    app.create_customer("BAN-METRICS-2", "BASIC").await;
    let lag = |text: &str| {
        sample(
            text,
            "tendlc_projection_lag_events",
            &[r#"projection="brands_10dlc""#],
        )
    };
    eventually(
        Duration::from_secs(10),
        "brands_10dlc caught up",
        || async { (lag(&scrape(&app).await) == Some(0.0)).then_some(()) },
    )
    .await;

    // A Brand event the read model cannot apply holds it back at that event.
    sqlx::query(
        "INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata)
         VALUES ('Brand', $1, 1, 'BrandTeleported', '1.0', '{\"BrandTeleported\": {}}', '{}')",
    )
    .bind(uuid::Uuid::new_v4().to_string())
    .execute(&app.pool)
    .await
    .unwrap();
    for i in 0..3 {
        app.create_customer(&format!("BAN-METRICS-LAG-{i}"), "BASIC")
            .await;
    }
    let text = eventually(
        Duration::from_secs(15),
        "brands_10dlc held back",
        || async {
            let text = scrape(&app).await;
            (lag(&text) >= Some(4.0)).then_some(text)
        },
    )
    .await;
    assert_eq!(
        sample(
            &text,
            "tendlc_projection_stuck",
            &[r#"projection="brands_10dlc""#]
        ),
        Some(1.0),
        "{text}"
    );
    assert_eq!(
        sample(
            &text,
            "tendlc_projection_lag_events",
            &[r#"projection="customers""#]
        ),
        Some(0.0),
        "{text}"
    );
}
