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
use chrono::Utc;
use cqrs_es::AggregateError;
use serde_json::{json, Value};
use tendlc_adapters::event_store;
use tendlc_adapters::webhook_intake::{self, Arrival, Policy};
use tendlc_adapters::webhook_signature::SIGNATURE_HEADER;
use tendlc_domain::metadata::{EventMetadata, Source};
use tendlc_domain::webhook::{
    SignatureVerdict, WebhookCategory, WebhookCommand, WebhookDelivery, WebhookError,
};
use uuid::Uuid;

use super::{Access, Endpoint, RequestId};
use crate::app::AppState;
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

fn command_error(error: AggregateError<WebhookError>) -> ApiError {
    ApiError::internal("recording a webhook delivery failed", error)
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
        (status = 400, description = "The body is not a JSON object, or holds a NUL character", body = crate::error::ErrorBody),
        (status = 401, description = "The X-Registry-Signature is missing or wrong (TENDLC_WEBHOOK_SIGNATURE=enforce)", body = crate::error::ErrorBody),
        (status = 403, description = "The source address is not on TENDLC_WEBHOOK_ALLOWED_IPS", body = crate::error::ErrorBody),
        (status = 404, description = "No such receiver", body = crate::error::ErrorBody),
        (status = 413, description = "Body larger than TENDLC_WEBHOOK_MAX_BYTES", body = crate::error::ErrorBody),
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
    let metadata = EventMetadata::new(None, "system:webhook", request_id, Source::Webhook)
        .with_instance(state.instance.to_string());
    let delivery = intake.delivery;
    let signature = delivery.signature;

    // Refusals are recorded too: the audit log shows what was turned away and why.
    if let Some(refusal) = intake.refusal {
        let reason = refusal.reason();
        let status = StatusCode::from_u16(refusal.status()).unwrap_or(StatusCode::BAD_REQUEST);
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

    let Some(id) = intake.delivery_id else {
        return Err(ApiError::internal(
            "webhook intake",
            "an accepted delivery has no id",
        ));
    };
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
