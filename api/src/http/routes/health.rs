//! `GET /health` (the process is alive) and `GET /ready` (it can do its job).
use axum::extract::State;
use axum::http::Method;
use axum::http::StatusCode;
use axum::routing::get;
use axum::Json;
use serde_json::{json, Value};

use super::{Access, Endpoint};
use crate::http::state::AppState;

pub fn endpoints() -> Vec<Endpoint> {
    vec![
        Endpoint::new(Method::GET, "/health", Access::Public, get(health)),
        Endpoint::new(Method::GET, "/ready", Access::Public, get(ready)),
    ]
}

#[utoipa::path(get, path = "/health", tag = "operations",
    responses((status = 200, description = "The process is alive", body = Object)))]
async fn health() -> Json<Value> {
    Json(json!({ "status": "ok" }))
}

#[utoipa::path(get, path = "/ready", tag = "operations",
    responses((status = 200, description = "Database reachable and migrations applied", body = Object),
        (status = 503, description = "Not ready", body = Object)))]
async fn ready(State(state): State<AppState>) -> (StatusCode, Json<Value>) {
    let database = sqlx::query_scalar::<_, i32>("SELECT 1")
        .fetch_one(&state.pool)
        .await
        .is_ok();
    let migrations = database
        && tendlc_adapters::db::migrations_applied(&state.pool)
            .await
            .unwrap_or(false);
    let ready = database && migrations;
    let status = if ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (
        status,
        Json(json!({
            "status": if ready { "ready" } else { "not_ready" },
            "checks": { "database": database, "migrations": migrations },
        })),
    )
}
