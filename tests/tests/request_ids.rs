//! Request ids: the server names every request itself; a client's own `X-Request-ID` is kept
//! beside that id (echoed as `X-Client-Request-ID`, recorded as `client_request_id`), never
//! instead of it.
use std::time::Duration;

use reqwest::header::HeaderMap;
use reqwest::Method;
use serde_json::Value;
use tendlc_api::config::SyncConfig;
use tendlc_api::http::auth::Role;
use tendlc_tests::fixtures::{customer, private_brand};
use tendlc_tests::harness::{eventually, AppOptions};
use tendlc_tests::{ProcessApp, TestApp};
use uuid::Uuid;

/// The server's id from an answer: always present, always a UUID it made.
fn server_id(headers: &HeaderMap) -> String {
    let id = headers
        .get("x-request-id")
        .expect("every answer names its request")
        .to_str()
        .unwrap()
        .to_string();
    assert!(Uuid::parse_str(&id).is_ok(), "not the server's id: {id}");
    id
}

fn client_id(headers: &HeaderMap) -> Option<&str> {
    headers
        .get("x-client-request-id")
        .map(|v| v.to_str().unwrap())
}

/// Every event of `aggregate_id` carries `request_id` and, as sent, `client_request_id`.
async fn assert_recorded(
    app: &TestApp,
    aggregate_id: &str,
    request_id: &str,
    client: Option<&str>,
) {
    let events = app.events_of(aggregate_id).await;
    assert!(!events.is_empty(), "nothing recorded for {aggregate_id}");
    for (event_type, metadata) in events {
        assert_eq!(
            metadata["request_id"], request_id,
            "{event_type}: {metadata}"
        );
        assert_eq!(
            metadata.get("client_request_id").and_then(Value::as_str),
            client,
            "{event_type}: {metadata}"
        );
    }
}

#[tokio::test]
async fn a_clients_request_id_is_kept_beside_the_one_the_server_assigns() {
    let app = TestApp::spawn().await;

    // A super admin's portal names its request.
    let response = app
        .request(Method::POST, "/v1/customers", &app.superadmin())
        .header("X-Request-ID", "portal-7f3a")
        .json(&customer("BAN-RID-1", "BASIC"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let ours = server_id(response.headers());
    assert_eq!(client_id(response.headers()), Some("portal-7f3a"));
    let body: Value = response.json().await.unwrap();
    let customer_id = body["id"].as_str().unwrap().to_string();
    assert_recorded(&app, &customer_id, &ours, Some("portal-7f3a")).await;

    // So does a customer's system, through TCR and back.
    let response = app
        .request(
            Method::POST,
            "/v1/messaging/brands",
            &app.token(Role::CustomerAdmin, Some(customer_id.parse().unwrap())),
        )
        .header("X-Request-ID", "erp:order/42")
        .json(&private_brand("Request Ids"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let ours = server_id(response.headers());
    assert_ne!(ours, "erp:order/42");
    assert_eq!(client_id(response.headers()), Some("erp:order/42"));
    let brand: Value = response.json().await.unwrap();
    assert_recorded(
        &app,
        brand["id"].as_str().unwrap(),
        &ours,
        Some("erp:order/42"),
    )
    .await;

    // No id of its own, or one too long to keep: ours alone.
    for sent in [None, Some("x".repeat(129))] {
        let mut request = app
            .request(Method::POST, "/v1/customers", &app.superadmin())
            .json(&customer(&format!("BAN-RID-{}", sent.is_some()), "BASIC"));
        if let Some(sent) = &sent {
            request = request.header("X-Request-ID", sent);
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), 201);
        let ours = server_id(response.headers());
        assert_eq!(client_id(response.headers()), None);
        let body: Value = response.json().await.unwrap();
        assert_recorded(&app, body["id"].as_str().unwrap(), &ours, None).await;
    }
}

#[tokio::test]
async fn the_request_log_names_both_ids() {
    let app = TestApp::spawn_with(AppOptions {
        sync: SyncConfig {
            leader_eligible: false,
            ..SyncConfig::default()
        },
        ..AppOptions::default()
    })
    .await;
    let process = ProcessApp::start_logged(&app.db.url, &app.sim, &app.jwt_secret, &[]).await;
    let response = app
        .http
        .get(format!("{}/v1/customers", process.base_url))
        .bearer_auth(app.superadmin())
        .header("X-Request-ID", "portal-log-1")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let ours = server_id(response.headers());
    let logged = eventually(
        Duration::from_secs(10),
        "a log line in the request's span",
        || async {
            process
                .log()
                .lines()
                .filter_map(|line| serde_json::from_str::<Value>(line).ok())
                .find(|logged| logged["span"]["request_id"] == ours.as_str())
        },
    )
    .await;
    assert_eq!(
        logged["span"]["client_request_id"], "portal-log-1",
        "{logged}"
    );
}
