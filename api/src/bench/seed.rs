//! The bench's event store: real domain events (customers, brands registered, submitted and
//! verified, and mostly TCR webhook deliveries received and processed), serialised as cqrs-es
//! stores them and inserted in bulk, a few thousand rows per transaction.
use std::collections::BTreeMap;

use base64::Engine;
use chrono::{DateTime, Duration as Span, Utc};
use cqrs_es::DomainEvent;
use serde::Serialize;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use sqlx::PgPool;
use tendlc_domain::brand::{BrandDraft, BrandEvent, BrandProfile};
use tendlc_domain::customer::{
    customer_id_for_ban, Ban, CustomerBody, CustomerDetails, CustomerEvent,
};
use tendlc_domain::ids::{BrandId, CustomerId, TcrBrandId};
use tendlc_domain::metadata::{EventMetadata, Source};
use tendlc_domain::values::{BrandRelationship, IdentityStatus, Reported, TcrBrandStatus};
use tendlc_domain::webhook::{
    Delivery, ProcessingOutcome, SignatureVerdict, WebhookCategory, WebhookEvent,
};
use uuid::Uuid;

/// Rows per insert (one transaction each).
const CHUNK: usize = 5000;

/// What was seeded: the counts the rebuilt read models must show.
#[derive(Debug, Clone)]
pub struct Seeded {
    pub events: i64,
    pub customers: i64,
    pub brands: i64,
    pub deliveries: i64,
    /// Events of the webhook deliveries alone.
    pub delivery_events: i64,
    /// A customer whose token the loads use.
    pub customer: Uuid,
}

/// One row of `events`, before insertion.
struct Row {
    aggregate_type: &'static str,
    aggregate_id: String,
    sequence: i64,
    event_type: String,
    event_version: String,
    payload: String,
    metadata: String,
    recorded_at: DateTime<Utc>,
}

#[derive(Default)]
struct Rows(Vec<Row>);

impl Rows {
    fn push<E: DomainEvent + Serialize>(
        &mut self,
        aggregate_type: &'static str,
        aggregate_id: &str,
        sequence: i64,
        event: &E,
        metadata: &EventMetadata,
        recorded_at: DateTime<Utc>,
    ) -> anyhow::Result<()> {
        self.0.push(Row {
            aggregate_type,
            aggregate_id: aggregate_id.to_string(),
            sequence,
            event_type: event.event_type(),
            event_version: event.event_version(),
            payload: serde_json::to_string(event)?,
            metadata: serde_json::to_string(&metadata.to_map())?,
            recorded_at,
        });
        Ok(())
    }
}

/// Seeds about `events` events: a brand for every 40 events, a customer for every ten brands,
/// the rest webhook deliveries (received, then processed) about those brands.
pub async fn seed(pool: &PgPool, events: usize) -> anyhow::Result<Seeded> {
    let brands = (events / 40).max(2);
    let customers = (brands / 10).max(1);
    let deliveries = (events.saturating_sub(customers + 3 * brands) / 2).max(1);
    let start = Utc::now() - Span::days(30);
    let mut rows = Rows::default();

    let mut customer_ids: Vec<CustomerId> = Vec::with_capacity(customers);
    for n in 0..customers {
        let ban = format!("BENCH-{n:05}");
        let body: CustomerBody = serde_json::from_value(json!({
            "ban": ban,
            "name": format!("Bench customer {n}"),
            "serviceTier": "BASIC",
            "notificationEmails": ["ops@example.com"],
        }))?;
        let details = CustomerDetails::try_from(body)
            .map_err(|e| anyhow::anyhow!("a bench customer is invalid: {e:?}"))?;
        let customer_id = customer_id_for_ban(&Ban::parse(&ban).map_err(anyhow::Error::msg)?);
        let id = customer_id.as_uuid().to_string();
        let meta = EventMetadata::new(Some(id.clone()), "user:bench", request_id(), Source::Api);
        let event = CustomerEvent::CustomerRegistered {
            customer_id,
            details,
        };
        rows.push("Customer", &id, 1, &event, &meta, start)?;
        customer_ids.push(customer_id);
    }

    let mut tcr_ids = Vec::with_capacity(brands);
    for n in 0..brands {
        let customer_id = customer_ids[n % customers];
        let customer = customer_id.as_uuid().to_string();
        let brand_id = BrandId::new();
        let id = brand_id.as_uuid().to_string();
        let at = start + Span::seconds(n as i64);
        let draft: BrandDraft = serde_json::from_value(json!({
            "entityType": "PRIVATE_PROFIT",
            "displayName": format!("Bench Brand {n}"),
            "companyName": format!("Bench Widgets {n} LLC"),
            "ein": format!("{:02}-{:07}", 10 + n % 89, n % 10_000_000),
            "phone": "+12025550123",
            "street": "123 Main St",
            "city": "Springfield",
            "state": "IL",
            "postalCode": "62701",
            "country": "US",
            "email": "support@acmewidgets.com",
            "website": "https://acmewidgets.com",
            "vertical": "RETAIL"
        }))?;
        let profile = BrandProfile::parse(&draft)
            .map_err(|e| anyhow::anyhow!("a bench brand is invalid: {e:?}"))?;
        let reference_id = format!("bench-{id}");
        let tcr_brand_id = format!("B{n:06}");
        let api = EventMetadata::new(
            Some(customer.clone()),
            "user:bench",
            request_id(),
            Source::Api,
        );
        rows.push(
            "Brand",
            &id,
            1,
            &BrandEvent::BrandRegistrationRequested {
                brand_id,
                customer_id,
                reference_id: reference_id.clone(),
                brand_relationship: BrandRelationship::BasicAccount,
                profile,
            },
            &api,
            at,
        )?;
        rows.push(
            "Brand",
            &id,
            2,
            &BrandEvent::BrandSubmittedToTcr {
                tcr_brand_id: TcrBrandId::parse(&tcr_brand_id)
                    .map_err(|e| anyhow::anyhow!("{e:?}"))?,
                reference_id,
                tcr_status: Some(Reported::Known(TcrBrandStatus::Active)),
                identity_status: Some(Reported::Known(IdentityStatus::Unverified)),
                adopted: false,
            },
            &api,
            at,
        )?;
        let webhook = EventMetadata::new(Some(customer), "tcr", request_id(), Source::Webhook);
        rows.push(
            "Brand",
            &id,
            3,
            &BrandEvent::BrandIdentityStatusChanged {
                from: Some(Reported::Known(IdentityStatus::Unverified)),
                to: Reported::Known(IdentityStatus::Verified),
                source: Source::Webhook,
                observed_at: Some(at),
            },
            &webhook,
            at,
        )?;
        tcr_ids.push(tcr_brand_id);
    }

    for n in 0..deliveries {
        let tcr_brand_id = &tcr_ids[n % brands];
        let at = start + Span::milliseconds(n as i64 * 50);
        let body = json!({
            "eventType": "BRAND_IDENTITY_STATUS_UPDATE",
            "cspId": "S1MCSP0",
            "cspName": "Simulated CSP",
            "brandId": tcr_brand_id,
            "brandName": format!("Bench Brand {}", n % brands),
            "brandReferenceId": null,
            "brandIdentityStatus": "VERIFIED",
            "description": format!("Brand {tcr_brand_id} identity status is updated to VERIFIED ({n})"),
            "mock": false,
        });
        let delivery = delivery(WebhookCategory::Brand, body, at)?;
        let id = tendlc_adapters::webhook_intake::delivery_id(
            WebhookCategory::Brand,
            delivery.body.as_ref().unwrap_or(&Value::Null),
        );
        let meta = EventMetadata::new(None, "tcr", request_id(), Source::Webhook);
        rows.push(
            "WebhookDelivery",
            &id,
            1,
            &WebhookEvent::WebhookReceived(delivery),
            &meta,
            at,
        )?;
        rows.push(
            "WebhookDelivery",
            &id,
            2,
            &WebhookEvent::WebhookProcessed {
                outcome: ProcessingOutcome::Applied,
                detail: "identity status VERIFIED".into(),
            },
            &meta,
            at,
        )?;
    }

    insert(pool, &rows.0).await?;
    Ok(Seeded {
        events: rows.0.len() as i64,
        customers: customers as i64,
        brands: brands as i64,
        deliveries: deliveries as i64,
        delivery_events: 2 * deliveries as i64,
        customer: customer_ids[0].as_uuid(),
    })
}

/// A delivery as the receiver records it, signature checks off.
pub fn delivery(
    category: WebhookCategory,
    body: Value,
    received_at: DateTime<Utc>,
) -> anyhow::Result<Delivery> {
    let raw = serde_json::to_vec(&body)?;
    let headers: BTreeMap<String, String> = [
        ("content-type", "application/json"),
        ("user-agent", "tendlc-bench"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    Ok(Delivery {
        category,
        event_type: None,
        tcr_brand_id: None,
        tcr_campaign_id: None,
        raw_body_base64: base64::engine::general_purpose::STANDARD.encode(&raw),
        body_sha256: hex::encode(Sha256::digest(&raw)),
        body: Some(body),
        headers,
        remote_addr: Some("127.0.0.1".into()),
        signature: SignatureVerdict::NotChecked,
        received_at,
    }
    .with_body_fields())
}

fn request_id() -> String {
    Uuid::new_v4().simple().to_string()
}

/// Inserts the rows in order, `CHUNK` per transaction (so they span several transaction ids,
/// as events written over time do).
async fn insert(pool: &PgPool, rows: &[Row]) -> anyhow::Result<()> {
    for chunk in rows.chunks(CHUNK) {
        let column = |f: fn(&Row) -> String| chunk.iter().map(f).collect::<Vec<String>>();
        sqlx::query(
            "INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type, event_version,
                                 payload, metadata, recorded_at)
             SELECT t, i, s, e, v, p::jsonb, m::jsonb, r
               FROM UNNEST($1::text[], $2::text[], $3::int8[], $4::text[], $5::text[], $6::text[],
                           $7::text[], $8::timestamptz[]) WITH ORDINALITY AS u(t, i, s, e, v, p, m, r, n)
              ORDER BY n",
        )
        .bind(column(|r| r.aggregate_type.to_string()))
        .bind(column(|r| r.aggregate_id.clone()))
        .bind(chunk.iter().map(|r| r.sequence).collect::<Vec<i64>>())
        .bind(column(|r| r.event_type.clone()))
        .bind(column(|r| r.event_version.clone()))
        .bind(column(|r| r.payload.clone()))
        .bind(column(|r| r.metadata.clone()))
        .bind(chunk.iter().map(|r| r.recorded_at).collect::<Vec<_>>())
        .execute(pool)
        .await?;
    }
    Ok(())
}
