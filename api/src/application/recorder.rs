//! The one way a command is recorded, for every aggregate: decide it against the aggregate's
//! events and append — deciding again when another writer appended first — then wake the
//! projection runners and say what was recorded; with one mapping of the store's errors.
use std::fmt::Display;

use cqrs_es::{Aggregate, AggregateError};
use sqlx::PgPool;
use tendlc_adapters::event_store;
use tendlc_domain::brand::BrandError;
use tendlc_domain::campaign::CampaignError;
use tendlc_domain::customer::CustomerError;
use tendlc_domain::metadata::EventMetadata;
use tendlc_domain::partner_campaign::PartnerCampaignError;
use tendlc_domain::reseller::ResellerError;
use tendlc_domain::tcr_account::TcrAccountError;
use tendlc_domain::webhook::WebhookError;
use tendlc_projections::Wake;

use super::error::AppError;
use super::handoff::Handoff;
pub use tendlc_adapters::event_store::Recorded;

/// How an aggregate's refusal is told: `None` means "no such thing", otherwise the stable code
/// of a conflict whose message is the refusal's own words.
pub trait Refusal: std::error::Error {
    fn conflict_code(&self) -> Option<&'static str>;

    /// When what was refused will be allowed (TCR's limits on how often something is sent).
    fn retry_after(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        None
    }
}

impl Refusal for BrandError {
    fn conflict_code(&self) -> Option<&'static str> {
        match self {
            BrandError::NotFound => None,
            BrandError::NotRegistered(_) => Some("brand_not_registered"),
            BrandError::ActionPending(_) => Some("action_pending"),
            BrandError::NotApplicable(_) => Some("not_applicable"),
            BrandError::TooSoon { .. } => Some("too_soon"),
            BrandError::RevokesAuthPlus(_) => Some("auth_plus_revocation_unconfirmed"),
            _ => Some("brand_conflict"),
        }
    }

    fn retry_after(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        match self {
            BrandError::TooSoon { retry_after, .. } => Some(*retry_after),
            _ => None,
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

impl Refusal for CustomerError {
    fn conflict_code(&self) -> Option<&'static str> {
        match self {
            CustomerError::NotFound => None,
            CustomerError::AlreadyExists => Some("customer_exists"),
        }
    }
}

impl Refusal for ResellerError {
    fn conflict_code(&self) -> Option<&'static str> {
        match self {
            ResellerError::NotFound => None,
            ResellerError::AlreadyExists => Some("reseller_exists"),
            ResellerError::ActionPending(_) => Some("action_pending"),
            ResellerError::Deleted => Some("reseller_deleted"),
        }
    }
}

impl Refusal for TcrAccountError {
    fn conflict_code(&self) -> Option<&'static str> {
        match self {
            TcrAccountError::ActionPending => Some("action_pending"),
            TcrAccountError::NotApplicable(_) => Some("not_applicable"),
        }
    }
}

impl Refusal for PartnerCampaignError {
    fn conflict_code(&self) -> Option<&'static str> {
        match self {
            PartnerCampaignError::NotFound => None,
            PartnerCampaignError::ActionPending(_) => Some("action_pending"),
            PartnerCampaignError::NotApplicable(_) => Some("not_applicable"),
        }
    }
}

impl Refusal for WebhookError {
    fn conflict_code(&self) -> Option<&'static str> {
        match self {
            WebhookError::NotFound => None,
        }
    }
}

/// Records the commands of one aggregate type, named `what` in answers ("brand", "campaign").
pub struct Recorder<A> {
    pool: PgPool,
    wake: Wake,
    what: &'static str,
    _aggregate: std::marker::PhantomData<fn() -> A>,
}

/// What a recorder knows of the aggregate before deciding a command.
#[derive(Debug, Clone)]
pub enum Fresh<A> {
    /// Nothing: load it.
    No,
    /// It most likely has no events yet (a fresh id; a webhook delivery, whose id is its content).
    Likely,
    /// Its state after the caller's last command, at that sequence (still current unless
    /// another writer appended since).
    At(Box<A>, usize),
}

/// Attempts at a command while other writers keep appending to the same aggregate first.
const CONFLICT_ATTEMPTS: u32 = 5;

impl<A> Recorder<A>
where
    A: Aggregate<Services = ()> + Clone,
    A::Command: Clone,
    A::Error: Refusal,
{
    pub fn new(pool: PgPool, wake: Wake, what: &'static str) -> Self {
        Self {
            pool,
            wake,
            what,
            _aggregate: std::marker::PhantomData,
        }
    }

    pub fn what(&self) -> &'static str {
        self.what
    }

    /// Wakes the readers of what this recorder appends.
    pub(super) fn wake(&self) -> &Wake {
        &self.wake
    }

    /// The one mapping from the event store's errors to the application's.
    fn error(&self, error: AggregateError<A::Error>) -> AppError {
        match error {
            AggregateError::UserError(refusal) => {
                match (refusal.conflict_code(), refusal.retry_after()) {
                    (None, _) => AppError::NotFound(self.what),
                    (Some(code), None) => AppError::conflict(code, refusal.to_string()),
                    (Some(code), Some(retry_after)) => AppError::TooSoon {
                        code,
                        message: refusal.to_string(),
                        retry_after,
                    },
                }
            }
            AggregateError::AggregateConflict => AppError::conflict(
                "concurrent_change",
                format!(
                    "the {} was changed by another request at the same time; retry",
                    self.what
                ),
            ),
            other => AppError::internal("event store", format!("{}: {other}", self.what)),
        }
    }

    /// Decides `command` against the aggregate's events (loaded once per attempt) and appends
    /// what it decided, then wakes the projection runners. When another writer appended first,
    /// the command is decided again against the newer state. A request's first record is told
    /// to its [`Handoff`]; a request whose waiter gave up before it recorded anything records
    /// nothing.
    #[tracing::instrument(name = "record", skip_all, fields(what = self.what, id = %id))]
    pub async fn execute(
        &self,
        id: impl Display,
        command: A::Command,
        metadata: &EventMetadata,
    ) -> Result<Recorded<A>, AppError> {
        self.execute_as(Fresh::No, id, command, metadata).await
    }

    /// Like [`Recorder::execute`], for the first command of an aggregate that is most likely
    /// new (a fresh id; a webhook delivery, whose id is its content): one insert, without
    /// loading first. When the aggregate has events after all, it is decided against them.
    #[tracing::instrument(name = "record_new", skip_all, fields(what = self.what, id = %id))]
    pub async fn execute_new(
        &self,
        id: impl Display,
        command: A::Command,
        metadata: &EventMetadata,
    ) -> Result<Recorded<A>, AppError> {
        self.execute_as(Fresh::Likely, id, command, metadata).await
    }

    pub(super) async fn execute_as(
        &self,
        fresh: Fresh<A>,
        id: impl Display,
        command: A::Command,
        metadata: &EventMetadata,
    ) -> Result<Recorded<A>, AppError> {
        let recorded = self
            .execute_unannounced(fresh, id, command, metadata)
            .await?;
        if recorded.changed() {
            self.wake.appended(A::TYPE);
        }
        Ok(recorded)
    }

    /// [`Recorder::execute_as`] without waking the readers: the caller does (see
    /// [`Recorder::wake`]).
    pub(super) async fn execute_unannounced(
        &self,
        fresh: Fresh<A>,
        id: impl Display,
        command: A::Command,
        metadata: &EventMetadata,
    ) -> Result<Recorded<A>, AppError> {
        let id = id.to_string();
        let Some(handoff) = Handoff::current() else {
            return self.record(fresh, &id, command, metadata).await;
        };
        if !handoff.start_recording() {
            return Err(AppError::NotInTime);
        }
        let result = self.record(fresh, &id, command, metadata).await;
        let made = matches!(&result, Ok(recorded) if recorded.changed());
        handoff.finish_recording(made.then_some((self.what, id)));
        result
    }

    async fn record(
        &self,
        fresh: Fresh<A>,
        id: &str,
        command: A::Command,
        metadata: &EventMetadata,
    ) -> Result<Recorded<A>, AppError> {
        let known = match fresh {
            Fresh::No => None,
            Fresh::Likely => Some((A::default(), 0)),
            Fresh::At(state, sequence) => Some((*state, sequence)),
        };
        if let Some((state, sequence)) = known {
            let map = metadata.to_map();
            match event_store::execute_on::<A>(
                &self.pool,
                id,
                state,
                sequence,
                command.clone(),
                &map,
            )
            .await
            {
                Ok(recorded) if recorded.changed() => return Ok(recorded),
                // Appended to meanwhile, or the state held is not current (a refusal or no
                // change may say so): load and decide against the events, as any command.
                Ok(_) | Err(AggregateError::AggregateConflict | AggregateError::UserError(_)) => {}
                Err(error) => return Err(self.error(error)),
            }
        }
        let mut attempt = 1;
        loop {
            let result =
                event_store::execute::<A>(&self.pool, id, command.clone(), metadata.to_map()).await;
            match result {
                Err(AggregateError::AggregateConflict) if attempt < CONFLICT_ATTEMPTS => {
                    attempt += 1;
                    tokio::time::sleep(std::time::Duration::from_millis(5 * u64::from(attempt)))
                        .await;
                }
                Err(error) => return Err(self.error(error)),
                Ok(recorded) => return Ok(recorded),
            }
        }
    }

    /// The current state from its events (the truth, not a read model), with its sequence
    /// (0 when it has no events).
    pub async fn load(&self, id: impl Display) -> Result<(A, usize), AppError> {
        event_store::load::<A>(&self.pool, &id.to_string())
            .await
            .map_err(|e| self.error(e))
    }
}
