//! `Idempotency-Key` on every write under `/v1`: the first request with a key runs and its answer
//! is kept (per customer, at least a day); the same key with the same request gets that answer
//! again without running anything, with another request 422, and while the first is still being
//! answered the second waits for its answer (409 if it does not come in time). A 202 kept for a
//! request whose TCR work went on is replaced by the final answer once there is one; a refusal
//! of a request that recorded nothing is not kept.
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, Method, StatusCode, Uri};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use tendlc_adapters::idempotency::{self, Claim, Held, KeptAnswer};
use tokio::sync::oneshot;

use super::auth::Caller;
use super::error::ApiError;
use super::in_time::{LaterAnswer, RecordedNothing};
use super::state::AppState;

pub const IDEMPOTENCY_KEY: &str = "idempotency-key";
/// Set on an answer that was kept from the first request with the key.
pub const REPLAYED: &str = "idempotent-replayed";
pub const MAX_KEY_LENGTH: usize = 255;

/// The headers of an answer that are kept with it.
const KEPT_HEADERS: [HeaderName; 2] = [header::LOCATION, header::CONTENT_TYPE];
/// How often a request waiting on the first one with its key looks again.
const RECHECK: Duration = Duration::from_millis(200);

/// A key: 1 to 255 visible ASCII characters (a UUID is a good one).
fn parse_key(value: &HeaderValue) -> Result<String, ApiError> {
    value
        .to_str()
        .ok()
        .filter(|key| {
            (1..=MAX_KEY_LENGTH).contains(&key.len()) && key.bytes().all(|b| b.is_ascii_graphic())
        })
        .map(str::to_string)
        .ok_or_else(|| {
            ApiError::bad_request(
                "invalid_idempotency_key",
                format!("Idempotency-Key must be 1 to {MAX_KEY_LENGTH} visible ASCII characters (a UUID, say)"),
            )
        })
}

/// Keys are the customer's: any caller acting for the customer shares them; a caller acting for
/// no customer (a super admin managing customers) has its own.
fn scope(caller: &Caller) -> String {
    match caller.customer {
        Some(customer) => format!("customer:{customer}"),
        None => format!("user:{}", caller.subject),
    }
}

/// The request a key was used with: method, path and query, and the body (JSON compared by
/// value, so key order and spacing do not matter).
fn fingerprint(method: &Method, uri: &Uri, body: &[u8]) -> String {
    let body = match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(json) => serde_json::to_vec(&json).unwrap_or_else(|_| body.to_vec()),
        Err(_) => body.to_vec(),
    };
    let mut hash = Sha256::new();
    hash.update(method.as_str());
    hash.update(b"\n");
    hash.update(uri.path_and_query().map_or("", |p| p.as_str()));
    hash.update(b"\n");
    hash.update(&body);
    hex::encode(hash.finalize())
}

fn replay(answer: KeptAnswer) -> Response {
    let status = StatusCode::from_u16(answer.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = (status, answer.body).into_response();
    let headers = response.headers_mut();
    headers.remove(header::CONTENT_TYPE);
    for (name, value) in answer.headers {
        if let (Ok(name), Ok(value)) = (
            HeaderName::try_from(name.as_str()),
            HeaderValue::from_str(&value),
        ) {
            headers.insert(name, value);
        }
    }
    headers.insert(REPLAYED, HeaderValue::from_static("true"));
    response
}

/// An answer as it is kept: its status, the headers that matter and the whole body.
async fn kept(response: Response) -> (KeptAnswer, Response) {
    let (parts, body) = response.into_parts();
    let (parts, bytes) = match axum::body::to_bytes(body, usize::MAX).await {
        Ok(bytes) => (parts, bytes),
        Err(error) => {
            let error = ApiError::internal("reading an answer to keep", error);
            let bytes = serde_json::to_vec(&error.body).unwrap_or_default();
            let (parts, _) = (error.status, [(header::CONTENT_TYPE, "application/json")])
                .into_response()
                .into_parts();
            (parts, bytes.into())
        }
    };
    let answer = KeptAnswer {
        status: parts.status.as_u16(),
        headers: kept_headers(&parts.headers),
        body: bytes.to_vec(),
    };
    (answer, Response::from_parts(parts, Body::from(bytes)))
}

fn kept_headers(headers: &HeaderMap) -> Vec<(String, String)> {
    KEPT_HEADERS
        .iter()
        .filter_map(|name| {
            let value = headers.get(name)?.to_str().ok()?;
            Some((name.as_str().to_string(), value.to_string()))
        })
        .collect()
}

/// Runs the request that claimed the key and keeps its answer. It runs as its own task, so the
/// answer is kept even when the client or the request deadline stops waiting for it. A refusal
/// of a request that recorded nothing (invalid, a conflict with the state of the moment, TCR
/// unable to qualify it, …) frees the key instead: asking again under it cannot do anything
/// twice, and may succeed.
async fn run_and_keep(
    state: AppState,
    scope: String,
    key: String,
    request: Request,
    next: Next,
) -> Response {
    let (answered, answer) = oneshot::channel();
    tokio::spawn(async move {
        let pool = &state.pool;
        let mut response = next.run(request).await;
        let later = response.extensions_mut().remove::<LaterAnswer>();
        let did_nothing = !response.status().is_success()
            && response.extensions().get::<RecordedNothing>().is_some();
        let (first, response) = kept(response).await;
        let stored = if did_nothing {
            idempotency::release(pool, &scope, &key).await
        } else {
            idempotency::keep(pool, &scope, &key, &first).await
        };
        if let Err(error) = stored {
            tracing::error!(%error, "could not keep the answer of an Idempotency-Key");
        }
        let _ = answered.send(response);
        let Some(final_answer) = later else { return };
        match final_answer.wait().await {
            Some(response) => {
                let (last, _) = kept(response).await;
                if let Err(error) = idempotency::keep(pool, &scope, &key, &last).await {
                    tracing::error!(%error, "could not keep the final answer of an Idempotency-Key");
                }
            }
            None => {
                tracing::warn!("the work behind a 202 ended without an answer; the 202 stays kept")
            }
        }
    });
    answer.await.unwrap_or_else(|_| {
        ApiError::internal("idempotency", "the request's task ended without an answer")
            .into_response()
    })
}

/// The layer over every write under `/v1` (after access is decided, so the caller is known).
pub async fn idempotent(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let Some(value) = request.headers().get(IDEMPOTENCY_KEY) else {
        return next.run(request).await;
    };
    let key = match parse_key(value) {
        Ok(key) => key,
        Err(error) => return error.into_response(),
    };
    let Some(caller) = request.extensions().get::<Caller>() else {
        return next.run(request).await;
    };
    let scope = scope(caller);
    let (parts, body) = request.into_parts();
    // The body was read whole before any handler (see `middleware::read_body`).
    let body = match axum::body::to_bytes(body, usize::MAX).await {
        Ok(body) => body,
        Err(error) => return ApiError::internal("reading a request body", error).into_response(),
    };
    let fingerprint = fingerprint(&parts.method, &parts.uri, &body);
    let request = Request::from_parts(parts, Body::from(body));
    let wait_until = tokio::time::Instant::now() + state.answer_within;
    loop {
        match idempotency::claim(&state.pool, &scope, &key, &fingerprint).await {
            Err(error) => return ApiError::from(error).into_response(),
            Ok(Claim::Claimed) => return run_and_keep(state, scope, key, request, next).await,
            Ok(Claim::Held(Held::Answered(answer))) => return replay(answer),
            Ok(Claim::Held(Held::OtherRequest)) => {
                return ApiError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "idempotency_key_reused",
                    "this Idempotency-Key was first used with another request (method, path or body); use a new key for a new request",
                )
                .into_response()
            }
            Ok(Claim::Held(Held::InProgress)) => {
                if tokio::time::Instant::now() >= wait_until {
                    return ApiError::conflict(
                        "idempotency_in_progress",
                        "the first request with this Idempotency-Key has not been answered yet; ask again later with the same key",
                    )
                    .into_response();
                }
                tokio::time::sleep(RECHECK).await;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn it_should_compare_json_bodies_by_value() {
        let uri: Uri = "/v1/messaging/brands".parse().unwrap();
        let a = fingerprint(&Method::POST, &uri, br#"{"a":1,"b":[2,3]}"#);
        let b = fingerprint(&Method::POST, &uri, br#"{ "b": [2, 3], "a": 1 }"#);
        let c = fingerprint(&Method::POST, &uri, br#"{"a":1,"b":[3,2]}"#);
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert_ne!(
            a,
            fingerprint(&Method::PATCH, &uri, br#"{"a":1,"b":[2,3]}"#)
        );
    }

    #[test]
    fn it_should_accept_only_visible_ascii_keys_up_to_255_characters() {
        let key = |text: &str| parse_key(&HeaderValue::from_str(text).unwrap());
        assert!(key("3f0c6b1e-8f1d-4c53-9a4e-2b7c1d9e0a11").is_ok());
        assert!(key(&"k".repeat(255)).is_ok());
        assert!(key(&"k".repeat(256)).is_err());
        assert!(key("").is_err());
        assert!(key("two words").is_err());
    }
}
