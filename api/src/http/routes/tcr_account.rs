//! `/v1/tcr/settings/cnp-migration`: the operator's own TCR account settings for CNP migration
//! (whether its campaigns may move between connectivity partners, and whether a migration
//! completes by itself). The operator's business: super admins only. Read as TCR holds them; a
//! change is recorded before TCR is called and TCR's answer after (`TcrAccount` events).
use axum::extract::State;
use axum::http::Method;
use axum::routing::{get, put};
use axum::Json;
use serde::Serialize;
use tendlc_domain::tcr::TcrCnpMigrationSettings;

use super::responses::SubmitErrors;
use super::{Access, Body, Endpoint, RequestId};
use crate::http::auth::{Action, Caller};
use crate::http::bodies::CnpMigrationSettingsBody;
use crate::http::error::ApiError;
use crate::http::state::AppState;

const SETTINGS: &str = "/v1/tcr/settings/cnp-migration";

pub fn endpoints() -> Vec<Endpoint> {
    let account = || Access::Role(Action::ManageTcrAccount);
    vec![
        Endpoint::new(Method::GET, SETTINGS, account(), get(settings)),
        Endpoint::new(Method::PUT, SETTINGS, account(), put(change_settings)),
    ]
}

/// The operator's CNP migration settings as TCR holds them.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CnpMigrationSettingsView {
    /// Whether the account's campaigns may migrate to another connectivity partner (TCR
    /// refuses a migration with 592 until it is on).
    pub migration_supported: Option<bool>,
    /// Whether a migration completes by itself once the new partner accepts.
    pub migration_auto_complete: Option<bool>,
}

impl From<TcrCnpMigrationSettings> for CnpMigrationSettingsView {
    fn from(settings: TcrCnpMigrationSettings) -> Self {
        Self {
            migration_supported: settings.migration_supported,
            migration_auto_complete: settings.migration_auto_complete,
        }
    }
}

#[utoipa::path(get, operation_id = "getCnpMigrationSettings", path = "/v1/tcr/settings/cnp-migration", tag = "partner", security(("bearer" = [])),
    responses((status = 200, description = "The settings as TCR holds them now", body = CnpMigrationSettingsView),
        (status = 401, description = "No valid bearer token", body = crate::http::error::ErrorBody),
        (status = 403, description = "Operators only", body = crate::http::error::ErrorBody),
        (status = 502, description = "TCR failed or could not be reached", body = crate::http::error::ErrorBody),
        (status = 504, description = "TCR did not answer in time", body = crate::http::error::ErrorBody)))]
pub(super) async fn settings(
    State(state): State<AppState>,
) -> Result<Json<CnpMigrationSettingsView>, ApiError> {
    let settings = state.app.tcr_account.cnp_migration_settings().await?;
    Ok(Json(settings.into()))
}

#[utoipa::path(put, operation_id = "changeCnpMigrationSettings", path = "/v1/tcr/settings/cnp-migration", tag = "partner", security(("bearer" = [])),
    request_body = CnpMigrationSettingsBody,
    responses((status = 200, description = "TCR took the change; the settings it holds now (the change and the answer are recorded)", body = CnpMigrationSettingsView), SubmitErrors))]
pub(super) async fn change_settings(
    State(state): State<AppState>,
    caller: Caller,
    RequestId(request_id): RequestId,
    Body(body): Body<CnpMigrationSettingsBody>,
) -> Result<Json<CnpMigrationSettingsView>, ApiError> {
    let settings = body.settings().map_err(ApiError::validation)?;
    let changed = state
        .app
        .tcr_account
        .change_cnp_migration_settings(&caller.origin(request_id), settings)
        .await?;
    Ok(Json(changed.into()))
}
