//! The one projection style: a read model is a fold of an aggregate's events over rows the
//! projection owns.
//!
//! [`Fold`] is the pure part — the rows an aggregate's first event creates and how each later
//! event changes them, tested without a database. [`Rows`] is the IO around it — load the rows
//! of many aggregates in one query per table, write the changed ones back in one statement per
//! table. [`Folding`] runs a batch: loads what the batch touches, folds every event in memory
//! (skipping those the rows already reflect), writes back.
use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};
use std::hash::Hash;
use std::marker::PhantomData;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::de::DeserializeOwned;
use sqlx::postgres::PgRow;
use sqlx::PgConnection;
use tendlc_domain::metadata::Source;
use uuid::Uuid;

use crate::columns::{select_in, upsert, Table};
use crate::runner::{Projection, ProjectionError};
use crate::stream::StoredEvent;

/// What a fold knows of an event besides its payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventContext {
    /// The event's place in its aggregate.
    pub sequence: i64,
    pub recorded_at: DateTime<Utc>,
    /// Through which door the command came (`api` when the metadata does not say).
    pub source: Source,
}

impl EventContext {
    fn of(event: &StoredEvent) -> Result<EventContext, ProjectionError> {
        let source = match event.meta("source") {
            None => Source::Api,
            Some(text) => serde_json::from_value(text.into())
                .map_err(|e| ProjectionError::undecodable(event, e))?,
        };
        Ok(EventContext {
            sequence: event.sequence,
            recorded_at: event.recorded_at,
            source,
        })
    }
}

/// An aggregate id as the event store spells it.
pub trait AggregateId: Clone + Eq + Hash + Send + Sync {
    fn parse(text: &str) -> Result<Self, String>;
}

impl AggregateId for Uuid {
    fn parse(text: &str) -> Result<Self, String> {
        Uuid::parse_str(text).map_err(|e| e.to_string())
    }
}

impl AggregateId for String {
    fn parse(text: &str) -> Result<Self, String> {
        Ok(text.to_string())
    }
}

/// The rows of one aggregate, advanced by its events: pure and synchronous.
pub trait Fold: Sized {
    type Id: AggregateId;
    type Event: DeserializeOwned + Send + Sync;

    /// The rows the aggregate's first event creates; an error (why not) for any other event.
    fn start(id: &Self::Id, event: &Self::Event, at: &EventContext) -> Result<Self, String>;

    /// Applies a later event.
    fn apply(&mut self, event: &Self::Event, at: &EventContext);

    /// The last event the rows reflect.
    fn last_sequence(&self) -> i64;
}

/// Where a [`Fold`]'s rows live.
#[async_trait]
pub trait Rows: Fold + Send + Sync {
    /// The projection's name (its checkpoint).
    const PROJECTION: &'static str;
    /// The aggregate type whose events the rows fold.
    const AGGREGATE_TYPE: &'static str;
    /// The tables the rows live in, parents before children.
    const TABLES: &'static [&'static str];

    fn id(&self) -> Self::Id;

    /// The rows of these aggregates (those that have any), in one query per table.
    async fn load(conn: &mut PgConnection, ids: &[Self::Id]) -> Result<Vec<Self>, sqlx::Error>;

    /// Writes these aggregates' rows back, in one statement per table.
    async fn store(conn: &mut PgConnection, changed: &[&Self]) -> Result<(), sqlx::Error>;

    /// Writes the rows of aggregates that had none before this batch (nothing to replace; a
    /// rebuild's every row): as [`Rows::store`] unless the rows have a cheaper way in.
    async fn store_new(conn: &mut PgConnection, started: &[&Self]) -> Result<(), sqlx::Error> {
        Self::store(conn, started).await
    }
}

/// A projection that folds batches of events over `R`.
pub struct Folding<R>(PhantomData<fn() -> R>);

impl<R> Folding<R> {
    pub const fn new() -> Self {
        Self(PhantomData)
    }
}

impl<R> Default for Folding<R> {
    fn default() -> Self {
        Self::new()
    }
}

/// Folds `events` (in order) over `rows`, starting rows for aggregates that have none, and
/// skipping events the rows already reflect. Returns the ids of the rows that changed, in the
/// order they first changed; or the index of an event that cannot start rows, and why.
pub fn fold_all<R: Fold>(
    rows: &mut HashMap<R::Id, R>,
    events: &[(R::Id, R::Event, EventContext)],
) -> Result<Vec<R::Id>, (usize, String)> {
    let mut changed = Vec::new();
    let mut seen = HashSet::new();
    for (n, (id, event, at)) in events.iter().enumerate() {
        match rows.entry(id.clone()) {
            Entry::Occupied(mut entry) => {
                if at.sequence <= entry.get().last_sequence() {
                    continue;
                }
                entry.get_mut().apply(event, at);
            }
            Entry::Vacant(entry) => {
                entry.insert(R::start(id, event, at).map_err(|reason| (n, reason))?);
            }
        }
        if seen.insert(id.clone()) {
            changed.push(id.clone());
        }
    }
    Ok(changed)
}

#[async_trait]
impl<R: Rows + 'static> Projection for Folding<R> {
    fn name(&self) -> &'static str {
        R::PROJECTION
    }

    fn aggregate_types(&self) -> &'static [&'static str] {
        std::slice::from_ref(&R::AGGREGATE_TYPE)
    }

    fn tables(&self) -> &'static [&'static str] {
        R::TABLES
    }

    async fn apply(
        &self,
        conn: &mut PgConnection,
        events: &[StoredEvent],
    ) -> Result<(), ProjectionError> {
        let events: Vec<&StoredEvent> = events
            .iter()
            .filter(|e| e.aggregate_type == R::AGGREGATE_TYPE)
            .collect();
        let mut decoded = Vec::with_capacity(events.len());
        for event in &events {
            let id = R::Id::parse(&event.aggregate_id)
                .map_err(|e| ProjectionError::undecodable(event, e))?;
            let payload = event
                .decode::<R::Event>()
                .map_err(|e| ProjectionError::undecodable(event, e))?;
            decoded.push((id, payload, EventContext::of(event)?));
        }
        if decoded.is_empty() {
            return Ok(());
        }
        let ids: Vec<R::Id> = decoded
            .iter()
            .map(|(id, _, _)| id.clone())
            .collect::<HashSet<_>>()
            .into_iter()
            .collect();
        let mut rows: HashMap<R::Id, R> = R::load(conn, &ids)
            .await?
            .into_iter()
            .map(|rows| (rows.id(), rows))
            .collect();
        let loaded: HashSet<R::Id> = rows.keys().cloned().collect();
        let changed = fold_all(&mut rows, &decoded)
            .map_err(|(n, reason)| ProjectionError::undecodable(events[n], reason))?;
        let (existing, started): (Vec<&R::Id>, Vec<&R::Id>) =
            changed.iter().partition(|id| loaded.contains(*id));
        let existing: Vec<&R> = existing.iter().filter_map(|id| rows.get(*id)).collect();
        let started: Vec<&R> = started.iter().filter_map(|id| rows.get(*id)).collect();
        R::store(conn, &existing).await?;
        R::store_new(conn, &started).await?;
        Ok(())
    }
}

/// Loads rows that own child rows (a brand and its vettings, a campaign and its carriers),
/// both tables keyed by the aggregate id in `column`: two queries for any number of aggregates.
pub async fn load_with_children<P, C, R>(
    conn: &mut PgConnection,
    column: &str,
    ids: &[Uuid],
    parent_id: fn(&P) -> Uuid,
    child_id: fn(&C) -> Uuid,
    assemble: fn(P, Vec<C>) -> R,
) -> Result<Vec<R>, sqlx::Error>
where
    P: Table + for<'r> sqlx::FromRow<'r, PgRow> + Send + Unpin,
    C: Table + for<'r> sqlx::FromRow<'r, PgRow> + Send + Unpin,
{
    let mut children: HashMap<Uuid, Vec<C>> = HashMap::new();
    for child in select_in::<C, Uuid>(conn, column, ids).await? {
        children.entry(child_id(&child)).or_default().push(child);
    }
    let parents = select_in::<P, Uuid>(conn, column, ids).await?;
    Ok(parents
        .into_iter()
        .map(|parent| {
            let children = children.remove(&parent_id(&parent)).unwrap_or_default();
            assemble(parent, children)
        })
        .collect())
}

/// Writes rows that own child rows back: one statement for the parents, one for the children.
pub async fn store_with_children<P: Table + Sync, C: Table + Sync>(
    conn: &mut PgConnection,
    families: Vec<(&P, &[C])>,
) -> Result<(), sqlx::Error> {
    let (parents, children): (Vec<&P>, Vec<&[C]>) = families.into_iter().unzip();
    let children: Vec<&C> = children.into_iter().flatten().collect();
    upsert(conn, &parents).await?;
    upsert(conn, &children).await
}

/// Declares the rows of a read model made of one row per aggregate and the rows that belong to
/// it (a brand and its vettings, a campaign and its carriers), both tables keying the
/// aggregate by the same column, with their [`Rows`] impl.
#[macro_export]
macro_rules! family {
    (
        $(#[$meta:meta])*
        $name:ident { $parent:ident: $parent_ty:ty, $children:ident: Vec<$child_ty:ty> }
        keyed by $id:ident, projection $projection:literal, aggregate $aggregate:literal
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq)]
        pub struct $name {
            pub $parent: $parent_ty,
            pub $children: Vec<$child_ty>,
        }

        #[async_trait::async_trait]
        impl $crate::fold::Rows for $name {
            const PROJECTION: &'static str = $projection;
            const AGGREGATE_TYPE: &'static str = $aggregate;
            const TABLES: &'static [&'static str] = &[
                <$parent_ty as $crate::columns::Table>::TABLE,
                <$child_ty as $crate::columns::Table>::TABLE,
            ];

            fn id(&self) -> uuid::Uuid {
                self.$parent.$id
            }

            async fn load(
                conn: &mut sqlx::PgConnection,
                ids: &[uuid::Uuid],
            ) -> Result<Vec<Self>, sqlx::Error> {
                $crate::fold::load_with_children(
                    conn,
                    stringify!($id),
                    ids,
                    |parent: &$parent_ty| parent.$id,
                    |child: &$child_ty| child.$id,
                    |$parent, $children| $name { $parent, $children },
                )
                .await
            }

            async fn store(
                conn: &mut sqlx::PgConnection,
                changed: &[&Self],
            ) -> Result<(), sqlx::Error> {
                let families = changed
                    .iter()
                    .map(|rows| (&rows.$parent, rows.$children.as_slice()))
                    .collect();
                $crate::fold::store_with_children(conn, families).await
            }
        }
    };
}

/// Given/when/then helpers for fold tests: events in, rows out, no database.
#[cfg(test)]
pub(crate) mod testing {
    use super::*;

    /// The context of the `sequence`th event of an aggregate, recorded a second after the last.
    pub fn at(sequence: i64) -> EventContext {
        EventContext {
            sequence,
            recorded_at: DateTime::from_timestamp(1_700_000_000 + sequence, 0).unwrap(),
            source: Source::Api,
        }
    }

    /// The rows `events` (sequences 1, 2, …) build for aggregate `id`.
    pub fn given<R: Fold>(id: R::Id, events: Vec<R::Event>) -> R {
        let events: Vec<_> = events
            .into_iter()
            .enumerate()
            .map(|(n, event)| (id.clone(), event, at(n as i64 + 1)))
            .collect();
        let mut rows = HashMap::new();
        if let Err((n, reason)) = fold_all::<R>(&mut rows, &events) {
            panic!("event {} does not fold: {reason}", n + 1);
        }
        rows.remove(&id).expect("the events make rows")
    }
}
