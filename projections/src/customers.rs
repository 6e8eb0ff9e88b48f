//! `customers`: one row per customer (tenant).
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgPool};
use tendlc_domain::customer::{Ban, CustomerEvent};
use tendlc_domain::notification::NotificationPreferences;
use tendlc_domain::values::{Email, ServiceTier};
use uuid::Uuid;

use crate::columns::{select_in, upsert, Table};
use crate::fold::{EventContext, Fold, Folding, Rows};

/// The projection that keeps `customers`.
pub type CustomersProjection = Folding<CustomerRow>;

crate::row! {
    /// A customer as the read side holds it.
    #[derive(Debug, Clone, PartialEq)]
    pub struct CustomerRow in "customers", key (customer_id) {
        pub customer_id: Uuid,
        pub ban: Ban,
        pub name: String,
        pub service_tier: ServiceTier,
        pub notification_emails: Vec<Email>,
        pub notification_preferences: NotificationPreferences,
        pub created_at: DateTime<Utc>,
        pub updated_at: DateTime<Utc>,
        pub last_sequence: i64,
    }
}

impl Fold for CustomerRow {
    type Id = Uuid;
    type Event = CustomerEvent;

    fn start(id: &Uuid, event: &CustomerEvent, at: &EventContext) -> Result<Self, String> {
        let CustomerEvent::CustomerRegistered { details, .. } = event else {
            return Err("a customer event before the customer was registered".into());
        };
        Ok(CustomerRow {
            customer_id: *id,
            ban: details.ban.clone(),
            name: details.name.clone(),
            service_tier: details.service_tier,
            notification_emails: details.notification_emails.clone(),
            notification_preferences: NotificationPreferences::default(),
            created_at: at.recorded_at,
            updated_at: at.recorded_at,
            last_sequence: at.sequence,
        })
    }

    fn apply(&mut self, event: &CustomerEvent, at: &EventContext) {
        self.last_sequence = at.sequence;
        match event {
            CustomerEvent::CustomerUpdated {
                name,
                service_tier,
                notification_emails,
            } => {
                self.name = name.clone().unwrap_or_else(|| self.name.clone());
                self.service_tier = service_tier.unwrap_or(self.service_tier);
                if let Some(emails) = notification_emails {
                    self.notification_emails = emails.clone();
                }
                self.updated_at = at.recorded_at;
            }
            CustomerEvent::CustomerNotificationPreferencesSet { preferences } => {
                self.notification_preferences = preferences.clone();
                self.updated_at = at.recorded_at;
            }
            CustomerEvent::CustomerRegistered { .. } => {}
        }
    }

    fn last_sequence(&self) -> i64 {
        self.last_sequence
    }
}

#[async_trait]
impl Rows for CustomerRow {
    const PROJECTION: &'static str = "customers";
    const AGGREGATE_TYPE: &'static str = "Customer";
    const TABLES: &'static [&'static str] = &[<CustomerRow as crate::columns::Table>::TABLE];

    fn id(&self) -> Uuid {
        self.customer_id
    }

    async fn load(conn: &mut PgConnection, ids: &[Uuid]) -> Result<Vec<Self>, sqlx::Error> {
        select_in(conn, "customer_id", ids).await
    }

    async fn store(conn: &mut PgConnection, changed: &[&Self]) -> Result<(), sqlx::Error> {
        upsert(conn, changed).await
    }
}

pub async fn get(pool: &PgPool, customer_id: Uuid) -> Result<Option<CustomerRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {} FROM customers WHERE customer_id = $1",
        CustomerRow::select_list(None)
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
    search(pool, None, limit, offset).await
}

/// Customers whose BAN or name contains `text` (any case), or all without it.
pub async fn search(
    pool: &PgPool,
    text: Option<&str>,
    limit: i64,
    offset: i64,
) -> Result<(Vec<CustomerRow>, i64), sqlx::Error> {
    // LIKE's wildcards in the text are matched as themselves.
    let pattern = text.map(|t| {
        let escaped = t
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        format!("%{escaped}%")
    });
    const MATCHES: &str = "($1::text IS NULL OR ban ILIKE $1 OR name ILIKE $1)";
    let rows = sqlx::query_as(&format!(
        "SELECT {} FROM customers WHERE {MATCHES} ORDER BY name, customer_id LIMIT $2 OFFSET $3",
        CustomerRow::select_list(None)
    ))
    .bind(&pattern)
    .bind(limit)
    .bind(offset)
    .fetch_all(pool)
    .await?;
    let total = sqlx::query_scalar(&format!("SELECT count(*) FROM customers WHERE {MATCHES}"))
        .bind(&pattern)
        .fetch_one(pool)
        .await?;
    Ok((rows, total))
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use tendlc_domain::customer::CustomerDetails;

    use super::*;
    use crate::fold::fold_all;
    use crate::fold::testing::{at, given};

    fn registered() -> CustomerEvent {
        CustomerEvent::CustomerRegistered {
            customer_id: Uuid::nil().into(),
            details: CustomerDetails {
                ban: Ban::parse("BAN-1").unwrap(),
                name: "Acme".into(),
                service_tier: ServiceTier::Basic,
                notification_emails: vec![Email::parse("ops@acme.com").unwrap()],
            },
        }
    }

    fn renamed(name: &str) -> CustomerEvent {
        CustomerEvent::CustomerUpdated {
            name: Some(name.into()),
            service_tier: None,
            notification_emails: None,
        }
    }

    #[test]
    fn it_should_change_only_what_an_update_names() {
        // given / when
        let row: CustomerRow = given(
            Uuid::nil(),
            vec![
                registered(),
                CustomerEvent::CustomerUpdated {
                    name: None,
                    service_tier: Some(ServiceTier::Key),
                    notification_emails: None,
                },
            ],
        );
        // then
        assert_eq!(row.name, "Acme");
        assert_eq!(row.service_tier, ServiceTier::Key);
        assert_eq!(row.notification_emails.len(), 1);
        assert_eq!(row.created_at, at(1).recorded_at);
        assert_eq!(row.updated_at, at(2).recorded_at);
        assert_eq!(row.last_sequence, 2);
    }

    #[test]
    fn it_should_refuse_an_update_of_a_customer_never_registered() {
        let events = vec![(Uuid::nil(), renamed("Acme"), at(1))];
        assert!(fold_all::<CustomerRow>(&mut HashMap::new(), &events).is_err());
    }

    #[test]
    fn it_should_skip_an_event_the_row_already_reflects() {
        // given a row at sequence 2
        let row: CustomerRow = given(Uuid::nil(), vec![registered(), renamed("Acme Two")]);
        let mut rows = HashMap::from([(Uuid::nil(), row)]);
        // when sequence 2 comes again
        let redelivered = vec![(Uuid::nil(), renamed("Something else"), at(2))];
        let changed = fold_all::<CustomerRow>(&mut rows, &redelivered).unwrap();
        // then nothing changes
        assert!(changed.is_empty());
        assert_eq!(rows[&Uuid::nil()].name, "Acme Two");
    }
}
