//! The partner's side and CNP migration, against the simulator over real HTTP.
//!
//! First tendlc's TCR client alone: campaigns another CSP shares with the operator's account
//! are listed, read with their carrier status, accepted (shared further upstream) or declined;
//! migration settings are read and changed, and a migration that TCR refuses says why.
//!
//! Then the same through tendlc's API, black box: a campaign shared with the operator appears
//! in `/v1/partner/campaigns` with its carrier status once synced, is accepted or declined (bad
//! declines named field by field, nothing recorded), and only super admins see any of it; one
//! of a customer's campaigns migrates to another connectivity partner (started, read, cancelled,
//! completed), seen only by its own customer; a migration request whose answer is lost is read
//! back from TCR (adopted when TCR started it, recorded as not started when it did not), never
//! sent again before TCR is asked.
use std::time::Duration;

use reqwest::Method;
use secrecy::SecretString;
use serde_json::{json, Value};
use tendlc_adapters::tcr_client::{TcrClientConfig, TcrHttpClient};
use tendlc_api::config::SyncConfig;
use tendlc_api::http::auth::Role;
use tendlc_domain::ids::TcrCampaignId;
use tendlc_domain::tcr::{TcrCnpMigrationSettings, TcrPartnerDecline, TcrPort};
use tendlc_tcr_sim::testing::SimServer;
use tendlc_tests::harness::{eventually, status_and_body, AppOptions};
use tendlc_tests::stand_in::TcrStandIn;
use tendlc_tests::TestApp;
use uuid::Uuid;

async fn client_and_sim() -> (TcrHttpClient, SimServer) {
    let sim = SimServer::start(|c| c.sharing_delay = Duration::from_millis(100)).await;
    let client = TcrHttpClient::new(TcrClientConfig {
        base_url: sim.base_url.clone(),
        api_key: SecretString::from(sim.api_key.clone()),
        api_secret: SecretString::from(sim.api_secret.clone()),
        timeout: Duration::from_secs(10),
        connect_timeout: Duration::from_secs(5),
        read_rate_per_sec: 0,
        write_rate_per_10s: 0,
    })
    .expect("building the TCR client");
    (client, sim)
}

#[tokio::test]
async fn the_client_lists_reads_accepts_and_declines_campaigns_shared_with_us() {
    let (tcr, sim) = client_and_sim().await;
    let accepted_id = sim.handle.share_with_us("S123ABC", "2FA");
    let declined_id = sim.handle.share_with_us("S456DEF", "MARKETING");

    let page = tcr
        .campaigns_shared_with_me(1)
        .await
        .result
        .expect("listing campaigns shared with us");
    let mut listed: Vec<&str> = page
        .records
        .iter()
        .map(|c| c.campaign_id.as_str())
        .collect();
    listed.sort();
    let mut wanted = vec![accepted_id.as_str(), declined_id.as_str()];
    wanted.sort();
    assert_eq!(listed, wanted, "both shared campaigns should be listed");
    assert_eq!(page.total_records, 2);

    let id = TcrCampaignId::parse(&accepted_id).expect("a TCR campaign id");
    let campaign = tcr.partner_campaign(&id).await.result.expect("reading it");
    assert_eq!(campaign.usecase.as_deref(), Some("2FA"));
    let status = tcr
        .partner_campaign_operation_status(&id)
        .await
        .result
        .expect("its carrier status");
    assert_eq!(
        status.get("10017").map(|s| s.to_string()).as_deref(),
        Some("REGISTERED"),
        "AT&T's status: {status:?}"
    );
    let terms = tcr
        .partner_campaign_mno_metadata(&id)
        .await
        .result
        .expect("its carrier terms");
    assert!(terms.contains_key("10035"), "T-Mobile's terms: {terms:?}");

    let share = tcr
        .reshare_partner_campaign(&id, "TWILO")
        .await
        .result
        .expect("accepting by sharing upstream");
    assert_eq!(share.sharing_status, "PENDING");
    let chain = tcr
        .partner_campaign_sharing(&id)
        .await
        .result
        .expect("the sharing chain");
    assert_eq!(
        chain.shared_with_me.map(|s| s.sharing_status).as_deref(),
        Some("ACCEPTED"),
        "re-sharing accepts the downstream share"
    );

    let declined = TcrCampaignId::parse(&declined_id).expect("a TCR campaign id");
    let refused = tcr
        .decline_partner_campaign(
            &declined,
            &TcrPartnerDecline {
                explanation: "no".into(),
                rejection_categories: vec!["NOT_A_CATEGORY".into()],
            },
        )
        .await
        .result
        .expect_err("an unknown category must be refused");
    assert!(
        refused.tcr_errors().iter().any(|e| e.code == 501),
        "expected TCR error 501: {refused}"
    );
    let answer = tcr
        .decline_partner_campaign(
            &declined,
            &TcrPartnerDecline {
                explanation: "Samples lack opt-out language".into(),
                rejection_categories: vec!["SAMPLE_MESSAGE".into(), "OTHER".into()],
            },
        )
        .await
        .result
        .expect("declining");
    assert_eq!(
        (
            answer.sharing_status.as_str(),
            answer.explanation.as_deref()
        ),
        ("DECLINED", Some("Samples lack opt-out language"))
    );
}

#[tokio::test]
async fn the_client_reads_and_changes_migration_settings_and_hears_a_refused_migration() {
    let (tcr, sim) = client_and_sim().await;
    let settings = tcr
        .cnp_migration_settings()
        .await
        .result
        .expect("reading the settings");
    assert_eq!(settings.migration_supported, Some(false));
    let changed = tcr
        .update_cnp_migration_settings(&TcrCnpMigrationSettings {
            migration_supported: Some(true),
            migration_auto_complete: None,
        })
        .await
        .result
        .expect("turning migration on");
    assert_eq!(
        (changed.migration_supported, changed.migration_auto_complete),
        (Some(true), Some(false))
    );
    // A campaign that does not exist cannot migrate: TCR's 502 reaches the caller.
    let unknown = TcrCampaignId::parse("CNOPE00").expect("a TCR campaign id");
    let refused = tcr
        .start_cnp_migration(&unknown, "BANDW")
        .await
        .result
        .expect_err("migrating an unknown campaign");
    assert!(
        refused.tcr_errors().iter().any(|e| e.code == 502),
        "expected TCR error 502: {refused}"
    );
    let none = tcr.cnp_migration(&unknown).await.result;
    assert!(none.is_err(), "no migration to read: {none:?}");
    drop(sim);
}

// -- through tendlc's API -------------------------------------------------------------------

fn options() -> AppOptions {
    options_with(Duration::from_millis(400))
}

/// `sharing_delay`: how long a partner takes to answer a share (or a migration).
fn options_with(sharing_delay: Duration) -> AppOptions {
    AppOptions {
        scoring_delay: Duration::from_millis(300),
        subscribe_webhooks: true,
        sync: SyncConfig {
            tick: Duration::from_millis(200),
            poll_unverified: Duration::from_secs(2),
            poll_campaign_review: Duration::from_secs(2),
            webhook_retry_base: Duration::from_millis(300),
            ..SyncConfig::default()
        },
        sim: Some(std::sync::Arc::new(move |config| {
            config.campaign_review_delay = Duration::from_millis(300);
            config.sharing_delay = sharing_delay;
        })),
        ..AppOptions::default()
    }
}

/// Calls the API with `token` (no customer named): the status and the JSON body.
async fn call(
    app: &TestApp,
    token: &str,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let mut request = app.request(method, path, token);
    if let Some(body) = body {
        request = request.json(&body);
    }
    status_and_body(request).await
}

/// The names of the fields a 422 answer names.
fn fields_named(body: &Value) -> Vec<String> {
    body["fields"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|f| f["field"].as_str().map(String::from))
        .collect()
}

#[tokio::test]
async fn the_operator_lists_accepts_and_declines_campaigns_shared_with_it() {
    let app = TestApp::spawn_with(options()).await;
    let operator = app.superadmin();
    let accepted_id = app.sim.handle.share_with_us("S123ABC", "2FA");
    let declined_id = app.sim.handle.share_with_us("S456DEF", "MARKETING");

    // Nothing is known before TCR is read; a sync records both.
    let (status, empty) = call(&app, &operator, Method::GET, "/v1/partner/campaigns", None).await;
    assert_eq!((status, empty["total"].clone()), (200, json!(0)), "{empty}");
    let (status, synced) = call(
        &app,
        &operator,
        Method::POST,
        "/v1/partner/campaigns/sync",
        None,
    )
    .await;
    assert_eq!(status, 200, "{synced}");
    assert_eq!(synced, json!({"seen": 2, "changed": 2}));
    let (_, again) = call(
        &app,
        &operator,
        Method::POST,
        "/v1/partner/campaigns/sync",
        None,
    )
    .await;
    assert_eq!(
        again,
        json!({"seen": 2, "changed": 0}),
        "a sync that finds nothing new records nothing"
    );

    let (status, listed) = call(
        &app,
        &operator,
        Method::GET,
        "/v1/partner/campaigns?sharingStatus=pending",
        None,
    )
    .await;
    assert_eq!(status, 200, "{listed}");
    assert_eq!(listed["total"], 2, "{listed}");
    let shown = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["tcrCampaignId"] == accepted_id.as_str())
        .unwrap_or_else(|| panic!("{accepted_id} is listed: {listed}"))
        .clone();
    assert_eq!(shown["downstreamCnpId"], "S123ABC", "{shown}");
    assert_eq!(shown["usecase"], "2FA", "{shown}");
    assert_eq!(shown["sharingStatus"], "PENDING", "{shown}");
    let carriers: Vec<(String, String)> = shown["carriers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["mno"].as_str().unwrap().into(),
                c["status"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert!(
        carriers.contains(&("AT&T".into(), "REGISTERED".into()))
            && carriers.contains(&("T-Mobile".into(), "REGISTERED".into())),
        "each carrier's status is shown: {carriers:?}"
    );
    let (status, _) = call(
        &app,
        &operator,
        Method::GET,
        "/v1/partner/campaigns?sharingStatus=MAYBE",
        None,
    )
    .await;
    assert_eq!(status, 422, "an unknown sharingStatus is refused");

    // Accept by sharing it on upstream.
    let path = format!("/v1/partner/campaigns/{accepted_id}/accept");
    let accept = |partner: &str| {
        let body = json!({ "upstreamCnpId": partner });
        call(&app, &operator, Method::POST, &path, Some(body))
    };
    let (status, bad) = accept("not a partner!").await;
    assert_eq!(
        (status, fields_named(&bad)),
        (422, vec!["upstreamCnpId".to_string()]),
        "{bad}"
    );
    let (status, accepted) = accept("TWILO").await;
    assert_eq!(status, 200, "{accepted}");
    assert_eq!(accepted["sharingStatus"], "ACCEPTED", "{accepted}");
    assert_eq!(accepted["upstreamCnpId"], "TWILO", "{accepted}");
    assert_eq!(accepted["upstreamSharingStatus"], "PENDING", "{accepted}");
    let (status, twice) = accept("TWILO").await;
    assert_eq!(
        (status, twice["code"].clone()),
        (409, json!("not_applicable")),
        "{twice}"
    );
    // The DCA accepts our re-share; the next sync shows it.
    eventually(
        Duration::from_secs(10),
        "the upstream partner to accept our share",
        || async {
            call(
                &app,
                &operator,
                Method::POST,
                "/v1/partner/campaigns/sync",
                None,
            )
            .await;
            let (_, campaign) = call(
                &app,
                &operator,
                Method::GET,
                &format!("/v1/partner/campaigns/{accepted_id}"),
                None,
            )
            .await;
            (campaign["upstreamSharingStatus"] == "ACCEPTED").then_some(())
        },
    )
    .await;

    // Declines are checked field by field before anything is recorded or sent.
    let path = format!("/v1/partner/campaigns/{declined_id}/decline");
    let events_before = app.event_count().await;
    for (body, wanted) in [
        (json!({}), vec!["explanation", "rejectionCategories"]),
        (
            json!({"explanation": "x".repeat(2049), "rejectionCategories": ["OTHER"]}),
            vec!["explanation"],
        ),
        (
            json!({"explanation": "Samples lack opt-out", "rejectionCategories": []}),
            vec!["rejectionCategories"],
        ),
        (
            json!({"explanation": "Samples lack opt-out", "rejectionCategories": ["NOT_A_CATEGORY"]}),
            vec!["rejectionCategories"],
        ),
        (
            json!({"explanation": "Samples lack opt-out", "rejectionCategories": ["OTHER"], "extra": 1}),
            vec!["extra"],
        ),
    ] {
        let (status, refused) =
            call(&app, &operator, Method::POST, &path, Some(body.clone())).await;
        assert_eq!(status, 422, "{body} → {refused}");
        let mut named = fields_named(&refused);
        named.sort();
        assert_eq!(named, wanted, "{body} → {refused}");
    }
    assert_eq!(
        app.event_count().await,
        events_before,
        "a refused decline records nothing"
    );
    let (status, declined) = call(
        &app,
        &operator,
        Method::POST,
        &path,
        Some(json!({"explanation": "Samples lack opt-out language", "rejectionCategories": ["sample_message", "OTHER"]})),
    )
    .await;
    assert_eq!(status, 200, "{declined}");
    assert_eq!(declined["sharingStatus"], "DECLINED", "{declined}");
    assert_eq!(
        declined["decline"],
        json!({"explanation": "Samples lack opt-out language", "categories": ["SAMPLE_MESSAGE", "OTHER"]})
    );
    let events: Vec<String> = app
        .events_of(&declined_id)
        .await
        .into_iter()
        .map(|(t, _)| t)
        .collect();
    assert_eq!(
        events,
        [
            "PartnerCampaignObserved",
            "PartnerCampaignActionRequested",
            "PartnerCampaignDeclined"
        ],
        "the intent is recorded before TCR is called and its answer after"
    );
    let (status, missing) = call(
        &app,
        &operator,
        Method::GET,
        "/v1/partner/campaigns/CNOPE99",
        None,
    )
    .await;
    assert_eq!(status, 404, "{missing}");
}

#[tokio::test]
async fn only_the_operator_sees_or_acts_on_campaigns_shared_with_it() {
    let app = TestApp::spawn_with(options()).await;
    let shared = app.sim.handle.share_with_us("S123ABC", "2FA");
    let operator = app.superadmin();
    let (status, _) = call(
        &app,
        &operator,
        Method::POST,
        "/v1/partner/campaigns/sync",
        None,
    )
    .await;
    assert_eq!(status, 200);
    let alpha = app.create_customer("BAN-PARTNER-A", "BASIC").await;
    let beta = app.create_customer("BAN-PARTNER-B", "BASIC").await;
    let routes = [
        (Method::GET, "/v1/partner/campaigns".to_string(), None),
        (Method::POST, "/v1/partner/campaigns/sync".to_string(), None),
        (Method::GET, format!("/v1/partner/campaigns/{shared}"), None),
        (
            Method::POST,
            format!("/v1/partner/campaigns/{shared}/accept"),
            Some(json!({"upstreamCnpId": "TWILO"})),
        ),
        (
            Method::POST,
            format!("/v1/partner/campaigns/{shared}/decline"),
            Some(json!({"explanation": "no", "rejectionCategories": ["OTHER"]})),
        ),
    ];
    for customer in [alpha, beta] {
        for role in [Role::CustomerAdmin, Role::CustomerUser] {
            let token = app.token(role, Some(customer));
            for (method, path, body) in &routes {
                let (status, answer) = call(&app, &token, method.clone(), path, body.clone()).await;
                assert_eq!(
                    status, 403,
                    "{role:?} of {customer}: {method} {path} → {answer}"
                );
                assert!(
                    answer.get("items").is_none() && answer.get("tcrCampaignId").is_none(),
                    "{answer}"
                );
            }
        }
    }
    let (_, campaign) = call(
        &app,
        &operator,
        Method::GET,
        &format!("/v1/partner/campaigns/{shared}"),
        None,
    )
    .await;
    assert_eq!(
        campaign["sharingStatus"], "PENDING",
        "no customer changed it: {campaign}"
    );
}

#[tokio::test]
async fn the_poller_finds_a_campaign_newly_shared_with_the_operator() {
    let mut options = options();
    options.sync.poll_partner = Duration::from_millis(300);
    let app = TestApp::spawn_with(options).await;
    let operator = app.superadmin();
    let shared = app
        .sim
        .handle
        .share_with_us("S789GHI", "ACCOUNT_NOTIFICATION");
    let found = eventually(
        Duration::from_secs(10),
        "the poller to record the shared campaign",
        || async {
            let (_, listed) =
                call(&app, &operator, Method::GET, "/v1/partner/campaigns", None).await;
            (listed["total"] == 1).then_some(listed)
        },
    )
    .await;
    assert_eq!(
        found["items"][0]["tcrCampaignId"],
        shared.as_str(),
        "{found}"
    );
    assert_eq!(found["items"][0]["sharingStatus"], "PENDING", "{found}");
    // A few more polls pass.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let events = app.events_of(&shared).await;
    assert_eq!(
        events.len(),
        1,
        "later polls that find nothing new record nothing: {events:?}"
    );
    assert_eq!(events[0].1["source"], "poll", "{events:?}");
    assert_eq!(events[0].1["actor"], "system:poller", "{events:?}");
}

const MIGRATION_SETTINGS: &str = "/v1/tcr/settings/cnp-migration";

/// Turns CNP migration on for the operator's TCR account, through tendlc (an operator's setting
/// at TCR).
async fn allow_cnp_migration(app: &TestApp) {
    let operator = app.superadmin();
    let (status, body) = call(
        app,
        &operator,
        Method::PUT,
        MIGRATION_SETTINGS,
        Some(json!({"migrationSupported": true})),
    )
    .await;
    assert_eq!(status, 200, "turning CNP migration on: {body}");
    assert_eq!(body["migrationSupported"], true, "{body}");
}

/// A customer's campaign shared with `cnp`, once the partner accepted it.
async fn shared_campaign(app: &TestApp, customer: Uuid, brand: &str, cnp: &str) -> String {
    let created = app.registered_campaign(customer, brand).await;
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
    eventually(
        Duration::from_secs(10),
        "the partner to accept the share",
        || async {
            (app.campaign(customer, &id).await["sharing"]["status"] == "ACCEPTED").then_some(())
        },
    )
    .await;
    id
}

/// Asks, as a super admin acting for `customer`, to migrate the campaign at `path` to `partner`.
async fn migrate(app: &TestApp, customer: Uuid, path: &str, partner: &str) -> (u16, Value) {
    app.call_for(
        customer,
        Method::POST,
        path,
        Some(json!({ "upstreamCnpId": partner })),
    )
    .await
}

#[tokio::test]
async fn a_customers_campaign_migrates_to_another_partner_and_a_migration_can_be_cancelled() {
    // The new partner answers a migration after 2 s: time to cancel one first.
    let app = TestApp::spawn_with(options_with(Duration::from_secs(2))).await;
    app.webhooks_subscribed().await;
    let alpha = app.create_customer("BAN-CNP-A", "BASIC").await;
    let beta = app.create_customer("BAN-CNP-B", "BASIC").await;
    let id = shared_campaign(&app, alpha, "Acme Migrate", "TWILO").await;
    let path = format!("/v1/messaging/campaigns/{id}/cnp-migration");

    // Before anything: no migration to read or cancel; a bad partner id is named.
    let (status, none) = app.call_for(alpha, Method::GET, &path, None).await;
    assert_eq!(status, 200, "{none}");
    assert!(none.get("cnpMigration").is_none(), "{none}");
    let (status, nothing) = app.call_for(alpha, Method::DELETE, &path, None).await;
    assert_eq!(
        (status, nothing["code"].clone()),
        (409, json!("not_applicable")),
        "{nothing}"
    );
    let (status, bad) = migrate(&app, alpha, &path, "").await;
    assert_eq!(
        (status, fields_named(&bad)),
        (422, vec!["upstreamCnpId".to_string()]),
        "{bad}"
    );
    let (status, malformed) = migrate(&app, alpha, &path, "nope!").await;
    assert_eq!(status, 422, "{malformed}");
    assert!(
        malformed["fields"][0]["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("must be the partner's TCR id")),
        "a value that is not an id is not called missing: {malformed}"
    );
    let (status, same) = migrate(&app, alpha, &path, "TWILO").await;
    assert_eq!(
        (status, same["code"].clone()),
        (409, json!("not_applicable")),
        "already with TWILO: {same}"
    );

    // TCR refuses while the operator's account does not allow migration; the refusal is kept.
    let (status, refused) = migrate(&app, alpha, &path, "BANDW").await;
    assert_eq!(status, 422, "TCR's 592 reaches the caller: {refused}");
    let shown = app.campaign(alpha, &id).await;
    assert_eq!(shown["lastError"]["action"], "CNP migration", "{shown}");
    assert!(
        shown["lastError"]["tcr"][0]["catalogueDescription"].is_string(),
        "the recorded refusal's code carries TCR's explanation: {shown}"
    );
    assert!(shown.get("cnpMigration").is_none(), "{shown}");

    // Allowed: started, then cancelled by the customer.
    allow_cnp_migration(&app).await;
    let (status, started) = migrate(&app, alpha, &path, "BANDW").await;
    assert_eq!(status, 200, "{started}");
    assert_eq!(started["cnpMigration"]["status"], "ACTIVE", "{started}");
    assert_eq!(
        started["cnpMigration"]["upstreamCnpId"], "BANDW",
        "{started}"
    );
    let (status, twice) = migrate(&app, alpha, &path, "SINCH").await;
    assert_eq!(
        (status, twice["code"].clone()),
        (409, json!("not_applicable")),
        "one migration at a time: {twice}"
    );
    assert!(
        twice["message"]
            .as_str()
            .is_some_and(|m| m.contains("under way")),
        "{twice}"
    );
    assert_eq!(
        (
            started["sharing"]["upstreamCnpId"].clone(),
            started["sharing"]["status"].clone()
        ),
        (json!("BANDW"), json!("PENDING")),
        "TCR shows the migration's provisional share: {started}"
    );
    let user = app.token(Role::CustomerUser, Some(alpha));
    let (status, _) = call(&app, &user, Method::DELETE, &path, None).await;
    assert_eq!(status, 403, "a customer user may read, not act");
    let (status, cancelled) = app
        .call_for(
            alpha,
            Method::DELETE,
            &path,
            Some(json!({"explanation": "The customer stays with TWILO"})),
        )
        .await;
    assert_eq!(status, 200, "{cancelled}");
    assert_eq!(
        cancelled["cnpMigration"]["status"], "CANCELLED",
        "{cancelled}"
    );
    assert_eq!(
        cancelled["cnpMigration"]["cancellationReason"],
        "The customer stays with TWILO"
    );
    // Another customer neither sees nor touches it.
    for (method, body) in [
        (Method::GET, None),
        (Method::POST, Some(json!({"upstreamCnpId": "SINCH"}))),
        (Method::DELETE, None),
    ] {
        let (status, answer) = app
            .call_for(beta, method.clone(), &path, body.clone())
            .await;
        assert_eq!(status, 404, "beta {method} → {answer}");
        let token = app.token(Role::CustomerAdmin, Some(beta));
        let (status, answer) = call(&app, &token, method.clone(), &path, body).await;
        assert_eq!(status, 404, "beta's admin {method} → {answer}");
    }
    let (status, read) = call(&app, &user, Method::GET, &path, None).await;
    assert_eq!(status, 200, "{read}");
    assert_eq!(
        read["cnpMigration"]["status"], "CANCELLED",
        "TCR agrees: {read}"
    );
    assert_eq!(read["sharing"]["upstreamCnpId"], "TWILO", "{read}");

    // Started again: the new partner accepts and TCR completes it; reading it records that.
    let (status, again) = migrate(&app, alpha, &path, "BANDW").await;
    assert_eq!(status, 200, "{again}");
    let done = eventually(
        Duration::from_secs(10),
        "the migration to complete",
        || async {
            let (_, read) = app.call_for(alpha, Method::GET, &path, None).await;
            (read["cnpMigration"]["status"] == "COMPLETED").then_some(read)
        },
    )
    .await;
    assert_eq!(
        done["sharing"]["upstreamCnpId"], "BANDW",
        "the campaign is with BANDW now: {done}"
    );
    assert_eq!(done["sharing"]["status"], "ACCEPTED", "{done}");
    let changes: Vec<Value> = app.payloads_of(&id, "CampaignCnpMigrationChanged").await;
    let statuses: Vec<&str> = changes
        .iter()
        .filter_map(|c| c["CampaignCnpMigrationChanged"]["to"].as_str())
        .collect();
    assert_eq!(
        statuses,
        ["ACTIVE", "CANCELLED", "ACTIVE", "COMPLETED"],
        "{changes:?}"
    );
    let requested: Vec<Value> = app.payloads_of(&id, "CampaignActionRequested").await;
    let kinds: Vec<&str> = requested
        .iter()
        .filter_map(|r| r["CampaignActionRequested"]["action"]["kind"].as_str())
        .collect();
    assert_eq!(
        kinds.iter().filter(|k| k.contains("Cnp")).count(),
        4,
        "three migrations and one cancellation were asked for: {kinds:?}"
    );
}

/// The event types recorded for the campaign `id`, in order, that concern a CNP migration.
async fn migration_record(app: &TestApp, id: &str) -> Vec<String> {
    app.events_of(id)
        .await
        .into_iter()
        .map(|(event_type, _)| event_type)
        .filter(|t| t.contains("CnpMigration") || t == "CampaignActionFailed")
        .collect()
}

#[tokio::test]
async fn a_migration_request_whose_answer_was_lost_is_read_back_from_tcr_never_sent_blind() {
    // TCR sits behind a gateway the test controls; the new partner answers after 5 s.
    let tcr = TcrStandIn::start().await;
    let mut options = options_with(Duration::from_secs(5));
    options.tcr_base_url = Some(tcr.base_url.clone());
    options.tcr_timeout = Duration::from_secs(2);
    let app = TestApp::spawn_with(options).await;
    tcr.forward_to(&app.sim.base_url);
    app.webhooks_subscribed().await;
    let alpha = app.create_customer("BAN-CNP-LOST", "BASIC").await;
    let id = shared_campaign(&app, alpha, "Acme Lost Answer", "TWILO").await;
    allow_cnp_migration(&app).await;
    let path = format!("/v1/messaging/campaigns/{id}/cnp-migration");
    let tcr_id = app.campaign(alpha, &id).await["tcrCampaignId"]
        .as_str()
        .expect("registered with TCR")
        .to_string();
    let start = format!("/campaign/{tcr_id}/migrateCnp/BANDW");

    // A gateway fails the request before it reaches TCR: TCR is asked at once, holds no
    // migration, and the history says it never started.
    tcr.fail_before_next("POST", &start, 503);
    let (status, failed) = migrate(&app, alpha, &path, "BANDW").await;
    assert_eq!(status, 502, "TCR's failure reaches the caller: {failed}");
    assert_eq!(
        migration_record(&app, &id).await,
        ["CampaignActionFailed", "CampaignCnpMigrationNotStarted"],
        "the request failed and TCR, read back, started nothing"
    );
    assert!(
        app.campaign(alpha, &id).await.get("cnpMigration").is_none(),
        "no migration is shown"
    );

    // TCR starts it but the gateway loses its answer: read back at once, the migration TCR
    // started is adopted, and the caller is told it started.
    tcr.fail_after_next("POST", &start, 502);
    let (status, adopted) = migrate(&app, alpha, &path, "BANDW").await;
    assert_eq!(status, 200, "TCR started it: {adopted}");
    assert_eq!(adopted["cnpMigration"]["status"], "ACTIVE", "{adopted}");
    assert_eq!(
        adopted["cnpMigration"]["upstreamCnpId"], "BANDW",
        "{adopted}"
    );
    assert!(
        adopted.get("lastError").is_none_or(Value::is_null),
        "{adopted}"
    );
    assert_eq!(
        migration_record(&app, &id).await[2..],
        ["CampaignActionFailed", "CampaignCnpMigrationChanged"],
        "the lost answer, then the start TCR holds"
    );
    assert_eq!(tcr.calls("POST", &start), 2, "each request sent once");
    let (status, cancelled) = app.call_for(alpha, Method::DELETE, &path, None).await;
    assert_eq!(
        status, 200,
        "the adopted migration is ours to cancel: {cancelled}"
    );
    assert_eq!(
        cancelled["cnpMigration"]["status"], "CANCELLED",
        "{cancelled}"
    );

    // TCR does not answer in time (the call is held up on the way): TCR may still act, so
    // nothing is read at once. Asked again, tendlc first reads what TCR did with the last one
    // (nothing), then sends the new request.
    let mut held = tcr.hold_next("POST", &start);
    let (status, timed_out) = migrate(&app, alpha, &path, "BANDW").await;
    held.arrived(Duration::from_secs(1)).await;
    assert_eq!(status, 504, "{timed_out}");
    assert_eq!(
        migration_record(&app, &id).await.last().map(String::as_str),
        Some("CampaignActionFailed"),
        "unsettled until TCR is read"
    );
    let (status, again) = migrate(&app, alpha, &path, "BANDW").await;
    assert_eq!(status, 200, "{again}");
    assert_eq!(again["cnpMigration"]["status"], "ACTIVE", "{again}");
    let record = migration_record(&app, &id).await;
    assert_eq!(
        record[record.len() - 3..],
        [
            "CampaignActionFailed",
            "CampaignCnpMigrationNotStarted",
            "CampaignCnpMigrationChanged"
        ],
        "read back before the new request: {record:?}"
    );
    drop(held);
}

#[tokio::test]
async fn the_operator_turns_cnp_migration_on_at_tcr_on_the_record() {
    let app = TestApp::spawn_with(options_with(Duration::from_millis(300))).await;
    let operator = app.superadmin();
    let alpha = app.create_customer("BAN-CNP-SET", "BASIC").await;

    // As TCR holds it: off until the operator turns it on.
    let (status, before) = call(&app, &operator, Method::GET, MIGRATION_SETTINGS, None).await;
    assert_eq!(status, 200, "{before}");
    assert_eq!(before["migrationSupported"], false, "{before}");

    // Customers neither read nor change the operator's account.
    for role in [Role::CustomerAdmin, Role::CustomerUser] {
        let token = app.token(role, Some(alpha));
        for (method, body) in [
            (Method::GET, None),
            (Method::PUT, Some(json!({"migrationSupported": true}))),
        ] {
            let (status, answer) =
                call(&app, &token, method.clone(), MIGRATION_SETTINGS, body).await;
            assert_eq!(status, 403, "{role:?} {method}: {answer}");
        }
    }

    // A bad change is named field by field, and nothing is recorded or sent.
    for (body, field) in [
        (json!({}), "migrationSupported"),
        (json!({"migrationSupported": "yes"}), "migrationSupported"),
        (json!({"migrationAutoComplete": 1}), "migrationAutoComplete"),
        (json!({"migrationSupported": true, "auto": true}), "auto"),
    ] {
        let (status, refused) = call(
            &app,
            &operator,
            Method::PUT,
            MIGRATION_SETTINGS,
            Some(body.clone()),
        )
        .await;
        assert_eq!(
            (status, fields_named(&refused)),
            (422, vec![field.to_string()]),
            "{body} → {refused}"
        );
    }
    assert!(
        app.events_of("tcr-account").await.is_empty(),
        "a refused change records nothing"
    );

    // Turned on: recorded before TCR is called and TCR's answer after, by whom.
    allow_cnp_migration(&app).await;
    let (status, after) = call(&app, &operator, Method::GET, MIGRATION_SETTINGS, None).await;
    assert_eq!(status, 200, "{after}");
    assert_eq!(after["migrationSupported"], true, "TCR holds it: {after}");
    let recorded = app.events_of("tcr-account").await;
    let types: Vec<&str> = recorded.iter().map(|(t, _)| t.as_str()).collect();
    assert_eq!(
        types,
        [
            "CnpMigrationSettingsRequested",
            "CnpMigrationSettingsChanged"
        ],
        "{recorded:?}"
    );
    assert!(
        recorded[0].1["actor"]
            .as_str()
            .is_some_and(|a| !a.is_empty()),
        "who asked is recorded: {recorded:?}"
    );
    let changed = app
        .payloads_of("tcr-account", "CnpMigrationSettingsChanged")
        .await;
    assert_eq!(
        changed[0]["CnpMigrationSettingsChanged"]["settings"]["migrationSupported"], true,
        "{changed:?}"
    );
}
