//! Rebuilding read models from scratch (`tendlc_projections::rebuild`), beside an ordered read
//! of the same events.
use std::sync::Arc;
use std::time::Instant;

use chrono::{DateTime, Utc};
use futures::TryStreamExt;
use serde_json::value::RawValue;
use serde_json::Value;
use sqlx::types::Json;
use sqlx::PgPool;
use tendlc_projections::rebuild::Rebuild;
use tendlc_projections::Projection;

/// Events per rebuild transaction (`tendlc rebuild`'s default).
const BATCH: i64 = 5000;

/// One rebuild, and the ordered read of the same events.
#[derive(Debug, Clone)]
pub struct Timed {
    /// Events the rebuild read (each projection reads the whole stream).
    pub events: i64,
    pub seconds: f64,
    /// Events the raw read returned, and how long it took.
    pub raw_events: i64,
    pub raw_seconds: f64,
    /// Switching the rebuilt tables in (compare and swap), not part of `seconds`.
    pub switch_seconds: f64,
    /// Rows of each rebuilt table after the switch.
    pub rows: Vec<(&'static str, i64)>,
}

/// The stream consumers `serve` runs, placed at the head of the seeded stream as if `serve`
/// had kept up with it: the live read models are then empty and every row a rebuild makes is
/// its own, and `serve` starts with nothing to catch up on (the loads measure the loads).
pub async fn place_consumers_at_head(
    pool: &PgPool,
    names: impl IntoIterator<Item = &'static str>,
) -> anyhow::Result<()> {
    for name in names {
        sqlx::query(
            "INSERT INTO projection_checkpoints (name, last_transaction_id, last_global_position)
             SELECT $1, transaction_id, global_position FROM events
              ORDER BY transaction_id DESC, global_position DESC LIMIT 1
             ON CONFLICT (name) DO UPDATE
                SET last_transaction_id = EXCLUDED.last_transaction_id,
                    last_global_position = EXCLUDED.last_global_position",
        )
        .bind(name)
        .execute(pool)
        .await?;
    }
    Ok(())
}

/// Waits (at most `limit`) until every consumer's checkpoint stands at the stream's last event.
pub async fn consumers_at_head(pool: &PgPool, limit: std::time::Duration) -> anyhow::Result<()> {
    let deadline = Instant::now() + limit;
    loop {
        let behind: Vec<String> = sqlx::query_scalar(
            "SELECT c.name FROM projection_checkpoints c,
                    (SELECT transaction_id, global_position FROM events
                      ORDER BY transaction_id DESC, global_position DESC LIMIT 1) head
              WHERE (c.last_transaction_id, c.last_global_position)
                  < (head.transaction_id, head.global_position)",
        )
        .fetch_all(pool)
        .await?;
        if behind.is_empty() {
            return Ok(());
        }
        if Instant::now() > deadline {
            anyhow::bail!("consumers still behind the seeded events after {limit:?}: {behind:?}");
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

/// Rebuilds `projections` from scratch one after the other (prepare fresh, step to the head),
/// then switches each in; `aggregate_type` limits the raw read to that type's events.
pub async fn rebuild(
    live: &PgPool,
    shadow: &PgPool,
    projections: Vec<Arc<dyn Projection>>,
    aggregate_type: Option<&str>,
) -> anyhow::Result<Timed> {
    let (raw_events, raw_seconds) = ordered_read(live, aggregate_type).await?;
    let rebuilds = projections
        .into_iter()
        .map(|p| Rebuild::new(live.clone(), shadow.clone(), p, BATCH))
        .collect::<Result<Vec<_>, _>>()?;
    let started = Instant::now();
    let mut events = 0i64;
    for rebuild in &rebuilds {
        rebuild.prepare(true).await?;
        loop {
            let applied = rebuild.step().await?;
            if applied == 0 {
                break;
            }
            events += applied as i64;
        }
        // The secondary indexes, left out while building, are part of the rebuild's cost.
        rebuild.index().await?;
    }
    let seconds = started.elapsed().as_secs_f64();
    let started = Instant::now();
    let mut rows = Vec::new();
    for rebuild in &rebuilds {
        let switched = rebuild.switch().await?;
        rows.extend(switched.tables.iter().map(|t| (t.table, t.rebuilt_rows)));
    }
    Ok(Timed {
        events,
        seconds,
        raw_events,
        raw_seconds,
        switch_seconds: started.elapsed().as_secs_f64(),
        rows,
    })
}

type EventRow = (
    String,
    String,
    i64,
    String,
    String,
    Json<Box<RawValue>>,
    Value,
    i64,
    String,
    DateTime<Utc>,
);

/// Reads every event (of `aggregate_type`, if given) in stream order, decoding each row as a
/// projection does; returns how many and how long it took.
async fn ordered_read(pool: &PgPool, aggregate_type: Option<&str>) -> anyhow::Result<(i64, f64)> {
    let started = Instant::now();
    let mut rows = sqlx::query_as::<_, EventRow>(
        "SELECT aggregate_type, aggregate_id, sequence, event_type, event_version, payload,
                metadata, global_position, transaction_id::text, recorded_at
           FROM events
          WHERE $1::text IS NULL OR aggregate_type = $1
          ORDER BY transaction_id, global_position",
    )
    .bind(aggregate_type)
    .fetch(pool);
    let mut count = 0i64;
    while let Some(row) = rows.try_next().await? {
        std::hint::black_box(&row);
        count += 1;
    }
    Ok((count, started.elapsed().as_secs_f64()))
}
