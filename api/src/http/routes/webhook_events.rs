//! `GET /v1/messaging/webhook-events`: the webhook audit log.
use axum::extract::rejection::QueryRejection;
use axum::extract::State;
use axum::http::Method;
use axum::routing::get;
use axum::Json;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use tendlc_domain::tcr::TcrEventType;
use tendlc_projections::columns::spelling;
use tendlc_projections::webhook_events::{self, WebhookEventRow, WebhookFilter};

use super::{query, timestamp, Access, Endpoint, Paging};
use crate::http::auth::{Action, Caller};
use crate::http::error::ApiError;
use crate::http::state::AppState;
use crate::http::views::Page;

pub fn endpoints() -> Vec<Endpoint> {
    vec![Endpoint::new(
        Method::GET,
        "/v1/messaging/webhook-events",
        Access::Role(Action::ReadRegistrations),
        get(list),
    )]
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct WebhookEventView {
    pub id: String,
    pub delivery_id: String,
    pub category: String,
    pub event_type: Option<String>,
    pub tcr_brand_id: Option<String>,
    pub tcr_campaign_id: Option<String>,
    #[schema(value_type = Option<Object>)]
    pub payload: Option<Value>,
    pub body_sha256: String,
    pub remote_addr: Option<String>,
    /// VALID | INVALID | MISSING | UNREADABLE | NOT_CHECKED
    pub signature: String,
    /// ACCEPTED | DUPLICATE | REJECTED
    pub disposition: String,
    pub rejection_reason: Option<String>,
    pub duplicate_of: Option<String>,
    pub processed: bool,
    pub processed_at: Option<DateTime<Utc>>,
    pub processing_outcome: Option<String>,
    pub processing_detail: Option<String>,
    pub processing_error: Option<String>,
    pub attempts: i32,
    pub received_at: DateTime<Utc>,
}

impl From<WebhookEventRow> for WebhookEventView {
    fn from(row: WebhookEventRow) -> Self {
        Self {
            id: row.id,
            delivery_id: row.delivery_id,
            category: row.category.as_str().to_string(),
            event_type: row.event_type.map(|t| t.as_str().to_string()),
            tcr_brand_id: row.tcr_brand_id,
            tcr_campaign_id: row.tcr_campaign_id,
            payload: row.payload,
            body_sha256: row.body_sha256,
            remote_addr: row.remote_addr,
            signature: spelling(&row.signature),
            disposition: spelling(&row.disposition),
            rejection_reason: row.rejection_reason,
            duplicate_of: row.duplicate_of,
            processed: row.processed,
            processed_at: row.processed_at,
            processing_outcome: row.processing_outcome.as_ref().map(spelling),
            processing_detail: row.processing_detail,
            processing_error: row.processing_error,
            attempts: row.attempts,
            received_at: row.received_at,
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ListQuery {
    #[serde(flatten)]
    paging: Paging,
    event_type: Option<String>,
    /// A TCR brand or campaign id.
    tcr_id: Option<String>,
    from: Option<String>,
    to: Option<String>,
}

#[utoipa::path(get, operation_id = "listWebhookEvents", path = "/v1/messaging/webhook-events", tag = "webhooks", security(("bearer" = [])),
    params(("eventType" = Option<String>, Query, description = "e.g. BRAND_IDENTITY_STATUS_UPDATE"),
        ("tcrId" = Option<String>, Query, description = "A TCR brand or campaign id"),
        ("from" = Option<String>, Query, description = "Received at or after (RFC 3339)"),
        ("to" = Option<String>, Query, description = "Received before (RFC 3339)"),
        ("page" = Option<i64>, Query, description = "1-based page; pages reach row 10000 at most (page × perPage)"), ("perPage" = Option<i64>, Query, description = "1..500, default 50")),
    responses((status = 200, description = "One page of the webhook audit log", body = Page<WebhookEventView>),
        (status = 400, description = "Bad request (malformed JSON, query or header)", body = crate::http::error::ErrorBody),
        (status = 401, description = "No valid bearer token", body = crate::http::error::ErrorBody),
        (status = 403, description = "The role may not do this", body = crate::http::error::ErrorBody),
        (status = 422, description = "Invalid fields (named), or TCR refused", body = crate::http::error::ErrorBody),
        (status = 500, description = "Internal error (logged)", body = crate::http::error::ErrorBody)))]
async fn list(
    State(state): State<AppState>,
    caller: Caller,
    params: Result<axum::extract::Query<ListQuery>, QueryRejection>,
) -> Result<Json<Page<WebhookEventView>>, ApiError> {
    let params = query(params)?;
    let (page, per_page, offset) = params.paging.resolve()?;
    let filter = WebhookFilter {
        customer: caller.read_scope(),
        event_type: params
            .event_type
            .map(|t| TcrEventType::from(t.to_ascii_uppercase())),
        tcr_id: params.tcr_id.map(|t| t.to_ascii_uppercase()),
        received_from: timestamp("from", params.from.as_deref())?,
        received_to: timestamp("to", params.to.as_deref())?,
    };
    let (rows, total) = webhook_events::list(&state.pool, &filter, per_page, offset).await?;
    Ok(Json(Page {
        items: rows.into_iter().map(Into::into).collect(),
        page,
        per_page,
        total,
    }))
}
