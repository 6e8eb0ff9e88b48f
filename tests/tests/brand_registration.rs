//! Registering brands end to end: tendlc ↔ Postgres ↔ the TCR simulator over real HTTP.
use reqwest::Method;
use serde_json::json;
use tendlc_api::http::auth::Role;
use tendlc_tests::fixtures::{private_brand, sole_proprietor_brand};
use tendlc_tests::harness::json_of;
use tendlc_tests::TestApp;

#[tokio::test]
async fn a_valid_brand_is_registered_with_tcr_and_listed() {
    let app = TestApp::spawn().await;
    let customer = app.create_customer("BAN-1001", "MEDIUM").await;

    let (status, brand) = json_of(
        app.register_brand(customer, &private_brand("Acme Widgets"))
            .await,
    )
    .await;

    assert_eq!(status, 201, "registration should succeed: {brand}");
    let tcr_id = brand["tcrBrandId"].as_str().expect("a TCR brand id");
    assert!(
        tcr_id.starts_with('B') && tcr_id.len() == 7,
        "TCR ids look like B + 6 characters, got {tcr_id}"
    );
    assert_eq!(brand["status"], "REGISTERED");
    assert_eq!(brand["tcrStatus"], "ACTIVE");
    assert!(
        brand["identityStatus"].is_string(),
        "identity status as TCR gave it: {brand}"
    );
    assert_eq!(
        brand["brandRelationship"], "MEDIUM_ACCOUNT",
        "the tier decides the relationship"
    );
    assert_eq!(brand["ein"], "123456789", "EIN is normalised to digits");
    assert_eq!(brand["displayName"], "Acme Widgets");

    // TCR holds exactly this brand, under our reference.
    let held = app.sim.brands().await;
    assert_eq!(held.len(), 1, "TCR should hold one brand: {held:?}");
    assert_eq!(held[0]["brandId"], tcr_id);
    assert_eq!(held[0]["referenceId"], brand["referenceId"]);
    assert_eq!(held[0]["brandRelationship"], "MEDIUM_ACCOUNT");

    // It is in the list and readable by id right away.
    let token = app.token(Role::CustomerUser, Some(customer));
    let (status, list) = json_of(
        app.request(Method::GET, "/v1/messaging/brands", &token)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200, "{list}");
    assert_eq!(list["total"], 1, "{list}");
    assert_eq!(list["items"][0]["id"], brand["id"]);
    let id = brand["id"].as_str().unwrap();
    let (status, one) = json_of(
        app.request(Method::GET, &format!("/v1/messaging/brands/{id}"), &token)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200, "{one}");
    assert_eq!(one["tcrBrandId"], tcr_id);
    assert_eq!(one["syncSource"], "api");
    assert!(one["lastSyncedAt"].is_string(), "{one}");
}

#[tokio::test]
async fn every_event_carries_tenant_actor_request_and_source_and_tcr_calls_are_recorded() {
    let app = TestApp::spawn().await;
    let customer = app.create_customer("BAN-1002", "BASIC").await;
    let response = app
        .request(
            Method::POST,
            "/v1/messaging/brands",
            &app.token(Role::CustomerAdmin, Some(customer)),
        )
        .header("x-request-id", "req-abc-123")
        .json(&private_brand("Meta Check"))
        .send()
        .await
        .unwrap();
    // The server names the request itself; the client's id is kept beside it.
    let request_id = response.headers()["x-request-id"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        uuid::Uuid::parse_str(&request_id).is_ok(),
        "the server's request id is echoed: {request_id}"
    );
    assert_eq!(
        response.headers()["x-client-request-id"],
        "req-abc-123",
        "the client's request id is echoed"
    );
    let (status, brand) = json_of(response).await;
    assert_eq!(status, 201, "{brand}");

    let events = app.events_of(brand["id"].as_str().unwrap()).await;
    let types: Vec<&str> = events.iter().map(|(t, _)| t.as_str()).collect();
    assert_eq!(
        types[..2],
        ["BrandRegistrationRequested", "BrandSubmittedToTcr"],
        "events: {types:?}"
    );
    for (event_type, metadata) in &events {
        assert_eq!(
            metadata["customer_id"],
            customer.to_string(),
            "{event_type} metadata: {metadata}"
        );
        assert_eq!(
            metadata["actor"], "user:test-user",
            "{event_type} metadata: {metadata}"
        );
        assert_eq!(
            metadata["request_id"], request_id,
            "{event_type} metadata: {metadata}"
        );
        assert_eq!(
            metadata["client_request_id"], "req-abc-123",
            "{event_type} metadata: {metadata}"
        );
        assert_eq!(
            metadata["source"], "api",
            "{event_type} metadata: {metadata}"
        );
    }
    let submitted = &events[1].1;
    assert_eq!(
        submitted["tcr_endpoint"], "POST /brand/nonBlocking",
        "{submitted}"
    );
    assert_eq!(submitted["tcr_http_status"], "200", "{submitted}");
    assert!(
        submitted["tcr_latency_ms"]
            .as_str()
            .is_some_and(|l| l.parse::<u64>().is_ok()),
        "{submitted}"
    );
}

#[tokio::test]
async fn a_sole_proprietor_brand_is_registered_and_self_declared() {
    let app = TestApp::spawn().await;
    let customer = app.create_customer("BAN-1003", "KEY").await;
    let (status, brand) =
        json_of(app.register_brand(customer, &sole_proprietor_brand()).await).await;
    assert_eq!(status, 201, "{brand}");
    let held = app.sim.brands().await;
    assert_eq!(held.len(), 1);
    assert_eq!(held[0]["entityType"], "SOLE_PROPRIETOR", "{}", held[0]);
    assert_eq!(held[0]["firstName"], "Jane", "{}", held[0]);
    assert_eq!(
        brand["identityStatus"], "SELF_DECLARED",
        "sole proprietors stay self-declared until OTP: {brand}"
    );
}

#[tokio::test]
async fn invalid_input_is_refused_naming_every_bad_field_and_nothing_is_sent_or_recorded() {
    let app = TestApp::spawn().await;
    let customer = app.create_customer("BAN-1004", "SMALL").await;
    let events_before = app.event_count().await;
    let body = json!({
        "entityType": "PRIVATE_PROFIT",
        "displayName": "Bad Brand",
        "ein": "12345",
        "phone": "555-1234",
        "street": "1 Road",
        "city": "Town",
        "state": "ZZ",
        "postalCode": "1234",
        "country": "US",
        "email": "not-an-email",
        "vertical": "SPACESHIPS",
        "brandRelationship": "KEY_ACCOUNT"
    });

    let (status, error) = json_of(app.register_brand(customer, &body).await).await;

    assert_eq!(status, 422, "{error}");
    assert_eq!(error["code"], "validation_failed");
    let fields: Vec<&str> = error["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    // Unknown/forbidden fields are reported first, on their own.
    assert_eq!(fields, ["brandRelationship"], "{error}");

    let mut body = body;
    body.as_object_mut().unwrap().remove("brandRelationship");
    let (status, error) = json_of(app.register_brand(customer, &body).await).await;
    assert_eq!(status, 422, "{error}");
    let fields: Vec<&str> = error["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    for expected in [
        "companyName",
        "ein",
        "phone",
        "state",
        "postalCode",
        "email",
        "vertical",
    ] {
        assert!(
            fields.contains(&expected),
            "{expected} should be named in {error}"
        );
    }
    assert!(error["fields"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f["message"].as_str().is_some_and(|m| !m.is_empty())));

    assert!(app.sim.brands().await.is_empty(), "nothing may reach TCR");
    assert_eq!(
        app.event_count().await,
        events_before,
        "nothing may be recorded"
    );
}

#[tokio::test]
async fn tcr_refusal_is_answered_with_tcrs_own_words_and_recorded_as_rejected() {
    let app = TestApp::spawn().await;
    let customer = app.create_customer("BAN-1005", "LARGE").await;

    let (status, error) = json_of(
        app.register_brand(customer, &private_brand("Refused [sim:error-529]"))
            .await,
    )
    .await;

    assert_eq!(status, 422, "{error}");
    assert_eq!(error["code"], "tcr_rejected");
    assert_eq!(
        error["tcr"][0]["code"], 529,
        "TCR's own error code: {error}"
    );
    assert!(
        error["tcr"][0]["description"]
            .as_str()
            .is_some_and(|d| !d.is_empty()),
        "{error}"
    );
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("recorded as brand"),
        "{error}"
    );

    let token = app.token(Role::CustomerUser, Some(customer));
    let (_, list) = json_of(
        app.request(Method::GET, "/v1/messaging/brands?status=REJECTED", &token)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        list["total"], 1,
        "the refused registration is kept as REJECTED: {list}"
    );
    assert_eq!(list["items"][0]["lastError"]["tcr"][0]["code"], 529);
}

#[tokio::test]
async fn a_registered_brand_can_be_updated_and_tcr_is_told() {
    let app = TestApp::spawn().await;
    let customer = app.create_customer("BAN-1006", "MEDIUM").await;
    let (_, brand) = json_of(
        app.register_brand(customer, &private_brand("Before Update"))
            .await,
    )
    .await;
    let id = brand["id"].as_str().unwrap();
    let admin = app.token(Role::CustomerAdmin, Some(customer));

    let response = app
        .request(Method::PATCH, &format!("/v1/messaging/brands/{id}"), &admin)
        .json(&json!({ "displayName": "After Update", "city": "Chicago" }))
        .send()
        .await
        .unwrap();
    let (status, updated) = json_of(response).await;

    assert_eq!(status, 200, "{updated}");
    assert_eq!(updated["displayName"], "After Update");
    assert_eq!(updated["city"], "Chicago");
    let held = app.sim.brands().await;
    assert_eq!(
        held[0]["displayName"], "After Update",
        "TCR was told: {}",
        held[0]
    );
    let types: Vec<String> = app
        .events_of(id)
        .await
        .into_iter()
        .map(|(t, _)| t)
        .collect();
    assert!(
        types.contains(&"BrandUpdateRequested".to_string())
            && types.contains(&"BrandUpdated".to_string()),
        "{types:?}"
    );

    // The same values again change nothing and record nothing.
    let before = app.event_count().await;
    let (status, _) = json_of(
        app.request(Method::PATCH, &format!("/v1/messaging/brands/{id}"), &admin)
            .json(&json!({ "displayName": "After Update" }))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        app.event_count().await,
        before,
        "an update that changes nothing records nothing"
    );

    // An invalid change is refused before TCR.
    let (status, error) = json_of(
        app.request(Method::PATCH, &format!("/v1/messaging/brands/{id}"), &admin)
            .json(&json!({ "phone": "12345" }))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 422, "{error}");
    assert_eq!(error["fields"][0]["field"], "phone");
}

#[tokio::test]
async fn the_list_pages_and_filters_by_status() {
    let app = TestApp::spawn().await;
    let customer = app.create_customer("BAN-1007", "BASIC").await;
    for n in 0..3 {
        let response = app
            .register_brand(customer, &private_brand(&format!("Brand {n}")))
            .await;
        assert_eq!(response.status(), 201);
    }
    let response = app
        .register_brand(customer, &private_brand("Nope [sim:error-501]"))
        .await;
    assert_eq!(response.status(), 422);

    let token = app.token(Role::CustomerUser, Some(customer));
    let (_, page) = json_of(
        app.request(Method::GET, "/v1/messaging/brands?perPage=2&page=2", &token)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(page["total"], 4, "{page}");
    assert_eq!(page["items"].as_array().unwrap().len(), 2, "{page}");
    assert_eq!(page["page"], 2);
    let (_, registered) = json_of(
        app.request(
            Method::GET,
            "/v1/messaging/brands?status=REGISTERED",
            &token,
        )
        .send()
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(registered["total"], 3, "{registered}");
    let (status, error) = json_of(
        app.request(Method::GET, "/v1/messaging/brands?status=BOGUS", &token)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 422, "{error}");
    assert_eq!(error["fields"][0]["field"], "status");
}

#[tokio::test]
async fn enumerations_come_from_tcr() {
    let app = TestApp::spawn().await;
    let customer = app.create_customer("BAN-1008", "BASIC").await;
    let token = app.token(Role::CustomerUser, Some(customer));
    for (path, expected) in [
        ("/v1/messaging/entity-types", "PRIVATE_PROFIT"),
        ("/v1/messaging/verticals", "RETAIL"),
        ("/v1/messaging/use-cases", "2FA"),
    ] {
        let (status, body) =
            json_of(app.request(Method::GET, path, &token).send().await.unwrap()).await;
        assert_eq!(status, 200, "{path}: {body}");
        assert!(
            body.to_string().contains(expected),
            "{path} should list {expected}: {body}"
        );
    }
}

#[tokio::test]
async fn a_second_change_waits_for_tcrs_answer_to_the_first() {
    let app = TestApp::spawn().await;
    let customer = app.create_customer("BAN-PATCH-2", "BASIC").await;
    let (status, brand) = json_of(
        app.register_brand(customer, &private_brand("Acme One At A Time"))
            .await,
    )
    .await;
    assert_eq!(status, 201, "{brand}");
    let id = brand["id"].as_str().unwrap().to_string();
    let path = format!("/v1/messaging/brands/{id}");

    // TCR is slow to answer the first change; a second one meanwhile is refused, not mixed in.
    let slow = {
        let request = app
            .as_operator_for(Method::PATCH, &path, customer)
            .json(&json!({"displayName": "Acme Slow Change [sim:slow-2]"}));
        tokio::spawn(request.send())
    };
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let (status, refused) = app
        .call_for(
            customer,
            Method::PATCH,
            &path,
            Some(json!({"website": "https://acme.example"})),
        )
        .await;
    assert_eq!(status, 409, "{refused}");
    assert_eq!(refused["code"], "action_pending", "{refused}");

    let first = slow.await.unwrap().unwrap();
    assert_eq!(first.status().as_u16(), 200);
    let (status, second) = app
        .call_for(
            customer,
            Method::PATCH,
            &path,
            Some(json!({"website": "https://acme.example"})),
        )
        .await;
    assert_eq!(
        status, 200,
        "once TCR answered, the next change goes through: {second}"
    );
    assert_eq!(
        second["displayName"], "Acme Slow Change [sim:slow-2]",
        "{second}"
    );
    assert_eq!(second["website"], "https://acme.example", "{second}");
}
