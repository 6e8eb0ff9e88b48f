//! One module per route group, each with its own `router()`.
use axum::extract::{FromRequestParts, Query};
use axum::http::request::Parts;
use serde::Deserialize;

use crate::app::AppState;
use crate::error::ApiError;

pub mod brands;
pub mod customers;
pub mod health;
pub mod reference;
pub mod webhook_events;
pub mod webhooks;

pub fn router() -> axum::Router<AppState> {
    axum::Router::new()
        .merge(health::router())
        .merge(customers::router())
        .merge(brands::router())
        .merge(reference::router())
        .merge(webhooks::router())
        .merge(webhook_events::router())
}

/// The request id the request-id layer assigned (or the caller sent).
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

impl<S: Send + Sync> FromRequestParts<S> for RequestId {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(RequestId(
            parts
                .headers
                .get("x-request-id")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("none")
                .to_string(),
        ))
    }
}

pub const MAX_PER_PAGE: i64 = 500;

/// `?page=&perPage=`, checked.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Paging {
    pub page: Option<String>,
    pub per_page: Option<String>,
}

impl Paging {
    /// (page, per_page, offset)
    pub fn resolve(&self) -> Result<(i64, i64, i64), ApiError> {
        let number =
            |name: &str, text: &Option<String>, default: i64, max: i64| -> Result<i64, ApiError> {
                match text {
                    None => Ok(default),
                    Some(t) => match t.parse::<i64>() {
                        Ok(n) if (1..=max).contains(&n) => Ok(n),
                        _ => Err(ApiError::field(
                            name,
                            format!("must be a whole number from 1 to {max}"),
                        )),
                    },
                }
            };
        let page = number("page", &self.page, 1, 1_000_000)?;
        let per_page = number("perPage", &self.per_page, 50, MAX_PER_PAGE)?;
        Ok((page, per_page, (page - 1) * per_page))
    }
}

/// Query string rejections become our error shape.
pub fn query<T>(
    result: Result<Query<T>, axum::extract::rejection::QueryRejection>,
) -> Result<T, ApiError> {
    result.map(|Query(q)| q).map_err(|e| {
        ApiError::bad_request(
            "invalid_query",
            format!("the query string is not valid: {}", e.body_text()),
        )
    })
}

/// JSON bodies are read as values first, so every problem can be named by field.
pub fn json_body(
    result: Result<axum::Json<serde_json::Value>, axum::extract::rejection::JsonRejection>,
) -> Result<serde_json::Value, ApiError> {
    result.map(|axum::Json(v)| v).map_err(|e| {
        ApiError::bad_request(
            "invalid_json",
            format!("the request body is not valid JSON: {}", e.body_text()),
        )
    })
}

/// Parses a path id as a UUID; anything else is simply not found.
pub fn path_id(text: &str, what: &str) -> Result<uuid::Uuid, ApiError> {
    uuid::Uuid::parse_str(text).map_err(|_| ApiError::not_found(what))
}
