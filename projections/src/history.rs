//! The history of one brand or campaign, straight from its events (not the read tables): each
//! event in order with who did it, through which door, for which request, when, and the TCR
//! call it records; and the registration's state as of any instant, folded by the domain's own
//! `apply`. Reports and evidence packs read it from here too.
use chrono::{DateTime, Utc};
use cqrs_es::Aggregate;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;
use sqlx::PgPool;
use tendlc_domain::brand::{Brand, BrandEvent};
use tendlc_domain::campaign::{Campaign, CampaignEvent};
use uuid::Uuid;

use crate::runner::ProjectionError;
use crate::stream::StoredEvent;

/// An aggregate whose history is told: who owns it, and which other events belong to its story
/// (a brand's includes its campaigns').
pub trait Registration: Aggregate + Default
where
    Self::Event: DeserializeOwned,
{
    /// The customer it belongs to, once its first event is applied.
    fn owner(&self) -> Option<Uuid>;
    /// A condition on `events` (columns unqualified) choosing the events of registration `$1`
    /// (its id as text) and of those that belong to it.
    fn story() -> &'static str;
}

impl Registration for Brand {
    fn owner(&self) -> Option<Uuid> {
        self.customer_id.map(|c| c.as_uuid())
    }
    fn story() -> &'static str {
        "((aggregate_type = 'Brand' AND aggregate_id = $1)
          OR (aggregate_type = 'Campaign' AND aggregate_id IN (
                SELECT aggregate_id FROM events
                 WHERE aggregate_type = 'Campaign' AND sequence = 1
                   AND payload -> 'CampaignRegistrationRequested' ->> 'brand_id' = $1)))"
    }
}

impl Registration for Campaign {
    fn owner(&self) -> Option<Uuid> {
        self.customer_id.map(|c| c.as_uuid())
    }
    fn story() -> &'static str {
        "(aggregate_type = 'Campaign' AND aggregate_id = $1)"
    }
}

/// One line saying what an event of a brand or campaign says; its type when it cannot be read.
fn summary(event: &StoredEvent) -> String {
    let decoded = match event.aggregate_type.as_str() {
        "Brand" => event.decode::<BrandEvent>().map(|e| e.summary()).ok(),
        "Campaign" => event.decode::<CampaignEvent>().map(|e| e.summary()).ok(),
        _ => None,
    };
    decoded.unwrap_or_else(|| format!("{} (version {})", event.event_type, event.event_version))
}

/// The call to TCR an event records the outcome of.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TcrCallRecord {
    /// `METHOD /path`, e.g. `POST /brand/nonBlocking`.
    pub endpoint: String,
    /// Absent when no answer came (timeout, connection lost).
    pub http_status: Option<u16>,
    pub latency_ms: Option<u64>,
}

/// One step of a registration's history.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HistoryEntry {
    /// The event's place in the global order.
    pub position: i64,
    /// `Brand` or `Campaign` (a brand's history includes its campaigns').
    pub aggregate_type: String,
    /// Our id of the brand or campaign.
    pub aggregate_id: String,
    /// Its place among that brand's or campaign's own events (1, 2, …).
    pub sequence: i64,
    pub event_type: String,
    pub event_version: String,
    pub recorded_at: DateTime<Utc>,
    /// `user:<subject>` or `system:<worker>`.
    pub actor: Option<String>,
    /// `api` | `webhook` | `poll` | `retry`.
    pub source: Option<String>,
    pub request_id: Option<String>,
    pub client_request_id: Option<String>,
    /// The tendlc process that recorded it.
    pub instance: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tcr_call: Option<TcrCallRecord>,
    /// What happened, in one line.
    pub summary: String,
    /// The event's own fields, secrets and PINs removed.
    pub data: Value,
}

impl HistoryEntry {
    pub fn of(event: &StoredEvent) -> Self {
        let meta = |key: &str| event.meta(key).map(str::to_string);
        let summary = summary(event);
        let payload: Value = event.current_payload().unwrap_or(Value::Null);
        // Externally tagged: `{"EventType": {fields}}`, or just `"EventType"` when it has none.
        let data = match payload {
            Value::Object(mut map) if map.len() == 1 => {
                map.remove(&event.event_type).unwrap_or(Value::Object(map))
            }
            Value::String(_) => Value::Object(Default::default()),
            other => other,
        };
        HistoryEntry {
            position: event.global_position,
            aggregate_type: event.aggregate_type.clone(),
            aggregate_id: event.aggregate_id.clone(),
            sequence: event.sequence,
            event_type: event.event_type.clone(),
            event_version: event.event_version.clone(),
            recorded_at: event.recorded_at,
            actor: meta("actor"),
            source: meta("source"),
            request_id: meta("request_id"),
            client_request_id: meta("client_request_id"),
            instance: meta("instance"),
            tcr_call: meta("tcr_endpoint").map(|endpoint| TcrCallRecord {
                endpoint,
                http_status: event.meta("tcr_http_status").and_then(|s| s.parse().ok()),
                latency_ms: event.meta("tcr_latency_ms").and_then(|s| s.parse().ok()),
            }),
            summary,
            data: redacted(data),
        }
    }
}

/// Field names whose values are never shown, at any depth (compared without `_` and case).
const SECRET_FIELDS: &[&str] = &[
    "pin",
    "otppin",
    "token",
    "vettingtoken",
    "secret",
    "apisecret",
    "apikey",
    "password",
    "authorization",
];

/// `value` with every secret-named field's value replaced by `"[redacted]"`.
pub fn redacted(value: Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(key, value)| {
                    let name = key.replace(['_', '-'], "").to_ascii_lowercase();
                    if SECRET_FIELDS.contains(&name.as_str()) {
                        (key, Value::String("[redacted]".into()))
                    } else {
                        (key, redacted(value))
                    }
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(redacted).collect()),
        other => other,
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct EventRow {
    aggregate_type: String,
    aggregate_id: String,
    sequence: i64,
    event_type: String,
    event_version: String,
    #[sqlx(json)]
    payload: Box<serde_json::value::RawValue>,
    metadata: Value,
    global_position: i64,
    transaction_id: String,
    recorded_at: DateTime<Utc>,
}

impl From<EventRow> for StoredEvent {
    fn from(row: EventRow) -> Self {
        StoredEvent {
            aggregate_type: row.aggregate_type,
            aggregate_id: row.aggregate_id,
            sequence: row.sequence,
            event_type: row.event_type,
            event_version: row.event_version,
            payload: row.payload,
            metadata: row.metadata,
            global_position: row.global_position,
            transaction_id: row.transaction_id,
            recorded_at: row.recorded_at,
        }
    }
}

const EVENT_COLUMNS: &str = "aggregate_type, aggregate_id, sequence, event_type, event_version,
    payload, metadata, global_position, transaction_id::text AS transaction_id, recorded_at";

/// One aggregate's events recorded at or before `as_of` (all without it), in its own order.
/// `limit`/`offset` page them.
pub async fn events(
    pool: &PgPool,
    aggregate_type: &str,
    id: &str,
    as_of: Option<DateTime<Utc>>,
    limit: Option<i64>,
    offset: i64,
) -> Result<Vec<StoredEvent>, sqlx::Error> {
    let rows: Vec<EventRow> = sqlx::query_as(&format!(
        "SELECT {EVENT_COLUMNS} FROM events
          WHERE aggregate_type = $1 AND aggregate_id = $2
            AND ($3::timestamptz IS NULL OR recorded_at <= $3)
          ORDER BY sequence
          LIMIT $4 OFFSET $5"
    ))
    .bind(aggregate_type)
    .bind(id)
    .bind(as_of)
    .bind(limit)
    .bind(offset)
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(StoredEvent::from).collect())
}

/// The customer a registration belongs to (from its first event), if it exists at all.
pub async fn owner<A: Registration>(
    pool: &PgPool,
    id: Uuid,
) -> Result<Option<Uuid>, ProjectionError>
where
    A::Event: DeserializeOwned,
{
    let first = events(pool, A::TYPE, &id.to_string(), None, Some(1), 0).await?;
    Ok(fold::<A>(&first)?.and_then(|replayed| replayed.state.owner()))
}

/// A registration's state rebuilt from its events by the domain's own `apply`, with when its
/// first and last events were recorded.
#[derive(Debug, Clone)]
pub struct Replayed<A> {
    pub state: A,
    pub sequence: i64,
    pub first_recorded_at: DateTime<Utc>,
    pub last_recorded_at: DateTime<Utc>,
}

/// Folds `events` (one aggregate's, in order) with the aggregate's `apply`; none when there are
/// no events.
pub fn fold<A: Registration>(events: &[StoredEvent]) -> Result<Option<Replayed<A>>, ProjectionError>
where
    A::Event: DeserializeOwned,
{
    let (Some(first), Some(last)) = (events.first(), events.last()) else {
        return Ok(None);
    };
    let mut state = A::default();
    for event in events {
        let decoded: A::Event = event
            .decode()
            .map_err(|e| ProjectionError::undecodable(event, e))?;
        state.apply(decoded);
    }
    Ok(Some(Replayed {
        state,
        sequence: last.sequence,
        first_recorded_at: first.recorded_at,
        last_recorded_at: last.recorded_at,
    }))
}

/// The registration as it stood at `as_of`: its events recorded until then, folded. None when
/// it did not exist yet (or never did).
pub async fn as_of<A: Registration>(
    pool: &PgPool,
    id: Uuid,
    as_of: DateTime<Utc>,
) -> Result<Option<Replayed<A>>, ProjectionError>
where
    A::Event: DeserializeOwned,
{
    let events = events(pool, A::TYPE, &id.to_string(), Some(as_of), None, 0).await?;
    fold::<A>(&events)
}

/// One page of a registration's history (events recorded at or before `as_of`, if given), in
/// stream-position order, and how many entries there are in all. A brand's includes its campaigns'.
pub async fn page<A: Registration>(
    pool: &PgPool,
    id: Uuid,
    as_of: Option<DateTime<Utc>>,
    limit: i64,
    offset: i64,
) -> Result<(Vec<HistoryEntry>, i64), sqlx::Error>
where
    A::Event: DeserializeOwned,
{
    let id = id.to_string();
    let total: i64 = sqlx::query_scalar(&format!(
        "SELECT count(*) FROM events
          WHERE {} AND ($2::timestamptz IS NULL OR recorded_at <= $2)",
        A::story()
    ))
    .bind(&id)
    .bind(as_of)
    .fetch_one(pool)
    .await?;
    let entries = story::<A>(pool, &id, as_of, Some(limit), offset).await?;
    Ok((entries, total))
}

/// A registration's whole history (until `as_of`, if given), in stream-position order (the
/// `position` each entry shows rises). A brand's
/// includes its campaigns'.
pub async fn entries<A: Registration>(
    pool: &PgPool,
    id: Uuid,
    as_of: Option<DateTime<Utc>>,
) -> Result<Vec<HistoryEntry>, sqlx::Error>
where
    A::Event: DeserializeOwned,
{
    story::<A>(pool, &id.to_string(), as_of, None, 0).await
}

async fn story<A: Registration>(
    pool: &PgPool,
    id: &str,
    as_of: Option<DateTime<Utc>>,
    limit: Option<i64>,
    offset: i64,
) -> Result<Vec<HistoryEntry>, sqlx::Error>
where
    A::Event: DeserializeOwned,
{
    let rows: Vec<EventRow> = sqlx::query_as(&format!(
        "SELECT {EVENT_COLUMNS} FROM events
          WHERE {} AND ($2::timestamptz IS NULL OR recorded_at <= $2)
          ORDER BY events.global_position
          LIMIT $3 OFFSET $4",
        A::story()
    ))
    .bind(id)
    .bind(as_of)
    .bind(limit)
    .bind(offset)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| HistoryEntry::of(&StoredEvent::from(row)))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn secrets_and_pins_are_never_shown_at_any_depth() {
        let shown = redacted(json!({
            "action": {"kind": "VerifyOtp", "otp_pin": "123456"},
            "vettingToken": "tok", "items": [{"apiKey": "k"}], "reference_id": "r1"
        }));
        assert_eq!(
            shown,
            json!({
                "action": {"kind": "VerifyOtp", "otp_pin": "[redacted]"},
                "vettingToken": "[redacted]", "items": [{"apiKey": "[redacted]"}], "reference_id": "r1"
            })
        );
    }
}
