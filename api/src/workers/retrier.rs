//! Retries registrations TCR never confirmed (TCR failed, timed out, or the process died between
//! recording the request and recording TCR's answer), with exponential backoff after a grace for
//! requests still in flight. The application looks each up by its reference first, so one TCR
//! created silently is adopted, never created (and billed) twice.
use tendlc_domain::metadata::Source;
use tendlc_projections::brands as brand_rows;
use tendlc_projections::campaigns as campaign_rows;

use super::Workers;
use crate::application::AppError;

const ACTOR: &str = "system:retry";

impl Workers {
    /// One pass over brand registrations due for a retry; returns how many were retried or
    /// abandoned.
    pub async fn retry_brands(&self) -> Result<usize, AppError> {
        let due = brand_rows::due_for_retry(
            &self.pool,
            &self.config.retry_schedule(),
            self.config.retry_batch,
        )
        .await?;
        for row in &due {
            let request_id = format!("retry-{}-{}", row.brand_id, row.submission_attempts);
            let context = self.context(ACTOR, request_id, Source::Retry, row.customer_id);
            let last_error = row
                .last_error
                .as_ref()
                .and_then(|e| e.get("message"))
                .and_then(|m| m.as_str());
            if let Err(error) = self
                .app
                .brands
                .retry_registration(
                    row.brand_id.into(),
                    row.submission_attempts.max(0) as u32,
                    self.config.retry_max_attempts,
                    last_error,
                    &context,
                )
                .await
            {
                tracing::warn!(brand = %row.brand_id, %error, "retrying a registration failed; will try again");
            }
        }
        Ok(due.len())
    }

    /// One pass over campaign registrations due for a retry; returns how many were handled.
    pub async fn retry_campaigns(&self) -> Result<usize, AppError> {
        let due = campaign_rows::due_for_retry(
            &self.pool,
            &self.config.retry_schedule(),
            self.config.retry_batch,
        )
        .await?;
        for row in &due {
            let request_id = format!("retry-{}-{}", row.campaign_id, row.submission_attempts);
            let context = self.context(ACTOR, request_id, Source::Retry, row.customer_id);
            if let Err(error) = self
                .app
                .campaigns
                .retry_registration(
                    row.campaign_id.into(),
                    row.submission_attempts.max(0) as u32,
                    self.config.retry_max_attempts,
                    &context,
                )
                .await
            {
                tracing::warn!(campaign = %row.campaign_id, %error, "retrying a campaign registration failed; will try again");
            }
        }
        Ok(due.len())
    }
}
