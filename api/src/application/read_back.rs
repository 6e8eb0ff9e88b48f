//! Read-your-writes: after recording, answer from the read model once it shows the change,
//! woken by the projection runners (of any replica) rather than by polling.
use std::future::Future;
use std::time::Duration;

use tendlc_projections::brands::BrandRow;
use tendlc_projections::campaigns::CampaignRow;
use tendlc_projections::customers::CustomerRow;
use tendlc_projections::fold::Rows;
use tendlc_projections::partner_campaigns::PartnerCampaignRow;
use tendlc_projections::resellers::ResellerRow;
use tendlc_projections::Wake;

use super::error::AppError;

/// How long an answer waits for the read model to show what was just recorded.
const WAIT: Duration = Duration::from_secs(5);
/// A missed wake-up costs at most this much.
const RECHECK: Duration = Duration::from_millis(250);

/// A read-model row that knows the last event sequence it reflects, and its projection.
pub trait Versioned {
    /// The projection that writes it (whose batches a wait is woken by).
    const PROJECTION: &'static str;

    fn last_sequence(&self) -> i64;
}

impl Versioned for BrandRow {
    const PROJECTION: &'static str = <tendlc_projections::brands::BrandRows as Rows>::PROJECTION;

    fn last_sequence(&self) -> i64 {
        self.last_sequence
    }
}

impl Versioned for CampaignRow {
    const PROJECTION: &'static str =
        <tendlc_projections::campaigns::CampaignRows as Rows>::PROJECTION;

    fn last_sequence(&self) -> i64 {
        self.last_sequence
    }
}

impl Versioned for ResellerRow {
    const PROJECTION: &'static str = <ResellerRow as Rows>::PROJECTION;

    fn last_sequence(&self) -> i64 {
        self.last_sequence
    }
}

impl Versioned for PartnerCampaignRow {
    const PROJECTION: &'static str = <PartnerCampaignRow as Rows>::PROJECTION;

    fn last_sequence(&self) -> i64 {
        self.last_sequence
    }
}

impl Versioned for CustomerRow {
    const PROJECTION: &'static str = <CustomerRow as Rows>::PROJECTION;

    fn last_sequence(&self) -> i64 {
        self.last_sequence
    }
}

/// Fetches the row of `what` `id` until it reflects `sequence`, looking again each time a
/// runner of its projection commits a batch (bounded); if the read model stays behind, answers
/// with what it has rather than fail a request that has been recorded, and with
/// [`AppError::NotYetVisible`] when it has nothing yet.
pub async fn read_back<T, F, Fut>(
    wake: &Wake,
    what: &'static str,
    id: impl std::fmt::Display,
    sequence: usize,
    mut fetch: F,
) -> Result<T, AppError>
where
    T: Versioned,
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<Option<T>, sqlx::Error>>,
{
    let deadline = tokio::time::Instant::now() + WAIT;
    let applied_by_projection = wake.applied_by(T::PROJECTION);
    loop {
        // Listen before looking, so a batch committed in between is not missed.
        let applied = applied_by_projection.notified();
        tokio::pin!(applied);
        applied.as_mut().enable();
        let row = fetch().await?;
        let caught_up = row
            .as_ref()
            .is_some_and(|r| r.last_sequence() >= sequence as i64);
        let now = tokio::time::Instant::now();
        if caught_up || now >= deadline {
            if !caught_up {
                tracing::warn!(
                    what,
                    sequence,
                    "read model is behind; answering with what it has"
                );
            }
            return row.ok_or_else(|| AppError::NotYetVisible {
                what,
                id: id.to_string(),
            });
        }
        let _ = tokio::time::timeout(RECHECK.min(deadline - now), applied).await;
    }
}
