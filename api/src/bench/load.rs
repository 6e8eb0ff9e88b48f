//! Loads against the real `tendlc serve` (a child process, so its memory is its own) with the
//! TCR simulator in this process, each beside the same work done on Postgres directly.
use std::future::Future;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use rand::distributions::{Alphanumeric, DistString};
use secrecy::SecretString;
use serde_json::{json, Value};
use sqlx::PgPool;
use tendlc_domain::brand::{BrandDraft, BrandProfile};
use tendlc_domain::values::BrandRelationship;
use tokio::sync::watch;
use uuid::Uuid;

use crate::http::auth::{Claims, Role, TokenKeys};

/// One load's outcome: answers that succeeded, those that did not, and the latencies.
#[derive(Debug, Clone, Default)]
pub struct Load {
    pub ok: usize,
    pub failed: usize,
    pub seconds: f64,
    /// Milliseconds, sorted.
    pub latencies: Vec<f64>,
}

impl Load {
    pub fn rate(&self) -> f64 {
        self.ok as f64 / self.seconds.max(1e-9)
    }

    pub fn percentile(&self, p: f64) -> f64 {
        if self.latencies.is_empty() {
            return f64::NAN;
        }
        let rank = ((p / 100.0) * self.latencies.len() as f64).ceil() as usize;
        self.latencies[rank.clamp(1, self.latencies.len()) - 1]
    }
}

/// `clients` tasks take the next of `total` operations until none is left (a closed loop).
pub async fn closed_loop<F, Fut>(clients: usize, total: usize, op: F) -> Load
where
    F: Fn(usize) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = anyhow::Result<()>> + Send,
{
    let op = Arc::new(op);
    let next = Arc::new(AtomicUsize::new(0));
    let outcome = Arc::new(Mutex::new(Load::default()));
    let started = Instant::now();
    let tasks: Vec<_> = (0..clients)
        .map(|_| {
            let (op, next, outcome) = (op.clone(), next.clone(), outcome.clone());
            tokio::spawn(async move {
                let mut latencies = Vec::new();
                let mut failed = 0;
                loop {
                    let n = next.fetch_add(1, Ordering::Relaxed);
                    if n >= total {
                        break;
                    }
                    let at = Instant::now();
                    match op(n).await {
                        Ok(()) => latencies.push(at.elapsed().as_secs_f64() * 1000.0),
                        Err(error) => {
                            if failed == 0 {
                                eprintln!("bench: a request failed: {error:#}");
                            }
                            failed += 1;
                        }
                    }
                }
                let mut outcome = outcome.lock().expect("load outcome lock");
                outcome.ok += latencies.len();
                outcome.failed += failed;
                outcome.latencies.extend(latencies);
            })
        })
        .collect();
    for task in tasks {
        let _ = task.await;
    }
    let mut load = std::mem::take(&mut *outcome.lock().expect("load outcome lock"));
    load.seconds = started.elapsed().as_secs_f64();
    load.latencies.sort_by(f64::total_cmp);
    load
}

/// The simulator (in this process) and `tendlc serve` (a child process) on loopback ports.
pub struct Stand {
    pub base_url: String,
    pub sim_url: String,
    pub http: reqwest::Client,
    api_key: String,
    api_secret: String,
    keys: TokenKeys,
    child: Child,
    log: PathBuf,
    stop_sim: watch::Sender<bool>,
}

pub(crate) fn secret(len: usize) -> String {
    Alphanumeric.sample_string(&mut rand::thread_rng(), len)
}

pub(crate) fn free_port() -> anyhow::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

impl Stand {
    /// Starts both; `database_url` is the bench's database (migrated, seeded).
    pub async fn start(database_url: &str) -> anyhow::Result<Stand> {
        let (api_key, api_secret, jwt_secret) = (secret(16), secret(32), secret(48));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let sim_url = format!("http://{}", listener.local_addr()?);
        let sim = tendlc_tcr_sim::SimConfig {
            api_key: api_key.clone(),
            api_secret: api_secret.clone(),
            // Nothing happens at the simulated TCR while the bench runs but its answers.
            scoring_delay: Duration::from_secs(3600),
            read_rate_per_sec: 1_000_000,
            write_rate_per_10s: 1_000_000,
            webhook_retries: 0,
            ..Default::default()
        };
        let (stop_sim, mut stopped) = watch::channel(false);
        tokio::spawn(tendlc_tcr_sim::serve(listener, sim, async move {
            let _ = stopped.wait_for(|s| *s).await;
        }));

        let port = free_port()?;
        let log =
            std::env::temp_dir().join(format!("tendlc-bench-serve-{}.log", std::process::id()));
        let year = (365 * 24 * 3600).to_string();
        let child = Command::new(std::env::current_exe()?)
            .arg("serve")
            .env_clear()
            .env("DATABASE_URL", database_url)
            .env("TENDLC_LISTEN", format!("127.0.0.1:{port}"))
            .env("TENDLC_JWT_SECRET", &jwt_secret)
            .env("TCR_BASE_URL", format!("{sim_url}/v2"))
            .env("TCR_API_KEY", &api_key)
            .env("TCR_API_SECRET", &api_secret)
            .env(
                "TENDLC_LOG",
                serve_log_filter().unwrap_or_else(|| "warn".into()),
            )
            .env("TENDLC_LOG_FORMAT", "pretty")
            .env("TENDLC_WEBHOOK_SUBSCRIBE", "false")
            .env("TENDLC_WEBHOOK_ALLOW_LOOPBACK", "true")
            .env("TENDLC_WEBHOOK_SIGNATURE", "off")
            // The limits that guard TCR's quota would measure the quota, not tendlc.
            .env("TCR_READ_RATE_PER_SEC", "0")
            .env("TCR_WRITE_RATE_PER_10S", "0")
            .env("TENDLC_SUBMISSIONS_PER_MINUTE", "0")
            // The seeded brands are months old: no poll of them during the bench.
            .env("TENDLC_POLL_UNVERIFIED_SECS", &year)
            .env("TENDLC_POLL_CAMPAIGN_REVIEW_SECS", &year)
            .env("TENDLC_POLL_ACTIVE_SECS", &year)
            .env("TENDLC_WEBHOOK_RETRY_BASE_MS", "3600000")
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log)?)
            .spawn()?;
        let stand = Stand {
            base_url: format!("http://127.0.0.1:{port}"),
            sim_url,
            http: reqwest::Client::builder()
                .pool_max_idle_per_host(256)
                .build()?,
            api_key,
            api_secret,
            keys: TokenKeys::hs256(&SecretString::from(jwt_secret)),
            child,
            log,
            stop_sim,
        };
        stand.wait_until_healthy().await?;
        Ok(stand)
    }

    async fn wait_until_healthy(&self) -> anyhow::Result<()> {
        for _ in 0..600 {
            if let Ok(response) = self
                .http
                .get(format!("{}/health", self.base_url))
                .send()
                .await
            {
                if response.status().is_success() {
                    return Ok(());
                }
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        anyhow::bail!(
            "tendlc serve did not become healthy within 30 s; its log: {}",
            self.log.display()
        )
    }

    /// The serving process's resident memory, MiB (`VmRSS`).
    pub fn resident_mib(&self) -> anyhow::Result<f64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))?;
        let kib: f64 = status
            .lines()
            .find_map(|line| line.strip_prefix("VmRSS:"))
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|n| n.parse().ok())
            .ok_or_else(|| anyhow::anyhow!("no VmRSS in /proc/{}/status", self.child.id()))?;
        Ok(kib / 1024.0)
    }

    pub fn token(&self, role: Role, customer: Option<Uuid>) -> anyhow::Result<String> {
        let exp = SystemTime::now().duration_since(UNIX_EPOCH)?.as_secs() + 3600;
        Ok(self.keys.mint(&Claims::new("bench", role, customer, exp))?)
    }

    /// Posts a TCR brand registration to the simulator itself.
    pub async fn sim_register(&self, body: &Value) -> anyhow::Result<()> {
        let response = self
            .http
            .post(format!("{}/v2/brand/nonBlocking", self.sim_url))
            .basic_auth(&self.api_key, Some(&self.api_secret))
            .json(body)
            .send()
            .await?;
        expect_success(response).await
    }
}

impl Drop for Stand {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = self.stop_sim.send(true);
        match serve_log_filter() {
            Some(_) => eprintln!("bench: serve's log kept at {}", self.log.display()),
            None => {
                let _ = std::fs::remove_file(&self.log);
            }
        }
    }
}

/// `TENDLC_BENCH_SERVE_LOG`: the `TENDLC_LOG` filter `serve` runs with (for a profile, e.g.
/// `info,sqlx=debug`: every statement with its time); its log is then kept. Otherwise
/// warnings only, and the log is removed.
fn serve_log_filter() -> Option<String> {
    std::env::var("TENDLC_BENCH_SERVE_LOG").ok()
}

pub async fn expect_success(response: reqwest::Response) -> anyhow::Result<()> {
    let status = response.status();
    if status.is_success() {
        // Read the answer whole, as a client would.
        response.bytes().await?;
        return Ok(());
    }
    let body = response.text().await.unwrap_or_default();
    anyhow::bail!("{status}: {}", body.chars().take(300).collect::<String>())
}

/// A TCR webhook body about one of `brands` (TCR ids), unique by `n`.
pub fn webhook_body(n: usize, brands: &[String]) -> Value {
    let brand = brands
        .get(n % brands.len().max(1))
        .map_or("B000000", String::as_str);
    json!({
        "eventType": "BRAND_IDENTITY_STATUS_UPDATE",
        "cspId": "S1MCSP0",
        "cspName": "Simulated CSP",
        "brandId": brand,
        "brandName": format!("Bench Registration {brand}"),
        "brandReferenceId": null,
        "brandIdentityStatus": "UNVERIFIED",
        "description": format!("Brand {brand} identity status is updated to UNVERIFIED (load {n} {})", Uuid::new_v4().simple()),
        "mock": false,
    })
}

/// A brand registration body for tendlc's API, unique by `n`.
pub fn brand_body(n: usize) -> Value {
    json!({
        "entityType": "PRIVATE_PROFIT",
        "displayName": format!("Bench Registration {n}"),
        "companyName": format!("Bench Registration {n} LLC"),
        "ein": format!("{:02}-{:07}", 10 + n % 89, n),
        "phone": "+12025550123",
        "street": "123 Main St",
        "city": "Springfield",
        "state": "IL",
        "postalCode": "62701",
        "country": "US",
        "email": "support@acmewidgets.com",
        "website": "https://acmewidgets.com",
        "vertical": "RETAIL"
    })
}

/// The request tendlc sends TCR for [`brand_body`], for the simulator's own answer.
pub fn tcr_brand_body(n: usize) -> anyhow::Result<Value> {
    let draft: BrandDraft = serde_json::from_value(brand_body(n))?;
    let profile = BrandProfile::parse(&draft).map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let reference = format!("bench-sim-{}", Uuid::new_v4().simple());
    Ok(serde_json::to_value(profile.to_tcr_request(
        BrandRelationship::BasicAccount,
        Some(&reference),
    ))?)
}

/// A pool of `size` connections to the bench's database, for the raw-Postgres side.
pub async fn raw_pool(
    options: sqlx::postgres::PgConnectOptions,
    size: u32,
) -> anyhow::Result<PgPool> {
    Ok(sqlx::postgres::PgPoolOptions::new()
        .max_connections(size)
        .min_connections(size)
        .acquire_timeout(Duration::from_secs(30))
        .connect_with(options)
        .await?)
}
