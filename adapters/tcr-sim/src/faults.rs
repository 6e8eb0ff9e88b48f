//! Fault injection: webhook deliveries that go missing, arrive twice, late, out of order or
//! damaged, and API calls that fail or stall. Everything is off by default.
use std::str::FromStr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use axum::{
    extract::{Request, State},
    http::{HeaderValue, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
};
use rand::{rngs::StdRng, Rng, SeedableRng};

use super::state::{lock, SharedSim};
use super::webhooks::Corruption;

/// How long an injected [`ApiFailure::Timeout`] holds the call by default before giving up with
/// a bare `504` (or until the simulator shuts down): well past a client's 60 s.
pub const API_TIMEOUT_HOLD: Duration = Duration::from_secs(75);

/// The response header that marks an answer as an injected failure (`http-500`, `timeout`, ...).
pub const FAULT_HEADER: &str = "x-sim-fault";

/// What goes wrong, on purpose. Rates are shares between `0.0` (never) and `1.0` (always);
/// values outside are clamped. Set in [`SimConfig::faults`](super::SimConfig::faults) or at
/// runtime with [`SimHandle::set_faults`](super::SimHandle::set_faults).
#[derive(Debug, Clone, PartialEq)]
pub struct SimFaults {
    /// Share of webhook events never sent, and never retried (recorded as `dropped`).
    pub webhook_drop_rate: f64,
    /// Share of webhook events delivered twice: an extra, identical, correctly signed copy
    /// follows the original (recorded with `duplicate: true`).
    pub webhook_duplicate_rate: f64,
    /// Extra time between an event and its delivery.
    pub webhook_delay: Duration,
    /// A random extra delay between zero and this, on top of `webhook_delay`.
    pub webhook_delay_jitter: Duration,
    /// Events are held this long after the first of a batch, then the batch is sent newest
    /// first (reverse order of creation). Zero keeps creation order.
    pub webhook_reorder_window: Duration,
    /// Share of webhook events whose first attempt is damaged: either a wrong
    /// `X-Registry-Signature` or a body cut in half (not JSON), chosen at random. Retries
    /// (after a non-2xx answer) send the event intact.
    pub webhook_corrupt_rate: f64,
    /// Share of API calls answered with an injected failure instead of being handled (nothing
    /// is stored). The failures take turns through `api_failure_kinds`.
    pub api_failure_rate: f64,
    /// The failures `api_failure_rate` injects, in turn; empty means all of [`ApiFailure::ALL`].
    pub api_failure_kinds: Vec<ApiFailure>,
    /// Extra time before every API answer (injected failures included).
    pub api_latency: Duration,
    /// How long an injected timeout holds the call before its bare `504`: past the client's
    /// timeout, so the client gives up first ([`API_TIMEOUT_HOLD`] by default).
    pub api_timeout_hold: Duration,
    /// Seed for the fault dice, for reproducible runs; `None` seeds from entropy. Setting faults
    /// with a seed at runtime restarts the dice from that seed.
    pub seed: Option<u64>,
}

impl Default for SimFaults {
    /// No faults at all.
    fn default() -> Self {
        Self {
            webhook_drop_rate: 0.0,
            webhook_duplicate_rate: 0.0,
            webhook_delay: Duration::ZERO,
            webhook_delay_jitter: Duration::ZERO,
            webhook_reorder_window: Duration::ZERO,
            webhook_corrupt_rate: 0.0,
            api_failure_rate: 0.0,
            api_failure_kinds: ApiFailure::ALL.to_vec(),
            api_latency: Duration::ZERO,
            api_timeout_hold: API_TIMEOUT_HOLD,
            seed: None,
        }
    }
}

/// One kind of injected API failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ApiFailure {
    /// A bare HTTP `500`.
    Http500,
    /// A bare HTTP `503`.
    Http503,
    /// A bare HTTP `429`, as if over TCR's rate limit.
    Http429,
    /// No answer in time: the call is held for [`SimFaults::api_timeout_hold`], then gets a bare
    /// `504`.
    Timeout,
}

impl ApiFailure {
    pub const ALL: [ApiFailure; 4] = [
        ApiFailure::Http500,
        ApiFailure::Http503,
        ApiFailure::Http429,
        ApiFailure::Timeout,
    ];

    /// The name used by the `--api-failure-kinds` flag and the `x-sim-fault` header.
    pub fn name(self) -> &'static str {
        match self {
            ApiFailure::Http500 => "http-500",
            ApiFailure::Http503 => "http-503",
            ApiFailure::Http429 => "http-429",
            ApiFailure::Timeout => "timeout",
        }
    }

    fn status(self) -> StatusCode {
        match self {
            ApiFailure::Http500 => StatusCode::INTERNAL_SERVER_ERROR,
            ApiFailure::Http503 => StatusCode::SERVICE_UNAVAILABLE,
            ApiFailure::Http429 => StatusCode::TOO_MANY_REQUESTS,
            ApiFailure::Timeout => StatusCode::GATEWAY_TIMEOUT,
        }
    }
}

impl std::fmt::Display for ApiFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for ApiFailure {
    type Err = String;

    /// `500`, `503`, `429` or `timeout` (also `http-500`, ...).
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text.trim().to_ascii_lowercase().as_str() {
            "500" | "http-500" => Ok(ApiFailure::Http500),
            "503" | "http-503" => Ok(ApiFailure::Http503),
            "429" | "http-429" => Ok(ApiFailure::Http429),
            "timeout" => Ok(ApiFailure::Timeout),
            other => Err(format!(
                "unknown API failure {other:?}; use 500, 503, 429 or timeout"
            )),
        }
    }
}

/// Reads a rate between 0 and 1 (for command-line flags).
pub fn parse_rate(text: &str) -> Result<f64, String> {
    let rate: f64 = text
        .trim()
        .parse()
        .map_err(|_| format!("{text:?} is not a number"))?;
    if (0.0..=1.0).contains(&rate) {
        Ok(rate)
    } else {
        Err(format!("{rate} is not between 0 and 1"))
    }
}

/// The faults in force and the dice that decide them.
pub(super) struct FaultState {
    current: Mutex<SimFaults>,
    rng: Mutex<StdRng>,
    next_failure: AtomicUsize,
}

fn rng_for(seed: Option<u64>) -> StdRng {
    match seed {
        Some(seed) => StdRng::seed_from_u64(seed),
        None => StdRng::from_entropy(),
    }
}

impl FaultState {
    pub fn new(faults: SimFaults) -> Self {
        Self {
            rng: Mutex::new(rng_for(faults.seed)),
            current: Mutex::new(faults),
            next_failure: AtomicUsize::new(0),
        }
    }

    pub fn get(&self) -> SimFaults {
        lock(&self.current).clone()
    }

    /// Replaces the faults; a seed restarts the dice (and the failure turns) from it.
    pub fn set(&self, faults: SimFaults) {
        if faults.seed.is_some() {
            *lock(&self.rng) = rng_for(faults.seed);
            self.next_failure.store(0, Ordering::Relaxed);
        }
        *lock(&self.current) = faults;
    }

    /// Rolls for something that happens with probability `rate` (no roll at 0).
    pub fn chance(&self, rate: f64) -> bool {
        if rate.is_nan() || rate <= 0.0 {
            false
        } else if rate >= 1.0 {
            true
        } else {
            lock(&self.rng).gen_bool(rate)
        }
    }

    /// A random duration between zero and `max`.
    pub fn jitter(&self, max: Duration) -> Duration {
        if max.is_zero() {
            return Duration::ZERO;
        }
        let nanos = u64::try_from(max.as_nanos()).unwrap_or(u64::MAX);
        Duration::from_nanos(lock(&self.rng).gen_range(0..=nanos))
    }

    pub fn corruption(&self) -> Corruption {
        if lock(&self.rng).gen_bool(0.5) {
            Corruption::BadSignature
        } else {
            Corruption::TruncatedBody
        }
    }

    /// Whether this API call fails, and how (the kinds take turns).
    pub fn api_failure(&self, faults: &SimFaults) -> Option<ApiFailure> {
        if !self.chance(faults.api_failure_rate) {
            return None;
        }
        let kinds: &[ApiFailure] = if faults.api_failure_kinds.is_empty() {
            &ApiFailure::ALL
        } else {
            &faults.api_failure_kinds
        };
        let turn = self.next_failure.fetch_add(1, Ordering::Relaxed);
        Some(kinds[turn % kinds.len()])
    }
}

/// Answers an API call with an injected failure or lets it through; then adds the latency.
pub(super) async fn inject_api_faults(
    State(sim): State<SharedSim>,
    request: Request,
    next: Next,
) -> Response {
    let faults = sim.faults.get();
    let response = match sim.faults.api_failure(&faults) {
        None => next.run(request).await,
        Some(failure) => {
            tracing::warn!(
                failure = failure.name(),
                path = request.uri().path(),
                "TCR simulator injects an API failure"
            );
            if failure == ApiFailure::Timeout {
                tokio::select! {
                    _ = tokio::time::sleep(faults.api_timeout_hold) => {}
                    _ = sim.stopped() => {}
                }
            }
            let mut response = failure.status().into_response();
            response
                .headers_mut()
                .insert(FAULT_HEADER, HeaderValue::from_static(failure.name()));
            response
        }
    };
    if !faults.api_latency.is_zero() {
        tokio::time::sleep(faults.api_latency).await;
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_take_turns_through_the_kinds() {
        let state = FaultState::new(SimFaults {
            api_failure_rate: 1.0,
            ..SimFaults::default()
        });
        let faults = state.get();
        let seen: Vec<_> = (0..5).filter_map(|_| state.api_failure(&faults)).collect();
        assert_eq!(
            seen,
            [
                ApiFailure::Http500,
                ApiFailure::Http503,
                ApiFailure::Http429,
                ApiFailure::Timeout,
                ApiFailure::Http500
            ]
        );
    }

    #[test]
    fn no_rate_means_no_failure() {
        let state = FaultState::new(SimFaults::default());
        let faults = state.get();
        assert!((0..1000).all(|_| state.api_failure(&faults).is_none()));
        assert!(!state.chance(f64::NAN));
    }

    #[test]
    fn the_same_seed_rolls_the_same_dice() {
        let roll = || {
            let state = FaultState::new(SimFaults {
                seed: Some(7),
                ..SimFaults::default()
            });
            (0..64).map(|_| state.chance(0.5)).collect::<Vec<_>>()
        };
        assert_eq!(roll(), roll());
    }

    #[test]
    fn jitter_stays_within_its_bound() {
        let state = FaultState::new(SimFaults::default());
        let max = Duration::from_millis(20);
        assert!((0..1000).all(|_| state.jitter(max) <= max));
        assert_eq!(state.jitter(Duration::ZERO), Duration::ZERO);
    }

    #[test]
    fn rates_and_failure_kinds_parse_from_flags() {
        assert_eq!(parse_rate("0.25"), Ok(0.25));
        assert!(parse_rate("1.5").is_err());
        assert!(parse_rate("-0.1").is_err());
        assert!(parse_rate("lots").is_err());
        assert_eq!("503".parse(), Ok(ApiFailure::Http503));
        assert_eq!("TIMEOUT".parse(), Ok(ApiFailure::Timeout));
        assert!("418".parse::<ApiFailure>().is_err());
    }
}
