//! `/webhook` routes (subscriptions, event catalogue, mock events) and webhook delivery: signed,
//! in the background, retried, and through the webhook faults.
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, Instant, SystemTime};

use axum::{
    body::Bytes,
    extract::{Path, State},
    http::StatusCode,
    response::{IntoResponse, Response},
    routing::{delete, get},
    Json, Router,
};
use serde_json::{json, Map, Value};
use tokio::sync::mpsc;

use super::errors::{ApiError, Rejection};
use super::state::{lock, SharedSim, Sim};
use tendlc_adapters::webhook_signature;

/// The categories a CSP can subscribe to, in the order `GET /webhook/eventCategory` lists them.
pub const EVENT_CATEGORIES: [&str; 5] = ["VETTING", "INCIDENCE", "CSP", "BRAND", "CAMPAIGN"];

/// `WebhookSubscription.webhookEndpoint`'s `maxLength`.
const MAX_ENDPOINT_LEN: usize = 255;

/// Delivery records kept in memory; older ones are forgotten.
const MAX_RECORDS: usize = 10_000;

/// `(eventType, eventCategory, description)`: the event types of `shared/tcr-api.md` §6.2.
pub const EVENT_TYPES: &[(&str, &str, &str)] = &[
    ("BRAND_ADD", "BRAND", "Brand added"),
    ("BRAND_UPDATE", "BRAND", "Brand updated"),
    ("BRAND_DELETE", "BRAND", "Brand deleted"),
    ("BRAND_SCORE_UPDATE", "BRAND", "Brand entity score updated"),
    (
        "BRAND_IDENTITY_STATUS_UPDATE",
        "BRAND",
        "Brand identity status changed",
    ),
    (
        "BRAND_IDENTITY_VET_UPDATE",
        "BRAND",
        "Brand identity vet updated",
    ),
    ("BRAND_REVET", "BRAND", "Brand revetted"),
    ("BRAND_MOCK_OTP", "BRAND", "Mock sole proprietor OTP sent"),
    (
        "BRAND_OTP_VERIFIED",
        "BRAND",
        "Sole proprietor OTP verified",
    ),
    ("BRAND_APPEAL_ADD", "BRAND", "Brand appeal submitted"),
    ("BRAND_APPEAL_COMPLETE", "BRAND", "Brand appeal completed"),
    (
        "CAMPAIGN_ADD",
        "CAMPAIGN",
        "Campaign provisioned in the registry",
    ),
    ("CAMPAIGN_UPDATE", "CAMPAIGN", "Campaign updated"),
    ("CAMPAIGN_BILLED", "CAMPAIGN", "Campaign billed"),
    (
        "CAMPAIGN_DCA_COMPLETE",
        "CAMPAIGN",
        "Campaign DCA elections complete",
    ),
    ("CAMPAIGN_EXPIRED", "CAMPAIGN", "Campaign deactivated"),
    ("CAMPAIGN_NUDGE", "CAMPAIGN", "Campaign nudged"),
    ("CAMPAIGN_RESUBMISSION", "CAMPAIGN", "Campaign resubmitted"),
    (
        "CAMPAIGN_SHARE_ADD",
        "CAMPAIGN",
        "Campaign nominated to a connectivity partner",
    ),
    (
        "CAMPAIGN_SHARE_ACCEPT",
        "CAMPAIGN",
        "Campaign sharing accepted",
    ),
    (
        "CAMPAIGN_SHARE_DELETE",
        "CAMPAIGN",
        "Campaign sharing declined",
    ),
    (
        "MNO_CAMPAIGN_OPERATION_APPROVED",
        "CAMPAIGN",
        "MNO approved the campaign",
    ),
    (
        "MNO_CAMPAIGN_OPERATION_REJECTED",
        "CAMPAIGN",
        "MNO rejected the campaign",
    ),
    (
        "MNO_CAMPAIGN_OPERATION_REVIEW",
        "CAMPAIGN",
        "MNO is reviewing the campaign",
    ),
    (
        "MNO_CAMPAIGN_OPERATION_SUSPENDED",
        "CAMPAIGN",
        "MNO suspended the campaign",
    ),
    (
        "MNO_CAMPAIGN_OPERATION_UNSUSPENDED",
        "CAMPAIGN",
        "MNO unsuspended the campaign",
    ),
    ("CSP_ACTIVE", "CSP", "CSP account activated"),
    ("CSP_APPROVE", "CSP", "CSP account approved"),
    ("CSP_SUSPEND", "CSP", "CSP account suspended"),
    ("EVP_REPORT_SCORE", "VETTING", "Vetting report scored"),
    ("EVP_REPORT_UNSCORE", "VETTING", "Vetting report unscored"),
    ("EVP_REPORT_FAIL", "VETTING", "Vetting failed"),
    ("EVP_REPORT_IMPORT", "VETTING", "Vetting report imported"),
    ("EVP_REPORT_UPDATE", "VETTING", "Vetting report updated"),
    ("EVP_REPORT_EXPIRE", "VETTING", "Vetting report expired"),
    (
        "EVP_REPORT_EXPRESS_MAIL",
        "VETTING",
        "Vetting express mail sent",
    ),
    (
        "BRAND_AUTHPLUS_VERIFICATION_ADD",
        "VETTING",
        "Authentication+ verification started",
    ),
    (
        "BRAND_AUTHPLUS_RE_VERIFICATION_ADD",
        "VETTING",
        "Authentication+ re-verification started",
    ),
    (
        "BRAND_AUTHPLUS_DOMAIN_VERIFIED",
        "VETTING",
        "Authentication+ domain verified",
    ),
    (
        "BRAND_AUTHPLUS_DOMAIN_FAILED",
        "VETTING",
        "Authentication+ domain verification failed",
    ),
    (
        "BRAND_AUTHPLUS_2FA_VERIFIED",
        "VETTING",
        "Authentication+ 2FA verified",
    ),
    (
        "BRAND_AUTHPLUS_2FA_FAILED",
        "VETTING",
        "Authentication+ 2FA failed",
    ),
    (
        "BRAND_AUTHPLUS_VERIFICATION_COMPLETE",
        "VETTING",
        "Authentication+ verification complete",
    ),
    (
        "BRAND_AUTHPLUS_VERIFICATION_FAILED",
        "VETTING",
        "Authentication+ verification failed",
    ),
    (
        "BRAND_AUTHPLUS_VERIFICATION_EXPIRED",
        "VETTING",
        "Authentication+ verification expired",
    ),
    (
        "BRAND_EMAIL_2FA_SEND",
        "VETTING",
        "Authentication+ 2FA email sent",
    ),
    (
        "BRAND_EMAIL_2FA_OPEN",
        "VETTING",
        "Authentication+ 2FA email opened",
    ),
    (
        "BRAND_EMAIL_2FA_EXPIRED",
        "VETTING",
        "Authentication+ 2FA email expired",
    ),
    ("MNO_COMPLAINT", "INCIDENCE", "MNO complaint received"),
];

/// The category an event type belongs to.
fn category_of(event_type: &str) -> Option<&'static str> {
    EVENT_TYPES
        .iter()
        .find(|(name, _, _)| *name == event_type)
        .map(|(_, category, _)| *category)
}

/// How a corrupted delivery was damaged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Corruption {
    /// The body is intact but `X-Registry-Signature` does not match it.
    BadSignature,
    /// The body is cut in half, so it is not JSON; the signature is the intact body's.
    TruncatedBody,
}

/// One webhook delivery attempt (or an event dropped by fault injection), as the simulator saw it.
#[derive(Debug, Clone)]
pub struct DeliveryRecord {
    /// The event's number, in order of creation; shared by its retries and duplicate.
    pub event_id: u64,
    pub event_type: String,
    /// The subscribed URL it went (or would have gone) to.
    pub endpoint: String,
    /// The event as TCR meant it (intact, even when the copy sent was corrupted).
    pub payload: Value,
    /// The body actually sent.
    pub body: String,
    /// The `X-Registry-Signature` actually sent.
    pub signature: String,
    /// `1` for the first attempt (and its duplicate), `2..` for retries.
    pub attempt: u32,
    /// The receiver's HTTP status, if it answered.
    pub status: Option<u16>,
    /// Why there was no answer (connection refused, timeout, ...), or why nothing was sent.
    pub error: Option<String>,
    /// Fault injection dropped the event: nothing was sent and nothing will be retried.
    pub dropped: bool,
    /// This is the extra copy of a duplicated event.
    pub duplicate: bool,
    /// How this copy was damaged, if it was.
    pub corruption: Option<Corruption>,
    /// Sent by `GET /webhook/subscription/eventType/{eventType}/mock`.
    pub from_mock_endpoint: bool,
    /// When the attempt started (or the event was dropped).
    pub at: SystemTime,
}

impl DeliveryRecord {
    /// Whether the receiver answered 2xx.
    pub fn succeeded(&self) -> bool {
        self.status.is_some_and(|s| (200..300).contains(&s))
    }

    pub fn corrupted(&self) -> bool {
        self.corruption.is_some()
    }
}

/// One event on its way to one endpoint.
#[derive(Debug, Clone)]
struct Job {
    event_id: u64,
    event_type: String,
    endpoint: String,
    payload: Value,
    due: Instant,
    duplicate: bool,
    corruption: Option<Corruption>,
}

/// Events waiting out the reorder window.
#[derive(Debug, Default)]
struct Held {
    jobs: Vec<Job>,
    flush_scheduled: bool,
}

/// Subscriptions, delivery queues and the record of every attempt.
pub(super) struct Hub {
    subscriptions: Mutex<BTreeMap<&'static str, String>>,
    queues: Mutex<HashMap<String, mpsc::UnboundedSender<Job>>>,
    held: Mutex<Held>,
    records: Mutex<VecDeque<DeliveryRecord>>,
    next_event: AtomicU64,
    /// Held while an event gets its number and its place in a queue, so both follow one order.
    emitting: Mutex<()>,
    http: reqwest::Client,
}

impl Hub {
    pub fn new(timeout: Duration) -> Self {
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap_or_default();
        Self {
            subscriptions: Mutex::default(),
            queues: Mutex::default(),
            held: Mutex::default(),
            records: Mutex::default(),
            next_event: AtomicU64::new(1),
            emitting: Mutex::default(),
            http,
        }
    }

    pub fn records(&self) -> Vec<DeliveryRecord> {
        lock(&self.records).iter().cloned().collect()
    }

    pub fn clear_records(&self) {
        lock(&self.records).clear();
    }

    pub fn subscriptions(&self) -> Vec<(String, String)> {
        lock(&self.subscriptions)
            .iter()
            .map(|(category, endpoint)| ((*category).to_owned(), endpoint.clone()))
            .collect()
    }

    /// Subscribes `category` to `endpoint`, replacing its previous endpoint.
    pub fn subscribe(&self, category: &str, endpoint: &str) -> Result<(), Rejection> {
        let (category, endpoint) = check_subscription(Some(category), Some(endpoint))?;
        lock(&self.subscriptions).insert(category, endpoint);
        Ok(())
    }

    fn endpoint_for(&self, category: &str) -> Option<String> {
        lock(&self.subscriptions).get(category).cloned()
    }

    fn record(&self, record: DeliveryRecord) {
        let mut records = lock(&self.records);
        if records.len() >= MAX_RECORDS {
            records.pop_front();
        }
        records.push_back(record);
    }
}

// ---------------------------------------------------------------------------------------------
// Events
// ---------------------------------------------------------------------------------------------

/// What the mock endpoint sends for `event_type`: sample ids, `mock: true`.
fn mock_event(sim: &Sim, event_type: &str, category: &str) -> Value {
    let mut event = Map::new();
    let mut set = |name: &str, value: Value| {
        event.insert(name.to_owned(), value);
    };
    set("eventType", json!(event_type));
    set("cspId", json!(sim.config.csp_id));
    set("cspName", json!(sim.config.csp_name));
    if category != "CSP" {
        set("brandId", json!("B123ABC"));
        set("brandName", json!("Mock Brand"));
        set("brandReferenceId", Value::Null);
    }
    match category {
        "CAMPAIGN" | "INCIDENCE" => {
            set("campaignId", json!("C123ABC"));
            set("campaignReferenceId", Value::Null);
        }
        "VETTING" => {
            set("evpId", json!("AEGIS"));
            set("evpName", json!("Aegis Mobile"));
            set("vettingId", json!("mock-vetting-id"));
        }
        _ => {}
    }
    if event_type.starts_with("MNO_") {
        set("mnoId", json!(10017));
        set("mnoName", json!("AT&T"));
    }
    match event_type {
        "BRAND_IDENTITY_STATUS_UPDATE" => set("brandIdentityStatus", json!("VERIFIED")),
        "BRAND_MOCK_OTP" => set("otpPin", json!("123456")),
        _ => {}
    }
    set("description", json!(format!("Mock {event_type} event")));
    set("mock", json!(true));
    Value::Object(event)
}

/// Sends `payload` to the endpoint subscribed for its category, through the webhook faults, in
/// the background. Without a subscription nothing happens. Needs a Tokio runtime.
pub(super) fn emit(sim: &SharedSim, payload: Value) {
    let event_type = payload["eventType"].as_str().unwrap_or_default().to_owned();
    let Some(category) = category_of(&event_type) else {
        tracing::error!(event_type, "TCR simulator emitted an unknown event type");
        return;
    };
    let Some(endpoint) = sim.webhooks.endpoint_for(category) else {
        tracing::debug!(
            event_type,
            category,
            "no webhook subscription; event not sent"
        );
        return;
    };
    let _in_order = lock(&sim.webhooks.emitting);
    let event_id = sim.webhooks.next_event.fetch_add(1, Ordering::Relaxed);
    let faults = sim.faults.get();
    if sim.faults.chance(faults.webhook_drop_rate) {
        tracing::warn!(event_id, event_type, "TCR simulator drops a webhook event");
        sim.webhooks.record(DeliveryRecord {
            event_id,
            event_type,
            endpoint,
            body: String::new(),
            signature: String::new(),
            payload,
            attempt: 1,
            status: None,
            error: Some("dropped by fault injection".to_owned()),
            dropped: true,
            duplicate: false,
            corruption: None,
            from_mock_endpoint: false,
            at: SystemTime::now(),
        });
        return;
    }
    let duplicate = sim.faults.chance(faults.webhook_duplicate_rate);
    let corruption = sim
        .faults
        .chance(faults.webhook_corrupt_rate)
        .then(|| sim.faults.corruption());
    let delay = faults.webhook_delay + sim.faults.jitter(faults.webhook_delay_jitter);
    let job = Job {
        event_id,
        event_type,
        endpoint,
        payload,
        due: Instant::now() + delay,
        duplicate,
        corruption,
    };
    if faults.webhook_reorder_window.is_zero() {
        enqueue(sim, job);
    } else {
        hold(sim, job, faults.webhook_reorder_window);
    }
}

/// Keeps `job` back until the reorder window closes, then sends the batch newest first.
fn hold(sim: &SharedSim, job: Job, window: Duration) {
    let mut held = lock(&sim.webhooks.held);
    held.jobs.push(job);
    if held.flush_scheduled {
        return;
    }
    held.flush_scheduled = true;
    let sim = Arc::downgrade(sim);
    tokio::spawn(async move {
        tokio::time::sleep(window).await;
        let Some(sim) = sim.upgrade() else { return };
        let batch = {
            let mut held = lock(&sim.webhooks.held);
            held.flush_scheduled = false;
            std::mem::take(&mut held.jobs)
        };
        for job in batch.into_iter().rev() {
            enqueue(&sim, job);
        }
    });
}

/// Puts `job` on its endpoint's queue: one worker per endpoint sends first attempts in order.
fn enqueue(sim: &SharedSim, job: Job) {
    let mut queues = lock(&sim.webhooks.queues);
    let job = match queues.get(&job.endpoint) {
        Some(queue) => match queue.send(job) {
            Ok(()) => return,
            Err(mpsc::error::SendError(job)) => job,
        },
        None => job,
    };
    let (queue, jobs) = mpsc::unbounded_channel();
    tokio::spawn(work(Arc::downgrade(sim), jobs));
    let endpoint = job.endpoint.clone();
    // A fresh channel's receiver is alive, so this cannot fail.
    let _ = queue.send(job);
    queues.insert(endpoint, queue);
}

/// Sends each job when it is due; a failed one is retried in the background.
async fn work(sim: Weak<Sim>, mut jobs: mpsc::UnboundedReceiver<Job>) {
    while let Some(job) = jobs.recv().await {
        tokio::time::sleep_until(job.due.into()).await;
        let Some(sim) = sim.upgrade() else { return };
        let attempt = send(&sim, &job, job.corruption).await;
        let delivered = attempt.delivered();
        sim.webhooks
            .record(attempt.into_record(&job, 1, job.corruption, false));
        if job.duplicate {
            let copy = send(&sim, &job, None).await;
            sim.webhooks.record(copy.into_record(&job, 1, None, true));
        }
        if !delivered && sim.config.webhook_retries > 0 {
            tokio::spawn(retry(Arc::downgrade(&sim), job));
        }
    }
}

/// Retries `job`, intact, with a backoff that doubles from `webhook_retry_backoff`.
async fn retry(sim: Weak<Sim>, job: Job) {
    let (retries, backoff) = match sim.upgrade() {
        Some(sim) => (sim.config.webhook_retries, sim.config.webhook_retry_backoff),
        None => return,
    };
    for retry in 0..retries {
        tokio::time::sleep(backoff.saturating_mul(1u32 << retry.min(16))).await;
        let Some(sim) = sim.upgrade() else { return };
        let attempt = send(&sim, &job, None).await;
        let delivered = attempt.delivered();
        sim.webhooks
            .record(attempt.into_record(&job, retry + 2, None, false));
        if delivered {
            return;
        }
    }
    tracing::warn!(
        event_id = job.event_id,
        event_type = job.event_type,
        endpoint = job.endpoint,
        "TCR simulator gave up delivering a webhook event"
    );
}

/// What one POST to a webhook endpoint sent and got back.
struct Attempt {
    body: String,
    signature: String,
    status: Option<u16>,
    response: String,
    error: Option<String>,
    at: SystemTime,
}

impl Attempt {
    fn delivered(&self) -> bool {
        self.status.is_some_and(|s| (200..300).contains(&s))
    }

    fn into_record(
        self,
        job: &Job,
        attempt: u32,
        corruption: Option<Corruption>,
        duplicate: bool,
    ) -> DeliveryRecord {
        DeliveryRecord {
            event_id: job.event_id,
            event_type: job.event_type.clone(),
            endpoint: job.endpoint.clone(),
            payload: job.payload.clone(),
            body: self.body,
            signature: self.signature,
            attempt,
            status: self.status,
            error: self.error,
            dropped: false,
            duplicate,
            corruption,
            from_mock_endpoint: false,
            at: self.at,
        }
    }
}

/// POSTs the job's payload, signed as TCR signs it, damaged as `corruption` says.
async fn send(sim: &Sim, job: &Job, corruption: Option<Corruption>) -> Attempt {
    post(sim, &job.endpoint, &job.payload, corruption).await
}

async fn post(
    sim: &Sim,
    endpoint: &str,
    payload: &Value,
    corruption: Option<Corruption>,
) -> Attempt {
    let secret = &sim.config.api_secret;
    let mut body = payload.to_string();
    let mut signature = webhook_signature::sign(secret, endpoint, payload);
    match corruption {
        None => {}
        Some(Corruption::BadSignature) => {
            signature = webhook_signature::sign(secret, &format!("{endpoint}#corrupted"), payload);
        }
        Some(Corruption::TruncatedBody) => {
            let mut cut = body.len() / 2;
            while !body.is_char_boundary(cut) {
                cut -= 1;
            }
            body.truncate(cut);
        }
    }
    let at = SystemTime::now();
    let result = sim
        .webhooks
        .http
        .post(endpoint)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .header(webhook_signature::SIGNATURE_HEADER, &signature)
        .body(body.clone())
        .send()
        .await;
    let (status, response, error) = match result {
        Ok(answer) => {
            let status = answer.status().as_u16();
            let response = answer.text().await.unwrap_or_default();
            (Some(status), response, None)
        }
        Err(e) => (None, String::new(), Some(e.to_string())),
    };
    tracing::info!(
        endpoint,
        event_type = payload["eventType"].as_str().unwrap_or_default(),
        status,
        error,
        corrupted = corruption.is_some(),
        "TCR simulator webhook delivery"
    );
    Attempt {
        body,
        signature,
        status,
        response,
        error,
        at,
    }
}

// ---------------------------------------------------------------------------------------------
// Routes
// ---------------------------------------------------------------------------------------------

pub(super) fn router() -> Router<SharedSim> {
    Router::new()
        .route("/v2/webhook/subscription", get(list).put(subscribe))
        .route(
            "/v2/webhook/subscription/{event_category}",
            delete(unsubscribe),
        )
        .route(
            "/v2/webhook/subscription/eventType/{event_type}/mock",
            get(mock),
        )
        .route("/v2/webhook/eventCategory", get(categories))
        .route("/v2/webhook/eventType", get(event_types))
}

/// Checks a subscription: a known category and an http(s) URL of at most 255 characters.
fn check_subscription(
    category: Option<&str>,
    endpoint: Option<&str>,
) -> Result<(&'static str, String), Rejection> {
    let mut errors = Vec::new();
    let category = match category.and_then(|c| EVENT_CATEGORIES.iter().find(|k| **k == c)) {
        Some(category) => Some(*category),
        None => {
            errors.push(ApiError::invalid(
                "eventCategory",
                format!(
                    "eventCategory must be one of {}",
                    EVENT_CATEGORIES.join(", ")
                ),
            ));
            None
        }
    };
    let endpoint = match endpoint {
        None | Some("") => Err("webhookEndpoint is required".to_owned()),
        Some(e) if e.chars().count() > MAX_ENDPOINT_LEN => Err(format!(
            "webhookEndpoint must be at most {MAX_ENDPOINT_LEN} characters"
        )),
        Some(e) => match reqwest::Url::parse(e) {
            Ok(url) if matches!(url.scheme(), "http" | "https") && url.host().is_some() => {
                Ok(e.to_owned())
            }
            _ => Err("webhookEndpoint must be an http or https URL".to_owned()),
        },
    };
    let endpoint = endpoint
        .map_err(|problem| errors.push(ApiError::invalid("webhookEndpoint", problem)))
        .ok();
    match (category, endpoint) {
        (Some(category), Some(endpoint)) => Ok((category, endpoint)),
        _ => Err(Rejection(errors)),
    }
}

async fn subscribe(State(sim): State<SharedSim>, body: Bytes) -> Response {
    let value: Value = match serde_json::from_slice(&body) {
        Ok(Value::Object(object)) => Value::Object(object),
        Ok(_) => {
            return Rejection::from(ApiError::new(
                501,
                "The request body must be a JSON object",
                &[],
            ))
            .into_response()
        }
        Err(e) => {
            return Rejection::from(ApiError::new(
                501,
                format!("Malformed JSON request body: {e}"),
                &[],
            ))
            .into_response()
        }
    };
    let category = value["eventCategory"].as_str();
    let endpoint = value["webhookEndpoint"].as_str();
    match check_subscription(category, endpoint) {
        Ok((category, endpoint)) => {
            lock(&sim.webhooks.subscriptions).insert(category, endpoint.clone());
            tracing::info!(category, endpoint, "webhook subscribed");
            Json(json!({"eventCategory": category, "webhookEndpoint": endpoint})).into_response()
        }
        Err(rejection) => rejection.into_response(),
    }
}

async fn list(State(sim): State<SharedSim>) -> Json<Value> {
    let subscriptions: Vec<Value> = sim
        .webhooks
        .subscriptions()
        .into_iter()
        .map(|(category, endpoint)| json!({"eventCategory": category, "webhookEndpoint": endpoint}))
        .collect();
    Json(Value::Array(subscriptions))
}

async fn unsubscribe(State(sim): State<SharedSim>, Path(category): Path<String>) -> Response {
    match lock(&sim.webhooks.subscriptions).remove(category.as_str()) {
        Some(endpoint) => {
            tracing::info!(category, endpoint, "webhook unsubscribed");
            StatusCode::NO_CONTENT.into_response()
        }
        None => Rejection::from(ApiError::new(
            502,
            format!("Record not found: no webhook subscription for event category {category}"),
            &["eventCategory"],
        ))
        .into_response(),
    }
}

async fn categories() -> Json<Value> {
    Json(json!(EVENT_CATEGORIES))
}

async fn event_types() -> Json<Value> {
    let types: Vec<Value> = EVENT_TYPES
        .iter()
        .map(|(event_type, category, description)| {
            json!({"eventType": event_type, "description": description, "eventCategory": category})
        })
        .collect();
    Json(Value::Array(types))
}

/// POSTs a mock event of `event_type` to its category's endpoint, now, intact and without
/// retries, and tells what the endpoint answered (status `0` when it could not be reached).
async fn mock(State(sim): State<SharedSim>, Path(event_type): Path<String>) -> Response {
    let Some(category) = category_of(&event_type) else {
        return Rejection::from(ApiError::invalid(
            "eventType",
            format!("Unknown event type {event_type}; see GET /webhook/eventType"),
        ))
        .into_response();
    };
    let Some(endpoint) = sim.webhooks.endpoint_for(category) else {
        return Rejection::from(ApiError::new(
            502,
            format!("Record not found: no webhook subscription for event category {category}"),
            &["eventCategory"],
        ))
        .into_response();
    };
    let payload = mock_event(&sim, &event_type, category);
    let event_id = sim.webhooks.next_event.fetch_add(1, Ordering::Relaxed);
    let attempt = post(&sim, &endpoint, &payload, None).await;
    let answer = json!({
        "endpoint": endpoint,
        "status": attempt.status.unwrap_or(0),
        "request": attempt.body,
        "response": attempt.error.clone().unwrap_or_else(|| attempt.response.clone()),
    });
    let job = Job {
        event_id,
        event_type,
        endpoint,
        payload,
        due: Instant::now(),
        duplicate: false,
        corruption: None,
    };
    let mut record = attempt.into_record(&job, 1, None, false);
    record.from_mock_endpoint = true;
    sim.webhooks.record(record);
    Json(answer).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_event_type_is_listed_once_in_a_subscribable_category() {
        let mut seen = std::collections::BTreeSet::new();
        for (event_type, category, _) in EVENT_TYPES {
            assert!(seen.insert(*event_type), "{event_type} is listed twice");
            assert!(
                EVENT_CATEGORIES.contains(category),
                "{event_type} has category {category}"
            );
        }
        for category in EVENT_CATEGORIES {
            assert!(
                EVENT_TYPES.iter().any(|(_, c, _)| *c == category),
                "no event type in {category}"
            );
        }
    }

    #[test]
    fn subscriptions_need_a_known_category_and_an_http_url() {
        assert!(check_subscription(Some("BRAND"), Some("https://example.com/hook")).is_ok());
        assert!(check_subscription(Some("BRAND"), Some("http://127.0.0.1:9/x")).is_ok());
        let long = format!("https://example.com/{}", "a".repeat(255));
        for (category, endpoint, field) in [
            (Some("OTHER"), Some("https://example.com"), "eventCategory"),
            (None, Some("https://example.com"), "eventCategory"),
            (
                Some("BRAND"),
                Some("ftp://example.com/x"),
                "webhookEndpoint",
            ),
            (Some("BRAND"), Some("not a url"), "webhookEndpoint"),
            (Some("BRAND"), Some(""), "webhookEndpoint"),
            (Some("BRAND"), None, "webhookEndpoint"),
            (Some("BRAND"), Some(long.as_str()), "webhookEndpoint"),
        ] {
            let Err(Rejection(errors)) = check_subscription(category, endpoint) else {
                panic!("{category:?} {endpoint:?} should be refused");
            };
            assert!(
                errors.iter().any(|e| e.code == 501 && e.fields == [field]),
                "{category:?} {endpoint:?}: {errors:?}"
            );
        }
    }
}
