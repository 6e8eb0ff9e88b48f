//! `/v1/messaging/{use-cases,entity-types,verticals}`: TCR's enumerations, cached.
use std::time::{Duration, Instant};

use axum::extract::State;
use axum::http::Method;
use axum::routing::get;
use axum::Json;
use serde_json::Value;
use tokio::sync::Mutex;

use tendlc_domain::tcr::{TcrError, TcrPort};

use super::{Access, Endpoint};
use crate::app::AppState;
use crate::auth::Action;
use crate::error::ApiError;

const CACHE_TTL: Duration = Duration::from_secs(3600);

/// TCR's enumerations change rarely; one fetch an hour per process is plenty.
#[derive(Default)]
pub struct ReferenceCache {
    entries: Mutex<std::collections::HashMap<&'static str, (Instant, Value)>>,
}

impl ReferenceCache {
    async fn get_or_fetch<F, Fut>(&self, key: &'static str, fetch: F) -> Result<Value, ApiError>
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = Result<Value, ApiError>>,
    {
        let mut entries = self.entries.lock().await;
        if let Some((at, value)) = entries.get(key) {
            if at.elapsed() < CACHE_TTL {
                return Ok(value.clone());
            }
        }
        let value = fetch().await?;
        entries.insert(key, (Instant::now(), value.clone()));
        Ok(value)
    }
}

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

/// Which TCR enumeration a route serves.
#[derive(Clone, Copy)]
enum Enumeration {
    UseCases,
    EntityTypes,
    Verticals,
}

impl Enumeration {
    fn key(self) -> &'static str {
        match self {
            Enumeration::UseCases => "use-cases",
            Enumeration::EntityTypes => "entity-types",
            Enumeration::Verticals => "verticals",
        }
    }

    async fn fetch(self, tcr: &dyn TcrPort) -> Result<Value, TcrError> {
        fn items<T: serde::Serialize>(list: Vec<T>) -> Value {
            serde_json::json!({ "items": list })
        }
        match self {
            Enumeration::UseCases => tcr.use_cases().await.result.map(items),
            Enumeration::EntityTypes => tcr.entity_types().await.result.map(items),
            Enumeration::Verticals => tcr.verticals().await.result.map(items),
        }
    }
}

async fn serve(state: AppState, enumeration: Enumeration) -> Result<Json<Value>, ApiError> {
    let tcr = state.tcr.clone();
    let value = state
        .reference
        .get_or_fetch(enumeration.key(), || async move {
            enumeration.fetch(tcr.as_ref()).await.map_err(|error| {
                ApiError::from_tcr(&error, "The list could not be fetched from TCR; try again.")
            })
        })
        .await?;
    Ok(Json(value))
}

#[utoipa::path(get, path = "/v1/messaging/use-cases", tag = "reference", security(("bearer" = [])),
    responses((status = 200, description = "TCR's use cases", body = Object), (status = 401, description = "No valid bearer token", body = crate::error::ErrorBody),
        (status = 403, description = "The role may not do this", body = crate::error::ErrorBody),
        (status = 502, description = "TCR failed or could not be reached; the request is recorded", body = crate::error::ErrorBody),
        (status = 504, description = "TCR did not answer in time; the request is recorded as pending", body = crate::error::ErrorBody)))]
async fn use_cases(State(state): State<AppState>) -> Result<Json<Value>, ApiError> {
    serve(state, Enumeration::UseCases).await
}

#[utoipa::path(get, path = "/v1/messaging/entity-types", tag = "reference", security(("bearer" = [])),
    responses((status = 200, description = "TCR's entity types", body = Object), (status = 401, description = "No valid bearer token", body = crate::error::ErrorBody),
        (status = 403, description = "The role may not do this", body = crate::error::ErrorBody),
        (status = 502, description = "TCR failed or could not be reached; the request is recorded", body = crate::error::ErrorBody),
        (status = 504, description = "TCR did not answer in time; the request is recorded as pending", body = crate::error::ErrorBody)))]
async fn entity_types(State(state): State<AppState>) -> Result<Json<Value>, ApiError> {
    serve(state, Enumeration::EntityTypes).await
}

#[utoipa::path(get, path = "/v1/messaging/verticals", tag = "reference", security(("bearer" = [])),
    responses((status = 200, description = "TCR's verticals", body = Object), (status = 401, description = "No valid bearer token", body = crate::error::ErrorBody),
        (status = 403, description = "The role may not do this", body = crate::error::ErrorBody),
        (status = 502, description = "TCR failed or could not be reached; the request is recorded", body = crate::error::ErrorBody),
        (status = 504, description = "TCR did not answer in time; the request is recorded as pending", body = crate::error::ErrorBody)))]
async fn verticals(State(state): State<AppState>) -> Result<Json<Value>, ApiError> {
    serve(state, Enumeration::Verticals).await
}
