//! The OpenAPI document and the code agree: every route is documented (and nothing else), and
//! real answers validate against the schemas the document gives for them.
use reqwest::Method;
use serde_json::{json, Value};
use tendlc_api::http::auth::Role;
use tendlc_api::http::routes::endpoints;
use tendlc_tests::fixtures::private_brand;
use tendlc_tests::TestApp;

async fn document(app: &TestApp) -> Value {
    let response = app
        .http
        .get(format!("{}/openapi.json", app.base_url))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

/// Validates `body` against the schema the document gives for `method path` answering `status`.
fn assert_documented(doc: &Value, method: &str, path: &str, status: u16, body: &Value) {
    let operation = &doc["paths"][path][method.to_ascii_lowercase()];
    assert!(
        operation.is_object(),
        "{method} {path} is not in the document"
    );
    let response = &operation["responses"][status.to_string()];
    assert!(
        response.is_object(),
        "{method} {path} does not document status {status}; it answered {body}"
    );
    let schema = &response["content"]["application/json"]["schema"];
    assert!(
        schema.is_object(),
        "{method} {path} {status} has no JSON schema"
    );
    let root = json!({ "allOf": [schema], "components": doc["components"] });
    let validator = jsonschema::validator_for(&root)
        .unwrap_or_else(|e| panic!("schema for {method} {path} {status}: {e}"));
    let errors: Vec<String> = validator
        .iter_errors(body)
        .map(|e| format!("{} at {}", e, e.instance_path))
        .collect();
    assert!(
        errors.is_empty(),
        "{method} {path} {status} answered outside the document: {errors:?}\n{body}"
    );
}

#[tokio::test]
async fn every_route_is_documented_and_nothing_else() {
    let app = TestApp::spawn().await;
    let doc = document(&app).await;
    assert!(
        doc["openapi"].as_str().unwrap().starts_with("3.1"),
        "OpenAPI 3.1: {}",
        doc["openapi"]
    );
    let mut documented = Vec::new();
    let mut operation_ids = std::collections::BTreeMap::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            documented.push((method.to_ascii_uppercase(), path.clone()));
            if let Some(id) = operation["operationId"].as_str() {
                let earlier = operation_ids.insert(id.to_string(), format!("{method} {path}"));
                assert!(
                    earlier.is_none(),
                    "operationId {id} is used by {} and {method} {path}",
                    earlier.unwrap_or_default()
                );
            }
        }
    }
    documented.sort();
    let mut served: Vec<(String, String)> = endpoints()
        .iter()
        .map(|e| (e.method.to_string(), e.path.to_string()))
        .collect();
    served.sort();
    assert_eq!(documented, served, "the document and the router disagree");
}

#[tokio::test]
async fn answers_validate_against_the_document() {
    let app = TestApp::spawn().await;
    let doc = document(&app).await;
    let operator = app.superadmin();

    let created = app
        .request(Method::POST, "/v1/customers", &operator)
        .json(&tendlc_tests::fixtures::customer("BAN-DOC", "SMALL"))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    let customer: Value = created.json().await.unwrap();
    assert_documented(&doc, "POST", "/v1/customers", 201, &customer);
    let id = customer["id"].as_str().unwrap();
    let customer_id = uuid::Uuid::parse_str(id).unwrap();

    let list: Value = app
        .request(Method::GET, "/v1/customers", &operator)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_documented(&doc, "GET", "/v1/customers", 200, &list);

    let response = app
        .register_brand(customer_id, &private_brand("Documented"))
        .await;
    assert_eq!(response.status(), 201);
    let brand: Value = response.json().await.unwrap();
    assert_documented(&doc, "POST", "/v1/messaging/brands", 201, &brand);

    let token = app.token(Role::CustomerUser, Some(customer_id));
    let brands: Value = app
        .request(Method::GET, "/v1/messaging/brands", &token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_documented(&doc, "GET", "/v1/messaging/brands", 200, &brands);

    let refused = app
        .register_brand(customer_id, &json!({"entityType": "NOPE"}))
        .await;
    assert_eq!(refused.status(), 422);
    assert_documented(
        &doc,
        "POST",
        "/v1/messaging/brands",
        422,
        &refused.json().await.unwrap(),
    );
    let tcr_refused = app
        .register_brand(customer_id, &private_brand("No [sim:error-501]"))
        .await;
    assert_eq!(tcr_refused.status(), 422);
    assert_documented(
        &doc,
        "POST",
        "/v1/messaging/brands",
        422,
        &tcr_refused.json().await.unwrap(),
    );

    let missing = app
        .request(
            Method::GET,
            &format!("/v1/messaging/brands/{}", uuid::Uuid::new_v4()),
            &token,
        )
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
    assert_documented(
        &doc,
        "GET",
        "/v1/messaging/brands/{id}",
        404,
        &missing.json().await.unwrap(),
    );
    let anonymous = app
        .http
        .get(format!("{}/v1/messaging/brands", app.base_url))
        .send()
        .await
        .unwrap();
    assert_documented(
        &doc,
        "GET",
        "/v1/messaging/brands",
        401,
        &anonymous.json().await.unwrap(),
    );

    // The brand's history, and the brand as of now (folded from its events).
    let brand_id = brand["id"].as_str().unwrap();
    let history: Value = app
        .request(
            Method::GET,
            &format!("/v1/messaging/brands/{brand_id}/history"),
            &token,
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        history["items"].as_array().is_some_and(|i| i.len() >= 2),
        "{history}"
    );
    assert_documented(
        &doc,
        "GET",
        "/v1/messaging/brands/{id}/history",
        200,
        &history,
    );
    let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
    let as_of: Value = app
        .request(
            Method::GET,
            &format!("/v1/messaging/brands/{brand_id}?asOf={now}"),
            &token,
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(as_of["asOf"].is_string(), "{as_of}");
    assert_documented(&doc, "GET", "/v1/messaging/brands/{id}", 200, &as_of);
    let bad_instant = app
        .request(
            Method::GET,
            &format!("/v1/messaging/brands/{brand_id}?asOf=soon"),
            &token,
        )
        .send()
        .await
        .unwrap();
    assert_eq!(bad_instant.status(), 422);
    assert_documented(
        &doc,
        "GET",
        "/v1/messaging/brands/{id}",
        422,
        &bad_instant.json().await.unwrap(),
    );

    // The check has teeth: a mangled brand does not pass.
    let mut mangled = brand.clone();
    mangled["status"] = json!(7);
    mangled["submissionAttempts"] = json!("many");
    let result = std::panic::catch_unwind(|| {
        assert_documented(&doc, "POST", "/v1/messaging/brands", 201, &mangled)
    });
    assert!(
        result.is_err(),
        "a brand with a numeric status must not validate"
    );

    let log: Value = app
        .request(Method::GET, "/v1/messaging/webhook-events", &operator)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_documented(&doc, "GET", "/v1/messaging/webhook-events", 200, &log);

    // The partner's side: a campaign another CSP shared with the operator, synced, listed, read.
    let shared = app.sim.handle.share_with_us("S123ABC", "2FA");
    let (status, synced) = tendlc_tests::harness::status_and_body(app.request(
        Method::POST,
        "/v1/partner/campaigns/sync",
        &operator,
    ))
    .await;
    assert_eq!(status, 200, "{synced}");
    assert_documented(&doc, "POST", "/v1/partner/campaigns/sync", 200, &synced);
    let (_, partner_list) = tendlc_tests::harness::status_and_body(app.request(
        Method::GET,
        "/v1/partner/campaigns",
        &operator,
    ))
    .await;
    assert_documented(&doc, "GET", "/v1/partner/campaigns", 200, &partner_list);
    let (status, partner) = tendlc_tests::harness::status_and_body(app.request(
        Method::GET,
        &format!("/v1/partner/campaigns/{shared}"),
        &operator,
    ))
    .await;
    assert_eq!(status, 200, "{partner}");
    assert_documented(
        &doc,
        "GET",
        "/v1/partner/campaigns/{tcr_campaign_id}",
        200,
        &partner,
    );
}
