//! `GET /ws`: the live feed; `POST /v1/ws-tickets`: a single-use ticket to open it from a browser.
//!
//! A browser cannot set headers on a WebSocket, and a token in a URL ends up in logs, so the
//! feed also takes the bearer token as a subprotocol (`tendlc.v1, bearer.<jwt>`; `tendlc.v1` is
//! echoed) or a ticket (`?ticket=`, valid 30 s, spent on first use).
use axum::extract::rejection::QueryRejection;
use axum::extract::ws::rejection::WebSocketUpgradeRejection;
use axum::extract::ws::WebSocketUpgrade;
use axum::extract::{Query, State};
use axum::http::request::Parts;
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Json;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{query, Access, Endpoint};
use crate::http::auth::{Action, Caller, Role};
use crate::http::error::ApiError;
use crate::http::state::AppState;
use crate::live::{socket, tickets};

pub const SOCKET_PATH: &str = "/ws";

pub fn endpoints() -> Vec<Endpoint> {
    vec![
        Endpoint::new(
            Method::GET,
            SOCKET_PATH,
            Access::Role(Action::ReadRegistrations),
            get(open),
        ),
        Endpoint::new(
            Method::POST,
            "/v1/ws-tickets",
            Access::Role(Action::ReadRegistrations),
            post(ticket),
        ),
    ]
}

/// What `GET /ws` takes in its query string.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct SocketQuery {
    /// The `position` of the last change the client saw: what came after it is sent first
    /// (0: from the start of the stream). Absent: only what happens from now on.
    pub after: Option<i64>,
    /// A super admin's choice of customer to watch (default: the `X-Customer-ID` header, or
    /// every customer). Ignored for customer tokens: they watch their own.
    pub customer: Option<Uuid>,
    /// A ticket from `POST /v1/ws-tickets` (instead of a bearer token).
    pub ticket: Option<String>,
}

/// The bearer token a browser offers as a `bearer.<jwt>` subprotocol.
fn protocol_token(parts: &Parts) -> Option<String> {
    parts
        .headers
        .get_all(axum::http::header::SEC_WEBSOCKET_PROTOCOL)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .find_map(|p| p.strip_prefix("bearer.").map(String::from))
}

/// The caller of `GET /ws` when it did not send an `Authorization` header: from a subprotocol
/// token or a ticket; `None` when it sent neither.
pub async fn socket_caller(parts: &Parts, state: &AppState) -> Result<Option<Caller>, ApiError> {
    if let Some(token) = protocol_token(parts) {
        let claims = state.tokens.verify(&token)?;
        return Ok(Some(Caller {
            subject: claims.sub,
            role: claims.role,
            customer: claims.customer_id.map(Into::into),
            client_request_id: None,
        }));
    }
    let ticket = parts
        .uri
        .query()
        .and_then(|q| url_pairs(q).find(|(k, _)| k == "ticket").map(|(_, v)| v));
    match ticket {
        Some(ticket) => tickets::redeem(&state.pool, &ticket)
            .await
            .map_err(|e| ApiError::internal("ws ticket", e))?
            .map(Some)
            .ok_or_else(|| {
                ApiError::unauthorized(
                    "the ticket is unknown, used or expired; ask POST /v1/ws-tickets for a new one",
                )
            }),
        None => Ok(None),
    }
}

fn url_pairs(query: &str) -> impl Iterator<Item = (String, String)> + '_ {
    query.split('&').filter_map(|pair| {
        let (key, value) = pair.split_once('=')?;
        Some((key.to_string(), value.to_string()))
    })
}

#[utoipa::path(get, operation_id = "openLiveFeed", path = "/ws", tag = "live", security(("bearer" = [])),
    params(SocketQuery),
    description = "Opens the live feed (a WebSocket). Authenticate with `Authorization: Bearer`, with the subprotocols \
`tendlc.v1, bearer.<jwt>` (`tendlc.v1` is echoed), or with `?ticket=` from `POST /v1/ws-tickets`. Messages are JSON: \
`hello`, then the changes after `after` read from the store, then `live`, then each change as it is committed \
(`{type: change, position, customerId, entity: {type, id}, event, field, carrier, from, to, source, reason, summary, at}`), \
and each status change of the customer's notifications (`{type: notification, id, customerId, kind, subject: {type, id, name}, \
status, previousStatus, recipient, reason, at}`; no position: not replayed on `after`, read `GET /v1/notifications` for what was missed). \
A client too far behind gets `{type: lagged, position}` and close code 4000; one not heard from within the idle \
timeout gets 4001; a server shutting down closes with 1001.",
    responses((status = 101, description = "Switching to the WebSocket protocol"),
        (status = 400, description = "Not a WebSocket upgrade, or a bad query", body = crate::http::error::ErrorBody),
        (status = 401, description = "No valid bearer token or ticket", body = crate::http::error::ErrorBody),
        (status = 403, description = "The role may not do this", body = crate::http::error::ErrorBody),
        (status = 422, description = "`after` names no event", body = crate::http::error::ErrorBody),
        (status = 500, description = "Internal error (logged)", body = crate::http::error::ErrorBody)))]
async fn open(
    State(state): State<AppState>,
    caller: Caller,
    params: Result<Query<SocketQuery>, QueryRejection>,
    upgrade: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Result<Response, ApiError> {
    let params = query(params)?;
    let upgrade = upgrade.map_err(|e| {
        ApiError::bad_request(
            "websocket_required",
            format!("GET /ws opens a WebSocket: {}", e.body_text()),
        )
    })?;
    let scope = match caller.role {
        Role::Superadmin => params.customer.or(caller.read_scope()),
        Role::CustomerAdmin | Role::CustomerUser => caller.read_scope(),
    };
    let feed = state.feed.clone();
    let after = match params.after {
        None => None,
        Some(n) if n < 0 => return Err(ApiError::field("after", "must be a position (0 or more)")),
        Some(n) => Some(
            feed.position_of(n)
                .await
                .map_err(|e| ApiError::internal("live feed", e))?
                .ok_or_else(|| ApiError::field("after", format!("no event has position {n}")))?,
        ),
    };
    Ok(upgrade
        .protocols([socket::PROTOCOL])
        // Clients send next to nothing: a small read buffer keeps a connection cheap.
        .read_buffer_size(socket::READ_BUFFER)
        .max_message_size(socket::MAX_INCOMING)
        .max_frame_size(socket::MAX_INCOMING)
        .on_upgrade(move |ws| socket::serve(ws, feed, scope, after))
        .into_response())
}

/// A ticket that opens the live feed once.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TicketView {
    /// Pass as `GET /ws?ticket=`; single use.
    pub ticket: String,
    pub expires_at: DateTime<Utc>,
    /// The customer the feed will be for; absent: every customer (a super admin without
    /// `X-Customer-ID`).
    pub customer_id: Option<Uuid>,
}

#[utoipa::path(post, operation_id = "createWsTicket", path = "/v1/ws-tickets", tag = "live", security(("bearer" = [])),
    description = "A single-use ticket (valid 30 s) that opens `GET /ws` as this caller, for the customer it acts for \
(a super admin: `X-Customer-ID`, or every customer without it). Only its digest is kept.",
    responses((status = 201, description = "Issued", body = TicketView),
        (status = 401, description = "No valid bearer token", body = crate::http::error::ErrorBody),
        (status = 403, description = "The role may not do this", body = crate::http::error::ErrorBody),
        (status = 500, description = "Internal error (logged)", body = crate::http::error::ErrorBody)))]
async fn ticket(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<(StatusCode, Json<TicketView>), ApiError> {
    let (ticket, expires_at) = tickets::issue(&state.pool, &caller)
        .await
        .map_err(|e| ApiError::internal("ws ticket", e))?;
    Ok((
        StatusCode::CREATED,
        Json(TicketView {
            ticket,
            expires_at,
            customer_id: caller.read_scope(),
        }),
    ))
}
