//! A campaign's files at TCR: one of the customer's uploads sent as MMS sample media
//! (`/mms-media`) or as a supporting document (`/supporting-documents`), recorded on the
//! campaign and shown in its `mmsMedia` / `supportingDocuments`.
use axum::extract::{Path, State};
use axum::http::Method;
use axum::response::Response;
use axum::routing::post;
use serde::Deserialize;
use tendlc_adapters::attachments as files;
use tendlc_domain::attachment::{AttachmentType, AttachmentUse, FileRef};
use tendlc_domain::input::{BodyOf, Field, Unknown};

use super::campaigns::{owned, run};
use super::responses::SubmitErrors;
use super::{Access, Body, Endpoint, RequestId};
use crate::application::campaign_actions::CampaignRequest;
use crate::http::auth::{Action, Caller};
use crate::http::bodies::file_digest;
use crate::http::error::ApiError;
use crate::http::state::AppState;

pub fn endpoints() -> Vec<Endpoint> {
    let submit = || Access::Role(Action::SubmitRegistrations);
    vec![
        Endpoint::new(
            Method::POST,
            "/v1/messaging/campaigns/{id}/mms-media",
            submit(),
            post(attach_mms),
        ),
        Endpoint::new(
            Method::POST,
            "/v1/messaging/campaigns/{id}/supporting-documents",
            submit(),
            post(attach_document),
        ),
    ]
}

/// Send one uploaded file to TCR on the campaign.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CampaignFileBody {
    /// The SHA-256 of a file uploaded with `POST /v1/messaging/attachments`.
    #[serde(default)]
    #[schema(value_type = String)]
    pub sha256: Field<String>,
    #[serde(flatten)]
    #[schema(ignore)]
    pub unknown: Unknown,
}

impl BodyOf for CampaignFileBody {
    const FIELDS: &'static str = "sha256";
}

async fn attach(
    state: &AppState,
    caller: &Caller,
    request_id: String,
    id: &str,
    body: CampaignFileBody,
    purpose: AttachmentUse,
) -> Result<Response, ApiError> {
    let owned = owned(state, caller, id).await?;
    let customer: uuid::Uuid = owned.customer_id.into();
    let sha256 = file_digest(body.sha256, &body.unknown).map_err(ApiError::validation)?;
    // Only the customer's own uploads: another customer's digest is simply unknown.
    let row = files::get(&state.pool, &sha256, Some(customer))
        .await?
        .ok_or_else(|| ApiError::field("sha256", "no file with this digest was uploaded"))?;
    AttachmentType::parse(&row.content_type)
        .and_then(|kind| kind.check_for(purpose))
        .map_err(|problem| ApiError::field("sha256", problem))?;
    let content = files::content(&state.pool, &sha256, customer)
        .await?
        .ok_or_else(|| ApiError::field("sha256", "no file with this digest was uploaded"))?;
    let request = CampaignRequest::AttachFile {
        purpose,
        file: FileRef {
            sha256: row.sha256,
            size_bytes: row.size_bytes as u64,
            content_type: row.content_type,
        },
        file_name: row.file_name,
        content,
    };
    run(state, caller, request_id, owned, request).await
}

#[utoipa::path(post, path = "/v1/messaging/campaigns/{id}/mms-media", tag = "campaigns", security(("bearer" = [])),
    params(("id" = String, Path, description = "Campaign id (ours)"), ("X-Customer-ID" = Option<String>, Header, description = "The customer a super admin acts for")),
    request_body = CampaignFileBody,
    responses((status = 200, description = "TCR holds the file as MMS sample media; the campaign's `mmsMedia` names its attachmentId", body = crate::http::views::CampaignView), SubmitErrors))]
async fn attach_mms(
    State(state): State<AppState>,
    caller: Caller,
    RequestId(request_id): RequestId,
    Path(id): Path<String>,
    Body(body): Body<CampaignFileBody>,
) -> Result<Response, ApiError> {
    attach(
        &state,
        &caller,
        request_id,
        &id,
        body,
        AttachmentUse::MmsSample,
    )
    .await
}

#[utoipa::path(post, path = "/v1/messaging/campaigns/{id}/supporting-documents", tag = "campaigns", security(("bearer" = [])),
    params(("id" = String, Path, description = "Campaign id (ours)"), ("X-Customer-ID" = Option<String>, Header, description = "The customer a super admin acts for")),
    request_body = CampaignFileBody,
    responses((status = 200, description = "TCR holds the file as a supporting document; the campaign's `supportingDocuments` names its attachmentId", body = crate::http::views::CampaignView), SubmitErrors))]
async fn attach_document(
    State(state): State<AppState>,
    caller: Caller,
    RequestId(request_id): RequestId,
    Path(id): Path<String>,
    Body(body): Body<CampaignFileBody>,
) -> Result<Response, ApiError> {
    attach(
        &state,
        &caller,
        request_id,
        &id,
        body,
        AttachmentUse::SupportingDocument,
    )
    .await
}
