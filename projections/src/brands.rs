//! `brands_10dlc` (one row per brand registration) and `brand_vettings` (one row per external
//! vetting of a brand): a fold of each brand's events (`fold`), read by the API and the workers
//! (the queries below).
use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::PgPool;
use tendlc_domain::brand::{AuthPlus, BrandAction, BrandProfile, RegistrationStatus};
use tendlc_domain::metadata::Source;
use tendlc_domain::values::{
    AppealStatus, BrandRelationship, EntityType, IdentityStatus, Reported, TcrBrandStatus,
    Vertical, VettingClass, VettingProvider, VettingStatus,
};
use uuid::Uuid;

use crate::columns::Table;
use crate::fold::Folding;

mod fold;
#[cfg(test)]
mod tests;

/// The projection that keeps `brands_10dlc` and `brand_vettings`.
pub type BrandsProjection = Folding<BrandRows>;

/// `SELECT` of every brand column.
fn select() -> String {
    format!("SELECT {} FROM brands_10dlc", BrandRow::select_list(None))
}

crate::row! {
    /// A brand as the read side holds it.
    #[derive(Debug, Clone, PartialEq)]
    pub struct BrandRow in "brands_10dlc", key (brand_id) {
        pub brand_id: Uuid,
        pub customer_id: Uuid,
        pub reference_id: String,
        pub tcr_brand_id: Option<String>,
        pub status: RegistrationStatus,
        pub tcr_status: Option<Reported<TcrBrandStatus>>,
        pub identity_status: Option<Reported<IdentityStatus>>,
        pub brand_relationship: BrandRelationship,
        /// The profile's main fields as columns of their own, for queries.
        pub entity_type: EntityType,
        pub display_name: String,
        pub company_name: Option<String>,
        pub ein: Option<String>,
        pub country: String,
        pub state: Option<String>,
        pub email: String,
        pub website: Option<String>,
        pub vertical: Option<Vertical>,
        pub profile: BrandProfile,
        /// A profile change sent to TCR and not yet answered.
        pub pending_update: Option<BrandProfile>,
        /// The last failure: `{reason, message, tcr, retryable, at}` (`action` for an action's,
        /// `abandoned` and `attempts` once retries gave up).
        pub last_error: Option<Value>,
        pub submission_attempts: i32,
        pub last_attempt_at: Option<DateTime<Utc>>,
        pub last_synced_at: Option<DateTime<Utc>>,
        pub sync_source: Option<Source>,
        pub created_at: DateTime<Utc>,
        pub updated_at: DateTime<Utc>,
        pub last_sequence: i64,
        pub pending_action: Option<BrandAction>,
        pub appeal_status: Option<AppealStatus>,
        /// `{categories, explanation, filedAt, outcome?, completedAt?}`.
        pub appeal: Option<Value>,
        pub otp_reference_id: Option<String>,
        pub otp_verified_at: Option<DateTime<Utc>>,
        /// `[{sha256, sizeBytes, contentType, attachmentId, uploadedAt}]`: files TCR holds as
        /// appeal evidence.
        pub evidence: Value,
        /// `[{provider, vettingId, categories, evidence, explanation, filedAt}]`.
        pub vetting_appeals: Value,
        /// The latest Authentication+ vet, folded by the domain's `AuthPlus::follow`.
        pub auth_plus: Option<AuthPlus>,
    }
}

crate::row! {
    /// One external vetting as the read side holds it (never the token).
    #[derive(Debug, Clone, PartialEq)]
    pub struct VettingRow in "brand_vettings", key (brand_id, vetting_id) {
        pub brand_id: Uuid,
        pub vetting_id: String,
        pub customer_id: Uuid,
        pub provider: Reported<VettingProvider>,
        pub vetting_class: Option<Reported<VettingClass>>,
        pub status: Option<Reported<VettingStatus>>,
        pub score: Option<i32>,
        pub vetted_date: Option<DateTime<Utc>>,
        pub imported: bool,
        pub last_synced_at: Option<DateTime<Utc>>,
        pub sync_source: Option<Source>,
        pub created_at: DateTime<Utc>,
        pub updated_at: DateTime<Utc>,
        pub last_sequence: i64,
    }
}

crate::family! {
    /// One brand's rows: the brand and its vettings.
    BrandRows { brand: BrandRow, vettings: Vec<VettingRow> }
    keyed by brand_id, projection "brands_10dlc", aggregate "Brand"
}

/// A brand's vettings, newest first; `customer` restricts the answer to that tenant.
pub async fn vettings(
    pool: &PgPool,
    brand_id: Uuid,
    customer: Option<Uuid>,
) -> Result<Vec<VettingRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {} FROM brand_vettings WHERE brand_id = $1 AND ($2::uuid IS NULL OR customer_id = $2)
          ORDER BY created_at DESC, vetting_id",
        VettingRow::select_list(None)
    ))
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
        "{} WHERE brand_id = $1 AND ($2::uuid IS NULL OR customer_id = $2)",
        select()
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
    pub status: Option<RegistrationStatus>,
    pub identity_status: Option<IdentityStatus>,
}

const LIST_WHERE: &str = "($1::uuid IS NULL OR customer_id = $1)
          AND ($2::text IS NULL OR status = $2)
          AND ($3::text IS NULL OR identity_status = $3)";

/// A page of the brand list (`$1` customer, `$2` status, `$3` identity status, `$4` limit,
/// `$5` offset).
pub(crate) fn list_sql() -> String {
    format!(
        "{} WHERE {LIST_WHERE} ORDER BY created_at DESC, brand_id LIMIT $4 OFFSET $5",
        select()
    )
}

/// One page of brands, newest first; `total` counts every match.
pub async fn list(
    pool: &PgPool,
    filter: &BrandFilter,
    limit: i64,
    offset: i64,
) -> Result<(Vec<BrandRow>, i64), sqlx::Error> {
    let status = filter.status.map(RegistrationStatus::as_str);
    let identity_status = filter.identity_status.map(IdentityStatus::as_str);
    let rows = sqlx::query_as(&list_sql())
        .bind(filter.customer)
        .bind(status)
        .bind(identity_status)
        .bind(limit)
        .bind(offset)
        .fetch_all(pool)
        .await?;
    let total = sqlx::query_scalar(&format!(
        "SELECT count(*) FROM brands_10dlc WHERE {LIST_WHERE}"
    ))
    .bind(filter.customer)
    .bind(status)
    .bind(identity_status)
    .fetch_one(pool)
    .await?;
    Ok((rows, total))
}

/// The brand TCR knows as `tcr_brand_id`.
pub async fn find_by_tcr_id(
    pool: &PgPool,
    tcr_brand_id: &str,
) -> Result<Option<BrandRow>, sqlx::Error> {
    sqlx::query_as(&format!("{} WHERE tcr_brand_id = $1", select()))
        .bind(tcr_brand_id)
        .fetch_optional(pool)
        .await
}

/// `$1` unverified and `$2` verified intervals in seconds, `$3` limit. The first bound (the
/// shorter interval) lets the index on the sync time stop at the first row not yet due.
pub(crate) fn due_for_poll_sql() -> String {
    format!(
        "{}
          WHERE status = 'REGISTERED' AND tcr_status IS DISTINCT FROM 'DELETED'
            AND COALESCE(last_synced_at, created_at) < now() - make_interval(secs => least($1, $2))
            AND COALESCE(last_synced_at, created_at) < now() - make_interval(secs =>
                  CASE WHEN identity_status IN ('VERIFIED', 'VETTED_VERIFIED') THEN $2 ELSE $1 END)
          ORDER BY COALESCE(last_synced_at, created_at)
          LIMIT $3",
        select()
    )
}

/// Registered brands whose TCR state is due for a re-read: not yet verified ones after
/// `unverified`, verified ones after `active`; least recently synced first.
pub async fn due_for_poll(
    pool: &PgPool,
    unverified: std::time::Duration,
    active: std::time::Duration,
    limit: i64,
) -> Result<Vec<BrandRow>, sqlx::Error> {
    sqlx::query_as(&due_for_poll_sql())
        .bind(unverified.as_secs_f64())
        .bind(active.as_secs_f64())
        .bind(limit)
        .fetch_all(pool)
        .await
}

/// `$1` age in seconds, `$2` limit.
pub(crate) fn stale_actions_sql() -> String {
    format!(
        "{}
          WHERE (pending_action IS NOT NULL OR pending_update IS NOT NULL)
            AND (SELECT e.recorded_at FROM events e
                  WHERE e.aggregate_type = 'Brand' AND e.aggregate_id = brands_10dlc.brand_id::text
                    AND e.event_type IN ('BrandActionRequested', 'BrandUpdateRequested')
                  ORDER BY e.sequence DESC LIMIT 1)
                < now() - make_interval(secs => $1)
          ORDER BY updated_at LIMIT $2",
        select()
    )
}

/// Brands with an action or a profile change sent to TCR `older_than` ago and still unanswered:
/// the process that sent it died before recording TCR's answer (timed from the request, as for
/// campaigns).
pub async fn stale_actions(
    pool: &PgPool,
    older_than: std::time::Duration,
    limit: i64,
) -> Result<Vec<BrandRow>, sqlx::Error> {
    sqlx::query_as(&stale_actions_sql())
        .bind(older_than.as_secs_f64())
        .bind(limit)
        .fetch_all(pool)
        .await
}

/// Registrations TCR has not confirmed whose next retry is due, the longest due first.
pub async fn due_for_retry(
    pool: &PgPool,
    schedule: &crate::retries::RetrySchedule,
    limit: i64,
) -> Result<Vec<BrandRow>, sqlx::Error> {
    crate::retries::due(pool, &due_for_retry_sql(), schedule, limit).await
}

pub(crate) fn due_for_retry_sql() -> String {
    crate::retries::due_sql(&select())
}
