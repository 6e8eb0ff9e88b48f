//! cqrs-es over postgres-es: executing commands and loading aggregates.
use std::sync::Arc;

use cqrs_es::persist::PersistedEventStore;
use cqrs_es::{Aggregate, EventStore, Query};
use postgres_es::{PostgresCqrs, PostgresEventRepository};
use sqlx::PgPool;

/// A command bus for one aggregate type. Read models are not updated here (cqrs-es
/// dispatch is after-commit and lost on a crash); `queries` may only poke runners awake.
pub fn cqrs<A>(pool: PgPool, queries: Vec<Box<dyn Query<A>>>) -> Arc<PostgresCqrs<A>>
where
    A: Aggregate<Services = ()>,
{
    Arc::new(postgres_es::postgres_cqrs(pool, queries, ()))
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
