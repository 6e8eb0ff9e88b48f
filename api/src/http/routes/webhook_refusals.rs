//! `GET /v1/messaging/webhook-refusals` and `…/counts`: the part of the webhook audit log that
//! holds what the receivers turned away (bad signature, not JSON, source not allowed, too
//! large). Refusals are not events: they are kept bounded (see
//! `tendlc_adapters::webhook_refusals`), and counted always. For operators only: what an
//! unauthenticated sender claimed belongs to no customer.
use axum::extract::rejection::QueryRejection;
use axum::extract::State;
use axum::http::Method;
use axum::routing::get;
use axum::Json;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use tendlc_adapters::webhook_refusals::{self, RefusalCount, RefusalFilter, RefusalRow};

use super::responses::ReadErrors;
use super::{query, timestamp, Access, Endpoint, Paging};
use crate::http::auth::Action;
use crate::http::error::ApiError;
use crate::http::state::AppState;
use crate::http::views::Page;

pub fn endpoints() -> Vec<Endpoint> {
    vec![
        Endpoint::new(
            Method::GET,
            "/v1/messaging/webhook-refusals",
            Access::Role(Action::Operate),
            get(list),
        ),
        Endpoint::new(
            Method::GET,
            "/v1/messaging/webhook-refusals/counts",
            Access::Role(Action::Operate),
            get(counts),
        ),
    ]
}

/// One refused delivery, as kept: never its body, only the body's digest and what it claimed.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RefusalView {
    pub id: String,
    /// BRAND | CAMPAIGN | VETTING
    pub category: String,
    /// signature_missing | signature_invalid | signature_unreadable | not_an_object |
    /// nul_character | source_not_allowed | too_large
    pub reason_code: String,
    pub reason: String,
    /// What the receiver answered.
    pub http_status: u16,
    /// VALID | INVALID | MISSING | UNREADABLE | NOT_CHECKED
    pub signature: String,
    pub remote_addr: Option<String>,
    pub body_sha256: String,
    /// `null` when the body was over the size limit and not read.
    pub body_bytes: Option<i32>,
    /// What the body claimed (unauthenticated; at most 64 characters each).
    pub claimed_event_type: Option<String>,
    pub claimed_tcr_brand_id: Option<String>,
    pub claimed_tcr_campaign_id: Option<String>,
    pub user_agent: Option<String>,
    pub received_at: DateTime<Utc>,
}

impl From<RefusalRow> for RefusalView {
    fn from(row: RefusalRow) -> Self {
        Self {
            id: row.id.to_string(),
            category: row.category,
            reason_code: row.reason_code,
            reason: row.reason,
            http_status: row.http_status as u16,
            signature: row.signature,
            remote_addr: row.remote_addr,
            body_sha256: row.body_sha256,
            body_bytes: row.body_bytes,
            claimed_event_type: row.claimed_event_type,
            claimed_tcr_brand_id: row.claimed_tcr_brand_id,
            claimed_tcr_campaign_id: row.claimed_tcr_campaign_id,
            user_agent: row.user_agent,
            received_at: row.received_at,
        }
    }
}

/// Refusals of one category and reason: all of them (`refused`) and those kept as rows.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RefusalCountView {
    pub category: String,
    pub reason_code: String,
    pub refused: i64,
    /// Kept as rows when refused (some may since have been overwritten or pruned).
    pub kept: i64,
    pub first_at: DateTime<Utc>,
    pub last_at: DateTime<Utc>,
}

impl From<RefusalCount> for RefusalCountView {
    fn from(count: RefusalCount) -> Self {
        Self {
            category: count.category,
            reason_code: count.reason_code,
            refused: count.refused,
            kept: count.kept,
            first_at: count.first_at,
            last_at: count.last_at,
        }
    }
}

/// Every counter, and the limits on what is kept.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RefusalCountsView {
    pub counts: Vec<RefusalCountView>,
    /// Rows kept at most; the newest overwrite the oldest.
    pub keep_at_most: i64,
    /// Rows kept per source address (IPv6: per /64) and minute; the rest are only counted.
    pub keep_per_source_per_minute: i64,
    /// Rows older than this are pruned.
    pub retention_hours: u64,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ListQuery {
    #[serde(flatten)]
    paging: Paging,
    reason_code: Option<String>,
    from: Option<String>,
    to: Option<String>,
}

#[utoipa::path(get, operation_id = "listWebhookRefusals", path = "/v1/messaging/webhook-refusals", tag = "webhooks", security(("bearer" = [])),
    params(("reasonCode" = Option<String>, Query, description = "e.g. signature_invalid"),
        ("from" = Option<String>, Query, description = "Received at or after (RFC 3339)"),
        ("to" = Option<String>, Query, description = "Received before (RFC 3339)"),
        ("page" = Option<i64>, Query, description = "1-based page; pages reach row 10000 at most (page × perPage)"), ("perPage" = Option<i64>, Query, description = "1..500, default 50")),
    responses((status = 200, description = "One page of the refused deliveries kept, newest first", body = Page<RefusalView>), ReadErrors))]
async fn list(
    State(state): State<AppState>,
    params: Result<axum::extract::Query<ListQuery>, QueryRejection>,
) -> Result<Json<Page<RefusalView>>, ApiError> {
    let params = query(params)?;
    let (page, per_page, offset) = params.paging.resolve()?;
    let filter = RefusalFilter {
        reason_code: params.reason_code.map(|c| c.to_ascii_lowercase()),
        received_from: timestamp("from", params.from.as_deref())?,
        received_to: timestamp("to", params.to.as_deref())?,
    };
    let (rows, total) = webhook_refusals::list(&state.pool, &filter, per_page, offset).await?;
    Ok(Json(Page {
        items: rows.into_iter().map(Into::into).collect(),
        page,
        per_page,
        total,
    }))
}

#[utoipa::path(get, operation_id = "countWebhookRefusals", path = "/v1/messaging/webhook-refusals/counts", tag = "webhooks", security(("bearer" = [])),
    responses((status = 200, description = "How many deliveries were refused, by category and reason, and what is kept", body = RefusalCountsView), ReadErrors))]
async fn counts(State(state): State<AppState>) -> Result<Json<RefusalCountsView>, ApiError> {
    let limits = state.webhooks.refusals;
    Ok(Json(RefusalCountsView {
        counts: webhook_refusals::counts(&state.pool)
            .await?
            .into_iter()
            .map(Into::into)
            .collect(),
        keep_at_most: limits.kept,
        keep_per_source_per_minute: limits.per_source_per_minute,
        retention_hours: limits.retention.as_secs() / 3600,
    }))
}
