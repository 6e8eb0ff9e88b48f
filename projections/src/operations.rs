//! What operators see of the projections and what they may do about one that is stuck: each
//! projection's position, lag and failure; a retry (try the failed event again now, after a
//! fix); a skip (pass over the failed event unapplied — an explicit decision, recorded with who,
//! when, why and which event, and logged).
use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sqlx::PgPool;

use crate::runner::Projection;
use crate::wake::EVENTS_CHANNEL;

/// One event, as operators name it.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct EventRef {
    pub global_position: i64,
    pub transaction_id: String,
    pub aggregate_type: String,
    pub aggregate_id: String,
    pub sequence: i64,
    pub event_type: String,
}

/// A projection stuck at an event it cannot apply.
#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    pub event: EventRef,
    pub error: String,
    pub since: DateTime<Utc>,
    pub attempts: i32,
    pub next_attempt_at: DateTime<Utc>,
}

/// An event an operator had a projection pass over (a failure resolved by a skip).
#[derive(Debug, Clone, PartialEq)]
pub struct Skip {
    pub id: i64,
    pub projection: String,
    pub event: EventRef,
    pub error: String,
    pub reason: String,
    pub skipped_by: String,
    pub skipped_at: DateTime<Utc>,
}

/// Where one projection (or the workers' webhook queue, which reads the stream the same way)
/// stands.
#[derive(Debug, Clone, PartialEq)]
pub struct Status {
    pub name: String,
    /// The last event read past (`global_position`; the stream's order is by transaction first).
    pub position: i64,
    /// Events recorded after that point, not yet read past.
    pub lag: i64,
    pub events_applied: i64,
    pub updated_at: DateTime<Utc>,
    pub failure: Option<Failure>,
    /// Events operators had it pass over, oldest first.
    pub skipped: Vec<Skip>,
}

/// Why an operator's command was refused.
#[derive(Debug, thiserror::Error)]
pub enum OperationError {
    #[error("no projection is named {0:?} (see `tendlc projections status`)")]
    UnknownProjection(String),
    #[error(
        "{0} cannot skip an event: an event left out of the hash chain would read as one \
         inserted out of band (see `tendlc audit verify`)"
    )]
    NeverSkipped(&'static str),
    #[error("projection {0} is not stuck; there is nothing to retry or skip")]
    NotStuck(String),
    #[error(
        "projection {projection} is stuck at position {stuck}, not {asked}; only the event it \
         failed on can be skipped"
    )]
    NotTheFailedEvent {
        projection: String,
        stuck: i64,
        asked: i64,
    },
    #[error(
        "the event at position {0} is no longer the next one for this projection; run \
         `tendlc projections status` and try again"
    )]
    Moved(i64),
    #[error("a skip needs a reason")]
    NoReason,
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
}

#[derive(sqlx::FromRow)]
struct CheckpointRow {
    name: String,
    last_global_position: i64,
    lag: i64,
    events_applied: i64,
    updated_at: DateTime<Utc>,
}

/// A row of `projection_failures`: open, or resolved (applied after all, or skipped).
#[derive(sqlx::FromRow)]
struct FailureRow {
    id: i64,
    projection: String,
    #[sqlx(flatten)]
    event: EventRef,
    error: String,
    since: DateTime<Utc>,
    attempts: i32,
    next_attempt_at: DateTime<Utc>,
    resolved_at: Option<DateTime<Utc>>,
    skip_reason: Option<String>,
    skipped_by: Option<String>,
}

const FAILURE_COLUMNS: &str = "id, projection, global_position,
     transaction_id::text AS transaction_id, aggregate_type, aggregate_id, sequence, event_type,
     error, since, attempts, next_attempt_at, resolved_at, skip_reason, skipped_by";

impl FailureRow {
    fn failure(&self) -> Failure {
        Failure {
            event: self.event.clone(),
            error: self.error.clone(),
            since: self.since,
            attempts: self.attempts,
            next_attempt_at: self.next_attempt_at,
        }
    }

    /// The skip this row records, if it was resolved by one.
    fn skip(self) -> Option<Skip> {
        Some(Skip {
            id: self.id,
            projection: self.projection,
            event: self.event,
            error: self.error,
            reason: self.skip_reason?,
            skipped_by: self.skipped_by?,
            skipped_at: self.resolved_at?,
        })
    }
}

/// Every projection's position, lag, failure and skips, by name.
pub async fn status(pool: &PgPool) -> Result<Vec<Status>, sqlx::Error> {
    let checkpoints: Vec<CheckpointRow> = sqlx::query_as(
        "SELECT c.name, c.last_global_position, c.events_applied, c.updated_at,
                (SELECT count(*) FROM events e
                  WHERE (e.transaction_id, e.global_position)
                      > (c.last_transaction_id, c.last_global_position)) AS lag
           FROM projection_checkpoints c
          ORDER BY c.name",
    )
    .fetch_all(pool)
    .await?;
    let failures: Vec<FailureRow> = sqlx::query_as(&format!(
        "SELECT {FAILURE_COLUMNS} FROM projection_failures
          WHERE resolved_at IS NULL OR resolution = 'skipped'
          ORDER BY id"
    ))
    .fetch_all(pool)
    .await?;
    let mut by_projection: HashMap<String, (Option<Failure>, Vec<Skip>)> = HashMap::new();
    for row in failures {
        let entry = by_projection.entry(row.projection.clone()).or_default();
        match row.resolved_at {
            None => entry.0 = Some(row.failure()),
            Some(_) => entry.1.extend(row.skip()),
        }
    }
    Ok(checkpoints
        .into_iter()
        .map(|checkpoint| {
            let (failure, skipped) = by_projection.remove(&checkpoint.name).unwrap_or_default();
            Status {
                name: checkpoint.name,
                position: checkpoint.last_global_position,
                lag: checkpoint.lag,
                events_applied: checkpoint.events_applied,
                updated_at: checkpoint.updated_at,
                failure,
                skipped,
            }
        })
        .collect())
}

/// Has `name` try the event it is stuck at again now (on whichever replica takes it first).
/// Returns the failure as it stood.
pub async fn retry(pool: &PgPool, name: &str) -> Result<Failure, OperationError> {
    known(pool, name).await?;
    let row: Option<FailureRow> = sqlx::query_as(&format!(
        "UPDATE projection_failures SET next_attempt_at = now()
          WHERE projection = $1 AND resolved_at IS NULL
          RETURNING {FAILURE_COLUMNS}"
    ))
    .bind(name)
    .fetch_optional(pool)
    .await?;
    let failure = row
        .map(|row| row.failure())
        .ok_or_else(|| OperationError::NotStuck(name.to_string()))?;
    poke(pool).await?;
    tracing::info!(
        projection = name,
        position = failure.event.global_position,
        "operator asked projection {name} to try the event it is stuck at again"
    );
    Ok(failure)
}

/// Passes `name` over the event it is stuck at, which must be the one at `position`: its
/// checkpoint moves just past that event, and the decision is recorded with the failure (who,
/// when, why) and logged.
pub async fn skip(
    pool: &PgPool,
    name: &str,
    position: i64,
    reason: &str,
    by: &str,
) -> Result<Skip, OperationError> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(OperationError::NoReason);
    }
    let chain = crate::audit::EventChain;
    if name == chain.name() {
        return Err(OperationError::NeverSkipped(chain.name()));
    }
    known(pool, name).await?;
    let mut tx = pool.begin().await?;
    // Waits for a batch in progress on any replica, then keeps runners out until committed.
    let checkpoint: (String, i64) = sqlx::query_as(
        "SELECT last_transaction_id::text, last_global_position
           FROM projection_checkpoints WHERE name = $1 FOR UPDATE",
    )
    .bind(name)
    .fetch_one(&mut *tx)
    .await?;
    let open: Option<FailureRow> = sqlx::query_as(&format!(
        "SELECT {FAILURE_COLUMNS} FROM projection_failures
          WHERE projection = $1 AND resolved_at IS NULL"
    ))
    .bind(name)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(open) = open else {
        return Err(OperationError::NotStuck(name.to_string()));
    };
    if open.event.global_position != position {
        return Err(OperationError::NotTheFailedEvent {
            projection: name.to_string(),
            stuck: open.event.global_position,
            asked: position,
        });
    }
    // The failed event must be the very next one, so nothing else is passed over with it.
    let next: Option<i64> = sqlx::query_scalar(
        "SELECT global_position FROM events
          WHERE (transaction_id, global_position) > ($1::xid8, $2)
          ORDER BY events.transaction_id, events.global_position
          LIMIT 1",
    )
    .bind(&checkpoint.0)
    .bind(checkpoint.1)
    .fetch_optional(&mut *tx)
    .await?;
    if next != Some(position) {
        return Err(OperationError::Moved(position));
    }
    sqlx::query(
        "UPDATE projection_checkpoints
            SET last_transaction_id = $2::xid8, last_global_position = $3,
                events_applied = events_applied + 1, updated_at = now()
          WHERE name = $1",
    )
    .bind(name)
    .bind(&open.event.transaction_id)
    .bind(position)
    .execute(&mut *tx)
    .await?;
    let row: FailureRow = sqlx::query_as(&format!(
        "UPDATE projection_failures
            SET resolved_at = now(), resolution = 'skipped', skip_reason = $2, skipped_by = $3
          WHERE id = $1
          RETURNING {FAILURE_COLUMNS}"
    ))
    .bind(open.id)
    .bind(reason)
    .bind(by)
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    poke(pool).await?;
    let skip = row
        .skip()
        .ok_or_else(|| sqlx::Error::Protocol("a skipped failure without its decision".into()))?;
    tracing::warn!(
        projection = name,
        position,
        aggregate_type = %skip.event.aggregate_type,
        aggregate_id = %skip.event.aggregate_id,
        sequence = skip.event.sequence,
        event_type = %skip.event.event_type,
        skipped_by = by,
        reason,
        error = %skip.error,
        "operator had projection {name} skip the event at position {position}; it is not applied"
    );
    Ok(skip)
}

async fn known(pool: &PgPool, name: &str) -> Result<(), OperationError> {
    let exists: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM projection_checkpoints WHERE name = $1)")
            .bind(name)
            .fetch_one(pool)
            .await?;
    if exists {
        Ok(())
    } else {
        Err(OperationError::UnknownProjection(name.to_string()))
    }
}

/// Wakes the runners of every replica.
async fn poke(pool: &PgPool) -> Result<(), sqlx::Error> {
    sqlx::query("SELECT pg_notify($1, '')")
        .bind(EVENTS_CHANNEL)
        .execute(pool)
        .await
        .map(|_| ())
}
