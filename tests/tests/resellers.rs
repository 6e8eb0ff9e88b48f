//! Resellers through tendlc's API against the simulator: registered with TCR, changed, deleted,
//! each customer's own; named by campaigns of the same customer only; a registration whose
//! answer was lost is adopted on retry, never created twice.
use std::time::Duration;

use reqwest::Method;
use serde_json::{json, Value};
use tendlc_api::config::SyncConfig;
use tendlc_api::http::auth::Role;
use tendlc_tests::fixtures::{private_brand, two_factor_campaign};
use tendlc_tests::harness::{json_of, status_and_body, AppOptions};
use tendlc_tests::stand_in::TcrStandIn;
use tendlc_tests::TestApp;

const RESELLERS: &str = "/v1/messaging/resellers";

fn reseller(name: &str) -> Value {
    json!({"companyName": name, "phone": "+18348365467", "email": "ops@resale.example"})
}

/// Registers a reseller for `customer` and answers it as the API showed it.
async fn registered(app: &TestApp, customer: uuid::Uuid, name: &str) -> Value {
    let (status, body) = app
        .call_for(customer, Method::POST, RESELLERS, Some(reseller(name)))
        .await;
    assert_eq!(status, 201, "registering reseller {name}: {body}");
    body
}

#[tokio::test]
async fn a_customer_registers_changes_and_deletes_a_reseller_at_tcr() {
    let app = TestApp::spawn().await;
    let customer = app.create_customer("BAN-RESELL-1", "BASIC").await;

    let created = registered(&app, customer, "Acme Resale").await;
    assert_eq!(created["status"], "REGISTERED", "{created}");
    let id = created["id"].as_str().unwrap().to_string();
    let tcr_id = created["tcrResellerId"]
        .as_str()
        .expect("TCR's id")
        .to_string();
    assert!(
        tcr_id.starts_with('R') && tcr_id.len() == 7,
        "TCR's reseller ids are R + 6: {tcr_id}"
    );
    let at_tcr = app
        .sim
        .handle
        .reseller(&tcr_id)
        .expect("TCR holds the reseller");
    assert_eq!(at_tcr["companyName"], "Acme Resale", "{at_tcr}");
    let kinds: Vec<String> = app
        .events_of(&id)
        .await
        .into_iter()
        .map(|(k, _)| k)
        .collect();
    assert_eq!(
        kinds,
        ["ResellerRegistrationRequested", "ResellerRegisteredWithTcr"],
        "the intent is recorded before TCR's answer"
    );

    // A change goes to TCR; the same details again change nothing.
    let path = format!("{RESELLERS}/{id}");
    let mut changed = reseller("Acme Resale");
    changed["email"] = json!("billing@resale.example");
    let (status, body) = app
        .call_for(customer, Method::PUT, &path, Some(changed.clone()))
        .await;
    assert_eq!(status, 200, "updating the reseller: {body}");
    assert_eq!(body["email"], "billing@resale.example", "{body}");
    assert_eq!(
        app.sim.handle.reseller(&tcr_id).unwrap()["email"],
        "billing@resale.example",
        "TCR was told the new e-mail"
    );
    let before = app.events_of(&id).await.len();
    let (status, _) = app
        .call_for(customer, Method::PUT, &path, Some(changed))
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        app.events_of(&id).await.len(),
        before,
        "an update that changes nothing records nothing"
    );

    let (status, list) = app.call_for(customer, Method::GET, RESELLERS, None).await;
    assert_eq!(status, 200);
    assert_eq!(list["total"], 1, "{list}");

    let (status, body) = app.call_for(customer, Method::DELETE, &path, None).await;
    assert_eq!(status, 200, "deleting the reseller: {body}");
    assert_eq!(body["status"], "DELETED", "{body}");
    assert!(
        app.sim.handle.reseller(&tcr_id).is_none(),
        "TCR no longer holds the deleted reseller"
    );
    let (_, list) = app.call_for(customer, Method::GET, RESELLERS, None).await;
    assert_eq!(list["total"], 0, "a deleted reseller is not listed: {list}");
    let (status, body) = app.call_for(customer, Method::DELETE, &path, None).await;
    assert_eq!(
        (status, body["status"].clone()),
        (200, json!("DELETED")),
        "deleting it again is done already (as for campaigns): {body}"
    );
    let (status, body) = app
        .call_for(customer, Method::PUT, &path, Some(reseller("Acme Resale")))
        .await;
    assert_eq!(
        (status, body["code"].clone()),
        (409, json!("reseller_deleted")),
        "a deleted reseller cannot be changed: {body}"
    );
}

#[tokio::test]
async fn a_reseller_tcr_holds_under_the_same_name_is_never_claimed_by_a_new_registration() {
    let app = TestApp::spawn().await;
    let customer = app.create_customer("BAN-RESELL-CLAIM", "BASIC").await;
    let held = app
        .sim
        .handle
        .reseller("RSIM001")
        .expect("the account's own reseller");
    let name = held["companyName"].as_str().unwrap().to_string();
    let (status, body) = app
        .call_for(customer, Method::POST, RESELLERS, Some(reseller(&name)))
        .await;
    assert_eq!(status, 422, "TCR's duplicate refusal is the answer: {body}");
    assert_eq!(body["code"], "tcr_rejected", "{body}");
    assert!(body.to_string().contains("503"), "{body}");
    let (_, list) = app.call_for(customer, Method::GET, RESELLERS, None).await;
    assert!(
        !list.to_string().contains("RSIM001"),
        "the operator's reseller is not the customer's: {list}"
    );
}

#[tokio::test]
async fn bad_reseller_fields_are_named_and_never_reach_tcr() {
    let app = TestApp::spawn().await;
    let customer = app.create_customer("BAN-RESELL-2", "BASIC").await;
    let (status, body) = app
        .call_for(
            customer,
            Method::POST,
            RESELLERS,
            Some(json!({"phone": "555-1234", "email": "nobody", "fax": "1"})),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    let fields: Vec<&str> = body["fields"]
        .as_array()
        .expect("fields named")
        .iter()
        .filter_map(|f| f["field"].as_str())
        .collect();
    for field in ["companyName", "phone", "email", "fax"] {
        assert!(fields.contains(&field), "{field} should be named: {body}");
    }
    let (_, list) = app.call_for(customer, Method::GET, RESELLERS, None).await;
    assert_eq!(list["total"], 0, "nothing was recorded: {list}");
}

#[tokio::test]
async fn each_customer_sees_and_changes_only_its_own_resellers() {
    let app = TestApp::spawn().await;
    let alpha = app.create_customer("BAN-RESELL-A", "BASIC").await;
    let beta = app.create_customer("BAN-RESELL-B", "BASIC").await;
    let created = registered(&app, alpha, "Alpha Resale").await;
    let path = format!("{RESELLERS}/{}", created["id"].as_str().unwrap());

    let beta_admin = app.token(Role::CustomerAdmin, Some(beta));
    for method in [Method::GET, Method::PUT, Method::DELETE] {
        let mut request = app.request(method.clone(), &path, &beta_admin);
        if method == Method::PUT {
            request = request.json(&reseller("Taken Over"));
        }
        let (status, body) = status_and_body(request).await;
        assert_eq!(
            status, 404,
            "{method} of another customer's reseller: {body}"
        );
    }
    let (status, list) = status_and_body(app.request(Method::GET, RESELLERS, &beta_admin)).await;
    assert_eq!(status, 200);
    assert_eq!(
        list["total"], 0,
        "beta sees none of alpha's resellers: {list}"
    );

    let alpha_user = app.token(Role::CustomerUser, Some(alpha));
    let (status, list) = status_and_body(app.request(Method::GET, RESELLERS, &alpha_user)).await;
    assert_eq!((status, list["total"].clone()), (200, json!(1)), "{list}");
    let (status, body) = status_and_body(
        app.request(Method::POST, RESELLERS, &alpha_user)
            .json(&reseller("User Resale")),
    )
    .await;
    assert_eq!(
        status, 403,
        "a customer user may not register resellers: {body}"
    );

    // TCR keeps one reseller per name for the whole operator: beta cannot take alpha's.
    let (status, body) = app
        .call_for(
            beta,
            Method::POST,
            RESELLERS,
            Some(reseller("ALPHA RESALE")),
        )
        .await;
    assert_eq!(status, 409, "{body}");
    assert_eq!(body["code"], "reseller_name_taken", "{body}");
    assert_eq!(
        body["fields"][0]["field"], "companyName",
        "the field is named: {body}"
    );
}

#[tokio::test]
async fn a_campaign_names_only_a_reseller_of_its_own_customer() {
    let app = TestApp::spawn_with(AppOptions {
        scoring_delay: Duration::from_millis(200),
        sync: SyncConfig {
            tick: Duration::from_millis(200),
            poll_unverified: Duration::from_millis(300),
            ..SyncConfig::default()
        },
        ..AppOptions::default()
    })
    .await;
    let alpha = app.create_customer("BAN-RESELL-CA", "BASIC").await;
    let beta = app.create_customer("BAN-RESELL-CB", "BASIC").await;
    let ours = registered(&app, alpha, "Alpha Campaign Resale").await;
    let theirs = registered(&app, beta, "Beta Campaign Resale").await;
    let brand = app
        .scored_brand(alpha, &private_brand("Alpha Resold"), "VERIFIED")
        .await;

    let mut campaign = two_factor_campaign(&brand);
    campaign["resellerId"] = theirs["tcrResellerId"].clone();
    let (status, body) = app
        .call_for(
            alpha,
            Method::POST,
            "/v1/messaging/campaigns",
            Some(campaign.clone()),
        )
        .await;
    assert_eq!(
        status, 422,
        "another customer's reseller is refused: {body}"
    );
    assert!(body.to_string().contains("resellerId"), "{body}");

    campaign["resellerId"] = ours["tcrResellerId"].clone();
    let (status, body) = app
        .call_for(
            alpha,
            Method::POST,
            "/v1/messaging/campaigns",
            Some(campaign),
        )
        .await;
    assert_eq!(status, 201, "the customer's own reseller is taken: {body}");
    let tcr_campaign = body["tcrCampaignId"].as_str().expect("TCR's campaign id");
    assert_eq!(
        app.sim.handle.campaign(tcr_campaign).unwrap()["resellerId"],
        ours["tcrResellerId"],
        "TCR holds the campaign under the reseller"
    );

    // TCR refuses to delete a reseller campaigns name; the refusal is recorded, nothing lost.
    let path = format!("{RESELLERS}/{}", ours["id"].as_str().unwrap());
    let (status, body) = app.call_for(alpha, Method::DELETE, &path, None).await;
    assert_eq!(status, 422, "TCR's refusal is told: {body}");
    assert_eq!(body["code"], "tcr_rejected", "{body}");
    let (_, shown) = app.call_for(alpha, Method::GET, &path, None).await;
    assert_eq!(shown["status"], "REGISTERED", "{shown}");
    let error = &shown["lastError"];
    assert_eq!(
        (error["action"].clone(), error["reason"].clone()),
        (json!("deletion"), json!("rejected")),
        "the refusal is shown as every last failure is: {shown}"
    );
    assert!(error["tcr"][0]["code"].is_number(), "{shown}");
    assert!(
        error["tcr"][0]["catalogueDescription"].is_string(),
        "a TCR code shown carries TCR's own explanation: {shown}"
    );
    assert!(error["at"].is_string(), "{shown}");

    // A campaign names it in any spelling; TCR is sent its own (upper case).
    let mut lower = two_factor_campaign(&brand);
    lower["resellerId"] = json!(ours["tcrResellerId"].as_str().unwrap().to_ascii_lowercase());
    let (status, body) = app
        .call_for(alpha, Method::POST, "/v1/messaging/campaigns", Some(lower))
        .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(
        body["campaign"]["resellerId"], ours["tcrResellerId"],
        "{body}"
    );
    let tcr_campaign = body["tcrCampaignId"].as_str().unwrap();
    assert_eq!(
        app.sim.handle.campaign(tcr_campaign).unwrap()["resellerId"],
        ours["tcrResellerId"],
        "TCR is sent its own spelling"
    );
}

#[tokio::test]
async fn a_registration_whose_answer_was_lost_is_adopted_never_created_twice() {
    let tcr = TcrStandIn::start().await;
    let app = TestApp::spawn_with(AppOptions {
        tcr_base_url: Some(tcr.base_url.clone()),
        ..AppOptions::default()
    })
    .await;
    tcr.forward_to(&app.sim.base_url);
    let customer = app.create_customer("BAN-RESELL-LOST", "BASIC").await;

    tcr.garble_next("POST", "/reseller");
    let response = app
        .as_operator_for(Method::POST, RESELLERS, customer)
        .json(&reseller("Lost Answer Resale"))
        .send()
        .await
        .unwrap();
    let location = response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .expect("the recorded registration is named")
        .to_string();
    let (status, body) = json_of(response).await;
    assert_eq!(status, 502, "an unreadable answer is no refusal: {body}");
    let (_, shown) = app.call_for(customer, Method::GET, &location, None).await;
    assert_eq!(shown["status"], "FAILED", "{shown}");

    let (status, body) = app
        .call_for(
            customer,
            Method::PUT,
            &location,
            Some(reseller("Lost Answer Resale")),
        )
        .await;
    assert_eq!(status, 200, "the retry adopts what TCR holds: {body}");
    assert_eq!(body["status"], "REGISTERED", "{body}");
    assert_eq!(
        tcr.calls("POST", "/reseller"),
        1,
        "TCR was asked to create the reseller once"
    );
    let id = location.rsplit('/').next().unwrap();
    let adopted = app.payloads_of(id, "ResellerRegisteredWithTcr").await;
    assert_eq!(adopted.len(), 1, "{adopted:?}");
    assert!(
        adopted[0].to_string().contains("\"adopted\":true"),
        "the registration records that it adopted TCR's reseller: {adopted:?}"
    );
}
