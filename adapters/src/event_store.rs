//! cqrs-es over postgres-es: executing commands and loading aggregates.
use std::sync::Arc;

use cqrs_es::persist::PersistedEventStore;
use cqrs_es::{Aggregate, EventStore};
use postgres_es::{PostgresCqrs, PostgresEventRepository};
use sqlx::PgPool;

/// A command bus for one aggregate type. No cqrs-es queries: its dispatch is after-commit and
/// lost on a crash, so read models are built by the projection runners instead.
pub fn cqrs<A>(pool: PgPool) -> Arc<PostgresCqrs<A>>
where
    A: Aggregate<Services = ()>,
{
    Arc::new(postgres_es::postgres_cqrs(pool, vec![], ()))
}

/// The current state of one aggregate, rebuilt from its events, with its last sequence number
/// (0 when it has no events).
pub async fn load<A>(
    pool: &PgPool,
    aggregate_id: &str,
) -> Result<(A, usize), cqrs_es::AggregateError<A::Error>>
where
    A: Aggregate,
{
    let store: PersistedEventStore<PostgresEventRepository, A> =
        PersistedEventStore::new_event_store(PostgresEventRepository::new(pool.clone()));
    let context = store.load_aggregate(aggregate_id).await?;
    Ok((context.aggregate, context.current_sequence))
}

/// Executes a command, retrying when another writer appended to the same aggregate first
/// (optimistic concurrency): the command is decided again against the newer state.
pub async fn execute<A>(
    cqrs: &PostgresCqrs<A>,
    aggregate_id: &str,
    command: A::Command,
    metadata: std::collections::HashMap<String, String>,
) -> Result<(), cqrs_es::AggregateError<A::Error>>
where
    A: Aggregate,
    A::Command: Clone,
{
    const ATTEMPTS: u32 = 5;
    let mut attempt = 1;
    loop {
        match cqrs
            .execute_with_metadata(aggregate_id, command.clone(), metadata.clone())
            .await
        {
            Err(cqrs_es::AggregateError::AggregateConflict) if attempt < ATTEMPTS => {
                attempt += 1;
                tokio::time::sleep(std::time::Duration::from_millis(5 * u64::from(attempt))).await;
            }
            other => return other,
        }
    }
}
