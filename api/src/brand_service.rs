//! Brand workflows: record the intent, call TCR, record the outcome — in that order, so a
//! crash or a TCR failure never loses an acknowledged request.
use std::sync::Arc;

use postgres_es::PostgresCqrs;
use sqlx::PgPool;
use tendlc_domain::brand::{
    Brand, BrandActionAnswer, BrandCommand, BrandProfile, RegistrationStatus,
};
use tendlc_domain::metadata::{EventMetadata, Source};
use tendlc_domain::tcr::{TcrError, TcrPort, TcrReply};
use tendlc_domain::values::{AppealStatus, BrandRelationship, VettingStatus};
use tendlc_projections::brands::{self as brand_rows, BrandRow};
use tendlc_projections::Wake;
use uuid::Uuid;

use crate::error::ApiError;
use crate::recorder::Recorder;

/// Who asked, for event metadata.
#[derive(Debug, Clone)]
pub struct CommandContext {
    pub customer_id: Uuid,
    pub actor: String,
    pub request_id: String,
    pub source: Source,
}

impl CommandContext {
    /// A caller of the API acting for `customer_id`.
    pub fn api(caller: &crate::auth::Caller, customer_id: Uuid, request_id: String) -> Self {
        Self {
            customer_id,
            actor: caller.actor(),
            request_id,
            source: Source::Api,
        }
    }

    pub fn metadata(&self) -> EventMetadata {
        EventMetadata::new(
            Some(self.customer_id.to_string()),
            self.actor.clone(),
            self.request_id.clone(),
            self.source,
        )
    }
}

/// What became of a request that reached TCR (or tried to).
pub enum Outcome {
    /// TCR did what was asked; the brand as the read model now shows it.
    Done(Box<BrandRow>),
    /// TCR did not; the request is recorded and the error says what the caller should know.
    Failed { brand_id: Uuid, error: TcrError },
}

pub struct BrandService {
    pool: PgPool,
    events: Recorder<Brand>,
    tcr: Arc<dyn TcrPort>,
}

/// Our unique reference at TCR (≤ 50 characters, as TCR allows).
pub fn reference_for(brand_id: Uuid) -> String {
    format!("tendlc-{}", brand_id.simple())
}

impl BrandService {
    pub fn new(
        pool: PgPool,
        cqrs: Arc<PostgresCqrs<Brand>>,
        tcr: Arc<dyn TcrPort>,
        wake: Wake,
    ) -> Self {
        Self {
            events: Recorder::new(pool.clone(), cqrs, wake, "brand"),
            pool,
            tcr,
        }
    }

    /// Records a brand command (for the API and for the sync workers alike).
    pub async fn execute(
        &self,
        brand_id: Uuid,
        command: BrandCommand,
        metadata: EventMetadata,
    ) -> Result<(), ApiError> {
        self.events.execute(brand_id, command, metadata).await
    }

    /// The brand's current state from its events (the truth, not the read model).
    pub async fn load(&self, brand_id: Uuid) -> Result<(Brand, usize), ApiError> {
        self.events.load(brand_id).await
    }

    pub async fn settled_row(&self, brand_id: Uuid) -> Result<BrandRow, ApiError> {
        let (_, sequence) = self.load(brand_id).await?;
        crate::consistency::read_back("brand", sequence, || {
            brand_rows::get(&self.pool, brand_id, None)
        })
        .await
    }

    /// Registers a new brand with TCR.
    pub async fn register(
        &self,
        context: &CommandContext,
        relationship: BrandRelationship,
        profile: BrandProfile,
    ) -> Result<Outcome, ApiError> {
        let brand_id = Uuid::new_v4();
        let reference_id = reference_for(brand_id);
        let request = profile.to_tcr_request(relationship, Some(&reference_id));
        self.execute(
            brand_id,
            BrandCommand::RequestRegistration {
                brand_id: brand_id.to_string(),
                customer_id: context.customer_id.to_string(),
                reference_id,
                brand_relationship: relationship,
                profile,
            },
            context.metadata(),
        )
        .await?;

        let reply = self.tcr.create_brand(&request).await;
        let metadata = context.metadata().with_tcr_call(reply.call.clone());
        match reply.result {
            Ok(tcr) => {
                self.execute(
                    brand_id,
                    BrandCommand::RecordSubmissionAccepted {
                        tcr,
                        adopted: false,
                    },
                    metadata,
                )
                .await?;
                Ok(Outcome::Done(Box::new(self.settled_row(brand_id).await?)))
            }
            Err(error) => {
                self.execute(
                    brand_id,
                    BrandCommand::RecordSubmissionFailed {
                        error: error.clone(),
                    },
                    metadata,
                )
                .await?;
                // Let the read model show the failure before the caller can look.
                self.settled_row(brand_id).await?;
                Ok(Outcome::Failed { brand_id, error })
            }
        }
    }

    /// Sends a changed profile to TCR. `None` when nothing changed (nothing is recorded or sent).
    pub async fn update(
        &self,
        context: &CommandContext,
        brand_id: Uuid,
        brand: &Brand,
        profile: BrandProfile,
    ) -> Result<Option<Outcome>, ApiError> {
        let (Some(current), Some(tcr_brand_id), Some(relationship)) = (
            &brand.profile,
            &brand.tcr_brand_id,
            brand.brand_relationship,
        ) else {
            let status = brand
                .status
                .map(RegistrationStatus::as_str)
                .unwrap_or("unknown");
            return Err(ApiError::conflict(
                "brand_not_registered",
                format!("the brand is not registered with TCR (status {status}), so it cannot be updated yet"),
            ));
        };
        if current == &profile {
            return Ok(None);
        }
        let request = profile.to_tcr_request(relationship, brand.reference_id.as_deref());
        self.execute(
            brand_id,
            BrandCommand::RequestUpdate {
                profile: profile.clone(),
            },
            context.metadata(),
        )
        .await?;
        let reply = self.tcr.update_brand(tcr_brand_id, &request).await;
        let metadata = context.metadata().with_tcr_call(reply.call.clone());
        match reply.result {
            Ok(tcr) => {
                self.execute(
                    brand_id,
                    BrandCommand::RecordUpdateAccepted { profile, tcr },
                    metadata,
                )
                .await?;
                Ok(Some(Outcome::Done(Box::new(
                    self.settled_row(brand_id).await?,
                ))))
            }
            Err(error) => {
                self.execute(
                    brand_id,
                    BrandCommand::RecordUpdateFailed {
                        error: error.clone(),
                    },
                    metadata,
                )
                .await?;
                self.settled_row(brand_id).await?;
                Ok(Some(Outcome::Failed { brand_id, error }))
            }
        }
    }

    /// Records a vetting, revet, appeal, OTP step or deletion, performs it at TCR with `call`
    /// (given TCR's brand id) and records the outcome.
    pub async fn act<F, Fut>(
        &self,
        context: &CommandContext,
        brand_id: Uuid,
        action: tendlc_domain::brand::BrandAction,
        call: F,
    ) -> Result<Outcome, ApiError>
    where
        F: FnOnce(String) -> Fut,
        Fut: std::future::Future<Output = TcrReply<BrandActionAnswer>>,
    {
        let (brand, _) = self.load(brand_id).await?;
        self.execute(
            brand_id,
            BrandCommand::RequestAction { action },
            context.metadata(),
        )
        .await?;
        let tcr_brand_id = brand.tcr_brand_id.clone().unwrap_or_default();
        let reply = call(tcr_brand_id).await;
        let metadata = context.metadata().with_tcr_call(reply.call.clone());
        match reply.result {
            Ok(answer) => {
                self.execute(
                    brand_id,
                    BrandCommand::RecordActionAccepted { answer },
                    metadata,
                )
                .await?;
                Ok(Outcome::Done(Box::new(self.settled_row(brand_id).await?)))
            }
            Err(error) => {
                self.execute(
                    brand_id,
                    BrandCommand::RecordActionFailed {
                        error: error.clone(),
                    },
                    metadata,
                )
                .await?;
                self.settled_row(brand_id).await?;
                Ok(Outcome::Failed { brand_id, error })
            }
        }
    }

    pub fn tcr(&self) -> &dyn TcrPort {
        self.tcr.as_ref()
    }

    /// Reads the brand from TCR and records what TCR holds (a change, or a confirmation);
    /// with `identity_records`, or when a vetting or appeal is under way, also its vettings and
    /// appeals. Returns whether anything changed.
    pub async fn observe(
        &self,
        brand_id: Uuid,
        metadata: EventMetadata,
        source: Source,
        identity_records: bool,
    ) -> Result<bool, TcrError> {
        let recording =
            |e: ApiError| TcrError::Unreachable(format!("could not record: {}", e.body.message));
        let (before, _) = self.load(brand_id).await.map_err(recording)?;
        let Some(tcr_brand_id) = before.tcr_brand_id.clone() else {
            return Ok(false);
        };
        let observed_at = chrono::Utc::now();
        let reply = self.tcr.get_brand(&tcr_brand_id).await;
        let tcr = reply.result?;
        self.execute(
            brand_id,
            BrandCommand::ObserveTcrState {
                identity_status: tcr.identity_status,
                tcr_status: tcr.status,
                source,
                observed_at,
            },
            metadata.clone().with_tcr_call(reply.call),
        )
        .await
        .map_err(recording)?;
        let under_way = before.vettings.iter().any(|v| {
            !matches!(
                v.status,
                Some(VettingStatus::Active | VettingStatus::Failed | VettingStatus::Expired)
            )
        }) || before.appeal_status == Some(AppealStatus::Pending);
        if identity_records || under_way {
            let vettings = self.tcr.vettings(&tcr_brand_id).await;
            let appeals = self.tcr.brand_appeals(&tcr_brand_id).await;
            let call = vettings.call.clone();
            let vettings = vettings.result?;
            let appeal = appeals.result.ok().and_then(|mut all| all.pop());
            self.execute(
                brand_id,
                BrandCommand::ObserveIdentityRecords {
                    vettings,
                    appeal,
                    source,
                    observed_at,
                },
                metadata.with_tcr_call(call),
            )
            .await
            .map_err(recording)?;
        }
        let (after, _) = self.load(brand_id).await.map_err(recording)?;
        Ok(after.identity_status != before.identity_status
            || after.tcr_status != before.tcr_status
            || after.vettings != before.vettings
            || after.appeal_status != before.appeal_status)
    }
}
