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

/// The queue's runner, by name.
pub const PROJECTION: &str = "webhook_work";

#[async_trait]
impl Projection for WebhookQueue {
    fn name(&self) -> &'static str {
        PROJECTION
    }

    fn aggregate_types(&self) -> &'static [&'static str] {
        &["WebhookDelivery"]
    }

    /// Set-based: the batch's received deliveries in one insert, its processed ones in one
    /// update, deferrals (rare) one by one.
    async fn apply(
        &self,
        conn: &mut PgConnection,
        events: &[StoredEvent],
    ) -> Result<(), ProjectionError> {
        let mut received = Received::default();
        let mut processed: (Vec<&str>, Vec<DateTime<Utc>>, Vec<i64>) = Default::default();
        let mut deferred = Vec::new();
        for event in events {
            match event
                .decode::<WebhookEvent>()
                .map_err(|e| ProjectionError::undecodable(event, e))?
            {
                WebhookEvent::WebhookReceived(delivery) => received.push(event, delivery),
                WebhookEvent::WebhookDeferred {
                    reason,
                    retry_after_secs,
                } => deferred.push((event, reason, retry_after_secs)),
                WebhookEvent::WebhookProcessed { .. } => {
                    processed.0.push(event.aggregate_id.as_str());
                    processed.1.push(event.recorded_at);
                    processed.2.push(event.sequence);
                }
                // Duplicates are acknowledged, never applied again; refusals are never work.
                WebhookEvent::WebhookDuplicateReceived { .. }
                | WebhookEvent::WebhookRejected { .. } => {}
            }
        }
        received.insert(conn).await?;
        for (event, reason, retry_after_secs) in deferred {
            sqlx::query(
                "UPDATE webhook_work
                    SET attempts = attempts + 1, last_error = $2, leased_until = NULL,
                        next_attempt_at = $3 + make_interval(secs => $4), last_sequence = $5
                  WHERE delivery_id = $1 AND last_sequence < $5",
            )
            .bind(&event.aggregate_id)
            .bind(reason)
            .bind(event.recorded_at)
            .bind(retry_after_secs)
            .bind(event.sequence)
            .execute(&mut *conn)
            .await?;
        }
        if !processed.0.is_empty() {
            // Done once, whatever was recorded after it (applied after the batch's deferrals).
            sqlx::query(
                "UPDATE webhook_work w
                    SET done_at = p.at, leased_until = NULL,
                        last_sequence = GREATEST(w.last_sequence, p.sequence)
                   FROM UNNEST($1::text[], $2::timestamptz[], $3::int8[]) AS p(id, at, sequence)
                  WHERE w.delivery_id = p.id AND w.done_at IS NULL",
            )
            .bind(&processed.0)
            .bind(&processed.1)
            .bind(&processed.2)
            .execute(&mut *conn)
            .await?;
        }
        Ok(())
    }
}

/// The deliveries a batch received, as columns of the queue.
#[derive(Default)]
struct Received {
    id: Vec<String>,
    category: Vec<&'static str>,
    event_type: Vec<Option<String>>,
    tcr_brand_id: Vec<Option<String>>,
    tcr_campaign_id: Vec<Option<String>>,
    payload: Vec<Option<Value>>,
    received_at: Vec<DateTime<Utc>>,
    sequence: Vec<i64>,
}

impl Received {
    fn push(&mut self, event: &StoredEvent, delivery: tendlc_domain::webhook::Delivery) {
        self.id.push(event.aggregate_id.clone());
        self.category.push(delivery.category.as_str());
        self.event_type
            .push(delivery.event_type.as_ref().map(|t| t.as_str().to_string()));
        self.tcr_brand_id.push(delivery.tcr_brand_id);
        self.tcr_campaign_id.push(delivery.tcr_campaign_id);
        self.payload.push(delivery.body);
        self.received_at.push(delivery.received_at);
        self.sequence.push(event.sequence);
    }

    async fn insert(self, conn: &mut PgConnection) -> Result<(), sqlx::Error> {
        if self.id.is_empty() {
            return Ok(());
        }
        sqlx::query(
            "INSERT INTO webhook_work (delivery_id, category, event_type, tcr_brand_id, tcr_campaign_id,
                 payload, next_attempt_at, received_at, last_sequence)
             SELECT id, category, event_type, brand, campaign, payload, received_at, received_at, sequence
               FROM UNNEST($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::jsonb[],
                           $7::timestamptz[], $8::int8[])
                    AS r(id, category, event_type, brand, campaign, payload, received_at, sequence)
             ON CONFLICT (delivery_id) DO NOTHING",
        )
        .bind(self.id)
        .bind(self.category)
        .bind(self.event_type)
        .bind(self.tcr_brand_id)
        .bind(self.tcr_campaign_id)
        .bind(self.payload)
        .bind(self.received_at)
        .bind(self.sequence)
        .execute(conn)
        .await
        .map(|_| ())
    }
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
