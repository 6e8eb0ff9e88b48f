//! Reading notification state: the list the API shows, one notification, and per brand or
//! campaign the last mail sent and where its latest change stands.
use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::PgPool;
use uuid::Uuid;

/// One mail to one recipient about one change, as kept.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct NotificationRow {
    pub notification_id: Uuid,
    pub customer_id: Uuid,
    pub kind: String,
    pub subject_type: String,
    pub subject_id: Uuid,
    pub brand_id: Uuid,
    pub subject_name: Option<String>,
    pub dedupe_key: String,
    pub recipient: String,
    pub state: String,
    pub facts: Value,
    pub event_type: String,
    pub source: String,
    pub changed_at: DateTime<Utc>,
    pub decided_at: DateTime<Utc>,
    pub status: String,
    pub suppressed_reason: Option<String>,
    pub attempts: i32,
    pub next_attempt_at: DateTime<Utc>,
    pub subject_line: Option<String>,
    pub provider: Option<String>,
    pub provider_message_id: Option<String>,
    pub provider_answer: Option<String>,
    pub sent_at: Option<DateTime<Utc>>,
    pub resends: i32,
}

const SELECT: &str =
    "SELECT n.notification_id, n.customer_id, n.kind, n.subject_type, n.subject_id,
        n.brand_id, s.name AS subject_name, n.dedupe_key, n.recipient, n.state, n.facts,
        n.event_type, n.source, n.changed_at, n.decided_at, n.status, n.suppressed_reason,
        n.attempts, n.next_attempt_at, n.subject_line, n.provider, n.provider_message_id,
        n.provider_answer, n.sent_at, n.resends
   FROM notifications n LEFT JOIN notification_subjects s ON s.subject_id = n.subject_id";

/// Filters for the notification list.
#[derive(Debug, Clone, Default)]
pub struct NotificationFilter {
    pub customer: Option<Uuid>,
    pub status: Option<String>,
    pub kind: Option<String>,
    /// A brand or campaign (a brand also matches its campaigns' notifications).
    pub subject: Option<Uuid>,
    pub recipient: Option<String>,
}

/// One page of notifications, newest first; `total` counts every match.
pub async fn list(
    pool: &PgPool,
    filter: &NotificationFilter,
    limit: i64,
    offset: i64,
) -> Result<(Vec<NotificationRow>, i64), sqlx::Error> {
    const WHERE: &str = "($1::uuid IS NULL OR n.customer_id = $1)
          AND ($2::text IS NULL OR n.status = $2)
          AND ($3::text IS NULL OR n.kind = $3)
          AND ($4::uuid IS NULL OR n.subject_id = $4 OR n.brand_id = $4)
          AND ($5::text IS NULL OR lower(n.recipient) = lower($5))";
    let rows = sqlx::query_as(&format!(
        "{SELECT} WHERE {WHERE}
          ORDER BY n.decided_at DESC, n.event_position DESC, n.recipient LIMIT $6 OFFSET $7"
    ))
    .bind(filter.customer)
    .bind(&filter.status)
    .bind(&filter.kind)
    .bind(filter.subject)
    .bind(&filter.recipient)
    .bind(limit)
    .bind(offset)
    .fetch_all(pool)
    .await?;
    let total = sqlx::query_scalar(&format!(
        "SELECT count(*) FROM notifications n WHERE {WHERE}"
    ))
    .bind(filter.customer)
    .bind(&filter.status)
    .bind(&filter.kind)
    .bind(filter.subject)
    .bind(&filter.recipient)
    .fetch_one(pool)
    .await?;
    Ok((rows, total))
}

/// One notification; `customer` restricts the answer to that tenant.
pub async fn get(
    pool: &PgPool,
    id: Uuid,
    customer: Option<Uuid>,
) -> Result<Option<NotificationRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "{SELECT} WHERE n.notification_id = $1 AND ($2::uuid IS NULL OR n.customer_id = $2)"
    ))
    .bind(id)
    .bind(customer)
    .fetch_optional(pool)
    .await
}

/// A re-send as it was asked: when, by whom, and what the notification's state was.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Resend {
    pub resent_at: DateTime<Utc>,
    pub resent_by: String,
    pub request_id: Option<String>,
    pub previous_status: String,
    pub previous_answer: Option<String>,
}

/// A notification's re-sends, oldest first.
pub async fn resends(pool: &PgPool, id: Uuid) -> Result<Vec<Resend>, sqlx::Error> {
    sqlx::query_as(
        "SELECT resent_at, resent_by, request_id, previous_status, previous_answer
           FROM notification_resends WHERE notification_id = $1 ORDER BY resent_at",
    )
    .bind(id)
    .fetch_all(pool)
    .await
}

/// What a brand or campaign shows of its notifications.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    pub last_sent_at: Option<DateTime<Utc>>,
    /// Where the mails of its latest change stand: the least advanced of them (PENDING before
    /// DEAD before FAILED before SENT before SUPPRESSED).
    pub status: String,
}

/// The summaries of these brands or campaigns (those with any notification).
pub async fn summaries(
    pool: &PgPool,
    subjects: &[Uuid],
) -> Result<HashMap<Uuid, Summary>, sqlx::Error> {
    let rows: Vec<(Uuid, String, Option<DateTime<Utc>>)> = sqlx::query_as(
        "SELECT DISTINCT ON (subject_id) subject_id, status,
                max(sent_at) OVER (PARTITION BY subject_id) AS last_sent_at
           FROM notifications
          WHERE subject_id = ANY($1)
          ORDER BY subject_id, event_position DESC,
                   CASE status WHEN 'PENDING' THEN 0 WHEN 'DEAD' THEN 1 WHEN 'FAILED' THEN 2
                               WHEN 'SENT' THEN 3 ELSE 4 END",
    )
    .bind(subjects)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, status, last_sent_at)| {
            (
                id,
                Summary {
                    last_sent_at,
                    status,
                },
            )
        })
        .collect())
}
