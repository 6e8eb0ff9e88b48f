//! Campaigns: every `CampaignRequest` rule with TCR's error codes, updates limited to what TCR
//! lets change, search by exact filters, and deactivation (`shared/tcr-api.md` §4).
mod support;

use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use support::*;

// ---------------------------------------------------------------------------------------------
// Requests, updates and search
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
