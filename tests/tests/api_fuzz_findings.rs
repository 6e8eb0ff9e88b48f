//! Regressions for what API fuzzing (`scripts/api-fuzz.sh`) and the edge audit beside it found:
//! each of these once answered 500, or answered outside the OpenAPI document.
use reqwest::Method;
use serde_json::{json, Value};
use tendlc_tests::fixtures::private_brand;
use tendlc_tests::harness::{json_of, status_and_body};
use tendlc_tests::TestApp;

/// Every error answer has the one shape: `{code, message, ...}` as JSON.
fn assert_error_shape(what: &str, status: u16, body: &Value) {
    assert!(
        body["code"].is_string() && body["message"].is_string(),
        "{what}: answered {status} without the error shape: {body}"
    );
}

async fn document(app: &TestApp) -> Value {
    app.http
        .get(format!("{}/openapi.json", app.base_url))
        .send()
        .await
        .expect("read the document")
        .json()
        .await
        .expect("the document is JSON")
}

/// Found by schemathesis: a method a path does not serve (TRACE, OPTIONS, HEAD) reached the access
/// layer without an entry and answered 500. Now 405 naming the methods, and HEAD follows GET.
#[tokio::test]
async fn methods_a_path_does_not_serve_answer_405_and_head_follows_get() {
    let app = TestApp::spawn().await;
    let operator = app.superadmin();
    for (method, path) in [
        ("TRACE", "/health"),
        ("TRACE", "/v1/customers"),
        ("PATCH", "/v1/customers"),
        (
            "DELETE",
            "/v1/customers/00000000-0000-0000-0000-000000000000",
        ),
        ("PUT", "/webhooks/tcr/brands"),
    ] {
        let response = app
            .request(
                Method::from_bytes(method.as_bytes()).unwrap(),
                path,
                &operator,
            )
            .send()
            .await
            .expect("request");
        let allow = response
            .headers()
            .get("allow")
            .and_then(|v| v.to_str().ok())
            .map(String::from);
        let status = response.status().as_u16();
        let body: Value = response.json().await.unwrap_or(Value::Null);
        assert_eq!(status, 405, "{method} {path} answered {status}: {body}");
        assert_eq!(
            body["code"], "method_not_allowed",
            "{method} {path}: {body}"
        );
        assert!(
            allow.is_some_and(|a| !a.is_empty() && !a.contains(method)),
            "{method} {path}: a 405 names the methods the path does serve in Allow"
        );
    }
    for path in ["/health", "/v1/customers"] {
        let response = app
            .request(Method::HEAD, path, &operator)
            .send()
            .await
            .expect("HEAD");
        assert_eq!(response.status(), 200, "HEAD {path} answers as GET does");
    }
    let anonymous = app
        .http
        .head(format!("{}/v1/customers", app.base_url))
        .send()
        .await
        .expect("HEAD without a token");
    assert_eq!(
        anonymous.status(),
        401,
        "HEAD needs what GET needs: a token"
    );
}

/// Found by schemathesis: `GET /v1/customers?perPage=1&perPage=2` answered 400, which the document
/// did not list. Every operation that takes a token, parameters or a body now documents 400 (and
/// the other answers the layers around the handlers give).
#[tokio::test]
async fn every_operation_documents_the_answers_of_the_layers_around_it() {
    let app = TestApp::spawn().await;
    let (status, body) = status_and_body(app.request(
        Method::GET,
        "/v1/customers?perPage=1&perPage=2",
        &app.superadmin(),
    ))
    .await;
    assert_eq!(status, 400, "{body}");
    assert_error_shape("a repeated query parameter", status, &body);

    let doc = document(&app).await;
    let mut checked = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let responses = &operation["responses"];
            let guarded = operation["security"]
                .as_array()
                .is_some_and(|s| !s.is_empty());
            let has_body = operation.get("requestBody").is_some();
            let mut expected = vec![];
            if guarded {
                expected.extend(["400", "401", "403", "500", "503"]);
            }
            if has_body {
                expected.extend(["400", "408", "413", "500", "503"]);
            }
            for code in expected {
                assert!(
                    responses[code].is_object(),
                    "{method} {path} does not document {code}: {responses}"
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 20, "only {checked} answers were checked");
}

/// A NUL character in a JSON body reached Postgres, whose JSON and text types cannot hold it: the
/// event insert failed and the API answered 500. Now 422 naming the field, and nothing is recorded.
#[tokio::test]
async fn a_nul_character_in_a_body_is_refused_by_field_not_a_500() {
    let app = TestApp::spawn().await;
    let before = app.event_count().await;
    let (status, body) = status_and_body(
        app.request(Method::POST, "/v1/customers", &app.superadmin())
            .json(
                &json!({"ban": "BAN-NUL", "name": "Nul\u{0}Co", "serviceTier": "SMALL",
                          "notificationEmails": ["ops@example.com", "a\u{0}@example.com"]}),
            ),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    let fields: Vec<&str> = body["fields"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["field"].as_str())
        .collect();
    assert_eq!(fields, ["name", "notificationEmails[1]"], "{body}");

    let customer = app.create_customer("BAN-NUL-OK", "SMALL").await;
    let mut brand = private_brand("Nul");
    brand["city"] = json!("Spring\u{0}field");
    let response = app.register_brand(customer, &brand).await;
    let (status, body) = json_of(response).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["fields"][0]["field"], "city", "{body}");
    assert_eq!(app.sim.handle.brand_count(), 0, "nothing reached TCR");
    assert_eq!(
        app.event_count().await,
        before + 1,
        "only the valid customer was recorded"
    );
}

/// The same in a query string (`%00`): it reached a text comparison in Postgres and answered 500.
#[tokio::test]
async fn a_nul_character_in_a_query_is_a_400_not_a_500() {
    let app = TestApp::spawn().await;
    for path in [
        "/v1/messaging/webhook-events?eventType=BRAND%00ADD",
        "/v1/messaging/webhook-events?tcrId=B%00",
        "/v1/messaging/brands?status=PENDING%00",
    ] {
        let (status, body) =
            status_and_body(app.request(Method::GET, path, &app.superadmin())).await;
        assert_eq!(status, 400, "GET {path}: {body}");
        assert_eq!(body["code"], "invalid_query", "GET {path}: {body}");
    }
}

/// A webhook delivery with a NUL character could not be recorded (not even as refused) and
/// answered 500. Now it is refused with 400 and recorded with its exact bytes.
#[tokio::test]
async fn a_webhook_with_a_nul_character_is_refused_and_kept_as_a_refusal() {
    let app = TestApp::spawn().await;
    let body = json!({"eventType": "BRAND_ADD", "brandId": "B\u{0}"});
    let response = app
        .deliver_webhook(&app.base_url, "brands", &body, None)
        .await;
    let (status, answer) = json_of(response).await;
    assert_eq!(status, 400, "{answer}");
    assert_eq!(answer["code"], "webhook_refused", "{answer}");
    let refusals = app.webhook_refusals().await;
    assert_eq!(refusals.len(), 1, "{refusals:?}");
    assert_eq!(refusals[0]["reasonCode"], "nul_character");
    assert!(
        refusals[0]["reason"]
            .as_str()
            .is_some_and(|r| r.contains("NUL")),
        "{:?}",
        refusals[0]
    );
    // Nothing the sender claimed is kept with the NUL in it.
    assert_eq!(
        refusals[0]["claimedTcrBrandId"],
        Value::Null,
        "{:?}",
        refusals[0]
    );
}

/// Errors made below the handlers came without the error shape: axum's 404 for an unknown path
/// had no body, and the body limit answered 413 in plain text.
#[tokio::test]
async fn errors_below_the_handlers_have_the_one_shape() {
    let app = TestApp::spawn().await;
    let (status, body) =
        status_and_body(app.http.get(format!("{}/v2/nothing", app.base_url))).await;
    assert_eq!(status, 404);
    assert_error_shape("an unknown path", status, &body);

    let customer = app.create_customer("BAN-SHAPE", "SMALL").await;
    let mut brand = private_brand("Big");
    brand["displayName"] = json!("x".repeat(300 * 1024));
    let (status, body) = json_of(app.register_brand(customer, &brand).await).await;
    assert_eq!(status, 413);
    assert_eq!(body["code"], "body_too_large", "{body}");
}

/// The stateful part of API fuzzing follows links from created resources; each must name, as
/// OpenAPI spells it (`operationRef`), an operation the document has.
#[tokio::test]
async fn links_from_created_resources_name_operations_that_exist() {
    let app = TestApp::spawn().await;
    let doc = document(&app).await;
    let mut links = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            for (status, response) in operation["responses"].as_object().unwrap() {
                for (name, link) in response["links"].as_object().into_iter().flatten() {
                    let target = link["operationRef"].as_str().unwrap_or_else(|| {
                        panic!("{method} {path} {status} link {name} has no operationRef: {link}")
                    });
                    let pointer = target.trim_start_matches('#');
                    assert!(
                        doc.pointer(pointer).is_some_and(Value::is_object),
                        "{method} {path} {status} link {name} points nowhere: {target}"
                    );
                    assert_eq!(link["parameters"]["id"], "$response.body#/id");
                    links += 1;
                }
            }
        }
    }
    assert!(
        links >= 4,
        "customers and brands link to their GET and PATCH ({links} links)"
    );
}
