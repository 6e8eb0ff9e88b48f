//! A brand's identity beyond registration: external vetting (order, import, list), revet,
//! TCR's feedback, identity appeal, sole-proprietor OTP, and deletion.
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::Json;
use serde::Deserialize;
use serde_json::Value;
use tendlc_domain::tcr::{TcrFeedback, TcrOtpStatus};
use tendlc_domain::validation::ValidationErrors;
use tendlc_domain::values::{AppealCategory, VettingClass, VettingProvider};
use tendlc_projections::brands::{self as brand_rows, BrandRow};

use super::responses::{ReadErrors, SubmitErrors};
use super::{json_body, path_id, Access, Endpoint, RequestId};
use crate::application::brand_actions::BrandRequest;
use crate::application::Outcome;
use crate::http::auth::{Action, Caller};
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
    ]
}

/// The caller's brand row, or not found (another customer's looks missing).
async fn readable(state: &AppState, caller: &Caller, id: &str) -> Result<BrandRow, ApiError> {
    let id = path_id(id, "brand")?;
    brand_rows::get(&state.pool, id, caller.read_scope())
        .await?
        .ok_or_else(|| ApiError::not_found("brand"))
}

fn registered_id(row: &BrandRow) -> Result<&str, ApiError> {
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
async fn own_brand(state: &AppState, caller: &Caller, id: &str) -> Result<BrandRow, ApiError> {
    let customer_id = caller.acting_customer()?;
    let id = path_id(id, "brand")?;
    brand_rows::get(&state.pool, id, Some(customer_id))
        .await?
        .ok_or_else(|| ApiError::not_found("brand"))
}

/// Records the request, performs it at TCR, and answers with the brand as it now stands.
/// `brand` is the caller's, from [`own_brand`].
async fn run(
    state: &AppState,
    caller: &Caller,
    request_id: String,
    brand: &BrandRow,
    request: BrandRequest,
) -> Result<Response, ApiError> {
    let context = caller.context(brand.customer_id, request_id);
    let what = request.action_name();
    match state
        .app
        .brands
        .request(&context, brand.brand_id, request)
        .await?
    {
        Outcome::Done(row) => Ok((StatusCode::OK, Json(BrandView::from(*row))).into_response()),
        Outcome::Failed { id, error } => Ok(ApiError::from_tcr(
            &error,
            &format!("The {what} request is recorded on brand {id}; nothing changed at TCR."),
        )
        .into_response()),
    }
}

/// Reads the named enum field, adding an error naming it when absent or unknown.
fn enum_field<T>(
    body: &Value,
    name: &str,
    parse: fn(&str) -> Option<T>,
    choices: String,
    errors: &mut ValidationErrors,
) -> Option<T> {
    let value = body
        .get(name)
        .and_then(Value::as_str)
        .and_then(|t| parse(&t.trim().to_ascii_uppercase()));
    if value.is_none() {
        errors.add(name, format!("is required, one of {choices}"));
    }
    value
}

fn only_fields(body: &Value, known: &[&str], errors: &mut ValidationErrors) {
    match body.as_object() {
        None => errors.add("body", "must be a JSON object"),
        Some(object) => {
            for key in object.keys().filter(|k| !known.contains(&k.as_str())) {
                errors.add(
                    key.as_str(),
                    format!("is not a field here (expected {})", known.join(", ")),
                );
            }
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

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct VettingOrderBody {
    /// AEGIS | WMC (CV can only be imported)
    pub provider: String,
    /// STANDARD | ENHANCED | POLITICAL
    pub vetting_class: String,
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
    body: Result<Json<Value>, JsonRejection>,
) -> Result<Response, ApiError> {
    let brand = own_brand(&state, &caller, &id).await?;
    let body = json_body(body)?;
    let mut errors = ValidationErrors::new();
    only_fields(&body, &["provider", "vettingClass"], &mut errors);
    let provider = enum_field(
        &body,
        "provider",
        VettingProvider::parse,
        VettingProvider::choices(),
        &mut errors,
    );
    let class = enum_field(
        &body,
        "vettingClass",
        VettingClass::parse,
        VettingClass::choices(),
        &mut errors,
    );
    let (Some(provider), Some(vetting_class), true) = (provider, class, errors.is_empty()) else {
        return Err(ApiError::validation(errors));
    };
    let request = BrandRequest::OrderVetting {
        provider,
        vetting_class,
    };
    run(&state, &caller, request_id, &brand, request).await
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct VettingImportBody {
    /// AEGIS | WMC | CV
    pub provider: String,
    /// The provider's vetting id.
    pub vetting_id: String,
    /// The provider's token (passed to TCR, never stored).
    pub vetting_token: Option<String>,
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
    body: Result<Json<Value>, JsonRejection>,
) -> Result<Response, ApiError> {
    let brand = own_brand(&state, &caller, &id).await?;
    let body = json_body(body)?;
    let mut errors = ValidationErrors::new();
    only_fields(
        &body,
        &["provider", "vettingId", "vettingToken"],
        &mut errors,
    );
    let provider = enum_field(
        &body,
        "provider",
        VettingProvider::parse,
        VettingProvider::choices(),
        &mut errors,
    );
    let text = |name: &str, max: usize| {
        body.get(name)
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|t| !t.is_empty() && t.chars().count() <= max)
            .map(str::to_string)
    };
    let vetting_id = text("vettingId", 255);
    if vetting_id.is_none() {
        errors.add("vettingId", "is required, at most 255 characters");
    }
    let token = text("vettingToken", 2560);
    if body.get("vettingToken").is_some_and(|v| !v.is_null()) && token.is_none() {
        errors.add("vettingToken", "must be text of at most 2560 characters");
    }
    let (Some(provider), Some(vetting_id), true) = (provider, vetting_id, errors.is_empty()) else {
        return Err(ApiError::validation(errors));
    };
    let request = BrandRequest::ImportVetting {
        provider,
        vetting_id,
        vetting_token: token,
    };
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
    Ok(Json(state.app.brands.feedback(registered_id(&row)?).await?))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AppealBody {
    /// VERIFY_TAX_ID | VERIFY_NON_PROFIT | VERIFY_GOVERNMENT
    pub categories: Vec<String>,
    /// Up to 1024 characters.
    pub explanation: Option<String>,
    /// Evidence already uploaded to TCR.
    pub attachment_uuids: Option<Vec<String>>,
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
    body: Result<Json<Value>, JsonRejection>,
) -> Result<Response, ApiError> {
    let brand = own_brand(&state, &caller, &id).await?;
    let body = json_body(body)?;
    let mut errors = ValidationErrors::new();
    only_fields(
        &body,
        &["categories", "explanation", "attachmentUuids"],
        &mut errors,
    );
    let mut categories = vec![];
    match body.get("categories").and_then(Value::as_array) {
        Some(items) if !items.is_empty() => {
            for (index, item) in items.iter().enumerate() {
                match item
                    .as_str()
                    .and_then(|t| AppealCategory::parse(&t.to_ascii_uppercase()))
                {
                    Some(category) => categories.push(category),
                    None => errors.add(
                        format!("categories[{index}]"),
                        format!("must be one of {}", AppealCategory::choices()),
                    ),
                }
            }
        }
        _ => errors.add(
            "categories",
            format!("is required: a list of {}", AppealCategory::choices()),
        ),
    }
    let explanation = body
        .get("explanation")
        .and_then(Value::as_str)
        .map(str::trim)
        .map(str::to_string);
    if explanation
        .as_ref()
        .is_some_and(|e| e.chars().count() > 1024)
    {
        errors.add("explanation", "must be at most 1024 characters");
    }
    let attachments: Vec<String> = match body.get("attachmentUuids") {
        None | Some(Value::Null) => vec![],
        Some(Value::Array(items)) if items.iter().all(Value::is_string) => items
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect(),
        Some(_) => {
            errors.add("attachmentUuids", "must be a list of TCR attachment ids");
            vec![]
        }
    };
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    let request = BrandRequest::Appeal {
        categories,
        explanation,
        attachment_uuids: attachments,
    };
    run(&state, &caller, request_id, &brand, request).await
}

/// The text TCR sends when the caller gives none; `@OTP_PIN@` is replaced by the PIN.
const DEFAULT_PIN_SMS: &str = "Your verification PIN is @OTP_PIN@. It expires in 24 hours.";

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OtpBody {
    /// The SMS text; must contain `@OTP_PIN@` (or `@OTP_YES@` for reply-YES). A default is used
    /// when absent.
    pub pin_sms: Option<String>,
    /// Sent after the PIN is verified.
    pub success_sms: Option<String>,
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
    body: Option<Json<Value>>,
) -> Result<Response, ApiError> {
    let brand = own_brand(&state, &caller, &id).await?;
    let body = body
        .map(|Json(v)| v)
        .unwrap_or(Value::Object(Default::default()));
    let mut errors = ValidationErrors::new();
    only_fields(&body, &["pinSms", "successSms"], &mut errors);
    let pin_sms = body
        .get("pinSms")
        .and_then(Value::as_str)
        .unwrap_or(DEFAULT_PIN_SMS)
        .to_string();
    if !(pin_sms.contains("@OTP_PIN@") || pin_sms.contains("@OTP_YES@"))
        || pin_sms.chars().count() > 320
    {
        errors.add(
            "pinSms",
            "must contain @OTP_PIN@ (or @OTP_YES@) and be at most 320 characters",
        );
    }
    let success_sms = body
        .get("successSms")
        .and_then(Value::as_str)
        .map(str::to_string);
    if success_sms
        .as_ref()
        .is_some_and(|s| s.chars().count() > 320)
    {
        errors.add("successSms", "must be at most 320 characters");
    }
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    let request = BrandRequest::SendOtp {
        pin_sms,
        success_sms,
    };
    run(&state, &caller, request_id, &brand, request).await
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OtpVerifyBody {
    /// The PIN the sole proprietor received.
    pub otp_pin: String,
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
    body: Result<Json<Value>, JsonRejection>,
) -> Result<Response, ApiError> {
    let brand = own_brand(&state, &caller, &id).await?;
    let body = json_body(body)?;
    let mut errors = ValidationErrors::new();
    only_fields(&body, &["otpPin"], &mut errors);
    let pin = body
        .get("otpPin")
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|p| !p.is_empty() && p.len() <= 10 && p.chars().all(|c| c.is_ascii_alphanumeric()))
        .map(str::to_string);
    if pin.is_none() {
        errors.add(
            "otpPin",
            "is required: the PIN the sole proprietor received",
        );
    }
    let (Some(pin), true) = (pin, errors.is_empty()) else {
        return Err(ApiError::validation(errors));
    };
    run(
        &state,
        &caller,
        request_id,
        &brand,
        BrandRequest::VerifyOtp { pin },
    )
    .await
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
