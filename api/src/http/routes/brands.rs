//! `/v1/messaging/brands`: register, read and update 10DLC brands, scoped to one customer.
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, State};
use axum::http::Method;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, patch, post};
use axum::Json;
use serde::Deserialize;
use tendlc_domain::brand::{Brand, BrandBody, BrandDraft, BrandProfile, RegistrationStatus};
use tendlc_domain::values::IdentityStatus;
use tendlc_projections::brands::{self as brand_rows, BrandFilter, BrandRow};
use tendlc_projections::customers as customer_rows;

use super::history::{replayed, AsOfQuery};
use super::{location, path_id, query, Access, Body, Endpoint, Paging, RequestId};
use crate::application::Outcome;
use crate::http::auth::{Action, Caller};
use crate::http::error::ApiError;
use crate::http::state::AppState;
use crate::http::views::{with_notifications, AsOf, BrandView, Page};

pub fn endpoints() -> Vec<Endpoint> {
    const BRANDS: &str = "/v1/messaging/brands";
    const BRAND: &str = "/v1/messaging/brands/{id}";
    vec![
        Endpoint::new(
            Method::GET,
            BRANDS,
            Access::Role(Action::ReadRegistrations),
            get(list),
        ),
        Endpoint::new(
            Method::POST,
            BRANDS,
            Access::Role(Action::SubmitRegistrations),
            post(register),
        ),
        Endpoint::new(
            Method::GET,
            BRAND,
            Access::Role(Action::ReadRegistrations),
            get(show),
        ),
        Endpoint::new(
            Method::PATCH,
            BRAND,
            Access::Role(Action::SubmitRegistrations),
            patch(update),
        ),
    ]
}

fn answer(outcome: Outcome<BrandRow>, success: StatusCode, what: &str) -> Response {
    match outcome {
        Outcome::Done(row) => {
            let id = row.brand_id;
            (
                success,
                location(&format!("/v1/messaging/brands/{id}")),
                Json(BrandView::from(*row)),
            )
                .into_response()
        }
        Outcome::Failed {
            id: brand_id,
            error,
        } => {
            let recorded = if error.retryable() {
                format!(
                    "The {what} is recorded as pending as brand {brand_id} and nothing was lost."
                )
            } else {
                format!("The {what} is recorded as brand {brand_id}.")
            };
            (
                location(&format!("/v1/messaging/brands/{brand_id}")),
                ApiError::from_tcr(&error, &recorded),
            )
                .into_response()
        }
    }
}

#[utoipa::path(post, operation_id = "registerBrand", path = "/v1/messaging/brands", tag = "brands", security(("bearer" = [])),
    params(("X-Customer-ID" = Option<String>, Header, description = "The customer a super admin acts for")),
    request_body = tendlc_domain::brand::BrandBody,
    responses((status = 201, description = "Registered with TCR", body = BrandView),
        (status = 202, description = "Recorded, but the read models do not show it yet (a projection is behind or stuck); read it again shortly", body = crate::http::error::ErrorBody),
        (status = 400, description = "Bad request (malformed JSON, query or header)", body = crate::http::error::ErrorBody),
        (status = 401, description = "No valid bearer token", body = crate::http::error::ErrorBody),
        (status = 403, description = "The role may not do this", body = crate::http::error::ErrorBody),
        (status = 404, description = "Not found (or another customer's)", body = crate::http::error::ErrorBody),
        (status = 409, description = "Conflicts with the current state", body = crate::http::error::ErrorBody),
        (status = 413, description = "Body too large", body = crate::http::error::ErrorBody),
        (status = 422, description = "Invalid fields (named), or TCR refused", body = crate::http::error::ErrorBody),
        (status = 429, description = "Too many submissions", body = crate::http::error::ErrorBody),
        (status = 500, description = "Internal error (logged)", body = crate::http::error::ErrorBody),
        (status = 502, description = "TCR failed or could not be reached; the request is recorded", body = crate::http::error::ErrorBody),
        (status = 504, description = "TCR did not answer in time; the request is recorded as pending", body = crate::http::error::ErrorBody)))]
async fn register(
    State(state): State<AppState>,
    caller: Caller,
    RequestId(request_id): RequestId,
    Body(body): Body<BrandBody>,
) -> Result<Response, ApiError> {
    let customer_id = caller.acting_customer()?;
    let places = state.app.catalogues.places().await;
    let profile = BrandDraft::try_from(body)
        .and_then(|draft| BrandProfile::parse_in(&draft, &places))
        .map_err(ApiError::validation)?;
    let customer = customer_rows::get(&state.pool, customer_id.into())
        .await?
        .ok_or_else(|| ApiError::not_found("customer"))?;
    let tier = customer.service_tier;
    let outcome = state
        .app
        .brands
        .register(
            &caller.context(customer_id, request_id),
            customer_id,
            tier.brand_relationship(),
            profile,
        )
        .await?;
    Ok(answer(outcome, StatusCode::CREATED, "registration"))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ListQuery {
    #[serde(flatten)]
    paging: Paging,
    status: Option<String>,
    identity_status: Option<String>,
}

#[utoipa::path(get, operation_id = "listBrands", path = "/v1/messaging/brands", tag = "brands", security(("bearer" = [])),
    params(("X-Customer-ID" = Option<String>, Header, description = "The customer a super admin looks at (all without it)"),
        ("status" = Option<String>, Query, description = "PENDING | REGISTERED | REJECTED | ABANDONED"),
        ("identityStatus" = Option<String>, Query, description = "TCR identity status"),
        ("page" = Option<i64>, Query, description = "1-based page; pages reach row 10000 at most (page × perPage)"), ("perPage" = Option<i64>, Query, description = "1..500, default 50")),
    responses((status = 200, description = "One page of brands", body = Page<BrandView>),
        (status = 400, description = "Bad request (malformed JSON, query or header)", body = crate::http::error::ErrorBody),
        (status = 401, description = "No valid bearer token", body = crate::http::error::ErrorBody),
        (status = 403, description = "The role may not do this", body = crate::http::error::ErrorBody),
        (status = 422, description = "Invalid fields (named), or TCR refused", body = crate::http::error::ErrorBody),
        (status = 500, description = "Internal error (logged)", body = crate::http::error::ErrorBody)))]
async fn list(
    State(state): State<AppState>,
    caller: Caller,
    params: Result<axum::extract::Query<ListQuery>, QueryRejection>,
) -> Result<Json<Page<BrandView>>, ApiError> {
    let params = query(params)?;
    let (page, per_page, offset) = params.paging.resolve()?;
    let status = match params.status.as_deref().map(str::to_ascii_uppercase) {
        None => None,
        Some(s) => Some(RegistrationStatus::parse(&s).ok_or_else(|| {
            ApiError::field(
                "status",
                "must be one of PENDING, REGISTERED, REJECTED, ABANDONED",
            )
        })?),
    };
    let identity_status = match params.identity_status.as_deref() {
        None => None,
        Some(s) => Some(
            IdentityStatus::parse(&s.to_ascii_uppercase()).ok_or_else(|| {
                ApiError::field(
                    "identityStatus",
                    format!("must be one of {}", IdentityStatus::choices()),
                )
            })?,
        ),
    };
    let filter = BrandFilter {
        customer: caller.read_scope(),
        status,
        identity_status,
    };
    let (rows, total) = brand_rows::list(&state.pool, &filter, per_page, offset).await?;
    let items = rows.into_iter().map(BrandView::from).collect();
    Ok(Json(Page {
        items: with_notifications(&state.pool, items).await?,
        page,
        per_page,
        total,
    }))
}

#[utoipa::path(get, operation_id = "getBrand", path = "/v1/messaging/brands/{id}", tag = "brands", security(("bearer" = [])),
    params(("id" = String, Path, description = "Brand id (ours)"), ("X-Customer-ID" = Option<String>, Header, description = "The customer a super admin acts for"),
        ("asOf" = Option<String>, Query, description = "RFC 3339: the brand as it stood at this instant, folded from its events by the domain (not the read table). Then `asOf` is set, and what the domain's state does not hold is absent: `lastError`, `appeal`, `otpVerifiedAt`, `syncSource`; `lastSyncedAt` is its last observation of TCR; `createdAt`/`updatedAt` are when its first and last event until then were recorded. 404 before the brand existed.")),
    responses((status = 200, description = "The brand (now, or as of `asOf`)", body = BrandView),
        (status = 400, description = "Bad request (malformed JSON, query or header)", body = crate::http::error::ErrorBody),
        (status = 401, description = "No valid bearer token", body = crate::http::error::ErrorBody),
        (status = 403, description = "The role may not do this", body = crate::http::error::ErrorBody),
        (status = 404, description = "Not found (or another customer's; or `asOf` is before it existed)", body = crate::http::error::ErrorBody),
        (status = 422, description = "Invalid fields (named): `asOf` is not an RFC 3339 time", body = crate::http::error::ErrorBody),
        (status = 500, description = "Internal error (logged)", body = crate::http::error::ErrorBody)))]
async fn show(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    params: Result<axum::extract::Query<AsOfQuery>, QueryRejection>,
) -> Result<Json<BrandView>, ApiError> {
    let id = path_id(&id, "brand")?;
    if let Some(at) = AsOfQuery::read(params)? {
        let replayed = replayed::<Brand>(&state, &caller, id, at, "brand").await?;
        return BrandView::as_of(AsOf {
            replayed: &replayed,
            at,
        })
        .map(Json)
        .ok_or_else(|| ApiError::not_found("brand"));
    }
    let row = brand_rows::get(&state.pool, id, caller.read_scope())
        .await?
        .ok_or_else(|| ApiError::not_found("brand"))?;
    let shown = with_notifications(&state.pool, vec![BrandView::from(row)]).await?;
    Ok(Json(
        shown.into_iter().next().expect("one view in, one out"),
    ))
}

#[utoipa::path(patch, operation_id = "updateBrand", path = "/v1/messaging/brands/{id}", tag = "brands", security(("bearer" = [])),
    params(("id" = String, Path, description = "Brand id (ours)"), ("X-Customer-ID" = Option<String>, Header, description = "The customer a super admin acts for")),
    request_body = tendlc_domain::brand::BrandBody,
    responses((status = 200, description = "The brand after TCR accepted the change (or unchanged)", body = BrandView),
        (status = 400, description = "Bad request (malformed JSON, query or header)", body = crate::http::error::ErrorBody),
        (status = 401, description = "No valid bearer token", body = crate::http::error::ErrorBody),
        (status = 403, description = "The role may not do this", body = crate::http::error::ErrorBody),
        (status = 404, description = "Not found (or another customer's)", body = crate::http::error::ErrorBody),
        (status = 409, description = "Conflicts with the current state; `auth_plus_revocation_unconfirmed` when the change of `businessContactEmail` would revoke the brand's Authentication+ (verified or under way) and the body lacks `confirmAuthPlusRevocation: true` (nothing was sent to TCR)", body = crate::http::error::ErrorBody),
        (status = 413, description = "Body too large", body = crate::http::error::ErrorBody),
        (status = 422, description = "Invalid fields (named), or TCR refused", body = crate::http::error::ErrorBody),
        (status = 429, description = "Too many submissions", body = crate::http::error::ErrorBody),
        (status = 500, description = "Internal error (logged)", body = crate::http::error::ErrorBody),
        (status = 502, description = "TCR failed or could not be reached; the request is recorded", body = crate::http::error::ErrorBody),
        (status = 504, description = "TCR did not answer in time; the request is recorded as pending", body = crate::http::error::ErrorBody)))]
async fn update(
    State(state): State<AppState>,
    caller: Caller,
    RequestId(request_id): RequestId,
    Path(id): Path<String>,
    Body(body): Body<BrandBody>,
) -> Result<Response, ApiError> {
    let customer_id = caller.acting_customer()?;
    let id = path_id(&id, "brand")?;
    let brand = state.app.brands.owned(id, customer_id).await?;
    let revocation_confirmed = body.revocation_confirmed();
    let patch = body.into_changes().map_err(ApiError::validation)?;
    let current = brand
        .profile
        .clone()
        .ok_or_else(|| ApiError::not_found("brand"))?;
    let places = state.app.catalogues.places().await;
    let profile = BrandProfile::parse_in(&current.to_draft().merged_with(&patch), &places)
        .map_err(ApiError::validation)?;
    match state
        .app
        .brands
        .update(
            &caller.context(customer_id, request_id),
            id,
            &brand,
            profile,
            revocation_confirmed,
        )
        .await?
    {
        Some(outcome) => Ok(answer(outcome, StatusCode::OK, "update")),
        None => {
            let row = brand_rows::get(&state.pool, id.into(), Some(customer_id.into()))
                .await?
                .ok_or_else(|| ApiError::not_found("brand"))?;
            Ok((StatusCode::OK, Json(BrandView::from(row))).into_response())
        }
    }
}
