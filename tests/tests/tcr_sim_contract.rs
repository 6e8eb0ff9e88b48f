//! Contract test: the TCR simulator, reached over real HTTP, answers as TCR's own OpenAPI
//! document (`shared/tcr/tcr-openapi.json`) says TCR answers.
//!
//! The document types most JSON responses as `string` with an object example (a tooling quirk),
//! so each response is checked against the component schema it stands for (`Brand_CSP`,
//! `RecordSetBrand_CSP`, `Campaign_CSP_EX`, `UsecaseMetadata`, `ExternalVetting`, `ApiError_CSP`,
//! ... as `shared/tcr-api.md` §9 item 10 lists them) and, where useful, against the operation's
//! example.
mod common;

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::*;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use tendlc_tcr_sim::MOCK_PIN;

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

fn brand_csp_enum(property: &str) -> BTreeSet<String> {
    string_set(
        &openapi()["components"]["schemas"]["Brand_CSP"]["properties"][property]["enum"],
        &format!("Brand_CSP.{property}.enum"),
    )
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
// Registering brands
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

// ---------------------------------------------------------------------------------------------
// Magic failures
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn sim_error_591_is_refused_as_a_temporary_error_and_stores_nothing() {
    let sim = spawn_sim(|_| {}).await;
    let request = with(
        brand_request("PRIVATE_PROFIT"),
        "displayName",
        json!("Acme [sim:error-591]"),
    );
    let errors = assert_errors(
        &sim.post_brand(&request).await,
        "ApiError",
        "a [sim:error-591] brand",
    );
    assert_eq!(
        errors[0]["code"], 591,
        "expected TCR error 591; got {errors:#?}"
    );
    assert!(
        text(&errors[0], "description").contains("30 seconds"),
        "591 tells the client to retry in 30 seconds; got {errors:#?}"
    );
    assert_eq!(
        sim.count_by_reference(text(&request, "referenceId")).await,
        0,
        "a refused brand must not be stored"
    );
}

#[tokio::test]
async fn sim_http_503_fails_with_a_bare_503_and_stores_nothing() {
    let sim = spawn_sim(|_| {}).await;
    let request = with(
        brand_request("PRIVATE_PROFIT"),
        "displayName",
        json!("Acme [sim:http-503]"),
    );
    let answer = sim.post_brand(&request).await;
    answer.expect(StatusCode::SERVICE_UNAVAILABLE, "a [sim:http-503] brand");
    assert!(
        answer.text.is_empty(),
        "a bare 503 has no body; got {:?}",
        answer.text
    );
    assert_eq!(
        sim.count_by_reference(text(&request, "referenceId")).await,
        0,
        "a failed brand must not be stored"
    );
}

#[tokio::test]
async fn sim_slow_2_answers_two_seconds_late_but_registers_at_once() {
    let sim = Arc::new(spawn_sim(|_| {}).await);
    let request = with(
        brand_request("PRIVATE_PROFIT"),
        "displayName",
        json!("Acme [sim:slow-2]"),
    );
    let reference = text(&request, "referenceId").to_owned();
    let slow = {
        let sim = sim.clone();
        tokio::spawn(async move { sim.post_brand(&request).await })
    };
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        sim.count_by_reference(&reference).await,
        1,
        "a slow TCR has stored the brand before it answers"
    );
    let answer = slow.await.expect("the slow call's task");
    answer.expect(StatusCode::OK, "a [sim:slow-2] brand");
    assert!(
        answer.elapsed >= Duration::from_secs(2),
        "[sim:slow-2] should take at least 2 s, took {:?}",
        answer.elapsed
    );
    assert_component("Brand_CSP", &answer.json("slow answer"), "the slow answer");
}

#[tokio::test]
async fn sim_created_then_http_500_stores_the_brand_but_answers_500() {
    let sim = spawn_sim(|_| {}).await;
    let request = with(
        brand_request("PRIVATE_PROFIT"),
        "displayName",
        json!("Acme [sim:created-then-http-500]"),
    );
    let answer = sim.post_brand(&request).await;
    answer.expect(
        StatusCode::INTERNAL_SERVER_ERROR,
        "a [sim:created-then-http-500] brand",
    );
    assert_eq!(
        sim.count_by_reference(text(&request, "referenceId")).await,
        1,
        "TCR created the brand even though it answered 500"
    );
}

#[tokio::test]
async fn magic_markers_refuse_updates_too_and_change_nothing() {
    let sim = spawn_sim(|c| c.scoring_delay = Duration::from_secs(60)).await;
    let request = brand_request("PRIVATE_PROFIT");
    let created = sim.create(&request).await;
    let brand_id = text(&created, "brandId");
    let change = with(request, "website", json!("https://changed.acme.example"));

    let refused = with(change.clone(), "displayName", json!("Acme [sim:error-591]"));
    let errors = assert_errors(
        &sim.put_brand(brand_id, &refused).await,
        "ApiError_CSP",
        "PUT with [sim:error-591]",
    );
    assert_eq!(
        errors[0]["code"], 591,
        "expected TCR error 591; got {errors:#?}"
    );

    let failed = with(change, "displayName", json!("Acme [sim:http-502]"));
    let answer = sim.put_brand(brand_id, &failed).await;
    answer.expect(StatusCode::BAD_GATEWAY, "PUT with [sim:http-502]");
    assert!(
        answer.text.is_empty(),
        "a bare 502 has no body; got {:?}",
        answer.text
    );

    assert_eq!(
        sim.get_brand(brand_id).await,
        created,
        "a refused or failed update must leave the brand as it was"
    );
}

#[tokio::test]
async fn an_unknown_sim_marker_is_refused() {
    let sim = spawn_sim(|_| {}).await;
    let request = with(
        brand_request("PRIVATE_PROFIT"),
        "displayName",
        json!("Acme [sim:explode]"),
    );
    let errors = assert_errors(&sim.post_brand(&request).await, "ApiError", "[sim:explode]");
    assert!(
        has_error(&errors, 501, "displayName"),
        "an unknown marker is a 501 on displayName; got {errors:#?}"
    );
}

// ---------------------------------------------------------------------------------------------
// Auth and rate limits
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn missing_or_wrong_credentials_are_401_without_body() {
    let sim = spawn_sim(|_| {}).await;
    let body = brand_request("PRIVATE_PROFIT");
    let wrong_secret = (sim.key.as_str(), "not-the-secret");
    let wrong_key = ("not-the-key", sim.secret.as_str());
    for (label, credentials) in [
        ("no credentials", None),
        ("a wrong secret", Some(wrong_secret)),
        ("a wrong key", Some(wrong_key)),
    ] {
        for (method, path, body) in [
            (Method::GET, "/enum/entityType", None),
            (Method::POST, "/brand/nonBlocking", Some(&body)),
        ] {
            let answer = sim.send(method.clone(), path, body, credentials).await;
            answer.expect(
                StatusCode::UNAUTHORIZED,
                &format!("{method} {path} with {label}"),
            );
            assert!(
                answer.text.is_empty(),
                "{method} {path} with {label}: a 401 has no body, got {:?}",
                answer.text
            );
        }
    }
    assert_eq!(
        sim.count_by_reference(text(&body, "referenceId")).await,
        0,
        "an unauthenticated create must not store the brand"
    );
}

#[tokio::test]
async fn writes_over_the_write_limit_are_429() {
    let sim = spawn_sim(|c| c.write_rate_per_10s = 3).await;
    for n in 1..=3 {
        let answer = sim.post_brand(&brand_request("PRIVATE_PROFIT")).await;
        answer.expect(StatusCode::OK, &format!("write {n} of 3 allowed per 10 s"));
    }
    let answer = sim.post_brand(&brand_request("PRIVATE_PROFIT")).await;
    answer.expect(StatusCode::TOO_MANY_REQUESTS, "the 4th write within 10 s");
    let answer = sim.get("/enum/entityType").await;
    answer.expect(StatusCode::OK, "reads are limited separately from writes");
}

#[tokio::test]
async fn reads_over_the_read_limit_are_429() {
    let sim = spawn_sim(|c| c.read_rate_per_sec = 2).await;
    for n in 1..=2 {
        sim.get("/enum/entityType")
            .await
            .expect(StatusCode::OK, &format!("read {n} of 2 allowed per second"));
    }
    sim.get("/enum/entityType").await.expect(
        StatusCode::TOO_MANY_REQUESTS,
        "the 3rd read within a second",
    );
}

// ---------------------------------------------------------------------------------------------
// Enumerations and the rest
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn list_enumerations_hold_exactly_what_brand_csp_allows() {
    let sim = spawn_sim(|_| {}).await;
    for (path, property) in [
        ("/enum/entityType", "entityType"),
        ("/enum/brandRelationship", "brandRelationship"),
        ("/enum/brandIdentityStatus", "identityStatus"),
        ("/enum/stockExchange", "stockExchange"),
        ("/enum/altBusinessIdType", "altBusinessIdType"),
    ] {
        let answer = sim.get(path).await;
        answer.expect(StatusCode::OK, path);
        let values = answer.json(path);
        let listed = string_set(&values, path);
        assert_eq!(
            listed,
            brand_csp_enum(property),
            "GET {path} should list exactly Brand_CSP.{property}'s values"
        );
        // The operation's own schema lags behind Brand_CSP for entityType (no SOLE_PROPRIETOR)
        // and stockExchange (no SGX, OTHER): everything it lists must still be there.
        let documented = &response_schema(path, "get")["items"]["enum"];
        let documented = string_set(documented, &format!("{path} response enum"));
        assert!(
            listed.is_superset(&documented),
            "GET {path} lacks documented values {:?}",
            documented.difference(&listed).collect::<Vec<_>>()
        );
    }
}

#[tokio::test]
async fn the_vertical_enumeration_has_tcrs_23_verticals() {
    let sim = spawn_sim(|_| {}).await;
    let verticals = sim.get("/enum/vertical").await.json("GET /enum/vertical");
    let map = verticals
        .as_object()
        .expect("GET /enum/vertical is a JSON object");
    let expected = [
        "PROFESSIONAL",
        "REAL_ESTATE",
        "HEALTHCARE",
        "HUMAN_RESOURCES",
        "ENERGY",
        "ENTERTAINMENT",
        "RETAIL",
        "TRANSPORTATION",
        "AGRICULTURE",
        "INSURANCE",
        "POSTAL",
        "EDUCATION",
        "HOSPITALITY",
        "FINANCIAL",
        "POLITICAL",
        "GAMBLING",
        "LEGAL",
        "CONSTRUCTION",
        "NGO",
        "MANUFACTURING",
        "GOVERNMENT",
        "TECHNOLOGY",
        "COMMUNICATION",
    ];
    let codes: BTreeSet<&str> = map.keys().map(String::as_str).collect();
    assert_eq!(codes, expected.into_iter().collect(), "the vertical codes");
    let shape = json!({
        "type": "object",
        "required": ["industryId", "displayName", "description"],
        "properties": {
            "industryId": {"type": "string"},
            "displayName": {"type": "string"},
            "description": {"type": "string"}
        }
    });
    for (code, info) in map {
        assert_schema(&shape, info, &format!("vertical {code}"));
    }
    let example = &response_schema("/enum/vertical", "get")["example"];
    for (code, info) in example
        .as_object()
        .expect("the vertical example is an object")
    {
        assert_eq!(
            &verticals[code], info,
            "vertical {code} differs from TCR's example"
        );
    }
}

#[tokio::test]
async fn the_usecase_enumeration_matches_tcrs_shape() {
    let sim = spawn_sim(|_| {}).await;
    let use_cases = sim.get("/enum/usecase").await.json("GET /enum/usecase");
    let map = use_cases
        .as_object()
        .expect("GET /enum/usecase is a JSON object");
    let shape = json!({
        "type": "object",
        "required": ["classification", "description", "displayName", "minSubUsecases",
                     "maxSubUsecases", "validSubUsecase"],
        "properties": {
            "classification": {"enum": ["STANDARD", "SPECIAL"]},
            "description": {"type": "string"},
            "displayName": {"type": "string"},
            "minSubUsecases": {"type": "integer", "minimum": 0},
            "maxSubUsecases": {"type": "integer", "minimum": 0},
            "validSubUsecase": {"type": "boolean"}
        }
    });
    for (code, info) in map {
        assert_schema(&shape, info, &format!("use case {code}"));
        assert!(
            info["minSubUsecases"].as_u64() <= info["maxSubUsecases"].as_u64(),
            "use case {code}: minSubUsecases exceeds maxSubUsecases: {info}"
        );
    }
    for code in [
        "2FA",
        "ACCOUNT_NOTIFICATION",
        "MARKETING",
        "MIXED",
        "LOW_VOLUME",
        "SOLE_PROPRIETOR",
    ] {
        assert!(map.contains_key(code), "GET /enum/usecase lacks {code}");
    }
    let example = &response_schema("/enum/usecase", "get")["example"];
    for (code, info) in example
        .as_object()
        .expect("the usecase example is an object")
    {
        assert_eq!(
            &use_cases[code], info,
            "use case {code} differs from TCR's example"
        );
    }

    let subs = sim
        .get("/enum/usecase?validSubUsecase=true")
        .await
        .json("GET /enum/usecase?validSubUsecase=true");
    let subs = subs.as_object().expect("an object");
    assert!(
        subs.contains_key("2FA") && !subs.contains_key("MIXED"),
        "validSubUsecase=true keeps the use cases valid as sub-use cases: {:?}",
        subs.keys().collect::<Vec<_>>()
    );
    assert!(
        subs.values().all(|u| u["validSubUsecase"] == true),
        "validSubUsecase=true returned a use case that is not a valid sub-use case"
    );
}

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

/// Fails unless `answer` has every property `example` gives a value (not `null`).
fn assert_has_example_keys(answer: &Value, example: &Value, what: &str) {
    for (name, value) in example.as_object().expect("the example is an object") {
        assert!(
            value.is_null() || answer.get(name).is_some(),
            "{what}: lacks {name}, which TCR's example has: {answer:#}"
        );
    }
}

fn key_set(value: &Value) -> BTreeSet<String> {
    value
        .as_object()
        .unwrap_or_else(|| panic!("expected an object, got {value}"))
        .keys()
        .cloned()
        .collect()
}

#[tokio::test]
async fn the_new_list_enumerations_hold_what_the_document_lists() {
    let sim = spawn_sim(|_| {}).await;
    for path in [
        "/enum/campaignStatus",
        "/enum/operationStatus",
        "/enum/vettingStatus",
        "/enum/nudgeIntent",
        "/enum/rejectionCategory",
    ] {
        let listed = string_set(&sim.get(path).await.json(path), path);
        let documented = string_set(&response_schema(path, "get")["items"]["enum"], path);
        assert_eq!(
            listed, documented,
            "GET {path} lists exactly the document's values"
        );
    }
    let schemas = &openapi()["components"]["schemas"];
    let statuses = string_set(
        &schemas["Campaign_CSP_EX"]["properties"]["status"]["enum"],
        "status",
    );
    let listed = string_set(
        &sim.get("/enum/campaignStatus").await.json("campaignStatus"),
        "",
    );
    assert_eq!(
        listed, statuses,
        "campaign statuses are Campaign_CSP_EX.status's"
    );

    // The schema lists two suspension categories, the operation's description twelve.
    let path = "/enum/suspensionCategory";
    let listed = string_set(&sim.get(path).await.json(path), path);
    let documented = string_set(&response_schema(path, "get")["items"]["enum"], path);
    let description = operation(path, "get")["description"]
        .as_str()
        .expect("a description");
    let described: BTreeSet<String> = description
        .split("<b>")
        .skip(1)
        .filter_map(|part| part.split_once("</b>").map(|(name, _)| name.to_owned()))
        .collect();
    assert_eq!(
        described.len(),
        12,
        "the description lists twelve: {described:?}"
    );
    assert!(
        listed.is_superset(&documented),
        "{listed:?} lacks some of {documented:?}"
    );
    assert_eq!(
        listed, described,
        "GET {path} lists the described categories"
    );
}

#[tokio::test]
async fn the_object_enumerations_match_their_components_and_examples() {
    let sim = spawn_sim(|_| {}).await;
    let array_of = |name: &str| json!({"type": "array", "minItems": 1, "items": component(name)});

    let mnos = sim
        .json_answer(Method::GET, "/enum/mno", None, &array_of("Mno"))
        .await;
    let ids: BTreeSet<u64> = mnos
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["networkId"].as_u64().unwrap())
        .collect();
    assert_eq!(ids, MNO_IDS.into_iter().collect(), "the six MNOs of §2");
    let t_mobile = mnos
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["networkId"] == 10035)
        .unwrap();
    assert_eq!(
        (&t_mobile["displayName"], &t_mobile["osrBitmaskIndex"]),
        (&json!("T-Mobile"), &json!(2)),
        "T-Mobile's bitmask index is 2 (TCR's Mno description)"
    );

    sim.json_answer(Method::GET, "/enum/dca", None, &array_of("Dca"))
        .await;
    let cnps = sim
        .json_answer(
            Method::GET,
            "/enum/cnp",
            None,
            &json!({"type": "object", "minProperties": 1, "additionalProperties": {"type": "string"}}),
        )
        .await;
    assert!(
        cnps.get("TWILO").is_some(),
        "TCR's sharing example shares with TWILO: {cnps}"
    );

    for (path, component_name) in [
        ("/enum/vettingClass", "VettingClass"),
        ("/enum/brandAppealCategory", "BrandAppealCategory"),
    ] {
        let listed = sim
            .json_answer(Method::GET, path, None, &array_of(component_name))
            .await;
        let example = &response_schema(path, "get")["items"]["example"];
        assert!(
            listed.as_array().unwrap().contains(example),
            "GET {path} should hold TCR's example {example}: {listed:#}"
        );
    }

    let providers = sim
        .json_answer(
            Method::GET,
            "/enum/extVettingProvider",
            None,
            &array_of("ExtVettingProvider"),
        )
        .await;
    let example = &response_schema("/enum/extVettingProvider", "get")["items"]["example"];
    let aegis = providers
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["evpId"] == "AEGIS")
        .expect("AEGIS is listed");
    for name in ["evpId", "displayName", "tcrBillable", "vettingClasses"] {
        assert_eq!(
            aegis[name], example[name],
            "AEGIS {name} differs from TCR's example"
        );
    }
    for provider in providers.as_array().unwrap() {
        let instruction: Value = serde_json::from_str(text(provider, "vettingInstruction"))
            .expect("vettingInstruction is a JSON string");
        assert_eq!(
            key_set(&instruction),
            key_set(&serde_json::from_str(text(example, "vettingInstruction")).unwrap()),
            "vettingInstruction has the example's shape"
        );
    }
}

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
