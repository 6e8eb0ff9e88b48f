//! The simulator misbehaving on purpose, and TCR's own limits: Basic auth (`401` without body),
//! the published rate limits (`429`), the webhook faults (drop, duplicate, delay, reorder,
//! corrupt) and the API faults (failures, latency) of `SimFaults`.
mod support;

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use support::*;
use tendlc_adapters::webhook_signature::Verdict;
use tendlc_tcr_sim::{ApiFailure, Corruption, SimFaults, FAULT_HEADER};

/// What one call under API faults came to: an HTTP status with its fault header, or a timeout.
#[derive(Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Clone)]
enum Outcome {
    Status(u16, Option<String>, String),
    TimedOut,
}

async fn call_with_timeout(
    sim: &TestSim,
    method: Method,
    path: &str,
    body: Option<&Value>,
) -> Outcome {
    let client = reqwest::Client::builder()
        .timeout(Duration::from_millis(600))
        .build()
        .expect("a client");
    let mut request = client
        .request(method, format!("{}{path}", sim.base))
        .basic_auth(&sim.key, Some(&sim.secret));
    if let Some(body) = body {
        request = request.json(body);
    }
    match request.send().await {
        Ok(response) => {
            let status = response.status().as_u16();
            let fault = response
                .headers()
                .get(FAULT_HEADER)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned);
            let body = response.text().await.unwrap_or_default();
            Outcome::Status(status, fault, body)
        }
        Err(e) if e.is_timeout() => Outcome::TimedOut,
        Err(e) => panic!("{path}: the call failed in an unexpected way: {e}"),
    }
}

// ---------------------------------------------------------------------------------------------
// Auth and rate limits
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn missing_or_wrong_credentials_are_401_without_body() {
    let sim = spawn_sim(|_| {}).await;
    let body = brand_request("PRIVATE_PROFIT");
    let wrong_secret = (sim.key.as_str(), "not-the-secret");
    let wrong_key = ("not-the-key", sim.secret.as_str());
    for (label, credentials) in [
        ("no credentials", None),
        ("a wrong secret", Some(wrong_secret)),
        ("a wrong key", Some(wrong_key)),
    ] {
        for (method, path, body) in [
            (Method::GET, "/enum/entityType", None),
            (Method::POST, "/brand/nonBlocking", Some(&body)),
        ] {
            let answer = sim.send(method.clone(), path, body, credentials).await;
            answer.expect(
                StatusCode::UNAUTHORIZED,
                &format!("{method} {path} with {label}"),
            );
            assert!(
                answer.text.is_empty(),
                "{method} {path} with {label}: a 401 has no body, got {:?}",
                answer.text
            );
        }
    }
    assert_eq!(
        sim.count_by_reference(text(&body, "referenceId")).await,
        0,
        "an unauthenticated create must not store the brand"
    );
}

#[tokio::test]
async fn writes_over_the_write_limit_are_429() {
    let sim = spawn_sim(|c| c.write_rate_per_10s = 3).await;
    for n in 1..=3 {
        let answer = sim.post_brand(&brand_request("PRIVATE_PROFIT")).await;
        answer.expect(StatusCode::OK, &format!("write {n} of 3 allowed per 10 s"));
    }
    let answer = sim.post_brand(&brand_request("PRIVATE_PROFIT")).await;
    answer.expect(StatusCode::TOO_MANY_REQUESTS, "the 4th write within 10 s");
    let answer = sim.get("/enum/entityType").await;
    answer.expect(StatusCode::OK, "reads are limited separately from writes");
}

#[tokio::test]
async fn reads_over_the_read_limit_are_429() {
    let sim = spawn_sim(|c| c.read_rate_per_sec = 2).await;
    for n in 1..=2 {
        sim.get("/enum/entityType")
            .await
            .expect(StatusCode::OK, &format!("read {n} of 2 allowed per second"));
    }
    sim.get("/enum/entityType").await.expect(
        StatusCode::TOO_MANY_REQUESTS,
        "the 3rd read within a second",
    );
}

// ---------------------------------------------------------------------------------------------
// Webhook faults
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn dropped_events_are_never_sent_nor_retried_until_the_fault_is_lifted() {
    let (sim, receiver) = sim_and_receiver(200, |c| {
        c.faults = SimFaults {
            webhook_drop_rate: 1.0,
            ..SimFaults::default()
        };
    })
    .await;
    let brand = sim.create(&brand_request("PRIVATE_PROFIT")).await;
    let brand_id = text(&brand, "brandId");
    sim.wait_for_identity(brand_id, "VERIFIED").await;
    receiver
        .expect_total(0, Duration::from_millis(600), "every event dropped")
        .await;
    let records = sim.handle.deliveries();
    let dropped: Vec<&str> = records
        .iter()
        .filter(|r| r.dropped && r.status.is_none())
        .map(|r| r.event_type.as_str())
        .collect();
    assert_eq!(
        dropped,
        [
            "BRAND_ADD",
            "BRAND_SCORE_UPDATE",
            "BRAND_IDENTITY_STATUS_UPDATE"
        ],
        "the dropped events are recorded as dropped: {records:#?}"
    );

    sim.handle.set_faults(SimFaults::default());
    assert_eq!(sim.handle.faults(), SimFaults::default());
    sim.call(Method::DELETE, &format!("/brand/{brand_id}"), None)
        .await
        .expect(StatusCode::NO_CONTENT, "DELETE /brand");
    let got = receiver
        .wait_for(1, Duration::from_secs(1), "BRAND_DELETE once drops are off")
        .await;
    assert_eq!(got[0].event_type(), "BRAND_DELETE");
}

#[tokio::test]
async fn duplicated_events_arrive_twice_identically() {
    let (sim, receiver) = sim_and_receiver(60_000, |_| {}).await;
    sim.handle.set_faults(SimFaults {
        webhook_duplicate_rate: 1.0,
        ..SimFaults::default()
    });
    sim.create(&brand_request("PRIVATE_PROFIT")).await;
    let got = receiver
        .wait_for(2, Duration::from_secs(1), "BRAND_ADD and its duplicate")
        .await;
    receiver
        .expect_total(2, Duration::from_millis(300), "exactly one extra copy")
        .await;
    assert_eq!(got[0].event_type(), "BRAND_ADD");
    assert_eq!(got[0].body, got[1].body, "the copy has the same body");
    assert_eq!(
        got[0].signature, got[1].signature,
        "the copy has the same signature"
    );
    assert_signed(&got, &sim, &receiver.url);
    let records = sim.handle.deliveries();
    assert!(
        records.len() == 2
            && records[0].event_id == records[1].event_id
            && !records[0].duplicate
            && records[1].duplicate,
        "one original and one duplicate of the same event: {records:#?}"
    );
}

#[tokio::test]
async fn delayed_events_arrive_late_while_the_api_answers_at_once() {
    let (sim, receiver) = sim_and_receiver(60_000, |c| {
        c.faults = SimFaults {
            webhook_delay: Duration::from_millis(600),
            webhook_delay_jitter: Duration::from_millis(200),
            ..SimFaults::default()
        };
    })
    .await;
    let started = Instant::now();
    let answer = sim.post_brand(&brand_request("PRIVATE_PROFIT")).await;
    answer.expect(StatusCode::OK, "POST /brand/nonBlocking");
    assert!(
        answer.elapsed < Duration::from_millis(400),
        "a webhook delay must not delay the API answer; it took {:?}",
        answer.elapsed
    );
    let got = receiver
        .wait_for(1, Duration::from_secs(2), "the delayed BRAND_ADD")
        .await;
    let late = got[0].at.duration_since(started);
    assert!(
        late >= Duration::from_millis(600) && late < Duration::from_millis(1500),
        "BRAND_ADD should arrive 600-800 ms (+ slack) after the create; it took {late:?}"
    );
    assert_signed(&got, &sim, &receiver.url);
}

#[tokio::test]
async fn events_within_the_reorder_window_arrive_newest_first() {
    let (sim, receiver) = sim_and_receiver(60_000, |c| {
        c.faults = SimFaults {
            webhook_reorder_window: Duration::from_millis(500),
            ..SimFaults::default()
        };
    })
    .await;
    let request = brand_request("PRIVATE_PROFIT");
    let brand = sim.create(&request).await;
    let brand_id = text(&brand, "brandId");
    sim.put_brand(
        brand_id,
        &with(request, "website", json!("https://new.acme.example")),
    )
    .await
    .expect(StatusCode::OK, "PUT /brand");
    sim.call(Method::DELETE, &format!("/brand/{brand_id}"), None)
        .await
        .expect(StatusCode::NO_CONTENT, "DELETE /brand");
    let got = receiver
        .wait_for(3, Duration::from_secs(2), "three reordered events")
        .await;
    assert_eq!(
        receiver.types(),
        strings(&["BRAND_DELETE", "BRAND_UPDATE", "BRAND_ADD"]),
        "events held in one window go out newest first"
    );
    assert_signed(&got, &sim, &receiver.url);

    sim.handle.set_faults(SimFaults::default());
    let started = Instant::now();
    sim.create(&brand_request("PRIVATE_PROFIT")).await;
    let got = receiver
        .wait_for(4, Duration::from_secs(1), "BRAND_ADD without reordering")
        .await;
    assert!(
        got[3].at.duration_since(started) < Duration::from_millis(400),
        "without a reorder window events are not held"
    );
}

#[tokio::test]
async fn corrupted_events_fail_verification_and_retries_send_them_intact() {
    let (sim, receiver) = sim_and_receiver(60_000, |c| {
        c.faults = SimFaults {
            webhook_corrupt_rate: 1.0,
            seed: Some(42),
            ..SimFaults::default()
        };
    })
    .await;
    const BRANDS: usize = 8;
    for _ in 0..BRANDS {
        sim.create(&brand_request("PRIVATE_PROFIT")).await;
    }
    let got = receiver
        .wait_for(BRANDS, Duration::from_secs(2), "the corrupted BRAND_ADDs")
        .await;
    receiver
        .expect_total(BRANDS, Duration::from_millis(300), "no retries after a 200")
        .await;
    let records = sim.handle.deliveries();
    let (mut bad_signatures, mut truncated) = (0, 0);
    for (received, record) in got.iter().zip(&records) {
        let verdict = received.verdict(&sim.secret, &receiver.url);
        match record.corruption {
            Some(Corruption::BadSignature) => {
                bad_signatures += 1;
                assert_eq!(
                    verdict,
                    Verdict::Invalid,
                    "a bad signature must fail verification"
                );
                assert_eq!(received.event(), record.payload, "the body is intact");
            }
            Some(Corruption::TruncatedBody) => {
                truncated += 1;
                assert_eq!(verdict, Verdict::Unreadable, "a truncated body is not JSON");
                assert!(received.json().is_none());
            }
            None => panic!("every delivery should be corrupted: {record:#?}"),
        }
    }
    assert!(
        bad_signatures > 0 && truncated > 0,
        "both kinds of corruption should occur among {BRANDS} events (seed 42): \
         {bad_signatures} bad signatures, {truncated} truncated bodies"
    );

    // A receiver that refuses the damaged copy gets the event intact on retry.
    receiver.answer_next(&[401]);
    sim.create(&brand_request("PRIVATE_PROFIT")).await;
    let got = receiver
        .wait_for(BRANDS + 2, Duration::from_secs(2), "the retry")
        .await;
    let (damaged, retry) = (&got[BRANDS], &got[BRANDS + 1]);
    assert_ne!(
        damaged.verdict(&sim.secret, &receiver.url),
        Verdict::Valid,
        "the first copy is damaged"
    );
    assert_eq!(
        retry.verdict(&sim.secret, &receiver.url),
        Verdict::Valid,
        "the retry is intact"
    );
    assert_eq!(retry.event_type(), "BRAND_ADD");
}

// ---------------------------------------------------------------------------------------------
// API faults
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn an_api_failure_rate_of_one_fails_every_call_with_an_injected_kind_and_stores_nothing() {
    let sim = spawn_sim(|c| {
        c.faults = SimFaults {
            api_failure_rate: 1.0,
            ..SimFaults::default()
        };
    })
    .await;
    let mut seen = BTreeSet::new();
    for n in 0..8 {
        let outcome = if n % 2 == 0 {
            call_with_timeout(
                &sim,
                Method::POST,
                "/brand/nonBlocking",
                Some(&brand_request("PRIVATE_PROFIT")),
            )
            .await
        } else {
            call_with_timeout(&sim, Method::GET, "/enum/entityType", None).await
        };
        let kind = match &outcome {
            Outcome::Status(500, Some(f), b) if f == "http-500" && b.is_empty() => "500",
            Outcome::Status(503, Some(f), b) if f == "http-503" && b.is_empty() => "503",
            Outcome::Status(429, Some(f), b) if f == "http-429" && b.is_empty() => "429",
            Outcome::TimedOut => "timeout",
            other => panic!("call {n} should fail with an injected failure, got {other:?}"),
        };
        seen.insert(kind);
    }
    assert_eq!(
        seen,
        BTreeSet::from(["500", "503", "429", "timeout"]),
        "the injected failures take turns through all four kinds"
    );
    assert_eq!(
        sim.handle.brand_count(),
        0,
        "a call answered with an injected failure stores nothing"
    );

    sim.handle.set_faults(SimFaults {
        api_failure_rate: 1.0,
        api_failure_kinds: vec![ApiFailure::Http503],
        ..SimFaults::default()
    });
    for _ in 0..3 {
        assert_eq!(
            call_with_timeout(&sim, Method::GET, "/version", None).await,
            Outcome::Status(503, Some("http-503".into()), String::new()),
            "only 503 is injected now"
        );
    }

    sim.handle.set_faults(SimFaults::default());
    let brand = sim.create(&brand_request("PRIVATE_PROFIT")).await;
    assert!(brand["brandId"].is_string());
    assert_eq!(
        sim.handle.brand_count(),
        1,
        "calls work again without faults"
    );
}

#[tokio::test]
async fn api_latency_delays_every_answer() {
    let sim = spawn_sim(|_| {}).await;
    let quick = sim.get("/version").await;
    quick.expect(StatusCode::OK, "GET /version");
    assert!(
        quick.elapsed < Duration::from_millis(300),
        "without latency GET /version is quick; took {:?}",
        quick.elapsed
    );
    sim.handle.set_faults(SimFaults {
        api_latency: Duration::from_millis(400),
        ..SimFaults::default()
    });
    let slow_read = sim.get("/version").await;
    slow_read.expect(StatusCode::OK, "GET /version with latency");
    let slow_write = sim.post_brand(&brand_request("PRIVATE_PROFIT")).await;
    slow_write.expect(StatusCode::OK, "POST /brand/nonBlocking with latency");
    for (what, elapsed) in [
        ("GET /version", slow_read.elapsed),
        ("POST /brand/nonBlocking", slow_write.elapsed),
    ] {
        assert!(
            elapsed >= Duration::from_millis(400),
            "{what} should take at least the 400 ms latency; took {elapsed:?}"
        );
    }
    sim.handle.set_faults(SimFaults::default());
    let quick = sim.get("/version").await;
    assert!(
        quick.elapsed < Duration::from_millis(300),
        "latency off again; took {:?}",
        quick.elapsed
    );
}
