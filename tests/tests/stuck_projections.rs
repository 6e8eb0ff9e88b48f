//! A projection that cannot apply an event stops alone, visibly, until an operator acts: the
//! failure (projection, event position, error) is on the operations endpoint, the other
//! projections and webhook processing go on, `/ready` stays 200, and the operator's recorded
//! skip lets it move on.
use std::process::Command;
use std::time::Duration;

use reqwest::Method;
use serde_json::{json, Value};
use tendlc_api::http::auth::Role;
use tendlc_tests::fixtures::private_brand;
use tendlc_tests::harness::{binary, eventually, json_of, status_and_body};
use tendlc_tests::TestApp;

const OPERATIONS: &str = "/v1/operations/projections";

/// Appends an event the way a buggy or newer writer might, bypassing the aggregates.
async fn insert_event(
    app: &TestApp,
    aggregate: (&str, &str),
    event_type: &str,
    payload: Value,
) -> i64 {
    sqlx::query_scalar(
        "INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata)
         VALUES ($1, $2, 1, $3, '1.0', $4, '{}') RETURNING global_position",
    )
    .bind(aggregate.0)
    .bind(aggregate.1)
    .bind(event_type)
    .bind(payload)
    .fetch_one(&app.pool)
    .await
    .expect("insert an event")
}

/// Appends a Brand event no projection knows and waits until `brands_10dlc` is stuck at it;
/// returns its position.
async fn brands_stuck_at_a_bad_event(app: &TestApp) -> i64 {
    let position = insert_event(
        app,
        ("Brand", &uuid::Uuid::new_v4().to_string()),
        "BrandTeleported",
        json!({"BrandTeleported": {"to": "Mars"}}),
    )
    .await;
    eventually(
        Duration::from_secs(15),
        "brands_10dlc to be stuck",
        || async {
            let all = projections(app).await;
            (named(&all, "brands_10dlc")["failure"]["position"] == position).then_some(())
        },
    )
    .await;
    position
}

async fn projections(app: &TestApp) -> Vec<Value> {
    let (status, body) =
        status_and_body(app.request(Method::GET, OPERATIONS, &app.superadmin())).await;
    assert_eq!(status, 200, "{body}");
    body["projections"].as_array().cloned().unwrap_or_default()
}

fn named<'a>(all: &'a [Value], name: &str) -> &'a Value {
    all.iter()
        .find(|p| p["name"] == name)
        .unwrap_or_else(|| panic!("no projection {name}: {all:?}"))
}

/// `tendlc projections …` against the app's database: (success, stdout, stderr).
fn operator(app: &TestApp, args: &[&str]) -> (bool, String, String) {
    let output = Command::new(binary())
        .arg("projections")
        .args(args)
        .env("DATABASE_URL", &app.db.url)
        .env("TENDLC_LOG", "info")
        .output()
        .expect("run tendlc projections");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// `tendlc projections skip NAME --position P --reason R --by ops-alice`.
fn skip(app: &TestApp, name: &str, position: i64, reason: &str) -> (bool, String, String) {
    let position = position.to_string();
    operator(
        app,
        &[
            "skip",
            name,
            "--position",
            &position,
            "--reason",
            reason,
            "--by",
            "ops-alice",
        ],
    )
}

async fn webhook_outcomes(app: &TestApp, except: &str) -> i64 {
    sqlx::query_scalar(
        "SELECT count(*) FROM events WHERE event_type = 'WebhookProcessed' AND aggregate_id <> $1",
    )
    .bind(except)
    .fetch_one(&app.pool)
    .await
    .unwrap()
}

#[tokio::test]
async fn a_projection_that_cannot_apply_an_event_stops_alone_and_visibly_until_an_operator_skips_it(
) {
    let app = TestApp::spawn().await;
    let customer = app.create_customer("BAN-STUCK-1", "BASIC").await;
    let (status, brand) = json_of(
        app.register_brand(customer, &private_brand("Stuck Co"))
            .await,
    )
    .await;
    assert_eq!(status, 201, "{brand}");
    let brand_id = brand["id"].as_str().unwrap().to_string();
    let tcr_brand_id = brand["tcrBrandId"].as_str().unwrap().to_string();

    // A Brand event of a shape no projection knows, and a delivery outcome for a delivery never
    // received: the brand read model and the webhook audit log cannot apply them.
    let unknown_brand = uuid::Uuid::new_v4().to_string();
    let brand_position = insert_event(
        &app,
        ("Brand", &unknown_brand),
        "BrandTeleported",
        json!({"BrandTeleported": {"to": "Mars"}}),
    )
    .await;
    let orphan = "orphan-delivery";
    let audit_position = insert_event(
        &app,
        ("WebhookDelivery", orphan),
        "WebhookProcessed",
        json!({"WebhookProcessed": {"outcome": "applied", "detail": "never received"}}),
    )
    .await;

    // Both are shown on the operations endpoint: where, which event, why.
    let all = eventually(
        Duration::from_secs(15),
        "both failures to be shown",
        || async {
            let all = projections(&app).await;
            let stuck = |name: &str| named(&all, name)["failure"].is_object();
            (stuck("brands_10dlc") && stuck("tcr_webhook_events")).then_some(all)
        },
    )
    .await;
    let failure = &named(&all, "brands_10dlc")["failure"];
    assert_eq!(failure["position"], brand_position, "{failure}");
    assert_eq!(failure["event"]["aggregateType"], "Brand", "{failure}");
    assert_eq!(
        failure["event"]["aggregateId"],
        unknown_brand.as_str(),
        "{failure}"
    );
    assert_eq!(
        failure["event"]["eventType"], "BrandTeleported",
        "{failure}"
    );
    assert!(
        failure["error"]
            .as_str()
            .unwrap()
            .contains("BrandTeleported"),
        "the error says what is wrong: {failure}"
    );
    assert!(failure["attempts"].as_i64().unwrap() >= 1, "{failure}");
    let audit = &named(&all, "tcr_webhook_events")["failure"];
    assert_eq!(audit["position"], audit_position, "{audit}");
    assert_eq!(audit["event"]["aggregateId"], orphan, "{audit}");
    // Alone: the others, and the workers' webhook queue, are not stuck.
    for name in [
        "customers",
        "campaigns_10dlc",
        "webhook_work",
        "notifications",
    ] {
        assert!(named(&all, name)["failure"].is_null(), "{name}: {all:?}");
    }

    // Not retried in a hot loop: the attempts grow slowly (1 s, 2 s, 4 s, … apart).
    tokio::time::sleep(Duration::from_secs(3)).await;
    let all = projections(&app).await;
    let attempts = named(&all, "brands_10dlc")["failure"]["attempts"]
        .as_i64()
        .unwrap();
    assert!(attempts <= 4, "backs off, not every second: {attempts}");

    // The service stays in service, and the other read models keep up.
    let ready = app
        .http
        .get(format!("{}/ready", app.base_url))
        .send()
        .await
        .unwrap();
    assert_eq!(ready.status(), 200);
    let other = app.create_customer("BAN-STUCK-2", "BASIC").await;
    let (status, body) = status_and_body(app.request(
        Method::GET,
        &format!("/v1/customers/{other}"),
        &app.superadmin(),
    ))
    .await;
    assert_eq!(
        (status, body["ban"].as_str()),
        (200, Some("BAN-STUCK-2")),
        "{body}"
    );

    // Webhook processing goes on while the audit log is stuck: a delivery is applied.
    let before = webhook_outcomes(&app, orphan).await;
    let delivery = json!({"eventType": "BRAND_IDENTITY_STATUS_UPDATE", "brandId": tcr_brand_id,
                          "identityStatus": "UNVERIFIED"});
    let response = app
        .deliver_webhook(&app.base_url, "brands", &delivery, None)
        .await;
    assert_eq!(response.status(), 200);
    eventually(
        Duration::from_secs(15),
        "the delivery to be applied",
        || async { (webhook_outcomes(&app, orphan).await > before).then_some(()) },
    )
    .await;

    // Only operators see this.
    let (status, _) = status_and_body(app.request(
        Method::GET,
        OPERATIONS,
        &app.token(Role::CustomerAdmin, Some(customer)),
    ))
    .await;
    assert_eq!(status, 403);

    // A skip must name the event the projection is stuck at, and give a reason.
    let (ok, _, stderr) = skip(&app, "brands_10dlc", brand_position + 1000, "typo");
    assert!(!ok, "skipping another event is refused: {stderr}");
    assert!(stderr.contains("not"), "{stderr}");
    let (ok, _, _) = skip(&app, "brands_10dlc", brand_position, " ");
    assert!(!ok, "a skip needs a reason");

    // Retrying does not help an event nobody can read; it is tried again at once, and fails.
    let (ok, stdout, stderr) = operator(&app, &["retry", "tcr_webhook_events"]);
    assert!(ok, "{stdout}{stderr}");
    assert!(stdout.contains(&audit_position.to_string()), "{stdout}");

    // The operator's decision: skip both events, on the record.
    let reason = "written by a tool bug; nothing to apply";
    let (ok, stdout, stderr) = skip(&app, "brands_10dlc", brand_position, reason);
    assert!(ok, "{stdout}{stderr}");
    assert!(stderr.contains("skip"), "the skip is logged: {stderr}");
    let (ok, stdout, stderr) = skip(&app, "tcr_webhook_events", audit_position, reason);
    assert!(ok, "{stdout}{stderr}");

    // Both move on past the skipped events and catch up; the skips are shown.
    let all = eventually(Duration::from_secs(15), "both to catch up", || async {
        let all = projections(&app).await;
        let done = |name: &str| {
            let p = named(&all, name);
            p["failure"].is_null() && p["lag"] == 0
        };
        (done("brands_10dlc") && done("tcr_webhook_events")).then_some(all)
    })
    .await;
    let brands = named(&all, "brands_10dlc");
    assert!(
        brands["position"].as_i64().unwrap() >= brand_position,
        "{brands}"
    );
    let skipped = brands["skipped"].as_array().unwrap();
    assert_eq!(skipped.len(), 1, "{brands}");
    assert_eq!(skipped[0]["position"], brand_position);
    assert_eq!(skipped[0]["event"]["eventType"], "BrandTeleported");
    assert_eq!(skipped[0]["reason"], reason);
    assert_eq!(skipped[0]["skippedBy"], "ops-alice");
    assert!(skipped[0]["skippedAt"].is_string());
    assert!(skipped[0]["error"]
        .as_str()
        .unwrap()
        .contains("BrandTeleported"));
    // What was recorded while it was stuck is applied now: the webhook's read of TCR.
    let shown = app.brand(&brand_id).await;
    assert_eq!(shown["syncSource"], "webhook", "{shown}");
    // Nothing else was skipped.
    let skips: i64 =
        sqlx::query_scalar("SELECT count(*) FROM projection_failures WHERE resolution = 'skipped'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(skips, 2);
}

/// A rebuild of a read model meets the event operators had it skip: it passes over it too (the
/// decision is on record), rather than stopping there for good, and equals the live tables.
#[tokio::test]
async fn a_rebuild_passes_over_the_event_operators_had_the_projection_skip() {
    let app = TestApp::spawn().await;
    let customer = app.create_customer("BAN-STUCK-3", "BASIC").await;
    let (status, before) = json_of(
        app.register_brand(customer, &private_brand("Before Co"))
            .await,
    )
    .await;
    assert_eq!(status, 201, "{before}");
    let position = brands_stuck_at_a_bad_event(&app).await;
    let (ok, stdout, stderr) = skip(&app, "brands_10dlc", position, "written by a tool bug");
    assert!(ok, "{stdout}{stderr}");
    let (status, after) = json_of(
        app.register_brand(customer, &private_brand("After Co"))
            .await,
    )
    .await;
    assert_eq!(status, 201, "{after}");

    let output = Command::new(binary())
        .args(["rebuild", "brands_10dlc"])
        .env("DATABASE_URL", &app.db.url)
        .output()
        .expect("run tendlc rebuild");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "the rebuild stopped at the skipped event:\n{stdout}\n{stderr}"
    );
    assert!(
        stdout.contains("rebuilt and live tables match"),
        "the rebuilt brands differ from the live ones:\n{stdout}"
    );
    // Both brands, before and after the skipped event, are in the rebuilt table.
    for brand in [&before, &after] {
        let shown = app.brand(brand["id"].as_str().unwrap()).await;
        assert_eq!(shown["id"], brand["id"], "{shown}");
    }
}

#[tokio::test]
async fn a_registration_while_its_read_model_is_stuck_is_accepted_and_shown_once_it_moves() {
    let app = TestApp::spawn().await;
    let customer = app.create_customer("BAN-STUCK-4", "BASIC").await;
    let position = brands_stuck_at_a_bad_event(&app).await;

    // Recorded (and sent to TCR), but the brands read model cannot show it: accepted, with the
    // brand named and when to look again; not an internal error.
    let response = app
        .register_brand(customer, &private_brand("Behind Co"))
        .await;
    let retry_after = response.headers().get("retry-after").cloned();
    let (status, accepted) = json_of(response).await;
    assert_eq!(status, 202, "{accepted}");
    assert_eq!(accepted["code"], "recorded_not_yet_visible", "{accepted}");
    assert!(retry_after.is_some(), "a Retry-After header");
    let recorded: Vec<String> = sqlx::query_scalar(
        "SELECT aggregate_id FROM events
          WHERE aggregate_type = 'Brand' AND event_type = 'BrandRegistrationRequested'",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(recorded.len(), 1, "the registration was recorded once");
    let message = accepted["message"].as_str().unwrap_or_default();
    assert!(
        message.contains(&recorded[0]),
        "the answer names the brand recorded ({}): {message}",
        recorded[0]
    );

    // Once the operator passes the bad event over, the brand is there as TCR registered it.
    let (ok, stdout, stderr) = skip(&app, "brands_10dlc", position, "written by a tool bug");
    assert!(ok, "{stdout}{stderr}");
    let shown = eventually(Duration::from_secs(15), "the brand to be shown", || async {
        let (status, brand) = app
            .call_for(
                customer,
                Method::GET,
                &format!("/v1/messaging/brands/{}", recorded[0]),
                None,
            )
            .await;
        (status == 200).then_some(brand)
    })
    .await;
    assert_eq!(shown["status"], "REGISTERED", "{shown}");
}
