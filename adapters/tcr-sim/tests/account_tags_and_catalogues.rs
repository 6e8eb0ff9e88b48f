//! The CSP account (profile, PFT brand, terms), tags, nnSR reads, the mock CV token and TCR's
//! catalogues (`/error` and the reference enumerations), as TCR's document describes them.
mod support;

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use support::*;

fn codes(errors: &[Value]) -> Vec<i64> {
    errors.iter().filter_map(|e| e["code"].as_i64()).collect()
}

#[tokio::test]
async fn tags_are_kept_on_the_record_listed_filtered_and_deleted() {
    let sim = spawn_sim(|_| {}).await;
    let brand = brand_named(&sim, "PRIVATE_PROFIT", "Tagged").await;
    let tag = json!({"name": "Agriculture", "recordType": "BRAND", "recordId": brand});

    let stored = sim
        .json_answer(Method::PUT, "/tag", Some(&tag), &component("Tag"))
        .await;
    assert_eq!(
        stored["name"], "agriculture",
        "tags are stored lower-case: {stored}"
    );
    assert_eq!(
        sim.get_brand(&brand).await["tag"],
        json!(["agriculture"]),
        "the brand shows the tag it was given"
    );
    let listed = sim
        .json_answer(
            Method::GET,
            &format!("/tag?recordId={brand}"),
            None,
            &component("RecordSetTag"),
        )
        .await;
    assert_eq!(listed["totalRecords"], 1, "{listed}");
    assert_eq!(listed["records"][0]["recordType"], "BRAND", "{listed}");
    let other = sim
        .get("/tag?name=nosuchtag")
        .await
        .json("GET /tag?name=nosuchtag");
    assert_eq!(other["totalRecords"], 0, "a name filter narrows: {other}");

    let bad = refused(
        &sim,
        Method::PUT,
        "/tag",
        Some(&json!({"name": "no spaces!", "recordType": "BRAND", "recordId": brand})),
    )
    .await;
    assert_eq!(
        codes(&bad),
        [501],
        "punctuation and spaces are refused: {bad:?}"
    );
    let unknown = refused(
        &sim,
        Method::PUT,
        "/tag",
        Some(&json!({"name": "x", "recordType": "CAMPAIGN", "recordId": "CNOPE00"})),
    )
    .await;
    assert_eq!(
        codes(&unknown),
        [502],
        "an unknown record is 502: {unknown:?}"
    );
    for n in 1..10 {
        sim.call(
            Method::PUT,
            "/tag",
            Some(&json!({"name": format!("t{n}"), "recordType": "BRAND", "recordId": brand})),
        )
        .await
        .expect(StatusCode::OK, "tagging up to 10");
    }
    let full = refused(
        &sim,
        Method::PUT,
        "/tag",
        Some(&json!({"name": "eleventh", "recordType": "BRAND", "recordId": brand})),
    )
    .await;
    assert_eq!(codes(&full), [530], "an 11th tag is 530: {full:?}");

    let path = format!("/tag/name/AGRICULTURE/recordType/BRAND/recordId/{brand}");
    sim.call(Method::DELETE, &path, None)
        .await
        .expect(StatusCode::NO_CONTENT, "DELETE tag");
    let gone = refused(&sim, Method::DELETE, &path, None).await;
    assert_eq!(
        codes(&gone),
        [502],
        "a deleted tag is not found again: {gone:?}"
    );
    assert!(
        !sim.get_brand(&brand).await["tag"]
            .as_array()
            .unwrap()
            .contains(&json!("agriculture")),
        "the brand no longer shows the deleted tag"
    );
}

#[tokio::test]
async fn the_csp_profile_keeps_what_put_changes_and_refuses_support_only_settings() {
    let sim = spawn_sim(|_| {}).await;
    let before = sim
        .json_answer(Method::GET, "/csp/profile", None, &component("CspProfile"))
        .await;
    assert_eq!(before["cspId"], sim.csp_id.as_str(), "{before}");

    let after = sim
        .json_answer(
            Method::PUT,
            "/csp/profile",
            Some(&json!({"financeEmail": "billing@csp.example"})),
            &component("CspProfile"),
        )
        .await;
    assert_eq!(after["financeEmail"], "billing@csp.example", "{after}");
    assert_eq!(
        after["escalateEmail"], before["escalateEmail"],
        "untouched settings stay: {after}"
    );
    let read = sim.get("/csp/profile").await.json("GET /csp/profile");
    assert_eq!(
        read["financeEmail"], "billing@csp.example",
        "the change is kept: {read}"
    );

    let refused_flag = refused(
        &sim,
        Method::PUT,
        "/csp/profile",
        Some(&json!({"ucaasEnabled": true})),
    )
    .await;
    assert_eq!(
        codes(&refused_flag),
        [501],
        "feature flags are TCR support's: {refused_flag:?}"
    );
    let refused_mail = refused(
        &sim,
        Method::PUT,
        "/csp/profile",
        Some(&json!({"email": "not-an-address"})),
    )
    .await;
    assert_eq!(codes(&refused_mail), [501], "{refused_mail:?}");
}

#[tokio::test]
async fn the_pft_brand_is_one_verified_brand_and_the_terms_are_listed() {
    let sim = spawn_sim(|_| {}).await;
    let first = sim
        .json_answer(Method::GET, "/pft/brand", None, &component("Brand_CSP"))
        .await;
    let again = sim.get("/pft/brand").await.json("GET /pft/brand");
    assert_eq!(
        first["brandId"], again["brandId"],
        "one PFT brand per account"
    );
    assert_eq!(first["identityStatus"], "VERIFIED", "{first}");
    let terms = sim
        .json_answer(
            Method::GET,
            "/campaignBuilder/termsAndConditions",
            None,
            &component("TermsAndConditions"),
        )
        .await;
    assert!(!terms["subTerms"].as_array().unwrap().is_empty(), "{terms}");
}

#[tokio::test]
async fn nnsr_reads_and_dca_election_follow_the_campaign() {
    let sim = spawn_sim(|c| c.sharing_delay = std::time::Duration::from_millis(200)).await;
    let brand = real_brand(&sim).await;
    let campaign = campaign_with(
        &sim,
        &brand,
        "Weekly offers for customers who opted in online.",
    )
    .await;

    let attributes = sim
        .get(&format!("/campaign/{campaign}/osr/attributes"))
        .await;
    let attributes = attributes
        .expect(StatusCode::OK, "osr attributes")
        .json("osr attributes");
    assert_eq!(attributes["brand_id"], brand.as_str(), "{attributes}");
    assert!(
        attributes["status"]
            .as_str()
            .is_some_and(|s| s.parse::<u32>().is_ok()),
        "{attributes}"
    );
    let phones = sim
        .json_answer(
            Method::GET,
            &format!("/campaign/{campaign}/osr/phones?current=true"),
            None,
            &component("RecordSetSimplifiedOsrPhoneWithPhone_CSP"),
        )
        .await;
    assert_eq!(phones["totalRecords"], 0, "{phones}");
    assert_eq!(
        codes(&refused(&sim, Method::GET, "/campaign/CNOPE00/osr/phones", None).await),
        [502]
    );

    let elected = |answer: Value| answer.as_array().cloned().expect("an array of network ids");
    let path = format!("/campaign/{campaign}/mnoIdsWithDcaElected");
    assert!(
        elected(sim.get(&path).await.json(&path)).is_empty(),
        "no DCA before sharing"
    );
    sim.call(
        Method::PUT,
        &format!("/campaign/{campaign}/sharing/BANDW"),
        None,
    )
    .await
    .expect(StatusCode::OK, "share with BANDW");
    let accepted = sim
        .poll(&format!("/campaign/{campaign}/sharing"), &json!({}), |s| {
            s["sharedByMe"]["sharingStatus"] == "ACCEPTED"
        })
        .await;
    let carriers: Vec<Value> = sim
        .get(&format!("/campaign/{campaign}/operationStatus"))
        .await
        .json("status")
        .as_object()
        .unwrap()
        .keys()
        .map(|k| json!(k.parse::<u64>().unwrap()))
        .collect();
    assert_eq!(
        elected(sim.get(&path).await.json(&path)),
        carriers,
        "after {accepted}, every carrier has its DCA"
    );
}

#[tokio::test]
async fn a_mock_cv_token_is_plain_text_and_its_form_is_checked() {
    let sim = spawn_sim(|_| {}).await;
    let brand = brand_named(&sim, "NON_PROFIT", "Votes").await;
    let path = format!("{}/brand/{brand}/externalVetting/mockCvToken", sim.base);
    let send = |form: &'static [(&'static str, &'static str)]| {
        sim.http
            .post(&path)
            .basic_auth(&sim.key, Some(&sim.secret))
            .form(form)
            .send()
    };
    let answer = send(&[("locale", "federal"), ("validUntil", "2030-01-31")])
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    let token = answer.text().await.unwrap();
    assert!(token.starts_with("v|1.0|cvmock|10dlc|"), "{token}");
    let bad = send(&[("locale", "galactic")]).await.unwrap();
    assert_eq!(bad.status(), 400, "an unknown locale is refused");
}

#[tokio::test]
async fn the_catalogues_answer_as_tcr_and_the_error_catalogue_explains_each_refusal() {
    let sim = spawn_sim(|_| {}).await;
    let errors = sim.get("/error").await.json("GET /error");
    let refusal = refused(&sim, Method::GET, "/campaign/CNOPE00/osr/attributes", None).await;
    assert!(
        errors[refusal[0]["code"].to_string()].is_string(),
        "GET /error lists {refusal:?}"
    );

    let states = sim.get("/enum/usState").await.json("usState");
    assert_eq!(states["DE"], "Delaware", "TCR's example: {states}");
    assert_eq!(states.as_object().unwrap().len(), 56);
    let countries = sim.get("/enum/country").await.json("country");
    assert_eq!(countries["PT"], "Portugal", "TCR's example");

    let feedback = sim
        .json_answer(
            Method::GET,
            "/enum/vettingFeedbackCode",
            None,
            &json!({"type": "array", "items": component("VettingFeedbackCode")}),
        )
        .await;
    assert!(
        feedback
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["code"] == "TFTI04"),
        "the code brand feedback uses is listed"
    );
    sim.json_answer(
        Method::GET,
        "/enum/optionalAttributeNames",
        None,
        &json!({"type": "array", "items": component("OptionalAttributeName")}),
    )
    .await;
    let wmc = sim
        .json_answer(
            Method::GET,
            "/enum/extVettingAppealCategory?evpId=WMC",
            None,
            &json!({"type": "array", "items": component("ExtVettingAppealCategory")}),
        )
        .await;
    let all = sim.get("/enum/extVettingAppealCategory").await.json("all");
    assert!(
        wmc.as_array().unwrap().len() < all.as_array().unwrap().len(),
        "evpId narrows"
    );

    let nasdaq = sim
        .json_answer(
            Method::GET,
            "/enum/approvedPublicCompany?exchange=NASDAQ&displayName=flowers",
            None,
            &component("RecordSetPublicCompany"),
        )
        .await;
    assert_eq!(nasdaq["totalRecords"], 1, "{nasdaq}");
    assert_eq!(nasdaq["records"][0]["symbol"], "FLWS", "{nasdaq}");
    assert_eq!(
        codes(
            &refused(
                &sim,
                Method::GET,
                "/enum/approvedPublicCompany?exchange=MOON",
                None
            )
            .await
        ),
        [501]
    );
}
