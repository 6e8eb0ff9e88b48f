//! `tcr_webhook_events`: the webhook audit log — every delivery as received (accepted,
//! duplicate or rejected) and what processing made of it. Only this projection writes it (the
//! work still to do is the workers' queue, `webhook_work`), so it can be rebuilt at any time.
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::{PgConnection, PgPool};
use tendlc_domain::tcr::TcrEventType;
use tendlc_domain::webhook::{Delivery, WebhookEvent};
use uuid::Uuid;

use crate::runner::{Projection, ProjectionError};
use crate::stream::StoredEvent;

pub struct WebhookEventsProjection;

/// A new audit-log row for a delivery as received.
struct NewRow<'a> {
    id: &'a str,
    delivery: &'a Delivery,
    disposition: &'a str,
    rejection_reason: Option<&'a str>,
    sequence: i64,
}

async fn insert(conn: &mut PgConnection, row: NewRow<'_>) -> Result<(), sqlx::Error> {
    let NewRow {
        id,
        delivery,
        disposition,
        rejection_reason,
        sequence,
    } = row;
    sqlx::query(
        "INSERT INTO tcr_webhook_events (id, delivery_id, category, event_type, tcr_brand_id, tcr_campaign_id,
             payload, raw_body_base64, body_sha256, headers, remote_addr, signature, disposition,
             rejection_reason, duplicate_of, received_at, last_sequence)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
         ON CONFLICT (id) DO NOTHING",
    )
    .bind(id)
    .bind(id)
    .bind(delivery.category.as_str())
    .bind(delivery.event_type.as_ref().map(TcrEventType::as_str))
    .bind(&delivery.tcr_brand_id)
    .bind(&delivery.tcr_campaign_id)
    .bind(&delivery.body)
    .bind(&delivery.raw_body_base64)
    .bind(&delivery.body_sha256)
    .bind(serde_json::to_value(&delivery.headers).unwrap_or(Value::Null))
    .bind(&delivery.remote_addr)
    .bind(serde_json::to_value(delivery.signature).ok().and_then(|v| v.as_str().map(String::from)))
    .bind(disposition)
    .bind(rejection_reason)
    .bind(None::<String>)
    .bind(delivery.received_at)
    .bind(sequence)
    .execute(conn)
    .await
    .map(|_| ())
}

#[async_trait]
impl Projection for WebhookEventsProjection {
    fn name(&self) -> &'static str {
        "tcr_webhook_events"
    }

    async fn apply(
        &self,
        conn: &mut PgConnection,
        event: &StoredEvent,
    ) -> Result<(), ProjectionError> {
        if event.aggregate_type != "WebhookDelivery" {
            return Ok(());
        }
        let delivery_id = event.aggregate_id.as_str();
        let seq = event.sequence;
        match event
            .decode::<WebhookEvent>()
            .map_err(|e| ProjectionError::undecodable(event, e))?
        {
            WebhookEvent::WebhookReceived(delivery) => {
                insert(
                    conn,
                    NewRow {
                        id: delivery_id,
                        delivery: &delivery,
                        disposition: "ACCEPTED",
                        rejection_reason: None,
                        sequence: seq,
                    },
                )
                .await?;
            }
            WebhookEvent::WebhookRejected { delivery, reason } => {
                insert(
                    conn,
                    NewRow {
                        id: delivery_id,
                        delivery: &delivery,
                        disposition: "REJECTED",
                        rejection_reason: Some(&reason),
                        sequence: seq,
                    },
                )
                .await?;
            }
            WebhookEvent::WebhookDuplicateReceived {
                received_at,
                signature,
                remote_addr,
            } => {
                // A copy of the original's content, marked as a duplicate of it.
                sqlx::query(
                    "INSERT INTO tcr_webhook_events (id, delivery_id, category, event_type, tcr_brand_id,
                         tcr_campaign_id, payload, raw_body_base64, body_sha256, headers, remote_addr, signature,
                         disposition, duplicate_of, processed, received_at, last_sequence)
                     SELECT $1, delivery_id, category, event_type, tcr_brand_id, tcr_campaign_id, payload,
                            raw_body_base64, body_sha256, headers, $2, $3, 'DUPLICATE', id, true, $4, $5
                       FROM tcr_webhook_events WHERE id = $6
                     ON CONFLICT (id) DO NOTHING",
                )
                .bind(format!("{delivery_id}#{seq}"))
                .bind(remote_addr)
                .bind(serde_json::to_value(signature).ok().and_then(|v| v.as_str().map(String::from)))
                .bind(received_at)
                .bind(seq)
                .bind(delivery_id)
                .execute(&mut *conn)
                .await?;
            }
            WebhookEvent::WebhookProcessed { outcome, detail } => {
                sqlx::query(
                    "UPDATE tcr_webhook_events
                        SET processed = true, processed_at = $2, processing_outcome = $3, processing_detail = $4,
                            processing_error = NULL, last_sequence = $5
                      WHERE id = $1 AND last_sequence < $5",
                )
                .bind(delivery_id)
                .bind(event.recorded_at)
                .bind(serde_json::to_value(outcome).ok().and_then(|v| v.as_str().map(String::from)))
                .bind(detail)
                .bind(seq)
                .execute(&mut *conn)
                .await?;
            }
            WebhookEvent::WebhookDeferred { reason, .. } => {
                sqlx::query(
                    "UPDATE tcr_webhook_events
                        SET attempts = attempts + 1, processing_error = $2, last_sequence = $3
                      WHERE id = $1 AND last_sequence < $3",
                )
                .bind(delivery_id)
                .bind(reason)
                .bind(seq)
                .execute(&mut *conn)
                .await?;
            }
        }
        Ok(())
    }
}

/// One row of the audit log.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct WebhookEventRow {
    pub id: String,
    pub delivery_id: String,
    pub category: String,
    pub event_type: Option<String>,
    pub tcr_brand_id: Option<String>,
    pub tcr_campaign_id: Option<String>,
    pub payload: Option<Value>,
    pub body_sha256: String,
    pub remote_addr: Option<String>,
    pub signature: String,
    pub disposition: String,
    pub rejection_reason: Option<String>,
    pub duplicate_of: Option<String>,
    pub processed: bool,
    pub processed_at: Option<DateTime<Utc>>,
    pub processing_outcome: Option<String>,
    pub processing_detail: Option<String>,
    pub processing_error: Option<String>,
    pub attempts: i32,
    pub received_at: DateTime<Utc>,
}

const COLUMNS: &str = "w.id, w.delivery_id, w.category, w.event_type, w.tcr_brand_id, w.tcr_campaign_id, w.payload,
    w.body_sha256, w.remote_addr, w.signature, w.disposition, w.rejection_reason, w.duplicate_of, w.processed,
    w.processed_at, w.processing_outcome, w.processing_detail, w.processing_error, w.attempts, w.received_at";

/// Filters for the audit log.
#[derive(Debug, Clone, Default)]
pub struct WebhookFilter {
    /// Only deliveries about this customer's brands and campaigns.
    pub customer: Option<Uuid>,
    pub event_type: Option<String>,
    /// A TCR brand or campaign id.
    pub tcr_id: Option<String>,
    pub received_from: Option<DateTime<Utc>>,
    pub received_to: Option<DateTime<Utc>>,
}

/// One page of the audit log, newest first; `total` counts every match.
pub async fn list(
    pool: &PgPool,
    filter: &WebhookFilter,
    limit: i64,
    offset: i64,
) -> Result<(Vec<WebhookEventRow>, i64), sqlx::Error> {
    const WHERE: &str = "($1::uuid IS NULL
               OR EXISTS (SELECT 1 FROM brands_10dlc b WHERE b.tcr_brand_id = w.tcr_brand_id AND b.customer_id = $1)
               OR EXISTS (SELECT 1 FROM campaigns_10dlc c WHERE c.tcr_campaign_id = w.tcr_campaign_id AND c.customer_id = $1))
          AND ($2::text IS NULL OR w.event_type = $2)
          AND ($3::text IS NULL OR w.tcr_brand_id = $3 OR w.tcr_campaign_id = $3)
          AND ($4::timestamptz IS NULL OR w.received_at >= $4)
          AND ($5::timestamptz IS NULL OR w.received_at < $5)";
    let rows = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM tcr_webhook_events w WHERE {WHERE}
          ORDER BY w.received_at DESC, w.id LIMIT $6 OFFSET $7"
    ))
    .bind(filter.customer)
    .bind(&filter.event_type)
    .bind(&filter.tcr_id)
    .bind(filter.received_from)
    .bind(filter.received_to)
    .bind(limit)
    .bind(offset)
    .fetch_all(pool)
    .await?;
    let total = sqlx::query_scalar(&format!(
        "SELECT count(*) FROM tcr_webhook_events w WHERE {WHERE}"
    ))
    .bind(filter.customer)
    .bind(&filter.event_type)
    .bind(&filter.tcr_id)
    .bind(filter.received_from)
    .bind(filter.received_to)
    .fetch_one(pool)
    .await?;
    Ok((rows, total))
}
