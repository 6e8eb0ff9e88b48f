//! TCR's own catalogues through tendlc: `GET /v1/tcr/catalogues/{name}` answers what TCR lists,
//! and a TCR refusal shows TCR's catalogue explanation of each code next to TCR's own words.
use reqwest::Method;
use serde_json::Value;
use tendlc_api::http::auth::Role;
use tendlc_tests::fixtures::private_brand;
use tendlc_tests::harness::json_of;
use tendlc_tests::TestApp;

/// What the simulator (as TCR) answers at `path`, read directly with its credentials.
async fn from_tcr(app: &TestApp, path: &str) -> Value {
    let answer = reqwest::Client::new()
        .get(format!("{}{path}", app.sim.base_url))
        .basic_auth(&app.sim.api_key, Some(&app.sim.api_secret))
        .send()
        .await
        .expect("the simulator answers");
    assert_eq!(answer.status(), 200, "GET {path} from the simulator");
    answer.json().await.expect("JSON from the simulator")
}

#[tokio::test]
async fn a_tcr_refusal_carries_tcrs_own_explanation_of_its_code_from_the_error_catalogue() {
    let app = TestApp::spawn().await;
    let customer = app.create_customer("BAN-CAT-1", "LARGE").await;

    let (status, error) = json_of(
        app.register_brand(customer, &private_brand("Refused [sim:error-529]"))
            .await,
    )
    .await;

    assert_eq!(status, 422, "{error}");
    assert_eq!(error["code"], "tcr_rejected", "{error}");
    let catalogue = from_tcr(&app, "/error").await;
    let shown = &error["tcr"][0];
    assert_eq!(shown["code"], 529, "{error}");
    assert_eq!(
        shown["catalogueDescription"], catalogue["529"],
        "the refusal should explain code 529 as TCR's error catalogue does: {error}"
    );
    assert!(
        shown["description"].as_str().is_some_and(|d| !d.is_empty()),
        "TCR's own words for this refusal stay beside the catalogue's: {error}"
    );

    // The brand's history shows the refusal's code with the same explanation.
    let token = app.token(Role::CustomerUser, Some(customer));
    let (_, list) = json_of(
        app.request(Method::GET, "/v1/messaging/brands?status=REJECTED", &token)
            .send()
            .await
            .unwrap(),
    )
    .await;
    let id = list["items"][0]["id"]
        .as_str()
        .expect("the refused brand is kept");
    let (status, history) = json_of(
        app.request(
            Method::GET,
            &format!("/v1/messaging/brands/{id}/history"),
            &token,
        )
        .send()
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(status, 200, "{history}");
    let explained: Vec<&Value> = history["items"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|item| item["tcrCodes"].as_array().into_iter().flatten())
        .collect();
    assert!(
        explained
            .iter()
            .any(|c| c["code"] == 529 && c["catalogueDescription"] == catalogue["529"]),
        "the history should show code 529 with TCR's catalogue explanation: {history}"
    );
}

#[tokio::test]
async fn each_catalogue_read_through_tendlc_is_what_tcr_lists() {
    let app = TestApp::spawn().await;
    let customer = app.create_customer("BAN-CAT-2", "BASIC").await;
    let token = app.token(Role::CustomerUser, Some(customer));

    for (name, tcr_path) in [
        ("us-states", "/enum/usState"),
        ("countries", "/enum/country"),
        ("errors", "/error"),
        ("vetting-feedback-codes", "/enum/vettingFeedbackCode"),
        ("optional-attribute-names", "/enum/optionalAttributeNames"),
        ("stock-exchanges", "/enum/stockExchange"),
    ] {
        let (status, answer) = json_of(
            app.request(Method::GET, &format!("/v1/tcr/catalogues/{name}"), &token)
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(status, 200, "GET /v1/tcr/catalogues/{name}: {answer}");
        assert_eq!(
            answer,
            from_tcr(&app, tcr_path).await,
            "tendlc's {name} should be TCR's {tcr_path}"
        );
    }
    let companies = app
        .request(
            Method::GET,
            "/v1/tcr/catalogues/approved-public-companies",
            &token,
        )
        .send()
        .await
        .unwrap();
    let (status, companies) = json_of(companies).await;
    assert_eq!(status, 200, "{companies}");
    assert_eq!(
        companies["records"].as_array().map(Vec::len),
        companies["totalRecords"].as_u64().map(|n| n as usize),
        "every approved public company is read, not only TCR's first page: {companies}"
    );

    let (status, missing) = json_of(
        app.request(Method::GET, "/v1/tcr/catalogues/no-such-list", &token)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 404, "an unknown catalogue is not found: {missing}");
    assert!(
        missing["message"]
            .as_str()
            .is_some_and(|m| m.contains("us-states") && m.contains("errors")),
        "the answer lists the catalogues there are: {missing}"
    );
}

#[tokio::test]
async fn a_catalogue_needs_a_valid_token() {
    let app = TestApp::spawn().await;
    let answer = app
        .http
        .get(format!("{}/v1/tcr/catalogues/us-states", app.base_url))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 401, "no token, no catalogue");
}
