//! Tamper evidence: every event is chained to the one before it; `tendlc audit verify` finds an
//! event row edited, removed or inserted behind tendlc's back and names it, and `tendlc audit
//! head` exports the chain's head so a third party can check the chain still leads to it.
use std::process::Command;
use std::time::Duration;

use serde_json::Value;
use tendlc_tests::fixtures::private_brand;
use tendlc_tests::harness::{binary, eventually, json_of};
use tendlc_tests::TestApp;

/// `tendlc audit …` against the app's database: (success, stdout, stderr).
fn audit(app: &TestApp, args: &[&str]) -> (bool, String, String) {
    let output = Command::new(binary())
        .arg("audit")
        .args(args)
        .env("DATABASE_URL", &app.db.url)
        .output()
        .expect("run tendlc audit");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// Two registered brands, and the chain caught up with every event; returns the brand ids.
async fn chained_brands(app: &TestApp) -> (String, String) {
    let customer = app.create_customer("BAN-AUDIT", "BASIC").await;
    let mut ids = Vec::new();
    for name in ["Chained One", "Chained Two"] {
        let (status, brand) =
            json_of(app.register_brand(customer, &private_brand(name)).await).await;
        assert_eq!(status, 201, "{brand}");
        ids.push(brand["id"].as_str().unwrap().to_string());
    }
    eventually(Duration::from_secs(20), "every event chained", || async {
        let unchained: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM events e
              WHERE NOT EXISTS (SELECT 1 FROM event_chain c WHERE c.global_position = e.global_position)",
        )
        .fetch_one(&app.pool)
        .await
        .unwrap();
        (unchained == 0).then_some(())
    })
    .await;
    (ids.remove(0), ids.remove(0))
}

/// Runs `sql` on the events table with its immutability trigger off, as someone with direct
/// database access could.
async fn behind_tendlcs_back(app: &TestApp, sql: &str, id: &str) {
    let mut tx = app.pool.begin().await.unwrap();
    sqlx::query("ALTER TABLE events DISABLE TRIGGER events_immutable")
        .execute(&mut *tx)
        .await
        .unwrap();
    let done = sqlx::query(sql).bind(id).execute(&mut *tx).await.unwrap();
    assert_eq!(done.rows_affected(), 1, "{sql}");
    sqlx::query("ALTER TABLE events ENABLE TRIGGER events_immutable")
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
}

async fn position_of(app: &TestApp, id: &str, sequence: i64) -> i64 {
    sqlx::query_scalar(
        "SELECT global_position FROM events WHERE aggregate_id = $1 AND sequence = $2",
    )
    .bind(id)
    .bind(sequence)
    .fetch_one(&app.pool)
    .await
    .unwrap()
}

#[tokio::test]
async fn editing_one_event_row_makes_audit_verify_fail_naming_that_event() {
    let app = TestApp::spawn().await;
    let (first, second) = chained_brands(&app).await;

    let (ok, out, err) = audit(&app, &["verify"]);
    assert!(ok, "an untouched history verifies: {out}{err}");
    assert!(out.contains("the chain is intact"), "{out}");
    let (ok, head, err) = audit(&app, &["head"]);
    assert!(ok, "{err}");
    let head: Value = serde_json::from_str(&head).unwrap();
    assert!(
        head["hash"].as_str().is_some_and(|h| h.len() == 64),
        "{head}"
    );
    let held = std::env::temp_dir().join(format!("tendlc-head-{}.json", uuid::Uuid::new_v4()));
    std::fs::write(&held, head.to_string()).unwrap();
    let held = held.to_str().unwrap().to_string();
    let (ok, out, err) = audit(&app, &["verify", "--head", &held]);
    assert!(ok, "the chain leads to the head held: {out}{err}");

    // Someone with database access rewrites what TCR answered for the first brand.
    let position = position_of(&app, &first, 2).await;
    behind_tendlcs_back(
        &app,
        "UPDATE events SET payload = jsonb_set(payload, '{BrandSubmittedToTcr,tcr_brand_id}', '\"BFORGED\"')
          WHERE aggregate_id = $1 AND sequence = 2",
        &first,
    )
    .await;

    let (ok, out, err) = audit(&app, &["verify"]);
    assert!(!ok, "verify must fail: {out}");
    let named = format!("ALTERED at position {position}: Brand/{first}#2 BrandSubmittedToTcr");
    assert!(
        out.lines().next().is_some_and(|l| l.starts_with(&named)),
        "names the event first: {out}"
    );
    assert!(err.contains(&named), "and says so on failing: {err}");
    let findings: Vec<&str> = out
        .lines()
        .filter(|l| l.starts_with(|c: char| c.is_ascii_uppercase()))
        .collect();
    assert_eq!(findings.len(), 1, "one event altered, nothing else: {out}");
    assert!(
        !findings[0].contains(&second),
        "the other brand is intact: {out}"
    );
    let (ok, out, _) = audit(&app, &["verify", "--json"]);
    assert!(!ok);
    let outcome: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(outcome["findings"][0]["kind"], "altered", "{outcome}");
    assert_eq!(
        outcome["findings"][0]["globalPosition"], position,
        "{outcome}"
    );
    let _ = std::fs::remove_file(held);
}

#[tokio::test]
async fn a_removed_or_inserted_event_is_named_and_a_rewritten_chain_misses_the_head_held() {
    let app = TestApp::spawn().await;
    let (first, second) = chained_brands(&app).await;
    let (_, head, _) = audit(&app, &["head"]);
    let held = std::env::temp_dir().join(format!("tendlc-head-{}.json", uuid::Uuid::new_v4()));
    std::fs::write(&held, &head).unwrap();
    let held = held.to_str().unwrap().to_string();

    // An event removed.
    let removed = position_of(&app, &second, 2).await;
    behind_tendlcs_back(
        &app,
        "DELETE FROM events WHERE aggregate_id = $1 AND sequence = 2",
        &second,
    )
    .await;
    let (ok, out, _) = audit(&app, &["verify"]);
    assert!(!ok, "{out}");
    assert!(
        out.lines().next().is_some_and(|l| l.starts_with(&format!(
            "REMOVED at position {removed}: Brand/{second}#2 BrandSubmittedToTcr"
        ))),
        "{out}"
    );

    // An event slipped in among the old ones (in an old transaction's place).
    behind_tendlcs_back(
        &app,
        "INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type, event_version, payload,
                             metadata, transaction_id, global_position, recorded_at)
         OVERRIDING SYSTEM VALUE
         SELECT aggregate_type, aggregate_id, 9, 'BrandOtpVerified', '1.0', '\"BrandOtpVerified\"',
                metadata, transaction_id, 1000000, recorded_at
           FROM events WHERE aggregate_id = $1 AND sequence = 1",
        &first,
    )
    .await;
    let (ok, out, _) = audit(&app, &["verify"]);
    assert!(!ok, "{out}");
    assert!(
        out.contains(&format!(
            "INSERTED at position 1000000: Brand/{first}#9 BrandOtpVerified"
        )),
        "{out}"
    );

    // Whoever also rewrote the chain to match cannot meet the head a third party holds.
    let mut tx = app.pool.begin().await.unwrap();
    sqlx::query("ALTER TABLE event_chain DISABLE TRIGGER event_chain_append_only")
        .execute(&mut *tx)
        .await
        .unwrap();
    sqlx::query("UPDATE event_chain SET hash = repeat('f', 64) WHERE chain_index = (SELECT max(chain_index) FROM event_chain)")
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let (ok, out, _) = audit(&app, &["verify", "--head", &held]);
    assert!(!ok, "{out}");
    assert!(out.contains("HEAD MISMATCH"), "{out}");
    let _ = std::fs::remove_file(held);
}
