//! `/v1/messaging/attachments`: files a customer uploads for TCR (appeal evidence, MMS sample
//! media, supporting documents). Type and size are checked here, before TCR sees anything; the
//! bytes are kept once per SHA-256 digest and named by that digest from then on.
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Request, State};
use axum::http::{header, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Json;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use tendlc_adapters::attachments::{self as store, AttachmentRow, NewAttachment};
use tendlc_domain::attachment::{
    check_size, clean_file_name, AttachmentType, MAX_ATTACHMENT_BYTES,
};
use uuid::Uuid;

use super::responses::ReadErrors;
use super::{query, Access, Endpoint, Paging};
use crate::http::auth::{Action, Caller};
use crate::http::error::ApiError;
use crate::http::state::AppState;
use crate::http::views::Page;

const ATTACHMENTS: &str = "/v1/messaging/attachments";

/// Whether a request is a file upload, whose body may be larger than other requests'.
pub fn is_upload(method: &Method, path: &str) -> bool {
    method == Method::POST && path.trim_end_matches('/') == ATTACHMENTS
}

/// The answer to a file larger than TCR takes.
pub fn too_large() -> ApiError {
    ApiError::field(
        "file",
        format!("TCR takes at most {MAX_ATTACHMENT_BYTES} bytes (10 MB)"),
    )
}

pub fn endpoints() -> Vec<Endpoint> {
    vec![
        Endpoint::new(
            Method::POST,
            ATTACHMENTS,
            Access::Role(Action::SubmitRegistrations),
            post(upload),
        ),
        Endpoint::new(
            Method::GET,
            ATTACHMENTS,
            Access::Role(Action::ReadRegistrations),
            get(list),
        ),
        Endpoint::new(
            Method::GET,
            "/v1/messaging/attachments/{id}",
            Access::Role(Action::ReadRegistrations),
            get(show),
        ),
    ]
}

/// An uploaded file, named by the SHA-256 digest of its bytes.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AttachmentView {
    /// Hex SHA-256 of the content: how the file is named everywhere else.
    pub sha256: String,
    pub customer_id: Uuid,
    pub content_type: String,
    pub size_bytes: i64,
    pub file_name: String,
    pub uploaded_by: String,
    pub uploaded_at: DateTime<Utc>,
}

impl From<AttachmentRow> for AttachmentView {
    fn from(row: AttachmentRow) -> Self {
        Self {
            sha256: row.sha256,
            customer_id: row.customer_id,
            content_type: row.content_type,
            size_bytes: row.size_bytes,
            file_name: row.file_name,
            uploaded_by: row.uploaded_by,
            uploaded_at: row.created_at,
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct UploadQuery {
    file_name: Option<String>,
}

#[utoipa::path(post, operation_id = "uploadAttachment", path = "/v1/messaging/attachments", tag = "attachments", security(("bearer" = [])),
    params(("fileName" = Option<String>, Query, description = "The file's name as TCR will show it (default: `attachment.<extension>`)"),
        ("Content-Type" = String, Header, description = "The file's media type; one TCR accepts for appeal evidence, MMS media or supporting documents"),
        ("X-Customer-ID" = Option<String>, Header, description = "The customer a super admin acts for")),
    request_body(content = Vec<u8>, description = "The file's bytes (at most 10 MB)", content_type = "application/octet-stream"),
    responses((status = 201, description = "Stored", body = AttachmentView),
        (status = 200, description = "This customer had already uploaded these bytes", body = AttachmentView),
        ReadErrors))]
async fn upload(
    State(state): State<AppState>,
    caller: Caller,
    params: Result<axum::extract::Query<UploadQuery>, QueryRejection>,
    request: Request,
) -> Result<Response, ApiError> {
    let params = query(params)?;
    let customer = caller.acting_customer()?;
    let content_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| ApiError::field("Content-Type", "name the file's media type"))?;
    let kind = AttachmentType::parse(content_type)
        .map_err(|problem| ApiError::field("Content-Type", problem))?;
    let file_name = match params.file_name {
        Some(name) => {
            clean_file_name(&name).ok_or_else(|| ApiError::field("fileName", "must name a file"))?
        }
        None => format!("attachment.{}", kind.extension()),
    };
    // Read one byte past the limit, so an oversized file is refused by name, not cut off.
    let content = axum::body::to_bytes(request.into_body(), MAX_ATTACHMENT_BYTES + 1)
        .await
        .map_err(|_| too_large())?;
    check_size(content.len()).map_err(|problem| ApiError::field("file", problem))?;
    kind.check_content(&content)
        .map_err(|problem| ApiError::field("Content-Type", problem))?;
    let actor = caller.actor();
    let (row, created) = store::store(
        &state.pool,
        NewAttachment {
            customer_id: customer.into(),
            content_type: kind.as_str(),
            file_name: &file_name,
            uploaded_by: &actor,
            content: &content,
        },
    )
    .await?;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    let location = format!("/v1/messaging/attachments/{}", row.sha256);
    Ok((
        status,
        [(header::LOCATION, location)],
        Json(AttachmentView::from(row)),
    )
        .into_response())
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ListQuery {
    #[serde(flatten)]
    paging: Paging,
}

#[utoipa::path(get, operation_id = "listAttachments", path = "/v1/messaging/attachments", tag = "attachments", security(("bearer" = [])),
    params(("X-Customer-ID" = Option<String>, Header, description = "The customer a super admin looks at (all without it)"),
        ("page" = Option<i64>, Query, description = "1-based page"), ("perPage" = Option<i64>, Query, description = "1..500, default 50")),
    responses((status = 200, description = "One page of uploaded files, newest first", body = Page<AttachmentView>), ReadErrors))]
async fn list(
    State(state): State<AppState>,
    caller: Caller,
    params: Result<axum::extract::Query<ListQuery>, QueryRejection>,
) -> Result<Json<Page<AttachmentView>>, ApiError> {
    let params = query(params)?;
    let (page, per_page, offset) = params.paging.resolve()?;
    let (rows, total) = store::list(&state.pool, caller.read_scope(), per_page, offset).await?;
    Ok(Json(Page {
        items: rows.into_iter().map(Into::into).collect(),
        page,
        per_page,
        total,
    }))
}

/// A digest as stored: 64 lower-case hex characters; anything else names no file.
fn digest(text: &str) -> Result<String, ApiError> {
    let text = text.to_ascii_lowercase();
    (text.len() == 64 && text.bytes().all(|b| b.is_ascii_hexdigit()))
        .then_some(text)
        .ok_or_else(|| ApiError::not_found("attachment"))
}

#[utoipa::path(get, operation_id = "getAttachment", path = "/v1/messaging/attachments/{id}", tag = "attachments", security(("bearer" = [])),
    params(("id" = String, Path, description = "The file's SHA-256 digest (hex)"),
        ("X-Customer-ID" = Option<String>, Header, description = "The customer a super admin looks at")),
    responses((status = 200, description = "The uploaded file's description", body = AttachmentView), ReadErrors))]
async fn show(
    State(state): State<AppState>,
    caller: Caller,
    Path(sha256): Path<String>,
) -> Result<Json<AttachmentView>, ApiError> {
    let sha256 = digest(&sha256)?;
    store::get(&state.pool, &sha256, caller.read_scope())
        .await?
        .map(|row| Json(row.into()))
        .ok_or_else(|| ApiError::not_found("attachment"))
}
