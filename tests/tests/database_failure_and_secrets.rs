//! When tendlc's own database fails, the answer is a clean 500 that leaks nothing.
use serde_json::Value;
use tendlc_tests::fixtures::private_brand;
use tendlc_tests::TestApp;

#[tokio::test]
async fn a_broken_database_gives_a_clean_500_without_internals() {
    let app = TestApp::spawn().await;
    let customer = app.create_customer("BAN-SABOTAGE", "BASIC").await;
    // Sabotage: the event store disappears under the running service.
    sqlx::query("ALTER TABLE events RENAME TO events_gone")
        .execute(&app.pool)
        .await
        .unwrap();

    let response = app.register_brand(customer, &private_brand("Doomed")).await;
    let status = response.status().as_u16();
    let body: Value = response.json().await.unwrap();

    assert_eq!(status, 500, "{body}");
    assert_eq!(body["code"], "internal_error");
    let text = body.to_string();
    for leak in ["events", "relation", "sqlx", "postgres", "SELECT", "INSERT"] {
        assert!(
            !text.contains(leak),
            "the error body leaks internals ({leak}): {text}"
        );
    }
    assert!(
        app.sim.brands().await.is_empty(),
        "nothing reaches TCR when the intent cannot be recorded"
    );
}

#[tokio::test]
async fn secrets_never_appear_in_events_or_answers() {
    let app = TestApp::spawn().await;
    let customer = app.create_customer("BAN-SECRETS", "BASIC").await;
    let ok = app
        .register_brand(customer, &private_brand("Fine"))
        .await
        .text()
        .await
        .unwrap();
    let refused = app
        .register_brand(customer, &private_brand("No [sim:error-501]"))
        .await
        .text()
        .await
        .unwrap();
    let failed = app
        .register_brand(customer, &private_brand("Down [sim:http-500]"))
        .await
        .text()
        .await
        .unwrap();
    let events: Vec<String> =
        sqlx::query_scalar("SELECT payload::text || metadata::text FROM events")
            .fetch_all(&app.pool)
            .await
            .unwrap();
    let everything = [ok, refused, failed, events.join("\n")].join("\n");
    for (name, secret) in [
        ("TCR_API_KEY", &app.sim.api_key),
        ("TCR_API_SECRET", &app.sim.api_secret),
        ("TENDLC_JWT_SECRET", &app.jwt_secret),
    ] {
        assert!(
            !everything.contains(secret.as_str()),
            "{name} leaked into events or responses"
        );
    }
}
