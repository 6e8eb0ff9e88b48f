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
//!
//! Brand validation takes countries and US states from TCR's lists ([`Catalogues::places`]),
//! but never waits on TCR for them: it uses what is cached and has a missing or stale list read
//! in the background (at most once a minute while TCR fails). Until TCR's lists are in, the
//! built-in ISO 3166-1 and US lists are the fallback.
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::Value;
use tendlc_domain::attachment::VETTING_APPEAL_CATEGORIES;
use tendlc_domain::brand::profile::Places;
use tendlc_domain::tcr::{TcrCatalogue, TcrError, TcrPort};
use tokio::sync::Mutex;

use super::error::AppError;

const REFRESH: Duration = Duration::from_secs(3600);
const RETRY: Duration = Duration::from_secs(60);
const PLACES: [TcrCatalogue; 2] = [TcrCatalogue::Countries, TcrCatalogue::UsStates];

/// What is cached: one of TCR's catalogues, or the appeal categories of one vetting provider
/// (the same catalogue, narrowed by `evpId`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    Catalogue(TcrCatalogue),
    AppealCategories(String),
}

type Entries = Arc<Mutex<HashMap<Key, (Instant, Value)>>>;

/// One entry of an enumeration TCR lists as `[{id, displayName, description}]`.
#[derive(serde::Deserialize)]
struct CatalogueEntry {
    id: String,
}

pub struct Catalogues {
    tcr: Arc<dyn TcrPort>,
    entries: Entries,
    /// When the background read of the places lists was last started.
    places_read: Arc<std::sync::Mutex<Option<Instant>>>,
}

impl Catalogues {
    pub fn new(tcr: Arc<dyn TcrPort>) -> Self {
        Self {
            tcr,
            entries: Entries::default(),
            places_read: Arc::default(),
        }
    }

    /// The catalogue as TCR answers it, from the cache while fresh.
    pub async fn get(&self, catalogue: TcrCatalogue) -> Result<Value, AppError> {
        fetch(&self.tcr, &self.entries, catalogue).await
    }

    /// The categories TCR takes in an appeal of `provider`'s vets, from TCR's catalogue for
    /// that provider (cached like the others); the built-in list when TCR cannot be read now or
    /// lists none (TCR still checks what is sent).
    pub async fn vetting_appeal_categories(&self, provider: &str) -> Vec<String> {
        let key = Key::AppealCategories(provider.to_owned());
        let read = cached(&self.entries, key, || async {
            self.tcr.vetting_appeal_categories(provider).await.result
        })
        .await;
        let listed: Vec<String> = read
            .ok()
            .and_then(|value| serde_json::from_value::<Vec<CatalogueEntry>>(value).ok())
            .map(|entries| entries.into_iter().map(|entry| entry.id).collect())
            .unwrap_or_default();
        if listed.is_empty() {
            return VETTING_APPEAL_CATEGORIES
                .iter()
                .map(|c| (*c).to_owned())
                .collect();
        }
        listed
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

    /// The countries and US states brands may name: TCR's lists as cached (the built-in ones
    /// until TCR's are in); a missing or stale list is read in the background.
    pub async fn places(&self) -> Places {
        let (lists, due) = {
            let entries = self.entries.lock().await;
            let lists: Vec<Option<Vec<String>>> = PLACES
                .iter()
                .map(|c| match entries.get(&Key::Catalogue(*c)) {
                    Some((_, Value::Object(map))) => Some(map.keys().cloned().collect()),
                    _ => None,
                })
                .collect();
            let due = PLACES.iter().any(|c| {
                entries
                    .get(&Key::Catalogue(*c))
                    .is_none_or(|(at, _)| at.elapsed() >= REFRESH)
            });
            (lists, due)
        };
        if due {
            self.read_places_in_background();
        }
        let mut lists = lists.into_iter().map(Option::unwrap_or_default);
        Places::from_tcr(
            lists.next().unwrap_or_default(),
            lists.next().unwrap_or_default(),
        )
    }

    fn read_places_in_background(&self) {
        {
            let mut last = self.places_read.lock().unwrap_or_else(|e| e.into_inner());
            if last.is_some_and(|at| at.elapsed() < RETRY) {
                return;
            }
            *last = Some(Instant::now());
        }
        let (tcr, entries) = (self.tcr.clone(), self.entries.clone());
        tokio::spawn(async move {
            for catalogue in PLACES {
                if let Err(error) = fetch(&tcr, &entries, catalogue).await {
                    tracing::warn!(
                        catalogue = catalogue.name(),
                        ?error,
                        "TCR's list could not be read; validating with the built-in one"
                    );
                }
            }
        });
    }
}

/// One catalogue, from the cache while fresh, else from TCR.
async fn fetch(
    tcr: &Arc<dyn TcrPort>,
    entries: &Entries,
    catalogue: TcrCatalogue,
) -> Result<Value, AppError> {
    cached(entries, Key::Catalogue(catalogue), || async {
        tcr.catalogue(catalogue).await.result
    })
    .await
    .map_err(|error| {
        AppError::tcr(
            error,
            "The catalogue could not be read from TCR; try again.",
        )
    })
}

/// `key` from the cache while fresh, else as `read` gets it from TCR (the lock is not held
/// while TCR is asked, so a slow TCR never holds up readers of what is cached); a failure is
/// not cached.
async fn cached<Read, Fut>(entries: &Entries, key: Key, read: Read) -> Result<Value, TcrError>
where
    Read: FnOnce() -> Fut,
    Fut: std::future::Future<Output = Result<Value, TcrError>>,
{
    if let Some((at, value)) = entries.lock().await.get(&key) {
        if at.elapsed() < REFRESH {
            return Ok(value.clone());
        }
    }
    let value = read().await?;
    entries
        .lock()
        .await
        .insert(key, (Instant::now(), value.clone()));
    Ok(value)
}
