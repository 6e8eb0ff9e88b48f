//! Several `serve` processes on one database: every event is applied once, reads agree.
use serde_json::Value;
use tendlc_api::auth::Role;
use tendlc_tests::fixtures::private_brand;
use tendlc_tests::TestApp;

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

    // Every event was applied exactly once per projection, whichever replica applied it.
    let events = app.event_count().await;
    let applied: Vec<(String, i64)> =
        sqlx::query_as("SELECT name, events_applied FROM projection_checkpoints ORDER BY name")
            .fetch_all(&app.pool)
            .await
            .unwrap();
    assert_eq!(
        applied.len(),
        tendlc_projections::all().len(),
        "{applied:?}"
    );
    for (name, count) in applied {
        assert_eq!(
            count, events,
            "projection {name} applied {count} of {events} events"
        );
    }
    assert!(replica.shutdown().await.is_ok());
}
