//! Brands over real HTTP: registering one of every entity type, reading, searching, updating
//! and deleting them, and scoring (`shared/tcr-api.md` §3). Answers are checked against TCR's
//! OpenAPI document as they go (see `support`).
mod support;

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use reqwest::{Method, StatusCode};
use serde_json::json;
use support::*;

const ENTITY_TYPES: [&str; 5] = [
    "PRIVATE_PROFIT",
    "PUBLIC_PROFIT",
    "NON_PROFIT",
    "GOVERNMENT",
    "SOLE_PROPRIETOR",
];

/// Brand_CSP properties TCR fills in itself; a client never sends them.
const READ_ONLY: [&str; 7] = [
    "cspId",
    "brandId",
    "status",
    "universalEin",
    "optionalAttributes",
    "identityStatus",
    "createDate",
];

// ---------------------------------------------------------------------------------------------
// Registering
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn registers_a_brand_of_every_entity_type_and_answers_brand_csp() {
    let sim = spawn_sim(|_| {}).await;
    let mut brand_ids = BTreeSet::new();
    for entity_type in ENTITY_TYPES {
        let request = brand_request(entity_type);
        let brand = sim.create(&request).await;

        for (name, sent) in request.as_object().expect("an object") {
            assert_eq!(
                &brand[name], sent,
                "{entity_type}: TCR should echo {name} as sent, answered {brand:#}"
            );
        }
        let brand_id = text(&brand, "brandId");
        assert!(
            brand_id.len() == 7
                && brand_id.starts_with('B')
                && brand_id[1..]
                    .chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit()),
            "{entity_type}: brandId should be B + 6 uppercase alphanumerics, got {brand_id}"
        );
        assert!(
            brand_ids.insert(brand_id.to_owned()),
            "brandId {brand_id} was handed out twice"
        );
        assert_eq!(brand["cspId"], sim.csp_id.as_str(), "{entity_type}: cspId");
        assert_eq!(
            brand["status"], "ACTIVE",
            "{entity_type}: a new brand is ACTIVE"
        );
        let expected_identity = if entity_type == "SOLE_PROPRIETOR" {
            "SELF_DECLARED"
        } else {
            "UNVERIFIED"
        };
        assert_eq!(
            brand["identityStatus"], expected_identity,
            "{entity_type}: identityStatus before scoring"
        );
        let created = text(&brand, "createDate");
        assert!(
            created.len() == 24 && created.ends_with('Z') && created.as_bytes()[19] == b'.',
            "{entity_type}: createDate should be ISO-8601 UTC with milliseconds, got {created}"
        );
        if entity_type == "SOLE_PROPRIETOR" {
            assert!(
                brand.get("universalEin").is_none(),
                "a sole proprietor has no EIN, so no universalEin: {brand:#}"
            );
            assert_eq!(
                brand["brandRelationship"], "BASIC_ACCOUNT",
                "Brand_CSP requires brandRelationship, so a sole proprietor gets BASIC_ACCOUNT"
            );
        } else {
            assert_eq!(
                brand["universalEin"], "US_123456789",
                "{entity_type}: universalEin"
            );
            assert_eq!(
                brand["einIssuingCountry"], "US",
                "{entity_type}: einIssuingCountry defaults to US"
            );
        }
    }
}

#[tokio::test]
async fn registering_the_spec_example_answers_like_the_spec_example() {
    let sim = spawn_sim(|_| {}).await;
    let example = &response_schema("/brand/nonBlocking", "post")["example"];
    let request = without(example.clone(), &READ_ONLY);
    let brand = sim.create(&request).await;
    for (name, value) in example.as_object().expect("the example is an object") {
        assert!(
            brand.get(name).is_some(),
            "the answer lacks {name}, which TCR's example has: {brand:#}"
        );
        if !["brandId", "cspId", "createDate"].contains(&name.as_str()) {
            assert_eq!(&brand[name], value, "{name} differs from TCR's example");
        }
    }
}

#[tokio::test]
async fn missing_and_malformed_fields_are_refused_with_one_501_each() {
    let sim = spawn_sim(|_| {}).await;
    let request = without(
        brand_request("PRIVATE_PROFIT"),
        &["ein", "companyName", "email"],
    );
    let request = with(request, "vertical", json!("SPACE_TRAVEL"));
    let request = with(request, "displayName", json!("x".repeat(256)));
    let answer = sim.post_brand(&request).await;
    let errors = assert_errors(&answer, "ApiError", "POST /brand/nonBlocking with gaps");
    for field in ["ein", "companyName", "email", "vertical", "displayName"] {
        assert!(
            has_error(&errors, 501, field),
            "expected a 501 error naming {field}; got {errors:#?}"
        );
    }
    assert_eq!(
        errors.len(),
        5,
        "one error per problem expected; got {errors:#?}"
    );

    let public = without(brand_request("PUBLIC_PROFIT"), &["stockSymbol", "website"]);
    let errors = assert_errors(
        &sim.post_brand(&public).await,
        "ApiError",
        "PUBLIC_PROFIT without stock symbol and website",
    );
    for field in ["stockSymbol", "website"] {
        assert!(
            has_error(&errors, 501, field),
            "PUBLIC_PROFIT requires {field}; got {errors:#?}"
        );
    }

    let sole = without(brand_request("SOLE_PROPRIETOR"), &["referenceId"]);
    let errors = assert_errors(
        &sim.post_brand(&sole).await,
        "ApiError",
        "SOLE_PROPRIETOR without referenceId",
    );
    assert!(
        has_error(&errors, 501, "referenceId"),
        "a sole proprietor requires referenceId; got {errors:#?}"
    );
}

#[tokio::test]
async fn a_body_that_is_not_json_is_refused_with_501() {
    let sim = spawn_sim(|_| {}).await;
    let response = sim
        .http
        .post(format!("{}/brand/nonBlocking", sim.base))
        .basic_auth(&sim.key, Some(&sim.secret))
        .header("content-type", "application/json")
        .body("{\"entityType\": ")
        .send()
        .await
        .expect("an HTTP answer");
    let answer = Answer {
        status: response.status(),
        content_type: String::new(),
        text: response.text().await.expect("a body"),
        elapsed: Duration::ZERO,
    };
    let errors = assert_errors(
        &answer,
        "ApiError",
        "POST /brand/nonBlocking with broken JSON",
    );
    assert_eq!(
        errors[0]["code"], 501,
        "broken JSON is error 501: {errors:#?}"
    );
    assert_eq!(
        errors[0]["fields"],
        json!([]),
        "broken JSON names no field: {errors:#?}"
    );
}

#[tokio::test]
async fn a_duplicate_reference_id_is_refused_with_503_ignoring_case() {
    let sim = spawn_sim(|_| {}).await;
    let first = with(
        brand_request("PRIVATE_PROFIT"),
        "referenceId",
        json!("Acme-Ref-1"),
    );
    sim.create(&first).await;
    let second = with(
        brand_request("NON_PROFIT"),
        "referenceId",
        json!("ACME-REF-1"),
    );
    let errors = assert_errors(
        &sim.post_brand(&second).await,
        "ApiError",
        "a second brand with the same referenceId",
    );
    assert!(
        has_error(&errors, 503, "referenceId"),
        "expected error 503 on referenceId; got {errors:#?}"
    );

    // Empty referenceIds are ignored, so they never collide.
    for _ in 0..2 {
        sim.create(&with(
            brand_request("PRIVATE_PROFIT"),
            "referenceId",
            json!(""),
        ))
        .await;
    }
}

// ---------------------------------------------------------------------------------------------
// Reading, searching, updating, deleting
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn get_returns_the_registered_brand() {
    let sim = spawn_sim(|c| c.scoring_delay = Duration::from_secs(60)).await;
    let created = sim.create(&brand_request("PUBLIC_PROFIT")).await;
    let fetched = sim.get_brand(text(&created, "brandId")).await;
    assert_eq!(
        fetched, created,
        "GET should return the brand as registered"
    );
}

#[tokio::test]
async fn an_unknown_brand_is_error_502() {
    let sim = spawn_sim(|_| {}).await;
    let errors = assert_errors(
        &sim.get("/brand/BNOPE00").await,
        "ApiError_CSP",
        "GET /brand/BNOPE00",
    );
    assert!(
        has_error(&errors, 502, "brandId"),
        "expected 502 on brandId; got {errors:#?}"
    );
    let errors = assert_errors(
        &sim.put_brand("BNOPE00", &brand_request("PRIVATE_PROFIT"))
            .await,
        "ApiError_CSP",
        "PUT /brand/BNOPE00",
    );
    assert!(
        has_error(&errors, 502, "brandId"),
        "expected 502 on brandId; got {errors:#?}"
    );
}

#[tokio::test]
async fn search_by_reference_id_returns_a_record_set() {
    let sim = spawn_sim(|_| {}).await;
    let mut brands = Vec::new();
    for entity_type in ["PRIVATE_PROFIT", "NON_PROFIT", "GOVERNMENT"] {
        brands.push(sim.create(&brand_request(entity_type)).await);
    }
    let wanted = &brands[1];
    let reference = text(wanted, "referenceId").to_uppercase();
    let found = sim.search(&format!("referenceId={reference}")).await;
    assert_eq!(
        found["totalRecords"], 1,
        "referenceId matches case-insensitively: {found:#}"
    );
    assert_eq!(found["page"], 1, "page defaults to 1: {found:#}");
    assert_eq!(
        found["records"][0]["brandId"], wanted["brandId"],
        "the record found should be the brand with that referenceId"
    );

    let page = sim.search("recordsPerPage=2&page=2").await;
    assert_eq!(
        page["totalRecords"], 3,
        "totalRecords counts every match: {page:#}"
    );
    assert_eq!(
        page["records"].as_array().map(Vec::len),
        Some(1),
        "page 2 of 2-per-page holds the third brand: {page:#}"
    );

    let by_type = sim.search("entityType=GOVERNMENT&displayName=acme").await;
    assert_eq!(
        by_type["totalRecords"], 1,
        "entityType and partial displayName filter: {by_type:#}"
    );

    let errors = assert_errors(
        &sim.get("/brand?recordsPerPage=501").await,
        "ApiError_CSP",
        "GET /brand?recordsPerPage=501",
    );
    assert!(
        has_error(&errors, 501, "recordsPerPage"),
        "recordsPerPage above 500 is refused: {errors:#?}"
    );
}

#[tokio::test]
async fn update_changes_the_brand_and_get_shows_the_change() {
    let sim = spawn_sim(|c| c.scoring_delay = Duration::from_secs(60)).await;
    let request = brand_request("PRIVATE_PROFIT");
    let created = sim.create(&request).await;
    let brand_id = text(&created, "brandId");

    let change = with(request, "website", json!("https://new.acme.example"));
    let change = with(change, "displayName", json!("Acme Renamed"));
    let answer = sim.put_brand(brand_id, &change).await;
    answer.expect(StatusCode::OK, "PUT /brand/{brandId}");
    let updated = answer.json("PUT /brand/{brandId}");
    assert_component("Brand_CSP", &updated, "PUT /brand/{brandId} answer");
    assert_eq!(
        updated["website"], "https://new.acme.example",
        "website after update"
    );
    assert_eq!(
        updated["displayName"], "Acme Renamed",
        "displayName after update"
    );
    assert_eq!(
        updated["brandId"], created["brandId"],
        "the brand keeps its id"
    );
    assert_eq!(
        updated["createDate"], created["createDate"],
        "the brand keeps its createDate"
    );
    assert_eq!(
        sim.get_brand(brand_id).await,
        updated,
        "GET should show the update"
    );
}

#[tokio::test]
async fn update_is_validated_like_registration() {
    let sim = spawn_sim(|_| {}).await;
    let request = brand_request("PRIVATE_PROFIT");
    let brand_id = text(&sim.create(&request).await, "brandId").to_owned();
    let bad = with(without(request, &["email"]), "ein", json!("12-34"));
    let errors = assert_errors(
        &sim.put_brand(&brand_id, &bad).await,
        "ApiError_CSP",
        "PUT /brand/{brandId} with a bad ein and no email",
    );
    for field in ["ein", "email"] {
        assert!(
            has_error(&errors, 501, field),
            "expected 501 naming {field}; got {errors:#?}"
        );
    }
}

#[tokio::test]
async fn changing_the_ein_sends_a_verified_brand_through_scoring_again() {
    let sim = spawn_sim(|_| {}).await;
    let request = brand_request("PRIVATE_PROFIT");
    let brand_id = text(&sim.create(&request).await, "brandId").to_owned();
    sim.wait_for_identity(&brand_id, "VERIFIED").await;

    let answer = sim
        .put_brand(&brand_id, &with(request, "ein", json!("987654321")))
        .await;
    answer.expect(StatusCode::OK, "PUT with a new ein");
    let updated = answer.json("PUT with a new ein");
    assert_eq!(
        updated["identityStatus"], "UNVERIFIED",
        "a new ein drops the brand to UNVERIFIED: {updated:#}"
    );
    assert_eq!(
        updated["universalEin"], "US_987654321",
        "universalEin follows the ein"
    );
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

#[tokio::test]
async fn a_deleted_brand_stays_readable_but_leaves_the_default_search() {
    let sim = spawn_sim(|_| {}).await;
    let brand = sim.create(&brand_request("PRIVATE_PROFIT")).await;
    let brand_id = text(&brand, "brandId");
    let answer = sim
        .call(Method::DELETE, &format!("/brand/{brand_id}"), None)
        .await;
    answer.expect(StatusCode::NO_CONTENT, "DELETE /brand/{brandId}");
    assert_eq!(
        sim.get_brand(brand_id).await["status"],
        "DELETED",
        "GET after DELETE"
    );
    let reference = text(&brand, "referenceId");
    assert_eq!(
        sim.count_by_reference(reference).await,
        0,
        "the default search (status ACTIVE) leaves deleted brands out"
    );
    let deleted = sim
        .search(&format!("referenceId={reference}&status=DELETED"))
        .await;
    assert_eq!(
        deleted["totalRecords"], 1,
        "status=DELETED finds it: {deleted:#}"
    );
}

// ---------------------------------------------------------------------------------------------
// Scoring
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn scoring_verifies_a_brand_after_the_delay_and_leaves_a_sole_proprietor_self_declared() {
    let sim = spawn_sim(|_| {}).await;
    let registered = Instant::now();
    let company = sim.create(&brand_request("PRIVATE_PROFIT")).await;
    let sole = sim.create(&brand_request("SOLE_PROPRIETOR")).await;

    sim.wait_for_identity(text(&company, "brandId"), "VERIFIED")
        .await;
    assert!(
        registered.elapsed() >= Duration::from_millis(300),
        "scoring finished after {:?}, before the 300 ms scoring delay",
        registered.elapsed()
    );
    assert_eq!(
        sim.get_brand(text(&sole, "brandId")).await["identityStatus"],
        "SELF_DECLARED",
        "a sole proprietor stays SELF_DECLARED after scoring"
    );
}

#[tokio::test]
async fn sim_unverified_and_self_declared_decide_how_scoring_ends() {
    let sim = spawn_sim(|_| {}).await;
    let control = sim.create(&brand_request("PRIVATE_PROFIT")).await;
    let unverified = with(
        brand_request("PRIVATE_PROFIT"),
        "displayName",
        json!("Acme [sim:unverified]"),
    );
    let unverified = sim.create(&unverified).await;
    let declared = with(
        brand_request("NON_PROFIT"),
        "displayName",
        json!("Acme [sim:self-declared]"),
    );
    let declared = sim.create(&declared).await;

    // The last brand registered is scored last; UNVERIFIED is also what a brand shows while
    // scoring, so that verdict is read only once every brand is scored.
    sim.wait_for_identity(text(&declared, "brandId"), "SELF_DECLARED")
        .await;
    assert_eq!(
        sim.get_brand(text(&control, "brandId")).await["identityStatus"],
        "VERIFIED",
        "a brand without markers ends scoring VERIFIED"
    );
    assert_eq!(
        sim.get_brand(text(&unverified, "brandId")).await["identityStatus"],
        "UNVERIFIED",
        "[sim:unverified] should end scoring UNVERIFIED"
    );
}
