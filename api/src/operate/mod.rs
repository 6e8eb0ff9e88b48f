//! The operator's subcommands, straight on the database (they work while replicas serve, and
//! when none does): `tendlc projections …` (what to do about a stuck projection, below),
//! `tendlc history …`, `tendlc audit …` and `tendlc report …`.
use secrecy::ExposeSecret;
use tendlc_projections::operations::{self, Status};

pub mod audit;
pub mod history;
pub mod report;

pub use audit::AuditCommand;
pub use history::HistoryCommand;
pub use report::ReportCommand;

/// A small pool on `DATABASE_URL`.
async fn connect() -> anyhow::Result<sqlx::PgPool> {
    let url = crate::config::database_url();
    Ok(tendlc_adapters::db::connect(url.expose_secret(), 2).await?)
}

/// The operator commands on projections.
#[derive(Debug, clap::Subcommand)]
pub enum ProjectionsCommand {
    /// Each projection's position, lag, the event it is stuck at, and what it skipped.
    Status,
    /// Try the event a projection is stuck at again now (after deploying a fix).
    Retry {
        /// The projection (as `status` names it).
        name: String,
    },
    /// Pass over the event a projection is stuck at, leaving it unapplied. Recorded (who,
    /// when, why, which event) and logged.
    Skip {
        /// The projection (as `status` names it).
        name: String,
        /// The position of the event it is stuck at, as `status` shows it.
        #[arg(long)]
        position: i64,
        /// Why the event may be passed over.
        #[arg(long)]
        reason: String,
        /// Who decides (default: the USER of this shell).
        #[arg(long)]
        by: Option<String>,
    },
    /// How Postgres plans the read side's hot queries (lists, worker ticks) on this database;
    /// flags any that reads the whole of a table that is not small.
    Plans,
}

pub async fn run(command: ProjectionsCommand) -> anyhow::Result<()> {
    let pool = connect().await?;
    match command {
        ProjectionsCommand::Status => {
            for status in operations::status(&pool).await? {
                println!("{}", describe(&status));
            }
        }
        ProjectionsCommand::Plans => {
            for query in tendlc_projections::plans::hot_queries() {
                let plan = tendlc_projections::plans::explain(&pool, &query).await?;
                let mut flag = String::new();
                for table in tendlc_projections::plans::full_scans(&plan) {
                    let rows = tendlc_projections::plans::estimated_rows(&pool, &table).await?;
                    if rows >= tendlc_projections::plans::SMALL_TABLE_ROWS {
                        flag.push_str(&format!("  [reads all {rows} rows of {table}]"));
                    }
                }
                println!(
                    "{}: {}{flag}",
                    query.name,
                    tendlc_projections::plans::summary(&plan)
                );
            }
        }
        ProjectionsCommand::Retry { name } => {
            let failure = operations::retry(&pool, &name).await?;
            println!(
                "{name} will try the event at position {} again now ({} attempts so far; last error: {})",
                failure.event.global_position, failure.attempts, failure.error
            );
        }
        ProjectionsCommand::Skip {
            name,
            position,
            reason,
            by,
        } => {
            let by = by
                .or_else(|| std::env::var("USER").ok())
                .filter(|b| !b.trim().is_empty())
                .unwrap_or_else(|| "unknown".into());
            let skip = operations::skip(&pool, &name, position, &reason, &by).await?;
            println!(
                "{name} skipped the event at position {position} ({}/{}#{} {}); recorded as skip {} by {by}: {}",
                skip.event.aggregate_type,
                skip.event.aggregate_id,
                skip.event.sequence,
                skip.event.event_type,
                skip.id,
                skip.reason
            );
        }
    }
    pool.close().await;
    Ok(())
}

fn describe(status: &Status) -> String {
    let mut line = format!(
        "{}: position {}, {} behind",
        status.name, status.position, status.lag
    );
    if let Some(failure) = &status.failure {
        line.push_str(&format!(
            ", STUCK at position {} ({}/{}#{} {}) since {}, {} attempts, next at {}: {}",
            failure.event.global_position,
            failure.event.aggregate_type,
            failure.event.aggregate_id,
            failure.event.sequence,
            failure.event.event_type,
            failure.since,
            failure.attempts,
            failure.next_attempt_at,
            failure.error
        ));
    }
    if !status.skipped.is_empty() {
        line.push_str(&format!(", {} events skipped", status.skipped.len()));
    }
    line
}
