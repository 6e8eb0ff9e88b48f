//! Who subscribes the webhook URLs with TCR, and which: the sync leader alone (again whenever
//! the lead moves), and never a loopback or unset public URL unless that is allowed.
use std::time::Duration;

use tendlc_api::config::SyncConfig;
use tendlc_tests::harness::{eventually, AppOptions};
use tendlc_tests::stand_in::TcrStandIn;
use tendlc_tests::{ProcessApp, TestApp};

const SUBSCRIPTION: &str = "/webhook/subscription";

#[tokio::test]
async fn of_two_replicas_only_the_leader_subscribes_and_a_new_leader_checks_again() {
    let tcr = TcrStandIn::start().await;
    let app = TestApp::spawn_with(AppOptions {
        subscribe_webhooks: true,
        tcr_base_url: Some(tcr.base_url.clone()),
        ..AppOptions::default()
    })
    .await;
    tcr.forward_to(&app.sim.base_url);
    let replica = app.start_replica().await;
    eventually(Duration::from_secs(10), "the subscriptions", || async {
        (app.sim.handle.subscriptions().len() == 3).then_some(())
    })
    .await;
    // Time for the other replica to try for the lead a few times (a tick is 200 ms).
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(
        tcr.calls("GET", SUBSCRIPTION),
        1,
        "the subscriptions were read by more than the leader"
    );
    assert_eq!(tcr.calls("PUT", SUBSCRIPTION), 3, "one PUT per category");
    let endpoints: Vec<String> = app
        .sim
        .handle
        .subscriptions()
        .into_iter()
        .map(|(_, endpoint)| endpoint)
        .collect();
    assert!(
        endpoints
            .iter()
            .all(|e| e.starts_with(&format!("{}/webhooks/tcr/", app.base_url))),
        "{endpoints:?}"
    );

    // The leader loses its session (and so the lock; the key is the leader's, "tendlc sync"):
    // whoever leads next checks again, and changes nothing, since everything is in place.
    let ended: Vec<bool> = sqlx::query_scalar(
        "SELECT pg_terminate_backend(pid) FROM pg_locks
          WHERE locktype = 'advisory' AND granted
            AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
            AND classid::bigint = 1952804452 AND objid::bigint = 1818448729",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(ended, vec![true], "one session held the leader lock");
    eventually(
        Duration::from_secs(10),
        "the new leader to read the subscriptions",
        || async { (tcr.calls("GET", SUBSCRIPTION) == 2).then_some(()) },
    )
    .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(tcr.calls("GET", SUBSCRIPTION), 2);
    assert_eq!(tcr.calls("PUT", SUBSCRIPTION), 3, "nothing differed");
    assert_eq!(app.sim.handle.subscriptions().len(), 3);
    assert!(replica.shutdown().await.is_ok());
}

/// The in-process app stays out of the lead, so the process under test leads.
async fn bystander() -> TestApp {
    TestApp::spawn_with(AppOptions {
        sync: SyncConfig {
            leader_eligible: false,
            ..SyncConfig::default()
        },
        ..AppOptions::default()
    })
    .await
}

async fn logged_line(process: &ProcessApp, containing: &str) -> String {
    eventually(
        Duration::from_secs(10),
        &format!("a log line with {containing:?}"),
        || async {
            process
                .log()
                .lines()
                .find(|line| line.contains(containing))
                .map(String::from)
        },
    )
    .await
}

#[tokio::test]
async fn a_loopback_or_unset_public_url_is_not_subscribed_unless_allowed_and_the_log_says_why() {
    let app = bystander().await;
    let subscribing = [
        ("TENDLC_WEBHOOK_SUBSCRIBE", "true"),
        ("TENDLC_SYNC_TICK_MS", "200"),
    ];
    let start = |extra: &'static [(&'static str, &'static str)]| {
        let env: Vec<(&str, &str)> = subscribing.iter().chain(extra).copied().collect();
        let (db, sim, secret) = (&app.db.url, &app.sim, &app.jwt_secret);
        async move { ProcessApp::start_logged(db, sim, secret, &env).await }
    };

    // No public URL: the listen address is not where TCR would reach us.
    let mut unset = start(&[("TENDLC_WEBHOOK_ALLOW_LOOPBACK", "false")]).await;
    let line = logged_line(&unset, "not subscribing").await;
    assert!(line.contains("TENDLC_PUBLIC_URL is not set"), "{line}");
    unset.kill_9();

    // A loopback public URL.
    let mut loopback = start(&[
        ("TENDLC_WEBHOOK_ALLOW_LOOPBACK", "false"),
        ("TENDLC_PUBLIC_URL", "http://127.0.0.1:9"),
    ])
    .await;
    let line = logged_line(&loopback, "not subscribing").await;
    assert!(line.contains("127.0.0.1 is a loopback address"), "{line}");
    loopback.kill_9();
    assert!(
        app.sim.handle.subscriptions().is_empty(),
        "{:?}",
        app.sim.handle.subscriptions()
    );

    // Allowed (a local run): subscribed, and the log names the URL.
    let allowed = start(&[("TENDLC_WEBHOOK_ALLOW_LOOPBACK", "true")]).await;
    let line = logged_line(&allowed, "subscriptions are in place").await;
    assert!(line.contains(&allowed.base_url), "{line}");
    let subscriptions = app.sim.handle.subscriptions();
    assert_eq!(subscriptions.len(), 3, "{subscriptions:?}");
    for (category, endpoint) in subscriptions {
        assert!(
            endpoint.starts_with(&format!("{}/webhooks/tcr/", allowed.base_url)),
            "{category}: {endpoint}"
        );
    }
}
