//! `POST /webhooks/tcr/{brands|campaigns|vetting}`: TCR's deliveries, recorded before answering.
//!
//! Authenticity is checked (signature, optional source allow list, size), the exact delivery is
//! recorded as an event — accepted, duplicate or rejected — and only then answered. Applying it
//! happens later, from the event stream (see `sync::webhooks`).
use std::collections::BTreeMap;
use std::net::SocketAddr;

use axum::body::to_bytes;
use axum::extract::{ConnectInfo, Path, Request, State};
use axum::http::Method;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::Json;
use base64::Engine;
use chrono::Utc;
use cqrs_es::AggregateError;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use tendlc_adapters::event_store;
use tendlc_adapters::webhook_signature::{self, Verdict, SIGNATURE_HEADER};
use tendlc_domain::metadata::{EventMetadata, Source};
use tendlc_domain::webhook::{
    Delivery, SignatureVerdict, WebhookCategory, WebhookCommand, WebhookDelivery, WebhookError,
};
use uuid::Uuid;

use super::{Access, Endpoint, RequestId};
use crate::app::AppState;
use crate::config::SignatureMode;
use crate::error::ApiError;

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

/// The delivery id: the same category and (canonical) payload always map to the same id.
pub fn delivery_id(category: WebhookCategory, body: &Value) -> String {
    let mut hash = Sha256::new();
    hash.update(category.as_str().as_bytes());
    hash.update(b":");
    hash.update(webhook_signature::canonical(body).as_bytes());
    hex::encode(hash.finalize())
}

fn verdict(v: Verdict) -> SignatureVerdict {
    match v {
        Verdict::Valid => SignatureVerdict::Valid,
        Verdict::Invalid => SignatureVerdict::Invalid,
        Verdict::Missing => SignatureVerdict::Missing,
        Verdict::Unreadable => SignatureVerdict::Unreadable,
    }
}

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

fn command_error(error: AggregateError<WebhookError>) -> ApiError {
    ApiError::internal("recording a webhook delivery failed", error)
}

#[utoipa::path(post, path = "/webhooks/tcr/{category}", tag = "webhooks",
    params(("category" = String, Path, description = "brands | campaigns | vetting"),
        ("X-Registry-Signature" = Option<String>, Header, description = "base64 HMAC-SHA1 of URL + JCS(body), keyed with the TCR API secret")),
    request_body = Object,
    responses((status = 200, description = "Recorded (`duplicate` says whether it was a redelivery)", body = Object),
        (status = 400, description = "Bad request (malformed JSON, query or header)", body = crate::error::ErrorBody),
        (status = 401, description = "No valid bearer token", body = crate::error::ErrorBody),
        (status = 403, description = "The role may not do this", body = crate::error::ErrorBody),
        (status = 404, description = "Not found (or another customer's)", body = crate::error::ErrorBody),
        (status = 413, description = "Body too large", body = crate::error::ErrorBody),
        (status = 500, description = "Internal error (logged)", body = crate::error::ErrorBody)))]
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
    let (raw, too_large) = match to_bytes(request.into_body(), config.max_body_bytes).await {
        Ok(bytes) => (bytes.to_vec(), false),
        Err(_) => (Vec::new(), true),
    };
    let body: Option<Value> = serde_json::from_slice(&raw).ok();
    let signature = match config.signature {
        SignatureMode::Off => SignatureVerdict::NotChecked,
        SignatureMode::Enforce | SignatureMode::Warn => verdict(webhook_signature::verify(
            secrecy::ExposeSecret::expose_secret(&state.tcr_api_secret),
            &config.url_for(category.path()),
            &raw,
            headers.get(SIGNATURE_HEADER).and_then(|v| v.to_str().ok()),
        )),
    };
    let delivery = Delivery {
        category,
        event_type: None,
        tcr_brand_id: None,
        tcr_campaign_id: None,
        raw_body_base64: base64::engine::general_purpose::STANDARD.encode(&raw),
        body: body.clone(),
        body_sha256: hex::encode(Sha256::digest(&raw)),
        headers: kept_headers(&headers),
        remote_addr: remote.map(|ip| ip.to_string()),
        signature,
        received_at: Utc::now(),
    }
    .with_body_fields();
    let metadata = EventMetadata::new(None, "system:webhook", request_id, Source::Webhook)
        .with_instance(state.instance.to_string());

    // Refusals are recorded too: the audit log shows what was turned away and why.
    let refusal = if too_large {
        Some((
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("the body is larger than {} bytes", config.max_body_bytes),
        ))
    } else if remote
        .is_some_and(|ip| !config.allowed_ips.is_empty() && !config.allowed_ips.contains(&ip))
    {
        Some((
            StatusCode::FORBIDDEN,
            "the delivery came from an address not on the allow list".to_string(),
        ))
    } else if !body.as_ref().is_some_and(Value::is_object) {
        Some((
            StatusCode::BAD_REQUEST,
            "the body is not a JSON object".to_string(),
        ))
    } else if config.signature == SignatureMode::Enforce && signature != SignatureVerdict::Valid {
        Some((
            StatusCode::UNAUTHORIZED,
            format!("the X-Registry-Signature is {signature:?}").to_lowercase(),
        ))
    } else {
        None
    };
    if let Some((status, reason)) = refusal {
        tracing::warn!(category = category.as_str(), %reason, remote = ?remote, "webhook delivery refused");
        tendlc_adapters::event_store::execute(
            &state.webhook_deliveries,
            &format!("rejected-{}", Uuid::new_v4()),
            WebhookCommand::Reject {
                delivery,
                reason: reason.clone(),
            },
            metadata.to_map(),
        )
        .await
        .map_err(command_error)?;
        state.wake.poke();
        return Err(ApiError::new(status, "webhook_refused", reason));
    }
    if signature != SignatureVerdict::Valid && signature != SignatureVerdict::NotChecked {
        tracing::warn!(
            category = category.as_str(),
            ?signature,
            "accepting a webhook without a valid signature (TENDLC_WEBHOOK_SIGNATURE=warn)"
        );
    }

    let id = delivery_id(category, body.as_ref().unwrap_or(&Value::Null));
    let (existing, _) = event_store::load::<WebhookDelivery>(&state.pool, &id)
        .await
        .map_err(command_error)?;
    tendlc_adapters::event_store::execute(
        &state.webhook_deliveries,
        &id,
        WebhookCommand::Receive(delivery),
        metadata.to_map(),
    )
    .await
    .map_err(command_error)?;
    state.wake.poke();
    Ok((
        StatusCode::OK,
        Json(json!({ "received": true, "duplicate": existing.delivery.is_some(), "id": id })),
    ))
}
