//! Customers (tenants): created, read and changed by super admins.
use reqwest::Method;
use serde_json::{json, Value};
use tendlc_tests::fixtures::{customer, private_brand};
use tendlc_tests::harness::status_and_body;
use tendlc_tests::TestApp;

#[tokio::test]
async fn a_customer_is_created_read_listed_and_updated() {
    let app = TestApp::spawn().await;
    let admin = app.superadmin();
    let (status, created) = status_and_body(
        app.request(Method::POST, "/v1/customers", &admin)
            .json(&customer("BAN-9", "SMALL")),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["ban"], "BAN-9");
    assert_eq!(created["serviceTier"], "SMALL");
    assert_eq!(created["notificationEmails"], json!(["ops@example.com"]));
    let id = created["id"].as_str().unwrap();

    let (status, shown) =
        status_and_body(app.request(Method::GET, &format!("/v1/customers/{id}"), &admin)).await;
    assert_eq!(status, 200);
    assert_eq!(shown["name"], "Customer BAN-9");

    let (status, updated) = status_and_body(
        app.request(Method::PATCH, &format!("/v1/customers/{id}"), &admin)
            .json(&json!({ "serviceTier": "KEY", "notificationEmails": ["a@example.com", "b@example.com"] })),
    )
    .await;
    assert_eq!(status, 200, "{updated}");
    assert_eq!(updated["serviceTier"], "KEY");
    assert_eq!(
        updated["notificationEmails"],
        json!(["a@example.com", "b@example.com"])
    );

    let (_, list) = status_and_body(app.request(Method::GET, "/v1/customers", &admin)).await;
    assert_eq!(list["total"], 1, "{list}");

    // The new tier decides the relationship of the next brand.
    let brand = app
        .register_brand(uuid::Uuid::parse_str(id).unwrap(), &private_brand("Tiered"))
        .await;
    let brand: Value = brand.json().await.unwrap();
    assert_eq!(brand["brandRelationship"], "KEY_ACCOUNT", "{brand}");
}

#[tokio::test]
async fn a_ban_can_be_registered_only_once() {
    let app = TestApp::spawn().await;
    app.create_customer("BAN-DUP", "BASIC").await;
    let (status, body) = status_and_body(
        app.request(Method::POST, "/v1/customers", &app.superadmin())
            .json(&customer("BAN-DUP", "KEY")),
    )
    .await;
    assert_eq!(status, 409, "{body}");
    assert_eq!(body["code"], "customer_exists");
}

#[tokio::test]
async fn invalid_customers_are_refused_naming_each_field() {
    let app = TestApp::spawn().await;
    let (status, body) = status_and_body(
        app.request(Method::POST, "/v1/customers", &app.superadmin())
            .json(&json!({
                "ban": "has spaces!",
                "serviceTier": "PLATINUM",
                "notificationEmails": ["ok@example.com", "nope"],
                "color": "blue"
            })),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(
        body["fields"][0]["field"], "color",
        "unknown fields are named: {body}"
    );

    let (status, body) = status_and_body(
        app.request(Method::POST, "/v1/customers", &app.superadmin())
            .json(&json!({
                "ban": "has spaces!",
                "serviceTier": "PLATINUM",
                "notificationEmails": ["ok@example.com", "nope"]
            })),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    let fields: Vec<&str> = body["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(
        fields,
        ["ban", "name", "serviceTier", "notificationEmails[1]"],
        "{body}"
    );
    assert_eq!(
        app.event_count().await,
        0,
        "nothing is recorded for invalid input"
    );

    let (status, body) = status_and_body(
        app.request(Method::POST, "/v1/customers", &app.superadmin())
            .header("content-type", "application/json")
            .body("{not json"),
    )
    .await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["code"], "invalid_json");

    // Valid JSON sent without saying so (curl's -d alone) is told what header is missing.
    let (status, body) = status_and_body(
        app.request(Method::POST, "/v1/customers", &app.superadmin())
            .header("content-type", "application/x-www-form-urlencoded")
            .body(r#"{"ban":"BAN-1","name":"Acme","serviceTier":"BASIC"}"#),
    )
    .await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["code"], "missing_content_type", "{body}");
    assert!(
        body["message"]
            .as_str()
            .is_some_and(|m| m.contains("Content-Type: application/json")),
        "{body}"
    );
}

#[tokio::test]
async fn customers_are_found_by_part_of_their_ban_or_name_in_any_case() {
    let app = TestApp::spawn().await;
    let north = app.create_customer("NORTH-100", "BASIC").await;
    let south = app.create_customer("SOUTH-200", "BASIC").await;
    let search = |q: &str| {
        app.request(
            reqwest::Method::GET,
            &format!("/v1/customers?q={q}"),
            &app.superadmin(),
        )
        .send()
    };
    let found: serde_json::Value = search("north").await.unwrap().json().await.unwrap();
    assert_eq!(found["total"], 1, "{found}");
    assert_eq!(found["items"][0]["id"], north.to_string(), "{found}");
    // The fixture names customers after their BAN: a name match finds it too.
    let found: serde_json::Value = search("Customer%20SOUTH")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(found["items"][0]["id"], south.to_string(), "{found}");
    // LIKE's wildcards are matched as themselves.
    let found: serde_json::Value = search("%25").await.unwrap().json().await.unwrap();
    assert_eq!(found["total"], 0, "{found}");
    let too_long = search(&"x".repeat(101)).await.unwrap();
    assert_eq!(
        too_long.status(),
        422,
        "an over-long search is refused naming q"
    );
}
