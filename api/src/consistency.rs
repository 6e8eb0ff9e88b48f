//! Read-your-writes: after recording, answer from the read model once it shows the change.
use std::future::Future;
use std::time::Duration;

use tendlc_projections::brands::BrandRow;
use tendlc_projections::customers::CustomerRow;

use crate::error::ApiError;

/// How long an answer waits for the read model to show what was just recorded.
const WAIT: Duration = Duration::from_secs(5);

/// A read-model row that knows the last event sequence it reflects.
pub trait Versioned {
    fn last_sequence(&self) -> i64;
}

impl Versioned for BrandRow {
    fn last_sequence(&self) -> i64 {
        self.last_sequence
    }
}

impl Versioned for tendlc_projections::campaigns::CampaignRow {
    fn last_sequence(&self) -> i64 {
        self.last_sequence
    }
}

impl Versioned for CustomerRow {
    fn last_sequence(&self) -> i64 {
        self.last_sequence
    }
}

/// Fetches the row until it reflects `sequence` (bounded); if the read model stays behind,
/// answers with what it has rather than fail a request that has been recorded.
pub async fn read_back<T, F, Fut>(what: &str, sequence: usize, mut fetch: F) -> Result<T, ApiError>
where
    T: Versioned,
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<Option<T>, sqlx::Error>>,
{
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let row = fetch().await?;
        let caught_up = row
            .as_ref()
            .is_some_and(|r| r.last_sequence() >= sequence as i64);
        if caught_up || tokio::time::Instant::now() >= deadline {
            if !caught_up {
                tracing::warn!(
                    what,
                    sequence,
                    "read model is behind; answering with what it has"
                );
            }
            return row.ok_or_else(|| {
                ApiError::internal(
                    "read model",
                    format!("{what} missing after it was recorded"),
                )
            });
        }
        tokio::time::sleep(Duration::from_millis(15)).await;
    }
}
