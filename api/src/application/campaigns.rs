//! Campaign use cases: qualify, register, act on (change, deactivate, resubmit, nudge, share),
//! read what TCR and the carriers say, and complete registrations TCR never confirmed.
use std::sync::Arc;

use chrono::Utc;
use sqlx::PgPool;
use tendlc_domain::brand::{Brand, RegistrationStatus};
use tendlc_domain::campaign::{
    ActionAnswer, Campaign, CampaignCommand, CampaignProfile, CarrierReason, Mno, Observation,
};
use tendlc_domain::ids::{CampaignId, CustomerId, TcrBrandId, TcrCampaignId};
use tendlc_domain::tcr::{
    TcrCampaign, TcrCampaignSubmission, TcrError, TcrPort, TcrReply, UsecaseQualification,
};
use tendlc_domain::values::OperationStatus;
use tendlc_projections::campaigns::{self as campaign_rows, CampaignRow};
use tendlc_projections::Wake;

use super::brands::{Observed, INTERRUPTED};
use super::context::CommandContext;
use super::error::AppError;
use super::read_back::read_back;
use super::recorder::{Fresh, Recorded, Recorder};
use super::tcr_call::{adopt_or_create, Called};
use super::Outcome;

/// Our unique reference at TCR (≤ 50 characters).
pub fn reference_for(campaign_id: CampaignId) -> String {
    format!("tendlc-c-{}", campaign_id.as_uuid().simple())
}

pub struct Campaigns {
    pool: PgPool,
    events: Recorder<Campaign>,
    tcr: Arc<dyn TcrPort>,
    wake: Wake,
}

/// TCR's brand id when the brand may register campaigns; the domain's refusal otherwise.
pub fn campaigns_allowed(brand: &Brand) -> Result<&TcrBrandId, AppError> {
    brand
        .campaigns_allowed()
        .map_err(|refusal| AppError::conflict(refusal.code(), refusal.to_string()))
}

impl Campaigns {
    pub fn new(pool: PgPool, tcr: Arc<dyn TcrPort>, wake: Wake) -> Self {
        Self {
            events: Recorder::new(pool.clone(), wake.clone(), "campaign"),
            pool,
            tcr,
            wake,
        }
    }

    pub(super) fn tcr(&self) -> &Arc<dyn TcrPort> {
        &self.tcr
    }

    /// Records a campaign command (for the API and the workers alike).
    pub async fn execute(
        &self,
        campaign_id: CampaignId,
        command: CampaignCommand,
        context: &CommandContext,
    ) -> Result<usize, AppError> {
        Ok(self
            .events
            .execute(campaign_id, command, &context.metadata())
            .await?
            .sequence)
    }

    /// The campaign's state from its events.
    pub async fn load(&self, campaign_id: CampaignId) -> Result<(Campaign, usize), AppError> {
        self.events.load(campaign_id).await
    }

    /// The campaign if it belongs to `customer_id`; another customer's is simply not found.
    pub async fn owned(
        &self,
        campaign_id: CampaignId,
        customer_id: CustomerId,
    ) -> Result<Campaign, AppError> {
        let (campaign, _) = self.load(campaign_id).await?;
        if campaign.customer_id != Some(customer_id) {
            return Err(AppError::NotFound("campaign"));
        }
        Ok(campaign)
    }

    /// The read model once it shows event `sequence`.
    pub async fn row_at(
        &self,
        campaign_id: CampaignId,
        sequence: usize,
    ) -> Result<CampaignRow, AppError> {
        read_back(&self.wake, "campaign", campaign_id, sequence, || {
            campaign_rows::get(&self.pool, campaign_id.into(), None)
        })
        .await
    }

    /// The read model once it shows everything recorded so far.
    pub async fn settled_row(&self, campaign_id: CampaignId) -> Result<CampaignRow, AppError> {
        let (_, sequence) = self.load(campaign_id).await?;
        self.row_at(campaign_id, sequence).await
    }

    /// Asks TCR's campaign builder whether the brand qualifies for the use case (not billed).
    #[tracing::instrument(skip(self))]
    pub async fn qualify(
        &self,
        tcr_brand_id: &TcrBrandId,
        usecase: &str,
    ) -> Result<UsecaseQualification, AppError> {
        self.tcr
            .qualify(tcr_brand_id, usecase)
            .await
            .result
            .map_err(|error| {
                AppError::tcr(
                    error,
                    "TCR did not qualify the brand for this use case; nothing was registered or billed.",
                )
            })
    }

    /// The answer to a call that went through TCR; when TCR accepted, what TCR and the
    /// carriers now say is read and recorded first, so the answer shows it.
    async fn outcome(
        &self,
        campaign_id: CampaignId,
        called: Called<Campaign>,
        context: &CommandContext,
    ) -> Result<Outcome<CampaignRow>, AppError> {
        let mut sequence = called.recorded.sequence;
        if let Some(error) = called.failure {
            // A migration request whose answer was lost after TCR answered (a failure of its
            // own, an unreadable success): TCR is done with it, so it is asked at once whether it
            // started the migration, and if it did, the request succeeded. After a timeout TCR
            // may still be working on it: the next reading of the campaign settles it.
            let before = &called.recorded.state;
            let tcr_answered = matches!(
                error,
                TcrError::ServerError { .. } | TcrError::UnreadableAnswer { .. }
            );
            if tcr_answered && before.cnp_migration_unconfirmed.is_some() {
                match self
                    .follow_cnp_migration(campaign_id, before, context)
                    .await
                {
                    Ok(Some(read)) if read.state.cnp_migration != before.cnp_migration => {
                        return Ok(Outcome::Done(Box::new(
                            self.row_at(campaign_id, read.sequence).await?,
                        )));
                    }
                    Ok(read) => sequence = read.map_or(sequence, |read| read.sequence),
                    Err(error) => {
                        tracing::info!(campaign = %campaign_id, %error, "could not read the migration back; the next reading of the campaign will")
                    }
                }
            }
            self.row_at(campaign_id, sequence).await?;
            return Ok(Outcome::Failed {
                id: campaign_id.into(),
                error,
            });
        }
        if let Some(tcr_campaign_id) = called.recorded.state.tcr_campaign_id.as_ref() {
            match self
                .observe(campaign_id, tcr_campaign_id, vec![], context)
                .await
            {
                Ok(observed) => sequence = observed.sequence,
                Err(error) => {
                    tracing::info!(campaign = %campaign_id, %error, "could not read TCR back after a change; the poller will")
                }
            }
        }
        Ok(Outcome::Done(Box::new(
            self.row_at(campaign_id, sequence).await?,
        )))
    }

    /// Registers a new campaign for `brand` (the caller's, read from its events): the brand must
    /// be ready and the carriers' demands met before anything is recorded or billed.
    #[tracing::instrument(skip_all, fields(brand = ?brand.brand_id))]
    pub async fn register(
        &self,
        context: &CommandContext,
        customer_id: CustomerId,
        brand: &Brand,
        profile: CampaignProfile,
    ) -> Result<Outcome<CampaignRow>, AppError> {
        let tcr_brand_id = campaigns_allowed(brand)?.clone();
        let qualification = self.qualify(&tcr_brand_id, &profile.usecase).await?;
        profile.check_qualification(&qualification)?;

        let campaign_id = CampaignId::new();
        let reference_id = reference_for(campaign_id);
        let request = profile.to_tcr_request(&tcr_brand_id, &reference_id);
        let intent = CampaignCommand::RequestRegistration {
            campaign_id,
            customer_id,
            brand_id: brand.brand_id.ok_or(AppError::NotFound("brand"))?,
            tcr_brand_id,
            reference_id,
            profile,
            qualification,
        };
        let called = self
            .events
            .through_tcr_as(
                Fresh::Likely,
                campaign_id,
                context,
                intent,
                |_| self.tcr.create_campaign(&request),
                |result| match result {
                    Ok(submission) => CampaignCommand::RecordSubmissionAccepted {
                        submission,
                        adopted: false,
                    },
                    Err(error) => CampaignCommand::RecordSubmissionFailed { error },
                },
            )
            .await?
            .ok_or_else(|| AppError::internal("campaign registration", "recorded nothing"))?;
        self.outcome(campaign_id, called, context).await
    }

    /// Records an action, performs it at TCR with `call` (given TCR's campaign id), records the
    /// outcome and reads TCR's state back. `None` when the action changes nothing (nothing is
    /// recorded or sent).
    #[tracing::instrument(skip_all, fields(campaign = %campaign_id))]
    pub(super) async fn act<F, Fut>(
        &self,
        context: &CommandContext,
        campaign_id: CampaignId,
        request: CampaignCommand,
        call: F,
    ) -> Result<Option<Outcome<CampaignRow>>, AppError>
    where
        F: FnOnce(TcrCampaignId) -> Fut,
        Fut: std::future::Future<Output = TcrReply<ActionAnswer>>,
    {
        let called = self
            .events
            .through_tcr(
                campaign_id,
                context,
                request,
                |campaign| call(campaign.tcr_campaign_id.clone().unwrap_or_default()),
                |result| match result {
                    Ok(answer) => CampaignCommand::RecordActionAccepted { answer },
                    Err(error) => CampaignCommand::RecordActionFailed { error },
                },
            )
            .await?;
        match called {
            Some(called) => Ok(Some(self.outcome(campaign_id, called, context).await?)),
            None => Ok(None),
        }
    }

    /// Reads the campaign, its carriers and its sharing from TCR and records what changed (or
    /// a confirmation). `reasons` are carriers' explanations from webhooks.
    #[tracing::instrument(skip_all, fields(campaign = %campaign_id, source = context.source.as_str()))]
    pub async fn observe(
        &self,
        campaign_id: CampaignId,
        tcr_campaign_id: &TcrCampaignId,
        reasons: Vec<(Mno, OperationStatus, CarrierReason)>,
        context: &CommandContext,
    ) -> Result<Observed<TcrCampaign>, AppError> {
        let campaign = self.tcr.get_campaign(tcr_campaign_id).await;
        // Ordered by when TCR's answer arrived, not by when we asked (see brands) — the first
        // answer: the carriers and the sharing are read after it, so the reading never outranks
        // a newer one. Stamped by the last answer, a reading whose later call was slow outranked
        // a newer reading of the carriers, and a carrier moved backwards (found by `tendlc
        // chaos`). At worst a newer reading is passed over; the next webhook or poll applies it.
        let observed_at = Utc::now();
        let statuses = self.tcr.operation_status(tcr_campaign_id).await;
        let sharing = self.tcr.campaign_sharing(tcr_campaign_id).await;
        let unread = |error| AppError::tcr(error, "TCR's state of the campaign could not be read.");
        // The carriers' answer is the one that matters most for the record.
        let metadata = context.metadata().with_tcr_call(statuses.call.clone());
        let campaign = campaign.result.map_err(unread)?;
        let statuses = statuses.result.map_err(unread)?;
        let sharing = sharing.result.unwrap_or(None);
        let (before, _) = self.load(campaign_id).await?;
        let mut after = self
            .events
            .execute(
                campaign_id,
                CampaignCommand::ObserveTcrState(Box::new(Observation {
                    campaign: Some(campaign.clone()),
                    operation_status: Some(statuses),
                    reasons,
                    sharing,
                    source: context.source,
                    observed_at,
                })),
                &metadata,
            )
            .await?;
        // TCR sends no webhook of its own for a migration's end (nor for one it started from a
        // request whose answer was lost): each reading of the campaign reads it too.
        match self
            .follow_cnp_migration(campaign_id, &after.state, context)
            .await
        {
            Ok(Some(read)) => after = read,
            Ok(None) => {}
            Err(error) => {
                tracing::info!(campaign = %campaign_id, %error, "could not read the CNP migration; the next reading will")
            }
        }
        let now = &after.state;
        Ok(Observed {
            changed: now.carriers != before.carriers
                || now.tcr_status != before.tcr_status
                || now.sharing != before.sharing
                || now.billing != before.billing
                || now.cnp_migration != before.cnp_migration,
            sequence: after.sequence,
            tcr: Some(campaign),
        })
    }

    /// Reads the campaign's CNP migration from TCR, when the record may be behind it (one under
    /// way, or a request whose answer was lost), and records what TCR holds: how it ended
    /// (COMPLETED when the new partner accepted, CANCELLED when it declined), or, for a lost
    /// answer, the migration TCR started or that it started none. `None` when there was
    /// nothing to read.
    #[tracing::instrument(skip_all, fields(campaign = %campaign_id))]
    pub async fn follow_cnp_migration(
        &self,
        campaign_id: CampaignId,
        campaign: &Campaign,
        context: &CommandContext,
    ) -> Result<Option<Recorded<Campaign>>, AppError> {
        let Some(tcr_campaign_id) = campaign
            .tcr_campaign_id
            .as_ref()
            .filter(|_| campaign.cnp_migration_to_read())
        else {
            return Ok(None);
        };
        let reply = self.tcr.cnp_migration(tcr_campaign_id).await;
        let migration = match reply.result {
            Ok(migration) => Some(migration),
            // TCR's "record not found": the campaign has no migration at all.
            Err(TcrError::Rejected(errors)) if errors.iter().any(|e| e.code == 502) => None,
            Err(error) => {
                return Err(AppError::tcr(
                    error,
                    "TCR's state of the migration could not be read.",
                ))
            }
        };
        let recorded = self
            .events
            .execute(
                campaign_id,
                CampaignCommand::ObserveCnpMigration {
                    migration,
                    source: context.source,
                },
                &context.metadata().with_tcr_call(reply.call),
            )
            .await?;
        Ok(Some(recorded))
    }

    /// [`Campaigns::follow_cnp_migration`], answering with the campaign as the read model then
    /// shows it.
    pub async fn read_cnp_migration(
        &self,
        campaign_id: CampaignId,
        campaign: &Campaign,
        context: &CommandContext,
    ) -> Result<CampaignRow, AppError> {
        if campaign.cnp_migration.is_none() && campaign.cnp_migration_unconfirmed.is_none() {
            return Err(AppError::NotFound("CNP migration"));
        }
        let sequence = match self
            .follow_cnp_migration(campaign_id, campaign, context)
            .await?
        {
            Some(recorded) => recorded.sequence,
            None => self.load(campaign_id).await?.1,
        };
        self.row_at(campaign_id, sequence).await
    }

    /// Frees a campaign whose action was sent to TCR by a process that died before it
    /// recorded the answer: TCR's state is read again and recorded first, so a change TCR
    /// applied is recorded as applied; anything else is marked interrupted.
    #[tracing::instrument(skip_all, fields(campaign = %campaign_id))]
    pub async fn heal_interrupted(
        &self,
        campaign_id: CampaignId,
        tcr_campaign_id: Option<&TcrCampaignId>,
        context: &CommandContext,
    ) -> Result<(), AppError> {
        let tcr = match tcr_campaign_id {
            Some(tcr_campaign_id) => {
                self.observe(campaign_id, tcr_campaign_id, vec![], context)
                    .await?
                    .tcr
            }
            None => None,
        };
        let abandon = CampaignCommand::AbandonAction {
            reason: INTERRUPTED.into(),
            tcr,
        };
        let healed = self
            .events
            .execute(campaign_id, abandon, &context.metadata())
            .await?;
        // An interrupted migration request may have started one at TCR.
        self.follow_cnp_migration(campaign_id, &healed.state, context)
            .await
            .map(|_| ())
    }

    /// Completes a registration TCR never confirmed, never creating (and billing) it twice, or
    /// gives up after `max_attempts`. As for brands, decided on the campaign's events.
    #[tracing::instrument(skip_all, fields(campaign = %campaign_id))]
    pub async fn retry_registration(
        &self,
        campaign_id: CampaignId,
        seen_attempts: u32,
        max_attempts: u32,
        context: &CommandContext,
    ) -> Result<(), AppError> {
        let (campaign, _) = self.load(campaign_id).await?;
        if campaign.status != Some(RegistrationStatus::Pending)
            || campaign.submission_attempts != seen_attempts
        {
            return Ok(());
        }
        if campaign.submission_attempts >= max_attempts {
            self.execute(
                campaign_id,
                CampaignCommand::AbandonSubmission {
                    reason: format!(
                        "TCR did not take the campaign after {} attempts",
                        campaign.submission_attempts
                    ),
                },
                context,
            )
            .await?;
            return Ok(());
        }
        let Campaign {
            profile: Some(profile),
            tcr_brand_id: Some(tcr_brand_id),
            reference_id: Some(reference_id),
            ..
        } = campaign
        else {
            return Ok(());
        };
        let request = profile.to_tcr_request(&tcr_brand_id, &reference_id);
        let found = |reply: TcrReply<Option<_>>| TcrReply {
            call: reply.call,
            result: reply
                .result
                .map(|found: Option<tendlc_domain::tcr::TcrCampaign>| {
                    found.map(|found| TcrCampaignSubmission {
                        campaign_id: found.campaign_id,
                        mno_metadata: Default::default(),
                    })
                }),
        };
        let adoption = adopt_or_create(
            || async { found(self.tcr.find_campaign_by_reference(&reference_id).await) },
            || self.tcr.create_campaign(&request),
        )
        .await;
        let metadata = context.metadata().with_tcr_call(adoption.call);
        let command = match adoption.result {
            Ok((submission, adopted)) => {
                tracing::info!(campaign = %campaign_id, tcr_campaign = %submission.campaign_id, adopted, "campaign registration completed by retry");
                CampaignCommand::RecordSubmissionAccepted {
                    submission,
                    adopted,
                }
            }
            Err(error) => CampaignCommand::RecordSubmissionFailed { error },
        };
        self.events.execute(campaign_id, command, &metadata).await?;
        Ok(())
    }
}
