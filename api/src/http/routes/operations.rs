//! `GET /v1/operations/projections`: for operators, where each projection stands — its position,
//! how many events it is behind, the event it is stuck at (and why), and what it was told to
//! skip. A stuck projection is shown here and logged; it does not fail `/ready`, which would take
//! every replica out of service at once.
use axum::extract::State;
use axum::http::Method;
use axum::routing::get;
use axum::Json;
use chrono::{DateTime, Utc};
use serde::Serialize;
use tendlc_projections::operations::{self, EventRef, Failure, Skip, Status};

use super::{Access, Endpoint};
use crate::http::auth::{Action, Caller};
use crate::http::error::ApiError;
use crate::http::state::AppState;

pub fn endpoints() -> Vec<Endpoint> {
    vec![Endpoint::new(
        Method::GET,
        "/v1/operations/projections",
        Access::Role(Action::Operate),
        get(projections),
    )]
}

/// Every projection (and the workers' webhook queue, which follows the stream the same way).
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProjectionsView {
    pub projections: Vec<ProjectionView>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProjectionView {
    pub name: String,
    /// The global position of the last event read past.
    pub position: i64,
    /// Events recorded after that, not yet applied.
    pub lag: i64,
    pub events_applied: i64,
    pub updated_at: DateTime<Utc>,
    /// The event it cannot apply, when it is stuck; `null` when it is running.
    pub failure: Option<FailureView>,
    /// Events operators had it pass over, oldest first.
    pub skipped: Vec<SkipView>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct EventView {
    pub position: i64,
    pub aggregate_type: String,
    pub aggregate_id: String,
    pub sequence: i64,
    pub event_type: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct FailureView {
    /// The global position of the event it is stuck at (give it to `projections skip`).
    pub position: i64,
    pub event: EventView,
    pub error: String,
    pub since: DateTime<Utc>,
    pub attempts: i32,
    pub next_attempt_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SkipView {
    pub position: i64,
    pub event: EventView,
    /// The failure the event had.
    pub error: String,
    pub reason: String,
    pub skipped_by: String,
    pub skipped_at: DateTime<Utc>,
}

impl From<EventRef> for EventView {
    fn from(event: EventRef) -> Self {
        Self {
            position: event.global_position,
            aggregate_type: event.aggregate_type,
            aggregate_id: event.aggregate_id,
            sequence: event.sequence,
            event_type: event.event_type,
        }
    }
}

impl From<Failure> for FailureView {
    fn from(failure: Failure) -> Self {
        Self {
            position: failure.event.global_position,
            event: failure.event.into(),
            error: failure.error,
            since: failure.since,
            attempts: failure.attempts,
            next_attempt_at: failure.next_attempt_at,
        }
    }
}

impl From<Skip> for SkipView {
    fn from(skip: Skip) -> Self {
        Self {
            position: skip.event.global_position,
            event: skip.event.into(),
            error: skip.error,
            reason: skip.reason,
            skipped_by: skip.skipped_by,
            skipped_at: skip.skipped_at,
        }
    }
}

impl From<Status> for ProjectionView {
    fn from(status: Status) -> Self {
        Self {
            name: status.name,
            position: status.position,
            lag: status.lag,
            events_applied: status.events_applied,
            updated_at: status.updated_at,
            failure: status.failure.map(Into::into),
            skipped: status.skipped.into_iter().map(Into::into).collect(),
        }
    }
}

#[utoipa::path(get, operation_id = "listProjections", path = "/v1/operations/projections", tag = "operations", security(("bearer" = [])),
    responses((status = 200, description = "Each projection's position, lag, failure and skips", body = ProjectionsView),
        (status = 401, description = "No valid bearer token", body = crate::http::error::ErrorBody),
        (status = 403, description = "The role may not do this", body = crate::http::error::ErrorBody),
        (status = 500, description = "Internal error (logged)", body = crate::http::error::ErrorBody)))]
async fn projections(
    State(state): State<AppState>,
    _caller: Caller,
) -> Result<Json<ProjectionsView>, ApiError> {
    let projections = operations::status(&state.pool).await?;
    Ok(Json(ProjectionsView {
        projections: projections.into_iter().map(Into::into).collect(),
    }))
}
