//! The profile in TCR's field names: as JSON (as customers send it), and as TCR's request and update.
use serde_json::{Map, Value};

use super::draft::SAMPLE_NAMES;
use super::CampaignProfile;
use crate::ids::TcrBrandId;
use crate::tcr::{TcrCampaignFields, TcrCampaignRequest, TcrCampaignUpdate};

impl CampaignProfile {
    /// The profile in TCR's field names (as customers send it).
    pub fn to_json(&self) -> Map<String, Value> {
        let mut object = Map::new();
        let mut put = |name: &str, value: Value| {
            if !value.is_null() {
                object.insert(name.to_string(), value);
            }
        };
        put("usecase", Value::from(self.usecase.clone()));
        if !self.sub_usecases.is_empty() {
            put("subUsecases", Value::from(self.sub_usecases.clone()));
        }
        put("description", Value::from(self.description.clone()));
        put("messageFlow", Value::from(self.message_flow.clone()));
        for (name, sample) in SAMPLE_NAMES.iter().zip(&self.samples) {
            put(name, Value::from(sample.clone()));
        }
        let fields = self.tcr_fields();
        for (name, value) in [
            ("helpMessage", &fields.help_message),
            ("optinMessage", &fields.optin_message),
            ("optoutMessage", &fields.optout_message),
            ("optinKeywords", &fields.optin_keywords),
            ("optoutKeywords", &fields.optout_keywords),
            ("helpKeywords", &fields.help_keywords),
            ("embeddedLinkSample", &fields.embedded_link_sample),
            ("privacyPolicyLink", &fields.privacy_policy_link),
            ("termsAndConditionsLink", &fields.terms_and_conditions_link),
        ] {
            put(name, value.clone().map_or(Value::Null, Value::from));
        }
        for (name, value) in [
            ("subscriberOptin", self.subscriber_optin),
            ("subscriberOptout", self.subscriber_optout),
            ("subscriberHelp", self.subscriber_help),
            ("embeddedLink", self.embedded_link),
            ("embeddedPhone", self.embedded_phone),
            ("numberPool", self.number_pool),
            ("ageGated", self.age_gated),
            ("directLending", self.direct_lending),
            ("termsAndConditions", self.terms_and_conditions),
            ("autoRenewal", self.auto_renewal),
        ] {
            put(name, Value::Bool(value));
        }
        put("resellerId", Value::from(self.reseller_id.clone()));
        put(
            "mnoIds",
            Value::from(self.mno_ids.iter().map(|m| m.0).collect::<Vec<_>>()),
        );
        object
    }

    fn tcr_fields(&self) -> TcrCampaignFields {
        let sample = |i: usize| self.samples.get(i).cloned();
        TcrCampaignFields {
            sample1: sample(0),
            sample2: sample(1),
            sample3: sample(2),
            sample4: sample(3),
            sample5: sample(4),
            help_message: self.help_message.clone(),
            optin_message: self.optin_message.clone(),
            optout_message: self.optout_message.clone(),
            optin_keywords: self.optin_keywords.clone(),
            optout_keywords: self.optout_keywords.clone(),
            help_keywords: self.help_keywords.clone(),
            embedded_link_sample: self.embedded_link_sample.clone(),
            privacy_policy_link: self.privacy_policy_link.clone(),
            terms_and_conditions_link: self.terms_and_conditions_link.clone(),
            embedded_link: self.embedded_link,
            embedded_phone: self.embedded_phone,
            number_pool: self.number_pool,
            age_gated: self.age_gated,
            direct_lending: self.direct_lending,
            auto_renewal: self.auto_renewal,
        }
    }

    /// TCR's `CampaignRequest` for this profile.
    pub fn to_tcr_request(
        &self,
        tcr_brand_id: &TcrBrandId,
        reference_id: &str,
    ) -> TcrCampaignRequest {
        TcrCampaignRequest {
            brand_id: tcr_brand_id.clone(),
            usecase: self.usecase.clone(),
            sub_usecases: self.sub_usecases.clone(),
            reseller_id: self.reseller_id.clone(),
            description: self.description.clone(),
            message_flow: self.message_flow.clone(),
            fields: self.tcr_fields(),
            subscriber_optin: self.subscriber_optin,
            subscriber_optout: self.subscriber_optout,
            subscriber_help: self.subscriber_help,
            terms_and_conditions: self.terms_and_conditions,
            mno_ids: self.mno_ids.iter().map(|m| m.0).collect(),
            reference_id: Some(reference_id.to_string()),
        }
    }

    /// TCR's `UpdateCampaign_CSP` for this profile.
    pub fn to_tcr_update(&self) -> TcrCampaignUpdate {
        TcrCampaignUpdate {
            description: self.description.clone(),
            message_flow: self.message_flow.clone(),
            reseller_id: self.reseller_id.clone(),
            fields: self.tcr_fields(),
        }
    }
}
