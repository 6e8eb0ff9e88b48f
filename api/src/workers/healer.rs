//! Frees brands and campaigns whose action was sent to TCR by a process that died before it
//! recorded the answer (see the application's `heal_interrupted`): a change TCR applied is
//! recorded as applied, anything else as interrupted, and the customer may ask again. Actions
//! are never re-sent on their own: a deactivation or a billed vetting is the customer's call.
use tendlc_domain::ids::TcrCampaignId;
use tendlc_domain::metadata::Source;
use tendlc_projections::brands as brand_rows;
use tendlc_projections::campaigns as campaign_rows;

use super::Workers;
use crate::application::AppError;

const ACTOR: &str = "system:retry";

impl Workers {
    /// One pass; returns how many actions were freed.
    pub async fn heal_interrupted_actions(&self) -> Result<usize, AppError> {
        let mut healed = 0;
        let older_than = self.config.retry_grace;
        for row in campaign_rows::stale_actions(&self.pool, older_than, 50).await? {
            let request_id = format!("heal-{}", uuid::Uuid::new_v4());
            let context = self.context(ACTOR, request_id, Source::Retry, row.customer_id);
            let tcr_campaign_id = row.tcr_campaign_id.clone().map(TcrCampaignId::from_tcr);
            match self
                .app
                .campaigns
                .heal_interrupted(row.campaign_id.into(), tcr_campaign_id.as_ref(), &context)
                .await
            {
                Ok(()) => healed += 1,
                Err(error) => {
                    tracing::warn!(campaign = %row.campaign_id, %error, "cannot heal an interrupted campaign action; will try again")
                }
            }
        }
        for row in brand_rows::stale_actions(&self.pool, older_than, 50).await? {
            let request_id = format!("heal-{}", uuid::Uuid::new_v4());
            let context = self.context(ACTOR, request_id, Source::Retry, row.customer_id);
            match self
                .app
                .brands
                .heal_interrupted(row.brand_id.into(), &context)
                .await
            {
                Ok(()) => healed += 1,
                Err(error) => {
                    tracing::warn!(brand = %row.brand_id, %error, "cannot heal an interrupted brand action; will try again")
                }
            }
        }
        Ok(healed)
    }
}
