//! Brand use cases: register, change, act on (vetting, appeal, OTP, deletion), read TCR's state
//! back, and complete registrations TCR never confirmed.
use std::sync::Arc;

use sqlx::PgPool;
use tendlc_domain::brand::{
    Brand, BrandAction, BrandActionAnswer, BrandCommand, BrandProfile, RegistrationStatus,
};
use tendlc_domain::ids::{BrandId, CustomerId, TcrBrandId};
use tendlc_domain::tcr::{TcrBrand, TcrFeedback, TcrOtpStatus, TcrPort, TcrReply};
use tendlc_domain::values::{AppealStatus, BrandRelationship, VettingStatus};
use tendlc_projections::brands::{self as brand_rows, BrandRow};
use tendlc_projections::Wake;

use super::context::CommandContext;
use super::error::AppError;
use super::read_back::read_back;
use super::recorder::{Fresh, Recorder};
use super::tcr_call::{adopt_or_create, Called};
use super::Outcome;

/// Our unique reference at TCR (≤ 50 characters, as TCR allows).
pub fn reference_for(brand_id: BrandId) -> String {
    format!("tendlc-{}", brand_id.as_uuid().simple())
}

pub struct Brands {
    pool: PgPool,
    events: Recorder<Brand>,
    tcr: Arc<dyn TcrPort>,
    wake: Wake,
}

/// What reading TCR's state of a brand or campaign did.
#[derive(Debug, Clone)]
pub struct Observed<T> {
    pub changed: bool,
    /// The last event after recording what was read.
    pub sequence: usize,
    /// What TCR answered (none when there was nothing to read yet).
    pub tcr: Option<T>,
}

/// Why an action whose answer was never recorded is freed.
pub(super) const INTERRUPTED: &str = "no answer from TCR was recorded (the request was interrupted); TCR's state was read again, so ask again if it is still wanted";

impl Brands {
    pub fn new(pool: PgPool, tcr: Arc<dyn TcrPort>, wake: Wake) -> Self {
        Self {
            events: Recorder::new(pool.clone(), wake.clone(), "brand"),
            pool,
            tcr,
            wake,
        }
    }

    pub(super) fn pool(&self) -> &PgPool {
        &self.pool
    }

    pub(super) fn tcr(&self) -> &Arc<dyn TcrPort> {
        &self.tcr
    }

    /// Records a brand command (for the API and the workers alike).
    pub async fn execute(
        &self,
        brand_id: BrandId,
        command: BrandCommand,
        context: &CommandContext,
    ) -> Result<usize, AppError> {
        Ok(self
            .events
            .execute(brand_id, command, &context.metadata())
            .await?
            .sequence)
    }

    /// The brand's state from its events (the truth, not the read model).
    pub async fn load(&self, brand_id: BrandId) -> Result<(Brand, usize), AppError> {
        self.events.load(brand_id).await
    }

    /// The brand if it belongs to `customer_id`; another customer's is simply not found.
    pub async fn owned(
        &self,
        brand_id: BrandId,
        customer_id: CustomerId,
    ) -> Result<Brand, AppError> {
        let (brand, _) = self.load(brand_id).await?;
        if brand.customer_id != Some(customer_id) {
            return Err(AppError::NotFound("brand"));
        }
        Ok(brand)
    }

    /// The read model once it shows event `sequence`.
    pub async fn row_at(&self, brand_id: BrandId, sequence: usize) -> Result<BrandRow, AppError> {
        read_back(&self.wake, "brand", brand_id, sequence, || {
            brand_rows::get(&self.pool, brand_id.into(), None)
        })
        .await
    }

    /// The read model once it shows everything recorded so far.
    pub async fn settled_row(&self, brand_id: BrandId) -> Result<BrandRow, AppError> {
        let (_, sequence) = self.load(brand_id).await?;
        self.row_at(brand_id, sequence).await
    }

    /// The answer to a call that went through TCR: the brand as the read model shows it, or
    /// TCR's failure (recorded too).
    async fn outcome(
        &self,
        brand_id: BrandId,
        called: Called<Brand>,
    ) -> Result<Outcome<BrandRow>, AppError> {
        let row = self.row_at(brand_id, called.recorded.sequence).await?;
        Ok(match called.failure {
            None => Outcome::Done(Box::new(row)),
            Some(error) => Outcome::Failed {
                id: brand_id.into(),
                error,
            },
        })
    }

    /// Registers a new brand with TCR.
    #[tracing::instrument(skip_all, fields(customer = ?context.customer_id))]
    pub async fn register(
        &self,
        context: &CommandContext,
        customer_id: CustomerId,
        relationship: BrandRelationship,
        profile: BrandProfile,
    ) -> Result<Outcome<BrandRow>, AppError> {
        let brand_id = BrandId::new();
        let reference_id = reference_for(brand_id);
        let request = profile.to_tcr_request(relationship, Some(&reference_id));
        let intent = BrandCommand::RequestRegistration {
            brand_id,
            customer_id,
            reference_id,
            brand_relationship: relationship,
            profile,
        };
        let called = self
            .events
            .through_tcr_as(
                Fresh::Likely,
                brand_id,
                context,
                intent,
                |_| self.tcr.create_brand(&request),
                |result| match result {
                    Ok(tcr) => BrandCommand::RecordSubmissionAccepted {
                        tcr,
                        adopted: false,
                    },
                    Err(error) => BrandCommand::RecordSubmissionFailed { error },
                },
            )
            .await?
            .ok_or_else(|| AppError::internal("brand registration", "recorded nothing"))?;
        self.outcome(brand_id, called).await
    }

    /// Sends a changed profile to TCR. `None` when nothing changed (nothing is recorded or sent).
    #[tracing::instrument(skip_all, fields(brand = %brand_id))]
    pub async fn update(
        &self,
        context: &CommandContext,
        brand_id: BrandId,
        brand: &Brand,
        profile: BrandProfile,
        confirm_auth_plus_revocation: bool,
    ) -> Result<Option<Outcome<BrandRow>>, AppError> {
        let (Some(current), Some(tcr_brand_id), Some(relationship)) = (
            &brand.profile,
            &brand.tcr_brand_id,
            brand.brand_relationship,
        ) else {
            let status = brand
                .status
                .map(RegistrationStatus::as_str)
                .unwrap_or("unknown");
            return Err(AppError::conflict(
                "brand_not_registered",
                format!("the brand is not registered with TCR (status {status}), so it cannot be updated yet"),
            ));
        };
        if current == &profile {
            return Ok(None);
        }
        let request = profile.to_tcr_request(relationship, brand.reference_id.as_deref());
        let called = self
            .events
            .through_tcr(
                brand_id,
                context,
                BrandCommand::RequestUpdate {
                    profile: profile.clone(),
                    confirm_auth_plus_revocation,
                },
                |_| self.tcr.update_brand(tcr_brand_id, &request),
                |result| match result {
                    Ok(tcr) => BrandCommand::RecordUpdateAccepted { profile, tcr },
                    Err(error) => BrandCommand::RecordUpdateFailed { error },
                },
            )
            .await?;
        match called {
            Some(called) => Ok(Some(self.outcome(brand_id, called).await?)),
            None => Ok(None),
        }
    }

    /// Records a vetting, revet, appeal, OTP step or deletion, performs it at TCR with `call`
    /// (given TCR's brand id) and records the outcome.
    #[tracing::instrument(skip_all, fields(brand = %brand_id, action = action.name()))]
    pub(super) async fn act<F, Fut>(
        &self,
        context: &CommandContext,
        brand_id: BrandId,
        action: BrandAction,
        call: F,
    ) -> Result<Outcome<BrandRow>, AppError>
    where
        F: FnOnce(TcrBrandId) -> Fut,
        Fut: std::future::Future<Output = TcrReply<BrandActionAnswer>>,
    {
        let called = self
            .events
            .through_tcr(
                brand_id,
                context,
                BrandCommand::RequestAction { action },
                |brand| call(brand.tcr_brand_id.clone().unwrap_or_default()),
                |result| match result {
                    Ok(answer) => BrandCommand::RecordActionAccepted { answer },
                    Err(error) => BrandCommand::RecordActionFailed { error },
                },
            )
            .await?;
        let Some(called) = called else {
            // Nothing to change (a file TCR already holds as evidence): the brand as it is.
            let (_, sequence) = self.load(brand_id).await?;
            return Ok(Outcome::Done(Box::new(
                self.row_at(brand_id, sequence).await?,
            )));
        };
        self.outcome(brand_id, called).await
    }

    /// Why TCR could not verify the brand (read from TCR; nothing is recorded).
    pub async fn feedback(&self, tcr_brand_id: &TcrBrandId) -> Result<TcrFeedback, AppError> {
        self.tcr
            .brand_feedback(tcr_brand_id)
            .await
            .result
            .map_err(|error| AppError::tcr(error, "Nothing was changed."))
    }

    /// Where a sole proprietor's OTP stands at TCR (nothing is recorded).
    pub async fn otp_status(&self, otp_reference_id: &str) -> Result<TcrOtpStatus, AppError> {
        self.tcr
            .otp_status(otp_reference_id)
            .await
            .result
            .map_err(|error| AppError::tcr(error, "Nothing was changed."))
    }

    /// Reads the brand from TCR and records what TCR holds (a change, or a confirmation);
    /// with `identity_records`, or when a vetting or appeal is under way, also its vettings and
    /// appeals.
    #[tracing::instrument(skip_all, fields(brand = %brand_id, source = context.source.as_str()))]
    pub async fn observe(
        &self,
        brand_id: BrandId,
        context: &CommandContext,
        identity_records: bool,
    ) -> Result<Observed<TcrBrand>, AppError> {
        let (before, sequence) = self.load(brand_id).await?;
        let Some(tcr_brand_id) = before.tcr_brand_id.clone() else {
            return Ok(Observed {
                changed: false,
                sequence,
                tcr: None,
            });
        };
        let source = context.source;
        let reply = self.tcr.get_brand(&tcr_brand_id).await;
        // Readings are ordered by when TCR's answer arrived, not by when we asked: a reading
        // that waited longer (rate limiter, slow TCR) may hold the newer state.
        let observed_at = chrono::Utc::now();
        let tcr = reply
            .result
            .map_err(|error| AppError::tcr(error, "TCR's state of the brand could not be read."))?;
        let mut after = self
            .events
            .execute(
                brand_id,
                BrandCommand::ObserveTcrState {
                    identity_status: tcr.identity_status.clone(),
                    tcr_status: tcr.status.clone(),
                    source,
                    observed_at,
                },
                &context.metadata().with_tcr_call(reply.call),
            )
            .await?;
        let under_way = before.vettings.iter().any(|v| {
            !matches!(
                v.status,
                Some(VettingStatus::Active | VettingStatus::Failed | VettingStatus::Expired)
            )
        }) || before.appeal_status == Some(AppealStatus::Pending)
            || before.vetting_appeal_pending();
        if identity_records || under_way {
            let vettings = self.tcr.vettings(&tcr_brand_id).await;
            // The first answer's arrival, as for campaigns: the appeals are read after it.
            let observed_at = chrono::Utc::now();
            let appeals = self.tcr.brand_appeals(&tcr_brand_id).await;
            let call = vettings.call.clone();
            let vettings = vettings.result.map_err(|error| {
                AppError::tcr(error, "TCR's vettings of the brand could not be read.")
            })?;
            let appeal = appeals.result.ok().and_then(|mut all| all.pop());
            // Vet appeals only while one waits for TCR's decision (an unread list decides
            // nothing: the next reading asks again).
            let vetting_appeals = if before.vetting_appeal_pending() {
                let listed = self.tcr.vetting_appeals(&tcr_brand_id).await;
                listed.result.unwrap_or_default()
            } else {
                vec![]
            };
            after = self
                .events
                .execute(
                    brand_id,
                    BrandCommand::ObserveIdentityRecords {
                        vettings,
                        appeal,
                        vetting_appeals,
                        source,
                        observed_at,
                    },
                    &context.metadata().with_tcr_call(call),
                )
                .await?;
        }
        let now = &after.state;
        Ok(Observed {
            changed: now.identity_status != before.identity_status
                || now.tcr_status != before.tcr_status
                || now.vettings != before.vettings
                || now.appeal_status != before.appeal_status
                || now.pending_vetting_appeals != before.pending_vetting_appeals,
            sequence: after.sequence,
            tcr: Some(tcr),
        })
    }

    /// Frees a brand whose action or update was sent to TCR by a process that died before it
    /// recorded the answer: TCR's state is read again and recorded first, so an update TCR
    /// applied is recorded as applied; anything else is marked interrupted.
    #[tracing::instrument(skip_all, fields(brand = %brand_id))]
    pub async fn heal_interrupted(
        &self,
        brand_id: BrandId,
        context: &CommandContext,
    ) -> Result<(), AppError> {
        let observed = self.observe(brand_id, context, true).await?;
        let abandon = BrandCommand::AbandonAction {
            reason: INTERRUPTED.into(),
            tcr: observed.tcr,
        };
        self.execute(brand_id, abandon, context).await.map(|_| ())
    }

    /// Completes a registration TCR never confirmed, never creating it twice (adopted by its
    /// reference when TCR holds it), or gives up after `max_attempts` and says why. Decided on
    /// the brand's events, not on the read model, which may lag behind them; `seen_attempts` is
    /// what the caller saw, so a registration another worker just handled is left alone.
    #[tracing::instrument(skip_all, fields(brand = %brand_id))]
    pub async fn retry_registration(
        &self,
        brand_id: BrandId,
        seen_attempts: u32,
        max_attempts: u32,
        last_error: Option<&str>,
        context: &CommandContext,
    ) -> Result<(), AppError> {
        let (brand, _) = self.load(brand_id).await?;
        let attempts = brand.submission_attempts;
        if brand.status != Some(RegistrationStatus::Pending) || attempts != seen_attempts {
            return Ok(());
        }
        if attempts >= max_attempts {
            let last = last_error.unwrap_or("no answer recorded");
            tracing::warn!(brand = %brand_id, attempts, "giving up on a registration TCR never took");
            self.execute(
                brand_id,
                BrandCommand::AbandonSubmission {
                    reason: format!(
                        "TCR did not take the brand after {attempts} attempts; last error: {last}"
                    ),
                },
                context,
            )
            .await?;
            return Ok(());
        }
        let Brand {
            profile: Some(profile),
            brand_relationship: Some(relationship),
            reference_id: Some(reference_id),
            ..
        } = brand
        else {
            return Ok(());
        };
        let request = profile.to_tcr_request(relationship, Some(&reference_id));
        let adoption = adopt_or_create(
            || self.tcr.find_brand_by_reference(&reference_id),
            || self.tcr.create_brand(&request),
        )
        .await;
        let metadata = context.metadata().with_tcr_call(adoption.call);
        let command = match adoption.result {
            Ok((tcr, adopted)) => {
                tracing::info!(brand = %brand_id, tcr_brand = %tcr.brand_id, adopted, "registration completed by retry");
                BrandCommand::RecordSubmissionAccepted { tcr, adopted }
            }
            Err(error) => BrandCommand::RecordSubmissionFailed { error },
        };
        self.events.execute(brand_id, command, &metadata).await?;
        Ok(())
    }
}
