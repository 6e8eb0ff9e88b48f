//! Refused webhook deliveries (bad signature, not JSON, source not allowed, too large).
//!
//! An unauthenticated sender must not be able to grow permanent storage, so a refusal is never
//! an event. What is kept is bounded three ways: a ring of at most `kept` rows (a new refusal
//! overwrites the oldest slot), an allowance per source and minute (one flooding address cannot
//! push out the evidence of the others), and an age after which rows are pruned. Only a digest
//! of the body is kept, plus the few fields it claimed, shortened. Counters per category and
//! reason always count, kept or not.
mod refused;

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use chrono::{DateTime, Utc};
use sqlx::PgPool;
use tendlc_domain::webhook::SignatureVerdict;

pub use refused::{source_of, RefusedDelivery, CLAIM_CHARS};

/// How much of what is refused is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RefusalLimits {
    /// Rows kept at most (`TENDLC_WEBHOOK_REFUSALS_KEPT`).
    pub kept: i64,
    /// Rows kept per source address (IPv6: per /64) per minute
    /// (`TENDLC_WEBHOOK_REFUSALS_PER_SOURCE_PER_MINUTE`).
    pub per_source_per_minute: i64,
    /// How long a row is kept (`TENDLC_WEBHOOK_REFUSALS_RETENTION_HOURS`).
    pub retention: Duration,
}

impl Default for RefusalLimits {
    fn default() -> Self {
        Self {
            kept: 10_000,
            per_source_per_minute: 60,
            retention: Duration::from_secs(30 * 24 * 3600),
        }
    }
}

/// `SignatureVerdict` as stored (its serde spelling).
fn verdict_text(verdict: SignatureVerdict) -> String {
    serde_json::to_value(verdict)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// The refusal store, with its limits; prunes by age at most once a minute per process.
#[derive(Debug)]
pub struct RefusalStore {
    pool: PgPool,
    limits: RefusalLimits,
    last_pruned: AtomicI64,
}

/// Whether a refusal was kept as a row or only counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kept {
    Row,
    /// The source's allowance for this minute was used up.
    CountedOnly,
}

impl RefusalStore {
    pub fn new(pool: PgPool, limits: RefusalLimits) -> Self {
        Self {
            pool,
            limits,
            last_pruned: AtomicI64::new(0),
        }
    }

    pub fn limits(&self) -> RefusalLimits {
        self.limits
    }

    /// Counts `refusal` and keeps it if its source's allowance for the minute is not used up,
    /// in the ring slot after the last one written (overwriting the oldest when full).
    pub async fn record(&self, refusal: &RefusedDelivery) -> Result<Kept, sqlx::Error> {
        // One statement: every part runs exactly once, whether or not a row is kept.
        let kept: i64 = sqlx::query_scalar(
            "WITH allowance AS (
                INSERT INTO webhook_refusal_sources (source, window_start, seen)
                VALUES ($1, date_trunc('minute', $2::timestamptz), 1)
                ON CONFLICT (source, window_start) DO UPDATE SET seen = webhook_refusal_sources.seen + 1
                RETURNING seen <= $3 AS keep
             ), kept AS (
                INSERT INTO webhook_refusals (slot, category, reason_code, reason, http_status,
                    signature, remote_addr, source, body_sha256, body_bytes, claimed_event_type,
                    claimed_tcr_brand_id, claimed_tcr_campaign_id, user_agent, received_at)
                SELECT nextval('webhook_refusal_slots') % $4, $5, $6, $7, $8, $9, $10, $1, $11,
                       $12, $13, $14, $15, $16, $2
                  FROM allowance WHERE keep
                ON CONFLICT (slot) DO UPDATE SET id = gen_random_uuid(),
                    category = EXCLUDED.category, reason_code = EXCLUDED.reason_code,
                    reason = EXCLUDED.reason, http_status = EXCLUDED.http_status,
                    signature = EXCLUDED.signature, remote_addr = EXCLUDED.remote_addr,
                    source = EXCLUDED.source, body_sha256 = EXCLUDED.body_sha256,
                    body_bytes = EXCLUDED.body_bytes,
                    claimed_event_type = EXCLUDED.claimed_event_type,
                    claimed_tcr_brand_id = EXCLUDED.claimed_tcr_brand_id,
                    claimed_tcr_campaign_id = EXCLUDED.claimed_tcr_campaign_id,
                    user_agent = EXCLUDED.user_agent, received_at = EXCLUDED.received_at
                RETURNING 1
             ), counted AS (
                INSERT INTO webhook_refusal_counts (category, reason_code, refused, kept, first_at, last_at)
                SELECT $5, $6, 1, (SELECT count(*) FROM kept), $2, $2
                ON CONFLICT (category, reason_code) DO UPDATE SET
                    refused = webhook_refusal_counts.refused + 1,
                    kept = webhook_refusal_counts.kept + EXCLUDED.kept,
                    first_at = least(webhook_refusal_counts.first_at, EXCLUDED.first_at),
                    last_at = greatest(webhook_refusal_counts.last_at, EXCLUDED.last_at)
             )
             SELECT count(*) FROM kept",
        )
        .bind(&refusal.source)
        .bind(refusal.received_at)
        .bind(self.limits.per_source_per_minute)
        .bind(self.limits.kept.max(1))
        .bind(refusal.category.as_str())
        .bind(&refusal.reason_code)
        .bind(&refusal.reason)
        .bind(refusal.http_status as i16)
        .bind(verdict_text(refusal.signature))
        .bind(&refusal.remote_addr)
        .bind(&refusal.body_sha256)
        .bind(refusal.body_bytes)
        .bind(&refusal.claimed_event_type)
        .bind(&refusal.claimed_tcr_brand_id)
        .bind(&refusal.claimed_tcr_campaign_id)
        .bind(&refusal.user_agent)
        .fetch_one(&self.pool)
        .await?;
        self.prune_now_and_then().await?;
        Ok(if kept > 0 {
            Kept::Row
        } else {
            Kept::CountedOnly
        })
    }

    async fn prune_now_and_then(&self) -> Result<(), sqlx::Error> {
        let now = Utc::now().timestamp();
        let last = self.last_pruned.load(Ordering::Relaxed);
        if now - last < 60
            || self
                .last_pruned
                .compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed)
                .is_err()
        {
            return Ok(());
        }
        prune(&self.pool, self.limits).await.map(|_| ())
    }
}

/// Drops rows older than the retention or in slots beyond the cap (after it was lowered), and
/// allowance windows that have passed. Returns the refusal rows dropped.
pub async fn prune(pool: &PgPool, limits: RefusalLimits) -> Result<u64, sqlx::Error> {
    sqlx::query(
        "DELETE FROM webhook_refusal_sources WHERE window_start < date_trunc('minute', now())",
    )
    .execute(pool)
    .await?;
    Ok(sqlx::query(
        "DELETE FROM webhook_refusals
          WHERE received_at < now() - make_interval(secs => $1) OR slot >= $2",
    )
    .bind(limits.retention.as_secs_f64())
    .bind(limits.kept.max(1))
    .execute(pool)
    .await?
    .rows_affected())
}

/// One kept refusal, as read back.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct RefusalRow {
    pub id: uuid::Uuid,
    pub category: String,
    pub reason_code: String,
    pub reason: String,
    pub http_status: i16,
    pub signature: String,
    pub remote_addr: Option<String>,
    pub body_sha256: String,
    pub body_bytes: Option<i32>,
    pub claimed_event_type: Option<String>,
    pub claimed_tcr_brand_id: Option<String>,
    pub claimed_tcr_campaign_id: Option<String>,
    pub user_agent: Option<String>,
    pub received_at: DateTime<Utc>,
}

/// How many refusals of one category and reason there were, and how many were kept as rows.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct RefusalCount {
    pub category: String,
    pub reason_code: String,
    pub refused: i64,
    pub kept: i64,
    pub first_at: DateTime<Utc>,
    pub last_at: DateTime<Utc>,
}

/// Which kept refusals to list.
#[derive(Debug, Clone, Default)]
pub struct RefusalFilter {
    pub reason_code: Option<String>,
    pub received_from: Option<DateTime<Utc>>,
    pub received_to: Option<DateTime<Utc>>,
}

/// One page of kept refusals, newest first, and how many match.
pub async fn list(
    pool: &PgPool,
    filter: &RefusalFilter,
    limit: i64,
    offset: i64,
) -> Result<(Vec<RefusalRow>, i64), sqlx::Error> {
    const WHERE: &str = "($1::text IS NULL OR reason_code = $1)
          AND ($2::timestamptz IS NULL OR received_at >= $2)
          AND ($3::timestamptz IS NULL OR received_at < $3)";
    let rows = sqlx::query_as(&format!(
        "SELECT id, category, reason_code, reason, http_status, signature, remote_addr,
                body_sha256, body_bytes, claimed_event_type, claimed_tcr_brand_id,
                claimed_tcr_campaign_id, user_agent, received_at
           FROM webhook_refusals WHERE {WHERE}
          ORDER BY received_at DESC, id LIMIT $4 OFFSET $5"
    ))
    .bind(&filter.reason_code)
    .bind(filter.received_from)
    .bind(filter.received_to)
    .bind(limit)
    .bind(offset)
    .fetch_all(pool)
    .await?;
    let total = sqlx::query_scalar(&format!(
        "SELECT count(*) FROM webhook_refusals WHERE {WHERE}"
    ))
    .bind(&filter.reason_code)
    .bind(filter.received_from)
    .bind(filter.received_to)
    .fetch_one(pool)
    .await?;
    Ok((rows, total))
}

/// Every counter, by category and reason.
pub async fn counts(pool: &PgPool) -> Result<Vec<RefusalCount>, sqlx::Error> {
    sqlx::query_as(
        "SELECT category, reason_code, refused, kept, first_at, last_at
           FROM webhook_refusal_counts ORDER BY category, reason_code",
    )
    .fetch_all(pool)
    .await
}
