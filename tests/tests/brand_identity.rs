//! A brand's identity beyond registration, through the public API against the simulator:
//! external vetting ordered and scored, imported; feedback and an appeal for an unverified
//! brand; OTP for a sole proprietor.
use std::time::Duration;

use reqwest::Method;
use serde_json::json;
use tendlc_api::config::SyncConfig;
use tendlc_tests::fixtures::{private_brand, sole_proprietor_brand};
use tendlc_tests::harness::{eventually, AppOptions};
use tendlc_tests::TestApp;

async fn started() -> TestApp {
    let app = TestApp::spawn_with(AppOptions {
        scoring_delay: Duration::from_millis(300),
        subscribe_webhooks: true,
        sync: SyncConfig {
            tick: Duration::from_millis(200),
            poll_unverified: Duration::from_secs(2),
            poll_active: Duration::from_secs(2),
            webhook_retry_base: Duration::from_millis(300),
            ..SyncConfig::default()
        },
        sim: Some(std::sync::Arc::new(|config| {
            config.vetting_delay = Duration::from_millis(400);
            config.appeal_delay = Duration::from_millis(400);
        })),
        ..AppOptions::default()
    })
    .await;
    app.webhooks_subscribed().await;
    app
}

#[tokio::test]
async fn an_ordered_vetting_is_scored_and_the_brand_becomes_vetted() {
    let app = started().await;
    let customer = app.create_customer("BAN-VET-1", "BASIC").await;
    let brand = app
        .scored_brand(customer, &private_brand("Acme Vetted"), "VERIFIED")
        .await;

    let (status, refused) = app
        .call_for(
            customer,
            Method::POST,
            &format!("/v1/messaging/brands/{brand}/vettings"),
            Some(json!({"provider": "CV", "vettingClass": "POLITICAL"})),
        )
        .await;
    assert_eq!(
        status, 409,
        "Campaign Verify can only be imported: {refused}"
    );
    let (status, bad) = app
        .call_for(
            customer,
            Method::POST,
            &format!("/v1/messaging/brands/{brand}/vettings"),
            Some(json!({"provider": "NOPE"})),
        )
        .await;
    assert_eq!(status, 422, "{bad}");
    let fields: Vec<&str> = bad["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["provider", "vettingClass"], "{bad}");

    let (status, ordered) = app
        .call_for(
            customer,
            Method::POST,
            &format!("/v1/messaging/brands/{brand}/vettings"),
            Some(json!({"provider": "AEGIS", "vettingClass": "STANDARD"})),
        )
        .await;
    assert_eq!(status, 200, "{ordered}");
    let vetted = eventually(
        Duration::from_secs(20),
        "the vetting to be scored",
        || async {
            let (_, vettings) = app
                .call_for(
                    customer,
                    Method::GET,
                    &format!("/v1/messaging/brands/{brand}/vettings"),
                    None,
                )
                .await;
            let first = vettings.as_array().and_then(|v| v.first()).cloned()?;
            (first["status"] == "ACTIVE").then_some(first)
        },
    )
    .await;
    assert_eq!(vetted["provider"], "AEGIS", "{vetted}");
    assert!(vetted["score"].as_i64().is_some_and(|s| s > 0), "{vetted}");
    assert!(vetted["syncSource"].is_string(), "{vetted}");
    eventually(
        Duration::from_secs(15),
        "the brand to become VETTED_VERIFIED",
        || async { (app.brand(&brand).await["identityStatus"] == "VETTED_VERIFIED").then_some(()) },
    )
    .await;

    // An outside report can be imported too.
    let (status, imported) = app.call_for( customer, Method::POST, &format!("/v1/messaging/brands/{brand}/vettings/import"), Some(json!({"provider": "AEGIS", "vettingId": "AEGIS-EXT-1", "vettingToken": "token-from-aegis"}))).await;
    assert_eq!(status, 200, "{imported}");
    let (_, vettings) = app
        .call_for(
            customer,
            Method::GET,
            &format!("/v1/messaging/brands/{brand}/vettings"),
            None,
        )
        .await;
    assert_eq!(vettings.as_array().unwrap().len(), 2, "{vettings}");
    assert!(
        vettings
            .as_array()
            .unwrap()
            .iter()
            .any(|v| v["imported"] == true),
        "{vettings}"
    );

    // A revet with nothing changed is refused by TCR (525), with its words; after a change it
    // is taken, and TCR scores the brand again.
    let revet = format!("/v1/messaging/brands/{brand}/revet");
    let (status, refused) = app.call_for(customer, Method::POST, &revet, None).await;
    assert_eq!(status, 422, "{refused}");
    assert_eq!(refused["tcr"][0]["code"], 525, "{refused}");
    let (status, changed) = app
        .call_for(
            customer,
            Method::PATCH,
            &format!("/v1/messaging/brands/{brand}"),
            Some(json!({"displayName": "Acme Vetted Widgets"})),
        )
        .await;
    assert_eq!(status, 200, "{changed}");
    let (status, revetted) = app.call_for(customer, Method::POST, &revet, None).await;
    assert_eq!(status, 200, "{revetted}");
    assert!(revetted.get("pendingAction").is_none(), "{revetted}");
    eventually(
        Duration::from_secs(15),
        "the revetted brand to be VETTED_VERIFIED again",
        || async { (app.brand(&brand).await["identityStatus"] == "VETTED_VERIFIED").then_some(()) },
    )
    .await;

    let events: Vec<String> = app
        .events_of(&brand)
        .await
        .into_iter()
        .map(|(t, _)| t)
        .collect();
    for expected in [
        "BrandActionRequested",
        "BrandVettingRecorded",
        "BrandVettingStatusChanged",
        "BrandRevetted",
        "BrandActionFailed",
    ] {
        assert!(
            events.iter().any(|e| e == expected),
            "{expected} in {events:?}"
        );
    }
    let stored: String = sqlx::query_scalar("SELECT payload::text FROM events WHERE aggregate_id = $1 AND event_type = 'BrandActionRequested' ORDER BY sequence DESC LIMIT 1")
        .bind(&brand)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert!(
        !stored.contains("token-from-aegis"),
        "the vetting token is never recorded: {stored}"
    );
}

#[tokio::test]
async fn an_unverified_brand_gets_feedback_and_wins_an_appeal() {
    let app = started().await;
    let customer = app.create_customer("BAN-VET-2", "BASIC").await;
    let brand = app
        .scored_brand(
            customer,
            &private_brand("Acme Doubted [sim:unverified]"),
            "UNVERIFIED",
        )
        .await;

    let (status, feedback) = app
        .call_for(
            customer,
            Method::GET,
            &format!("/v1/messaging/brands/{brand}/feedback"),
            None,
        )
        .await;
    assert_eq!(status, 200, "{feedback}");
    let categories = feedback["category"].as_array().expect("categories");
    assert!(!categories.is_empty(), "TCR says why: {feedback}");
    assert!(categories[0]["id"].is_string(), "{feedback}");

    let (status, bad) = app
        .call_for(
            customer,
            Method::POST,
            &format!("/v1/messaging/brands/{brand}/appeal"),
            Some(json!({"categories": ["VERIFY_EVERYTHING"]})),
        )
        .await;
    assert_eq!(status, 422, "{bad}");
    assert_eq!(bad["fields"][0]["field"], "categories[0]", "{bad}");
    let (status, appealed) = app.call_for( customer, Method::POST, &format!("/v1/messaging/brands/{brand}/appeal"), Some(json!({"categories": ["VERIFY_TAX_ID"], "explanation": "Our IRS letter shows the EIN."}))).await;
    assert_eq!(status, 200, "{appealed}");
    assert_eq!(appealed["appealStatus"], "PENDING", "{appealed}");
    let done = eventually(
        Duration::from_secs(20),
        "the appeal to complete and verify the brand",
        || async {
            let brand = app.brand(&brand).await;
            (brand["identityStatus"] == "VERIFIED" && brand["appealStatus"] == "COMPLETE")
                .then_some(brand)
        },
    )
    .await;
    assert!(done["appeal"]["categories"].is_array(), "{done}");
    let events: Vec<String> = app
        .events_of(&brand)
        .await
        .into_iter()
        .map(|(t, _)| t)
        .collect();
    for expected in [
        "BrandAppealFiled",
        "BrandAppealCompleted",
        "BrandIdentityStatusChanged",
    ] {
        assert!(
            events.iter().any(|e| e == expected),
            "{expected} in {events:?}"
        );
    }
}

#[tokio::test]
async fn a_sole_proprietor_is_verified_by_otp() {
    let app = started().await;
    let customer = app.create_customer("BAN-VET-3", "BASIC").await;
    let mut body = sole_proprietor_brand();
    body["mock"] = json!(true);
    let brand = app.scored_brand(customer, &body, "SELF_DECLARED").await;

    let (status, early) = app
        .call_for(
            customer,
            Method::POST,
            &format!("/v1/messaging/brands/{brand}/otp/verify"),
            Some(json!({"otpPin": "123456"})),
        )
        .await;
    assert_eq!(status, 409, "send the OTP first: {early}");
    let (status, bad) = app
        .call_for(
            customer,
            Method::POST,
            &format!("/v1/messaging/brands/{brand}/otp"),
            Some(json!({"pinSms": "no placeholder here"})),
        )
        .await;
    assert_eq!(status, 422, "{bad}");
    assert_eq!(bad["fields"][0]["field"], "pinSms", "{bad}");

    let (status, sent) = app
        .call_for(
            customer,
            Method::POST,
            &format!("/v1/messaging/brands/{brand}/otp"),
            Some(json!({})),
        )
        .await;
    assert_eq!(status, 200, "{sent}");
    assert!(sent["otpReferenceId"].is_string(), "{sent}");
    // A mock brand's PIN arrives in a BRAND_MOCK_OTP webhook.
    let pin = eventually(Duration::from_secs(10), "the mock OTP webhook", || async {
        app.sim
            .handle
            .deliveries()
            .into_iter()
            .find(|d| d.event_type == "BRAND_MOCK_OTP")
            .and_then(|d| d.payload["otpPin"].as_str().map(str::to_string))
    })
    .await;

    let (status, wrong) = app
        .call_for(
            customer,
            Method::POST,
            &format!("/v1/messaging/brands/{brand}/otp/verify"),
            Some(json!({"otpPin": "000000"})),
        )
        .await;
    assert_eq!(status, 422, "{wrong}");
    assert!(
        wrong["tcr"]
            .as_array()
            .is_some_and(|t| t.iter().any(|e| e["code"] == 552)),
        "TCR's code: {wrong}"
    );
    let (status, verified) = app
        .call_for(
            customer,
            Method::POST,
            &format!("/v1/messaging/brands/{brand}/otp/verify"),
            Some(json!({"otpPin": pin})),
        )
        .await;
    assert_eq!(status, 200, "{verified}");
    assert_eq!(verified["identityStatus"], "VERIFIED", "{verified}");
    assert!(verified["otpVerifiedAt"].is_string(), "{verified}");
    let (status, otp) = app
        .call_for(
            customer,
            Method::GET,
            &format!("/v1/messaging/brands/{brand}/otp"),
            None,
        )
        .await;
    assert_eq!(status, 200, "{otp}");
    assert!(otp["verifyDate"].is_string(), "{otp}");

    let events: Vec<String> = app
        .events_of(&brand)
        .await
        .into_iter()
        .map(|(t, _)| t)
        .collect();
    for expected in [
        "BrandOtpSent",
        "BrandOtpVerified",
        "BrandIdentityStatusChanged",
    ] {
        assert!(
            events.iter().any(|e| e == expected),
            "{expected} in {events:?}"
        );
    }
    // (The webhook audit log keeps TCR's mock delivery as received, PIN included.)
    let pins: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM events WHERE aggregate_type = 'Brand' AND payload::text LIKE '%\"' || $1 || '\"%'",
    )
    .bind(&pin)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(pins, 0, "the PIN is never recorded");
}
