//! TCR's own catalogues (`GET /error` and the enumerations where TCR is the authority), cached.
//!
//! Cached in memory, per process, not in a table: they are TCR-wide (not per customer), small,
//! change a few times a year, and losing them on restart costs one request each. A table would
//! add a writer and a migration without adding truth, since TCR stays the authority. Each
//! process loads them all at start (bounded, so a down TCR never delays start-up), refreshes
//! every hour, and retries every minute while one is missing.
//!
//! The error catalogue is also kept process-wide ([`explain`]) because every answer that shows a
//! TCR code is built synchronously at the HTTP edge, far from any handle on this service.
use std::collections::HashMap;
use std::sync::{Arc, OnceLock, RwLock};
use std::time::{Duration, Instant};

use serde_json::Value;
use tendlc_domain::tcr::{TcrCatalogue, TcrPort};
use tokio::sync::Mutex;

use super::error::AppError;

const REFRESH: Duration = Duration::from_secs(3600);
const RETRY_MISSING: Duration = Duration::from_secs(60);
const START_BUDGET: Duration = Duration::from_secs(5);

fn explanations() -> &'static RwLock<HashMap<i64, String>> {
    static TABLE: OnceLock<RwLock<HashMap<i64, String>>> = OnceLock::new();
    TABLE.get_or_init(RwLock::default)
}

/// TCR's own description of error `code`, from the last error catalogue read; `None` before
/// TCR was first reached or for a code TCR does not list.
pub fn explain(code: i64) -> Option<String> {
    explanations()
        .read()
        .unwrap_or_else(|e| e.into_inner())
        .get(&code)
        .cloned()
}

pub struct Catalogues {
    tcr: Arc<dyn TcrPort>,
    entries: Mutex<HashMap<TcrCatalogue, (Instant, Value)>>,
}

impl Catalogues {
    pub fn new(tcr: Arc<dyn TcrPort>) -> Self {
        Self {
            tcr,
            entries: Mutex::default(),
        }
    }

    /// The catalogue as TCR answers it, from the cache while fresh.
    pub async fn get(&self, catalogue: TcrCatalogue) -> Result<Value, AppError> {
        if let Some((at, value)) = self.entries.lock().await.get(&catalogue) {
            if at.elapsed() < REFRESH {
                return Ok(value.clone());
            }
        }
        self.fetch(catalogue).await
    }

    async fn fetch(&self, catalogue: TcrCatalogue) -> Result<Value, AppError> {
        let value = self
            .tcr
            .catalogue(catalogue)
            .await
            .result
            .map_err(|error| {
                AppError::tcr(error, "The catalogue could not be read from TCR; try again.")
            })?;
        if catalogue == TcrCatalogue::Errors {
            if let Value::Object(map) = &value {
                let table = map
                    .iter()
                    .filter_map(|(code, text)| Some((code.parse().ok()?, text.as_str()?.to_owned())))
                    .collect();
                *explanations().write().unwrap_or_else(|e| e.into_inner()) = table;
            }
        }
        self.entries
            .lock()
            .await
            .insert(catalogue, (Instant::now(), value.clone()));
        Ok(value)
    }

    /// Loads every catalogue; those TCR does not give now are tried again by [`Self::keep_fresh`].
    pub async fn load_all(&self) {
        for catalogue in TcrCatalogue::ALL {
            if let Err(error) = self.fetch(*catalogue).await {
                tracing::warn!(catalogue = catalogue.name(), ?error, "TCR catalogue not loaded; will retry");
            }
        }
    }

    /// Loads everything within a few seconds of start, then refreshes until the process ends.
    pub async fn keep_fresh(self: Arc<Self>) {
        let _ = tokio::time::timeout(START_BUDGET, self.load_all()).await;
        loop {
            let missing = {
                let entries = self.entries.lock().await;
                TcrCatalogue::ALL.iter().any(|c| !entries.contains_key(c))
            };
            tokio::time::sleep(if missing { RETRY_MISSING } else { REFRESH }).await;
            self.load_all().await;
        }
    }

    /// Whether `code` is a US state or territory: TCR's list when read, else the built-in one
    /// (so validation still works when TCR was unreachable at start).
    pub async fn is_us_state(&self, code: &str) -> Option<bool> {
        let entries = self.entries.lock().await;
        let (_, Value::Object(states)) = entries.get(&TcrCatalogue::UsStates)? else {
            return None;
        };
        Some(states.contains_key(code))
    }
}
