//! CNP migration: moving an ACTIVE, shared campaign from its upstream connectivity partner to
//! another (`POST /campaign/{id}/migrateCnp/{cnp}`, `GET`/`DELETE /campaign/{id}/migrateCnp`),
//! allowed once the account turned it on (`GET`/`PUT /settings/cnpMigration`).
//!
//! A migration is `ACTIVE` with a provisional share to the new partner (`cnpMigration: true`,
//! `PENDING`); one `sharing_delay` later the partner decides as for a plain share: accepted, the
//! migration is `COMPLETED` and the new share the campaign's current one; declined
//! (`[sim:share-decline]`), the migration is `CANCELLED` with the partner's explanation as
//! `cancellationReason` (the `CnpMigration` schema has no failed state) and the old partner
//! stays. Cancelling marks it `CANCELLED` with the caller's explanation and drops the provisional
//! share. `expirationDate` is 30 days after `createDate`; both are date-times as the schema says
//! (TCR's example shows epoch milliseconds).
use axum::{
    body::Bytes,
    extract::{rejection::QueryRejection, Path, Query, State},
    response::{IntoResponse, Response},
    Json,
};
use serde_json::{json, Value};

use super::sharing::{self, Sharing, SharingStatus};
use crate::errors::{no_content, ApiError, Rejection};
use crate::query;
use crate::state::{after, now_text, timestamp, SharedSim};

const MAX_EXPLANATION: usize = 2048;
const MIGRATION_DAYS: i64 = 30;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum MigrationStatus {
    Active,
    Completed,
    Cancelled,
}

impl MigrationStatus {
    fn as_str(self) -> &'static str {
        match self {
            MigrationStatus::Active => "ACTIVE",
            MigrationStatus::Completed => "COMPLETED",
            MigrationStatus::Cancelled => "CANCELLED",
        }
    }
}

/// One migration of a campaign to a new partner.
#[derive(Debug, Clone)]
pub(crate) struct Migration {
    pub upstream: &'static str,
    pub status: MigrationStatus,
    cancellation_reason: Option<String>,
    create_date: String,
    expiration_date: String,
    /// Where its provisional share sits in the campaign's `shares`.
    share_index: usize,
}

impl Migration {
    fn to_json(&self, campaign_id: &str) -> Value {
        let mut answer = json!({
            "campaignId": campaign_id,
            "upstreamCnpId": self.upstream,
            "status": self.status.as_str(),
            "expirationDate": self.expiration_date,
            "createDate": self.create_date,
        });
        if let Some(reason) = &self.cancellation_reason {
            answer["cancellationReason"] = json!(reason);
        }
        answer
    }
}

/// The account's `CnpMigrationSettings`; both off until the CSP turns them on.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct CnpSettings {
    pub migration_supported: bool,
    pub migration_auto_complete: bool,
}

impl CnpSettings {
    fn to_json(self) -> Value {
        json!({
            "migrationSupported": self.migration_supported,
            "migrationAutoComplete": self.migration_auto_complete,
        })
    }
}

pub(super) async fn settings(State(sim): State<SharedSim>) -> Json<Value> {
    Json(sim.registry().cnp_settings.to_json())
}

/// Changes the properties the body carries (booleans, else `501` naming the property).
pub(super) async fn update_settings(State(sim): State<SharedSim>, body: Bytes) -> Response {
    let Ok(Value::Object(body)) = serde_json::from_slice::<Value>(&body) else {
        return Rejection::from(ApiError::new(
            501,
            "Invalid input parameter: the body must be a CnpMigrationSettings object",
            &[],
        ))
        .into_response();
    };
    let mut registry = sim.registry();
    let mut settings = registry.cnp_settings;
    for (name, value) in &body {
        let slot = match name.as_str() {
            "migrationSupported" => &mut settings.migration_supported,
            "migrationAutoComplete" => &mut settings.migration_auto_complete,
            _ => continue,
        };
        match value {
            Value::Bool(flag) => *slot = *flag,
            Value::Null => {}
            _ => {
                return Rejection::from(ApiError::invalid(
                    name,
                    format!("{name} must be a boolean"),
                ))
                .into_response()
            }
        }
    }
    registry.cnp_settings = settings;
    Json(settings.to_json()).into_response()
}

/// Starts a migration: refused as sharing is (unknown campaigns and partners 502, expired
/// campaigns 518, mock ones 536), while migration is not enabled, the campaign has no ACCEPTED share, the
/// partner is the current one or a migration is ACTIVE (592).
pub(super) async fn start(
    State(sim): State<SharedSim>,
    Path((campaign_id, upstream)): Path<(String, String)>,
) -> Response {
    no_content(begin(&sim, &campaign_id, &upstream))
}

fn begin(sim: &SharedSim, campaign_id: &str, upstream: &str) -> Result<(), ApiError> {
    let declined = |why: &str| ApiError::new(592, format!("Operation declined. {why}"), &[]);
    let mut registry = sim.registry();
    let supported = registry.cnp_settings.migration_supported;
    let (campaign, upstream) = sharing::shareable(&mut registry.campaigns, campaign_id, upstream)?;
    if !supported {
        return Err(declined(
            "CNP migration is not enabled for this account (PUT /settings/cnpMigration)",
        ));
    }
    if campaign
        .migrations
        .last()
        .is_some_and(|m| m.status == MigrationStatus::Active)
    {
        return Err(declined(
            "A CNP migration of this campaign is already under way",
        ));
    }
    match campaign.sharing() {
        Some(share) if share.status == SharingStatus::Accepted => {
            if share.upstream == upstream {
                return Err(ApiError::new(
                    592,
                    format!("Operation declined. The campaign is already with {upstream}"),
                    &["upstreamCnpId"],
                ));
            }
        }
        _ => {
            return Err(declined(
                "Only a campaign whose sharing was accepted can migrate to another partner",
            ))
        }
    }
    let now = now_text();
    campaign.shares.push(Sharing {
        upstream,
        status: SharingStatus::Pending,
        explanation: String::new(),
        shared_date: now.clone(),
        status_date: now,
        cnp_migration: true,
    });
    let share_index = campaign.shares.len() - 1;
    let created = chrono::Utc::now();
    campaign.migrations.push(Migration {
        upstream,
        status: MigrationStatus::Active,
        cancellation_reason: None,
        create_date: timestamp(created),
        expiration_date: timestamp(created + chrono::Duration::days(MIGRATION_DAYS)),
        share_index,
    });
    let migration_index = campaign.migrations.len() - 1;
    let campaign_id = campaign_id.to_owned();
    tracing::info!(campaign_id, upstream, "CNP migration started");
    after(sim, sim.config.sharing_delay, move |sim| {
        settle(sim, &campaign_id, migration_index)
    });
    Ok(())
}

/// The new partner's answer, if the migration is still ACTIVE.
fn settle(sim: &SharedSim, campaign_id: &str, migration_index: usize) {
    let share_index = {
        let registry = sim.registry();
        match registry
            .campaigns
            .get(campaign_id)
            .and_then(|c| c.migrations.get(migration_index))
        {
            Some(m) if m.status == MigrationStatus::Active => m.share_index,
            _ => return,
        }
    };
    sharing::decide(sim, campaign_id, share_index);
    let mut registry = sim.registry();
    let Some(campaign) = registry.campaigns.get_mut(campaign_id) else {
        return;
    };
    let Some(share) = campaign.shares.get(share_index) else {
        return;
    };
    let (accepted, explanation) = (
        share.status == SharingStatus::Accepted,
        share.explanation.clone(),
    );
    let Some(migration) = campaign.migrations.get_mut(migration_index) else {
        return;
    };
    if migration.status != MigrationStatus::Active {
        return;
    }
    if accepted {
        migration.status = MigrationStatus::Completed;
    } else {
        migration.status = MigrationStatus::Cancelled;
        migration.cancellation_reason = Some(explanation);
        // The declined provisional chain goes; the campaign stays with its current partner.
        campaign.shares.truncate(share_index);
    }
    tracing::info!(
        campaign_id,
        status = migration.status.as_str(),
        "CNP migration settled"
    );
}

/// The campaign's latest migration; `502` when it never had one.
pub(super) async fn status(
    State(sim): State<SharedSim>,
    Path(campaign_id): Path<String>,
) -> Response {
    let registry = sim.registry();
    let Some(campaign) = registry.campaigns.get(&campaign_id) else {
        return Rejection::from(ApiError::not_found("campaignId")).into_response();
    };
    match campaign.migrations.last() {
        Some(migration) => Json(migration.to_json(&campaign_id)).into_response(),
        None => Rejection::from(ApiError::new(
            502,
            "Record not found: the campaign has no CNP migration",
            &["campaignId"],
        ))
        .into_response(),
    }
}

/// Cancels the ACTIVE migration (`explanation` ≤ 2048 becomes `cancellationReason`); `592` when
/// none is ACTIVE.
pub(super) async fn cancel(
    State(sim): State<SharedSim>,
    Path(campaign_id): Path<String>,
    params: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Response {
    let outcome = (|| {
        let params = query::read(params)?;
        let explanation = params
            .iter()
            .filter(|(name, _)| name == "explanation")
            .map(|(_, value)| value.as_str())
            .collect::<Vec<_>>()
            .join(",");
        if explanation.chars().count() > MAX_EXPLANATION {
            return Err(ApiError::invalid(
                "explanation",
                format!("explanation must be at most {MAX_EXPLANATION} characters"),
            ));
        }
        let mut registry = sim.registry();
        let campaign = registry
            .campaigns
            .get_mut(&campaign_id)
            .ok_or_else(|| ApiError::not_found("campaignId"))?;
        let Some(migration) = campaign
            .migrations
            .last_mut()
            .filter(|m| m.status == MigrationStatus::Active)
        else {
            return Err(ApiError::new(
                592,
                "Operation declined. The campaign has no CNP migration under way",
                &["campaignId"],
            ));
        };
        migration.status = MigrationStatus::Cancelled;
        migration.cancellation_reason = Some(explanation);
        let share_index = migration.share_index;
        // The provisional chain goes; the campaign stays with its current partner.
        campaign.shares.truncate(share_index);
        tracing::info!(campaign_id, "CNP migration cancelled");
        Ok(())
    })();
    no_content(outcome)
}
