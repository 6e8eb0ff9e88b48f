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
