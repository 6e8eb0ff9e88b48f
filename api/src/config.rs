//! Configuration, from the environment only (12-factor). Every setting has its README entry.
use std::net::SocketAddr;
use std::time::Duration;

use secrecy::SecretString;

/// Default database for a local run (the machine's Postgres with trust or `postgres` password).
pub const DEFAULT_DATABASE_URL: &str = "postgres://postgres:postgres@127.0.0.1:5432/tendlc";
/// Default TCR endpoint: the bundled simulator (`tendlc tcr-sim`).
pub const DEFAULT_TCR_BASE_URL: &str = "http://127.0.0.1:8081/v2";
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{name} is not set: {hint}")]
    Missing {
        name: &'static str,
        hint: &'static str,
    },
    #[error("{name} is invalid: {reason}")]
    Invalid { name: &'static str, reason: String },
}

/// Everything `serve` needs. `Debug` redacts secrets.
#[derive(Debug, Clone)]
pub struct Config {
    pub database_url: SecretString,
    pub database_max_connections: u32,
    pub listen: SocketAddr,
    pub jwt_secret: SecretString,
    pub tcr_base_url: String,
    pub tcr_api_key: SecretString,
    pub tcr_api_secret: SecretString,
    pub tcr_timeout: Duration,
}

fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

fn required_secret(name: &'static str, hint: &'static str) -> Result<SecretString, ConfigError> {
    var(name)
        .map(SecretString::from)
        .ok_or(ConfigError::Missing { name, hint })
}

fn parsed<T: std::str::FromStr>(name: &'static str, default: T) -> Result<T, ConfigError>
where
    T::Err: std::fmt::Display,
{
    match var(name) {
        None => Ok(default),
        Some(text) => text
            .trim()
            .parse()
            .map_err(|e: T::Err| ConfigError::Invalid {
                name,
                reason: e.to_string(),
            }),
    }
}

/// The JWT secret alone (for `tendlc token`).
pub fn jwt_secret() -> Result<SecretString, ConfigError> {
    let secret = required_secret(
        "TENDLC_JWT_SECRET",
        "set it to a long random string (at least 32 characters)",
    )?;
    if secrecy::ExposeSecret::expose_secret(&secret).len() < 32 {
        return Err(ConfigError::Invalid {
            name: "TENDLC_JWT_SECRET",
            reason: "must be at least 32 characters".into(),
        });
    }
    Ok(secret)
}

/// The database URL, for commands that need only the database.
pub fn database_url() -> SecretString {
    SecretString::from(var("DATABASE_URL").unwrap_or_else(|| DEFAULT_DATABASE_URL.to_string()))
}

/// TCR credentials (for `serve` and `tcr-sim`).
pub fn tcr_credentials() -> Result<(SecretString, SecretString), ConfigError> {
    Ok((
        required_secret(
            "TCR_API_KEY",
            "the CSP API key from TCR (for tcr-sim: any value, shared with serve)",
        )?,
        required_secret(
            "TCR_API_SECRET",
            "the CSP API secret from TCR (for tcr-sim: any value, shared with serve)",
        )?,
    ))
}

impl Config {
    pub fn from_env() -> Result<Config, ConfigError> {
        let (tcr_api_key, tcr_api_secret) = tcr_credentials()?;
        Ok(Config {
            database_url: database_url(),
            database_max_connections: parsed("TENDLC_DB_MAX_CONNECTIONS", 10)?,
            listen: parsed(
                "TENDLC_LISTEN",
                DEFAULT_LISTEN.parse().expect("valid default"),
            )?,
            jwt_secret: jwt_secret()?,
            tcr_base_url: var("TCR_BASE_URL").unwrap_or_else(|| DEFAULT_TCR_BASE_URL.to_string()),
            tcr_api_key,
            tcr_api_secret,
            tcr_timeout: Duration::from_millis(parsed("TCR_TIMEOUT_MS", 8000u64)?),
        })
    }
}
