//! Tokens, roles and tenant isolation on every route.
use reqwest::Method;
use serde_json::{json, Value};
use tendlc_api::http::auth::Role;
use tendlc_tests::fixtures::private_brand;
use tendlc_tests::harness::mint;
use tendlc_tests::harness::status_and_body;
use tendlc_tests::TestApp;
use uuid::Uuid;

#[tokio::test]
async fn every_v1_route_needs_a_valid_bearer_token() {
    let app = TestApp::spawn().await;
    let routes = [
        (Method::GET, "/v1/customers"),
        (Method::POST, "/v1/customers"),
        (
            Method::GET,
            "/v1/customers/00000000-0000-0000-0000-000000000000",
        ),
        (
            Method::PATCH,
            "/v1/customers/00000000-0000-0000-0000-000000000000",
        ),
        (Method::GET, "/v1/messaging/brands"),
        (Method::POST, "/v1/messaging/brands"),
        (
            Method::GET,
            "/v1/messaging/brands/00000000-0000-0000-0000-000000000000",
        ),
        (
            Method::PATCH,
            "/v1/messaging/brands/00000000-0000-0000-0000-000000000000",
        ),
        (Method::GET, "/v1/messaging/use-cases"),
        (Method::GET, "/v1/messaging/entity-types"),
        (Method::GET, "/v1/messaging/verticals"),
    ];
    let expired = {
        use tendlc_api::http::auth::{Claims, TokenKeys};
        TokenKeys::hs256(&secrecy::SecretString::from(app.jwt_secret.clone()))
            .mint(&Claims::new("x", Role::Superadmin, None, 1_000_000))
            .unwrap()
    };
    let forged = mint(
        "some-other-secret-that-is-long-enough-1234",
        Role::Superadmin,
        None,
    );
    for (method, path) in routes {
        let url = format!("{}{}", app.base_url, path);
        let (status, body) =
            status_and_body(app.http.request(method.clone(), &url).json(&json!({}))).await;
        assert_eq!(status, 401, "{method} {path} without a token: {body}");
        assert_eq!(body["code"], "unauthorized", "{method} {path}: {body}");
        for (what, token) in [
            ("expired", &expired),
            ("forged", &forged),
            ("garbage", &"abc.def.ghi".to_string()),
        ] {
            let (status, body) = status_and_body(
                app.http
                    .request(method.clone(), &url)
                    .bearer_auth(token)
                    .json(&json!({})),
            )
            .await;
            assert_eq!(status, 401, "{method} {path} with a {what} token: {body}");
        }
    }
}

#[tokio::test]
async fn customers_never_see_or_change_each_others_brands() {
    let app = TestApp::spawn().await;
    let alpha = app.create_customer("BAN-ALPHA", "BASIC").await;
    let beta = app.create_customer("BAN-BETA", "BASIC").await;
    let response = app
        .register_brand(alpha, &private_brand("Alpha Brand"))
        .await;
    assert_eq!(response.status(), 201);
    let alpha_brand: Value = response.json().await.unwrap();
    let id = alpha_brand["id"].as_str().unwrap();

    for role in [Role::CustomerAdmin, Role::CustomerUser] {
        let beta_token = app.token(role, Some(beta));
        // Lists show only their own.
        let (status, list) =
            status_and_body(app.request(Method::GET, "/v1/messaging/brands", &beta_token)).await;
        assert_eq!(status, 200);
        assert_eq!(
            list["total"], 0,
            "{role:?} of beta sees alpha's brands: {list}"
        );
        // Another customer's id is simply not found (404, not 403).
        let (status, body) = status_and_body(app.request(
            Method::GET,
            &format!("/v1/messaging/brands/{id}"),
            &beta_token,
        ))
        .await;
        assert_eq!(
            status, 404,
            "{role:?} of beta reading alpha's brand: {body}"
        );
        // X-Customer-ID is ignored for customer tokens.
        let (status, list) = status_and_body(
            app.request(Method::GET, "/v1/messaging/brands", &beta_token)
                .header("X-Customer-ID", alpha.to_string()),
        )
        .await;
        assert_eq!(status, 200);
        assert_eq!(
            list["total"], 0,
            "X-Customer-ID must not widen a customer token: {list}"
        );
        let (status, body) = status_and_body(app.request(
            Method::GET,
            &format!("/v1/customers/{alpha}"),
            &beta_token,
        ))
        .await;
        assert_eq!(
            status, 404,
            "{role:?} of beta reading alpha's customer: {body}"
        );
    }
    let beta_admin = app.token(Role::CustomerAdmin, Some(beta));
    let (status, body) = status_and_body(
        app.request(
            Method::PATCH,
            &format!("/v1/messaging/brands/{id}"),
            &beta_admin,
        )
        .header("X-Customer-ID", alpha.to_string())
        .json(&json!({ "displayName": "Hijacked" })),
    )
    .await;
    assert_eq!(status, 404, "beta changing alpha's brand: {body}");
    assert_eq!(
        app.sim.brands().await[0]["displayName"],
        "Alpha Brand",
        "TCR untouched"
    );
}

#[tokio::test]
async fn a_super_admin_acts_for_the_customer_named_in_x_customer_id() {
    let app = TestApp::spawn().await;
    let alpha = app.create_customer("BAN-SA-A", "LARGE").await;
    let beta = app.create_customer("BAN-SA-B", "BASIC").await;

    let (status, brand) = status_and_body(
        app.as_operator_for(Method::POST, "/v1/messaging/brands", alpha)
            .json(&private_brand("Operator Made")),
    )
    .await;
    assert_eq!(status, 201, "{brand}");
    assert_eq!(brand["customerId"], alpha.to_string());
    assert_eq!(brand["brandRelationship"], "LARGE_ACCOUNT");

    let (_, for_beta) =
        status_and_body(app.as_operator_for(Method::GET, "/v1/messaging/brands", beta)).await;
    assert_eq!(for_beta["total"], 0, "{for_beta}");
    let (_, everyone) =
        status_and_body(app.request(Method::GET, "/v1/messaging/brands", &app.superadmin())).await;
    assert_eq!(
        everyone["total"], 1,
        "without the header a super admin sees all: {everyone}"
    );

    // Submitting needs a customer to act for.
    let (status, body) = status_and_body(
        app.request(Method::POST, "/v1/messaging/brands", &app.superadmin())
            .json(&private_brand("Nobody's")),
    )
    .await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["code"], "customer_required");
    // ...that exists.
    let (status, body) = status_and_body(
        app.as_operator_for(Method::POST, "/v1/messaging/brands", Uuid::new_v4())
            .json(&private_brand("Ghost")),
    )
    .await;
    assert_eq!(status, 404, "{body}");
}

#[tokio::test]
async fn roles_are_enforced() {
    let app = TestApp::spawn().await;
    let customer = app.create_customer("BAN-ROLES", "BASIC").await;
    let user = app.token(Role::CustomerUser, Some(customer));
    let admin = app.token(Role::CustomerAdmin, Some(customer));

    let (status, body) = status_and_body(
        app.request(Method::POST, "/v1/messaging/brands", &user)
            .json(&private_brand("User Try")),
    )
    .await;
    assert_eq!(
        status, 403,
        "a customer user may read but not submit: {body}"
    );
    for token in [&user, &admin] {
        let (status, body) = status_and_body(
            app.request(Method::POST, "/v1/customers", token)
                .json(&tendlc_tests::fixtures::customer("X1", "BASIC")),
        )
        .await;
        assert_eq!(status, 403, "only super admins manage customers: {body}");
        let (status, _) = status_and_body(app.request(Method::GET, "/v1/customers", token)).await;
        assert_eq!(status, 403);
    }
    let (status, own) =
        status_and_body(app.request(Method::GET, &format!("/v1/customers/{customer}"), &user))
            .await;
    assert_eq!(status, 200, "a customer reads its own record: {own}");
    assert_eq!(app.sim.brands().await.len(), 0);
}
