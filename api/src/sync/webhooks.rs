//! Applies recorded webhook deliveries: confirm with TCR, then record on the brand.
use std::sync::Arc;

use chrono::Utc;
use tendlc_domain::metadata::{EventMetadata, Source};
use tendlc_domain::webhook::{ProcessingOutcome, WebhookCommand};
use tendlc_projections::brands as brand_rows;
use tendlc_projections::webhook_events::{self, PendingDelivery};
use tokio::sync::watch;

use super::{Observed, SyncError, SyncWorkers};

/// How long a worker holds a delivery it took.
const LEASE_SECS: f64 = 60.0;
/// A delivery for a brand that never appears is given up after this long.
const GIVE_UP_AFTER: chrono::Duration = chrono::Duration::days(7);

impl SyncWorkers {
    /// Seconds until a deferred delivery is tried again: the base, doubled per attempt, ≤ 1 h.
    fn webhook_retry_after(&self, attempts: i32) -> f64 {
        let base = self.config.webhook_retry_base.as_secs_f64();
        (base * 2f64.powi(attempts.clamp(0, 16))).min(3600.0)
    }

    async fn record(
        &self,
        delivery: &PendingDelivery,
        command: WebhookCommand,
    ) -> Result<(), SyncError> {
        let metadata = EventMetadata::new(None, "system:webhook", &delivery.id, Source::Webhook)
            .with_instance(self.instance.to_string());
        tendlc_adapters::event_store::execute(
            &self.deliveries,
            &delivery.id,
            command,
            metadata.to_map(),
        )
        .await
        .map_err(|e| {
            SyncError::Record(crate::error::ApiError::internal(
                "recording a webhook outcome",
                e,
            ))
        })
    }

    async fn defer(&self, delivery: &PendingDelivery, reason: String) -> Result<(), SyncError> {
        if Utc::now() - delivery.received_at > GIVE_UP_AFTER {
            return self
                .record(
                    delivery,
                    WebhookCommand::RecordOutcome {
                        outcome: ProcessingOutcome::Ignored,
                        detail: format!("given up after {} attempts: {reason}", delivery.attempts),
                    },
                )
                .await;
        }
        self.record(
            delivery,
            WebhookCommand::Defer {
                reason,
                retry_after_secs: self.webhook_retry_after(delivery.attempts),
            },
        )
        .await
    }

    /// Applies one delivery, or defers it with the reason.
    async fn apply_delivery(&self, delivery: &PendingDelivery) -> Result<(), SyncError> {
        let (outcome, detail) = match (delivery.category.as_str(), delivery.tcr_brand_id.as_deref())
        {
            ("BRAND", Some(tcr_brand_id)) => {
                let Some(brand) = brand_rows::find_by_tcr_id(&self.pool, tcr_brand_id).await?
                else {
                    return self
                        .defer(delivery, format!("no brand {tcr_brand_id} is known yet"))
                        .await;
                };
                match self
                    .observe_brand(&brand, "system:webhook", &delivery.id, Source::Webhook)
                    .await
                {
                    Ok(Observed::Changed) => (
                        ProcessingOutcome::Applied,
                        format!("brand {} updated from TCR", brand.brand_id),
                    ),
                    Ok(Observed::Unchanged) => (
                        ProcessingOutcome::NoChange,
                        format!("brand {} already matched TCR", brand.brand_id),
                    ),
                    Err(error) => {
                        return self
                            .defer(delivery, format!("could not confirm with TCR: {error}"))
                            .await
                    }
                }
            }
            ("BRAND", None) => (
                ProcessingOutcome::Ignored,
                "the delivery names no brand".to_string(),
            ),
            (category, _) => (
                ProcessingOutcome::Ignored,
                format!("{category} deliveries are kept for the audit log; nothing to apply yet"),
            ),
        };
        self.record(delivery, WebhookCommand::RecordOutcome { outcome, detail })
            .await
    }

    /// Applies what is due; returns how many deliveries were taken.
    pub async fn process_webhooks(&self) -> Result<usize, SyncError> {
        let due = webhook_events::lease_due(&self.pool, 20, LEASE_SECS).await?;
        for delivery in &due {
            if let Err(error) = self.apply_delivery(delivery).await {
                tracing::warn!(delivery = %delivery.id, %error, "webhook delivery not applied; it stays pending");
                webhook_events::release(&self.pool, &delivery.id).await?;
            }
        }
        Ok(due.len())
    }

    /// Runs on every replica (deliveries are leased, so each is worked on once at a time).
    pub async fn run_webhooks(self: Arc<Self>, mut shutdown: watch::Receiver<bool>) {
        loop {
            if *shutdown.borrow() {
                return;
            }
            let work = self.wake.notified_applied();
            tokio::pin!(work);
            work.as_mut().enable();
            match self.process_webhooks().await {
                Ok(n) if n > 0 => continue,
                Ok(_) => {}
                Err(error) => tracing::warn!(%error, "webhook worker: could not look for work"),
            }
            tokio::select! {
                _ = &mut work => {}
                _ = tokio::time::sleep(self.config.tick) => {}
                _ = shutdown.changed() => {}
            }
        }
    }
}
