//! `resellers`: one row per reseller a customer registered.
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::{PgConnection, PgPool};
use tendlc_domain::reseller::{ResellerAction, ResellerEvent, ResellerStatus};
use uuid::Uuid;

use crate::columns::{select_in, spelling, upsert, Table};
use crate::documents::failure as failure_document;
use crate::fold::{EventContext, Fold, Folding, Rows};

/// The projection that keeps `resellers`.
pub type ResellersProjection = Folding<ResellerRow>;

crate::row! {
    /// A reseller as the read side holds it.
    #[derive(Debug, Clone, PartialEq)]
    pub struct ResellerRow in "resellers", key (reseller_id) {
        pub reseller_id: Uuid,
        pub customer_id: Uuid,
        pub tcr_reseller_id: Option<String>,
        pub company_name: String,
        pub phone: String,
        pub email: String,
        /// PENDING | REGISTERED | FAILED | DELETED
        pub status: String,
        /// REGISTER | UPDATE | DELETE while TCR's answer is awaited.
        pub pending_action: Option<String>,
        /// TCR's last refusal or failure (`ResellerFailure`), cleared by a success.
        pub last_error: Option<Value>,
        pub created_at: DateTime<Utc>,
        pub updated_at: DateTime<Utc>,
        pub last_sequence: i64,
    }
}

fn action(action: ResellerAction) -> Option<String> {
    Some(spelling(&action))
}

impl Fold for ResellerRow {
    type Id = Uuid;
    type Event = ResellerEvent;

    fn start(id: &Uuid, event: &ResellerEvent, at: &EventContext) -> Result<Self, String> {
        let ResellerEvent::ResellerRegistrationRequested {
            customer_id,
            details,
            ..
        } = event
        else {
            return Err("a reseller event before the reseller was requested".into());
        };
        Ok(ResellerRow {
            reseller_id: *id,
            customer_id: (*customer_id).into(),
            tcr_reseller_id: None,
            company_name: details.company_name.clone(),
            phone: details.phone.as_str().to_string(),
            email: details.email.as_str().to_string(),
            status: ResellerStatus::Pending.as_str().into(),
            pending_action: action(ResellerAction::Register),
            last_error: None,
            created_at: at.recorded_at,
            updated_at: at.recorded_at,
            last_sequence: at.sequence,
        })
    }

    fn apply(&mut self, event: &ResellerEvent, at: &EventContext) {
        self.last_sequence = at.sequence;
        self.updated_at = at.recorded_at;
        match event {
            ResellerEvent::ResellerRegistrationRequested { .. } => {}
            ResellerEvent::ResellerRegisteredWithTcr {
                tcr_reseller_id, ..
            } => {
                self.tcr_reseller_id = Some(tcr_reseller_id.to_string());
                self.status = ResellerStatus::Registered.as_str().into();
                self.pending_action = None;
                self.last_error = None;
            }
            ResellerEvent::ResellerUpdateRequested { details } => {
                self.company_name = details.company_name.clone();
                self.phone = details.phone.as_str().to_string();
                self.email = details.email.as_str().to_string();
                self.pending_action = if self.tcr_reseller_id.is_some() {
                    action(ResellerAction::Update)
                } else {
                    self.status = ResellerStatus::Pending.as_str().into();
                    action(ResellerAction::Register)
                };
            }
            ResellerEvent::ResellerUpdatedAtTcr => {
                self.pending_action = None;
                self.last_error = None;
            }
            ResellerEvent::ResellerDeletionRequested => {
                self.pending_action = action(ResellerAction::Delete);
            }
            ResellerEvent::ResellerDeleted => {
                self.status = ResellerStatus::Deleted.as_str().into();
                self.pending_action = None;
                self.last_error = None;
            }
            ResellerEvent::ResellerTcrCallFailed { action, failure } => {
                if *action == ResellerAction::Register {
                    self.status = ResellerStatus::Failed.as_str().into();
                }
                self.pending_action = None;
                // The shape every read model gives its last failure.
                self.last_error = Some(failure_document(
                    Some(action.name()),
                    &failure.kind,
                    &failure.message,
                    &failure.tcr_errors,
                    failure.retryable,
                    at.recorded_at,
                ));
            }
        }
    }

    fn last_sequence(&self) -> i64 {
        self.last_sequence
    }
}

#[async_trait]
impl Rows for ResellerRow {
    const PROJECTION: &'static str = "resellers";
    const AGGREGATE_TYPE: &'static str = "Reseller";
    const TABLES: &'static [&'static str] = &[<ResellerRow as crate::columns::Table>::TABLE];

    fn id(&self) -> Uuid {
        self.reseller_id
    }

    async fn load(conn: &mut PgConnection, ids: &[Uuid]) -> Result<Vec<Self>, sqlx::Error> {
        select_in(conn, "reseller_id", ids).await
    }

    async fn store(conn: &mut PgConnection, changed: &[&Self]) -> Result<(), sqlx::Error> {
        upsert(conn, changed).await
    }
}

/// The reseller, if `customer` (when given) owns it.
pub async fn get(
    pool: &PgPool,
    reseller_id: Uuid,
    customer: Option<Uuid>,
) -> Result<Option<ResellerRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {} FROM resellers WHERE reseller_id = $1 AND ($2::uuid IS NULL OR customer_id = $2)",
        ResellerRow::select_list(None)
    ))
    .bind(reseller_id)
    .bind(customer)
    .fetch_optional(pool)
    .await
}

/// One page of a customer's resellers (every customer's when `None`) by name, deleted ones
/// left out; `total` counts all.
pub async fn list(
    pool: &PgPool,
    customer: Option<Uuid>,
    limit: i64,
    offset: i64,
) -> Result<(Vec<ResellerRow>, i64), sqlx::Error> {
    const WHERE: &str = "WHERE status <> 'DELETED' AND ($1::uuid IS NULL OR customer_id = $1)";
    let rows = sqlx::query_as(&format!(
        "SELECT {} FROM resellers {WHERE} ORDER BY company_name, reseller_id LIMIT $2 OFFSET $3",
        ResellerRow::select_list(None)
    ))
    .bind(customer)
    .bind(limit)
    .bind(offset)
    .fetch_all(pool)
    .await?;
    let total = sqlx::query_scalar(&format!("SELECT count(*) FROM resellers {WHERE}"))
        .bind(customer)
        .fetch_one(pool)
        .await?;
    Ok((rows, total))
}

/// Who holds `company_name` (ignoring case) among the resellers not deleted, other than
/// `except`: TCR keeps one reseller per name for the whole operator.
pub async fn holder_of_name(
    pool: &PgPool,
    company_name: &str,
    except: Option<Uuid>,
) -> Result<Option<ResellerRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {} FROM resellers WHERE lower(company_name) = lower($1) AND status <> 'DELETED' \
         AND ($2::uuid IS NULL OR reseller_id <> $2) LIMIT 1",
        ResellerRow::select_list(None)
    ))
    .bind(company_name)
    .bind(except)
    .fetch_optional(pool)
    .await
}

/// The customer's reseller TCR knows as `tcr_reseller_id`, if registered and not deleted.
pub async fn registered_for_customer(
    pool: &PgPool,
    tcr_reseller_id: &str,
    customer: Uuid,
) -> Result<Option<ResellerRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {} FROM resellers WHERE tcr_reseller_id = $1 AND customer_id = $2 \
         AND status = 'REGISTERED'",
        ResellerRow::select_list(None)
    ))
    .bind(tcr_reseller_id)
    .bind(customer)
    .fetch_optional(pool)
    .await
}

/// Whether a reseller other than `except` holds `tcr_reseller_id` (so adopting it would hand
/// one customer's reseller to another).
pub async fn tcr_id_taken(
    pool: &PgPool,
    tcr_reseller_id: &str,
    except: Uuid,
) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM resellers WHERE tcr_reseller_id = $1 AND reseller_id <> $2 \
         AND status <> 'DELETED')",
    )
    .bind(tcr_reseller_id)
    .bind(except)
    .fetch_one(pool)
    .await
}
