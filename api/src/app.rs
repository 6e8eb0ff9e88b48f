//! Wiring: state, router, background runners, graceful shutdown.
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::http::{HeaderName, Request};
use axum::Router;
use postgres_es::PostgresCqrs;
use secrecy::ExposeSecret;
use sqlx::PgPool;
use tendlc_adapters::tcr_client::{TcrClientConfig, TcrHttpClient};
use tendlc_adapters::{db, event_store};
use tendlc_domain::customer::Customer;
use tendlc_domain::tcr::TcrPort;
use tendlc_projections::{ProjectionRunner, Wake};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};

use crate::auth::TokenKeys;
use crate::brand_service::BrandService;
use crate::config::Config;
use crate::routes::reference::ReferenceCache;

/// Shared by every handler.
#[derive(Clone)]
pub struct AppState {
    pub pool: PgPool,
    pub tokens: TokenKeys,
    pub customers: Arc<PostgresCqrs<Customer>>,
    pub brands: Arc<BrandService>,
    pub tcr: Arc<dyn TcrPort>,
    pub reference: Arc<ReferenceCache>,
    pub wake: Wake,
}

const MAX_BODY_BYTES: usize = 256 * 1024;
/// Above the TCR budget, so TCR's own timeout answers first with a clear 504.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(15);

pub fn router(state: AppState) -> Router {
    let request_id = HeaderName::from_static("x-request-id");
    crate::routes::router()
        .with_state(state)
        .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES))
        .layer(TimeoutLayer::with_status_code(axum::http::StatusCode::SERVICE_UNAVAILABLE, REQUEST_TIMEOUT))
        .layer(
            TraceLayer::new_for_http().make_span_with(|request: &Request<_>| {
                let id = request
                    .headers()
                    .get("x-request-id")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("none");
                tracing::info_span!("request", method = %request.method(), path = %request.uri().path(), request_id = %id)
            })
            .on_response(DefaultOnResponse::new().level(tracing::Level::INFO)),
        )
        .layer(PropagateRequestIdLayer::new(request_id.clone()))
        .layer(SetRequestIdLayer::new(request_id, MakeRequestUuid))
}

/// Runs `serve` until `shutdown` turns true: migrations, projection runners and the API.
pub async fn run(
    config: Config,
    listener: TcpListener,
    shutdown: watch::Receiver<bool>,
) -> anyhow::Result<()> {
    let pool = db::connect(
        config.database_url.expose_secret(),
        config.database_max_connections,
    )
    .await
    .map_err(|e| anyhow::anyhow!("cannot connect to the database: {e}"))?;
    db::migrate(&pool)
        .await
        .map_err(|e| anyhow::anyhow!("cannot apply migrations: {e}"))?;

    let tcr: Arc<dyn TcrPort> = Arc::new(
        TcrHttpClient::new(TcrClientConfig {
            base_url: config.tcr_base_url.clone(),
            api_key: config.tcr_api_key.clone(),
            api_secret: config.tcr_api_secret.clone(),
            timeout: config.tcr_timeout,
            connect_timeout: Duration::from_secs(3),
        })
        .map_err(|e| anyhow::anyhow!("cannot build the TCR client: {e}"))?,
    );
    let wake = Wake::new();
    let state = AppState {
        pool: pool.clone(),
        tokens: TokenKeys::hs256(&config.jwt_secret),
        customers: event_store::cqrs(pool.clone(), vec![]),
        brands: Arc::new(BrandService::new(
            pool.clone(),
            event_store::cqrs(pool.clone(), vec![]),
            tcr.clone(),
            wake.clone(),
        )),
        tcr,
        reference: Arc::new(ReferenceCache::default()),
        wake: wake.clone(),
    };

    let mut workers = tokio::task::JoinSet::new();
    workers.spawn(wake.clone().listen(pool.clone(), shutdown.clone()));
    for projection in tendlc_projections::all() {
        let runner = ProjectionRunner::new(pool.clone(), projection);
        workers.spawn(runner.run(wake.clone(), shutdown.clone()));
    }

    let address: SocketAddr = listener.local_addr()?;
    tracing::info!(%address, tcr = %config.tcr_base_url, "tendlc is serving");
    let mut api_shutdown = shutdown.clone();
    axum::serve(listener, router(state))
        .with_graceful_shutdown(async move {
            let _ = api_shutdown.wait_for(|stop| *stop).await;
        })
        .await?;
    tracing::info!("API stopped; waiting for background workers");
    while workers.join_next().await.is_some() {}
    pool.close().await;
    Ok(())
}
