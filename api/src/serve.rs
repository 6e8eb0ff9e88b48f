//! `tendlc serve`: migrations, the projection runners, the workers and the API, until shutdown.
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use secrecy::ExposeSecret;
use tendlc_adapters::db;
use tendlc_adapters::mail::outbox::Outbox;
use tendlc_adapters::mail::sendgrid::SendGrid;
use tendlc_adapters::mail::smtp::Smtp;
use tendlc_adapters::mail::Mailer;
use tendlc_adapters::tcr_budget::SharedBudget;
use tendlc_adapters::tcr_client::{TcrClientConfig, TcrHttpClient};
use tendlc_domain::tcr::TcrPort;
use tendlc_projections::{ProjectionRunner, Wake};
use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::application::Application;
use crate::config::{Config, MailConfig, MailSender};
use crate::http::AppState;
use crate::workers::notifier::Notifier;
use crate::workers::Workers;

/// Names this process in event metadata: host, process id and a random suffix.
fn instance_name() -> Arc<str> {
    let host = std::fs::read_to_string("/etc/hostname")
        .map(|h| h.trim().to_string())
        .unwrap_or_else(|_| "host".into());
    let suffix = &uuid::Uuid::new_v4().simple().to_string()[..6];
    format!("{host}:{}:{suffix}", std::process::id()).into()
}

/// The configured mail sender.
fn mailer(config: &MailConfig) -> anyhow::Result<Arc<dyn Mailer>> {
    Ok(match &config.sender {
        MailSender::Outbox { dir } => {
            tracing::info!(outbox = %dir.display(), "notification mails are written to the outbox folder");
            Arc::new(Outbox::new(dir.clone()))
        }
        MailSender::SendGrid { base_url, api_key } => Arc::new(
            SendGrid::new(base_url, api_key.clone(), config.timeout)
                .map_err(|e| anyhow::anyhow!("cannot build the SendGrid client: {e}"))?,
        ),
        MailSender::Smtp { url } => {
            Arc::new(Smtp::new(url, config.timeout).map_err(|e| anyhow::anyhow!(e))?)
        }
    })
}

/// Runs `serve` until `shutdown` turns true: migrations, projection runners and the API.
pub async fn run(
    config: Config,
    listener: TcpListener,
    shutdown: watch::Receiver<bool>,
) -> anyhow::Result<()> {
    // Counted from the first request on.
    crate::http::metrics::recorder();
    // Migrations run on their own short-lived pool without the statement timeout: a migration
    // on a large table may rightly take long.
    let migrations = db::connect(config.database_url.expose_secret(), 1)
        .await
        .map_err(|e| anyhow::anyhow!("cannot connect to the database: {e}"))?;
    db::migrate(&migrations)
        .await
        .map_err(|e| anyhow::anyhow!("cannot apply migrations: {e}"))?;
    migrations.close().await;
    // Its appends are announced to the other replicas by `Wake::broadcast`, after each commit.
    let pool = db::connect_with_settings(
        config.database_url.expose_secret(),
        config.database_max_connections,
        Some(config.database_statement_timeout),
        &[tendlc_projections::wake::NOTIFIED_AFTER_COMMIT],
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
        .map_err(|e| anyhow::anyhow!("cannot build the TCR client: {e}"))?
        .sharing_limits(SharedBudget::new(
            pool.clone(),
            &config.tcr_base_url,
            &config.tcr_api_key,
            config.tcr_read_rate_per_sec,
            config.tcr_write_rate_per_10s,
        )),
    );
    let wake = Wake::new();
    let instance = instance_name();
    let feed =
        crate::live::Feed::start(pool.clone(), config.inbound.live.clone(), shutdown.clone())
            .await
            .map_err(|e| anyhow::anyhow!("cannot start the live feed: {e}"))?;
    let notifier = Arc::new(Notifier::new(
        pool.clone(),
        mailer(&config.mail)?,
        config.mail.clone(),
        &config.webhooks.public_url,
        instance.clone(),
        config.sync.tick,
    ));
    let app = Arc::new(Application::new(
        pool.clone(),
        tcr,
        wake.clone(),
        config.webhooks.refusals,
        notifier.poker(),
    ));
    let state = AppState {
        pool: pool.clone(),
        tokens: config.tokens.clone(),
        app: app.clone(),
        webhooks: Arc::new(config.webhooks.clone()),
        tcr_api_secret: config.tcr_api_secret.clone(),
        instance: instance.clone(),
        submissions: std::num::NonZeroU32::new(config.submissions_per_minute)
            .map(|n| Arc::new(governor::RateLimiter::keyed(governor::Quota::per_minute(n)))),
        answer_within: config.inbound.answer_within,
        fees: config.fees,
        feed: feed.clone(),
    };
    let sync = Arc::new(Workers {
        pool: pool.clone(),
        app,
        config: config.sync.clone(),
        webhooks: config.webhooks.clone(),
        instance,
        wake: wake.clone(),
        partner_polled: std::sync::Mutex::new(tokio::time::Instant::now()),
    });

    let mut workers = tokio::task::JoinSet::new();
    workers.spawn(wake.clone().listen(pool.clone(), shutdown.clone()));
    workers.spawn(wake.clone().broadcast(pool.clone(), shutdown.clone()));
    workers.spawn(feed.clone().run(wake.clone()));
    workers.spawn(feed.clone().run_notifications());
    for projection in tendlc_projections::all() {
        let runner = ProjectionRunner::new(pool.clone(), projection);
        workers.spawn(runner.run(wake.clone(), shutdown.clone()));
    }
    // The hash chain follows the stream like a projection, but is never rebuilt. It has a
    // connection of its own, so it never waits for (or holds up) the API's and workers' pool.
    let chain_pool = db::connect_bounded(
        config.database_url.expose_secret(),
        1,
        Some(config.database_statement_timeout),
    )
    .await
    .map_err(|e| anyhow::anyhow!("cannot connect to the database: {e}"))?;
    let chain = ProjectionRunner::new(
        chain_pool.clone(),
        Arc::new(tendlc_projections::audit::EventChain),
    );
    workers.spawn(chain.run(wake.clone(), shutdown.clone()));
    workers.spawn(sync.clone().run_webhook_queue(shutdown.clone()));
    workers.spawn(sync.clone().run_webhooks(shutdown.clone()));
    if config.mail.send_here {
        workers.spawn(notifier.run(wake.clone(), shutdown.clone()));
    }
    if config.sync.leader_eligible {
        workers.spawn(sync.clone().run_leader(shutdown.clone()));
    }

    let address: SocketAddr = listener.local_addr()?;
    tracing::info!(%address, tls = config.tls.is_some(), tcr = %config.tcr_base_url, "tendlc is serving");
    let app = crate::http::router(state, &config.cors_origins, &config.inbound)
        .into_make_service_with_connect_info::<SocketAddr>();
    crate::http::tls::serve(
        config.tls.clone(),
        &config.inbound,
        listener,
        app,
        shutdown.clone(),
    )
    .await?;
    // Upgraded connections outlive the HTTP server: let them send their close frames (1001).
    feed.closed(Duration::from_secs(5)).await;
    tracing::info!("API stopped; waiting for background workers");
    while workers.join_next().await.is_some() {}
    chain_pool.close().await;
    pool.close().await;
    Ok(())
}
