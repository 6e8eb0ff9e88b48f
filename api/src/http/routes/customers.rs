//! `/v1/customers`: tenants, managed by super admins.
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, State};
use axum::http::Method;
use axum::http::StatusCode;
use axum::routing::{get, patch, post};
use axum::Json;
use tendlc_domain::customer::{CustomerBody, CustomerChanges, CustomerDetails};
use tendlc_projections::customers as customer_rows;
use uuid::Uuid;

use super::{path_id, query, Access, Body, Endpoint, Paging, RequestId};
use crate::http::auth::{Action, Caller};
use crate::http::error::ApiError;
use crate::http::state::AppState;
use crate::http::views::{CustomerView, Page};

pub fn endpoints() -> Vec<Endpoint> {
    const CUSTOMERS: &str = "/v1/customers";
    const CUSTOMER: &str = "/v1/customers/{id}";
    vec![
        Endpoint::new(
            Method::GET,
            CUSTOMERS,
            Access::Role(Action::ManageCustomers),
            get(list),
        ),
        Endpoint::new(
            Method::POST,
            CUSTOMERS,
            Access::Role(Action::ManageCustomers),
            post(create),
        ),
        Endpoint::new(
            Method::GET,
            CUSTOMER,
            Access::Role(Action::ReadCustomer),
            get(show),
        ),
        Endpoint::new(
            Method::PATCH,
            CUSTOMER,
            Access::Role(Action::ManageCustomers),
            patch(update),
        ),
    ]
}

#[utoipa::path(post, operation_id = "createCustomer", path = "/v1/customers", tag = "customers", security(("bearer" = [])),
    request_body = tendlc_domain::customer::CustomerBody,
    responses((status = 201, description = "Created", body = CustomerView),
        (status = 202, description = "Recorded, but the read models do not show it yet (a projection is behind or stuck); read it again shortly", body = crate::http::error::ErrorBody),
        (status = 400, description = "Bad request (malformed JSON, query or header)", body = crate::http::error::ErrorBody),
        (status = 401, description = "No valid bearer token", body = crate::http::error::ErrorBody),
        (status = 403, description = "The role may not do this", body = crate::http::error::ErrorBody),
        (status = 409, description = "Conflicts with the current state", body = crate::http::error::ErrorBody),
        (status = 422, description = "Invalid fields (named), or TCR refused", body = crate::http::error::ErrorBody),
        (status = 429, description = "Too many submissions", body = crate::http::error::ErrorBody),
        (status = 500, description = "Internal error (logged)", body = crate::http::error::ErrorBody)))]
async fn create(
    State(state): State<AppState>,
    caller: Caller,
    RequestId(request_id): RequestId,
    Body(body): Body<CustomerBody>,
) -> Result<(StatusCode, Json<CustomerView>), ApiError> {
    let details = CustomerDetails::try_from(body).map_err(ApiError::validation)?;
    let row = state
        .app
        .customers
        .register(&caller.origin(request_id), details)
        .await?;
    Ok((StatusCode::CREATED, Json(row.into())))
}

#[utoipa::path(get, operation_id = "listCustomers", path = "/v1/customers", tag = "customers", security(("bearer" = [])),
    params(("page" = Option<i64>, Query, description = "1-based page; pages reach row 10000 at most (page × perPage)"), ("perPage" = Option<i64>, Query, description = "1..500, default 50"),
        ("q" = Option<String>, Query, description = "Only customers whose BAN or name contains this (any case); at most 100 characters")),
    responses((status = 200, description = "One page of customers", body = Page<CustomerView>),
        (status = 401, description = "No valid bearer token", body = crate::http::error::ErrorBody),
        (status = 403, description = "The role may not do this", body = crate::http::error::ErrorBody),
        (status = 422, description = "Invalid fields (named), or TCR refused", body = crate::http::error::ErrorBody),
        (status = 500, description = "Internal error (logged)", body = crate::http::error::ErrorBody)))]
async fn list(
    State(state): State<AppState>,
    paging: Result<axum::extract::Query<Paging>, QueryRejection>,
    search: Result<axum::extract::Query<Search>, QueryRejection>,
) -> Result<Json<Page<CustomerView>>, ApiError> {
    let (page, per_page, offset) = query(paging)?.resolve()?;
    let text = query(search)?
        .q
        .map(|q| q.trim().to_string())
        .filter(|q| !q.is_empty());
    if text.as_ref().is_some_and(|q| q.chars().count() > 100) {
        return Err(ApiError::field("q", "must be at most 100 characters"));
    }
    let (rows, total) =
        customer_rows::search(&state.pool, text.as_deref(), per_page, offset).await?;
    Ok(Json(Page {
        items: rows.into_iter().map(Into::into).collect(),
        page,
        per_page,
        total,
    }))
}

/// `?q=`: the console's customer picker searches by BAN or name.
#[derive(Debug, serde::Deserialize)]
pub struct Search {
    pub q: Option<String>,
}

/// A customer the caller may see: super admins see all, others only their own (404 otherwise).
fn visible(caller: &Caller, id: Uuid) -> Result<(), ApiError> {
    if caller.role == crate::http::auth::Role::Superadmin || caller.customer == Some(id.into()) {
        Ok(())
    } else {
        Err(ApiError::not_found("customer"))
    }
}

#[utoipa::path(get, operation_id = "getCustomer", path = "/v1/customers/{id}", tag = "customers", security(("bearer" = [])),
    params(("id" = String, Path, description = "Customer id")),
    responses((status = 200, description = "The customer", body = CustomerView),
        (status = 401, description = "No valid bearer token", body = crate::http::error::ErrorBody),
        (status = 403, description = "The role may not do this", body = crate::http::error::ErrorBody),
        (status = 404, description = "Not found (or another customer's)", body = crate::http::error::ErrorBody),
        (status = 500, description = "Internal error (logged)", body = crate::http::error::ErrorBody)))]
async fn show(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<CustomerView>, ApiError> {
    let id = path_id(&id, "customer")?;
    visible(&caller, id)?;
    let row = customer_rows::get(&state.pool, id)
        .await?
        .ok_or_else(|| ApiError::not_found("customer"))?;
    Ok(Json(row.into()))
}

#[utoipa::path(patch, operation_id = "updateCustomer", path = "/v1/customers/{id}", tag = "customers", security(("bearer" = [])),
    params(("id" = String, Path, description = "Customer id")),
    request_body = tendlc_domain::customer::CustomerBody,
    responses((status = 200, description = "The customer after the change", body = CustomerView),
        (status = 400, description = "Bad request (malformed JSON, query or header)", body = crate::http::error::ErrorBody),
        (status = 401, description = "No valid bearer token", body = crate::http::error::ErrorBody),
        (status = 403, description = "The role may not do this", body = crate::http::error::ErrorBody),
        (status = 404, description = "Not found (or another customer's)", body = crate::http::error::ErrorBody),
        (status = 409, description = "Conflicts with the current state", body = crate::http::error::ErrorBody),
        (status = 422, description = "Invalid fields (named), or TCR refused", body = crate::http::error::ErrorBody),
        (status = 500, description = "Internal error (logged)", body = crate::http::error::ErrorBody)))]
async fn update(
    State(state): State<AppState>,
    caller: Caller,
    RequestId(request_id): RequestId,
    Path(id): Path<String>,
    Body(body): Body<CustomerBody>,
) -> Result<Json<CustomerView>, ApiError> {
    let id = path_id(&id, "customer")?;
    let changes = CustomerChanges::try_from(body).map_err(ApiError::validation)?;
    let row = state
        .app
        .customers
        .update(&caller.context(id, request_id), id, changes)
        .await?;
    Ok(Json(row.into()))
}
