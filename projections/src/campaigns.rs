//! `campaigns_10dlc` (one row per campaign) and `campaign_mno_status` (one row per campaign and
//! carrier it was sent to): a fold of each campaign's events (`fold`), read by the API and the
//! workers (the queries below).
use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::Value;
use sqlx::PgPool;
use tendlc_domain::brand::RegistrationStatus;
use tendlc_domain::campaign::{CampaignAction, CampaignProfile, Mno};
use tendlc_domain::metadata::Source;
use tendlc_domain::tcr::{MnoTerms, UsecaseQualification};
use tendlc_domain::values::{OperationStatus, Reported, SharingStatus, TcrCampaignStatus};
use uuid::Uuid;

use crate::columns::Table;
use crate::fold::Folding;

mod fold;
#[cfg(test)]
mod tests;

/// The projection that keeps `campaigns_10dlc` and `campaign_mno_status`.
pub type CampaignsProjection = Folding<CampaignRows>;

/// `SELECT` of every campaign column, from `campaigns_10dlc c`.
fn select() -> String {
    format!(
        "SELECT {} FROM campaigns_10dlc c",
        CampaignRow::select_list(Some("c"))
    )
}

crate::row! {
    /// A campaign as the read side holds it.
    #[derive(Debug, Clone, PartialEq)]
    pub struct CampaignRow in "campaigns_10dlc", key (campaign_id) {
        pub campaign_id: Uuid,
        pub customer_id: Uuid,
        pub brand_id: Uuid,
        pub tcr_brand_id: String,
        pub reference_id: String,
        pub tcr_campaign_id: Option<String>,
        pub status: RegistrationStatus,
        pub tcr_status: Option<Reported<TcrCampaignStatus>>,
        pub usecase: String,
        pub profile: CampaignProfile,
        /// The carriers' terms TCR quoted when qualifying the brand.
        pub qualification: UsecaseQualification,
        /// Each carrier's terms (by TCR network id) since TCR took the campaign.
        pub mno_terms: BTreeMap<String, MnoTerms>,
        pub pending_action: Option<CampaignAction>,
        /// The last failure: `{action, reason, message, tcr, retryable, at}` (`abandoned` and
        /// `attempts` once retries gave up).
        pub last_error: Option<Value>,
        pub monthly_fee: Option<f64>,
        pub billed_date: Option<NaiveDate>,
        pub next_renewal_date: Option<NaiveDate>,
        pub sharing_status: Option<Reported<SharingStatus>>,
        pub upstream_cnp_id: Option<String>,
        pub sharing_explanation: Option<String>,
        /// The latest CNP migration: `{upstreamCnpId, status, cancellationReason, changedAt,
        /// source}`.
        pub cnp_migration: Option<Value>,
        /// `[{sha256, sizeBytes, contentType, attachmentId, attachedAt}]`: MMS sample media at TCR.
        pub mms_media: Value,
        /// The same, for supporting documents.
        pub supporting_documents: Value,
        pub submission_attempts: i32,
        pub last_attempt_at: Option<DateTime<Utc>>,
        pub last_synced_at: Option<DateTime<Utc>>,
        pub sync_source: Option<Source>,
        pub created_at: DateTime<Utc>,
        pub updated_at: DateTime<Utc>,
        pub last_sequence: i64,
    }
}

crate::row! {
    /// One carrier's view of a campaign.
    #[derive(Debug, Clone, PartialEq)]
    pub struct CarrierRow in "campaign_mno_status", key (campaign_id, mno_id) {
        pub campaign_id: Uuid,
        pub mno_id: Mno,
        pub customer_id: Uuid,
        pub mno_name: String,
        /// `None` until the carrier reports.
        pub status: Option<Reported<OperationStatus>>,
        pub reason_category: Option<String>,
        pub reason_text: Option<String>,
        /// When the carrier's verdict last changed (as TCR was read).
        pub changed_at: Option<DateTime<Utc>>,
        pub last_synced_at: Option<DateTime<Utc>>,
        pub sync_source: Option<Source>,
        pub last_sequence: i64,
    }
}

crate::family! {
    /// One campaign's rows: the campaign and its carriers.
    CampaignRows { campaign: CampaignRow, carriers: Vec<CarrierRow> }
    keyed by campaign_id, projection "campaigns_10dlc", aggregate "Campaign"
}

/// One campaign; `customer` restricts the answer to that tenant.
pub async fn get<'e>(
    db: impl sqlx::PgExecutor<'e>,
    campaign_id: Uuid,
    customer: Option<Uuid>,
) -> Result<Option<CampaignRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "{} WHERE campaign_id = $1 AND ($2::uuid IS NULL OR customer_id = $2)",
        select()
    ))
    .bind(campaign_id)
    .bind(customer)
    .fetch_optional(db)
    .await
}

/// The carriers of some campaigns, in network-id order.
async fn carriers<'e>(
    db: impl sqlx::PgExecutor<'e>,
    campaign_ids: &[Uuid],
) -> Result<Vec<CarrierRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {} FROM campaign_mno_status WHERE campaign_id = ANY($1) ORDER BY campaign_id, mno_id",
        CarrierRow::select_list(None)
    ))
    .bind(campaign_ids)
    .fetch_all(db)
    .await
}

/// A read-only transaction that sees one snapshot, so a campaign and its carriers agree.
async fn snapshot(
    pool: &PgPool,
) -> Result<sqlx::Transaction<'static, sqlx::Postgres>, sqlx::Error> {
    let mut tx = pool.begin().await?;
    sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        .execute(&mut *tx)
        .await?;
    Ok(tx)
}

/// One campaign with its carriers, as of one moment; `customer` restricts it to that tenant.
pub async fn get_with_carriers(
    pool: &PgPool,
    campaign_id: Uuid,
    customer: Option<Uuid>,
) -> Result<Option<(CampaignRow, Vec<CarrierRow>)>, sqlx::Error> {
    let mut tx = snapshot(pool).await?;
    let Some(row) = get(&mut *tx, campaign_id, customer).await? else {
        return Ok(None);
    };
    let carriers = carriers(&mut *tx, &[campaign_id]).await?;
    tx.commit().await?;
    Ok(Some((row, carriers)))
}

/// Filters for the campaign list.
#[derive(Debug, Clone, Default)]
pub struct CampaignFilter {
    pub customer: Option<Uuid>,
    pub brand: Option<Uuid>,
    pub status: Option<RegistrationStatus>,
    pub tcr_status: Option<TcrCampaignStatus>,
    /// A carrier status (e.g. `REJECTED`), optionally at one carrier.
    pub carrier_status: Option<OperationStatus>,
    pub carrier: Option<Mno>,
}

const LIST_WHERE: &str = "($1::uuid IS NULL OR c.customer_id = $1)
          AND ($2::uuid IS NULL OR c.brand_id = $2)
          AND ($3::text IS NULL OR c.status = $3)
          AND ($4::text IS NULL OR c.tcr_status = $4)
          AND (($5::text IS NULL AND $6::int IS NULL) OR EXISTS (
                SELECT 1 FROM campaign_mno_status m
                 WHERE m.campaign_id = c.campaign_id
                   AND ($5::text IS NULL OR m.status = $5)
                   AND ($6::int IS NULL OR m.mno_id = $6)))";

/// A page of the campaign list (`$1` customer, `$2` brand, `$3` status, `$4` TCR status, `$5`
/// carrier status, `$6` carrier, `$7` limit, `$8` offset).
pub(crate) fn list_sql() -> String {
    format!(
        "{} WHERE {LIST_WHERE} ORDER BY c.created_at DESC, c.campaign_id LIMIT $7 OFFSET $8",
        select()
    )
}

/// One page of campaigns with their carriers, newest first, as of one moment; `total` counts
/// every match.
pub async fn list(
    pool: &PgPool,
    filter: &CampaignFilter,
    limit: i64,
    offset: i64,
) -> Result<(Vec<(CampaignRow, Vec<CarrierRow>)>, i64), sqlx::Error> {
    let mut tx = snapshot(pool).await?;
    let status = filter.status.map(RegistrationStatus::as_str);
    let tcr_status = filter.tcr_status.map(TcrCampaignStatus::as_str);
    let carrier_status = filter.carrier_status.map(OperationStatus::as_str);
    let carrier = filter.carrier.map(|mno| mno.0 as i32);
    let rows: Vec<CampaignRow> = sqlx::query_as(&list_sql())
        .bind(filter.customer)
        .bind(filter.brand)
        .bind(status)
        .bind(tcr_status)
        .bind(carrier_status)
        .bind(carrier)
        .bind(limit)
        .bind(offset)
        .fetch_all(&mut *tx)
        .await?;
    let total = sqlx::query_scalar(&format!(
        "SELECT count(*) FROM campaigns_10dlc c WHERE {LIST_WHERE}"
    ))
    .bind(filter.customer)
    .bind(filter.brand)
    .bind(status)
    .bind(tcr_status)
    .bind(carrier_status)
    .bind(carrier)
    .fetch_one(&mut *tx)
    .await?;
    let ids: Vec<Uuid> = rows.iter().map(|r| r.campaign_id).collect();
    let mut by_campaign: std::collections::HashMap<Uuid, Vec<CarrierRow>> =
        std::collections::HashMap::new();
    for carrier in carriers(&mut *tx, &ids).await? {
        by_campaign
            .entry(carrier.campaign_id)
            .or_default()
            .push(carrier);
    }
    tx.commit().await?;
    let page = rows
        .into_iter()
        .map(|row| {
            let carriers = by_campaign.remove(&row.campaign_id).unwrap_or_default();
            (row, carriers)
        })
        .collect();
    Ok((page, total))
}

/// The campaign TCR knows as `tcr_campaign_id`.
pub async fn find_by_tcr_id(
    pool: &PgPool,
    tcr_campaign_id: &str,
) -> Result<Option<CampaignRow>, sqlx::Error> {
    sqlx::query_as(&format!("{} WHERE tcr_campaign_id = $1", select()))
        .bind(tcr_campaign_id)
        .fetch_optional(pool)
        .await
}

/// Active campaigns of a brand at TCR (registered and not EXPIRED), or still being registered.
pub async fn active_for_brand(pool: &PgPool, brand_id: Uuid) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT count(*) FROM campaigns_10dlc
          WHERE brand_id = $1 AND status IN ('PENDING', 'REGISTERED') AND tcr_status IS DISTINCT FROM 'EXPIRED'",
    )
    .bind(brand_id)
    .fetch_one(pool)
    .await
}

/// `$1` in-review and `$2` active intervals in seconds, `$3` limit. The first bound (the
/// shorter interval) lets the index on the sync time stop at the first row not yet due.
pub(crate) fn due_for_poll_sql() -> String {
    format!(
        "{}
          WHERE status = 'REGISTERED' AND tcr_status IS DISTINCT FROM 'EXPIRED'
            AND COALESCE(last_synced_at, created_at) < now() - make_interval(secs => least($1, $2))
            AND COALESCE(last_synced_at, created_at) < now() - make_interval(secs =>
                  CASE WHEN c.sharing_status = 'PENDING'
                         OR EXISTS (SELECT 1 FROM campaign_mno_status m WHERE m.campaign_id = c.campaign_id
                                       AND (m.status IS NULL OR m.status = 'REVIEW'))
                       THEN $1 ELSE $2 END)
          ORDER BY COALESCE(last_synced_at, created_at)
          LIMIT $3",
        select()
    )
}

/// Registered, active campaigns due for a re-read: those with a carrier still in review (or
/// not yet reported) after `in_review`, the rest after `active`; least recently synced first.
pub async fn due_for_poll(
    pool: &PgPool,
    in_review: std::time::Duration,
    active: std::time::Duration,
    limit: i64,
) -> Result<Vec<CampaignRow>, sqlx::Error> {
    sqlx::query_as(&due_for_poll_sql())
        .bind(in_review.as_secs_f64())
        .bind(active.as_secs_f64())
        .bind(limit)
        .fetch_all(pool)
        .await
}

/// `$1` age in seconds, `$2` limit.
pub(crate) fn stale_actions_sql() -> String {
    format!(
        "{}
          WHERE pending_action IS NOT NULL
            AND (SELECT e.recorded_at FROM events e
                  WHERE e.aggregate_type = 'Campaign' AND e.aggregate_id = c.campaign_id::text
                    AND e.event_type = 'CampaignActionRequested'
                  ORDER BY e.sequence DESC LIMIT 1)
                < now() - make_interval(secs => $1)
          ORDER BY updated_at LIMIT $2",
        select()
    )
}

/// Campaigns with an action sent to TCR `older_than` ago and still unanswered: the process that
/// sent it died before recording TCR's answer. Timed from the action's request, not the row's
/// last change: webhooks and polls confirming the campaign meanwhile must not put it off for good
/// (they did, under `tendlc chaos`).
pub async fn stale_actions(
    pool: &PgPool,
    older_than: std::time::Duration,
    limit: i64,
) -> Result<Vec<CampaignRow>, sqlx::Error> {
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
) -> Result<Vec<CampaignRow>, sqlx::Error> {
    crate::retries::due(pool, &due_for_retry_sql(), schedule, limit).await
}

pub(crate) fn due_for_retry_sql() -> String {
    crate::retries::due_sql(&select())
}
