//! Starting the simulator and tendlc for a test, and talking to them over real HTTP.
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::Duration;

use rand::distributions::{Alphanumeric, DistString};
use reqwest::{Method, RequestBuilder, Response};
use secrecy::SecretString;
use serde_json::Value;
use tendlc_api::config::Config;
use tendlc_api::http::auth::{Claims, Role, TokenKeys};
use tendlc_tcr_sim::{SimConfig, SimFaults};
use tokio::sync::watch;
use uuid::Uuid;

use crate::db::TestDatabase;

fn random_secret(len: usize) -> String {
    Alphanumeric.sample_string(&mut rand::thread_rng(), len)
}

/// The TCR simulator on a random port, in this process: `handle` steers it, `base_url`,
/// `api_key` and `api_secret` reach it, `brands()` lists what it holds; it stops when dropped.
pub use tendlc_tcr_sim::testing::SimServer as Sim;

/// Options for one test app.
pub struct AppOptions {
    pub scoring_delay: Duration,
    pub tcr_timeout: Duration,
    /// Point tendlc at this TCR instead of a fresh simulator (e.g. a closed port).
    pub tcr_base_url: Option<String>,
    /// Give tendlc credentials the simulator does not accept.
    pub wrong_tcr_credentials: bool,
    /// Poller, retrier and webhook worker settings (tests use short ones).
    pub sync: tendlc_api::config::SyncConfig,
    /// Subscribe tendlc's webhook URLs with the simulator at start-up.
    pub subscribe_webhooks: bool,
    pub signature: tendlc_api::config::SignatureMode,
    pub allowed_ips: Vec<std::net::IpAddr>,
    /// How much of what the webhook receivers refuse is kept.
    pub refusals: tendlc_api::config::RefusalLimits,
    pub sim_faults: SimFaults,
    pub cors_origins: Vec<String>,
    /// Serve over TLS with these files; `tls_trust` is the PEM certificate the client trusts.
    pub tls: Option<tendlc_api::http::tls::TlsConfig>,
    pub tls_trust: Option<Vec<u8>>,
    /// Token checking other than HS256 with the test's secret.
    pub tokens: Option<TokenKeys>,
    /// 0 = unlimited (tests register in bursts).
    pub submissions_per_minute: u32,
    /// Further simulator settings (campaign review, vetting, sharing and appeal delays, …).
    pub sim: Option<SimTuning>,
    /// Header, body and request deadlines, body size.
    pub inbound: tendlc_api::config::InboundLimits,
    /// Postgres statement timeout of the app's pool.
    pub statement_timeout: Duration,
    /// tendlc's TCR limits (`TCR_READ_RATE_PER_SEC`, `TCR_WRITE_RATE_PER_10S`); 0 = unlimited.
    pub tcr_read_rate_per_sec: u32,
    pub tcr_write_rate_per_10s: u32,
    /// Where notification mails go; `None`: an outbox folder of the test's own
    /// ([`TestApp::outbox`]).
    pub mail: Option<tendlc_api::config::MailConfig>,
}

/// Adjusts the simulator a test starts with.
pub type SimTuning = std::sync::Arc<dyn Fn(&mut SimConfig) + Send + Sync>;

impl Default for AppOptions {
    fn default() -> Self {
        Self {
            scoring_delay: Duration::from_secs(60),
            tcr_timeout: Duration::from_secs(8),
            tcr_base_url: None,
            wrong_tcr_credentials: false,
            sync: tendlc_api::config::SyncConfig {
                tick: Duration::from_millis(200),
                webhook_retry_base: Duration::from_millis(300),
                ..Default::default()
            },
            subscribe_webhooks: false,
            signature: tendlc_api::config::SignatureMode::Enforce,
            allowed_ips: vec![],
            refusals: tendlc_api::config::RefusalLimits::default(),
            sim_faults: SimFaults::default(),
            cors_origins: vec![],
            tokens: None,
            tls: None,
            tls_trust: None,
            submissions_per_minute: 0,
            sim: None,
            inbound: tendlc_api::config::InboundLimits::default(),
            statement_timeout: Duration::from_secs(30),
            tcr_read_rate_per_sec: 0,
            tcr_write_rate_per_10s: 0,
            mail: None,
        }
    }
}

/// A fresh folder for one test's outbox.
pub fn temp_outbox() -> PathBuf {
    std::env::temp_dir().join(format!("tendlc-outbox-{}", Uuid::new_v4().simple()))
}

/// tendlc (in this process) on a random port, with its own database and simulator.
pub struct TestApp {
    pub address: SocketAddr,
    pub base_url: String,
    pub http: reqwest::Client,
    pub sim: Sim,
    pub pool: sqlx::PgPool,
    pub jwt_secret: String,
    /// The folder the outbox sender writes to (when the test did not choose another sender).
    pub outbox: PathBuf,
    config: Config,
    stop: watch::Sender<bool>,
    task: Option<tokio::task::JoinHandle<anyhow::Result<()>>>,
    // Last, so the database is dropped after everything using it.
    pub db: TestDatabase,
}

impl TestApp {
    /// Waits until tendlc has subscribed to TCR's three webhook categories at the simulator.
    pub async fn webhooks_subscribed(&self) {
        eventually(Duration::from_secs(10), "webhook subscriptions", || async {
            (self.sim.handle.subscriptions().len() == 3).then_some(())
        })
        .await;
    }

    pub async fn spawn() -> TestApp {
        Self::spawn_with(AppOptions::default()).await
    }

    pub async fn spawn_with(options: AppOptions) -> TestApp {
        crate::secret_scan::capture_logs();
        let db = TestDatabase::create().await;
        let sim = {
            let (scoring_delay, faults, adjust) = (
                options.scoring_delay,
                options.sim_faults.clone(),
                options.sim.clone(),
            );
            Sim::start(move |config| {
                config.scoring_delay = scoring_delay;
                config.faults = faults;
                config.webhook_retry_backoff = Duration::from_millis(200);
                if let Some(adjust) = adjust {
                    adjust(config);
                }
            })
            .await
        };
        let jwt_secret = random_secret(48);
        for secret in [&jwt_secret, &sim.api_key, &sim.api_secret] {
            db.guard_secret(secret);
        }
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind app");
        let address = listener.local_addr().unwrap();
        let (tcr_key, tcr_secret) = if options.wrong_tcr_credentials {
            (random_secret(24), random_secret(40))
        } else {
            (sim.api_key.clone(), sim.api_secret.clone())
        };
        db.guard_secret(&tcr_key);
        db.guard_secret(&tcr_secret);
        let outbox = temp_outbox();
        let config = Config {
            mail: options
                .mail
                .clone()
                .unwrap_or_else(|| tendlc_api::config::MailConfig {
                    retry_base: Duration::from_millis(200),
                    ..tendlc_api::config::MailConfig::outbox(&outbox)
                }),
            database_url: SecretString::from(db.url.clone()),
            database_max_connections: 8,
            database_statement_timeout: options.statement_timeout,
            listen: "127.0.0.1:0".parse().unwrap(),
            tokens: options
                .tokens
                .clone()
                .unwrap_or_else(|| TokenKeys::hs256(&SecretString::from(jwt_secret.clone()))),
            tcr_base_url: options
                .tcr_base_url
                .clone()
                .unwrap_or_else(|| sim.base_url.clone()),
            tcr_api_key: SecretString::from(tcr_key),
            tcr_api_secret: SecretString::from(tcr_secret),
            tcr_timeout: options.tcr_timeout,
            tcr_read_rate_per_sec: options.tcr_read_rate_per_sec,
            tcr_write_rate_per_10s: options.tcr_write_rate_per_10s,
            webhooks: tendlc_api::config::WebhookConfig {
                subscribe: options.subscribe_webhooks,
                signature: options.signature,
                allowed_ips: options.allowed_ips.clone(),
                refusals: options.refusals,
                ..tendlc_api::config::WebhookConfig::local(format!("http://{address}"))
            },
            sync: options.sync.clone(),
            cors_origins: options.cors_origins.clone(),
            submissions_per_minute: options.submissions_per_minute,
            tls: options.tls.clone(),
            inbound: options.inbound.clone(),
            fees: Default::default(),
        };
        let (stop, stopped) = watch::channel(false);
        let task = tokio::spawn(tendlc_api::serve::run(config.clone(), listener, stopped));
        let mut http = reqwest::Client::builder().timeout(Duration::from_secs(30));
        if let Some(pem) = &options.tls_trust {
            http = http.add_root_certificate(
                reqwest::Certificate::from_pem(pem).expect("trusted certificate"),
            );
        }
        let http = http.build().unwrap();
        let base_url = match options.tls {
            Some(_) => format!("https://localhost:{}", address.port()),
            None => format!("http://{address}"),
        };
        wait_until_healthy(&http, &base_url).await;
        let pool = sqlx::postgres::PgPoolOptions::new()
            .max_connections(2)
            .connect(&db.url)
            .await
            .expect("test pool");
        TestApp {
            address,
            base_url,
            http,
            sim,
            pool,
            jwt_secret,
            outbox,
            config,
            stop,
            task: Some(task),
            db,
        }
    }

    /// Stops the API gracefully and reports how it ended.
    pub async fn shutdown(mut self) -> anyhow::Result<()> {
        let _ = self.stop.send(true);
        match self.task.take() {
            Some(task) => task.await.expect("app task panicked"),
            None => Ok(()),
        }
    }

    /// Another `serve` on the same database and TCR, as a second replica would be.
    pub async fn start_replica(&self) -> Replica {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind replica");
        let base_url = format!("http://{}", listener.local_addr().unwrap());
        let (stop, stopped) = watch::channel(false);
        let task = tokio::spawn(tendlc_api::serve::run(
            self.config.clone(),
            listener,
            stopped,
        ));
        wait_until_healthy(&self.http, &base_url).await;
        Replica {
            base_url,
            stop,
            task,
        }
    }

    pub fn token(&self, role: Role, customer: Option<Uuid>) -> String {
        mint(&self.jwt_secret, role, customer)
    }

    pub fn superadmin(&self) -> String {
        self.token(Role::Superadmin, None)
    }

    pub fn request(&self, method: Method, path: &str, token: &str) -> RequestBuilder {
        self.http
            .request(method, format!("{}{}", self.base_url, path))
            .bearer_auth(token)
    }

    /// A super admin request acting for `customer`.
    pub fn as_operator_for(&self, method: Method, path: &str, customer: Uuid) -> RequestBuilder {
        self.request(method, path, &self.superadmin())
            .header("X-Customer-ID", customer.to_string())
    }

    /// Calls the API as a super admin acting for `customer`: the status and the JSON body.
    pub async fn call_for(
        &self,
        customer: Uuid,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> (u16, Value) {
        let mut request = self.as_operator_for(method, path, customer);
        if let Some(body) = body {
            request = request.json(&body);
        }
        status_and_body(request).await
    }

    /// The recorded steps of `customer`'s brand, oldest first (the first 500).
    pub async fn brand_history(&self, customer: Uuid, brand: &str) -> Vec<Value> {
        let path = format!("/v1/messaging/brands/{brand}/history?perPage=500");
        let (status, page) = self.call_for(customer, Method::GET, &path, None).await;
        assert_eq!(status, 200, "brand {brand}'s history: {page}");
        page["items"].as_array().cloned().unwrap_or_default()
    }

    /// Orders an external vetting of `customer`'s brand from AEGIS: the status and the brand.
    pub async fn order_vetting(&self, customer: Uuid, brand: &str, class: &str) -> (u16, Value) {
        let path = format!("/v1/messaging/brands/{brand}/vettings");
        let order = serde_json::json!({"provider": "AEGIS", "vettingClass": class});
        self.call_for(customer, Method::POST, &path, Some(order))
            .await
    }

    /// Registers a brand for `customer` and waits until TCR has scored it `status` and tendlc
    /// shows it; returns its id.
    pub async fn scored_brand(&self, customer: Uuid, body: &Value, status: &str) -> String {
        let (code, brand) = json_of(self.register_brand(customer, body).await).await;
        assert_eq!(code, 201, "registering the brand: {brand}");
        let id = brand["id"].as_str().unwrap().to_string();
        let tcr_id = brand["tcrBrandId"].as_str().unwrap().to_string();
        eventually(
            Duration::from_secs(15),
            &format!("brand {id} to be scored {status}"),
            || async {
                let scored = self.sim.handle.deliveries().iter().any(|d| {
                    d.event_type == "BRAND_IDENTITY_STATUS_UPDATE"
                        && d.payload["brandId"] == tcr_id.as_str()
                });
                let brand = self.brand(&id).await;
                // Shown, and read back from TCR (by webhook or poll), not just TCR's first answer.
                let shown = brand["identityStatus"] == status && brand["syncSource"] != "api";
                // Without webhooks only what tendlc shows can be waited for; VERIFIED is final.
                (shown && (scored || status == "VERIFIED")).then_some(())
            },
        )
        .await;
        id
    }

    /// Registers the 2FA campaign fixture for a new brand of `customer`, once TCR has verified
    /// the brand and tendlc shows it (a poll or a webhook must bring the verdict); returns the
    /// campaign as the API answered.
    pub async fn registered_campaign(&self, customer: Uuid, brand_name: &str) -> Value {
        let brand = crate::fixtures::private_brand(brand_name);
        let brand_id = self.scored_brand(customer, &brand, "VERIFIED").await;
        let campaign = crate::fixtures::two_factor_campaign(&brand_id);
        let path = "/v1/messaging/campaigns";
        let (status, body) = self
            .call_for(customer, Method::POST, path, Some(campaign))
            .await;
        assert_eq!(status, 201, "registering the campaign: {body}");
        body
    }

    /// A campaign as the API shows it to a super admin acting for `customer`.
    pub async fn campaign(&self, customer: Uuid, id: &str) -> Value {
        let path = format!("/v1/messaging/campaigns/{id}");
        let (status, body) = self.call_for(customer, Method::GET, &path, None).await;
        assert_eq!(status, 200, "reading campaign {id}: {body}");
        body
    }

    /// Creates a customer and returns its id.
    pub async fn create_customer(&self, ban: &str, tier: &str) -> Uuid {
        let response = self
            .request(Method::POST, "/v1/customers", &self.superadmin())
            .json(&crate::fixtures::customer(ban, tier))
            .send()
            .await
            .expect("create customer");
        let status = response.status();
        let body: Value = response.json().await.unwrap_or(Value::Null);
        assert_eq!(status, 201, "creating customer {ban} failed: {body}");
        Uuid::parse_str(body["id"].as_str().expect("customer id")).unwrap()
    }

    /// Registers a brand as the customer's admin.
    pub async fn register_brand(&self, customer: Uuid, body: &Value) -> Response {
        self.request(
            Method::POST,
            "/v1/messaging/brands",
            &self.token(Role::CustomerAdmin, Some(customer)),
        )
        .json(body)
        .send()
        .await
        .expect("register brand request")
    }

    /// Every event recorded for an aggregate, as (event_type, metadata).
    pub async fn events_of(&self, aggregate_id: &str) -> Vec<(String, Value)> {
        sqlx::query_as(
            "SELECT event_type, metadata FROM events WHERE aggregate_id = $1 ORDER BY sequence",
        )
        .bind(aggregate_id)
        .fetch_all(&self.pool)
        .await
        .expect("read events")
    }

    /// The payloads of one aggregate's events of `event_type`, in order.
    pub async fn payloads_of(&self, aggregate_id: &str, event_type: &str) -> Vec<Value> {
        sqlx::query_scalar(
            "SELECT payload FROM events WHERE aggregate_id = $1 AND event_type = $2 ORDER BY sequence",
        )
        .bind(aggregate_id)
        .bind(event_type)
        .fetch_all(&self.pool)
        .await
        .expect("read event payloads")
    }

    /// A brand as the API shows it (as a super admin).
    pub async fn brand(&self, id: &str) -> Value {
        let response = self
            .request(
                Method::GET,
                &format!("/v1/messaging/brands/{id}"),
                &self.superadmin(),
            )
            .send()
            .await
            .expect("read brand");
        assert_eq!(response.status(), 200, "reading brand {id}");
        response.json().await.expect("brand body")
    }

    /// The whole webhook audit log, newest first (as a super admin).
    pub async fn webhook_log(&self) -> Vec<Value> {
        let response = self
            .request(
                Method::GET,
                "/v1/messaging/webhook-events?perPage=500",
                &self.superadmin(),
            )
            .send()
            .await
            .expect("read webhook log");
        assert_eq!(response.status(), 200, "reading the webhook log");
        let body: Value = response.json().await.expect("webhook log body");
        body["items"].as_array().cloned().unwrap_or_default()
    }

    /// Waits until every webhook delivery the simulator has had an answer for is in the log and
    /// every accepted one is applied, with no new delivery between two looks: after this, a
    /// change made at TCR is found only by what the test does next (a poll, a read), not by a
    /// late webhook re-reading TCR.
    pub async fn webhooks_applied(&self, timeout: Duration) {
        let seen = std::cell::Cell::new(usize::MAX);
        eventually(timeout, "every webhook delivery to be applied", || {
            let seen = &seen;
            async move {
                let answered = self
                    .sim
                    .handle
                    .deliveries()
                    .iter()
                    .filter(|d| d.status.is_some())
                    .count();
                let log = self.webhook_log().await;
                let applied = log.len() >= answered
                    && log
                        .iter()
                        .filter(|d| d["disposition"] == "ACCEPTED")
                        .all(|d| d["processed"] == true);
                let settled = applied && answered == seen.replace(answered);
                settled.then_some(())
            }
        })
        .await;
    }

    /// The refused webhook deliveries kept (newest first), read as an operator.
    pub async fn webhook_refusals(&self) -> Vec<Value> {
        let body = self
            .get_ok("/v1/messaging/webhook-refusals?perPage=500")
            .await;
        body["items"].as_array().cloned().unwrap_or_default()
    }

    /// The refusal counters and limits, read as an operator.
    pub async fn webhook_refusal_counts(&self) -> Value {
        self.get_ok("/v1/messaging/webhook-refusals/counts").await
    }

    /// How many webhook delivery events the event store holds.
    pub async fn webhook_event_count(&self) -> i64 {
        sqlx::query_scalar("SELECT count(*) FROM events WHERE aggregate_type = 'WebhookDelivery'")
            .fetch_one(&self.pool)
            .await
            .expect("count webhook events")
    }

    async fn get_ok(&self, path: &str) -> Value {
        let response = self
            .request(Method::GET, path, &self.superadmin())
            .send()
            .await
            .unwrap_or_else(|e| panic!("GET {path}: {e}"));
        let status = response.status();
        let body: Value = response.json().await.unwrap_or(Value::Null);
        assert_eq!(status, 200, "GET {path}: {body}");
        body
    }

    /// Posts a delivery to our own webhook endpoint, signed the way TCR signs.
    pub async fn deliver_webhook(
        &self,
        base_url: &str,
        path: &str,
        body: &Value,
        signature: Option<&str>,
    ) -> Response {
        let url = format!("{}/webhooks/tcr/{path}", self.base_url);
        let signed = tendlc_adapters::webhook_signature::sign(&self.sim.api_secret, &url, body);
        let mut request = self
            .http
            .post(format!("{base_url}/webhooks/tcr/{path}"))
            .json(body);
        request = request.header("X-Registry-Signature", signature.unwrap_or(&signed));
        request.send().await.expect("deliver webhook")
    }

    pub async fn event_count(&self) -> i64 {
        sqlx::query_scalar("SELECT count(*) FROM events")
            .fetch_one(&self.pool)
            .await
            .expect("count events")
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
        let _ = std::fs::remove_dir_all(&self.outbox);
    }
}

/// A second in-process `serve` sharing a [`TestApp`]'s database.
pub struct Replica {
    pub base_url: String,
    stop: watch::Sender<bool>,
    task: tokio::task::JoinHandle<anyhow::Result<()>>,
}

impl Replica {
    pub async fn shutdown(self) -> anyhow::Result<()> {
        let _ = self.stop.send(true);
        self.task.await.expect("replica task panicked")
    }
}

pub fn mint(secret: &str, role: Role, customer: Option<Uuid>) -> String {
    let keys = TokenKeys::hs256(&SecretString::from(secret.to_string()));
    let exp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        + 3600;
    keys.mint(&Claims::new("test-user", role, customer, exp))
        .expect("mint token")
}

async fn wait_until_healthy(http: &reqwest::Client, base_url: &str) {
    for _ in 0..300 {
        if let Ok(response) = http.get(format!("{base_url}/health")).send().await {
            if response.status().is_success() {
                return;
            }
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("tendlc at {base_url} did not become healthy within 15 s");
}

/// The `tendlc` binary, built once per test run if needed.
pub fn binary() -> PathBuf {
    static BINARY: OnceLock<PathBuf> = OnceLock::new();
    BINARY
        .get_or_init(|| {
            // scripts/test.sh builds it first: building again here would stall every test
            // running beside this one (cargo takes both cores) for nothing.
            if let Some(built) = std::env::var_os("TENDLC_TEST_BINARY").map(PathBuf::from) {
                assert!(
                    built.exists(),
                    "TENDLC_TEST_BINARY {} does not exist",
                    built.display()
                );
                return built;
            }
            let exe = std::env::current_exe().expect("test executable path");
            let target_profile = exe
                .parent()
                .and_then(|deps| deps.parent())
                .expect("target dir")
                .to_path_buf();
            let workspace = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
            let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
            let status = Command::new(cargo)
                .args(["build", "--quiet", "-p", "tendlc-api", "--bin", "tendlc"])
                .current_dir(&workspace)
                .status()
                .expect("run cargo build for the tendlc binary");
            assert!(status.success(), "building the tendlc binary failed");
            let binary = target_profile.join("tendlc");
            assert!(
                binary.exists(),
                "tendlc binary not found at {}",
                binary.display()
            );
            binary
        })
        .clone()
}

/// The real `tendlc serve` process, for tests that must kill it.
pub struct ProcessApp {
    pub base_url: String,
    child: Child,
    /// Where its log goes, when kept for [`Self::log`].
    log: Option<PathBuf>,
}

impl ProcessApp {
    pub async fn start(db_url: &str, sim: &Sim, jwt_secret: &str) -> ProcessApp {
        Self::start_with_env(db_url, sim, jwt_secret, &[]).await
    }

    /// With extra environment settings (e.g. a fast poll schedule).
    pub async fn start_with_env(
        db_url: &str,
        sim: &Sim,
        jwt_secret: &str,
        env: &[(&str, &str)],
    ) -> ProcessApp {
        let stderr = crate::secret_scan::child_log()
            .map(Stdio::from)
            .unwrap_or_else(Stdio::inherit);
        Self::launch(db_url, sim, jwt_secret, env, stderr, None).await
    }

    /// Like [`Self::start_with_env`], keeping what it logs for [`Self::log`].
    pub async fn start_logged(
        db_url: &str,
        sim: &Sim,
        jwt_secret: &str,
        env: &[(&str, &str)],
    ) -> ProcessApp {
        let path = crate::secret_scan::dir()
            .unwrap_or_else(std::env::temp_dir)
            .join(format!(
                "serve-{}-{}.log",
                std::process::id(),
                Uuid::new_v4().simple()
            ));
        let file = std::fs::File::create(&path).expect("create the serve log");
        Self::launch(db_url, sim, jwt_secret, env, file.into(), Some(path)).await
    }

    /// What the process has logged so far (empty unless started with [`Self::start_logged`]).
    pub fn log(&self) -> String {
        self.log
            .as_ref()
            .and_then(|path| std::fs::read_to_string(path).ok())
            .unwrap_or_default()
    }

    async fn launch(
        db_url: &str,
        sim: &Sim,
        jwt_secret: &str,
        env: &[(&str, &str)],
        stderr: Stdio,
        log: Option<PathBuf>,
    ) -> ProcessApp {
        let port = {
            let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            probe.local_addr().unwrap().port()
        };
        let child = Command::new(binary())
            .arg("serve")
            .env("DATABASE_URL", db_url)
            .env("TENDLC_LISTEN", format!("127.0.0.1:{port}"))
            .env("TENDLC_JWT_SECRET", jwt_secret)
            .env("TCR_BASE_URL", &sim.base_url)
            .env("TCR_API_KEY", &sim.api_key)
            .env("TCR_API_SECRET", &sim.api_secret)
            .env("TENDLC_LOG", "info")
            .env("TENDLC_WEBHOOK_SUBSCRIBE", "false")
            .env("TENDLC_WEBHOOK_ALLOW_LOOPBACK", "true")
            .env("TENDLC_MAIL_OUTBOX_DIR", temp_outbox())
            .envs(env.iter().copied())
            .stdout(Stdio::null())
            .stderr(stderr)
            .spawn()
            .expect("start tendlc serve");
        let base_url = format!("http://127.0.0.1:{port}");
        wait_until_healthy(&reqwest::Client::new(), &base_url).await;
        ProcessApp {
            base_url,
            child,
            log,
        }
    }

    /// The operating-system process id (it appears in event metadata as the instance).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// SIGKILL: no graceful anything.
    pub fn kill_9(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for ProcessApp {
    fn drop(&mut self) {
        self.kill_9();
        // A kept log outside the scan directory is only for the test that read it.
        if let (Some(path), None) = (&self.log, crate::secret_scan::dir()) {
            let _ = std::fs::remove_file(path);
        }
    }
}

/// Polls `check` until it returns `Some`, or panics with `what` after `timeout`.
pub async fn eventually<T, F, Fut>(timeout: Duration, what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        if let Some(value) = check().await {
            return value;
        }
        if tokio::time::Instant::now() >= deadline {
            panic!("timed out after {timeout:?} waiting for {what}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// A response's status and JSON body (`null` when the body is not JSON).
pub async fn json_of(response: Response) -> (u16, Value) {
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// Sends a request and returns its status and JSON body.
pub async fn status_and_body(request: RequestBuilder) -> (u16, Value) {
    json_of(request.send().await.expect("request")).await
}
