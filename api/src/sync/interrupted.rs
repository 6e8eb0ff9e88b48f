//! Frees brands and campaigns whose action was sent to TCR by a process that died before it
//! recorded the answer: TCR's state is read again (so whatever TCR did is recorded), then the
//! action is marked interrupted, and the customer may ask again.
use tendlc_domain::brand::BrandCommand;
use tendlc_domain::campaign::CampaignCommand;
use tendlc_domain::metadata::Source;
use tendlc_projections::brands as brand_rows;
use tendlc_projections::campaigns as campaign_rows;

use super::{SyncError, SyncWorkers};

const REASON: &str = "no answer from TCR was recorded (the request was interrupted); TCR's state was read again, so ask again if it is still wanted";

impl SyncWorkers {
    /// One pass; returns how many actions were freed.
    pub async fn heal_interrupted_actions(&self) -> Result<usize, SyncError> {
        let mut healed = 0;
        let older_than = self.config.retry_grace;
        for row in campaign_rows::stale_actions(&self.pool, older_than, 50).await? {
            let request_id = format!("heal-{}", uuid::Uuid::new_v4());
            let metadata =
                || self.campaign_metadata(&row, "system:retry", &request_id, Source::Retry);
            if let Some(tcr_campaign_id) = row.tcr_campaign_id.as_deref() {
                if let Err(error) = self
                    .campaigns
                    .observe(
                        row.campaign_id,
                        tcr_campaign_id,
                        vec![],
                        metadata(),
                        Source::Retry,
                    )
                    .await
                {
                    tracing::warn!(campaign = %row.campaign_id, %error, "cannot read TCR to heal an interrupted action; will try again");
                    continue;
                }
            }
            tracing::warn!(campaign = %row.campaign_id, "freeing an interrupted campaign action");
            self.campaigns
                .execute(
                    row.campaign_id,
                    CampaignCommand::AbandonAction {
                        reason: REASON.into(),
                    },
                    metadata(),
                )
                .await?;
            healed += 1;
        }
        for row in brand_rows::stale_actions(&self.pool, older_than, 50).await? {
            let request_id = format!("heal-{}", uuid::Uuid::new_v4());
            if let Err(error) = self
                .observe_brand_records(&row, "system:retry", &request_id, Source::Retry, true)
                .await
            {
                tracing::warn!(brand = %row.brand_id, %error, "cannot read TCR to heal an interrupted action; will try again");
                continue;
            }
            tracing::warn!(brand = %row.brand_id, "freeing an interrupted brand action");
            self.brands
                .execute(
                    row.brand_id,
                    BrandCommand::AbandonAction {
                        reason: REASON.into(),
                    },
                    self.metadata(&row, "system:retry", &request_id, Source::Retry),
                )
                .await?;
            healed += 1;
        }
        Ok(healed)
    }
}
