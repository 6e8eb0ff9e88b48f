//! A brand's identity beyond registration: external vetting (order, import, list), revet,
//! TCR's feedback, identity appeal, sole-proprietor OTP, and deletion.
use axum::extract::{Path, State};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::Json;
use tendlc_domain::brand::auth_plus;
use tendlc_domain::ids::TcrBrandId;
use tendlc_domain::tcr::{TcrFeedback, TcrOtpStatus};
use tendlc_projections::brands::{self as brand_rows, BrandRow};

use super::responses::{ReadErrors, SubmitErrors};
use super::{path_id, Access, Body, Endpoint, RequestId};
use crate::application::brand_actions::BrandRequest;
use crate::application::Outcome;
use crate::http::auth::{Action, Caller};
use crate::http::bodies::{
    AppealBody, OtpBody, OtpVerifyBody, VettingImportBody, VettingOrderBody,
};
use crate::http::error::ApiError;
use crate::http::state::AppState;
use crate::http::views::{BrandView, VettingView};

pub fn endpoints() -> Vec<Endpoint> {
    let read = || Access::Role(Action::ReadRegistrations);
    let submit = || Access::Role(Action::SubmitRegistrations);
    const VETTINGS: &str = "/v1/messaging/brands/{id}/vettings";
    vec![
        Endpoint::new(Method::GET, VETTINGS, read(), get(vettings)),
        Endpoint::new(Method::POST, VETTINGS, submit(), post(order_vetting)),
        Endpoint::new(
            Method::POST,
            "/v1/messaging/brands/{id}/vettings/import",
            submit(),
            post(import_vetting),
        ),
        Endpoint::new(
            Method::POST,
            "/v1/messaging/brands/{id}/revet",
            submit(),
            post(revet),
        ),
        Endpoint::new(
            Method::GET,
            "/v1/messaging/brands/{id}/feedback",
            read(),
            get(feedback),
        ),
        Endpoint::new(
            Method::POST,
            "/v1/messaging/brands/{id}/appeal",
            submit(),
            post(appeal),
        ),
        Endpoint::new(
            Method::POST,
            "/v1/messaging/brands/{id}/otp",
            submit(),
            post(send_otp),
        ),
        Endpoint::new(
            Method::GET,
            "/v1/messaging/brands/{id}/otp",
            read(),
            get(otp_status),
        ),
        Endpoint::new(
            Method::POST,
            "/v1/messaging/brands/{id}/otp/verify",
            submit(),
            post(verify_otp),
        ),
        Endpoint::new(
            Method::DELETE,
            "/v1/messaging/brands/{id}",
            submit(),
            delete(delete_brand),
        ),
        Endpoint::new(
            Method::POST,
            "/v1/messaging/brands/{id}/auth-plus/email",
            submit(),
            post(resend_auth_plus_email),
        ),
    ]
}

/// The caller's brand row, or not found (another customer's looks missing).
pub(super) async fn readable(
    state: &AppState,
    caller: &Caller,
    id: &str,
) -> Result<BrandRow, ApiError> {
    let id = path_id(id, "brand")?;
    brand_rows::get(&state.pool, id, caller.read_scope())
        .await?
        .ok_or_else(|| ApiError::not_found("brand"))
}

pub(super) fn registered_id(row: &BrandRow) -> Result<&str, ApiError> {
    row.tcr_brand_id.as_deref().ok_or_else(|| {
        ApiError::conflict(
            "brand_not_registered",
            format!(
                "the brand is not registered with TCR (status {})",
                row.status.as_str()
            ),
        )
    })
}

/// The acting customer's brand, checked before anything else is looked at, so another
/// customer's brand is simply not found.
pub(super) async fn own_brand(
    state: &AppState,
    caller: &Caller,
    id: &str,
) -> Result<BrandRow, ApiError> {
    let customer_id = caller.acting_customer()?;
    let id = path_id(id, "brand")?;
    brand_rows::get(&state.pool, id, Some(customer_id.into()))
        .await?
        .ok_or_else(|| ApiError::not_found("brand"))
}

/// Records the request, performs it at TCR, and answers with the brand as it now stands.
/// `brand` is the caller's, from [`own_brand`].
pub(super) async fn run(
    state: &AppState,
    caller: &Caller,
    request_id: String,
    brand: &BrandRow,
    request: BrandRequest,
) -> Result<Response, ApiError> {
    let context = caller.context(brand.customer_id.into(), request_id);
    let what = request.action_name();
    let resend = matches!(request, BrandRequest::ResendAuthPlusEmail { .. });
    match state
        .app
        .brands
        .request(&context, brand.brand_id.into(), request)
        .await?
    {
        Outcome::Done(row) => Ok((StatusCode::OK, Json(BrandView::from(*row))).into_response()),
        Outcome::Failed { id, error } => {
            let hint = resend
                .then(|| auth_plus::explain_resend_refusal(&error))
                .flatten()
                .map(|why| format!(" {why}"))
                .unwrap_or_default();
            Ok(ApiError::from_tcr(
                &error,
                &format!(
                    "The {what} request is recorded on brand {id}; nothing changed at TCR.{hint}"
                ),
            )
            .into_response())
        }
    }
}

#[utoipa::path(get, path = "/v1/messaging/brands/{id}/vettings", tag = "vetting", security(("bearer" = [])),
    params(("id" = String, Path, description = "Brand id (ours)"), ("X-Customer-ID" = Option<String>, Header, description = "The customer a super admin acts for")),
    responses((status = 200, description = "The brand's external vettings, newest first", body = Vec<VettingView>), ReadErrors))]
async fn vettings(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<Vec<VettingView>>, ApiError> {
    let row = readable(&state, &caller, &id).await?;
    let rows = brand_rows::vettings(&state.pool, row.brand_id, caller.read_scope()).await?;
    Ok(Json(rows.into_iter().map(VettingView::from).collect()))
}

#[utoipa::path(post, path = "/v1/messaging/brands/{id}/vettings", tag = "vetting", security(("bearer" = [])),
    params(("id" = String, Path, description = "Brand id (ours)"), ("X-Customer-ID" = Option<String>, Header, description = "The customer a super admin acts for")),
    request_body = VettingOrderBody,
    responses((status = 200, description = "Ordered (billed by the provider); the score follows", body = BrandView), SubmitErrors))]
async fn order_vetting(
    State(state): State<AppState>,
    caller: Caller,
    RequestId(request_id): RequestId,
    Path(id): Path<String>,
    Body(body): Body<VettingOrderBody>,
) -> Result<Response, ApiError> {
    let brand = own_brand(&state, &caller, &id).await?;
    let request = BrandRequest::try_from(body).map_err(ApiError::validation)?;
    run(&state, &caller, request_id, &brand, request).await
}

#[utoipa::path(post, path = "/v1/messaging/brands/{id}/vettings/import", tag = "vetting", security(("bearer" = [])),
    params(("id" = String, Path, description = "Brand id (ours)"), ("X-Customer-ID" = Option<String>, Header, description = "The customer a super admin acts for")),
    request_body = VettingImportBody,
    responses((status = 200, description = "Imported", body = BrandView), SubmitErrors))]
async fn import_vetting(
    State(state): State<AppState>,
    caller: Caller,
    RequestId(request_id): RequestId,
    Path(id): Path<String>,
    Body(body): Body<VettingImportBody>,
) -> Result<Response, ApiError> {
    let brand = own_brand(&state, &caller, &id).await?;
    let request = BrandRequest::try_from(body).map_err(ApiError::validation)?;
    run(&state, &caller, request_id, &brand, request).await
}

#[utoipa::path(post, path = "/v1/messaging/brands/{id}/revet", tag = "vetting", security(("bearer" = [])),
    params(("id" = String, Path, description = "Brand id (ours)"), ("X-Customer-ID" = Option<String>, Header, description = "The customer a super admin acts for")),
    responses((status = 200, description = "TCR re-verifies the brand's identity; the verdict follows", body = BrandView), SubmitErrors))]
async fn revet(
    State(state): State<AppState>,
    caller: Caller,
    RequestId(request_id): RequestId,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let brand = own_brand(&state, &caller, &id).await?;
    run(&state, &caller, request_id, &brand, BrandRequest::Revet).await
}

#[utoipa::path(get, path = "/v1/messaging/brands/{id}/feedback", tag = "vetting", security(("bearer" = [])),
    params(("id" = String, Path, description = "Brand id (ours)"), ("X-Customer-ID" = Option<String>, Header, description = "The customer a super admin acts for")),
    responses((status = 200, description = "Why TCR could not verify the brand: categories (TAX_ID, WEB_DOMAIN, …), the fields concerned and TCR's codes", body = TcrFeedback),
        (status = 409, description = "The brand is not registered with TCR", body = crate::http::error::ErrorBody),
        (status = 502, description = "TCR failed or could not be reached", body = crate::http::error::ErrorBody),
        (status = 504, description = "TCR did not answer in time", body = crate::http::error::ErrorBody),
        ReadErrors))]
async fn feedback(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<TcrFeedback>, ApiError> {
    let row = readable(&state, &caller, &id).await?;
    let tcr_brand_id = TcrBrandId::from_tcr(registered_id(&row)?);
    Ok(Json(state.app.brands.feedback(&tcr_brand_id).await?))
}

#[utoipa::path(post, path = "/v1/messaging/brands/{id}/appeal", tag = "vetting", security(("bearer" = [])),
    params(("id" = String, Path, description = "Brand id (ours)"), ("X-Customer-ID" = Option<String>, Header, description = "The customer a super admin acts for")),
    request_body = AppealBody,
    responses((status = 200, description = "Appeal filed; TCR's outcome follows", body = BrandView), SubmitErrors))]
async fn appeal(
    State(state): State<AppState>,
    caller: Caller,
    RequestId(request_id): RequestId,
    Path(id): Path<String>,
    Body(body): Body<AppealBody>,
) -> Result<Response, ApiError> {
    let brand = own_brand(&state, &caller, &id).await?;
    let request = body
        .into_request(&brand.evidence)
        .map_err(ApiError::validation)?;
    run(&state, &caller, request_id, &brand, request).await
}

#[utoipa::path(post, path = "/v1/messaging/brands/{id}/otp", tag = "vetting", security(("bearer" = [])),
    params(("id" = String, Path, description = "Brand id (ours)"), ("X-Customer-ID" = Option<String>, Header, description = "The customer a super admin acts for")),
    request_body = OtpBody,
    responses((status = 200, description = "TCR texted a PIN to the sole proprietor's mobile phone", body = BrandView), SubmitErrors))]
async fn send_otp(
    State(state): State<AppState>,
    caller: Caller,
    RequestId(request_id): RequestId,
    Path(id): Path<String>,
    body: Option<Body<OtpBody>>,
) -> Result<Response, ApiError> {
    let brand = own_brand(&state, &caller, &id).await?;
    let body = body.map(|Body(body)| body).unwrap_or_default();
    let request = BrandRequest::try_from(body).map_err(ApiError::validation)?;
    run(&state, &caller, request_id, &brand, request).await
}

#[utoipa::path(post, path = "/v1/messaging/brands/{id}/otp/verify", tag = "vetting", security(("bearer" = [])),
    params(("id" = String, Path, description = "Brand id (ours)"), ("X-Customer-ID" = Option<String>, Header, description = "The customer a super admin acts for")),
    request_body = OtpVerifyBody,
    responses((status = 200, description = "TCR accepted the PIN; the brand becomes VERIFIED", body = BrandView), SubmitErrors))]
async fn verify_otp(
    State(state): State<AppState>,
    caller: Caller,
    RequestId(request_id): RequestId,
    Path(id): Path<String>,
    Body(body): Body<OtpVerifyBody>,
) -> Result<Response, ApiError> {
    let brand = own_brand(&state, &caller, &id).await?;
    let request = BrandRequest::try_from(body).map_err(ApiError::validation)?;
    run(&state, &caller, request_id, &brand, request).await
}

#[utoipa::path(get, path = "/v1/messaging/brands/{id}/otp", tag = "vetting", security(("bearer" = [])),
    params(("id" = String, Path, description = "Brand id (ours)"), ("X-Customer-ID" = Option<String>, Header, description = "The customer a super admin acts for")),
    responses((status = 200, description = "Where the sole proprietor's OTP stands at TCR (delivery, verification)", body = TcrOtpStatus),
        (status = 409, description = "No OTP was sent for this brand", body = crate::http::error::ErrorBody),
        (status = 502, description = "TCR failed or could not be reached", body = crate::http::error::ErrorBody),
        (status = 504, description = "TCR did not answer in time", body = crate::http::error::ErrorBody),
        ReadErrors))]
async fn otp_status(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<TcrOtpStatus>, ApiError> {
    let row = readable(&state, &caller, &id).await?;
    let reference = row.otp_reference_id.as_deref().ok_or_else(|| {
        ApiError::conflict(
            "no_otp",
            "no OTP was sent for this brand; POST .../otp first",
        )
    })?;
    Ok(Json(state.app.brands.otp_status(reference).await?))
}

#[utoipa::path(delete, path = "/v1/messaging/brands/{id}", tag = "brands", security(("bearer" = [])),
    params(("id" = String, Path, description = "Brand id (ours)"), ("X-Customer-ID" = Option<String>, Header, description = "The customer a super admin acts for")),
    responses((status = 200, description = "Deleted at TCR (irreversible); the brand stays readable with tcrStatus DELETED", body = BrandView), SubmitErrors))]
async fn delete_brand(
    State(state): State<AppState>,
    caller: Caller,
    RequestId(request_id): RequestId,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let brand = own_brand(&state, &caller, &id).await?;
    run(&state, &caller, request_id, &brand, BrandRequest::Delete).await
}

#[utoipa::path(post, operation_id = "resendAuthPlusEmail", path = "/v1/messaging/brands/{id}/auth-plus/email", tag = "vetting", security(("bearer" = [])),
    params(("id" = String, Path, description = "Brand id (ours)"), ("X-Customer-ID" = Option<String>, Header, description = "The customer a super admin acts for")),
    responses((status = 200, description = "TCR resends the Authentication+ 2FA e-mail to the business contact; the brand's `authPlus` shows when and when the next resend is allowed", body = BrandView),
        (status = 400, description = "Bad request (malformed JSON, query or header)", body = crate::http::error::ErrorBody),
        (status = 401, description = "No valid bearer token", body = crate::http::error::ErrorBody),
        (status = 403, description = "The role may not do this", body = crate::http::error::ErrorBody),
        (status = 404, description = "Not found (or another customer's)", body = crate::http::error::ErrorBody),
        (status = 409, description = "Nothing to resend (`not_applicable`: no Auth+ vet in progress, the domain check not done yet, or already VERIFIED), or `too_soon`: the last e-mail (sent or resent) is less than 2 hours old; `retryAfter` and the `Retry-After` header say when the next resend is allowed", body = crate::http::error::ErrorBody,
            headers(("Retry-After" = u64, description = "Seconds until the next resend is allowed (with `too_soon`)"))),
        (status = 422, description = "TCR refused (its code and text in `tcr`): 565 no Auth+ vet started in the last 30 days (order a new one), 592 2FA already complete", body = crate::http::error::ErrorBody),
        (status = 500, description = "Internal error (logged)", body = crate::http::error::ErrorBody),
        (status = 502, description = "TCR failed or could not be reached; the request is recorded", body = crate::http::error::ErrorBody),
        (status = 504, description = "TCR did not answer in time; the request is recorded", body = crate::http::error::ErrorBody)))]
async fn resend_auth_plus_email(
    State(state): State<AppState>,
    caller: Caller,
    RequestId(request_id): RequestId,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let row = own_brand(&state, &caller, &id).await?;
    // The vet as the brand's events hold it (the read model may not show the latest yet).
    let brand = state
        .app
        .brands
        .owned(row.brand_id.into(), row.customer_id.into())
        .await?;
    let request = BrandRequest::ResendAuthPlusEmail {
        vetting_id: brand
            .auth_plus
            .map(|auth_plus| auth_plus.vetting_id)
            .unwrap_or_default(),
        requested_at: chrono::Utc::now(),
    };
    run(&state, &caller, request_id, &row, request).await
}
