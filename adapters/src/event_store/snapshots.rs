//! Snapshots: an aggregate's state stored with the sequence it reached, so loading a long-lived
//! aggregate replays only the events after it. A cache, never a record: a snapshot is read only by
//! the domain code that folded it (its fingerprint), a failed write costs nothing but the next
//! replay, and any row may be deleted.
use cqrs_es::Aggregate;
use sqlx::PgPool;
use tendlc_domain::FINGERPRINT;

/// A load that replayed at least this many events stores the state it reached.
pub const AFTER_EVENTS: usize = 100;

/// The stored state of `aggregate_id` and its sequence, when this code stored one that still reads.
pub async fn read<A: Aggregate>(pool: &PgPool, aggregate_id: &str) -> Option<(A, usize)> {
    let (state, sequence): (serde_json::Value, i64) = sqlx::query_as(
        "SELECT state, last_sequence FROM aggregate_snapshots
          WHERE aggregate_type = $1 AND aggregate_id = $2 AND fingerprint = $3",
    )
    .bind(A::TYPE)
    .bind(aggregate_id)
    .bind(FINGERPRINT)
    .fetch_optional(pool)
    .await
    .inspect_err(|error| tracing::warn!(%error, "reading a snapshot failed; replaying all events"))
    .ok()??;
    match serde_json::from_value(state) {
        Ok(state) => Some((state, sequence as usize)),
        Err(error) => {
            tracing::warn!(%error, aggregate = A::TYPE, "a snapshot does not read; replaying all events");
            None
        }
    }
}

/// Stores `state` as `aggregate_id` stood at `sequence`, unless a later one of this code is there.
pub async fn store<A: Aggregate>(pool: &PgPool, aggregate_id: &str, state: &A, sequence: usize) {
    let state = match serde_json::to_value(state) {
        Ok(state) => state,
        Err(error) => {
            tracing::warn!(%error, aggregate = A::TYPE, "a state does not serialize; no snapshot");
            return;
        }
    };
    let stored = sqlx::query(
        "INSERT INTO aggregate_snapshots (aggregate_type, aggregate_id, fingerprint, last_sequence, state)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (aggregate_type, aggregate_id) DO UPDATE
            SET fingerprint = EXCLUDED.fingerprint, last_sequence = EXCLUDED.last_sequence,
                state = EXCLUDED.state, taken_at = now()
          WHERE aggregate_snapshots.fingerprint <> EXCLUDED.fingerprint
             OR aggregate_snapshots.last_sequence < EXCLUDED.last_sequence",
    )
    .bind(A::TYPE)
    .bind(aggregate_id)
    .bind(FINGERPRINT)
    .bind(sequence as i64)
    .bind(&state)
    .execute(pool)
    .await;
    if let Err(error) = stored {
        tracing::warn!(%error, aggregate = A::TYPE, "storing a snapshot failed; the next load replays");
    }
}
