//! Files for TCR: uploaded through tendlc, checked against what TCR takes before TCR sees them,
//! kept once per SHA-256 digest, and visible only to the customer that uploaded them.
use reqwest::Method;
use sha2::{Digest, Sha256};
use tendlc_api::http::auth::Role;
use tendlc_tests::harness::status_and_body;
use tendlc_tests::TestApp;

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n sample evidence bytes";

async fn upload(
    app: &TestApp,
    token: &str,
    content_type: &str,
    name: &str,
    bytes: Vec<u8>,
) -> (u16, serde_json::Value) {
    status_and_body(
        app.request(
            Method::POST,
            &format!("/v1/messaging/attachments?fileName={name}"),
            token,
        )
        .header("Content-Type", content_type)
        .body(bytes),
    )
    .await
}

/// Whether a 422 names `field`.
fn names(body: &serde_json::Value, field: &str) -> bool {
    body["fields"]
        .as_array()
        .is_some_and(|fields| fields.iter().any(|f| f["field"] == field))
}

async fn stored_contents(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM attachment_contents")
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn an_upload_is_kept_once_by_digest_and_only_its_customer_sees_it() {
    let app = TestApp::spawn().await;
    let alpha = app.create_customer("BAN-ATT-A", "BASIC").await;
    let beta = app.create_customer("BAN-ATT-B", "BASIC").await;
    let alpha_token = app.token(Role::CustomerAdmin, Some(alpha));
    let beta_token = app.token(Role::CustomerAdmin, Some(beta));
    let digest = hex::encode(Sha256::digest(PNG));

    let (status, body) = upload(&app, &alpha_token, "image/png", "shot.png", PNG.to_vec()).await;
    assert_eq!(status, 201, "the first upload is stored: {body}");
    assert_eq!(
        body["sha256"], digest,
        "the file is named by its digest: {body}"
    );
    assert_eq!(body["sizeBytes"], PNG.len(), "{body}");
    assert_eq!(body["contentType"], "image/png", "{body}");
    assert_eq!(body["fileName"], "shot.png", "{body}");

    let (status, body) = upload(&app, &alpha_token, "image/png", "again.png", PNG.to_vec()).await;
    assert_eq!(
        status, 200,
        "the same bytes again are already there: {body}"
    );
    assert_eq!(
        body["fileName"], "shot.png",
        "the first upload's row is kept: {body}"
    );
    let (status, _) = upload(&app, &beta_token, "image/png", "beta.png", PNG.to_vec()).await;
    assert_eq!(
        status, 201,
        "another customer's upload of the same bytes is its own"
    );
    assert_eq!(
        stored_contents(&app).await,
        1,
        "three uploads of the same bytes store the content once"
    );

    let path = format!("/v1/messaging/attachments/{digest}");
    let (status, body) = status_and_body(app.request(Method::GET, &path, &alpha_token)).await;
    assert_eq!(status, 200, "alpha reads its file: {body}");
    assert_eq!(body["customerId"], alpha.to_string(), "{body}");

    let (_, list) =
        status_and_body(app.request(Method::GET, "/v1/messaging/attachments", &beta_token)).await;
    assert_eq!(list["total"], 1, "beta lists only its own upload: {list}");
    assert_eq!(list["items"][0]["customerId"], beta.to_string(), "{list}");

    let gamma = app.create_customer("BAN-ATT-C", "BASIC").await;
    let gamma_token = app.token(Role::CustomerUser, Some(gamma));
    let (status, body) = status_and_body(app.request(Method::GET, &path, &gamma_token)).await;
    assert_eq!(
        status, 404,
        "a customer that never uploaded the file cannot see it: {body}"
    );
    let (_, list) =
        status_and_body(app.request(Method::GET, "/v1/messaging/attachments", &gamma_token)).await;
    assert_eq!(
        list["total"], 0,
        "a customer without uploads lists none: {list}"
    );
}

#[tokio::test]
async fn a_type_or_size_tcr_refuses_is_named_and_nothing_is_stored() {
    let app = TestApp::spawn().await;
    let alpha = app.create_customer("BAN-ATT-BAD", "BASIC").await;
    let token = app.token(Role::CustomerAdmin, Some(alpha));

    let (status, body) = upload(
        &app,
        &token,
        "application/x-msdownload",
        "setup.exe",
        b"MZ".to_vec(),
    )
    .await;
    assert_eq!(status, 422, "an executable is refused: {body}");
    assert!(
        names(&body, "Content-Type"),
        "the refusal names Content-Type: {body}"
    );

    let too_big = vec![0u8; 10 * 1024 * 1024 + 1];
    let (status, body) = upload(&app, &token, "application/pdf", "big.pdf", too_big).await;
    assert_eq!(status, 422, "a file over 10 MB is refused: {body}");
    assert!(names(&body, "file"), "the refusal names file: {body}");

    let (status, body) = upload(&app, &token, "application/pdf", "empty.pdf", Vec::new()).await;
    assert_eq!(status, 422, "an empty file is refused: {body}");
    assert!(names(&body, "file"), "the refusal names file: {body}");

    assert_eq!(stored_contents(&app).await, 0, "nothing refused was stored");

    // Labelled as what it is not: refused by its content, naming the type it is.
    let (status, body) = upload(
        &app,
        &token,
        "image/png",
        "fake.png",
        b"%PDF-1.4 a form".to_vec(),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert!(
        names(&body, "Content-Type") && body.to_string().contains("application/pdf"),
        "the refusal says what the file is: {body}"
    );
    assert_eq!(stored_contents(&app).await, 0, "nothing refused was stored");

    let mut almost = b"%PDF-1.4\n".to_vec();
    almost.resize(10 * 1024 * 1024, 7);
    let (status, body) = upload(&app, &token, "application/pdf", "max.pdf", almost).await;
    assert_eq!(status, 201, "a file of exactly 10 MB is taken: {body}");
}
