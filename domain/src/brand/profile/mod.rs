//! A brand's identity as the customer describes it: raw draft in, validated profile out.
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::tcr::TcrBrandRequest;
use crate::validation::ValidationErrors;
use crate::values::{AltBusinessIdType, BrandRelationship, EntityType, StockExchange, Vertical};

/// What a caller sent, field by field, before any rule was applied (TCR's field names).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct BrandDraft {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entity_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub company_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ein: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ein_issuing_country: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mobile_phone: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub street: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub postal_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub website: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vertical: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stock_symbol: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stock_exchange: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alt_business_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alt_business_id_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub business_contact_email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mock: Option<bool>,
}

/// A brand profile that satisfies every rule TCR applies to its entity type.
///
/// Only [`BrandProfile::parse`] builds one from input; deserialisation exists for reading
/// recorded events back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BrandProfile {
    pub entity_type: EntityType,
    pub display_name: String,
    pub company_name: Option<String>,
    /// Normalised: digits only for US EINs.
    pub ein: Option<String>,
    pub ein_issuing_country: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub phone: String,
    pub mobile_phone: Option<String>,
    pub street: String,
    pub city: String,
    pub state: String,
    pub postal_code: String,
    pub country: String,
    pub email: String,
    pub website: Option<String>,
    pub vertical: Option<Vertical>,
    pub stock_symbol: Option<String>,
    pub stock_exchange: Option<StockExchange>,
    pub alt_business_id: Option<String>,
    pub alt_business_id_type: Option<AltBusinessIdType>,
    pub business_contact_email: Option<String>,
    pub mock: bool,
}

impl BrandDraft {
    /// Reads a JSON object into a draft, naming every field that is unknown or of the wrong type.
    pub fn from_json(value: &serde_json::Value) -> Result<BrandDraft, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let Some(object) = value.as_object() else {
            errors.add("body", "must be a JSON object of brand fields");
            return Err(errors);
        };
        let mut draft = BrandDraft::default();
        for (key, value) in object {
            if key == "mock" {
                match value {
                    Value::Bool(mock) => draft.mock = Some(*mock),
                    Value::Null => draft.mock = None,
                    _ => errors.add(key.as_str(), "must be a boolean"),
                }
                continue;
            }
            match draft.text_field(key) {
                Some(slot) => match value {
                    Value::String(text) => *slot = Some(text.clone()),
                    Value::Null => *slot = None,
                    _ => errors.add(key.as_str(), "must be a string"),
                },
                None => errors.add(key.as_str(), unknown_field_message(key)),
            }
        }
        errors.into_result(draft)
    }

    /// This draft with every field the patch sets replaced by the patch's value.
    pub fn merged_with(&self, patch: &BrandDraft) -> BrandDraft {
        fn pick<T: Clone>(mine: &Option<T>, patch: &Option<T>) -> Option<T> {
            patch.as_ref().or(mine.as_ref()).cloned()
        }
        BrandDraft {
            entity_type: pick(&self.entity_type, &patch.entity_type),
            display_name: pick(&self.display_name, &patch.display_name),
            company_name: pick(&self.company_name, &patch.company_name),
            ein: pick(&self.ein, &patch.ein),
            ein_issuing_country: pick(&self.ein_issuing_country, &patch.ein_issuing_country),
            first_name: pick(&self.first_name, &patch.first_name),
            last_name: pick(&self.last_name, &patch.last_name),
            phone: pick(&self.phone, &patch.phone),
            mobile_phone: pick(&self.mobile_phone, &patch.mobile_phone),
            street: pick(&self.street, &patch.street),
            city: pick(&self.city, &patch.city),
            state: pick(&self.state, &patch.state),
            postal_code: pick(&self.postal_code, &patch.postal_code),
            country: pick(&self.country, &patch.country),
            email: pick(&self.email, &patch.email),
            website: pick(&self.website, &patch.website),
            vertical: pick(&self.vertical, &patch.vertical),
            stock_symbol: pick(&self.stock_symbol, &patch.stock_symbol),
            stock_exchange: pick(&self.stock_exchange, &patch.stock_exchange),
            alt_business_id: pick(&self.alt_business_id, &patch.alt_business_id),
            alt_business_id_type: pick(&self.alt_business_id_type, &patch.alt_business_id_type),
            business_contact_email: pick(
                &self.business_contact_email,
                &patch.business_contact_email,
            ),
            mock: pick(&self.mock, &patch.mock),
        }
    }

    /// The text field the API calls `name`, if there is one.
    fn text_field(&mut self, name: &str) -> Option<&mut Option<String>> {
        let slot = match name {
            "entityType" => &mut self.entity_type,
            "displayName" => &mut self.display_name,
            "companyName" => &mut self.company_name,
            "ein" => &mut self.ein,
            "einIssuingCountry" => &mut self.ein_issuing_country,
            "firstName" => &mut self.first_name,
            "lastName" => &mut self.last_name,
            "phone" => &mut self.phone,
            "mobilePhone" => &mut self.mobile_phone,
            "street" => &mut self.street,
            "city" => &mut self.city,
            "state" => &mut self.state,
            "postalCode" => &mut self.postal_code,
            "country" => &mut self.country,
            "email" => &mut self.email,
            "website" => &mut self.website,
            "vertical" => &mut self.vertical,
            "stockSymbol" => &mut self.stock_symbol,
            "stockExchange" => &mut self.stock_exchange,
            "altBusinessId" => &mut self.alt_business_id,
            "altBusinessIdType" => &mut self.alt_business_id_type,
            "businessContactEmail" => &mut self.business_contact_email,
            _ => return None,
        };
        Some(slot)
    }
}

fn unknown_field_message(name: &str) -> &'static str {
    match name {
        "brandRelationship" => "is decided by the customer's service tier and cannot be set",
        "referenceId" => "is generated by tendlc",
        _ => "is not a brand field",
    }
}

impl BrandProfile {
    /// Applies every rule and returns the profile, or every field that breaks a rule.
    pub fn parse(draft: &BrandDraft) -> Result<BrandProfile, ValidationErrors> {
        let mut check = Checker {
            errors: ValidationErrors::new(),
            entity: None,
        };

        let entity_type = match present(&draft.entity_type) {
            None => {
                check.errors.add(
                    "entityType",
                    format!("is required; one of: {}", EntityType::choices()),
                );
                None
            }
            Some(text) => check.valid("entityType", Some(text), |text| {
                EntityType::parse(text).ok_or_else(|| {
                    format!(
                        "is not a TCR entity type; one of: {}",
                        EntityType::choices()
                    )
                })
            }),
        };
        check.entity = entity_type;
        let sole_proprietor = entity_type == Some(EntityType::SoleProprietor);
        let public_profit = entity_type == Some(EntityType::PublicProfit);

        let value = check.required("displayName", &draft.display_name);
        let display_name = check.valid("displayName", value, |text| bounded(text, 255));

        let value = check.presence("companyName", &draft.company_name, organisations_only);
        let company_name = check.valid("companyName", value, |text| bounded(text, 255));

        let issuing_text = check.presence(
            "einIssuingCountry",
            &draft.ein_issuing_country,
            organisations_may,
        );
        let issuing = check.valid("einIssuingCountry", issuing_text, country_code);
        // Absent means US; an unreadable country leaves only the generic EIN rule.
        let issuing = match issuing_text {
            None => Some(US.to_string()),
            Some(_) => issuing,
        };
        let value = check.presence("ein", &draft.ein, organisations_only);
        let ein = if issuing.as_deref() == Some(US) {
            check.valid("ein", value, us_ein)
        } else {
            check.valid("ein", value, foreign_ein)
        };
        let ein_issuing_country = if sole_proprietor { None } else { issuing };

        let value = check.presence("firstName", &draft.first_name, sole_proprietors_only);
        let first_name = check.valid("firstName", value, |text| bounded(text, 100));
        let value = check.presence("lastName", &draft.last_name, sole_proprietors_only);
        let last_name = check.valid("lastName", value, |text| bounded(text, 100));

        let value = check.required("phone", &draft.phone);
        let phone = check.valid("phone", value, e164);
        let value = check.presence("mobilePhone", &draft.mobile_phone, sole_proprietors_only);
        let mobile_phone = check.valid("mobilePhone", value, |text| {
            let number = e164(text)?;
            if sole_proprietor && !number.starts_with("+1") {
                return Err("must be a US or Canadian mobile number (+1...) for \
                            SOLE_PROPRIETOR brands"
                    .to_string());
            }
            Ok(number)
        });

        let value = check.required("street", &draft.street);
        let street = check.valid("street", value, |text| bounded(text, 255));
        let value = check.required("city", &draft.city);
        let city = check.valid("city", value, |text| bounded(text, 100));

        // The country decides the state and postal code rules, so it is read first.
        let value = check.required("country", &draft.country);
        let country = check.valid("country", value, |text| {
            let code = country_code(text)?;
            if entity_type == Some(EntityType::Government) && code != US {
                return Err(
                    "must be US for GOVERNMENT brands; foreign governments register \
                            as PRIVATE_PROFIT"
                        .to_string(),
                );
            }
            Ok(code)
        });
        let in_us = value.is_some_and(|text| text.eq_ignore_ascii_case(US));

        let value = check.required("state", &draft.state);
        let state = if in_us {
            check.valid("state", value, us_state)
        } else {
            check.valid("state", value, |text| bounded(text, 20))
        };
        let value = check.required("postalCode", &draft.postal_code);
        let postal_code = if in_us {
            check.valid("postalCode", value, us_zip)
        } else {
            check.valid("postalCode", value, |text| bounded(text, 10))
        };

        let value = check.required("email", &draft.email);
        let email = check.valid("email", value, |text| email_address(text, 100));

        let value = check.presence("website", &draft.website, website_need);
        let website = check.valid("website", value, website_url);

        let value = check.presence("vertical", &draft.vertical, vertical_need);
        let vertical = check.valid("vertical", value, |text| {
            Vertical::parse(text)
                .ok_or_else(|| format!("is not a TCR vertical; one of: {}", Vertical::choices()))
        });

        let value = check.presence("stockSymbol", &draft.stock_symbol, public_profit_only);
        let stock_symbol = check.valid("stockSymbol", value, stock_symbol_text);
        let value = check.presence("stockExchange", &draft.stock_exchange, public_profit_only);
        let stock_exchange =
            check.valid("stockExchange", value, |text| {
                match StockExchange::parse(text) {
                    None => Err(format!(
                        "is not a TCR stock exchange; one of: {}",
                        StockExchange::choices()
                    )),
                    Some(StockExchange::None) => {
                        Err("must name the exchange the stock trades on, not NONE".to_string())
                    }
                    Some(exchange) => Ok(exchange),
                }
            });

        let id_text = present(&draft.alt_business_id);
        let alt_business_id = check.valid("altBusinessId", id_text, |text| bounded(text, 50));
        let type_text = present(&draft.alt_business_id_type);
        let alt_business_id_type = check.valid("altBusinessIdType", type_text, |text| {
            AltBusinessIdType::parse(text).ok_or_else(|| {
                format!(
                    "is not a TCR alternate business id type; one of: {}",
                    AltBusinessIdType::choices()
                )
            })
        });
        match (id_text, type_text, alt_business_id_type) {
            (Some(_), None, _) => check.errors.add(
                "altBusinessIdType",
                format!("is required when altBusinessId is given; one of: {ID_TYPES}"),
            ),
            (Some(_), _, Some(AltBusinessIdType::None)) => check.errors.add(
                "altBusinessIdType",
                format!("cannot be NONE when altBusinessId is given; one of: {ID_TYPES}"),
            ),
            (None, _, Some(id_type)) if id_type != AltBusinessIdType::None => check.errors.add(
                "altBusinessId",
                format!("is required when altBusinessIdType is {id_type}"),
            ),
            _ => {}
        }

        let value = check.presence(
            "businessContactEmail",
            &draft.business_contact_email,
            business_contact_need,
        );
        let business_contact_email = check.valid("businessContactEmail", value, |text| {
            let address = email_address(text, 255)?;
            if public_profit {
                personal_business_address(&address)?;
            }
            Ok(address)
        });

        let mock = draft.mock.unwrap_or(false);

        let Checker { errors, .. } = check;
        match (
            entity_type,
            display_name,
            phone,
            street,
            city,
            state,
            postal_code,
            country,
            email,
        ) {
            (
                Some(entity_type),
                Some(display_name),
                Some(phone),
                Some(street),
                Some(city),
                Some(state),
                Some(postal_code),
                Some(country),
                Some(email),
            ) if errors.is_empty() => Ok(BrandProfile {
                entity_type,
                display_name,
                company_name,
                ein,
                ein_issuing_country,
                first_name,
                last_name,
                phone,
                mobile_phone,
                street,
                city,
                state,
                postal_code,
                country,
                email,
                website,
                vertical,
                stock_symbol,
                stock_exchange,
                alt_business_id,
                alt_business_id_type,
                business_contact_email,
                mock,
            }),
            _ => {
                debug_assert!(!errors.is_empty(), "a required field went missing silently");
                Err(errors)
            }
        }
    }

    /// The profile back as a draft (for merging a partial update into it).
    pub fn to_draft(&self) -> BrandDraft {
        BrandDraft {
            entity_type: Some(self.entity_type.as_str().to_string()),
            display_name: Some(self.display_name.clone()),
            company_name: self.company_name.clone(),
            ein: self.ein.clone(),
            ein_issuing_country: self.ein_issuing_country.clone(),
            first_name: self.first_name.clone(),
            last_name: self.last_name.clone(),
            phone: Some(self.phone.clone()),
            mobile_phone: self.mobile_phone.clone(),
            street: Some(self.street.clone()),
            city: Some(self.city.clone()),
            state: Some(self.state.clone()),
            postal_code: Some(self.postal_code.clone()),
            country: Some(self.country.clone()),
            email: Some(self.email.clone()),
            website: self.website.clone(),
            vertical: self.vertical.map(|vertical| vertical.as_str().to_string()),
            stock_symbol: self.stock_symbol.clone(),
            stock_exchange: self
                .stock_exchange
                .map(|exchange| exchange.as_str().to_string()),
            alt_business_id: self.alt_business_id.clone(),
            alt_business_id_type: self
                .alt_business_id_type
                .map(|id_type| id_type.as_str().to_string()),
            business_contact_email: self.business_contact_email.clone(),
            mock: Some(self.mock),
        }
    }

    /// The request TCR expects for this profile.
    pub fn to_tcr_request(
        &self,
        relationship: BrandRelationship,
        reference_id: Option<&str>,
    ) -> TcrBrandRequest {
        let sole_proprietor = self.entity_type == EntityType::SoleProprietor;
        TcrBrandRequest {
            entity_type: self.entity_type.as_str().to_string(),
            first_name: self.first_name.clone(),
            last_name: self.last_name.clone(),
            display_name: self.display_name.clone(),
            company_name: self.company_name.clone(),
            ein: self.ein.clone(),
            // TCR reads an absent issuing country as US; say so explicitly for organisations.
            ein_issuing_country: if sole_proprietor {
                None
            } else {
                Some(
                    self.ein_issuing_country
                        .clone()
                        .unwrap_or_else(|| US.to_string()),
                )
            },
            alt_business_id: self.alt_business_id.clone(),
            alt_business_id_type: self
                .alt_business_id_type
                .map(|id_type| id_type.as_str().to_string()),
            phone: self.phone.clone(),
            mobile_phone: self.mobile_phone.clone(),
            street: Some(self.street.clone()),
            city: Some(self.city.clone()),
            state: Some(self.state.clone()),
            postal_code: Some(self.postal_code.clone()),
            country: self.country.clone(),
            email: self.email.clone(),
            stock_symbol: self.stock_symbol.clone(),
            stock_exchange: self
                .stock_exchange
                .map(|exchange| exchange.as_str().to_string()),
            website: self.website.clone(),
            // TCR: brandRelationship does not apply to sole proprietors.
            brand_relationship: if sole_proprietor {
                None
            } else {
                Some(relationship)
            },
            vertical: self.vertical.map(|vertical| vertical.as_str().to_string()),
            reference_id: reference_id.map(str::to_string),
            business_contact_email: self.business_contact_email.clone(),
            mock: self.mock.then_some(true),
        }
    }

    /// The API names (camelCase) of the fields whose value differs in `other`, in API order.
    pub fn changed_fields(&self, other: &BrandProfile) -> Vec<String> {
        let mut changed = Vec::new();
        let mut compare = |field: &str, same: bool| {
            if !same {
                changed.push(field.to_string());
            }
        };
        compare("entityType", self.entity_type == other.entity_type);
        compare("displayName", self.display_name == other.display_name);
        compare("companyName", self.company_name == other.company_name);
        compare("ein", self.ein == other.ein);
        compare(
            "einIssuingCountry",
            self.ein_issuing_country == other.ein_issuing_country,
        );
        compare("firstName", self.first_name == other.first_name);
        compare("lastName", self.last_name == other.last_name);
        compare("phone", self.phone == other.phone);
        compare("mobilePhone", self.mobile_phone == other.mobile_phone);
        compare("street", self.street == other.street);
        compare("city", self.city == other.city);
        compare("state", self.state == other.state);
        compare("postalCode", self.postal_code == other.postal_code);
        compare("country", self.country == other.country);
        compare("email", self.email == other.email);
        compare("website", self.website == other.website);
        compare("vertical", self.vertical == other.vertical);
        compare("stockSymbol", self.stock_symbol == other.stock_symbol);
        compare("stockExchange", self.stock_exchange == other.stock_exchange);
        compare(
            "altBusinessId",
            self.alt_business_id == other.alt_business_id,
        );
        compare(
            "altBusinessIdType",
            self.alt_business_id_type == other.alt_business_id_type,
        );
        compare(
            "businessContactEmail",
            self.business_contact_email == other.business_contact_email,
        );
        compare("mock", self.mock == other.mock);
        changed
    }
}

// ---------------------------------------------------------------------------------------------
// Which fields apply to which entity type (TCR's BrandRequest table).

/// How a field applies to one entity type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Need {
    Required,
    Optional,
    NotApplicable,
}

/// companyName, ein: every entity type but sole proprietors.
fn organisations_only(entity: EntityType) -> Need {
    match entity {
        EntityType::SoleProprietor => Need::NotApplicable,
        _ => Need::Required,
    }
}

/// einIssuingCountry: optional for every entity type but sole proprietors.
fn organisations_may(entity: EntityType) -> Need {
    match entity {
        EntityType::SoleProprietor => Need::NotApplicable,
        _ => Need::Optional,
    }
}

/// firstName, lastName, mobilePhone.
fn sole_proprietors_only(entity: EntityType) -> Need {
    match entity {
        EntityType::SoleProprietor => Need::Required,
        _ => Need::NotApplicable,
    }
}

/// stockSymbol, stockExchange.
fn public_profit_only(entity: EntityType) -> Need {
    match entity {
        EntityType::PublicProfit => Need::Required,
        _ => Need::NotApplicable,
    }
}

fn vertical_need(entity: EntityType) -> Need {
    match entity {
        EntityType::SoleProprietor => Need::Optional,
        _ => Need::Required,
    }
}

fn website_need(entity: EntityType) -> Need {
    match entity {
        EntityType::PublicProfit => Need::Required,
        _ => Need::Optional,
    }
}

fn business_contact_need(entity: EntityType) -> Need {
    match entity {
        EntityType::PublicProfit => Need::Required,
        EntityType::SoleProprietor => Need::NotApplicable,
        _ => Need::Optional,
    }
}

/// Collects every rule a draft breaks.
struct Checker {
    errors: ValidationErrors,
    /// `None` while the entity type is unknown: then only the fields' own formats are checked.
    entity: Option<EntityType>,
}

impl Checker {
    /// The trimmed value of a field every brand must have.
    fn required<'a>(&mut self, field: &str, raw: &'a Option<String>) -> Option<&'a str> {
        let value = present(raw);
        if value.is_none() {
            self.errors.add(field, "is required");
        }
        value
    }

    /// The trimmed value of a field whose need depends on the entity type, if it may be given.
    fn presence<'a>(
        &mut self,
        field: &str,
        raw: &'a Option<String>,
        need: fn(EntityType) -> Need,
    ) -> Option<&'a str> {
        let value = present(raw);
        let Some(entity) = self.entity else {
            return value;
        };
        match (need(entity), value) {
            (Need::Required, None) => {
                self.errors
                    .add(field, format!("is required for {entity} brands"));
                None
            }
            (Need::NotApplicable, Some(_)) => {
                self.errors
                    .add(field, format!("does not apply to {entity} brands"));
                None
            }
            (_, value) => value,
        }
    }

    /// The value the rule makes of a given field; the rule's complaint is recorded otherwise.
    fn valid<T>(
        &mut self,
        field: &str,
        value: Option<&str>,
        rule: impl FnOnce(&str) -> Result<T, String>,
    ) -> Option<T> {
        match rule(value?) {
            Ok(parsed) => Some(parsed),
            Err(message) => {
                self.errors.add(field, message);
                None
            }
        }
    }
}

/// The trimmed text, or `None` when absent or blank.
fn present(raw: &Option<String>) -> Option<&str> {
    raw.as_deref()
        .map(str::trim)
        .filter(|text| !text.is_empty())
}

// ---------------------------------------------------------------------------------------------
// Field formats. Each rule takes trimmed, non-empty text and returns the normalised value.

const US: &str = "US";

/// The alternate business id types that name a real id.
const ID_TYPES: &str = "DUNS, GIIN, LEI";

fn bounded(text: &str, max: usize) -> Result<String, String> {
    if text.chars().count() > max {
        Err(format!("must be at most {max} characters"))
    } else {
        Ok(text.to_string())
    }
}

const E164_HINT: &str = "must be an E.164 number such as +12025550123";

/// `+`, then 2–15 digits not starting with 0; `+1` numbers have exactly 10 more digits.
fn e164(text: &str) -> Result<String, String> {
    let digits = text.strip_prefix('+').ok_or(E164_HINT)?;
    let well_formed = (2..=15).contains(&digits.len())
        && digits.bytes().all(|b| b.is_ascii_digit())
        && !digits.starts_with('0');
    if !well_formed || text.len() > 20 {
        return Err(E164_HINT.to_string());
    }
    if let Some(national) = digits.strip_prefix('1') {
        if national.len() != 10 {
            return Err(
                "must have 10 digits after +1 for a US or Canadian number, such as +12025550123"
                    .to_string(),
            );
        }
    }
    Ok(text.to_string())
}

fn country_code(text: &str) -> Result<String, String> {
    let code = text.to_ascii_uppercase();
    if ISO_3166_ALPHA_2.binary_search(&code.as_str()).is_ok() {
        Ok(code)
    } else {
        Err("is not an ISO 3166-1 alpha-2 country code such as US or CA".to_string())
    }
}

fn us_state(text: &str) -> Result<String, String> {
    let code = text.to_ascii_uppercase();
    if US_STATES.contains(&code.as_str()) {
        Ok(code)
    } else {
        Err("must be the 2-letter code of a US state, DC or territory, such as NY".to_string())
    }
}

/// `12345` or ZIP+4 `12345-6789`.
fn us_zip(text: &str) -> Result<String, String> {
    let digits =
        |part: &str, len: usize| part.len() == len && part.bytes().all(|b| b.is_ascii_digit());
    let valid = match text.split_once('-') {
        None => digits(text, 5),
        Some((zip, plus4)) => digits(zip, 5) && digits(plus4, 4),
    };
    if valid {
        Ok(text.to_string())
    } else {
        Err("must be a 5-digit US ZIP code such as 10001, or ZIP+4 such as 10001-1234".to_string())
    }
}

/// `123456789` or `12-3456789`, stored as the 9 digits.
fn us_ein(text: &str) -> Result<String, String> {
    let digits = match text.split_once('-') {
        None => text.to_string(),
        Some((prefix, rest)) if prefix.len() == 2 => format!("{prefix}{rest}"),
        Some(_) => String::new(),
    };
    if digits.len() == 9 && digits.bytes().all(|b| b.is_ascii_digit()) {
        Ok(digits)
    } else {
        Err("must be 9 digits for a US EIN, such as 123456789 or 12-3456789".to_string())
    }
}

fn foreign_ein(text: &str) -> Result<String, String> {
    let text = bounded(text, 21)?;
    if text.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
        Ok(text)
    } else {
        Err("must contain only letters, digits and hyphens".to_string())
    }
}

fn stock_symbol_text(text: &str) -> Result<String, String> {
    let text = bounded(text, 10)?;
    if text
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
    {
        Ok(text)
    } else {
        Err("must contain only letters, digits, dots and hyphens, such as ABC or BRK.B".to_string())
    }
}

fn email_address(text: &str, max: usize) -> Result<String, String> {
    let text = bounded(text, max)?;
    if is_email(&text) {
        Ok(text)
    } else {
        Err("must be an e-mail address such as support@example.com".to_string())
    }
}

/// One `@`, a local part without spaces, and a domain name.
fn is_email(text: &str) -> bool {
    let Some((local, domain)) = text.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !local.chars().any(|c| c.is_whitespace() || c.is_control())
        && !domain.contains('@')
        && is_domain_name(domain)
}

/// Dot-separated labels of letters, digits and inner hyphens, ending in a TLD of 2+ letters.
fn is_domain_name(domain: &str) -> bool {
    let labels: Vec<&str> = domain.split('.').collect();
    let label_ok = |label: &&str| {
        !label.is_empty()
            && label.len() <= 63
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-')
    };
    match labels.last() {
        Some(tld) if labels.len() >= 2 => {
            labels.iter().all(label_ok)
                && tld.len() >= 2
                && tld.bytes().all(|b| b.is_ascii_alphabetic())
        }
        _ => false,
    }
}

const WEBSITE_HINT: &str =
    "must be a web address starting with http:// or https://, such as https://www.example.com";

fn website_url(text: &str) -> Result<String, String> {
    let text = bounded(text, 255)?;
    if text.chars().any(char::is_whitespace) {
        return Err("must not contain spaces".to_string());
    }
    let after_scheme = ["https://", "http://"].iter().find_map(|scheme| {
        text.get(..scheme.len())
            .filter(|prefix| prefix.eq_ignore_ascii_case(scheme))
            .map(|_| &text[scheme.len()..])
    });
    let Some(rest) = after_scheme else {
        return Err(WEBSITE_HINT.to_string());
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = match authority.rsplit_once(':') {
        None => authority,
        Some((host, port)) if !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()) => host,
        Some(_) => return Err(WEBSITE_HINT.to_string()),
    };
    if is_domain_name(host) {
        Ok(text)
    } else {
        Err(WEBSITE_HINT.to_string())
    }
}

/// Mailboxes that belong to a role or a team rather than a person.
const ROLE_MAILBOXES: &[&str] = &[
    "sales",
    "info",
    "support",
    "admin",
    "contact",
    "marketing",
    "noreply",
    "no-reply",
    "billing",
    "hello",
    "team",
    "office",
    "help",
    "webmaster",
    "postmaster",
];

/// Domains of free or personal mailboxes.
const FREE_MAIL_DOMAINS: &[&str] = &[
    "gmail.com",
    "googlemail.com",
    "yahoo.com",
    "hotmail.com",
    "outlook.com",
    "live.com",
    "msn.com",
    "aol.com",
    "icloud.com",
    "me.com",
    "mac.com",
    "proton.me",
    "protonmail.com",
    "gmx.com",
    "mail.com",
    "yandex.com",
    "zoho.com",
];

/// TCR's Authentication+ needs a named person's address at the company's own domain.
fn personal_business_address(address: &str) -> Result<(), String> {
    let (local, domain) = address.split_once('@').unwrap_or((address, ""));
    let mailbox = local
        .split('+')
        .next()
        .unwrap_or(local)
        .to_ascii_lowercase();
    if ROLE_MAILBOXES.contains(&mailbox.as_str()) {
        return Err(format!(
            "must be a person's own address, not a role or distribution address like {mailbox}@"
        ));
    }
    let domain = domain.to_ascii_lowercase();
    if FREE_MAIL_DOMAINS.contains(&domain.as_str()) {
        return Err(format!(
            "must be an address at the company's own domain, not a free or personal mailbox at {domain}"
        ));
    }
    Ok(())
}

/// The 50 states, DC and the inhabited territories (PR, VI, GU, AS, MP).
const US_STATES: &[&str] = &[
    "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "FL", "GA", "HI", "ID", "IL", "IN", "IA", "KS",
    "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM", "NY",
    "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA", "WV",
    "WI", "WY", "DC", "PR", "VI", "GU", "AS", "MP",
];

/// Every officially assigned ISO 3166-1 alpha-2 code (249), sorted for binary search.
const ISO_3166_ALPHA_2: &[&str] = &[
    "AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AQ", "AR", "AS", "AT", "AU", "AW", "AX", "AZ",
    "BA", "BB", "BD", "BE", "BF", "BG", "BH", "BI", "BJ", "BL", "BM", "BN", "BO", "BQ", "BR", "BS",
    "BT", "BV", "BW", "BY", "BZ", "CA", "CC", "CD", "CF", "CG", "CH", "CI", "CK", "CL", "CM", "CN",
    "CO", "CR", "CU", "CV", "CW", "CX", "CY", "CZ", "DE", "DJ", "DK", "DM", "DO", "DZ", "EC", "EE",
    "EG", "EH", "ER", "ES", "ET", "FI", "FJ", "FK", "FM", "FO", "FR", "GA", "GB", "GD", "GE", "GF",
    "GG", "GH", "GI", "GL", "GM", "GN", "GP", "GQ", "GR", "GS", "GT", "GU", "GW", "GY", "HK", "HM",
    "HN", "HR", "HT", "HU", "ID", "IE", "IL", "IM", "IN", "IO", "IQ", "IR", "IS", "IT", "JE", "JM",
    "JO", "JP", "KE", "KG", "KH", "KI", "KM", "KN", "KP", "KR", "KW", "KY", "KZ", "LA", "LB", "LC",
    "LI", "LK", "LR", "LS", "LT", "LU", "LV", "LY", "MA", "MC", "MD", "ME", "MF", "MG", "MH", "MK",
    "ML", "MM", "MN", "MO", "MP", "MQ", "MR", "MS", "MT", "MU", "MV", "MW", "MX", "MY", "MZ", "NA",
    "NC", "NE", "NF", "NG", "NI", "NL", "NO", "NP", "NR", "NU", "NZ", "OM", "PA", "PE", "PF", "PG",
    "PH", "PK", "PL", "PM", "PN", "PR", "PS", "PT", "PW", "PY", "QA", "RE", "RO", "RS", "RU", "RW",
    "SA", "SB", "SC", "SD", "SE", "SG", "SH", "SI", "SJ", "SK", "SL", "SM", "SN", "SO", "SR", "SS",
    "ST", "SV", "SX", "SY", "SZ", "TC", "TD", "TF", "TG", "TH", "TJ", "TK", "TL", "TM", "TN", "TO",
    "TR", "TT", "TV", "TW", "TZ", "UA", "UG", "UM", "US", "UY", "UZ", "VA", "VC", "VE", "VG", "VI",
    "VN", "VU", "WF", "WS", "YE", "YT", "ZA", "ZM", "ZW",
];

#[cfg(test)]
mod tests;
