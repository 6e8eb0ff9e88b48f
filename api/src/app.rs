//! Wiring: state, router, background runners, graceful shutdown.
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::http::{header, HeaderName, HeaderValue, Method, Request};
use axum::Router;
use postgres_es::PostgresCqrs;
use secrecy::ExposeSecret;
use secrecy::SecretString;
use sqlx::PgPool;
use tendlc_adapters::tcr_client::{TcrClientConfig, TcrHttpClient};
use tendlc_adapters::{db, event_store};
use tendlc_domain::customer::Customer;
use tendlc_domain::tcr::TcrPort;
use tendlc_domain::webhook::WebhookDelivery;
use tendlc_projections::{ProjectionRunner, Wake};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};

use crate::auth::TokenKeys;
use crate::brand_service::BrandService;
use crate::campaign_service::CampaignService;
use crate::config::{Config, WebhookConfig};
use crate::routes::reference::ReferenceCache;
use crate::sync::{subscription, SyncWorkers};

/// Shared by every handler.
#[derive(Clone)]
pub struct AppState {
    pub pool: PgPool,
    pub tokens: TokenKeys,
    pub customers: Arc<PostgresCqrs<Customer>>,
    pub brands: Arc<BrandService>,
    pub campaigns: Arc<CampaignService>,
    pub tcr: Arc<dyn TcrPort>,
    pub reference: Arc<ReferenceCache>,
    pub wake: Wake,
    pub webhooks: Arc<WebhookConfig>,
    pub webhook_deliveries: Arc<PostgresCqrs<WebhookDelivery>>,
    /// The key webhook signatures are checked with (TCR signs with the API secret).
    pub tcr_api_secret: SecretString,
    /// This process, recorded with what it does on its own initiative.
    pub instance: Arc<str>,
    /// Per-customer brake on submissions (billing accidents are expensive).
    pub submissions: Option<Arc<SubmissionLimiter>>,
}

impl AppState {
    /// Reads a brand's state from TCR on a caller's behalf (e.g. right after an OTP was verified).
    pub async fn sync_brand(
        &self,
        row: &tendlc_projections::brands::BrandRow,
        request_id: &str,
    ) -> Result<bool, tendlc_domain::tcr::TcrError> {
        let metadata = tendlc_domain::metadata::EventMetadata::new(
            Some(row.customer_id.to_string()),
            "system:api",
            request_id,
            tendlc_domain::metadata::Source::Api,
        )
        .with_instance(self.instance.to_string());
        self.brands
            .observe(
                row.brand_id,
                metadata,
                tendlc_domain::metadata::Source::Api,
                false,
            )
            .await
    }
}

/// Submissions allowed per customer.
pub type SubmissionLimiter = governor::DefaultKeyedRateLimiter<uuid::Uuid>;

/// Names this process in event metadata: host, process id and a random suffix.
fn instance_name() -> Arc<str> {
    let host = std::fs::read_to_string("/etc/hostname")
        .map(|h| h.trim().to_string())
        .unwrap_or_else(|_| "host".into());
    let suffix = &uuid::Uuid::new_v4().simple().to_string()[..6];
    format!("{host}:{}:{suffix}", std::process::id()).into()
}

const MAX_BODY_BYTES: usize = 256 * 1024;
/// Above the TCR budget, so TCR's own timeout answers first with a clear 504.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(15);

/// Lets the portal's origins call the API with the headers it needs, and nothing wider.
fn cors(origins: &[String]) -> CorsLayer {
    let origins: Vec<HeaderValue> = origins
        .iter()
        .filter_map(|o| HeaderValue::from_str(o).ok())
        .collect();
    CorsLayer::new()
        .allow_origin(AllowOrigin::list(origins))
        .allow_methods([Method::GET, Method::POST, Method::PATCH, Method::DELETE])
        .allow_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            HeaderName::from_static(crate::auth::CUSTOMER_HEADER),
            HeaderName::from_static("x-request-id"),
        ])
        .expose_headers([header::LOCATION, HeaderName::from_static("x-request-id")])
        .max_age(Duration::from_secs(600))
}

pub fn router(state: AppState, cors_origins: &[String]) -> Router {
    let request_id = HeaderName::from_static("x-request-id");
    crate::routes::router(state.clone())
        .with_state(state)
        .layer(cors(cors_origins))
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
            read_rate_per_sec: config.tcr_read_rate_per_sec,
            write_rate_per_10s: config.tcr_write_rate_per_10s,
        })
        .map_err(|e| anyhow::anyhow!("cannot build the TCR client: {e}"))?,
    );
    let wake = Wake::new();
    let state = AppState {
        pool: pool.clone(),
        tokens: config.tokens.clone(),
        customers: event_store::cqrs(pool.clone()),
        brands: Arc::new(BrandService::new(
            pool.clone(),
            event_store::cqrs(pool.clone()),
            tcr.clone(),
            wake.clone(),
        )),
        campaigns: Arc::new(CampaignService::new(
            pool.clone(),
            event_store::cqrs(pool.clone()),
            tcr.clone(),
            wake.clone(),
        )),
        tcr: tcr.clone(),
        reference: Arc::new(ReferenceCache::default()),
        wake: wake.clone(),
        webhooks: Arc::new(config.webhooks.clone()),
        webhook_deliveries: event_store::cqrs(pool.clone()),
        tcr_api_secret: config.tcr_api_secret.clone(),
        instance: instance_name(),
        submissions: std::num::NonZeroU32::new(config.submissions_per_minute)
            .map(|n| Arc::new(governor::RateLimiter::keyed(governor::Quota::per_minute(n)))),
    };
    let sync = Arc::new(SyncWorkers {
        pool: pool.clone(),
        brands: state.brands.clone(),
        campaigns: state.campaigns.clone(),
        tcr: tcr.clone(),
        deliveries: state.webhook_deliveries.clone(),
        config: config.sync.clone(),
        instance: state.instance.clone(),
        wake: wake.clone(),
    });

    let mut workers = tokio::task::JoinSet::new();
    workers.spawn(wake.clone().listen(pool.clone(), shutdown.clone()));
    for projection in tendlc_projections::all() {
        let runner = ProjectionRunner::new(pool.clone(), projection);
        workers.spawn(runner.run(wake.clone(), shutdown.clone()));
    }
    workers.spawn(sync.clone().run_webhooks(shutdown.clone()));
    if config.sync.leader_eligible {
        workers.spawn(sync.clone().run_leader(shutdown.clone()));
    }
    if config.webhooks.subscribe {
        let webhooks = config.webhooks.clone();
        let tcr = tcr.clone();
        // Not awaited: start-up does not wait on TCR.
        tokio::spawn(async move { subscription::subscribe(tcr.as_ref(), &webhooks).await });
    }

    let address: SocketAddr = listener.local_addr()?;
    tracing::info!(%address, tls = config.tls.is_some(), tcr = %config.tcr_base_url, "tendlc is serving");
    let app =
        router(state, &config.cors_origins).into_make_service_with_connect_info::<SocketAddr>();
    match config.tls.clone() {
        Some(tls) => crate::tls::serve(tls, listener, app, shutdown.clone()).await?,
        None => {
            let mut api_shutdown = shutdown.clone();
            axum::serve(listener, app)
                .with_graceful_shutdown(async move {
                    let _ = api_shutdown.wait_for(|stop| *stop).await;
                })
                .await?;
        }
    }
    tracing::info!("API stopped; waiting for background workers");
    while workers.join_next().await.is_some() {}
    pool.close().await;
    Ok(())
}
