//! The answers kept for `Idempotency-Key`s: one row per (scope, key), claimed by the first
//! request before it runs (so a concurrent second one never runs it too), then holding that
//! request's answer until the retention passes.
use std::time::Duration;

use sqlx::PgPool;

/// An answer as it is kept and replayed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeptAnswer {
    pub status: u16,
    /// The headers that matter (`Location`, `Content-Type`), lower-case names.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

/// A key's row: the fingerprint it was first used with, and the answer kept (if any yet).
type KeyRow = (
    String,
    Option<i16>,
    Option<serde_json::Value>,
    Option<Vec<u8>>,
);

/// What a key holds when a request could not claim it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Held {
    /// First used with another request (another method, path or body).
    OtherRequest,
    /// The first request with this key has not answered yet.
    InProgress,
    Answered(KeptAnswer),
}

/// Whether a request may run under its key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    /// The key is new: this request runs, then [`keep`]s its answer (or [`release`]s the key).
    Claimed,
    Held(Held),
}

/// Claims `key` for the request whose `fingerprint` is given, or says what the key holds.
pub async fn claim(
    pool: &PgPool,
    scope: &str,
    key: &str,
    fingerprint: &str,
) -> Result<Claim, sqlx::Error> {
    // A key released between our insert and our look is simply claimed on the next round.
    for _ in 0..3 {
        let inserted = sqlx::query(
            "INSERT INTO idempotency_keys (scope, key, fingerprint) VALUES ($1, $2, $3)
             ON CONFLICT (scope, key) DO NOTHING",
        )
        .bind(scope)
        .bind(key)
        .bind(fingerprint)
        .execute(pool)
        .await?
        .rows_affected();
        if inserted == 1 {
            return Ok(Claim::Claimed);
        }
        if let Some(held) = look(pool, scope, key, fingerprint).await? {
            return Ok(Claim::Held(held));
        }
    }
    Ok(Claim::Held(Held::InProgress))
}

/// What `key` holds for a request with `fingerprint`; `None` when the key is free.
pub async fn look(
    pool: &PgPool,
    scope: &str,
    key: &str,
    fingerprint: &str,
) -> Result<Option<Held>, sqlx::Error> {
    let row: Option<KeyRow> = sqlx::query_as(
        "SELECT fingerprint, status, headers, body FROM idempotency_keys
              WHERE scope = $1 AND key = $2",
    )
    .bind(scope)
    .bind(key)
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|(kept_for, status, headers, body)| {
        if kept_for != fingerprint {
            return Held::OtherRequest;
        }
        match status {
            None => Held::InProgress,
            Some(status) => Held::Answered(KeptAnswer {
                status: status as u16,
                headers: headers
                    .and_then(|h| serde_json::from_value(h).ok())
                    .unwrap_or_default(),
                body: body.unwrap_or_default(),
            }),
        }
    }))
}

/// Keeps (or replaces) the answer to the request that claimed `key`.
pub async fn keep(
    pool: &PgPool,
    scope: &str,
    key: &str,
    answer: &KeptAnswer,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE idempotency_keys SET status = $3, headers = $4, body = $5, answered_at = now()
          WHERE scope = $1 AND key = $2",
    )
    .bind(scope)
    .bind(key)
    .bind(answer.status as i16)
    .bind(serde_json::to_value(&answer.headers).unwrap_or_default())
    .bind(&answer.body)
    .execute(pool)
    .await?;
    Ok(())
}

/// Frees a key whose request did nothing worth replaying, so it can be used again.
pub async fn release(pool: &PgPool, scope: &str, key: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM idempotency_keys WHERE scope = $1 AND key = $2 AND status IS NULL")
        .bind(scope)
        .bind(key)
        .execute(pool)
        .await?;
    Ok(())
}

/// Forgets keys older than `retention`; returns how many.
pub async fn prune(pool: &PgPool, retention: Duration) -> Result<u64, sqlx::Error> {
    let removed = sqlx::query(
        "DELETE FROM idempotency_keys WHERE created_at < now() - make_interval(secs => $1)",
    )
    .bind(retention.as_secs_f64())
    .execute(pool)
    .await?
    .rows_affected();
    Ok(removed)
}
