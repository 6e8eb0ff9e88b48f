//! Campaigns stay in sync when TCR misbehaves: a campaign TCR created but never confirmed is
//! adopted by its reference (never created, and billed, twice), and carriers' verdicts arrive by
//! polling when no webhook does.
use std::time::Duration;

use reqwest::Method;
use serde_json::json;
use tendlc_api::config::SyncConfig;
use tendlc_tcr_sim::SimFaults;
use tendlc_tests::fixtures::{private_brand, two_factor_campaign};
use tendlc_tests::harness::{eventually, AppOptions, ProcessApp};
use tendlc_tests::TestApp;

fn options(faults: SimFaults) -> AppOptions {
    AppOptions {
        scoring_delay: Duration::from_millis(300),
        subscribe_webhooks: true,
        sim_faults: faults,
        sync: SyncConfig {
            tick: Duration::from_millis(100),
            poll_unverified: Duration::from_millis(500),
            poll_campaign_review: Duration::from_millis(500),
            retry_grace: Duration::from_millis(500),
            retry_base: Duration::from_millis(100),
            webhook_retry_base: Duration::from_millis(300),
            ..SyncConfig::default()
        },
        sim: Some(std::sync::Arc::new(|config| {
            config.campaign_review_delay = Duration::from_millis(400);
        })),
        ..AppOptions::default()
    }
}

#[tokio::test]
async fn a_campaign_tcr_created_without_telling_us_is_adopted_not_created_twice() {
    let app = TestApp::spawn_with(options(SimFaults::default())).await;
    let customer = app.create_customer("BAN-CSYNC-1", "BASIC").await;
    let brand = app
        .scored_brand(customer, &private_brand("Acme Sync"), "VERIFIED")
        .await;
    let mut body = two_factor_campaign(&brand);
    body["description"] =
        json!("One-time passcodes for Acme Widgets sign-in. [sim:created-then-http-500]");

    let (status, failed) = app
        .call_for(
            customer,
            Method::POST,
            "/v1/messaging/campaigns",
            Some(body),
        )
        .await;
    assert_eq!(status, 502, "TCR's 500 is told as such: {failed}");
    assert!(
        failed["message"]
            .as_str()
            .unwrap()
            .contains("recorded as pending"),
        "{failed}"
    );
    let (_, list) = app
        .call_for(customer, Method::GET, "/v1/messaging/campaigns", None)
        .await;
    let id = list["items"][0]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{list}"))
        .to_string();

    let adopted = eventually(
        Duration::from_secs(20),
        "the retrier to adopt the campaign",
        || async {
            let (_, campaign) = app
                .call_for(
                    customer,
                    Method::GET,
                    &format!("/v1/messaging/campaigns/{id}"),
                    None,
                )
                .await;
            (campaign["status"] == "REGISTERED").then_some(campaign)
        },
    )
    .await;
    let tcr_id = adopted["tcrCampaignId"].as_str().unwrap();
    assert!(app.sim.handle.campaign(tcr_id).is_some(), "{adopted}");
    let submitted = app.payloads_of(&id, "CampaignSubmittedToTcr").await;
    assert_eq!(submitted.len(), 1, "{submitted:?}");
    assert_eq!(
        submitted[0]["CampaignSubmittedToTcr"]["adopted"], true,
        "{submitted:?}"
    );
    let adds = app
        .sim
        .handle
        .deliveries()
        .into_iter()
        .filter(|d| d.event_type == "CAMPAIGN_ADD" && d.attempt == 1 && !d.duplicate)
        .count();
    assert_eq!(adds, 1, "TCR created (and billed) the campaign once");
}

#[tokio::test]
async fn carriers_verdicts_arrive_by_polling_when_no_webhook_does() {
    let app = TestApp::spawn_with(options(SimFaults {
        webhook_drop_rate: 1.0,
        ..SimFaults::default()
    }))
    .await;
    let customer = app.create_customer("BAN-CSYNC-2", "BASIC").await;
    let brand = app
        .scored_brand(customer, &private_brand("Acme Sync"), "VERIFIED")
        .await;
    let (status, created) = app
        .call_for(
            customer,
            Method::POST,
            "/v1/messaging/campaigns",
            Some(two_factor_campaign(&brand)),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_str().unwrap();
    let registered = eventually(
        Duration::from_secs(20),
        "every carrier to register it, by polling",
        || async {
            let (_, campaign) = app
                .call_for(
                    customer,
                    Method::GET,
                    &format!("/v1/messaging/campaigns/{id}"),
                    None,
                )
                .await;
            campaign["carriers"]
                .as_array()
                .is_some_and(|c| c.iter().all(|c| c["status"] == "REGISTERED"))
                .then_some(campaign)
        },
    )
    .await;
    assert_eq!(registered["syncSource"], "poll", "{registered}");
    assert!(app.webhook_log().await.is_empty(), "no delivery arrived");
}

/// A registered campaign, and a change of its description sent through a second replica (a
/// real process) that dies while TCR is slow to answer; returns the app, customer and ids.
async fn change_cut_off_by_a_crash(
    ban: &str,
    description: &str,
    tcr_takes_it: bool,
) -> (TestApp, uuid::Uuid, String, String) {
    let mut options = options(SimFaults::default());
    // Longer than the request below is given before the crash, so a live call is never freed.
    options.sync.retry_grace = Duration::from_secs(3);
    let app = TestApp::spawn_with(options).await;
    let customer = app.create_customer(ban, "BASIC").await;
    let brand = app
        .scored_brand(customer, &private_brand("Acme Crash"), "VERIFIED")
        .await;
    let (status, created) = app
        .call_for(
            customer,
            Method::POST,
            "/v1/messaging/campaigns",
            Some(two_factor_campaign(&brand)),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_str().unwrap().to_string();
    let tcr_id = created["tcrCampaignId"].as_str().unwrap().to_string();

    let mut process = ProcessApp::start(&app.db.url, &app.sim, &app.jwt_secret).await;
    let change = {
        let request = reqwest::Client::new()
            .patch(format!("{}/v1/messaging/campaigns/{id}", process.base_url))
            .bearer_auth(app.superadmin())
            .header("X-Customer-ID", customer.to_string())
            .json(&json!({ "description": description }));
        tokio::spawn(request.send())
    };
    // Die only once the change is recorded and has reached TCR (which answers 5 s late).
    eventually(
        Duration::from_secs(10),
        "the change to be recorded and sent to TCR",
        || async {
            let (_, campaign) = app
                .call_for(
                    customer,
                    Method::GET,
                    &format!("/v1/messaging/campaigns/{id}"),
                    None,
                )
                .await;
            let recorded = campaign["pendingAction"].is_object();
            let at_tcr = app.sim.handle.campaign(&tcr_id).unwrap_or_default();
            let sent = !tcr_takes_it || at_tcr["description"] == description;
            (recorded && sent).then_some(())
        },
    )
    .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    process.kill_9();
    assert!(
        change.await.unwrap().is_err(),
        "the in-flight request died with the process"
    );
    (app, customer, id, tcr_id)
}

/// The campaign once the leader has read TCR again and freed it.
async fn freed(app: &TestApp, customer: uuid::Uuid, id: &str) -> serde_json::Value {
    eventually(
        Duration::from_secs(20),
        "the interrupted change to be freed",
        || async {
            let (_, campaign) = app
                .call_for(
                    customer,
                    Method::GET,
                    &format!("/v1/messaging/campaigns/{id}"),
                    None,
                )
                .await;
            campaign.get("pendingAction").is_none().then_some(campaign)
        },
    )
    .await
}

#[tokio::test]
async fn an_action_cut_off_by_a_crash_is_freed_after_tcr_is_read_again() {
    // TCR refuses this change (late): it never held it.
    let refused = "One-time passcodes for Acme Widgets sign-in. [sim:slow-5] [sim:error-501]";
    let (app, customer, id, _) = change_cut_off_by_a_crash("BAN-CSYNC-3", refused, false).await;

    // The leader reads TCR again and frees the campaign; the customer can act on it again.
    let freed = freed(&app, customer, &id).await;
    assert_eq!(freed["lastError"]["reason"], "interrupted", "{freed}");
    assert_eq!(freed["lastError"]["retryable"], true, "{freed}");
    assert_ne!(freed["campaign"]["description"], refused, "{freed}");
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
}

#[tokio::test]
async fn a_change_cut_off_by_a_crash_that_tcr_applied_is_recorded_as_applied() {
    // TCR takes this change at once and answers late: it holds it when the process dies.
    let applied = "One-time passcodes for Acme Widgets sign-in. [sim:slow-5]";
    let (app, customer, id, tcr_id) = change_cut_off_by_a_crash("BAN-CSYNC-4", applied, true).await;
    let at_tcr = app
        .sim
        .handle
        .campaign(&tcr_id)
        .expect("the campaign at TCR");
    assert_eq!(at_tcr["description"], applied, "{at_tcr}");

    let freed = freed(&app, customer, &id).await;
    assert_eq!(
        freed["campaign"]["description"], applied,
        "the change TCR holds is ours too: {freed}"
    );
    assert!(
        freed["lastError"].is_null(),
        "an applied change is no error: {freed}"
    );
    let events: Vec<String> = app
        .events_of(&id)
        .await
        .into_iter()
        .map(|(t, _)| t)
        .collect();
    assert!(
        events.iter().any(|t| t == "CampaignUpdated"),
        "recorded as updated: {events:?}"
    );
    assert!(
        !events.iter().any(|t| t == "CampaignActionFailed"),
        "never as interrupted: {events:?}"
    );
}

/// Found by `tendlc chaos`: the leader freed an action only once the campaign's row had not
/// changed for the grace, so webhooks and polls confirming the campaign meanwhile put it off for
/// good. It is timed from the action's request now.
#[tokio::test]
async fn an_action_cut_off_by_a_crash_is_freed_though_webhooks_keep_confirming_the_campaign() {
    let refused = "One-time passcodes for Acme Widgets sign-in. [sim:slow-5] [sim:error-501]";
    let (app, customer, id, tcr_id) =
        change_cut_off_by_a_crash("BAN-CSYNC-5", refused, false).await;
    // Deliveries keep coming, each read back from TCR and recorded as a confirmation, more
    // often than the grace (3 s).
    let busy = {
        let url = format!("{}/webhooks/tcr/campaigns", app.base_url);
        let secret = app.sim.api_secret.clone();
        let tcr_id = tcr_id.clone();
        tokio::spawn(async move {
            let client = reqwest::Client::new();
            for n in 0u32.. {
                let body = json!({"eventType": "CAMPAIGN_UPDATE", "campaignId": tcr_id, "n": n});
                let signature = tendlc_adapters::webhook_signature::sign(&secret, &url, &body);
                let _ = client
                    .post(&url)
                    .header("X-Registry-Signature", signature)
                    .json(&body)
                    .send()
                    .await;
                tokio::time::sleep(Duration::from_millis(700)).await;
            }
        })
    };
    let freed = freed(&app, customer, &id).await;
    busy.abort();
    assert_eq!(freed["lastError"]["reason"], "interrupted", "{freed}");
    let confirmations = app.payloads_of(&id, "CampaignSyncConfirmed").await;
    assert!(
        confirmations.len() >= 2,
        "the deliveries did not keep the campaign busy: {confirmations:?}"
    );
}
