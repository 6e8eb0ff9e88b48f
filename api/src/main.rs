//! `tendlc`: one binary for the service, its tools and the TCR simulator.
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use clap::{Parser, Subcommand};
use secrecy::ExposeSecret;
use tendlc_api::http::auth::{Claims, Role, TokenKeys};
use tendlc_api::{bench, chaos, config, operate, rebuild, serve, telemetry};
use tokio::sync::watch;
use uuid::Uuid;

#[derive(Parser)]
#[command(
    name = "tendlc",
    version,
    about = "Register 10DLC brands and campaigns with The Campaign Registry, keep them in sync, prove what happened."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the API and its background workers (applies migrations first).
    Serve,
    /// Apply database migrations and exit.
    Migrate,
    /// See the projections, and retry or skip the event one is stuck at.
    #[command(subcommand)]
    Projections(operate::ProjectionsCommand),
    /// Rebuild read models from the events while `serve` keeps answering: into new tables,
    /// compared with the live ones, then swapped in. Interrupt and run again to go on.
    Rebuild(rebuild::RebuildArgs),
    /// Measure the performance table beside raw Postgres, on a database of its own (created on
    /// DATABASE_URL's server, dropped after); prints the table and writes a JSON file.
    Bench(bench::BenchArgs),
    /// The fault-injection run: three replicas on a Postgres server of its own, the simulator
    /// failing calls and mangling webhooks, replicas killed, Postgres restarted, a projection
    /// stuck; then checks that nothing acknowledged was lost, nothing registered twice, all
    /// converged. Prints the counts; fails if a check does.
    Chaos(chaos::ChaosArgs),
    /// A brand's or campaign's history, from its events: every command, TCR call and answer,
    /// webhook, poll, retry and heal, with actor, source, request id and time.
    #[command(subcommand)]
    History(operate::HistoryCommand),
    /// Tamper evidence: verify the hash chain over every event, or export its head.
    #[command(subcommand)]
    Audit(operate::AuditCommand),
    /// Reports from the events: a customer's compliance report, TCR fees, a brand's evidence pack.
    #[command(subcommand)]
    Report(operate::ReportCommand),
    /// Run the TCR CSP API v2 simulator.
    #[command(after_long_help = tendlc_tcr_sim::MAGIC_INPUTS_HELP)]
    TcrSim(SimArgs),
    /// Mint a bearer token for local use (signed with TENDLC_JWT_SECRET).
    Token {
        #[arg(long, value_enum)]
        role: Role,
        /// The customer a customer_admin / customer_user token belongs to.
        #[arg(long, conflicts_with = "ban")]
        customer: Option<Uuid>,
        /// The same customer, named by its billing account number instead of its id.
        #[arg(long)]
        ban: Option<String>,
        /// Subject (user id) recorded as the actor of what the token does.
        #[arg(long, default_value = "local-user")]
        subject: String,
        /// Lifetime in hours, 1 to 720 (30 days).
        #[arg(long, default_value_t = 12, value_parser = clap::value_parser!(u64).range(1..=720))]
        hours: u64,
    },
}

#[derive(clap::Args)]
struct SimArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8081")]
    listen: std::net::SocketAddr,
    /// Seconds from brand registration to identity scoring.
    #[arg(long, default_value_t = 30.0)]
    scoring_delay_secs: f64,
    /// Seconds a carrier takes to decide on a campaign in REVIEW.
    #[arg(long, default_value_t = 30.0)]
    campaign_review_delay_secs: f64,
    /// Seconds an ordered external vet spends PENDING, then again UNSCORE, before its result.
    #[arg(long, default_value_t = 30.0)]
    vetting_delay_secs: f64,
    /// Seconds an upstream partner takes to accept or decline a shared campaign.
    #[arg(long, default_value_t = 30.0)]
    sharing_delay_secs: f64,
    /// Seconds TCR takes to decide a brand identity appeal.
    #[arg(long, default_value_t = 60.0)]
    appeal_delay_secs: f64,
    /// The simulated CSP's id.
    #[arg(long, default_value = "S1MCSP0")]
    csp_id: String,
    /// Campaigns other CSPs share with the operator's account at start (2FA, MARKETING, …
    /// in turn), so the partner's side has something to show.
    #[arg(long, default_value_t = 0, value_parser = clap::value_parser!(u32).range(0..=100))]
    partner_campaigns: u32,
    /// Read calls (GET) allowed per second before TCR answers 429.
    #[arg(long, default_value_t = 20)]
    read_rate_per_sec: u32,
    /// Write calls (POST/PUT/DELETE) allowed per 10 seconds before TCR answers 429.
    #[arg(long, default_value_t = 20)]
    write_rate_per_10s: u32,
    /// The simulated CSP's name, sent as cspName in webhook events.
    #[arg(long, default_value = "Simulated CSP")]
    csp_name: String,
    /// Retries of a webhook delivery that got no 2xx answer (0 turns retries off).
    #[arg(long, default_value_t = 3)]
    webhook_retries: u32,
    /// Milliseconds before the first webhook retry; each further retry waits twice as long.
    #[arg(long, default_value_t = 1000)]
    webhook_retry_backoff_ms: u64,
    /// Milliseconds a webhook endpoint has to answer before the attempt counts as failed.
    #[arg(long, default_value_t = 10_000)]
    webhook_timeout_ms: u64,
    /// Fault: share (0..1) of webhook events never sent and never retried.
    #[arg(long, default_value_t = 0.0, value_parser = tendlc_tcr_sim::parse_rate)]
    webhook_drop_rate: f64,
    /// Fault: share (0..1) of webhook events delivered twice (an identical extra copy).
    #[arg(long, default_value_t = 0.0, value_parser = tendlc_tcr_sim::parse_rate)]
    webhook_duplicate_rate: f64,
    /// Fault: extra milliseconds between an event and its webhook delivery.
    #[arg(long, default_value_t = 0)]
    webhook_delay_ms: u64,
    /// Fault: a random 0..N extra milliseconds on top of --webhook-delay-ms.
    #[arg(long, default_value_t = 0)]
    webhook_jitter_ms: u64,
    /// Fault: hold webhook events this many milliseconds after the first of a batch, then send
    /// the batch newest first (0 keeps creation order).
    #[arg(long, default_value_t = 0)]
    webhook_reorder_window_ms: u64,
    /// Fault: share (0..1) of webhook events whose first attempt carries a wrong
    /// X-Registry-Signature or a truncated, non-JSON body (chosen at random).
    #[arg(long, default_value_t = 0.0, value_parser = tendlc_tcr_sim::parse_rate)]
    webhook_corrupt_rate: f64,
    /// Fault: share (0..1) of API calls answered with an injected failure instead of being handled.
    #[arg(long, default_value_t = 0.0, value_parser = tendlc_tcr_sim::parse_rate)]
    api_failure_rate: f64,
    /// The failures --api-failure-rate injects, taking turns: comma-separated 500, 503, 429,
    /// timeout (no answer before --api-timeout-hold-ms).
    #[arg(long, value_delimiter = ',', default_value = "500,503,429,timeout")]
    api_failure_kinds: Vec<tendlc_tcr_sim::ApiFailure>,
    /// Fault: extra milliseconds before every API answer.
    #[arg(long, default_value_t = 0)]
    api_latency_ms: u64,
    /// Fault: milliseconds an injected timeout holds the call before its bare 504.
    #[arg(long, default_value_t = tendlc_tcr_sim::API_TIMEOUT_HOLD.as_millis() as u64)]
    api_timeout_hold_ms: u64,
    /// Seed for the fault dice, for reproducible runs (default: random).
    #[arg(long)]
    seed: Option<u64>,
}

fn shutdown_signal() -> watch::Receiver<bool> {
    let (sender, receiver) = watch::channel(false);
    tokio::spawn(async move {
        let ctrl_c = tokio::signal::ctrl_c();
        #[cfg(unix)]
        let terminate = async {
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(mut signal) => {
                    signal.recv().await;
                }
                Err(_) => std::future::pending::<()>().await,
            }
        };
        #[cfg(not(unix))]
        let terminate = std::future::pending::<()>();
        tokio::select! {
            _ = ctrl_c => {}
            _ = terminate => {}
        }
        tracing::info!("shutdown requested; finishing in-flight requests");
        let _ = sender.send(true);
    });
    receiver
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    match cli.command {
        Command::Serve => {
            telemetry::init();
            let config = config::Config::from_env()?;
            let listener = tokio::net::TcpListener::bind(config.listen)
                .await
                .map_err(|e| anyhow::anyhow!("cannot listen on {}: {e}", config.listen))?;
            serve::run(config, listener, shutdown_signal()).await
        }
        Command::Migrate => {
            telemetry::init();
            let url = config::database_url();
            let pool = tendlc_adapters::db::connect(url.expose_secret(), 2).await?;
            tendlc_adapters::db::migrate(&pool).await?;
            tracing::info!("migrations applied");
            Ok(())
        }
        Command::Projections(command) => {
            telemetry::init();
            operate::run(command).await
        }
        Command::Rebuild(args) => {
            telemetry::init();
            rebuild::run(args).await
        }
        Command::Bench(args) => bench::run(args).await,
        Command::Chaos(args) => chaos::run(args).await,
        Command::History(command) => {
            telemetry::init();
            operate::history::run(command).await
        }
        Command::Audit(command) => {
            telemetry::init();
            operate::audit::run(command).await
        }
        Command::Report(command) => {
            telemetry::init();
            operate::report::run(command).await
        }
        Command::TcrSim(args) => {
            telemetry::init();
            let (key, secret) = config::tcr_credentials()?;
            let sim = tendlc_tcr_sim::SimConfig {
                api_key: key.expose_secret().to_string(),
                api_secret: secret.expose_secret().to_string(),
                csp_id: args.csp_id,
                csp_name: args.csp_name,
                scoring_delay: Duration::from_secs_f64(args.scoring_delay_secs.max(0.0)),
                campaign_review_delay: Duration::from_secs_f64(
                    args.campaign_review_delay_secs.max(0.0),
                ),
                vetting_delay: Duration::from_secs_f64(args.vetting_delay_secs.max(0.0)),
                sharing_delay: Duration::from_secs_f64(args.sharing_delay_secs.max(0.0)),
                appeal_delay: Duration::from_secs_f64(args.appeal_delay_secs.max(0.0)),
                read_rate_per_sec: args.read_rate_per_sec,
                write_rate_per_10s: args.write_rate_per_10s,
                webhook_retries: args.webhook_retries,
                webhook_retry_backoff: Duration::from_millis(args.webhook_retry_backoff_ms),
                webhook_timeout: Duration::from_millis(args.webhook_timeout_ms),
                faults: tendlc_tcr_sim::SimFaults {
                    webhook_drop_rate: args.webhook_drop_rate,
                    webhook_duplicate_rate: args.webhook_duplicate_rate,
                    webhook_delay: Duration::from_millis(args.webhook_delay_ms),
                    webhook_delay_jitter: Duration::from_millis(args.webhook_jitter_ms),
                    webhook_reorder_window: Duration::from_millis(args.webhook_reorder_window_ms),
                    webhook_corrupt_rate: args.webhook_corrupt_rate,
                    api_failure_rate: args.api_failure_rate,
                    api_failure_kinds: args.api_failure_kinds,
                    api_latency: Duration::from_millis(args.api_latency_ms),
                    api_timeout_hold: Duration::from_millis(args.api_timeout_hold_ms),
                    seed: args.seed,
                },
            };
            let listener = tokio::net::TcpListener::bind(args.listen)
                .await
                .map_err(|e| anyhow::anyhow!("cannot listen on {}: {e}", args.listen))?;
            tracing::info!(address = %args.listen, "TCR simulator serving under /v2");
            let mut stop = shutdown_signal();
            let (handle, server) = tendlc_tcr_sim::serve_with_handle(listener, sim, async move {
                let _ = stop.wait_for(|s| *s).await;
            });
            for n in 0..args.partner_campaigns {
                let usecase = ["2FA", "MARKETING", "CUSTOMER_CARE"][n as usize % 3];
                let shared = handle.share_with_us("S1DOWN1", usecase);
                tracing::info!(campaign_id = %shared, usecase, "campaign shared with the operator");
            }
            server.await?;
            Ok(())
        }
        Command::Token {
            role,
            customer,
            ban,
            subject,
            hours,
        } => {
            let keys = TokenKeys::hs256(&config::jwt_secret()?)
                .with_issuer(std::env::var("TENDLC_JWT_ISSUER").ok())
                .with_audience(std::env::var("TENDLC_JWT_AUDIENCE").ok());
            let customer = match ban {
                Some(ban) => {
                    let ban = tendlc_domain::customer::Ban::parse(&ban)
                        .map_err(|e| anyhow::anyhow!("--ban {e}"))?;
                    Some(tendlc_domain::customer::customer_id_for_ban(&ban).as_uuid())
                }
                None => customer,
            };
            let customer_id = match (role, customer) {
                (Role::Superadmin, Some(_)) => anyhow::bail!(
                    "a superadmin token has no --customer; send X-Customer-ID instead"
                ),
                (Role::Superadmin, None) => None,
                (_, Some(customer)) => Some(customer),
                (_, None) => anyhow::bail!(
                    "--customer is required for customer_admin and customer_user tokens"
                ),
            };
            let now = SystemTime::now().duration_since(UNIX_EPOCH)?.as_secs();
            let token = keys.mint(&Claims::new(subject, role, customer_id, now + hours * 3600))?;
            println!("{token}");
            Ok(())
        }
    }
}
