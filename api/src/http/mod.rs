//! The HTTP edge: routes, authentication, reading requests, error answers and views. It calls
//! the application for anything that records or reaches TCR and reads the read models directly;
//! it never records events or calls TCR itself.
pub mod auth;
pub mod bodies;
pub mod error;
pub mod extract;
pub mod idempotency;
pub mod in_time;
pub mod metrics;
mod middleware;
pub mod routes;
pub mod state;
pub mod tls;
pub mod views;

use std::sync::Arc;

use axum::http::{HeaderName, Request, StatusCode};
use axum::Router;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};

use crate::config::InboundLimits;
pub use state::AppState;

pub fn router(state: AppState, cors_origins: &[String], inbound: &InboundLimits) -> Router {
    let request_id = HeaderName::from_static("x-request-id");
    routes::router(state.clone())
        .fallback(routes::no_route)
        .with_state(state.clone())
        .layer(axum::middleware::from_fn_with_state(
            state,
            error::explain_tcr_codes,
        ))
        .layer(middleware::cors(cors_origins))
        // The handler's deadline starts once the body is in.
        .layer(TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            inbound.request_timeout,
        ))
        .layer(axum::middleware::from_fn_with_state(
            Arc::new(inbound.clone()),
            middleware::read_body,
        ))
        .layer(axum::middleware::map_response(error::one_shape))
        .layer(
            TraceLayer::new_for_http().make_span_with(|request: &Request<_>| {
                let id = request
                    .headers()
                    .get("x-request-id")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("none");
                let client = request
                    .extensions()
                    .get::<extract::ClientRequestId>()
                    .map(|c| c.0.as_str());
                tracing::info_span!("request", method = %request.method(), path = %request.uri().path(), request_id = %id, client_request_id = client)
            })
            .on_response(DefaultOnResponse::new().level(tracing::Level::INFO)),
        )
        .layer(PropagateRequestIdLayer::new(request_id.clone()))
        .layer(SetRequestIdLayer::new(request_id, MakeRequestUuid))
        .layer(axum::middleware::from_fn(middleware::client_request_id))
}
