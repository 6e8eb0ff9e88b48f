//! One module per route group, each listing its endpoints; the router and the permission walk
//! are built from that one table.
use std::collections::HashMap;
use std::sync::OnceLock;

use axum::extract::{MatchedPath, Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::MethodRouter;

use crate::http::auth::{Action, Caller};
use crate::http::error::ApiError;
use crate::http::state::AppState;

pub mod attachments;
pub mod brand_evidence;
pub mod brand_identity;
pub mod brands;
pub mod campaign_files;
pub mod campaigns;
pub mod catalogues;
pub mod console;
pub mod customers;
pub mod health;
pub mod history;
pub mod live;
pub mod metrics;
pub mod notifications;
pub mod openapi;
pub mod operations;
pub mod partner_campaigns;
pub mod reference;
pub mod reports;
pub mod resellers;
pub mod responses;
pub mod tcr_account;
pub mod webhook_events;
pub mod webhook_refusals;
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

    /// Writes under `/v1`: answered within the answer budget, and retried safely with an
    /// `Idempotency-Key`.
    pub fn is_write(&self) -> bool {
        self.path.starts_with("/v1/")
            && [Method::POST, Method::PATCH, Method::DELETE].contains(&self.method)
    }
}

/// Every endpoint tendlc serves.
pub fn endpoints() -> Vec<Endpoint> {
    [
        health::endpoints(),
        metrics::endpoints(),
        openapi::endpoints(),
        customers::endpoints(),
        brands::endpoints(),
        brand_identity::endpoints(),
        brand_evidence::endpoints(),
        campaigns::endpoints(),
        resellers::endpoints(),
        partner_campaigns::endpoints(),
        tcr_account::endpoints(),
        campaign_files::endpoints(),
        attachments::endpoints(),
        history::endpoints(),
        reports::endpoints(),
        reference::endpoints(),
        catalogues::endpoints(),
        webhooks::endpoints(),
        webhook_events::endpoints(),
        webhook_refusals::endpoints(),
        operations::endpoints(),
        notifications::endpoints(),
        live::endpoints(),
        console::endpoints(),
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
            let handler = if endpoint.is_write() {
                endpoint
                    .handler
                    .layer(axum::middleware::from_fn_with_state(
                        state.clone(),
                        crate::http::in_time::answer_in_time,
                    ))
                    .layer(axum::middleware::from_fn_with_state(
                        state.clone(),
                        crate::http::idempotency::idempotent,
                    ))
            } else {
                endpoint.handler
            };
            router.route(endpoint.path, handler)
        })
        .route_layer(axum::middleware::from_fn_with_state(state, enforce_access))
        .route_layer(axum::middleware::from_fn(crate::http::metrics::track))
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
        let socket = matched.as_str() == live::SOCKET_PATH
            && !parts
                .headers
                .contains_key(axum::http::header::AUTHORIZATION);
        let caller = match socket {
            // Browsers cannot set headers on a WebSocket: a subprotocol token or a ticket.
            true => live::socket_caller(&parts, &state).await?.ok_or_else(|| {
                ApiError::unauthorized(
                    "send a bearer token (Authorization header or a bearer.<jwt> subprotocol) or a ticket from POST /v1/ws-tickets",
                )
            })?,
            false => Caller::authenticate(&parts, &state)?,
        };
        caller.require(action)?;
        if action == Action::SubmitRegistrations {
            if let (Some(limiter), Some(customer)) = (&state.submissions, caller.customer) {
                if limiter.check_key(&customer.into()).is_err() {
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

pub use super::extract::{location, path_id, query, timestamp, Body, Paging, RequestId};
