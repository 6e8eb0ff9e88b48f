//! Frees brands and campaigns whose action was sent to TCR by a process that died before it
//! recorded the answer: TCR's state is read again (so whatever TCR did is recorded), then the
//! action is marked interrupted, and the customer may ask again. Actions are never re-sent on
//! their own: a deactivation or a billed vetting is the customer's call.
use tendlc_domain::brand::BrandCommand;
use tendlc_domain::campaign::CampaignCommand;
use tendlc_domain::ids::TcrCampaignId;
use tendlc_domain::metadata::Source;
use tendlc_projections::brands as brand_rows;
use tendlc_projections::campaigns as campaign_rows;

use super::Workers;
use crate::application::AppError;

const ACTOR: &str = "system:retry";
const REASON: &str = "no answer from TCR was recorded (the request was interrupted); TCR's state was read again, so ask again if it is still wanted";

impl Workers {
    /// One pass; returns how many actions were freed.
    pub async fn heal_interrupted_actions(&self) -> Result<usize, AppError> {
        let mut healed = 0;
        let older_than = self.config.retry_grace;
        for row in campaign_rows::stale_actions(&self.pool, older_than, 50).await? {
            let request_id = format!("heal-{}", uuid::Uuid::new_v4());
            let context = self.context(ACTOR, request_id, Source::Retry, row.customer_id);
            if let Some(tcr_campaign_id) = row.tcr_campaign_id.clone().map(TcrCampaignId::from_tcr)
            {
                if let Err(error) = self
                    .app
                    .campaigns
                    .observe(row.campaign_id.into(), &tcr_campaign_id, vec![], &context)
                    .await
                {
                    tracing::warn!(campaign = %row.campaign_id, %error, "cannot read TCR to heal an interrupted action; will try again");
                    continue;
                }
            }
            tracing::warn!(campaign = %row.campaign_id, "freeing an interrupted campaign action");
            let abandon = CampaignCommand::AbandonAction {
                reason: REASON.into(),
            };
            self.app
                .campaigns
                .execute(row.campaign_id.into(), abandon, &context)
                .await?;
            healed += 1;
        }
        for row in brand_rows::stale_actions(&self.pool, older_than, 50).await? {
            let request_id = format!("heal-{}", uuid::Uuid::new_v4());
            let context = self.context(ACTOR, request_id, Source::Retry, row.customer_id);
            if let Err(error) = self
                .app
                .brands
                .observe(row.brand_id.into(), &context, true)
                .await
            {
                tracing::warn!(brand = %row.brand_id, %error, "cannot read TCR to heal an interrupted action; will try again");
                continue;
            }
            tracing::warn!(brand = %row.brand_id, "freeing an interrupted brand action");
            let abandon = BrandCommand::AbandonAction {
                reason: REASON.into(),
            };
            self.app
                .brands
                .execute(row.brand_id.into(), abandon, &context)
                .await?;
            healed += 1;
        }
        Ok(healed)
    }
}
