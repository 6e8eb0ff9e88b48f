//! The webhook work queue: the deliveries still to apply, owned by the workers (not by the audit
//! log, which can then be rebuilt without touching work in progress). A checkpointed consumer of
//! the event stream keeps it: a received delivery is queued, a deferred one rescheduled, a
//! processed one done. Workers lease items from it, so each is worked on once at a time.
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::{PgConnection, PgPool};
use tendlc_domain::webhook::WebhookEvent;
use tendlc_projections::{Projection, ProjectionError, ProjectionRunner, StoredEvent};
use tokio::sync::watch;

use super::Workers;

/// The queue's consumer of the event stream (checkpoint `webhook_work`). Not a read model:
/// it is never rebuilt, and the leases beside it are the workers' own.
pub struct WebhookQueue;

#[async_trait]
impl Projection for WebhookQueue {
    fn name(&self) -> &'static str {
        "webhook_work"
    }

    fn aggregate_types(&self) -> &'static [&'static str] {
        &["WebhookDelivery"]
    }

    async fn apply(
        &self,
        conn: &mut PgConnection,
        events: &[StoredEvent],
    ) -> Result<(), ProjectionError> {
        for event in events {
            apply_one(conn, event).await?;
        }
        Ok(())
    }
}

/// One delivery event, applied to the queue.
async fn apply_one(conn: &mut PgConnection, event: &StoredEvent) -> Result<(), ProjectionError> {
    let id = event.aggregate_id.as_str();
    let sequence = event.sequence;
    match event
        .decode::<WebhookEvent>()
        .map_err(|e| ProjectionError::undecodable(event, e))?
    {
        WebhookEvent::WebhookReceived(delivery) => {
            sqlx::query(
                "INSERT INTO webhook_work (delivery_id, category, event_type, tcr_brand_id, tcr_campaign_id,
                     payload, next_attempt_at, received_at, last_sequence)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8)
                 ON CONFLICT (delivery_id) DO NOTHING",
            )
            .bind(id)
            .bind(delivery.category.as_str())
            .bind(delivery.event_type.as_ref().map(|t| t.as_str()))
            .bind(&delivery.tcr_brand_id)
            .bind(&delivery.tcr_campaign_id)
            .bind(&delivery.body)
            .bind(delivery.received_at)
            .bind(sequence)
            .execute(conn)
            .await?;
        }
        WebhookEvent::WebhookDeferred {
            reason,
            retry_after_secs,
        } => {
            sqlx::query(
                "UPDATE webhook_work
                    SET attempts = attempts + 1, last_error = $2, leased_until = NULL,
                        next_attempt_at = $3 + make_interval(secs => $4), last_sequence = $5
                  WHERE delivery_id = $1 AND last_sequence < $5",
            )
            .bind(id)
            .bind(reason)
            .bind(event.recorded_at)
            .bind(retry_after_secs)
            .bind(sequence)
            .execute(conn)
            .await?;
        }
        WebhookEvent::WebhookProcessed { .. } => {
            sqlx::query(
                "UPDATE webhook_work SET done_at = $2, leased_until = NULL, last_sequence = $3
                  WHERE delivery_id = $1 AND last_sequence < $3",
            )
            .bind(id)
            .bind(event.recorded_at)
            .bind(sequence)
            .execute(conn)
            .await?;
        }
        // Duplicates are acknowledged, never applied again; refusals are never work.
        WebhookEvent::WebhookDuplicateReceived { .. } | WebhookEvent::WebhookRejected { .. } => {}
    }
    Ok(())
}

/// An accepted delivery waiting to be applied.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PendingDelivery {
    pub id: String,
    pub category: String,
    pub event_type: Option<String>,
    pub tcr_brand_id: Option<String>,
    pub tcr_campaign_id: Option<String>,
    pub payload: Option<Value>,
    pub attempts: i32,
    pub received_at: DateTime<Utc>,
}

/// Leases the next due delivery to `holder` for `lease`, in one short statement, so no other
/// worker takes it meanwhile and no transaction is held open while it is processed. One at a
/// time: a delivery is never leased while it waits behind others, and replicas share the work.
pub async fn lease_next(
    pool: &PgPool,
    holder: &str,
    lease: Duration,
) -> Result<Option<PendingDelivery>, sqlx::Error> {
    sqlx::query_as(
        "UPDATE webhook_work SET leased_until = now() + make_interval(secs => $2), leased_by = $1
          WHERE delivery_id = (SELECT delivery_id FROM webhook_work
                        WHERE done_at IS NULL AND next_attempt_at <= now()
                          AND (leased_until IS NULL OR leased_until < now())
                        ORDER BY received_at
                        LIMIT 1
                        FOR UPDATE SKIP LOCKED)
          RETURNING delivery_id AS id, category, event_type, tcr_brand_id, tcr_campaign_id, payload,
                    attempts, received_at",
    )
    .bind(holder)
    .bind(lease.as_secs_f64())
    .fetch_optional(pool)
    .await
}

/// Extends `holder`'s lease on a delivery it is still working on. `false` when another worker
/// has taken it since (this one stalled past its lease); `true` also when the lease was ended
/// by the queue (the outcome recorded), as nobody else holds it.
pub async fn renew(
    pool: &PgPool,
    id: &str,
    holder: &str,
    lease: Duration,
) -> Result<bool, sqlx::Error> {
    let renewed = sqlx::query(
        "UPDATE webhook_work SET leased_until = now() + make_interval(secs => $3)
          WHERE delivery_id = $1 AND leased_by = $2 AND leased_until IS NOT NULL AND done_at IS NULL",
    )
    .bind(id)
    .bind(holder)
    .bind(lease.as_secs_f64())
    .execute(pool)
    .await?;
    if renewed.rows_affected() == 1 {
        return Ok(true);
    }
    let holds: Option<bool> =
        sqlx::query_scalar("SELECT leased_by = $2 FROM webhook_work WHERE delivery_id = $1")
            .bind(id)
            .bind(holder)
            .fetch_optional(pool)
            .await?
            .flatten();
    Ok(holds.unwrap_or(true))
}

/// Hands a leased delivery back at once (its processing failed before anything was recorded).
pub async fn release(pool: &PgPool, id: &str, holder: &str) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE webhook_work SET leased_until = NULL WHERE delivery_id = $1 AND leased_by = $2",
    )
    .bind(id)
    .bind(holder)
    .execute(pool)
    .await
    .map(|_| ())
}

impl Workers {
    /// Keeps the queue in step with the event stream (one consumer across all replicas).
    pub async fn run_webhook_queue(self: Arc<Self>, shutdown: watch::Receiver<bool>) {
        ProjectionRunner::new(self.pool.clone(), Arc::new(WebhookQueue))
            .run(self.wake.clone(), shutdown)
            .await
    }
}
