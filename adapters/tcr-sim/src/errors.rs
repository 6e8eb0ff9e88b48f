//! TCR's business errors: HTTP 400 with a JSON array of `{code, description, fields}`.
use axum::{
    http::StatusCode,
    response::{IntoResponse, Response},
    Json,
};
use serde::Serialize;

use super::magic::Site;

/// One entry of TCR's error array (`ApiError_CSP`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(super) struct ApiError {
    pub code: u16,
    pub description: String,
    /// Unique names of the offending input parameters.
    pub fields: Vec<String>,
}

impl ApiError {
    pub fn new(code: u16, description: impl Into<String>, fields: &[&str]) -> Self {
        let mut unique: Vec<String> = Vec::with_capacity(fields.len());
        for field in fields {
            if !unique.iter().any(|f| f == field) {
                unique.push((*field).to_owned());
            }
        }
        Self {
            code,
            description: description.into(),
            fields: unique,
        }
    }

    /// Error 501, TCR's "invalid input parameter".
    pub fn invalid(field: &str, description: impl Into<String>) -> Self {
        Self::new(501, description, &[field])
    }

    /// Error 502 for an id that names no record.
    pub fn not_found(field: &str) -> Self {
        Self::new(502, "Record not found", &[field])
    }

    /// Error 503 for a `referenceId` another brand already holds.
    pub fn duplicate_reference_id() -> Self {
        Self::new(
            503,
            "Duplicate record detected. Each registered brand must have a unique referenceId",
            &["referenceId"],
        )
    }

    /// The error a `[sim:error-NNN]` marker asks for, worded as TCR words it when known.
    pub fn simulated(code: u16) -> Self {
        let (description, fields): (&str, &[&str]) = match code {
            501 => ("Invalid input parameter", &["displayName"]),
            502 => ("Record not found", &["brandId"]),
            503 => (
                "Duplicate record detected. Each registered brand must have a unique referenceId",
                &["referenceId"],
            ),
            506 => ("Invalid status. OTP PIN cannot be sent to a brand with a VERIFIED status", &["brandId"]),
            508 => ("Vetting report has expired", &["vettingId"]),
            509 => ("Brand is not qualified: registration rejected", &[]),
            511 => ("Maximum number of campaigns exceeded. Each sole proprietor brand is only allowed one campaign", &["brandId"]),
            512 => ("Exceeded the maximum number of brands for your CSP account. Please contact TCR support to increase your brand quota", &[]),
            527 => ("Brand registration is pending. Please wait for the brand identity status update (BRAND_IDENTITY_STATUS_UPDATE) and try again", &["brandId"]),
            528 => ("Brand update frequency exceeded. Brand relationships can only be updated once every three months", &["brandRelationship"]),
            529 => ("The brand's country is not allowed to be registered in TCR", &["country"]),
            518 => ("Campaign is expired", &["campaignId"]),
            520 => ("Vetting report record cannot be found. Please verify that the vettingId and vettingToken (if applicable) are valid", &["vettingId", "vettingToken"]),
            522 => ("Campaign sharing request declined by upstream CNP", &["upstreamCnpId"]),
            534 => ("Sole proprietor is not enabled on the CSP account", &["entityType"]),
            535 => ("Brand identity vetting is pending", &["brandId"]),
            536 => ("Operation not supported for a mock brand or campaign", &[]),
            537 => ("The fields companyName, ein, einIssuingCountry and entityType cannot be updated if there are any pending or active campaigns/external vets on the brand", &["companyName", "ein", "einIssuingCountry", "entityType"]),
            542 => ("Cannot delete a brand with active campaigns", &["brandId"]),
            543 => ("Vetting report is already associated with another TCR brand. Please request a new vetting report from the vetting provider", &["vettingId"]),
            549 => ("Duplicate vet request within restricted period. Please wait 30 days from vet completion before requesting a new one", &["evpId", "vettingClass"]),
            550 => ("Duplicate threshold detected for brand record", &[]),
            551 => ("Unsupported phone number or mobile phone number", &["phone", "mobilePhone"]),
            553 => ("Unsupported email address. Disposable email addresses are not permitted", &["email"]),
            554 => ("Invalid street address. The street, city, state, postalCode, and country fields must form a valid postal address", &["street", "city", "state", "postalCode", "country"]),
            555 => ("Unsupported street address. Sole Proprietor brands require a valid US or CA street address", &["street", "city", "state", "postalCode", "country"]),
            552 => ("Unrecognized or expired OTP PIN. OTP PINs are only valid for 24 hours", &["otpPin"]),
            556 => ("Obfuscation check failed on brand fields firstName, lastName and displayName", &["firstName", "lastName", "displayName"]),
            557 => ("Rate limit for OTP attempts exceeded", &["otpPin"]),
            559 => ("Appeal request declined due to one or more invalid appeal categories", &["appealCategories"]),
            568 => ("CSP account is not enabled for RBM features", &["vettingClass"]),
            590 => ("TCR internal system error. Please contact TCR support", &[]),
            591 => ("Temporary system error. Unable to complete brand registration. Please wait 30 seconds and try again", &[]),
            592 => ("Operation declined", &[]),
            620 => ("Vetting partner is temporarily unavailable. Please wait 30 seconds and try again", &[]),
            630 => ("NetNumber service registry (nnSR) is temporarily unavailable. Please wait 30 seconds and try again", &[]),
            _ => ("Simulated TCR error", &[]),
        };
        Self::new(code, description, fields)
    }

    /// [`ApiError::simulated`], worded for the record `site` belongs to (a campaign's errors name
    /// campaign fields).
    pub fn simulated_at(code: u16, site: Site) -> Self {
        let campaign = |description: &str, fields: &[&str]| Self::new(code, description, fields);
        match (site, code) {
            (Site::BrandName, _) => Self::simulated(code),
            (_, 501) => campaign("Invalid input parameter", &["description"]),
            (_, 502) => campaign("Record not found", &["campaignId"]),
            (_, 503) => campaign(
                "Duplicate record detected. If referenceId is supplied, it must be unique",
                &["referenceId"],
            ),
            (_, 509) => campaign(
                "Campaign request rejected: the brand does not qualify or the campaign does not comply with MNO mandates",
                &[],
            ),
            (_, 591) => campaign("Temporary system error. Wait 30 seconds and try again", &[]),
            _ => Self::simulated(code),
        }
    }
}

/// A refused call: HTTP 400 carrying every problem found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Rejection(pub Vec<ApiError>);

impl From<ApiError> for Rejection {
    fn from(error: ApiError) -> Self {
        Self(vec![error])
    }
}

/// TCR's answer to an operation that returns nothing: `204`, or what refused it.
pub(super) fn no_content<E: Into<Rejection>>(outcome: Result<(), E>) -> Response {
    match outcome {
        Ok(()) => axum::http::StatusCode::NO_CONTENT.into_response(),
        Err(refused) => refused.into().into_response(),
    }
}

impl IntoResponse for Rejection {
    fn into_response(self) -> Response {
        tracing::info!(
            codes = ?self.0.iter().map(|e| e.code).collect::<Vec<_>>(),
            "TCR simulator refused the request"
        );
        (StatusCode::BAD_REQUEST, Json(self.0)).into_response()
    }
}
