//! Workers share fairly and lease honestly: replicas together keep TCR's account limits, a slow
//! webhook delivery is worked by one worker only, and newer due retries are not starved by
//! older work that is not due.
use std::sync::Arc;
use std::time::Duration;

use serde_json::{json, Value};
use tendlc_api::config::SyncConfig;
use tendlc_tcr_sim::SimFaults;
use tendlc_tests::fixtures::private_brand;
use tendlc_tests::harness::{eventually, json_of, AppOptions};
use tendlc_tests::TestApp;

#[tokio::test]
async fn two_replicas_together_stay_within_tcrs_write_limit() {
    const WRITES_PER_10S: u32 = 3;
    let app = TestApp::spawn_with(AppOptions {
        tcr_write_rate_per_10s: WRITES_PER_10S,
        sim: Some(Arc::new(|sim| sim.write_rate_per_10s = WRITES_PER_10S)),
        ..AppOptions::default()
    })
    .await;
    let replica = app.start_replica().await;
    let customer = app.create_customer("BAN-BUDGET", "BASIC").await;
    let admin = app.token(tendlc_api::http::auth::Role::CustomerAdmin, Some(customer));

    // Twice the budget at once, half through each replica: each process alone keeps the limit.
    let mut requests = Vec::new();
    for n in 0..2 * WRITES_PER_10S {
        let base = if n % 2 == 0 {
            app.base_url.clone()
        } else {
            replica.base_url.clone()
        };
        let (http, admin) = (app.http.clone(), admin.clone());
        requests.push(tokio::spawn(async move {
            http.post(format!("{base}/v1/messaging/brands"))
                .bearer_auth(admin)
                .json(&private_brand(&format!("Budgeted {n}")))
                .send()
                .await
                .map(|r| r.status().as_u16())
        }));
    }
    for request in requests {
        let _ = request.await.unwrap();
    }
    // Every call has been answered: none was over TCR's account limit.
    let (_, refused_writes) = app.sim.handle.rate_limited();
    assert_eq!(
        refused_writes, 0,
        "TCR refused {refused_writes} writes over its account limit"
    );
    eventually(
        Duration::from_secs(30),
        "every brand to reach TCR",
        || async { (app.sim.handle.brand_count() == 2 * WRITES_PER_10S as usize).then_some(()) },
    )
    .await;
    assert!(replica.shutdown().await.is_ok());
}

/// Which replicas (`instance`) recorded what for one delivery (its id is the request id).
async fn work_on(app: &TestApp, delivery: &str) -> Vec<(String, String)> {
    sqlx::query_as(
        "SELECT event_type, COALESCE(metadata->>'instance', '') FROM events
          WHERE metadata->>'request_id' = $1 AND aggregate_type <> 'WebhookDelivery'
          ORDER BY global_position",
    )
    .bind(delivery)
    .fetch_all(&app.pool)
    .await
    .unwrap()
}

#[tokio::test]
async fn a_slow_webhook_delivery_is_worked_by_one_replica_only() {
    let lease = Duration::from_secs(1);
    let app = TestApp::spawn_with(AppOptions {
        sync: SyncConfig {
            tick: Duration::from_millis(100),
            webhook_lease: lease,
            webhook_retry_base: Duration::from_millis(300),
            ..SyncConfig::default()
        },
        ..AppOptions::default()
    })
    .await;
    let replica = app.start_replica().await;
    let customer = app.create_customer("BAN-LEASE", "BASIC").await;
    let mut tcr_ids = Vec::new();
    for n in 0..6 {
        let (status, brand) = json_of(
            app.register_brand(customer, &private_brand(&format!("Leased {n}")))
                .await,
        )
        .await;
        assert_eq!(status, 201, "{brand}");
        tcr_ids.push(brand["tcrBrandId"].as_str().unwrap().to_string());
    }

    // Every TCR read now takes longer than a lease.
    app.sim.handle.set_faults(SimFaults {
        api_latency: lease + Duration::from_millis(500),
        ..SimFaults::default()
    });
    let mut deliveries = Vec::new();
    for tcr_id in &tcr_ids {
        let body = json!({"eventType": "BRAND_IDENTITY_STATUS_UPDATE", "brandId": tcr_id,
                          "identityStatus": "UNVERIFIED"});
        let (status, receipt) = json_of(
            app.deliver_webhook(&app.base_url, "brands", &body, None)
                .await,
        )
        .await;
        assert_eq!(status, 200, "{receipt}");
        deliveries.push(receipt["id"].as_str().unwrap().to_string());
    }

    eventually(
        Duration::from_secs(60),
        "every delivery to be processed",
        || async {
            let processed: i64 = sqlx::query_scalar(
                "SELECT count(*) FROM events WHERE event_type = 'WebhookProcessed'",
            )
            .fetch_one(&app.pool)
            .await
            .unwrap();
            (processed == deliveries.len() as i64).then_some(())
        },
    )
    .await;
    // Give a second worker, if any, time to finish what it took.
    tokio::time::sleep(lease * 3).await;
    for delivery in &deliveries {
        let work = work_on(&app, delivery).await;
        let observations = work
            .iter()
            .filter(|(event_type, _)| event_type == "BrandSyncConfirmed")
            .count();
        assert_eq!(
            observations, 1,
            "one read of TCR recorded for {delivery}: {work:?}"
        );
        let instances: std::collections::HashSet<&String> = work.iter().map(|(_, i)| i).collect();
        assert_eq!(instances.len(), 1, "one worker worked {delivery}: {work:?}");
    }
    let outcomes: Vec<(String, i64)> = sqlx::query_as(
        "SELECT aggregate_id, count(*) FROM events WHERE event_type = 'WebhookProcessed'
          GROUP BY aggregate_id",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert!(outcomes.iter().all(|(_, n)| *n == 1), "{outcomes:?}");
    app.sim.handle.set_faults(SimFaults::default());
    assert!(replica.shutdown().await.is_ok());
}

/// Our id of a registration, from the answer's body or its `Location`.
async fn registration_id(response: reqwest::Response) -> String {
    let location = response
        .headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .map(|l| l.rsplit('/').next().unwrap_or_default().to_string());
    let body: Value = response.json().await.unwrap_or(Value::Null);
    body["id"]
        .as_str()
        .map(str::to_string)
        .or(location)
        .unwrap_or_else(|| panic!("no id in {body}"))
}

async fn submissions(app: &TestApp, brand: &str) -> usize {
    app.events_of(brand)
        .await
        .iter()
        .filter(|(event_type, _)| event_type == "BrandSubmissionFailed")
        .count()
}

#[tokio::test]
async fn a_due_retry_is_not_starved_by_older_registrations_that_are_not_due() {
    const BATCH: usize = 3;
    let app = TestApp::spawn_with(AppOptions {
        sync: SyncConfig {
            tick: Duration::from_millis(100),
            retry_grace: Duration::from_millis(500),
            retry_base: Duration::from_millis(300),
            retry_max_attempts: 100,
            retry_batch: BATCH as i64,
            ..SyncConfig::default()
        },
        ..AppOptions::default()
    })
    .await;
    let customer = app.create_customer("BAN-STARVE", "BASIC").await;
    // More pending registrations than one pass takes; TCR keeps failing them.
    let mut oldest = Vec::new();
    for n in 0..BATCH {
        let response = app
            .register_brand(customer, &private_brand(&format!("Old {n} [sim:http-503]")))
            .await;
        oldest.push(registration_id(response).await);
    }
    // Retried until they back off beyond a few seconds (0.3, 0.6, 1.2, 2.4, then 4.8 s).
    eventually(
        Duration::from_secs(30),
        "the oldest to back off",
        || async {
            for brand in &oldest {
                if submissions(&app, brand).await < 5 {
                    return None;
                }
            }
            Some(())
        },
    )
    .await;

    // The newest is due 0.3 s after its first attempt, while the oldest are not due.
    let newest = registration_id(
        app.register_brand(customer, &private_brand("New [sim:http-503]"))
            .await,
    )
    .await;
    assert_eq!(submissions(&app, &newest).await, 1);
    eventually(
        Duration::from_secs(4),
        "the newest registration to be retried",
        || async { (submissions(&app, &newest).await >= 2).then_some(()) },
    )
    .await;
    let events = app.events_of(&newest).await;
    assert!(
        events.iter().any(|(_, m)| m["source"] == "retry"),
        "{events:?}"
    );
}
