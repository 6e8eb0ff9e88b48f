//! Retries registrations TCR never confirmed (TCR failed, timed out, or the process died between
//! recording the request and recording TCR's answer), with exponential backoff after a grace for
//! requests still in flight. The application looks each up by its reference first, so one TCR
//! created silently is adopted, never created (and billed) twice.
use chrono::{DateTime, Utc};
use tendlc_domain::metadata::Source;
use tendlc_projections::brands as brand_rows;
use tendlc_projections::campaigns as campaign_rows;

use super::Workers;
use crate::application::AppError;

const ACTOR: &str = "system:retry";

impl Workers {
    /// Whether a pending registration is due: after the grace when nothing was ever recorded
    /// (a crash, or the API still waiting for TCR), else after the backoff for its attempts.
    fn retry_due(
        &self,
        attempts: i32,
        created_at: DateTime<Utc>,
        last_attempt_at: Option<DateTime<Utc>>,
        updated_at: DateTime<Utc>,
    ) -> bool {
        let attempts = attempts.max(0) as u32;
        let since = if attempts == 0 {
            created_at + self.config.retry_grace
        } else {
            last_attempt_at.unwrap_or(updated_at) + self.config.retry_delay(attempts)
        };
        Utc::now() >= since
    }

    /// One pass over pending brand registrations; returns how many were retried or abandoned.
    pub async fn retry_brands(&self) -> Result<usize, AppError> {
        let mut handled = 0;
        for row in brand_rows::pending(&self.pool, 200).await? {
            if !self.retry_due(
                row.submission_attempts,
                row.created_at,
                row.last_attempt_at,
                row.updated_at,
            ) {
                continue;
            }
            handled += 1;
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
        Ok(handled)
    }

    /// One pass over pending campaign registrations; returns how many were handled.
    pub async fn retry_campaigns(&self) -> Result<usize, AppError> {
        let mut handled = 0;
        for row in campaign_rows::pending(&self.pool, 100).await? {
            if !self.retry_due(
                row.submission_attempts,
                row.created_at,
                row.last_attempt_at,
                row.updated_at,
            ) {
                continue;
            }
            handled += 1;
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
        Ok(handled)
    }
}
