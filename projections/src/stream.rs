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

    /// The domain event this row holds, read through the domain's upcasters when it was
    /// recorded in an older shape.
    pub fn decode<E: serde::de::DeserializeOwned>(&self) -> Result<E, serde_json::Error> {
        if tendlc_domain::upcasters::applies(&self.event_type, &self.event_version) {
            serde_json::from_value(self.current_payload()?)
        } else {
            serde_json::from_str(self.payload.get())
        }
    }

    /// The payload in the event's current shape (upcast when recorded in an older one).
    pub fn current_payload(&self) -> Result<Value, serde_json::Error> {
        let payload: Value = serde_json::from_str(self.payload.get())?;
        if tendlc_domain::upcasters::applies(&self.event_type, &self.event_version) {
            Ok(tendlc_domain::upcasters::upcast(&self.event_type, &self.event_version, payload).0)
        } else {
            Ok(payload)
        }
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

/// The oldest transaction of this database still running: every event below it is settled.
///
/// Transaction ids are shared by every database of the Postgres server, but only this
/// database's transactions can write its events, so the others' are left out: a long
/// transaction elsewhere on a shared server (another application, a report, a migration)
/// must not hold the read models back. (`pg_stat_activity` shows the transaction ids of this
/// role's sessions: tendlc writes its events as one role.) With none running here, it is the
/// snapshot's `xmax`.
pub async fn horizon(conn: &mut PgConnection) -> Result<String, sqlx::Error> {
    sqlx::query_scalar(
        "WITH snapshot AS (SELECT pg_current_snapshot() AS s),
              here AS (SELECT backend_xid::text::bigint AS xid FROM pg_stat_activity
                        WHERE datname = current_database() AND backend_xid IS NOT NULL)
         SELECT COALESCE(
                  (SELECT min(x) FROM snapshot, pg_snapshot_xip(s) x
                    WHERE (x::text::numeric % 4294967296)::bigint IN (SELECT xid FROM here)),
                  (SELECT pg_snapshot_xmax(s) FROM snapshot))::text",
    )
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

/// Up to `limit` settled events after `after` (and not after `until`, if given), in order. Events of other aggregate types than
/// `wanted` are passed over (counted, and the position moves past them) without their payload
/// being read ([`EVERY_TYPE`] wants them all). The order names the table's columns: unqualified, `transaction_id` would be the
/// text of the output list, an order that neither follows the index nor the checkpoint's.
pub async fn read_after(
    conn: &mut PgConnection,
    after: &Position,
    horizon: &str,
    limit: i64,
    wanted: &[&str],
    until: Option<&Position>,
) -> Result<Scanned, sqlx::Error> {
    let rows = sqlx::query_as::<_, ScannedRow>(
        "SELECT aggregate_type, aggregate_id, sequence, event_type, event_version,
                CASE WHEN aggregate_type = ANY($5) OR '*' = ANY($5) THEN payload END AS payload,
                CASE WHEN aggregate_type = ANY($5) OR '*' = ANY($5) THEN metadata END AS metadata,
                global_position, transaction_id::text AS transaction_id, recorded_at
           FROM events
          WHERE (transaction_id, global_position) > ($1::xid8, $2)
            AND transaction_id < $3::xid8
            AND ($6::xid8 IS NULL OR (transaction_id, global_position) <= ($6::xid8, $7))
          ORDER BY events.transaction_id, events.global_position
          LIMIT $4",
    )
    .bind(&after.transaction_id)
    .bind(after.global_position)
    .bind(horizon)
    .bind(limit)
    .bind(wanted)
    .bind(until.map(|u| &u.transaction_id))
    .bind(until.map(|u| u.global_position))
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
