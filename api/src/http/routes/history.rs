//! `/v1/messaging/{brands|campaigns}/{id}/history`: every recorded step of one registration, in
//! order, from its events (not the read tables); and the registrations' state as of an instant
//! (`?asOf=` on their reads). Scoped like every read: another customer's ids are not found.
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::Method;
use axum::routing::get;
use axum::Json;
use chrono::{DateTime, Utc};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use tendlc_domain::brand::Brand;
use tendlc_domain::campaign::Campaign;
use tendlc_projections::history::{self, Registration, Replayed};
use uuid::Uuid;

use super::responses::ReadErrors;
use super::{path_id, query, timestamp, Access, Endpoint, Paging};
use crate::http::auth::{Action, Caller};
use crate::http::error::ApiError;
use crate::http::state::AppState;
use crate::http::views::{HistoryEntryView, Page};

pub fn endpoints() -> Vec<Endpoint> {
    let read = || Access::Role(Action::ReadRegistrations);
    vec![
        Endpoint::new(
            Method::GET,
            "/v1/messaging/brands/{id}/history",
            read(),
            get(brand_history),
        ),
        Endpoint::new(
            Method::GET,
            "/v1/messaging/campaigns/{id}/history",
            read(),
            get(campaign_history),
        ),
    ]
}

/// `?asOf=` alone (the reads of one brand or campaign).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AsOfQuery {
    pub as_of: Option<String>,
}

impl AsOfQuery {
    /// The instant asked for, checked (422 naming `asOf`).
    pub fn read(
        params: Result<Query<AsOfQuery>, QueryRejection>,
    ) -> Result<Option<DateTime<Utc>>, ApiError> {
        let params = query(params)?;
        timestamp("asOf", params.as_of.as_deref())
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct HistoryQuery {
    #[serde(flatten)]
    paging: Paging,
    as_of: Option<String>,
}

/// Not found unless the registration exists and the caller may see its customer's.
async fn visible<A: Registration>(
    state: &AppState,
    caller: &Caller,
    id: Uuid,
    what: &'static str,
) -> Result<(), ApiError>
where
    A::Event: DeserializeOwned,
{
    let owner = history::owner::<A>(&state.pool, id)
        .await
        .map_err(|e| ApiError::internal(&format!("history of {what} {id}"), e))?;
    match (owner, caller.read_scope()) {
        (Some(owner), Some(scope)) if owner != scope => Err(ApiError::not_found(what)),
        (Some(_), _) => Ok(()),
        (None, _) => Err(ApiError::not_found(what)),
    }
}

/// The registration as the domain folds its events recorded up to `at`; not found before it
/// existed, or when the caller may not see it.
pub async fn replayed<A: Registration>(
    state: &AppState,
    caller: &Caller,
    id: Uuid,
    at: DateTime<Utc>,
    what: &'static str,
) -> Result<Replayed<A>, ApiError>
where
    A::Event: DeserializeOwned,
{
    let replayed = history::as_of::<A>(&state.pool, id, at)
        .await
        .map_err(|e| ApiError::internal(&format!("{what} {id} as of {at}"), e))?
        .ok_or_else(|| ApiError::not_found(what))?;
    match (replayed.state.owner(), caller.read_scope()) {
        (Some(owner), Some(scope)) if owner != scope => Err(ApiError::not_found(what)),
        _ => Ok(replayed),
    }
}

async fn history_page<A: Registration>(
    state: &AppState,
    caller: &Caller,
    id: &str,
    params: Result<Query<HistoryQuery>, QueryRejection>,
    what: &'static str,
) -> Result<Json<Page<HistoryEntryView>>, ApiError>
where
    A::Event: DeserializeOwned,
{
    let id: Uuid = path_id(id, what)?;
    let params = query(params)?;
    let (page, per_page, offset) = params.paging.resolve()?;
    let as_of = timestamp("asOf", params.as_of.as_deref())?;
    visible::<A>(state, caller, id, what).await?;
    let (entries, total) = history::page::<A>(&state.pool, id, as_of, per_page, offset).await?;
    let mut items: Vec<HistoryEntryView> =
        entries.into_iter().map(HistoryEntryView::from).collect();
    let codes: Vec<i64> = items.iter().flat_map(|i| i.recorded_tcr_codes()).collect();
    if !codes.is_empty() {
        let explained = state.app.catalogues.explain(&codes).await;
        for item in &mut items {
            item.tcr_codes = item
                .recorded_tcr_codes()
                .into_iter()
                .map(|code| crate::http::views::TcrCodeView {
                    code,
                    catalogue_description: explained.get(&code).cloned(),
                })
                .collect();
        }
    }
    Ok(Json(Page {
        items,
        page,
        per_page,
        total,
    }))
}

#[utoipa::path(get, operation_id = "getBrandHistory", path = "/v1/messaging/brands/{id}/history", tag = "history", security(("bearer" = [])),
    params(("id" = String, Path, description = "Brand id (ours)"),
        ("X-Customer-ID" = Option<String>, Header, description = "The customer a super admin acts for"),
        ("asOf" = Option<String>, Query, description = "RFC 3339: only what was recorded at or before this instant"),
        ("page" = Option<i64>, Query, description = "1-based page"), ("perPage" = Option<i64>, Query, description = "1..500, default 50")),
    responses((status = 200, description = "The brand's recorded steps and those of its campaigns, oldest first (by stream position): each command, TCR call and answer, webhook, poll, retry and heal, with actor, source, request id and time", body = Page<HistoryEntryView>), ReadErrors))]
async fn brand_history(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    params: Result<Query<HistoryQuery>, QueryRejection>,
) -> Result<Json<Page<HistoryEntryView>>, ApiError> {
    history_page::<Brand>(&state, &caller, &id, params, "brand").await
}

#[utoipa::path(get, operation_id = "getCampaignHistory", path = "/v1/messaging/campaigns/{id}/history", tag = "history", security(("bearer" = [])),
    params(("id" = String, Path, description = "Campaign id (ours)"),
        ("X-Customer-ID" = Option<String>, Header, description = "The customer a super admin acts for"),
        ("asOf" = Option<String>, Query, description = "RFC 3339: only what was recorded at or before this instant"),
        ("page" = Option<i64>, Query, description = "1-based page"), ("perPage" = Option<i64>, Query, description = "1..500, default 50")),
    responses((status = 200, description = "The campaign's recorded steps, oldest first: each command, TCR call and answer, carrier decision, webhook, poll, retry and heal, with actor, source, request id and time", body = Page<HistoryEntryView>), ReadErrors))]
async fn campaign_history(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    params: Result<Query<HistoryQuery>, QueryRejection>,
) -> Result<Json<Page<HistoryEntryView>>, ApiError> {
    history_page::<Campaign>(&state, &caller, &id, params, "campaign").await
}
