//! The JSON shapes the API answers with (camelCase; brand fields carry TCR's names).
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;
use tendlc_domain::brand::BrandDraft;
use tendlc_projections::brands::BrandRow;
use tendlc_projections::customers::CustomerRow;
use uuid::Uuid;

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CustomerView {
    pub id: Uuid,
    pub ban: String,
    pub name: String,
    /// BASIC | SMALL | MEDIUM | LARGE | KEY
    pub service_tier: String,
    #[schema(value_type = Vec<String>)]
    pub notification_emails: Value,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<CustomerRow> for CustomerView {
    fn from(row: CustomerRow) -> Self {
        Self {
            id: row.customer_id,
            ban: row.ban,
            name: row.name,
            service_tier: row.service_tier,
            notification_emails: row.notification_emails,
            created_at: row.created_at,
            updated_at: row.updated_at,
        }
    }
}

/// A brand registration: our ids and status, TCR's id and statuses, and the profile fields
/// under TCR's own names.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct BrandView {
    pub id: Uuid,
    pub customer_id: Uuid,
    pub reference_id: String,
    pub tcr_brand_id: Option<String>,
    /// PENDING (recorded, TCR has not confirmed) | REGISTERED | REJECTED | ABANDONED.
    pub status: String,
    pub tcr_status: Option<String>,
    pub identity_status: Option<String>,
    pub brand_relationship: String,
    /// The brand's fields, under TCR's names.
    #[serde(flatten)]
    pub profile: BrandDraft,
    /// A change sent to TCR and not yet confirmed.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub pending_update: Option<Value>,
    /// The last failure: `{reason, message, tcr, retryable, at}` (and `abandoned`, `attempts`).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub last_error: Option<Value>,
    pub submission_attempts: i32,
    pub last_synced_at: Option<DateTime<Utc>>,
    pub sync_source: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<BrandRow> for BrandView {
    fn from(row: BrandRow) -> Self {
        let profile = serde_json::from_value(row.profile).unwrap_or_default();
        Self {
            id: row.brand_id,
            customer_id: row.customer_id,
            reference_id: row.reference_id,
            tcr_brand_id: row.tcr_brand_id,
            status: row.status,
            tcr_status: row.tcr_status,
            identity_status: row.identity_status,
            brand_relationship: row.brand_relationship,
            profile,
            pending_update: row.pending_update,
            last_error: row.last_error,
            submission_attempts: row.submission_attempts,
            last_synced_at: row.last_synced_at,
            sync_source: row.sync_source,
            created_at: row.created_at,
            updated_at: row.updated_at,
        }
    }
}

/// One page of a list.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Page<T> {
    pub items: Vec<T>,
    pub page: i64,
    pub per_page: i64,
    pub total: i64,
}
