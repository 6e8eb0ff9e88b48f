//! Re-reads what TCR holds on a schedule, so a lost webhook never leaves a registration stale:
//! brands not yet verified and campaigns in carrier review often, everything active daily. It
//! issues the same observation commands as webhooks. Campaigns other CSPs shared with the
//! operator are read every `poll_partner`: TCR tells nobody of a new share with us.
use std::time::Duration;

use tendlc_domain::ids::TcrCampaignId;
use tendlc_domain::metadata::Source;
use tendlc_projections::brands as brand_rows;
use tendlc_projections::campaigns as campaign_rows;

use super::Workers;
use crate::application::{AppError, CommandContext};

const ACTOR: &str = "system:poller";

/// Spreads the reads a little (the rate limiter keeps the hard limit).
async fn pause() {
    tokio::time::sleep(Duration::from_millis(rand::random::<u64>() % 50)).await;
}

impl Workers {
    /// One poll pass over brands; returns how many were read from TCR.
    pub async fn poll_brands(&self) -> Result<usize, AppError> {
        let due = brand_rows::due_for_poll(
            &self.pool,
            self.config.poll_unverified,
            self.config.poll_active,
            100,
        )
        .await?;
        for row in &due {
            let request_id = format!("poll-{}", uuid::Uuid::new_v4());
            let context = self.context(ACTOR, request_id, Source::Poll, row.customer_id);
            match self
                .app
                .brands
                .observe(row.brand_id.into(), &context, false)
                .await
            {
                Ok(observed) if observed.changed => {
                    tracing::info!(brand = %row.brand_id, "TCR state of a brand changed")
                }
                Ok(_) => {}
                Err(error) => {
                    tracing::warn!(brand = %row.brand_id, %error, "polling a brand failed; will try again")
                }
            }
            pause().await;
        }
        Ok(due.len())
    }

    /// Reads TCR's campaigns shared with the operator when `poll_partner` has passed since the
    /// last time; how many TCR listed (0 when not due).
    pub async fn poll_partner_campaigns(&self) -> Result<usize, AppError> {
        {
            let mut last = self
                .partner_polled
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            if last.elapsed() < self.config.poll_partner {
                return Ok(0);
            }
            *last = tokio::time::Instant::now();
        }
        let request_id = format!("poll-{}", uuid::Uuid::new_v4());
        let context = CommandContext::system(ACTOR, request_id, Source::Poll, &self.instance);
        let synced = self.app.partner_campaigns.sync(&context).await?;
        if synced.changed > 0 {
            tracing::info!(
                seen = synced.seen,
                changed = synced.changed,
                "campaigns shared with the operator changed"
            );
        }
        Ok(synced.seen)
    }

    /// One poll pass over campaigns: those with carriers in review every
    /// `poll_campaign_review`, active ones every `poll_active`.
    pub async fn poll_campaigns(&self) -> Result<usize, AppError> {
        let due = campaign_rows::due_for_poll(
            &self.pool,
            self.config.poll_campaign_review,
            self.config.poll_active,
            100,
        )
        .await?;
        for row in &due {
            let Some(tcr_campaign_id) = row.tcr_campaign_id.clone().map(TcrCampaignId::from_tcr)
            else {
                continue;
            };
            let request_id = format!("poll-{}", uuid::Uuid::new_v4());
            let context = self.context(ACTOR, request_id, Source::Poll, row.customer_id);
            if let Err(error) = self
                .app
                .campaigns
                .observe(row.campaign_id.into(), &tcr_campaign_id, vec![], &context)
                .await
            {
                tracing::warn!(campaign = %row.campaign_id, %error, "polling a campaign failed; will try again");
            }
            pause().await;
        }
        Ok(due.len())
    }
}
