//! TCR's own catalogues (`GET /error` and the enumerations where TCR is the authority), cached.
//!
//! Cached in memory, per process, not in a table: they are TCR-wide (not per customer), small,
//! change a few times a year, and losing them on restart costs one request each. A table would
//! add a writer and a migration without adding truth, since TCR stays the authority. Each is read
//! when first needed (a caller asks for it, or a TCR refusal is shown and needs the error
//! catalogue) and again once an hour old, so tendlc makes no extra TCR calls at start, where they
//! would compete with real work for TCR's rate limit. A catalogue TCR cannot give now is not
//! cached: the next need tries again, and meanwhile a refusal is shown without the catalogue's
//! words (its own description is always there).
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::Value;
use tendlc_domain::tcr::{TcrCatalogue, TcrPort};
use tokio::sync::Mutex;

use super::error::AppError;

const REFRESH: Duration = Duration::from_secs(3600);

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
        // Held across the fetch, so concurrent misses make one call, not many.
        let mut entries = self.entries.lock().await;
        if let Some((at, value)) = entries.get(&catalogue) {
            if at.elapsed() < REFRESH {
                return Ok(value.clone());
            }
        }
        let value = self
            .tcr
            .catalogue(catalogue)
            .await
            .result
            .map_err(|error| {
                AppError::tcr(
                    error,
                    "The catalogue could not be read from TCR; try again.",
                )
            })?;
        entries.insert(catalogue, (Instant::now(), value.clone()));
        Ok(value)
    }

    /// TCR's own description of each of `codes`, from its error catalogue; empty when TCR's
    /// catalogue cannot be read now.
    pub async fn explain(&self, codes: &[i64]) -> HashMap<i64, String> {
        let Ok(Value::Object(catalogue)) = self.get(TcrCatalogue::Errors).await else {
            return HashMap::new();
        };
        codes
            .iter()
            .filter_map(|code| {
                Some((
                    *code,
                    catalogue.get(&code.to_string())?.as_str()?.to_owned(),
                ))
            })
            .collect()
    }
}
