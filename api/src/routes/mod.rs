//! One module per route group, each with its own `router()`.
use std::collections::HashMap;
use std::sync::OnceLock;

use axum::extract::{FromRequestParts, MatchedPath, Query, Request, State};
use axum::http::request::Parts;
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::MethodRouter;
use serde::Deserialize;

use crate::app::AppState;
use crate::auth::{Action, Caller};
use crate::error::ApiError;

pub mod brand_identity;
pub mod brands;
mod campaign_schema;
pub mod campaigns;
pub mod customers;
pub mod health;
pub mod openapi;
pub mod reference;
pub mod responses;
pub mod webhook_events;
pub mod webhooks;

/// Who may call an endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone (health checks).
    Public,
    /// TCR, authenticated by the delivery's signature in the handler.
    Webhook,
    /// A bearer token whose role may perform this action.
    Role(Action),
}

/// One route: method, path, who may call it, and the handler. The router is built from this
/// table and access is enforced from it, so no route can exist without an entry.
pub struct Endpoint {
    pub method: Method,
    pub path: &'static str,
    pub access: Access,
    handler: MethodRouter<AppState>,
}

impl Endpoint {
    pub fn new(
        method: Method,
        path: &'static str,
        access: Access,
        handler: MethodRouter<AppState>,
    ) -> Self {
        Self {
            method,
            path,
            access,
            handler,
        }
    }
}

/// Every endpoint tendlc serves.
pub fn endpoints() -> Vec<Endpoint> {
    [
        health::endpoints(),
        openapi::endpoints(),
        customers::endpoints(),
        brands::endpoints(),
        brand_identity::endpoints(),
        campaigns::endpoints(),
        reference::endpoints(),
        webhooks::endpoints(),
        webhook_events::endpoints(),
    ]
    .into_iter()
    .flatten()
    .collect()
}

fn access_table() -> &'static HashMap<(Method, &'static str), Access> {
    static TABLE: OnceLock<HashMap<(Method, &'static str), Access>> = OnceLock::new();
    TABLE.get_or_init(|| {
        endpoints()
            .into_iter()
            .map(|e| ((e.method, e.path), e.access))
            .collect()
    })
}

pub fn router(state: AppState) -> axum::Router<AppState> {
    endpoints()
        .into_iter()
        .fold(axum::Router::new(), |router, endpoint| {
            router.route(endpoint.path, endpoint.handler)
        })
        .route_layer(axum::middleware::from_fn_with_state(state, enforce_access))
}

/// The one place access is decided: authenticate the token, check the role against the
/// table, and hand the caller to the handler.
async fn enforce_access(
    State(state): State<AppState>,
    matched: MatchedPath,
    mut request: Request,
    next: Next,
) -> Result<Response, ApiError> {
    // HEAD is answered by the GET handler (without the body), so it needs what GET needs.
    let method = match request.method() {
        &Method::HEAD => Method::GET,
        other => other.clone(),
    };
    let Some(access) = access_table().get(&(method, matched.as_str())).copied() else {
        return Ok(method_not_allowed(matched.as_str()));
    };
    if let Access::Role(action) = access {
        let (mut parts, body) = request.into_parts();
        let caller = Caller::authenticate(&parts, &state)?;
        caller.require(action)?;
        if action == Action::SubmitRegistrations {
            if let (Some(limiter), Some(customer)) = (&state.submissions, caller.customer) {
                if limiter.check_key(&customer).is_err() {
                    return Err(ApiError::new(
                        axum::http::StatusCode::TOO_MANY_REQUESTS,
                        "submission_rate_limited",
                        "this customer is submitting faster than allowed (TENDLC_SUBMISSIONS_PER_MINUTE); wait a minute and retry",
                    ));
                }
            }
        }
        parts.extensions.insert(caller);
        request = Request::from_parts(parts, body);
    }
    Ok(next.run(request).await)
}

/// A method the access table has no entry for on this path: 405 naming the ones it has.
fn method_not_allowed(path: &str) -> Response {
    let mut allowed: Vec<&str> = access_table()
        .keys()
        .filter(|(_, p)| *p == path)
        .map(|(m, _)| m.as_str())
        .collect();
    if allowed.contains(&"GET") {
        allowed.push("HEAD");
    }
    allowed.sort_unstable();
    let allow = allowed.join(", ");
    let mut response = ApiError::new(
        axum::http::StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        format!("{path} answers only {allow}"),
    )
    .into_response();
    if let Ok(value) = axum::http::HeaderValue::from_str(&allow) {
        response
            .headers_mut()
            .insert(axum::http::header::ALLOW, value);
    }
    response
}

/// Paths no route matches: 404 in the shape every error has.
pub async fn no_route() -> ApiError {
    ApiError::not_found("route")
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

/// JSON bodies are read as values first, so every problem can be named by field. A NUL
/// character (`\u0000`) anywhere is refused by field: Postgres cannot store it in JSON or text.
pub fn json_body(
    result: Result<axum::Json<serde_json::Value>, axum::extract::rejection::JsonRejection>,
) -> Result<serde_json::Value, ApiError> {
    let value = result.map(|axum::Json(v)| v).map_err(|e| {
        ApiError::bad_request(
            "invalid_json",
            format!("the request body is not valid JSON: {}", e.body_text()),
        )
    })?;
    let mut errors = tendlc_domain::validation::ValidationErrors::new();
    nul_fields(&value, "", &mut errors);
    if errors.is_empty() {
        Ok(value)
    } else {
        Err(ApiError::validation(errors))
    }
}

/// Names every place in `value` holding a NUL character (`a.b[2]`, or `body` for the whole).
fn nul_fields(
    value: &serde_json::Value,
    at: &str,
    errors: &mut tendlc_domain::validation::ValidationErrors,
) {
    use serde_json::Value;
    const MESSAGE: &str = "must not contain a NUL character (\\u0000)";
    let name = |at: &str| {
        if at.is_empty() {
            "body".to_string()
        } else {
            at.to_string()
        }
    };
    match value {
        Value::String(s) if s.contains('\0') => errors.add(name(at), MESSAGE),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                nul_fields(item, &format!("{}[{i}]", name(at)), errors);
            }
        }
        Value::Object(map) => {
            for (key, item) in map {
                let key_text = key.replace('\0', "\\u0000");
                let path = if at.is_empty() {
                    key_text
                } else {
                    format!("{at}.{key_text}")
                };
                if key.contains('\0') {
                    errors.add(path.clone(), MESSAGE);
                }
                nul_fields(item, &path, errors);
            }
        }
        _ => {}
    }
}

/// A `Location` header naming `path`.
pub fn location(path: &str) -> axum::http::HeaderMap {
    let mut headers = axum::http::HeaderMap::new();
    if let Ok(value) = axum::http::HeaderValue::from_str(path) {
        headers.insert(axum::http::header::LOCATION, value);
    }
    headers
}

/// Parses a path id as a UUID; anything else is simply not found.
pub fn path_id(text: &str, what: &str) -> Result<uuid::Uuid, ApiError> {
    uuid::Uuid::parse_str(text).map_err(|_| ApiError::not_found(what))
}
