//! `GET /v1/tcr/catalogues/{name}`: TCR's own catalogues (its error codes, countries, US states,
//! approved public companies, vetting feedback codes, ...), read-only, as TCR lists them. They are
//! TCR-wide, so every caller with access to reference data sees the same.
use axum::extract::{Path, State};
use axum::http::Method;
use axum::routing::get;
use axum::Json;
use serde_json::Value;
use tendlc_domain::tcr::TcrCatalogue;

use super::{Access, Endpoint};
use crate::http::auth::Action;
use crate::http::error::ApiError;
use crate::http::state::AppState;

pub fn endpoints() -> Vec<Endpoint> {
    vec![Endpoint::new(
        Method::GET,
        "/v1/tcr/catalogues/{name}",
        Access::Role(Action::ReadReference),
        get(catalogue),
    )]
}

#[utoipa::path(get, path = "/v1/tcr/catalogues/{name}", tag = "reference", security(("bearer" = [])),
    params(("name" = String, Path, description = "errors, countries, us-states, approved-public-companies, vetting-feedback-codes, optional-attribute-names, external-vetting-appeal-categories, brand-appeal-categories, stock-exchanges, alt-business-id-types, brand-relationships, rejection-categories or suspension-categories")),
    responses((status = 200, description = "The catalogue as TCR answers it", body = Object),
        (status = 401, description = "No valid bearer token", body = crate::http::error::ErrorBody),
        (status = 403, description = "The role may not do this", body = crate::http::error::ErrorBody),
        (status = 404, description = "No catalogue of that name", body = crate::http::error::ErrorBody),
        (status = 502, description = "TCR failed or could not be reached", body = crate::http::error::ErrorBody),
        (status = 504, description = "TCR did not answer in time", body = crate::http::error::ErrorBody)))]
pub(super) async fn catalogue(
    State(state): State<AppState>,
    Path(name): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let catalogue = TcrCatalogue::from_name(&name).ok_or_else(|| {
        let names: Vec<&str> = TcrCatalogue::ALL.iter().map(|c| c.name()).collect();
        ApiError::new(
            axum::http::StatusCode::NOT_FOUND,
            "not_found",
            format!(
                "no catalogue {name:?}; the catalogues are {}",
                names.join(", ")
            ),
        )
    })?;
    Ok(Json(state.app.catalogues.get(catalogue).await?))
}
