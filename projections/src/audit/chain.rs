//! The hash chain and its keeper, `EventChain`: a consumer of the ordered stream (checkpoint
//! `event_chain`) that links each event, of every aggregate type, to the one before it.
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use sqlx::PgConnection;

use crate::runner::{Projection, ProjectionError};
use crate::stream::{StoredEvent, EVERY_TYPE};

/// The `prev_hash` of the first link.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// An event as the chain hashes it: every column, payload and metadata as Postgres prints them
/// (`jsonb::text` is canonical: the same value always prints the same).
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChainedEvent {
    pub global_position: i64,
    pub transaction_id: String,
    pub aggregate_type: String,
    pub aggregate_id: String,
    pub sequence: i64,
    pub event_type: String,
    pub event_version: String,
    pub recorded_at: DateTime<Utc>,
    pub payload: String,
    pub metadata: String,
}

impl ChainedEvent {
    /// `aggregate_type/aggregate_id#sequence event_type`, as operators name an event.
    pub fn name(&self) -> String {
        format!(
            "{}/{}#{} {}",
            self.aggregate_type, self.aggregate_id, self.sequence, self.event_type
        )
    }
}

/// Columns of `events` as [`ChainedEvent`] reads them (from `events e`).
pub(crate) const CHAINED_COLUMNS: &str =
    "e.global_position, e.transaction_id::text AS transaction_id,
    e.aggregate_type, e.aggregate_id, e.sequence, e.event_type, e.event_version, e.recorded_at,
    e.payload::text AS payload, e.metadata::text AS metadata";

/// SHA-256 (hex) of the previous link's hash and every part of the event, each part
/// length-prefixed so no two different events hash the same input.
pub fn link_hash(prev_hash: &str, event: &ChainedEvent) -> String {
    let mut hasher = Sha256::new();
    let recorded_at = event
        .recorded_at
        .format("%Y-%m-%dT%H:%M:%S%.6fZ")
        .to_string();
    let position = event.global_position.to_string();
    let sequence = event.sequence.to_string();
    for part in [
        "tendlc-event-chain-v1",
        prev_hash,
        &position,
        &event.transaction_id,
        &event.aggregate_type,
        &event.aggregate_id,
        &sequence,
        &event.event_type,
        &event.event_version,
        &recorded_at,
        &event.payload,
        &event.metadata,
    ] {
        hasher.update((part.len() as u64).to_be_bytes());
        hasher.update(part.as_bytes());
    }
    hex::encode(hasher.finalize())
}

/// Keeps `event_chain`: run by a `ProjectionRunner`, so it reads in commit order, only settled
/// transactions, one replica at a time, and moves its checkpoint with the links it appends.
/// Not a read model (not in `projections::all()`): it is never rebuilt.
pub struct EventChain;

#[async_trait]
impl Projection for EventChain {
    fn name(&self) -> &'static str {
        "event_chain"
    }

    fn aggregate_types(&self) -> &'static [&'static str] {
        EVERY_TYPE
    }

    /// Links are for audits, not for anyone waiting.
    fn linger(&self) -> Duration {
        Duration::from_millis(50)
    }

    async fn apply(
        &self,
        conn: &mut PgConnection,
        events: &[StoredEvent],
    ) -> Result<(), ProjectionError> {
        let positions: Vec<i64> = events.iter().map(|e| e.global_position).collect();
        let rows: Vec<ChainedEvent> = sqlx::query_as(&rereading_sql())
            .bind(&positions)
            .fetch_all(&mut *conn)
            .await?;
        if rows.is_empty() {
            return Ok(());
        }
        let last: Option<(i64, String)> = sqlx::query_as(
            "SELECT chain_index, hash FROM event_chain ORDER BY chain_index DESC LIMIT 1",
        )
        .fetch_optional(&mut *conn)
        .await?;
        let (mut index, mut prev) = last.unwrap_or((0, GENESIS.to_string()));
        let mut links = Links::default();
        for event in rows {
            index += 1;
            let hash = link_hash(&prev, &event);
            links.push(
                index,
                event,
                std::mem::replace(&mut prev, hash.clone()),
                hash,
            );
        }
        links.insert(conn).await
    }
}

/// A batch's events (`$1`: their positions) read again as text, in the stream's order,
/// leaving out any already linked.
pub fn rereading_sql() -> String {
    format!(
        "SELECT {CHAINED_COLUMNS} FROM events e
          WHERE e.global_position = ANY($1)
            AND NOT EXISTS (SELECT 1 FROM event_chain c WHERE c.global_position = e.global_position)
          ORDER BY e.transaction_id, e.global_position"
    )
}

/// The links of one batch, column by column, for one `UNNEST` insert.
#[derive(Default)]
struct Links {
    index: Vec<i64>,
    position: Vec<i64>,
    transaction_id: Vec<String>,
    aggregate_type: Vec<String>,
    aggregate_id: Vec<String>,
    sequence: Vec<i64>,
    event_type: Vec<String>,
    prev_hash: Vec<String>,
    hash: Vec<String>,
}

impl Links {
    fn push(&mut self, index: i64, event: ChainedEvent, prev_hash: String, hash: String) {
        self.index.push(index);
        self.position.push(event.global_position);
        self.transaction_id.push(event.transaction_id);
        self.aggregate_type.push(event.aggregate_type);
        self.aggregate_id.push(event.aggregate_id);
        self.sequence.push(event.sequence);
        self.event_type.push(event.event_type);
        self.prev_hash.push(prev_hash);
        self.hash.push(hash);
    }

    async fn insert(self, conn: &mut PgConnection) -> Result<(), ProjectionError> {
        sqlx::query(
            "INSERT INTO event_chain (chain_index, global_position, transaction_id, aggregate_type,
                                      aggregate_id, sequence, event_type, prev_hash, hash)
             SELECT i, p, t::xid8, at, ai, s, et, ph, h
               FROM UNNEST($1::bigint[], $2::bigint[], $3::text[], $4::text[], $5::text[],
                           $6::bigint[], $7::text[], $8::text[], $9::text[])
                    AS l(i, p, t, at, ai, s, et, ph, h)",
        )
        .bind(self.index)
        .bind(self.position)
        .bind(self.transaction_id)
        .bind(self.aggregate_type)
        .bind(self.aggregate_id)
        .bind(self.sequence)
        .bind(self.event_type)
        .bind(self.prev_hash)
        .bind(self.hash)
        .execute(conn)
        .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event() -> ChainedEvent {
        ChainedEvent {
            global_position: 7,
            transaction_id: "812".into(),
            aggregate_type: "Brand".into(),
            aggregate_id: "b1".into(),
            sequence: 2,
            event_type: "BrandSubmittedToTcr".into(),
            event_version: "1.0".into(),
            recorded_at: "2026-01-31T12:00:00.123456Z".parse().unwrap(),
            payload: r#"{"BrandSubmittedToTcr": {"adopted": false}}"#.into(),
            metadata: r#"{"actor": "user:a"}"#.into(),
        }
    }

    #[test]
    fn the_same_event_after_the_same_link_hashes_the_same() {
        assert_eq!(link_hash(GENESIS, &event()), link_hash(GENESIS, &event()));
        assert_eq!(link_hash(GENESIS, &event()).len(), 64);
    }

    #[test]
    fn any_change_to_the_event_or_its_predecessor_changes_the_hash() {
        let original = link_hash(GENESIS, &event());
        let changes: [fn(&mut ChainedEvent); 7] = [
            |e| e.payload = r#"{"BrandSubmittedToTcr": {"adopted": true}}"#.into(),
            |e| e.metadata = r#"{"actor": "user:b"}"#.into(),
            |e| e.global_position = 8,
            |e| e.sequence = 3,
            |e| e.aggregate_id = "b2".into(),
            |e| e.recorded_at += chrono::Duration::microseconds(1),
            |e| e.transaction_id = "813".into(),
        ];
        for change in changes {
            let mut altered = event();
            change(&mut altered);
            assert_ne!(link_hash(GENESIS, &altered), original);
        }
        assert_ne!(link_hash(&"1".repeat(64), &event()), original);
    }

    #[test]
    fn moving_text_between_parts_changes_the_hash() {
        let mut a = event();
        a.aggregate_type = "Bran".into();
        a.aggregate_id = "db1".into();
        let mut b = event();
        b.aggregate_type = "Brand".into();
        b.aggregate_id = "b1".into();
        assert_ne!(link_hash(GENESIS, &a), link_hash(GENESIS, &b));
    }
}
