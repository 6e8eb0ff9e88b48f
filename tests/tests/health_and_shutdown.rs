//! Health, readiness and graceful shutdown.
use serde_json::Value;
use tendlc_tests::TestApp;

#[tokio::test]
async fn health_and_readiness_report_the_truth() {
    let app = TestApp::spawn().await;
    let health: Value = app
        .http
        .get(format!("{}/health", app.base_url))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(health["status"], "ok");
    let response = app
        .http
        .get(format!("{}/ready", app.base_url))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let ready: Value = response.json().await.unwrap();
    assert_eq!(ready["checks"]["database"], true, "{ready}");
    assert_eq!(ready["checks"]["migrations"], true, "{ready}");
}

#[tokio::test]
async fn readiness_fails_cleanly_when_migrations_are_missing() {
    let app = TestApp::spawn().await;
    sqlx::query(
        "DELETE FROM _sqlx_migrations WHERE version = (SELECT max(version) FROM _sqlx_migrations)",
    )
    .execute(&app.pool)
    .await
    .unwrap();
    let response = app
        .http
        .get(format!("{}/ready", app.base_url))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 503);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["checks"]["migrations"], false, "{body}");
}

#[tokio::test]
async fn shutdown_is_graceful() {
    let app = TestApp::spawn().await;
    let result = app.shutdown().await;
    assert!(
        result.is_ok(),
        "serve should end cleanly on shutdown: {result:?}"
    );
}
