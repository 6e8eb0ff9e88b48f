//! The gate every request passes: HTTP Basic auth, TCR's rate limits, and a log line.
use std::time::Instant;

use axum::{
    extract::{Request, State},
    http::{header, HeaderMap, HeaderValue, Method, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
};
use base64::Engine;

use super::state::SharedSim;

/// `401` without body on wrong or missing credentials, `429` over the read or write limit.
pub(super) async fn authenticate_and_throttle(
    State(sim): State<SharedSim>,
    request: Request,
    next: Next,
) -> Response {
    if !credentials_match(
        request.headers(),
        &sim.config.api_key,
        &sim.config.api_secret,
    ) {
        let mut response = StatusCode::UNAUTHORIZED.into_response();
        response.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Basic realm=\"TCR CSP API\""),
        );
        return response;
    }
    let write = matches!(
        *request.method(),
        Method::POST | Method::PUT | Method::DELETE | Method::PATCH
    );
    if !sim.admit(write) {
        tracing::warn!(write, "TCR simulator rate limit exceeded");
        return StatusCode::TOO_MANY_REQUESTS.into_response();
    }
    next.run(request).await
}

fn credentials_match(headers: &HeaderMap, api_key: &str, api_secret: &str) -> bool {
    let Some(encoded) = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| {
            let (scheme, credentials) = value.split_once(' ')?;
            scheme
                .eq_ignore_ascii_case("basic")
                .then(|| credentials.trim())
        })
    else {
        return false;
    };
    let Ok(decoded) = base64::engine::general_purpose::STANDARD.decode(encoded) else {
        return false;
    };
    let Some((key, secret)) = std::str::from_utf8(&decoded)
        .ok()
        .and_then(|text| text.split_once(':'))
    else {
        return false;
    };
    // Both comparisons always run, so timing does not tell which half was wrong.
    let key_ok = constant_time_eq(key.as_bytes(), api_key.as_bytes());
    let secret_ok = constant_time_eq(secret.as_bytes(), api_secret.as_bytes());
    key_ok & secret_ok
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |diff, (x, y)| diff | (x ^ y)) == 0
}

/// One line per request: method, path (no query, no headers), status, latency.
pub(super) async fn log_request(request: Request, next: Next) -> Response {
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let started = Instant::now();
    let response = next.run(request).await;
    tracing::info!(
        %method,
        path,
        status = response.status().as_u16(),
        latency_ms = started.elapsed().as_millis() as u64,
        "TCR simulator request"
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn basic(user_and_password: &str) -> HeaderMap {
        let encoded = base64::engine::general_purpose::STANDARD.encode(user_and_password);
        let mut headers = HeaderMap::new();
        headers.insert(
            header::AUTHORIZATION,
            HeaderValue::from_str(&format!("Basic {encoded}")).unwrap(),
        );
        headers
    }

    #[test]
    fn only_the_exact_key_and_secret_pass() {
        assert!(credentials_match(&basic("key:se:cret"), "key", "se:cret"));
        assert!(!credentials_match(&basic("key:wrong"), "key", "se:cret"));
        assert!(!credentials_match(
            &basic("other:se:cret"),
            "key",
            "se:cret"
        ));
        assert!(!credentials_match(&basic("keyse:cret"), "key", "se:cret"));
        assert!(!credentials_match(&HeaderMap::new(), "key", "se:cret"));
    }
}
