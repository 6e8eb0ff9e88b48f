//! `/v1/messaging/{use-cases,entity-types,verticals}`: TCR's enumerations.
use axum::extract::State;
use axum::http::Method;
use axum::routing::get;
use axum::Json;
use serde_json::Value;

use super::{Access, Endpoint};
use crate::application::reference::Enumeration;
use crate::http::auth::Action;
use crate::http::error::ApiError;
use crate::http::state::AppState;

pub fn endpoints() -> Vec<Endpoint> {
    let read = Access::Role(Action::ReadReference);
    vec![
        Endpoint::new(Method::GET, "/v1/messaging/use-cases", read, get(use_cases)),
        Endpoint::new(
            Method::GET,
            "/v1/messaging/entity-types",
            read,
            get(entity_types),
        ),
        Endpoint::new(Method::GET, "/v1/messaging/verticals", read, get(verticals)),
    ]
}

async fn serve(state: AppState, enumeration: Enumeration) -> Result<Json<Value>, ApiError> {
    Ok(Json(state.app.reference.list(enumeration).await?))
}

#[utoipa::path(get, path = "/v1/messaging/use-cases", tag = "reference", security(("bearer" = [])),
    responses((status = 200, description = "TCR's use cases", body = Object), (status = 401, description = "No valid bearer token", body = crate::http::error::ErrorBody),
        (status = 403, description = "The role may not do this", body = crate::http::error::ErrorBody),
        (status = 502, description = "TCR failed or could not be reached; the request is recorded", body = crate::http::error::ErrorBody),
        (status = 504, description = "TCR did not answer in time; the request is recorded as pending", body = crate::http::error::ErrorBody)))]
async fn use_cases(State(state): State<AppState>) -> Result<Json<Value>, ApiError> {
    serve(state, Enumeration::UseCases).await
}

#[utoipa::path(get, path = "/v1/messaging/entity-types", tag = "reference", security(("bearer" = [])),
    responses((status = 200, description = "TCR's entity types", body = Object), (status = 401, description = "No valid bearer token", body = crate::http::error::ErrorBody),
        (status = 403, description = "The role may not do this", body = crate::http::error::ErrorBody),
        (status = 502, description = "TCR failed or could not be reached; the request is recorded", body = crate::http::error::ErrorBody),
        (status = 504, description = "TCR did not answer in time; the request is recorded as pending", body = crate::http::error::ErrorBody)))]
async fn entity_types(State(state): State<AppState>) -> Result<Json<Value>, ApiError> {
    serve(state, Enumeration::EntityTypes).await
}

#[utoipa::path(get, path = "/v1/messaging/verticals", tag = "reference", security(("bearer" = [])),
    responses((status = 200, description = "TCR's verticals", body = Object), (status = 401, description = "No valid bearer token", body = crate::http::error::ErrorBody),
        (status = 403, description = "The role may not do this", body = crate::http::error::ErrorBody),
        (status = 502, description = "TCR failed or could not be reached; the request is recorded", body = crate::http::error::ErrorBody),
        (status = 504, description = "TCR did not answer in time; the request is recorded as pending", body = crate::http::error::ErrorBody)))]
async fn verticals(State(state): State<AppState>) -> Result<Json<Value>, ApiError> {
    serve(state, Enumeration::Verticals).await
}
