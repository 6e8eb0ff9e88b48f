//! TCR down, slow or failing, and tendlc killed mid-request: the truth is answered and
//! nothing acknowledged is lost.
use std::time::{Duration, Instant};

use reqwest::Method;
use serde_json::Value;
use tendlc_api::http::auth::Role;
use tendlc_tests::fixtures::private_brand;
use tendlc_tests::harness::json_of;
use tendlc_tests::harness::AppOptions;
use tendlc_tests::{ProcessApp, TestApp};

async fn only_brand(app: &TestApp, customer: uuid::Uuid) -> Value {
    let token = app.token(Role::CustomerUser, Some(customer));
    let (_, list) = json_of(
        app.request(Method::GET, "/v1/messaging/brands", &token)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        list["total"], 1,
        "exactly one registration should be recorded: {list}"
    );
    list["items"][0].clone()
}

#[tokio::test]
async fn tcr_unreachable_gives_502_and_the_registration_stays_pending() {
    // A port nothing listens on.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let app = TestApp::spawn_with(AppOptions {
        tcr_base_url: Some(format!("http://{closed}/v2")),
        ..AppOptions::default()
    })
    .await;
    let customer = app.create_customer("BAN-2001", "BASIC").await;

    let response = app
        .register_brand(customer, &private_brand("Unreachable"))
        .await;
    let location = response
        .headers()
        .get("location")
        .map(|l| l.to_str().unwrap().to_string());
    let (status, error) = json_of(response).await;

    assert_eq!(status, 502, "{error}");
    assert_eq!(error["code"], "tcr_unreachable");
    assert!(
        error["message"].as_str().unwrap().contains("TCR"),
        "the error names TCR: {error}"
    );
    assert!(
        error["message"].as_str().unwrap().contains("pending"),
        "{error}"
    );
    let brand = only_brand(&app, customer).await;
    assert_eq!(brand["status"], "PENDING", "{brand}");
    assert_eq!(brand["lastError"]["retryable"], true, "{brand}");
    assert_eq!(
        location.as_deref(),
        Some(format!("/v1/messaging/brands/{}", brand["id"].as_str().unwrap()).as_str())
    );
}

#[tokio::test]
async fn tcr_server_error_gives_502_and_the_registration_stays_pending() {
    let app = TestApp::spawn().await;
    let customer = app.create_customer("BAN-2002", "BASIC").await;

    let (status, error) = json_of(
        app.register_brand(customer, &private_brand("Broken [sim:http-503]"))
            .await,
    )
    .await;

    assert_eq!(status, 502, "{error}");
    assert_eq!(error["code"], "tcr_unavailable");
    assert!(
        error["message"].as_str().unwrap().contains("HTTP 503"),
        "{error}"
    );
    assert_eq!(only_brand(&app, customer).await["status"], "PENDING");
}

#[tokio::test]
async fn tcr_temporary_error_591_gives_502_with_tcrs_words_and_stays_pending() {
    let app = TestApp::spawn().await;
    let customer = app.create_customer("BAN-2003", "BASIC").await;

    let (status, error) = json_of(
        app.register_brand(customer, &private_brand("Busy [sim:error-591]"))
            .await,
    )
    .await;

    assert_eq!(status, 502, "{error}");
    assert_eq!(error["tcr"][0]["code"], 591, "{error}");
    assert_eq!(only_brand(&app, customer).await["status"], "PENDING");
}

#[tokio::test]
async fn tcr_too_slow_gives_504_within_ten_seconds_and_the_registration_stays_pending() {
    let app = TestApp::spawn_with(AppOptions {
        tcr_timeout: Duration::from_secs(2),
        ..AppOptions::default()
    })
    .await;
    let customer = app.create_customer("BAN-2004", "BASIC").await;

    let started = Instant::now();
    let (status, error) = json_of(
        app.register_brand(customer, &private_brand("Slow [sim:slow-6]"))
            .await,
    )
    .await;

    assert_eq!(status, 504, "{error}");
    assert_eq!(error["code"], "tcr_timeout");
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "answered in {:?}",
        started.elapsed()
    );
    assert_eq!(only_brand(&app, customer).await["status"], "PENDING");
}

#[tokio::test]
async fn wrong_tcr_credentials_are_an_operator_problem_and_are_never_echoed() {
    let app = TestApp::spawn_with(AppOptions {
        wrong_tcr_credentials: true,
        ..AppOptions::default()
    })
    .await;
    let customer = app.create_customer("BAN-2005", "BASIC").await;

    let (status, error) = json_of(
        app.register_brand(customer, &private_brand("Bad creds"))
            .await,
    )
    .await;

    assert_eq!(status, 502, "TCR's 401 is not the caller's fault: {error}");
    assert_eq!(error["code"], "tcr_credentials_refused", "{error}");
    assert!(
        error["message"].as_str().unwrap().contains("TCR_API_KEY"),
        "tells the operator what to fix: {error}"
    );
    assert_eq!(
        only_brand(&app, customer).await["status"],
        "REJECTED",
        "bad credentials are not retried blindly"
    );
}

#[tokio::test]
async fn kill_9_mid_registration_loses_nothing_that_was_acknowledged() {
    let app = TestApp::spawn_with(AppOptions {
        sync: tendlc_api::config::SyncConfig {
            tick: Duration::from_millis(200),
            retry_grace: Duration::from_secs(2),
            retry_base: Duration::from_millis(200),
            ..tendlc_api::config::SyncConfig::default()
        },
        ..AppOptions::default()
    })
    .await;
    let customer = app.create_customer("BAN-2006", "BASIC").await;
    let admin = app.token(Role::CustomerAdmin, Some(customer));

    // A real `tendlc serve` process against the same database and simulator.
    let mut process = ProcessApp::start(&app.db.url, &app.sim, &app.jwt_secret).await;
    let http = reqwest::Client::new();
    let mut acknowledged = Vec::new();
    for n in 0..3 {
        let response = http
            .post(format!("{}/v1/messaging/brands", process.base_url))
            .bearer_auth(&admin)
            .json(&private_brand(&format!("Acked {n}")))
            .send()
            .await
            .unwrap();
        let (status, body) = json_of(response).await;
        assert_eq!(status, 201, "{body}");
        acknowledged.push(body["id"].as_str().unwrap().to_string());
    }
    // One more that TCR is slow to answer: kill the process while it waits.
    let slow = {
        let http = http.clone();
        let url = format!("{}/v1/messaging/brands", process.base_url);
        let admin = admin.clone();
        tokio::spawn(async move {
            http.post(url)
                .bearer_auth(admin)
                .json(&private_brand("In flight [sim:slow-5]"))
                .send()
                .await
        })
    };
    tokio::time::sleep(Duration::from_millis(1500)).await;
    process.kill_9();
    assert!(
        slow.await.unwrap().is_err(),
        "the in-flight request dies with the process"
    );

    // After a restart every acknowledged brand is there, and the in-flight one is recorded as pending.
    let restarted = ProcessApp::start(&app.db.url, &app.sim, &app.jwt_secret).await;
    let (status, list) = json_of(
        http.get(format!(
            "{}/v1/messaging/brands?perPage=100",
            restarted.base_url
        ))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(status, 200, "{list}");
    let items = list["items"].as_array().unwrap();
    for id in &acknowledged {
        let brand = items
            .iter()
            .find(|b| b["id"] == id.as_str())
            .unwrap_or_else(|| panic!("acknowledged brand {id} lost: {list}"));
        assert_eq!(brand["status"], "REGISTERED", "{brand}");
    }
    let in_flight = items
        .iter()
        .find(|b| b["displayName"] == "In flight [sim:slow-5]")
        .unwrap_or_else(|| {
            panic!("the in-flight request was recorded before TCR was called: {list}")
        });
    assert!(
        ["PENDING", "REGISTERED"].contains(&in_flight["status"].as_str().unwrap()),
        "{in_flight}"
    );

    // The retrier finishes it: TCR had created it (the slow answer was lost), so it is adopted
    // by reference, not created a second time.
    let id = in_flight["id"].as_str().unwrap().to_string();
    let healed = tendlc_tests::harness::eventually(
        Duration::from_secs(20),
        "the in-flight brand to be registered",
        || async {
            let brand = app.brand(&id).await;
            (brand["status"] == "REGISTERED").then_some(brand)
        },
    )
    .await;
    let copies = app
        .sim
        .brands()
        .await
        .into_iter()
        .filter(|b| b["referenceId"] == healed["referenceId"])
        .count();
    assert_eq!(copies, 1, "one TCR brand for the in-flight registration");
    assert_eq!(
        app.sim.handle.brand_count(),
        4,
        "three acknowledged + the in-flight one, nothing twice"
    );
}
