//! A brand's identity after registration: external vetting (ordered and imported), feedback on
//! an unverified brand, identity appeals and revets (`shared/tcr-api.md` §3–§5), with the
//! simulator on a real port with short delays and a webhook receiver on another.
mod support;

use reqwest::{Method, StatusCode};
use serde_json::json;
use support::*;

// ---------------------------------------------------------------------------------------------
// Vetting
// ---------------------------------------------------------------------------------------------

/// A verified brand with a website, named `display_name`, and a STANDARD vet from `evp`
/// ordered for it: the brand's id, its vettings path and TCR's answer to the order.
async fn standard_vet_ordered(
    sim: &TestSim,
    display_name: &str,
    evp: &str,
) -> (String, String, serde_json::Value) {
    let request = with(
        with(
            brand_request("PRIVATE_PROFIT"),
            "website",
            json!("https://acme.example"),
        ),
        "displayName",
        json!(display_name),
    );
    let brand_id = sim.verified_brand(&request).await;
    let path = format!("/brand/{brand_id}/externalVetting");
    let ordered = sim
        .json_answer(
            Method::POST,
            &path,
            Some(&json!({"evpId": evp, "vettingClass": "STANDARD"})),
            &component("ExternalVetting"),
        )
        .await;
    (brand_id, path, ordered)
}

#[tokio::test]
async fn an_ordered_vet_goes_pending_unscore_active_and_makes_the_brand_vetted_verified() {
    let (sim, hooks) = sim_with_hooks().await;
    let (brand_id, path, ordered) =
        standard_vet_ordered(&sim, "Acme [sim:vet-score-62]", "AEGIS").await;
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

    let order = json!({"evpId": "AEGIS", "vettingClass": "STANDARD"});
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
    let (brand_id, path, ordered) = standard_vet_ordered(&sim, "Acme [sim:vet-fail]", "WMC").await;
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

#[tokio::test]
async fn a_vet_appeal_takes_the_categories_the_catalogue_lists_for_its_provider() {
    let (sim, _hooks) = sim_with_hooks().await;
    let (brand_id, path, ordered) = standard_vet_ordered(&sim, "Acme PRIVATE_PROFIT", "WMC").await;
    sim.poll(
        &format!("{path}?vettingStatus=ACTIVE"),
        &json!({"type": "array", "items": component("ExternalVetting")}),
        |l| l.as_array().is_some_and(|l| l.len() == 1),
    )
    .await;
    let listed = sim
        .get("/enum/extVettingAppealCategory?evpId=WMC")
        .await
        .json("WMC's appeal categories");
    let listed: Vec<&str> = listed
        .as_array()
        .expect("a list")
        .iter()
        .map(|c| text(c, "id"))
        .collect();
    assert!(
        !listed.contains(&"VERIFY_GOVERNMENT"),
        "WMC lists no government category: {listed:?}"
    );
    let appeal = |categories: &[&str]| json!({"evpId": "WMC", "vettingId": ordered["vettingId"], "appealCategories": categories});
    let appeal_path = format!("/brand/{brand_id}/externalVetting/appeal");
    let errors = refused(
        &sim,
        Method::POST,
        &appeal_path,
        Some(&appeal(&["VERIFY_GOVERNMENT"])),
    )
    .await;
    assert_code(
        &errors,
        559,
        "a category the catalogue does not list for WMC",
    );
    sim.call(Method::POST, &appeal_path, Some(&appeal(&listed)))
        .await
        .expect(StatusCode::NO_CONTENT, "the categories the catalogue lists");
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
