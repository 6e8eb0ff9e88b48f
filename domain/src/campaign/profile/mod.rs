//! A campaign as the customer describes it: TCR's `CampaignRequest` rules, applied before TCR
//! is called, and the carriers' demands from qualification, applied before anything is billed.
//!
//! `draft` reads a request body into a draft, naming every field of the wrong type, `rules` applies TCR's `CampaignRequest` rules to it,
//! `qualification` the carriers' demands, and `tcr` writes the profile in TCR's field names.
mod draft;
mod qualification;
mod rules;
mod tcr;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::carriers::Mno;
use crate::input::Field;
use crate::validation::ValidationErrors;
pub use draft::CampaignBody;
use draft::Draft;

/// TCR's use cases (`/enum/usecase`).
pub const USE_CASES: &[&str] = &[
    "2FA",
    "ACCOUNT_NOTIFICATION",
    "CUSTOMER_CARE",
    "DELIVERY_NOTIFICATION",
    "FRAUD_ALERT",
    "HIGHER_EDUCATION",
    "LOW_VOLUME",
    "MARKETING",
    "MIXED",
    "POLLING_VOTING",
    "PUBLIC_SERVICE_ANNOUNCEMENT",
    "SECURITY_ALERT",
    "AGENTS_FRANCHISES",
    "CARRIER_EXEMPT",
    "CHARITY",
    "EMERGENCY",
    "K12_EDUCATION",
    "POLITICAL",
    "PROXY",
    "SOCIAL",
    "SWEEPSTAKE",
    "SOLE_PROPRIETOR",
    "TRIAL",
    "UCAAS_LOW",
    "UCAAS_HIGH",
    "M2M",
];

/// TCR's sub-use-case codes.
pub const SUB_USE_CASES: &[&str] = &[
    "2FA",
    "ACCOUNT_NOTIFICATION",
    "CUSTOMER_CARE",
    "DELIVERY_NOTIFICATION",
    "FRAUD_ALERT",
    "HIGHER_EDUCATION",
    "MARKETING",
    "POLLING_VOTING",
    "PUBLIC_SERVICE_ANNOUNCEMENT",
    "SECURITY_ALERT",
];

/// `resellerId` meaning "no reseller".
pub const NO_RESELLER: &str = "R000000";

/// Fields TCR never lets change after creation (§4.4).
pub const FIXED_FIELDS: &[&str] = &[
    "brandId",
    "usecase",
    "subUsecases",
    "termsAndConditions",
    "subscriberOptin",
    "subscriberOptout",
    "subscriberHelp",
    "mnoIds",
    "referenceId",
    "tag",
];

/// A campaign profile that satisfies every rule of TCR's `CampaignRequest`.
///
/// Only [`CampaignProfile::parse`] builds one from input; deserialisation exists for reading
/// recorded events back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CampaignProfile {
    pub usecase: String,
    pub sub_usecases: Vec<String>,
    pub description: String,
    pub message_flow: String,
    /// One to five sample messages, in order.
    pub samples: Vec<String>,
    pub help_message: Option<String>,
    pub optin_message: Option<String>,
    pub optout_message: Option<String>,
    pub optin_keywords: Option<String>,
    pub optout_keywords: Option<String>,
    pub help_keywords: Option<String>,
    pub subscriber_optin: bool,
    pub subscriber_optout: bool,
    pub subscriber_help: bool,
    pub embedded_link: bool,
    pub embedded_phone: bool,
    pub embedded_link_sample: Option<String>,
    pub number_pool: bool,
    pub age_gated: bool,
    pub direct_lending: bool,
    pub terms_and_conditions: bool,
    pub privacy_policy_link: Option<String>,
    pub terms_and_conditions_link: Option<String>,
    pub auto_renewal: bool,
    pub reseller_id: String,
    /// The carriers asked for (all six unless the customer chose).
    pub mno_ids: Vec<Mno>,
}

/// A new campaign: what the body sends, then every rule of TCR's `CampaignRequest`.
impl TryFrom<CampaignBody> for CampaignProfile {
    type Error = ValidationErrors;

    fn try_from(body: CampaignBody) -> Result<CampaignProfile, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let draft = Draft::read(body, &mut errors);
        let profile = Self::check(draft, &mut errors);
        errors.into_result(profile)
    }
}

impl CampaignProfile {
    /// Validates a new campaign given as JSON (read as a [`CampaignBody`], like a request);
    /// fields in `also_known` are the caller's to read. Every bad field is named.
    pub fn parse(body: &Value, also_known: &[&str]) -> Result<CampaignProfile, ValidationErrors> {
        let mut body = crate::input::read::<CampaignBody>(body.clone())?;
        body.unknown
            .retain(|name, _| !also_known.contains(&name.as_str()));
        Self::try_from(body)
    }

    /// [`Self::changed_by`] with the change given as JSON.
    pub fn with_changes(&self, patch: &Value) -> Result<CampaignProfile, ValidationErrors> {
        self.changed_by(crate::input::read::<CampaignBody>(patch.clone())?)
    }

    /// The profile with the changes a customer may make after creation (§4.4): the fields the
    /// patch sends laid over the current ones, then every rule again. Fields TCR fixes at
    /// creation are refused by name.
    pub fn changed_by(&self, mut patch: CampaignBody) -> Result<CampaignProfile, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let fixed_sent = [
            ("usecase", patch.usecase.is_sent()),
            ("subUsecases", patch.sub_usecases.is_sent()),
            ("termsAndConditions", patch.terms_and_conditions.is_sent()),
            ("subscriberOptin", patch.subscriber_optin.is_sent()),
            ("subscriberOptout", patch.subscriber_optout.is_sent()),
            ("subscriberHelp", patch.subscriber_help.is_sent()),
            ("mnoIds", patch.mno_ids.is_sent()),
        ];
        for fixed in FIXED_FIELDS {
            let sent = patch.unknown.remove(*fixed).is_some()
                || fixed_sent.iter().any(|(name, sent)| name == fixed && *sent);
            if sent {
                errors.add(
                    *fixed,
                    "cannot be changed once the campaign is registered (TCR fixes it at creation)",
                );
            }
        }
        if let Field::Given(reseller) = &patch.reseller_id {
            let reseller = &reseller.trim().to_ascii_uppercase();
            if reseller != &self.reseller_id
                && (self.reseller_id == NO_RESELLER || reseller != NO_RESELLER)
            {
                errors.add(
                    "resellerId",
                    format!("can only change once, to {NO_RESELLER} (no reseller)"),
                );
            }
        } else if patch.reseller_id.is_sent() {
            errors.add(
                "resellerId",
                format!("can only change once, to {NO_RESELLER} (no reseller)"),
            );
        }
        // What TCR fixes stays as it is.
        patch.usecase = Field::Absent;
        patch.sub_usecases = Field::Absent;
        patch.terms_and_conditions = Field::Absent;
        patch.subscriber_optin = Field::Absent;
        patch.subscriber_optout = Field::Absent;
        patch.subscriber_help = Field::Absent;
        patch.mno_ids = Field::Absent;
        let current: CampaignBody =
            crate::input::read(Value::Object(self.to_json())).map_err(|_| errors.clone())?;
        match Self::try_from(current.overlaid_with(patch)) {
            Ok(profile) => errors.into_result(profile),
            Err(more) => {
                errors.0.extend(more.0);
                Err(errors)
            }
        }
    }

    /// Whether TCR's answer holds each of `changed_fields` as this profile has it: TCR applied
    /// the change.
    pub fn held_by(&self, changed_fields: &[String], tcr: &crate::tcr::TcrCampaign) -> bool {
        let ours = self.to_json();
        changed_fields.iter().all(|name| {
            let held = tcr.held.get(name).filter(|v| !v.is_null());
            ours.get(name).filter(|v| !v.is_null()) == held
        })
    }

    /// The names of the fields that differ from `other`.
    pub fn changed_fields(&self, other: &CampaignProfile) -> Vec<String> {
        let (mine, theirs) = (self.to_json(), other.to_json());
        let mut names: Vec<String> = mine
            .keys()
            .chain(theirs.keys())
            .filter(|key| mine.get(*key) != theirs.get(*key))
            .cloned()
            .collect();
        names.sort();
        names.dedup();
        names
    }
}

#[cfg(test)]
mod tests;
