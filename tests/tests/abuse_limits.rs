//! Limits at the edge: per-customer submission rate, body size, CORS.
use reqwest::Method;
use serde_json::Value;
use tendlc_api::http::auth::Role;
use tendlc_tests::fixtures::private_brand;
use tendlc_tests::harness::AppOptions;
use tendlc_tests::TestApp;

#[tokio::test]
async fn a_customer_submitting_too_fast_is_slowed_down_without_touching_others() {
    let app = TestApp::spawn_with(AppOptions {
        submissions_per_minute: 2,
        ..AppOptions::default()
    })
    .await;
    let alpha = app.create_customer("BAN-RATE-A", "BASIC").await;
    let beta = app.create_customer("BAN-RATE-B", "BASIC").await;
    for n in 0..2 {
        let response = app
            .register_brand(alpha, &private_brand(&format!("Fast {n}")))
            .await;
        assert_eq!(response.status(), 201);
    }
    let response = app.register_brand(alpha, &private_brand("Too fast")).await;
    assert_eq!(response.status(), 429);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["code"], "submission_rate_limited", "{body}");
    assert_eq!(
        app.sim.handle.brand_count(),
        2,
        "the refused one never reached TCR"
    );
    // Reads are not limited, and other customers are not affected.
    let list = app
        .request(
            Method::GET,
            "/v1/messaging/brands",
            &app.token(Role::CustomerUser, Some(alpha)),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(list.status(), 200);
    assert_eq!(
        app.register_brand(beta, &private_brand("Other"))
            .await
            .status(),
        201
    );
}

#[tokio::test]
async fn oversized_bodies_are_refused() {
    let app = TestApp::spawn().await;
    let customer = app.create_customer("BAN-BIG", "BASIC").await;
    let mut brand = private_brand("Big");
    brand["displayName"] = Value::String("x".repeat(300 * 1024));
    let response = app.register_brand(customer, &brand).await;
    assert_eq!(response.status(), 413);
    assert_eq!(app.sim.handle.brand_count(), 0);
}

#[tokio::test]
async fn cors_allows_the_portal_and_the_customer_header_and_nothing_wider() {
    let app = TestApp::spawn_with(AppOptions {
        cors_origins: vec!["https://portal.example.com".into()],
        ..AppOptions::default()
    })
    .await;
    let preflight = |origin: &'static str| {
        app.http
            .request(
                Method::OPTIONS,
                format!("{}/v1/messaging/brands", app.base_url),
            )
            .header("Origin", origin)
            .header("Access-Control-Request-Method", "POST")
            .header(
                "Access-Control-Request-Headers",
                "authorization,content-type,x-customer-id",
            )
            .send()
    };
    let allowed = preflight("https://portal.example.com").await.unwrap();
    let headers = allowed.headers();
    assert_eq!(
        headers["access-control-allow-origin"],
        "https://portal.example.com"
    );
    let allow_headers = headers["access-control-allow-headers"]
        .to_str()
        .unwrap()
        .to_ascii_lowercase();
    assert!(
        allow_headers.contains("x-customer-id") && allow_headers.contains("authorization"),
        "{allow_headers}"
    );

    let refused = preflight("https://evil.example.net").await.unwrap();
    assert!(
        refused
            .headers()
            .get("access-control-allow-origin")
            .is_none(),
        "no CORS for other origins"
    );
}
