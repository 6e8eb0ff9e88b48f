//! A stand-in for The Campaign Registry's CSP API v2, served over real HTTP under `/v2`.
//!
//! It models TCR from TCR's own documentation (`shared/tcr-api.md`, `shared/tcr/tcr-openapi.json`),
//! not from tendlc's rules: brands (`POST /brand/nonBlocking`, `GET /brand`, `GET`/`PUT`/`DELETE
//! /brand/{brandId}`), the brand enumerations and `GET /version`. Every route needs HTTP Basic
//! auth (key:secret, else `401` without body) and counts against TCR's published rate limits
//! (`429`). Business errors are `400` with TCR's `[{code, description, fields}]` array. A new brand
//! answers `identityStatus` `UNVERIFIED` (`SELF_DECLARED` for sole proprietors) and is scored
//! `scoring_delay` later: `VERIFIED`, while sole proprietors stay `SELF_DECLARED`.
//!
//! Where TCR's documentation is silent the simulator chooses, and says so here:
//! `PUT /brand/{brandId}` changes only the fields the body carries (`null` or `""` clears one);
//! changing `entityType`, `companyName`, `ein`, `einIssuingCountry` or `mobilePhone` drops the
//! brand to `UNVERIFIED` and scores it again; `brandRelationship` may change once per 90 days; a
//! sole proprietor sent without `brandRelationship` is stored as `BASIC_ACCOUNT`, because
//! `Brand_CSP` requires the field.
//!
//! # Magic inputs
//!
//! Markers in a brand's `displayName` (create and update) make the simulator misbehave on purpose,
//! so clients can test their failure handling. Markers combine; an unknown `[sim:...]` marker is
//! refused with error `501` on `displayName`.
//!
//! - `[sim:unverified]`: scoring ends `UNVERIFIED` instead of `VERIFIED`.
//! - `[sim:self-declared]`: scoring ends `SELF_DECLARED`.
//! - `[sim:error-NNN]`: the call is refused with HTTP `400` and TCR error code `NNN` (realistic
//!   text for 501, 502, 503, 509, 512, 527, 528, 529, 534, 537, 550, 551, 553, 554, 555, 556, 590,
//!   591, 620, 630); nothing is stored. `[sim:error-591]` is TCR's "retry in 30 s".
//! - `[sim:http-NNN]`: the call fails with bare HTTP status `NNN` (400–599, e.g. 500, 502, 503,
//!   429) and no body; nothing is stored.
//! - `[sim:slow-N]`: the answer comes `N` seconds late (0–600); the brand is stored at once, as a
//!   slow TCR would, so a client that gives up has still registered it.
//! - `[sim:created-then-http-500]`: (create only) the brand is created but the answer is a bare
//!   HTTP `500` ("TCR created it, but we never heard").
//!
//! The same text is [`MAGIC_INPUTS_HELP`], which the CLI prints in `tendlc tcr-sim --help`.

mod auth;
mod brands;
mod enums;
mod errors;
mod magic;
mod state;
mod validate;

use std::sync::Arc;
use std::time::Duration;

use axum::{http::StatusCode, routing::get, Router};

pub use magic::MAGIC_INPUTS_HELP;

/// How one simulated TCR CSP account behaves.
#[derive(Clone)]
pub struct SimConfig {
    /// The API key clients must send as the Basic-auth user name.
    pub api_key: String,
    /// The API secret clients must send as the Basic-auth password.
    pub api_secret: String,
    /// The CSP id stamped on every brand (`cspId`), e.g. `S1MCSP0`.
    pub csp_id: String,
    /// Time between registering (or re-scoring) a brand and its identity verdict.
    pub scoring_delay: Duration,
    /// `GET` requests allowed per second; `0` turns the limit off.
    pub read_rate_per_sec: u32,
    /// `POST`/`PUT`/`DELETE` requests allowed per 10 seconds; `0` turns the limit off.
    pub write_rate_per_10s: u32,
}

impl Default for SimConfig {
    /// TCR's published 2022 rate limits and a 30 s scoring time; no credentials.
    fn default() -> Self {
        Self {
            api_key: String::new(),
            api_secret: String::new(),
            csp_id: "S1MCSP0".to_owned(),
            scoring_delay: Duration::from_secs(30),
            read_rate_per_sec: 20,
            write_rate_per_10s: 20,
        }
    }
}

impl std::fmt::Debug for SimConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SimConfig")
            .field("api_key", &"[REDACTED]")
            .field("api_secret", &"[REDACTED]")
            .field("csp_id", &self.csp_id)
            .field("scoring_delay", &self.scoring_delay)
            .field("read_rate_per_sec", &self.read_rate_per_sec)
            .field("write_rate_per_10s", &self.write_rate_per_10s)
            .finish()
    }
}

/// The simulator's routes, all under `/v2`, with auth, rate limits and request logging.
pub fn router(config: SimConfig) -> Router {
    let sim = Arc::new(state::Sim::new(config));
    Router::new()
        .merge(brands::router())
        .merge(enums::router())
        .route("/v2/version", get(|| async { "5.23.0-sim" }))
        .fallback(|| async { StatusCode::NOT_FOUND })
        .layer(axum::middleware::from_fn_with_state(
            sim.clone(),
            auth::authenticate_and_throttle,
        ))
        .layer(axum::middleware::from_fn(auth::log_request))
        .with_state(sim)
}

/// Serves the simulator on `listener` until `shutdown` completes.
pub async fn serve(
    listener: tokio::net::TcpListener,
    config: SimConfig,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    tracing::info!(
        addr = %listener.local_addr()?,
        csp_id = %config.csp_id,
        "TCR simulator listening"
    );
    axum::serve(listener, router(config))
        .with_graceful_shutdown(shutdown)
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_never_shows_the_credentials() {
        let config = SimConfig {
            api_key: "key-that-must-not-leak".into(),
            api_secret: "secret-that-must-not-leak".into(),
            ..SimConfig::default()
        };
        let printed = format!("{config:?}");
        assert!(!printed.contains("must-not-leak"), "{printed}");
        assert!(printed.contains("S1MCSP0"), "{printed}");
    }

    #[test]
    fn every_magic_marker_is_documented_in_the_module_docs_and_the_help_text() {
        let module_docs: String = include_str!("mod.rs")
            .lines()
            .filter(|line| line.starts_with("//!"))
            .collect();
        for marker in [
            "[sim:unverified]",
            "[sim:self-declared]",
            "[sim:error-NNN]",
            "[sim:http-NNN]",
            "[sim:slow-N]",
            "[sim:created-then-http-500]",
        ] {
            assert!(module_docs.contains(marker), "module docs lack {marker}");
            assert!(
                MAGIC_INPUTS_HELP.contains(marker),
                "help text lacks {marker}"
            );
        }
    }
}
