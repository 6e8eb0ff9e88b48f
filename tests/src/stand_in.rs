//! A stand-in for TCR in front of the simulator: it forwards every call, counts them by method
//! and path, can hold one call back before it reaches TCR until the test lets it go (a slow
//! read, a long wait in the rate limiter), can garble TCR's answer to a call after TCR acted
//! on it (a success nobody can read), and can fail a call as a gateway in front of TCR would,
//! after TCR acted on it or before it reached TCR.
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use tokio::sync::{oneshot, watch};

/// The stand-in on a random local port; it stops when dropped.
pub struct TcrStandIn {
    /// `http://<address>/v2`, the base URL to give tendlc instead of the simulator's.
    pub base_url: String,
    shared: Arc<Shared>,
    stop: watch::Sender<bool>,
}

struct Shared {
    /// Where calls go (the simulator's base URL); calls wait until it is known.
    upstream: watch::Sender<Option<String>>,
    /// Every call, as `(method, path below /v2)`.
    calls: Mutex<Vec<(Method, String)>>,
    hold: Mutex<Option<Hold>>,
    /// `(method, path)` of calls whose next answer is replaced by unreadable text.
    garble: Mutex<Vec<(Method, String)>>,
    /// `(method, path, status, forwarded)`: the next such call is answered `status` by a
    /// gateway in front of TCR, after TCR acted on it (`forwarded`) or before it reached TCR.
    failures: Mutex<Vec<(Method, String, StatusCode, bool)>>,
    /// `(method, path, field, value)`: every answer to such a call says `value` for `field`.
    rewrites: Mutex<Vec<(Method, String, String, serde_json::Value)>>,
    http: reqwest::Client,
}

struct Hold {
    method: Method,
    path: String,
    arrived: oneshot::Sender<()>,
    release: oneshot::Receiver<()>,
}

/// One call held back: wait until it has [`arrived`](Held::arrived), then
/// [`release`](Held::release) it to TCR.
pub struct Held {
    arrived: oneshot::Receiver<()>,
    release: oneshot::Sender<()>,
}

impl Held {
    /// Waits (at most `within`) until the held call has come in.
    pub async fn arrived(&mut self, within: Duration) {
        tokio::time::timeout(within, &mut self.arrived)
            .await
            .unwrap_or_else(|_| panic!("the call to hold did not come within {within:?}"))
            .expect("the stand-in stopped");
    }

    /// Lets the held call go on to TCR.
    pub fn release(self) {
        let _ = self.release.send(());
    }
}

impl TcrStandIn {
    pub async fn start() -> TcrStandIn {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind the TCR stand-in");
        let address = listener.local_addr().unwrap();
        let shared = Arc::new(Shared {
            upstream: watch::channel(None).0,
            calls: Mutex::default(),
            hold: Mutex::default(),
            garble: Mutex::default(),
            failures: Mutex::default(),
            rewrites: Mutex::default(),
            http: reqwest::Client::new(),
        });
        let router = axum::Router::new()
            .fallback(forward)
            .with_state(shared.clone());
        let (stop, mut stopped) = watch::channel(false);
        tokio::spawn(async move {
            let _ = axum::serve(listener, router)
                .with_graceful_shutdown(async move {
                    let _ = stopped.wait_for(|stop| *stop).await;
                })
                .await;
        });
        TcrStandIn {
            base_url: format!("http://{address}/v2"),
            shared,
            stop,
        }
    }

    /// Sends every call (those waiting too) on to `base_url` (the simulator's).
    pub fn forward_to(&self, base_url: &str) {
        self.shared
            .upstream
            .send_replace(Some(base_url.trim_end_matches('/').to_string()));
    }

    /// How many `method` calls to `path` (below `/v2`) came in so far.
    pub fn calls(&self, method: &str, path: &str) -> usize {
        let calls = self.shared.calls.lock().unwrap();
        calls
            .iter()
            .filter(|(m, p)| m.as_str() == method && p == path)
            .count()
    }

    /// TCR acts on the next `method` call to `path` (below `/v2`), but its answer arrives as
    /// unreadable text with TCR's status.
    pub fn garble_next(&self, method: &str, path: &str) {
        self.shared
            .garble
            .lock()
            .unwrap()
            .push((method.parse().expect("an HTTP method"), path.to_string()));
    }

    /// TCR acts on the next `method` call to `path`, but a gateway in front of it answers
    /// `status` (a 5xx) instead of TCR's answer.
    pub fn fail_after_next(&self, method: &str, path: &str, status: u16) {
        self.fail_next(method, path, status, true);
    }

    /// The next `method` call to `path` never reaches TCR: a gateway answers `status`.
    pub fn fail_before_next(&self, method: &str, path: &str, status: u16) {
        self.fail_next(method, path, status, false);
    }

    fn fail_next(&self, method: &str, path: &str, status: u16, forwarded: bool) {
        self.shared.failures.lock().unwrap().push((
            method.parse().expect("an HTTP method"),
            path.to_string(),
            StatusCode::from_u16(status).expect("an HTTP status"),
            forwarded,
        ));
    }

    /// From now on TCR's answers to `method` calls to `path` say `value` for the top-level
    /// `field` (a value TCR might add later, say).
    pub fn rewrite(&self, method: &str, path: &str, field: &str, value: serde_json::Value) {
        self.shared.rewrites.lock().unwrap().push((
            method.parse().expect("an HTTP method"),
            path.to_string(),
            field.to_string(),
            value,
        ));
    }

    /// Holds the next `method` call to `path` (below `/v2`) before it reaches TCR.
    pub fn hold_next(&self, method: &str, path: &str) -> Held {
        let (arrived, arrived_rx) = oneshot::channel();
        let (release_tx, release) = oneshot::channel();
        *self.shared.hold.lock().unwrap() = Some(Hold {
            method: method.parse().expect("an HTTP method"),
            path: path.to_string(),
            arrived,
            release,
        });
        Held {
            arrived: arrived_rx,
            release: release_tx,
        }
    }
}

impl Drop for TcrStandIn {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}

async fn forward(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = uri
        .path()
        .strip_prefix("/v2")
        .unwrap_or(uri.path())
        .to_string();
    let asked = method.clone();
    shared
        .calls
        .lock()
        .unwrap()
        .push((method.clone(), path.clone()));
    let held = {
        let mut hold = shared.hold.lock().unwrap();
        match hold.take() {
            Some(h) if h.method == method && h.path == path => Some(h),
            other => {
                *hold = other;
                None
            }
        }
    };
    if let Some(held) = held {
        let _ = held.arrived.send(());
        let _ = held.release.await;
    }
    let failure = {
        let mut failures = shared.failures.lock().unwrap();
        let at = failures
            .iter()
            .position(|(m, p, _, _)| *m == asked && *p == path);
        at.map(|at| failures.remove(at))
    };
    let gateway = |status| (status, "<html><body>Gateway failure</body></html>").into_response();
    if let Some((_, _, status, false)) = failure {
        return gateway(status);
    }
    let Some(base) = upstream(&shared).await else {
        return (
            StatusCode::BAD_GATEWAY,
            "the stand-in has no TCR to forward to",
        )
            .into_response();
    };
    let query = uri.query().map(|q| format!("?{q}")).unwrap_or_default();
    let mut request = shared
        .http
        .request(method, format!("{base}{path}{query}"))
        .body(body);
    for (name, value) in &headers {
        if name != "host" && name != "content-length" {
            request = request.header(name, value);
        }
    }
    let answer = match request.send().await {
        Ok(answer) => answer,
        Err(e) => return (StatusCode::BAD_GATEWAY, e.to_string()).into_response(),
    };
    if let Some((_, _, status, true)) = failure {
        return gateway(status);
    }
    let status = answer.status();
    let content_type = answer.headers().get("content-type").cloned();
    let body = answer.bytes().await.unwrap_or_default();
    let garbled = {
        let mut garble = shared.garble.lock().unwrap();
        let at = garble.iter().position(|(m, p)| *m == asked && *p == path);
        at.map(|at| garble.remove(at))
    };
    let body = match garbled {
        Some(_) => Bytes::from_static(b"<html><body>502 Bad Gat"),
        None => rewritten(&shared, &asked, &path, body),
    };
    let mut response = (status, body).into_response();
    if let Some(content_type) = content_type {
        response.headers_mut().insert("content-type", content_type);
    }
    response
}

/// The answer with the fields the test rewrites for this call.
fn rewritten(shared: &Shared, method: &Method, path: &str, body: Bytes) -> Bytes {
    let rewrites = shared.rewrites.lock().unwrap();
    let fields: Vec<_> = rewrites
        .iter()
        .filter(|(m, p, _, _)| m == method && p == path)
        .collect();
    if fields.is_empty() {
        return body;
    }
    let Ok(mut answer) = serde_json::from_slice::<serde_json::Value>(&body) else {
        return body;
    };
    for (_, _, field, value) in fields {
        answer[field.as_str()] = value.clone();
    }
    Bytes::from(serde_json::to_vec(&answer).expect("JSON"))
}

/// The TCR to forward to, once the test has named it (waiting at most 10 s).
async fn upstream(shared: &Shared) -> Option<String> {
    let mut upstream = shared.upstream.subscribe();
    let named = upstream.wait_for(|base| base.is_some());
    let base = match tokio::time::timeout(Duration::from_secs(10), named).await {
        Ok(Ok(base)) => base.clone(),
        _ => None,
    };
    base
}
