//! `/v1/messaging/resellers`: the resellers a customer registers with TCR (businesses between
//! its brands and the operator) so its campaigns can name them. Scoped to one customer, like
//! brands.
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, State};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post, put};
use axum::Json;
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;
use tendlc_domain::campaign::profile::NO_RESELLER;
use tendlc_domain::ids::{CustomerId, ResellerId, TcrResellerId};
use tendlc_domain::reseller::{ResellerBody, ResellerDetails};
use tendlc_projections::resellers::{self as reseller_rows, ResellerRow};

use super::responses::{ReadErrors, SubmitErrors};
use super::{location, path_id, query, Access, Body, Endpoint, Paging, RequestId};
use crate::application::Outcome;
use crate::http::auth::{Action, Caller};
use crate::http::error::ApiError;
use crate::http::state::AppState;
use crate::http::views::Page;

const RESELLERS: &str = "/v1/messaging/resellers";
const RESELLER: &str = "/v1/messaging/resellers/{id}";

pub fn endpoints() -> Vec<Endpoint> {
    let read = || Access::Role(Action::ReadRegistrations);
    let submit = || Access::Role(Action::SubmitRegistrations);
    vec![
        Endpoint::new(Method::GET, RESELLERS, read(), get(list)),
        Endpoint::new(Method::POST, RESELLERS, submit(), post(register)),
        Endpoint::new(Method::GET, RESELLER, read(), get(show)),
        Endpoint::new(Method::PUT, RESELLER, submit(), put(update)),
        Endpoint::new(Method::DELETE, RESELLER, submit(), delete(remove)),
    ]
}

/// A reseller as the customer sees it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ResellerView {
    pub id: uuid::Uuid,
    pub customer_id: uuid::Uuid,
    /// TCR's id (`R` + 6) once TCR holds it: what a campaign's `resellerId` names.
    pub tcr_reseller_id: Option<String>,
    pub company_name: String,
    pub phone: String,
    pub email: String,
    /// PENDING | REGISTERED | FAILED (a `PUT` tries again) | DELETED
    pub status: String,
    /// REGISTER | UPDATE | DELETE while TCR's answer is awaited.
    pub pending_action: Option<String>,
    /// TCR's last refusal or failure: `{kind, message, tcrErrors, retryable}`.
    #[schema(value_type = Option<Object>)]
    pub last_error: Option<Value>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<ResellerRow> for ResellerView {
    fn from(row: ResellerRow) -> Self {
        Self {
            id: row.reseller_id,
            customer_id: row.customer_id,
            tcr_reseller_id: row.tcr_reseller_id,
            company_name: row.company_name,
            phone: row.phone,
            email: row.email,
            status: row.status,
            pending_action: row.pending_action,
            last_error: row.last_error,
            created_at: row.created_at,
            updated_at: row.updated_at,
        }
    }
}

fn answer(outcome: Outcome<ResellerRow>, success: StatusCode, what: &str) -> Response {
    match outcome {
        Outcome::Done(row) => {
            let link = location(&format!("{RESELLERS}/{}", row.reseller_id));
            (success, link, Json(ResellerView::from(*row))).into_response()
        }
        Outcome::Failed { id, error } => {
            let recorded =
                format!("The {what} is recorded on reseller {id}; nothing changed at TCR.");
            (
                location(&format!("{RESELLERS}/{id}")),
                ApiError::from_tcr(&error, &recorded),
            )
                .into_response()
        }
    }
}

#[utoipa::path(post, operation_id = "registerReseller", path = "/v1/messaging/resellers", tag = "resellers", security(("bearer" = [])),
    params(("X-Customer-ID" = Option<String>, Header, description = "The customer a super admin acts for")),
    request_body = ResellerBody,
    responses((status = 201, description = "Registered with TCR; `tcrResellerId` is what campaigns name", body = ResellerView),
        (status = 202, description = "Recorded, but the read models do not show it yet (a projection is behind or stuck); read it again shortly", body = crate::http::error::ErrorBody),
        SubmitErrors))]
async fn register(
    State(state): State<AppState>,
    caller: Caller,
    RequestId(request_id): RequestId,
    Body(body): Body<ResellerBody>,
) -> Result<Response, ApiError> {
    let customer_id = caller.acting_customer()?;
    let details = ResellerDetails::try_from(body).map_err(ApiError::validation)?;
    let outcome = state
        .app
        .resellers
        .register(
            &caller.context(customer_id, request_id),
            customer_id,
            details,
        )
        .await?;
    Ok(answer(outcome, StatusCode::CREATED, "registration"))
}

#[utoipa::path(get, operation_id = "listResellers", path = "/v1/messaging/resellers", tag = "resellers", security(("bearer" = [])),
    params(("X-Customer-ID" = Option<String>, Header, description = "The customer a super admin looks at (all without it)"),
        ("page" = Option<i64>, Query, description = "1-based page; pages reach row 10000 at most (page × perPage)"), ("perPage" = Option<i64>, Query, description = "1..500, default 50")),
    responses((status = 200, description = "One page of resellers (deleted ones left out), by name", body = Page<ResellerView>), ReadErrors))]
async fn list(
    State(state): State<AppState>,
    caller: Caller,
    paging: Result<axum::extract::Query<Paging>, QueryRejection>,
) -> Result<Json<Page<ResellerView>>, ApiError> {
    let (page, per_page, offset) = query(paging)?.resolve()?;
    let customer = caller.read_scope();
    let (rows, total) = reseller_rows::list(&state.pool, customer, per_page, offset).await?;
    Ok(Json(Page {
        items: rows.into_iter().map(Into::into).collect(),
        page,
        per_page,
        total,
    }))
}

#[utoipa::path(get, operation_id = "getReseller", path = "/v1/messaging/resellers/{id}", tag = "resellers", security(("bearer" = [])),
    params(("id" = String, Path, description = "Reseller id (tendlc's)"),
        ("X-Customer-ID" = Option<String>, Header, description = "The customer a super admin looks at")),
    responses((status = 200, description = "The reseller", body = ResellerView), ReadErrors))]
async fn show(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<ResellerView>, ApiError> {
    let id = path_id(&id, "reseller")?;
    let row = reseller_rows::get(&state.pool, id, caller.read_scope())
        .await?
        .ok_or_else(|| ApiError::not_found("reseller"))?;
    Ok(Json(row.into()))
}

#[utoipa::path(put, operation_id = "updateReseller", path = "/v1/messaging/resellers/{id}", tag = "resellers", security(("bearer" = [])),
    params(("id" = String, Path, description = "Reseller id (tendlc's)"),
        ("X-Customer-ID" = Option<String>, Header, description = "The customer a super admin acts for")),
    request_body = ResellerBody,
    responses((status = 200, description = "The reseller after TCR took the change (a FAILED registration is tried again)", body = ResellerView), SubmitErrors))]
async fn update(
    State(state): State<AppState>,
    caller: Caller,
    RequestId(request_id): RequestId,
    Path(id): Path<String>,
    Body(body): Body<ResellerBody>,
) -> Result<Response, ApiError> {
    let customer_id = caller.acting_customer()?;
    let reseller_id: ResellerId = path_id(&id, "reseller")?;
    state.app.resellers.owned(reseller_id, customer_id).await?;
    let details = ResellerDetails::try_from(body).map_err(ApiError::validation)?;
    let outcome = state
        .app
        .resellers
        .update(
            &caller.context(customer_id, request_id),
            reseller_id,
            details,
        )
        .await?;
    Ok(answer(outcome, StatusCode::OK, "update"))
}

#[utoipa::path(delete, operation_id = "deleteReseller", path = "/v1/messaging/resellers/{id}", tag = "resellers", security(("bearer" = [])),
    params(("id" = String, Path, description = "Reseller id (tendlc's)"),
        ("X-Customer-ID" = Option<String>, Header, description = "The customer a super admin acts for")),
    responses((status = 200, description = "Deleted at TCR (TCR refuses while campaigns name it)", body = ResellerView), SubmitErrors))]
async fn remove(
    State(state): State<AppState>,
    caller: Caller,
    RequestId(request_id): RequestId,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let customer_id = caller.acting_customer()?;
    let reseller_id: ResellerId = path_id(&id, "reseller")?;
    state.app.resellers.owned(reseller_id, customer_id).await?;
    let outcome = state
        .app
        .resellers
        .delete(&caller.context(customer_id, request_id), reseller_id)
        .await?;
    Ok(answer(outcome, StatusCode::OK, "deletion"))
}

/// A campaign's `resellerId` must be `R000000` (none) or a registered reseller of the same
/// customer: another customer's reseller is refused as if it did not exist.
pub async fn check_named(
    state: &AppState,
    customer_id: CustomerId,
    reseller_id: &str,
) -> Result<(), ApiError> {
    if reseller_id == NO_RESELLER {
        return Ok(());
    }
    let known = match TcrResellerId::parse(reseller_id) {
        Ok(id) => state.app.resellers.is_customers(&id, customer_id).await?,
        Err(_) => false,
    };
    if known {
        Ok(())
    } else {
        Err(ApiError::field(
            "resellerId",
            format!("must be {NO_RESELLER} (no reseller) or the tcrResellerId of one of this customer's registered resellers (POST {RESELLERS})"),
        ))
    }
}
