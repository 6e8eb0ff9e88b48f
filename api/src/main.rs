//! `tendlc`: one binary for the service, its tools and the TCR simulator.
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use clap::{Parser, Subcommand};
use secrecy::ExposeSecret;
use tendlc_api::auth::{Claims, Role, TokenKeys};
use tendlc_api::{app, config, telemetry};
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
    /// Run the TCR CSP API v2 simulator.
    #[command(after_long_help = tendlc_adapters::tcr_sim::MAGIC_INPUTS_HELP)]
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
        /// Lifetime in hours.
        #[arg(long, default_value_t = 12)]
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
    /// The simulated CSP's id.
    #[arg(long, default_value = "S1MCSP0")]
    csp_id: String,
    /// Read calls (GET) allowed per second before TCR answers 429.
    #[arg(long, default_value_t = 20)]
    read_rate_per_sec: u32,
    /// Write calls (POST/PUT/DELETE) allowed per 10 seconds before TCR answers 429.
    #[arg(long, default_value_t = 20)]
    write_rate_per_10s: u32,
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
            app::run(config, listener, shutdown_signal()).await
        }
        Command::Migrate => {
            telemetry::init();
            let url = config::database_url();
            let pool = tendlc_adapters::db::connect(url.expose_secret(), 2).await?;
            tendlc_adapters::db::migrate(&pool).await?;
            tracing::info!("migrations applied");
            Ok(())
        }
        Command::TcrSim(args) => {
            telemetry::init();
            let (key, secret) = config::tcr_credentials()?;
            let sim = tendlc_adapters::tcr_sim::SimConfig {
                api_key: key.expose_secret().to_string(),
                api_secret: secret.expose_secret().to_string(),
                csp_id: args.csp_id,
                scoring_delay: Duration::from_secs_f64(args.scoring_delay_secs.max(0.0)),
                read_rate_per_sec: args.read_rate_per_sec,
                write_rate_per_10s: args.write_rate_per_10s,
            };
            let listener = tokio::net::TcpListener::bind(args.listen)
                .await
                .map_err(|e| anyhow::anyhow!("cannot listen on {}: {e}", args.listen))?;
            tracing::info!(address = %args.listen, "TCR simulator serving under /v2");
            let mut stop = shutdown_signal();
            tendlc_adapters::tcr_sim::serve(listener, sim, async move {
                let _ = stop.wait_for(|s| *s).await;
            })
            .await?;
            Ok(())
        }
        Command::Token {
            role,
            customer,
            ban,
            subject,
            hours,
        } => {
            let keys = TokenKeys::hs256(&config::jwt_secret()?);
            let customer = match ban {
                Some(ban) => {
                    let ban = tendlc_domain::customer::Ban::parse(&ban)
                        .map_err(|e| anyhow::anyhow!("--ban {e}"))?;
                    Some(tendlc_domain::customer::customer_id_for_ban(&ban))
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
            let token = keys.mint(&Claims {
                sub: subject,
                role,
                customer_id,
                exp: now + hours * 3600,
            })?;
            println!("{token}");
            Ok(())
        }
    }
}
