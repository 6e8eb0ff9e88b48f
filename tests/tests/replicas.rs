//! Several `serve` processes on one database: every event is applied once, reads agree.
use std::time::Duration;

use serde_json::Value;
use tendlc_api::http::auth::Role;
use tendlc_tests::fixtures::private_brand;
use tendlc_tests::harness::eventually;
use tendlc_tests::{ProcessApp, TestApp};

#[tokio::test]
async fn two_replicas_share_one_event_stream_and_apply_each_event_once() {
    let app = TestApp::spawn().await;
    let replica = app.start_replica().await;
    let customer = app.create_customer("BAN-REPL", "BASIC").await;
    let admin = app.token(Role::CustomerAdmin, Some(customer));

    // Registrations through both doors, concurrently.
    let mut requests = Vec::new();
    for n in 0..6 {
        let base = if n % 2 == 0 {
            app.base_url.clone()
        } else {
            replica.base_url.clone()
        };
        let http = app.http.clone();
        let admin = admin.clone();
        requests.push(tokio::spawn(async move {
            http.post(format!("{base}/v1/messaging/brands"))
                .bearer_auth(admin)
                .json(&private_brand(&format!("Replicated {n}")))
                .send()
                .await
                .unwrap()
                .status()
        }));
    }
    for request in requests {
        assert_eq!(request.await.unwrap(), 201);
    }

    // Both replicas read the same thing (each answered only after its read model caught up).
    for base in [&app.base_url, &replica.base_url] {
        let list: Value = app
            .http
            .get(format!("{base}/v1/messaging/brands"))
            .bearer_auth(&admin)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(list["total"], 6, "{base}: {list}");
        assert!(
            list["items"]
                .as_array()
                .unwrap()
                .iter()
                .all(|b| b["status"] == "REGISTERED"),
            "{list}"
        );
    }

    // Every event was applied exactly once per projection, whichever replica applied it. A
    // runner is woken only by its own aggregate types, so one that reads none of these events
    // passes over them at its next wake-up or idle poll: wait for that, never count twice.
    let events = app.event_count().await;
    // Every read model, the workers' webhook queue and the hash chain, which follow the same
    // stream.
    let mut consumers: Vec<&str> = tendlc_projections::all().iter().map(|p| p.name()).collect();
    consumers.push("webhook_work");
    consumers.push("event_chain");
    consumers.sort_unstable();
    eventually(
        Duration::from_secs(20),
        "every consumer to have passed every event",
        || async {
            let applied: Vec<(String, i64)> = sqlx::query_as(
                "SELECT name, events_applied FROM projection_checkpoints ORDER BY name",
            )
            .fetch_all(&app.pool)
            .await
            .unwrap();
            assert_eq!(
                applied
                    .iter()
                    .map(|(name, _)| name.as_str())
                    .collect::<Vec<_>>(),
                consumers,
                "{applied:?}"
            );
            for (name, count) in &applied {
                assert!(
                    *count <= events,
                    "projection {name} applied {count} of {events} events"
                );
            }
            applied
                .iter()
                .all(|(_, count)| *count == events)
                .then_some(())
        },
    )
    .await;
    assert!(replica.shutdown().await.is_ok());
}

/// The `instance` metadata is `host:pid:suffix`; the pid says which process recorded the event.
async fn poll_pids(app: &TestApp, brand_id: &str, after: i64) -> Vec<u32> {
    let rows: Vec<(i64, Value)> = sqlx::query_as(
        "SELECT global_position, metadata FROM events
          WHERE aggregate_id = $1 AND metadata->>'source' = 'poll' AND global_position > $2
          ORDER BY global_position",
    )
    .bind(brand_id)
    .bind(after)
    .fetch_all(&app.pool)
    .await
    .unwrap();
    rows.iter()
        .filter_map(|(_, m)| m["instance"].as_str()?.split(':').nth(1)?.parse().ok())
        .collect()
}

#[tokio::test]
async fn exactly_one_replica_polls_and_killing_it_hands_polling_to_another() {
    let app = TestApp::spawn_with(tendlc_tests::harness::AppOptions {
        scoring_delay: std::time::Duration::from_millis(200),
        sync: tendlc_api::config::SyncConfig {
            leader_eligible: false,
            ..tendlc_api::config::SyncConfig::default()
        },
        ..Default::default()
    })
    .await;
    let fast = [
        ("TENDLC_SYNC_TICK_MS", "200"),
        ("TENDLC_POLL_UNVERIFIED_SECS", "1"),
        ("TENDLC_PUBLIC_URL", "https://tendlc.example.com"),
    ];
    let mut first = ProcessApp::start_with_env(&app.db.url, &app.sim, &app.jwt_secret, &fast).await;
    let mut second =
        ProcessApp::start_with_env(&app.db.url, &app.sim, &app.jwt_secret, &fast).await;
    let customer = app.create_customer("BAN-LEAD", "BASIC").await;
    // Stays UNVERIFIED, so it is polled every second.
    let response = app
        .register_brand(customer, &private_brand("Polled [sim:unverified]"))
        .await;
    assert_eq!(response.status(), 201);
    let brand: Value = response.json().await.unwrap();
    let id = brand["id"].as_str().unwrap().to_string();

    let pids = eventually(Duration::from_secs(15), "several polls", || async {
        let pids = poll_pids(&app, &id, 0).await;
        (pids.len() >= 3).then_some(pids)
    })
    .await;
    let leader = pids[0];
    assert!(
        pids.iter().all(|p| *p == leader),
        "one replica polls at a time: {pids:?}"
    );
    assert!(
        [first.pid(), second.pid()].contains(&leader),
        "the leader is one of the two processes"
    );

    let mark: i64 = sqlx::query_scalar("SELECT max(global_position) FROM events")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let survivor = if first.pid() == leader {
        first.kill_9();
        second.pid()
    } else {
        second.kill_9();
        first.pid()
    };
    let after = eventually(Duration::from_secs(15), "polls by the survivor", || async {
        let pids = poll_pids(&app, &id, mark).await;
        (pids.len() >= 2).then_some(pids)
    })
    .await;
    assert!(
        after.iter().all(|p| *p == survivor),
        "after the kill only the survivor polls: {after:?}"
    );
}

#[tokio::test]
async fn a_webhook_sent_to_either_replica_is_applied_once() {
    let app = TestApp::spawn_with(tendlc_tests::harness::AppOptions {
        scoring_delay: std::time::Duration::from_millis(200),
        ..Default::default()
    })
    .await;
    let public = "https://tendlc.example.com";
    let env = [
        ("TENDLC_PUBLIC_URL", public),
        ("TENDLC_SYNC_TICK_MS", "200"),
    ];
    let a = ProcessApp::start_with_env(&app.db.url, &app.sim, &app.jwt_secret, &env).await;
    let b = ProcessApp::start_with_env(&app.db.url, &app.sim, &app.jwt_secret, &env).await;
    let customer = app.create_customer("BAN-EITHER", "BASIC").await;
    let response = app.register_brand(customer, &private_brand("Either")).await;
    let brand: Value = response.json().await.unwrap();
    let tcr_id = brand["tcrBrandId"].as_str().unwrap();

    // TCR (behind one public URL) delivers the same event to both replicas.
    let body = serde_json::json!({"eventType": "BRAND_ADD", "brandId": tcr_id, "mock": false});
    let url = format!("{public}/webhooks/tcr/brands");
    let signature = tendlc_adapters::webhook_signature::sign(&app.sim.api_secret, &url, &body);
    for base in [&a.base_url, &b.base_url] {
        let response = app
            .http
            .post(format!("{base}/webhooks/tcr/brands"))
            .header("X-Registry-Signature", &signature)
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{base}");
    }
    let log = eventually(
        Duration::from_secs(10),
        "the delivery to be processed",
        || async {
            let log = app.webhook_log().await;
            log.iter()
                .any(|d| d["processed"] == true && d["disposition"] == "ACCEPTED")
                .then_some(log)
        },
    )
    .await;
    let accepted = log
        .iter()
        .filter(|d| d["disposition"] == "ACCEPTED")
        .count();
    let duplicates = log
        .iter()
        .filter(|d| d["disposition"] == "DUPLICATE")
        .count();
    assert_eq!((accepted, duplicates), (1, 1), "{log:?}");
    let outcomes: i64 =
        sqlx::query_scalar("SELECT count(*) FROM events WHERE event_type = 'WebhookProcessed'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(outcomes, 1, "applied once");
}

/// What `tendlc_events` and `tendlc_applied` carried while `act` ran (and for a moment after).
async fn announced<F: std::future::Future<Output = ()>>(
    app: &TestApp,
    act: F,
) -> (Vec<String>, Vec<String>) {
    let mut listener = sqlx::postgres::PgListener::connect_with(&app.pool)
        .await
        .expect("listen");
    listener
        .listen_all(["tendlc_events", "tendlc_applied"])
        .await
        .expect("LISTEN");
    act.await;
    let (mut events, mut applied) = (Vec::new(), Vec::new());
    while let Ok(Ok(notification)) =
        tokio::time::timeout(Duration::from_millis(500), listener.recv()).await
    {
        let payload = notification.payload().to_string();
        if notification.channel() == "tendlc_events" {
            events.push(payload);
        } else {
            applied.push(payload);
        }
    }
    (events, applied)
}

#[tokio::test]
async fn a_replicas_appends_are_announced_after_its_commits_and_other_writers_by_the_trigger() {
    let app = TestApp::spawn().await;
    let customer = app.create_customer("BAN-ANNOUNCE", "BASIC").await;

    // Registrations through the API: announced by `serve` itself, with its mark, naming the
    // aggregate type, and so are the batches its runners applied; never by a NOTIFY inside
    // its writers' or runners' transactions (which would make them commit one at a time).
    let (events, applied) = announced(&app, async {
        for n in 0..3 {
            let response = app
                .register_brand(customer, &private_brand(&format!("Announced {n}")))
                .await;
            assert_eq!(response.status(), 201);
        }
    })
    .await;
    let names = |payload: &String| {
        payload
            .split_once('@')
            .map(|(names, _)| names.split(',').map(str::to_string).collect::<Vec<_>>())
    };
    assert!(
        events
            .iter()
            .any(|p| names(p) == Some(vec!["Brand".into()])),
        "the brands' events were announced: {events:?}"
    );
    assert!(
        applied
            .iter()
            .any(|p| names(p).is_some_and(|n| n.contains(&"brands_10dlc".to_string()))),
        "the brands' read model announced its batches: {applied:?}"
    );
    assert!(
        events.iter().chain(&applied).all(|p| p.contains('@')),
        "every announcement came from serve after its commits, none from inside a transaction: \
         {events:?} {applied:?}"
    );

    // A writer that does not announce (psql, a tool) is announced by the trigger.
    let (events, _) = announced(&app, async {
        sqlx::query(
            "INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type, event_version,
                                 payload, metadata)
             VALUES ('Probe', 'probe-1', 1, 'Probed', '1', '{}', '{}')",
        )
        .execute(&app.pool)
        .await
        .expect("insert an event by hand");
    })
    .await;
    assert_eq!(events, vec!["Probe".to_string()]);
}
