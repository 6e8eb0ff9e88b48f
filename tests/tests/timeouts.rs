//! Every inbound and outbound wait is bounded: slow or stalled clients are cut off with a clear
//! answer, a handler that runs too long is answered, and the database cuts off stuck statements.
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use serde_json::Value;
use tendlc_api::config::InboundLimits;
use tendlc_tests::fixtures::private_brand;
use tendlc_tests::harness::{json_of, AppOptions};
use tendlc_tests::TestApp;

fn quick_limits() -> InboundLimits {
    InboundLimits {
        header_read_timeout: Duration::from_millis(700),
        body_read_timeout: Duration::from_millis(700),
        request_timeout: Duration::from_millis(1500),
        ..InboundLimits::default()
    }
}

/// Reads what the server sends until it closes the connection (or `limit` passes).
fn read_until_closed(stream: &mut TcpStream, limit: Duration) -> (String, Duration, bool) {
    let started = Instant::now();
    stream
        .set_read_timeout(Some(limit))
        .expect("set read timeout");
    let mut received = Vec::new();
    let mut buffer = [0u8; 4096];
    let closed = loop {
        match stream.read(&mut buffer) {
            Ok(0) => break true,
            Ok(n) => received.extend_from_slice(&buffer[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => break true,
            Err(_) => break false, // our own read timeout: the server kept it open
        }
    };
    (
        String::from_utf8_lossy(&received).into_owned(),
        started.elapsed(),
        closed,
    )
}

/// A client that sends its headers and then stalls the body gets 408 and the connection closed.
#[tokio::test]
async fn a_client_that_stalls_its_body_is_answered_408_and_cut_off() {
    let app = TestApp::spawn_with(AppOptions {
        inbound: quick_limits(),
        ..AppOptions::default()
    })
    .await;
    let token = app.superadmin();
    let address = app.address;
    let (answer, took, closed) = tokio::task::spawn_blocking(move || {
        let mut stream = TcpStream::connect(address).expect("connect");
        write!(
            stream,
            "POST /v1/customers HTTP/1.1\r\nHost: tendlc\r\nAuthorization: Bearer {token}\r\n\
             Content-Type: application/json\r\nContent-Length: 200\r\n\r\n{{\"ban\":"
        )
        .expect("send headers and the start of the body");
        // ...and nothing more.
        read_until_closed(&mut stream, Duration::from_secs(10))
    })
    .await
    .unwrap();
    assert!(
        answer.starts_with("HTTP/1.1 408"),
        "expected 408 Request Timeout, got: {answer:?}"
    );
    assert!(
        answer.contains("request_timeout"),
        "the 408 has the error shape: {answer:?}"
    );
    assert!(closed, "the connection must be closed after the 408");
    assert!(
        took < Duration::from_secs(5),
        "cut off after the 700 ms body deadline, not {took:?}"
    );
    assert_eq!(
        app.event_count().await,
        0,
        "nothing was recorded from the half request"
    );
}

/// A body that trickles in (a byte now and then, each within any per-read idle timeout) is cut
/// off at the body deadline all the same.
#[tokio::test]
async fn a_trickled_body_is_cut_off_at_the_deadline() {
    let app = TestApp::spawn_with(AppOptions {
        inbound: quick_limits(),
        ..AppOptions::default()
    })
    .await;
    let token = app.superadmin();
    let address = app.address;
    let (answer, took) = tokio::task::spawn_blocking(move || {
        let mut stream = TcpStream::connect(address).expect("connect");
        write!(
            stream,
            "POST /v1/customers HTTP/1.1\r\nHost: tendlc\r\nAuthorization: Bearer {token}\r\n\
             Content-Type: application/json\r\nContent-Length: 100\r\n\r\n"
        )
        .unwrap();
        let started = Instant::now();
        for _ in 0..40 {
            if stream.write_all(b" ").is_err() {
                break;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let (answer, _, _) = read_until_closed(&mut stream, Duration::from_secs(5));
        (answer, started.elapsed())
    })
    .await
    .unwrap();
    assert!(
        answer.starts_with("HTTP/1.1 408"),
        "expected 408 for a trickled body, got: {answer:?}"
    );
    assert!(took < Duration::from_secs(8), "took {took:?}");
}

/// Slowloris: headers that never finish, and a connection that never sends anything, are closed
/// after the header deadline instead of being held open for ever.
#[tokio::test]
async fn slow_headers_and_silent_connections_are_closed() {
    let app = TestApp::spawn_with(AppOptions {
        inbound: quick_limits(),
        ..AppOptions::default()
    })
    .await;
    let address = app.address;
    let (partial, silent) = tokio::task::spawn_blocking(move || {
        let mut slow = TcpStream::connect(address).expect("connect");
        slow.write_all(b"GET /health HTTP/1.1\r\nHost: tendlc\r\nX-Slow: ")
            .unwrap();
        let partial = read_until_closed(&mut slow, Duration::from_secs(10));
        let mut quiet = TcpStream::connect(address).expect("connect");
        let silent = read_until_closed(&mut quiet, Duration::from_secs(10));
        (partial, silent)
    })
    .await
    .unwrap();
    for (what, (answer, took, closed)) in [("unfinished headers", partial), ("silence", silent)] {
        assert!(closed, "{what}: the connection was kept open ({answer:?})");
        assert!(
            took < Duration::from_secs(5),
            "{what}: closed after {took:?}, not after the 700 ms header deadline"
        );
        assert!(
            !answer.contains("200 OK"),
            "{what}: nothing was served: {answer:?}"
        );
    }
    // The server still answers everyone else.
    let health = app
        .http
        .get(format!("{}/health", app.base_url))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status(), 200);
}

/// A handler that runs past the request deadline (here: TCR slower than the deadline) is
/// answered 503 in the error shape; what it recorded stays recorded (the brand is PENDING).
#[tokio::test]
async fn a_request_past_its_deadline_is_answered_503_and_nothing_is_lost() {
    let app = TestApp::spawn_with(AppOptions {
        inbound: quick_limits(),
        tcr_timeout: Duration::from_secs(10),
        ..AppOptions::default()
    })
    .await;
    let customer = app.create_customer("BAN-DEADLINE", "SMALL").await;
    let started = Instant::now();
    let response = app
        .register_brand(customer, &private_brand("Slow [sim:slow-4]"))
        .await;
    let took = started.elapsed();
    let (status, body) = json_of(response).await;
    assert_eq!(status, 503, "{body}");
    assert_eq!(body["code"], "request_timeout", "{body}");
    assert!(
        took < Duration::from_secs(4),
        "answered at the 1.5 s deadline, not after TCR: {took:?}"
    );
    let events = app.event_count().await;
    assert!(
        events >= 2,
        "the customer and the registration request stay recorded ({events} events)"
    );
    let list: Value = app
        .as_operator_for(reqwest::Method::GET, "/v1/messaging/brands", customer)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list["items"][0]["status"], "PENDING", "{list}");
}

/// The serving pool's statements are cut off by Postgres after the statement timeout.
#[tokio::test]
async fn a_stuck_statement_is_cut_off_by_the_database() {
    let db = tendlc_tests::db::TestDatabase::create().await;
    let pool = tendlc_adapters::db::connect_bounded(&db.url, 1, Some(Duration::from_millis(300)))
        .await
        .expect("connect");
    let started = Instant::now();
    let result = sqlx::query("SELECT pg_sleep(5)").execute(&pool).await;
    let took = started.elapsed();
    let error = result.expect_err("a 5 s statement must not outlive a 300 ms statement timeout");
    assert!(
        error.to_string().contains("statement timeout"),
        "unexpected error: {error}"
    );
    assert!(took < Duration::from_secs(3), "took {took:?}");
    // The connection is still usable afterwards.
    let one: i32 = sqlx::query_scalar("SELECT 1")
        .fetch_one(&pool)
        .await
        .expect("the pool still works");
    assert_eq!(one, 1);
    pool.close().await;
}
