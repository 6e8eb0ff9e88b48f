//! Configuration, from the environment only (12-factor). Every setting has its README entry.
use std::net::SocketAddr;
use std::time::Duration;

use secrecy::SecretString;
use tendlc_projections::reports::fees::Prices;
use tendlc_projections::retries::RetrySchedule;

/// Default database for a local run (the machine's Postgres with trust or `postgres` password).
pub const DEFAULT_DATABASE_URL: &str = "postgres://postgres:postgres@127.0.0.1:5432/tendlc";
/// Default TCR endpoint: the bundled simulator (`tendlc tcr-sim`).
pub const DEFAULT_TCR_BASE_URL: &str = "http://127.0.0.1:8081/v2";
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{name} is not set: {hint}")]
    Missing {
        name: &'static str,
        hint: &'static str,
    },
    #[error("{name} is invalid: {reason}")]
    Invalid { name: &'static str, reason: String },
}

/// Everything `serve` needs. `Debug` redacts secrets.
#[derive(Debug, Clone)]
pub struct Config {
    pub database_url: SecretString,
    pub database_max_connections: u32,
    /// Postgres cuts off any statement of the serving pool after this (0 = never).
    pub database_statement_timeout: Duration,
    pub listen: SocketAddr,
    /// How bearer tokens are checked.
    pub tokens: crate::http::auth::TokenKeys,
    pub tcr_base_url: String,
    pub tcr_api_key: SecretString,
    pub tcr_api_secret: SecretString,
    pub tcr_timeout: Duration,
    /// TCR's published limits: reads per second, writes per 10 seconds.
    pub tcr_read_rate_per_sec: u32,
    pub tcr_write_rate_per_10s: u32,
    pub webhooks: WebhookConfig,
    pub sync: SyncConfig,
    /// Browser origins (the operator portal) allowed to call the API; empty allows none.
    pub cors_origins: Vec<String>,
    /// Submissions (registrations, updates) one customer may make per minute; 0 = unlimited.
    pub submissions_per_minute: u32,
    /// Terminate TLS here (certificate and key files); `None` serves plain HTTP (behind an ingress).
    pub tls: Option<crate::http::tls::TlsConfig>,
    /// Time and size bounds on every inbound request.
    pub inbound: InboundLimits,
    /// Where notification mails go and what they say of the operator.
    pub mail: MailConfig,
    /// TCR's prices for what it bills but does not report (the cost ledger).
    pub fees: Prices,
}

/// Where notification mails go (`TENDLC_MAIL_SENDER`).
#[derive(Debug, Clone)]
pub enum MailSender {
    /// One `.eml` file per mail in this folder (the default: nothing leaves the machine).
    Outbox { dir: std::path::PathBuf },
    /// SendGrid's v3 API at `base_url` (its real address unless a stand-in is named).
    SendGrid {
        base_url: String,
        api_key: SecretString,
    },
    /// An SMTP server, as a lettre URL (`smtps://user:password@host:465`, `smtp://host:587?tls=required`).
    Smtp { url: SecretString },
}

/// Notification mails: the sender, who they come from, and how hard to try.
#[derive(Debug, Clone)]
pub struct MailConfig {
    pub sender: MailSender,
    pub from_email: String,
    pub from_name: String,
    /// The operator's name in every mail.
    pub operator_name: String,
    /// A brand's and a campaign's page (`{id}` is replaced); `None`: this service's API.
    pub brand_link: Option<String>,
    pub campaign_link: Option<String>,
    /// Attempts at one mail while the provider is busy or failing, before it is dead-lettered.
    pub max_attempts: u32,
    /// First wait before trying again; doubles per attempt, at most an hour.
    pub retry_base: Duration,
    /// A sender's hold on one mail: how long a mail waits when its sender died mid-send.
    pub lease: Duration,
    /// The longest one call to the provider may take (below `lease`).
    pub timeout: Duration,
    /// Whether this process sends mails (`false` for API-only replicas; others send).
    pub send_here: bool,
}

impl MailConfig {
    /// Mails into `dir`, tried a few times quickly (tests and local runs).
    pub fn outbox(dir: impl Into<std::path::PathBuf>) -> Self {
        Self {
            sender: MailSender::Outbox { dir: dir.into() },
            from_email: "notifications@tendlc.localhost".into(),
            from_name: "tendlc".into(),
            operator_name: "tendlc".into(),
            brand_link: None,
            campaign_link: None,
            max_attempts: 8,
            retry_base: Duration::from_secs(5),
            lease: Duration::from_secs(60),
            timeout: Duration::from_secs(10),
            send_here: true,
        }
    }
}

/// Bounds on every inbound connection and request, so a slow or stalled client cannot hold a
/// connection or a handler for ever.
#[derive(Debug, Clone)]
pub struct InboundLimits {
    /// An HTTP/1 request's headers must arrive within this from its first byte, or from the
    /// previous answer on a kept-alive connection; otherwise the connection is closed.
    pub header_read_timeout: Duration,
    /// The whole request body must arrive within this once the headers have; otherwise 408.
    pub body_read_timeout: Duration,
    /// A request must be answered within this once its body is in; otherwise 503. Above the TCR
    /// budget, so a slow TCR answers first with its own 504.
    pub request_timeout: Duration,
    /// A write is answered within this: with its outcome when TCR has answered by then, else
    /// 202 with the record while the work goes on. Below `request_timeout`, so a write whose
    /// request is recorded is never answered with the bare 503.
    pub answer_within: Duration,
    /// The largest request body (413 beyond).
    pub max_body_bytes: usize,
    /// The live feed's connections (`GET /ws`).
    pub live: LiveLimits,
}

/// Bounds on each live feed connection.
#[derive(Debug, Clone)]
pub struct LiveLimits {
    /// A ping is sent this often (`TENDLC_WS_HEARTBEAT_SECS`).
    pub heartbeat: Duration,
    /// A client heard from (a pong or any frame) less often than this is closed
    /// (`TENDLC_WS_IDLE_TIMEOUT_SECS`); a write that does not go through within it too.
    pub idle_timeout: Duration,
    /// Changes queued for one client at most (`TENDLC_WS_QUEUE`); one that falls further
    /// behind is told `lagged` and closed.
    pub queue: usize,
}

impl Default for LiveLimits {
    fn default() -> Self {
        Self {
            heartbeat: Duration::from_secs(20),
            idle_timeout: Duration::from_secs(60),
            queue: 1024,
        }
    }
}

impl Default for InboundLimits {
    fn default() -> Self {
        Self {
            header_read_timeout: Duration::from_secs(10),
            body_read_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(15),
            answer_within: Duration::from_secs(9),
            max_body_bytes: 256 * 1024,
            live: LiveLimits::default(),
        }
    }
}

/// How webhook signatures are treated (`enforce`, `warn`, `off`).
pub use tendlc_adapters::webhook_intake::SignatureMode;
pub use tendlc_adapters::webhook_refusals::RefusalLimits;

/// The webhook receivers.
#[derive(Debug, Clone)]
pub struct WebhookConfig {
    /// Where TCR reaches this service; webhook URLs are this plus `/webhooks/tcr/...`.
    pub public_url: String,
    /// Whether `public_url` was configured, rather than made up from the listen address.
    pub public_url_set: bool,
    pub signature: SignatureMode,
    /// Source addresses allowed to deliver; empty allows any.
    pub allowed_ips: Vec<std::net::IpAddr>,
    pub max_body_bytes: usize,
    /// Subscribe the webhook URLs with TCR (done by the sync leader).
    pub subscribe: bool,
    /// Subscribe a loopback or unset public URL too (local runs and tests, where TCR is the
    /// simulator on the same machine).
    pub allow_loopback: bool,
    /// How much of what is refused is kept (never as events).
    pub refusals: RefusalLimits,
}

impl WebhookConfig {
    /// A local run's receivers: `public_url` on this machine, subscribed although loopback.
    pub fn local(public_url: String) -> Self {
        Self {
            public_url,
            public_url_set: true,
            signature: SignatureMode::Enforce,
            allowed_ips: vec![],
            max_body_bytes: 64 * 1024,
            subscribe: true,
            allow_loopback: true,
            refusals: RefusalLimits::default(),
        }
    }

    /// Why the public URL must not be subscribed with TCR, if it must not: unset (made up from
    /// the listen address) or loopback, unless allowed; not an `http(s)` URL with a host.
    pub fn subscription_refusal(&self) -> Option<String> {
        let uri: axum::http::Uri = match self.public_url.parse() {
            Ok(uri) => uri,
            Err(e) => return Some(format!("TENDLC_PUBLIC_URL is not a URL: {e}")),
        };
        let (Some(scheme), Some(host)) = (uri.scheme_str(), uri.host()) else {
            return Some("TENDLC_PUBLIC_URL is not an absolute http(s) URL".into());
        };
        if !matches!(scheme, "http" | "https") {
            return Some(format!(
                "TENDLC_PUBLIC_URL has scheme {scheme}, not http(s)"
            ));
        }
        if self.allow_loopback {
            return None;
        }
        if !self.public_url_set {
            return Some(
                "TENDLC_PUBLIC_URL is not set, and the listen address it defaults to is not where \
                 TCR reaches this service (TENDLC_WEBHOOK_ALLOW_LOOPBACK=true allows it for local runs)"
                    .into(),
            );
        }
        if is_loopback_host(host) {
            return Some(format!(
                "{host} is a loopback address TCR cannot reach (TENDLC_WEBHOOK_ALLOW_LOOPBACK=true \
                 allows it for local runs)"
            ));
        }
        None
    }

    /// The URL TCR posts `category` deliveries to (and signs).
    pub fn url_for(&self, path: &str) -> String {
        format!(
            "{}/webhooks/tcr/{path}",
            self.public_url.trim_end_matches('/')
        )
    }
}

/// `localhost`, `*.localhost`, 127.0.0.0/8, `::1`, or the unspecified address.
fn is_loopback_host(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    match host.parse::<std::net::IpAddr>() {
        Ok(ip) => ip.is_loopback() || ip.is_unspecified(),
        Err(_) => {
            let host = host.trim_end_matches('.').to_ascii_lowercase();
            host == "localhost" || host.ends_with(".localhost")
        }
    }
}

/// The poller, the submission retrier and the webhook worker.
#[derive(Debug, Clone)]
pub struct SyncConfig {
    /// Brands not yet verified are re-read this often.
    pub poll_unverified: Duration,
    /// Campaigns in carrier review (once campaigns exist).
    pub poll_campaign_review: Duration,
    /// Everything active.
    pub poll_active: Duration,
    /// TCR's list of campaigns other CSPs shared with the operator is read this often (TCR
    /// sends no webhook for a new share with us).
    pub poll_partner: Duration,
    /// How often the workers look for due work.
    pub tick: Duration,
    /// A submission with no recorded outcome is left alone this long (the API may still be waiting).
    pub retry_grace: Duration,
    /// First retry delay; doubles per attempt, capped at one hour.
    pub retry_base: Duration,
    /// Attempts before a submission is abandoned.
    pub retry_max_attempts: u32,
    /// Due registrations one retry pass takes (brands, and campaigns likewise), the longest due
    /// first; the rest wait for the next pass.
    pub retry_batch: i64,
    /// First delay before a webhook that could not be applied yet is tried again; doubles.
    pub webhook_retry_base: Duration,
    /// How long a worker holds a webhook delivery without renewing (it renews every third of
    /// it while working): how long a delivery waits when its worker died.
    pub webhook_lease: Duration,
    /// Whether this process may become the (single) poller and retrier.
    pub leader_eligible: bool,
    /// How long the answers kept for `Idempotency-Key`s are kept (at least a day).
    pub idempotency_retention: Duration,
}

impl Default for SyncConfig {
    fn default() -> Self {
        Self {
            poll_unverified: Duration::from_secs(15 * 60),
            poll_campaign_review: Duration::from_secs(5 * 60),
            poll_active: Duration::from_secs(24 * 3600),
            poll_partner: Duration::from_secs(5 * 60),
            tick: Duration::from_secs(5),
            retry_grace: Duration::from_secs(60),
            retry_base: Duration::from_secs(30),
            retry_max_attempts: 10,
            retry_batch: 200,
            webhook_retry_base: Duration::from_secs(15),
            webhook_lease: Duration::from_secs(30),
            leader_eligible: true,
            idempotency_retention: Duration::from_secs(24 * 3600),
        }
    }
}

impl SyncConfig {
    /// When a pending registration is tried again: after the grace, then the base doubled per
    /// attempt, at most an hour apart.
    pub fn retry_schedule(&self) -> RetrySchedule {
        RetrySchedule {
            grace: self.retry_grace,
            base: self.retry_base,
            cap: Duration::from_secs(3600),
        }
    }
}

/// TCR's prices for what it bills but does not report, in USD cents (`TENDLC_FEE_*_CENTS`;
/// the defaults are the pass-through prices partners publish). Campaign monthly fees are
/// TCR's own; `TENDLC_FEE_CAMPAIGN_MONTHLY_CENTS` is used only when TCR quoted none.
pub fn fee_prices() -> Result<Prices, ConfigError> {
    let defaults = Prices::default();
    let cents = |name: &'static str, default: i64| -> Result<i64, ConfigError> {
        match parsed(name, default)? {
            n if n >= 0 => Ok(n),
            n => Err(ConfigError::Invalid {
                name,
                reason: format!("{n} is negative"),
            }),
        }
    };
    Ok(Prices {
        brand_registration: cents(
            "TENDLC_FEE_BRAND_REGISTRATION_CENTS",
            defaults.brand_registration,
        )?,
        brand_revet: cents("TENDLC_FEE_BRAND_REVET_CENTS", defaults.brand_revet)?,
        vetting_standard: cents(
            "TENDLC_FEE_VETTING_STANDARD_CENTS",
            defaults.vetting_standard,
        )?,
        vetting_enhanced: cents(
            "TENDLC_FEE_VETTING_ENHANCED_CENTS",
            defaults.vetting_enhanced,
        )?,
        vetting_political: cents(
            "TENDLC_FEE_VETTING_POLITICAL_CENTS",
            defaults.vetting_political,
        )?,
        campaign_monthly: cents(
            "TENDLC_FEE_CAMPAIGN_MONTHLY_CENTS",
            defaults.campaign_monthly,
        )?,
    })
}

fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

fn required_secret(name: &'static str, hint: &'static str) -> Result<SecretString, ConfigError> {
    var(name)
        .map(SecretString::from)
        .ok_or(ConfigError::Missing { name, hint })
}

/// A whole number of at least one.
fn at_least_one(name: &'static str, default: i64) -> Result<i64, ConfigError> {
    match parsed(name, default)? {
        n if n >= 1 => Ok(n),
        n => Err(ConfigError::Invalid {
            name,
            reason: format!("{n} is less than 1"),
        }),
    }
}

fn parsed<T: std::str::FromStr>(name: &'static str, default: T) -> Result<T, ConfigError>
where
    T::Err: std::fmt::Display,
{
    match var(name) {
        None => Ok(default),
        Some(text) => text
            .trim()
            .parse()
            .map_err(|e: T::Err| ConfigError::Invalid {
                name,
                reason: e.to_string(),
            }),
    }
}

fn read_file(name: &'static str) -> Result<Option<String>, ConfigError> {
    var(name)
        .map(|path| {
            std::fs::read_to_string(&path).map_err(|e| ConfigError::Invalid {
                name,
                reason: format!("cannot read {path}: {e}"),
            })
        })
        .transpose()
}

/// Token checking: HS256 with `TENDLC_JWT_SECRET` and/or RS256 with `TENDLC_JWT_PUBLIC_KEY_FILE`
/// or `TENDLC_JWT_JWKS_FILE`; optional issuer and audience; bounded clock skew.
pub fn token_keys() -> Result<crate::http::auth::TokenKeys, ConfigError> {
    let mut keys = match var("TENDLC_JWT_SECRET") {
        Some(_) => crate::http::auth::TokenKeys::hs256(&jwt_secret()?),
        None => crate::http::auth::TokenKeys::none(),
    };
    let pem = read_file("TENDLC_JWT_PUBLIC_KEY_FILE")?;
    let jwks = read_file("TENDLC_JWT_JWKS_FILE")?;
    let audience = var("TENDLC_JWT_AUDIENCE");
    // An identity provider signs tokens for other services too: only the audience tells ours.
    if (pem.is_some() || jwks.is_some()) && audience.is_none() {
        return Err(ConfigError::Missing {
            name: "TENDLC_JWT_AUDIENCE",
            hint: "RS256 tokens (TENDLC_JWT_PUBLIC_KEY_FILE / TENDLC_JWT_JWKS_FILE) must name \
                   tendlc as their audience, or a token your identity provider issued for another \
                   service would be accepted here; set it to the `aud` your provider puts in \
                   tokens for tendlc",
        });
    }
    if let Some(pem) = pem {
        keys = keys
            .with_rsa_public_pem(pem.as_bytes())
            .map_err(|reason| ConfigError::Invalid {
                name: "TENDLC_JWT_PUBLIC_KEY_FILE",
                reason,
            })?;
    }
    if let Some(jwks) = jwks {
        keys = keys
            .with_jwks(&jwks)
            .map_err(|reason| ConfigError::Invalid {
                name: "TENDLC_JWT_JWKS_FILE",
                reason,
            })?;
    }
    if keys.is_empty() {
        return Err(ConfigError::Missing {
            name: "TENDLC_JWT_SECRET",
            hint: "set it (HS256, at least 32 characters), or TENDLC_JWT_PUBLIC_KEY_FILE / TENDLC_JWT_JWKS_FILE for RS256",
        });
    }
    let leeway: u64 = parsed(
        "TENDLC_JWT_LEEWAY_SECS",
        crate::http::auth::DEFAULT_LEEWAY_SECONDS,
    )?;
    if leeway > crate::http::auth::MAX_LEEWAY_SECONDS {
        return Err(ConfigError::Invalid {
            name: "TENDLC_JWT_LEEWAY_SECS",
            reason: format!(
                "at most {} seconds of clock skew are tolerated",
                crate::http::auth::MAX_LEEWAY_SECONDS
            ),
        });
    }
    Ok(keys
        .with_issuer(var("TENDLC_JWT_ISSUER"))
        .with_audience(audience)
        .with_leeway(leeway))
}

/// The JWT secret alone (for `tendlc token`).
pub fn jwt_secret() -> Result<SecretString, ConfigError> {
    let secret = required_secret(
        "TENDLC_JWT_SECRET",
        "set it to a long random string (at least 32 characters)",
    )?;
    if secrecy::ExposeSecret::expose_secret(&secret).len() < 32 {
        return Err(ConfigError::Invalid {
            name: "TENDLC_JWT_SECRET",
            reason: "must be at least 32 characters".into(),
        });
    }
    Ok(secret)
}

/// The database URL, for commands that need only the database.
pub fn database_url() -> SecretString {
    SecretString::from(var("DATABASE_URL").unwrap_or_else(|| DEFAULT_DATABASE_URL.to_string()))
}

/// TCR credentials (for `serve` and `tcr-sim`).
pub fn tcr_credentials() -> Result<(SecretString, SecretString), ConfigError> {
    Ok((
        required_secret(
            "TCR_API_KEY",
            "the CSP API key from TCR (for tcr-sim: any value, shared with serve)",
        )?,
        required_secret(
            "TCR_API_SECRET",
            "the CSP API secret from TCR (for tcr-sim: any value, shared with serve)",
        )?,
    ))
}

/// `TENDLC_MAIL_*`, `SENDGRID_API_KEY`, `TENDLC_SMTP_URL`.
pub fn mail_config() -> Result<MailConfig, ConfigError> {
    let sender = match var("TENDLC_MAIL_SENDER").as_deref().map(str::trim) {
        None | Some("outbox") => MailSender::Outbox {
            dir: var("TENDLC_MAIL_OUTBOX_DIR")
                .unwrap_or_else(|| DEFAULT_OUTBOX_DIR.to_string())
                .into(),
        },
        Some("sendgrid") => MailSender::SendGrid {
            base_url: var("TENDLC_SENDGRID_URL").unwrap_or_else(|| {
                tendlc_adapters::mail::sendgrid::DEFAULT_BASE_URL.to_string()
            }),
            api_key: required_secret(
                "SENDGRID_API_KEY",
                "TENDLC_MAIL_SENDER=sendgrid needs a SendGrid API key with the Mail Send permission",
            )?,
        },
        Some("smtp") => MailSender::Smtp {
            url: required_secret(
                "TENDLC_SMTP_URL",
                "TENDLC_MAIL_SENDER=smtp needs the server as a URL, e.g. smtps://user:password@smtp.example.com:465",
            )?,
        },
        Some(other) => {
            return Err(ConfigError::Invalid {
                name: "TENDLC_MAIL_SENDER",
                reason: format!("'{other}' is not one of outbox, sendgrid, smtp"),
            })
        }
    };
    let operator_name = var("TENDLC_OPERATOR_NAME").unwrap_or_else(|| "tendlc".to_string());
    let link = |name: &'static str| -> Result<Option<String>, ConfigError> {
        match var(name) {
            Some(link) if !link.contains("{id}") => Err(ConfigError::Invalid {
                name,
                reason: "must contain {id}, where the brand's or campaign's id goes".into(),
            }),
            other => Ok(other),
        }
    };
    let max_attempts: u32 = parsed("TENDLC_MAIL_MAX_ATTEMPTS", 8)?;
    if max_attempts == 0 {
        return Err(ConfigError::Invalid {
            name: "TENDLC_MAIL_MAX_ATTEMPTS",
            reason: "must be at least 1".into(),
        });
    }
    let config = MailConfig {
        sender,
        from_email: var("TENDLC_MAIL_FROM")
            .unwrap_or_else(|| "notifications@tendlc.localhost".into()),
        from_name: var("TENDLC_MAIL_FROM_NAME").unwrap_or_else(|| operator_name.clone()),
        operator_name,
        brand_link: link("TENDLC_MAIL_BRAND_LINK")?,
        campaign_link: link("TENDLC_MAIL_CAMPAIGN_LINK")?,
        max_attempts,
        retry_base: Duration::from_millis(parsed("TENDLC_MAIL_RETRY_BASE_MS", 5_000u64)?),
        lease: Duration::from_millis(parsed("TENDLC_MAIL_LEASE_MS", 60_000u64)?),
        timeout: Duration::from_millis(parsed("TENDLC_MAIL_TIMEOUT_MS", 10_000u64)?),
        send_here: parsed("TENDLC_MAIL_SEND", true)?,
    };
    if tendlc_domain::values::Email::parse(&config.from_email).is_err() {
        return Err(ConfigError::Invalid {
            name: "TENDLC_MAIL_FROM",
            reason: format!("'{}' is not an e-mail address", config.from_email),
        });
    }
    if config.timeout >= config.lease {
        return Err(ConfigError::Invalid {
            name: "TENDLC_MAIL_TIMEOUT_MS",
            reason: format!(
                "must be shorter than TENDLC_MAIL_LEASE_MS ({} ms), so no other sender takes a mail while it is being sent",
                config.lease.as_millis()
            ),
        });
    }
    Ok(config)
}

/// Where the outbox sender writes mails unless `TENDLC_MAIL_OUTBOX_DIR` says otherwise.
pub const DEFAULT_OUTBOX_DIR: &str = ".tendlc/outbox";

impl Config {
    pub fn from_env() -> Result<Config, ConfigError> {
        let (tcr_api_key, tcr_api_secret) = tcr_credentials()?;
        let listen: SocketAddr = parsed(
            "TENDLC_LISTEN",
            DEFAULT_LISTEN.parse().expect("valid default"),
        )?;
        let tcr_timeout = Duration::from_millis(parsed("TCR_TIMEOUT_MS", 8000u64)?);
        let millis = |name: &'static str, default: u64| -> Result<Duration, ConfigError> {
            let value = Duration::from_millis(parsed(name, default)?);
            if value.is_zero() {
                return Err(ConfigError::Invalid {
                    name,
                    reason: "must be more than 0".into(),
                });
            }
            Ok(value)
        };
        let inbound = InboundLimits {
            header_read_timeout: millis("TENDLC_HEADER_READ_TIMEOUT_MS", 10_000)?,
            body_read_timeout: millis("TENDLC_BODY_READ_TIMEOUT_MS", 10_000)?,
            request_timeout: millis("TENDLC_REQUEST_TIMEOUT_MS", 15_000)?,
            answer_within: millis("TENDLC_ANSWER_WITHIN_MS", 9_000)?,
            live: LiveLimits {
                heartbeat: Duration::from_secs(at_least_one("TENDLC_WS_HEARTBEAT_SECS", 20)? as u64),
                idle_timeout: Duration::from_secs(
                    at_least_one("TENDLC_WS_IDLE_TIMEOUT_SECS", 60)? as u64
                ),
                queue: at_least_one("TENDLC_WS_QUEUE", 1024)? as usize,
            },
            ..InboundLimits::default()
        };
        if inbound.live.idle_timeout <= inbound.live.heartbeat {
            return Err(ConfigError::Invalid {
                name: "TENDLC_WS_IDLE_TIMEOUT_SECS",
                reason: format!(
                    "must be longer than TENDLC_WS_HEARTBEAT_SECS ({} s), so a client is pinged before it is given up on",
                    inbound.live.heartbeat.as_secs()
                ),
            });
        }
        if inbound.answer_within >= inbound.request_timeout {
            return Err(ConfigError::Invalid {
                name: "TENDLC_ANSWER_WITHIN_MS",
                reason: format!(
                    "must be shorter than TENDLC_REQUEST_TIMEOUT_MS ({} ms), so a write is answered before the request deadline",
                    inbound.request_timeout.as_millis()
                ),
            });
        }
        let idempotency_retention_hours: u64 = parsed("TENDLC_IDEMPOTENCY_RETENTION_HOURS", 24)?;
        if idempotency_retention_hours < 24 {
            return Err(ConfigError::Invalid {
                name: "TENDLC_IDEMPOTENCY_RETENTION_HOURS",
                reason: "Idempotency-Keys are kept at least 24 hours".into(),
            });
        }
        if inbound.request_timeout <= tcr_timeout {
            return Err(ConfigError::Invalid {
                name: "TENDLC_REQUEST_TIMEOUT_MS",
                reason: format!(
                    "must be longer than TCR_TIMEOUT_MS ({} ms), so a slow TCR is answered as such",
                    tcr_timeout.as_millis()
                ),
            });
        }
        Ok(Config {
            database_url: database_url(),
            database_max_connections: parsed("TENDLC_DB_MAX_CONNECTIONS", 10)?,
            database_statement_timeout: Duration::from_millis(parsed(
                "TENDLC_DB_STATEMENT_TIMEOUT_MS",
                30_000u64,
            )?),
            inbound,
            listen,
            tokens: token_keys()?,
            tcr_base_url: var("TCR_BASE_URL").unwrap_or_else(|| DEFAULT_TCR_BASE_URL.to_string()),
            tcr_api_key,
            tcr_api_secret,
            tcr_timeout,
            tcr_read_rate_per_sec: parsed("TCR_READ_RATE_PER_SEC", 20)?,
            tcr_write_rate_per_10s: parsed("TCR_WRITE_RATE_PER_10S", 20)?,
            webhooks: WebhookConfig {
                signature: match var("TENDLC_WEBHOOK_SIGNATURE").as_deref().map(str::trim) {
                    None | Some("enforce") => SignatureMode::Enforce,
                    Some("warn") => SignatureMode::Warn,
                    Some("off") => SignatureMode::Off,
                    Some(other) => {
                        return Err(ConfigError::Invalid {
                            name: "TENDLC_WEBHOOK_SIGNATURE",
                            reason: format!("'{other}' is not one of enforce, warn, off"),
                        })
                    }
                },
                allowed_ips: match var("TENDLC_WEBHOOK_ALLOWED_IPS") {
                    None => vec![],
                    Some(list) => list
                        .split(',')
                        .map(str::trim)
                        .filter(|ip| !ip.is_empty())
                        .map(|ip| {
                            ip.parse().map_err(|_| ConfigError::Invalid {
                                name: "TENDLC_WEBHOOK_ALLOWED_IPS",
                                reason: format!("'{ip}' is not an IP address"),
                            })
                        })
                        .collect::<Result<_, _>>()?,
                },
                max_body_bytes: parsed("TENDLC_WEBHOOK_MAX_BYTES", 64 * 1024)?,
                subscribe: parsed("TENDLC_WEBHOOK_SUBSCRIBE", true)?,
                allow_loopback: parsed("TENDLC_WEBHOOK_ALLOW_LOOPBACK", false)?,
                refusals: RefusalLimits {
                    kept: at_least_one("TENDLC_WEBHOOK_REFUSALS_KEPT", 10_000)?,
                    per_source_per_minute: parsed(
                        "TENDLC_WEBHOOK_REFUSALS_PER_SOURCE_PER_MINUTE",
                        60,
                    )?,
                    retention: Duration::from_secs(
                        3600 * at_least_one("TENDLC_WEBHOOK_REFUSALS_RETENTION_HOURS", 720)? as u64,
                    ),
                },
                public_url_set: var("TENDLC_PUBLIC_URL").is_some(),
                public_url: var("TENDLC_PUBLIC_URL").unwrap_or_else(|| format!("http://{listen}")),
            },
            sync: SyncConfig {
                poll_unverified: Duration::from_secs(parsed("TENDLC_POLL_UNVERIFIED_SECS", 900)?),
                poll_campaign_review: Duration::from_secs(parsed(
                    "TENDLC_POLL_CAMPAIGN_REVIEW_SECS",
                    300,
                )?),
                poll_active: Duration::from_secs(parsed("TENDLC_POLL_ACTIVE_SECS", 86_400)?),
                poll_partner: Duration::from_secs(parsed("TENDLC_POLL_PARTNER_SECS", 300)?),
                tick: Duration::from_millis(parsed("TENDLC_SYNC_TICK_MS", 5000)?),
                retry_grace: Duration::from_secs(parsed("TENDLC_RETRY_GRACE_SECS", 60)?),
                retry_base: Duration::from_secs(parsed("TENDLC_RETRY_BASE_SECS", 30)?),
                retry_max_attempts: parsed("TENDLC_RETRY_MAX_ATTEMPTS", 10)?,
                retry_batch: match parsed("TENDLC_RETRY_BATCH", 200i64)? {
                    batch if batch > 0 => batch,
                    _ => {
                        return Err(ConfigError::Invalid {
                            name: "TENDLC_RETRY_BATCH",
                            reason: "must be more than 0".into(),
                        })
                    }
                },
                webhook_retry_base: Duration::from_millis(parsed(
                    "TENDLC_WEBHOOK_RETRY_BASE_MS",
                    15_000,
                )?),
                webhook_lease: millis("TENDLC_WEBHOOK_LEASE_MS", 30_000)?,
                leader_eligible: parsed("TENDLC_SYNC_LEADER", true)?,
                idempotency_retention: Duration::from_secs(idempotency_retention_hours * 3600),
            },
            cors_origins: var("TENDLC_CORS_ORIGINS")
                .map(|list| {
                    list.split(',')
                        .map(|o| o.trim().trim_end_matches('/').to_string())
                        .filter(|o| !o.is_empty())
                        .collect()
                })
                .unwrap_or_default(),
            submissions_per_minute: parsed("TENDLC_SUBMISSIONS_PER_MINUTE", 30)?,
            mail: mail_config()?,
            fees: fee_prices()?,
            tls: match (var("TENDLC_TLS_CERT_FILE"), var("TENDLC_TLS_KEY_FILE")) {
                (None, None) => None,
                (Some(cert), Some(key)) => Some(crate::http::tls::TlsConfig {
                    cert_path: cert.into(),
                    key_path: key.into(),
                    reload_every: Duration::from_secs(parsed("TENDLC_TLS_RELOAD_SECS", 30)?),
                }),
                (Some(_), None) => {
                    return Err(ConfigError::Missing {
                        name: "TENDLC_TLS_KEY_FILE",
                        hint: "TLS needs the key file with the certificate",
                    })
                }
                (None, Some(_)) => {
                    return Err(ConfigError::Missing {
                        name: "TENDLC_TLS_CERT_FILE",
                        hint: "TLS needs the certificate file with the key",
                    })
                }
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn receivers(public_url: &str, set: bool, allow_loopback: bool) -> WebhookConfig {
        WebhookConfig {
            public_url_set: set,
            allow_loopback,
            ..WebhookConfig::local(public_url.into())
        }
    }

    #[test]
    fn a_public_url_is_subscribed() {
        let config = receivers("https://tendlc.example.com", true, false);
        assert_eq!(config.subscription_refusal(), None);
    }

    #[test]
    fn a_loopback_url_is_refused_unless_allowed() {
        for url in [
            "http://127.0.0.1:8080",
            "http://127.3.2.1",
            "http://[::1]:8080",
            "http://localhost:8080/",
            "http://api.localhost",
            "http://0.0.0.0:8080",
        ] {
            let refusal = receivers(url, true, false).subscription_refusal();
            assert!(
                refusal.as_deref().is_some_and(|r| r.contains("loopback")),
                "{url}: {refusal:?}"
            );
            assert_eq!(
                receivers(url, true, true).subscription_refusal(),
                None,
                "{url}"
            );
        }
    }

    #[test]
    fn an_unset_public_url_is_refused_unless_loopback_is_allowed() {
        let refusal = receivers("http://10.0.0.5:8080", false, false).subscription_refusal();
        assert!(
            refusal
                .as_deref()
                .is_some_and(|r| r.contains("TENDLC_PUBLIC_URL is not set")),
            "{refusal:?}"
        );
        assert_eq!(
            receivers("http://127.0.0.1:8080", false, true).subscription_refusal(),
            None
        );
    }

    #[test]
    fn a_public_url_that_is_not_http_is_refused_even_when_loopback_is_allowed() {
        for url in [
            "ftp://tendlc.example.com",
            "tendlc.example.com/hooks",
            "not a url",
        ] {
            assert!(
                receivers(url, true, true).subscription_refusal().is_some(),
                "{url}"
            );
        }
    }
}
