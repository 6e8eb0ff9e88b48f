//! The notifier's side of `notifications`: lease a due mail, record what the provider said.
//! A lease is per notification, so every replica may send and none sends one twice at a time;
//! a mail whose sender died is taken again once its lease has run out.
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::PgPool;
use uuid::Uuid;

use super::status;

/// A due mail, leased to its sender.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DueMail {
    pub notification_id: Uuid,
    pub customer_id: Uuid,
    pub kind: String,
    pub subject_type: String,
    pub subject_id: Uuid,
    pub brand_id: Uuid,
    pub subject_name: Option<String>,
    pub brand_name: Option<String>,
    pub customer_name: Option<String>,
    pub recipient: String,
    pub state: String,
    pub facts: Value,
    pub changed_at: DateTime<Utc>,
    /// Including this one.
    pub attempts: i32,
}

/// Leases the next due mail to `holder` for `lease`, in one statement (no transaction is held
/// while it is sent), counting the attempt.
pub async fn lease_next(
    pool: &PgPool,
    holder: &str,
    lease: Duration,
) -> Result<Option<DueMail>, sqlx::Error> {
    sqlx::query_as(
        "WITH leased AS (
            UPDATE notifications
               SET leased_by = $1, leased_until = now() + make_interval(secs => $2),
                   attempts = attempts + 1
             WHERE notification_id = (
                   SELECT notification_id FROM notifications
                    WHERE status = 'PENDING' AND next_attempt_at <= now()
                      AND (leased_until IS NULL OR leased_until < now())
                    ORDER BY next_attempt_at, event_position
                    LIMIT 1 FOR UPDATE SKIP LOCKED)
            RETURNING *)
         SELECT l.notification_id, l.customer_id, l.kind, l.subject_type, l.subject_id, l.brand_id,
                s.name AS subject_name, b.name AS brand_name, c.name AS customer_name, l.recipient,
                l.state, l.facts, l.changed_at, l.attempts
           FROM leased l
           LEFT JOIN notification_subjects s ON s.subject_id = l.subject_id
           LEFT JOIN notification_subjects b ON b.subject_id = l.brand_id
           LEFT JOIN customers c ON c.customer_id = l.customer_id",
    )
    .bind(holder)
    .bind(lease.as_secs_f64())
    .fetch_optional(pool)
    .await
}

/// What became of one attempt.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Sent {
        provider: String,
        message_id: Option<String>,
        answer: String,
    },
    /// Try again at `retry_at` (the provider was busy or failing).
    Retry {
        provider: String,
        answer: String,
        retry_at: DateTime<Utc>,
    },
    /// The provider refused it; trying again cannot help.
    Failed { provider: String, answer: String },
    /// The provider kept failing and the cap is reached.
    Dead { provider: String, answer: String },
}

/// Records an attempt's outcome, if `holder` still holds the lease (otherwise another sender
/// has taken the mail since, and its outcome counts). `false` when it did not hold it.
pub async fn record(
    pool: &PgPool,
    id: Uuid,
    holder: &str,
    subject_line: &str,
    outcome: &Outcome,
) -> Result<bool, sqlx::Error> {
    let (new_status, provider, message_id, answer, retry_at) = match outcome {
        Outcome::Sent {
            provider,
            message_id,
            answer,
        } => (status::SENT, provider, message_id.clone(), answer, None),
        Outcome::Retry {
            provider,
            answer,
            retry_at,
        } => (status::PENDING, provider, None, answer, Some(*retry_at)),
        Outcome::Failed { provider, answer } => (status::FAILED, provider, None, answer, None),
        Outcome::Dead { provider, answer } => (status::DEAD, provider, None, answer, None),
    };
    let done = sqlx::query(
        "UPDATE notifications
            SET status = $3, provider = $4, provider_message_id = COALESCE($5, provider_message_id),
                provider_answer = $6, next_attempt_at = COALESCE($7, next_attempt_at),
                sent_at = CASE WHEN $3 = 'SENT' THEN now() ELSE sent_at END,
                subject_line = $8, leased_by = NULL, leased_until = NULL
          WHERE notification_id = $1 AND leased_by = $2 AND status = 'PENDING'",
    )
    .bind(id)
    .bind(holder)
    .bind(new_status)
    .bind(provider)
    .bind(message_id)
    .bind(answer)
    .bind(retry_at)
    .bind(subject_line)
    .execute(pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Hands a leased mail back at once (nothing was sent: it could not even be rendered).
pub async fn release(pool: &PgPool, id: Uuid, holder: &str) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE notifications SET leased_by = NULL, leased_until = NULL
          WHERE notification_id = $1 AND leased_by = $2",
    )
    .bind(id)
    .bind(holder)
    .execute(pool)
    .await
    .map(|_| ())
}

/// Why a re-send was refused.
#[derive(Debug, thiserror::Error)]
pub enum ResendError {
    #[error("no such notification")]
    NotFound,
    #[error("only a FAILED or DEAD notification can be sent again; this one is {0}")]
    NotFailed(String),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// Puts a FAILED or DEAD mail back in the queue (attempts start again), recording who asked.
pub async fn resend(
    pool: &PgPool,
    id: Uuid,
    by: &str,
    request_id: Option<&str>,
) -> Result<(), ResendError> {
    let mut tx = pool.begin().await?;
    let current: Option<(String, Option<String>)> = sqlx::query_as(
        "SELECT status, provider_answer FROM notifications WHERE notification_id = $1 FOR UPDATE",
    )
    .bind(id)
    .fetch_optional(&mut *tx)
    .await?;
    let (previous, answer) = current.ok_or(ResendError::NotFound)?;
    if previous != status::FAILED && previous != status::DEAD {
        return Err(ResendError::NotFailed(previous));
    }
    sqlx::query(
        "INSERT INTO notification_resends (notification_id, resent_by, request_id, previous_status, previous_answer)
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(id)
    .bind(by)
    .bind(request_id)
    .bind(&previous)
    .bind(&answer)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "UPDATE notifications
            SET status = 'PENDING', attempts = 0, next_attempt_at = now(), resends = resends + 1,
                leased_by = NULL, leased_until = NULL
          WHERE notification_id = $1",
    )
    .bind(id)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}
