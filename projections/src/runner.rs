//! The checkpointed projection runner.
//!
//! Each batch runs in one transaction that holds the projection's checkpoint row
//! (`FOR UPDATE SKIP LOCKED`), hands the projection the whole batch (only the events of its
//! aggregate types are read) and moves the checkpoint past every event read, so rows and
//! checkpoint never disagree and only one replica applies a given projection at a time.
//!
//! A projection that cannot apply an event stops alone, visibly: the runner narrows down to
//! the event, records it as an open failure in `projection_failures` (position, event, error,
//! since, attempts), logs it, and tries it again with a growing pause until it applies or an operator passes it
//! over (`operations`). A database hiccup is not a stuck event: it is retried with backoff.
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use sqlx::{PgConnection, PgPool};
use tokio::sync::watch;

use crate::stream::{self, Beyond, Position, StoredEvent};
use crate::wake::Wake;

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
    /// Whether trying the same events again can only fail the same way: an event the
    /// projection cannot read, or rows the database refuses (SQLSTATE class 22, a data
    /// exception; 23, a constraint; 42, a statement the schema does not fit) or that cannot be
    /// read back. A lost connection, a timeout, a deadlock or a serialization failure passes.
    pub fn is_persistent(&self) -> bool {
        match self {
            ProjectionError::Undecodable { .. } => true,
            ProjectionError::Database(sqlx::Error::Database(error)) => error
                .code()
                .is_some_and(|code| ["22", "23", "42"].iter().any(|c| code.starts_with(c))),
            ProjectionError::Database(
                sqlx::Error::ColumnDecode { .. }
                | sqlx::Error::Decode(_)
                | sqlx::Error::ColumnNotFound(_)
                | sqlx::Error::TypeNotFound { .. },
            ) => true,
            ProjectionError::Database(_) => false,
        }
    }

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

    /// Of those, the event types it reads, when it needs only some (`None`: all of them).
    fn event_types(&self) -> Option<&'static [&'static str]> {
        None
    }

    /// How long its runner lets events gather after a wake-up before reading them. Nobody
    /// waits on a consumer such as the hash chain or the mail decisions by the millisecond:
    /// reading a few registrations' events in one batch leaves the cores to the read models a
    /// request is waiting for, and costs less in all.
    fn linger(&self) -> Duration {
        Duration::ZERO
    }

    /// The tables it alone writes: what a rebuild builds anew and swaps in. Empty for a stream
    /// consumer that keeps no read model (it cannot be rebuilt).
    fn tables(&self) -> &'static [&'static str] {
        &[]
    }

    /// Applies a batch: the events it wants, in order, none of them empty. Must be
    /// idempotent per event (guard on the aggregate sequence).
    async fn apply(
        &self,
        conn: &mut PgConnection,
        events: &[StoredEvent],
    ) -> Result<(), ProjectionError>;
}

/// What one batch did.
#[derive(Debug, Clone, PartialEq)]
pub enum Batch {
    /// This many events were applied (possibly 0: nothing settled to read).
    Applied(usize),
    /// Another runner holds the checkpoint.
    Busy,
    /// The projection is stuck; its next attempt is this far off.
    Waiting(Duration),
    /// The one event of the batch cannot be applied; recorded as an open failure.
    Stuck(Stuck),
}

/// A projection that failed on its next event, as recorded.
#[derive(Debug, Clone, PartialEq)]
pub struct Stuck {
    pub position: i64,
    /// `aggregate_type/aggregate_id#sequence event_type`.
    pub event: String,
    pub error: String,
    pub attempts: i32,
    pub retry_in: Duration,
}

/// The longest pause between two attempts at an event a projection failed on.
const MAX_STUCK_PAUSE_SECS: f64 = 600.0;
/// Moves projection `$1`'s checkpoint from (`$4`, `$5`) to (`$2`, `$3`), returning how many
/// events (of any type) lie between.
pub const ADVANCE_CHECKPOINT: &str = "UPDATE projection_checkpoints c
    SET last_transaction_id = $2::xid8, last_global_position = $3,
        events_applied = c.events_applied + p.passed, updated_at = now()
   FROM (SELECT count(*) AS passed FROM events
          WHERE (transaction_id, global_position) > ($4::xid8, $5)
            AND (transaction_id, global_position) <= ($2::xid8, $3)) p
  WHERE c.name = $1
 RETURNING p.passed";

/// The longest pause after a batch failed for a reason that passes by itself.
const MAX_TRANSIENT_PAUSE: Duration = Duration::from_secs(30);

#[derive(sqlx::FromRow)]
struct Checkpoint {
    last_transaction_id: String,
    last_global_position: i64,
    /// Where the projection is stuck, if it is.
    failed_position: Option<i64>,
    /// Seconds until it tries that event again (≤ 0: now).
    wait_secs: Option<f64>,
    /// Where settled events end (see [`stream::horizon`]).
    horizon: String,
}

/// Whether operators had `projection` skip `event` (recorded on the live side, `public`, also
/// when a rebuild's connection puts its own schema first).
async fn skipped_by_operator(
    conn: &mut PgConnection,
    projection: &str,
    event: &StoredEvent,
) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM public.projection_failures
                         WHERE projection = $1 AND global_position = $2
                           AND transaction_id = $3::xid8 AND resolution = 'skipped')",
    )
    .bind(projection)
    .bind(event.global_position)
    .bind(&event.transaction_id)
    .fetch_one(conn)
    .await
}

/// Runs one projection against the event stream.
pub struct ProjectionRunner {
    pool: PgPool,
    projection: Arc<dyn Projection>,
    batch_size: i64,
    idle_poll: Duration,
    /// Read no further than this (a rebuild catching up to where the live tables stand).
    until: Option<Position>,
    /// Its checkpoint row is known to exist (no need to create it before a batch).
    checkpoint_exists: AtomicBool,
}

impl ProjectionRunner {
    pub fn new(pool: PgPool, projection: Arc<dyn Projection>) -> Self {
        Self {
            pool,
            projection,
            batch_size: 2000,
            idle_poll: Duration::from_secs(5),
            until: None,
            checkpoint_exists: AtomicBool::new(false),
        }
    }

    /// Events per batch (one transaction each).
    pub fn with_batch_size(mut self, batch_size: i64) -> Self {
        self.batch_size = batch_size.max(1);
        self
    }

    /// Stops at `until`: batches read no event after it.
    pub fn until(mut self, until: Option<Position>) -> Self {
        self.until = until;
        self
    }

    /// The same runner, one event per batch (to find the event a batch cannot apply).
    pub fn one_at_a_time(&self) -> ProjectionRunner {
        ProjectionRunner {
            pool: self.pool.clone(),
            projection: self.projection.clone(),
            batch_size: 1,
            idle_poll: self.idle_poll,
            until: self.until.clone(),
            checkpoint_exists: AtomicBool::new(false),
        }
    }

    /// Where the checkpoint stands (the start, if it has none yet).
    pub async fn position(&self) -> Result<Position, sqlx::Error> {
        let position: Option<(String, i64)> = sqlx::query_as(
            "SELECT last_transaction_id::text, last_global_position FROM projection_checkpoints WHERE name = $1",
        )
        .bind(self.projection.name())
        .fetch_optional(&self.pool)
        .await?;
        Ok(position
            .map(|(transaction_id, global_position)| Position {
                transaction_id,
                global_position,
            })
            .unwrap_or_else(Position::start))
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
        Ok(self.run_batch_of(self.batch_size).await?.0)
    }

    /// Applies up to `limit` settled events it wants (passing over any number of others), and
    /// says what lies beyond them. When the batch is a single event the projection cannot
    /// apply, the failure is recorded (holding the checkpoint) instead of returned.
    async fn run_batch_of(&self, limit: i64) -> Result<(Batch, Beyond), ProjectionError> {
        if !self.checkpoint_exists.load(Ordering::Relaxed) {
            self.ensure_checkpoint().await?;
            self.checkpoint_exists.store(true, Ordering::Relaxed);
        }
        let mut tx = stream::begin_reader(&self.pool).await?;
        // The checkpoint, and the horizon read with it: as of this statement's start, before
        // its lock gives the transaction an id of its own.
        let checkpoint: Option<Checkpoint> = sqlx::query_as(&format!(
            "SELECT c.last_transaction_id::text AS last_transaction_id, c.last_global_position,
                    f.global_position AS failed_position,
                    EXTRACT(epoch FROM f.next_attempt_at - now())::float8 AS wait_secs,
                    {} AS horizon
               FROM projection_checkpoints c
               LEFT JOIN projection_failures f ON f.projection = c.name AND f.resolved_at IS NULL
              WHERE c.name = $1
                FOR UPDATE OF c SKIP LOCKED",
            stream::HORIZON
        ))
        .bind(self.projection.name())
        .fetch_optional(&mut *tx)
        .await?;
        let Some(checkpoint) = checkpoint else {
            // End the transaction now: a dropped one may sit idle on a pooled connection.
            tx.rollback().await?;
            // Held by another runner, or gone (an operator removed it): make sure next time.
            self.checkpoint_exists.store(false, Ordering::Relaxed);
            return Ok((Batch::Busy, Beyond::Nothing));
        };
        let horizon = checkpoint.horizon;
        if let Some(wait) = checkpoint.wait_secs.filter(|w| *w > 0.0) {
            tx.rollback().await?;
            return Ok((
                Batch::Waiting(Duration::from_secs_f64(wait)),
                Beyond::Nothing,
            ));
        }
        let after = Position {
            transaction_id: checkpoint.last_transaction_id,
            global_position: checkpoint.last_global_position,
        };
        let scanned = stream::read_after(
            &mut tx,
            &after,
            Some(&horizon),
            limit,
            stream::Wanted {
                aggregate_types: self.projection.aggregate_types(),
                event_types: self.projection.event_types(),
            },
            self.until.as_ref(),
        )
        .await?;
        let Some(last) = scanned.last else {
            // Release the checkpoint lock at once (see above).
            tx.rollback().await?;
            return Ok((Batch::Applied(0), scanned.beyond));
        };
        if scanned.events.len() > 1 {
            // A batch that fails is given up whole (the runner then narrows down to the event,
            // one at a time): nothing to keep, so no savepoint.
            if let Err(error) = self.projection.apply(&mut tx, &scanned.events).await {
                // Ended here rather than when dropped, so the connection goes back clean.
                let _ = tx.rollback().await;
                return Err(error);
            }
        } else if !scanned.events.is_empty() {
            // A savepoint, so a failure can still be recorded under the checkpoint's lock.
            let mut attempt = sqlx::Acquire::begin(&mut *tx).await?;
            match self.projection.apply(&mut attempt, &scanned.events).await {
                Ok(()) => attempt.commit().await?,
                Err(error) if error.is_persistent() => {
                    attempt.rollback().await?;
                    let event = &scanned.events[0];
                    if skipped_by_operator(&mut tx, self.name(), event).await? {
                        // A rebuild meets the event the live projection was told to pass over:
                        // the same decision holds, so the rebuilt tables equal the live ones.
                        tracing::info!(
                            projection = self.name(),
                            position = event.global_position,
                            "passing over an event operators had {} skip",
                            self.name()
                        );
                    } else {
                        // Pass the events before it that this projection does not read, so the
                        // failed event is the next one after the checkpoint (what a skip checks).
                        let before: Option<(String, i64)> = sqlx::query_as(
                            "SELECT transaction_id::text, global_position FROM events
                              WHERE (transaction_id, global_position) > ($1::xid8, $2)
                                AND (transaction_id, global_position) < ($3::xid8, $4)
                              ORDER BY transaction_id DESC, global_position DESC
                              LIMIT 1",
                        )
                        .bind(&after.transaction_id)
                        .bind(after.global_position)
                        .bind(&event.transaction_id)
                        .bind(event.global_position)
                        .fetch_optional(&mut *tx)
                        .await?;
                        if let Some((transaction_id, global_position)) = before {
                            let before = Position {
                                transaction_id,
                                global_position,
                            };
                            self.advance_checkpoint(&mut tx, &after, &before).await?;
                        }
                        let stuck = self.record_failure(&mut tx, event, &error).await?;
                        tx.commit().await?;
                        return Ok((Batch::Stuck(stuck), scanned.beyond));
                    }
                }
                Err(error) => return Err(error),
            }
        }
        let passed = self.advance_checkpoint(&mut tx, &after, &last).await?;
        if let Some(position) = checkpoint.failed_position {
            sqlx::query(
                "UPDATE projection_failures SET resolved_at = now(), resolution = 'applied'
                  WHERE projection = $1 AND resolved_at IS NULL",
            )
            .bind(self.projection.name())
            .execute(&mut *tx)
            .await?;
            tracing::info!(
                projection = self.name(),
                position,
                "projection {} applied the event it was stuck at; it is running again",
                self.name()
            );
        }
        tx.commit().await?;
        Ok((Batch::Applied(passed as usize), scanned.beyond))
    }

    /// Moves the checkpoint from `from` to `to`; how many events (of any type) lie between,
    /// counted on the index as it moves.
    async fn advance_checkpoint(
        &self,
        conn: &mut PgConnection,
        from: &Position,
        to: &Position,
    ) -> Result<i64, sqlx::Error> {
        sqlx::query_scalar(ADVANCE_CHECKPOINT)
            .bind(self.projection.name())
            .bind(&to.transaction_id)
            .bind(to.global_position)
            .bind(&from.transaction_id)
            .bind(from.global_position)
            .fetch_one(conn)
            .await
    }

    /// Records (or counts again) the event the projection cannot apply, and when to try it
    /// again: 1 s after the first failure, doubling, at most every 10 minutes.
    async fn record_failure(
        &self,
        conn: &mut PgConnection,
        event: &StoredEvent,
        error: &ProjectionError,
    ) -> Result<Stuck, sqlx::Error> {
        let error = error.to_string();
        let (attempts, wait_secs): (i32, f64) = sqlx::query_as(
            "INSERT INTO projection_failures AS f
                    (projection, global_position, transaction_id, aggregate_type, aggregate_id,
                     sequence, event_type, error, next_attempt_at)
             VALUES ($1, $2, $3::xid8, $4, $5, $6, $7, $8, now() + interval '1 second')
             ON CONFLICT (projection) WHERE resolved_at IS NULL DO UPDATE SET
                    attempts = CASE WHEN f.global_position = EXCLUDED.global_position
                                    THEN f.attempts + 1 ELSE 1 END,
                    since = CASE WHEN f.global_position = EXCLUDED.global_position
                                 THEN f.since ELSE now() END,
                    next_attempt_at = now() + make_interval(secs => least($9,
                        power(2, CASE WHEN f.global_position = EXCLUDED.global_position
                                      THEN least(f.attempts, 20) ELSE 0 END))),
                    global_position = EXCLUDED.global_position,
                    transaction_id = EXCLUDED.transaction_id,
                    aggregate_type = EXCLUDED.aggregate_type,
                    aggregate_id = EXCLUDED.aggregate_id,
                    sequence = EXCLUDED.sequence,
                    event_type = EXCLUDED.event_type,
                    error = EXCLUDED.error
             RETURNING attempts, EXTRACT(epoch FROM next_attempt_at - now())::float8",
        )
        .bind(self.projection.name())
        .bind(event.global_position)
        .bind(&event.transaction_id)
        .bind(&event.aggregate_type)
        .bind(&event.aggregate_id)
        .bind(event.sequence)
        .bind(&event.event_type)
        .bind(&error)
        .bind(MAX_STUCK_PAUSE_SECS)
        .fetch_one(conn)
        .await?;
        Ok(Stuck {
            position: event.global_position,
            event: format!(
                "{}/{}#{} {}",
                event.aggregate_type, event.aggregate_id, event.sequence, event.event_type
            ),
            error,
            attempts,
            retry_in: Duration::from_secs_f64(wait_secs.max(0.0)),
        })
    }

    /// Runs until shutdown: drains, then sleeps until woken or the idle poll comes round.
    pub async fn run(self, wake: Wake, mut shutdown: watch::Receiver<bool>) {
        tracing::info!(projection = self.name(), "projection runner started");
        let wake_up = wake.reader(self.projection.aggregate_types());
        // Single-event batches left to find the event a batch could not apply.
        let mut narrow: usize = 0;
        // Batches failed in a row for reasons that pass by themselves.
        let mut transient: u32 = 0;
        loop {
            if *shutdown.borrow() {
                break;
            }
            // Register interest before working, so a poke during the batch is not lost.
            let woken = wake_up.notified();
            tokio::pin!(woken);
            woken.as_mut().enable();
            let limit = if narrow > 0 { 1 } else { self.batch_size };
            let outcome = self.run_batch_of(limit).await;
            if outcome.is_ok() {
                transient = 0;
            }
            let pause = match outcome {
                Ok((Batch::Applied(n), beyond)) => {
                    if n > 0 {
                        narrow = narrow.saturating_sub(n);
                        // Here at once, other replicas after (not a NOTIFY in the batch, which
                        // would make runners' commits wait for each other's flush).
                        wake.applied_here(self.projection.name());
                    }
                    match beyond {
                        Beyond::More => continue,
                        // Not settled yet: look again soon (their appends' wake-ups may
                        // already have come, as the batch ran).
                        Beyond::Unsettled => stream::UNSETTLED_RECHECK,
                        Beyond::Nothing => self.idle_poll,
                    }
                }
                // Another replica is applying; look again soon in case it stops.
                Ok((Batch::Busy, _)) => Duration::from_millis(500),
                // Stuck: an operator's retry (which pokes every runner) may come first.
                Ok((Batch::Waiting(wait), _)) => wait.min(self.idle_poll),
                Ok((Batch::Stuck(stuck), _)) => {
                    tracing::error!(
                        projection = self.name(),
                        position = stuck.position,
                        event = %stuck.event,
                        attempts = stuck.attempts,
                        retry_in_secs = stuck.retry_in.as_secs_f64(),
                        error = %stuck.error,
                        "projection {name} is stuck: it cannot apply the event at position {position} \
                         and stops there alone (the other projections and the workers go on). \
                         After a fix run `tendlc projections retry {name}`; to pass over the event \
                         run `tendlc projections skip {name} --position {position} --reason ...`",
                        name = self.name(),
                        position = stuck.position,
                    );
                    stuck.retry_in.min(self.idle_poll)
                }
                Err(error) if error.is_persistent() && limit > 1 => {
                    tracing::warn!(projection = self.name(), %error, "a batch cannot be applied; applying one event at a time to find the event");
                    narrow = self.batch_size as usize;
                    continue;
                }
                Err(error) => {
                    transient += 1;
                    let pause = (Duration::from_secs(1) * 2u32.pow(transient.min(6) - 1))
                        .min(MAX_TRANSIENT_PAUSE);
                    tracing::error!(projection = self.name(), %error, attempts = transient, retry_in_secs = pause.as_secs(), "projection batch failed; will retry");
                    pause
                }
            };
            let was_woken = tokio::select! {
                _ = &mut woken => true,
                _ = tokio::time::sleep(pause) => false,
                _ = shutdown.changed() => false,
            };
            let linger = self.projection.linger();
            if was_woken && !linger.is_zero() {
                tokio::select! {
                    _ = tokio::time::sleep(linger) => {}
                    _ = shutdown.changed() => {}
                }
            }
        }
        tracing::info!(projection = self.name(), "projection runner stopped");
    }
}

#[cfg(test)]
mod tests {
    use super::ProjectionError;

    #[test]
    fn an_event_that_cannot_be_read_will_not_pass_by_itself() {
        let error = ProjectionError::Undecodable {
            aggregate_type: "Brand".into(),
            aggregate_id: "b".into(),
            sequence: 1,
            reason: "unknown variant".into(),
        };
        assert!(error.is_persistent());
    }

    #[test]
    fn a_lost_connection_or_a_busy_pool_passes_by_itself() {
        assert!(!ProjectionError::Database(sqlx::Error::PoolTimedOut).is_persistent());
        assert!(!ProjectionError::Database(sqlx::Error::PoolClosed).is_persistent());
        let io = std::io::Error::new(std::io::ErrorKind::ConnectionReset, "reset");
        assert!(!ProjectionError::Database(sqlx::Error::Io(io)).is_persistent());
    }
}
