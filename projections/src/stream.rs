//! Reading events across aggregates in commit order.
//!
//! Order is `(transaction_id, global_position)`, and only transactions older than every
//! transaction still running are read, so a reader never passes an event whose transaction
//! commits late.
use chrono::{DateTime, Utc};
use serde_json::value::RawValue;
use serde_json::Value;
use sqlx::PgConnection;

/// The `wanted` aggregate types of a reader of every event, whatever its type.
pub const EVERY_TYPE: &[&str] = &["*"];

/// One recorded event with its place in the global order.
#[derive(Debug, Clone)]
pub struct StoredEvent {
    pub aggregate_type: String,
    pub aggregate_id: String,
    pub sequence: i64,
    pub event_type: String,
    pub event_version: String,
    /// The payload as stored, decoded only into the type its reader wants.
    pub payload: Box<RawValue>,
    pub metadata: Value,
    pub global_position: i64,
    /// `xid8` as text (sqlx has no native type for it).
    pub transaction_id: String,
    pub recorded_at: DateTime<Utc>,
}

impl StoredEvent {
    /// A metadata entry (`customer_id`, `actor`, `request_id`, `source`, …).
    pub fn meta(&self, key: &str) -> Option<&str> {
        self.metadata.get(key).and_then(Value::as_str)
    }

    /// The domain event this row holds.
    pub fn decode<E: serde::de::DeserializeOwned>(&self) -> Result<E, serde_json::Error> {
        serde_json::from_str(self.payload.get())
    }
}

/// A position in the global order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Position {
    pub transaction_id: String,
    pub global_position: i64,
}

impl Position {
    pub fn start() -> Self {
        Self {
            transaction_id: "0".into(),
            global_position: 0,
        }
    }
}

/// The oldest transaction still running: everything below it is settled.
pub async fn horizon(conn: &mut PgConnection) -> Result<String, sqlx::Error> {
    sqlx::query_scalar("SELECT pg_snapshot_xmin(pg_current_snapshot())::text")
        .fetch_one(conn)
        .await
}

/// A stretch of the stream read past: the events of the wanted aggregate types, how many
/// events (of any type) it held, and where it ends.
#[derive(Debug, Default)]
pub struct Scanned {
    pub events: Vec<StoredEvent>,
    pub count: usize,
    pub last: Option<Position>,
}

/// One row of a scan; payload and metadata only for the wanted aggregate types.
#[derive(sqlx::FromRow)]
struct ScannedRow {
    aggregate_type: String,
    aggregate_id: String,
    sequence: i64,
    event_type: String,
    event_version: String,
    #[sqlx(json(nullable))]
    payload: Option<Box<RawValue>>,
    metadata: Option<Value>,
    global_position: i64,
    transaction_id: String,
    recorded_at: DateTime<Utc>,
}

/// Up to `limit` settled events after `after`, in order. Events of other aggregate types than
/// `wanted` are passed over (counted, and the position moves past them) without their payload
/// being read ([`EVERY_TYPE`] wants them all). The order names the table's columns: unqualified, `transaction_id` would be the
/// text of the output list, an order that neither follows the index nor the checkpoint's.
pub async fn read_after(
    conn: &mut PgConnection,
    after: &Position,
    horizon: &str,
    limit: i64,
    wanted: &[&str],
) -> Result<Scanned, sqlx::Error> {
    let rows = sqlx::query_as::<_, ScannedRow>(
        "SELECT aggregate_type, aggregate_id, sequence, event_type, event_version,
                CASE WHEN aggregate_type = ANY($5) OR '*' = ANY($5) THEN payload END AS payload,
                CASE WHEN aggregate_type = ANY($5) OR '*' = ANY($5) THEN metadata END AS metadata,
                global_position, transaction_id::text AS transaction_id, recorded_at
           FROM events
          WHERE (transaction_id, global_position) > ($1::xid8, $2)
            AND transaction_id < $3::xid8
          ORDER BY events.transaction_id, events.global_position
          LIMIT $4",
    )
    .bind(&after.transaction_id)
    .bind(after.global_position)
    .bind(horizon)
    .bind(limit)
    .bind(wanted)
    .fetch_all(conn)
    .await?;
    let mut scanned = Scanned {
        count: rows.len(),
        last: rows.last().map(|row| Position {
            transaction_id: row.transaction_id.clone(),
            global_position: row.global_position,
        }),
        events: Vec::new(),
    };
    scanned.events = rows
        .into_iter()
        .filter_map(|row| {
            Some(StoredEvent {
                payload: row.payload?,
                metadata: row.metadata.unwrap_or(Value::Null),
                aggregate_type: row.aggregate_type,
                aggregate_id: row.aggregate_id,
                sequence: row.sequence,
                event_type: row.event_type,
                event_version: row.event_version,
                global_position: row.global_position,
                transaction_id: row.transaction_id,
                recorded_at: row.recorded_at,
            })
        })
        .collect();
    Ok(scanned)
}

/// True when any event, settled or not, lies after `after`.
pub async fn any_after(conn: &mut PgConnection, after: &Position) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM events WHERE (transaction_id, global_position) > ($1::xid8, $2))",
    )
    .bind(&after.transaction_id)
    .bind(after.global_position)
    .fetch_one(conn)
    .await
}
