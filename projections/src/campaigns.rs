//! `campaigns_10dlc` (one row per campaign) and `campaign_mno_status` (one row per campaign and
//! carrier). Each row is derived from the campaign's state, which the projection keeps beside
//! it and advances with the domain's own `apply`, so the columns can never disagree with the
//! aggregate's rules.
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use cqrs_es::Aggregate;
use serde_json::{json, Value};
use sqlx::{PgConnection, PgPool};
use tendlc_domain::campaign::{Campaign, CampaignEvent};
use uuid::Uuid;

use crate::runner::{Projection, ProjectionError};
use crate::stream::StoredEvent;

pub struct CampaignsProjection;

/// When and how an event learnt TCR's state, if it did.
fn sync_of(event: &CampaignEvent, recorded_at: DateTime<Utc>) -> Option<(String, DateTime<Utc>)> {
    match event {
        CampaignEvent::CampaignSubmittedToTcr { .. } => Some(("api".into(), recorded_at)),
        CampaignEvent::CampaignMnoStatusChanged {
            source,
            observed_at,
            ..
        }
        | CampaignEvent::CampaignTcrStatusChanged {
            source,
            observed_at,
            ..
        }
        | CampaignEvent::CampaignSyncConfirmed {
            source,
            observed_at,
        } => Some((source.as_str().into(), *observed_at)),
        CampaignEvent::CampaignBillingChanged { source, .. }
        | CampaignEvent::CampaignSharingChanged { source, .. }
        | CampaignEvent::CampaignDeactivated { source } => {
            Some((source.as_str().into(), recorded_at))
        }
        _ => None,
    }
}

fn failure_of(event: &CampaignEvent, at: DateTime<Utc>) -> Option<Value> {
    match event {
        CampaignEvent::CampaignSubmissionFailed {
            reason,
            message,
            tcr_errors,
            retryable,
        } => Some(
            json!({"action": "register", "reason": reason, "message": message, "tcr": tcr_errors, "retryable": retryable, "at": at}),
        ),
        CampaignEvent::CampaignActionFailed {
            action,
            reason,
            message,
            tcr_errors,
            retryable,
        } => Some(
            json!({"action": action, "reason": reason, "message": message, "tcr": tcr_errors, "retryable": retryable, "at": at}),
        ),
        CampaignEvent::CampaignSubmissionAbandoned { attempts, reason } => {
            Some(json!({"action": "register", "abandoned": reason, "attempts": attempts, "at": at}))
        }
        _ => None,
    }
}

#[async_trait]
impl Projection for CampaignsProjection {
    fn name(&self) -> &'static str {
        "campaigns_10dlc"
    }

    async fn apply(
        &self,
        conn: &mut PgConnection,
        event: &StoredEvent,
    ) -> Result<(), ProjectionError> {
        if event.aggregate_type != "Campaign" {
            return Ok(());
        }
        let id = Uuid::parse_str(&event.aggregate_id)
            .map_err(|e| ProjectionError::undecodable(event, e))?;
        let decoded = event
            .decode::<CampaignEvent>()
            .map_err(|e| ProjectionError::undecodable(event, e))?;
        let stored: Option<(Value, i64, Option<Value>)> = sqlx::query_as(
            "SELECT state, last_sequence, last_error FROM campaigns_10dlc WHERE campaign_id = $1 FOR UPDATE",
        )
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
        let (mut state, mut last_error) = match stored {
            Some((_, last, _)) if last >= event.sequence => return Ok(()),
            Some((state, _, last_error)) => (
                serde_json::from_value::<Campaign>(state)
                    .map_err(|e| ProjectionError::undecodable(event, e))?,
                last_error,
            ),
            None => (Campaign::default(), None),
        };
        let sync = sync_of(&decoded, event.recorded_at);
        let changed_carrier = match &decoded {
            CampaignEvent::CampaignMnoStatusChanged { mno, .. } => Some(*mno),
            _ => None,
        };
        if let Some(failure) = failure_of(&decoded, event.recorded_at) {
            last_error = Some(failure);
        } else if matches!(
            decoded,
            CampaignEvent::CampaignSubmittedToTcr { .. }
                | CampaignEvent::CampaignUpdated { .. }
                | CampaignEvent::CampaignResubmitted { .. }
                | CampaignEvent::CampaignNudged { .. }
                | CampaignEvent::CampaignDeactivated { .. }
        ) {
            last_error = None;
        }
        let attempted = matches!(
            decoded,
            CampaignEvent::CampaignSubmittedToTcr { .. }
                | CampaignEvent::CampaignSubmissionFailed { .. }
        );
        state.apply(decoded);
        let Some(profile) = state.profile.clone() else {
            return Err(ProjectionError::undecodable(
                event,
                "a campaign event before its registration request",
            ));
        };
        let customer = parse_uuid(event, state.customer_id.map(Into::into))?;
        let brand = parse_uuid(event, state.brand_id.map(Into::into))?;
        let (sync_source, synced_at) = sync.unzip();
        let sharing = state.sharing.clone();
        sqlx::query(
            "INSERT INTO campaigns_10dlc (campaign_id, customer_id, brand_id, tcr_brand_id, reference_id,
                 tcr_campaign_id, status, tcr_status, usecase, profile, qualification, mno_terms, pending_action,
                 last_error, monthly_fee, billed_date, next_renewal_date, sharing_status, upstream_cnp_id,
                 sharing_explanation, submission_attempts, last_attempt_at, last_synced_at, sync_source, state,
                 created_at, updated_at, last_sequence)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20,
                     $21, $22, $23, $24, $25, $26, $26, $27)
             ON CONFLICT (campaign_id) DO UPDATE SET
                 tcr_campaign_id = EXCLUDED.tcr_campaign_id, status = EXCLUDED.status,
                 tcr_status = EXCLUDED.tcr_status, profile = EXCLUDED.profile, mno_terms = EXCLUDED.mno_terms,
                 pending_action = EXCLUDED.pending_action, last_error = EXCLUDED.last_error,
                 monthly_fee = EXCLUDED.monthly_fee, billed_date = EXCLUDED.billed_date,
                 next_renewal_date = EXCLUDED.next_renewal_date, sharing_status = EXCLUDED.sharing_status,
                 upstream_cnp_id = EXCLUDED.upstream_cnp_id, sharing_explanation = EXCLUDED.sharing_explanation,
                 submission_attempts = EXCLUDED.submission_attempts,
                 last_attempt_at = COALESCE(EXCLUDED.last_attempt_at, campaigns_10dlc.last_attempt_at),
                 last_synced_at = COALESCE(EXCLUDED.last_synced_at, campaigns_10dlc.last_synced_at),
                 sync_source = COALESCE(EXCLUDED.sync_source, campaigns_10dlc.sync_source),
                 state = EXCLUDED.state, updated_at = EXCLUDED.updated_at, last_sequence = EXCLUDED.last_sequence",
        )
        .bind(id)
        .bind(customer)
        .bind(brand)
        .bind(state.tcr_brand_id.as_ref().map(|t| t.as_str()).unwrap_or_default())
        .bind(state.reference_id.clone().unwrap_or_default())
        .bind(state.tcr_campaign_id.as_ref().map(|t| t.as_str()))
        .bind(state.status.map(|s| s.as_str()).unwrap_or("PENDING"))
        .bind(state.tcr_status.map(|s| s.as_str()))
        .bind(&profile.usecase)
        .bind(serde_json::to_value(&profile).unwrap_or(Value::Null))
        .bind(serde_json::to_value(&state.qualification).unwrap_or(Value::Null))
        .bind(serde_json::to_value(&state.mno_terms).unwrap_or(json!({})))
        .bind(
            state
                .pending_action
                .as_ref()
                .map(|a| serde_json::to_value(a).unwrap_or(Value::Null)),
        )
        .bind(last_error)
        .bind(state.billing.monthly_fee)
        .bind(state.billing.billed_date)
        .bind(state.billing.next_renewal_or_expiration_date)
        .bind(sharing.as_ref().map(|s| s.status.as_str()))
        .bind(sharing.as_ref().and_then(|s| s.upstream_cnp_id.clone()))
        .bind(sharing.as_ref().and_then(|s| s.explanation.clone()))
        .bind(state.submission_attempts as i32)
        .bind(attempted.then_some(event.recorded_at))
        .bind(synced_at)
        .bind(sync_source.as_deref())
        .bind(serde_json::to_value(&state).unwrap_or(Value::Null))
        .bind(event.recorded_at)
        .bind(event.sequence)
        .execute(&mut *conn)
        .await?;

        for mno in &profile.mno_ids {
            let carrier = state.carriers.get(mno);
            let reason = carrier.and_then(|c| c.reason.as_ref());
            sqlx::query(
                "INSERT INTO campaign_mno_status (campaign_id, mno_id, customer_id, mno_name, status,
                     reason_category, reason_text, changed_at, last_synced_at, sync_source, last_sequence)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
                 ON CONFLICT (campaign_id, mno_id) DO UPDATE SET
                     status = EXCLUDED.status, reason_category = EXCLUDED.reason_category,
                     reason_text = EXCLUDED.reason_text,
                     changed_at = COALESCE(EXCLUDED.changed_at, campaign_mno_status.changed_at),
                     last_synced_at = COALESCE(EXCLUDED.last_synced_at, campaign_mno_status.last_synced_at),
                     sync_source = COALESCE(EXCLUDED.sync_source, campaign_mno_status.sync_source),
                     last_sequence = EXCLUDED.last_sequence
                 WHERE campaign_mno_status.last_sequence < EXCLUDED.last_sequence",
            )
            .bind(id)
            .bind(mno.0 as i32)
            .bind(customer)
            .bind(mno.name())
            .bind(carrier.map(|c| c.status.as_str()))
            .bind(reason.and_then(|r| r.category.clone()))
            .bind(reason.map(|r| r.text.clone()))
            .bind((changed_carrier == Some(*mno)).then_some(synced_at).flatten())
            .bind(synced_at)
            .bind(sync_source.as_deref())
            .bind(event.sequence)
            .execute(&mut *conn)
            .await?;
        }
        Ok(())
    }
}

fn parse_uuid(event: &StoredEvent, id: Option<Uuid>) -> Result<Uuid, ProjectionError> {
    id.ok_or_else(|| ProjectionError::undecodable(event, "an id is missing"))
}

/// A campaign as the read side holds it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CampaignRow {
    pub campaign_id: Uuid,
    pub customer_id: Uuid,
    pub brand_id: Uuid,
    pub tcr_brand_id: String,
    pub reference_id: String,
    pub tcr_campaign_id: Option<String>,
    pub status: String,
    pub tcr_status: Option<String>,
    pub usecase: String,
    pub profile: Value,
    pub qualification: Value,
    pub mno_terms: Value,
    pub pending_action: Option<Value>,
    pub last_error: Option<Value>,
    pub monthly_fee: Option<f64>,
    pub billed_date: Option<NaiveDate>,
    pub next_renewal_date: Option<NaiveDate>,
    pub sharing_status: Option<String>,
    pub upstream_cnp_id: Option<String>,
    pub sharing_explanation: Option<String>,
    pub submission_attempts: i32,
    pub last_attempt_at: Option<DateTime<Utc>>,
    pub last_synced_at: Option<DateTime<Utc>>,
    pub sync_source: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub last_sequence: i64,
}

/// One carrier's row.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CarrierRow {
    pub campaign_id: Uuid,
    pub mno_id: i32,
    pub mno_name: String,
    pub status: Option<String>,
    pub reason_category: Option<String>,
    pub reason_text: Option<String>,
    pub changed_at: Option<DateTime<Utc>>,
    pub last_synced_at: Option<DateTime<Utc>>,
    pub sync_source: Option<String>,
}

const COLUMNS: &str = "campaign_id, customer_id, brand_id, tcr_brand_id, reference_id, tcr_campaign_id, status,
    tcr_status, usecase, profile, qualification, mno_terms, pending_action, last_error, monthly_fee, billed_date,
    next_renewal_date, sharing_status, upstream_cnp_id, sharing_explanation, submission_attempts, last_attempt_at,
    last_synced_at, sync_source, created_at, updated_at, last_sequence";

/// One campaign; `customer` restricts the answer to that tenant.
pub async fn get<'e>(
    db: impl sqlx::PgExecutor<'e>,
    campaign_id: Uuid,
    customer: Option<Uuid>,
) -> Result<Option<CampaignRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM campaigns_10dlc WHERE campaign_id = $1 AND ($2::uuid IS NULL OR customer_id = $2)"
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
    sqlx::query_as(
        "SELECT campaign_id, mno_id, mno_name, status, reason_category, reason_text, changed_at,
                last_synced_at, sync_source
           FROM campaign_mno_status WHERE campaign_id = ANY($1) ORDER BY campaign_id, mno_id",
    )
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
    pub status: Option<String>,
    pub tcr_status: Option<String>,
    /// A carrier status (e.g. `REJECTED`), optionally at one carrier.
    pub carrier_status: Option<String>,
    pub carrier: Option<i32>,
}

/// One page of campaigns, newest first; `total` counts every match.
/// One page of campaigns with their carriers, newest first, as of one moment; `total` counts
/// every match.
pub async fn list(
    pool: &PgPool,
    filter: &CampaignFilter,
    limit: i64,
    offset: i64,
) -> Result<(Vec<(CampaignRow, Vec<CarrierRow>)>, i64), sqlx::Error> {
    let mut tx = snapshot(pool).await?;
    const WHERE: &str = "($1::uuid IS NULL OR c.customer_id = $1)
          AND ($2::uuid IS NULL OR c.brand_id = $2)
          AND ($3::text IS NULL OR c.status = $3)
          AND ($4::text IS NULL OR c.tcr_status = $4)
          AND (($5::text IS NULL AND $6::int IS NULL) OR EXISTS (
                SELECT 1 FROM campaign_mno_status m
                 WHERE m.campaign_id = c.campaign_id
                   AND ($5::text IS NULL OR m.status = $5)
                   AND ($6::int IS NULL OR m.mno_id = $6)))";
    let columns = COLUMNS
        .split(',')
        .map(|c| format!("c.{}", c.trim()))
        .collect::<Vec<_>>()
        .join(", ");
    let rows: Vec<CampaignRow> = sqlx::query_as(&format!(
        "SELECT {columns} FROM campaigns_10dlc c WHERE {WHERE}
          ORDER BY c.created_at DESC, c.campaign_id LIMIT $7 OFFSET $8"
    ))
    .bind(filter.customer)
    .bind(filter.brand)
    .bind(&filter.status)
    .bind(&filter.tcr_status)
    .bind(&filter.carrier_status)
    .bind(filter.carrier)
    .bind(limit)
    .bind(offset)
    .fetch_all(&mut *tx)
    .await?;
    let total = sqlx::query_scalar(&format!(
        "SELECT count(*) FROM campaigns_10dlc c WHERE {WHERE}"
    ))
    .bind(filter.customer)
    .bind(filter.brand)
    .bind(&filter.status)
    .bind(&filter.tcr_status)
    .bind(&filter.carrier_status)
    .bind(filter.carrier)
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
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM campaigns_10dlc WHERE tcr_campaign_id = $1"
    ))
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

/// Registered, active campaigns due for a re-read: those with a carrier still in review (or
/// not yet reported) after `in_review`, the rest after `active`; least recently synced first.
pub async fn due_for_poll(
    pool: &PgPool,
    in_review: std::time::Duration,
    active: std::time::Duration,
    limit: i64,
) -> Result<Vec<CampaignRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM campaigns_10dlc c
          WHERE status = 'REGISTERED' AND tcr_status IS DISTINCT FROM 'EXPIRED'
            AND COALESCE(last_synced_at, created_at) < now() - make_interval(secs =>
                  CASE WHEN c.sharing_status = 'PENDING'
                         OR EXISTS (SELECT 1 FROM campaign_mno_status m WHERE m.campaign_id = c.campaign_id
                                       AND (m.status IS NULL OR m.status = 'REVIEW'))
                       THEN $1 ELSE $2 END)
          ORDER BY COALESCE(last_synced_at, created_at)
          LIMIT $3"
    ))
    .bind(in_review.as_secs_f64())
    .bind(active.as_secs_f64())
    .bind(limit)
    .fetch_all(pool)
    .await
}

/// Campaigns with an action sent to TCR and nothing recorded since `older_than` ago: the
/// process that sent it died before recording TCR's answer.
pub async fn stale_actions(
    pool: &PgPool,
    older_than: std::time::Duration,
    limit: i64,
) -> Result<Vec<CampaignRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM campaigns_10dlc
          WHERE pending_action IS NOT NULL AND updated_at < now() - make_interval(secs => $1)
          ORDER BY updated_at LIMIT $2"
    ))
    .bind(older_than.as_secs_f64())
    .bind(limit)
    .fetch_all(pool)
    .await
}

/// Registrations TCR has not confirmed, oldest first.
pub async fn pending(pool: &PgPool, limit: i64) -> Result<Vec<CampaignRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM campaigns_10dlc WHERE status = 'PENDING' ORDER BY created_at LIMIT $1"
    ))
    .bind(limit)
    .fetch_all(pool)
    .await
}
