//! `customers`: one row per customer (tenant).
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::{PgConnection, PgPool};
use tendlc_domain::customer::CustomerEvent;
use uuid::Uuid;

use crate::runner::{Projection, ProjectionError};
use crate::stream::StoredEvent;

pub struct CustomersProjection;

#[async_trait]
impl Projection for CustomersProjection {
    fn name(&self) -> &'static str {
        "customers"
    }

    async fn apply(
        &self,
        conn: &mut PgConnection,
        event: &StoredEvent,
    ) -> Result<(), ProjectionError> {
        if event.aggregate_type != "Customer" {
            return Ok(());
        }
        let id = Uuid::parse_str(&event.aggregate_id)
            .map_err(|e| ProjectionError::undecodable(event, e))?;
        match event
            .decode::<CustomerEvent>()
            .map_err(|e| ProjectionError::undecodable(event, e))?
        {
            CustomerEvent::CustomerRegistered { details, .. } => {
                sqlx::query(
                    "INSERT INTO customers (customer_id, ban, name, service_tier, notification_emails,
                                            created_at, updated_at, last_sequence)
                     VALUES ($1, $2, $3, $4, $5, $6, $6, $7)
                     ON CONFLICT (customer_id) DO NOTHING",
                )
                .bind(id)
                .bind(details.ban.as_str())
                .bind(&details.name)
                .bind(details.service_tier.as_str())
                .bind(serde_json::to_value(&details.notification_emails).unwrap_or(Value::Null))
                .bind(event.recorded_at)
                .bind(event.sequence)
                .execute(&mut *conn)
                .await?;
            }
            CustomerEvent::CustomerUpdated {
                name,
                service_tier,
                notification_emails,
            } => {
                sqlx::query(
                    "UPDATE customers
                        SET name = COALESCE($2, name),
                            service_tier = COALESCE($3, service_tier),
                            notification_emails = COALESCE($4, notification_emails),
                            updated_at = $5, last_sequence = $6
                      WHERE customer_id = $1 AND last_sequence < $6",
                )
                .bind(id)
                .bind(name)
                .bind(service_tier.map(|t| t.as_str()))
                .bind(notification_emails.map(|e| serde_json::to_value(e).unwrap_or(Value::Null)))
                .bind(event.recorded_at)
                .bind(event.sequence)
                .execute(&mut *conn)
                .await?;
            }
        }
        Ok(())
    }
}

/// A customer as the read side holds it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CustomerRow {
    pub customer_id: Uuid,
    pub ban: String,
    pub name: String,
    pub service_tier: String,
    pub notification_emails: Value,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub last_sequence: i64,
}

const COLUMNS: &str = "customer_id, ban, name, service_tier, notification_emails, created_at, updated_at, last_sequence";

pub async fn get(pool: &PgPool, customer_id: Uuid) -> Result<Option<CustomerRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM customers WHERE customer_id = $1"
    ))
    .bind(customer_id)
    .fetch_optional(pool)
    .await
}

/// One page of customers by name; `total` counts all.
pub async fn list(
    pool: &PgPool,
    limit: i64,
    offset: i64,
) -> Result<(Vec<CustomerRow>, i64), sqlx::Error> {
    let rows = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM customers ORDER BY name, customer_id LIMIT $1 OFFSET $2"
    ))
    .bind(limit)
    .bind(offset)
    .fetch_all(pool)
    .await?;
    let total = sqlx::query_scalar("SELECT count(*) FROM customers")
        .fetch_one(pool)
        .await?;
    Ok((rows, total))
}
