//! The event store (postgres-es): deciding a command against an aggregate's events and
//! appending what it decided, and loading an aggregate's current state.
//!
//! No cqrs-es queries are registered: their dispatch is after-commit and lost on a crash, so
//! read models are built by the projection runners from the ordered event stream instead.
use std::collections::HashMap;

use cqrs_es::event_sink::EventSink;
use cqrs_es::persist::SerializedEvent;
use cqrs_es::{Aggregate, AggregateError, DomainEvent, EventEnvelope};
use sqlx::PgPool;

pub mod snapshots;

/// What one command left behind: the aggregate's state after it, the sequence of its last
/// event, and how many events the command appended (0: it changed nothing).
#[derive(Debug, Clone)]
pub struct Recorded<A> {
    pub state: A,
    pub sequence: usize,
    pub appended: usize,
}

impl<A> Recorded<A> {
    pub fn changed(&self) -> bool {
        self.appended > 0
    }
}

/// Loads the aggregate once, decides `command` against it and appends the events it decided
/// (optimistically: `AggregateConflict` when another writer appended first; decide again).
pub async fn execute<A>(
    pool: &PgPool,
    aggregate_id: &str,
    command: A::Command,
    metadata: HashMap<String, String>,
) -> Result<Recorded<A>, AggregateError<A::Error>>
where
    A: Aggregate<Services = ()> + Clone,
{
    let (state, sequence) = load::<A>(pool, aggregate_id).await?;
    execute_on(pool, aggregate_id, state, sequence, command, &metadata).await
}

/// Decides `command` against a state the caller already holds (the aggregate as it stood at
/// `sequence`: after its last command, or new at 0) and appends what it decided in one
/// statement: no load, no transaction of its own. The aggregate's key keeps a second writer
/// out: `AggregateConflict` when anything was appended after `sequence` (then load and decide
/// again, [`execute`]).
pub async fn execute_on<A>(
    pool: &PgPool,
    aggregate_id: &str,
    mut state: A,
    sequence: usize,
    command: A::Command,
    metadata: &HashMap<String, String>,
) -> Result<Recorded<A>, AggregateError<A::Error>>
where
    A: Aggregate<Services = ()> + Clone,
{
    let sink = EventSink::default();
    state
        .handle(command, &(), &sink)
        .await
        .map_err(AggregateError::UserError)?;
    let events = sink.collect().await;
    let appended = events.len();
    if appended > 0 {
        append::<A>(pool, aggregate_id, sequence, &events, metadata).await?;
    }
    Ok(Recorded {
        state,
        sequence: sequence + appended,
        appended,
    })
}

/// Inserts events after `sequence`, in order, in one statement (atomic on its own), as
/// postgres-es writes them: payload and metadata as JSON.
async fn append<A: Aggregate>(
    pool: &PgPool,
    aggregate_id: &str,
    sequence: usize,
    events: &[A::Event],
    metadata: &HashMap<String, String>,
) -> Result<(), AggregateError<A::Error>> {
    let unexpected = |e: serde_json::Error| AggregateError::UnexpectedError(Box::new(e));
    let metadata = serde_json::to_value(metadata).map_err(unexpected)?;
    let payloads = events
        .iter()
        .map(serde_json::to_value)
        .collect::<Result<Vec<_>, _>>()
        .map_err(unexpected)?;
    let sequences: Vec<i64> = (1..=events.len() as i64)
        .map(|n| sequence as i64 + n)
        .collect();
    let result = sqlx::query(
        "INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type, event_version,
                             payload, metadata)
         SELECT $1, $2, s, t, v, p, $7
           FROM UNNEST($3::int8[], $4::text[], $5::text[], $6::jsonb[]) AS e(s, t, v, p)
          ORDER BY s",
    )
    .bind(A::TYPE)
    .bind(aggregate_id)
    .bind(&sequences)
    .bind(events.iter().map(|e| e.event_type()).collect::<Vec<_>>())
    .bind(events.iter().map(|e| e.event_version()).collect::<Vec<_>>())
    .bind(&payloads)
    .bind(&metadata)
    .execute(pool)
    .await;
    match result {
        Ok(_) => Ok(()),
        Err(sqlx::Error::Database(error)) if error.is_unique_violation() => {
            Err(AggregateError::AggregateConflict)
        }
        Err(error) => Err(AggregateError::DatabaseConnectionError(Box::new(error))),
    }
}

/// The current state of one aggregate with its last sequence number (0 when it has no events):
/// the last snapshot this code stored, plus the events after it.
pub async fn load<A>(
    pool: &PgPool,
    aggregate_id: &str,
) -> Result<(A, usize), AggregateError<A::Error>>
where
    A: Aggregate,
{
    let (mut state, mut sequence) = snapshots::read::<A>(pool, aggregate_id)
        .await
        .unwrap_or_default();
    let events = events_after::<A>(pool, aggregate_id, sequence).await?;
    let replayed = events.len();
    let upcasters = tendlc_domain::upcasters::all();
    for event in events {
        let event = upcasters.iter().fold(event, |event, upcaster| {
            if upcaster.can_upcast(&event.event_type, &event.event_version) {
                upcaster.upcast(event)
            } else {
                event
            }
        });
        let envelope = EventEnvelope::<A>::try_from(event)?;
        sequence = envelope.sequence;
        state.apply(envelope.payload);
    }
    if replayed >= snapshots::AFTER_EVENTS {
        snapshots::store(pool, aggregate_id, &state, sequence).await;
    }
    Ok((state, sequence))
}

/// The aggregate's events after `sequence`, in order, as stored.
async fn events_after<A: Aggregate>(
    pool: &PgPool,
    aggregate_id: &str,
    sequence: usize,
) -> Result<Vec<SerializedEvent>, AggregateError<A::Error>> {
    let rows: Vec<(i64, String, String, serde_json::Value, serde_json::Value)> = sqlx::query_as(
        "SELECT sequence, event_type, event_version, payload, metadata
           FROM events
          WHERE aggregate_type = $1 AND aggregate_id = $2 AND sequence > $3
          ORDER BY sequence",
    )
    .bind(A::TYPE)
    .bind(aggregate_id)
    .bind(sequence as i64)
    .fetch_all(pool)
    .await
    .map_err(|error| AggregateError::DatabaseConnectionError(Box::new(error)))?;
    Ok(rows
        .into_iter()
        .map(|(sequence, event_type, event_version, payload, metadata)| {
            SerializedEvent::new(
                aggregate_id.to_string(),
                sequence as usize,
                A::TYPE.to_string(),
                event_type,
                event_version,
                payload,
                metadata,
            )
        })
        .collect())
}
