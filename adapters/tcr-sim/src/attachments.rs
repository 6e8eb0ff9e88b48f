//! Files at TCR: appeal evidence on brands (`/brand/{brandId}/appeal/evidence`), MMS sample
//! media and supporting documents on campaigns (`/campaign/{campaignId}/mms`,
//! `/campaign/{campaignId}/supportingDocument`), enhanced vetting reports
//! (`/brand/{brandId}/externalVetting/enhancedVettingReport`), and downloading or deleting any
//! of them (`/attachment/{attachmentId}`). Uploads are `multipart/form-data` with one `file`
//! part; its name's extension must be one TCR lists for the destination (546), at most 10 MB
//! and [`MAX_FILES_PER_RECORD`] files per record (544).
use std::collections::BTreeMap;

use axum::{
    extract::{DefaultBodyLimit, Multipart, Path, State},
    http::{header, StatusCode},
    response::{IntoResponse, Response},
    routing::get,
    Json, Router,
};
use serde_json::{json, Value};

use super::errors::{ApiError, Rejection};
use super::state::{random_id, SharedSim};
use super::vetting::VettingStatus;

/// TCR's document: "max file size of 10 MB".
pub(super) const MAX_FILE_BYTES: usize = 10 * 1024 * 1024;
/// TCR's document names a per-record limit (544) without its number; the simulator's choice.
pub(super) const MAX_FILES_PER_RECORD: usize = 20;

/// Where a file lives at TCR, and the infix of its uuid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Evidence,
    Mms,
    SupportingDocument,
    VettingReport,
}

impl Kind {
    fn infix(self) -> &'static str {
        match self {
            Kind::Evidence => "VA",
            Kind::Mms => "MMS",
            Kind::SupportingDocument => "SUPPORT_DOC",
            Kind::VettingReport => "EVR",
        }
    }

    /// The extensions TCR's document lists for uploads of this kind (error 546).
    fn extensions(self) -> &'static [&'static str] {
        match self {
            Kind::Evidence => &[
                "jpg", "jpeg", "png", "bmp", "raw", "tiff", "pdf", "docx", "htm", "odt", "rtf",
                "txt", "xml",
            ],
            Kind::Mms => &[
                "bmp", "dib", "gif", "jpeg", "jpg", "m2a", "m4a", "m4b", "m4p", "m4r", "m4v",
                "mp1", "mp2", "mp3", "mp4", "mpa", "oga", "ogg", "ogm", "ogv", "ogx", "png", "spx",
                "txt", "wav", "webm",
            ],
            Kind::SupportingDocument => &[
                "jpg", "jpeg", "png", "bmp", "tiff", "raw", "pdf", "rtf", "xml", "odt", "docx",
                "htm", "txt",
            ],
            Kind::VettingReport => &[],
        }
    }
}

/// One stored file.
#[derive(Debug, Clone)]
pub(super) struct StoredFile {
    /// The brand or campaign it is attached to.
    pub record_id: String,
    pub kind: Kind,
    pub file_name: String,
    pub mime_type: String,
    pub content: Vec<u8>,
    /// For a vetting report, the vet it reports on.
    pub vetting_id: Option<String>,
}

impl StoredFile {
    fn to_json(&self, uuid: &str) -> Value {
        json!({"uuid": uuid, "fileName": self.file_name, "mimeType": self.mime_type})
    }
}

/// Every file of the account, by uuid.
#[derive(Debug, Default)]
pub(super) struct Files {
    by_uuid: BTreeMap<String, StoredFile>,
}

impl Files {
    /// Whether `uuid` is an evidence file of `brand_id`.
    pub fn is_evidence_of(&self, uuid: &str, brand_id: &str) -> bool {
        self.by_uuid
            .get(uuid)
            .is_some_and(|f| f.kind == Kind::Evidence && f.record_id == brand_id)
    }

    fn of(&self, record_id: &str, kind: Kind) -> Vec<Value> {
        self.by_uuid
            .iter()
            .filter(|(_, f)| f.record_id == record_id && f.kind == kind)
            .map(|(uuid, f)| f.to_json(uuid))
            .collect()
    }

    fn add(&mut self, file: StoredFile) -> Value {
        let uuid = loop {
            let token = random_id("", 32).to_ascii_lowercase();
            let candidate = format!("{}/{}/{token}", file.record_id, file.kind.infix());
            if !self.by_uuid.contains_key(&candidate) {
                break candidate;
            }
        };
        let shown = file.to_json(&uuid);
        self.by_uuid.insert(uuid, file);
        shown
    }
}

pub(super) fn router() -> Router<SharedSim> {
    // Up to a little over TCR's limit, so an oversized file is answered 544, not cut off.
    let uploads = DefaultBodyLimit::max(MAX_FILE_BYTES + 64 * 1024);
    Router::new()
        .route(
            "/v2/brand/{brand_id}/appeal/evidence",
            get(list_evidence).post(upload_evidence).layer(uploads),
        )
        .route(
            "/v2/campaign/{campaign_id}/mms",
            get(list_mms).post(upload_mms).layer(uploads),
        )
        .route(
            "/v2/campaign/{campaign_id}/supportingDocument",
            get(list_documents).post(upload_document).layer(uploads),
        )
        .route(
            "/v2/brand/{brand_id}/externalVetting/enhancedVettingReport",
            get(vetting_reports),
        )
        // The uuid holds slashes: taken whole, encoded (`%2F`) or not.
        .route(
            "/v2/attachment/{*attachment_id}",
            get(download).delete(remove),
        )
}

/// The one `file` part of an upload: its name and bytes, else 501 (no file) or 544 (too big).
async fn file_part(
    multipart: Result<Multipart, impl std::fmt::Display>,
) -> Result<(String, Vec<u8>), ApiError> {
    let mut multipart = multipart
        .map_err(|e| ApiError::invalid("file", format!("Expected multipart/form-data: {e}")))?;
    let too_big = || {
        ApiError::new(
            544,
            "File cannot be uploaded. Maximum file size or the maximum number of files per brand is exceeded",
            &["file"],
        )
    };
    while let Some(field) = multipart.next_field().await.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            too_big()
        } else {
            ApiError::invalid("file", format!("Unreadable multipart body: {e}"))
        }
    })? {
        if field.name() != Some("file") {
            continue;
        }
        let name = field
            .file_name()
            .map(str::to_owned)
            .filter(|n| !n.trim().is_empty())
            .ok_or_else(|| ApiError::invalid("file", "The file part must carry a file name"))?;
        let bytes = field.bytes().await.map_err(|e| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                too_big()
            } else {
                ApiError::invalid("file", format!("Unreadable file part: {e}"))
            }
        })?;
        if bytes.len() > MAX_FILE_BYTES {
            return Err(too_big());
        }
        if bytes.is_empty() {
            return Err(ApiError::invalid("file", "The file is empty"));
        }
        return Ok((name, bytes.to_vec()));
    }
    Err(ApiError::invalid("file", "file is required"))
}

/// The media type TCR reports for a file, from its extension.
fn mime_of(extension: &str) -> &'static str {
    match extension {
        "jpg" | "jpeg" => "image/jpeg",
        "png" => "image/png",
        "bmp" | "dib" => "image/bmp",
        "gif" => "image/gif",
        "tiff" => "image/tiff",
        "pdf" => "application/pdf",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "htm" => "text/html",
        "odt" => "application/vnd.oasis.opendocument.text",
        "rtf" => "application/rtf",
        "txt" => "text/plain",
        "xml" => "application/xml",
        "mp3" | "mp1" | "mp2" | "mpa" | "m2a" => "audio/mpeg",
        "m4a" | "m4b" | "m4p" | "m4r" => "audio/mp4",
        "mp4" | "m4v" => "video/mp4",
        "ogg" | "oga" | "spx" => "audio/ogg",
        "ogv" | "ogm" => "video/ogg",
        "ogx" => "application/ogg",
        "wav" => "audio/wav",
        "webm" => "video/webm",
        _ => "application/octet-stream",
    }
}

/// Stores an upload on `record_id` after TCR's checks: type (546), size and count (544).
async fn upload(
    sim: &SharedSim,
    record_id: &str,
    kind: Kind,
    multipart: Result<Multipart, impl std::fmt::Display>,
) -> Result<Value, ApiError> {
    let (file_name, content) = file_part(multipart).await?;
    let extension = file_name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    if !kind.extensions().contains(&extension.as_str()) {
        return Err(ApiError::new(
            546,
            format!(
                "Unsupported file type. Supported file types include: .{}",
                kind.extensions().join(", .")
            ),
            &["file"],
        ));
    }
    let mut files = sim.files();
    if files
        .by_uuid
        .values()
        .filter(|f| f.record_id == record_id && f.kind == kind)
        .count()
        >= MAX_FILES_PER_RECORD
    {
        return Err(ApiError::new(
            544,
            "File cannot be uploaded. Maximum file size or the maximum number of files per brand is exceeded",
            &["file"],
        ));
    }
    let shown = files.add(StoredFile {
        record_id: record_id.to_owned(),
        kind,
        mime_type: mime_of(&extension).to_owned(),
        file_name,
        content,
        vetting_id: None,
    });
    tracing::info!(record_id, uuid = %shown["uuid"], "file attached");
    Ok(shown)
}

fn answer(result: Result<Value, ApiError>) -> Response {
    match result {
        Ok(value) => Json(value).into_response(),
        Err(error) => Rejection::from(error).into_response(),
    }
}

fn live_brand(sim: &SharedSim, brand_id: &str) -> Result<(), ApiError> {
    sim.registry()
        .get(brand_id)
        .filter(|b| !b.deleted)
        .map(|_| ())
        .ok_or_else(|| ApiError::not_found("brandId"))
}

fn known_campaign(sim: &SharedSim, campaign_id: &str) -> Result<(), ApiError> {
    sim.registry()
        .campaigns
        .get(campaign_id)
        .map(|_| ())
        .ok_or_else(|| ApiError::new(502, "Record not found", &["campaignId"]))
}

async fn upload_evidence(
    State(sim): State<SharedSim>,
    Path(brand_id): Path<String>,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Response {
    let result = match live_brand(&sim, &brand_id) {
        Ok(()) => upload(&sim, &brand_id, Kind::Evidence, multipart).await,
        Err(e) => Err(e),
    };
    answer(result)
}

async fn list_evidence(State(sim): State<SharedSim>, Path(brand_id): Path<String>) -> Response {
    answer(live_brand(&sim, &brand_id).map(|()| json!(sim.files().of(&brand_id, Kind::Evidence))))
}

async fn upload_mms(
    State(sim): State<SharedSim>,
    Path(campaign_id): Path<String>,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Response {
    let result = match known_campaign(&sim, &campaign_id) {
        Ok(()) => upload(&sim, &campaign_id, Kind::Mms, multipart).await,
        Err(e) => Err(e),
    };
    answer(result)
}

async fn list_mms(State(sim): State<SharedSim>, Path(campaign_id): Path<String>) -> Response {
    answer(
        known_campaign(&sim, &campaign_id).map(|()| json!(sim.files().of(&campaign_id, Kind::Mms))),
    )
}

async fn upload_document(
    State(sim): State<SharedSim>,
    Path(campaign_id): Path<String>,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Response {
    let result = match known_campaign(&sim, &campaign_id) {
        Ok(()) => upload(&sim, &campaign_id, Kind::SupportingDocument, multipart).await,
        Err(e) => Err(e),
    };
    answer(result)
}

async fn list_documents(State(sim): State<SharedSim>, Path(campaign_id): Path<String>) -> Response {
    answer(
        known_campaign(&sim, &campaign_id)
            .map(|()| json!(sim.files().of(&campaign_id, Kind::SupportingDocument))),
    )
}

/// The reports of the brand's completed ENHANCED vets: each vet's report is written once, when
/// first asked for, and then kept like any attachment.
async fn vetting_reports(State(sim): State<SharedSim>, Path(brand_id): Path<String>) -> Response {
    let completed: Vec<(String, &'static str, String, Option<u8>)> = {
        let registry = sim.registry();
        let Some(brand) = registry.get(&brand_id) else {
            return Rejection::from(ApiError::not_found("brandId")).into_response();
        };
        brand
            .vettings
            .iter()
            .filter(|v| v.class == "ENHANCED")
            .filter(|v| matches!(v.status, VettingStatus::Active | VettingStatus::Failed))
            .map(|v| {
                (
                    v.vetting_id.clone(),
                    v.evp_id,
                    v.status.as_str().to_owned(),
                    v.score,
                )
            })
            .collect()
    };
    let mut files = sim.files();
    for (vetting_id, evp_id, status, score) in completed {
        let written = files
            .by_uuid
            .values()
            .any(|f| f.kind == Kind::VettingReport && f.vetting_id.as_deref() == Some(&vetting_id));
        if !written {
            let score = score.map_or_else(|| "none".to_owned(), |s| s.to_string());
            let content = format!(
                "%PDF-1.4\n% Enhanced vetting report\n% brand {brand_id}, vetting {vetting_id} by {evp_id}: {status}, score {score}\n%%EOF\n"
            );
            files.add(StoredFile {
                record_id: brand_id.clone(),
                kind: Kind::VettingReport,
                file_name: format!("{}.pdf", uuid::Uuid::new_v4()),
                // As TCR's example: reports are served as octet streams.
                mime_type: "application/octet-stream".to_owned(),
                content: content.into_bytes(),
                vetting_id: Some(vetting_id),
            });
        }
    }
    Json(json!(files.of(&brand_id, Kind::VettingReport))).into_response()
}

async fn download(State(sim): State<SharedSim>, Path(attachment_id): Path<String>) -> Response {
    let files = sim.files();
    let Some(file) = files.by_uuid.get(&attachment_id) else {
        return Rejection::from(ApiError::new(502, "Record not found", &["attachmentId"]))
            .into_response();
    };
    (
        [
            (header::CONTENT_TYPE, file.mime_type.clone()),
            (
                header::CONTENT_DISPOSITION,
                format!(
                    "attachment; filename=\"{}\"",
                    file.file_name.replace('"', "")
                ),
            ),
        ],
        file.content.clone(),
    )
        .into_response()
}

async fn remove(State(sim): State<SharedSim>, Path(attachment_id): Path<String>) -> Response {
    match sim.files().by_uuid.remove(&attachment_id) {
        Some(_) => StatusCode::NO_CONTENT.into_response(),
        None => Rejection::from(ApiError::new(502, "Record not found", &["attachmentId"]))
            .into_response(),
    }
}
