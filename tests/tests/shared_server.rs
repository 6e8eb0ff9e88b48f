//! tendlc on a Postgres server it shares with other databases: transaction ids are the whole
//! server's, but a long transaction in another database must not hold tendlc's read models
//! (and so every read-your-writes answer) back.
use std::time::{Duration, Instant};

use sqlx::{Connection, PgConnection};
use tendlc_tests::db::TestDatabase;
use tendlc_tests::fixtures::private_brand;
use tendlc_tests::TestApp;

#[tokio::test]
async fn a_long_transaction_in_another_database_does_not_hold_the_read_models_back() {
    let app = TestApp::spawn().await;
    let other = TestDatabase::create().await;
    let mut elsewhere = PgConnection::connect(&other.url).await.expect("connect");
    // Another application's transaction, holding a transaction id, left open.
    sqlx::query("BEGIN").execute(&mut elsewhere).await.unwrap();
    sqlx::query("SELECT pg_current_xact_id()")
        .execute(&mut elsewhere)
        .await
        .unwrap();

    let started = Instant::now();
    let customer = app.create_customer("BAN-SHARED-1", "BASIC").await;
    let response = app
        .register_brand(customer, &private_brand("Shared Server"))
        .await;
    assert_eq!(response.status(), 201, "{:?}", response.text().await);
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "read-your-writes answers waited {:?} on another database's transaction",
        started.elapsed()
    );

    sqlx::query("ROLLBACK")
        .execute(&mut elsewhere)
        .await
        .unwrap();
}

/// A stream reader's transaction (a projection runner's, in this database) holding a
/// transaction id while it applies a batch: the other readers need not wait for it, since a
/// reader never writes events, and the database holds it to that.
#[tokio::test]
async fn a_readers_open_transaction_does_not_hold_the_other_readers_back_and_writes_no_event() {
    let app = TestApp::spawn().await;
    let readers = tendlc_adapters::db::connect(&app.db.url, 1)
        .await
        .expect("connect");
    let mut reader = tendlc_projections::stream::begin_reader(&readers)
        .await
        .expect("begin a reader's transaction");
    sqlx::query("SELECT pg_current_xact_id()")
        .execute(&mut *reader)
        .await
        .unwrap();

    let started = Instant::now();
    let customer = app.create_customer("BAN-SHARED-2", "BASIC").await;
    let response = app
        .register_brand(customer, &private_brand("Beside A Reader"))
        .await;
    assert_eq!(response.status(), 201, "{:?}", response.text().await);
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "read-your-writes answers waited {:?} on a reader's transaction",
        started.elapsed()
    );

    let refused = sqlx::query(
        "INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type, event_version,
                             payload, metadata)
         VALUES ('Brand', 'from-a-reader', 1, 'BrandSyncConfirmed', '1.0', '{}', '{}')",
    )
    .execute(&mut *reader)
    .await
    .expect_err("a reader's transaction may not write an event");
    assert!(
        refused.to_string().contains("may not write events"),
        "{refused}"
    );
    reader.rollback().await.unwrap();
}
