//! The request bodies of the brand and campaign actions: typed (every field a `Field`, so one
//! pass names every bad field), documented by the same types, and turned into the application's
//! requests by `TryFrom`. Brand, campaign and customer bodies live with their rules in the
//! domain (`BrandBody`, `CampaignBody`, `CustomerBody`).
use serde::Deserialize;
use serde_json::Value;
use tendlc_domain::campaign::{CampaignBody, Mno};
use tendlc_domain::input::{expected, refuse_unknown, BodyOf, Field, Unknown};
use tendlc_domain::partner_campaign::PartnerDecline;
use tendlc_domain::tcr::TcrCnpMigrationSettings;
use tendlc_domain::validation::ValidationErrors;
use tendlc_domain::values::{AppealCategory, NudgeIntent, RejectionCategory};
use uuid::Uuid;

use crate::application::brand_actions::BrandRequest;
use crate::application::campaign_actions::CampaignRequest;

/// The text TCR sends when the caller gives none; `@OTP_PIN@` is replaced by the PIN.
const DEFAULT_PIN_SMS: &str = "Your verification PIN is @OTP_PIN@. It expires in 24 hours.";

/// Order an external vetting.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct VettingOrderBody {
    /// AEGIS | WMC (CV can only be imported)
    #[serde(default)]
    #[schema(value_type = String)]
    pub provider: Field<String>,
    /// STANDARD | ENHANCED | POLITICAL
    #[serde(default)]
    #[schema(value_type = String)]
    pub vetting_class: Field<String>,
    #[serde(flatten)]
    #[schema(ignore)]
    pub unknown: Unknown,
}

impl BodyOf for VettingOrderBody {
    const FIELDS: &'static str = "provider and vettingClass";
}

impl TryFrom<VettingOrderBody> for BrandRequest {
    type Error = ValidationErrors;

    fn try_from(body: VettingOrderBody) -> Result<Self, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        refuse_unknown(
            &body.unknown,
            &mut errors,
            expected(&["provider", "vettingClass"]),
        );
        let provider = body.provider.choice("provider", &mut errors);
        let vetting_class = body.vetting_class.choice("vettingClass", &mut errors);
        match (provider, vetting_class) {
            (Some(provider), Some(vetting_class)) => {
                errors.into_result(BrandRequest::OrderVetting {
                    provider,
                    vetting_class,
                })
            }
            _ => Err(errors),
        }
    }
}

/// Import a vetting a provider already did.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct VettingImportBody {
    /// AEGIS | WMC | CV
    #[serde(default)]
    #[schema(value_type = String)]
    pub provider: Field<String>,
    /// The provider's vetting id.
    #[serde(default)]
    #[schema(value_type = String, max_length = 255)]
    pub vetting_id: Field<String>,
    /// The provider's token (passed to TCR, never stored).
    #[serde(default)]
    #[schema(value_type = Option<String>, max_length = 2560)]
    pub vetting_token: Field<String>,
    #[serde(flatten)]
    #[schema(ignore)]
    pub unknown: Unknown,
}

impl BodyOf for VettingImportBody {
    const FIELDS: &'static str = "provider, vettingId and vettingToken";
}

/// Text of at most `max` characters, trimmed; `None` when absent, blank or too long.
fn bounded(text: Option<String>, max: usize) -> Option<String> {
    text.filter(|t| t.chars().count() <= max)
}

impl TryFrom<VettingImportBody> for BrandRequest {
    type Error = ValidationErrors;

    fn try_from(body: VettingImportBody) -> Result<Self, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let known = ["provider", "vettingId", "vettingToken"];
        refuse_unknown(&body.unknown, &mut errors, expected(&known));
        let provider = body.provider.choice("provider", &mut errors);
        let mut quiet = ValidationErrors::new();
        let vetting_id = bounded(body.vetting_id.text("vettingId", &mut quiet), 255);
        if vetting_id.is_none() {
            errors.add("vettingId", "is required, at most 255 characters");
        }
        let sent_token = matches!(body.vetting_token, Field::Given(_) | Field::WrongType(_));
        let vetting_token = bounded(body.vetting_token.text("vettingToken", &mut quiet), 2560);
        if sent_token && vetting_token.is_none() {
            errors.add("vettingToken", "must be text of at most 2560 characters");
        }
        match (provider, vetting_id) {
            (Some(provider), Some(vetting_id)) => errors.into_result(BrandRequest::ImportVetting {
                provider,
                vetting_id,
                vetting_token,
            }),
            _ => Err(errors),
        }
    }
}

/// An identity appeal.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AppealBody {
    /// VERIFY_TAX_ID | VERIFY_NON_PROFIT | VERIFY_GOVERNMENT
    #[serde(default)]
    #[schema(value_type = Vec<String>)]
    pub categories: Field<Vec<Value>>,
    /// Up to 1024 characters.
    #[serde(default)]
    #[schema(value_type = Option<String>, max_length = 1024)]
    pub explanation: Field<String>,
    /// SHA-256 digests of files already sent to TCR as this brand's evidence
    /// (`POST …/evidence`).
    #[serde(default)]
    #[schema(value_type = Option<Vec<String>>)]
    pub evidence: Field<Vec<String>>,
    /// TCR attachment ids of evidence TCR already holds (uploaded elsewhere, in TCR's portal).
    #[serde(default)]
    #[schema(value_type = Option<Vec<String>>)]
    pub attachment_uuids: Field<Vec<String>>,
    #[serde(flatten)]
    #[schema(ignore)]
    pub unknown: Unknown,
}

impl BodyOf for AppealBody {
    const FIELDS: &'static str = "categories, explanation, evidence and attachmentUuids";
}

/// The SHA-256 digest a body names one uploaded file by (`sha256`, the only field), lower-cased;
/// every problem named.
pub fn file_digest(sha256: Field<String>, unknown: &Unknown) -> Result<String, ValidationErrors> {
    let mut errors = ValidationErrors::new();
    refuse_unknown(unknown, &mut errors, expected(&["sha256"]));
    let digest = sha256
        .text("sha256", &mut errors)
        .map(|d| d.to_ascii_lowercase());
    match &digest {
        None if errors.is_empty() => {
            errors.add("sha256", "is required: the digest of an uploaded file")
        }
        Some(d) if d.len() != 64 || !d.chars().all(|c| c.is_ascii_hexdigit()) => errors.add(
            "sha256",
            "must be a SHA-256 digest: 64 hexadecimal characters, as the upload answered",
        ),
        _ => {}
    }
    errors.into_result(digest.unwrap_or_default())
}

/// TCR's attachment ids of the files a body names by digest, from the brand's `evidence` (as
/// its read model shows it); each digest the brand never sent to TCR is named.
pub fn evidence_ids(
    brand_evidence: &Value,
    digests: &[String],
    errors: &mut ValidationErrors,
) -> Vec<String> {
    let mut ids = Vec::new();
    for (index, digest) in digests.iter().enumerate() {
        let digest = digest.trim().to_ascii_lowercase();
        let found = brand_evidence.as_array().and_then(|items| {
            items
                .iter()
                .rev()
                .find(|item| item["sha256"] == digest.as_str())
                .and_then(|item| item["attachmentId"].as_str())
        });
        match found {
            Some(id) => ids.push(id.to_string()),
            None => errors.add(
                format!("evidence[{index}]"),
                "is not among this brand's evidence; send it with POST .../evidence first",
            ),
        }
    }
    ids
}

impl AppealBody {
    /// The identity appeal asked for, its evidence named by digest (`brand_evidence` says what
    /// TCR holds of the brand's) or by TCR's attachment id.
    pub fn into_request(self, brand_evidence: &Value) -> Result<BrandRequest, ValidationErrors> {
        let body = self;
        let mut errors = ValidationErrors::new();
        let known = ["categories", "explanation", "evidence", "attachmentUuids"];
        refuse_unknown(&body.unknown, &mut errors, expected(&known));
        let mut categories = vec![];
        match body.categories {
            Field::Given(items) if !items.is_empty() => {
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
        let mut attachment_uuids = evidence_ids(brand_evidence, &digests, &mut errors);
        attachment_uuids.extend(
            body.attachment_uuids
                .read(
                    "attachmentUuids",
                    "must be a list of TCR attachment ids",
                    &mut errors,
                )
                .unwrap_or_default(),
        );
        errors.into_result(BrandRequest::Appeal {
            categories,
            explanation,
            attachment_uuids,
        })
    }
}

/// Text a PIN to a sole proprietor (the body is optional).
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OtpBody {
    /// The SMS text; must contain `@OTP_PIN@` (or `@OTP_YES@` for reply-YES). A default is used
    /// when absent.
    #[serde(default)]
    #[schema(value_type = Option<String>, max_length = 320)]
    pub pin_sms: Field<String>,
    /// Sent after the PIN is verified.
    #[serde(default)]
    #[schema(value_type = Option<String>, max_length = 320)]
    pub success_sms: Field<String>,
    #[serde(flatten)]
    #[schema(ignore)]
    pub unknown: Unknown,
}

impl BodyOf for OtpBody {
    const FIELDS: &'static str = "pinSms and successSms";
}

impl TryFrom<OtpBody> for BrandRequest {
    type Error = ValidationErrors;

    fn try_from(body: OtpBody) -> Result<Self, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        refuse_unknown(
            &body.unknown,
            &mut errors,
            expected(&["pinSms", "successSms"]),
        );
        let mut quiet = ValidationErrors::new();
        let pin_sms = match body.pin_sms {
            Field::Absent | Field::Null => Some(DEFAULT_PIN_SMS.to_string()),
            sent => sent.read("pinSms", "", &mut quiet),
        };
        let pin_sms = pin_sms.filter(|sms| {
            (sms.contains("@OTP_PIN@") || sms.contains("@OTP_YES@")) && sms.chars().count() <= 320
        });
        if pin_sms.is_none() {
            errors.add(
                "pinSms",
                "must contain @OTP_PIN@ (or @OTP_YES@) and be at most 320 characters",
            );
        }
        let success_sms = body
            .success_sms
            .read("successSms", "must be a string", &mut errors);
        if success_sms
            .as_ref()
            .is_some_and(|s| s.chars().count() > 320)
        {
            errors.add("successSms", "must be at most 320 characters");
        }
        match pin_sms {
            Some(pin_sms) => errors.into_result(BrandRequest::SendOtp {
                pin_sms,
                success_sms,
            }),
            None => Err(errors),
        }
    }
}

/// The PIN the sole proprietor received.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OtpVerifyBody {
    #[serde(default)]
    #[schema(value_type = String, max_length = 10)]
    pub otp_pin: Field<String>,
    #[serde(flatten)]
    #[schema(ignore)]
    pub unknown: Unknown,
}

impl BodyOf for OtpVerifyBody {
    const FIELDS: &'static str = "otpPin";
}

impl TryFrom<OtpVerifyBody> for BrandRequest {
    type Error = ValidationErrors;

    fn try_from(body: OtpVerifyBody) -> Result<Self, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        refuse_unknown(&body.unknown, &mut errors, expected(&["otpPin"]));
        let mut quiet = ValidationErrors::new();
        let pin = body
            .otp_pin
            .text("otpPin", &mut quiet)
            .filter(|p| p.len() <= 10 && p.chars().all(|c| c.is_ascii_alphanumeric()));
        match pin {
            Some(pin) => errors.into_result(BrandRequest::VerifyOtp { pin }),
            None => {
                errors.add(
                    "otpPin",
                    "is required: the PIN the sole proprietor received",
                );
                Err(errors)
            }
        }
    }
}

/// A new campaign: one of your brands and TCR's `CampaignRequest` fields.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct NewCampaignBody {
    /// One of your registered, VERIFIED (or VETTED_VERIFIED) brands (tendlc's id).
    #[serde(default)]
    #[schema(value_type = String, format = "uuid")]
    pub brand_id: Field<String>,
    #[serde(flatten)]
    pub campaign: CampaignBody,
}

impl BodyOf for NewCampaignBody {
    const FIELDS: &'static str = "campaign fields";
}

impl NewCampaignBody {
    /// The brand named and the campaign, or every bad field of both.
    pub fn parse(
        self,
    ) -> Result<(Uuid, tendlc_domain::campaign::CampaignProfile), ValidationErrors> {
        let brand_id = match &self.brand_id {
            Field::Given(text) => Uuid::parse_str(text).ok(),
            _ => None,
        };
        let profile = tendlc_domain::campaign::CampaignProfile::try_from(self.campaign);
        match (brand_id, profile) {
            (Some(brand_id), Ok(profile)) => Ok((brand_id, profile)),
            (brand_id, profile) => {
                let mut errors = profile.err().unwrap_or_default();
                if brand_id.is_none() {
                    errors.0.insert(
                        0,
                        tendlc_domain::validation::FieldError {
                            field: "brandId".into(),
                            message: "is required: the id of one of your registered brands".into(),
                        },
                    );
                }
                Err(errors)
            }
        }
    }
}

/// Send a campaign back to carriers.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ResubmitBody {
    /// TCR network ids to send the campaign to again (default: every carrier that rejected it).
    #[serde(default)]
    #[schema(value_type = Option<Vec<u32>>)]
    pub mno_ids: Field<Vec<Value>>,
    #[serde(flatten)]
    #[schema(ignore)]
    pub unknown: Unknown,
}

impl BodyOf for ResubmitBody {
    const FIELDS: &'static str = "mnoIds";
}

/// Every carrier as `id (name)`, for error messages.
pub fn carrier_choices() -> String {
    format!(
        "must be a TCR network id, one of {}",
        Mno::all()
            .iter()
            .map(|m| format!("{} ({})", m.0, m.name()))
            .collect::<Vec<_>>()
            .join(", ")
    )
}

impl TryFrom<ResubmitBody> for CampaignRequest {
    type Error = ValidationErrors;

    fn try_from(body: ResubmitBody) -> Result<Self, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        refuse_unknown(&body.unknown, &mut errors, |_| {
            "is not a resubmission field (only mnoIds)".into()
        });
        let mno_ids = match body.mno_ids {
            Field::Absent | Field::Null => None,
            Field::Given(items) => {
                let mut mnos = Vec::new();
                for (index, item) in items.iter().enumerate() {
                    let mno = item
                        .as_u64()
                        .or_else(|| item.as_str().and_then(|t| t.parse().ok()))
                        .and_then(|n| u32::try_from(n).ok())
                        .and_then(Mno::known);
                    match mno {
                        Some(mno) if !mnos.contains(&mno) => mnos.push(mno),
                        Some(_) => {}
                        None => errors.add(format!("mnoIds[{index}]"), carrier_choices()),
                    }
                }
                Some(mnos)
            }
            Field::WrongType(_) => {
                errors.add("mnoIds", "must be a list of TCR network ids");
                None
            }
        };
        errors.into_result(CampaignRequest::Resubmit { mno_ids })
    }
}

/// Nudge the carriers (or the DCA) about a campaign.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct NudgeBody {
    /// REVIEW (ask carriers to look at a campaign in review) or APPEAL_REJECTION.
    #[serde(default)]
    #[schema(value_type = String)]
    pub nudge_intent: Field<String>,
    /// Up to 1024 characters for the reviewer.
    #[serde(default)]
    #[schema(value_type = String, max_length = 1024)]
    pub description: Field<String>,
    #[serde(flatten)]
    #[schema(ignore)]
    pub unknown: Unknown,
}

impl BodyOf for NudgeBody {
    const FIELDS: &'static str = "nudgeIntent and description";
}

impl TryFrom<NudgeBody> for CampaignRequest {
    type Error = ValidationErrors;

    fn try_from(body: NudgeBody) -> Result<Self, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        refuse_unknown(
            &body.unknown,
            &mut errors,
            expected(&["nudgeIntent", "description"]),
        );
        let intent: Option<NudgeIntent> = body.nudge_intent.choice("nudgeIntent", &mut errors);
        let mut quiet = ValidationErrors::new();
        let description = bounded(body.description.text("description", &mut quiet), 1024);
        if description.is_none() {
            errors.add("description", "is required, at most 1024 characters");
        }
        match (intent, description) {
            (Some(intent), Some(description)) => errors.into_result(CampaignRequest::Nudge {
                intent,
                description,
            }),
            _ => Err(errors),
        }
    }
}

/// An upstream connectivity partner: to share a campaign with, to migrate it to, or to share a
/// campaign shared with us on to (which is how TCR accepts it).
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PartnerBody {
    /// The upstream connectivity partner's TCR id (a CNP or DCA, see `GET /enum/cnp`).
    #[serde(default)]
    #[schema(value_type = String, max_length = 20)]
    pub upstream_cnp_id: Field<String>,
    #[serde(flatten)]
    #[schema(ignore)]
    pub unknown: Unknown,
}

impl BodyOf for PartnerBody {
    const FIELDS: &'static str = "upstreamCnpId";
}

impl PartnerBody {
    /// The partner's TCR id, or every bad field named.
    pub fn partner(self) -> Result<String, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        refuse_unknown(&self.unknown, &mut errors, expected(&["upstreamCnpId"]));
        match partner_id(self.upstream_cnp_id, &mut errors) {
            Some(partner) => errors.into_result(partner),
            None => Err(errors),
        }
    }
}

/// A connectivity partner's TCR id (letters and digits, up to 20), required as `upstreamCnpId`.
fn partner_id(field: Field<String>, errors: &mut ValidationErrors) -> Option<String> {
    let mut quiet = ValidationErrors::new();
    let field_sent = match &field {
        Field::Given(text) if !text.trim().is_empty() => Field::Given(()),
        _ => Field::Absent,
    };
    let partner = field
        .text("upstreamCnpId", &mut quiet)
        .filter(|t| t.len() <= 20 && t.chars().all(|c| c.is_ascii_alphanumeric()));
    if partner.is_none() {
        let why = if quiet.is_empty() && matches!(field_sent, Field::Given(_)) {
            "must be the partner's TCR id: letters and digits, up to 20"
        } else {
            "is required: the partner's TCR id (letters and digits, up to 20)"
        };
        errors.add("upstreamCnpId", why);
    }
    partner
}

/// How long an explanation to TCR may be (a decline's or a cancelled migration's).
pub const MAX_EXPLANATION: usize = 2048;

/// `explanation` (at most 2048 characters); `required` says whether it may be left out.
fn explanation(
    field: Field<String>,
    required: bool,
    errors: &mut ValidationErrors,
) -> Option<String> {
    let mut quiet = ValidationErrors::new();
    let wrong_type = !matches!(field, Field::Given(_) | Field::Absent | Field::Null);
    let text = field.text("explanation", &mut quiet);
    match &text {
        Some(text) if text.chars().count() > MAX_EXPLANATION => errors.add(
            "explanation",
            format!("must be at most {MAX_EXPLANATION} characters"),
        ),
        None if required || wrong_type => errors.add(
            "explanation",
            format!("is required: text of at most {MAX_EXPLANATION} characters"),
        ),
        _ => {}
    }
    bounded(text, MAX_EXPLANATION)
}

/// Cancel the CNP migration under way; the explanation is optional.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CnpMigrationCancelBody {
    /// Why, for TCR (at most 2048 characters).
    #[serde(default)]
    #[schema(value_type = Option<String>, max_length = 2048)]
    pub explanation: Field<String>,
    #[serde(flatten)]
    #[schema(ignore)]
    pub unknown: Unknown,
}

impl BodyOf for CnpMigrationCancelBody {
    const FIELDS: &'static str = "explanation";
}

impl TryFrom<CnpMigrationCancelBody> for CampaignRequest {
    type Error = ValidationErrors;

    fn try_from(body: CnpMigrationCancelBody) -> Result<Self, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        refuse_unknown(&body.unknown, &mut errors, expected(&["explanation"]));
        let explanation = explanation(body.explanation, false, &mut errors);
        errors.into_result(CampaignRequest::CancelCnpMigration { explanation })
    }
}

/// Decline a campaign another CSP shared with us.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PartnerDeclineBody {
    /// Why, for the CSP that shared it (at most 2048 characters).
    #[serde(default)]
    #[schema(value_type = String, max_length = 2048)]
    pub explanation: Field<String>,
    /// One or more of BRAND_INCONSISTENCIES, CALL_TO_ACTION,
    /// CAMPAIGN_DESCRIPTION_OR_ATTRIBUTES, DISALLOWED_CONTENT, MANDATORY_MESSAGE_TERMINOLOGY,
    /// PRIVACY_POLICY, SAMPLE_MESSAGE, TERMS_AND_CONDITIONS, OTHER.
    #[serde(default)]
    #[schema(value_type = Vec<String>)]
    pub rejection_categories: Field<Vec<Value>>,
    #[serde(flatten)]
    #[schema(ignore)]
    pub unknown: Unknown,
}

impl BodyOf for PartnerDeclineBody {
    const FIELDS: &'static str = "explanation and rejectionCategories";
}

impl PartnerDeclineBody {
    pub fn parse(self) -> Result<PartnerDecline, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        refuse_unknown(
            &self.unknown,
            &mut errors,
            expected(&["explanation", "rejectionCategories"]),
        );
        let explanation = explanation(self.explanation, true, &mut errors);
        let wanted = || format!("must name at least one of {}", RejectionCategory::choices());
        let mut categories = Vec::new();
        match self.rejection_categories {
            Field::Given(items) if !items.is_empty() => {
                for item in items {
                    let parsed = item
                        .as_str()
                        .and_then(|t| RejectionCategory::parse(&t.trim().to_ascii_uppercase()));
                    match parsed {
                        Some(category) if !categories.contains(&category) => {
                            categories.push(category)
                        }
                        Some(_) => {}
                        None => errors.add(
                            "rejectionCategories",
                            format!("{item} is not one of {}", RejectionCategory::choices()),
                        ),
                    }
                }
            }
            _ => errors.add("rejectionCategories", wanted()),
        }
        match explanation {
            Some(explanation) => errors.into_result(PartnerDecline {
                explanation,
                categories,
            }),
            None => Err(errors),
        }
    }
}

/// Change the operator's CNP migration settings at TCR; a property left out stays as it is.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CnpMigrationSettingsBody {
    /// Whether the account's campaigns may migrate from one connectivity partner to another.
    #[serde(default)]
    #[schema(value_type = Option<bool>)]
    pub migration_supported: Field<bool>,
    /// Whether a migration completes by itself once the new partner accepts.
    #[serde(default)]
    #[schema(value_type = Option<bool>)]
    pub migration_auto_complete: Field<bool>,
    #[serde(flatten)]
    #[schema(ignore)]
    pub unknown: Unknown,
}

impl BodyOf for CnpMigrationSettingsBody {
    const FIELDS: &'static str = "migrationSupported and migrationAutoComplete";
}

impl CnpMigrationSettingsBody {
    /// The settings to send, or every bad field named.
    pub fn settings(self) -> Result<TcrCnpMigrationSettings, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let known = ["migrationSupported", "migrationAutoComplete"];
        refuse_unknown(&self.unknown, &mut errors, expected(&known));
        let settings = TcrCnpMigrationSettings {
            migration_supported: self.migration_supported.read(
                "migrationSupported",
                "must be true or false",
                &mut errors,
            ),
            migration_auto_complete: self.migration_auto_complete.read(
                "migrationAutoComplete",
                "must be true or false",
                &mut errors,
            ),
        };
        if errors.is_empty() && settings == TcrCnpMigrationSettings::default() {
            errors.add(
                "migrationSupported",
                "is required unless migrationAutoComplete is given: name what to change",
            );
        }
        errors.into_result(settings)
    }
}
