//! The Postgres pool and the schema migrations.
use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::PgPool;

/// The migrations in `migrations/`, compiled into the binary.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../migrations");

/// How long waiting for a pooled connection (or a new one) may take before the caller fails.
pub const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(5);

/// Connects a pool; fails fast (5 s) when the database is not there. No statement timeout:
/// for migrations and tools, whose statements may legitimately run long.
pub async fn connect(database_url: &str, max_connections: u32) -> Result<PgPool, sqlx::Error> {
    connect_bounded(database_url, max_connections, None).await
}

/// Connects a pool whose statements are cut off by the server after `statement_timeout` (a lock
/// wait or a runaway query fails instead of holding a connection forever), and whose sessions
/// are ended when a transaction sits idle for twice that. Acquiring a connection fails after 5 s.
pub async fn connect_bounded(
    database_url: &str,
    max_connections: u32,
    statement_timeout: Option<Duration>,
) -> Result<PgPool, sqlx::Error> {
    connect_with_settings(database_url, max_connections, statement_timeout, &[]).await
}

/// [`connect_bounded`], each session also given these settings (`name`, `value`).
pub async fn connect_with_settings(
    database_url: &str,
    max_connections: u32,
    statement_timeout: Option<Duration>,
    settings: &[(&str, &str)],
) -> Result<PgPool, sqlx::Error> {
    let mut options = PgConnectOptions::from_str(database_url)?.options(settings.iter().copied());
    if let Some(timeout) = statement_timeout.filter(|t| !t.is_zero()) {
        let millis = timeout.as_millis().to_string();
        let idle = (timeout.as_millis() * 2).to_string();
        options = options.options([
            ("statement_timeout", millis.as_str()),
            ("idle_in_transaction_session_timeout", idle.as_str()),
        ]);
    }
    PgPoolOptions::new()
        .max_connections(max_connections)
        .acquire_timeout(ACQUIRE_TIMEOUT)
        .connect_with(options)
        .await
}

/// Applies every migration not yet applied.
pub async fn migrate(pool: &PgPool) -> Result<(), sqlx::migrate::MigrateError> {
    MIGRATOR.run(pool).await
}

/// True when every migration this binary knows has been applied successfully.
pub async fn migrations_applied(pool: &PgPool) -> Result<bool, sqlx::Error> {
    let applied: Vec<i64> =
        sqlx::query_scalar("SELECT version FROM _sqlx_migrations WHERE success ORDER BY version")
            .fetch_all(pool)
            .await?;
    Ok(MIGRATOR
        .iter()
        .filter(|m| !m.migration_type.is_down_migration())
        .all(|m| applied.contains(&m.version)))
}
