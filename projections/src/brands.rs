//! `brands_10dlc`: one row per brand registration.
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde_json::{json, Value};
use sqlx::{PgConnection, PgPool};
use tendlc_domain::brand::{BrandEvent, BrandProfile};
use uuid::Uuid;

use crate::runner::{Projection, ProjectionError};
use crate::stream::StoredEvent;

pub struct BrandsProjection;

fn profile_columns(profile: &BrandProfile) -> [Option<String>; 8] {
    [
        Some(profile.entity_type.as_str().to_string()),
        Some(profile.display_name.clone()),
        profile.company_name.clone(),
        profile.ein.as_ref().map(|ein| ein.to_string()),
        Some(profile.country.clone()),
        Some(profile.state.clone()),
        Some(profile.email.to_string()),
        profile.website.clone(),
    ]
}

fn failure(
    reason: &str,
    message: &str,
    tcr_errors: &impl serde::Serialize,
    retryable: bool,
    at: DateTime<Utc>,
) -> Value {
    json!({ "reason": reason, "message": message, "tcr": tcr_errors, "retryable": retryable, "at": at })
}

/// Which of TCR's statuses an event changed.
enum TcrColumn {
    Identity,
    Status,
}

/// A status TCR reported, with when and how it was learnt.
async fn record_tcr_state(
    conn: &mut PgConnection,
    id: Uuid,
    column: TcrColumn,
    value: &str,
    synced_at: DateTime<Utc>,
    source: tendlc_domain::metadata::Source,
    event: &StoredEvent,
) -> Result<(), sqlx::Error> {
    let column = match column {
        TcrColumn::Identity => "identity_status",
        TcrColumn::Status => "tcr_status",
    };
    sqlx::query(&format!(
        "UPDATE brands_10dlc
            SET {column} = $2, last_synced_at = $3, sync_source = $4, updated_at = $5, last_sequence = $6
          WHERE brand_id = $1 AND last_sequence < $6"
    ))
    .bind(id)
    .bind(value)
    .bind(synced_at)
    .bind(source.as_str())
    .bind(event.recorded_at)
    .bind(event.sequence)
    .execute(conn)
    .await
    .map(|_| ())
}

/// Sets (or clears) the action waiting for TCR, and the last error when one is given.
async fn set_action(
    conn: &mut PgConnection,
    id: Uuid,
    pending: Option<Value>,
    error: Option<Value>,
    event: &StoredEvent,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE brands_10dlc
            SET pending_action = $2, last_error = COALESCE($3, last_error), updated_at = $4, last_sequence = $5
          WHERE brand_id = $1 AND last_sequence < $5",
    )
    .bind(id)
    .bind(pending)
    .bind(error)
    .bind(event.recorded_at)
    .bind(event.sequence)
    .execute(conn)
    .await
    .map(|_| ())
}

#[async_trait]
impl Projection for BrandsProjection {
    fn name(&self) -> &'static str {
        "brands_10dlc"
    }

    async fn apply(
        &self,
        conn: &mut PgConnection,
        event: &StoredEvent,
    ) -> Result<(), ProjectionError> {
        if event.aggregate_type != "Brand" {
            return Ok(());
        }
        let id = Uuid::parse_str(&event.aggregate_id)
            .map_err(|e| ProjectionError::undecodable(event, e))?;
        let source = event.meta("source").unwrap_or("api");
        let seq = event.sequence;
        let at = event.recorded_at;
        match event
            .decode::<BrandEvent>()
            .map_err(|e| ProjectionError::undecodable(event, e))?
        {
            BrandEvent::BrandRegistrationRequested {
                customer_id,
                reference_id,
                brand_relationship,
                profile,
                ..
            } => {
                let customer = customer_id.as_uuid();
                let [entity_type, display_name, company_name, ein, country, state, email, website] =
                    profile_columns(&profile);
                sqlx::query(
                    "INSERT INTO brands_10dlc (brand_id, customer_id, reference_id, status, brand_relationship,
                         entity_type, display_name, company_name, ein, country, state, email, website, vertical,
                         profile, created_at, updated_at, last_sequence)
                     VALUES ($1, $2, $3, 'PENDING', $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15, $16)
                     ON CONFLICT (brand_id) DO NOTHING",
                )
                .bind(id)
                .bind(customer)
                .bind(&reference_id)
                .bind(brand_relationship.as_str())
                .bind(entity_type)
                .bind(display_name)
                .bind(company_name)
                .bind(ein)
                .bind(country)
                .bind(state)
                .bind(email)
                .bind(website)
                .bind(profile.vertical.map(|v| v.as_str()))
                .bind(serde_json::to_value(&profile).unwrap_or(Value::Null))
                .bind(at)
                .bind(seq)
                .execute(&mut *conn)
                .await?;
            }
            BrandEvent::BrandSubmittedToTcr {
                tcr_brand_id,
                tcr_status,
                identity_status,
                ..
            } => {
                sqlx::query(
                    "UPDATE brands_10dlc
                        SET status = 'REGISTERED', tcr_brand_id = $2, tcr_status = COALESCE($3, 'ACTIVE'),
                            identity_status = $4, last_error = NULL,
                            submission_attempts = submission_attempts + 1, last_attempt_at = $5,
                            last_synced_at = $5, sync_source = $6, updated_at = $5, last_sequence = $7
                      WHERE brand_id = $1 AND last_sequence < $7",
                )
                .bind(id)
                .bind(tcr_brand_id.as_str())
                .bind(tcr_status.map(|s| s.as_str()))
                .bind(identity_status.map(|s| s.as_str()))
                .bind(at)
                .bind(source)
                .bind(seq)
                .execute(&mut *conn)
                .await?;
            }
            BrandEvent::BrandSubmissionFailed {
                reason,
                message,
                tcr_errors,
                retryable,
            } => {
                sqlx::query(
                    "UPDATE brands_10dlc
                        SET status = CASE WHEN $2 THEN status ELSE 'REJECTED' END,
                            last_error = $3, submission_attempts = submission_attempts + 1,
                            last_attempt_at = $4, updated_at = $4, last_sequence = $5
                      WHERE brand_id = $1 AND last_sequence < $5",
                )
                .bind(id)
                .bind(retryable)
                .bind(failure(&reason, &message, &tcr_errors, retryable, at))
                .bind(at)
                .bind(seq)
                .execute(&mut *conn)
                .await?;
            }
            BrandEvent::BrandUpdateRequested { profile, .. } => {
                sqlx::query(
                    "UPDATE brands_10dlc SET pending_update = $2, updated_at = $3, last_sequence = $4
                      WHERE brand_id = $1 AND last_sequence < $4",
                )
                .bind(id)
                .bind(serde_json::to_value(&profile).unwrap_or(Value::Null))
                .bind(at)
                .bind(seq)
                .execute(&mut *conn)
                .await?;
            }
            BrandEvent::BrandUpdated { profile, .. } => {
                let [entity_type, display_name, company_name, ein, country, state, email, website] =
                    profile_columns(&profile);
                sqlx::query(
                    "UPDATE brands_10dlc
                        SET entity_type = $2, display_name = $3, company_name = $4, ein = $5, country = $6,
                            state = $7, email = $8, website = $9, vertical = $10, profile = $11,
                            pending_update = NULL, last_error = NULL,
                            last_synced_at = $12, sync_source = $13, updated_at = $12, last_sequence = $14
                      WHERE brand_id = $1 AND last_sequence < $14",
                )
                .bind(id)
                .bind(entity_type)
                .bind(display_name)
                .bind(company_name)
                .bind(ein)
                .bind(country)
                .bind(state)
                .bind(email)
                .bind(website)
                .bind(profile.vertical.map(|v| v.as_str()))
                .bind(serde_json::to_value(&profile).unwrap_or(Value::Null))
                .bind(at)
                .bind(source)
                .bind(seq)
                .execute(&mut *conn)
                .await?;
            }
            BrandEvent::BrandUpdateFailed {
                reason,
                message,
                tcr_errors,
                retryable,
            } => {
                sqlx::query(
                    "UPDATE brands_10dlc SET pending_update = NULL, last_error = $2, updated_at = $3, last_sequence = $4
                      WHERE brand_id = $1 AND last_sequence < $4",
                )
                .bind(id)
                .bind(failure(&reason, &message, &tcr_errors, retryable, at))
                .bind(at)
                .bind(seq)
                .execute(&mut *conn)
                .await?;
            }
            BrandEvent::BrandIdentityStatusChanged {
                to,
                source,
                observed_at,
                ..
            } => {
                let synced_at = observed_at.unwrap_or(at);
                record_tcr_state(
                    conn,
                    id,
                    TcrColumn::Identity,
                    to.as_str(),
                    synced_at,
                    source,
                    event,
                )
                .await?;
            }
            BrandEvent::BrandTcrStatusChanged {
                to,
                source,
                observed_at,
                ..
            } => {
                record_tcr_state(
                    conn,
                    id,
                    TcrColumn::Status,
                    to.as_str(),
                    observed_at,
                    source,
                    event,
                )
                .await?;
            }
            BrandEvent::BrandSyncConfirmed {
                source,
                observed_at,
            } => {
                sqlx::query(
                    "UPDATE brands_10dlc SET last_synced_at = $2, sync_source = $3, last_sequence = $4
                      WHERE brand_id = $1 AND last_sequence < $4",
                )
                .bind(id)
                .bind(observed_at)
                .bind(source.as_str())
                .bind(seq)
                .execute(&mut *conn)
                .await?;
            }
            BrandEvent::BrandActionRequested { action } => {
                set_action(
                    conn,
                    id,
                    Some(serde_json::to_value(&action).unwrap_or(Value::Null)),
                    None,
                    event,
                )
                .await?;
            }
            BrandEvent::BrandActionFailed {
                action,
                reason,
                message,
                tcr_errors,
                retryable,
            } => {
                let mut error = failure(&reason, &message, &tcr_errors, retryable, at);
                error["action"] = Value::from(action);
                set_action(conn, id, None, Some(error), event).await?;
            }
            BrandEvent::BrandVettingRecorded { vetting, imported } => {
                set_action(conn, id, None, None, event).await?;
                sqlx::query(
                    "INSERT INTO brand_vettings (brand_id, vetting_id, customer_id, provider, vetting_class, status,
                         score, vetted_date, imported, last_synced_at, sync_source, created_at, updated_at, last_sequence)
                     SELECT $1, $2, customer_id, $3, $4, $5, $6, $7, $8, $9, $10, $9, $9, $11
                       FROM brands_10dlc WHERE brand_id = $1
                     ON CONFLICT (brand_id, vetting_id) DO UPDATE SET
                         status = EXCLUDED.status, score = EXCLUDED.score, vetted_date = EXCLUDED.vetted_date,
                         last_synced_at = EXCLUDED.last_synced_at, sync_source = EXCLUDED.sync_source,
                         updated_at = EXCLUDED.updated_at, last_sequence = EXCLUDED.last_sequence
                     WHERE brand_vettings.last_sequence < EXCLUDED.last_sequence",
                )
                .bind(id)
                .bind(&vetting.vetting_id)
                .bind(&vetting.provider)
                .bind(vetting.vetting_class.map(|c| c.as_str()))
                .bind(vetting.status.map(|s| s.as_str()))
                .bind(vetting.score.map(|s| s as i32))
                .bind(vetting.vetted_date)
                .bind(imported)
                .bind(at)
                .bind(source)
                .bind(seq)
                .execute(&mut *conn)
                .await?;
            }
            BrandEvent::BrandVettingStatusChanged {
                vetting_id,
                to,
                score,
                source,
                observed_at,
                ..
            } => {
                sqlx::query(
                    "UPDATE brand_vettings
                        SET status = $3, score = COALESCE($4, score), last_synced_at = $5, sync_source = $6,
                            updated_at = $7, last_sequence = $8
                      WHERE brand_id = $1 AND vetting_id = $2 AND last_sequence < $8",
                )
                .bind(id)
                .bind(&vetting_id)
                .bind(to.as_str())
                .bind(score.map(|s| s as i32))
                .bind(observed_at)
                .bind(source.as_str())
                .bind(at)
                .bind(seq)
                .execute(&mut *conn)
                .await?;
            }
            BrandEvent::BrandRevetted => set_action(conn, id, None, None, event).await?,
            BrandEvent::BrandOtpVerified => {
                set_action(conn, id, None, None, event).await?;
                sqlx::query("UPDATE brands_10dlc SET otp_verified_at = $2 WHERE brand_id = $1")
                    .bind(id)
                    .bind(at)
                    .execute(&mut *conn)
                    .await?;
            }
            BrandEvent::BrandAppealFiled {
                categories,
                explanation,
            } => {
                set_action(conn, id, None, None, event).await?;
                sqlx::query(
                    "UPDATE brands_10dlc SET appeal_status = 'PENDING', appeal = $2 WHERE brand_id = $1",
                )
                .bind(id)
                .bind(json!({"categories": categories, "explanation": explanation, "filedAt": at}))
                .execute(&mut *conn)
                .await?;
            }
            BrandEvent::BrandAppealCompleted { outcome, source } => {
                sqlx::query(
                    "UPDATE brands_10dlc
                        SET appeal_status = 'COMPLETE',
                            appeal = COALESCE(appeal, '{}'::jsonb) || jsonb_build_object('outcome', $2::text, 'completedAt', $3::timestamptz),
                            last_synced_at = $3, sync_source = $4, updated_at = $3, last_sequence = $5
                      WHERE brand_id = $1 AND last_sequence < $5",
                )
                .bind(id)
                .bind(outcome)
                .bind(at)
                .bind(source.as_str())
                .bind(seq)
                .execute(&mut *conn)
                .await?;
            }
            BrandEvent::BrandOtpSent { reference_id } => {
                set_action(conn, id, None, None, event).await?;
                sqlx::query("UPDATE brands_10dlc SET otp_reference_id = $2 WHERE brand_id = $1")
                    .bind(id)
                    .bind(reference_id)
                    .execute(&mut *conn)
                    .await?;
            }
            BrandEvent::BrandDeleted { source } => {
                // The status update moves the sequence, so clear the action first, unguarded.
                sqlx::query("UPDATE brands_10dlc SET pending_action = NULL WHERE brand_id = $1")
                    .bind(id)
                    .execute(&mut *conn)
                    .await?;
                record_tcr_state(conn, id, TcrColumn::Status, "DELETED", at, source, event).await?;
            }
            BrandEvent::BrandSubmissionAbandoned { attempts, reason } => {
                sqlx::query(
                    "UPDATE brands_10dlc
                        SET status = 'ABANDONED',
                            last_error = COALESCE(last_error, '{}'::jsonb) || jsonb_build_object('abandoned', $2::text, 'attempts', $3::int),
                            updated_at = $4, last_sequence = $5
                      WHERE brand_id = $1 AND last_sequence < $5",
                )
                .bind(id)
                .bind(reason)
                .bind(attempts as i32)
                .bind(at)
                .bind(seq)
                .execute(&mut *conn)
                .await?;
            }
        }
        Ok(())
    }
}

/// A brand as the read side holds it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct BrandRow {
    pub brand_id: Uuid,
    pub customer_id: Uuid,
    pub reference_id: String,
    pub tcr_brand_id: Option<String>,
    pub status: String,
    pub tcr_status: Option<String>,
    pub identity_status: Option<String>,
    pub brand_relationship: String,
    pub profile: Value,
    pub pending_update: Option<Value>,
    pub last_error: Option<Value>,
    pub submission_attempts: i32,
    pub last_attempt_at: Option<DateTime<Utc>>,
    pub last_synced_at: Option<DateTime<Utc>>,
    pub sync_source: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub last_sequence: i64,
    pub pending_action: Option<Value>,
    pub appeal_status: Option<String>,
    pub appeal: Option<Value>,
    pub otp_reference_id: Option<String>,
    pub otp_verified_at: Option<DateTime<Utc>>,
}

const COLUMNS: &str = "brand_id, customer_id, reference_id, tcr_brand_id, status, tcr_status, identity_status,
    brand_relationship, profile, pending_update, last_error, submission_attempts, last_attempt_at, last_synced_at, sync_source,
    created_at, updated_at, last_sequence, pending_action, appeal_status, appeal, otp_reference_id, otp_verified_at";

/// One external vetting as the read side holds it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct VettingRow {
    pub vetting_id: String,
    pub provider: String,
    pub vetting_class: Option<String>,
    pub status: Option<String>,
    pub score: Option<i32>,
    pub vetted_date: Option<DateTime<Utc>>,
    pub imported: bool,
    pub last_synced_at: Option<DateTime<Utc>>,
    pub sync_source: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// A brand's vettings, newest first; `customer` restricts the answer to that tenant.
pub async fn vettings(
    pool: &PgPool,
    brand_id: Uuid,
    customer: Option<Uuid>,
) -> Result<Vec<VettingRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT vetting_id, provider, vetting_class, status, score, vetted_date, imported, last_synced_at,
                sync_source, created_at
           FROM brand_vettings WHERE brand_id = $1 AND ($2::uuid IS NULL OR customer_id = $2)
          ORDER BY created_at DESC, vetting_id",
    )
    .bind(brand_id)
    .bind(customer)
    .fetch_all(pool)
    .await
}

/// One brand; `customer` restricts the answer to that tenant.
pub async fn get(
    pool: &PgPool,
    brand_id: Uuid,
    customer: Option<Uuid>,
) -> Result<Option<BrandRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM brands_10dlc WHERE brand_id = $1 AND ($2::uuid IS NULL OR customer_id = $2)"
    ))
    .bind(brand_id)
    .bind(customer)
    .fetch_optional(pool)
    .await
}

/// Filters for the brand list.
#[derive(Debug, Clone, Default)]
pub struct BrandFilter {
    pub customer: Option<Uuid>,
    pub status: Option<String>,
    pub identity_status: Option<String>,
}

/// One page of brands, newest first; `total` counts every match.
pub async fn list(
    pool: &PgPool,
    filter: &BrandFilter,
    limit: i64,
    offset: i64,
) -> Result<(Vec<BrandRow>, i64), sqlx::Error> {
    const WHERE: &str = "($1::uuid IS NULL OR customer_id = $1)
          AND ($2::text IS NULL OR status = $2)
          AND ($3::text IS NULL OR identity_status = $3)";
    let rows = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM brands_10dlc WHERE {WHERE}
          ORDER BY created_at DESC, brand_id LIMIT $4 OFFSET $5"
    ))
    .bind(filter.customer)
    .bind(&filter.status)
    .bind(&filter.identity_status)
    .bind(limit)
    .bind(offset)
    .fetch_all(pool)
    .await?;
    let total = sqlx::query_scalar(&format!("SELECT count(*) FROM brands_10dlc WHERE {WHERE}"))
        .bind(filter.customer)
        .bind(&filter.status)
        .bind(&filter.identity_status)
        .fetch_one(pool)
        .await?;
    Ok((rows, total))
}

/// The brand TCR knows as `tcr_brand_id`.
pub async fn find_by_tcr_id(
    pool: &PgPool,
    tcr_brand_id: &str,
) -> Result<Option<BrandRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM brands_10dlc WHERE tcr_brand_id = $1"
    ))
    .bind(tcr_brand_id)
    .fetch_optional(pool)
    .await
}

/// Registered brands whose TCR state is due for a re-read: not yet verified ones after
/// `unverified`, verified ones after `active`; least recently synced first.
pub async fn due_for_poll(
    pool: &PgPool,
    unverified: std::time::Duration,
    active: std::time::Duration,
    limit: i64,
) -> Result<Vec<BrandRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM brands_10dlc
          WHERE status = 'REGISTERED' AND tcr_status IS DISTINCT FROM 'DELETED'
            AND COALESCE(last_synced_at, created_at) < now() - make_interval(secs =>
                  CASE WHEN identity_status IN ('VERIFIED', 'VETTED_VERIFIED') THEN $2 ELSE $1 END)
          ORDER BY COALESCE(last_synced_at, created_at)
          LIMIT $3"
    ))
    .bind(unverified.as_secs_f64())
    .bind(active.as_secs_f64())
    .bind(limit)
    .fetch_all(pool)
    .await
}

/// Brands with an action or a profile change sent to TCR and nothing recorded since
/// `older_than` ago: the process that sent it died before recording TCR's answer.
pub async fn stale_actions(
    pool: &PgPool,
    older_than: std::time::Duration,
    limit: i64,
) -> Result<Vec<BrandRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM brands_10dlc
          WHERE (pending_action IS NOT NULL OR pending_update IS NOT NULL)
            AND updated_at < now() - make_interval(secs => $1)
          ORDER BY updated_at LIMIT $2"
    ))
    .bind(older_than.as_secs_f64())
    .bind(limit)
    .fetch_all(pool)
    .await
}

/// Registrations TCR has not confirmed, oldest first.
pub async fn pending(pool: &PgPool, limit: i64) -> Result<Vec<BrandRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM brands_10dlc WHERE status = 'PENDING' ORDER BY created_at LIMIT $1"
    ))
    .bind(limit)
    .fetch_all(pool)
    .await
}
