//! Reading events across aggregates in commit order.
//!
//! Order is `(transaction_id, global_position)`, and only transactions older than every
//! transaction still running are read, so a reader never passes an event whose transaction
//! commits late.
use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::PgConnection;

/// One recorded event with its place in the global order.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct StoredEvent {
    pub aggregate_type: String,
    pub aggregate_id: String,
    pub sequence: i64,
    pub event_type: String,
    pub event_version: String,
    pub payload: Value,
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
        serde_json::from_value(self.payload.clone())
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

/// Up to `limit` settled events after `after`, in order.
pub async fn read_after(
    conn: &mut PgConnection,
    after: &Position,
    horizon: &str,
    limit: i64,
) -> Result<Vec<StoredEvent>, sqlx::Error> {
    sqlx::query_as::<_, StoredEvent>(
        "SELECT aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata,
                global_position, transaction_id::text AS transaction_id, recorded_at
           FROM events
          WHERE (transaction_id, global_position) > ($1::xid8, $2)
            AND transaction_id < $3::xid8
          ORDER BY transaction_id, global_position
          LIMIT $4",
    )
    .bind(&after.transaction_id)
    .bind(after.global_position)
    .bind(horizon)
    .bind(limit)
    .fetch_all(conn)
    .await
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
