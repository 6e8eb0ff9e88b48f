//! Authentication+ for PUBLIC_PROFIT brands (domain check, 2FA e-mail to the business contact,
//! resend at most every 2 h, revoked by a new contact) and the reseller routes.
mod support;

use reqwest::{Method, StatusCode};
use serde_json::json;
use support::*;

#[tokio::test]
async fn auth_plus_mails_the_business_contact_resends_and_completes() {
    let (sim, hooks) = sim_with_hooks().await;
    let private = text(
        &sim.create(&brand_request("PRIVATE_PROFIT")).await,
        "brandId",
    )
    .to_owned();
    let order = json!({"evpId": "AEGIS", "vettingClass": "AUTHPLUS"});
    let errors = refused(
        &sim,
        Method::POST,
        &format!("/brand/{private}/externalVetting"),
        Some(&order),
    )
    .await;
    assert_refused(
        &errors,
        501,
        "vettingClass",
        "Auth+ of a PRIVATE_PROFIT brand",
    );

    let brand_id = text(
        &sim.create(&brand_request("PUBLIC_PROFIT")).await,
        "brandId",
    )
    .to_owned();
    scored(&hooks, &brand_id).await;
    let resend = format!("/brand/{brand_id}/2faEmail?vettingClass=AUTHPLUS");
    let errors = refused(&sim, Method::POST, &resend, None).await;
    assert_refused(&errors, 565, "brandId", "a resend before any Auth+ vet");

    sim.call(
        Method::POST,
        &format!("/brand/{brand_id}/externalVetting"),
        Some(&order),
    )
    .await
    .expect(StatusCode::OK, "ordering Auth+");
    hooks
        .event(
            "BRAND_AUTHPLUS_VERIFICATION_ADD",
            &json!({"brandId": brand_id}),
        )
        .await;
    hooks
        .event(
            "BRAND_AUTHPLUS_DOMAIN_VERIFIED",
            &json!({"brandId": brand_id}),
        )
        .await;
    hooks
        .event("BRAND_EMAIL_2FA_SEND", &json!({"brandId": brand_id}))
        .await;

    // A resend within two hours succeeds but TCR sends no second e-mail.
    sim.call(Method::POST, &resend, None)
        .await
        .expect(StatusCode::NO_CONTENT, "resending the 2FA e-mail");
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let sent = hooks
        .types()
        .iter()
        .filter(|t| *t == "BRAND_EMAIL_2FA_SEND")
        .count();
    assert_eq!(sent, 1, "TCR sends at most one 2FA e-mail per 2 hours");

    assert!(
        sim.handle.complete_auth_plus_2fa(&brand_id),
        "the contact verifies"
    );
    hooks
        .event(
            "BRAND_AUTHPLUS_VERIFICATION_COMPLETE",
            &json!({"brandId": brand_id}),
        )
        .await;
    let errors = refused(&sim, Method::POST, &resend, None).await;
    assert_refused(&errors, 592, "brandId", "a resend after 2FA is complete");
    let vets = sim
        .get(&format!(
            "/brand/{brand_id}/externalVetting?vettingStatus=ACTIVE"
        ))
        .await
        .json("vets");
    assert!(
        vets.as_array()
            .unwrap()
            .iter()
            .any(|v| v["vettingClass"] == "AUTHPLUS" && v["vettingStatus"] == "ACTIVE"),
        "the Auth+ vet is ACTIVE: {vets}"
    );
}

#[tokio::test]
async fn resellers_are_created_found_changed_and_deleted_with_unique_names() {
    let (sim, _hooks) = sim_with_hooks().await;
    let body =
        json!({"companyName": "Acme Resale", "phone": "+18348365467", "email": "ops@acme.example"});
    let created = sim.call(Method::POST, "/reseller", Some(&body)).await;
    let created = created
        .expect(StatusCode::OK, "creating a reseller")
        .json("reseller");
    let id = text(&created, "resellerId").to_owned();
    assert!(id.starts_with('R') && id.len() == 7, "{id}");
    let errors = refused(
        &sim,
        Method::POST,
        "/reseller",
        Some(
            &json!({"companyName": "ACME RESALE", "phone": "+18348365467", "email": "x@y.example"}),
        ),
    )
    .await;
    assert_refused(
        &errors,
        503,
        "companyName",
        "a second reseller of the same name",
    );
    let errors = refused(
        &sim,
        Method::POST,
        "/reseller",
        Some(&json!({"phone": "5"})),
    )
    .await;
    assert_refused(&errors, 501, "companyName", "a reseller without a name");

    let found = sim.get("/reseller?companyName=acme").await.json("search");
    assert_eq!(found["totalRecords"], 1, "{found}");
    let changed =
        json!({"companyName": "Acme Resale", "phone": "+18348365468", "email": "ops@acme.example"});
    let updated = sim
        .call(Method::PUT, &format!("/reseller/{id}"), Some(&changed))
        .await;
    assert_eq!(
        updated.expect(StatusCode::OK, "updating").json("reseller")["phone"],
        "+18348365468"
    );
    sim.call(Method::DELETE, &format!("/reseller/{id}"), None)
        .await
        .expect(StatusCode::NO_CONTENT, "deleting");
    let errors = refused(&sim, Method::GET, &format!("/reseller/{id}"), None).await;
    assert_refused(&errors, 502, "resellerId", "a deleted reseller");
}

#[tokio::test]
async fn a_business_contact_marked_to_confirm_completes_auth_plus_by_itself() {
    let (sim, hooks) = sim_with_hooks().await;
    let mut request = brand_request("PUBLIC_PROFIT");
    request["displayName"] = json!("Acme Listed [sim:2fa-confirm]");
    let brand_id = text(&sim.create(&request).await, "brandId").to_owned();
    scored(&hooks, &brand_id).await;
    sim.call(
        Method::POST,
        &format!("/brand/{brand_id}/externalVetting"),
        Some(&json!({"evpId": "AEGIS", "vettingClass": "AUTHPLUS"})),
    )
    .await
    .expect(StatusCode::OK, "ordering Auth+");
    hooks
        .event("BRAND_EMAIL_2FA_SEND", &json!({"brandId": brand_id}))
        .await;
    hooks
        .event(
            "BRAND_AUTHPLUS_VERIFICATION_COMPLETE",
            &json!({"brandId": brand_id}),
        )
        .await;
}
