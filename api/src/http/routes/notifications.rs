//! `/v1/notifications`: what was mailed to whom, when, why, and the provider's answer; a super
//! admin sends a failed one again. `/v1/customers/{id}/notification-preferences`: opt-outs per
//! kind and brand contacts.
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, State};
use axum::http::Method;
use axum::routing::{get, post, put};
use axum::Json;
use serde::Deserialize;
use tendlc_domain::notification::{
    NotificationKind, NotificationPreferences, NotificationPreferencesBody,
};
use tendlc_projections::customers as customer_rows;
use tendlc_projections::notifications::{self as notification_rows, status, NotificationFilter};
use uuid::Uuid;

use super::responses::{ReadErrors, SubmitErrors};
use super::{path_id, query, Access, Body, Endpoint, Paging, RequestId};
use crate::http::auth::{Action, Caller, Role};
use crate::http::error::ApiError;
use crate::http::state::AppState;
use crate::http::views::{NotificationPreferencesView, NotificationView, Page, ResendView};

pub fn endpoints() -> Vec<Endpoint> {
    const PREFERENCES: &str = "/v1/customers/{id}/notification-preferences";
    vec![
        Endpoint::new(
            Method::GET,
            "/v1/notifications",
            Access::Role(Action::ReadRegistrations),
            get(list),
        ),
        Endpoint::new(
            Method::GET,
            "/v1/notifications/{id}",
            Access::Role(Action::ReadRegistrations),
            get(show),
        ),
        Endpoint::new(
            Method::POST,
            "/v1/notifications/{id}/resend",
            Access::Role(Action::Operate),
            post(resend),
        ),
        Endpoint::new(
            Method::GET,
            PREFERENCES,
            Access::Role(Action::ReadCustomer),
            get(preferences),
        ),
        Endpoint::new(
            Method::PUT,
            PREFERENCES,
            Access::Role(Action::ManageNotifications),
            put(set_preferences),
        ),
    ]
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ListQuery {
    #[serde(flatten)]
    paging: Paging,
    status: Option<String>,
    kind: Option<String>,
    /// A brand (with its campaigns) or a campaign.
    subject_id: Option<String>,
    recipient: Option<String>,
}

#[utoipa::path(get, operation_id = "listNotifications", path = "/v1/notifications", tag = "notifications", security(("bearer" = [])),
    params(("status" = Option<String>, Query, description = "PENDING | SENT | FAILED | DEAD | SUPPRESSED"),
        ("kind" = Option<String>, Query, description = "e.g. BRAND_VERIFIED"),
        ("subjectId" = Option<String>, Query, description = "A brand (with its campaigns) or a campaign"),
        ("recipient" = Option<String>, Query, description = "An e-mail address"),
        ("X-Customer-ID" = Option<String>, Header, description = "The customer a super admin looks at (all without it)"),
        ("page" = Option<i64>, Query, description = "1-based page"), ("perPage" = Option<i64>, Query, description = "1..500, default 50")),
    responses((status = 200, description = "One page of notifications, newest first", body = Page<NotificationView>), ReadErrors))]
async fn list(
    State(state): State<AppState>,
    caller: Caller,
    params: Result<axum::extract::Query<ListQuery>, QueryRejection>,
) -> Result<Json<Page<NotificationView>>, ApiError> {
    let params = query(params)?;
    let (page, per_page, offset) = params.paging.resolve()?;
    let status = match params.status.as_deref().map(str::to_ascii_uppercase) {
        Some(s) if status::ALL.contains(&s.as_str()) => Some(s),
        Some(_) => {
            return Err(ApiError::field(
                "status",
                format!("must be one of {}", status::ALL.join(", ")),
            ))
        }
        None => None,
    };
    let kind = match params.kind.as_deref().map(str::to_ascii_uppercase) {
        Some(k) => Some(
            NotificationKind::parse(&k)
                .ok_or_else(|| {
                    ApiError::field(
                        "kind",
                        format!("must be one of {}", NotificationKind::choices()),
                    )
                })?
                .as_str()
                .to_string(),
        ),
        None => None,
    };
    let subject =
        match &params.subject_id {
            None => None,
            Some(text) => Some(Uuid::parse_str(text.trim()).map_err(|_| {
                ApiError::field("subjectId", "must be a brand or campaign id (UUID)")
            })?),
        };
    let filter = NotificationFilter {
        customer: caller.read_scope(),
        status,
        kind,
        subject,
        recipient: params.recipient.map(|r| r.trim().to_string()),
    };
    let (rows, total) = notification_rows::list(&state.pool, &filter, per_page, offset).await?;
    Ok(Json(Page {
        items: rows.into_iter().map(Into::into).collect(),
        page,
        per_page,
        total,
    }))
}

/// One notification the caller may see, with its re-sends.
async fn one(state: &AppState, caller: &Caller, id: Uuid) -> Result<NotificationView, ApiError> {
    let row = notification_rows::get(&state.pool, id, caller.read_scope())
        .await?
        .ok_or_else(|| ApiError::not_found("notification"))?;
    let resends = notification_rows::resends(&state.pool, id).await?;
    let mut view = NotificationView::from(row);
    view.resend_history = Some(resends.into_iter().map(ResendView::from).collect());
    Ok(view)
}

#[utoipa::path(get, operation_id = "getNotification", path = "/v1/notifications/{id}", tag = "notifications", security(("bearer" = [])),
    params(("id" = String, Path, description = "Notification id"), ("X-Customer-ID" = Option<String>, Header, description = "The customer a super admin acts for")),
    responses((status = 200, description = "The notification and its re-sends", body = NotificationView), ReadErrors))]
async fn show(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<NotificationView>, ApiError> {
    let id = path_id(&id, "notification")?;
    Ok(Json(one(&state, &caller, id).await?))
}

#[utoipa::path(post, operation_id = "resendNotification", path = "/v1/notifications/{id}/resend", tag = "notifications", security(("bearer" = [])),
    params(("id" = String, Path, description = "Notification id")),
    responses((status = 200, description = "Queued again (PENDING); the re-send is recorded with who asked", body = NotificationView), SubmitErrors))]
async fn resend(
    State(state): State<AppState>,
    caller: Caller,
    RequestId(request_id): RequestId,
    Path(id): Path<String>,
) -> Result<Json<NotificationView>, ApiError> {
    let id = path_id(&id, "notification")?;
    // Only a super admin gets here; X-Customer-ID, when sent, still narrows what it can find.
    if notification_rows::get(&state.pool, id, caller.read_scope())
        .await?
        .is_none()
    {
        return Err(ApiError::not_found("notification"));
    }
    state
        .app
        .notifications
        .resend(&caller.origin(request_id), id)
        .await?;
    Ok(Json(one(&state, &caller, id).await?))
}

/// A customer the caller may see: super admins see all, others only their own (404 otherwise).
fn visible(caller: &Caller, id: Uuid) -> Result<(), ApiError> {
    if caller.role == Role::Superadmin || caller.customer == Some(id.into()) {
        Ok(())
    } else {
        Err(ApiError::not_found("customer"))
    }
}

#[utoipa::path(get, operation_id = "getNotificationPreferences", path = "/v1/customers/{id}/notification-preferences", tag = "notifications", security(("bearer" = [])),
    params(("id" = String, Path, description = "Customer id")),
    responses((status = 200, description = "The customer's opt-outs and brand contacts", body = NotificationPreferencesView), ReadErrors))]
async fn preferences(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<NotificationPreferencesView>, ApiError> {
    let id = path_id(&id, "customer")?;
    visible(&caller, id)?;
    let row = customer_rows::get(&state.pool, id)
        .await?
        .ok_or_else(|| ApiError::not_found("customer"))?;
    Ok(Json(row.into()))
}

#[utoipa::path(put, operation_id = "setNotificationPreferences", path = "/v1/customers/{id}/notification-preferences", tag = "notifications", security(("bearer" = [])),
    params(("id" = String, Path, description = "Customer id")),
    request_body = tendlc_domain::notification::NotificationPreferencesBody,
    responses((status = 200, description = "The preferences now in force (the whole set is replaced)", body = NotificationPreferencesView), SubmitErrors))]
async fn set_preferences(
    State(state): State<AppState>,
    caller: Caller,
    RequestId(request_id): RequestId,
    Path(id): Path<String>,
    body: Option<Body<NotificationPreferencesBody>>,
) -> Result<Json<NotificationPreferencesView>, ApiError> {
    let id = path_id(&id, "customer")?;
    visible(&caller, id)?;
    let Some(Body(body)) = body else {
        return Err(ApiError::bad_request(
            "body_required",
            "send the preferences as a JSON object {optOuts, brandContacts}",
        ));
    };
    let preferences = NotificationPreferences::try_from(body).map_err(ApiError::validation)?;
    let row = state
        .app
        .customers
        .set_notification_preferences(
            &caller.context(id.into(), request_id),
            id.into(),
            preferences,
        )
        .await?;
    Ok(Json(row.into()))
}
