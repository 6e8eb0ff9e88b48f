//! A registration's history and its state as of any instant, through the public API and the
//! `tendlc history` command: every step of a scripted lifecycle in order, with who, through
//! which door, which request, when and the TCR call; states at several instants folded from the
//! events; and another customer sees none of it.
use std::process::Command;
use std::time::Duration;

use reqwest::Method;
use serde_json::{json, Value};
use tendlc_api::config::SyncConfig;
use tendlc_api::http::auth::Role;
use tendlc_tcr_sim::SimFaults;
use tendlc_tests::fixtures::private_brand;
use tendlc_tests::harness::{binary, eventually, json_of, status_and_body, AppOptions};
use tendlc_tests::TestApp;
use uuid::Uuid;

const T_MOBILE: u64 = 10035;

fn lifecycle_options() -> AppOptions {
    AppOptions {
        // Long enough for the retrier to adopt the brand first, so TCR's verdict comes by webhook.
        scoring_delay: Duration::from_secs(2),
        subscribe_webhooks: true,
        sync: SyncConfig {
            tick: Duration::from_millis(100),
            retry_grace: Duration::from_millis(500),
            retry_base: Duration::from_millis(100),
            retry_max_attempts: 12,
            poll_unverified: Duration::from_secs(60),
            poll_active: Duration::from_millis(500),
            poll_campaign_review: Duration::from_secs(60),
            webhook_retry_base: Duration::from_millis(300),
            ..SyncConfig::default()
        },
        sim: Some(std::sync::Arc::new(|config| {
            config.campaign_review_delay = Duration::from_millis(400);
            config.vetting_delay = Duration::from_millis(400);
        })),
        ..AppOptions::default()
    }
}

fn marketing_campaign(brand_id: &str, markers: &str) -> Value {
    json!({
        "brandId": brand_id,
        "usecase": "MARKETING",
        "description": format!("Weekly offers from Acme Widgets to club members who opted in. {markers}"),
        "messageFlow": "Customers text JOIN to our short code from in-store posters and confirm by replying YES.",
        "sample1": "Acme Widgets: 20% off all gadgets this week! Reply STOP to opt out.",
        "sample2": "Acme Widgets: new arrivals in store now. Reply HELP for help, STOP to stop.",
        "sample3": "Acme Widgets: your club points expire soon. Reply STOP to opt out.",
        "subscriberOptin": true,
        "optinKeywords": "JOIN,YES",
        "optinMessage": "Welcome to Acme Widgets offers! Msg&data rates may apply. Reply STOP to cancel.",
        "subscriberOptout": true,
        "optoutKeywords": "STOP,QUIT",
        "optoutMessage": "You are unsubscribed from Acme Widgets offers. No more messages will be sent.",
        "subscriberHelp": true,
        "helpKeywords": "HELP,INFO",
        "helpMessage": "Acme Widgets offers: call +1 202 555 0123 or email support@acmewidgets.com.",
        "privacyPolicyLink": "https://acmewidgets.com/privacy",
        "termsAndConditionsLink": "https://acmewidgets.com/terms"
    })
}

fn carrier_status(campaign: &Value, mno: u64) -> Value {
    campaign["carriers"]
        .as_array()
        .and_then(|all| all.iter().find(|c| c["mnoId"] == mno))
        .map(|c| c["status"].clone())
        .unwrap_or(Value::Null)
}

async fn get_as(app: &TestApp, token: &str, path: &str) -> (u16, Value) {
    status_and_body(app.request(Method::GET, path, token)).await
}

async fn history(app: &TestApp, customer: Uuid, path: &str) -> Vec<Value> {
    let (status, page) = app
        .call_for(customer, Method::GET, &format!("{path}?perPage=500"), None)
        .await;
    assert_eq!(status, 200, "{path}: {page}");
    page["items"].as_array().cloned().unwrap_or_default()
}

/// The index of the first entry after `from` that `matches`, or a failure naming `step`.
fn step(entries: &[Value], from: usize, step: &str, matches: impl Fn(&Value) -> bool) -> usize {
    entries
        .iter()
        .enumerate()
        .skip(from)
        .find(|(_, e)| matches(e))
        .map(|(i, _)| i)
        .unwrap_or_else(|| {
            let told: Vec<String> = entries
                .iter()
                .map(|e| format!("{} {} {}", e["eventType"], e["source"], e["summary"]))
                .collect();
            panic!(
                "no step `{step}` after entry {from} in the history:\n{}",
                told.join("\n")
            )
        })
}

fn is(entry: &Value, event_type: &str) -> bool {
    entry["eventType"] == event_type
}

async fn brand_as_of(app: &TestApp, customer: Uuid, id: &str, at: &str) -> (u16, Value) {
    app.call_for(
        customer,
        Method::GET,
        &format!("/v1/messaging/brands/{id}?asOf={}", at.replace('+', "%2B")),
        None,
    )
    .await
}

#[tokio::test]
async fn a_brands_history_lists_every_step_of_its_lifecycle_in_order() {
    let app = TestApp::spawn_with(lifecycle_options()).await;
    app.webhooks_subscribed().await;
    let customer = app.create_customer("BAN-HIST-1", "BASIC").await;

    // Registered; TCR creates it but answers 500; the retrier adopts it by reference.
    let response = app
        .register_brand(
            customer,
            &private_brand("Storied [sim:created-then-http-500]"),
        )
        .await;
    let (status, failed) = json_of(response).await;
    assert_eq!(status, 502, "{failed}");
    let (_, listed) = app
        .call_for(customer, Method::GET, "/v1/messaging/brands", None)
        .await;
    let id = listed["items"][0]["id"].as_str().unwrap().to_string();
    let brand = eventually(Duration::from_secs(20), "the brand adopted", || async {
        let brand = app.brand(&id).await;
        (brand["status"] == "REGISTERED").then_some(brand)
    })
    .await;
    let tcr_id = brand["tcrBrandId"].as_str().unwrap().to_string();
    // TCR's verdict comes by webhook.
    eventually(Duration::from_secs(20), "VERIFIED by webhook", || async {
        (app.brand(&id).await["identityStatus"] == "VERIFIED").then_some(())
    })
    .await;
    // TCR changes its mind and no webhook says so: a poll finds the drift (once the webhooks
    // already sent are applied, or a late one would re-read TCR and find it first).
    app.webhooks_applied(Duration::from_secs(20)).await;
    app.sim.handle.set_faults(SimFaults {
        webhook_drop_rate: 1.0,
        ..SimFaults::default()
    });
    app.sim
        .handle
        .set_identity_status(&tcr_id, "VETTED_VERIFIED")
        .unwrap();
    eventually(
        Duration::from_secs(20),
        "the drift found by a poll",
        || async { (app.brand(&id).await["identityStatus"] == "VETTED_VERIFIED").then_some(()) },
    )
    .await;
    app.sim.handle.set_faults(SimFaults::default());
    // A vetting, ordered and scored.
    let (status, ordered) = app
        .call_for(
            customer,
            Method::POST,
            &format!("/v1/messaging/brands/{id}/vettings"),
            Some(json!({"provider": "AEGIS", "vettingClass": "STANDARD"})),
        )
        .await;
    assert_eq!(status, 200, "{ordered}");
    eventually(Duration::from_secs(20), "the vetting scored", || async {
        let (_, vettings) = app
            .call_for(
                customer,
                Method::GET,
                &format!("/v1/messaging/brands/{id}/vettings"),
                None,
            )
            .await;
        (vettings[0]["status"] == "ACTIVE").then_some(())
    })
    .await;
    // A campaign T-Mobile rejects; fixed and resubmitted, T-Mobile registers it.
    let (status, campaign) = app
        .call_for(
            customer,
            Method::POST,
            "/v1/messaging/campaigns",
            Some(marketing_campaign(&id, "[sim:mno-reject-10035]")),
        )
        .await;
    assert_eq!(status, 201, "{campaign}");
    let campaign_id = campaign["id"].as_str().unwrap().to_string();
    eventually(Duration::from_secs(20), "T-Mobile to reject", || async {
        let campaign = app.campaign(customer, &campaign_id).await;
        (carrier_status(&campaign, T_MOBILE) == "REJECTED").then_some(())
    })
    .await;
    let (status, updated) = app
        .call_for(
            customer,
            Method::PATCH,
            &format!("/v1/messaging/campaigns/{campaign_id}"),
            Some(json!({"description": "Weekly offers from Acme Widgets to club members who opted in."})),
        )
        .await;
    assert_eq!(status, 200, "{updated}");
    let (status, resubmitted) = app
        .call_for(
            customer,
            Method::POST,
            &format!("/v1/messaging/campaigns/{campaign_id}/resubmit"),
            Some(json!({"mnoIds": [10035]})),
        )
        .await;
    assert_eq!(status, 200, "{resubmitted}");
    eventually(Duration::from_secs(20), "T-Mobile to register", || async {
        let campaign = app.campaign(customer, &campaign_id).await;
        (carrier_status(&campaign, T_MOBILE) == "REGISTERED").then_some(())
    })
    .await;

    let entries = history(
        &app,
        customer,
        &format!("/v1/messaging/brands/{id}/history"),
    )
    .await;
    let requested = step(&entries, 0, "registration requested", |e| {
        is(e, "BrandRegistrationRequested")
            && e["source"] == "api"
            && e["actor"].as_str().is_some_and(|a| a.starts_with("user:"))
    });
    let failed = step(&entries, requested, "TCR's 500 recorded", |e| {
        is(e, "BrandSubmissionFailed")
            && e["tcrCall"]["httpStatus"] == 500
            && e["tcrCall"]["endpoint"]
                .as_str()
                .is_some_and(|p| p.starts_with("POST /brand"))
            && e["tcrCall"]["latencyMs"].is_u64()
            && e["data"]["retryable"] == true
    });
    let adopted = step(&entries, failed, "adopted by the retrier", |e| {
        is(e, "BrandSubmittedToTcr") && e["source"] == "retry" && e["data"]["adopted"] == true
    });
    let webhook = step(&entries, adopted, "VERIFIED by webhook", |e| {
        is(e, "BrandIdentityStatusChanged")
            && e["source"] == "webhook"
            && e["data"]["to"] == "VERIFIED"
    });
    let drift = step(&entries, webhook, "drift found by a poll", |e| {
        is(e, "BrandIdentityStatusChanged")
            && e["source"] == "poll"
            && e["data"]["from"] == "VERIFIED"
            && e["data"]["to"] == "VETTED_VERIFIED"
    });
    let vetting = step(&entries, drift, "vetting ordered", |e| {
        is(e, "BrandActionRequested") && e["source"] == "api"
    });
    let vetted = step(&entries, vetting, "vetting scored", |e| {
        (is(e, "BrandVettingStatusChanged") || is(e, "BrandVettingRecorded"))
            && (e["data"]["to"] == "ACTIVE" || e["data"]["vetting"]["status"] == "ACTIVE")
    });
    let campaign_requested = step(&entries, vetted, "campaign requested", |e| {
        is(e, "CampaignRegistrationRequested") && e["aggregateId"] == campaign_id.as_str()
    });
    let created = step(
        &entries,
        campaign_requested,
        "campaign created at TCR",
        |e| is(e, "CampaignSubmittedToTcr") && e["tcrCall"]["httpStatus"].is_u64(),
    );
    let rejected = step(&entries, created, "T-Mobile's rejection", |e| {
        is(e, "CampaignMnoStatusChanged")
            && e["data"]["mno"] == T_MOBILE
            && e["data"]["to"] == "REJECTED"
    });
    let fixed = step(&entries, rejected, "campaign fixed", |e| {
        is(e, "CampaignUpdated")
    });
    let resubmit = step(&entries, fixed, "resubmission", |e| {
        is(e, "CampaignResubmitted")
    });
    step(&entries, resubmit, "T-Mobile registers it", |e| {
        is(e, "CampaignMnoStatusChanged")
            && e["data"]["mno"] == T_MOBILE
            && e["data"]["to"] == "REGISTERED"
    });
    for entry in &entries {
        for field in ["actor", "source", "requestId", "recordedAt", "summary"] {
            assert!(entry[field].is_string(), "{field} missing: {entry}");
        }
    }
    let positions: Vec<i64> = entries
        .iter()
        .map(|e| e["position"].as_i64().unwrap())
        .collect();
    assert!(
        positions.windows(2).all(|w| w[0] < w[1]),
        "in order: {positions:?}"
    );

    // The campaign's own history: its events only.
    let own = history(
        &app,
        customer,
        &format!("/v1/messaging/campaigns/{campaign_id}/history"),
    )
    .await;
    assert!(
        own.iter().all(|e| e["aggregateId"] == campaign_id.as_str()),
        "{own:?}"
    );
    assert_eq!(own[0]["eventType"], "CampaignRegistrationRequested");

    // Paged.
    let (_, first) = app
        .call_for(
            customer,
            Method::GET,
            &format!("/v1/messaging/brands/{id}/history?perPage=2"),
            None,
        )
        .await;
    assert_eq!(first["items"].as_array().unwrap().len(), 2, "{first}");
    // Polls go on meanwhile: at least what was read before.
    assert!(
        first["total"].as_u64().unwrap() >= entries.len() as u64,
        "{first}"
    );
    let (_, second) = app
        .call_for(
            customer,
            Method::GET,
            &format!("/v1/messaging/brands/{id}/history?perPage=2&page=2"),
            None,
        )
        .await;
    assert_eq!(
        second["items"][0]["position"], entries[2]["position"],
        "{second}"
    );

    // As of instants along the way: the state then, folded from the events.
    let at = |i: usize| entries[i]["recordedAt"].as_str().unwrap().to_string();
    let (status, _) = brand_as_of(&app, customer, &id, "2000-01-01T00:00:00Z").await;
    assert_eq!(status, 404, "before the brand existed");
    let (status, then) = brand_as_of(&app, customer, &id, &at(failed)).await;
    assert_eq!(status, 200, "{then}");
    assert_eq!(then["status"], "PENDING", "{then}");
    assert!(then["tcrBrandId"].is_null(), "{then}");
    assert!(then["asOf"].is_string(), "{then}");
    let (_, then) = brand_as_of(&app, customer, &id, &at(adopted)).await;
    assert_eq!(then["status"], "REGISTERED", "{then}");
    assert_eq!(then["tcrBrandId"], tcr_id.as_str(), "{then}");
    assert_ne!(then["identityStatus"], "VERIFIED", "{then}");
    let (_, then) = brand_as_of(&app, customer, &id, &at(webhook)).await;
    assert_eq!(then["identityStatus"], "VERIFIED", "{then}");
    let (_, then) = brand_as_of(&app, customer, &id, &at(drift)).await;
    assert_eq!(then["identityStatus"], "VETTED_VERIFIED", "{then}");
    assert_eq!(
        then["displayName"], "Storied [sim:created-then-http-500]",
        "{then}"
    );

    let campaign_path = format!("/v1/messaging/campaigns/{campaign_id}");
    let (_, then) = app
        .call_for(
            customer,
            Method::GET,
            &format!("{campaign_path}?asOf={}", at(rejected)),
            None,
        )
        .await;
    assert_eq!(carrier_status(&then, T_MOBILE), "REJECTED", "{then}");
    assert!(
        then["campaign"]["description"]
            .as_str()
            .unwrap()
            .contains("[sim:mno-reject-10035]"),
        "{then}"
    );
    let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
    let (_, latest) = app
        .call_for(
            customer,
            Method::GET,
            &format!("{campaign_path}?asOf={now}"),
            None,
        )
        .await;
    let live = app.campaign(customer, &campaign_id).await;
    for field in [
        "status",
        "tcrStatus",
        "tcrCampaignId",
        "campaign",
        "fees",
        "sharing",
    ] {
        assert_eq!(
            latest[field], live[field],
            "{field}: as of now {latest}\nlive {live}"
        );
    }
    assert_eq!(carrier_status(&latest, T_MOBILE), "REGISTERED", "{latest}");

    // The history as of an instant stops there.
    let (_, until) = app
        .call_for(
            customer,
            Method::GET,
            &format!(
                "/v1/messaging/brands/{id}/history?asOf={}&perPage=500",
                at(webhook)
            ),
            None,
        )
        .await;
    let until = until["items"].as_array().unwrap();
    assert!(
        until.len() > webhook && until.len() < entries.len(),
        "{until:?}"
    );
    assert!(until
        .iter()
        .all(|e| e["recordedAt"].as_str().unwrap() <= at(webhook).as_str()));

    // The operator's command tells the same story.
    let output = Command::new(binary())
        .args(["history", "brand", &id])
        .env("DATABASE_URL", &app.db.url)
        .output()
        .expect("run tendlc history");
    let told = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let lines: Vec<&str> = told.lines().collect();
    assert!(lines.len() >= entries.len(), "{told}");
    assert!(
        lines[failed].contains("BrandSubmissionFailed") && lines[failed].contains("→ HTTP 500"),
        "{told}"
    );
    assert!(
        lines[drift].contains(" poll ") && lines[drift].contains("VERIFIED → VETTED_VERIFIED"),
        "{told}"
    );
}

#[tokio::test]
async fn another_customer_sees_no_history_and_no_past_state() {
    let app = TestApp::spawn().await;
    let alpha = app.create_customer("BAN-HIST-A", "BASIC").await;
    let beta = app.create_customer("BAN-HIST-B", "BASIC").await;
    let (status, brand) = json_of(
        app.register_brand(alpha, &private_brand("Alpha History"))
            .await,
    )
    .await;
    assert_eq!(status, 201, "{brand}");
    let id = brand["id"].as_str().unwrap();
    let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
    let history = format!("/v1/messaging/brands/{id}/history");
    let past = format!("/v1/messaging/brands/{id}?asOf={now}");

    for token in [
        app.token(Role::CustomerAdmin, Some(beta)),
        app.token(Role::CustomerUser, Some(beta)),
    ] {
        let (status, body) = get_as(&app, &token, &history).await;
        assert_eq!(status, 404, "{body}");
        let (status, body) = get_as(&app, &token, &past).await;
        assert_eq!(status, 404, "{body}");
    }
    let alpha_user = app.token(Role::CustomerUser, Some(alpha));
    let (status, body) = get_as(&app, &alpha_user, &history).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["items"][0]["eventType"], "BrandRegistrationRequested",
        "{body}"
    );
    let (status, body) = get_as(&app, &alpha_user, &past).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["id"], id, "{body}");
    let (status, body) = get_as(&app, &app.superadmin(), &history).await;
    assert_eq!(status, 200, "a super admin sees every customer's: {body}");
    let (status, body) = get_as(
        &app,
        &alpha_user,
        &format!("/v1/messaging/campaigns/{}/history", Uuid::new_v4()),
    )
    .await;
    assert_eq!(status, 404, "{body}");
}

#[tokio::test]
async fn an_instant_that_is_not_one_is_refused_naming_as_of() {
    let app = TestApp::spawn().await;
    let customer = app.create_customer("BAN-HIST-Q", "BASIC").await;
    let (_, brand) = json_of(
        app.register_brand(customer, &private_brand("Asked Badly"))
            .await,
    )
    .await;
    let id = brand["id"].as_str().unwrap();
    for path in [
        format!("/v1/messaging/brands/{id}?asOf=yesterday"),
        format!("/v1/messaging/brands/{id}/history?asOf=2026-13-01"),
        format!("/v1/messaging/campaigns/{id}?asOf=soon"),
    ] {
        let (status, body) = app.call_for(customer, Method::GET, &path, None).await;
        assert_eq!(status, 422, "{path}: {body}");
        assert_eq!(body["fields"][0]["field"], "asOf", "{path}: {body}");
    }
    // Now is now: the same brand as the read table shows.
    let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
    let (status, then) = brand_as_of(&app, customer, id, &now).await;
    assert_eq!(status, 200, "{then}");
    let live = app.brand(id).await;
    for field in [
        "id",
        "customerId",
        "referenceId",
        "tcrBrandId",
        "status",
        "tcrStatus",
        "identityStatus",
        "brandRelationship",
        "displayName",
        "ein",
        "submissionAttempts",
        "createdAt",
    ] {
        assert_eq!(
            then[field], live[field],
            "{field}: as of now {then}\nlive {live}"
        );
    }
}
