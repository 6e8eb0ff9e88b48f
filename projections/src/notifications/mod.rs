//! Notification state: which status changes are worth a mail, to whom, and where each mail
//! stands (`notifications`, one row per change and recipient).
//!
//! The `notifications` consumer reads brand and campaign events in commit order and *decides*:
//! it asks the domain whether an event is worth a mail, finds the recipients (the customer's
//! addresses and the brand's contacts) and inserts one row per recipient — PENDING, or
//! SUPPRESSED (opted out; a duplicate of the last change on the same track; a change older
//! than [`STALE_AFTER`]). It never sends. Rows are keyed by the change (`Brand/<id>#<sequence>`
//! and the kind) and the recipient, so a replay of the same events inserts nothing new, and a
//! replay onto an empty table only finds changes too old to mail. Sending is the notifier's, under
//! a lease per row ([`work`]).
use std::collections::BTreeSet;

use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};
use sqlx::PgConnection;
use tendlc_domain::brand::BrandEvent;
use tendlc_domain::campaign::CampaignEvent;
use tendlc_domain::notification::{self, Notice, NotificationPreferences};
use tendlc_domain::values::Email;
use uuid::Uuid;

use crate::runner::{Projection, ProjectionError};
use crate::stream::StoredEvent;

pub mod queries;
#[cfg(test)]
mod tests;
pub mod work;

pub use queries::{get, list, resends, summaries, NotificationFilter, NotificationRow, Summary};

/// A change recorded longer ago than this is never mailed (its rows are SUPPRESSED `stale`):
/// what a replay onto an empty table finds is history, not news.
pub const STALE_AFTER: Duration = Duration::days(3);

/// Where a mail stands.
pub mod status {
    pub const PENDING: &str = "PENDING";
    pub const SENT: &str = "SENT";
    /// The provider refused it for good (its answer is kept).
    pub const FAILED: &str = "FAILED";
    /// The provider kept failing; retries gave up (dead letter).
    pub const DEAD: &str = "DEAD";
    pub const SUPPRESSED: &str = "SUPPRESSED";
    pub const ALL: &[&str] = &[PENDING, SENT, FAILED, DEAD, SUPPRESSED];
}

/// Why a row is suppressed.
pub mod suppressed {
    pub const OPTED_OUT: &str = "opted_out";
    pub const DUPLICATE: &str = "duplicate";
    pub const STALE: &str = "stale";
}

/// The consumer that decides notifications (checkpoint `notifications`).
#[derive(Default)]
pub struct NotificationsProjection;

impl NotificationsProjection {
    pub const fn new() -> Self {
        Self
    }
}

/// The consumer's name (its checkpoint).
pub const PROJECTION: &str = "notifications";

#[async_trait]
impl Projection for NotificationsProjection {
    fn name(&self) -> &'static str {
        PROJECTION
    }

    /// A mail goes out a few dozen milliseconds later; the read models first.
    fn linger(&self) -> std::time::Duration {
        std::time::Duration::from_millis(50)
    }

    fn aggregate_types(&self) -> &'static [&'static str] {
        &["Brand", "Campaign"]
    }

    fn event_types(&self) -> Option<&'static [&'static str]> {
        Some(EVENTS_READ)
    }

    async fn apply(
        &self,
        conn: &mut PgConnection,
        events: &[StoredEvent],
    ) -> Result<(), ProjectionError> {
        for event in events {
            apply_one(conn, event).await?;
        }
        Ok(())
    }
}

/// A brand or campaign as the consumer knows it.
#[derive(Debug, Clone, sqlx::FromRow)]
struct Subject {
    subject_type: String,
    customer_id: Uuid,
    brand_id: Uuid,
}

/// The events the decisions read: registrations (whose, which brand) and the changes the domain
/// may find worth a mail. Others are passed over unread, so an event of a kind this release does
/// not know stops the read models that need it, not the mails.
pub const EVENTS_READ: &[&str] = &[
    "BrandRegistrationRequested",
    "BrandIdentityStatusChanged",
    "BrandVettingStatusChanged",
    "BrandSubmissionAbandoned",
    "CampaignRegistrationRequested",
    "CampaignMnoStatusChanged",
    "CampaignSubmissionAbandoned",
];

async fn apply_one(conn: &mut PgConnection, event: &StoredEvent) -> Result<(), ProjectionError> {
    if !EVENTS_READ.contains(&event.event_type.as_str()) {
        return Ok(());
    }
    let id =
        Uuid::parse_str(&event.aggregate_id).map_err(|e| ProjectionError::undecodable(event, e))?;
    let notice = match event.aggregate_type.as_str() {
        "Brand" => {
            let decoded: BrandEvent = event
                .decode()
                .map_err(|e| ProjectionError::undecodable(event, e))?;
            if let BrandEvent::BrandRegistrationRequested {
                customer_id,
                profile,
                ..
            } = &decoded
            {
                let name = profile.display_name.clone();
                remember(conn, id, "Brand", (*customer_id).into(), id, &name).await?;
            }
            notification::for_brand_event(&decoded)
        }
        "Campaign" => {
            let decoded: CampaignEvent = event
                .decode()
                .map_err(|e| ProjectionError::undecodable(event, e))?;
            if let CampaignEvent::CampaignRegistrationRequested {
                customer_id,
                brand_id,
                profile,
                ..
            } = &decoded
            {
                let name = format!("{} campaign", profile.usecase);
                let brand: Uuid = (*brand_id).into();
                remember(conn, id, "Campaign", (*customer_id).into(), brand, &name).await?;
            }
            notification::for_campaign_event(&decoded)
        }
        _ => None,
    };
    let Some(notice) = notice else {
        return Ok(());
    };
    let Some(subject) = subject(conn, id, &event.aggregate_type).await? else {
        tracing::warn!(
            aggregate = %event.aggregate_id,
            sequence = event.sequence,
            "a change worth a mail for a {} registered before notifications were kept; not mailed",
            event.aggregate_type
        );
        return Ok(());
    };
    decide(conn, event, id, &subject, &notice).await
}

async fn remember(
    conn: &mut PgConnection,
    subject_id: Uuid,
    subject_type: &str,
    customer_id: Uuid,
    brand_id: Uuid,
    name: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO notification_subjects (subject_id, subject_type, customer_id, brand_id, name)
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (subject_id) DO NOTHING",
    )
    .bind(subject_id)
    .bind(subject_type)
    .bind(customer_id)
    .bind(brand_id)
    .bind(name)
    .execute(conn)
    .await
    .map(|_| ())
}

/// The subject as the consumer saw it registered; for one registered before it started, as
/// the brand and campaign read models hold it.
async fn subject(
    conn: &mut PgConnection,
    id: Uuid,
    aggregate_type: &str,
) -> Result<Option<Subject>, sqlx::Error> {
    let own: Option<Subject> = sqlx::query_as(
        "SELECT subject_type, customer_id, brand_id FROM notification_subjects WHERE subject_id = $1",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    if own.is_some() {
        return Ok(own);
    }
    let (query, name) = match aggregate_type {
        "Brand" => (
            "SELECT customer_id, brand_id, display_name AS name FROM brands_10dlc WHERE brand_id = $1",
            "Brand",
        ),
        _ => (
            "SELECT customer_id, brand_id, usecase || ' campaign' AS name FROM campaigns_10dlc WHERE campaign_id = $1",
            "Campaign",
        ),
    };
    let found: Option<(Uuid, Uuid, String)> = sqlx::query_as(query)
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    let Some((customer_id, brand_id, label)) = found else {
        return Ok(None);
    };
    remember(conn, id, name, customer_id, brand_id, &label).await?;
    Ok(Some(Subject {
        subject_type: name.to_string(),
        customer_id,
        brand_id,
    }))
}

/// Who is told about a change of `brand`: the customer's addresses, then the brand's contacts,
/// each once (addresses compare without case).
pub fn recipients(
    customer_emails: &[Email],
    preferences: &NotificationPreferences,
    brand: Uuid,
) -> Vec<String> {
    let mut seen = BTreeSet::new();
    customer_emails
        .iter()
        .chain(preferences.contacts_of(brand))
        .filter(|email| seen.insert(email.as_str().to_ascii_lowercase()))
        .map(|email| email.as_str().to_string())
        .collect()
}

/// What becomes of one recipient's mail: PENDING, or SUPPRESSED and why.
pub fn disposition(
    notice: &Notice,
    preferences: &NotificationPreferences,
    previous_state: Option<&str>,
    changed_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> (&'static str, Option<&'static str>) {
    if now - changed_at > STALE_AFTER {
        (status::SUPPRESSED, Some(suppressed::STALE))
    } else if preferences.opted_out(notice.kind) {
        (status::SUPPRESSED, Some(suppressed::OPTED_OUT))
    } else if previous_state == Some(notice.state.as_str()) {
        (status::SUPPRESSED, Some(suppressed::DUPLICATE))
    } else {
        (status::PENDING, None)
    }
}

/// The key of one decided change: the event that made it, and the kind.
pub fn dedupe_key(event: &StoredEvent, notice: &Notice) -> String {
    format!(
        "{}/{}#{}/{}",
        event.aggregate_type,
        event.aggregate_id,
        event.sequence,
        notice.kind.as_str()
    )
}

/// The same id for the same change and recipient, however often it is decided.
pub fn notification_id(dedupe_key: &str, recipient: &str) -> Uuid {
    const NAMESPACE: Uuid = Uuid::from_u128(0x2b9e_41c7_6d0a_4e8f_b1c3_9a5d_7e20_f4a1);
    Uuid::new_v5(
        &NAMESPACE,
        format!("{dedupe_key}\n{}", recipient.to_ascii_lowercase()).as_bytes(),
    )
}

async fn decide(
    conn: &mut PgConnection,
    event: &StoredEvent,
    subject_id: Uuid,
    subject: &Subject,
    notice: &Notice,
) -> Result<(), ProjectionError> {
    // Customers come before their brands; a customer not shown yet is a read model behind,
    // which passes: the runner tries the batch again.
    let (emails, preferences): (Vec<String>, serde_json::Value) = sqlx::query_as(
        "SELECT ARRAY(SELECT jsonb_array_elements_text(notification_emails)), notification_preferences
           FROM customers WHERE customer_id = $1",
    )
    .bind(subject.customer_id)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(sqlx::Error::RowNotFound)?;
    let emails: Vec<Email> = emails.iter().filter_map(|e| Email::parse(e).ok()).collect();
    let preferences: NotificationPreferences =
        serde_json::from_value(preferences).map_err(|e| ProjectionError::undecodable(event, e))?;
    let key = dedupe_key(event, notice);
    let facts = serde_json::to_value(&notice.facts).unwrap_or_default();
    let source = event.meta("source").unwrap_or("api").to_string();
    let now = Utc::now();
    for recipient in recipients(&emails, &preferences, subject.brand_id) {
        let previous: Option<String> = sqlx::query_scalar(
            "SELECT state FROM notifications
              WHERE subject_id = $1 AND track = $2 AND lower(recipient) = lower($3)
                AND event_position < $4 AND dedupe_key <> $5
              ORDER BY event_position DESC LIMIT 1",
        )
        .bind(subject_id)
        .bind(&notice.track)
        .bind(&recipient)
        .bind(event.global_position)
        .bind(&key)
        .fetch_optional(&mut *conn)
        .await?;
        let (status, reason) = disposition(
            notice,
            &preferences,
            previous.as_deref(),
            event.recorded_at,
            now,
        );
        sqlx::query(
            "INSERT INTO notifications
                 (notification_id, customer_id, kind, subject_type, subject_id, brand_id, dedupe_key,
                  recipient, track, state, facts, event_position, event_type, source, changed_at,
                  status, suppressed_reason)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
             ON CONFLICT (dedupe_key, recipient) DO NOTHING",
        )
        .bind(notification_id(&key, &recipient))
        .bind(subject.customer_id)
        .bind(notice.kind.as_str())
        .bind(&subject.subject_type)
        .bind(subject_id)
        .bind(subject.brand_id)
        .bind(&key)
        .bind(&recipient)
        .bind(&notice.track)
        .bind(&notice.state)
        .bind(&facts)
        .bind(event.global_position)
        .bind(&event.event_type)
        .bind(&source)
        .bind(event.recorded_at)
        .bind(status)
        .bind(reason)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}
