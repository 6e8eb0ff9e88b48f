//! A webhook receiver for the simulator's black-box tests: a plain HTTP/1.1 server on 127.0.0.1
//! that records every request it gets and answers as planned.
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;
use tendlc_adapters::webhook_signature::{self, Verdict};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// One POST the receiver got.
#[derive(Debug, Clone)]
pub struct Received {
    pub method: String,
    pub path: String,
    pub content_type: String,
    pub signature: Option<String>,
    pub body: Vec<u8>,
    pub at: Instant,
}

impl Received {
    pub fn json(&self) -> Option<Value> {
        serde_json::from_slice(&self.body).ok()
    }

    /// The event type, or a note that the body is not JSON.
    pub fn event_type(&self) -> String {
        self.json()
            .and_then(|v| v["eventType"].as_str().map(str::to_owned))
            .unwrap_or_else(|| "<not JSON>".to_owned())
    }

    pub fn event(&self) -> Value {
        self.json().unwrap_or_else(|| {
            panic!(
                "the receiver got a body that is not JSON: {:?}",
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    pub fn verdict(&self, secret: &str, url: &str) -> Verdict {
        webhook_signature::verify(secret, url, &self.body, self.signature.as_deref())
    }
}

/// How the receiver answers: queued statuses first, then `status`; after `stall`.
struct Plan {
    next: VecDeque<u16>,
    status: u16,
    body: String,
    stall: Duration,
}

/// A plain HTTP/1.1 server on 127.0.0.1 that records each request and answers per its plan.
pub struct Receiver {
    pub url: String,
    got: Arc<Mutex<Vec<Received>>>,
    plan: Arc<Mutex<Plan>>,
}

impl Receiver {
    pub async fn start(path: &str) -> Receiver {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("binding 127.0.0.1:0 for the webhook receiver failed");
        let addr = listener.local_addr().expect("the receiver has no address");
        let got = Arc::new(Mutex::new(Vec::new()));
        let plan = Arc::new(Mutex::new(Plan {
            next: VecDeque::new(),
            status: 200,
            body: "OK".to_owned(),
            stall: Duration::ZERO,
        }));
        let (got_, plan_) = (got.clone(), plan.clone());
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(serve_one(stream, got_.clone(), plan_.clone()));
            }
        });
        Receiver {
            url: format!("http://{addr}{path}"),
            got,
            plan,
        }
    }

    /// Answers the next requests with `statuses`, then as before.
    pub fn answer_next(&self, statuses: &[u16]) {
        self.plan.lock().unwrap().next.extend(statuses);
    }

    pub fn answer_always(&self, status: u16, body: &str) {
        let mut plan = self.plan.lock().unwrap();
        plan.status = status;
        plan.body = body.to_owned();
    }

    pub fn stall(&self, stall: Duration) {
        self.plan.lock().unwrap().stall = stall;
    }

    pub fn received(&self) -> Vec<Received> {
        self.got.lock().unwrap().clone()
    }

    pub fn types(&self) -> Vec<String> {
        self.received().iter().map(Received::event_type).collect()
    }

    /// Waits until at least `n` requests arrived; fails saying what did arrive.
    pub async fn wait_for(&self, n: usize, within: Duration, what: &str) -> Vec<Received> {
        let started = Instant::now();
        loop {
            let got = self.received();
            if got.len() >= n {
                return got;
            }
            if started.elapsed() > within {
                panic!(
                    "{what}: expected {n} webhook deliveries within {within:?}, got {}: {:?}",
                    got.len(),
                    self.types()
                );
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    /// The events received so far of `event_type` whose properties include all of `matching`.
    pub fn events(&self, event_type: &str, matching: &Value) -> Vec<Value> {
        let wanted = matching.as_object().expect("matching is a JSON object");
        self.received()
            .iter()
            .filter_map(Received::json)
            .filter(|e| e["eventType"] == event_type && wanted.iter().all(|(k, v)| &e[k] == v))
            .collect()
    }

    /// Waits until an event of `event_type` whose properties include all of `matching` arrived.
    pub async fn event(&self, event_type: &str, matching: &Value) -> Value {
        let started = Instant::now();
        loop {
            if let Some(found) = self.events(event_type, matching).into_iter().next() {
                return found;
            }
            assert!(
                started.elapsed() < Duration::from_secs(5),
                "no {event_type} event matching {matching} within 5 s; got {:?}",
                self.types()
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    /// The types of the events received so far that carry `campaignId`, in order.
    pub fn campaign_types(&self, campaign_id: &str) -> Vec<String> {
        self.received()
            .iter()
            .filter_map(Received::json)
            .filter(|e| e["campaignId"] == campaign_id)
            .map(|e| e["eventType"].as_str().unwrap_or_default().to_owned())
            .collect()
    }

    /// Waits `quiet`, then checks that exactly `n` requests arrived in all.
    pub async fn expect_total(&self, n: usize, quiet: Duration, what: &str) -> Vec<Received> {
        tokio::time::sleep(quiet).await;
        let got = self.received();
        assert_eq!(
            got.len(),
            n,
            "{what}: expected exactly {n} webhook deliveries, got {:?}",
            self.types()
        );
        got
    }
}

async fn serve_one(
    mut stream: tokio::net::TcpStream,
    got: Arc<Mutex<Vec<Received>>>,
    plan: Arc<Mutex<Plan>>,
) -> std::io::Result<()> {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        if let Some(i) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Ok(());
        }
        buffer.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut request_line = lines.next().unwrap_or_default().split(' ');
    let method = request_line.next().unwrap_or_default().to_owned();
    let path = request_line.next().unwrap_or_default().to_owned();
    let header = |name: &str| {
        head.split("\r\n").skip(1).find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.trim()
                .eq_ignore_ascii_case(name)
                .then(|| value.trim().to_owned())
        })
    };
    let length: usize = header("content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    while buffer.len() < head_end + length {
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            break;
        }
        buffer.extend_from_slice(&chunk[..n]);
    }
    let body = buffer[head_end..buffer.len().min(head_end + length)].to_vec();
    got.lock().unwrap().push(Received {
        method,
        path,
        content_type: header("content-type").unwrap_or_default(),
        signature: header("x-registry-signature"),
        body,
        at: Instant::now(),
    });
    let (status, answer, stall) = {
        let mut plan = plan.lock().unwrap();
        let status = plan.next.pop_front().unwrap_or(plan.status);
        (status, plan.body.clone(), plan.stall)
    };
    tokio::time::sleep(stall).await;
    let response = format!(
        "HTTP/1.1 {status} Whatever\r\nContent-Type: text/plain\r\nContent-Length: {}\r\n\
         Connection: close\r\n\r\n{answer}",
        answer.len()
    );
    stream.write_all(response.as_bytes()).await?;
    stream.shutdown().await
}
