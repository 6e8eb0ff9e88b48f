//! Wiring: state, router, background runners, graceful shutdown.
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::State;
use axum::http::{header, HeaderName, HeaderValue, Method, Request, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;
use http_body_util::BodyExt;
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
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};

use crate::auth::TokenKeys;
use crate::brand_service::BrandService;
use crate::campaign_service::CampaignService;

use crate::config::{Config, InboundLimits, WebhookConfig};
use crate::error::ApiError;
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

pub fn router(state: AppState, cors_origins: &[String], inbound: &InboundLimits) -> Router {
    let request_id = HeaderName::from_static("x-request-id");
    crate::routes::router(state.clone())
        .fallback(crate::routes::no_route)
        .with_state(state)
        .layer(cors(cors_origins))
        // The handler's deadline starts once the body is in.
        .layer(TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            inbound.request_timeout,
        ))
        .layer(axum::middleware::from_fn_with_state(
            Arc::new(inbound.clone()),
            read_body,
        ))
        .layer(axum::middleware::map_response(crate::error::one_shape))
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

/// Reads the whole request body before any handler runs: at most `max_body_bytes` (413), within
/// `body_read_timeout` of the headers (408, and the connection is closed), so a client that
/// sends its headers and then stalls or trickles the body is cut off with a clear answer.
/// A query string holding a NUL character (`%00`) is refused here too (400): no handler could
/// store or look it up (Postgres text cannot hold NUL).
async fn read_body(
    State(limits): State<Arc<InboundLimits>>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    if request
        .uri()
        .query()
        .is_some_and(|q| q.to_ascii_lowercase().contains("%00"))
    {
        return ApiError::bad_request(
            "invalid_query",
            "the query string contains a NUL character (%00)",
        )
        .into_response();
    }
    let (parts, body) = request.into_parts();
    let too_large = || {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "body_too_large",
            format!(
                "the request body is larger than {} bytes",
                limits.max_body_bytes
            ),
        )
        .into_response()
    };
    let declared = parts
        .headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limits.max_body_bytes as u64) {
        return too_large();
    }
    let limited = http_body_util::Limited::new(body, limits.max_body_bytes);
    match tokio::time::timeout(limits.body_read_timeout, limited.collect()).await {
        Ok(Ok(collected)) => {
            next.run(axum::extract::Request::from_parts(
                parts,
                axum::body::Body::from(collected.to_bytes()),
            ))
            .await
        }
        Ok(Err(error)) if error.is::<http_body_util::LengthLimitError>() => too_large(),
        Ok(Err(error)) => {
            tracing::info!(%error, "request body could not be read");
            ApiError::bad_request("unreadable_body", "the request body could not be read")
                .into_response()
        }
        Err(_) => {
            tracing::warn!(
                path = %parts.uri.path(),
                timeout_ms = limits.body_read_timeout.as_millis() as u64,
                "request body did not arrive in time; closing the connection"
            );
            let mut response = ApiError::new(
                StatusCode::REQUEST_TIMEOUT,
                "request_timeout",
                format!(
                    "the request body did not arrive within {} ms (TENDLC_BODY_READ_TIMEOUT_MS)",
                    limits.body_read_timeout.as_millis()
                ),
            )
            .into_response();
            response
                .headers_mut()
                .insert(header::CONNECTION, HeaderValue::from_static("close"));
            response
        }
    }
}

/// Runs `serve` until `shutdown` turns true: migrations, projection runners and the API.
pub async fn run(
    config: Config,
    listener: TcpListener,
    shutdown: watch::Receiver<bool>,
) -> anyhow::Result<()> {
    // Migrations run on their own short-lived pool without the statement timeout: a migration
    // on a large table may rightly take long.
    let migrations = db::connect(config.database_url.expose_secret(), 1)
        .await
        .map_err(|e| anyhow::anyhow!("cannot connect to the database: {e}"))?;
    db::migrate(&migrations)
        .await
        .map_err(|e| anyhow::anyhow!("cannot apply migrations: {e}"))?;
    migrations.close().await;
    let pool = db::connect_bounded(
        config.database_url.expose_secret(),
        config.database_max_connections,
        Some(config.database_statement_timeout),
    )
    .await
    .map_err(|e| anyhow::anyhow!("cannot connect to the database: {e}"))?;

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
    let app = router(state, &config.cors_origins, &config.inbound)
        .into_make_service_with_connect_info::<SocketAddr>();
    crate::tls::serve(
        config.tls.clone(),
        &config.inbound,
        listener,
        app,
        shutdown.clone(),
    )
    .await?;
    tracing::info!("API stopped; waiting for background workers");
    while workers.join_next().await.is_some() {}
    pool.close().await;
    Ok(())
}
