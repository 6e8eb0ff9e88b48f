//! Authentication+ for PUBLIC_PROFIT brands through tendlc's API against the simulator: ordered
//! like other vettings, followed from TCR's `BRAND_AUTHPLUS_*` / `BRAND_EMAIL_2FA_*` webhooks
//! (each confirmed by reading TCR's vettings), and refused for brands it does not apply to; the
//! brand's `authPlus` with what the customer must do next; resending the 2FA e-mail (at most one
//! per 2 hours); and the confirmation a change of `businessContactEmail` needs, as it revokes Auth+.
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
    // Polls of an ACTIVE brand are far apart: only webhooks can bring the Auth+ steps in time.
    let app = TestApp::spawn_with(webhook_options(Duration::from_millis(400))).await;
    app.webhooks_subscribed().await;
    let customer = app.create_customer("BAN-AUTHPLUS-1", "BASIC").await;
    let (brand, tcr_brand) = auth_plus_email_sent(&app, customer, "Acme Public").await;

    // TCR checked the domain and mailed the business contact: the vetting waits for 2FA.
    auth_plus_vetting(&app, customer, &brand, "UNSCORE").await;
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

/// Webhooks bring every Auth+ step; polls of an ACTIVE brand are far apart.
fn webhook_options(vetting_delay: Duration) -> AppOptions {
    AppOptions {
        subscribe_webhooks: true,
        sync: SyncConfig {
            tick: Duration::from_millis(200),
            poll_unverified: Duration::from_millis(300),
            poll_active: Duration::from_secs(3600),
            webhook_retry_base: Duration::from_millis(300),
            ..SyncConfig::default()
        },
        sim: Some(std::sync::Arc::new(move |config| {
            config.vetting_delay = vetting_delay;
        })),
        ..options()
    }
}

/// The brand's `authPlus` once its status is `status`.
async fn auth_plus_shown(app: &TestApp, customer: uuid::Uuid, brand: &str, status: &str) -> Value {
    let path = format!("/v1/messaging/brands/{brand}");
    eventually(
        Duration::from_secs(15),
        &format!("the brand's authPlus to be {status}"),
        || async {
            let (code, shown) = app.call_for(customer, Method::GET, &path, None).await;
            assert_eq!(code, 200, "{shown}");
            (shown["authPlus"]["status"] == status).then(|| shown["authPlus"].clone())
        },
    )
    .await
}

/// Asks for a resend of the brand's 2FA e-mail: status, `Retry-After` (seconds) and body.
async fn resend(app: &TestApp, customer: uuid::Uuid, brand: &str) -> (u16, Option<i64>, Value) {
    let path = format!("/v1/messaging/brands/{brand}/auth-plus/email");
    let response = app
        .as_operator_for(Method::POST, &path, customer)
        .send()
        .await
        .expect("the resend answers");
    let status = response.status().as_u16();
    let retry_after = response
        .headers()
        .get("Retry-After")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok());
    let body = response.json().await.unwrap_or(Value::Null);
    (status, retry_after, body)
}

/// TCR's id of one of our brands.
async fn tcr_id(app: &TestApp, brand: &str) -> String {
    app.brand(brand).await["tcrBrandId"]
        .as_str()
        .unwrap_or_else(|| panic!("brand {brand} is registered with TCR"))
        .to_string()
}

fn text(value: &Value) -> &str {
    value.as_str().unwrap_or_default()
}

/// The resend actions recorded on the brand.
async fn resends_recorded(app: &TestApp, brand: &str) -> Vec<Value> {
    app.payloads_of(brand, "BrandActionRequested")
        .await
        .into_iter()
        .filter(|p| p["BrandActionRequested"]["action"]["kind"] == "resendAuthPlusEmail")
        .collect()
}

/// A verified public company of `customer` whose Auth+ tendlc ordered and followed to
/// EMAIL_SENT; returns our id and TCR's.
async fn auth_plus_email_sent(app: &TestApp, customer: uuid::Uuid, name: &str) -> (String, String) {
    let brand = app
        .scored_brand(customer, &public_brand(name), "VERIFIED")
        .await;
    assert!(
        app.brand(&brand).await["authPlus"].is_null(),
        "no authPlus before an Auth+ vet is ordered"
    );
    let (status, ordered) = app.order_vetting(customer, &brand, "AUTHPLUS").await;
    assert_eq!(status, 200, "ordering Auth+: {ordered}");
    assert_eq!(
        ordered["authPlus"]["status"], "DOMAIN_PENDING",
        "just ordered, TCR checks the domain first: {ordered}"
    );
    assert!(
        text(&ordered["authPlus"]["nextStep"]).contains("checking the domain"),
        "{ordered}"
    );
    auth_plus_shown(app, customer, &brand, "EMAIL_SENT").await;
    let tcr_brand = tcr_id(app, &brand).await;
    (brand, tcr_brand)
}

#[tokio::test]
async fn the_brand_shows_auth_plus_with_the_next_step_and_a_resend_waits_two_hours_after_the_email()
{
    let app = TestApp::spawn_with(webhook_options(Duration::from_millis(600))).await;
    app.webhooks_subscribed().await;
    let alpha = app.create_customer("BAN-AUTHPLUS-R1", "BASIC").await;
    let beta = app.create_customer("BAN-AUTHPLUS-R2", "BASIC").await;
    let (brand, tcr_brand) = auth_plus_email_sent(&app, alpha, "Acme Resend").await;

    // TCR e-mailed the contact: the brand says who must do what, and when a resend is allowed.
    let shown = auth_plus_shown(&app, alpha, &brand, "EMAIL_SENT").await;
    let next = text(&shown["nextStep"]);
    assert!(
        next.contains("jane.doe@acmewidgets.com") && next.contains("verification e-mail"),
        "the next step names the business contact and the e-mail: {shown}"
    );
    let sent_at: chrono::DateTime<chrono::Utc> = text(&shown["emailSentAt"])
        .parse()
        .unwrap_or_else(|_| panic!("emailSentAt is a time: {shown}"));
    let allowed_at: chrono::DateTime<chrono::Utc> = text(&shown["resendAllowedAt"])
        .parse()
        .unwrap_or_else(|_| panic!("resendAllowedAt is a time: {shown}"));
    assert_eq!(allowed_at - sent_at, chrono::Duration::hours(2), "{shown}");
    assert!(next.contains("resend is allowed from"), "{shown}");

    // A resend within 2 hours of the e-mail is refused, saying when, and nothing is recorded.
    let (status, retry_after, refused) = resend(&app, alpha, &brand).await;
    assert_eq!(status, 409, "a resend 2 h after the e-mail: {refused}");
    assert_eq!(refused["code"], "too_soon", "{refused}");
    let retry_at: chrono::DateTime<chrono::Utc> = text(&refused["retryAfter"])
        .parse()
        .unwrap_or_else(|_| panic!("retryAfter is a time: {refused}"));
    assert_eq!(retry_at, allowed_at, "{refused}");
    let seconds = retry_after.expect("a Retry-After header");
    assert!(
        (7000..=7200).contains(&seconds),
        "Retry-After counts the seconds to the allowed time: {seconds}"
    );
    assert!(
        text(&refused["message"]).contains("2 hours"),
        "the refusal says why: {refused}"
    );
    assert!(
        resends_recorded(&app, &brand).await.is_empty(),
        "a refused resend records nothing"
    );

    // Another customer cannot resend it, nor learn it exists.
    let (status, _, body) = resend(&app, beta, &brand).await;
    assert_eq!(status, 404, "another customer's brand is not found: {body}");

    // The contact confirms: VERIFIED, nothing more to do, nothing to resend.
    assert!(app.sim.handle.complete_auth_plus_2fa(&tcr_brand));
    let verified = auth_plus_shown(&app, alpha, &brand, "VERIFIED").await;
    assert!(
        verified["resendAllowedAt"].is_null(),
        "no resend once verified: {verified}"
    );
    assert!(
        text(&verified["nextStep"]).starts_with("Nothing"),
        "{verified}"
    );
    let (status, _, refused) = resend(&app, alpha, &brand).await;
    assert_eq!(status, 409, "a resend once verified: {refused}");
    assert!(
        text(&refused["message"]).contains("already VERIFIED"),
        "{refused}"
    );
}

#[tokio::test]
async fn a_resend_of_an_auth_plus_vet_ordered_at_tcr_is_sent_and_recorded_then_throttled() {
    // The vet is ordered in TCR's portal, so tendlc first sees it with the e-mail already sent
    // and cannot know when: the first resend is TCR's to throttle, the next one ours.
    let app = TestApp::spawn_with(webhook_options(Duration::ZERO)).await;
    app.webhooks_subscribed().await;
    let customer = app.create_customer("BAN-AUTHPLUS-R3", "BASIC").await;
    let (brand, _) = auth_plus_ordered_at_tcr(&app, customer, "Acme Portal").await;
    let shown = app.brand(&brand).await["authPlus"].clone();
    assert!(
        text(&shown["nextStep"]).contains("can be resent now"),
        "{shown}"
    );

    let (status, _, resent) = resend(&app, customer, &brand).await;
    assert_eq!(status, 200, "the first resend: {resent}");
    let auth_plus = &resent["authPlus"];
    assert_eq!(auth_plus["resends"], 1, "{resent}");
    assert_eq!(auth_plus["status"], "EMAIL_SENT", "{resent}");
    assert!(!auth_plus["emailSentAt"].is_null(), "{resent}");
    // History shows the resend asked of TCR, then TCR's acceptance.
    assert_eq!(resends_recorded(&app, &brand).await.len(), 1);
    let accepted = app.payloads_of(&brand, "BrandAuthPlusEmailResent").await;
    assert_eq!(
        accepted.len(),
        1,
        "TCR's acceptance is recorded: {accepted:?}"
    );
    assert_eq!(
        accepted[0]["BrandAuthPlusEmailResent"]["vetting_id"],
        auth_plus["vettingId"]
    );
    let history = app.brand_history(customer, &brand).await;
    let summaries: Vec<&str> = history.iter().map(|i| text(&i["summary"])).collect();
    let asked = summaries
        .iter()
        .position(|s| s.contains("Auth+ e-mail resend requested"));
    let taken = summaries
        .iter()
        .position(|s| s.contains("2FA e-mail resent to the business contact"));
    assert!(
        matches!((asked, taken), (Some(a), Some(t)) if a < t),
        "the history shows the resend asked, then taken by TCR: {summaries:?}"
    );

    let (status, retry_after, refused) = resend(&app, customer, &brand).await;
    assert_eq!(status, 409, "a second resend within 2 h: {refused}");
    assert_eq!(refused["code"], "too_soon", "{refused}");
    assert_eq!(
        refused["retryAfter"]
            .as_str()
            .map(|t| t.parse::<chrono::DateTime<chrono::Utc>>().ok()),
        auth_plus["resendAllowedAt"]
            .as_str()
            .map(|t| t.parse().ok()),
        "{refused}"
    );
    assert!(retry_after.is_some_and(|s| s > 7000), "{retry_after:?}");
    assert_eq!(resends_recorded(&app, &brand).await.len(), 1);
}

/// A public company whose Auth+ vet was ordered at TCR (its portal): tendlc first sees it with
/// the e-mail already sent and cannot know when. Returns our id and TCR's.
async fn auth_plus_ordered_at_tcr(
    app: &TestApp,
    customer: uuid::Uuid,
    name: &str,
) -> (String, String) {
    let brand = app
        .scored_brand(customer, &public_brand(name), "VERIFIED")
        .await;
    let tcr_brand = tcr_id(app, &brand).await;
    let ordered = reqwest::Client::new()
        .post(format!(
            "{}/brand/{tcr_brand}/externalVetting",
            app.sim.base_url
        ))
        .basic_auth(&app.sim.api_key, Some(&app.sim.api_secret))
        .json(&json!({"evpId": "AEGIS", "vettingClass": "AUTHPLUS"}))
        .send()
        .await
        .expect("the simulator answers");
    assert_eq!(ordered.status(), 200, "ordering Auth+ at TCR");
    let shown = auth_plus_shown(app, customer, &brand, "EMAIL_SENT").await;
    assert!(shown["emailSentAt"].is_null(), "{shown}");
    (brand, tcr_brand)
}

#[tokio::test]
async fn tcrs_refusal_of_a_resend_is_shown_with_what_it_means_and_recorded() {
    let app = TestApp::spawn_with(webhook_options(Duration::ZERO)).await;
    app.webhooks_subscribed().await;
    let customer = app.create_customer("BAN-AUTHPLUS-R4", "BASIC").await;
    let (brand, tcr_brand) = auth_plus_ordered_at_tcr(&app, customer, "Acme Lost").await;
    // Every delivery TCR sent so far is applied (each re-reads TCR's vettings).
    app.webhooks_applied(Duration::from_secs(15)).await;
    // Someone changes the business contact in TCR's portal, which fails the vet there, and
    // tendlc does not hear of it (its webhooks are lost; the next poll is an hour away).
    app.sim.handle.set_faults(tendlc_tcr_sim::SimFaults {
        webhook_drop_rate: 1.0,
        ..Default::default()
    });
    let mut at_tcr = app
        .sim
        .handle
        .brand(&tcr_brand)
        .expect("TCR holds the brand");
    at_tcr["businessContactEmail"] = json!("john.roe@acmewidgets.com");
    let changed = reqwest::Client::new()
        .put(format!("{}/brand/{tcr_brand}", app.sim.base_url))
        .basic_auth(&app.sim.api_key, Some(&app.sim.api_secret))
        .json(&at_tcr)
        .send()
        .await
        .expect("the simulator answers");
    assert_eq!(changed.status(), 200, "changing the contact at TCR");

    let (status, _, refused) = resend(&app, customer, &brand).await;
    assert_eq!(status, 422, "TCR refuses the resend: {refused}");
    assert_eq!(
        refused["tcr"][0]["code"], 565,
        "TCR's code is shown: {refused}"
    );
    assert!(
        text(&refused["message"]).contains("order a new Auth+ vet"),
        "the answer says what TCR's refusal means: {refused}"
    );
    let failed = app.payloads_of(&brand, "BrandActionFailed").await;
    assert_eq!(failed.len(), 1, "TCR's refusal is recorded: {failed:?}");
    assert_eq!(
        failed[0]["BrandActionFailed"]["action"],
        "Auth+ e-mail resend"
    );
    assert!(
        app.payloads_of(&brand, "BrandAuthPlusEmailResent")
            .await
            .is_empty(),
        "nothing was resent"
    );
}

#[tokio::test]
async fn changing_the_business_contact_of_an_auth_plus_brand_needs_confirmation_and_revokes_it() {
    let app = TestApp::spawn_with(webhook_options(Duration::from_millis(300))).await;
    app.webhooks_subscribed().await;
    let customer = app.create_customer("BAN-AUTHPLUS-C1", "BASIC").await;
    let (brand, tcr_brand) = auth_plus_email_sent(&app, customer, "Acme Contact").await;
    assert!(app.sim.handle.complete_auth_plus_2fa(&tcr_brand));
    auth_plus_shown(&app, customer, &brand, "VERIFIED").await;
    let path = format!("/v1/messaging/brands/{brand}");
    let new_contact = json!({"businessContactEmail": "john.roe@acmewidgets.com"});

    // Unconfirmed: refused with the warning, nothing sent to TCR.
    let (status, refused) = app
        .call_for(customer, Method::PATCH, &path, Some(new_contact.clone()))
        .await;
    assert_eq!(status, 409, "an unconfirmed contact change: {refused}");
    assert_eq!(
        refused["code"], "auth_plus_revocation_unconfirmed",
        "{refused}"
    );
    assert_eq!(
        refused["fields"][0]["field"], "confirmAuthPlusRevocation",
        "the field that settles it is named: {refused}"
    );
    let message = text(&refused["message"]);
    assert!(
        message.contains("revokes") && message.contains("confirmAuthPlusRevocation"),
        "the refusal says what the change does and how to confirm: {refused}"
    );
    let at_tcr = app
        .sim
        .handle
        .brand(&tcr_brand)
        .expect("TCR holds the brand");
    assert_eq!(
        at_tcr["businessContactEmail"], "jane.doe@acmewidgets.com",
        "nothing was sent to TCR"
    );
    assert_eq!(app.brand(&brand).await["authPlus"]["status"], "VERIFIED");

    // A confirmation that is not a boolean is named.
    let mut odd = new_contact.clone();
    odd["confirmAuthPlusRevocation"] = json!("yes");
    let (status, invalid) = app
        .call_for(customer, Method::PATCH, &path, Some(odd))
        .await;
    assert_eq!(status, 422, "{invalid}");
    assert!(
        invalid.to_string().contains("confirmAuthPlusRevocation"),
        "{invalid}"
    );

    // Confirmed: the change is sent, and Auth+ shows revoked with what to do next.
    let mut confirmed = new_contact;
    confirmed["confirmAuthPlusRevocation"] = json!(true);
    let (status, changed) = app
        .call_for(customer, Method::PATCH, &path, Some(confirmed))
        .await;
    assert_eq!(status, 200, "the confirmed change: {changed}");
    assert_eq!(changed["businessContactEmail"], "john.roe@acmewidgets.com");
    assert_eq!(changed["authPlus"]["status"], "REVOKED", "{changed}");
    let next = text(&changed["authPlus"]["nextStep"]);
    assert!(
        next.contains("john.roe@acmewidgets.com") && next.contains("new Auth+ vet"),
        "{changed}"
    );
    // TCR fails the vet; the brand keeps saying why.
    auth_plus_vetting(&app, customer, &brand, "FAILED").await;
    assert_eq!(app.brand(&brand).await["authPlus"]["status"], "REVOKED");
    // and the advice can be followed: TCR takes a new Auth+ vet at once.
    let (status, ordered) = app.order_vetting(customer, &brand, "AUTHPLUS").await;
    assert_eq!(
        status, 200,
        "a new Auth+ vet after the revocation: {ordered}"
    );
}
