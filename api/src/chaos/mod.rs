//! `tendlc chaos`: the fault-injection run. Three `serve` replicas (real processes of this
//! binary) on a PostgreSQL server of the run's own, the TCR simulator (in this process) failing
//! a share of calls and mangling webhooks, and a load of registrations, changes and carrier
//! decisions through all three replicas, while replicas are killed (`kill -9`) and restarted,
//! Postgres is restarted once and one projection is left stuck for a while. Then the faults
//! stop, everything is given time to converge, and the run checks what tendlc promises
//! ([`checks`]); it fails when any check does. Loopback only; bounded in time.
mod checks;
mod client;
mod postgres;
mod replicas;
mod report;
mod workload;

use std::path::PathBuf;
use std::process::Command;
use std::str::FromStr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use secrecy::SecretString;
use sqlx::postgres::PgConnectOptions;
use sqlx::PgPool;
use tendlc_tcr_sim::{SimConfig, SimFaults, SimHandle};
use tokio::sync::watch;

use crate::http::auth::{Claims, Role, TokenKeys};
pub use checks::Check;
use checks::SimView;
use client::Client;
use postgres::OwnPostgres;
use replicas::Replicas;
pub use report::Report;

/// How big and how long.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Size {
    /// Under 3 minutes on two cores: for the test suite.
    Small,
    /// About 6 minutes.
    Medium,
    /// About 10–15 minutes.
    Large,
}

struct Scale {
    customers: usize,
    lanes: usize,
    journeys: usize,
    storm: Duration,
    /// Time between two replica kills.
    kill_every: Duration,
    /// Time between two carrier decisions.
    decide_every: Duration,
    /// Longest wait for everything to converge after the storm.
    settle: Duration,
}

impl Size {
    fn scale(self) -> Scale {
        let secs = Duration::from_secs;
        match self {
            Size::Small => Scale {
                customers: 2,
                lanes: 4,
                journeys: 16,
                storm: secs(60),
                kill_every: secs(12),
                decide_every: secs(4),
                settle: secs(60),
            },
            Size::Medium => Scale {
                customers: 4,
                lanes: 6,
                journeys: 80,
                storm: secs(240),
                kill_every: secs(20),
                decide_every: secs(4),
                settle: secs(120),
            },
            Size::Large => Scale {
                customers: 8,
                lanes: 8,
                journeys: 300,
                storm: secs(600),
                kill_every: secs(25),
                decide_every: secs(3),
                settle: secs(180),
            },
        }
    }
}

#[derive(Debug, clap::Args)]
pub struct ChaosArgs {
    /// small (under 3 minutes, the test suite's), medium (~6 min) or large (~10-15 min).
    #[arg(long, value_enum, default_value = "small")]
    pub size: Size,
    /// Seed for the fault dice, the kills and the decisions (default: random, printed).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Also write the result as JSON here.
    #[arg(long)]
    pub json: Option<PathBuf>,
    /// Keep the run's Postgres folder (server stopped) when a check fails, for a post-mortem.
    #[arg(long)]
    pub keep: bool,
}

/// The replicas' count: as the seed system runs them.
const REPLICAS: usize = 3;
/// tendlc's TCR timeout during the run, and how long the simulator holds an injected timeout
/// (past it, so tendlc gives up first and the run never waits on the 75 s default).
const TCR_TIMEOUT: Duration = Duration::from_millis(2000);
const SIM_TIMEOUT_HOLD: Duration = Duration::from_millis(3000);

/// The faults during the storm.
fn storm_faults(seed: u64) -> SimFaults {
    SimFaults {
        webhook_drop_rate: 0.1,
        webhook_duplicate_rate: 0.15,
        webhook_delay: Duration::from_millis(100),
        webhook_delay_jitter: Duration::from_millis(700),
        webhook_reorder_window: Duration::from_millis(300),
        webhook_corrupt_rate: 0.05,
        api_failure_rate: 0.12,
        api_timeout_hold: SIM_TIMEOUT_HOLD,
        seed: Some(seed),
        ..SimFaults::default()
    }
}

pub async fn run(args: ChaosArgs) -> anyhow::Result<()> {
    let seed = args.seed.unwrap_or_else(|| rand::thread_rng().gen());
    let report = tokio::select! {
        report = run_once(args.size, seed, args.keep) => report?,
        _ = tokio::signal::ctrl_c() => {
            // Returning drops the replicas and the Postgres server: both are stopped and removed.
            anyhow::bail!("interrupted; the run's replicas and Postgres server are stopped and removed")
        }
    };
    print!("{}", report::table(&report));
    if let Some(path) = &args.json {
        report::write_json(path, &report)?;
        println!("\nresults written to {}", path.display());
    }
    let failed: Vec<&str> = report
        .checks
        .iter()
        .filter(|c| !c.passed)
        .map(|c| c.id)
        .collect();
    anyhow::ensure!(failed.is_empty(), "checks failed: {}", failed.join(", "));
    Ok(())
}

fn say(started: Instant, line: impl AsRef<str>) {
    eprintln!(
        "chaos [{:>5.1} s] {}",
        started.elapsed().as_secs_f64(),
        line.as_ref()
    );
}

/// Everything the run starts, kept together so it all stops when dropped.
struct Stand {
    // Field order is drop order: replicas before the server they use.
    replicas: Replicas,
    pool: PgPool,
    postgres: OwnPostgres,
    sim: SimView,
    stop_sim: watch::Sender<bool>,
    outbox: PathBuf,
    database_url: String,
    /// Shared by the replicas; the run mints its own token with it.
    jwt_secret: String,
}

impl Drop for Stand {
    fn drop(&mut self) {
        self.replicas.stop_all();
        let _ = self.stop_sim.send(true);
    }
}

/// One run at `size` with `seed`: the report (its checks say whether tendlc held).
pub async fn run_once(size: Size, seed: u64, keep: bool) -> anyhow::Result<Report> {
    let scale = size.scale();
    let started = Instant::now();
    let build = crate::bench::report::build();
    say(
        started,
        format!("size {size:?}, seed {seed}, {build} build; starting Postgres"),
    );
    let stand = start(seed).await?;
    say(
        started,
        format!(
            "{REPLICAS} replicas serving on {}; Postgres in {}",
            stand.replicas.urls().join(", "),
            stand.postgres.dir().display()
        ),
    );
    let keys = TokenKeys::hs256(&SecretString::from(stand.jwt_secret.clone()));
    let exp = SystemTime::now().duration_since(UNIX_EPOCH)?.as_secs() + 24 * 3600;
    let token = keys.mint(&Claims::new("chaos", Role::Superadmin, None, exp))?;
    let client = Client::new(stand.replicas.urls(), token, Duration::from_secs(10))?;
    let run_id = format!("{seed:x}");
    let customers = workload::customers(&client, scale.customers, &run_id).await?;

    say(
        started,
        "storm: faults on, load, kills, Postgres restart, a stuck projection",
    );
    stand.sim.handle.set_faults(storm_faults(seed));
    let storm_until = Instant::now() + scale.storm;
    let journeys = Arc::new(Mutex::new(workload::Journeys::default()));
    let lanes = tokio::spawn(workload::run_lanes(
        client.clone(),
        customers.clone(),
        scale.lanes,
        scale.journeys,
        storm_until,
        journeys.clone(),
    ));
    let decisions = tokio::spawn(workload::carrier_decisions(
        stand.sim.handle.clone(),
        stand.pool.clone(),
        scale.decide_every,
        storm_until,
        seed,
        journeys.clone(),
    ));
    let mut stand = stand;
    let disruptions = disrupt(&mut stand, &client, &scale, seed, started, &run_id).await?;
    let _ = lanes.await;
    let _ = decisions.await;

    say(
        started,
        "storm over: faults off; waiting for everything to converge",
    );
    stand.sim.handle.set_faults(SimFaults::default());
    let settle_started = Instant::now();
    let settled = settle(&stand, scale.settle, started).await?;
    let settle_seconds = settle_started.elapsed().as_secs_f64();
    let crashed = stand.replicas.exited();

    say(started, "checking");
    stand.replicas.stop_all();
    let acked = client.acked.lock().expect("acked lock").clone();
    let mut all = vec![
        checks::acked_commands(&stand.pool, &acked).await?,
        checks::acked_webhooks(&stand.pool, &stand.sim.handle).await?,
        checks::no_duplicates(&stand.pool, &stand.sim).await?,
        checks::converged(&stand.pool, &stand.sim).await?,
        checks::mails(&stand.pool, &stand.outbox).await?,
    ];
    say(
        started,
        "rebuilding every read model to compare with the live one",
    );
    let shadow =
        tendlc_projections::rebuild::shadow_pool(PgConnectOptions::from_str(&stand.database_url)?)
            .await?;
    all.push(checks::rebuilds(&stand.pool, &shadow).await?);
    shadow.close().await;
    if !crashed.is_empty() {
        all.push(Check {
            id: "replicas_alive",
            what: "no replica exited on its own",
            counts: vec![("exited", crashed.len() as i64)],
            passed: false,
            examples: crashed
                .iter()
                .map(|(n, s)| format!("replica {n}: {s}"))
                .collect(),
        });
    }
    stand.postgres.keep = keep && all.iter().any(|c| !c.passed);
    let traffic = client.traffic.lock().expect("traffic lock").clone();
    let journeys = journeys.lock().expect("journeys lock").clone();
    let events: i64 = sqlx::query_scalar("SELECT count(*) FROM events")
        .fetch_one(&stand.pool)
        .await?;
    Ok(Report {
        size: format!("{size:?}").to_lowercase(),
        seed,
        build,
        cores: std::thread::available_parallelism().map_or(1, |n| n.get()),
        seconds: started.elapsed().as_secs_f64(),
        storm_seconds: scale.storm.as_secs_f64(),
        settle_seconds,
        settled,
        events,
        traffic,
        journeys,
        disruptions,
        checks: all,
    })
}

async fn start(seed: u64) -> anyhow::Result<Stand> {
    let port = crate::bench::load::free_port()?;
    let postgres = tokio::task::spawn_blocking(move || OwnPostgres::start(port)).await??;
    let database_url = postgres.url("postgres");
    let pool = sqlx::postgres::PgPoolOptions::new()
        .max_connections(4)
        .connect(&database_url)
        .await?;
    tendlc_adapters::db::migrate(&pool).await?;

    let (api_key, api_secret, jwt_secret) = (
        crate::bench::load::secret(16),
        crate::bench::load::secret(32),
        crate::bench::load::secret(48),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let sim_url = format!("http://{}/v2", listener.local_addr()?);
    let config = SimConfig {
        api_key: api_key.clone(),
        api_secret: api_secret.clone(),
        scoring_delay: Duration::from_secs(2),
        campaign_review_delay: Duration::from_secs(4),
        read_rate_per_sec: 0,
        write_rate_per_10s: 0,
        webhook_retries: 3,
        webhook_retry_backoff: Duration::from_millis(500),
        webhook_timeout: Duration::from_secs(3),
        faults: SimFaults {
            seed: Some(seed),
            ..SimFaults::default()
        },
        ..SimConfig::default()
    };
    let (stop_sim, mut stopped) = watch::channel(false);
    let (handle, server) = tendlc_tcr_sim::serve_with_handle(listener, config, async move {
        let _ = stopped.wait_for(|s| *s).await;
    });
    tokio::spawn(server);

    let outbox = postgres.dir().join("outbox");
    std::fs::create_dir_all(&outbox)?;
    let env = replica_env(
        &database_url,
        &sim_url,
        &api_key,
        &api_secret,
        &jwt_secret,
        &outbox,
    );
    let replicas = Replicas::start(REPLICAS, env, postgres.dir()).await?;
    subscribe(&handle, &replicas)?;
    Ok(Stand {
        replicas,
        pool,
        postgres,
        sim: SimView {
            base_url: sim_url,
            api_key,
            api_secret,
            handle,
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(10))
                .build()?,
        },
        stop_sim,
        outbox,
        database_url,
        jwt_secret,
    })
}

/// The environment every replica gets: short intervals so the healer, poller and retrier act
/// within the run, tendlc's TCR limits off (the simulator's are off too).
fn replica_env(
    database_url: &str,
    sim_url: &str,
    api_key: &str,
    api_secret: &str,
    jwt_secret: &str,
    outbox: &std::path::Path,
) -> Vec<(String, String)> {
    [
        ("DATABASE_URL", database_url),
        ("TENDLC_JWT_SECRET", jwt_secret),
        ("TCR_BASE_URL", sim_url),
        ("TCR_API_KEY", api_key),
        ("TCR_API_SECRET", api_secret),
        ("TCR_TIMEOUT_MS", &TCR_TIMEOUT.as_millis().to_string()),
        ("TCR_READ_RATE_PER_SEC", "0"),
        ("TCR_WRITE_RATE_PER_10S", "0"),
        ("TENDLC_SUBMISSIONS_PER_MINUTE", "0"),
        ("TENDLC_REQUEST_TIMEOUT_MS", "6000"),
        ("TENDLC_ANSWER_WITHIN_MS", "4000"),
        ("TENDLC_LOG", "warn"),
        ("TENDLC_WEBHOOK_SUBSCRIBE", "false"),
        ("TENDLC_WEBHOOK_ALLOW_LOOPBACK", "true"),
        ("TENDLC_WEBHOOK_SIGNATURE", "enforce"),
        ("TENDLC_WEBHOOK_RETRY_BASE_MS", "300"),
        ("TENDLC_WEBHOOK_LEASE_MS", "3000"),
        ("TENDLC_SYNC_TICK_MS", "250"),
        ("TENDLC_RETRY_GRACE_SECS", "3"),
        ("TENDLC_RETRY_BASE_SECS", "1"),
        ("TENDLC_RETRY_MAX_ATTEMPTS", "30"),
        ("TENDLC_POLL_UNVERIFIED_SECS", "5"),
        ("TENDLC_POLL_CAMPAIGN_REVIEW_SECS", "5"),
        ("TENDLC_POLL_ACTIVE_SECS", "10"),
        ("TENDLC_MAIL_SENDER", "outbox"),
        ("TENDLC_MAIL_OUTBOX_DIR", &outbox.display().to_string()),
        ("TENDLC_MAIL_RETRY_BASE_MS", "500"),
        ("TENDLC_MAIL_LEASE_MS", "3000"),
        ("TENDLC_MAIL_TIMEOUT_MS", "1000"),
        ("TENDLC_DB_MAX_CONNECTIONS", "8"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect()
}

/// Brand webhooks go to the first replica, campaign webhooks to the second, vetting to the
/// third: each replica's death costs deliveries that TCR's retries and tendlc's polls make good.
fn subscribe(sim: &SimHandle, replicas: &Replicas) -> anyhow::Result<()> {
    for (n, (category, path)) in [
        ("BRAND", "brands"),
        ("CAMPAIGN", "campaigns"),
        ("VETTING", "vetting"),
    ]
    .into_iter()
    .enumerate()
    {
        let url = format!("{}/webhooks/tcr/{path}", replicas.url(n % replicas.count()));
        sim.subscribe(category, &url)
            .map_err(|e| anyhow::anyhow!("subscribing {category}: {e}"))?;
    }
    Ok(())
}

/// The disruptions during the storm: a replica killed and restarted every `kill_every`, the
/// Postgres server restarted at the half, the `customers` projection stuck from a fifth to
/// three fifths of the storm. Returns what was done, in order.
async fn disrupt(
    stand: &mut Stand,
    client: &Client,
    scale: &Scale,
    seed: u64,
    started: Instant,
    run_id: &str,
) -> anyhow::Result<Vec<String>> {
    let mut rng = StdRng::seed_from_u64(seed ^ 0xD15_2077);
    let storm_start = Instant::now();
    let at = |share: f64| storm_start + scale.storm.mul_f64(share);
    let (stick_at, restart_db_at, release_at) = (at(0.2), at(0.5), at(0.6));
    let (bad_event_at, skip_at) = (at(0.3), at(0.7));
    let mut stuck: Option<stuck::Stuck> = None;
    let mut bad_event: Option<i64> = None;
    let mut skipped = false;
    let mut db_restarted = false;
    let mut next_kill = storm_start + scale.kill_every / 2;
    let mut done = Vec::new();
    let mut note = |line: String| {
        say(started, &line);
        done.push(format!("{:.1} s: {line}", started.elapsed().as_secs_f64()));
    };
    while storm_start.elapsed() < scale.storm {
        let now = Instant::now();
        if now >= next_kill {
            let n = rng.gen_range(0..stand.replicas.count());
            stand.replicas.kill(n);
            note(format!("kill -9 replica {n}"));
            tokio::time::sleep(Duration::from_millis(rng.gen_range(500..3000))).await;
            stand.replicas.restart(n).await?;
            note(format!("replica {n} restarted and healthy"));
            next_kill = Instant::now() + scale.kill_every;
        }
        if stuck.is_none() && now >= stick_at {
            let s = stuck::stick(&stand.pool, client, run_id).await?;
            note(format!(
                "projection customers stuck at position {} (a customers row restored by mistake holds the BAN {})",
                s.position, s.ban
            ));
            stuck = Some(s);
        }
        if bad_event.is_none() && now >= bad_event_at {
            let (position, names) = stuck::insert_bad_event(&stand.pool).await?;
            note(format!(
                "an event no projection can read written at position {position}; stuck on it: {}",
                names.join(", ")
            ));
            bad_event = Some(position);
        }
        if let Some(position) = bad_event.filter(|_| !skipped && now >= skip_at) {
            for line in stuck::skip_bad_event(&stand.pool, &stand.database_url, position).await? {
                note(format!("operator: {line}"));
            }
            skipped = true;
        }
        if !db_restarted && now >= restart_db_at {
            note("Postgres restart (pg_ctl restart -m immediate)".into());
            let postgres = &stand.postgres;
            tokio::task::block_in_place(|| postgres.restart())?;
            note("Postgres back".into());
            db_restarted = true;
        }
        if let Some(s) = stuck.as_ref().filter(|s| !s.released && now >= release_at) {
            let line = stuck::release(&stand.pool, &stand.database_url, s).await?;
            note(format!("operator: {line}"));
            stuck.as_mut().expect("stuck").released = true;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    if let Some(s) = stuck.as_ref().filter(|s| !s.released) {
        let line = stuck::release(&stand.pool, &stand.database_url, s).await?;
        note(format!("operator: {line}"));
    }
    // A projection that reached the bad event after the operator looked is skipped past it too.
    if let Some(position) = bad_event {
        tokio::time::sleep(Duration::from_secs(2)).await;
        for line in stuck::skip_bad_event(&stand.pool, &stand.database_url, position).await? {
            note(format!("operator: {line}"));
        }
    }
    Ok(done)
}

/// Waits until tendlc agrees with TCR everywhere and has no work left (webhooks, mails,
/// projections), or `limit` passes; returns whether it settled.
async fn settle(stand: &Stand, limit: Duration, started: Instant) -> anyhow::Result<bool> {
    let deadline = Instant::now() + limit;
    loop {
        let (_, _, _, diverged) = checks::disagreements(&stand.pool, &stand.sim).await?;
        let (work, mails): (i64, i64) = sqlx::query_as(
            "SELECT (SELECT count(*) FROM webhook_work WHERE done_at IS NULL),
                    (SELECT count(*) FROM notifications WHERE status = 'PENDING')",
        )
        .fetch_one(&stand.pool)
        .await
        .unwrap_or((-1, -1));
        let lag: i64 = tendlc_projections::operations::status(&stand.pool)
            .await
            .map(|all| all.iter().map(|s| s.lag).sum())
            .unwrap_or(-1);
        if diverged.is_empty() && work == 0 && mails == 0 && lag == 0 {
            return Ok(true);
        }
        if Instant::now() > deadline {
            say(
                started,
                format!(
                    "not settled after {} s: {} registrations differ from TCR, {work} webhooks \
                     to process, {mails} mails due, {lag} events behind",
                    limit.as_secs(),
                    diverged.len()
                ),
            );
            return Ok(false);
        }
        tokio::time::sleep(Duration::from_secs(2)).await;
    }
}

/// One projection stuck on an event it cannot apply, and the operator's way out.
mod stuck {
    use super::*;

    pub struct Stuck {
        pub ban: String,
        pub position: i64,
        pub released: bool,
    }

    /// A `customers` row restored from a backup by mistake holds a BAN; the customer is then
    /// registered through the API, and the projection cannot apply that event (the BAN is
    /// unique) — it stops there, alone, until an operator acts.
    pub async fn stick(pool: &PgPool, client: &Client, run_id: &str) -> anyhow::Result<Stuck> {
        let ban = format!("CHAOS-{run_id}-STUCK");
        sqlx::query(
            "INSERT INTO customers (customer_id, ban, name, service_tier, created_at, updated_at, last_sequence)
             VALUES (gen_random_uuid(), $1, 'restored by mistake', 'BASIC', now(), now(), 0)",
        )
        .bind(&ban)
        .execute(pool)
        .await?;
        let body =
            serde_json::json!({"ban": ban, "name": "Stuck Customer", "serviceTier": "BASIC"});
        if let client::Outcome::Acked(answer) = client
            .write(reqwest::Method::POST, "/v1/customers", None, &body)
            .await
        {
            if let Some(id) = answer["id"].as_str() {
                client.ack(client::Acked::Registered {
                    aggregate_type: "Customer",
                    id: id.to_string(),
                });
            }
        }
        for _ in 0..150 {
            let failure = tendlc_projections::operations::status(pool)
                .await?
                .into_iter()
                .find(|s| s.name == "customers")
                .and_then(|s| s.failure);
            if let Some(failure) = failure {
                return Ok(Stuck {
                    ban,
                    position: failure.event.global_position,
                    released: false,
                });
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        anyhow::bail!("the customers projection did not get stuck on the conflicting BAN {ban}")
    }

    /// An event of a shape no projection knows (a newer or buggy writer's), on a campaign that
    /// does not exist: its position, and the projections that stop at it.
    pub async fn insert_bad_event(pool: &PgPool) -> anyhow::Result<(i64, Vec<String>)> {
        let position: i64 = sqlx::query_scalar(
            "INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata)
             VALUES ('Campaign', $1, 1, 'CampaignTeleported', '1.0', '{\"CampaignTeleported\": {\"to\": \"Mars\"}}', '{}')
             RETURNING global_position",
        )
        .bind(uuid::Uuid::new_v4().to_string())
        .fetch_one(pool)
        .await?;
        for _ in 0..150 {
            let names = stuck_at(pool, position).await?;
            if !names.is_empty() {
                return Ok((position, names));
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        anyhow::bail!("no projection stopped at the unreadable event at position {position}")
    }

    async fn stuck_at(pool: &PgPool, position: i64) -> anyhow::Result<Vec<String>> {
        Ok(tendlc_projections::operations::status(pool)
            .await?
            .into_iter()
            .filter(|s| {
                s.failure
                    .as_ref()
                    .is_some_and(|f| f.event.global_position == position)
            })
            .map(|s| s.name)
            .collect())
    }

    /// The operator has every projection stuck at `position` skip it, on the record.
    pub async fn skip_bad_event(
        pool: &PgPool,
        database_url: &str,
        position: i64,
    ) -> anyhow::Result<Vec<String>> {
        let mut lines = Vec::new();
        for name in stuck_at(pool, position).await? {
            let position = position.to_string();
            let args = [
                "projections",
                "skip",
                &name,
                "--position",
                &position,
                "--reason",
                "written by a tool bug; nothing to apply",
                "--by",
                "chaos-operator",
            ];
            lines.push(operator(database_url, &args)?);
        }
        Ok(lines)
    }

    /// `tendlc ARGS` as an operator runs it against the database; its output line.
    fn operator(database_url: &str, args: &[&str]) -> anyhow::Result<String> {
        let output = tokio::task::block_in_place(|| {
            Command::new(std::env::current_exe()?)
                .args(args)
                .env_clear()
                .env("DATABASE_URL", database_url)
                .env("TENDLC_LOG", "warn")
                .output()
        })?;
        anyhow::ensure!(
            output.status.success(),
            "tendlc {} failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&output.stderr)
        );
        Ok(format!(
            "`tendlc {}`: {}",
            args[..3].join(" "),
            String::from_utf8_lossy(&output.stdout).trim()
        ))
    }

    /// The operator removes the stray row and runs `tendlc projections retry customers`.
    pub async fn release(
        pool: &PgPool,
        database_url: &str,
        stuck: &Stuck,
    ) -> anyhow::Result<String> {
        sqlx::query("DELETE FROM customers WHERE ban = $1 AND name = 'restored by mistake'")
            .bind(&stuck.ban)
            .execute(pool)
            .await?;
        let line = operator(database_url, &["projections", "retry", "customers"])?;
        Ok(format!("stray row removed; {line}"))
    }
}
