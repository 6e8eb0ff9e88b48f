//! The carriers (MNOs) that approve campaigns, what they say, and what that means for sending.
use serde::{Deserialize, Serialize};

use crate::tcr::MnoTerms;
use crate::values::{OperationStatus, TcrCampaignStatus};

/// A carrier by TCR network id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Mno(pub u32);

/// The carriers TCR forwards campaigns to, with TCR's network ids and names.
pub const CARRIERS: &[(Mno, &str)] = &[
    (Mno::ATT, "AT&T"),
    (Mno::T_MOBILE, "T-Mobile"),
    (Mno::US_CELLULAR, "US Cellular"),
    (Mno::VERIZON, "Verizon Wireless"),
    (Mno(10631), "ClearSky"),
    (Mno(10901), "Interop"),
];

impl Mno {
    pub const ATT: Mno = Mno(10017);
    pub const T_MOBILE: Mno = Mno(10035);
    pub const US_CELLULAR: Mno = Mno(10037);
    pub const VERIZON: Mno = Mno(10038);

    pub fn all() -> Vec<Mno> {
        CARRIERS.iter().map(|(mno, _)| *mno).collect()
    }

    /// `None` for a network id TCR does not route campaigns to.
    pub fn known(id: u32) -> Option<Mno> {
        CARRIERS.iter().map(|(mno, _)| *mno).find(|mno| mno.0 == id)
    }

    /// Reads TCR's text key (`"10017"`).
    pub fn parse(text: &str) -> Option<Mno> {
        text.trim().parse().ok().and_then(Mno::known)
    }

    pub fn name(self) -> &'static str {
        CARRIERS
            .iter()
            .find(|(mno, _)| *mno == self)
            .map_or("unknown carrier", |(_, name)| name)
    }

    pub fn key(self) -> String {
        self.0.to_string()
    }
}

impl std::fmt::Display for Mno {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.name(), self.0)
    }
}

/// Why a carrier rejected or suspended a campaign: TCR's category when the carrier gave one,
/// and its words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CarrierReason {
    /// A TCR rejection or suspension category (e.g. `SAMPLE_MESSAGE`, `SPAM`), if one was named.
    pub category: Option<String>,
    pub text: String,
}

/// TCR's rejection categories (`/enum/rejectionCategory`) and suspension categories
/// (`/enum/suspensionCategory`).
pub const REASON_CATEGORIES: &[&str] = &[
    "BRAND_INCONSISTENCIES",
    "CALL_TO_ACTION",
    "CAMPAIGN_DESCRIPTION_OR_ATTRIBUTES",
    "DISALLOWED_CONTENT",
    "MANDATORY_MESSAGE_TERMINOLOGY",
    "PRIVACY_POLICY",
    "SAMPLE_MESSAGE",
    "TERMS_AND_CONDITIONS",
    "AFFILIATE_MARKETING",
    "CAMPAIGN_TO_TRAFFIC_MISMATCH",
    "CONTROLLED_SUBSTANCE",
    "EXCESSIVE_COMPLAINTS",
    "FRAUDULENT_MESSAGES",
    "ILLEGAL_SWEEPSTAKES",
    "ILLICIT_CONTENT",
    "LACK_OF_AGE_GATE",
    "PHISHING_MESSAGES",
    "PROMOTIONAL_GAMBLING",
    "SPAM",
    "OTHER",
];

impl CarrierReason {
    /// Structures a carrier's free text: the first TCR category it names becomes the category,
    /// and the text after it (`...: SAMPLE_MESSAGE: Samples do not match`) the explanation.
    pub fn from_text(text: &str) -> CarrierReason {
        let text = text.trim();
        for token in text.split(|c: char| !(c.is_ascii_uppercase() || c == '_')) {
            if REASON_CATEGORIES.contains(&token) {
                let after = text
                    .split_once(token)
                    .map(|(_, rest)| rest.trim_start_matches([':', ' ', '-']).trim())
                    .filter(|rest| !rest.is_empty());
                return CarrierReason {
                    category: Some(token.to_string()),
                    text: after.unwrap_or(text).to_string(),
                };
            }
        }
        CarrierReason {
            category: None,
            text: text.to_string(),
        }
    }
}

/// Whether a campaign can send on one carrier now, and if not, why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SendingVerdict {
    pub can_send: bool,
    /// Why not, in words an operator can act on; `None` when it can send.
    pub reason: Option<String>,
}

/// What one carrier's status means for sending, given the campaign's own TCR status.
pub fn sending_verdict(
    campaign_status: Option<TcrCampaignStatus>,
    mno: Mno,
    status: Option<OperationStatus>,
    reason: Option<&CarrierReason>,
) -> SendingVerdict {
    let no = |why: String| SendingVerdict {
        can_send: false,
        reason: Some(why),
    };
    let because = |reason: Option<&CarrierReason>| {
        reason.map_or(String::new(), |reason| match &reason.category {
            Some(category) => format!(": {category}: {}", reason.text),
            None => format!(": {}", reason.text),
        })
    };
    match (campaign_status, status) {
        (None, _) => no("the campaign is not registered with TCR".into()),
        (Some(TcrCampaignStatus::Expired), _) => {
            no("the campaign is deactivated (EXPIRED) at TCR".into())
        }
        (_, None) => no(format!("{} has not reported on this campaign", mno.name())),
        (_, Some(OperationStatus::Registered)) => SendingVerdict {
            can_send: true,
            reason: None,
        },
        (_, Some(OperationStatus::Review)) => no(format!("{} is still reviewing it", mno.name())),
        (_, Some(OperationStatus::Rejected)) => no(format!(
            "{} rejected it{}; fix the campaign, then resubmit or appeal",
            mno.name(),
            because(reason)
        )),
        (_, Some(OperationStatus::Suspended)) => {
            no(format!("{} suspended it{}", mno.name(), because(reason)))
        }
    }
}

/// Throughput terms an operator plans by, from the carrier's metadata.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Throughput {
    /// AT&T message class (e.g. `A`, `E`, `T`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub msg_class: Option<String>,
    /// AT&T SMS messages per minute.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tpm: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mms_tpm: Option<u32>,
    /// T-Mobile brand tier.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub brand_tier: Option<String>,
    /// T-Mobile daily cap; absent when uncapped or not T-Mobile.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub brand_daily_cap: Option<u64>,
}

impl Throughput {
    pub fn from_terms(terms: &MnoTerms) -> Throughput {
        Throughput {
            msg_class: terms.msg_class.clone(),
            tpm: terms.tpm,
            mms_tpm: terms.mms_tpm,
            brand_tier: terms.brand_tier.clone(),
            brand_daily_cap: terms.brand_daily_cap,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn it_should_know_the_six_carriers_by_network_id() {
        assert_eq!(Mno::parse("10017"), Some(Mno::ATT));
        assert_eq!(Mno::ATT.name(), "AT&T");
        assert_eq!(Mno::parse("10901").map(Mno::name), Some("Interop"));
        assert_eq!(Mno::parse("12345"), None);
        assert_eq!(Mno::all().len(), 6);
    }

    #[test]
    fn it_should_structure_a_carrier_reason_that_names_a_category() {
        let reason = CarrierReason::from_text(
            "T-Mobile rejected campaign C1A2B3C: SAMPLE_MESSAGE: Samples do not match.",
        );
        assert_eq!(reason.category.as_deref(), Some("SAMPLE_MESSAGE"));
        assert_eq!(reason.text, "Samples do not match.");
    }

    #[test]
    fn it_should_keep_free_text_when_no_category_is_named() {
        let reason = CarrierReason::from_text("Rejected after manual review");
        assert_eq!(reason.category, None);
        assert_eq!(reason.text, "Rejected after manual review");
    }

    #[test]
    fn it_should_say_why_a_campaign_cannot_send() {
        let active = Some(TcrCampaignStatus::Active);
        let yes = sending_verdict(active, Mno::ATT, Some(OperationStatus::Registered), None);
        assert!(yes.can_send && yes.reason.is_none());

        let reason = CarrierReason {
            category: Some("SPAM".into()),
            text: "complaints".into(),
        };
        let suspended = sending_verdict(
            active,
            Mno::T_MOBILE,
            Some(OperationStatus::Suspended),
            Some(&reason),
        );
        assert!(!suspended.can_send);
        assert_eq!(
            suspended.reason.as_deref(),
            Some("T-Mobile suspended it: SPAM: complaints")
        );

        let expired = sending_verdict(
            Some(TcrCampaignStatus::Expired),
            Mno::ATT,
            Some(OperationStatus::Registered),
            None,
        );
        assert!(!expired.can_send);
        let review = sending_verdict(active, Mno::VERIZON, Some(OperationStatus::Review), None);
        assert!(review.reason.unwrap().contains("still reviewing"));
    }
}
