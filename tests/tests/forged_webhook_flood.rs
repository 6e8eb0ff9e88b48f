//! A flood of forged webhook deliveries cannot fill the immutable record: refusals are never
//! events, what is kept of them stays within its cap and per-source allowance, is pruned by age,
//! and the counters still count every one.
use std::time::Duration;

use futures::StreamExt;
use serde_json::{json, Value};
use tendlc_adapters::webhook_refusals::{prune, RefusalLimits};
use tendlc_tests::harness::AppOptions;
use tendlc_tests::TestApp;

/// Sends `n` deliveries with a wrong signature, `concurrency` at a time; every one must be
/// refused with 401.
async fn forge(app: &TestApp, n: usize, concurrency: usize) {
    let url = format!("{}/webhooks/tcr/brands", app.base_url);
    let statuses: Vec<u16> = futures::stream::iter(0..n)
        .map(|i| {
            let request = app
                .http
                .post(&url)
                .header("X-Registry-Signature", "Zm9yZ2VkIHNpZ25hdHVyZQ==")
                .json(&json!({
                    "eventType": "BRAND_IDENTITY_STATUS_UPDATE",
                    "brandId": format!("B{i:06}"),
                    "brandIdentityStatus": "VETTED_VERIFIED",
                    "pad": "x".repeat(2000),
                }));
            async move { request.send().await.map(|r| r.status().as_u16()) }
        })
        .buffer_unordered(concurrency)
        .map(|r| r.expect("the receiver answers"))
        .collect()
        .await;
    let refused = statuses.iter().filter(|s| **s == 401).count();
    assert_eq!(refused, n, "every forged delivery is refused with 401");
}

fn refused_total(counts: &Value) -> i64 {
    counts["counts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["refused"].as_i64().unwrap())
        .sum()
}

async fn kept_rows(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM webhook_refusals")
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn ten_thousand_forged_deliveries_leave_the_events_unchanged_and_the_refusals_within_their_cap(
) {
    let limits = RefusalLimits {
        kept: 500,
        per_source_per_minute: 1_000_000,
        retention: Duration::from_secs(3600),
    };
    let app = TestApp::spawn_with(AppOptions {
        refusals: limits,
        ..AppOptions::default()
    })
    .await;
    let events_before = app.event_count().await;

    forge(&app, 10_000, 32).await;

    assert_eq!(
        app.event_count().await,
        events_before,
        "forged deliveries wrote events"
    );
    assert_eq!(
        kept_rows(&app).await,
        500,
        "the refusal store holds its cap"
    );
    let counts = app.webhook_refusal_counts().await;
    assert_eq!(refused_total(&counts), 10_000, "{counts}");
    assert_eq!(counts["keepAtMost"], 500);
    let listed = app.webhook_refusals().await;
    assert_eq!(listed.len(), 500, "the newest refusals are listed");
    assert!(
        listed.iter().all(|r| r["reasonCode"] == "signature_invalid"
            && r["bodyBytes"].as_i64().unwrap() > 2000
            && r.get("payload").is_none()),
        "only a digest of each body is kept: {:?}",
        listed[0]
    );
    // Storage stays bounded whatever the bodies were: no body is kept, only its digest.
    let bytes: i64 = sqlx::query_scalar("SELECT pg_total_relation_size('webhook_refusals')")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert!(bytes < 2_000_000, "the refusal store takes {bytes} bytes");

    // A lowered cap and the retention are applied by pruning.
    let removed = prune(
        &app.pool,
        RefusalLimits {
            kept: 100,
            ..limits
        },
    )
    .await
    .unwrap();
    assert_eq!(removed, 400);
    sqlx::query("UPDATE webhook_refusals SET received_at = now() - interval '2 hours'")
        .execute(&app.pool)
        .await
        .unwrap();
    prune(&app.pool, limits).await.unwrap();
    assert_eq!(
        kept_rows(&app).await,
        0,
        "refusals past retention are pruned"
    );
    assert_eq!(
        refused_total(&app.webhook_refusal_counts().await),
        10_000,
        "pruning keeps the counts"
    );
}

#[tokio::test]
async fn one_source_keeps_only_its_allowance_per_minute_but_every_refusal_is_counted() {
    let app = TestApp::spawn_with(AppOptions {
        refusals: RefusalLimits {
            kept: 1000,
            per_source_per_minute: 5,
            retention: Duration::from_secs(3600),
        },
        ..AppOptions::default()
    })
    .await;
    forge(&app, 40, 4).await;
    let kept = kept_rows(&app).await;
    // The 40 may straddle a minute boundary: at most two windows' allowance.
    assert!(
        (5..=10).contains(&kept),
        "kept {kept} of 40 from one source"
    );
    let counts = app.webhook_refusal_counts().await;
    assert_eq!(refused_total(&counts), 40, "{counts}");
    let count = &counts["counts"][0];
    assert_eq!(count["reasonCode"], "signature_invalid");
    assert_eq!(count["kept"].as_i64().unwrap(), kept, "{counts}");
    assert_eq!(app.webhook_event_count().await, 0);
}

#[tokio::test]
async fn refusals_are_for_operators_only() {
    let app = TestApp::spawn().await;
    let customer = app.create_customer("BAN-REF-1", "BASIC").await;
    let token = app.token(tendlc_api::http::auth::Role::CustomerAdmin, Some(customer));
    for path in [
        "/v1/messaging/webhook-refusals",
        "/v1/messaging/webhook-refusals/counts",
    ] {
        let response = app
            .request(reqwest::Method::GET, path, &token)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 403, "{path}");
    }
}
