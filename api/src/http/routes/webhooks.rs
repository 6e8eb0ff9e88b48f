//! `POST /webhooks/tcr/{brands|campaigns|vetting}`: TCR's deliveries, recorded before answering.
//!
//! Authenticity is checked (signature, optional source allow list, size); an accepted delivery
//! (or a duplicate) is recorded as an event and only then answered. Applying it happens later,
//! from the event stream (see `workers::webhooks`). A refused one is never an event: it is
//! counted and kept, bounded, in the refusal store (`GET /v1/messaging/webhook-refusals`).
use std::collections::BTreeMap;
use std::net::SocketAddr;

use axum::body::to_bytes;
use axum::extract::{ConnectInfo, Path, Request, State};
use axum::http::Method;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::Json;
use chrono::Utc;
use serde_json::{json, Value};
use tendlc_adapters::webhook_intake::{self, Arrival, Policy};
use tendlc_adapters::webhook_signature::SIGNATURE_HEADER;
use tendlc_domain::metadata::Source;
use tendlc_domain::webhook::{SignatureVerdict, WebhookCategory};

use super::{Access, Endpoint, RequestId};
use crate::application::webhooks::Receipt;
use crate::application::CommandContext;
use crate::http::error::ApiError;
use crate::http::state::AppState;

pub fn endpoints() -> Vec<Endpoint> {
    vec![Endpoint::new(
        Method::POST,
        "/webhooks/tcr/{category}",
        Access::Webhook,
        post(receive),
    )]
}

/// Headers worth keeping with the delivery (never credentials).
const KEPT_HEADERS: [&str; 5] = [
    "content-type",
    "user-agent",
    SIGNATURE_HEADER,
    "x-forwarded-for",
    "content-length",
];

fn category(path: &str) -> Option<WebhookCategory> {
    WebhookCategory::ALL.into_iter().find(|c| c.path() == path)
}

pub use tendlc_adapters::webhook_intake::delivery_id;

fn kept_headers(headers: &HeaderMap) -> BTreeMap<String, String> {
    KEPT_HEADERS
        .iter()
        .filter_map(|name| {
            headers
                .get(*name)
                .and_then(|v| v.to_str().ok())
                .map(|v| (name.to_string(), v.chars().take(512).collect()))
        })
        .collect()
}

/// The receivers' path segments.
#[derive(utoipa::ToSchema)]
#[schema(rename_all = "lowercase")]
#[allow(dead_code)] // documents the path only
pub(crate) enum ReceiverPath {
    Brands,
    Campaigns,
    Vetting,
}

#[utoipa::path(post, path = "/webhooks/tcr/{category}", tag = "webhooks",
    params(("category" = ReceiverPath, Path, description = "brands | campaigns | vetting"),
        ("X-Registry-Signature" = Option<String>, Header, description = "base64 HMAC-SHA1 of URL + JCS(body), keyed with the TCR API secret")),
    request_body = Object,
    responses((status = 200, description = "Recorded (`duplicate` says whether it was a redelivery)", body = Object),
        (status = 400, description = "The body is not a JSON object, or holds a NUL character", body = crate::http::error::ErrorBody),
        (status = 401, description = "The X-Registry-Signature is missing or wrong (TENDLC_WEBHOOK_SIGNATURE=enforce)", body = crate::http::error::ErrorBody),
        (status = 403, description = "The source address is not on TENDLC_WEBHOOK_ALLOWED_IPS", body = crate::http::error::ErrorBody),
        (status = 404, description = "No such receiver", body = crate::http::error::ErrorBody),
        (status = 413, description = "Body larger than TENDLC_WEBHOOK_MAX_BYTES", body = crate::http::error::ErrorBody),
        (status = 500, description = "Internal error (logged)", body = crate::http::error::ErrorBody)))]
async fn receive(
    State(state): State<AppState>,
    Path(path): Path<String>,
    RequestId(request_id): RequestId,
    request: Request,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let category = category(&path).ok_or_else(|| ApiError::not_found("webhook endpoint"))?;
    let config = &state.webhooks;
    let remote = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip());
    let headers = request.headers().clone();
    let raw = to_bytes(request.into_body(), config.max_body_bytes)
        .await
        .ok();
    let url = config.url_for(category.path());
    let intake = webhook_intake::receive(
        &Policy {
            secret: secrecy::ExposeSecret::expose_secret(&state.tcr_api_secret),
            url: &url,
            signature: config.signature,
            allowed_ips: &config.allowed_ips,
            max_body_bytes: config.max_body_bytes,
        },
        Arrival {
            category,
            raw: raw.as_deref(),
            signature_header: headers.get(SIGNATURE_HEADER).and_then(|v| v.to_str().ok()),
            headers: kept_headers(&headers),
            remote,
            received_at: Utc::now(),
        },
    );
    let context = CommandContext::system(
        "system:webhook",
        request_id,
        Source::Webhook,
        &state.instance,
    );
    let category_name = category.as_str();
    let signature = intake.delivery.signature;
    if let Some(refusal) = &intake.refusal {
        tracing::warn!(category = category_name, reason = %refusal.reason(), remote = ?remote, "webhook delivery refused");
    } else if signature != SignatureVerdict::Valid && signature != SignatureVerdict::NotChecked {
        tracing::warn!(
            category = category_name,
            ?signature,
            "accepting a webhook without a valid signature (TENDLC_WEBHOOK_SIGNATURE=warn)"
        );
    }
    // Recorded before answered: refusals too (in the refusal store), so operators see what was
    // turned away.
    let refusal_code = intake.refusal.map(|r| r.code());
    let receipt = state.app.deliveries.record(intake, &context).await?;
    let verdict = match (&receipt, refusal_code) {
        (Receipt::Refused { .. }, Some(code)) => code,
        (Receipt::Refused { .. }, None) => "refused",
        (
            Receipt::Accepted {
                duplicate: true, ..
            },
            _,
        ) => "duplicate",
        (Receipt::Accepted { .. }, _) => "accepted",
    };
    metrics::counter!("tendlc_webhook_deliveries_total", "category" => category_name, "verdict" => verdict)
        .increment(1);
    match receipt {
        Receipt::Refused { status, reason } => Err(ApiError::new(
            StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST),
            "webhook_refused",
            reason,
        )),
        Receipt::Accepted { id, duplicate } => Ok((
            StatusCode::OK,
            Json(json!({ "received": true, "duplicate": duplicate, "id": id })),
        )),
    }
}
