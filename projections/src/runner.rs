//! The checkpointed projection runner.
//!
//! Each batch runs in one transaction that holds the projection's checkpoint row
//! (`FOR UPDATE SKIP LOCKED`), hands the projection the whole batch (only the events of its
//! aggregate types are read) and moves the checkpoint past every event read, so rows and
//! checkpoint never disagree and only one replica applies a given projection at a time.
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use sqlx::{PgConnection, PgPool};
use tokio::sync::{watch, Notify};

use crate::stream::{self, Position, StoredEvent};

#[derive(Debug, thiserror::Error)]
pub enum ProjectionError {
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("event {aggregate_type}/{aggregate_id}#{sequence} cannot be read: {reason}")]
    Undecodable {
        aggregate_type: String,
        aggregate_id: String,
        sequence: i64,
        reason: String,
    },
}

impl ProjectionError {
    pub fn undecodable(event: &StoredEvent, reason: impl ToString) -> Self {
        ProjectionError::Undecodable {
            aggregate_type: event.aggregate_type.clone(),
            aggregate_id: event.aggregate_id.clone(),
            sequence: event.sequence,
            reason: reason.to_string(),
        }
    }
}

/// A consumer of the event stream: applies a whole batch inside the runner's transaction.
#[async_trait]
pub trait Projection: Send + Sync {
    /// Checkpoint name; also how operators refer to it.
    fn name(&self) -> &'static str;

    /// The aggregate types whose events it reads; the others are passed over unread.
    fn aggregate_types(&self) -> &'static [&'static str];

    /// Applies a batch: events of its aggregate types, in order, none of them empty. Must be
    /// idempotent per event (guard on the aggregate sequence).
    async fn apply(
        &self,
        conn: &mut PgConnection,
        events: &[StoredEvent],
    ) -> Result<(), ProjectionError>;
}

/// Wakes local runners: on NOTIFY from any replica, or when this process recorded events.
/// Also tells whoever waits on read models that a batch has been applied, by a runner of this
/// process or (through NOTIFY) of any other.
#[derive(Clone, Default)]
pub struct Wake(Arc<Notify>, Arc<Notify>);

impl Wake {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn poke(&self) {
        self.0.notify_waiters();
    }

    /// A read model moved forward (a batch was committed, here or on another replica).
    pub fn applied(&self) {
        self.1.notify_waiters();
    }

    /// Completes when a local runner next commits a batch.
    pub fn notified_applied(&self) -> tokio::sync::futures::Notified<'_> {
        self.1.notified()
    }

    /// A future that completes at the next poke; `enable` it to register interest early.
    pub fn notified(&self) -> tokio::sync::futures::Notified<'_> {
        self.0.notified()
    }

    /// Forwards Postgres notifications until shutdown: `tendlc_events` (new events) to local
    /// runners, `tendlc_applied` (a runner committed a batch) to whoever waits on read models.
    pub async fn listen(self, pool: PgPool, mut shutdown: watch::Receiver<bool>) {
        loop {
            let mut listener = match sqlx::postgres::PgListener::connect_with(&pool).await {
                Ok(listener) => listener,
                Err(error) => {
                    tracing::warn!(%error, "cannot LISTEN for new events; retrying (runners still poll)");
                    tokio::select! {
                        _ = tokio::time::sleep(Duration::from_secs(2)) => continue,
                        _ = shutdown.changed() => return,
                    }
                }
            };
            if let Err(error) = listener.listen_all([EVENTS_CHANNEL, APPLIED_CHANNEL]).await {
                tracing::warn!(%error, "LISTEN failed; retrying");
                continue;
            }
            loop {
                tokio::select! {
                    received = listener.recv() => match received {
                        Ok(notification) if notification.channel() == APPLIED_CHANNEL => self.applied(),
                        Ok(_) => self.poke(),
                        Err(error) => {
                            tracing::warn!(%error, "event notifications interrupted; reconnecting");
                            break;
                        }
                    },
                    _ = shutdown.changed() => return,
                }
            }
        }
    }
}

/// Notified (by a trigger) when events are appended.
const EVENTS_CHANNEL: &str = "tendlc_events";
/// Notified by a runner when it commits a batch (the payload names the projection).
const APPLIED_CHANNEL: &str = "tendlc_applied";

/// What one batch did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Batch {
    /// This many events were applied (possibly 0: nothing settled to read).
    Applied(usize),
    /// Another runner holds the checkpoint.
    Busy,
}

/// Runs one projection against the event stream.
pub struct ProjectionRunner {
    pool: PgPool,
    projection: Arc<dyn Projection>,
    batch_size: i64,
    idle_poll: Duration,
}

impl ProjectionRunner {
    pub fn new(pool: PgPool, projection: Arc<dyn Projection>) -> Self {
        Self {
            pool,
            projection,
            batch_size: 500,
            idle_poll: Duration::from_secs(5),
        }
    }

    pub fn name(&self) -> &'static str {
        self.projection.name()
    }

    async fn ensure_checkpoint(&self) -> Result<(), sqlx::Error> {
        sqlx::query("INSERT INTO projection_checkpoints (name) VALUES ($1) ON CONFLICT DO NOTHING")
            .bind(self.projection.name())
            .execute(&self.pool)
            .await
            .map(|_| ())
    }

    /// Applies the next batch of settled events, if this runner can take the checkpoint.
    pub async fn run_batch(&self) -> Result<Batch, ProjectionError> {
        self.ensure_checkpoint().await?;
        let mut tx = self.pool.begin().await?;
        // First statement, before this transaction holds an id of its own.
        let horizon = stream::horizon(&mut tx).await?;
        let checkpoint: Option<(String, i64)> = sqlx::query_as(
            "SELECT last_transaction_id::text, last_global_position
               FROM projection_checkpoints WHERE name = $1
                FOR UPDATE SKIP LOCKED",
        )
        .bind(self.projection.name())
        .fetch_optional(&mut *tx)
        .await?;
        let Some((transaction_id, global_position)) = checkpoint else {
            // End the transaction now: a dropped one may sit idle on a pooled connection.
            tx.rollback().await?;
            return Ok(Batch::Busy);
        };
        let after = Position {
            transaction_id,
            global_position,
        };
        let scanned = stream::read_after(
            &mut tx,
            &after,
            &horizon,
            self.batch_size,
            self.projection.aggregate_types(),
        )
        .await?;
        let Some(last) = scanned.last else {
            // Release the checkpoint lock at once (see above).
            tx.rollback().await?;
            return Ok(Batch::Applied(0));
        };
        if !scanned.events.is_empty() {
            self.projection.apply(&mut tx, &scanned.events).await?;
        }
        sqlx::query(
            "UPDATE projection_checkpoints
                SET last_transaction_id = $2::xid8, last_global_position = $3,
                    events_applied = events_applied + $4, updated_at = now()
              WHERE name = $1",
        )
        .bind(self.projection.name())
        .bind(&last.transaction_id)
        .bind(last.global_position)
        .bind(scanned.count as i64)
        .execute(&mut *tx)
        .await?;
        // Delivered at commit, to every replica waiting to read its own writes.
        sqlx::query("SELECT pg_notify($1, $2)")
            .bind(APPLIED_CHANNEL)
            .bind(self.projection.name())
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(Batch::Applied(scanned.count))
    }

    /// Events exist past the checkpoint (settled or not yet).
    async fn behind(&self) -> Result<bool, ProjectionError> {
        let mut conn = self.pool.acquire().await?;
        let position: Option<(String, i64)> = sqlx::query_as(
            "SELECT last_transaction_id::text, last_global_position FROM projection_checkpoints WHERE name = $1",
        )
        .bind(self.projection.name())
        .fetch_optional(&mut *conn)
        .await?;
        let after = position
            .map(|(transaction_id, global_position)| Position {
                transaction_id,
                global_position,
            })
            .unwrap_or_else(Position::start);
        Ok(stream::any_after(&mut conn, &after).await?)
    }

    /// Runs until shutdown: drains, then sleeps until woken or the idle poll comes round.
    pub async fn run(self, wake: Wake, mut shutdown: watch::Receiver<bool>) {
        tracing::info!(projection = self.name(), "projection runner started");
        loop {
            if *shutdown.borrow() {
                break;
            }
            // Register interest before working, so a poke during the batch is not lost.
            let woken = wake.notified();
            tokio::pin!(woken);
            woken.as_mut().enable();
            let pause = match self.run_batch().await {
                Ok(Batch::Applied(n)) if n > 0 => {
                    wake.applied();
                    continue;
                }
                Ok(Batch::Applied(_)) => match self.behind().await {
                    // Events exist but their transactions are not settled yet: look again soon.
                    Ok(true) => Duration::from_millis(25),
                    Ok(false) => self.idle_poll,
                    Err(error) => {
                        tracing::error!(projection = self.name(), %error, "projection check failed");
                        Duration::from_secs(1)
                    }
                },
                // Another replica is applying; look again soon in case it stops.
                Ok(Batch::Busy) => Duration::from_millis(500),
                Err(error) => {
                    tracing::error!(projection = self.name(), %error, "projection batch failed; will retry");
                    Duration::from_secs(1)
                }
            };
            tokio::select! {
                _ = &mut woken => {}
                _ = tokio::time::sleep(pause) => {}
                _ = shutdown.changed() => {}
            }
        }
        tracing::info!(projection = self.name(), "projection runner stopped");
    }
}
