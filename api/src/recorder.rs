//! Recording commands on one aggregate type: execute (with the conflict retry), load the truth
//! from its events, and tell the domain's refusals at the edge — one piece for brands and
//! campaigns alike.
use std::sync::Arc;

use cqrs_es::{Aggregate, AggregateError};
use postgres_es::PostgresCqrs;
use sqlx::PgPool;
use tendlc_adapters::event_store;
use tendlc_domain::brand::BrandError;
use tendlc_domain::campaign::CampaignError;
use tendlc_domain::metadata::EventMetadata;
use tendlc_projections::Wake;
use uuid::Uuid;

use crate::error::ApiError;

/// How a domain refusal is answered: `None` means "no such thing" (404), otherwise the code of
/// a 409 whose message is the refusal's own words.
pub trait Refusal: std::error::Error {
    fn conflict_code(&self) -> Option<&'static str>;
}

impl Refusal for BrandError {
    fn conflict_code(&self) -> Option<&'static str> {
        match self {
            BrandError::NotFound => None,
            BrandError::NotRegistered(_) => Some("brand_not_registered"),
            BrandError::ActionPending(_) => Some("action_pending"),
            BrandError::NotApplicable(_) => Some("not_applicable"),
            _ => Some("brand_conflict"),
        }
    }
}

impl Refusal for CampaignError {
    fn conflict_code(&self) -> Option<&'static str> {
        match self {
            CampaignError::NotFound => None,
            CampaignError::NotRegistered(_) => Some("campaign_not_registered"),
            CampaignError::Expired => Some("campaign_expired"),
            CampaignError::ActionPending(_) => Some("action_pending"),
            CampaignError::NotApplicable(_) => Some("not_applicable"),
            _ => Some("campaign_conflict"),
        }
    }
}

/// The commands of one aggregate type, named `what` in answers ("brand", "campaign").
pub struct Recorder<A: Aggregate> {
    pool: PgPool,
    cqrs: Arc<PostgresCqrs<A>>,
    wake: Wake,
    what: &'static str,
}

impl<A> Recorder<A>
where
    A: Aggregate,
    A::Command: Clone,
    A::Error: Refusal,
{
    pub fn new(pool: PgPool, cqrs: Arc<PostgresCqrs<A>>, wake: Wake, what: &'static str) -> Self {
        Self {
            pool,
            cqrs,
            wake,
            what,
        }
    }

    fn error(&self, error: AggregateError<A::Error>) -> ApiError {
        match error {
            AggregateError::UserError(refusal) => match refusal.conflict_code() {
                None => ApiError::not_found(self.what),
                Some(code) => ApiError::conflict(code, refusal.to_string()),
            },
            AggregateError::AggregateConflict => ApiError::conflict(
                "concurrent_change",
                format!(
                    "the {} was changed by another request at the same time; retry",
                    self.what
                ),
            ),
            other => ApiError::internal(&format!("recording a {} event failed", self.what), other),
        }
    }

    /// Records a command (for the API and the sync workers alike) and wakes the projections.
    pub async fn execute(
        &self,
        id: Uuid,
        command: A::Command,
        metadata: EventMetadata,
    ) -> Result<(), ApiError> {
        let result = event_store::execute(&self.cqrs, &id.to_string(), command, metadata.to_map())
            .await
            .map_err(|e| self.error(e));
        self.wake.poke();
        result
    }

    /// The current state from its events (the truth, not the read model), with its sequence.
    pub async fn load(&self, id: Uuid) -> Result<(A, usize), ApiError> {
        event_store::load::<A>(&self.pool, &id.to_string())
            .await
            .map_err(|e| self.error(e))
    }
}
