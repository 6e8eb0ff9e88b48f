//! A campaign as the customer describes it: TCR's `CampaignRequest` rules, applied before TCR
//! is called, and the carriers' demands from qualification, applied before anything is billed.
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::carriers::Mno;
use crate::tcr::{TcrCampaignFields, TcrCampaignRequest, TcrCampaignUpdate, UsecaseQualification};
use crate::validation::ValidationErrors;

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

/// Public URL shorteners, which carriers refuse in samples and embedded links.
const URL_SHORTENERS: &[&str] = &[
    "bit.ly",
    "tinyurl.com",
    "goo.gl",
    "t.co",
    "ow.ly",
    "is.gd",
    "buff.ly",
    "rebrand.ly",
    "cutt.ly",
    "shorturl.at",
    "t.ly",
];

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

fn length(
    errors: &mut ValidationErrors,
    name: &str,
    text: &Option<String>,
    min: usize,
    max: usize,
) {
    if let Some(text) = text {
        let count = text.chars().count();
        if count < min || count > max {
            errors.add(
                name,
                format!("must be {min} to {max} characters long (it has {count})"),
            );
        }
    }
}

fn required(errors: &mut ValidationErrors, name: &str, text: &Option<String>, why: &str) {
    if text.is_none() {
        errors.add(name, format!("is required{why}"));
    }
}

fn keywords(errors: &mut ValidationErrors, name: &str, text: &Option<String>) {
    let Some(text) = text else { return };
    if text.chars().count() > 255 {
        errors.add(name, "must be at most 255 characters long");
    } else if text.split(',').any(|word| {
        word.is_empty()
            || !word
                .chars()
                .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
    }) {
        errors.add(
            name,
            "must be comma-separated keywords without spaces, e.g. STOP,QUIT",
        );
    }
}

fn link(errors: &mut ValidationErrors, name: &str, text: &Option<String>, max: usize) {
    let Some(text) = text else { return };
    if text.chars().count() > max {
        errors.add(name, format!("must be at most {max} characters long"));
    } else if !(text.starts_with("https://") || text.starts_with("http://"))
        || text.contains(char::is_whitespace)
        || text.len() < 12
    {
        errors.add(name, "must be a public http(s) URL");
    }
}

fn shortener_in(text: &str) -> Option<&'static str> {
    let lower = text.to_ascii_lowercase();
    URL_SHORTENERS.iter().copied().find(|host| {
        lower.match_indices(host).any(|(at, _)| {
            let before = lower[..at].chars().last();
            let after = lower[at + host.len()..].chars().next();
            !before.is_some_and(|c| c.is_alphanumeric() || c == '.' || c == '-')
                && after.is_none_or(|c| c == '/' || c.is_whitespace())
        })
    })
}

/// The raw input of a campaign, read field by field (TCR's names).
#[derive(Debug, Clone, Default)]
struct Draft {
    usecase: Option<String>,
    sub_usecases: Option<Vec<Value>>,
    description: Option<String>,
    message_flow: Option<String>,
    samples: [Option<String>; 5],
    help_message: Option<String>,
    optin_message: Option<String>,
    optout_message: Option<String>,
    optin_keywords: Option<String>,
    optout_keywords: Option<String>,
    help_keywords: Option<String>,
    subscriber_optin: Option<bool>,
    subscriber_optout: Option<bool>,
    subscriber_help: Option<bool>,
    embedded_link: Option<bool>,
    embedded_phone: Option<bool>,
    embedded_link_sample: Option<String>,
    number_pool: Option<bool>,
    age_gated: Option<bool>,
    direct_lending: Option<bool>,
    terms_and_conditions: Option<bool>,
    privacy_policy_link: Option<String>,
    terms_and_conditions_link: Option<String>,
    auto_renewal: Option<bool>,
    reseller_id: Option<String>,
    mno_ids: Option<Vec<Value>>,
}

const SAMPLE_NAMES: [&str; 5] = ["sample1", "sample2", "sample3", "sample4", "sample5"];

impl Draft {
    fn read(reader: &mut FieldReader<'_>) -> Draft {
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

impl CampaignProfile {
    /// Validates a new campaign (JSON object, TCR's field names; `brandId` is read by the caller
    /// and listed in `also_known`). Every bad field is named.
    pub fn parse(body: &Value, also_known: &[&str]) -> Result<CampaignProfile, ValidationErrors> {
        let Some(object) = body.as_object() else {
            let mut errors = ValidationErrors::new();
            errors.add("body", "must be a JSON object of campaign fields");
            return Err(errors);
        };
        let mut reader = FieldReader {
            object,
            errors: ValidationErrors::new(),
            seen: vec![],
        };
        let draft = Draft::read(&mut reader);
        let mut errors = reader.finish(also_known);
        let profile = Self::check(draft, &mut errors);
        errors.into_result(profile)
    }

    fn check(draft: Draft, errors: &mut ValidationErrors) -> CampaignProfile {
        match &draft.usecase {
            None => errors.add("usecase", "is required"),
            Some(usecase) if !USE_CASES.contains(&usecase.as_str()) => errors.add(
                "usecase",
                format!(
                    "'{usecase}' is not a TCR use case; one of {}",
                    USE_CASES.join(", ")
                ),
            ),
            Some(_) => {}
        }
        let mut sub_usecases = Vec::new();
        for (index, item) in draft.sub_usecases.iter().flatten().enumerate() {
            match item.as_str() {
                Some(code) if SUB_USE_CASES.contains(&code) => {
                    if sub_usecases.iter().any(|seen: &String| seen == code) {
                        errors.add("subUsecases", format!("lists {code} twice"));
                    }
                    sub_usecases.push(code.to_string());
                }
                _ => errors.add(
                    format!("subUsecases[{index}]"),
                    format!("must be one of {}", SUB_USE_CASES.join(", ")),
                ),
            }
        }

        required(errors, "description", &draft.description, "");
        length(errors, "description", &draft.description, 40, 4096);
        required(
            errors,
            "messageFlow",
            &draft.message_flow,
            " (how subscribers opt in)",
        );
        length(errors, "messageFlow", &draft.message_flow, 40, 4096);

        required(
            errors,
            "sample1",
            &draft.samples[0],
            " (at least one sample message)",
        );
        for (name, sample) in SAMPLE_NAMES.iter().zip(&draft.samples) {
            length(errors, name, sample, 20, 1024);
            if let Some(host) = sample.as_deref().and_then(shortener_in) {
                errors.add(
                    *name,
                    format!("uses the public URL shortener {host}, which carriers refuse"),
                );
            }
        }
        if let Some(gap) =
            (1..5).find(|&i| draft.samples[i].is_some() && draft.samples[i - 1].is_none())
        {
            errors.add(
                SAMPLE_NAMES[gap],
                format!(
                    "is set but {} is not; fill samples in order",
                    SAMPLE_NAMES[gap - 1]
                ),
            );
        }

        let optin = draft.subscriber_optin.unwrap_or(false);
        let optout = draft.subscriber_optout.unwrap_or(false);
        let help = draft.subscriber_help.unwrap_or(false);
        for (flag, set, message, message_name, words, words_name) in [
            (
                "subscriberOptin",
                optin,
                &draft.optin_message,
                "optinMessage",
                &draft.optin_keywords,
                "optinKeywords",
            ),
            (
                "subscriberOptout",
                optout,
                &draft.optout_message,
                "optoutMessage",
                &draft.optout_keywords,
                "optoutKeywords",
            ),
            (
                "subscriberHelp",
                help,
                &draft.help_message,
                "helpMessage",
                &draft.help_keywords,
                "helpKeywords",
            ),
        ] {
            if set {
                required(
                    errors,
                    message_name,
                    message,
                    &format!(" when {flag} is true"),
                );
                required(errors, words_name, words, &format!(" when {flag} is true"));
            }
            length(errors, message_name, message, 20, 1024);
            keywords(errors, words_name, words);
        }

        let embedded_link = draft.embedded_link.unwrap_or(false);
        if let Some(sample) = &draft.embedded_link_sample {
            if sample.chars().count() > 255 {
                errors.add("embeddedLinkSample", "must be at most 255 characters long");
            }
            if let Some(host) = shortener_in(sample) {
                errors.add(
                    "embeddedLinkSample",
                    format!("uses the public URL shortener {host}, which carriers refuse"),
                );
            }
            if !embedded_link {
                errors.add("embeddedLinkSample", "is set but embeddedLink is false");
            }
        }
        link(
            errors,
            "privacyPolicyLink",
            &draft.privacy_policy_link,
            2048,
        );
        link(
            errors,
            "termsAndConditionsLink",
            &draft.terms_and_conditions_link,
            2048,
        );

        let terms_and_conditions = draft.terms_and_conditions.unwrap_or(true);
        if !terms_and_conditions {
            errors.add("termsAndConditions", "must be true: TCR registers campaigns only when the CSP accepts its terms and conditions");
        }
        let reseller_id = draft.reseller_id.unwrap_or_else(|| NO_RESELLER.to_string());
        if reseller_id.chars().count() > 8
            || !reseller_id.chars().all(|c| c.is_ascii_alphanumeric())
        {
            errors.add("resellerId", format!("must be a TCR reseller id of 1 to 8 letters and digits ({NO_RESELLER} for none)"));
        }

        let mut mno_ids = Vec::new();
        match &draft.mno_ids {
            None => mno_ids = Mno::all(),
            Some(items) if items.is_empty() => errors.add(
                "mnoIds",
                "must name at least one carrier, or be left out for all",
            ),
            Some(items) => {
                for (index, item) in items.iter().enumerate() {
                    let mno = item
                        .as_u64()
                        .or_else(|| item.as_str().and_then(|text| text.parse().ok()))
                        .and_then(|id| u32::try_from(id).ok())
                        .and_then(Mno::known);
                    match mno {
                        Some(mno) if mno_ids.contains(&mno) => {
                            errors.add("mnoIds", format!("lists {mno} twice"))
                        }
                        Some(mno) => mno_ids.push(mno),
                        None => errors.add(
                            format!("mnoIds[{index}]"),
                            format!(
                                "{item} is not a carrier TCR routes campaigns to; one of {}",
                                Mno::all()
                                    .iter()
                                    .map(|m| m.0.to_string())
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            ),
                        ),
                    }
                }
            }
        }

        CampaignProfile {
            usecase: draft.usecase.unwrap_or_default(),
            sub_usecases,
            description: draft.description.unwrap_or_default(),
            message_flow: draft.message_flow.unwrap_or_default(),
            samples: draft.samples.into_iter().flatten().collect(),
            help_message: draft.help_message,
            optin_message: draft.optin_message,
            optout_message: draft.optout_message,
            optin_keywords: draft.optin_keywords,
            optout_keywords: draft.optout_keywords,
            help_keywords: draft.help_keywords,
            subscriber_optin: optin,
            subscriber_optout: optout,
            subscriber_help: help,
            embedded_link,
            embedded_phone: draft.embedded_phone.unwrap_or(false),
            embedded_link_sample: draft.embedded_link_sample,
            number_pool: draft.number_pool.unwrap_or(false),
            age_gated: draft.age_gated.unwrap_or(false),
            direct_lending: draft.direct_lending.unwrap_or(false),
            terms_and_conditions,
            privacy_policy_link: draft.privacy_policy_link,
            terms_and_conditions_link: draft.terms_and_conditions_link,
            auto_renewal: draft.auto_renewal.unwrap_or(true),
            reseller_id,
            mno_ids,
        }
    }

    /// The carriers' demands for this use case (from TCR's qualification), naming every field
    /// that falls short and the carrier that demands it.
    pub fn check_qualification(
        &self,
        terms: &UsecaseQualification,
    ) -> Result<(), ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let count = self.sub_usecases.len() as u32;
        let (min, max) = (
            terms.min_sub_usecases.unwrap_or(0),
            terms.max_sub_usecases.unwrap_or(5),
        );
        if count < min || count > max {
            errors.add(
                "subUsecases",
                format!(
                    "{} needs {min} to {max} sub use cases (it has {count})",
                    self.usecase
                ),
            );
        }
        let mut qualifying = 0;
        // Several carriers may ask for the same thing: one error per field, naming them all.
        let mut demands: Vec<(&str, String, Vec<String>)> = Vec::new();
        let mut demand = |field: &'static str, what: String, mno: &Mno| match demands
            .iter_mut()
            .find(|(f, w, _)| *f == field && *w == what)
        {
            Some((_, _, carriers)) => carriers.push(mno.to_string()),
            None => demands.push((field, what, vec![mno.to_string()])),
        };
        let mut samples_needed = (self.samples.len(), Vec::new());
        for mno in &self.mno_ids {
            let Some(carrier) = terms.mno_metadata.get(&mno.key()) else {
                continue;
            };
            if !carrier.qualifies() {
                demand(
                    "mnoIds",
                    format!(
                        "includes carriers that do not take {} campaigns from this brand",
                        self.usecase
                    ),
                    mno,
                );
                continue;
            }
            qualifying += 1;
            let needed = carrier.min_msg_samples.unwrap_or(1) as usize;
            if needed > self.samples.len() {
                samples_needed.0 = samples_needed.0.max(needed);
                samples_needed.1.push(mno.to_string());
            }
            for (demanded, set, flag) in [
                (
                    carrier.req_subscriber_optin,
                    self.subscriber_optin,
                    "subscriberOptin",
                ),
                (
                    carrier.req_subscriber_optout,
                    self.subscriber_optout,
                    "subscriberOptout",
                ),
                (
                    carrier.req_subscriber_help,
                    self.subscriber_help,
                    "subscriberHelp",
                ),
            ] {
                if demanded == Some(true) && !set {
                    demand(flag, "must be true".into(), mno);
                }
            }
            if carrier.no_embedded_link == Some(true) && self.embedded_link {
                demand(
                    "embeddedLink",
                    "must be false: links are not allowed".into(),
                    mno,
                );
            }
            if carrier.no_embedded_phone == Some(true) && self.embedded_phone {
                demand(
                    "embeddedPhone",
                    "must be false: phone numbers are not allowed".into(),
                    mno,
                );
            }
        }
        if !samples_needed.1.is_empty() {
            errors.add(
                format!("sample{}", self.samples.len() + 1),
                format!(
                    "{} needs at least {} sample messages (there are {}), as {} require",
                    self.usecase,
                    samples_needed.0,
                    self.samples.len(),
                    samples_needed.1.join(", ")
                ),
            );
        }
        for (field, what, carriers) in demands {
            errors.add(
                field,
                format!(
                    "{what} ({}: {})",
                    if carriers.len() == 1 {
                        "carrier"
                    } else {
                        "carriers"
                    },
                    carriers.join(", ")
                ),
            );
        }
        if qualifying == 0 && !self.mno_ids.is_empty() {
            errors.add(
                "usecase",
                format!(
                    "no chosen carrier takes {} campaigns from this brand",
                    self.usecase
                ),
            );
        }
        errors.into_result(())
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
    pub fn to_tcr_request(&self, tcr_brand_id: &str, reference_id: &str) -> TcrCampaignRequest {
        TcrCampaignRequest {
            brand_id: tcr_brand_id.to_string(),
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
