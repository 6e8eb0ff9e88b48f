//! The leader's campaign passes: heal registrations TCR never confirmed (adopting by
//! reference, never creating twice) and re-read campaigns whose carriers are due.
use chrono::Utc;
use tendlc_domain::brand::RegistrationStatus;
use tendlc_domain::campaign::{Campaign, CampaignCommand};
use tendlc_domain::metadata::{EventMetadata, Source};
use tendlc_domain::tcr::{TcrCampaignSubmission, TcrError};
use tendlc_projections::campaigns::{self as campaign_rows, CampaignRow};

use super::{SyncError, SyncWorkers};

impl SyncWorkers {
    pub(super) fn campaign_metadata(
        &self,
        row: &CampaignRow,
        actor: &str,
        request_id: &str,
        source: Source,
    ) -> EventMetadata {
        EventMetadata::new(Some(row.customer_id.to_string()), actor, request_id, source)
            .with_instance(self.instance.to_string())
    }

    /// One pass over pending campaign registrations; returns how many were handled.
    pub async fn retry_pending_campaigns(&self) -> Result<usize, SyncError> {
        let mut handled = 0;
        for row in campaign_rows::pending(&self.pool, 100).await? {
            let attempts = row.submission_attempts.max(0) as u32;
            let since = if attempts == 0 {
                row.created_at + self.config.retry_grace
            } else {
                row.last_attempt_at.unwrap_or(row.updated_at) + self.config.retry_delay(attempts)
            };
            if Utc::now() < since {
                continue;
            }
            handled += 1;
            if let Err(error) = self.retry_campaign(&row).await {
                tracing::warn!(campaign = %row.campaign_id, %error, "retrying a campaign registration failed; will try again");
            }
        }
        Ok(handled)
    }

    async fn retry_campaign(&self, row: &CampaignRow) -> Result<(), SyncError> {
        let request_id = format!("retry-{}-{}", row.campaign_id, row.submission_attempts);
        let metadata = || self.campaign_metadata(row, "system:retry", &request_id, Source::Retry);
        let (campaign, _) = self.campaigns.load(row.campaign_id).await?;
        if campaign.status != Some(RegistrationStatus::Pending)
            || i64::from(campaign.submission_attempts) != i64::from(row.submission_attempts)
        {
            return Ok(());
        }
        if campaign.submission_attempts >= self.config.retry_max_attempts {
            self.campaigns
                .execute(
                    row.campaign_id,
                    CampaignCommand::AbandonSubmission {
                        reason: format!(
                            "TCR did not take the campaign after {} attempts",
                            campaign.submission_attempts
                        ),
                    },
                    metadata(),
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
        let tcr = self.campaigns.tcr();
        // Did TCR create (and bill) it after all?
        let lookup = tcr.find_campaign_by_reference(&reference_id).await;
        let outcome = match lookup.result {
            Ok(Some(found)) => Ok((
                TcrCampaignSubmission {
                    campaign_id: found.campaign_id,
                    mno_metadata: Default::default(),
                },
                true,
                lookup.call,
            )),
            Err(error) => Err((error, lookup.call)),
            Ok(None) => {
                let created = tcr
                    .create_campaign(&profile.to_tcr_request(&tcr_brand_id, &reference_id))
                    .await;
                match created.result {
                    Ok(submission) => Ok((submission, false, created.call)),
                    Err(TcrError::Rejected(errors)) if errors.iter().any(|e| e.code == 503) => {
                        let again = tcr.find_campaign_by_reference(&reference_id).await;
                        match again.result {
                            Ok(Some(found)) => Ok((
                                TcrCampaignSubmission {
                                    campaign_id: found.campaign_id,
                                    mno_metadata: Default::default(),
                                },
                                true,
                                again.call,
                            )),
                            Ok(None) => Err((TcrError::Rejected(errors), created.call)),
                            Err(error) => Err((error, again.call)),
                        }
                    }
                    Err(error) => Err((error, created.call)),
                }
            }
        };
        match outcome {
            Ok((submission, adopted, call)) => {
                tracing::info!(campaign = %row.campaign_id, tcr_campaign = %submission.campaign_id, adopted, "campaign registration completed by retry");
                self.campaigns
                    .execute(
                        row.campaign_id,
                        CampaignCommand::RecordSubmissionAccepted {
                            submission,
                            adopted,
                        },
                        metadata().with_tcr_call(call),
                    )
                    .await?;
            }
            Err((error, call)) => {
                self.campaigns
                    .execute(
                        row.campaign_id,
                        CampaignCommand::RecordSubmissionFailed { error },
                        metadata().with_tcr_call(call),
                    )
                    .await?;
            }
        }
        Ok(())
    }

    /// One poll pass over campaigns: those with carriers in review every
    /// `poll_campaign_review`, active ones every `poll_active`.
    pub async fn poll_campaigns_due(&self) -> Result<usize, SyncError> {
        let due = campaign_rows::due_for_poll(
            &self.pool,
            self.config.poll_campaign_review,
            self.config.poll_active,
            100,
        )
        .await?;
        for row in &due {
            let Some(tcr_campaign_id) = row.tcr_campaign_id.as_deref() else {
                continue;
            };
            let request_id = format!("poll-{}", uuid::Uuid::new_v4());
            let metadata = self.campaign_metadata(row, "system:poller", &request_id, Source::Poll);
            if let Err(error) = self
                .campaigns
                .observe(
                    row.campaign_id,
                    tcr_campaign_id,
                    vec![],
                    metadata,
                    Source::Poll,
                )
                .await
            {
                tracing::warn!(campaign = %row.campaign_id, %error, "polling a campaign failed; will try again");
            }
            tokio::time::sleep(std::time::Duration::from_millis(rand::random::<u64>() % 50)).await;
        }
        Ok(due.len())
    }
}
