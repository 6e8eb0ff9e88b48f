//! Reports from the events, through the public API and `tendlc report`: the compliance report of
//! a scripted lifecycle (registration, vetting, campaign, a carrier's rejection, a refused
//! webhook, deactivation) for one customer never shows another's; its CSV reads back to the
//! JSON's figures; its HTML page renders in headless chromium with the SVG timeline; the fees
//! are TCR's for that lifecycle (brand, vetting, the campaign's 3-month minimum); the evidence
//! pack holds what it promises and its chain proof verifies. And an event recorded in an older
//! shape is read through its upcaster by the aggregate, the history, the live read model and a
//! rebuild.
use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use reqwest::Method;
use serde_json::{json, Value};
use tendlc_api::config::SyncConfig;
use tendlc_api::http::auth::Role;
use tendlc_domain::brand::Brand;
use tendlc_projections::audit::{check_proof, ChainProof};
use tendlc_tests::fixtures::private_brand;
use tendlc_tests::harness::{binary, eventually, status_and_body, AppOptions};
use tendlc_tests::TestApp;
use uuid::Uuid;

const T_MOBILE: u64 = 10035;

async fn started() -> TestApp {
    let app = TestApp::spawn_with(AppOptions {
        scoring_delay: Duration::from_millis(300),
        subscribe_webhooks: true,
        sync: SyncConfig {
            tick: Duration::from_millis(200),
            poll_unverified: Duration::from_secs(2),
            poll_active: Duration::from_secs(2),
            poll_campaign_review: Duration::from_secs(2),
            webhook_retry_base: Duration::from_millis(300),
            ..SyncConfig::default()
        },
        sim: Some(std::sync::Arc::new(|config| {
            config.vetting_delay = Duration::from_millis(300);
            config.campaign_review_delay = Duration::from_millis(400);
        })),
        ..AppOptions::default()
    })
    .await;
    app.webhooks_subscribed().await;
    app
}

fn marketing_campaign(brand_id: &str) -> Value {
    json!({
        "brandId": brand_id,
        "usecase": "MARKETING",
        "description": "Weekly offers from Alpha Widgets to club members who opted in. [sim:mno-reject-10035]",
        "messageFlow": "Customers text JOIN to our short code from in-store posters and confirm by replying YES.",
        "sample1": "Alpha Widgets: 20% off all gadgets this week! Reply STOP to opt out.",
        "sample2": "Alpha Widgets: new arrivals in store now. Reply HELP for help, STOP to stop.",
        "sample3": "Alpha Widgets: your club points expire soon. Reply STOP to opt out.",
        "subscriberOptin": true,
        "optinKeywords": "JOIN,YES",
        "optinMessage": "Welcome to Alpha Widgets offers! Msg&data rates may apply. Reply STOP to cancel.",
        "subscriberOptout": true,
        "optoutKeywords": "STOP,QUIT",
        "optoutMessage": "You are unsubscribed from Alpha Widgets offers. No more messages will be sent.",
        "subscriberHelp": true,
        "helpKeywords": "HELP,INFO",
        "helpMessage": "Alpha Widgets offers: call +1 202 555 0123 or email support@alphawidgets.com.",
        "privacyPolicyLink": "https://alphawidgets.com/privacy",
        "termsAndConditionsLink": "https://alphawidgets.com/terms"
    })
}

/// What the scripted lifecycle left, by id.
struct Lifecycle {
    brand: String,
    tcr_brand: String,
    campaign: String,
    tcr_campaign: String,
}

/// Alpha's lifecycle: a brand verified, an AEGIS STANDARD vetting scored, a MARKETING campaign
/// T-Mobile rejects, a forged webhook about the brand refused, the campaign deactivated.
async fn alpha_lifecycle(app: &TestApp, alpha: Uuid) -> Lifecycle {
    let brand = app
        .scored_brand(alpha, &private_brand("Alpha Widgets"), "VERIFIED")
        .await;
    let tcr_brand = app.brand(&brand).await["tcrBrandId"]
        .as_str()
        .unwrap()
        .to_string();
    let vettings = format!("/v1/messaging/brands/{brand}/vettings");
    let (status, ordered) = app.order_vetting(alpha, &brand, "STANDARD").await;
    assert_eq!(status, 200, "ordering a vetting: {ordered}");
    eventually(
        Duration::from_secs(20),
        "the vetting to be scored",
        || async {
            let (_, list) = app.call_for(alpha, Method::GET, &vettings, None).await;
            let first = list.as_array().and_then(|v| v.first()).cloned()?;
            (first["status"] == "ACTIVE").then_some(())
        },
    )
    .await;

    let (status, campaign) = app
        .call_for(
            alpha,
            Method::POST,
            "/v1/messaging/campaigns",
            Some(marketing_campaign(&brand)),
        )
        .await;
    assert_eq!(status, 201, "registering the campaign: {campaign}");
    let id = campaign["id"].as_str().unwrap().to_string();
    let tcr_campaign = campaign["tcrCampaignId"].as_str().unwrap().to_string();
    eventually(Duration::from_secs(20), "T-Mobile to reject", || async {
        let shown = app.campaign(alpha, &id).await;
        let rejected = shown["carriers"].as_array()?.iter().any(|c| {
            c["mnoId"] == T_MOBILE && c["status"] == "REJECTED" && c["reason"].is_object()
        });
        rejected.then_some(())
    })
    .await;

    // Someone without TCR's key claims something about the brand: refused, kept as a digest.
    let forged = json!({"eventType": "BRAND_IDENTITY_STATUS_UPDATE", "brandId": tcr_brand,
        "brandIdentityStatus": "UNVERIFIED"});
    let refused = app
        .deliver_webhook(
            &app.base_url,
            "brands",
            &forged,
            Some("bm90IGEgc2lnbmF0dXJl"),
        )
        .await;
    assert_eq!(refused.status(), 401, "a forged delivery is refused");

    let (status, body) = app
        .call_for(
            alpha,
            Method::DELETE,
            &format!("/v1/messaging/campaigns/{id}"),
            None,
        )
        .await;
    assert!(status < 300, "deactivating the campaign: {status} {body}");
    Lifecycle {
        brand,
        tcr_brand,
        campaign: id,
        tcr_campaign,
    }
}

/// How many events the lifecycle's brand and campaign have recorded.
async fn events_recorded(app: &TestApp, life: &Lifecycle) -> usize {
    app.events_of(&life.brand).await.len() + app.events_of(&life.campaign).await.len()
}

fn rfc3339(at: chrono::DateTime<chrono::Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// A report as `token` gets it: status, content type, body.
async fn fetch(
    app: &TestApp,
    token: &str,
    path: &str,
    accept: Option<&str>,
) -> (u16, String, Vec<u8>) {
    let mut request = app.request(Method::GET, path, token);
    if let Some(accept) = accept {
        request = request.header("Accept", accept);
    }
    let response = request.send().await.expect("report request");
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    (
        status,
        content_type,
        response.bytes().await.unwrap().to_vec(),
    )
}

fn artifacts() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/test-artifacts");
    std::fs::create_dir_all(&dir).expect("target/test-artifacts");
    dir
}

/// The headless browser the HTML report is rendered in; the test fails at once without one.
fn chromium() -> String {
    std::env::var("TENDLC_CHROMIUM").unwrap_or_else(|_| {
        panic!(
            "TENDLC_CHROMIUM is not set: run scripts/ensure-chromium.sh (scripts/test.sh sets it) \
             and export TENDLC_CHROMIUM=<the path it prints>; the HTML report must render in a browser"
        )
    })
}

/// Headless chromium's DOM of `file` (after scripts and layout), with a screenshot beside it.
fn render_in_chromium(
    chromium: &str,
    file: &std::path::Path,
    screenshot: &std::path::Path,
) -> String {
    let profile = std::env::temp_dir().join(format!("tendlc-chromium-{}", Uuid::new_v4().simple()));
    let url = format!("file://{}", file.display());
    let common = [
        "--headless=new".to_string(),
        "--no-sandbox".to_string(),
        "--disable-gpu".to_string(),
        "--disable-dev-shm-usage".to_string(),
        format!("--user-data-dir={}", profile.display()),
    ];
    let dom = Command::new(chromium)
        .args(&common)
        .arg("--dump-dom")
        .arg(&url)
        .output()
        .unwrap_or_else(|e| {
            panic!("running {chromium}: {e} (scripts/ensure-chromium.sh installs it)")
        });
    assert!(
        dom.status.success(),
        "chromium --dump-dom failed: {}",
        String::from_utf8_lossy(&dom.stderr)
    );
    let shot = Command::new(chromium)
        .args(&common)
        .arg(format!("--screenshot={}", screenshot.display()))
        .arg("--window-size=1100,1400")
        .arg(&url)
        .output()
        .expect("chromium --screenshot");
    assert!(
        shot.status.success(),
        "chromium --screenshot failed: {}",
        String::from_utf8_lossy(&shot.stderr)
    );
    let _ = std::fs::remove_dir_all(&profile);
    String::from_utf8_lossy(&dom.stdout).into_owned()
}

/// The files of a tar.gz, by name without its folder.
fn unpack(archive: &[u8]) -> BTreeMap<String, Vec<u8>> {
    let mut tar = tar::Archive::new(flate2::read::GzDecoder::new(archive));
    let mut files = BTreeMap::new();
    for entry in tar.entries().expect("a tar.gz") {
        let mut entry = entry.expect("an entry");
        let name = entry.path().unwrap().to_string_lossy().into_owned();
        let name = name
            .split_once('/')
            .map_or(name.clone(), |(_, n)| n.to_string());
        let mut bytes = vec![];
        entry.read_to_end(&mut bytes).unwrap();
        files.insert(name, bytes);
    }
    files
}

#[tokio::test]
async fn reports_tell_one_customers_lifecycle_in_json_csv_html_fees_and_an_evidence_pack() {
    let chromium = chromium();
    let app = started().await;
    let began = chrono::Utc::now() - chrono::Duration::seconds(5);
    let alpha = app.create_customer("BAN-REPORT-A", "SMALL").await;
    let beta = app.create_customer("BAN-REPORT-B", "SMALL").await;
    let life = alpha_lifecycle(&app, alpha).await;
    let beta_brand = app
        .scored_brand(beta, &private_brand("Beta Gadgets"), "VERIFIED")
        .await;
    let beta_tcr = app.brand(&beta_brand).await["tcrBrandId"]
        .as_str()
        .unwrap()
        .to_string();
    // Webhook deliveries about alpha's registrations are recorded (the workers read them).
    eventually(
        Duration::from_secs(15),
        "the deactivation to be recorded",
        || async {
            let events = app.events_of(&life.campaign).await;
            events
                .iter()
                .any(|(t, _)| t == "CampaignDeactivated")
                .then_some(())
        },
    )
    .await;
    let period = format!(
        "from={}&to={}",
        rfc3339(began),
        rfc3339(chrono::Utc::now() + chrono::Duration::seconds(5))
    );
    let alpha_admin = app.token(Role::CustomerAdmin, Some(alpha));
    let alpha_user = app.token(Role::CustomerUser, Some(alpha));
    let beta_admin = app.token(Role::CustomerAdmin, Some(beta));

    // JSON, as alpha's user.
    let path = format!("/v1/reports/compliance?{period}");
    let (status, content_type, body) = fetch(&app, &alpha_user, &path, None).await;
    let text = String::from_utf8_lossy(&body).into_owned();
    assert_eq!(status, 200, "{text}");
    assert!(
        content_type.starts_with("application/json"),
        "{content_type}"
    );
    let report: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(report["customerId"], alpha.to_string());
    for theirs in [beta_brand.as_str(), beta_tcr.as_str(), "Beta Gadgets"] {
        assert!(
            !text.contains(theirs),
            "alpha's report shows beta's {theirs}: {text}"
        );
    }
    let registrations = report["registrations"].as_array().unwrap();
    let ids: BTreeSet<&str> = registrations
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        BTreeSet::from([life.brand.as_str(), life.campaign.as_str()]),
        "alpha submitted one brand and one campaign: {registrations:?}"
    );
    for registration in registrations {
        assert_eq!(registration["outcome"], "REGISTERED", "{registration}");
        assert!(
            registration["submittedBy"]
                .as_str()
                .is_some_and(|a| a.starts_with("user:")),
            "who asked: {registration}"
        );
        assert!(
            registration["millisToOutcome"]
                .as_i64()
                .is_some_and(|s| s >= 0),
            "{registration}"
        );
    }
    let rejection = report["carrierDecisions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["mnoId"] == T_MOBILE && d["to"] == "REJECTED")
        .unwrap_or_else(|| panic!("T-Mobile's rejection: {}", report["carrierDecisions"]));
    assert_eq!(rejection["campaignId"], life.campaign.as_str());
    assert!(
        rejection["reasonCategory"].is_string(),
        "with its reason: {rejection}"
    );
    let vettings = report["vettings"].as_array().unwrap();
    assert!(
        vettings
            .iter()
            .any(|v| v["provider"] == "AEGIS" && v["what"] == "ordered"),
        "the vetting ordered: {vettings:?}"
    );
    assert!(
        vettings.iter().any(|v| v["status"] == "ACTIVE"),
        "and scored: {vettings:?}"
    );
    assert!(
        report["deactivations"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["id"] == life.campaign.as_str()),
        "the deactivation: {}",
        report["deactivations"]
    );
    let totals = &report["totals"];
    assert!(totals["webhooksReceived"].as_i64().unwrap() > 0, "{totals}");
    assert!(
        totals["webhooksRefused"].as_i64().unwrap() >= 1,
        "the forged one: {totals}"
    );
    // TCR's fees for this lifecycle: brand $4, STANDARD vetting $40, MARKETING ($10 a month,
    // as TCR quoted it) billed 3 months up front.
    let fees: Vec<(String, i64, i64)> = report["fees"]["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["item"].as_str().unwrap().to_string(),
                f["quantity"].as_i64().unwrap(),
                f["amountCents"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        fees,
        vec![
            ("BRAND_REGISTRATION".to_string(), 1, 400),
            ("VETTING".to_string(), 1, 4000),
            ("CAMPAIGN_MINIMUM".to_string(), 3, 3000),
        ],
        "{}",
        report["fees"]
    );
    assert_eq!(report["fees"]["totalCents"], 7400);
    assert_eq!(totals["feesCents"], 7400);
    let brand_line = report["timelines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == life.brand.as_str())
        .expect("the brand's timeline");
    let states: Vec<&str> = brand_line["spans"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["state"].as_str().unwrap())
        .collect();
    assert!(states.contains(&"VERIFIED"), "{states:?}");
    let campaign_line = report["timelines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == life.campaign.as_str())
        .expect("the campaign's timeline");
    let states: Vec<&str> = campaign_line["spans"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["state"].as_str().unwrap())
        .collect();
    assert!(states.contains(&"CARRIER_REJECTED"), "{states:?}");
    assert_eq!(
        states.last(),
        Some(&"EXPIRED"),
        "deactivated for good: {states:?}"
    );

    // Never another customer's: beta naming alpha gets 404, its own report shows none of alpha's.
    let (status, _, _) = fetch(
        &app,
        &beta_admin,
        &format!("/v1/reports/compliance?customerId={alpha}&{period}"),
        None,
    )
    .await;
    assert_eq!(status, 404, "beta asking for alpha's report");
    let (status, _, body) = fetch(&app, &beta_admin, &path, None).await;
    assert_eq!(status, 200);
    let beta_text = String::from_utf8_lossy(&body);
    for ours in [
        &life.brand,
        &life.tcr_brand,
        &life.campaign,
        &life.tcr_campaign,
    ] {
        assert!(
            !beta_text.contains(ours.as_str()),
            "beta's report shows alpha's {ours}"
        );
    }
    let (status, _, body) = fetch(&app, &app.superadmin(), &path, None).await;
    assert_eq!(
        status,
        422,
        "a super admin names the customer: {}",
        String::from_utf8_lossy(&body)
    );
    let (status, _, body) =
        fetch(&app, &app.superadmin(), &format!("{path}&format=pdf"), None).await;
    assert_eq!(status, 422, "{}", String::from_utf8_lossy(&body));
    let (status, body) = status_and_body(app.as_operator_for(Method::GET, &path, alpha)).await;
    assert_eq!(status, 200);
    assert_eq!(
        body["totals"], report["totals"],
        "the operator acting for alpha sees the same"
    );

    // CSV (by Accept) reads back to the JSON's figures.
    let (status, content_type, csv_bytes) =
        fetch(&app, &alpha_admin, &path, Some("text/csv")).await;
    assert_eq!(status, 200);
    assert!(content_type.starts_with("text/csv"), "{content_type}");
    let mut reader = csv::Reader::from_reader(csv_bytes.as_slice());
    let rows: Vec<BTreeMap<String, String>> = reader.deserialize().map(|r| r.unwrap()).collect();
    let section = |name: &'static str| rows.iter().filter(move |r| r["section"] == name);
    for (name, value) in totals.as_object().unwrap() {
        let row = section("total")
            .find(|r| &r["what"] == name)
            .unwrap_or_else(|| panic!("no total {name} in the CSV"));
        assert_eq!(
            row["value"].parse::<i64>().unwrap(),
            value.as_i64().unwrap(),
            "{name}"
        );
    }
    let csv_fees: i64 = section("fee")
        .map(|r| r["amountCents"].parse::<i64>().unwrap())
        .sum();
    assert_eq!(csv_fees, 7400, "the CSV's fees add up to the JSON's");
    assert_eq!(section("registration").count(), registrations.len());
    for registration in registrations {
        let row = section("registration")
            .find(|r| r["subjectId"] == registration["id"].as_str().unwrap())
            .unwrap();
        assert_eq!(
            row["millis"].parse::<i64>().ok(),
            registration["millisToOutcome"].as_i64()
        );
        assert_eq!(row["outcome"], registration["outcome"].as_str().unwrap());
    }
    assert_eq!(
        section("carrier_decision").count(),
        report["carrierDecisions"].as_array().unwrap().len()
    );

    // HTML renders in a headless browser, with the timeline and the figures.
    let (status, content_type, html) =
        fetch(&app, &alpha_admin, &format!("{path}&format=html"), None).await;
    assert_eq!(status, 200);
    assert!(content_type.starts_with("text/html"), "{content_type}");
    let saved = artifacts().join("report.html");
    std::fs::write(&saved, &html).unwrap();
    let screenshot = artifacts().join("report.png");
    let _ = std::fs::remove_file(&screenshot);
    let dom = render_in_chromium(&chromium, &saved, &screenshot);
    assert!(
        dom.contains("<svg id=\"timeline\""),
        "the timeline is an inline SVG:\n{dom}"
    );
    assert!(
        dom.contains("data-state=\"VERIFIED\""),
        "the brand's states are drawn:\n{dom}"
    );
    assert!(
        dom.contains(&format!("data-id=\"{}\"", life.campaign)),
        "the campaign has a row"
    );
    assert!(dom.contains("$74.00"), "the fees are shown:\n{dom}");
    assert!(
        dom.contains("data-figure=\"registrationsSubmitted\"><div class=\"value\">2</div>"),
        "the figures are shown:\n{dom}"
    );
    assert!(
        !dom.contains(" src=") && !dom.contains("<link") && !dom.contains("url("),
        "nothing is fetched from elsewhere"
    );
    assert!(
        std::fs::metadata(&screenshot).is_ok_and(|m| m.len() > 1000),
        "chromium took a screenshot"
    );

    // Fees: alpha's own, and every customer's for the operator.
    let (status, fees) = status_and_body(app.request(
        Method::GET,
        &format!("/v1/reports/fees?{period}"),
        &alpha_admin,
    ))
    .await;
    assert_eq!(status, 200, "{fees}");
    assert_eq!(fees["totalCents"], 7400, "{fees}");
    let (status, all) = status_and_body(app.request(
        Method::GET,
        &format!("/v1/reports/fees?{period}"),
        &app.superadmin(),
    ))
    .await;
    assert_eq!(status, 200, "{all}");
    let customers: BTreeMap<String, i64> = all["customers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["customerId"].as_str().unwrap().to_string(),
                c["totalCents"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(customers.get(&alpha.to_string()), Some(&7400), "{all}");
    assert_eq!(
        customers.get(&beta.to_string()),
        Some(&400),
        "beta's brand only: {all}"
    );

    // The evidence pack, once the chain has linked every event of the brand.
    // A third party took the chain's head earlier (here: once the lifecycle was recorded).
    eventually(
        Duration::from_secs(20),
        "the chain to link the brand's events",
        || async {
            let chained: i64 =
                sqlx::query_scalar("SELECT count(*) FROM event_chain WHERE aggregate_id = $1")
                    .bind(&life.brand)
                    .fetch_one(&app.pool)
                    .await
                    .unwrap();
            (chained > 0).then_some(())
        },
    )
    .await;
    let held_file = std::env::temp_dir().join(format!("head-{}.json", Uuid::new_v4().simple()));
    let output = Command::new(binary())
        .args(["audit", "head"])
        .env("DATABASE_URL", &app.db.url)
        .output()
        .expect("tendlc audit head");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    std::fs::write(&held_file, &output.stdout).unwrap();
    let held: Value = serde_json::from_slice(&output.stdout).expect("the head as JSON");
    let evidence = format!("/v1/reports/brands/{}/evidence", life.brand);
    let (status, _, _) = fetch(&app, &beta_admin, &evidence, None).await;
    assert_eq!(status, 404, "beta cannot have alpha's evidence");
    // TCR's webhooks about the deactivation may still add to the campaign (some wait for a
    // retry): count what is recorded before the pack is asked for; a later event may or may
    // not be in it.
    let recorded_before = events_recorded(&app, &life).await;
    let files = eventually(
        Duration::from_secs(20),
        "the chain to reach the brand's events",
        || async {
            let (status, content_type, body) = fetch(&app, &alpha_admin, &evidence, None).await;
            assert_eq!(status, 200);
            assert_eq!(content_type, "application/gzip");
            let files = unpack(&body);
            let proof: ChainProof = serde_json::from_slice(&files["chain-proof.json"]).unwrap();
            proof.not_yet_chained.is_empty().then_some(files)
        },
    )
    .await;
    let names: BTreeSet<&str> = files.keys().map(String::as_str).collect();
    assert_eq!(
        names,
        BTreeSet::from([
            "README.txt",
            "chain-proof.json",
            "compliance-report.csv",
            "compliance-report.html",
            "compliance-report.json",
            "history.json",
            "manifest.json",
            "state.json",
            "submitted-to-tcr.json",
        ])
    );
    let proof: ChainProof = serde_json::from_slice(&files["chain-proof.json"]).unwrap();
    let recorded_after = events_recorded(&app, &life).await;
    let proven = check_proof(&proof).expect("the proof holds");
    assert!(
        (recorded_before..=recorded_after).contains(&proven),
        "every event of the brand and its campaign recorded before the pack is proven: \
         {proven} proven, {recorded_before} recorded before, {recorded_after} after"
    );
    assert!(
        held["chainIndex"].as_i64() <= proof.head.as_ref().map(|h| h.chain_index),
        "the proof's head is at or after the head held before: {held}"
    );
    let mut altered = proof.clone();
    altered.events[0].event.payload = altered.events[0].event.payload.replace("Alpha", "Alpha2");
    assert!(
        check_proof(&altered).is_err_and(|e| e.contains("altered")),
        "an altered event fails the proof"
    );
    // The third party checks the pack's proof with the head it held, without the database.
    let proof_file = std::env::temp_dir().join(format!("proof-{}.json", Uuid::new_v4().simple()));
    std::fs::write(&proof_file, &files["chain-proof.json"]).unwrap();
    let check = |file: &PathBuf| {
        Command::new(binary())
            .args(["audit", "proof"])
            .arg(file)
            .arg("--head")
            .arg(&held_file)
            .env_remove("DATABASE_URL")
            .output()
            .expect("tendlc audit proof")
    };
    let output = check(&proof_file);
    let told = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success() && told.contains("passes through the head you hold"),
        "{told}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    std::fs::write(&proof_file, serde_json::to_vec(&altered).unwrap()).unwrap();
    assert!(
        !check(&proof_file).status.success(),
        "an altered proof is refused"
    );
    let _ = std::fs::remove_file(&proof_file);
    let _ = std::fs::remove_file(&held_file);
    let history: Vec<Value> = serde_json::from_slice(&files["history.json"]).unwrap();
    assert!(
        (recorded_before..=recorded_after).contains(&history.len()),
        "the whole history: {} entries, {recorded_before} events recorded before, {recorded_after} after",
        history.len()
    );
    let submitted: Vec<Value> = serde_json::from_slice(&files["submitted-to-tcr.json"]).unwrap();
    let endpoints: Vec<String> = submitted
        .iter()
        .map(|s| s["endpoint"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        endpoints,
        vec![
            "POST /brand/nonBlocking".to_string(),
            format!("POST /brand/{}/externalVetting", life.tcr_brand),
            "POST /campaignBuilder".to_string(),
            format!("DELETE /campaign/{}", life.tcr_campaign),
        ],
        "{submitted:?}"
    );
    assert_eq!(submitted[0]["body"]["displayName"], "Alpha Widgets");
    assert_eq!(submitted[2]["body"]["usecase"], "MARKETING");
    let pack_report: Value = serde_json::from_slice(&files["compliance-report.json"]).unwrap();
    assert_eq!(pack_report["brandId"], life.brand.as_str());
    assert_eq!(pack_report["fees"]["totalCents"], 7400);

    // The same from the command line.
    let out = std::env::temp_dir().join(format!("evidence-{}.tar.gz", Uuid::new_v4().simple()));
    let output = Command::new(binary())
        .args(["report", "evidence", &life.brand, "-o"])
        .arg(&out)
        .env("DATABASE_URL", &app.db.url)
        .output()
        .expect("tendlc report evidence");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let cli_files = unpack(&std::fs::read(&out).unwrap());
    let _ = std::fs::remove_file(&out);
    assert_eq!(
        cli_files.keys().collect::<Vec<_>>(),
        files.keys().collect::<Vec<_>>()
    );
    let output = Command::new(binary())
        .args([
            "report",
            "fees",
            "--customer",
            &alpha.to_string(),
            "--format",
            "csv",
        ])
        .args(["--from", &rfc3339(began)])
        .env("DATABASE_URL", &app.db.url)
        .output()
        .expect("tendlc report fees");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let mut reader = csv::Reader::from_reader(output.stdout.as_slice());
    let cli_total: i64 = reader
        .deserialize::<BTreeMap<String, String>>()
        .map(|r| r.unwrap()["amountCents"].parse::<i64>().unwrap())
        .sum();
    assert_eq!(cli_total, 7400, "tendlc report fees agrees with the API");
}

#[tokio::test]
async fn an_event_in_its_old_shape_is_read_through_its_upcaster_everywhere() {
    let app = started().await;
    let customer = app.create_customer("BAN-UPCAST", "SMALL").await;
    let brand = app
        .scored_brand(customer, &private_brand("Legacy Widgets"), "VERIFIED")
        .await;
    // A vetting as tendlc recorded it before `billed` existed (BrandVettingRecorded 1.0).
    let old = json!({"BrandVettingRecorded": {
        "vetting": {"provider": "AEGIS", "vettingId": "V-LEGACY", "vettingClass": "STANDARD",
                    "status": "ACTIVE", "score": 80, "vettedDate": null},
        "imported": false
    }});
    let metadata = json!({"customer_id": customer.to_string(), "actor": "system:poller",
        "source": "poll", "request_id": "legacy-1"});
    eventually(Duration::from_secs(10), "the old-shape event to be inserted", || async {
        sqlx::query(
            "INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata)
             SELECT 'Brand', $1, max(sequence) + 1, 'BrandVettingRecorded', '1.0', $2, $3
               FROM events WHERE aggregate_type = 'Brand' AND aggregate_id = $1",
        )
        .bind(&brand)
        .bind(&old)
        .bind(&metadata)
        .execute(&app.pool)
        .await
        .ok()
        .map(|_| ())
    })
    .await;

    // The aggregate, loaded by the event store.
    let (state, _) = tendlc_adapters::event_store::load::<Brand>(&app.pool, &brand)
        .await
        .expect("the brand loads with a 1.0 vetting among its events");
    assert!(
        state.vettings.iter().any(|v| v.vetting_id == "V-LEGACY"),
        "{:?}",
        state.vettings
    );

    // The history shows it as recorded (version 1.0) in its current shape.
    let history = app.brand_history(customer, &brand).await;
    let entry = history
        .iter()
        .find(|e| e["eventType"] == "BrandVettingRecorded")
        .cloned()
        .unwrap_or_else(|| panic!("the old vetting in the history: {history:?}"));
    assert_eq!(entry["eventVersion"], "1.0");
    assert_eq!(
        entry["data"]["billed"], true,
        "upcast: not imported, so billed: {entry}"
    );
    assert!(
        entry["summary"].as_str().unwrap().contains("V-LEGACY"),
        "{entry}"
    );

    // State as of now, folded by the domain.
    let (status, as_of) = app
        .call_for(
            customer,
            Method::GET,
            &format!(
                "/v1/messaging/brands/{brand}?asOf={}",
                rfc3339(chrono::Utc::now() + chrono::Duration::seconds(1))
            ),
            None,
        )
        .await;
    assert_eq!(status, 200, "{as_of}");

    // The live read model applied it.
    let vettings = format!("/v1/messaging/brands/{brand}/vettings");
    eventually(
        Duration::from_secs(10),
        "the read model to show the vetting",
        || async {
            let (_, list) = app.call_for(customer, Method::GET, &vettings, None).await;
            list.as_array()?
                .iter()
                .any(|v| v["vettingId"] == "V-LEGACY")
                .then_some(())
        },
    )
    .await;

    // A rebuild reads it too, and ends equal to the live tables.
    let output = Command::new(binary())
        .args(["rebuild", "brands_10dlc"])
        .env("DATABASE_URL", &app.db.url)
        .output()
        .expect("tendlc rebuild");
    let told = format!(
        "{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        output.status.success(),
        "the rebuild read the 1.0 event:\n{told}"
    );
    let (_, list) = app.call_for(customer, Method::GET, &vettings, None).await;
    assert!(
        list.as_array()
            .unwrap()
            .iter()
            .any(|v| v["vettingId"] == "V-LEGACY"),
        "after the rebuild: {list}"
    );

    // And the fee ledger bills it (a STANDARD vetting TCR billed).
    let (status, fees) = app
        .call_for(customer, Method::GET, "/v1/reports/fees", None)
        .await;
    assert_eq!(status, 200, "{fees}");
    let items: Vec<(String, i64)> = fees["customers"][0]["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["item"].as_str().unwrap().to_string(),
                e["amountCents"].as_i64().unwrap(),
            )
        })
        .collect();
    assert!(items.contains(&("VETTING".to_string(), 4000)), "{fees}");
}
