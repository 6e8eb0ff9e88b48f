//! Reading brand bodies (`BrandRequest`, `UpdateBrand_CSP`) and checking them as TCR documents:
//! per-entity requirements (the `POST /brand/nonBlocking` table), the schema's maxLengths, the
//! enumerations and the country-specific formats of `ein`, `state` and `postalCode`.
use std::collections::BTreeMap;

use serde_json::Value;

use super::enums::{
    ALT_BUSINESS_ID_TYPES, BRAND_RELATIONSHIPS, ENTITY_TYPES, STOCK_EXCHANGES, VERTICALS,
};
use super::errors::{ApiError, Rejection};
use super::state::BrandFields;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Need {
    Required,
    Optional,
    NotApplicable,
}
use Need::{NotApplicable as NA, Optional as O, Required as R};

/// One text field of `BrandRequest`: its JSON name, maxLength and need per entity type,
/// in the order of [`ENTITY_TYPES`] (private, public, non-profit, government, sole proprietor).
struct Rule {
    name: &'static str,
    max_len: Option<usize>,
    need: [Need; 5],
}

const fn rule(name: &'static str, max_len: usize, need: [Need; 5]) -> Rule {
    Rule {
        name,
        max_len: if max_len == 0 { None } else { Some(max_len) },
        need,
    }
}

const ALL: [Need; 5] = [R, R, R, R, R];
const ANY: [Need; 5] = [O, O, O, O, O];
const ONLY_SP: [Need; 5] = [NA, NA, NA, NA, R];
const NOT_SP: [Need; 5] = [R, R, R, R, NA];

/// The text fields, in the order errors are reported. A maxLength of 0 means none (enums).
const RULES: &[Rule] = &[
    rule("entityType", 20, ALL),
    rule("displayName", 255, ALL),
    rule("firstName", 100, ONLY_SP),
    rule("lastName", 100, ONLY_SP),
    rule("companyName", 255, NOT_SP),
    rule("ein", 21, NOT_SP),
    rule("einIssuingCountry", 2, [O, O, O, O, NA]),
    rule("altBusinessId", 50, ANY),
    rule("altBusinessIdType", 0, ANY),
    rule("phone", 20, ALL),
    // "Required for OTP": needed to verify a sole proprietor, not to register one.
    rule("mobilePhone", 20, [NA, NA, NA, NA, O]),
    rule("street", 255, ALL),
    rule("city", 100, ALL),
    rule("state", 20, ALL),
    rule("postalCode", 10, ALL),
    rule("country", 2, ALL),
    rule("email", 100, ALL),
    rule("stockSymbol", 10, [NA, R, NA, NA, NA]),
    rule("stockExchange", 0, [NA, R, NA, NA, NA]),
    rule("website", 255, [O, R, O, O, O]),
    rule("brandRelationship", 0, NOT_SP),
    rule("vertical", 50, [R, R, R, R, O]),
    rule("referenceId", 50, [O, O, O, O, R]),
    rule("businessContactEmail", 255, [O, R, O, O, NA]),
    rule("ipAddress", 50, ANY),
];

/// `UpdateBrand_CSP`'s schema-required fields (`brandRelationship` not for sole proprietors).
const UPDATE_REQUIRED: &[&str] = &[
    "entityType",
    "displayName",
    "country",
    "email",
    "brandRelationship",
];

pub(super) const MAX_TAGS: usize = 10;
pub(super) const MAX_TAG_LEN: usize = 50;

/// A request body as sent: for each known field present, its new value (`None` for `null`/`""`).
/// Unknown properties are ignored, as TCR's JSON binding does.
#[derive(Debug, Clone, Default)]
pub(super) struct BrandBody {
    text: BTreeMap<&'static str, Option<String>>,
    tags: Option<Vec<String>>,
    mock: Option<bool>,
}

impl BrandBody {
    pub fn parse(bytes: &[u8]) -> Result<Self, Rejection> {
        let value: Value = serde_json::from_slice(bytes)
            .map_err(|e| ApiError::new(501, format!("Malformed JSON request body: {e}"), &[]))?;
        let Value::Object(object) = value else {
            return Err(ApiError::new(501, "The request body must be a JSON object", &[]).into());
        };
        let mut body = BrandBody::default();
        let mut errors = Vec::new();
        for rule in RULES {
            match object.get(rule.name) {
                None => {}
                Some(Value::Null) => {
                    body.text.insert(rule.name, None);
                }
                Some(Value::String(s)) => {
                    body.text
                        .insert(rule.name, (!s.is_empty()).then(|| s.clone()));
                }
                Some(_) => errors.push(ApiError::invalid(
                    rule.name,
                    format!("{} must be a string", rule.name),
                )),
            }
        }
        match object.get("mock") {
            None | Some(Value::Null) => {}
            Some(Value::Bool(mock)) => body.mock = Some(*mock),
            Some(_) => errors.push(ApiError::invalid("mock", "mock must be true or false")),
        }
        match object.get("tag") {
            None => {}
            Some(Value::Null) => body.tags = Some(Vec::new()),
            Some(Value::Array(items)) => {
                let tags: Option<Vec<String>> = items
                    .iter()
                    .map(|t| t.as_str().map(str::to_owned))
                    .collect();
                match tags {
                    Some(tags) => body.tags = Some(tags),
                    None => {
                        errors.push(ApiError::invalid("tag", "tag must be an array of strings"))
                    }
                }
            }
            Some(_) => errors.push(ApiError::invalid("tag", "tag must be an array of strings")),
        }
        if errors.is_empty() {
            Ok(body)
        } else {
            Err(Rejection(errors))
        }
    }

    pub fn display_name(&self) -> Option<&str> {
        self.text.get("displayName").and_then(Option::as_deref)
    }

    /// `base` changed by what this body carries, plus TCR's defaults (`einIssuingCountry` US,
    /// a sole proprietor's `brandRelationship` BASIC_ACCOUNT); tags are kept lower-case.
    pub fn apply_to(&self, base: &BrandFields) -> BrandFields {
        let mut fields = base.clone();
        for (name, value) in &self.text {
            match value {
                Some(value) => fields.text.insert(name, value.clone()),
                None => fields.text.remove(name),
            };
        }
        if let Some(tags) = &self.tags {
            fields.tags = tags.iter().map(|t| t.to_lowercase()).collect();
        }
        if let Some(mock) = self.mock {
            fields.mock = mock;
        }
        if fields.text.contains_key("ein") && !fields.text.contains_key("einIssuingCountry") {
            fields.text.insert("einIssuingCountry", "US".to_owned());
        }
        // Brand_CSP requires brandRelationship, which a sole proprietor does not declare.
        if fields.is_sole_proprietor() && !fields.text.contains_key("brandRelationship") {
            fields
                .text
                .insert("brandRelationship", "BASIC_ACCOUNT".to_owned());
        }
        fields
    }

    /// `UpdateBrand_CSP`'s required fields this body lacks.
    pub fn missing_for_update(&self) -> Vec<ApiError> {
        let sole_proprietor =
            self.text.get("entityType").and_then(Option::as_deref) == Some("SOLE_PROPRIETOR");
        UPDATE_REQUIRED
            .iter()
            .filter(|name| !(sole_proprietor && **name == "brandRelationship"))
            .filter(|name| self.text.get(*name).and_then(Option::as_deref).is_none())
            .map(|name| ApiError::invalid(name, format!("{name} is required")))
            .collect()
    }
}

/// Every problem TCR would find in `brand`, one entry per problem.
pub(super) fn problems(brand: &BrandFields) -> Vec<ApiError> {
    let entity_type = brand.get("entityType");
    let entity = entity_type.and_then(|e| ENTITY_TYPES.iter().position(|t| *t == e));
    let mut errors = Vec::new();
    for rule in RULES {
        let Some(value) = brand.get(rule.name) else {
            let required = match entity {
                Some(i) => rule.need[i] == R,
                None => rule.need == ALL,
            };
            if required {
                let description = match (entity, entity_type) {
                    (Some(_), Some(entity_type)) => {
                        format!("{} is required for entityType {entity_type}", rule.name)
                    }
                    _ => format!("{} is required", rule.name),
                };
                errors.push(ApiError::invalid(rule.name, description));
            }
            continue;
        };
        match rule.max_len {
            Some(max) if value.chars().count() > max => errors.push(ApiError::invalid(
                rule.name,
                format!("{} must be at most {max} characters long", rule.name),
            )),
            _ => errors.extend(check_value(rule.name, value, brand)),
        }
    }
    errors.extend(check_entity_rules(brand));
    errors.extend(check_tags(&brand.tags));
    errors
}

fn check_value(name: &str, value: &str, brand: &BrandFields) -> Option<ApiError> {
    let one_of = |allowed: &[&str]| {
        (!allowed.contains(&value)).then(|| {
            ApiError::invalid(
                name,
                format!("{name} must be one of {}", allowed.join(", ")),
            )
        })
    };
    let in_us = |country_field: &str| brand.get(country_field).unwrap_or("US") == "US";
    match name {
        "entityType" => one_of(ENTITY_TYPES),
        "brandRelationship" => one_of(BRAND_RELATIONSHIPS),
        "stockExchange" => one_of(STOCK_EXCHANGES),
        "altBusinessIdType" => one_of(ALT_BUSINESS_ID_TYPES),
        "vertical" => (!VERTICALS.iter().any(|v| v.0 == value)).then(|| {
            ApiError::invalid(
                name,
                "vertical must be one of the codes of GET /enum/vertical",
            )
        }),
        "country" | "einIssuingCountry" => (!is_iso2(value)).then(|| {
            ApiError::invalid(name, format!("{name} must be a two-letter ISO 3166-1 code"))
        }),
        "phone" | "mobilePhone" => (!is_e164(value)).then(|| {
            ApiError::invalid(
                name,
                format!("{name} must be in E.164 format, e.g. +12024567890"),
            )
        }),
        "email" | "businessContactEmail" => check_email(name, value),
        "ein" if in_us("einIssuingCountry") => (!(value.len() == 9
            && value.bytes().all(|b| b.is_ascii_digit())))
        .then(|| ApiError::invalid(name, "A US ein must be 9 digits")),
        "state" if in_us("country") => (!super::catalogue::US_STATES
            .iter()
            .any(|(code, _)| *code == value))
        .then(|| {
            ApiError::invalid(
                name,
                "state must be a two-letter US state code for country US",
            )
        }),
        "postalCode" if in_us("country") => (!is_us_zip(value)).then(|| {
            ApiError::invalid(name, "postalCode must be a 5-digit zip code for country US")
        }),
        _ => None,
    }
}

fn check_entity_rules(brand: &BrandFields) -> Vec<ApiError> {
    let mut errors = Vec::new();
    let country = brand.get("country");
    match brand.get("entityType") {
        Some("GOVERNMENT") if country.is_some_and(|c| c != "US") => errors.push(ApiError::new(
            501,
            "Only US organizations may register as GOVERNMENT; foreign governments register as PRIVATE_PROFIT",
            &["entityType", "country"],
        )),
        Some("SOLE_PROPRIETOR") => {
            if country.is_some_and(|c| c != "US" && c != "CA") {
                errors.push(ApiError::simulated(555));
            }
            if brand.get("mobilePhone").is_some_and(|m| !m.starts_with("+1")) {
                errors.push(ApiError::new(
                    551,
                    "Unsupported mobile phone number. Sole Proprietor brands require a US or CA wireless number",
                    &["mobilePhone"],
                ));
            }
        }
        Some("PUBLIC_PROFIT") => {
            if let Some(email) = brand.get("businessContactEmail") {
                if is_role_or_free_email(email) {
                    errors.push(ApiError::invalid(
                        "businessContactEmail",
                        "businessContactEmail must be a person's business address, not a distribution list or a personal/free mailbox",
                    ));
                }
            }
        }
        _ => {}
    }
    errors
}

pub(super) fn check_tags(tags: &[String]) -> Vec<ApiError> {
    let mut errors = Vec::new();
    if tags.len() > MAX_TAGS {
        errors.push(ApiError::invalid(
            "tag",
            format!("At most {MAX_TAGS} tags are allowed"),
        ));
    }
    if tags.iter().any(|t| {
        let len = t.chars().count();
        !(1..=MAX_TAG_LEN).contains(&len) || !t.chars().all(char::is_alphanumeric)
    }) {
        errors.push(ApiError::invalid(
            "tag",
            format!("Tags must be 1-{MAX_TAG_LEN} characters without spaces or punctuation"),
        ));
    }
    errors
}

fn is_iso2(value: &str) -> bool {
    value.len() == 2 && value.bytes().all(|b| b.is_ascii_uppercase())
}

fn is_e164(value: &str) -> bool {
    value.strip_prefix('+').is_some_and(|digits| {
        (2..=15).contains(&digits.len())
            && !digits.starts_with('0')
            && digits.bytes().all(|b| b.is_ascii_digit())
    })
}

fn is_us_zip(value: &str) -> bool {
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    match value.split_once('-') {
        None => digits(value, 5),
        Some((zip, plus4)) => digits(zip, 5) && digits(plus4, 4),
    }
}

fn check_email(name: &str, value: &str) -> Option<ApiError> {
    let Some((local, domain)) = value.rsplit_once('@') else {
        return Some(ApiError::invalid(
            name,
            format!("{name} must be a valid email address"),
        ));
    };
    let well_formed = !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !value.chars().any(char::is_whitespace);
    if !well_formed {
        return Some(ApiError::invalid(
            name,
            format!("{name} must be a valid email address"),
        ));
    }
    DISPOSABLE_EMAIL_DOMAINS
        .contains(&domain.to_ascii_lowercase().as_str())
        .then(|| {
            ApiError::new(
                553,
                "Unsupported email address. Disposable email addresses are not permitted",
                &[name],
            )
        })
}

fn is_role_or_free_email(email: &str) -> bool {
    let Some((local, domain)) = email.rsplit_once('@') else {
        return false;
    };
    ROLE_MAILBOXES.contains(&local.to_ascii_lowercase().as_str())
        || FREE_EMAIL_DOMAINS.contains(&domain.to_ascii_lowercase().as_str())
}

const DISPOSABLE_EMAIL_DOMAINS: &[&str] = &[
    "mailinator.com",
    "guerrillamail.com",
    "10minutemail.com",
    "yopmail.com",
    "tempmail.com",
    "trashmail.com",
    "sharklasers.com",
    "maildrop.cc",
    "dispostable.com",
    "getnada.com",
];

const FREE_EMAIL_DOMAINS: &[&str] = &[
    "gmail.com",
    "yahoo.com",
    "hotmail.com",
    "outlook.com",
    "live.com",
    "msn.com",
    "aol.com",
    "icloud.com",
    "me.com",
    "protonmail.com",
    "proton.me",
    "gmx.com",
    "mail.com",
    "yandex.com",
];

const ROLE_MAILBOXES: &[&str] = &[
    "admin",
    "billing",
    "careers",
    "contact",
    "enquiries",
    "hello",
    "help",
    "hr",
    "info",
    "inquiries",
    "jobs",
    "marketing",
    "no-reply",
    "noreply",
    "office",
    "postmaster",
    "sales",
    "service",
    "support",
    "team",
    "webmaster",
];

#[cfg(test)]
mod tests {
    use super::*;

    fn body(json: Value) -> BrandFields {
        BrandBody::parse(json.to_string().as_bytes())
            .expect("parses")
            .apply_to(&BrandFields::default())
    }

    fn fields_of(errors: &[ApiError]) -> Vec<&str> {
        errors
            .iter()
            .flat_map(|e| e.fields.iter().map(String::as_str))
            .collect()
    }

    fn private_profit() -> Value {
        serde_json::json!({
            "entityType": "PRIVATE_PROFIT", "displayName": "Acme", "companyName": "Acme Inc.",
            "ein": "123456789", "phone": "+12024567890", "street": "1 Main St", "city": "Springfield",
            "state": "IL", "postalCode": "62701", "country": "US", "email": "ops@acme.example",
            "brandRelationship": "BASIC_ACCOUNT", "vertical": "RETAIL"
        })
    }

    #[test]
    fn the_need_columns_follow_the_entity_type_order() {
        let columns = [
            "PRIVATE_PROFIT",
            "PUBLIC_PROFIT",
            "NON_PROFIT",
            "GOVERNMENT",
            "SOLE_PROPRIETOR",
        ];
        assert_eq!(ENTITY_TYPES, columns);
    }

    #[test]
    fn a_complete_private_profit_brand_has_no_problems() {
        assert_eq!(problems(&body(private_profit())), vec![]);
    }

    #[test]
    fn each_missing_field_is_its_own_problem() {
        let mut json = private_profit();
        json.as_object_mut().unwrap().remove("ein");
        json.as_object_mut().unwrap().remove("companyName");
        assert_eq!(
            fields_of(&problems(&body(json))),
            vec!["companyName", "ein"]
        );
    }

    #[test]
    fn a_sole_proprietor_needs_names_and_reference_but_no_relationship_or_ein() {
        let json = serde_json::json!({
            "entityType": "SOLE_PROPRIETOR", "displayName": "Jo's Bakery", "phone": "+12024567890",
            "street": "1 Main St", "city": "Springfield", "state": "IL", "postalCode": "62701",
            "country": "US", "email": "jo@bakery.example"
        });
        assert_eq!(
            fields_of(&problems(&body(json))),
            vec!["firstName", "lastName", "referenceId"]
        );
    }

    #[test]
    fn us_formats_and_enums_are_enforced() {
        let mut json = private_profit();
        let object = json.as_object_mut().unwrap();
        object.insert("ein".into(), "12-3456789".into());
        object.insert("postalCode".into(), "ABCDE".into());
        object.insert("vertical".into(), "SPACE".into());
        object.insert("phone".into(), "202-456-7890".into());
        assert_eq!(
            fields_of(&problems(&body(json))),
            vec!["ein", "phone", "postalCode", "vertical"]
        );
    }

    #[test]
    fn wrong_json_types_are_refused_per_field() {
        let rejection = BrandBody::parse(br#"{"ein": 123456789, "mock": "yes"}"#).unwrap_err();
        assert_eq!(fields_of(&rejection.0), vec!["ein", "mock"]);
    }

    #[test]
    fn an_ein_defaults_its_issuing_country_to_us() {
        assert_eq!(body(private_profit()).get("einIssuingCountry"), Some("US"));
    }
}
