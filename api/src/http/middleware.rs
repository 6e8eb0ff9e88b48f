//! Layers around every handler: CORS for the operator's portal, and reading the whole body
//! (bounded in size and time) before any handler runs.
use std::sync::Arc;
use std::time::Duration;

use axum::extract::State;
use axum::http::{header, HeaderName, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use http_body_util::BodyExt;
use tower_http::cors::{AllowOrigin, CorsLayer};

use super::error::ApiError;
use super::extract::{ClientRequestId, CLIENT_REQUEST_ID_HEADER, MAX_CLIENT_REQUEST_ID};
use crate::config::InboundLimits;

/// Lets the portal's origins call the API with the headers it needs, and nothing wider.
pub fn cors(origins: &[String]) -> CorsLayer {
    let origins: Vec<HeaderValue> = origins
        .iter()
        .filter_map(|o| HeaderValue::from_str(o).ok())
        .collect();
    CorsLayer::new()
        .allow_origin(AllowOrigin::list(origins))
        .allow_methods([Method::GET, Method::POST, Method::PATCH, Method::DELETE])
        .allow_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            HeaderName::from_static(crate::http::auth::CUSTOMER_HEADER),
            HeaderName::from_static("x-request-id"),
            HeaderName::from_static(crate::http::idempotency::IDEMPOTENCY_KEY),
        ])
        .expose_headers([
            header::LOCATION,
            HeaderName::from_static("x-request-id"),
            HeaderName::from_static(CLIENT_REQUEST_ID_HEADER),
            HeaderName::from_static(crate::http::idempotency::REPLAYED),
        ])
        .max_age(Duration::from_secs(600))
}

/// Reads the whole request body before any handler runs: at most `max_body_bytes` (413), within
/// `body_read_timeout` of the headers (408, and the connection is closed), so a client that
/// sends its headers and then stalls or trickles the body is cut off with a clear answer.
/// A query string holding a NUL character (`%00`) is refused here too (400): no handler could
/// store or look it up (Postgres text cannot hold NUL).
pub async fn read_body(
    State(limits): State<Arc<InboundLimits>>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    if request
        .uri()
        .query()
        .is_some_and(|q| q.to_ascii_lowercase().contains("%00"))
    {
        return ApiError::bad_request(
            "invalid_query",
            "the query string contains a NUL character (%00)",
        )
        .into_response();
    }
    let (parts, body) = request.into_parts();
    // File uploads have their own bound (TCR's 10 MB), refused as an invalid `file` (422).
    let upload = crate::http::routes::attachments::is_upload(&parts.method, parts.uri.path());
    let max_body_bytes = if upload {
        tendlc_domain::attachment::MAX_ATTACHMENT_BYTES
    } else {
        limits.max_body_bytes
    };
    let too_large = || {
        if upload {
            return crate::http::routes::attachments::too_large().into_response();
        }
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "body_too_large",
            format!(
                "the request body is larger than {} bytes",
                limits.max_body_bytes
            ),
        )
        .into_response()
    };
    let declared = parts
        .headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > max_body_bytes as u64) {
        return too_large();
    }
    let limited = http_body_util::Limited::new(body, max_body_bytes);
    match tokio::time::timeout(limits.body_read_timeout, limited.collect()).await {
        Ok(Ok(collected)) => {
            next.run(axum::extract::Request::from_parts(
                parts,
                axum::body::Body::from(collected.to_bytes()),
            ))
            .await
        }
        Ok(Err(error)) if error.is::<http_body_util::LengthLimitError>() => too_large(),
        Ok(Err(error)) => {
            tracing::info!(%error, "request body could not be read");
            ApiError::bad_request("unreadable_body", "the request body could not be read")
                .into_response()
        }
        Err(_) => {
            tracing::warn!(
                path = %parts.uri.path(),
                timeout_ms = limits.body_read_timeout.as_millis() as u64,
                "request body did not arrive in time; closing the connection"
            );
            let mut response = ApiError::new(
                StatusCode::REQUEST_TIMEOUT,
                "request_timeout",
                format!(
                    "the request body did not arrive within {} ms (TENDLC_BODY_READ_TIMEOUT_MS)",
                    limits.body_read_timeout.as_millis()
                ),
            )
            .into_response();
            response
                .headers_mut()
                .insert(header::CONNECTION, HeaderValue::from_static("close"));
            response
        }
    }
}

/// Takes a client's `X-Request-ID` aside, so the request-id layer always assigns the server's
/// own: the client's is kept as [`ClientRequestId`] (recorded beside ours) and echoed as
/// `X-Client-Request-ID`. One that is empty, longer than [`MAX_CLIENT_REQUEST_ID`] or not
/// printable ASCII is dropped.
pub async fn client_request_id(
    mut request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let sent = request.headers_mut().remove("x-request-id");
    request.headers_mut().remove(CLIENT_REQUEST_ID_HEADER);
    let kept = sent.filter(|value| {
        value.to_str().is_ok() && !value.is_empty() && value.len() <= MAX_CLIENT_REQUEST_ID
    });
    if let Some(value) = &kept {
        let id = value.to_str().unwrap_or_default().to_string();
        request.extensions_mut().insert(ClientRequestId(id));
    }
    let mut response = next.run(request).await;
    if let Some(value) = kept {
        response
            .headers_mut()
            .insert(HeaderName::from_static(CLIENT_REQUEST_ID_HEADER), value);
    }
    response
}
