//! `tendlc bench`: each figure of the performance table measured beside the same work done on
//! Postgres directly, in one run, on a database of its own (created on the server
//! `DATABASE_URL` names, dropped at the end), over loopback only.
//!
//! Rebuilds run in this process over seeded events; the loads run against the real `tendlc
//! serve` as a child process (so its resident memory is its own), with the TCR simulator in
//! this process answering at once and signature checks off.
mod live;
pub(crate) mod load;
pub mod long_aggregate;
mod rebuilds;
pub(crate) mod report;
mod seed;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::str::FromStr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use secrecy::ExposeSecret;
use sqlx::postgres::PgConnectOptions;
use sqlx::{Connection, PgConnection, PgPool};
use tendlc_projections::brands::BrandFilter;
use tendlc_projections::Projection;
use uuid::Uuid;

use crate::http::auth::Role;
use load::{closed_loop, Load, Stand};
use report::{ratio, thousands, Report, Row};

/// How much work each figure gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Size {
    /// Seconds: for the test suite, so the bench cannot rot.
    Tiny,
    /// Well under a minute on two cores.
    Small,
    Medium,
    /// The scale (~214k events).
    Large,
}

struct Scale {
    events: usize,
    webhooks: usize,
    lists: usize,
    registrations: usize,
    /// Live-feed clients connected at once.
    feed_clients: usize,
}

impl Size {
    fn scale(self) -> Scale {
        let (events, webhooks, lists, registrations, feed_clients) = match self {
            Size::Tiny => (1_000, 200, 200, 5, 20),
            Size::Small => (20_000, 1_000, 2_000, 30, 1_000),
            Size::Medium => (100_000, 10_000, 10_000, 100, 1_000),
            Size::Large => (214_000, 30_000, 30_000, 200, 1_000),
        };
        Scale {
            events,
            webhooks,
            lists,
            registrations,
            feed_clients,
        }
    }
}

/// One part of the table, to measure alone (`--only`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Figure {
    /// Both rebuild rows.
    Rebuilds,
    Intake,
    List,
    Registration,
    /// The live feed: commit-to-client delay and memory per client.
    Live,
    /// Loading a brand with 10,000 events.
    LongAggregate,
}

/// Concurrent senders and clients of the loads.
const CLIENTS: usize = 64;

#[derive(Debug, clap::Args)]
pub struct BenchArgs {
    /// How much work: tiny (seconds), small (the default, well under a minute), medium, large.
    #[arg(long, value_enum, default_value = "small")]
    size: Size,
    /// Where the JSON result goes.
    #[arg(long, default_value = "target/bench.json")]
    json: PathBuf,
    /// Measure only these figures (repeat or comma-separate); all of them when not given.
    #[arg(long, value_enum, value_delimiter = ',')]
    only: Vec<Figure>,
}

pub async fn run(args: BenchArgs) -> anyhow::Result<()> {
    let server = crate::config::database_url();
    let server = server.expose_secret();
    let name = format!("tendlc_bench_{}", Uuid::new_v4().simple());
    let mut admin =
        PgConnection::connect_with(&PgConnectOptions::from_str(server)?.database("postgres"))
            .await?;
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut admin)
        .await?;
    eprintln!("bench: database {name} created");
    let options = PgConnectOptions::from_str(server)?.database(&name);
    let started = Instant::now();
    let measured = measure(options, args.size.scale(), &args.only).await;
    sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .execute(&mut admin)
        .await?;
    eprintln!("bench: database {name} dropped");
    let rows = measured?;
    let report = Report {
        size: format!("{:?}", args.size).to_lowercase(),
        build: report::build(),
        cores: std::thread::available_parallelism().map_or(1, |n| n.get()),
        seconds: started.elapsed().as_secs_f64(),
        rows,
    };
    println!(
        "tendlc bench, size {}, {} build, {} cores, {:.1} s\n",
        report.size, report.build, report.cores, report.seconds
    );
    print!("{}", report::table(&report));
    report::write_json(&args.json, &report)?;
    println!("\nresults written to {}", args.json.display());
    Ok(())
}

async fn measure(
    options: PgConnectOptions,
    scale: Scale,
    only: &[Figure],
) -> anyhow::Result<Vec<Row>> {
    let wants = |figure: Figure| only.is_empty() || only.contains(&figure);
    let pool = sqlx::postgres::PgPoolOptions::new()
        .max_connections(4)
        .connect_with(options.clone())
        .await?;
    tendlc_adapters::db::migrate(&pool).await?;
    eprintln!(
        "bench: seeding about {} events",
        thousands(scale.events as f64)
    );
    let seeded = seed::seed(&pool, scale.events).await?;
    // As autovacuum leaves a store that has been running a while: statistics, and pages
    // marked all-visible (so index-only scans need not visit them).
    sqlx::query("VACUUM ANALYZE events").execute(&pool).await?;
    let queue = crate::workers::webhook_queue::WebhookQueue;
    let projections = tendlc_projections::all();
    // Without the rebuilds, which fill them, `serve` builds the customers itself (the loads
    // need them).
    let skip_customers = !wants(Figure::Rebuilds);
    rebuilds::place_consumers_at_head(
        &pool,
        projections
            .iter()
            .map(|p| p.name())
            .filter(|name| !(skip_customers && *name == "customers"))
            .chain([queue.name()]),
    )
    .await?;
    let mut rows = Vec::new();
    if wants(Figure::Rebuilds) {
        rows.extend(rebuild_rows(&pool, &options, &projections, &seeded).await?);
    }
    if [
        Figure::Intake,
        Figure::List,
        Figure::Registration,
        Figure::Live,
    ]
    .iter()
    .any(|f| wants(*f))
    {
        rows.extend(load_rows(&pool, &options, &scale, &seeded, only).await?);
    }
    // Last: its 10,000 events would otherwise be work for the read models during the loads.
    if wants(Figure::LongAggregate) {
        eprintln!("bench: loading a brand with 10,000 events");
        rows.push(long_aggregate::row(&pool, scale.registrations.max(20)).await?);
    }
    pool.close().await;
    Ok(rows)
}

/// Rebuilding every read model, then the webhook log alone.
async fn rebuild_rows(
    pool: &PgPool,
    options: &PgConnectOptions,
    projections: &[Arc<dyn Projection>],
    seeded: &seed::Seeded,
) -> anyhow::Result<Vec<Row>> {
    let pool = pool.clone();
    let shadow = tendlc_projections::rebuild::shadow_pool(options.clone()).await?;
    let mut rows = Vec::new();

    eprintln!("bench: rebuilding every read model");
    let with_tables: Vec<_> = projections
        .iter()
        .filter(|p| !p.tables().is_empty())
        .cloned()
        .collect();
    let all = rebuilds::rebuild(&pool, &shadow, with_tables, None).await?;
    expect_rows(&all, "customers", seeded.customers)?;
    expect_rows(&all, "brands_10dlc", seeded.brands)?;
    expect_rows(&all, "tcr_webhook_events", seeded.deliveries)?;
    let (rate, raw_rate) = (
        seeded.events as f64 / all.seconds,
        all.raw_events as f64 / all.raw_seconds,
    );
    rows.push(Row {
        id: "rebuild_all",
        figure: format!(
            "rebuilding every read model from scratch ({} events, {} of them webhook deliveries)",
            thousands(seeded.events as f64),
            thousands(seeded.delivery_events as f64)
        ),
        tendlc: format!("{} events/s", thousands(rate)),
        raw: format!("ordered read of the same events {}/s", thousands(raw_rate)),
        ratio: ratio(rate, raw_rate),
        target: "≥ 0.5 and ≥ 50,000 events/s",
        values: values([
            ("events", seeded.events as f64),
            ("tendlc_events_per_s", rate),
            ("raw_events_per_s", raw_rate),
            ("ratio", rate / raw_rate),
            ("tendlc_seconds", all.seconds),
            ("raw_seconds", all.raw_seconds),
            ("switch_seconds", all.switch_seconds),
            ("events_read", all.events as f64),
        ]),
    });

    eprintln!("bench: rebuilding the webhook log alone");
    let webhook_log: Vec<_> = projections
        .iter()
        .filter(|p| p.tables().contains(&"tcr_webhook_events"))
        .cloned()
        .collect();
    let log = rebuilds::rebuild(&pool, &shadow, webhook_log, Some("WebhookDelivery")).await?;
    expect_rows(&log, "tcr_webhook_events", seeded.deliveries)?;
    shadow.close().await;
    let (rate, raw_rate) = (
        seeded.delivery_events as f64 / log.seconds,
        log.raw_events as f64 / log.raw_seconds,
    );
    rows.push(Row {
        id: "rebuild_webhook_log",
        figure: format!(
            "rebuilding the webhook log alone ({} events)",
            thousands(seeded.delivery_events as f64)
        ),
        tendlc: format!("{} events/s", thousands(rate)),
        raw: format!("ordered read of its events {}/s", thousands(raw_rate)),
        ratio: ratio(rate, raw_rate),
        target: "≥ 0.5 and ≥ 50,000 events/s",
        values: values([
            ("events", seeded.delivery_events as f64),
            ("tendlc_events_per_s", rate),
            ("raw_events_per_s", raw_rate),
            ("ratio", rate / raw_rate),
            ("tendlc_seconds", log.seconds),
            ("raw_seconds", log.raw_seconds),
            ("events_read", log.events as f64),
        ]),
    });

    Ok(rows)
}

/// The loads against `tendlc serve`, and its memory.
async fn load_rows(
    pool: &PgPool,
    options: &PgConnectOptions,
    scale: &Scale,
    seeded: &seed::Seeded,
    only: &[Figure],
) -> anyhow::Result<Vec<Row>> {
    let wants = |figure: Figure| only.is_empty() || only.contains(&figure);
    let mut rows = Vec::new();
    eprintln!("bench: starting tendlc serve and the simulator");
    let stand = Stand::start(&options_url(options)).await?;
    // The loads measure a server at rest, not one still linking the seeded events into the
    // hash chain (which, alone of the consumers, cannot be placed at the head).
    rebuilds::consumers_at_head(pool, Duration::from_secs(600)).await?;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let idle = stand.resident_mib()?;

    // On a quiet server: nothing else competes with the feed, and what its clients cost in
    // memory is not hidden in what earlier loads left for the allocator to reuse.
    let feed = if wants(Figure::Live) {
        eprintln!("bench: live feed, {} clients", scale.feed_clients);
        Some(live::measure(&stand, scale.feed_clients, 10, seeded.customer).await?)
    } else {
        None
    };

    // Registrations first: the webhook deliveries then name brands TCR (the simulator) and
    // tendlc both know, so the workers confirm each with TCR as they would in production.
    eprintln!("bench: brand registration, 1 client");
    let (registration, registered) =
        brand_registration(&stand, scale.registrations, seeded.customer).await?;

    if wants(Figure::Intake) {
        eprintln!("bench: webhook intake, {CLIENTS} senders");
        let registered = Arc::new(registered);
        rows.push(webhook_intake(&stand, pool, scale.webhooks, registered, options).await?);
    }
    if wants(Figure::List) {
        eprintln!("bench: brand list page, {CLIENTS} clients");
        rows.push(brand_list(&stand, scale.lists, options).await?);
    }
    if wants(Figure::Registration) {
        rows.push(registration);
    }
    if let Some(feed) = &feed {
        rows.push(live::row(feed));
    }
    if !only.is_empty() {
        return Ok(rows);
    }

    let after = stand.resident_mib()?;
    rows.push(Row {
        id: "memory",
        figure: "resident memory of `serve`, idle / after the loads".into(),
        tendlc: format!("{idle:.0} / {after:.0} MiB"),
        raw: "—".into(),
        ratio: "—".into(),
        target: "< 64 MiB",
        values: values([("idle_mib", idle), ("after_load_mib", after)]),
    });
    drop(stand);
    Ok(rows)
}

fn values<const N: usize>(pairs: [(&'static str, f64); N]) -> BTreeMap<&'static str, f64> {
    pairs.into_iter().collect()
}

/// The rebuilt table holds exactly the rows the seeded events make.
fn expect_rows(timed: &rebuilds::Timed, table: &str, expected: i64) -> anyhow::Result<()> {
    let rows = timed
        .rows
        .iter()
        .find(|(t, _)| *t == table)
        .map(|(_, n)| *n);
    anyhow::ensure!(
        rows == Some(expected),
        "the rebuilt {table} holds {rows:?} rows, not the {expected} the seeded events make"
    );
    Ok(())
}

/// A connection string for the child process (it reads `DATABASE_URL`).
fn options_url(options: &PgConnectOptions) -> String {
    let server = crate::config::database_url();
    let server = server.expose_secret();
    let (base, query) = match server.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (server, None),
    };
    let scheme_end = base.find("://").map(|i| i + 3).unwrap_or(0);
    let base = match base[scheme_end..].find('/') {
        Some(slash) => &base[..scheme_end + slash],
        None => base,
    };
    let database = options.get_database().unwrap_or("postgres");
    match query {
        Some(q) => format!("{base}/{database}?{q}"),
        None => format!("{base}/{database}"),
    }
}

async fn webhook_intake(
    stand: &Stand,
    pool: &PgPool,
    total: usize,
    brands: Arc<Vec<String>>,
    options: &PgConnectOptions,
) -> anyhow::Result<Row> {
    let url = format!("{}/webhooks/tcr/brands", stand.base_url);
    let post = |http: reqwest::Client, url: String| {
        let brands = brands.clone();
        move |n: usize| {
            let (http, url, brands) = (http.clone(), url.clone(), brands.clone());
            async move {
                let body = load::webhook_body(n, &brands);
                load::expect_success(http.post(&url).json(&body).send().await?).await
            }
        }
    };
    closed_loop(CLIENTS, CLIENTS, post(stand.http.clone(), url.clone())).await;
    let tendlc = closed_loop(CLIENTS, total, post(stand.http.clone(), url)).await;
    let (settle, settled) = settle_webhook_work(pool, CLIENTS + total).await?;

    let size = serde_json::to_vec(&load::webhook_body(0, &brands))?.len();
    sqlx::query(
        "CREATE TABLE bench_inserts (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                                     body jsonb NOT NULL, received_at timestamptz NOT NULL DEFAULT now())",
    )
    .execute(pool)
    .await?;
    let raw_pool = load::raw_pool(options.clone(), CLIENTS as u32).await?;
    let insert = {
        let raw_pool = raw_pool.clone();
        move |n: usize| {
            let (raw_pool, brands) = (raw_pool.clone(), brands.clone());
            async move {
                let body = load::webhook_body(n, &brands);
                sqlx::query("INSERT INTO bench_inserts (body) VALUES ($1)")
                    .bind(body)
                    .execute(&raw_pool)
                    .await?;
                Ok(())
            }
        }
    };
    let raw = closed_loop(CLIENTS, total, insert).await;
    raw_pool.close().await;
    Ok(Row {
        id: "webhook_intake",
        figure: format!(
            "webhook intake, {CLIENTS} senders ({} deliveries of ~{size} bytes)",
            thousands(total as f64)
        ),
        tendlc: format!(
            "{} acks/s, p99 {:.1} ms",
            thousands(tendlc.rate()),
            tendlc.percentile(99.0)
        ),
        raw: format!(
            "single-row inserts of the same size from {CLIENTS} connections {}/s, p99 {:.1} ms",
            thousands(raw.rate()),
            raw.percentile(99.0)
        ),
        ratio: ratio(tendlc.rate(), raw.rate()),
        target: "≥ 0.5, p99 < 25 ms",
        values: {
            let mut values = load_values(&tendlc, &raw);
            values.insert("workers_settle_seconds", settle);
            values.insert("workers_settled", if settled { 1.0 } else { 0.0 });
            values
        },
    })
}

/// Waits until the workers have had a first go at every delivery received (so their work does
/// not spill into the next load); returns how long after the last ack that took, and whether
/// they did within two minutes. Deliveries they defer are not retried during the bench.
async fn settle_webhook_work(pool: &PgPool, received: usize) -> anyhow::Result<(f64, bool)> {
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(120) {
        let (queued, due): (i64, i64) = sqlx::query_as(
            "SELECT count(*), count(*) FILTER (WHERE done_at IS NULL AND next_attempt_at <= now())
               FROM webhook_work",
        )
        .fetch_one(pool)
        .await?;
        if queued >= received as i64 && due == 0 {
            return Ok((started.elapsed().as_secs_f64(), true));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    eprintln!("bench: the webhook workers did not get through the intake's deliveries in 120 s");
    Ok((started.elapsed().as_secs_f64(), false))
}

async fn brand_list(
    stand: &Stand,
    total: usize,
    options: &PgConnectOptions,
) -> anyhow::Result<Row> {
    let token = stand.token(Role::Superadmin, None)?;
    let url = format!("{}/v1/messaging/brands", stand.base_url);
    let get = |http: reqwest::Client| {
        let (token, url) = (token.clone(), url.clone());
        move |_: usize| {
            let (http, token, url) = (http.clone(), token.clone(), url.clone());
            async move { load::expect_success(http.get(&url).bearer_auth(&token).send().await?).await }
        }
    };
    closed_loop(CLIENTS, CLIENTS, get(stand.http.clone())).await;
    let tendlc = closed_loop(CLIENTS, total, get(stand.http.clone())).await;

    let raw_pool = load::raw_pool(options.clone(), CLIENTS as u32).await?;
    let select = {
        let raw_pool = raw_pool.clone();
        move |_: usize| {
            let raw_pool = raw_pool.clone();
            async move {
                let page =
                    tendlc_projections::brands::list(&raw_pool, &BrandFilter::default(), 50, 0)
                        .await?;
                std::hint::black_box(page);
                Ok(())
            }
        }
    };
    let raw = closed_loop(CLIENTS, total, select).await;
    raw_pool.close().await;
    Ok(Row {
        id: "brand_list",
        figure: format!("brand list page (50 rows), {CLIENTS} clients"),
        tendlc: format!(
            "{} req/s, p99 {:.1} ms",
            thousands(tendlc.rate()),
            tendlc.percentile(99.0)
        ),
        raw: format!(
            "the same SELECTs (page and count) {}/s, p99 {:.1} ms",
            thousands(raw.rate()),
            raw.percentile(99.0)
        ),
        ratio: ratio(tendlc.rate(), raw.rate()),
        target: "≥ 0.5",
        values: load_values(&tendlc, &raw),
    })
}

/// The row, and the TCR ids of the brands registered.
async fn brand_registration(
    stand: &Stand,
    total: usize,
    customer: Uuid,
) -> anyhow::Result<(Row, Vec<String>)> {
    let token = stand.token(Role::CustomerAdmin, Some(customer))?;
    let url = format!("{}/v1/messaging/brands", stand.base_url);
    let registered = Arc::new(Mutex::new(Vec::new()));
    let register = {
        let (http, registered) = (stand.http.clone(), registered.clone());
        move |n: usize| {
            let (http, token, url) = (http.clone(), token.clone(), url.clone());
            let registered = registered.clone();
            async move {
                let body = load::brand_body(n);
                let response = http
                    .post(&url)
                    .bearer_auth(&token)
                    .json(&body)
                    .send()
                    .await?;
                let status = response.status();
                let answer: serde_json::Value = response.json().await?;
                anyhow::ensure!(status.is_success(), "{status}: {answer}");
                if let Some(id) = answer["tcrBrandId"].as_str() {
                    registered
                        .lock()
                        .expect("registered lock")
                        .push(id.to_string());
                }
                Ok(())
            }
        }
    };
    let tendlc = closed_loop(1, total, register).await;
    let registered = std::mem::take(&mut *registered.lock().expect("registered lock"));
    anyhow::ensure!(!registered.is_empty(), "no brand was registered at TCR");
    let mut raw = Load::default();
    let started = Instant::now();
    for n in 0..total {
        let body = load::tcr_brand_body(total + n)?;
        let at = Instant::now();
        match stand.sim_register(&body).await {
            Ok(()) => {
                raw.ok += 1;
                raw.latencies.push(at.elapsed().as_secs_f64() * 1000.0);
            }
            Err(error) => {
                if raw.failed == 0 {
                    eprintln!("bench: the simulator refused a brand: {error:#}");
                }
                raw.failed += 1;
            }
        }
    }
    raw.seconds = started.elapsed().as_secs_f64();
    raw.latencies.sort_by(f64::total_cmp);
    let (p50, raw_p50) = (tendlc.percentile(50.0), raw.percentile(50.0));
    let mut values = load_values(&tendlc, &raw);
    values.insert("added_ms", p50 - raw_p50);
    let row = Row {
        id: "brand_registration",
        figure: format!("brand registration, 1 client ({total} brands)"),
        tendlc: format!("p50 {p50:.1} ms"),
        raw: format!("the simulator's own answer p50 {raw_p50:.1} ms"),
        ratio: format!("+{:.1} ms", p50 - raw_p50),
        target: "< +5 ms",
        values,
    };
    Ok((row, registered))
}

/// A load's numbers beside the raw one's; failures are counted, never hidden.
fn load_values(tendlc: &Load, raw: &Load) -> BTreeMap<&'static str, f64> {
    values([
        ("tendlc_per_s", tendlc.rate()),
        ("tendlc_p50_ms", tendlc.percentile(50.0)),
        ("tendlc_p99_ms", tendlc.percentile(99.0)),
        ("tendlc_ok", tendlc.ok as f64),
        ("tendlc_failed", tendlc.failed as f64),
        ("raw_per_s", raw.rate()),
        ("raw_p50_ms", raw.percentile(50.0)),
        ("raw_p99_ms", raw.percentile(99.0)),
        ("raw_ok", raw.ok as f64),
        ("raw_failed", raw.failed as f64),
        ("ratio", tendlc.rate() / raw.rate()),
    ])
}
