//! Authentication+ for PUBLIC_PROFIT brands through tendlc's API against the simulator: ordered
//! like other vettings, followed from TCR's `BRAND_AUTHPLUS_*` / `BRAND_EMAIL_2FA_*` webhooks
//! (each confirmed by reading TCR's vettings), and refused for brands it does not apply to.
use std::time::Duration;

use reqwest::Method;
use serde_json::{json, Value};
use tendlc_api::config::SyncConfig;
use tendlc_api::http::auth::Role;
use tendlc_tests::fixtures::private_brand;
use tendlc_tests::harness::{eventually, status_and_body, AppOptions};
use tendlc_tests::TestApp;

fn public_brand(name: &str) -> Value {
    let mut brand = private_brand(name);
    brand["entityType"] = json!("PUBLIC_PROFIT");
    brand["stockSymbol"] = json!("ACME");
    brand["stockExchange"] = json!("NASDAQ");
    brand["businessContactEmail"] = json!("jane.doe@acmewidgets.com");
    brand
}

fn options() -> AppOptions {
    AppOptions {
        scoring_delay: Duration::from_millis(200),
        sync: SyncConfig {
            tick: Duration::from_millis(200),
            poll_unverified: Duration::from_millis(300),
            ..SyncConfig::default()
        },
        ..AppOptions::default()
    }
}

/// The brand's Auth+ vetting as the API shows it, once it has `status`.
async fn auth_plus_vetting(
    app: &TestApp,
    customer: uuid::Uuid,
    brand: &str,
    status: &str,
) -> Value {
    let path = format!("/v1/messaging/brands/{brand}/vettings");
    eventually(
        Duration::from_secs(15),
        &format!("the Auth+ vetting to be {status}"),
        || async {
            let (code, vettings) = app.call_for(customer, Method::GET, &path, None).await;
            assert_eq!(code, 200, "{vettings}");
            vettings
                .as_array()
                .unwrap()
                .iter()
                .find(|v| v["vettingClass"] == "AUTHPLUS" && v["status"] == status)
                .cloned()
        },
    )
    .await
}

#[tokio::test]
async fn a_public_company_orders_auth_plus_and_tendlc_follows_it_to_active() {
    let app = TestApp::spawn_with(AppOptions {
        subscribe_webhooks: true,
        // Polls of an ACTIVE brand are far apart: only webhooks can bring the Auth+ steps in time.
        sync: SyncConfig {
            tick: Duration::from_millis(200),
            poll_unverified: Duration::from_millis(300),
            poll_active: Duration::from_secs(3600),
            webhook_retry_base: Duration::from_millis(300),
            ..SyncConfig::default()
        },
        sim: Some(std::sync::Arc::new(|config| {
            config.vetting_delay = Duration::from_millis(400);
        })),
        ..options()
    })
    .await;
    app.webhooks_subscribed().await;
    let customer = app.create_customer("BAN-AUTHPLUS-1", "BASIC").await;
    let brand = app
        .scored_brand(customer, &public_brand("Acme Public"), "VERIFIED")
        .await;
    let path = format!("/v1/messaging/brands/{brand}/vettings");
    let (status, body) = app
        .call_for(
            customer,
            Method::POST,
            &path,
            Some(json!({"provider": "AEGIS", "vettingClass": "AUTHPLUS"})),
        )
        .await;
    assert_eq!(status, 200, "ordering Auth+: {body}");

    // TCR checks the domain and mails the business contact: the vetting waits for 2FA.
    auth_plus_vetting(&app, customer, &brand, "UNSCORE").await;
    let tcr_brand = app.brand(&brand).await["tcrBrandId"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        app.sim.handle.complete_auth_plus_2fa(&tcr_brand),
        "the simulator has an Auth+ vet waiting for 2FA"
    );
    auth_plus_vetting(&app, customer, &brand, "ACTIVE").await;
}

#[tokio::test]
async fn auth_plus_is_refused_for_brands_that_are_not_public_companies_and_for_other_customers() {
    let app = TestApp::spawn_with(options()).await;
    let alpha = app.create_customer("BAN-AUTHPLUS-A", "BASIC").await;
    let beta = app.create_customer("BAN-AUTHPLUS-B", "BASIC").await;
    let brand = app
        .scored_brand(alpha, &private_brand("Acme Private"), "VERIFIED")
        .await;
    let path = format!("/v1/messaging/brands/{brand}/vettings");
    let order = json!({"provider": "AEGIS", "vettingClass": "AUTHPLUS"});
    let (status, body) = app
        .call_for(alpha, Method::POST, &path, Some(order.clone()))
        .await;
    assert_eq!(status, 409, "Auth+ of a PRIVATE_PROFIT brand: {body}");
    assert!(
        body["message"]
            .as_str()
            .unwrap_or_default()
            .contains("PUBLIC_PROFIT"),
        "the refusal says Auth+ is for public companies: {body}"
    );
    let beta_admin = app.token(Role::CustomerAdmin, Some(beta));
    let (status, body) =
        status_and_body(app.request(Method::POST, &path, &beta_admin).json(&order)).await;
    assert_eq!(status, 404, "another customer's brand is not found: {body}");
}
