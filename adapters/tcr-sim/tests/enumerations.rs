//! The `/enum/*` lists: exactly what TCR's OpenAPI document allows and lists, and the object
//! enumerations shaped like its components and examples.
mod support;

use std::collections::BTreeSet;

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use support::*;

fn brand_csp_enum(property: &str) -> BTreeSet<String> {
    string_set(
        &openapi()["components"]["schemas"]["Brand_CSP"]["properties"][property]["enum"],
        &format!("Brand_CSP.{property}.enum"),
    )
}

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
