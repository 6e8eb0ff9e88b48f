//! Reading and checking campaign bodies, `CampaignRequest` (create) and `UpdateCampaign_CSP`
//! (update), with the limits of `shared/tcr-api.md` §4.2 and §4.4: every problem of the input
//! is its own error 501; what the chosen carriers mandate is checked against their `Metadata`
//! (error 509).
use std::collections::BTreeMap;

use serde_json::{json, Value};

use crate::body::{Body, Problems};
use crate::enums::{self, MNOS};
use crate::errors::{ApiError, Rejection};
use crate::qualify::Metadata;
use crate::validate;

/// `resellerId` for "no reseller".
pub(crate) const NO_RESELLER: &str = "R000000";

/// One text field: JSON name, length bounds (in characters) and whether an update may change it.
struct Text {
    name: &'static str,
    min: usize,
    max: usize,
    updatable: bool,
}

const fn text(name: &'static str, min: usize, max: usize, updatable: bool) -> Text {
    Text {
        name,
        min,
        max,
        updatable,
    }
}

const TEXT: &[Text] = &[
    text("brandId", 1, 8, false),
    text("usecase", 1, 50, false),
    text("resellerId", 1, 8, true),
    text("description", 40, 4096, true),
    text("messageFlow", 40, 4096, true),
    text("sample1", 20, 1024, true),
    text("sample2", 20, 1024, true),
    text("sample3", 20, 1024, true),
    text("sample4", 20, 1024, true),
    text("sample5", 20, 1024, true),
    text("helpMessage", 20, 1024, true),
    text("optinMessage", 20, 1024, true),
    text("optoutMessage", 20, 1024, true),
    text("optinKeywords", 0, 255, true),
    text("optoutKeywords", 0, 255, true),
    text("helpKeywords", 0, 255, true),
    text("privacyPolicyLink", 0, 2048, true),
    text("termsAndConditionsLink", 0, 2048, true),
    text("embeddedLinkSample", 0, 255, true),
    text("referenceId", 0, 50, false),
];

/// `(name, default, updatable)` of the boolean fields.
const FLAGS: &[(&str, bool, bool)] = &[
    ("embeddedLink", false, true),
    ("embeddedPhone", false, true),
    ("termsAndConditions", true, false),
    ("numberPool", false, true),
    ("ageGated", false, true),
    ("directLending", false, true),
    ("subscriberOptin", false, false),
    ("subscriberOptout", false, false),
    ("subscriberHelp", false, false),
    ("autoRenewal", true, true),
];

/// Array fields; none can be updated.
const ARRAYS: &[&str] = &["subUsecases", "mnoIds", "tag"];

/// `Campaign_CSP_EX` properties only TCR sets.
const READ_ONLY: &[&str] = &[
    "campaignId",
    "cspId",
    "status",
    "createDate",
    "billedDate",
    "mock",
    "monthlyFee",
    "nextRenewalOrExpirationDate",
    "expirationDate",
    "vertical",
];

const REQUIRED: &[&str] = &[
    "brandId",
    "usecase",
    "resellerId",
    "description",
    "messageFlow",
    "sample1",
];

pub(crate) const SAMPLES: [&str; 5] = ["sample1", "sample2", "sample3", "sample4", "sample5"];

/// `(flag, message, keywords)`: a subscriber flag and the fields it makes required.
const SUBSCRIBER: &[(&str, &str, &str)] = &[
    ("subscriberOptin", "optinMessage", "optinKeywords"),
    ("subscriberOptout", "optoutMessage", "optoutKeywords"),
    ("subscriberHelp", "helpMessage", "helpKeywords"),
];

/// Links TCR shows as `""` rather than leaving out when the campaign has none (its example).
const EMPTY_WHEN_ABSENT: &[&str] = &[
    "privacyPolicyLink",
    "termsAndConditionsLink",
    "embeddedLinkSample",
];

/// Keywords TCR fills in when a new campaign leaves them out.
const KEYWORD_DEFAULTS: &[(&str, &str)] = &[("optoutKeywords", "STOP"), ("helpKeywords", "HELP")];

/// What a campaign says about itself: text fields by JSON name, boolean fields, sub-use cases
/// and tags.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct CampaignFields {
    pub text: BTreeMap<&'static str, String>,
    flags: BTreeMap<&'static str, bool>,
    pub sub_usecases: Vec<String>,
    pub tags: Vec<String>,
}

impl CampaignFields {
    pub fn get(&self, name: &str) -> Option<&str> {
        self.text.get(name).map(String::as_str)
    }

    /// A boolean field, with TCR's default when never set.
    pub fn flag(&self, name: &str) -> bool {
        self.flags.get(name).copied().unwrap_or_else(|| {
            FLAGS
                .iter()
                .find(|(flag, _, _)| *flag == name)
                .is_some_and(|(_, default, _)| *default)
        })
    }

    /// How many message samples the campaign has.
    pub fn sample_count(&self) -> usize {
        SAMPLES.iter().filter(|s| self.get(s).is_some()).count()
    }

    /// The fields as `Campaign_CSP_EX` shows them: every flag, text fields that are set (the
    /// links as `""` when not), `subUsecases` always.
    pub fn to_json(&self) -> Value {
        let mut campaign: serde_json::Map<String, Value> = EMPTY_WHEN_ABSENT
            .iter()
            .map(|name| ((*name).to_owned(), json!("")))
            .collect();
        campaign.extend(
            self.text
                .iter()
                .map(|(name, value)| ((*name).to_owned(), json!(value))),
        );
        for (name, _, _) in FLAGS {
            campaign.insert((*name).to_owned(), json!(self.flag(name)));
        }
        campaign.insert("subUsecases".into(), json!(self.sub_usecases));
        Value::Object(campaign)
    }
}

/// A campaign body as sent: each known field present, with its value (`None` for `null`/`""`).
/// Unknown properties are ignored.
#[derive(Debug, Clone, Default)]
pub(crate) struct CampaignBody {
    raw: Body,
    text: BTreeMap<&'static str, Option<String>>,
    flags: BTreeMap<&'static str, bool>,
    sub_usecases: Option<Vec<String>>,
    pub mno_ids: Option<Vec<u64>>,
    tags: Option<Vec<String>>,
}

impl CampaignBody {
    /// Reads the body; a field of the wrong JSON type is error 501 naming it.
    pub fn parse(bytes: &[u8]) -> Result<Self, Rejection> {
        let raw = Body::parse(bytes)?;
        let mut problems = Problems::default();
        let mut body = CampaignBody::default();
        for rule in TEXT {
            if raw.0.contains_key(rule.name) {
                let value = problems.take(raw.text(rule.name)).map(str::to_owned);
                body.text.insert(rule.name, value);
            }
        }
        for (name, _, _) in FLAGS {
            if let Some(flag) = problems.take(raw.flag(name)) {
                body.flags.insert(name, flag);
            }
        }
        body.sub_usecases = problems.take(raw.strings("subUsecases"));
        body.mno_ids = problems.take(raw.numbers("mnoIds"));
        body.tags = problems.take(raw.strings("tag"));
        problems.into_result()?;
        body.raw = raw;
        Ok(body)
    }

    pub fn description(&self) -> Option<&str> {
        self.text.get("description").and_then(Option::as_deref)
    }

    /// The new campaign this body describes, with TCR's default keywords.
    pub fn to_fields(&self) -> CampaignFields {
        let mut fields = CampaignFields::default();
        for (name, default) in KEYWORD_DEFAULTS {
            if !self.text.contains_key(name) {
                fields.text.insert(name, (*default).to_owned());
            }
        }
        self.apply(&mut fields, |_| true);
        fields.sub_usecases = self.sub_usecases.clone().unwrap_or_default();
        fields.tags = self
            .tags
            .iter()
            .flatten()
            .map(|t| t.to_lowercase())
            .collect();
        fields
    }

    /// `base` with this update's updatable fields applied (`null` or `""` clears one).
    pub fn updated(&self, base: &CampaignFields) -> CampaignFields {
        let mut fields = base.clone();
        let updatable = |name: &str| {
            TEXT.iter().any(|t| t.name == name && t.updatable)
                || FLAGS.iter().any(|(f, _, u)| *f == name && *u)
        };
        self.apply(&mut fields, updatable);
        fields
    }

    fn apply(&self, fields: &mut CampaignFields, wanted: impl Fn(&str) -> bool) {
        for (name, value) in self.text.iter().filter(|(n, _)| wanted(n)) {
            match value {
                Some(value) => fields.text.insert(name, value.clone()),
                None => fields.text.remove(name),
            };
        }
        for (name, flag) in self.flags.iter().filter(|(n, _)| wanted(n)) {
            fields.flags.insert(name, *flag);
        }
    }

    /// What an update may not do: change a field §4.4 keeps fixed (sending its current value is
    /// harmless), or move `resellerId` anywhere but to `R000000`. One 501 per field.
    pub fn update_problems(&self, current: &Value) -> Vec<ApiError> {
        let fixed = TEXT
            .iter()
            .filter(|t| !t.updatable)
            .map(|t| t.name)
            .chain(FLAGS.iter().filter(|f| !f.2).map(|f| f.0))
            .chain(ARRAYS.iter().copied())
            .chain(READ_ONLY.iter().copied());
        let mut problems: Vec<ApiError> = fixed
            .filter(|name| {
                self.raw
                    .0
                    .get(*name)
                    .is_some_and(|sent| normalized(sent) != normalized(&current[*name]))
            })
            .map(|name| {
                ApiError::invalid(
                    name,
                    format!("{name} cannot be updated once the campaign is created"),
                )
            })
            .collect();
        if let Some(Some(reseller)) = self.text.get("resellerId") {
            if reseller != NO_RESELLER && Some(reseller.as_str()) != current["resellerId"].as_str()
            {
                problems.push(ApiError::invalid(
                    "resellerId",
                    format!("resellerId can only be changed to {NO_RESELLER} (no reseller)"),
                ));
            }
        }
        problems
    }
}

/// A value with `null`/`""` as `null` and arrays in a fixed order, for "did it change?".
fn normalized(value: &Value) -> Value {
    match value {
        Value::String(s) if s.is_empty() => Value::Null,
        Value::Array(items) => {
            let mut items: Vec<String> = items.iter().map(Value::to_string).collect();
            items.sort();
            json!(items)
        }
        other => other.clone(),
    }
}

/// Every problem TCR's input checks find in a campaign, one error 501 each.
pub(crate) fn problems(fields: &CampaignFields) -> Vec<ApiError> {
    let mut errors = Vec::new();
    for rule in TEXT {
        match fields.get(rule.name) {
            None if REQUIRED.contains(&rule.name) => {
                errors.push(ApiError::invalid(
                    rule.name,
                    format!("{} is required", rule.name),
                ));
            }
            None => {}
            Some(value) => {
                let len = value.chars().count();
                if len < rule.min || len > rule.max {
                    let bounds = if rule.min == 0 {
                        format!("at most {}", rule.max)
                    } else {
                        format!("{} to {}", rule.min, rule.max)
                    };
                    errors.push(ApiError::invalid(
                        rule.name,
                        format!("{} must be {bounds} characters long", rule.name),
                    ));
                } else if rule.name.ends_with("Keywords") {
                    errors.extend(check_keywords(rule.name, value));
                } else if rule.name == "resellerId" && !is_reseller_id(value) {
                    errors.push(ApiError::invalid(
                        "resellerId",
                        format!("resellerId must be R followed by 6 uppercase letters or digits, e.g. {NO_RESELLER}"),
                    ));
                }
            }
        }
    }
    for (flag, message, keywords) in SUBSCRIBER {
        if fields.flag(flag) {
            for needed in [message, keywords] {
                if fields.get(needed).is_none() {
                    errors.push(ApiError::invalid(
                        needed,
                        format!("{needed} is required when {flag} is true"),
                    ));
                }
            }
        }
    }
    if !fields.flag("termsAndConditions") {
        errors.push(ApiError::invalid(
            "termsAndConditions",
            "termsAndConditions must be true: the CSP has to accept TCR's terms and conditions",
        ));
    }
    if let Some(code) = fields.get("usecase") {
        match enums::use_case(code) {
            None => errors.push(ApiError::invalid(
                "usecase",
                format!("Invalid usecase {code:?}; see GET /enum/usecase"),
            )),
            Some(usecase) => errors.extend(check_sub_usecases(
                &fields.sub_usecases,
                usecase.min_sub,
                usecase.max_sub,
            )),
        }
    }
    errors.extend(validate::check_tags(&fields.tags));
    errors
}

fn is_reseller_id(id: &str) -> bool {
    id.len() == 7
        && id.starts_with('R')
        && id[1..]
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
}

/// Keywords are comma-separated, without spaces or empty entries.
fn check_keywords(name: &str, value: &str) -> Option<ApiError> {
    value
        .split(',')
        .any(|k| k.is_empty() || k.chars().any(char::is_whitespace))
        .then(|| {
            ApiError::invalid(
                name,
                format!(
                    "{name} must be keywords separated by commas, without spaces, e.g. START,YES"
                ),
            )
        })
}

fn check_sub_usecases(subs: &[String], min: u8, max: u8) -> Vec<ApiError> {
    let mut errors = Vec::new();
    let invalid: Vec<&str> = subs
        .iter()
        .map(String::as_str)
        .filter(|s| !enums::use_case(s).is_some_and(|u| u.valid_sub))
        .collect();
    if !invalid.is_empty() {
        errors.push(ApiError::invalid(
            "subUsecases",
            format!("Invalid sub-usecases {invalid:?}; see GET /enum/usecase?validSubUsecase=true"),
        ));
    }
    let mut unique = subs.to_vec();
    unique.sort();
    unique.dedup();
    if unique.len() != subs.len() {
        errors.push(ApiError::invalid(
            "subUsecases",
            "subUsecases must be unique",
        ));
    }
    if !(usize::from(min)..=usize::from(max)).contains(&subs.len()) {
        errors.push(ApiError::invalid(
            "subUsecases",
            format!(
                "This usecase takes {min} to {max} subUsecases, not {}",
                subs.len()
            ),
        ));
    }
    errors
}

/// `mnoIds` must name known carriers, once each.
pub(crate) fn check_mno_ids(ids: &[u64]) -> Option<ApiError> {
    let mut unique = ids.to_vec();
    unique.sort_unstable();
    unique.dedup();
    let known = ids.iter().all(|id| enums::mno(*id).is_some());
    (!known || unique.len() != ids.len()).then(|| {
        let all: Vec<String> = MNOS.iter().map(|m| m.network_id.to_string()).collect();
        ApiError::invalid(
            "mnoIds",
            format!(
                "mnoIds must be distinct network ids of GET /enum/mno ({})",
                all.join(", ")
            ),
        )
    })
}

/// Whether a carrier's terms make something mandatory.
type Requires = fn(&Metadata) -> bool;

/// The subscriber flags a carrier's `Metadata` can make mandatory.
const MANDATES: [(&str, Requires); 3] = [
    ("subscriberOptin", |m| m.req_optin),
    ("subscriberOptout", |m| m.req_optout),
    ("subscriberHelp", |m| m.req_help),
];

/// What the carriers in `terms` mandate and the campaign lacks, one error 509 each: enough
/// message samples, and the subscriber opt-in, opt-out and help they require.
pub(crate) fn mandate_problems(fields: &CampaignFields, terms: &[&Metadata]) -> Vec<ApiError> {
    let names = |wants: &dyn Fn(&Metadata) -> bool| {
        terms
            .iter()
            .filter(|m| wants(m))
            .map(|m| m.mno.name)
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut errors = Vec::new();
    let samples = fields.sample_count();
    let needed = terms
        .iter()
        .map(|m| usize::from(m.min_samples))
        .max()
        .unwrap_or(1);
    if samples < needed {
        errors.push(ApiError::new(
            509,
            format!(
                "Campaign submission is incomplete: {} require at least {needed} message samples, the campaign has {samples}",
                names(&|m| usize::from(m.min_samples) > samples)
            ),
            &[SAMPLES[samples.min(4)]],
        ));
    }
    for (flag, required) in MANDATES {
        if !fields.flag(flag) && terms.iter().any(|m| required(m)) {
            errors.push(ApiError::new(
                509,
                format!(
                    "Campaign does not comply with MNO mandates: {} require {flag}",
                    names(&required)
                ),
                &[flag],
            ));
        }
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(json: Value) -> CampaignFields {
        CampaignBody::parse(json.to_string().as_bytes())
            .expect("parses")
            .to_fields()
    }

    fn valid() -> Value {
        json!({
            "brandId": "B123ABC", "usecase": "2FA", "resellerId": "R000000",
            "description": "One-time passcodes for signing in to the Acme customer portal.",
            "messageFlow": "Customers enter their number on the sign-in page and tick a box to get codes.",
            "sample1": "Your Acme code is 123456. Reply STOP to opt out."
        })
    }

    fn named(errors: &[ApiError]) -> Vec<&str> {
        errors
            .iter()
            .flat_map(|e| e.fields.iter().map(String::as_str))
            .collect()
    }

    #[test]
    fn a_minimal_campaign_is_fine_and_gets_default_keywords() {
        let fields = fields(valid());
        assert_eq!(problems(&fields), vec![]);
        assert_eq!(fields.get("optoutKeywords"), Some("STOP"));
        assert_eq!(fields.get("helpKeywords"), Some("HELP"));
        assert!(fields.flag("termsAndConditions") && fields.flag("autoRenewal"));
    }

    #[test]
    fn subscriber_flags_make_their_message_and_keywords_required() {
        let mut json = valid();
        json["subscriberOptin"] = json!(true);
        json["subscriberHelp"] = json!(true);
        json["helpKeywords"] = json!("");
        assert_eq!(
            named(&problems(&fields(json))),
            vec![
                "optinMessage",
                "optinKeywords",
                "helpMessage",
                "helpKeywords"
            ]
        );
    }

    #[test]
    fn keywords_are_comma_separated_without_spaces() {
        for (keywords, ok) in [
            ("START,YES", true),
            ("START, YES", false),
            ("START,,YES", false),
        ] {
            let mut json = valid();
            json["optinKeywords"] = json!(keywords);
            assert_eq!(problems(&fields(json)).is_empty(), ok, "{keywords}");
        }
    }

    #[test]
    fn sub_usecases_are_counted_and_checked() {
        let mut json = valid();
        json["usecase"] = json!("MIXED");
        json["subUsecases"] = json!(["MARKETING"]);
        assert_eq!(named(&problems(&fields(json.clone()))), vec!["subUsecases"]);
        json["subUsecases"] = json!(["MARKETING", "MIXED"]);
        assert_eq!(named(&problems(&fields(json.clone()))), vec!["subUsecases"]);
        json["subUsecases"] = json!(["MARKETING", "2FA"]);
        assert_eq!(problems(&fields(json)), vec![]);
    }

    #[test]
    fn wrong_json_types_are_refused_per_field() {
        let rejection = CampaignBody::parse(
            br#"{"description": 5, "subscriberOptin": "yes", "mnoIds": ["x"]}"#,
        )
        .unwrap_err();
        assert_eq!(
            named(&rejection.0),
            vec!["description", "subscriberOptin", "mnoIds"]
        );
    }

    #[test]
    fn updates_may_repeat_but_not_change_fixed_fields() {
        let current = fields(valid()).to_json();
        let body = |json: Value| CampaignBody::parse(json.to_string().as_bytes()).unwrap();
        assert!(body(json!({"usecase": "2FA", "subUsecases": []}))
            .update_problems(&current)
            .is_empty());
        let refused =
            body(json!({"usecase": "MARKETING", "subscriberOptin": true, "resellerId": "RSIM001"}))
                .update_problems(&current);
        assert_eq!(
            named(&refused),
            vec!["usecase", "subscriberOptin", "resellerId"]
        );
    }

    #[test]
    fn mno_ids_must_be_known_and_distinct() {
        assert!(check_mno_ids(&[10017, 10035]).is_none());
        assert!(check_mno_ids(&[10017, 10017]).is_some());
        assert!(check_mno_ids(&[12345]).is_some());
    }
}
