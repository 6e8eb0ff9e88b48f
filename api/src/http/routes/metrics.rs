//! `GET /metrics`: Prometheus text format. Counters and latency histograms from the process,
//! and, read from the database at each scrape (so every replica reports the same): how far
//! each projection is behind the event stream, and how many registrations wait for a retry.
use axum::extract::State;
use axum::http::{header, Method};
use axum::response::IntoResponse;
use axum::routing::get;

use super::{Access, Endpoint};
use crate::http::error::ApiError;
use crate::http::state::AppState;

pub fn endpoints() -> Vec<Endpoint> {
    vec![Endpoint::new(
        Method::GET,
        "/metrics",
        Access::Public,
        get(metrics),
    )]
}

#[utoipa::path(get, path = "/metrics", tag = "operations",
    responses((status = 200, description = "Prometheus text format: requests, TCR calls by outcome, webhook deliveries by verdict, projection lag, retry queue depth", content_type = "text/plain", body = String),
        (status = 500, description = "Internal error (logged)", body = crate::http::error::ErrorBody)))]
async fn metrics(State(state): State<AppState>) -> Result<impl IntoResponse, ApiError> {
    for projection in tendlc_projections::operations::status(&state.pool).await? {
        metrics::gauge!("tendlc_projection_lag_events", "projection" => projection.name.clone())
            .set(projection.lag as f64);
        metrics::gauge!("tendlc_projection_stuck", "projection" => projection.name).set(
            if projection.failure.is_some() {
                1.0
            } else {
                0.0
            },
        );
    }
    let (brands, campaigns): (i64, i64) = sqlx::query_as(
        "SELECT (SELECT count(*) FROM brands_10dlc WHERE status = 'PENDING'),
                (SELECT count(*) FROM campaigns_10dlc WHERE status = 'PENDING')",
    )
    .fetch_one(&state.pool)
    .await?;
    metrics::gauge!("tendlc_retry_queue_depth", "kind" => "brand").set(brands as f64);
    metrics::gauge!("tendlc_retry_queue_depth", "kind" => "campaign").set(campaigns as f64);
    Ok((
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        crate::http::metrics::recorder().render(),
    ))
}
