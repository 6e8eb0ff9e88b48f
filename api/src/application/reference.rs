//! TCR's enumerations (use cases, entity types, verticals), cached: they change rarely, and
//! one fetch an hour per process is plenty.
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::Value;
use tendlc_domain::tcr::{TcrError, TcrPort};
use tokio::sync::Mutex;

use super::error::AppError;

const CACHE_TTL: Duration = Duration::from_secs(3600);

/// Which TCR enumeration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Enumeration {
    UseCases,
    EntityTypes,
    Verticals,
}

impl Enumeration {
    async fn fetch(self, tcr: &dyn TcrPort) -> Result<Value, TcrError> {
        fn items<T: serde::Serialize>(list: Vec<T>) -> Value {
            serde_json::json!({ "items": list })
        }
        match self {
            Enumeration::UseCases => tcr.use_cases().await.result.map(items),
            Enumeration::EntityTypes => tcr.entity_types().await.result.map(items),
            Enumeration::Verticals => tcr.verticals().await.result.map(items),
        }
    }
}

pub struct Reference {
    tcr: Arc<dyn TcrPort>,
    entries: Mutex<HashMap<Enumeration, (Instant, Value)>>,
}

impl Reference {
    pub fn new(tcr: Arc<dyn TcrPort>) -> Self {
        Self {
            tcr,
            entries: Mutex::default(),
        }
    }

    /// `{items: [...]}` as TCR lists them, from the cache when fresh.
    pub async fn list(&self, enumeration: Enumeration) -> Result<Value, AppError> {
        let mut entries = self.entries.lock().await;
        if let Some((at, value)) = entries.get(&enumeration) {
            if at.elapsed() < CACHE_TTL {
                return Ok(value.clone());
            }
        }
        let value = enumeration
            .fetch(self.tcr.as_ref())
            .await
            .map_err(|error| {
                AppError::tcr(error, "The list could not be fetched from TCR; try again.")
            })?;
        entries.insert(enumeration, (Instant::now(), value.clone()));
        Ok(value)
    }
}
