//! Campaign workflows: qualify, record the intent, call TCR, record the outcome, then read
//! what TCR and the carriers now say — in that order, so a crash or a TCR failure never loses
//! an acknowledged request.
use std::sync::Arc;

use chrono::Utc;
use postgres_es::PostgresCqrs;
use sqlx::PgPool;
use tendlc_domain::campaign::{
    ActionAnswer, Campaign, CampaignCommand, CampaignProfile, CarrierReason, Mno, Observation,
};
use tendlc_domain::metadata::{EventMetadata, Source};
use tendlc_domain::tcr::{TcrError, TcrPort, TcrReply, UsecaseQualification};
use tendlc_domain::values::{IdentityStatus, OperationStatus};
use tendlc_projections::brands::BrandRow;
use tendlc_projections::campaigns::{self as campaign_rows, CampaignRow};
use tendlc_projections::Wake;
use uuid::Uuid;

use crate::brand_service::CommandContext;
use crate::error::ApiError;
use crate::recorder::Recorder;

/// What became of a request that reached TCR (or tried to).
pub enum CampaignOutcome {
    Done(Box<CampaignRow>),
    Failed { campaign_id: Uuid, error: TcrError },
}

pub struct CampaignService {
    pool: PgPool,
    events: Recorder<Campaign>,
    tcr: Arc<dyn TcrPort>,
}

/// Our unique reference at TCR (≤ 50 characters).
pub fn reference_for(campaign_id: Uuid) -> String {
    format!("tendlc-c-{}", campaign_id.simple())
}

/// Refuses a brand that TCR would not let register campaigns, before anything is billed.
pub fn require_campaign_ready(brand: &BrandRow) -> Result<&str, ApiError> {
    let Some(tcr_brand_id) = brand.tcr_brand_id.as_deref() else {
        return Err(ApiError::conflict(
            "brand_not_registered",
            format!(
                "the brand is not registered with TCR (status {}), so it cannot have campaigns yet",
                brand.status
            ),
        ));
    };
    if brand.tcr_status.as_deref() == Some("DELETED") {
        return Err(ApiError::conflict(
            "brand_deleted",
            "the brand is deleted at TCR",
        ));
    }
    let identity = brand
        .identity_status
        .as_deref()
        .and_then(IdentityStatus::parse);
    // TCR's first answer is provisional; until its verdict is read back the brand is being scored.
    let scoring = brand.sync_source.as_deref() == Some("api")
        && matches!(identity, None | Some(IdentityStatus::Unverified));
    match identity {
        Some(IdentityStatus::Verified | IdentityStatus::VettedVerified) => Ok(tcr_brand_id),
        _ if scoring => Err(ApiError::conflict(
            "brand_not_verified",
            "TCR is still scoring this brand (it answers 527 until then); register the campaign once the brand is VERIFIED",
        )),
        other => Err(ApiError::conflict(
            "brand_not_verified",
            format!(
                "TCR lets only VERIFIED or VETTED_VERIFIED brands register campaigns; this brand is {}{}",
                other.map_or("still being scored", |s| s.as_str()),
                match other {
                    Some(IdentityStatus::Unverified) =>
                        " (see its feedback, then appeal or order a vetting)",
                    Some(IdentityStatus::SelfDeclared) =>
                        " (a sole proprietor is verified by OTP first)",
                    _ => "",
                }
            ),
        )),
    }
}

impl CampaignService {
    pub fn new(
        pool: PgPool,
        cqrs: Arc<PostgresCqrs<Campaign>>,
        tcr: Arc<dyn TcrPort>,
        wake: Wake,
    ) -> Self {
        Self {
            events: Recorder::new(pool.clone(), cqrs, wake, "campaign"),
            pool,
            tcr,
        }
    }

    pub fn tcr(&self) -> &dyn TcrPort {
        self.tcr.as_ref()
    }

    /// Records a campaign command (for the API and the sync workers alike).
    pub async fn execute(
        &self,
        campaign_id: Uuid,
        command: CampaignCommand,
        metadata: EventMetadata,
    ) -> Result<(), ApiError> {
        self.events.execute(campaign_id, command, metadata).await
    }

    /// The campaign's current state from its events.
    pub async fn load(&self, campaign_id: Uuid) -> Result<(Campaign, usize), ApiError> {
        self.events.load(campaign_id).await
    }

    /// The read model once it shows everything recorded so far.
    pub async fn settled_row(&self, campaign_id: Uuid) -> Result<CampaignRow, ApiError> {
        let (_, sequence) = self.load(campaign_id).await?;
        crate::consistency::read_back("campaign", sequence, || {
            campaign_rows::get(&self.pool, campaign_id, None)
        })
        .await
    }

    /// Asks TCR's campaign builder whether the brand qualifies for the use case.
    pub async fn qualify(
        &self,
        tcr_brand_id: &str,
        usecase: &str,
    ) -> Result<UsecaseQualification, ApiError> {
        let reply = self.tcr.qualify(tcr_brand_id, usecase).await;
        reply.result.map_err(|error| {
            ApiError::from_tcr(
                &error,
                "TCR did not qualify the brand for this use case; nothing was registered or billed.",
            )
        })
    }

    /// Registers a new campaign: the brand must be ready, the carriers' demands met.
    pub async fn register(
        &self,
        context: &CommandContext,
        brand: &BrandRow,
        profile: CampaignProfile,
    ) -> Result<CampaignOutcome, ApiError> {
        let tcr_brand_id = require_campaign_ready(brand)?.to_string();
        let qualification = self.qualify(&tcr_brand_id, &profile.usecase).await?;
        profile
            .check_qualification(&qualification)
            .map_err(ApiError::validation)?;

        let campaign_id = Uuid::new_v4();
        let reference_id = reference_for(campaign_id);
        let request = profile.to_tcr_request(&tcr_brand_id, &reference_id);
        self.execute(
            campaign_id,
            CampaignCommand::RequestRegistration {
                campaign_id: campaign_id.to_string(),
                customer_id: context.customer_id.to_string(),
                brand_id: brand.brand_id.to_string(),
                tcr_brand_id,
                reference_id,
                profile,
                qualification,
            },
            context.metadata(),
        )
        .await?;
        let reply = self.tcr.create_campaign(&request).await;
        let metadata = context.metadata().with_tcr_call(reply.call.clone());
        match reply.result {
            Ok(submission) => {
                let tcr_campaign_id = submission.campaign_id.clone();
                self.execute(
                    campaign_id,
                    CampaignCommand::RecordSubmissionAccepted {
                        submission,
                        adopted: false,
                    },
                    metadata,
                )
                .await?;
                // Billing dates and the carriers' first word, so the answer shows them.
                self.observe(
                    campaign_id,
                    &tcr_campaign_id,
                    vec![],
                    context.metadata(),
                    Source::Api,
                )
                .await
                .ok();
                Ok(CampaignOutcome::Done(Box::new(
                    self.settled_row(campaign_id).await?,
                )))
            }
            Err(error) => {
                self.execute(
                    campaign_id,
                    CampaignCommand::RecordSubmissionFailed {
                        error: error.clone(),
                    },
                    metadata,
                )
                .await?;
                self.settled_row(campaign_id).await?;
                Ok(CampaignOutcome::Failed { campaign_id, error })
            }
        }
    }

    /// Records an action, performs it at TCR with `call`, records the outcome and reads TCR's
    /// state back. `Ok(None)` when the action changes nothing (nothing is recorded or sent).
    pub async fn act<F, Fut>(
        &self,
        context: &CommandContext,
        campaign_id: Uuid,
        known: &Campaign,
        request: CampaignCommand,
        call: F,
    ) -> Result<Option<CampaignOutcome>, ApiError>
    where
        F: FnOnce(String) -> Fut,
        Fut: std::future::Future<Output = TcrReply<ActionAnswer>>,
    {
        self.execute(campaign_id, request, context.metadata())
            .await?;
        // A request that changes nothing records nothing, and nothing is sent.
        let (now, _) = self.load(campaign_id).await?;
        if now.pending_action.is_none() {
            return Ok(None);
        }
        // TCR's id never changes once given, so what the caller loaded is good for it.
        let Some(tcr_campaign_id) = known.tcr_campaign_id.clone() else {
            return Err(ApiError::conflict(
                "campaign_not_registered",
                "the campaign is not registered with TCR",
            ));
        };
        let reply = call(tcr_campaign_id.clone()).await;
        let metadata = context.metadata().with_tcr_call(reply.call.clone());
        match reply.result {
            Ok(answer) => {
                self.execute(
                    campaign_id,
                    CampaignCommand::RecordActionAccepted { answer },
                    metadata,
                )
                .await?;
                self.observe(
                    campaign_id,
                    &tcr_campaign_id,
                    vec![],
                    context.metadata(),
                    Source::Api,
                )
                .await
                .ok();
                Ok(Some(CampaignOutcome::Done(Box::new(
                    self.settled_row(campaign_id).await?,
                ))))
            }
            Err(error) => {
                self.execute(
                    campaign_id,
                    CampaignCommand::RecordActionFailed {
                        error: error.clone(),
                    },
                    metadata,
                )
                .await?;
                self.settled_row(campaign_id).await?;
                Ok(Some(CampaignOutcome::Failed { campaign_id, error }))
            }
        }
    }

    /// Reads the campaign, its carriers and its sharing from TCR and records what changed (or
    /// a confirmation). `reasons` are carriers' explanations from webhooks.
    pub async fn observe(
        &self,
        campaign_id: Uuid,
        tcr_campaign_id: &str,
        reasons: Vec<(Mno, OperationStatus, CarrierReason)>,
        metadata: EventMetadata,
        source: Source,
    ) -> Result<bool, TcrError> {
        let observed_at = Utc::now();
        let campaign = self.tcr.get_campaign(tcr_campaign_id).await;
        let statuses = self.tcr.operation_status(tcr_campaign_id).await;
        let sharing = self.tcr.campaign_sharing(tcr_campaign_id).await;
        // The carriers' answer is the one that matters most for the record.
        let metadata = metadata.with_tcr_call(statuses.call.clone());
        let campaign = campaign.result?;
        let statuses = statuses.result?;
        let sharing = sharing.result.unwrap_or(None);
        let (before, _) = self.load(campaign_id).await.map_err(|e| {
            TcrError::Unreachable(format!("could not load the campaign: {}", e.body.message))
        })?;
        self.execute(
            campaign_id,
            CampaignCommand::ObserveTcrState(Box::new(Observation {
                campaign: Some(campaign),
                operation_status: Some(statuses),
                reasons,
                sharing,
                source,
                observed_at,
            })),
            metadata,
        )
        .await
        .map_err(|e| TcrError::Unreachable(format!("could not record: {}", e.body.message)))?;
        let (after, _) = self.load(campaign_id).await.map_err(|e| {
            TcrError::Unreachable(format!("could not load the campaign: {}", e.body.message))
        })?;
        Ok(after.carriers != before.carriers
            || after.tcr_status != before.tcr_status
            || after.sharing != before.sharing
            || after.billing != before.billing)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn brand(identity: Option<&str>, sync_source: &str) -> BrandRow {
        let now = Utc::now();
        BrandRow {
            brand_id: Uuid::new_v4(),
            customer_id: Uuid::new_v4(),
            reference_id: "tendlc-x".into(),
            tcr_brand_id: Some("BXYZ123".into()),
            status: "REGISTERED".into(),
            tcr_status: Some("ACTIVE".into()),
            identity_status: identity.map(str::to_string),
            brand_relationship: "BASIC_ACCOUNT".into(),
            profile: serde_json::json!({}),
            pending_update: None,
            last_error: None,
            submission_attempts: 1,
            last_attempt_at: Some(now),
            last_synced_at: Some(now),
            sync_source: Some(sync_source.into()),
            created_at: now,
            updated_at: now,
            last_sequence: 2,
            pending_action: None,
            appeal_status: None,
            appeal: None,
            otp_reference_id: None,
            otp_verified_at: None,
        }
    }

    fn refusal(row: &BrandRow) -> String {
        require_campaign_ready(row).unwrap_err().body.message
    }

    #[test]
    fn it_should_let_only_verified_brands_register_campaigns() {
        assert_eq!(
            require_campaign_ready(&brand(Some("VERIFIED"), "webhook")).unwrap(),
            "BXYZ123"
        );
        assert!(require_campaign_ready(&brand(Some("VETTED_VERIFIED"), "poll")).is_ok());
        assert!(refusal(&brand(Some("UNVERIFIED"), "webhook")).contains("feedback"));
        assert!(refusal(&brand(Some("SELF_DECLARED"), "webhook")).contains("OTP"));
    }

    #[test]
    fn it_should_say_when_tcr_has_not_finished_scoring() {
        // TCR's first answer is provisional until its verdict is read back.
        assert!(refusal(&brand(Some("UNVERIFIED"), "api")).contains("still scoring"));
        assert!(refusal(&brand(None, "api")).contains("still scoring"));
    }
}
