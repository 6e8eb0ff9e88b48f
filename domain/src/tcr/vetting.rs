//! Brand-side shapes of the TCR port beyond registration: external vetting, feedback,
//! identity appeals and sole-proprietor OTP.
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::dates::tcr_time;
use crate::values::{AppealCategory, AppealStatus, VettingClass, VettingStatus};

/// One external vetting of a brand (TCR `ExternalVetting`); the token is never kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TcrVetting {
    pub evp_id: String,
    pub vetting_id: String,
    #[serde(default)]
    pub vetting_class: Option<VettingClass>,
    #[serde(default)]
    pub vetting_status: Option<VettingStatus>,
    #[serde(default)]
    pub vetting_score: Option<i64>,
    #[serde(default, deserialize_with = "tcr_time")]
    pub vetted_date: Option<DateTime<Utc>>,
    #[serde(default, deserialize_with = "tcr_time")]
    pub create_date: Option<DateTime<Utc>>,
}

/// `POST /brand/{id}/externalVetting`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TcrVettingOrder {
    pub evp_id: String,
    pub vetting_class: VettingClass,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub additional_request_payload: Option<String>,
}

/// `PUT /brand/{id}/externalVetting`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TcrVettingImport {
    pub evp_id: String,
    pub vetting_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vetting_token: Option<String>,
}

/// Why TCR could not verify a brand (`BrandFeedback`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct TcrFeedback {
    #[serde(default)]
    pub category: Vec<TcrFeedbackCategory>,
}

/// One area of doubt, e.g. `TAX_ID`, with the fields concerned and TCR's codes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct TcrFeedbackCategory {
    pub id: String,
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub fields: Vec<String>,
    #[serde(default)]
    pub errors: Vec<TcrFeedbackCode>,
}

/// A vetting feedback code such as `TFWD01`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TcrFeedbackCode {
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub message: String,
}

/// `POST /brand/{id}/appeal` (`BrandAppealRequest`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TcrAppealRequest {
    pub appeal_categories: Vec<AppealCategory>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub attachment_uuids: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub explanation: Option<String>,
}

/// An identity appeal as TCR holds it (`BrandAppeal`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TcrAppeal {
    pub appeal_status: AppealStatus,
    #[serde(default)]
    pub category_list: Vec<AppealCategory>,
    #[serde(default)]
    pub explanation: Option<String>,
    #[serde(default, deserialize_with = "tcr_time")]
    pub create_date: Option<DateTime<Utc>>,
    #[serde(default, deserialize_with = "tcr_time")]
    pub appeal_status_update_date: Option<DateTime<Utc>>,
    #[serde(default)]
    pub appeal_outcome: Option<TcrAppealOutcome>,
}

/// What an appeal came to.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TcrAppealOutcome {
    #[serde(default)]
    pub vet_status: Option<String>,
}

/// `POST /brand/{id}/smsOtp` answer (`SendSmsOtpResponse`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TcrOtpSent {
    pub reference_id: String,
}

/// Where a sole proprietor's OTP stands (`SmsOtpStatus`); the phone number is not kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct TcrOtpStatus {
    #[serde(default)]
    pub reference_id: Option<String>,
    #[serde(default, deserialize_with = "tcr_time")]
    pub request_date: Option<DateTime<Utc>>,
    /// Present once the PIN was verified.
    #[serde(default, deserialize_with = "tcr_time")]
    pub verify_date: Option<DateTime<Utc>>,
    #[serde(default)]
    pub delivery_status: Option<String>,
    #[serde(default, deserialize_with = "tcr_time")]
    pub delivery_status_date: Option<DateTime<Utc>>,
}
