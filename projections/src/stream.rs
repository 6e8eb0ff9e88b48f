//! Reading events across aggregates in commit order.
//!
//! Order is `(transaction_id, global_position)`, and only transactions older than every
//! transaction still running are read, so a reader never passes an event whose transaction
//! commits late.
use chrono::{DateTime, Utc};
use serde_json::value::RawValue;
use serde_json::Value;
use sqlx::{PgConnection, PgPool, Postgres, Transaction};

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
///
/// Readers' own transactions (begun by [`begin_reader`]) are left out too: they never write events
/// (the database refuses it), and every stream consumer holds one while it applies a batch, so
/// counting them made each consumer wait for the others after every commit.
pub async fn horizon(conn: &mut PgConnection) -> Result<String, sqlx::Error> {
    sqlx::query_scalar(&format!("SELECT {HORIZON}"))
        .fetch_one(conn)
        .await
}

/// [`horizon`] as an expression (text), to ask for it within another statement.
pub(crate) const HORIZON: &str = "(WITH snapshot AS (SELECT pg_current_snapshot() AS s),
              here AS (SELECT backend_xid::text::bigint AS xid FROM pg_stat_activity
                        WHERE datname = current_database() AND backend_xid IS NOT NULL
                          AND application_name IS DISTINCT FROM 'tendlc stream reader')
         SELECT COALESCE(
                  (SELECT min(x) FROM snapshot, pg_snapshot_xip(s) x
                    WHERE (x::text::numeric % 4294967296)::bigint IN (SELECT xid FROM here)),
                  (SELECT pg_snapshot_xmax(s) FROM snapshot))::text)";

/// Marks the transaction as a stream reader's, one that writes no event (migration 0046
/// refuses an event from it), so [`horizon`] need not wait for it. First, before the
/// transaction writes anything.
const MARK_READER: &str = "SET LOCAL application_name = 'tendlc stream reader'";

/// Begins a stream reader's transaction, marked (see [`MARK_READER`]) in the same round trip.
pub async fn begin_reader(pool: &PgPool) -> Result<Transaction<'static, Postgres>, sqlx::Error> {
    pool.begin_with(format!("BEGIN; {MARK_READER}")).await
}

/// Which events a reader wants: those of some aggregate types ([`EVERY_TYPE`]: all), and of
/// those, when `event_types` says, only some event types. The others are passed over in SQL:
/// never sent, never decoded.
#[derive(Debug, Clone, Copy)]
pub struct Wanted<'a> {
    pub aggregate_types: &'a [&'a str],
    pub event_types: Option<&'a [&'a str]>,
}

impl Wanted<'_> {
    /// The page query's filter on `$7` (aggregate types) and `$8` (event types).
    fn filter(&self) -> &'static str {
        match (self.aggregate_types, self.event_types.is_some()) {
            (types, false) if types.contains(&"*") => "",
            (types, true) if types.contains(&"*") => "AND event_type = ANY($8)",
            // One type: the (aggregate_type, stream order) index walks just its events.
            ([_], false) => "AND aggregate_type = ($7::text[])[1]",
            ([_], true) => "AND aggregate_type = ($7::text[])[1] AND event_type = ANY($8)",
            (_, false) => "AND aggregate_type = ANY($7)",
            (_, true) => "AND aggregate_type = ANY($7) AND event_type = ANY($8)",
        }
    }
}

/// A stretch of the stream read past: the wanted events in it, where it ends, and what lies
/// beyond it.
#[derive(Debug)]
pub struct Scanned {
    pub events: Vec<StoredEvent>,
    /// Where the stretch ends (`None`: no settled event after where it began).
    pub last: Option<Position>,
    pub beyond: Beyond,
}

/// How soon a reader looks again when events past what it read had not settled.
pub const UNSETTLED_RECHECK: std::time::Duration = std::time::Duration::from_millis(25);

/// What lies past a stretch read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Beyond {
    /// The page was full: read on.
    More,
    /// Events whose transactions had not settled (or, when reading up to a bound, events past
    /// it): they come when they settle, which may pass with no wake-up (a transaction that
    /// writes no event holding the horizon back).
    Unsettled,
    /// Nothing: the stream's end.
    Nothing,
}

/// One row of a page, or (`stretch_end`) the last settled event of any type in the stretch
/// and whether any event lies past it.
#[derive(sqlx::FromRow)]
struct PageRow {
    stretch_end: bool,
    aggregate_type: Option<String>,
    aggregate_id: Option<String>,
    sequence: Option<i64>,
    event_type: Option<String>,
    event_version: Option<String>,
    payload: Option<sqlx::types::Json<Box<RawValue>>>,
    metadata: Option<Value>,
    global_position: Option<i64>,
    transaction_id: Option<String>,
    recorded_at: Option<DateTime<Utc>>,
    more: Option<bool>,
}

impl PageRow {
    fn position(&self) -> Option<Position> {
        Some(Position {
            transaction_id: self.transaction_id.clone()?,
            global_position: self.global_position?,
        })
    }

    fn into_event(self) -> Option<StoredEvent> {
        Some(StoredEvent {
            payload: self.payload?.0,
            metadata: self.metadata?,
            aggregate_type: self.aggregate_type?,
            aggregate_id: self.aggregate_id?,
            sequence: self.sequence?,
            event_type: self.event_type?,
            event_version: self.event_version?,
            global_position: self.global_position?,
            transaction_id: self.transaction_id?,
            recorded_at: self.recorded_at?,
        })
    }
}

/// A reader's page query: `$1`, `$2` where it stands; `$3` the horizon (`NULL`: as the
/// statement finds it); `$4` the page's size; `$5`, `$6` where to stop (`NULL`: nowhere);
/// `$7` and `$8` what it wants (see [`Wanted`]).
pub fn page_sql(wanted: Wanted<'_>) -> String {
    // The horizon given, or as the statement finds it.
    let horizon_sql = format!("COALESCE($3::xid8, {HORIZON}::xid8)");
    format!(
        "SELECT false AS stretch_end, aggregate_type, aggregate_id, sequence, event_type,
                event_version, payload, metadata, global_position,
                transaction_id::text AS transaction_id, recorded_at, NULL::boolean AS more
           FROM (SELECT * FROM events
                  WHERE (transaction_id, global_position) > ($1::xid8, $2)
                    AND transaction_id < {horizon_sql}
                    AND ($5::xid8 IS NULL OR (transaction_id, global_position) <= ($5::xid8, $6))
                    {filter}
                  ORDER BY events.transaction_id, events.global_position
                  LIMIT $4) page
         UNION ALL
         SELECT true, NULL, NULL, NULL, NULL, NULL, NULL, NULL, s.global_position,
                s.transaction_id::text, NULL,
                -- In the index's order, so no plan looks for it by reading the table.
                (SELECT true FROM events m
                  WHERE (m.transaction_id, m.global_position)
                      > (COALESCE(s.transaction_id, $1::xid8), COALESCE(s.global_position, $2))
                  ORDER BY m.transaction_id, m.global_position
                  LIMIT 1)
           FROM (SELECT 1) one
           LEFT JOIN LATERAL (
                SELECT e.transaction_id, e.global_position FROM events e
                 WHERE (e.transaction_id, e.global_position) > ($1::xid8, $2)
                   AND e.transaction_id < {horizon_sql}
                   AND ($5::xid8 IS NULL OR (e.transaction_id, e.global_position) <= ($5::xid8, $6))
                 ORDER BY e.transaction_id DESC, e.global_position DESC
                 LIMIT 1) s ON true",
        filter = wanted.filter()
    )
}

/// Up to `limit` settled `wanted` events after `after` (and not after `until`, if given), in
/// order, with where the stretch read past ends, in one query: a full page ends at its last
/// event; a short one read every wanted event up to the horizon (or `until`), so it ends at
/// the last settled event there, whatever its type. `horizon`: where settled events end
/// ([`horizon`]), or `None` for as this query finds it. The order names the table's columns:
/// unqualified, `transaction_id` would be the text of the output list, an order that neither
/// follows the index nor the checkpoint's.
pub async fn read_after(
    conn: &mut PgConnection,
    after: &Position,
    horizon: Option<&str>,
    limit: i64,
    wanted: Wanted<'_>,
    until: Option<&Position>,
) -> Result<Scanned, sqlx::Error> {
    let rows = sqlx::query_as::<_, PageRow>(&page_sql(wanted))
        .bind(&after.transaction_id)
        .bind(after.global_position)
        .bind(horizon)
        .bind(limit)
        .bind(until.map(|u| &u.transaction_id))
        .bind(until.map(|u| u.global_position))
        .bind(wanted.aggregate_types)
        .bind(wanted.event_types)
        .fetch_all(&mut *conn)
        .await?;
    let mut events = Vec::with_capacity(rows.len());
    let mut stretch_end = None;
    for row in rows {
        if row.stretch_end {
            stretch_end = Some(row);
        } else if let Some(event) = row.into_event() {
            events.push(event);
        }
    }
    // A UNION ALL hands its branches on in order, each as its ORDER BY left it; should a plan
    // ever not, order here (a sorted page costs one pass to check).
    if !events.is_sorted_by_key(order_key) {
        events.sort_by_key(order_key);
    }
    let stretch_end = stretch_end.ok_or_else(|| {
        sqlx::Error::Protocol("the stream's page came without its stretch end".into())
    })?;
    if events.len() as i64 >= limit {
        let last = events.last().map(|e| Position {
            transaction_id: e.transaction_id.clone(),
            global_position: e.global_position,
        });
        return Ok(Scanned {
            events,
            last,
            beyond: Beyond::More,
        });
    }
    let beyond = if stretch_end.more == Some(true) {
        Beyond::Unsettled
    } else {
        Beyond::Nothing
    };
    Ok(Scanned {
        last: stretch_end.position(),
        events,
        beyond,
    })
}

/// An event's place in the global order, as a key (transaction ids are `xid8`, so numbers).
fn order_key(event: &StoredEvent) -> (u64, i64) {
    (
        event.transaction_id.parse().unwrap_or(u64::MAX),
        event.global_position,
    )
}
