//! Contract test: the simulator, reached over real HTTP, answers as TCR's own OpenAPI document
//! (`shared/tcr/tcr-openapi.json`) says TCR answers.
//!
//! The document types most JSON responses as `string` with an object example (a tooling quirk),
//! so each response is checked against the component schema it stands for (`Brand_CSP`,
//! `RecordSetBrand_CSP`, `Campaign_CSP_EX`, `UsecaseMetadata`, `ExternalVetting`, `ApiError_CSP`,
//! ... as `shared/tcr-api.md` §9 item 10 lists them) and, where useful, against the operation's
//! example. Every other test file checks its answers the same way as it goes; this one walks the
//! document's own examples and the operations whose shape is not covered elsewhere.
mod support;

use std::time::{Duration, Instant};

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use support::*;
use tendlc_tcr_sim::MOCK_PIN;

/// Fails unless `answer` has every property `example` gives a value (not `null`).
fn assert_has_example_keys(answer: &Value, example: &Value, what: &str) {
    for (name, value) in example.as_object().expect("the example is an object") {
        assert!(
            value.is_null() || answer.get(name).is_some(),
            "{what}: lacks {name}, which TCR's example has: {answer:#}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// The checks themselves must bite
// ---------------------------------------------------------------------------------------------

#[test]
fn the_schema_check_rejects_a_brand_that_breaks_brand_csp() {
    let broken = json!({
        "entityType": "PRIVATE_PROFIT", "displayName": "Acme", "phone": "+12025550143",
        "country": "US", "email": "care@acme.example", "brandRelationship": "BASIC_ACCOUNT",
        "identityStatus": "PENDING", "createDate": "yesterday", "stockExchange": "MOON"
    });
    let errors = schema_errors(&component("Brand_CSP"), &broken).join("\n");
    for expected in ["mock", "PENDING", "yesterday", "MOON"] {
        assert!(
            errors.contains(expected),
            "validating a broken Brand_CSP should complain about {expected}; it said:\n{errors}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Paths
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn version_is_plain_text() {
    let sim = spawn_sim(|_| {}).await;
    let answer = sim.get("/version").await;
    answer.expect(StatusCode::OK, "GET /version");
    assert!(
        answer.content_type.starts_with("text/plain"),
        "GET /version is text/plain, got {:?}",
        answer.content_type
    );
    assert_eq!(answer.text, "5.23.0-sim", "GET /version body");
}

#[tokio::test]
async fn unknown_paths_are_404_and_v1_blocking_create_is_gone() {
    let sim = spawn_sim(|_| {}).await;
    sim.get("/no/such/thing")
        .await
        .expect(StatusCode::NOT_FOUND, "GET /v2/no/such/thing");
    let outside = sim
        .http
        .get(sim.base.replace("/v2", "/brand"))
        .basic_auth(&sim.key, Some(&sim.secret))
        .send()
        .await
        .expect("an HTTP answer");
    assert_eq!(
        outside.status(),
        StatusCode::NOT_FOUND,
        "paths outside /v2 do not exist"
    );
    let blocking = sim
        .call(
            Method::POST,
            "/brand",
            Some(&brand_request("PRIVATE_PROFIT")),
        )
        .await;
    assert!(
        matches!(
            blocking.status,
            StatusCode::NOT_FOUND | StatusCode::METHOD_NOT_ALLOWED
        ),
        "v2 has no blocking POST /brand; got HTTP {}",
        blocking.status
    );
}

// ---------------------------------------------------------------------------------------------
// Campaigns, vetting, appeals, OTP
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn qualification_answers_usecase_metadata_shaped_like_the_example() {
    let sim = spawn_sim(|_| {}).await;
    let brand_id = sim.verified_brand(&brand_request("PRIVATE_PROFIT")).await;
    let path = "/campaignBuilder/brand/{brandId}/usecase/{usecase}";
    let answer = sim
        .json_answer(
            Method::GET,
            &format!("/campaignBuilder/brand/{brand_id}/usecase/2FA"),
            None,
            &component("UsecaseMetadata"),
        )
        .await;
    let example = &response_schema(path, "get")["example"];
    for name in [
        "usecase",
        "monthlyFee",
        "quarterlyFee",
        "annualFee",
        "minSubUsecases",
        "maxSubUsecases",
        "greyoutFields",
    ] {
        assert_eq!(
            answer[name], example[name],
            "2FA {name} differs from TCR's example"
        );
    }
    assert_eq!(
        key_set(&answer["mnoMetadata"]),
        key_set(&example["mnoMetadata"]),
        "the same carriers as TCR's example"
    );
    for (mno, metadata) in example["mnoMetadata"].as_object().unwrap() {
        assert_eq!(
            key_set(&answer["mnoMetadata"][mno]),
            key_set(metadata),
            "carrier {mno}'s Metadata has the properties of TCR's example"
        );
        assert_eq!(
            answer["mnoMetadata"][mno]["mno"], metadata["mno"],
            "carrier {mno}'s name"
        );
    }
    sim.json_answer(
        Method::GET,
        &format!("/campaignBuilder/brand/{brand_id}"),
        None,
        &json!({"type": "array", "minItems": 1, "items": component("UsecaseMetadata")}),
    )
    .await;
    let errors = assert_operation_errors(
        &sim.get("/campaignBuilder/brand/BNOPE00/usecase/2FA").await,
        path,
        "get",
        "qualifying an unknown brand",
    );
    assert!(has_error(&errors, 502, "brandId"), "{errors:#?}");
}

#[tokio::test]
async fn the_documents_campaign_example_is_accepted_and_every_campaign_answer_matches_its_schema() {
    let sim = spawn_sim(|_| {}).await;
    let brand_id = sim.verified_brand(&brand_request("PRIVATE_PROFIT")).await;
    let mut request = operation("/campaignBuilder", "post")["requestBody"]["content"]
        ["application/json"]["schema"]["example"]
        .clone();
    request["brandId"] = json!(brand_id);
    let created = sim.create_campaign(&request).await;
    let submitted = &response_schema("/campaignBuilder", "post")["example"];
    assert_eq!(
        key_set(&created["mnoMetadata"]),
        key_set(&submitted["mnoMetadata"]),
        "mnoIds [10035]"
    );
    assert_eq!(
        key_set(&created["mnoMetadata"]["10035"]),
        key_set(&submitted["mnoMetadata"]["10035"]),
        "T-Mobile's Metadata has the example's properties"
    );
    let campaign_id = text(&created, "campaignId").to_owned();
    let base = format!("/campaign/{campaign_id}");

    let metadata = sim
        .json_answer(
            Method::GET,
            &format!("{base}/mnoMetadata"),
            None,
            &json!({"type": "object", "additionalProperties": component("Metadata")}),
        )
        .await;
    assert_eq!(
        metadata, created["mnoMetadata"],
        "the terms given at submission"
    );
    let statuses = sim.operation_status(&campaign_id).await;
    assert_eq!(statuses, json!({"10035": "REVIEW"}));

    // TCR's examples show a campaign with three samples.
    let samples = json!({
        "sample2": "Your new 2FA code is 654321. It expires in 10 minutes.",
        "sample3": "Use 112233 to confirm your new phone number with us."
    });
    let updated = sim
        .json_answer(
            Method::PUT,
            &base,
            Some(&samples),
            &component("Campaign_CSP_EX"),
        )
        .await;
    assert_has_example_keys(
        &updated,
        &response_schema("/campaign/{campaignId}", "put")["example"],
        "PUT /campaign/{id}",
    );
    let campaign = sim.get_campaign(&campaign_id).await;
    assert_eq!(campaign, updated, "GET shows the update");
    assert_has_example_keys(
        &campaign,
        &response_schema("/campaign/{campaignId}", "get")["example"],
        "GET /campaign/{id}",
    );
    let found = sim
        .json_answer(
            Method::GET,
            "/campaign?referenceId=twofactor",
            None,
            &component("RecordSetCampaign_CSP"),
        )
        .await;
    assert_eq!(found["totalRecords"], 1);
    assert_has_example_keys(
        &found["records"][0],
        &response_schema("/campaign", "get")["example"]["records"][0],
        "GET /campaign",
    );
    sim.json_answer(
        Method::PUT,
        &format!("{base}/resubmit"),
        Some(&json!({"mnoIds": [10035, 10017]})),
        &component("CampaignSubmissionResponse"),
    )
    .await;
    let nudged = sim
        .json_answer(
            Method::POST,
            &format!("{base}/nudge"),
            Some(&json!({"nudgeIntent": "REVIEW", "description": "Please review."})),
            &json!({"type": "object", "required": ["message"], "properties": {"message": {"type": "string"}}}),
        )
        .await;
    assert_eq!(
        nudged,
        response_schema("/campaign/{campaignId}/nudge", "post")["example"]
    );

    for (method, path, template, body) in [
        (
            Method::GET,
            "/campaign/CNOPE00".to_owned(),
            "/campaign/{campaignId}",
            None,
        ),
        (
            Method::PUT,
            format!("{base}/resubmit"),
            "/campaign/{campaignId}/resubmit",
            Some(json!({"mnoIds": [1]})),
        ),
        (
            Method::POST,
            format!("{base}/nudge"),
            "/campaign/{campaignId}/nudge",
            Some(json!({"nudgeIntent": "APPEAL_REJECTION"})),
        ),
        (
            Method::POST,
            "/campaignBuilder".to_owned(),
            "/campaignBuilder",
            Some(json!({})),
        ),
        (
            Method::PUT,
            base.clone(),
            "/campaign/{campaignId}",
            Some(json!({"usecase": "MARKETING"})),
        ),
        (
            Method::GET,
            "/campaign?status=NOPE".to_owned(),
            "/campaign",
            None,
        ),
        (
            Method::GET,
            "/campaign/CNOPE00/mnoMetadata".to_owned(),
            "/campaign/{campaignId}/mnoMetadata",
            None,
        ),
    ] {
        let what = format!("{method} {path}");
        let answer = sim.call(method.clone(), &path, body.as_ref()).await;
        assert_operation_errors(&answer, template, &method.as_str().to_lowercase(), &what);
    }
    sim.call(Method::DELETE, &base, None)
        .await
        .expect(StatusCode::NO_CONTENT, "DELETE /campaign/{id}");
    let errors = assert_operation_errors(
        &sim.get(&format!("{base}/operationStatus")).await,
        "/campaign/{campaignId}/operationStatus",
        "get",
        "operationStatus of an expired campaign",
    );
    assert_eq!(errors[0]["code"], 518);
}

#[tokio::test]
async fn sharing_answers_campaign_sharing_status_shaped_like_the_example() {
    let sim = spawn_sim(|_| {}).await;
    let brand = with(brand_request("PRIVATE_PROFIT"), "mock", json!(false));
    let brand_id = sim.verified_brand(&brand).await;
    let created = sim.create_campaign(&campaign_request(&brand_id)).await;
    let campaign_id = text(&created, "campaignId");
    let template = "/campaign/{campaignId}/sharing/{upstreamCnpId}";
    let shared = sim
        .json_answer(
            Method::PUT,
            &format!("/campaign/{campaign_id}/sharing/TWILO"),
            None,
            &component("CampaignSharingStatus"),
        )
        .await;
    assert_eq!(
        key_set(&shared),
        key_set(&response_schema(template, "put")["example"])
    );
    let chain = sim
        .json_answer(
            Method::GET,
            &format!("/campaign/{campaign_id}/sharing"),
            None,
            &component("CampaignSharingChain"),
        )
        .await;
    assert_eq!(chain["sharedByMe"], shared);
    let errors = assert_operation_errors(
        &sim.call(
            Method::PUT,
            &format!("/campaign/{campaign_id}/sharing/TWILO"),
            None,
        )
        .await,
        template,
        "put",
        "sharing twice",
    );
    assert_eq!(errors[0]["code"], 592);
}

#[tokio::test]
async fn vetting_feedback_appeal_otp_and_revet_answers_match_their_components() {
    let sim = spawn_sim(|c| {
        c.vetting_delay = Duration::from_millis(50);
        c.appeal_delay = Duration::from_millis(50);
    })
    .await;
    let brand = with(
        brand_request("PRIVATE_PROFIT"),
        "website",
        json!("https://acme.example"),
    );
    let brand_id = sim.verified_brand(&brand).await;
    let vetting_path = format!("/brand/{brand_id}/externalVetting");
    let template = "/brand/{brandId}/externalVetting";
    let ordered = sim
        .json_answer(
            Method::POST,
            &vetting_path,
            Some(&json!({"evpId": "AEGIS", "vettingClass": "STANDARD"})),
            &component("ExternalVetting"),
        )
        .await;
    let example: Value = serde_json::from_str(
        &response_schema(template, "post")["example"]
            .as_str()
            .expect("the order example is a string")
            .replace("\"\n  \"validUntil", "\",\n  \"validUntil"),
    )
    .expect("TCR's order example, its missing comma restored, is JSON");
    assert_has_example_keys(&ordered, &example, "POST externalVetting");
    let list_schema = json!({"type": "array", "items": component("ExternalVetting")});
    let active = sim
        .poll(
            &format!("{vetting_path}?vettingStatus=ACTIVE"),
            &list_schema,
            |l| l.as_array().is_some_and(|l| !l.is_empty()),
        )
        .await;
    assert_has_example_keys(
        &active[0],
        &response_schema(template, "get")["items"]["example"],
        "GET externalVetting",
    );
    let imported = sim
        .json_answer(
            Method::PUT,
            &vetting_path,
            Some(&json!({"evpId": "WMC", "vettingId": "wmc-0001"})),
            &component("ExternalVetting"),
        )
        .await;
    assert_has_example_keys(
        &imported,
        &response_schema(template, "put")["example"],
        "PUT externalVetting",
    );
    let errors = assert_operation_errors(
        &sim.call(
            Method::PUT,
            &vetting_path,
            Some(&json!({"evpId": "WMC", "vettingId": "invalid"})),
        )
        .await,
        template,
        "put",
        "importing an invalid report",
    );
    assert_eq!(errors[0]["code"], 520);

    let unverified = with(
        brand_request("NON_PROFIT"),
        "displayName",
        json!("Acme [sim:unverified]"),
    );
    let unverified = text(&sim.create(&unverified).await, "brandId").to_owned();
    let feedback_path = format!("/brand/feedback/{unverified}");
    let errors = assert_operation_errors(
        &sim.get(&feedback_path).await,
        "/brand/feedback/{brandId}",
        "get",
        "feedback while scoring",
    );
    assert_eq!(errors[0]["code"], 535);
    let started = Instant::now();
    while sim.get(&feedback_path).await.status != StatusCode::OK {
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "the brand was never scored"
        );
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    let feedback = sim
        .json_answer(
            Method::GET,
            &feedback_path,
            None,
            &component("BrandFeedback"),
        )
        .await;
    let example = &response_schema("/brand/feedback/{brandId}", "get")["example"]["category"][0];
    assert_eq!(
        key_set(&feedback["category"][0]),
        key_set(example),
        "FeedbackCategory's properties"
    );
    let appeal_path = format!("/brand/{unverified}/appeal");
    sim.call(
        Method::POST,
        &appeal_path,
        Some(&json!({"appealCategories": ["VERIFY_TAX_ID"], "explanation": "See the IRS letter."})),
    )
    .await
    .expect(StatusCode::NO_CONTENT, "POST /brand/{brandId}/appeal");
    let appeals = sim
        .poll(
            &appeal_path,
            &json!({"type": "array", "items": component("BrandAppeal")}),
            |a| a[0]["appealStatus"] == "COMPLETE",
        )
        .await;
    assert_has_example_keys(
        &appeals[0],
        &response_schema("/brand/{brandId}/appeal", "get")["items"]["example"],
        "GET appeal",
    );
    let errors = assert_operation_errors(
        &sim.call(
            Method::POST,
            &appeal_path,
            Some(&json!({"appealCategories": ["NOPE"]})),
        )
        .await,
        "/brand/{brandId}/appeal",
        "post",
        "an appeal with an invalid category",
    );
    assert_eq!(errors[0]["code"], 559);

    let sole = text(
        &sim.create(&brand_request("SOLE_PROPRIETOR")).await,
        "brandId",
    )
    .to_owned();
    let sent = sim
        .json_answer(
            Method::POST,
            &format!("/brand/{sole}/smsOtp"),
            Some(&json!({"pinSms": "Your code is @OTP_PIN@"})),
            &component("SendSmsOtpResponse"),
        )
        .await;
    sim.call(
        Method::PUT,
        &format!("/brand/{sole}/smsOtp"),
        Some(&json!({"otpPin": MOCK_PIN})),
    )
    .await
    .expect(StatusCode::NO_CONTENT, "PUT /brand/{brandId}/smsOtp");
    let status = sim
        .json_answer(
            Method::GET,
            &format!("/brand/smsOtp/{}", text(&sent, "referenceId")),
            None,
            &component("SmsOtpStatus"),
        )
        .await;
    assert!(status.get("verifyDate").is_some(), "{status:#}");
    let errors = assert_operation_errors(
        &sim.call(
            Method::PUT,
            &format!("/brand/{sole}/smsOtp"),
            Some(&json!({"otpPin": "1"})),
        )
        .await,
        "/brand/{brandId}/smsOtp",
        "put",
        "a PIN for a verified brand",
    );
    assert_eq!(errors[0]["code"], 506);

    sim.put_brand(&brand_id, &with(brand, "city", json!("Chicago")))
        .await
        .expect(StatusCode::OK, "moving the brand");
    let answer = sim
        .call(Method::PUT, &format!("/brand/{brand_id}/revet"), None)
        .await;
    answer.expect(StatusCode::ACCEPTED, "PUT /brand/{brandId}/revet");
    assert_component(
        "Brand_CSP",
        &answer.json("revet"),
        "PUT /brand/{brandId}/revet answer",
    );
    let errors = assert_operation_errors(
        &sim.call(Method::PUT, &format!("/brand/{brand_id}/revet"), None)
            .await,
        "/brand/{brandId}/revet",
        "put",
        "a revet while scoring",
    );
    assert_eq!(errors[0]["code"], 527);
}
