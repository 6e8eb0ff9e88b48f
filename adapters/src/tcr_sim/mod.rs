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
//!
//! # Webhooks
//!
//! `PUT /webhook/subscription` (`{eventCategory, webhookEndpoint}`, categories `BRAND`, `CSP`,
//! `CAMPAIGN`, `INCIDENCE`, `VETTING`, an http(s) URL of at most 255 characters, else `400` with
//! error `501`) sets the one endpoint of a category and echoes the subscription; `GET
//! /webhook/subscription` lists them, `DELETE /webhook/subscription/{eventCategory}` answers
//! `204` (`400`/`502` when not subscribed). `GET /webhook/eventCategory` and `GET
//! /webhook/eventType` list the catalogue (`shared/tcr-api.md` §6.2). `GET
//! /webhook/subscription/eventType/{eventType}/mock` POSTs a mock event (`mock: true`, sample ids)
//! to the category's endpoint right away and answers `{endpoint, status, request, response}`
//! (`status` `0` and the error as `response` when the endpoint cannot be reached; `400`/`501` for
//! an unknown type, `400`/`502` without a subscription).
//!
//! Brands send `BRAND_ADD` (create, also when `[sim:created-then-http-500]` hides it),
//! `BRAND_UPDATE` (update), `BRAND_DELETE` (first delete) and, when scoring ends,
//! `BRAND_SCORE_UPDATE` then `BRAND_IDENTITY_STATUS_UPDATE`. An event is a flat JSON object:
//! `eventType`, `cspId`, `cspName`, `brandId`, `brandName` (the `displayName`),
//! `brandReferenceId` (`null` without one), `description` ("Brand B1234AB (Acme) is added"),
//! `mock` (the brand's), plus `brandIdentityStatus` on `BRAND_IDENTITY_STATUS_UPDATE`. It is
//! POSTed with `Content-Type: application/json` and `X-Registry-Signature` =
//! [`webhook_signature::sign`](crate::webhook_signature::sign)`(api_secret, endpoint, event)`,
//! by a background task (never delaying the API answer), in creation order per endpoint. A
//! failed delivery (no answer within `webhook_timeout`, or not 2xx) is retried
//! `webhook_retries` times, waiting `webhook_retry_backoff`, then twice that, and so on; retries
//! do not hold up later events. Events of unsubscribed categories are not sent.
//!
//! # Faults
//!
//! [`SimFaults`] (all off by default) make webhooks and the API misbehave: webhook events
//! dropped, duplicated, delayed (plus jitter), held for a window and sent newest first, or
//! corrupted (wrong signature or a truncated, non-JSON body; retries send the intact event);
//! API calls failing (bare `500`, `503`, `429`, or no answer for [`API_TIMEOUT_HOLD`], taking
//! turns; the failed call does nothing; the answer carries header `x-sim-fault`) and extra latency
//! on every answer. A `seed` makes the dice reproducible. Set them in [`SimConfig::faults`] or,
//! while running, through the [`SimHandle`].
//!
//! # Running it
//!
//! - [`router`]`(config)`: the routes alone; [`serve`]`(listener, config, shutdown)`: serve them.
//! - [`simulator`]`(config) -> (Router, SimHandle)`: the routes plus a handle on their state.
//! - [`serve_with_handle`]`(listener, config, shutdown) -> (SimHandle, server)`: `server` is a
//!   future to spawn or await; it ends after `shutdown` completes and in-flight calls finish
//!   (an injected timeout gives up at shutdown).
//!
//! [`SimHandle`] (cheap to clone) offers `set_faults`, `faults`, `deliveries` (every
//! [`DeliveryRecord`]: endpoint, event, body and signature sent, attempt, status or error,
//! dropped / duplicate / corruption, time), `clear_deliveries`, `subscriptions`, `subscribe`,
//! `brand` (as `GET /brand/{brandId}` shows it), `brand_count` and `set_identity_status` (TCR
//! changes a brand's identity out of band, e.g. after an appeal, and sends
//! `BRAND_IDENTITY_STATUS_UPDATE`).
//!
//! ```no_run
//! # async fn example() -> std::io::Result<()> {
//! use std::time::Duration;
//! use tendlc_adapters::tcr_sim::{self, SimConfig, SimFaults};
//!
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
//! let config = SimConfig { scoring_delay: Duration::from_millis(300), ..SimConfig::default() };
//! let (sim, server) = tcr_sim::serve_with_handle(listener, config, std::future::pending());
//! tokio::spawn(server);
//! sim.set_faults(SimFaults { webhook_drop_rate: 0.5, seed: Some(7), ..SimFaults::default() });
//! # Ok(()) }
//! ```

mod appeals;
mod auth;
mod body;
mod brands;
mod campaigns;
mod enums;
mod errors;
mod events;
mod faults;
mod handle;
mod magic;
mod otp;
mod paging;
mod qualify;
mod state;
mod validate;
mod vetting;
mod webhooks;

use std::sync::Arc;
use std::time::Duration;

use axum::{http::StatusCode, routing::get, Router};

pub use faults::{parse_rate, ApiFailure, SimFaults, API_TIMEOUT_HOLD, FAULT_HEADER};
pub use handle::{SimHandle, SimHandleError};
pub use magic::MAGIC_INPUTS_HELP;
pub use otp::MOCK_PIN;
pub use webhooks::{Corruption, DeliveryRecord, EVENT_CATEGORIES, EVENT_TYPES};

/// How one simulated TCR CSP account behaves.
#[derive(Clone)]
pub struct SimConfig {
    /// The API key clients must send as the Basic-auth user name.
    pub api_key: String,
    /// The API secret clients must send as the Basic-auth password.
    pub api_secret: String,
    /// The CSP id stamped on every brand (`cspId`), e.g. `S1MCSP0`.
    pub csp_id: String,
    /// The CSP's name, sent as `cspName` in webhook events.
    pub csp_name: String,
    /// Time between registering (or re-scoring) a brand and its identity verdict.
    pub scoring_delay: Duration,
    /// Time a carrier takes to decide on a campaign in `REVIEW` (and, for `[sim:mno-suspend-ID]`,
    /// from registering it to suspending it).
    pub campaign_review_delay: Duration,
    /// Time an ordered external vet spends `PENDING`, then again `UNSCORE`, before its result.
    pub vetting_delay: Duration,
    /// Time an upstream partner takes to accept or decline a shared campaign.
    pub sharing_delay: Duration,
    /// Time TCR takes to decide an identity appeal.
    pub appeal_delay: Duration,
    /// `GET` requests allowed per second; `0` turns the limit off.
    pub read_rate_per_sec: u32,
    /// `POST`/`PUT`/`DELETE` requests allowed per 10 seconds; `0` turns the limit off.
    pub write_rate_per_10s: u32,
    /// Retries of a webhook delivery that got no 2xx answer; `0` turns retries off.
    pub webhook_retries: u32,
    /// Wait before the first retry; each further retry waits twice as long as the one before.
    pub webhook_retry_backoff: Duration,
    /// How long a webhook endpoint has to answer before the attempt counts as failed.
    pub webhook_timeout: Duration,
    /// Faults to inject from the start (all off by default); changeable through [`SimHandle`].
    pub faults: SimFaults,
}

impl Default for SimConfig {
    /// TCR's published 2022 rate limits; 30 s each for scoring, a carrier's review, each vetting
    /// step and a partner's sharing decision, 60 s for an appeal; 3 webhook retries from 1 s, a
    /// 10 s webhook timeout and no faults; no credentials.
    fn default() -> Self {
        Self {
            api_key: String::new(),
            api_secret: String::new(),
            csp_id: "S1MCSP0".to_owned(),
            csp_name: "Simulated CSP".to_owned(),
            scoring_delay: Duration::from_secs(30),
            campaign_review_delay: Duration::from_secs(30),
            vetting_delay: Duration::from_secs(30),
            sharing_delay: Duration::from_secs(30),
            appeal_delay: Duration::from_secs(60),
            read_rate_per_sec: 20,
            write_rate_per_10s: 20,
            webhook_retries: 3,
            webhook_retry_backoff: Duration::from_secs(1),
            webhook_timeout: Duration::from_secs(10),
            faults: SimFaults::default(),
        }
    }
}

impl std::fmt::Debug for SimConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SimConfig")
            .field("api_key", &"[REDACTED]")
            .field("api_secret", &"[REDACTED]")
            .field("csp_id", &self.csp_id)
            .field("csp_name", &self.csp_name)
            .field("scoring_delay", &self.scoring_delay)
            .field("campaign_review_delay", &self.campaign_review_delay)
            .field("vetting_delay", &self.vetting_delay)
            .field("sharing_delay", &self.sharing_delay)
            .field("appeal_delay", &self.appeal_delay)
            .field("read_rate_per_sec", &self.read_rate_per_sec)
            .field("write_rate_per_10s", &self.write_rate_per_10s)
            .field("webhook_retries", &self.webhook_retries)
            .field("webhook_retry_backoff", &self.webhook_retry_backoff)
            .field("webhook_timeout", &self.webhook_timeout)
            .field("faults", &self.faults)
            .finish()
    }
}

/// The simulator's routes, all under `/v2`, with auth, rate limits, API faults and request
/// logging.
pub fn router(config: SimConfig) -> Router {
    simulator(config).0
}

/// The simulator's routes and a handle on the state behind them.
pub fn simulator(config: SimConfig) -> (Router, SimHandle) {
    let sim = Arc::new(state::Sim::new(config));
    let router = Router::new()
        .merge(brands::router())
        .merge(vetting::router())
        .merge(appeals::router())
        .merge(otp::router())
        .merge(qualify::router())
        .merge(campaigns::router())
        .merge(enums::router())
        .merge(webhooks::router())
        .route("/v2/version", get(|| async { "5.23.0-sim" }))
        .fallback(|| async { StatusCode::NOT_FOUND })
        .layer(axum::middleware::from_fn_with_state(
            sim.clone(),
            auth::authenticate_and_throttle,
        ))
        .layer(axum::middleware::from_fn_with_state(
            sim.clone(),
            faults::inject_api_faults,
        ))
        .layer(axum::middleware::from_fn(auth::log_request))
        .with_state(sim.clone());
    (router, SimHandle { sim })
}

/// Serves the simulator on `listener` until `shutdown` completes.
pub async fn serve(
    listener: tokio::net::TcpListener,
    config: SimConfig,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    serve_with_handle(listener, config, shutdown).1.await
}

/// A handle on the simulator and the future that serves it on `listener` until `shutdown`
/// completes (spawn it or await it).
pub fn serve_with_handle(
    listener: tokio::net::TcpListener,
    config: SimConfig,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> (
    SimHandle,
    impl std::future::Future<Output = std::io::Result<()>> + Send + 'static,
) {
    let csp_id = config.csp_id.clone();
    let (router, handle) = simulator(config);
    let sim = handle.sim.clone();
    let server = async move {
        tracing::info!(
            addr = %listener.local_addr()?,
            csp_id = %csp_id,
            "TCR simulator listening"
        );
        axum::serve(listener, router)
            .with_graceful_shutdown(async move {
                shutdown.await;
                sim.begin_stop();
            })
            .await
    };
    (handle, server)
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
