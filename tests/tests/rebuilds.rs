//! `tendlc rebuild`: read models rebuilt from the events while the API serves and writes go on,
//! compared with the live tables and swapped in; interruptible and resumable; never a side
//! effect.
use std::process::{Command, Stdio};
use std::time::Duration;

use serde_json::Value;
use tendlc_tests::fixtures::private_brand;
use tendlc_tests::harness::{binary, eventually, AppOptions};
use tendlc_tests::TestApp;

/// `tendlc rebuild ARGS` against the app's database: (exit code, stdout, stderr).
fn rebuild(app: &TestApp, args: &[&str]) -> (i32, String, String) {
    rebuild_on(&app.db.url, args)
}

/// `tendlc rebuild ARGS` against the database at `url`.
fn rebuild_on(url: &str, args: &[&str]) -> (i32, String, String) {
    let output = Command::new(binary())
        .arg("rebuild")
        .args(args)
        .env("DATABASE_URL", url)
        .output()
        .expect("run tendlc rebuild");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

async fn brand_count(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM brands_10dlc")
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

async fn register(app: &TestApp, customer: uuid::Uuid, name: &str) -> Value {
    let response = app.register_brand(customer, &private_brand(name)).await;
    assert_eq!(response.status(), 201, "registering {name}");
    response.json().await.unwrap()
}

/// Every index of the read tables, as `table: definition` (names included).
async fn read_model_indexes(app: &TestApp) -> Vec<String> {
    sqlx::query_scalar(
        "SELECT tablename || ': ' || indexdef FROM pg_indexes
          WHERE schemaname = 'public'
            AND tablename IN ('customers', 'brands_10dlc', 'brand_vettings', 'campaigns_10dlc',
                              'campaign_mno_status', 'tcr_webhook_events', 'resellers')
          ORDER BY 1",
    )
    .fetch_all(&app.pool)
    .await
    .expect("read the indexes")
}

#[tokio::test]
async fn a_rebuild_under_concurrent_writes_matches_the_live_tables_and_loses_no_event() {
    let app = TestApp::spawn_with(AppOptions {
        scoring_delay: Duration::from_millis(100),
        ..AppOptions::default()
    })
    .await;
    let customer = app.create_customer("BAN-RB-1", "BASIC").await;
    for i in 0..8 {
        register(&app, customer, &format!("Before {i}")).await;
    }

    // Writes go on through the API while the rebuild runs (small batches, so it takes a while).
    let writer = {
        let base = app.base_url.clone();
        let http = app.http.clone();
        let token = app.token(tendlc_api::http::auth::Role::CustomerAdmin, Some(customer));
        tokio::spawn(async move {
            let mut created = Vec::new();
            for i in 0..12 {
                let response = http
                    .post(format!("{base}/v1/messaging/brands"))
                    .bearer_auth(&token)
                    .json(&private_brand(&format!("During {i}")))
                    .send()
                    .await
                    .unwrap();
                assert_eq!(response.status(), 201);
                let body: Value = response.json().await.unwrap();
                created.push(body["id"].as_str().unwrap().to_string());
            }
            created
        })
    };
    let indexes_before = read_model_indexes(&app).await;
    let args = ["--all", "--batch-size", "3"];
    let (code, out, err) = tokio::task::spawn_blocking({
        let url = app.db.url.clone();
        move || rebuild_on(&url, &args)
    })
    .await
    .unwrap();
    assert_eq!(code, 0, "rebuild failed:\n{out}\n{err}");
    for name in [
        "customers",
        "brands_10dlc",
        "campaigns_10dlc",
        "tcr_webhook_events",
    ] {
        assert!(
            out.contains(&format!("{name}: switched at position"))
                && out
                    .lines()
                    .any(|l| l.starts_with(&format!("{name}: switched")) && l.ends_with("match")),
            "{name} was not rebuilt to a match:\n{out}"
        );
    }
    // Secondary indexes are left out while building and made at the end: the swapped-in
    // tables have every index the live ones had, under the same names.
    assert_eq!(
        read_model_indexes(&app).await,
        indexes_before,
        "the rebuilt read tables' indexes"
    );
    let created = writer.await.unwrap();

    // Every brand written during the rebuild is in the swapped-in table, and stays current.
    eventually(
        Duration::from_secs(10),
        "all 20 brands in the read model",
        || async { (brand_count(&app).await == 20).then_some(()) },
    )
    .await;
    for id in &created {
        assert_eq!(app.brand(id).await["id"], id.as_str());
    }
    // The swapped-in tables carry the names migrations gave them (later migrations rely on them).
    let indexes: Vec<String> = sqlx::query_scalar(
        "SELECT indexname::text FROM pg_indexes WHERE schemaname = 'public' AND tablename = 'brands_10dlc' ORDER BY 1",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    for expected in [
        "brands_10dlc_pkey",
        "brands_10dlc_status_created",
        "brands_10dlc_poll",
    ] {
        assert!(indexes.iter().any(|i| i == expected), "{indexes:?}");
    }
    // Rebuilt again once the writes are over: equal to what the live projection kept since.
    let (code, out, err) = rebuild(&app, &["brands_10dlc"]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(
        out.contains("brands_10dlc: live 20 rows, rebuilt 20 rows"),
        "{out}"
    );
    assert!(out.contains("rebuilt and live tables match"), "{out}");
}

#[tokio::test]
async fn an_interrupted_rebuild_goes_on_where_it_stopped() {
    let app = TestApp::spawn().await;
    for i in 0..400 {
        app.create_customer(&format!("BAN-RB-{i:04}"), "BASIC")
            .await;
    }
    let mut child = Command::new(binary())
        .args(["rebuild", "customers", "--batch-size", "1"])
        .env("DATABASE_URL", &app.db.url)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start tendlc rebuild");
    // Interrupt it once it has built part of the table.
    let built = eventually(Duration::from_secs(20), "the rebuild under way", || async {
        let position: Option<i64> = sqlx::query_scalar(
            "SELECT last_global_position FROM tendlc_rebuild.projection_checkpoints WHERE name = 'customers'",
        )
        .fetch_optional(&app.pool)
        .await
        .ok()
        .flatten();
        position.filter(|p| *p > 20)
    })
    .await;
    Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    let status = child.wait().unwrap();
    let mut out = String::new();
    std::io::Read::read_to_string(child.stdout.as_mut().unwrap(), &mut out).unwrap();
    assert_eq!(status.code(), Some(130), "{out}");
    assert!(out.contains("interrupted"), "{out}");
    // The live table was not touched; the rebuild goes on from where it stopped.
    let (code, out, err) = rebuild(&app, &["customers"]);
    assert_eq!(code, 0, "{out}\n{err}");
    let resumed_at: i64 = out
        .lines()
        .find_map(|l| l.strip_prefix("customers: going on from position "))
        .and_then(|rest| rest.split(' ').next())
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("did not go on from where it stopped:\n{out}"));
    assert!(
        resumed_at >= built,
        "resumed at {resumed_at}, had built to {built}"
    );
    assert!(
        out.contains("customers: live 400 rows, rebuilt 400 rows"),
        "{out}"
    );
    assert!(out.contains("rebuilt and live tables match"), "{out}");
}

#[tokio::test]
async fn a_rebuild_runs_no_side_effect() {
    let app = TestApp::spawn_with(AppOptions {
        scoring_delay: Duration::from_millis(100),
        subscribe_webhooks: true,
        ..AppOptions::default()
    })
    .await;
    let customer = app.create_customer("BAN-RB-SIDE", "BASIC").await;
    let brand = register(&app, customer, "Quiet").await;
    let id = brand["id"].as_str().unwrap().to_string();
    eventually(
        Duration::from_secs(20),
        "the brand scored by webhook",
        || async { (app.brand(&id).await["identityStatus"] == "VERIFIED").then_some(()) },
    )
    .await;
    // Let the app settle (TCR's later deliveries recorded and worked), so whatever happens
    // during the rebuild is the rebuild's.
    let mut seen = app.event_count().await;
    for _ in 0..15 {
        tokio::time::sleep(Duration::from_secs(2)).await;
        let now = app.event_count().await;
        if now == seen {
            break;
        }
        seen = now;
    }
    let work = || async {
        sqlx::query_scalar::<_, i64>("SELECT count(*) FROM webhook_work")
            .fetch_one(&app.pool)
            .await
            .unwrap()
    };
    let mails = || async {
        sqlx::query_scalar::<_, i64>("SELECT count(*) FROM notifications")
            .fetch_one(&app.pool)
            .await
            .unwrap()
    };
    let (events, queued, at_tcr, decided) = (
        app.event_count().await,
        work().await,
        app.sim.handle.brand_count(),
        mails().await,
    );
    let (code, out, err) = rebuild(&app, &["--all"]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(out.contains("tcr_webhook_events: switched"), "{out}");
    assert_eq!(app.event_count().await, events, "a rebuild recorded events");
    assert_eq!(work().await, queued, "a rebuild queued webhook work");
    assert_eq!(
        app.sim.handle.brand_count(),
        at_tcr,
        "a rebuild reached TCR"
    );
    assert_eq!(mails().await, decided, "a rebuild decided notifications");
    assert_eq!(app.brand(&id).await["identityStatus"], "VERIFIED");
}

#[tokio::test]
async fn an_unknown_read_model_is_named() {
    let app = TestApp::spawn().await;
    let (code, _out, err) = rebuild(&app, &["brands"]);
    assert_ne!(code, 0);
    assert!(
        err.contains("no read model is called brands") && err.contains("brands_10dlc"),
        "{err}"
    );
}
