//! Heals registrations TCR never confirmed: looks each up by its reference first, so a brand
//! TCR created silently is adopted, never created twice; gives up after a cap, and says so.
use chrono::Utc;
use tendlc_domain::brand::{Brand, BrandCommand, RegistrationStatus};
use tendlc_domain::metadata::Source;
use tendlc_domain::tcr::TcrError;
use tendlc_projections::brands::{self as brand_rows, BrandRow};

use super::{SyncError, SyncWorkers};

const ACTOR: &str = "system:retry";

impl SyncWorkers {
    fn retry_due(&self, row: &BrandRow) -> bool {
        let attempts = row.submission_attempts.max(0) as u32;
        let since = if attempts == 0 {
            // No outcome recorded at all (a crash between request and answer), or the API is
            // still waiting for TCR: leave it the grace period.
            row.created_at + self.config.retry_grace
        } else {
            row.last_attempt_at.unwrap_or(row.updated_at) + self.config.retry_delay(attempts)
        };
        Utc::now() >= since
    }

    /// One pass over pending registrations; returns how many were retried or abandoned.
    pub async fn retry_pending(&self) -> Result<usize, SyncError> {
        let mut handled = 0;
        for row in brand_rows::pending(&self.pool, 200).await? {
            if !self.retry_due(&row) {
                continue;
            }
            handled += 1;
            if let Err(error) = self.retry_one(&row).await {
                tracing::warn!(brand = %row.brand_id, %error, "retrying a registration failed; will try again");
            }
        }
        Ok(handled)
    }

    async fn retry_one(&self, row: &BrandRow) -> Result<(), SyncError> {
        let request_id = format!("retry-{}-{}", row.brand_id, row.submission_attempts);
        let metadata = || self.metadata(row, ACTOR, &request_id, Source::Retry);
        // Decide on the brand's events, not on the read model, which may lag behind them.
        let (brand, _) = self.brands.load(row.brand_id).await?;
        let attempts = brand.submission_attempts;
        if brand.status != Some(RegistrationStatus::Pending)
            || i64::from(attempts) != i64::from(row.submission_attempts)
        {
            return Ok(());
        }
        if attempts >= self.config.retry_max_attempts {
            let last = row
                .last_error
                .as_ref()
                .and_then(|e| e.get("message"))
                .and_then(|m| m.as_str())
                .unwrap_or("no answer recorded");
            tracing::warn!(brand = %row.brand_id, attempts, "giving up on a registration TCR never took");
            self.brands
                .execute(
                    row.brand_id,
                    BrandCommand::AbandonSubmission {
                        reason: format!("TCR did not take the brand after {attempts} attempts; last error: {last}"),
                    },
                    metadata(),
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

        // Did TCR create it after all?
        let lookup = self.tcr.find_brand_by_reference(&reference_id).await;
        let outcome = match lookup.result {
            Ok(Some(tcr)) => Ok((tcr, true, lookup.call)),
            Err(error) => Err((error, lookup.call)),
            Ok(None) => {
                let request = profile.to_tcr_request(relationship, Some(&reference_id));
                let created = self.tcr.create_brand(&request).await;
                match created.result {
                    Ok(tcr) => Ok((tcr, false, created.call)),
                    // Created between our lookup and our create (another attempt won): adopt it.
                    Err(TcrError::Rejected(errors)) if errors.iter().any(|e| e.code == 503) => {
                        let again = self.tcr.find_brand_by_reference(&reference_id).await;
                        match again.result {
                            Ok(Some(tcr)) => Ok((tcr, true, again.call)),
                            Ok(None) => Err((TcrError::Rejected(errors), created.call)),
                            Err(error) => Err((error, again.call)),
                        }
                    }
                    Err(error) => Err((error, created.call)),
                }
            }
        };
        match outcome {
            Ok((tcr, adopted, call)) => {
                tracing::info!(brand = %row.brand_id, tcr_brand = %tcr.brand_id, adopted, "registration completed by retry");
                self.brands
                    .execute(
                        row.brand_id,
                        BrandCommand::RecordSubmissionAccepted { tcr, adopted },
                        metadata().with_tcr_call(call),
                    )
                    .await?;
            }
            Err((error, call)) => {
                self.brands
                    .execute(
                        row.brand_id,
                        BrandCommand::RecordSubmissionFailed { error },
                        metadata().with_tcr_call(call),
                    )
                    .await?;
            }
        }
        Ok(())
    }

    /// One pass of the poller; returns how many brands were read from TCR.
    pub async fn poll_due(&self) -> Result<usize, SyncError> {
        let due = brand_rows::due_for_poll(
            &self.pool,
            self.config.poll_unverified,
            self.config.poll_active,
            100,
        )
        .await?;
        for row in &due {
            let request_id = format!("poll-{}", uuid::Uuid::new_v4());
            if let Err(error) = self
                .observe_brand(row, "system:poller", &request_id, Source::Poll)
                .await
            {
                tracing::warn!(brand = %row.brand_id, %error, "polling a brand failed; will try again");
            }
            // Spread the reads a little (the rate limiter keeps the hard limit).
            tokio::time::sleep(std::time::Duration::from_millis(rand::random::<u64>() % 50)).await;
        }
        Ok(due.len())
    }
}
