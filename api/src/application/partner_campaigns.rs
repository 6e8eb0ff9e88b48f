//! The operator's side as upstream connectivity partner: campaigns other CSPs shared with its
//! TCR account are read from TCR (`sharedWithMe`, each with its carriers' status and its
//! sharing chain) and recorded as they change; the operator accepts one (by sharing it further
//! upstream) or declines it, each recorded before TCR is called and TCR's answer after.
use std::sync::Arc;

use sqlx::PgPool;
use tendlc_domain::ids::TcrCampaignId;
use tendlc_domain::partner_campaign::{
    PartnerCampaign, PartnerCampaignCommand, PartnerDecline, PartnerReading,
};
use tendlc_domain::tcr::{
    TcrError, TcrPartnerCampaign, TcrPartnerDecline, TcrPort, TcrReply, TcrSharingLink,
};
use tendlc_domain::values::Reported;
use tendlc_projections::partner_campaigns::{self as partner_rows, PartnerCampaignRow};
use tendlc_projections::Wake;

use super::context::CommandContext;
use super::error::AppError;
use super::read_back::read_back;
use super::recorder::Recorder;

/// At most this many pages of `sharedWithMe` are read in one sync.
const MAX_PAGES: u32 = 100;

pub struct PartnerCampaigns {
    pool: PgPool,
    tcr: Arc<dyn TcrPort>,
    events: Recorder<PartnerCampaign>,
    wake: Wake,
}

/// The shared campaign once TCR's answer to an action is recorded (and shown by the read
/// model), with TCR's failure when it did not do what was asked.
pub struct Answered {
    pub row: PartnerCampaignRow,
    pub failure: Option<TcrError>,
}

/// What one sync found.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Synced {
    /// Campaigns TCR lists as shared with us.
    pub seen: usize,
    /// Of those, how many were new or changed (and so recorded).
    pub changed: usize,
}

impl PartnerCampaigns {
    pub fn new(pool: PgPool, tcr: Arc<dyn TcrPort>, wake: Wake) -> Self {
        Self {
            events: Recorder::new(pool.clone(), wake.clone(), "partner campaign"),
            pool,
            tcr,
            wake,
        }
    }

    async fn row_at(
        &self,
        tcr_campaign_id: &str,
        sequence: usize,
    ) -> Result<PartnerCampaignRow, AppError> {
        read_back(
            &self.wake,
            "partner campaign",
            tcr_campaign_id,
            sequence,
            || partner_rows::get(&self.pool, tcr_campaign_id),
        )
        .await
    }

    /// Reads every campaign TCR lists as shared with us, with its carriers and sharing chain,
    /// and records each that is new or changed.
    #[tracing::instrument(skip_all)]
    pub async fn sync(&self, context: &CommandContext) -> Result<Synced, AppError> {
        let unread = |error| AppError::tcr(error, "Nothing was recorded.");
        let mut synced = Synced::default();
        for page in 1..=MAX_PAGES {
            let listed = self
                .tcr
                .campaigns_shared_with_me(page)
                .await
                .result
                .map_err(unread)?;
            if listed.records.is_empty() {
                break;
            }
            for campaign in &listed.records {
                synced.seen += 1;
                if self.observe(campaign, context).await? {
                    synced.changed += 1;
                }
            }
            if synced.seen as u64 >= listed.total_records {
                break;
            }
        }
        Ok(synced)
    }

    /// Reads one listed campaign's carriers and sharing chain and records what changed;
    /// whether anything did.
    async fn observe(
        &self,
        campaign: &TcrPartnerCampaign,
        context: &CommandContext,
    ) -> Result<bool, AppError> {
        let id = TcrCampaignId::from_tcr(campaign.campaign_id.clone());
        let unread = |error| AppError::tcr(error, "Nothing was recorded for this campaign.");
        let carriers = self.tcr.partner_campaign_operation_status(&id).await;
        let chain = self.tcr.partner_campaign_sharing(&id).await;
        let metadata = context.metadata().with_tcr_call(carriers.call.clone());
        let carriers = carriers.result.map_err(unread)?;
        let chain = chain.result.map_err(unread)?;
        let with_us = chain.shared_with_me.as_ref();
        let by_us = chain.shared_by_me.as_ref();
        let reading = PartnerReading {
            downstream_cnp_id: with_us.and_then(|s| s.downstream_cnp_id.clone()),
            brand_id: campaign.brand_id.clone(),
            usecase: campaign.usecase.clone(),
            description: campaign.description.clone(),
            tcr_status: campaign.status.clone(),
            sharing_status: with_us.map(|s| Reported::parse(&s.sharing_status)),
            upstream_cnp_id: by_us.and_then(|s| s.upstream_cnp_id.clone()),
            upstream_sharing_status: by_us.map(|s| Reported::parse(&s.sharing_status)),
            carriers,
        };
        let recorded = self
            .events
            .execute(
                &campaign.campaign_id,
                PartnerCampaignCommand::Observe {
                    tcr_campaign_id: campaign.campaign_id.clone(),
                    reading,
                    source: context.source,
                },
                &metadata,
            )
            .await?;
        if recorded.changed() {
            // Read-your-writes, as every command: a list read after the sync shows it.
            self.row_at(&campaign.campaign_id, recorded.sequence)
                .await?;
        }
        Ok(recorded.changed())
    }

    /// The shared campaign as the read model shows it once it reflects everything recorded.
    pub async fn settled(&self, tcr_campaign_id: &str) -> Result<PartnerCampaignRow, AppError> {
        let (_, sequence) = self.events.load(tcr_campaign_id).await?;
        if sequence == 0 {
            return Err(AppError::NotFound("partner campaign"));
        }
        self.row_at(tcr_campaign_id, sequence).await
    }

    /// Records `intent`, sends it to TCR with `call`, records the answer, and answers with
    /// the row once it shows it.
    async fn through_tcr<F, Fut>(
        &self,
        context: &CommandContext,
        tcr_campaign_id: &str,
        intent: PartnerCampaignCommand,
        call: F,
    ) -> Result<Answered, AppError>
    where
        F: FnOnce(TcrCampaignId) -> Fut,
        Fut: std::future::Future<Output = TcrReply<TcrSharingLink>>,
    {
        let id = TcrCampaignId::from_tcr(tcr_campaign_id);
        let called = self
            .events
            .through_tcr(
                tcr_campaign_id,
                context,
                intent,
                |_| call(id),
                PartnerCampaignCommand::RecordOutcome,
            )
            .await?
            .ok_or_else(|| AppError::internal("partner campaign", "recorded nothing"))?;
        let row = self
            .row_at(tcr_campaign_id, called.recorded.sequence)
            .await?;
        Ok(Answered {
            row,
            failure: called.failure,
        })
    }

    /// Accepts the campaign by sharing it further upstream, to `upstream_cnp_id`.
    #[tracing::instrument(skip_all, fields(campaign = tcr_campaign_id))]
    pub async fn accept(
        &self,
        context: &CommandContext,
        tcr_campaign_id: &str,
        upstream_cnp_id: String,
    ) -> Result<Answered, AppError> {
        let tcr = self.tcr.clone();
        let partner = upstream_cnp_id.clone();
        self.through_tcr(
            context,
            tcr_campaign_id,
            PartnerCampaignCommand::Accept { upstream_cnp_id },
            |id| async move { tcr.reshare_partner_campaign(&id, &partner).await },
        )
        .await
    }

    /// Declines the campaign, with why and TCR's categories.
    #[tracing::instrument(skip_all, fields(campaign = tcr_campaign_id))]
    pub async fn decline(
        &self,
        context: &CommandContext,
        tcr_campaign_id: &str,
        decline: PartnerDecline,
    ) -> Result<Answered, AppError> {
        let tcr = self.tcr.clone();
        let body = TcrPartnerDecline {
            explanation: decline.explanation.clone(),
            rejection_categories: decline
                .categories
                .iter()
                .map(|c| c.as_str().to_string())
                .collect(),
        };
        self.through_tcr(
            context,
            tcr_campaign_id,
            PartnerCampaignCommand::Decline(decline),
            |id| async move { tcr.decline_partner_campaign(&id, &body).await },
        )
        .await
    }
}
