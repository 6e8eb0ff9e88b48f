//! `tcr_webhook_events`: the webhook audit log — every delivery as received (accepted,
//! duplicate or rejected) and what processing made of it. Only this projection writes it (the
//! work still to do is the workers' queue, `webhook_work`), so it can be rebuilt at any time.
use std::collections::BTreeMap;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sqlx::{PgConnection, PgPool};
use tendlc_domain::tcr::TcrEventType;
use tendlc_domain::webhook::{
    Delivery, ProcessingOutcome, SignatureVerdict, WebhookCategory, WebhookEvent,
};
use uuid::Uuid;

use crate::columns::{insert_copied, select_in, upsert, Table};
use crate::fold::{EventContext, Fold, Folding, Rows};

/// The projection that keeps `tcr_webhook_events`.
pub type WebhookEventsProjection = Folding<DeliveryRows>;

/// What became of a delivery as it arrived.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Disposition {
    Accepted,
    /// The same payload again; its row copies the first one's.
    Duplicate,
    /// Refused (bad signature, not JSON, wrong source); never processed.
    Rejected,
}

crate::row! {
    /// One row of the audit log.
    #[derive(Debug, Clone, PartialEq)]
    pub struct WebhookEventRow in "tcr_webhook_events", key (id) {
        /// The delivery's id, or `{delivery id}#{sequence}` for a duplicate of it.
        pub id: String,
        pub delivery_id: String,
        pub category: WebhookCategory,
        pub event_type: Option<TcrEventType>,
        pub tcr_brand_id: Option<String>,
        pub tcr_campaign_id: Option<String>,
        pub payload: Option<Value>,
        pub raw_body_base64: String,
        pub body_sha256: String,
        pub headers: BTreeMap<String, String>,
        pub remote_addr: Option<String>,
        pub signature: SignatureVerdict,
        pub disposition: Disposition,
        pub rejection_reason: Option<String>,
        pub duplicate_of: Option<String>,
        pub processed: bool,
        pub processed_at: Option<DateTime<Utc>>,
        pub processing_outcome: Option<ProcessingOutcome>,
        pub processing_detail: Option<String>,
        pub processing_error: Option<String>,
        pub attempts: i32,
        pub received_at: DateTime<Utc>,
        pub last_sequence: i64,
    }
}

/// One delivery's rows: its own, and those of duplicates received since they were loaded.
#[derive(Debug, Clone, PartialEq)]
pub struct DeliveryRows {
    pub delivery: WebhookEventRow,
    pub duplicates: Vec<WebhookEventRow>,
}

impl WebhookEventRow {
    fn received(
        id: &str,
        delivery: &Delivery,
        disposition: Disposition,
        at: &EventContext,
    ) -> Self {
        WebhookEventRow {
            id: id.to_string(),
            delivery_id: id.to_string(),
            category: delivery.category,
            event_type: delivery.event_type.clone(),
            tcr_brand_id: delivery.tcr_brand_id.clone(),
            tcr_campaign_id: delivery.tcr_campaign_id.clone(),
            payload: delivery.body.clone(),
            raw_body_base64: delivery.raw_body_base64.clone(),
            body_sha256: delivery.body_sha256.clone(),
            headers: delivery.headers.clone(),
            remote_addr: delivery.remote_addr.clone(),
            signature: delivery.signature,
            disposition,
            rejection_reason: None,
            duplicate_of: None,
            processed: false,
            processed_at: None,
            processing_outcome: None,
            processing_detail: None,
            processing_error: None,
            attempts: 0,
            received_at: delivery.received_at,
            last_sequence: at.sequence,
        }
    }
}

impl Fold for DeliveryRows {
    type Id = String;
    type Event = WebhookEvent;

    fn start(id: &String, event: &WebhookEvent, at: &EventContext) -> Result<Self, String> {
        let delivery = match event {
            WebhookEvent::WebhookReceived(delivery) => {
                WebhookEventRow::received(id, delivery, Disposition::Accepted, at)
            }
            WebhookEvent::WebhookRejected { delivery, reason } => WebhookEventRow {
                rejection_reason: Some(reason.clone()),
                ..WebhookEventRow::received(id, delivery, Disposition::Rejected, at)
            },
            _ => return Err("a webhook delivery event before the delivery was received".into()),
        };
        Ok(DeliveryRows {
            delivery,
            duplicates: Vec::new(),
        })
    }

    fn apply(&mut self, event: &WebhookEvent, at: &EventContext) {
        let delivery = &mut self.delivery;
        delivery.last_sequence = at.sequence;
        match event {
            // Start the rows; a delivery is received once (again is a duplicate).
            WebhookEvent::WebhookReceived(_) | WebhookEvent::WebhookRejected { .. } => {}
            WebhookEvent::WebhookDuplicateReceived {
                received_at,
                signature,
                remote_addr,
            } => self.duplicates.push(WebhookEventRow {
                id: format!("{}#{}", delivery.id, at.sequence),
                remote_addr: remote_addr.clone(),
                signature: *signature,
                disposition: Disposition::Duplicate,
                rejection_reason: None,
                duplicate_of: Some(delivery.id.clone()),
                processed: true,
                processed_at: None,
                processing_outcome: None,
                processing_detail: None,
                processing_error: None,
                attempts: 0,
                received_at: *received_at,
                last_sequence: at.sequence,
                ..delivery.clone()
            }),
            WebhookEvent::WebhookProcessed { outcome, detail } => {
                delivery.processed = true;
                delivery.processed_at = Some(at.recorded_at);
                delivery.processing_outcome = Some(*outcome);
                delivery.processing_detail = Some(detail.clone());
                delivery.processing_error = None;
            }
            WebhookEvent::WebhookDeferred { reason, .. } => {
                delivery.attempts += 1;
                delivery.processing_error = Some(reason.clone());
            }
        }
    }

    fn last_sequence(&self) -> i64 {
        self.delivery.last_sequence
    }
}

#[async_trait]
impl Rows for DeliveryRows {
    const PROJECTION: &'static str = "tcr_webhook_events";
    const AGGREGATE_TYPE: &'static str = "WebhookDelivery";
    const TABLES: &'static [&'static str] = &[<WebhookEventRow as Table>::TABLE];

    fn id(&self) -> String {
        self.delivery.id.clone()
    }

    async fn load(conn: &mut PgConnection, ids: &[String]) -> Result<Vec<Self>, sqlx::Error> {
        Ok(select_in::<WebhookEventRow, String>(conn, "id", ids)
            .await?
            .into_iter()
            .map(|delivery| DeliveryRows {
                delivery,
                duplicates: Vec::new(),
            })
            .collect())
    }

    async fn store(conn: &mut PgConnection, changed: &[&Self]) -> Result<(), sqlx::Error> {
        upsert(conn, &all_rows(changed)).await
    }

    /// Wide rows (raw body, payload, headers), most of them new in a rebuild: `COPY`.
    async fn store_new(conn: &mut PgConnection, started: &[&Self]) -> Result<(), sqlx::Error> {
        insert_copied(conn, &all_rows(started)).await
    }
}

/// Each delivery's row and its duplicates' rows.
fn all_rows<'r>(deliveries: &[&'r DeliveryRows]) -> Vec<&'r WebhookEventRow> {
    deliveries
        .iter()
        .flat_map(|rows| std::iter::once(&rows.delivery).chain(&rows.duplicates))
        .collect()
}

/// Filters for the audit log.
#[derive(Debug, Clone, Default)]
pub struct WebhookFilter {
    /// Only deliveries about this customer's brands and campaigns.
    pub customer: Option<Uuid>,
    pub event_type: Option<TcrEventType>,
    /// A TCR brand or campaign id.
    pub tcr_id: Option<String>,
    pub received_from: Option<DateTime<Utc>>,
    pub received_to: Option<DateTime<Utc>>,
}

const LIST_WHERE: &str = "($1::uuid IS NULL
               OR EXISTS (SELECT 1 FROM brands_10dlc b WHERE b.tcr_brand_id = w.tcr_brand_id AND b.customer_id = $1)
               OR EXISTS (SELECT 1 FROM campaigns_10dlc c WHERE c.tcr_campaign_id = w.tcr_campaign_id AND c.customer_id = $1))
          AND ($2::text IS NULL OR w.event_type = $2)
          AND ($3::text IS NULL OR w.tcr_brand_id = $3 OR w.tcr_campaign_id = $3)
          AND ($4::timestamptz IS NULL OR w.received_at >= $4)
          AND ($5::timestamptz IS NULL OR w.received_at < $5)";

/// A page of the audit log (`$1` customer, `$2` event type, `$3` TCR id, `$4`..`$5` received
/// between, `$6` limit, `$7` offset).
pub(crate) fn list_sql() -> String {
    format!(
        "SELECT {} FROM tcr_webhook_events w WHERE {LIST_WHERE}
          ORDER BY w.received_at DESC, w.id LIMIT $6 OFFSET $7",
        WebhookEventRow::select_list(Some("w"))
    )
}

/// One page of the audit log, newest first; `total` counts every match.
pub async fn list(
    pool: &PgPool,
    filter: &WebhookFilter,
    limit: i64,
    offset: i64,
) -> Result<(Vec<WebhookEventRow>, i64), sqlx::Error> {
    let event_type = filter.event_type.as_ref().map(TcrEventType::as_str);
    let rows = sqlx::query_as(&list_sql())
        .bind(filter.customer)
        .bind(event_type)
        .bind(&filter.tcr_id)
        .bind(filter.received_from)
        .bind(filter.received_to)
        .bind(limit)
        .bind(offset)
        .fetch_all(pool)
        .await?;
    let total = sqlx::query_scalar(&format!(
        "SELECT count(*) FROM tcr_webhook_events w WHERE {LIST_WHERE}"
    ))
    .bind(filter.customer)
    .bind(event_type)
    .bind(&filter.tcr_id)
    .bind(filter.received_from)
    .bind(filter.received_to)
    .fetch_one(pool)
    .await?;
    Ok((rows, total))
}

#[cfg(test)]
mod tests {
    use tendlc_domain::webhook::Delivery;

    use super::*;
    use crate::fold::testing::{at, given};

    const ID: &str = "delivery-1";

    fn delivery() -> Delivery {
        Delivery {
            category: WebhookCategory::Brand,
            event_type: Some(TcrEventType::from("BRAND_IDENTITY_STATUS_UPDATE")),
            tcr_brand_id: Some("BXYZ123".into()),
            tcr_campaign_id: None,
            raw_body_base64: "e30=".into(),
            body: Some(serde_json::json!({})),
            body_sha256: "44136fa3".into(),
            headers: BTreeMap::new(),
            remote_addr: Some("10.0.0.1".into()),
            signature: SignatureVerdict::Valid,
            received_at: at(1).recorded_at,
        }
    }

    #[test]
    fn it_should_log_a_duplicate_as_a_copy_of_the_first_delivery() {
        let rows: DeliveryRows = given(
            ID.to_string(),
            vec![
                WebhookEvent::WebhookReceived(delivery()),
                WebhookEvent::WebhookDuplicateReceived {
                    received_at: at(9).recorded_at,
                    signature: SignatureVerdict::Missing,
                    remote_addr: None,
                },
            ],
        );
        let [duplicate] = rows.duplicates.as_slice() else {
            panic!("one duplicate: {:?}", rows.duplicates);
        };
        assert_eq!(duplicate.id, "delivery-1#2");
        assert_eq!(duplicate.delivery_id, ID);
        assert_eq!(duplicate.duplicate_of.as_deref(), Some(ID));
        assert_eq!(duplicate.disposition, Disposition::Duplicate);
        assert!(duplicate.processed);
        assert_eq!(duplicate.signature, SignatureVerdict::Missing);
        assert_eq!(duplicate.remote_addr, None);
        assert_eq!(duplicate.received_at, at(9).recorded_at);
        assert_eq!(duplicate.event_type, rows.delivery.event_type);
        assert_eq!(duplicate.raw_body_base64, rows.delivery.raw_body_base64);
        assert_eq!(rows.delivery.disposition, Disposition::Accepted);
        assert!(!rows.delivery.processed);
    }

    #[test]
    fn it_should_count_deferrals_and_clear_the_error_once_processed() {
        let rows: DeliveryRows = given(
            ID.to_string(),
            vec![
                WebhookEvent::WebhookReceived(delivery()),
                WebhookEvent::WebhookDeferred {
                    reason: "brand unknown".into(),
                    retry_after_secs: 5.0,
                },
                WebhookEvent::WebhookProcessed {
                    outcome: ProcessingOutcome::Applied,
                    detail: "identity VERIFIED".into(),
                },
            ],
        );
        let row = rows.delivery;
        assert_eq!(row.attempts, 1);
        assert!(row.processed);
        assert_eq!(row.processed_at, Some(at(3).recorded_at));
        assert_eq!(row.processing_outcome, Some(ProcessingOutcome::Applied));
        assert_eq!(row.processing_error, None);
        assert_eq!(row.last_sequence, 3);
    }

    #[test]
    fn it_should_log_a_refused_delivery_with_its_reason() {
        let rows: DeliveryRows = given(
            ID.to_string(),
            vec![WebhookEvent::WebhookRejected {
                delivery: delivery(),
                reason: "bad signature".into(),
            }],
        );
        assert_eq!(rows.delivery.disposition, Disposition::Rejected);
        assert_eq!(
            rows.delivery.rejection_reason.as_deref(),
            Some("bad signature")
        );
    }
}
