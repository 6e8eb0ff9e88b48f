//! Webhook deliveries: recorded before they are answered, and what processing made of them.
//! Only deliveries that pass the checks become events; refusals go to the bounded refusal
//! store, so an unauthenticated sender cannot grow the permanent record.
use tendlc_adapters::webhook_intake::Intake;
use tendlc_adapters::webhook_refusals::{RefusalStore, RefusedDelivery};
use tendlc_domain::webhook::{ProcessingOutcome, WebhookCommand, WebhookDelivery};

use super::context::CommandContext;
use super::error::AppError;
use super::recorder::Recorder;

/// What became of a delivery at the door.
#[derive(Debug)]
pub enum Receipt {
    /// Recorded; `duplicate` when the same payload was recorded before.
    Accepted { id: String, duplicate: bool },
    /// Refused with an HTTP status and the reason (counted, and kept in the refusal store
    /// within its limits).
    Refused { status: u16, reason: String },
}

pub struct Deliveries {
    events: Recorder<WebhookDelivery>,
    refusals: RefusalStore,
}

impl Deliveries {
    pub fn new(events: Recorder<WebhookDelivery>, refusals: RefusalStore) -> Self {
        Self { events, refusals }
    }

    /// Records what the intake decided about one delivery, before anyone answers TCR.
    #[tracing::instrument(skip_all, fields(category = intake.delivery.category.as_str()))]
    pub async fn record(
        &self,
        intake: Intake,
        context: &CommandContext,
    ) -> Result<Receipt, AppError> {
        if let Some(refusal) = intake.refusal {
            self.refusals
                .record(&RefusedDelivery::new(&intake.delivery, refusal))
                .await?;
            return Ok(Receipt::Refused {
                status: refusal.status(),
                reason: refusal.reason(),
            });
        }
        let metadata = context.metadata();
        let id = intake.delivery_id.ok_or_else(|| {
            AppError::internal("webhook intake", "an accepted delivery has no id")
        })?;
        let recorded = self
            .events
            .execute_new(&id, WebhookCommand::Receive(intake.delivery), &metadata)
            .await?;
        Ok(Receipt::Accepted {
            duplicate: recorded.state.duplicates > 0,
            id,
        })
    }

    /// What processing made of a delivery.
    pub async fn record_outcome(
        &self,
        id: &str,
        outcome: ProcessingOutcome,
        detail: String,
        context: &CommandContext,
    ) -> Result<(), AppError> {
        self.events
            .execute(
                id,
                WebhookCommand::RecordOutcome { outcome, detail },
                &context.metadata(),
            )
            .await
            .map(|_| ())
    }

    /// A delivery that could not be applied yet, to try again after `retry_after_secs`.
    pub async fn defer(
        &self,
        id: &str,
        reason: String,
        retry_after_secs: f64,
        context: &CommandContext,
    ) -> Result<(), AppError> {
        self.events
            .execute(
                id,
                WebhookCommand::Defer {
                    reason,
                    retry_after_secs,
                },
                &context.metadata(),
            )
            .await
            .map(|_| ())
    }
}
