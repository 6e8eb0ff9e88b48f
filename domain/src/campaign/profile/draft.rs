//! Reading a campaign's JSON body field by field, naming every field of the wrong type or unknown.
use serde_json::{Map, Value};

use crate::validation::ValidationErrors;

/// Reads typed fields out of a JSON object, naming every field of the wrong type.
struct FieldReader<'a> {
    object: &'a Map<String, Value>,
    errors: ValidationErrors,
    seen: Vec<&'static str>,
}

impl<'a> FieldReader<'a> {
    fn text(&mut self, name: &'static str) -> Option<String> {
        self.seen.push(name);
        match self.object.get(name) {
            None | Some(Value::Null) => None,
            Some(Value::String(text)) if text.trim().is_empty() => None,
            Some(Value::String(text)) => Some(text.trim().to_string()),
            Some(_) => {
                self.errors.add(name, "must be a string");
                None
            }
        }
    }

    fn flag(&mut self, name: &'static str) -> Option<bool> {
        self.seen.push(name);
        match self.object.get(name) {
            None | Some(Value::Null) => None,
            Some(Value::Bool(flag)) => Some(*flag),
            Some(_) => {
                self.errors.add(name, "must be true or false");
                None
            }
        }
    }

    fn list(&mut self, name: &'static str) -> Option<Vec<Value>> {
        self.seen.push(name);
        match self.object.get(name) {
            None | Some(Value::Null) => None,
            Some(Value::Array(items)) => Some(items.clone()),
            Some(_) => {
                self.errors.add(name, "must be a list");
                None
            }
        }
    }

    /// Every field that was not read is unknown.
    fn finish(mut self, also_known: &[&str]) -> ValidationErrors {
        for key in self.object.keys() {
            if !self.seen.contains(&key.as_str()) && !also_known.contains(&key.as_str()) {
                self.errors
                    .add(key.as_str(), "is not a campaign field tendlc knows");
            }
        }
        self.errors
    }
}

/// The raw input of a campaign, read field by field (TCR's names).
#[derive(Debug, Clone, Default)]
pub(super) struct Draft {
    pub(super) usecase: Option<String>,
    pub(super) sub_usecases: Option<Vec<Value>>,
    pub(super) description: Option<String>,
    pub(super) message_flow: Option<String>,
    pub(super) samples: [Option<String>; 5],
    pub(super) help_message: Option<String>,
    pub(super) optin_message: Option<String>,
    pub(super) optout_message: Option<String>,
    pub(super) optin_keywords: Option<String>,
    pub(super) optout_keywords: Option<String>,
    pub(super) help_keywords: Option<String>,
    pub(super) subscriber_optin: Option<bool>,
    pub(super) subscriber_optout: Option<bool>,
    pub(super) subscriber_help: Option<bool>,
    pub(super) embedded_link: Option<bool>,
    pub(super) embedded_phone: Option<bool>,
    pub(super) embedded_link_sample: Option<String>,
    pub(super) number_pool: Option<bool>,
    pub(super) age_gated: Option<bool>,
    pub(super) direct_lending: Option<bool>,
    pub(super) terms_and_conditions: Option<bool>,
    pub(super) privacy_policy_link: Option<String>,
    pub(super) terms_and_conditions_link: Option<String>,
    pub(super) auto_renewal: Option<bool>,
    pub(super) reseller_id: Option<String>,
    pub(super) mno_ids: Option<Vec<Value>>,
}

pub(super) const SAMPLE_NAMES: [&str; 5] = ["sample1", "sample2", "sample3", "sample4", "sample5"];

impl Draft {
    /// Reads every field of `object`, naming each of the wrong type and each that is neither a
    /// campaign field nor in `also_known`.
    pub(super) fn read(
        object: &Map<String, Value>,
        also_known: &[&str],
    ) -> (Draft, ValidationErrors) {
        let mut reader = FieldReader {
            object,
            errors: ValidationErrors::new(),
            seen: vec![],
        };
        let draft = Draft::fields(&mut reader);
        (draft, reader.finish(also_known))
    }

    fn fields(reader: &mut FieldReader<'_>) -> Draft {
        Draft {
            usecase: reader.text("usecase"),
            sub_usecases: reader.list("subUsecases"),
            description: reader.text("description"),
            message_flow: reader.text("messageFlow"),
            samples: SAMPLE_NAMES.map(|name| reader.text(name)),
            help_message: reader.text("helpMessage"),
            optin_message: reader.text("optinMessage"),
            optout_message: reader.text("optoutMessage"),
            optin_keywords: reader.text("optinKeywords"),
            optout_keywords: reader.text("optoutKeywords"),
            help_keywords: reader.text("helpKeywords"),
            subscriber_optin: reader.flag("subscriberOptin"),
            subscriber_optout: reader.flag("subscriberOptout"),
            subscriber_help: reader.flag("subscriberHelp"),
            embedded_link: reader.flag("embeddedLink"),
            embedded_phone: reader.flag("embeddedPhone"),
            embedded_link_sample: reader.text("embeddedLinkSample"),
            number_pool: reader.flag("numberPool"),
            age_gated: reader.flag("ageGated"),
            direct_lending: reader.flag("directLending"),
            terms_and_conditions: reader.flag("termsAndConditions"),
            privacy_policy_link: reader.text("privacyPolicyLink"),
            terms_and_conditions_link: reader.text("termsAndConditionsLink"),
            auto_renewal: reader.flag("autoRenewal"),
            reseller_id: reader.text("resellerId"),
            mno_ids: reader.list("mnoIds"),
        }
    }
}
