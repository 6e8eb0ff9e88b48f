//! The run's API client, as a careful real client behaves: requests go round-robin over the
//! replicas, and a write that failed in a way that may pass (no answer, a cut connection, 5xx,
//! 409 while the first try is still being answered, 429) is sent again, to the next replica,
//! with the same `Idempotency-Key`. Every write answered 2xx is written down as acknowledged.
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use reqwest::Method;
use serde::Serialize;
use serde_json::Value;
use uuid::Uuid;

/// What an acknowledged write promised to have recorded.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Acked {
    /// A customer, brand or campaign was registered: its aggregate exists.
    Registered {
        aggregate_type: &'static str,
        id: String,
    },
    /// A change to one: an event of that aggregate carries `marker`.
    Changed {
        aggregate_type: &'static str,
        id: String,
        marker: String,
    },
}

/// How one write ended, after its retries.
#[derive(Debug)]
pub enum Outcome {
    /// 2xx: the answer's body.
    Acked(Value),
    /// Not acknowledged: the last status (0 for no answer) and body.
    NotAcked(u16, Value),
}

/// Counts of what the client saw.
#[derive(Debug, Default, Clone, Serialize)]
pub struct Traffic {
    pub writes: usize,
    pub acked: usize,
    pub not_acked: usize,
    /// Attempts sent again with the same key.
    pub retries: usize,
    /// Attempts that got no answer (refused or cut connection, timeout).
    pub no_answer: usize,
    pub answers_5xx: usize,
    pub replayed: usize,
}

#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    urls: Arc<Vec<String>>,
    token: Arc<String>,
    next: Arc<AtomicUsize>,
    pub acked: Arc<Mutex<Vec<Acked>>>,
    pub traffic: Arc<Mutex<Traffic>>,
}

/// Attempts per write before the client gives up on it.
const ATTEMPTS: u32 = 10;

impl Client {
    pub fn new(urls: Vec<String>, token: String, timeout: Duration) -> anyhow::Result<Client> {
        Ok(Client {
            http: reqwest::Client::builder().timeout(timeout).build()?,
            urls: Arc::new(urls),
            token: Arc::new(token),
            next: Arc::new(AtomicUsize::new(0)),
            acked: Arc::default(),
            traffic: Arc::default(),
        })
    }

    fn base(&self) -> String {
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        self.urls[n % self.urls.len()].clone()
    }

    fn count(&self, f: impl FnOnce(&mut Traffic)) {
        f(&mut self.traffic.lock().expect("traffic lock"));
    }

    pub fn ack(&self, acked: Acked) {
        self.acked.lock().expect("acked lock").push(acked);
    }

    /// A read, from the next replica; `None` if it gave no 2xx answer.
    pub async fn get(&self, path: &str, customer: Option<Uuid>) -> Option<Value> {
        let mut request = self
            .http
            .get(format!("{}{path}", self.base()))
            .bearer_auth(self.token.as_str());
        if let Some(customer) = customer {
            request = request.header("X-Customer-ID", customer.to_string());
        }
        let response = request.send().await.ok()?;
        if !response.status().is_success() {
            return None;
        }
        response.json().await.ok()
    }

    /// A write with its own `Idempotency-Key`, retried as described above.
    pub async fn write(
        &self,
        method: Method,
        path: &str,
        customer: Option<Uuid>,
        body: &Value,
    ) -> Outcome {
        let key = Uuid::new_v4().to_string();
        self.count(|t| t.writes += 1);
        let mut last = (0, Value::Null);
        for attempt in 0..ATTEMPTS {
            if attempt > 0 {
                self.count(|t| t.retries += 1);
                let backoff = Duration::from_millis(200 * u64::from(attempt.min(5)));
                tokio::time::sleep(backoff).await;
            }
            let mut request = self
                .http
                .request(method.clone(), format!("{}{path}", self.base()))
                .bearer_auth(self.token.as_str())
                .header("Idempotency-Key", &key)
                .json(body);
            if let Some(customer) = customer {
                request = request.header("X-Customer-ID", customer.to_string());
            }
            let response = match request.send().await {
                Ok(response) => response,
                Err(_) => {
                    self.count(|t| t.no_answer += 1);
                    continue;
                }
            };
            let status = response.status().as_u16();
            let replayed = response.headers().contains_key("idempotent-replayed");
            let Ok(text) = response.text().await else {
                // The answer was cut off mid-way: as good as none.
                self.count(|t| t.no_answer += 1);
                continue;
            };
            let answer: Value = serde_json::from_str(&text).unwrap_or(Value::String(text));
            if replayed {
                self.count(|t| t.replayed += 1);
            }
            if (200..300).contains(&status) {
                self.count(|t| t.acked += 1);
                return Outcome::Acked(answer);
            }
            if status >= 500 {
                self.count(|t| t.answers_5xx += 1);
            }
            last = (status, answer);
            // A kept answer comes back the same however often it is asked for.
            let may_pass = status >= 500 || status == 409 || status == 429;
            if !may_pass || replayed {
                break;
            }
        }
        self.count(|t| t.not_acked += 1);
        Outcome::NotAcked(last.0, last.1)
    }
}
