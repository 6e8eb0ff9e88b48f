//! Files at TCR: appeal evidence, MMS sample media, supporting documents and enhanced vetting
//! reports, each named by TCR's attachment uuid (`<recordId>/<KIND>/<token>`).
use serde::{Deserialize, Serialize};

use crate::ids::{TcrBrandId, TcrCampaignId};

/// Which record a file is uploaded to, and as what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TcrFileTarget {
    /// `/brand/{brandId}/appeal/evidence`.
    BrandEvidence(TcrBrandId),
    /// `/campaign/{campaignId}/mms`.
    CampaignMms(TcrCampaignId),
    /// `/campaign/{campaignId}/supportingDocument`.
    CampaignSupportingDocument(TcrCampaignId),
}

impl TcrFileTarget {
    /// The CSP API path that lists and takes these files.
    pub fn endpoint(&self) -> String {
        match self {
            TcrFileTarget::BrandEvidence(id) => format!("/brand/{id}/appeal/evidence"),
            TcrFileTarget::CampaignMms(id) => format!("/campaign/{id}/mms"),
            TcrFileTarget::CampaignSupportingDocument(id) => {
                format!("/campaign/{id}/supportingDocument")
            }
        }
    }
}

/// A file to upload: the bytes travel only in this request, never in an event.
pub struct TcrFileUpload<'a> {
    pub file_name: &'a str,
    pub content_type: &'a str,
    pub content: &'a [u8],
}

/// A file as TCR lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TcrAttachment {
    pub uuid: String,
    #[serde(default)]
    pub file_name: Option<String>,
    #[serde(default)]
    pub mime_type: Option<String>,
}

/// A file downloaded from TCR (`GET /attachment/{attachmentId}`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TcrDownload {
    pub content_type: Option<String>,
    pub content: Vec<u8>,
}

/// `POST /brand/{brandId}/externalVetting/appeal` (`ExternalVettingAppealRequest`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TcrVettingAppealRequest {
    pub evp_id: String,
    pub vetting_id: String,
    pub appeal_categories: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub attachment_uuids: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub explanation: Option<String>,
}

/// An external-vetting appeal as TCR lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TcrVettingAppeal {
    #[serde(default)]
    pub evp_id: Option<String>,
    #[serde(default)]
    pub vetting_id: Option<String>,
    #[serde(default)]
    pub vetting_class: Option<String>,
    pub appeal_status: String,
    #[serde(default)]
    pub category_list: Vec<String>,
    #[serde(default)]
    pub attachment_uuid_list: Vec<String>,
    #[serde(default)]
    pub explanation: Option<String>,
    #[serde(default)]
    pub create_date: Option<String>,
    #[serde(default)]
    pub appeal_status_update_date: Option<String>,
    #[serde(default)]
    pub appeal_outcome: Option<serde_json::Value>,
}
