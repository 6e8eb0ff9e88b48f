//! The TCR simulator's campaigns, vetting, appeals, OTP and sharing, black-box: the simulator on
//! a real port with short delays, a webhook receiver on another. Answers are checked against
//! TCR's OpenAPI document as they go (see `common`); behaviour against `shared/tcr-api.md` §3–§8
//! and the simulator's module docs.
mod common;

use std::time::{Duration, Instant};

use common::*;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use tendlc_tcr_sim::{SimHandleError, MOCK_PIN};

const REVIEW: Duration = Duration::from_millis(300);

/// A simulator with short delays whose BRAND, CAMPAIGN and VETTING events go to one receiver.
async fn sim_with_hooks() -> (TestSim, Receiver) {
    let sim = spawn_sim(|c| {
        c.scoring_delay = Duration::from_millis(200);
        c.campaign_review_delay = REVIEW;
        c.vetting_delay = Duration::from_millis(250);
        c.sharing_delay = Duration::from_millis(200);
        c.appeal_delay = Duration::from_millis(200);
    })
    .await;
    let receiver = Receiver::start("/hooks/tcr").await;
    for category in ["BRAND", "CAMPAIGN", "VETTING"] {
        sim.subscribe(category, &receiver.url).await;
    }
    (sim, receiver)
}

/// Waits until TCR has scored the brand (its identity shows UNVERIFIED while scoring, too).
async fn scored(hooks: &Receiver, brand_id: &str) {
    hooks
        .event("BRAND_SCORE_UPDATE", &json!({"brandId": brand_id}))
        .await;
}

/// Registers a brand of `entity_type` called `name` (markers and all); returns its `brandId`.
async fn brand_named(sim: &TestSim, entity_type: &str, name: &str) -> String {
    let request = with(brand_request(entity_type), "displayName", json!(name));
    text(&sim.create(&request).await, "brandId").to_owned()
}

/// A verified, non-mock PRIVATE_PROFIT brand (mock campaigns cannot be shared).
async fn real_brand(sim: &TestSim) -> String {
    let request = with(brand_request("PRIVATE_PROFIT"), "mock", json!(false));
    sim.verified_brand(&request).await
}

async fn campaign_with(sim: &TestSim, brand_id: &str, description: &str) -> String {
    let request = with(
        campaign_request(brand_id),
        "description",
        json!(description),
    );
    let created = sim.create_campaign(&request).await;
    text(&created, "campaignId").to_owned()
}

fn qualification_path(brand_id: &str, usecase: &str) -> String {
    format!("/campaignBuilder/brand/{brand_id}/usecase/{usecase}")
}

async fn qualification(sim: &TestSim, brand_id: &str, usecase: &str) -> Value {
    sim.json_answer(
        Method::GET,
        &qualification_path(brand_id, usecase),
        None,
        &component("UsecaseMetadata"),
    )
    .await
}

async fn refused(sim: &TestSim, method: Method, path: &str, body: Option<&Value>) -> Vec<Value> {
    let what = format!("{method} {path}");
    assert_errors(&sim.call(method, path, body).await, "ApiError", &what)
}

fn assert_refused(errors: &[Value], code: u64, field: &str, what: &str) {
    assert!(
        has_error(errors, code, field),
        "{what}: expected error {code} naming {field}; got {errors:#?}"
    );
}

fn assert_code(errors: &[Value], code: u64, what: &str) {
    assert!(
        errors.iter().any(|e| e["code"] == code),
        "{what}: expected error {code}; got {errors:#?}"
    );
}

// ---------------------------------------------------------------------------------------------
// Qualification
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn qualification_follows_the_brand_and_its_best_vetting_score() {
    let (sim, _hooks) = sim_with_hooks().await;
    let name = "Acme [sim:vet-score-90]";
    let brand_id = sim
        .verified_brand(&with(
            brand_request("PRIVATE_PROFIT"),
            "displayName",
            json!(name),
        ))
        .await;

    let marketing = qualification(&sim, &brand_id, "MARKETING").await;
    assert_eq!(
        (
            &marketing["monthlyFee"],
            &marketing["quarterlyFee"],
            &marketing["annualFee"]
        ),
        (&json!(10), &json!(30), &json!(120)),
        "MARKETING costs $10 a month, 3x a quarter, 12x a year: {marketing:#}"
    );
    let metadata = &marketing["mnoMetadata"];
    let ids: Vec<&String> = metadata.as_object().expect("a map").keys().collect();
    assert_eq!(ids.len(), 6, "all six carriers answer: {metadata:#}");
    let att = &metadata["10017"];
    assert_eq!(
        (&att["mno"], &att["msgClass"], &att["tpm"], &att["tpmScope"]),
        (&json!("AT&T"), &json!("T"), &json!(75), &json!("CAMPAIGN")),
        "an unvetted verified brand gets AT&T class T at 75 TPM: {att:#}"
    );
    assert_eq!(
        att["minMsgSamples"], 2,
        "AT&T wants two samples for MARKETING"
    );
    let t_mobile = &metadata["10035"];
    assert_eq!(
        (&t_mobile["brandTier"], &t_mobile["brandDailyCap"]),
        (&json!("LOW"), &json!(2000)),
        "an unvetted verified brand is T-Mobile LOW at 2000 a day: {t_mobile:#}"
    );
    assert_eq!(metadata["10038"]["mno"], "Verizon Wireless");
    assert_eq!(metadata["10038"]["minMsgSamples"], 1);

    let low_volume = qualification(&sim, &brand_id, "LOW_VOLUME").await;
    assert_eq!(
        low_volume["monthlyFee"],
        json!(1.5),
        "Low Volume Mixed is $1.50"
    );
    assert_eq!(
        (&low_volume["minSubUsecases"], &low_volume["maxSubUsecases"]),
        (&json!(1), &json!(5))
    );

    // An imported Aegis vet; the brand's name gives it score 90.
    let import = json!({"evpId": "AEGIS", "vettingId": "aegis-123", "vettingToken": "cert-ok"});
    let vetting = sim
        .json_answer(
            Method::PUT,
            &format!("/brand/{brand_id}/externalVetting"),
            Some(&import),
            &component("ExternalVetting"),
        )
        .await;
    assert_eq!(vetting["vettingScore"], 90, "{vetting:#}");
    let vetted = qualification(&sim, &brand_id, "MARKETING").await;
    let (att, t_mobile) = (
        &vetted["mnoMetadata"]["10017"],
        &vetted["mnoMetadata"]["10035"],
    );
    assert_eq!(
        (&att["msgClass"], &att["tpm"]),
        (&json!("A"), &json!(4500)),
        "score 75+ gets AT&T class A at 4500 TPM: {att:#}"
    );
    assert_eq!(
        (&t_mobile["brandTier"], &t_mobile["brandDailyCap"]),
        (&json!("TOP"), &json!(200000)),
        "score 75+ is T-Mobile TOP: {t_mobile:#}"
    );
    assert_eq!(
        vetted["mnoMetadata"]["10017"]["msgClass"], "A",
        "dedicated use cases get class A"
    );
    let mixed = qualification(&sim, &brand_id, "MIXED").await;
    assert_eq!(
        mixed["mnoMetadata"]["10017"]["msgClass"], "B",
        "mixed use cases get class B"
    );

    let all = sim
        .json_answer(
            Method::GET,
            &format!("/campaignBuilder/brand/{brand_id}"),
            None,
            &json!({"type": "array", "items": component("UsecaseMetadata")}),
        )
        .await;
    let codes: Vec<&str> = all
        .as_array()
        .expect("an array")
        .iter()
        .map(|u| text(u, "usecase"))
        .collect();
    assert!(
        codes.contains(&"MARKETING") && !codes.contains(&"SOLE_PROPRIETOR"),
        "a company qualifies for MARKETING, not SOLE_PROPRIETOR: {codes:?}"
    );
}

#[tokio::test]
async fn qualification_is_refused_while_scoring_and_for_brands_that_do_not_qualify() {
    let (sim, hooks) = sim_with_hooks().await;
    let errors = refused(
        &sim,
        Method::GET,
        &qualification_path("BNOPE00", "2FA"),
        None,
    )
    .await;
    assert_refused(&errors, 502, "brandId", "an unknown brand");

    let scoring = text(
        &sim.create(&brand_request("PRIVATE_PROFIT")).await,
        "brandId",
    )
    .to_owned();
    let errors = refused(
        &sim,
        Method::GET,
        &qualification_path(&scoring, "2FA"),
        None,
    )
    .await;
    assert_refused(&errors, 527, "brandId", "a brand still being scored");
    let errors = refused(
        &sim,
        Method::GET,
        &format!("/campaignBuilder/brand/{scoring}"),
        None,
    )
    .await;
    assert_refused(&errors, 527, "brandId", "all use cases while scoring");
    sim.wait_for_identity(&scoring, "VERIFIED").await;
    qualification(&sim, &scoring, "2FA").await;

    let errors = refused(
        &sim,
        Method::GET,
        &qualification_path(&scoring, "TELEPATHY"),
        None,
    )
    .await;
    assert_refused(&errors, 501, "usecase", "an unknown use case");
    let errors = refused(
        &sim,
        Method::GET,
        &qualification_path(&scoring, "SOLE_PROPRIETOR"),
        None,
    )
    .await;
    assert_refused(&errors, 509, "usecase", "SOLE_PROPRIETOR for a company");

    let unverified = brand_named(&sim, "PRIVATE_PROFIT", "Acme [sim:unverified]").await;
    scored(&hooks, &unverified).await;
    let errors = refused(
        &sim,
        Method::GET,
        &qualification_path(&unverified, "2FA"),
        None,
    )
    .await;
    assert_refused(&errors, 509, "brandId", "an UNVERIFIED brand");

    let sole = text(
        &sim.create(&brand_request("SOLE_PROPRIETOR")).await,
        "brandId",
    )
    .to_owned();
    scored(&hooks, &sole).await;
    let errors = refused(
        &sim,
        Method::GET,
        &qualification_path(&sole, "MARKETING"),
        None,
    )
    .await;
    assert_refused(&errors, 509, "usecase", "MARKETING for a sole proprietor");
    let sp = qualification(&sim, &sole, "SOLE_PROPRIETOR").await;
    assert_eq!(
        sp["monthlyFee"], 2,
        "a sole proprietor campaign is $2 a month"
    );
    assert_eq!(sp["mnoMetadata"]["10017"]["msgClass"], "S");

    let self_declared = brand_named(&sim, "NON_PROFIT", "Acme [sim:self-declared]").await;
    scored(&hooks, &self_declared).await;
    let errors = refused(
        &sim,
        Method::GET,
        &qualification_path(&self_declared, "2FA"),
        None,
    )
    .await;
    assert_refused(&errors, 509, "brandId", "a SELF_DECLARED company");

    sim.call(Method::DELETE, &format!("/brand/{scoring}"), None)
        .await
        .expect(StatusCode::NO_CONTENT, "deleting a brand without campaigns");
    let errors = refused(
        &sim,
        Method::GET,
        &qualification_path(&scoring, "2FA"),
        None,
    )
    .await;
    assert_refused(&errors, 502, "brandId", "a deleted brand");
}

// ---------------------------------------------------------------------------------------------
// Carrier review
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_new_campaign_goes_to_review_on_every_carrier_then_is_registered_with_webhooks() {
    let (sim, hooks) = sim_with_hooks().await;
    let brand_id = sim.verified_brand(&brand_request("PRIVATE_PROFIT")).await;
    let request = campaign_request(&brand_id);
    let started = Instant::now();
    let created = sim.create_campaign(&request).await;
    let campaign_id = text(&created, "campaignId").to_owned();
    assert!(
        campaign_id.len() == 7
            && campaign_id.starts_with('C')
            && campaign_id[1..]
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit()),
        "campaignId is C + 6 uppercase alphanumerics: {campaign_id}"
    );
    let metadata = created["mnoMetadata"].as_object().expect("a map");
    assert_eq!(
        metadata.len(),
        6,
        "submitted to all six carriers: {created:#}"
    );

    let campaign = sim.get_campaign(&campaign_id).await;
    for (name, sent) in request.as_object().expect("an object") {
        assert_eq!(
            &campaign[name], sent,
            "GET shows {name} as sent: {campaign:#}"
        );
    }
    assert_eq!(campaign["status"], "ACTIVE");
    assert_eq!(campaign["monthlyFee"], 10);
    assert_eq!(campaign["mock"], true, "the brand is a mock brand");
    assert_eq!(campaign["cspId"], sim.csp_id.as_str());
    let created_at = text(&campaign, "createDate");
    assert_eq!(campaign["billedDate"], created_at, "billed at creation");
    let year: i32 = created_at[..4].parse().unwrap();
    let month: u32 = created_at[5..7].parse().unwrap();
    let (renew_year, renew_month) = if month + 3 > 12 {
        (year + 1, month + 3 - 12)
    } else {
        (year, month + 3)
    };
    assert!(
        text(&campaign, "nextRenewalOrExpirationDate")
            .starts_with(&format!("{renew_year}-{renew_month:02}-")),
        "the first renewal is 3 months after creation: {campaign:#}"
    );
    assert!(campaign.get("expirationDate").is_none());

    let statuses = sim.operation_status(&campaign_id).await;
    for mno_id in MNO_IDS {
        assert_eq!(statuses[mno_id.to_string()], "REVIEW", "{statuses}");
    }
    sim.wait_for_operation(&campaign_id, 10901, "REGISTERED")
        .await;
    assert!(
        started.elapsed() >= REVIEW,
        "registered only after the review delay"
    );
    for mno_id in MNO_IDS {
        sim.wait_for_operation(&campaign_id, mno_id, "REGISTERED")
            .await;
    }

    for mno_id in MNO_IDS {
        hooks
            .event(
                "MNO_CAMPAIGN_OPERATION_APPROVED",
                &json!({"campaignId": campaign_id, "mnoId": mno_id}),
            )
            .await;
    }
    let types = hooks.campaign_types(&campaign_id);
    assert_eq!(
        &types[..2],
        ["CAMPAIGN_ADD", "CAMPAIGN_BILLED"],
        "{types:?}"
    );
    assert_eq!(
        types
            .iter()
            .filter(|t| *t == "MNO_CAMPAIGN_OPERATION_REVIEW")
            .count(),
        6,
        "{types:?}"
    );
    let add = hooks
        .event("CAMPAIGN_ADD", &json!({"campaignId": campaign_id}))
        .await;
    assert_eq!(add["brandId"], brand_id.as_str());
    assert_eq!(add["campaignReferenceId"], request["referenceId"]);
    assert_eq!(add["cspId"], sim.csp_id.as_str());
    assert_eq!(add["mock"], true);
    assert!(
        text(&add, "description").contains("is provisioned in the registry"),
        "{add:#}"
    );
    let billed = hooks
        .event("CAMPAIGN_BILLED", &json!({"campaignId": campaign_id}))
        .await;
    assert!(
        text(&billed, "description").contains("30.00 USD: 3 months at 10.00 USD"),
        "{billed:#}"
    );
    let approved = hooks
        .event(
            "MNO_CAMPAIGN_OPERATION_APPROVED",
            &json!({"campaignId": campaign_id, "mnoId": 10017}),
        )
        .await;
    assert_eq!(approved["mnoName"], "AT&T");
    assert_eq!(
        approved["description"],
        format!("AT&T approved campaign {campaign_id}")
    );
}

#[tokio::test]
async fn a_rejected_carrier_gets_the_campaign_again_after_an_update_and_a_resubmission() {
    let (sim, hooks) = sim_with_hooks().await;
    let brand_id = sim.verified_brand(&brand_request("PRIVATE_PROFIT")).await;
    let clean = "Weekly offers and new arrivals from Acme Widgets for customers who signed up.";
    let campaign_id = campaign_with(
        &sim,
        &brand_id,
        &format!("{clean} [sim:mno-reject-10017-PRIVACY_POLICY] [sim:mno-reject-10035]"),
    )
    .await;
    sim.wait_for_operation(&campaign_id, 10017, "REJECTED")
        .await;
    sim.wait_for_operation(&campaign_id, 10035, "REJECTED")
        .await;
    sim.wait_for_operation(&campaign_id, 10038, "REGISTERED")
        .await;
    let rejected = hooks
        .event(
            "MNO_CAMPAIGN_OPERATION_REJECTED",
            &json!({"campaignId": campaign_id, "mnoId": 10017}),
        )
        .await;
    assert_eq!(
        rejected["description"],
        format!("AT&T rejected campaign {campaign_id}: PRIVACY_POLICY: No clear privacy policy is provided."),
        "the reason format is `<mnoName> rejected campaign <id>: <CATEGORY>: <text>`"
    );
    let default = hooks
        .event(
            "MNO_CAMPAIGN_OPERATION_REJECTED",
            &json!({"campaignId": campaign_id, "mnoId": 10035}),
        )
        .await;
    assert_eq!(
        default["description"],
        format!("T-Mobile rejected campaign {campaign_id}: SAMPLE_MESSAGE: Sample messages do not reflect the campaign description.")
    );

    sim.json_answer(
        Method::POST,
        &format!("/campaign/{campaign_id}/nudge"),
        Some(&json!({"nudgeIntent": "APPEAL_REJECTION", "description": "Privacy policy added."})),
        &json!({"type": "object", "required": ["message"], "properties": {"message": {"type": "string"}}}),
    )
    .await;
    let nudged = hooks
        .event("CAMPAIGN_NUDGE", &json!({"campaignId": campaign_id}))
        .await;
    assert_eq!(nudged["nudgeIntent"], "APPEAL_REJECTION");

    let updated = sim
        .json_answer(
            Method::PUT,
            &format!("/campaign/{campaign_id}"),
            Some(&json!({"description": clean})),
            &component("Campaign_CSP_EX"),
        )
        .await;
    assert_eq!(updated["description"], clean);
    hooks
        .event("CAMPAIGN_UPDATE", &json!({"campaignId": campaign_id}))
        .await;

    let resubmitted = sim
        .json_answer(
            Method::PUT,
            &format!("/campaign/{campaign_id}/resubmit"),
            Some(&json!({"mnoIds": [10017, 10035]})),
            &component("CampaignSubmissionResponse"),
        )
        .await;
    assert_eq!(resubmitted["campaignId"], campaign_id.as_str());
    let statuses = sim.operation_status(&campaign_id).await;
    assert_eq!(
        (&statuses["10017"], &statuses["10035"], &statuses["10038"]),
        (&json!("REVIEW"), &json!("REVIEW"), &json!("REGISTERED")),
        "only the resubmitted carriers go back to REVIEW: {statuses}"
    );
    sim.wait_for_operation(&campaign_id, 10017, "REGISTERED")
        .await;
    sim.wait_for_operation(&campaign_id, 10035, "REGISTERED")
        .await;
    let resubmission = hooks
        .event("CAMPAIGN_RESUBMISSION", &json!({"campaignId": campaign_id}))
        .await;
    assert!(
        text(&resubmission, "description").contains("AT&T, T-Mobile"),
        "{resubmission:#}"
    );
}

#[tokio::test]
async fn a_suspend_marker_registers_then_suspends_and_a_carrier_can_lift_it_out_of_band() {
    let (sim, hooks) = sim_with_hooks().await;
    let brand_id = sim.verified_brand(&brand_request("PRIVATE_PROFIT")).await;
    let started = Instant::now();
    let campaign_id = campaign_with(
        &sim,
        &brand_id,
        "Weekly offers from Acme Widgets for signed-up customers. [sim:mno-suspend-10035]",
    )
    .await;
    sim.wait_for_operation(&campaign_id, 10035, "REGISTERED")
        .await;
    sim.wait_for_operation(&campaign_id, 10035, "SUSPENDED")
        .await;
    assert!(
        started.elapsed() >= 2 * REVIEW,
        "suspended one review delay after approval"
    );
    let suspended = hooks
        .event(
            "MNO_CAMPAIGN_OPERATION_SUSPENDED",
            &json!({"campaignId": campaign_id, "mnoId": 10035}),
        )
        .await;
    assert_eq!(
        suspended["description"],
        format!("T-Mobile suspended campaign {campaign_id}: SPAM: Any kind of unwanted or unsolicited messaging.")
    );
    let types = hooks.campaign_types(&campaign_id);
    let approved = types
        .iter()
        .position(|t| t == "MNO_CAMPAIGN_OPERATION_APPROVED")
        .expect("approved first");
    assert!(
        approved
            < types
                .iter()
                .position(|t| t == "MNO_CAMPAIGN_OPERATION_SUSPENDED")
                .unwrap(),
        "{types:?}"
    );

    sim.handle
        .set_operation_status(&campaign_id, 10035, "REGISTERED", None, None)
        .expect("T-Mobile lifts the suspension");
    assert_eq!(
        sim.operation_status(&campaign_id).await["10035"],
        "REGISTERED"
    );
    let lifted = hooks
        .event(
            "MNO_CAMPAIGN_OPERATION_UNSUSPENDED",
            &json!({"campaignId": campaign_id, "mnoId": 10035}),
        )
        .await;
    assert_eq!(lifted["mnoName"], "T-Mobile");

    sim.handle
        .set_operation_status(
            &campaign_id,
            10017,
            "SUSPENDED",
            Some("EXCESSIVE_COMPLAINTS"),
            Some("Too many complaints this week."),
        )
        .expect("AT&T suspends out of band");
    let by_hand = hooks
        .event(
            "MNO_CAMPAIGN_OPERATION_SUSPENDED",
            &json!({"campaignId": campaign_id, "mnoId": 10017}),
        )
        .await;
    assert_eq!(
        by_hand["description"],
        format!("AT&T suspended campaign {campaign_id}: EXCESSIVE_COMPLAINTS: Too many complaints this week.")
    );
    for (result, expected) in [
        (
            sim.handle
                .set_operation_status(&campaign_id, 10017, "PAUSED", None, None),
            SimHandleError::UnknownOperationStatus("PAUSED".into()),
        ),
        (
            sim.handle
                .set_operation_status(&campaign_id, 10017, "REJECTED", Some("SPAM"), None),
            SimHandleError::UnknownCategory("SPAM".into()),
        ),
        (
            sim.handle
                .set_operation_status("CNOPE00", 10017, "REVIEW", None, None),
            SimHandleError::UnknownCampaign("CNOPE00".into()),
        ),
    ] {
        assert_eq!(result, Err(expected));
    }
}

#[tokio::test]
async fn a_held_carrier_stays_in_review_and_nudges_must_make_sense() {
    let (sim, hooks) = sim_with_hooks().await;
    let brand_id = sim.verified_brand(&brand_request("PRIVATE_PROFIT")).await;
    let campaign_id = campaign_with(
        &sim,
        &brand_id,
        "Weekly offers from Acme Widgets for signed-up customers. [sim:mno-hold-10038]",
    )
    .await;
    for mno_id in [10017, 10035, 10037, 10631, 10901] {
        sim.wait_for_operation(&campaign_id, mno_id, "REGISTERED")
            .await;
    }
    tokio::time::sleep(REVIEW / 2).await;
    assert_eq!(
        sim.operation_status(&campaign_id).await["10038"],
        "REVIEW",
        "[sim:mno-hold-10038] keeps Verizon reviewing"
    );

    let nudge = |intent: &str, description: Value| json!({"nudgeIntent": intent, "description": description});
    let path = format!("/campaign/{campaign_id}/nudge");
    sim.call(
        Method::POST,
        &path,
        Some(&nudge("REVIEW", json!("Still waiting."))),
    )
    .await
    .expect(StatusCode::OK, "nudging a carrier in REVIEW");
    let event = hooks
        .event(
            "CAMPAIGN_NUDGE",
            &json!({"campaignId": campaign_id, "nudgeIntent": "REVIEW"}),
        )
        .await;
    assert!(
        text(&event, "description").contains("Still waiting."),
        "{event:#}"
    );

    let errors = refused(
        &sim,
        Method::POST,
        &path,
        Some(&nudge("APPEAL_REJECTION", Value::Null)),
    )
    .await;
    assert_refused(
        &errors,
        592,
        "nudgeIntent",
        "appealing with nothing rejected",
    );
    let errors = refused(
        &sim,
        Method::POST,
        &path,
        Some(&nudge("PLEASE", Value::Null)),
    )
    .await;
    assert_refused(&errors, 501, "nudgeIntent", "an unknown nudge intent");
    let errors = refused(&sim, Method::POST, &path, Some(&json!({}))).await;
    assert_refused(&errors, 501, "nudgeIntent", "a nudge without intent");
    let errors = refused(
        &sim,
        Method::POST,
        &path,
        Some(&nudge("REVIEW", json!("x".repeat(1025)))),
    )
    .await;
    assert_refused(&errors, 501, "description", "a nudge description over 1024");
    let errors = refused(
        &sim,
        Method::POST,
        "/campaign/CNOPE00/nudge",
        Some(&nudge("REVIEW", Value::Null)),
    )
    .await;
    assert_refused(&errors, 502, "campaignId", "nudging an unknown campaign");

    sim.handle
        .set_operation_status(&campaign_id, 10038, "REGISTERED", None, None)
        .expect("Verizon decides out of band");
    let errors = refused(
        &sim,
        Method::POST,
        &path,
        Some(&nudge("REVIEW", Value::Null)),
    )
    .await;
    assert_refused(
        &errors,
        592,
        "nudgeIntent",
        "nudging with nothing in REVIEW",
    );
}

// ---------------------------------------------------------------------------------------------
// Sharing
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_shared_campaign_is_pending_then_accepted_by_the_dca() {
    let (sim, hooks) = sim_with_hooks().await;
    let brand_id = real_brand(&sim).await;
    let campaign_id = campaign_with(
        &sim,
        &brand_id,
        "Weekly offers from Acme Widgets for signed-up customers.",
    )
    .await;
    let path = format!("/campaign/{campaign_id}/sharing/TWILO");
    let shared = sim
        .json_answer(
            Method::PUT,
            &path,
            None,
            &component("CampaignSharingStatus"),
        )
        .await;
    assert_eq!(
        (
            &shared["sharingStatus"],
            &shared["upstreamCnpId"],
            &shared["downstreamCnpId"]
        ),
        (&json!("PENDING"), &json!("TWILO"), &json!(sim.csp_id)),
        "{shared:#}"
    );
    let errors = refused(&sim, Method::PUT, &path, None).await;
    assert_refused(&errors, 592, "upstreamCnpId", "resharing while PENDING");

    let chain_path = format!("/campaign/{campaign_id}/sharing");
    let chain = sim
        .poll(&chain_path, &component("CampaignSharingChain"), |c| {
            c["sharedByMe"]["sharingStatus"] == "ACCEPTED"
        })
        .await;
    assert!(
        chain.get("sharedWithMe").is_none(),
        "nobody shares with a CSP: {chain:#}"
    );
    let errors = refused(
        &sim,
        Method::PUT,
        &format!("/campaign/{campaign_id}/sharing/BANDW"),
        None,
    )
    .await;
    assert_refused(&errors, 592, "upstreamCnpId", "sharing again once ACCEPTED");

    hooks
        .event(
            "CAMPAIGN_SHARE_ADD",
            &json!({"campaignId": campaign_id, "cnpId": "TWILO"}),
        )
        .await;
    let accepted = hooks
        .event("CAMPAIGN_SHARE_ACCEPT", &json!({"campaignId": campaign_id}))
        .await;
    assert_eq!(
        accepted["description"],
        format!("Twilio accepted campaign {campaign_id}")
    );
    hooks
        .event("CAMPAIGN_DCA_COMPLETE", &json!({"campaignId": campaign_id}))
        .await;
    let found = sim
        .json_answer(
            Method::GET,
            "/campaign?upstreamCnpId=TWILO",
            None,
            &component("RecordSetCampaign_CSP"),
        )
        .await;
    assert_eq!(found["totalRecords"], 1, "{found:#}");

    let errors = refused(
        &sim,
        Method::PUT,
        &format!("/campaign/{campaign_id}/sharing/NOPE"),
        None,
    )
    .await;
    assert_refused(&errors, 502, "upstreamCnpId", "an unknown partner");
    let mock_brand = sim.verified_brand(&brand_request("PRIVATE_PROFIT")).await;
    let mock_campaign = campaign_with(
        &sim,
        &mock_brand,
        "Weekly offers from Acme Widgets for signed-up customers.",
    )
    .await;
    let errors = refused(
        &sim,
        Method::PUT,
        &format!("/campaign/{mock_campaign}/sharing/TWILO"),
        None,
    )
    .await;
    assert_refused(&errors, 536, "campaignId", "sharing a mock campaign");
}

#[tokio::test]
async fn a_declined_share_explains_why_and_another_partner_can_be_asked() {
    let (sim, hooks) = sim_with_hooks().await;
    let brand_id = real_brand(&sim).await;
    let campaign_id = campaign_with(
        &sim,
        &brand_id,
        "Weekly offers from Acme Widgets for signed-up customers. [sim:share-decline]",
    )
    .await;
    sim.call(
        Method::PUT,
        &format!("/campaign/{campaign_id}/sharing/SINCH"),
        None,
    )
    .await
    .expect(StatusCode::OK, "sharing with Sinch");
    let chain = sim
        .poll(
            &format!("/campaign/{campaign_id}/sharing"),
            &component("CampaignSharingChain"),
            |c| c["sharedByMe"]["sharingStatus"] == "DECLINED",
        )
        .await;
    let explanation = "CAMPAIGN_DESCRIPTION_OR_ATTRIBUTES: The campaign description and attributes do not match the declared use case.";
    assert_eq!(chain["sharedByMe"]["explanation"], explanation, "{chain:#}");
    let declined = hooks
        .event("CAMPAIGN_SHARE_DELETE", &json!({"campaignId": campaign_id}))
        .await;
    assert_eq!(
        declined["description"],
        format!("Sinch declined campaign {campaign_id}: {explanation}")
    );

    let errors = refused(
        &sim,
        Method::PUT,
        &format!("/campaign/{campaign_id}/sharing/SINCH"),
        None,
    )
    .await;
    assert_refused(
        &errors,
        522,
        "upstreamCnpId",
        "asking the partner that declined",
    );
    sim.json_answer(
        Method::PUT,
        &format!("/campaign/{campaign_id}/sharing/BANDW"),
        None,
        &component("CampaignSharingStatus"),
    )
    .await;
}

// ---------------------------------------------------------------------------------------------
// Deactivation and brand deletion
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn deactivation_expires_the_campaign_once_and_frees_the_brand_for_deletion() {
    let (sim, hooks) = sim_with_hooks().await;
    let brand_id = real_brand(&sim).await;
    let campaign_id = campaign_with(
        &sim,
        &brand_id,
        "Weekly offers from Acme Widgets for signed-up customers.",
    )
    .await;

    let errors = refused(&sim, Method::DELETE, &format!("/brand/{brand_id}"), None).await;
    assert_refused(
        &errors,
        542,
        "brandId",
        "deleting a brand with an active campaign",
    );

    let path = format!("/campaign/{campaign_id}");
    for attempt in 1..=2 {
        let answer = sim.call(Method::DELETE, &path, None).await;
        answer.expect(
            StatusCode::NO_CONTENT,
            &format!("DELETE {path}, attempt {attempt}"),
        );
        assert!(answer.text.is_empty(), "a 204 has no body");
    }
    let campaign = sim.get_campaign(&campaign_id).await;
    assert_eq!(campaign["status"], "EXPIRED");
    assert!(campaign.get("expirationDate").is_some(), "{campaign:#}");
    hooks
        .event("CAMPAIGN_EXPIRED", &json!({"campaignId": campaign_id}))
        .await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(
        hooks
            .events("CAMPAIGN_EXPIRED", &json!({"campaignId": campaign_id}))
            .len(),
        1,
        "deactivation is idempotent: one CAMPAIGN_EXPIRED"
    );
    tokio::time::sleep(REVIEW).await;
    assert!(
        hooks
            .events(
                "MNO_CAMPAIGN_OPERATION_APPROVED",
                &json!({"campaignId": campaign_id})
            )
            .is_empty(),
        "carriers do not approve an expired campaign"
    );

    for (method, path, body) in [
        (
            Method::PUT,
            path.clone(),
            Some(json!({"autoRenewal": false})),
        ),
        (Method::GET, format!("{path}/operationStatus"), None),
        (Method::PUT, format!("{path}/resubmit"), Some(json!({}))),
        (Method::PUT, format!("{path}/sharing/TWILO"), None),
        (
            Method::POST,
            format!("{path}/nudge"),
            Some(json!({"nudgeIntent": "REVIEW"})),
        ),
    ] {
        let errors = refused(&sim, method.clone(), &path, body.as_ref()).await;
        assert_code(
            &errors,
            518,
            &format!("{method} {path} on an expired campaign"),
        );
    }
    let expired = sim
        .json_answer(
            Method::GET,
            &format!("/campaign?status=EXPIRED&brandId={brand_id}"),
            None,
            &component("RecordSetCampaign_CSP"),
        )
        .await;
    assert_eq!(expired["totalRecords"], 1, "{expired:#}");

    sim.call(Method::DELETE, &format!("/brand/{brand_id}"), None)
        .await
        .expect(
            StatusCode::NO_CONTENT,
            "deleting a brand whose campaigns are expired",
        );
}

// ---------------------------------------------------------------------------------------------
// Vetting
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn an_ordered_vet_goes_pending_unscore_active_and_makes_the_brand_vetted_verified() {
    let (sim, hooks) = sim_with_hooks().await;
    let request = with(
        with(
            brand_request("PRIVATE_PROFIT"),
            "website",
            json!("https://acme.example"),
        ),
        "displayName",
        json!("Acme [sim:vet-score-62]"),
    );
    let brand_id = sim.verified_brand(&request).await;
    let path = format!("/brand/{brand_id}/externalVetting");
    let order = json!({"evpId": "AEGIS", "vettingClass": "STANDARD"});
    let ordered = sim
        .json_answer(
            Method::POST,
            &path,
            Some(&order),
            &component("ExternalVetting"),
        )
        .await;
    assert_eq!(ordered["vettingStatus"], "PENDING");
    let vetting_id = text(&ordered, "vettingId").to_owned();

    let list_schema = json!({"type": "array", "items": component("ExternalVetting")});
    sim.poll(
        &format!("{path}?vettingStatus=UNSCORE"),
        &list_schema,
        |l| l.as_array().is_some_and(|l| l.len() == 1),
    )
    .await;
    let active = sim
        .poll(
            &format!("{path}?vettingStatus=ACTIVE&evpId=AEGIS"),
            &list_schema,
            |l| l.as_array().is_some_and(|l| l.len() == 1),
        )
        .await;
    assert_eq!(
        active[0]["vettingScore"], 62,
        "[sim:vet-score-62]: {active:#}"
    );
    assert_eq!(active[0]["vettingId"], vetting_id.as_str());
    assert!(active[0].get("vettedDate").is_some(), "{active:#}");

    let vetting = json!({"brandId": brand_id, "vettingId": vetting_id, "evpId": "AEGIS"});
    hooks.event("EVP_REPORT_UNSCORE", &vetting).await;
    let scored = hooks.event("EVP_REPORT_SCORE", &vetting).await;
    assert_eq!(scored["evpName"], "Aegis Mobile");
    let raised = hooks
        .event(
            "BRAND_IDENTITY_STATUS_UPDATE",
            &json!({"brandId": brand_id, "brandIdentityStatus": "VETTED_VERIFIED"}),
        )
        .await;
    assert_eq!(raised["mock"], true);
    assert_eq!(
        sim.get_brand(&brand_id).await["identityStatus"],
        "VETTED_VERIFIED"
    );
    let terms = qualification(&sim, &brand_id, "2FA").await;
    assert_eq!(
        terms["mnoMetadata"]["10035"]["brandTier"], "UPPER_MID",
        "score 62 is T-Mobile UPPER_MID"
    );
    assert_eq!(
        sim.handle.vettings(&brand_id),
        active.as_array().unwrap().clone()
    );

    let errors = refused(&sim, Method::POST, &path, Some(&order)).await;
    assert_refused(
        &errors,
        549,
        "evpId",
        "a second STANDARD Aegis order within 30 days",
    );
    let errors = refused(&sim, Method::GET, &path, None).await;
    assert_refused(
        &errors,
        501,
        "vettingStatus",
        "listing without vettingStatus",
    );
    let errors = refused(
        &sim,
        Method::GET,
        &format!("{path}?vettingStatus=DONE"),
        None,
    )
    .await;
    assert_refused(&errors, 501, "vettingStatus", "an unknown vettingStatus");
}

#[tokio::test]
async fn orders_are_checked_and_a_vet_fail_marker_fails_the_vet() {
    let (sim, hooks) = sim_with_hooks().await;
    let request = with(
        with(
            brand_request("PRIVATE_PROFIT"),
            "website",
            json!("https://acme.example"),
        ),
        "displayName",
        json!("Acme [sim:vet-fail]"),
    );
    let brand_id = sim.verified_brand(&request).await;
    let path = format!("/brand/{brand_id}/externalVetting");
    let ordered = sim
        .json_answer(
            Method::POST,
            &path,
            Some(&json!({"evpId": "WMC", "vettingClass": "STANDARD"})),
            &component("ExternalVetting"),
        )
        .await;
    let failed = sim
        .poll(
            &format!("{path}?vettingStatus=FAILED"),
            &json!({"type": "array", "items": component("ExternalVetting")}),
            |l| l.as_array().is_some_and(|l| !l.is_empty()),
        )
        .await;
    assert!(
        failed[0]["reasons"]
            .as_array()
            .is_some_and(|r| !r.is_empty()),
        "a failed vet says why: {failed:#}"
    );
    assert!(failed[0].get("vettingScore").is_none());
    hooks
        .event(
            "EVP_REPORT_FAIL",
            &json!({"vettingId": ordered["vettingId"]}),
        )
        .await;
    assert_eq!(sim.get_brand(&brand_id).await["identityStatus"], "VERIFIED");

    for (body, code, field, what) in [
        (
            json!({"vettingClass": "STANDARD"}),
            501,
            "evpId",
            "no evpId",
        ),
        (
            json!({"evpId": "NOPE"}),
            501,
            "evpId",
            "an unknown provider",
        ),
        (
            json!({"evpId": "CV", "vettingClass": "POLITICAL"}),
            501,
            "evpId",
            "ordering Campaign Verify",
        ),
        (
            json!({"evpId": "WMC", "vettingClass": "ENHANCED"}),
            501,
            "vettingClass",
            "WMC has no ENHANCED",
        ),
        (
            json!({"evpId": "AEGIS", "vettingClass": "GOLD"}),
            501,
            "vettingClass",
            "an unknown class",
        ),
        (
            json!({"evpId": "AEGIS", "vettingClass": "POLITICAL"}),
            501,
            "additionalRequestPayload",
            "POLITICAL without payload",
        ),
        (
            json!({"evpId": "AEGIS", "vettingClass": "RBM"}),
            568,
            "vettingClass",
            "RBM without the feature",
        ),
    ] {
        let errors = refused(&sim, Method::POST, &path, Some(&body)).await;
        assert_refused(&errors, code, field, what);
    }
    let political = json!({
        "evpId": "AEGIS", "vettingClass": "POLITICAL",
        "additionalRequestPayload": "{\"locale\":\"Federal\",\"committeeId\":\"00000\"}"
    });
    sim.json_answer(
        Method::POST,
        &path,
        Some(&political),
        &component("ExternalVetting"),
    )
    .await;

    let no_site = sim.verified_brand(&brand_request("PRIVATE_PROFIT")).await;
    let errors = refused(
        &sim,
        Method::POST,
        &format!("/brand/{no_site}/externalVetting"),
        Some(&json!({"evpId": "AEGIS"})),
    )
    .await;
    assert_refused(&errors, 501, "website", "a brand without website");
    let charity = with(
        brand_request("NON_PROFIT"),
        "website",
        json!("https://acme.example"),
    );
    let charity = sim.verified_brand(&charity).await;
    let errors = refused(
        &sim,
        Method::POST,
        &format!("/brand/{charity}/externalVetting"),
        Some(&json!({"evpId": "WMC"})),
    )
    .await;
    assert_refused(&errors, 501, "evpId", "WMC for a non-profit");
    let sole = text(
        &sim.create(&brand_request("SOLE_PROPRIETOR")).await,
        "brandId",
    )
    .to_owned();
    let errors = refused(
        &sim,
        Method::POST,
        &format!("/brand/{sole}/externalVetting"),
        Some(&json!({"evpId": "AEGIS"})),
    )
    .await;
    assert_code(&errors, 592, "vetting a sole proprietor");
    let errors = refused(
        &sim,
        Method::POST,
        "/brand/BNOPE00/externalVetting",
        Some(&json!({"evpId": "AEGIS"})),
    )
    .await;
    assert_refused(&errors, 502, "brandId", "an unknown brand");
}

#[tokio::test]
async fn imports_are_active_at_once_and_bad_tokens_are_refused() {
    let (sim, hooks) = sim_with_hooks().await;
    let brand_id = sim.verified_brand(&brand_request("PRIVATE_PROFIT")).await;
    let path = format!("/brand/{brand_id}/externalVetting");
    let import =
        json!({"evpId": "AEGIS", "vettingId": "aegis-enhanced-7", "vettingToken": "certificate"});
    let imported = sim
        .json_answer(
            Method::PUT,
            &path,
            Some(&import),
            &component("ExternalVetting"),
        )
        .await;
    assert_eq!(
        (
            &imported["vettingStatus"],
            &imported["vettingClass"],
            &imported["vettingScore"]
        ),
        (&json!("ACTIVE"), &json!("ENHANCED"), &json!(85)),
        "an import is ACTIVE at once, score 85 by default: {imported:#}"
    );
    hooks
        .event(
            "EVP_REPORT_IMPORT",
            &json!({"vettingId": "aegis-enhanced-7"}),
        )
        .await;
    hooks
        .event(
            "BRAND_IDENTITY_STATUS_UPDATE",
            &json!({"brandId": brand_id, "brandIdentityStatus": "VETTED_VERIFIED"}),
        )
        .await;

    let other = sim.verified_brand(&brand_request("PRIVATE_PROFIT")).await;
    let other_path = format!("/brand/{other}/externalVetting");
    for (body, code, field, what) in [
        (
            json!({"evpId": "AEGIS", "vettingId": "a-1", "vettingToken": "invalid-cert"}),
            520,
            "vettingId",
            "an invalid token",
        ),
        (
            json!({"evpId": "AEGIS", "vettingId": "a-2", "vettingToken": "expired-cert"}),
            508,
            "vettingId",
            "an expired report",
        ),
        (
            json!({"evpId": "AEGIS", "vettingId": "a-3"}),
            501,
            "vettingToken",
            "Aegis without token",
        ),
        (
            json!({"evpId": "AEGIS", "vettingToken": "x"}),
            501,
            "vettingId",
            "no vettingId",
        ),
        (
            import.clone(),
            543,
            "vettingId",
            "a report another brand holds",
        ),
        (
            json!({"evpId": "CV", "vettingId": "cv|1.0|cvmock|10dlc|1|2"}),
            541,
            "entityType",
            "Campaign Verify for a company",
        ),
    ] {
        let errors = refused(&sim, Method::PUT, &other_path, Some(&body)).await;
        assert_refused(&errors, code, field, what);
    }
    let charity = sim.verified_brand(&brand_request("NON_PROFIT")).await;
    let political = sim
        .json_answer(
            Method::PUT,
            &format!("/brand/{charity}/externalVetting"),
            Some(&json!({"evpId": "CV", "vettingId": "cv|1.0|cvmock|10dlc|3|4"})),
            &component("ExternalVetting"),
        )
        .await;
    assert_eq!(political["vettingClass"], "POLITICAL");
    assert!(
        political.get("vettingScore").is_none(),
        "political vets carry no score"
    );
    let terms = qualification(&sim, &charity, "POLITICAL").await;
    assert_eq!(
        terms["mnoMetadata"]["10017"]["qualify"], true,
        "a political vet qualifies POLITICAL"
    );
}

// ---------------------------------------------------------------------------------------------
// Feedback, appeals, revet
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn feedback_explains_an_unverified_brand_and_an_appeal_verifies_it() {
    let (sim, hooks) = sim_with_hooks().await;
    let brand_id = brand_named(&sim, "PRIVATE_PROFIT", "Acme [sim:unverified]").await;
    let feedback_path = format!("/brand/feedback/{brand_id}");
    let errors = refused(&sim, Method::GET, &feedback_path, None).await;
    assert_refused(&errors, 535, "brandId", "feedback while scoring");
    let errors = refused(
        &sim,
        Method::POST,
        &format!("/brand/{brand_id}/appeal"),
        Some(&json!({"appealCategories": ["VERIFY_TAX_ID"]})),
    )
    .await;
    assert_code(&errors, 527, "an appeal while scoring");
    scored(&hooks, &brand_id).await;

    let feedback = sim
        .json_answer(
            Method::GET,
            &feedback_path,
            None,
            &component("BrandFeedback"),
        )
        .await;
    assert_eq!(feedback["brandId"], brand_id.as_str());
    assert_eq!(feedback["category"][0]["id"], "TAX_ID", "{feedback:#}");
    assert!(
        text(&feedback["category"][0]["errors"][0], "code").starts_with("TF"),
        "{feedback:#}"
    );

    let appeal_path = format!("/brand/{brand_id}/appeal");
    for (body, code, field, what) in [
        (
            json!({"appealCategories": ["VERIFY_LUCK"]}),
            559,
            "appealCategories",
            "an invalid category",
        ),
        (
            json!({"appealCategories": []}),
            501,
            "appealCategories",
            "no category",
        ),
        (
            json!({"appealCategories": ["VERIFY_TAX_ID"], "explanation": "x".repeat(1025)}),
            501,
            "explanation",
            "an explanation over 1024",
        ),
    ] {
        let errors = refused(&sim, Method::POST, &appeal_path, Some(&body)).await;
        assert_refused(&errors, code, field, what);
    }
    let appeal = json!({
        "appealCategories": ["VERIFY_TAX_ID"],
        "attachmentUuids": [format!("{brand_id}/VA/12345678901234567890123456789012")],
        "explanation": "The IRS letter shows the EIN belongs to Acme Inc."
    });
    let answer = sim.call(Method::POST, &appeal_path, Some(&appeal)).await;
    answer.expect(
        StatusCode::NO_CONTENT,
        "POST /brand/{brandId}/appeal (204 per the document)",
    );
    let appeals_schema = json!({"type": "array", "items": component("BrandAppeal")});
    let pending = sim
        .json_answer(
            Method::GET,
            &format!("{appeal_path}?appealStatus=PENDING"),
            None,
            &appeals_schema,
        )
        .await;
    assert_eq!(pending[0]["appealStatus"], "PENDING", "{pending:#}");
    let errors = refused(&sim, Method::POST, &appeal_path, Some(&appeal)).await;
    assert_code(&errors, 592, "a second appeal while one is PENDING");

    let done = sim
        .poll(&appeal_path, &appeals_schema, |a| {
            a[0]["appealStatus"] == "COMPLETE"
        })
        .await;
    assert_eq!(
        done[0]["appealOutcome"]["vetStatus"], "VERIFIED",
        "{done:#}"
    );
    assert_eq!(sim.get_brand(&brand_id).await["identityStatus"], "VERIFIED");
    hooks
        .event("BRAND_APPEAL_ADD", &json!({"brandId": brand_id}))
        .await;
    hooks
        .event("BRAND_APPEAL_COMPLETE", &json!({"brandId": brand_id}))
        .await;
    hooks
        .event(
            "BRAND_IDENTITY_STATUS_UPDATE",
            &json!({"brandId": brand_id, "brandIdentityStatus": "VERIFIED"}),
        )
        .await;
    let feedback = sim
        .json_answer(
            Method::GET,
            &feedback_path,
            None,
            &component("BrandFeedback"),
        )
        .await;
    assert_eq!(
        feedback["category"],
        json!([]),
        "a verified brand has no feedback"
    );
    let errors = refused(&sim, Method::POST, &appeal_path, Some(&appeal)).await;
    assert_refused(&errors, 592, "brandId", "appealing a VERIFIED brand");
}

#[tokio::test]
async fn an_appeal_reject_marker_keeps_the_brand_unverified() {
    let (sim, hooks) = sim_with_hooks().await;
    let brand_id = brand_named(
        &sim,
        "NON_PROFIT",
        "Acme [sim:unverified] [sim:appeal-reject]",
    )
    .await;
    scored(&hooks, &brand_id).await;
    let path = format!("/brand/{brand_id}/appeal");
    sim.call(
        Method::POST,
        &path,
        Some(&json!({"appealCategories": ["VERIFY_NON_PROFIT"]})),
    )
    .await
    .expect(StatusCode::NO_CONTENT, "filing the appeal");
    let done = sim
        .poll(
            &path,
            &json!({"type": "array", "items": component("BrandAppeal")}),
            |a| a[0]["appealStatus"] == "COMPLETE",
        )
        .await;
    assert_eq!(done[0]["appealOutcome"]["vetStatus"], "UNVERIFIED");
    assert_eq!(
        done[0]["appealOutcome"]["feedback"]["category"][0]["id"],
        "TAX_ID"
    );
    hooks
        .event("BRAND_APPEAL_COMPLETE", &json!({"brandId": brand_id}))
        .await;
    assert_eq!(
        sim.get_brand(&brand_id).await["identityStatus"],
        "UNVERIFIED"
    );
}

#[tokio::test]
async fn revet_scores_changed_data_again_and_refuses_unchanged_data() {
    let (sim, hooks) = sim_with_hooks().await;
    let request = with(
        brand_request("PRIVATE_PROFIT"),
        "displayName",
        json!("Acme [sim:unverified]"),
    );
    let brand_id = text(&sim.create(&request).await, "brandId").to_owned();
    let path = format!("/brand/{brand_id}/revet");
    let errors = refused(&sim, Method::PUT, &path, None).await;
    assert_code(&errors, 527, "a revet while scoring");
    scored(&hooks, &brand_id).await;
    let errors = refused(&sim, Method::PUT, &path, None).await;
    assert_code(&errors, 525, "a revet of unchanged data");

    let fixed = with(request, "displayName", json!("Acme"));
    sim.put_brand(&brand_id, &fixed)
        .await
        .expect(StatusCode::OK, "renaming the brand");
    let answer = sim.call(Method::PUT, &path, None).await;
    answer.expect(
        StatusCode::ACCEPTED,
        "a revet of changed data (202: pending)",
    );
    assert_component(
        "Brand_CSP",
        &answer.json("revet"),
        "PUT /brand/{brandId}/revet answer",
    );
    hooks
        .event("BRAND_REVET", &json!({"brandId": brand_id}))
        .await;
    sim.wait_for_identity(&brand_id, "VERIFIED").await;
}

#[tokio::test]
async fn identity_fields_are_locked_while_the_brand_has_campaigns() {
    let (sim, _hooks) = sim_with_hooks().await;
    let request = brand_request("PRIVATE_PROFIT");
    let brand_id = sim.verified_brand(&request).await;
    campaign_with(
        &sim,
        &brand_id,
        "Weekly offers from Acme Widgets for signed-up customers.",
    )
    .await;
    let errors = assert_errors(
        &sim.put_brand(&brand_id, &with(request.clone(), "ein", json!("987654321")))
            .await,
        "ApiError_CSP",
        "changing the EIN of a brand with a campaign",
    );
    assert_refused(
        &errors,
        537,
        "ein",
        "changing the EIN of a brand with a campaign",
    );
    sim.put_brand(&brand_id, &with(request, "city", json!("Chicago")))
        .await
        .expect(StatusCode::OK, "other fields still change");
}

// ---------------------------------------------------------------------------------------------
// Sole proprietors
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_mock_sole_proprietor_gets_pin_123456_by_webhook_and_becomes_verified() {
    let (sim, hooks) = sim_with_hooks().await;
    let brand_id = text(
        &sim.create(&brand_request("SOLE_PROPRIETOR")).await,
        "brandId",
    )
    .to_owned();
    scored(&hooks, &brand_id).await;
    let campaign = with(
        campaign_request(&brand_id),
        "usecase",
        json!("SOLE_PROPRIETOR"),
    );
    let errors = assert_errors(
        &sim.post_campaign(&campaign).await,
        "ApiError",
        "a campaign before OTP",
    );
    assert_refused(
        &errors,
        509,
        "brandId",
        "a sole proprietor campaign before OTP",
    );

    let path = format!("/brand/{brand_id}/smsOtp");
    let errors = refused(
        &sim,
        Method::POST,
        &path,
        Some(&json!({"pinSms": "Your code"})),
    )
    .await;
    assert_refused(&errors, 501, "pinSms", "pinSms without @OTP_PIN@");
    let sent = sim
        .json_answer(
            Method::POST,
            &path,
            Some(&json!({"pinSms": "Your Acme code is @OTP_PIN@", "successSms": "Verified!"})),
            &component("SendSmsOtpResponse"),
        )
        .await;
    assert_eq!(sent["brandId"], brand_id.as_str());
    let reference = text(&sent, "referenceId").to_owned();
    assert!(reference.starts_with("OTP"), "{reference}");
    let mock_otp = hooks
        .event("BRAND_MOCK_OTP", &json!({"brandId": brand_id}))
        .await;
    assert_eq!(
        mock_otp["otpPin"], MOCK_PIN,
        "a mock brand's PIN is always 123456"
    );
    assert_eq!(mock_otp["otpPin"], "123456");
    assert_eq!(sim.handle.otp_pin(&brand_id).as_deref(), Some("123456"));

    let errors = refused(&sim, Method::PUT, &path, Some(&json!({"otpPin": "000000"}))).await;
    assert_refused(&errors, 552, "otpPin", "a wrong PIN");
    let answer = sim
        .call(Method::PUT, &path, Some(&json!({"otpPin": "123456"})))
        .await;
    answer.expect(StatusCode::NO_CONTENT, "the right PIN");
    hooks
        .event("BRAND_OTP_VERIFIED", &json!({"brandId": brand_id}))
        .await;
    hooks
        .event(
            "BRAND_IDENTITY_STATUS_UPDATE",
            &json!({"brandId": brand_id, "brandIdentityStatus": "VERIFIED"}),
        )
        .await;
    let brand = sim.get_brand(&brand_id).await;
    assert_eq!(brand["identityStatus"], "VERIFIED");
    assert!(brand.get("mobilePhoneVerifiedDate").is_some(), "{brand:#}");
    let status = sim
        .json_answer(
            Method::GET,
            &format!("/brand/smsOtp/{reference}"),
            None,
            &component("SmsOtpStatus"),
        )
        .await;
    assert!(status.get("verifyDate").is_some(), "{status:#}");
    assert_eq!(status["mobilePhone"], "+12025550144");

    let errors = refused(
        &sim,
        Method::POST,
        &path,
        Some(&json!({"pinSms": "@OTP_PIN@"})),
    )
    .await;
    assert_refused(&errors, 506, "brandId", "an OTP for a VERIFIED brand");

    sim.create_campaign(&campaign).await;
    let second = with(
        with(
            campaign_request(&brand_id),
            "usecase",
            json!("SOLE_PROPRIETOR"),
        ),
        "referenceId",
        json!("second"),
    );
    let errors = assert_errors(
        &sim.post_campaign(&second).await,
        "ApiError",
        "a second SP campaign",
    );
    assert_refused(&errors, 511, "brandId", "a second sole proprietor campaign");
}

#[tokio::test]
async fn otp_is_for_sole_proprietors_and_a_real_one_gets_a_random_pin() {
    let (sim, hooks) = sim_with_hooks().await;
    let company = sim.verified_brand(&brand_request("PRIVATE_PROFIT")).await;
    let errors = refused(
        &sim,
        Method::POST,
        &format!("/brand/{company}/smsOtp"),
        Some(&json!({"pinSms": "@OTP_PIN@"})),
    )
    .await;
    assert_code(&errors, 592, "an OTP for a company");

    let real = with(brand_request("SOLE_PROPRIETOR"), "mock", json!(false));
    let brand_id = text(&sim.create(&real).await, "brandId").to_owned();
    let path = format!("/brand/{brand_id}/smsOtp");
    let errors = refused(&sim, Method::PUT, &path, Some(&json!({"otpPin": "123456"}))).await;
    assert_refused(&errors, 552, "otpPin", "a PIN before any was sent");
    let sent = sim
        .json_answer(
            Method::POST,
            &path,
            Some(&json!({"pinSms": "Reply YES to confirm: @OTP_YES@"})),
            &component("SendSmsOtpResponse"),
        )
        .await;
    let pin = sim.handle.otp_pin(&brand_id).expect("a PIN was sent");
    assert!(
        pin.len() == 6 && pin.bytes().all(|b| b.is_ascii_digit()),
        "{pin}"
    );
    let status = sim
        .json_answer(
            Method::GET,
            &format!("/brand/smsOtp/{}", text(&sent, "referenceId")),
            None,
            &component("SmsOtpStatus"),
        )
        .await;
    assert_eq!(status["deliveryStatus"], "DELIVERED_HANDSET");
    assert!(status.get("verifyDate").is_none());
    sim.call(Method::PUT, &path, Some(&json!({"otpPin": pin})))
        .await
        .expect(StatusCode::NO_CONTENT, "the PIN the handset got");
    assert!(
        hooks
            .events("BRAND_MOCK_OTP", &json!({"brandId": brand_id}))
            .is_empty(),
        "a real brand's PIN goes by SMS, not webhook"
    );
}

// ---------------------------------------------------------------------------------------------
// Campaign requests, updates and search
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn every_campaign_request_rule_is_enforced_with_tcrs_error_codes() {
    let (sim, _hooks) = sim_with_hooks().await;
    let brand_id = sim.verified_brand(&brand_request("PRIVATE_PROFIT")).await;
    let valid = campaign_request(&brand_id);
    let taken = sim.create_campaign(&valid).await;
    let taken_reference = valid["referenceId"].clone();
    assert!(taken["campaignId"].is_string());
    let fresh = || with(campaign_request(&brand_id), "subUsecases", json!([]));
    let set = |name: &str, value: Value| with(fresh(), name, value);
    let drop = |name: &str| without(fresh(), &[name]);
    let cases: Vec<(&str, Value, u64, &str)> = vec![
        ("no brandId", drop("brandId"), 501, "brandId"),
        ("no usecase", drop("usecase"), 501, "usecase"),
        ("no description", drop("description"), 501, "description"),
        ("no messageFlow", drop("messageFlow"), 501, "messageFlow"),
        ("no resellerId", drop("resellerId"), 501, "resellerId"),
        ("no sample1", drop("sample1"), 501, "sample1"),
        (
            "a 39-character description",
            set("description", json!("d".repeat(39))),
            501,
            "description",
        ),
        (
            "a 4097-character description",
            set("description", json!("d".repeat(4097))),
            501,
            "description",
        ),
        (
            "a short messageFlow",
            set("messageFlow", json!("Opt in on the web.")),
            501,
            "messageFlow",
        ),
        (
            "a 9-character resellerId",
            set("resellerId", json!("R12345678")),
            501,
            "resellerId",
        ),
        (
            "a malformed resellerId",
            set("resellerId", json!("X000000")),
            501,
            "resellerId",
        ),
        (
            "an unknown reseller",
            set("resellerId", json!("R999999")),
            502,
            "resellerId",
        ),
        (
            "a 19-character sample",
            set("sample2", json!("s".repeat(19))),
            501,
            "sample2",
        ),
        (
            "a 1025-character sample",
            set("sample3", json!("s".repeat(1025))),
            501,
            "sample3",
        ),
        (
            "help without helpMessage",
            drop("helpMessage"),
            501,
            "helpMessage",
        ),
        (
            "opt-in without optinMessage",
            drop("optinMessage"),
            501,
            "optinMessage",
        ),
        (
            "opt-out without optoutMessage",
            drop("optoutMessage"),
            501,
            "optoutMessage",
        ),
        (
            "opt-in without keywords",
            drop("optinKeywords"),
            501,
            "optinKeywords",
        ),
        (
            "help with empty keywords",
            set("helpKeywords", json!("")),
            501,
            "helpKeywords",
        ),
        (
            "a short helpMessage",
            set("helpMessage", json!("Call us.")),
            501,
            "helpMessage",
        ),
        (
            "keywords with spaces",
            set("optinKeywords", json!("JOIN, START")),
            501,
            "optinKeywords",
        ),
        (
            "256 characters of keywords",
            set("optoutKeywords", json!("S".repeat(256))),
            501,
            "optoutKeywords",
        ),
        (
            "too few sub-use cases",
            with(
                set("usecase", json!("MIXED")),
                "subUsecases",
                json!(["MARKETING"]),
            ),
            501,
            "subUsecases",
        ),
        (
            "an invalid sub-use case",
            with(
                set("usecase", json!("MIXED")),
                "subUsecases",
                json!(["MARKETING", "MIXED"]),
            ),
            501,
            "subUsecases",
        ),
        (
            "sub-use cases where none are taken",
            set("subUsecases", json!(["2FA"])),
            501,
            "subUsecases",
        ),
        (
            "a 2049-character privacy link",
            set(
                "privacyPolicyLink",
                json!(format!("https://a.example/{}", "p".repeat(2031))),
            ),
            501,
            "privacyPolicyLink",
        ),
        (
            "a 2049-character terms link",
            set(
                "termsAndConditionsLink",
                json!(format!("https://a.example/{}", "t".repeat(2031))),
            ),
            501,
            "termsAndConditionsLink",
        ),
        (
            "a 256-character link sample",
            set("embeddedLinkSample", json!("l".repeat(256))),
            501,
            "embeddedLinkSample",
        ),
        (
            "a 51-character referenceId",
            set("referenceId", json!("r".repeat(51))),
            501,
            "referenceId",
        ),
        (
            "a taken referenceId",
            set(
                "referenceId",
                json!(taken_reference.as_str().unwrap().to_uppercase()),
            ),
            503,
            "referenceId",
        ),
        (
            "an unknown use case",
            set("usecase", json!("TELEPATHY")),
            501,
            "usecase",
        ),
        (
            "an unknown carrier",
            set("mnoIds", json!([10017, 12345])),
            501,
            "mnoIds",
        ),
        (
            "T&Cs not accepted",
            set("termsAndConditions", json!(false)),
            501,
            "termsAndConditions",
        ),
        (
            "a description that is not text",
            set("description", json!(42)),
            501,
            "description",
        ),
        (
            "a flag that is not boolean",
            set("numberPool", json!("yes")),
            501,
            "numberPool",
        ),
        (
            "an unknown brand",
            set("brandId", json!("BNOPE00")),
            502,
            "brandId",
        ),
        (
            "one sample where AT&T wants two",
            drop("sample2"),
            509,
            "sample2",
        ),
        (
            "no opt-in where AT&T requires it",
            with(drop("optinMessage"), "subscriberOptin", json!(false)),
            509,
            "subscriberOptin",
        ),
        (
            "no opt-out for MARKETING on T-Mobile",
            with(drop("optoutMessage"), "subscriberOptout", json!(false)),
            509,
            "subscriberOptout",
        ),
        (
            "no help where AT&T requires it",
            with(drop("helpMessage"), "subscriberHelp", json!(false)),
            509,
            "subscriberHelp",
        ),
        (
            "an unknown marker",
            set(
                "description",
                json!("Weekly offers from Acme Widgets for you. [sim:explode]"),
            ),
            501,
            "description",
        ),
        (
            "a brand marker in a description",
            set(
                "description",
                json!("Weekly offers from Acme Widgets for you. [sim:unverified]"),
            ),
            501,
            "description",
        ),
        (
            "an unknown carrier in a marker",
            set(
                "description",
                json!("Weekly offers from Acme Widgets for you. [sim:mno-hold-99999]"),
            ),
            501,
            "description",
        ),
    ];
    for (what, body, code, field) in cases {
        let errors = assert_errors(&sim.post_campaign(&body).await, "ApiError", what);
        assert_refused(&errors, code, field, what);
        assert_eq!(
            errors.len(),
            1,
            "{what}: one problem, one error; got {errors:#?}"
        );
    }

    let many = without(
        set("description", json!("too short")),
        &["messageFlow", "sample1"],
    );
    let errors = assert_errors(
        &sim.post_campaign(&many).await,
        "ApiError",
        "three problems",
    );
    assert_eq!(errors.len(), 3, "every problem is reported: {errors:#?}");

    // Verizon alone mandates nothing: one sample and no subscriber flags will do.
    let verizon = json!({
        "brandId": brand_id, "usecase": "MARKETING", "resellerId": "R000000",
        "description": "Weekly offers from Acme Widgets for signed-up customers.",
        "messageFlow": "Customers tick the SMS box at checkout to receive weekly offers.",
        "sample1": "Acme: 20% off all widgets this weekend!", "mnoIds": [10038]
    });
    let created = sim.create_campaign(&verizon).await;
    let carriers: Vec<&String> = created["mnoMetadata"].as_object().unwrap().keys().collect();
    assert_eq!(carriers, ["10038"], "only the chosen carrier");
    let campaign = sim.get_campaign(text(&created, "campaignId")).await;
    assert_eq!(
        (
            &campaign["optoutKeywords"],
            &campaign["helpKeywords"],
            &campaign["autoRenewal"]
        ),
        (&json!("STOP"), &json!("HELP"), &json!(true)),
        "TCR's defaults: {campaign:#}"
    );
    let reseller = with(fresh(), "resellerId", json!("RSIM001"));
    sim.create_campaign(&reseller).await;

    let scoring = text(
        &sim.create(&brand_request("PRIVATE_PROFIT")).await,
        "brandId",
    )
    .to_owned();
    let errors = assert_errors(
        &sim.post_campaign(&campaign_request(&scoring)).await,
        "ApiError",
        "scoring",
    );
    assert_refused(
        &errors,
        527,
        "brandId",
        "a campaign while the brand is scored",
    );
}

#[tokio::test]
async fn campaign_magic_markers_fail_calls_on_purpose() {
    let (sim, _hooks) = sim_with_hooks().await;
    let brand_id = sim.verified_brand(&brand_request("PRIVATE_PROFIT")).await;
    let count = |reference: Value| {
        let sim = &sim;
        async move {
            let found = sim
                .json_answer(
                    Method::GET,
                    &format!("/campaign?referenceId={}", reference.as_str().unwrap()),
                    None,
                    &component("RecordSetCampaign_CSP"),
                )
                .await;
            found["totalRecords"].as_u64().unwrap()
        }
    };
    let marked = |marker: &str| {
        with(
            campaign_request(&brand_id),
            "description",
            json!(format!("Weekly offers from Acme Widgets for you. {marker}")),
        )
    };

    let request = marked("[sim:error-591]");
    let errors = assert_errors(
        &sim.post_campaign(&request).await,
        "ApiError",
        "[sim:error-591]",
    );
    assert_eq!(errors[0]["code"], 591);
    assert_eq!(
        count(request["referenceId"].clone()).await,
        0,
        "nothing stored"
    );

    let request = marked("[sim:http-503]");
    let answer = sim.post_campaign(&request).await;
    answer.expect(StatusCode::SERVICE_UNAVAILABLE, "[sim:http-503]");
    assert!(answer.text.is_empty(), "a bare 503");
    assert_eq!(
        count(request["referenceId"].clone()).await,
        0,
        "nothing stored"
    );

    let request = marked("[sim:created-then-http-500]");
    sim.post_campaign(&request).await.expect(
        StatusCode::INTERNAL_SERVER_ERROR,
        "[sim:created-then-http-500]",
    );
    assert_eq!(
        count(request["referenceId"].clone()).await,
        1,
        "created anyway"
    );

    let request = marked("[sim:slow-1]");
    let answer = sim.post_campaign(&request).await;
    answer.expect(StatusCode::OK, "[sim:slow-1]");
    assert!(
        answer.elapsed >= Duration::from_secs(1),
        "took {:?}",
        answer.elapsed
    );

    let campaign_id = text(&answer.json("slow"), "campaignId").to_owned();
    let errors = refused(
        &sim,
        Method::PUT,
        &format!("/campaign/{campaign_id}"),
        Some(&json!({"description": "Weekly offers from Acme Widgets for you. [sim:error-509]"})),
    )
    .await;
    assert_eq!(errors[0]["code"], 509);
    assert!(
        sim.get_campaign(&campaign_id).await["description"]
            .as_str()
            .unwrap()
            .contains("[sim:slow-1]"),
        "a refused update changes nothing"
    );
}

#[tokio::test]
async fn updates_change_only_what_tcr_lets_change() {
    let (sim, hooks) = sim_with_hooks().await;
    let brand_id = sim.verified_brand(&brand_request("PRIVATE_PROFIT")).await;
    let request = with(campaign_request(&brand_id), "resellerId", json!("RSIM001"));
    let created = sim.create_campaign(&request).await;
    let campaign_id = text(&created, "campaignId").to_owned();
    let path = format!("/campaign/{campaign_id}");
    let schema = component("Campaign_CSP_EX");

    let mut whole = sim.get_campaign(&campaign_id).await;
    whole["sample3"] = json!("Acme: your loyalty points expire Friday. Reply STOP to opt out.");
    whole["autoRenewal"] = json!(false);
    let updated = sim
        .json_answer(Method::PUT, &path, Some(&whole), &schema)
        .await;
    assert_eq!(
        updated["sample3"], whole["sample3"],
        "a GET-modify-PUT round trip works"
    );
    assert_eq!(updated["autoRenewal"], false);
    hooks
        .event("CAMPAIGN_UPDATE", &json!({"campaignId": campaign_id}))
        .await;

    for (body, field) in [
        (json!({"usecase": "2FA"}), "usecase"),
        (json!({"brandId": "BOTHER1"}), "brandId"),
        (json!({"subscriberOptin": false}), "subscriberOptin"),
        (json!({"mnoIds": [10017]}), "mnoIds"),
        (json!({"referenceId": "another"}), "referenceId"),
        (json!({"subUsecases": ["2FA"]}), "subUsecases"),
        (json!({"termsAndConditions": false}), "termsAndConditions"),
        (json!({"sample1": "too short"}), "sample1"),
        (json!({"description": null}), "description"),
        (
            json!({"description": "Weekly offers from Acme Widgets for you. [sim:bogus]"}),
            "description",
        ),
    ] {
        let errors = refused(&sim, Method::PUT, &path, Some(&body)).await;
        assert_refused(&errors, 501, field, &format!("updating with {body}"));
    }
    let errors = refused(
        &sim,
        Method::PUT,
        &path,
        Some(&json!({"sample2": null, "sample3": null})),
    )
    .await;
    assert_refused(&errors, 509, "sample2", "dropping below AT&T's two samples");

    let moved = sim
        .json_answer(
            Method::PUT,
            &path,
            Some(&json!({"resellerId": "R000000"})),
            &schema,
        )
        .await;
    assert_eq!(moved["resellerId"], "R000000", "a reseller can be dropped");
    let errors = refused(
        &sim,
        Method::PUT,
        &path,
        Some(&json!({"resellerId": "RSIM001"})),
    )
    .await;
    assert_refused(&errors, 501, "resellerId", "only once, and only to R000000");
    let errors = refused(
        &sim,
        Method::PUT,
        "/campaign/CNOPE00",
        Some(&json!({"autoRenewal": true})),
    )
    .await;
    assert_refused(&errors, 502, "campaignId", "an unknown campaign");
}

#[tokio::test]
async fn campaigns_are_found_by_exact_filters_page_by_page() {
    let (sim, _hooks) = sim_with_hooks().await;
    let first = sim.verified_brand(&brand_request("PRIVATE_PROFIT")).await;
    let second = sim.verified_brand(&brand_request("NON_PROFIT")).await;
    let mut references = Vec::new();
    for brand_id in [&first, &first, &second] {
        let request = campaign_request(brand_id);
        references.push(text(&request, "referenceId").to_owned());
        sim.create_campaign(&request).await;
    }
    let search = |query: String| {
        let sim = &sim;
        async move {
            sim.json_answer(
                Method::GET,
                &format!("/campaign?{query}"),
                None,
                &component("RecordSetCampaign_CSP"),
            )
            .await
        }
    };
    assert_eq!(
        search(String::new()).await["totalRecords"],
        3,
        "no filter finds all"
    );
    assert_eq!(search(format!("brandId={first}")).await["totalRecords"], 2);
    let found = search(format!("referenceId={}", references[2].to_uppercase())).await;
    assert_eq!(found["totalRecords"], 1);
    assert_eq!(found["records"][0]["brandId"], second.as_str());
    assert_eq!(
        search("usecase=MARKETING&status=ACTIVE".into()).await["totalRecords"],
        3
    );
    assert_eq!(search("usecase=2FA".into()).await["totalRecords"], 0);
    let page = search("recordsPerPage=2&page=2".into()).await;
    assert_eq!(
        (
            page["totalRecords"].as_u64(),
            page["records"].as_array().map(Vec::len)
        ),
        (Some(3), Some(1)),
        "{page:#}"
    );
    for (query, field) in [
        ("status=LIVE", "status"),
        ("recordsPerPage=501", "recordsPerPage"),
        ("mock=maybe", "mock"),
    ] {
        let errors = assert_errors(
            &sim.get(&format!("/campaign?{query}")).await,
            "ApiError_CSP",
            query,
        );
        assert_refused(&errors, 501, field, query);
    }
    let errors = assert_errors(
        &sim.get("/campaign/CNOPE00").await,
        "ApiError_CSP_EX",
        "GET an unknown campaign",
    );
    assert_refused(&errors, 502, "campaignId", "an unknown campaign");
}
