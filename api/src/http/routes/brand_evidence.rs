//! A brand's evidence and vetting appeals: one of the customer's uploaded files sent to TCR as
//! appeal evidence (`/evidence`), an external vet appealed with that evidence
//! (`/vettings/{vettingId}/appeal`), TCR's view of those appeals, and the enhanced vetting
//! reports TCR holds for the brand (`/vetting-reports`).
use axum::extract::{Path, State};
use axum::http::{header, Method};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Json;
use serde::Deserialize;
use tendlc_adapters::attachments as files;
use tendlc_domain::attachment::{AttachmentType, AttachmentUse, FileRef};
use tendlc_domain::ids::TcrBrandId;
use tendlc_domain::input::{expected, refuse_unknown, BodyOf, Field, Unknown};
use tendlc_domain::tcr::{TcrAttachment, TcrVettingAppeal};
use tendlc_domain::validation::ValidationErrors;
use tendlc_projections::brands as brand_rows;

use super::brand_identity::{own_brand, readable, registered_id, run};
use super::responses::{ReadErrors, SubmitErrors};
use super::{Access, Body, Endpoint, RequestId};
use crate::application::brand_actions::BrandRequest;
use crate::http::auth::{Action, Caller};
use crate::http::bodies::{evidence_ids, file_digest};
use crate::http::error::ApiError;
use crate::http::state::AppState;

pub fn endpoints() -> Vec<Endpoint> {
    let read = || Access::Role(Action::ReadRegistrations);
    let submit = || Access::Role(Action::SubmitRegistrations);
    vec![
        Endpoint::new(
            Method::POST,
            "/v1/messaging/brands/{id}/evidence",
            submit(),
            post(upload_evidence),
        ),
        Endpoint::new(
            Method::POST,
            "/v1/messaging/brands/{id}/vettings/{vetting_id}/appeal",
            submit(),
            post(appeal_vetting),
        ),
        Endpoint::new(
            Method::GET,
            "/v1/messaging/brands/{id}/vetting-appeals",
            read(),
            get(vetting_appeals),
        ),
        Endpoint::new(
            Method::GET,
            "/v1/messaging/brands/{id}/vetting-reports",
            read(),
            get(vetting_reports),
        ),
        Endpoint::new(
            Method::GET,
            "/v1/messaging/brands/{id}/vetting-reports/{report_id}",
            read(),
            get(vetting_report),
        ),
    ]
}

/// Send one uploaded file to TCR as the brand's appeal evidence.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct EvidenceBody {
    /// The SHA-256 of a file uploaded with `POST /v1/messaging/attachments`.
    #[serde(default)]
    #[schema(value_type = String)]
    pub sha256: Field<String>,
    #[serde(flatten)]
    #[schema(ignore)]
    pub unknown: Unknown,
}

impl BodyOf for EvidenceBody {
    const FIELDS: &'static str = "sha256";
}

/// Appeal an external vet.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct VettingAppealBody {
    /// TCR's categories for the vet's provider (`GET /v1/tcr/catalogues/external-vetting-appeal-categories`
    /// lists them all), e.g. VERIFY_TAX_ID, LOW_SCORE.
    #[serde(default)]
    #[schema(value_type = Vec<String>)]
    pub categories: Field<Vec<String>>,
    /// SHA-256 digests of files already sent to TCR as this brand's evidence.
    #[serde(default)]
    #[schema(value_type = Option<Vec<String>>)]
    pub evidence: Field<Vec<String>>,
    /// Up to 1024 characters.
    #[serde(default)]
    #[schema(value_type = Option<String>, max_length = 1024)]
    pub explanation: Field<String>,
    #[serde(flatten)]
    #[schema(ignore)]
    pub unknown: Unknown,
}

impl BodyOf for VettingAppealBody {
    const FIELDS: &'static str = "categories, evidence and explanation";
}

#[utoipa::path(post, path = "/v1/messaging/brands/{id}/evidence", tag = "vetting", security(("bearer" = [])),
    params(("id" = String, Path, description = "Brand id (ours)"), ("X-Customer-ID" = Option<String>, Header, description = "The customer a super admin acts for")),
    request_body = EvidenceBody,
    responses((status = 200, description = "TCR holds the file as appeal evidence; the brand's `evidence` names its attachmentId", body = crate::http::views::BrandView), SubmitErrors))]
async fn upload_evidence(
    State(state): State<AppState>,
    caller: Caller,
    RequestId(request_id): RequestId,
    Path(id): Path<String>,
    Body(body): Body<EvidenceBody>,
) -> Result<Response, ApiError> {
    let brand = own_brand(&state, &caller, &id).await?;
    let sha256 = file_digest(body.sha256, &body.unknown).map_err(ApiError::validation)?;
    // Only the brand's customer's own uploads: another customer's digest is simply unknown.
    let row = files::get(&state.pool, &sha256, Some(brand.customer_id))
        .await?
        .ok_or_else(|| ApiError::field("sha256", "no file with this digest was uploaded"))?;
    AttachmentType::parse(&row.content_type)
        .and_then(|kind| kind.check_for(AttachmentUse::AppealEvidence))
        .map_err(|problem| ApiError::field("sha256", problem))?;
    let content = files::content(&state.pool, &sha256, brand.customer_id)
        .await?
        .ok_or_else(|| ApiError::field("sha256", "no file with this digest was uploaded"))?;
    let request = BrandRequest::UploadEvidence {
        file: FileRef {
            sha256: row.sha256,
            size_bytes: row.size_bytes as u64,
            content_type: row.content_type,
        },
        file_name: row.file_name,
        content,
    };
    run(&state, &caller, request_id, &brand, request).await
}

#[utoipa::path(post, path = "/v1/messaging/brands/{id}/vettings/{vetting_id}/appeal", tag = "vetting", security(("bearer" = [])),
    params(("id" = String, Path, description = "Brand id (ours)"), ("vetting_id" = String, Path, description = "The vetting's id at its provider"),
        ("X-Customer-ID" = Option<String>, Header, description = "The customer a super admin acts for")),
    request_body = VettingAppealBody,
    responses((status = 200, description = "Appeal filed with TCR; the outcome follows (GET .../vetting-appeals)", body = crate::http::views::BrandView), SubmitErrors))]
async fn appeal_vetting(
    State(state): State<AppState>,
    caller: Caller,
    RequestId(request_id): RequestId,
    Path((id, vetting_id)): Path<(String, String)>,
    Body(body): Body<VettingAppealBody>,
) -> Result<Response, ApiError> {
    let brand = own_brand(&state, &caller, &id).await?;
    let vetting = brand_rows::vettings(&state.pool, brand.brand_id, Some(brand.customer_id))
        .await?
        .into_iter()
        .find(|v| v.vetting_id == vetting_id)
        .ok_or_else(|| ApiError::not_found("vetting"))?;
    let mut errors = ValidationErrors::new();
    refuse_unknown(
        &body.unknown,
        &mut errors,
        expected(&["categories", "evidence", "explanation"]),
    );
    // TCR's own categories for this provider's vets.
    let provider = vetting.provider.as_str().to_string();
    let known = state
        .app
        .catalogues
        .vetting_appeal_categories(&provider)
        .await;
    let choices = || {
        format!(
            "{} (TCR's categories for {provider} vets)",
            known.join(", ")
        )
    };
    let mut categories = Vec::new();
    match body.categories {
        Field::Given(items) if !items.is_empty() => {
            for (index, item) in items.iter().enumerate() {
                let upper = item.trim().to_ascii_uppercase();
                match known.iter().find(|c| **c == upper) {
                    Some(category) => categories.push(category.clone()),
                    None => errors.add(
                        format!("categories[{index}]"),
                        format!("must be one of {}", choices()),
                    ),
                }
            }
        }
        _ => errors.add(
            "categories",
            format!("is required: a list of {}", choices()),
        ),
    }
    let explanation = body.explanation.text("explanation", &mut errors);
    if explanation
        .as_ref()
        .is_some_and(|e| e.chars().count() > 1024)
    {
        errors.add("explanation", "must be at most 1024 characters");
    }
    let digests = body
        .evidence
        .read("evidence", "must be a list of SHA-256 digests", &mut errors)
        .unwrap_or_default();
    let evidence = evidence_ids(&brand.evidence, &digests, &mut errors);
    errors.into_result(()).map_err(ApiError::validation)?;
    let request = BrandRequest::AppealVetting {
        provider,
        vetting_id,
        categories,
        evidence,
        explanation,
    };
    run(&state, &caller, request_id, &brand, request).await
}

#[utoipa::path(get, path = "/v1/messaging/brands/{id}/vetting-appeals", tag = "vetting", security(("bearer" = [])),
    params(("id" = String, Path, description = "Brand id (ours)"), ("X-Customer-ID" = Option<String>, Header, description = "The customer a super admin looks at")),
    responses((status = 200, description = "The brand's external-vetting appeals as TCR holds them, with their outcomes", body = Vec<Object>),
        (status = 409, description = "The brand is not registered with TCR", body = crate::http::error::ErrorBody),
        (status = 502, description = "TCR failed or could not be reached", body = crate::http::error::ErrorBody),
        (status = 504, description = "TCR did not answer in time", body = crate::http::error::ErrorBody),
        ReadErrors))]
async fn vetting_appeals(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<Vec<TcrVettingAppeal>>, ApiError> {
    let row = readable(&state, &caller, &id).await?;
    let tcr_brand_id = TcrBrandId::from_tcr(registered_id(&row)?);
    Ok(Json(state.app.brands.vetting_appeals(&tcr_brand_id).await?))
}

#[utoipa::path(get, path = "/v1/messaging/brands/{id}/vetting-reports", tag = "vetting", security(("bearer" = [])),
    params(("id" = String, Path, description = "Brand id (ours)"), ("X-Customer-ID" = Option<String>, Header, description = "The customer a super admin looks at")),
    responses((status = 200, description = "The brand's enhanced vetting reports at TCR (`uuid`, `fileName`, `mimeType`); download one by its uuid's last segment", body = Vec<Object>),
        (status = 409, description = "The brand is not registered with TCR", body = crate::http::error::ErrorBody),
        (status = 502, description = "TCR failed or could not be reached", body = crate::http::error::ErrorBody),
        (status = 504, description = "TCR did not answer in time", body = crate::http::error::ErrorBody),
        ReadErrors))]
async fn vetting_reports(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<Vec<TcrAttachment>>, ApiError> {
    let row = readable(&state, &caller, &id).await?;
    let tcr_brand_id = TcrBrandId::from_tcr(registered_id(&row)?);
    Ok(Json(state.app.brands.vetting_reports(&tcr_brand_id).await?))
}

#[utoipa::path(get, path = "/v1/messaging/brands/{id}/vetting-reports/{report_id}", tag = "vetting", security(("bearer" = [])),
    params(("id" = String, Path, description = "Brand id (ours)"), ("report_id" = String, Path, description = "The last segment of the report's TCR uuid (`<brandId>/EVR/<reportId>`)"),
        ("X-Customer-ID" = Option<String>, Header, description = "The customer a super admin looks at")),
    responses((status = 200, description = "The report's bytes, as TCR serves them", content_type = "application/octet-stream", body = Vec<u8>),
        (status = 409, description = "The brand is not registered with TCR", body = crate::http::error::ErrorBody),
        (status = 502, description = "TCR failed or could not be reached", body = crate::http::error::ErrorBody),
        (status = 504, description = "TCR did not answer in time", body = crate::http::error::ErrorBody),
        ReadErrors))]
async fn vetting_report(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, report_id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let row = readable(&state, &caller, &id).await?;
    let tcr_brand_id = TcrBrandId::from_tcr(registered_id(&row)?);
    let uuid = format!("{tcr_brand_id}/EVR/{report_id}");
    let (report, download) = state
        .app
        .brands
        .vetting_report(&tcr_brand_id, &uuid)
        .await?
        .ok_or_else(|| ApiError::not_found("vetting report"))?;
    let file_name = report
        .file_name
        .unwrap_or_else(|| format!("{report_id}.pdf"))
        .replace(['"', '\\', '\r', '\n'], "");
    let content_type = download
        .content_type
        .unwrap_or_else(|| "application/octet-stream".into());
    Ok((
        [
            (header::CONTENT_TYPE, content_type),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file_name}\""),
            ),
        ],
        download.content,
    )
        .into_response())
}
