//! The figure for long-lived aggregates: a command's first step, loading the aggregate, on a brand
//! with 10,000 events, beside reading those events from Postgres directly.
use std::time::Instant;

use sqlx::PgPool;
use tendlc_adapters::event_store;
use tendlc_domain::brand::Brand;

use super::load::closed_loop;
use super::report::{ratio, Row};
use super::values;

/// Events the brand gets, as the issue names it.
const EVENTS: i64 = 10_000;

/// Appends `count` polls that found TCR agreeing to a brand, as the sync records them: the
/// commonest event of an old brand.
pub async fn append_polls(pool: &PgPool, brand: &str, count: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type, event_version,
                             payload, metadata)
         SELECT 'Brand', $1, last.sequence + n, 'BrandSyncConfirmed', '1.0',
                jsonb_build_object('BrandSyncConfirmed',
                    jsonb_build_object('source', 'poll', 'observed_at', to_jsonb(now()))),
                last.metadata
           FROM (SELECT sequence, metadata FROM events
                  WHERE aggregate_type = 'Brand' AND aggregate_id = $1
                  ORDER BY sequence DESC LIMIT 1) last,
                generate_series(1, $2) n",
    )
    .bind(brand)
    .bind(count)
    .execute(pool)
    .await
    .map(|_| ())
}

pub(crate) async fn row(pool: &PgPool, loads: usize) -> anyhow::Result<Row> {
    let brand: String = sqlx::query_scalar(
        "SELECT aggregate_id FROM events WHERE aggregate_type = 'Brand' ORDER BY global_position LIMIT 1",
    )
    .fetch_one(pool)
    .await?;
    append_polls(pool, &brand, EVENTS).await?;
    sqlx::query("ANALYZE events").execute(pool).await?;

    // The first load replays every event and stores a snapshot; the others start from it.
    let started = Instant::now();
    let (_, sequence) = event_store::load::<Brand>(pool, &brand)
        .await
        .map_err(|e| anyhow::anyhow!("loading the brand: {e}"))?;
    let first_ms = started.elapsed().as_secs_f64() * 1000.0;
    anyhow::ensure!(sequence as i64 > EVENTS, "the brand has {sequence} events");

    let tendlc = {
        let (pool, brand) = (pool.clone(), brand.clone());
        closed_loop(1, loads, move |_| {
            let (pool, brand) = (pool.clone(), brand.clone());
            async move {
                let (state, _) = event_store::load::<Brand>(&pool, &brand)
                    .await
                    .map_err(|e| anyhow::anyhow!("loading the brand: {e}"))?;
                std::hint::black_box(state);
                Ok(())
            }
        })
        .await
    };
    let raw = {
        let (pool, brand) = (pool.clone(), brand.clone());
        closed_loop(1, loads, move |_| {
            let (pool, brand) = (pool.clone(), brand.clone());
            async move {
                let payloads: Vec<serde_json::Value> = sqlx::query_scalar(
                    "SELECT payload FROM events
                      WHERE aggregate_type = 'Brand' AND aggregate_id = $1 ORDER BY sequence",
                )
                .bind(&brand)
                .fetch_all(&pool)
                .await?;
                std::hint::black_box(payloads);
                Ok(())
            }
        })
        .await
    };
    let (p50, raw_p50) = (tendlc.percentile(50.0), raw.percentile(50.0));
    Ok(Row {
        id: "long_aggregate",
        figure: format!(
            "loading a brand with {} events (each command's first step), 1 client",
            super::report::thousands(sequence as f64)
        ),
        tendlc: format!(
            "p50 {p50:.1} ms, p99 {:.1} ms (first load, replaying all: {first_ms:.0} ms)",
            tendlc.percentile(99.0)
        ),
        raw: format!("reading its events in order p50 {raw_p50:.1} ms"),
        ratio: ratio(raw_p50, p50),
        target: "milliseconds",
        values: values([
            ("events", sequence as f64),
            ("first_load_ms", first_ms),
            ("tendlc_p50_ms", p50),
            ("tendlc_p99_ms", tendlc.percentile(99.0)),
            ("raw_p50_ms", raw_p50),
            ("raw_p99_ms", raw.percentile(99.0)),
            ("ratio", raw_p50 / p50),
        ]),
    })
}
