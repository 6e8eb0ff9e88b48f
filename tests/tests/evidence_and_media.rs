//! Uploaded files put to work at TCR, through tendlc's API against the simulator: appeal evidence
//! on a brand (and an identity appeal naming it), an external vet appealed with evidence, the
//! enhanced vetting report read back, and a campaign's MMS sample media and supporting
//! documents. Each is recorded on its registration, shown on its read model, and only ever by
//! digest: the bytes stay in the file store.
use std::time::Duration;

use reqwest::Method;
use serde_json::{json, Value};
use tendlc_api::config::SyncConfig;
use tendlc_api::http::auth::Role;
use tendlc_tests::fixtures::private_brand;
use tendlc_tests::harness::{eventually, status_and_body, AppOptions};
use tendlc_tests::TestApp;
use uuid::Uuid;

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n an IRS letter, scanned";
const GIF: &[u8] = b"GIF89a a sample MMS image";
const PDF: &[u8] = b"%PDF-1.4 our opt-in form";

async fn started() -> TestApp {
    let app = TestApp::spawn_with(AppOptions {
        scoring_delay: Duration::from_millis(300),
        // An UNVERIFIED verdict is waited for by its webhook.
        subscribe_webhooks: true,
        sync: SyncConfig {
            tick: Duration::from_millis(200),
            poll_unverified: Duration::from_millis(500),
            poll_active: Duration::from_secs(1),
            ..SyncConfig::default()
        },
        sim: Some(std::sync::Arc::new(|config| {
            config.vetting_delay = Duration::from_millis(300);
            config.appeal_delay = Duration::from_millis(300);
        })),
        ..AppOptions::default()
    })
    .await;
    app.webhooks_subscribed().await;
    app
}

/// Uploads `bytes` for `customer`; returns the digest.
async fn upload(
    app: &TestApp,
    customer: Uuid,
    content_type: &str,
    name: &str,
    bytes: &[u8],
) -> String {
    let (status, body) = status_and_body(
        app.as_operator_for(
            Method::POST,
            &format!("/v1/messaging/attachments?fileName={name}"),
            customer,
        )
        .header("Content-Type", content_type)
        .body(bytes.to_vec()),
    )
    .await;
    assert!(
        status == 201 || status == 200,
        "uploading {name}: {status} {body}"
    );
    body["sha256"].as_str().unwrap().to_string()
}

/// What the simulator (TCR) answers to `GET path`, read with the account's own credentials.
async fn at_tcr(app: &TestApp, path: &str) -> Value {
    let response = reqwest::Client::new()
        .get(format!("{}{path}", app.sim.base_url))
        .basic_auth(&app.sim.api_key, Some(&app.sim.api_secret))
        .send()
        .await
        .expect("the simulator answers");
    assert!(
        response.status().is_success(),
        "GET {path} at TCR: {}",
        response.status()
    );
    response.json().await.expect("JSON from TCR")
}

fn names(body: &Value, field: &str) -> bool {
    body["fields"]
        .as_array()
        .is_some_and(|fields| fields.iter().any(|f| f["field"] == field))
}

#[tokio::test]
async fn evidence_goes_to_tcr_by_digest_and_an_identity_appeal_names_it() {
    let app = started().await;
    let alpha = app.create_customer("BAN-EVI-A", "BASIC").await;
    let beta = app.create_customer("BAN-EVI-B", "BASIC").await;
    let brand = app
        .scored_brand(
            alpha,
            &private_brand("Acme Doubted [sim:unverified]"),
            "UNVERIFIED",
        )
        .await;
    let tcr_brand = app.brand(&brand).await["tcrBrandId"]
        .as_str()
        .unwrap()
        .to_string();
    let evidence_path = format!("/v1/messaging/brands/{brand}/evidence");

    // A type TCR does not take as evidence is refused before TCR sees it.
    let gif = upload(&app, alpha, "image/gif", "sample.gif", GIF).await;
    let (status, body) = app
        .call_for(
            alpha,
            Method::POST,
            &evidence_path,
            Some(json!({"sha256": gif})),
        )
        .await;
    assert_eq!(status, 422, "a GIF is not appeal evidence: {body}");
    assert!(names(&body, "sha256"), "the refusal names sha256: {body}");
    let held = at_tcr(&app, &format!("/brand/{tcr_brand}/appeal/evidence")).await;
    assert_eq!(
        held,
        json!([]),
        "nothing was sent to TCR for a refused file"
    );

    // Not a digest at all: told so, rather than "not uploaded".
    let (status, body) = app
        .call_for(
            alpha,
            Method::POST,
            &evidence_path,
            Some(json!({"sha256": "abc"})),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    assert!(
        body.to_string().contains("64 hexadecimal characters"),
        "{body}"
    );

    // Another customer's upload is not this customer's to send.
    let betas = upload(&app, beta, "image/png", "beta.png", b"\x89PNG beta's own").await;
    let (status, body) = app
        .call_for(
            alpha,
            Method::POST,
            &evidence_path,
            Some(json!({"sha256": betas})),
        )
        .await;
    assert_eq!(status, 422, "beta's file is unknown to alpha: {body}");
    let (status, _) = app
        .call_for(
            beta,
            Method::POST,
            &evidence_path,
            Some(json!({"sha256": betas})),
        )
        .await;
    assert_eq!(status, 404, "beta cannot send evidence to alpha's brand");

    let png = upload(&app, alpha, "image/png", "irs-letter.png", PNG).await;
    let (status, shown) = app
        .call_for(
            alpha,
            Method::POST,
            &evidence_path,
            Some(json!({"sha256": png})),
        )
        .await;
    assert_eq!(status, 200, "the evidence is sent: {shown}");
    let evidence = &shown["evidence"][0];
    assert_eq!(evidence["sha256"], png.as_str(), "{shown}");
    let attachment_id = evidence["attachmentId"]
        .as_str()
        .expect("TCR's id")
        .to_string();
    assert!(
        attachment_id.starts_with(&format!("{tcr_brand}/VA/")),
        "TCR names evidence <brandId>/VA/<token>: {attachment_id}"
    );
    let held = at_tcr(&app, &format!("/brand/{tcr_brand}/appeal/evidence")).await;
    assert_eq!(
        held[0]["uuid"],
        attachment_id.as_str(),
        "TCR holds the file: {held}"
    );
    assert_eq!(held[0]["fileName"], "irs-letter.png", "{held}");
    let tcr_evidence = format!("/brand/{tcr_brand}/appeal/evidence");
    sent_again_changes_nothing(&app, alpha, &evidence_path, &png, "evidence", &tcr_evidence).await;

    let recorded = app.payloads_of(&brand, "BrandEvidenceUploaded").await;
    assert_eq!(recorded.len(), 1, "one event records the upload");
    let text = recorded[0].to_string();
    assert!(
        text.contains(&png) && text.contains(&attachment_id),
        "digest and TCR id: {text}"
    );
    assert!(
        !text.contains("irs-letter") && !text.contains("IRS letter"),
        "the event holds neither the file's name nor its bytes: {text}"
    );

    // The appeal names its evidence by digest, as the vet appeal does; a digest the brand
    // never sent to TCR (beta's file) is named, and nothing is filed.
    let appeal_path = format!("/v1/messaging/brands/{brand}/appeal");
    let (status, refused) = app
        .call_for(
            alpha,
            Method::POST,
            &appeal_path,
            Some(json!({"categories": ["VERIFY_TAX_ID"], "evidence": [png, betas]})),
        )
        .await;
    assert_eq!(status, 422, "{refused}");
    assert!(names(&refused, "evidence[1]"), "{refused}");
    assert!(!names(&refused, "evidence[0]"), "{refused}");
    let (status, appealed) = app
        .call_for(
            alpha,
            Method::POST,
            &appeal_path,
            Some(json!({"categories": ["VERIFY_TAX_ID"], "evidence": [png]})),
        )
        .await;
    assert_eq!(status, 200, "the appeal is filed: {appealed}");
    assert_eq!(
        appealed["appeal"]["evidence"],
        json!([{"attachmentId": attachment_id, "sha256": png}]),
        "the appeal shows the evidence it names: {appealed}"
    );
    let filed = app.payloads_of(&brand, "BrandAppealFiled").await;
    assert!(
        filed[0].to_string().contains(&attachment_id),
        "and the record keeps it: {filed:?}"
    );
    let appeals = at_tcr(&app, &format!("/brand/{tcr_brand}/appeal")).await;
    assert_eq!(
        appeals[0]["attachmentUuidList"],
        json!([attachment_id]),
        "TCR's appeal names the evidence: {appeals}"
    );
}

/// Sends the file `digest` to `path` again: TCR holds it there already, so the answer lists it
/// once under `listed` and TCR (`tcr_path`) holds one copy.
async fn sent_again_changes_nothing(
    app: &TestApp,
    customer: Uuid,
    path: &str,
    digest: &str,
    listed: &str,
    tcr_path: &str,
) {
    let (status, again) = app
        .call_for(
            customer,
            Method::POST,
            path,
            Some(json!({"sha256": digest})),
        )
        .await;
    assert_eq!(status, 200, "{again}");
    assert_eq!(
        again[listed].as_array().map(Vec::len),
        Some(1),
        "listed once: {again}"
    );
    let held = at_tcr(app, tcr_path).await;
    assert_eq!(
        held.as_array().map(Vec::len),
        Some(1),
        "uploaded once: {held}"
    );
}

/// Orders a `provider` vet of `class` for the brand and waits until TCR scored it; its id.
async fn scored_vet(
    app: &TestApp,
    customer: Uuid,
    brand: &str,
    provider: &str,
    class: &str,
) -> String {
    let vettings = format!("/v1/messaging/brands/{brand}/vettings");
    let (status, body) = app
        .call_for(
            customer,
            Method::POST,
            &vettings,
            Some(json!({"provider": provider, "vettingClass": class})),
        )
        .await;
    assert_eq!(status, 200, "the vet is ordered: {body}");
    let vetting = eventually(Duration::from_secs(20), "the vet to be scored", || async {
        let (_, listed) = app.call_for(customer, Method::GET, &vettings, None).await;
        let first = listed.as_array().and_then(|v| v.first()).cloned()?;
        (first["status"] == "ACTIVE").then_some(first)
    })
    .await;
    vetting["vettingId"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn a_vet_appeal_takes_only_the_categories_tcr_lists_for_the_vets_provider() {
    let app = started().await;
    let alpha = app.create_customer("BAN-WMC-A", "BASIC").await;
    let brand = app
        .scored_brand(alpha, &private_brand("Acme Wmc"), "VERIFIED")
        .await;
    let vetting_id = scored_vet(&app, alpha, &brand, "WMC", "STANDARD").await;
    let appeal_path = format!("/v1/messaging/brands/{brand}/vettings/{vetting_id}/appeal");
    // TCR lists VERIFY_TAX_ID and LOW_SCORE for WMC's vets, not VERIFY_NON_PROFIT (AEGIS's).
    let (status, refused) = app
        .call_for(
            alpha,
            Method::POST,
            &appeal_path,
            Some(json!({"categories": ["LOW_SCORE", "VERIFY_NON_PROFIT"]})),
        )
        .await;
    assert_eq!(status, 422, "refused before TCR: {refused}");
    assert!(names(&refused, "categories[1]"), "{refused}");
    assert!(!names(&refused, "categories[0]"), "{refused}");
    let message = refused.to_string();
    assert!(
        message.contains("VERIFY_TAX_ID, LOW_SCORE") && message.contains("WMC"),
        "TCR's own list for WMC is named: {refused}"
    );
    assert!(
        app.payloads_of(&brand, "BrandActionRequested").await.len() == 1,
        "nothing recorded beyond the vet's order"
    );
    let (status, filed) = app
        .call_for(
            alpha,
            Method::POST,
            &appeal_path,
            Some(json!({"categories": ["low_score"]})),
        )
        .await;
    assert_eq!(status, 200, "{filed}");
    assert_eq!(
        filed["vettingAppeals"][0]["categories"],
        json!(["LOW_SCORE"]),
        "{filed}"
    );
    // One appeal of a vet at a time: refused before TCR while it is pending.
    let (status, twice) = app
        .call_for(
            alpha,
            Method::POST,
            &appeal_path,
            Some(json!({"categories": ["LOW_SCORE"]})),
        )
        .await;
    assert_eq!(
        (status, twice["code"].clone()),
        (409, json!("not_applicable")),
        "{twice}"
    );
}

#[tokio::test]
async fn an_enhanced_vet_is_appealed_with_evidence_and_its_report_is_readable() {
    let app = started().await;
    let alpha = app.create_customer("BAN-EVR-A", "BASIC").await;
    let beta = app.create_customer("BAN-EVR-B", "BASIC").await;
    let brand = app
        .scored_brand(alpha, &private_brand("Acme Enhanced"), "VERIFIED")
        .await;
    let vetting_id = scored_vet(&app, alpha, &brand, "AEGIS", "ENHANCED").await;

    let png = upload(&app, alpha, "image/png", "size.png", PNG).await;
    let (status, body) = app
        .call_for(
            alpha,
            Method::POST,
            &format!("/v1/messaging/brands/{brand}/evidence"),
            Some(json!({"sha256": png})),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let appeal_path = format!("/v1/messaging/brands/{brand}/vettings/{vetting_id}/appeal");
    let (status, body) = app
        .call_for(
            alpha,
            Method::POST,
            &appeal_path,
            Some(json!({"categories": ["NOT_A_CATEGORY"]})),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    assert!(
        names(&body, "categories[0]"),
        "the bad category is named: {body}"
    );
    let (status, body) = app
        .call_for(
            alpha,
            Method::POST,
            &appeal_path,
            Some(json!({"categories": ["LOW_SCORE"], "evidence": ["0".repeat(64)]})),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    assert!(
        names(&body, "evidence[0]"),
        "evidence not sent to TCR is named: {body}"
    );
    let (status, _) = app
        .call_for(
            beta,
            Method::POST,
            &appeal_path,
            Some(json!({"categories": ["LOW_SCORE"]})),
        )
        .await;
    assert_eq!(status, 404, "beta cannot appeal alpha's vet");

    let (status, shown) = app
        .call_for(
            alpha,
            Method::POST,
            &appeal_path,
            Some(json!({"categories": ["LOW_SCORE"], "evidence": [png], "explanation": "We are larger than reported."})),
        )
        .await;
    assert_eq!(status, 200, "the vet appeal is filed: {shown}");
    assert_eq!(
        shown["vettingAppeals"][0]["vettingId"],
        vetting_id.as_str(),
        "{shown}"
    );
    assert_eq!(
        shown["vettingAppeals"][0]["categories"],
        json!(["LOW_SCORE"]),
        "{shown}"
    );
    assert_eq!(
        shown["vettingAppeals"][0]["evidence"][0]["sha256"],
        png.as_str(),
        "the evidence is named as it was sent, by digest (with TCR's id): {shown}"
    );
    let decided = eventually(
        Duration::from_secs(10),
        "TCR to decide the appeal",
        || async {
            let (status, appeals) = app
                .call_for(
                    alpha,
                    Method::GET,
                    &format!("/v1/messaging/brands/{brand}/vetting-appeals"),
                    None,
                )
                .await;
            assert_eq!(status, 200, "{appeals}");
            let first = appeals.as_array().and_then(|a| a.first()).cloned()?;
            (first["appealStatus"] == "COMPLETE").then_some(first)
        },
    )
    .await;
    assert_eq!(
        decided["attachmentUuidList"].as_array().map(Vec::len),
        Some(1),
        "{decided}"
    );
    assert!(
        decided["appealOutcome"]["vetScore"].as_i64().is_some(),
        "{decided}"
    );
    // TCR's decision is recorded (its webhook about the vet is followed by a reading) and shown
    // on the brand beside the appeal, with the vet's new score.
    let recorded = eventually(
        Duration::from_secs(10),
        "the appeal's decision to be recorded",
        || async {
            let shown = app.brand(&brand).await;
            (shown["vettingAppeals"][0]["status"] == "COMPLETE").then_some(shown)
        },
    )
    .await;
    let outcome = &recorded["vettingAppeals"][0]["outcome"];
    assert_eq!(outcome["vetStatus"], "ACTIVE", "{recorded}");
    assert_eq!(
        outcome["vetScore"], decided["appealOutcome"]["vetScore"],
        "the score TCR gave: {recorded}"
    );
    let completed = app.payloads_of(&brand, "BrandVettingAppealCompleted").await;
    assert_eq!(completed.len(), 1, "recorded once: {completed:?}");

    let reports_path = format!("/v1/messaging/brands/{brand}/vetting-reports");
    let (status, reports) = app.call_for(alpha, Method::GET, &reports_path, None).await;
    assert_eq!(status, 200, "{reports}");
    let uuid = reports[0]["uuid"].as_str().expect("one report").to_string();
    let report_id = uuid.rsplit('/').next().unwrap();
    let response = app
        .as_operator_for(Method::GET, &format!("{reports_path}/{report_id}"), alpha)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "the report downloads");
    let bytes = response.bytes().await.unwrap();
    assert!(bytes.starts_with(b"%PDF"), "the report is TCR's file");

    let beta_token = app.token(Role::CustomerUser, Some(beta));
    for path in [
        reports_path.clone(),
        format!("{reports_path}/{report_id}"),
        format!("/v1/messaging/brands/{brand}/vetting-appeals"),
    ] {
        let response = app
            .request(Method::GET, &path, &beta_token)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 404, "beta cannot read {path}");
    }
    let (status, _) = app
        .call_for(
            alpha,
            Method::GET,
            &format!("{reports_path}/not-a-report"),
            None,
        )
        .await;
    assert_eq!(
        status, 404,
        "an id TCR does not list for the brand is not found"
    );
}

#[tokio::test]
async fn a_campaign_takes_mms_media_and_supporting_documents_it_shows() {
    let app = started().await;
    let alpha = app.create_customer("BAN-MMS-A", "BASIC").await;
    let beta = app.create_customer("BAN-MMS-B", "BASIC").await;
    let campaign = app.registered_campaign(alpha, "Acme Media").await;
    let id = campaign["id"].as_str().unwrap().to_string();
    let tcr_campaign = campaign["tcrCampaignId"].as_str().unwrap().to_string();
    let mms_path = format!("/v1/messaging/campaigns/{id}/mms-media");
    let docs_path = format!("/v1/messaging/campaigns/{id}/supporting-documents");

    let pdf = upload(&app, alpha, "application/pdf", "opt-in.pdf", PDF).await;
    let (status, body) = app
        .call_for(alpha, Method::POST, &mms_path, Some(json!({"sha256": pdf})))
        .await;
    assert_eq!(status, 422, "a PDF is not MMS media: {body}");
    assert!(names(&body, "sha256"), "{body}");
    let held = at_tcr(&app, &format!("/campaign/{tcr_campaign}/mms")).await;
    assert_eq!(
        held,
        json!([]),
        "nothing was sent to TCR for a refused file"
    );

    let gif = upload(&app, alpha, "image/gif", "sample.gif", GIF).await;
    let (status, shown) = app
        .call_for(alpha, Method::POST, &mms_path, Some(json!({"sha256": gif})))
        .await;
    assert_eq!(status, 200, "{shown}");
    let media = shown["mmsMedia"][0]["attachmentId"]
        .as_str()
        .expect("TCR's id")
        .to_string();
    assert!(
        media.starts_with(&format!("{tcr_campaign}/MMS/")),
        "{media}"
    );
    let (status, shown) = app
        .call_for(
            alpha,
            Method::POST,
            &docs_path,
            Some(json!({"sha256": pdf})),
        )
        .await;
    assert_eq!(status, 200, "{shown}");
    let document = shown["supportingDocuments"][0]["attachmentId"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        document.starts_with(&format!("{tcr_campaign}/SUPPORT_DOC/")),
        "{document}"
    );

    let read = app.campaign(alpha, &id).await;
    assert_eq!(
        read["mmsMedia"][0]["sha256"],
        gif.as_str(),
        "the read model shows the media: {read}"
    );
    assert_eq!(
        read["supportingDocuments"][0]["sha256"],
        pdf.as_str(),
        "{read}"
    );
    let held = at_tcr(
        &app,
        &format!("/campaign/{tcr_campaign}/supportingDocument"),
    )
    .await;
    assert_eq!(
        held[0]["uuid"],
        document.as_str(),
        "TCR holds the document: {held}"
    );
    let tcr_media = format!("/campaign/{tcr_campaign}/mms");
    sent_again_changes_nothing(&app, alpha, &mms_path, &gif, "mmsMedia", &tcr_media).await;
    let events = app.payloads_of(&id, "CampaignFileAttached").await;
    assert_eq!(events.len(), 2, "one event per file");
    assert!(
        !events.iter().any(|e| e.to_string().contains("opt-in")),
        "events name files by digest only: {events:?}"
    );

    let betas = upload(&app, beta, "image/gif", "b.gif", b"GIF89a beta").await;
    let (status, _) = app
        .call_for(
            beta,
            Method::POST,
            &mms_path,
            Some(json!({"sha256": betas})),
        )
        .await;
    assert_eq!(status, 404, "beta cannot attach to alpha's campaign");
    let (status, _) = app
        .call_for(
            alpha,
            Method::POST,
            &mms_path,
            Some(json!({"sha256": betas})),
        )
        .await;
    assert_eq!(status, 422, "alpha cannot attach beta's file");
}
