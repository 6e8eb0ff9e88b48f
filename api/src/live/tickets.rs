//! Short-lived, single-use tickets that open the live feed without a token in the URL: issued
//! by an authenticated `POST /v1/ws-tickets`, stored only as a digest, spent on first use.
use chrono::{DateTime, Utc};
use rand::RngCore;
use sha2::{Digest, Sha256};
use sqlx::PgPool;
use uuid::Uuid;

use crate::http::auth::{Caller, Role};

/// How long a ticket may wait to be used.
pub const TICKET_LIFETIME_SECS: i64 = 30;

fn digest(ticket: &str) -> String {
    hex::encode(Sha256::digest(ticket.as_bytes()))
}

/// Issues a ticket for `caller` (and the customer it acts for); returns it and its expiry.
pub async fn issue(pool: &PgPool, caller: &Caller) -> Result<(String, DateTime<Utc>), sqlx::Error> {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    let ticket = hex::encode(bytes);
    let role = serde_json::to_value(caller.role)
        .ok()
        .and_then(|r| r.as_str().map(String::from))
        .unwrap_or_default();
    // Spent and expired tickets are worth nothing: clear them as new ones are made.
    sqlx::query("DELETE FROM ws_tickets WHERE expires_at < now()")
        .execute(pool)
        .await?;
    let expires_at: DateTime<Utc> = sqlx::query_scalar(
        "INSERT INTO ws_tickets (ticket_hash, subject, role, customer_id, expires_at)
         VALUES ($1, $2, $3, $4, now() + make_interval(secs => $5))
         RETURNING expires_at",
    )
    .bind(digest(&ticket))
    .bind(&caller.subject)
    .bind(role)
    .bind(caller.customer.map(Uuid::from))
    .bind(TICKET_LIFETIME_SECS as f64)
    .fetch_one(pool)
    .await?;
    Ok((ticket, expires_at))
}

/// Spends a ticket: the caller it was issued to, if it exists and has not expired.
pub async fn redeem(pool: &PgPool, ticket: &str) -> Result<Option<Caller>, sqlx::Error> {
    let row: Option<(String, String, Option<Uuid>, bool)> = sqlx::query_as(
        "DELETE FROM ws_tickets WHERE ticket_hash = $1
         RETURNING subject, role, customer_id, expires_at > now()",
    )
    .bind(digest(ticket))
    .fetch_optional(pool)
    .await?;
    Ok(row.and_then(|(subject, role, customer, valid)| {
        let role: Role = serde_json::from_value(serde_json::Value::String(role)).ok()?;
        valid.then(|| Caller {
            subject,
            role,
            customer: customer.map(Into::into),
            client_request_id: None,
        })
    }))
}
