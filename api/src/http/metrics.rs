//! Prometheus metrics: one recorder for the process, and the middleware that counts requests.
//! What is counted elsewhere: TCR calls by outcome (`adapters::tcr_client`), webhook deliveries
//! by verdict (`routes::webhooks`); what is read from the database when scraped: projection lag
//! and the retry queue (`routes::metrics`).
use std::sync::OnceLock;
use std::time::Instant;

use axum::extract::{MatchedPath, Request};
use axum::middleware::Next;
use axum::response::Response;
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};

/// The process's recorder (installed on first use; one per process, however many apps run in
/// it, as in the tests).
pub fn recorder() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        PrometheusBuilder::new()
            .set_buckets(&[
                0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
            ])
            .expect("valid buckets")
            .install_recorder()
            .unwrap_or_else(|_| {
                // Another recorder was installed first: keep one of our own, unexported.
                PrometheusBuilder::new().build_recorder().handle()
            })
    })
}

/// Counts each request by method, route (the matched pattern, never the ids in it) and status,
/// and times it.
pub async fn track(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().to_string();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "unmatched".into());
    let response = next.run(request).await;
    let status = response.status().as_u16().to_string();
    metrics::counter!("tendlc_http_requests_total", "method" => method.clone(), "route" => route.clone(), "status" => status)
        .increment(1);
    metrics::histogram!("tendlc_http_request_duration_seconds", "method" => method, "route" => route)
        .record(started.elapsed().as_secs_f64());
    response
}
