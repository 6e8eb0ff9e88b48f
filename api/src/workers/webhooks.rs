//! Applies recorded webhook deliveries: confirm with TCR, then record on the brand or campaign.
use std::sync::Arc;

use chrono::Utc;
use tendlc_domain::campaign::{CarrierReason, Mno};
use tendlc_domain::ids::TcrCampaignId;
use tendlc_domain::metadata::Source;
use tendlc_domain::tcr::TcrEventType;
use tendlc_domain::values::OperationStatus;
use tendlc_domain::webhook::ProcessingOutcome;
use tendlc_projections::brands as brand_rows;
use tendlc_projections::campaigns as campaign_rows;
use tokio::sync::watch;

use super::webhook_queue::{self, PendingDelivery};
use super::Workers;
use crate::application::{AppError, CommandContext};

const ACTOR: &str = "system:webhook";
/// A delivery for a brand that never appears is given up after this long.
const GIVE_UP_AFTER: chrono::Duration = chrono::Duration::days(7);

impl Workers {
    /// Seconds until a deferred delivery is tried again: the base, doubled per attempt, ≤ 1 h.
    fn webhook_retry_after(&self, attempts: i32) -> f64 {
        let base = self.config.webhook_retry_base.as_secs_f64();
        (base * 2f64.powi(attempts.clamp(0, 16))).min(3600.0)
    }

    fn delivery_context(&self, delivery: &PendingDelivery) -> CommandContext {
        CommandContext::system(ACTOR, &delivery.id, Source::Webhook, &self.instance)
    }

    async fn defer(&self, delivery: &PendingDelivery, reason: String) -> Result<(), AppError> {
        let context = self.delivery_context(delivery);
        if Utc::now() - delivery.received_at > GIVE_UP_AFTER {
            let detail = format!("given up after {} attempts: {reason}", delivery.attempts);
            return self
                .app
                .deliveries
                .record_outcome(&delivery.id, ProcessingOutcome::Ignored, detail, &context)
                .await;
        }
        let after = self.webhook_retry_after(delivery.attempts);
        self.app
            .deliveries
            .defer(&delivery.id, reason, after, &context)
            .await
    }

    /// Applies one delivery, or defers it with the reason.
    async fn apply_delivery(&self, delivery: &PendingDelivery) -> Result<(), AppError> {
        let event_type = delivery.event_type.as_deref().map(TcrEventType::from);
        let applied = match (
            delivery.category.as_str(),
            delivery.tcr_campaign_id.as_deref(),
            delivery.tcr_brand_id.as_deref(),
        ) {
            // Campaign events, and campaign sharing / carrier events whatever their category.
            (_, Some(tcr_campaign_id), _) => {
                self.apply_to_campaign(delivery, tcr_campaign_id).await?
            }
            ("BRAND" | "VETTING", None, Some(tcr_brand_id)) => {
                // Vetting, appeal, OTP and Auth+ outcomes live in the brand's identity records.
                let records = delivery.category == "VETTING"
                    || event_type
                        .as_ref()
                        .and_then(TcrEventType::identity_record)
                        .is_some();
                self.apply_to_brand(delivery, tcr_brand_id, records).await?
            }
            (category, None, None) => Some((
                ProcessingOutcome::Ignored,
                format!("the {category} delivery names no brand or campaign"),
            )),
            (category, None, Some(_)) => Some((
                ProcessingOutcome::Ignored,
                format!("{category} deliveries are kept for the audit log; nothing to apply"),
            )),
        };
        match applied {
            Some((outcome, detail)) => {
                let context = self.delivery_context(delivery);
                self.app
                    .deliveries
                    .record_outcome(&delivery.id, outcome, detail, &context)
                    .await
            }
            None => Ok(()),
        }
    }

    /// `None` when the delivery was deferred (already recorded).
    async fn apply_to_brand(
        &self,
        delivery: &PendingDelivery,
        tcr_brand_id: &str,
        records: bool,
    ) -> Result<Option<(ProcessingOutcome, String)>, AppError> {
        let Some(brand) = brand_rows::find_by_tcr_id(&self.pool, tcr_brand_id).await? else {
            self.defer(delivery, format!("no brand {tcr_brand_id} is known yet"))
                .await?;
            return Ok(None);
        };
        let context = self
            .delivery_context(delivery)
            .for_customer(brand.customer_id.into());
        match self
            .app
            .brands
            .observe(brand.brand_id.into(), &context, records)
            .await
        {
            Ok(observed) if observed.changed => Ok(Some((
                ProcessingOutcome::Applied,
                format!("brand {} updated from TCR", brand.brand_id),
            ))),
            Ok(_) => Ok(Some((
                ProcessingOutcome::NoChange,
                format!("brand {} already matched TCR", brand.brand_id),
            ))),
            Err(error) => {
                self.defer(delivery, format!("could not confirm with TCR: {error}"))
                    .await?;
                Ok(None)
            }
        }
    }

    /// `None` when the delivery was deferred (already recorded).
    async fn apply_to_campaign(
        &self,
        delivery: &PendingDelivery,
        tcr_campaign_id: &str,
    ) -> Result<Option<(ProcessingOutcome, String)>, AppError> {
        let Some(campaign) = campaign_rows::find_by_tcr_id(&self.pool, tcr_campaign_id).await?
        else {
            self.defer(
                delivery,
                format!("no campaign {tcr_campaign_id} is known yet"),
            )
            .await?;
            return Ok(None);
        };
        let context = self
            .delivery_context(delivery)
            .for_customer(campaign.customer_id.into());
        match self
            .app
            .campaigns
            .observe(
                campaign.campaign_id.into(),
                &TcrCampaignId::from_tcr(tcr_campaign_id),
                carrier_reasons(delivery),
                &context,
            )
            .await
        {
            Ok(observed) if observed.changed => Ok(Some((
                ProcessingOutcome::Applied,
                format!("campaign {} updated from TCR", campaign.campaign_id),
            ))),
            Ok(_) => Ok(Some((
                ProcessingOutcome::NoChange,
                format!("campaign {} already matched TCR", campaign.campaign_id),
            ))),
            Err(error) => {
                self.defer(delivery, format!("could not confirm with TCR: {error}"))
                    .await?;
                Ok(None)
            }
        }
    }

    /// Applies the next due delivery, if any; returns how many were taken (0 or 1). The lease
    /// is renewed while the delivery is worked on (each may take several TCR calls, and waits for
    /// TCR's rate limit), so no other worker takes it meanwhile; should another take it all the
    /// same (this one stalled past its lease), this one stops.
    pub async fn process_webhooks(&self) -> Result<usize, AppError> {
        let lease = self.config.webhook_lease;
        let holder = format!("{}#{}", self.instance, uuid::Uuid::new_v4().simple());
        let Some(delivery) = webhook_queue::lease_next(&self.pool, &holder, lease).await? else {
            return Ok(0);
        };
        let work = self.apply_delivery(&delivery);
        tokio::pin!(work);
        let applied = loop {
            tokio::select! {
                applied = &mut work => break Some(applied),
                _ = tokio::time::sleep(lease / 3) => {
                    match webhook_queue::renew(&self.pool, &delivery.id, &holder, lease).await {
                        Ok(true) => {}
                        Ok(false) => break None,
                        Err(error) => tracing::warn!(delivery = %delivery.id, %error, "could not renew the lease on a webhook delivery; will try again"),
                    }
                }
            }
        };
        match applied {
            Some(Ok(())) => {}
            Some(Err(error)) => {
                tracing::warn!(delivery = %delivery.id, %error, "webhook delivery not applied; it stays pending");
                webhook_queue::release(&self.pool, &delivery.id, &holder).await?;
            }
            None => tracing::warn!(
                delivery = %delivery.id,
                "another worker took this webhook delivery after its lease ran out (TENDLC_WEBHOOK_LEASE_MS); this one stopped working on it"
            ),
        }
        Ok(1)
    }

    /// Runs on every replica (deliveries are leased, so each is worked on once at a time).
    pub async fn run_webhooks(self: Arc<Self>, mut shutdown: watch::Receiver<bool>) {
        // New work is queued by the queue's runner (deferred work waits for its own time).
        let queued = self.wake.applied_by(webhook_queue::PROJECTION);
        loop {
            if *shutdown.borrow() {
                return;
            }
            let work = queued.notified();
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

/// A carrier's reason, when the delivery is a carrier rejecting or suspending the campaign: the
/// reason applies only if TCR, asked afterwards, confirms that status.
fn carrier_reasons(delivery: &PendingDelivery) -> Vec<(Mno, OperationStatus, CarrierReason)> {
    let Some(payload) = &delivery.payload else {
        return vec![];
    };
    let reported = delivery
        .event_type
        .as_deref()
        .map(TcrEventType::from)
        .and_then(|event_type| event_type.carrier_status());
    let status = match reported {
        Some(status @ (OperationStatus::Rejected | OperationStatus::Suspended)) => status,
        _ => return vec![],
    };
    let mno = payload
        .get("mnoId")
        .and_then(|v| {
            v.as_u64()
                .or_else(|| v.as_str().and_then(|t| t.parse().ok()))
        })
        .and_then(|id| u32::try_from(id).ok())
        .and_then(Mno::known);
    let text = payload.get("description").and_then(|d| d.as_str());
    match (mno, text) {
        (Some(mno), Some(text)) if !text.trim().is_empty() => {
            vec![(mno, status, CarrierReason::from_text(text))]
        }
        _ => vec![],
    }
}
