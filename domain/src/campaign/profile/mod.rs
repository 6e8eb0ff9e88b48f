//! A campaign as the customer describes it: TCR's `CampaignRequest` rules, applied before TCR
//! is called, and the carriers' demands from qualification, applied before anything is billed.
//!
//! `draft` reads a JSON body field by field, `rules` applies TCR's `CampaignRequest` rules to it,
//! `qualification` the carriers' demands, and `tcr` writes the profile in TCR's field names.
mod draft;
mod qualification;
mod rules;
mod tcr;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::carriers::Mno;
use crate::validation::ValidationErrors;
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

impl CampaignProfile {
    /// Validates a new campaign (JSON object, TCR's field names; `brandId` is read by the caller
    /// and listed in `also_known`). Every bad field is named.
    pub fn parse(body: &Value, also_known: &[&str]) -> Result<CampaignProfile, ValidationErrors> {
        let Some(object) = body.as_object() else {
            let mut errors = ValidationErrors::new();
            errors.add("body", "must be a JSON object of campaign fields");
            return Err(errors);
        };
        let (draft, mut errors) = Draft::read(object, also_known);
        let profile = Self::check(draft, &mut errors);
        errors.into_result(profile)
    }

    /// The profile with the changes a customer may make after creation (§4.4); fields TCR
    /// fixes at creation are refused by name.
    pub fn with_changes(&self, patch: &Value) -> Result<CampaignProfile, ValidationErrors> {
        let Some(object) = patch.as_object() else {
            let mut errors = ValidationErrors::new();
            errors.add("body", "must be a JSON object of campaign fields");
            return Err(errors);
        };
        let mut errors = ValidationErrors::new();
        for fixed in FIXED_FIELDS {
            if object.contains_key(*fixed) {
                errors.add(
                    *fixed,
                    "cannot be changed once the campaign is registered (TCR fixes it at creation)",
                );
            }
        }
        let mut merged = self.to_json();
        for (key, value) in object {
            if !FIXED_FIELDS.contains(&key.as_str()) {
                merged.insert(key.clone(), value.clone());
            }
        }
        if let Some(reseller) = object.get("resellerId") {
            if reseller.as_str() != Some(self.reseller_id.as_str())
                && (self.reseller_id == NO_RESELLER || reseller.as_str() != Some(NO_RESELLER))
            {
                errors.add(
                    "resellerId",
                    format!("can only change once, to {NO_RESELLER} (no reseller)"),
                );
            }
        }
        match Self::parse(&Value::Object(merged), &[]) {
            Ok(profile) => errors.into_result(profile),
            Err(more) => {
                errors.0.extend(more.0);
                Err(errors)
            }
        }
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
