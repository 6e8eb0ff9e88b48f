//! Campaigns end to end through the public API, against the TCR simulator: qualification,
//! every carrier outcome (registered, rejected with a reason then fixed and resubmitted,
//! suspended), nudges, sharing accepted and declined, deactivation — each step visible in the
//! read tables and recorded as events.
use std::time::Duration;

use reqwest::Method;
use serde_json::{json, Value};
use tendlc_api::config::SyncConfig;
use tendlc_tests::fixtures::private_brand;
use tendlc_tests::harness::{eventually, AppOptions};
use tendlc_tests::TestApp;
use uuid::Uuid;

const AT_T: &str = "10017";
const T_MOBILE: &str = "10035";
const VERIZON: &str = "10038";

fn options() -> AppOptions {
    AppOptions {
        scoring_delay: Duration::from_millis(300),
        subscribe_webhooks: true,
        sync: SyncConfig {
            tick: Duration::from_millis(200),
            // Webhooks do the work; polls are the safety net if one is slow.
            poll_unverified: Duration::from_secs(2),
            poll_campaign_review: Duration::from_secs(2),
            webhook_retry_base: Duration::from_millis(300),
            ..SyncConfig::default()
        },
        sim: Some(std::sync::Arc::new(|config| {
            config.campaign_review_delay = Duration::from_millis(400);
            config.vetting_delay = Duration::from_millis(400);
            config.sharing_delay = Duration::from_millis(400);
            config.appeal_delay = Duration::from_millis(400);
        })),
        ..AppOptions::default()
    }
}

async fn started() -> TestApp {
    let app = TestApp::spawn_with(options()).await;
    app.webhooks_subscribed().await;
    app
}

/// A registered brand whose identity reached `status`.
async fn verified_brand(app: &TestApp, customer: Uuid, name: &str) -> String {
    app.scored_brand(customer, &private_brand(name), "VERIFIED")
        .await
}

/// A valid MARKETING campaign; `description_markers` adds simulator markers.
fn campaign(brand_id: &str, description_markers: &str) -> Value {
    json!({
        "brandId": brand_id,
        "usecase": "MARKETING",
        "description": format!("Weekly offers from Acme Widgets to club members who opted in. {description_markers}"),
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

fn carrier<'a>(campaign: &'a Value, mno: &str) -> &'a Value {
    campaign["carriers"]
        .as_array()
        .and_then(|all| {
            all.iter()
                .find(|c| c["mnoId"].as_u64().map(|id| id.to_string()).as_deref() == Some(mno))
        })
        .unwrap_or_else(|| panic!("carrier {mno} in {campaign}"))
}

async fn campaign_until(
    app: &TestApp,
    customer: Uuid,
    id: &str,
    what: &str,
    done: impl Fn(&Value) -> bool,
) -> Value {
    eventually(Duration::from_secs(20), what, || async {
        let (_, campaign) = app
            .call_for(
                customer,
                Method::GET,
                &format!("/v1/messaging/campaigns/{id}"),
                None,
            )
            .await;
        done(&campaign).then_some(campaign)
    })
    .await
}

async fn event_types(app: &TestApp, id: &str) -> Vec<String> {
    app.events_of(id)
        .await
        .into_iter()
        .map(|(t, _)| t)
        .collect()
}

async fn campaign_events(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM events WHERE aggregate_type = 'Campaign'")
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_campaign_goes_through_every_carrier_outcome() {
    let app = started().await;
    let customer = app.create_customer("BAN-CMP-1", "BASIC").await;
    let brand = verified_brand(&app, customer, "Acme Campaigns").await;

    // What TCR will ask of a MARKETING campaign, before anything is billed.
    let (status, terms) = app
        .call_for(
            customer,
            Method::GET,
            &format!("/v1/messaging/brands/{brand}/qualify?usecase=MARKETING"),
            None,
        )
        .await;
    assert_eq!(status, 200, "{terms}");
    assert!(terms["monthlyFee"].as_f64().unwrap() > 0.0, "{terms}");
    assert!(
        terms["mnoMetadata"][AT_T]["msgClass"].is_string(),
        "AT&T class: {terms}"
    );
    assert!(
        terms["mnoMetadata"][T_MOBILE]["brandTier"].is_string(),
        "T-Mobile tier: {terms}"
    );

    // T-Mobile will reject it, AT&T approve then suspend it; the others approve.
    let markers = format!("[sim:mno-reject-{T_MOBILE}] [sim:mno-suspend-{AT_T}]");
    let (status, created) = app
        .call_for(
            customer,
            Method::POST,
            "/v1/messaging/campaigns",
            Some(campaign(&brand, &markers)),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_str().unwrap().to_string();
    assert_eq!(created["status"], "REGISTERED", "{created}");
    assert_eq!(created["tcrStatus"], "ACTIVE", "{created}");
    assert!(
        created["tcrCampaignId"]
            .as_str()
            .is_some_and(|c| c.starts_with('C')),
        "{created}"
    );
    assert_eq!(
        created["carriers"].as_array().unwrap().len(),
        6,
        "one row per carrier: {created}"
    );
    let monthly = created["fees"]["monthlyFee"].as_f64().expect("monthly fee");
    assert_eq!(
        created["fees"]["minimumCommitment"].as_f64(),
        Some(monthly * 3.0),
        "3-month minimum: {created}"
    );
    assert!(created["fees"]["billedDate"].is_string(), "{created}");
    assert!(
        created["fees"]["nextRenewalOrExpirationDate"].is_string(),
        "{created}"
    );

    let settled = campaign_until(
        &app,
        customer,
        &id,
        "T-Mobile to reject and AT&T to suspend, each with its reason",
        |c| {
            // A poll may record a status a moment before the webhook that explains it.
            carrier(c, T_MOBILE)["status"] == "REJECTED"
                && carrier(c, AT_T)["status"] == "SUSPENDED"
                && carrier(c, VERIZON)["status"] == "REGISTERED"
                && !carrier(c, T_MOBILE)["reason"].is_null()
                && !carrier(c, AT_T)["reason"].is_null()
        },
    )
    .await;
    let t_mobile = carrier(&settled, T_MOBILE);
    assert!(
        t_mobile["reason"]["category"].is_string(),
        "the carrier's reason is kept structured: {t_mobile}"
    );
    assert!(
        t_mobile["reason"]["text"]
            .as_str()
            .is_some_and(|t| !t.is_empty()),
        "{t_mobile}"
    );
    assert_eq!(t_mobile["sending"]["canSend"], false);
    assert!(
        t_mobile["sending"]["reason"]
            .as_str()
            .unwrap()
            .contains("rejected"),
        "{t_mobile}"
    );
    let at_t = carrier(&settled, AT_T);
    assert!(at_t["reason"]["category"].is_string(), "{at_t}");
    assert!(
        at_t["throughput"]["msgClass"].is_string(),
        "AT&T class: {at_t}"
    );
    assert!(
        carrier(&settled, T_MOBILE)["throughput"]["brandTier"].is_string(),
        "{settled}"
    );
    assert_eq!(
        carrier(&settled, VERIZON)["sending"]["canSend"],
        true,
        "{settled}"
    );

    // Filters by carrier status.
    let (_, suspended) = app
        .call_for(
            customer,
            Method::GET,
            &format!("/v1/messaging/campaigns?carrierStatus=SUSPENDED&carrier={AT_T}"),
            None,
        )
        .await;
    assert_eq!(suspended["total"], 1, "{suspended}");
    let (_, none) = app
        .call_for(
            customer,
            Method::GET,
            &format!("/v1/messaging/campaigns?carrierStatus=SUSPENDED&carrier={VERIZON}"),
            None,
        )
        .await;
    assert_eq!(none["total"], 0, "{none}");

    // Appeal the rejection, fix the campaign, resubmit to T-Mobile: it registers.
    let (status, nudged) = app.call_for( customer, Method::POST, &format!("/v1/messaging/campaigns/{id}/nudge"), Some(json!({"nudgeIntent": "APPEAL_REJECTION", "description": "Samples now match the description."}))).await;
    assert_eq!(status, 200, "{nudged}");
    let fixed = format!(
        "Weekly offers from Acme Widgets to club members who opted in. [sim:mno-suspend-{AT_T}]"
    );
    let (status, updated) = app
        .call_for(
            customer,
            Method::PATCH,
            &format!("/v1/messaging/campaigns/{id}"),
            Some(json!({"description": fixed})),
        )
        .await;
    assert_eq!(status, 200, "{updated}");
    assert_eq!(
        updated["campaign"]["description"],
        fixed.as_str(),
        "{updated}"
    );
    let (status, refused) = app
        .call_for(
            customer,
            Method::PATCH,
            &format!("/v1/messaging/campaigns/{id}"),
            Some(json!({"usecase": "2FA"})),
        )
        .await;
    assert_eq!(status, 422, "TCR fixes the use case: {refused}");
    assert_eq!(refused["fields"][0]["field"], "usecase", "{refused}");
    let (status, resubmitted) = app
        .call_for(
            customer,
            Method::POST,
            &format!("/v1/messaging/campaigns/{id}/resubmit"),
            Some(json!({"mnoIds": [10035]})),
        )
        .await;
    assert_eq!(status, 200, "{resubmitted}");
    let registered = campaign_until(
        &app,
        customer,
        &id,
        "T-Mobile to register the fixed campaign",
        |c| carrier(c, T_MOBILE)["status"] == "REGISTERED",
    )
    .await;
    assert_eq!(
        carrier(&registered, T_MOBILE)["sending"]["canSend"],
        true,
        "{registered}"
    );

    // The read tables hold one row per carrier, each synced.
    let rows: Vec<(i32, Option<String>, Option<String>)> = sqlx::query_as(
        "SELECT m.mno_id, m.status, m.sync_source FROM campaign_mno_status m WHERE m.campaign_id = $1 ORDER BY mno_id",
    )
    .bind(Uuid::parse_str(&id).unwrap())
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(rows.len(), 6, "{rows:?}");
    assert!(
        rows.iter()
            .all(|(_, status, source)| status.is_some() && source.is_some()),
        "{rows:?}"
    );
    let (synced, source): (bool, Option<String>) = sqlx::query_as(
        "SELECT last_synced_at IS NOT NULL, sync_source FROM campaigns_10dlc WHERE campaign_id = $1",
    )
    .bind(Uuid::parse_str(&id).unwrap())
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert!(
        synced && source.is_some(),
        "campaigns_10dlc says when and how it was synced"
    );

    // Deactivate: EXPIRED, nothing can send; doing it again changes nothing.
    let (status, expired) = app
        .call_for(
            customer,
            Method::DELETE,
            &format!("/v1/messaging/campaigns/{id}"),
            None,
        )
        .await;
    assert_eq!(status, 200, "{expired}");
    assert_eq!(expired["tcrStatus"], "EXPIRED", "{expired}");
    assert!(
        expired["carriers"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["sending"]["canSend"] == false),
        "{expired}"
    );
    let (status, again) = app
        .call_for(
            customer,
            Method::DELETE,
            &format!("/v1/messaging/campaigns/{id}"),
            None,
        )
        .await;
    assert_eq!(
        (status, &again["tcrStatus"]),
        (200, &json!("EXPIRED")),
        "{again}"
    );
    let (status, refused) = app
        .call_for(
            customer,
            Method::POST,
            &format!("/v1/messaging/campaigns/{id}/resubmit"),
            Some(json!({"mnoIds": [10017]})),
        )
        .await;
    assert_eq!(
        status, 409,
        "an expired campaign cannot be resubmitted: {refused}"
    );

    let events = event_types(&app, &id).await;
    for expected in [
        "CampaignRegistrationRequested",
        "CampaignSubmittedToTcr",
        "CampaignMnoStatusChanged",
        "CampaignNudged",
        "CampaignUpdated",
        "CampaignResubmitted",
        "CampaignDeactivated",
    ] {
        assert!(
            events.iter().any(|e| e == expected),
            "{expected} in {events:?}"
        );
    }
    let changes = app.payloads_of(&id, "CampaignMnoStatusChanged").await;
    assert!(
        changes
            .iter()
            .any(|e| e["CampaignMnoStatusChanged"]["to"] == "REJECTED"
                && e["CampaignMnoStatusChanged"]["reason"]["category"].is_string()),
        "the rejection is recorded with its reason: {changes:?}"
    );

    // The customer sees its campaign's deliveries in the webhook audit log.
    let tcr_campaign = created["tcrCampaignId"].as_str().unwrap();
    let (status, log) = app
        .call_for(
            customer,
            Method::GET,
            &format!("/v1/messaging/webhook-events?tcrId={tcr_campaign}"),
            None,
        )
        .await;
    assert_eq!(status, 200, "{log}");
    assert!(log["total"].as_i64().unwrap() > 0, "{log}");

    // With its only campaign deactivated, the brand can be deleted.
    let (status, deleted) = app
        .call_for(
            customer,
            Method::DELETE,
            &format!("/v1/messaging/brands/{brand}"),
            None,
        )
        .await;
    assert_eq!(status, 200, "{deleted}");
    assert_eq!(deleted["tcrStatus"], "DELETED", "{deleted}");
}

#[tokio::test]
async fn a_brand_with_an_active_campaign_cannot_be_deleted() {
    let app = started().await;
    let customer = app.create_customer("BAN-CMP-DEL", "BASIC").await;
    let brand = verified_brand(&app, customer, "Acme Keep").await;
    let (status, created) = app
        .call_for(
            customer,
            Method::POST,
            "/v1/messaging/campaigns",
            Some(campaign(&brand, "")),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    let (status, refused) = app
        .call_for(
            customer,
            Method::DELETE,
            &format!("/v1/messaging/brands/{brand}"),
            None,
        )
        .await;
    assert_eq!(status, 409, "{refused}");
    assert_eq!(refused["code"], "brand_has_active_campaigns", "{refused}");
    assert_eq!(app.brand(&brand).await["tcrStatus"], "ACTIVE");
}

#[tokio::test]
async fn sharing_is_accepted_or_declined_by_the_partner() {
    let app = started().await;
    let customer = app.create_customer("BAN-CMP-SHARE", "BASIC").await;
    let brand = verified_brand(&app, customer, "Acme Share").await;
    let cnp = "BANDW";

    let mut outcomes = vec![];
    for (markers, expected) in [("", "ACCEPTED"), ("[sim:share-decline]", "DECLINED")] {
        let (status, created) = app
            .call_for(
                customer,
                Method::POST,
                "/v1/messaging/campaigns",
                Some(campaign(&brand, markers)),
            )
            .await;
        assert_eq!(status, 201, "{created}");
        let id = created["id"].as_str().unwrap().to_string();
        let (status, shared) = app
            .call_for(
                customer,
                Method::POST,
                &format!("/v1/messaging/campaigns/{id}/sharing"),
                Some(json!({"upstreamCnpId": cnp})),
            )
            .await;
        assert_eq!(status, 200, "{shared}");
        assert_eq!(shared["sharing"]["status"], "PENDING", "{shared}");
        assert_eq!(shared["sharing"]["upstreamCnpId"], cnp, "{shared}");
        let (status, twice) = app
            .call_for(
                customer,
                Method::POST,
                &format!("/v1/messaging/campaigns/{id}/sharing"),
                Some(json!({"upstreamCnpId": cnp})),
            )
            .await;
        assert_eq!(
            status, 409,
            "a pending share cannot be shared again: {twice}"
        );
        let done = campaign_until(
            &app,
            customer,
            &id,
            &format!("sharing to become {expected}"),
            |c| c["sharing"]["status"] == expected,
        )
        .await;
        outcomes.push((id, done));
    }
    let declined = &outcomes[1].1;
    assert!(
        declined["sharing"]["explanation"]
            .as_str()
            .is_some_and(|e| !e.is_empty()),
        "the partner says why: {declined}"
    );
    // After a decline the CSP may choose another partner.
    let (status, again) = app
        .call_for(
            customer,
            Method::POST,
            &format!("/v1/messaging/campaigns/{}/sharing", outcomes[1].0),
            Some(json!({"upstreamCnpId": "SINCH"})),
        )
        .await;
    assert_eq!(status, 200, "{again}");
    let events = event_types(&app, &outcomes[0].0).await;
    assert!(
        events
            .iter()
            .filter(|e| *e == "CampaignSharingChanged")
            .count()
            >= 2,
        "{events:?}"
    );
}

#[tokio::test]
async fn invalid_campaigns_are_refused_before_tcr_is_called_naming_every_field() {
    let app = started().await;
    let customer = app.create_customer("BAN-CMP-BAD", "BASIC").await;
    let brand = verified_brand(&app, customer, "Acme Strict").await;
    let mut bad = campaign(&brand, "");
    bad["description"] = json!("too short");
    bad["sample2"] = json!("short");
    bad["optoutKeywords"] = Value::Null;
    bad["mnoIds"] = json!([10017, 99999]);
    bad["privacyPolicyLink"] = json!("not a link");
    bad["colour"] = json!("red");
    let (status, refused) = app
        .call_for(customer, Method::POST, "/v1/messaging/campaigns", Some(bad))
        .await;
    assert_eq!(status, 422, "{refused}");
    let fields: Vec<&str> = refused["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    for field in [
        "description",
        "sample2",
        "optoutKeywords",
        "mnoIds[1]",
        "privacyPolicyLink",
        "colour",
    ] {
        assert!(fields.contains(&field), "{field} named in {refused}");
    }
    let (status, missing) = app
        .call_for(
            customer,
            Method::POST,
            "/v1/messaging/campaigns",
            Some(json!({"usecase": "MARKETING"})),
        )
        .await;
    assert_eq!(status, 422, "{missing}");
    let fields: Vec<&str> = missing["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    for field in ["brandId", "description", "messageFlow", "sample1"] {
        assert!(fields.contains(&field), "{field} named in {missing}");
    }
    assert_eq!(campaign_events(&app).await, 0, "nothing was recorded");
    assert!(
        !app.sim
            .handle
            .deliveries()
            .iter()
            .any(|d| d.event_type == "CAMPAIGN_ADD"),
        "nothing reached TCR"
    );
}

#[tokio::test]
async fn campaigns_need_a_verified_brand_of_the_customers_own() {
    let app = started().await;
    let alpha = app.create_customer("BAN-CMP-A", "BASIC").await;
    let beta = app.create_customer("BAN-CMP-B", "BASIC").await;
    let unverified = app
        .scored_brand(
            alpha,
            &private_brand("Acme Doubtful [sim:unverified]"),
            "UNVERIFIED",
        )
        .await;
    let (status, refused) = app
        .call_for(
            alpha,
            Method::POST,
            "/v1/messaging/campaigns",
            Some(campaign(&unverified, "")),
        )
        .await;
    assert_eq!(status, 409, "{refused}");
    assert_eq!(refused["code"], "brand_not_verified", "{refused}");
    assert!(
        refused["message"].as_str().unwrap().contains("UNVERIFIED"),
        "{refused}"
    );

    let betas = verified_brand(&app, beta, "Beta Corp").await;
    let (status, hidden) = app
        .call_for(
            alpha,
            Method::POST,
            "/v1/messaging/campaigns",
            Some(campaign(&betas, "")),
        )
        .await;
    assert_eq!(
        status, 404,
        "another customer's brand is not found: {hidden}"
    );
    let (status, hidden) = app
        .call_for(
            alpha,
            Method::GET,
            &format!("/v1/messaging/brands/{betas}/qualify?usecase=MARKETING"),
            None,
        )
        .await;
    assert_eq!(status, 404, "{hidden}");
    assert_eq!(campaign_events(&app).await, 0, "nothing was recorded");

    // And another customer's campaign is not found either.
    let (status, created) = app
        .call_for(
            beta,
            Method::POST,
            "/v1/messaging/campaigns",
            Some(campaign(&betas, "")),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_str().unwrap();
    for (method, path) in [
        (Method::GET, format!("/v1/messaging/campaigns/{id}")),
        (Method::DELETE, format!("/v1/messaging/campaigns/{id}")),
    ] {
        let (status, body) = app.call_for(alpha, method.clone(), &path, None).await;
        assert_eq!(status, 404, "{method} {path}: {body}");
    }
    let (_, list) = app
        .call_for(alpha, Method::GET, "/v1/messaging/campaigns", None)
        .await;
    assert_eq!(list["total"], 0, "{list}");
}
