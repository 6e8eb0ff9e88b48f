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
mod tests {
    use super::*;
    use serde_json::json;

    // -- drafts ---------------------------------------------------------------------------------

    fn private_profit() -> BrandDraft {
        BrandDraft {
            entity_type: Some("PRIVATE_PROFIT".into()),
            display_name: Some("Acme Flowers".into()),
            company_name: Some("Acme Flowers LLC".into()),
            ein: Some("123456789".into()),
            phone: Some("+12025550123".into()),
            street: Some("123 6th Ave".into()),
            city: Some("New York".into()),
            state: Some("NY".into()),
            postal_code: Some("10001".into()),
            country: Some("US".into()),
            email: Some("support@acmeflowers.com".into()),
            vertical: Some("RETAIL".into()),
            ..BrandDraft::default()
        }
    }

    fn public_profit() -> BrandDraft {
        BrandDraft {
            entity_type: Some("PUBLIC_PROFIT".into()),
            display_name: Some("Acme Corp".into()),
            company_name: Some("Acme Corporation".into()),
            stock_symbol: Some("ACME".into()),
            stock_exchange: Some("NASDAQ".into()),
            website: Some("https://www.acme.com".into()),
            business_contact_email: Some("jane.doe@acme.com".into()),
            vertical: Some("TECHNOLOGY".into()),
            ..private_profit()
        }
    }

    fn non_profit() -> BrandDraft {
        BrandDraft {
            entity_type: Some("NON_PROFIT".into()),
            display_name: Some("Food for All".into()),
            company_name: Some("Food for All Foundation".into()),
            vertical: Some("NGO".into()),
            ..private_profit()
        }
    }

    fn government() -> BrandDraft {
        BrandDraft {
            entity_type: Some("GOVERNMENT".into()),
            display_name: Some("City of Springfield".into()),
            company_name: Some("City of Springfield".into()),
            vertical: Some("GOVERNMENT".into()),
            ..private_profit()
        }
    }

    fn sole_proprietor() -> BrandDraft {
        BrandDraft {
            entity_type: Some("SOLE_PROPRIETOR".into()),
            display_name: Some("Jane's Dog Walking".into()),
            first_name: Some("Jane".into()),
            last_name: Some("Doe".into()),
            phone: Some("+13125550188".into()),
            mobile_phone: Some("+13125550199".into()),
            street: Some("1 Main St".into()),
            city: Some("Chicago".into()),
            state: Some("IL".into()),
            postal_code: Some("60601".into()),
            country: Some("US".into()),
            email: Some("jane@janesdogs.com".into()),
            ..BrandDraft::default()
        }
    }

    /// The four entity types that are organisations, with a valid draft of each.
    fn organisations() -> Vec<(&'static str, BrandDraft)> {
        vec![
            ("PRIVATE_PROFIT", private_profit()),
            ("PUBLIC_PROFIT", public_profit()),
            ("NON_PROFIT", non_profit()),
            ("GOVERNMENT", government()),
        ]
    }

    fn every_entity_type() -> Vec<(&'static str, BrandDraft)> {
        let mut all = organisations();
        all.push(("SOLE_PROPRIETOR", sole_proprietor()));
        all
    }

    fn s(text: &str) -> Option<String> {
        Some(text.to_string())
    }

    // -- assertions -----------------------------------------------------------------------------

    fn parsed(draft: &BrandDraft) -> BrandProfile {
        BrandProfile::parse(draft).unwrap_or_else(|errors| {
            panic!(
                "expected the draft to parse, but got {:#?}\nfor draft {draft:#?}",
                errors.0
            )
        })
    }

    fn refused(draft: &BrandDraft) -> ValidationErrors {
        match BrandProfile::parse(draft) {
            Ok(profile) => panic!("expected the draft to be refused, but got {profile:#?}"),
            Err(errors) => errors,
        }
    }

    #[track_caller]
    fn assert_error(errors: &ValidationErrors, field: &str, message_part: &str) {
        assert!(
            errors
                .0
                .iter()
                .any(|e| e.field == field && e.message.contains(message_part)),
            "expected an error on `{field}` containing {message_part:?}, got {:#?}",
            errors.0
        );
    }

    #[track_caller]
    fn assert_only_errors_on(errors: &ValidationErrors, fields: &[&str]) {
        let mut actual = errors.fields();
        actual.sort_unstable();
        actual.dedup();
        let mut expected = fields.to_vec();
        expected.sort_unstable();
        assert_eq!(
            actual, expected,
            "unexpected set of fields in {:#?}",
            errors.0
        );
    }

    #[track_caller]
    fn assert_refused_only_for(draft: &BrandDraft, field: &str, message_part: &str) {
        let errors = refused(draft);
        assert_error(&errors, field, message_part);
        assert_only_errors_on(&errors, &[field]);
    }

    // -- valid brands ---------------------------------------------------------------------------

    #[test]
    fn it_should_accept_a_valid_private_profit_brand() {
        // given
        let draft = private_profit();
        // when
        let profile = parsed(&draft);
        // then
        assert_eq!(profile.entity_type, EntityType::PrivateProfit);
        assert_eq!(profile.display_name, "Acme Flowers");
        assert_eq!(profile.company_name.as_deref(), Some("Acme Flowers LLC"));
        assert_eq!(profile.ein.as_deref(), Some("123456789"));
        assert_eq!(profile.vertical, Some(Vertical::Retail));
        assert_eq!(profile.country, "US");
        assert!(!profile.mock);
    }

    #[test]
    fn it_should_accept_a_valid_public_profit_brand() {
        // given
        let draft = public_profit();
        // when
        let profile = parsed(&draft);
        // then
        assert_eq!(profile.entity_type, EntityType::PublicProfit);
        assert_eq!(profile.stock_symbol.as_deref(), Some("ACME"));
        assert_eq!(profile.stock_exchange, Some(StockExchange::Nasdaq));
        assert_eq!(profile.website.as_deref(), Some("https://www.acme.com"));
        assert_eq!(
            profile.business_contact_email.as_deref(),
            Some("jane.doe@acme.com")
        );
    }

    #[test]
    fn it_should_accept_a_valid_non_profit_brand() {
        // given
        let draft = non_profit();
        // when
        let profile = parsed(&draft);
        // then
        assert_eq!(profile.entity_type, EntityType::NonProfit);
        assert_eq!(profile.vertical, Some(Vertical::Ngo));
    }

    #[test]
    fn it_should_accept_a_valid_government_brand() {
        // given
        let draft = government();
        // when
        let profile = parsed(&draft);
        // then
        assert_eq!(profile.entity_type, EntityType::Government);
        assert_eq!(profile.country, "US");
    }

    #[test]
    fn it_should_accept_a_valid_sole_proprietor_brand() {
        // given
        let draft = sole_proprietor();
        // when
        let profile = parsed(&draft);
        // then
        assert_eq!(profile.entity_type, EntityType::SoleProprietor);
        assert_eq!(profile.first_name.as_deref(), Some("Jane"));
        assert_eq!(profile.last_name.as_deref(), Some("Doe"));
        assert_eq!(profile.mobile_phone.as_deref(), Some("+13125550199"));
        assert_eq!(profile.company_name, None);
        assert_eq!(profile.ein, None);
        assert_eq!(profile.ein_issuing_country, None);
        assert_eq!(profile.vertical, None);
    }

    #[test]
    fn it_should_accept_a_sole_proprietor_with_the_optional_vertical_website_and_alt_business_id() {
        // given
        let draft = BrandDraft {
            vertical: s("PROFESSIONAL"),
            website: s("https://janesdogs.com"),
            alt_business_id: s("123456789"),
            alt_business_id_type: s("DUNS"),
            ..sole_proprietor()
        };
        // when
        let profile = parsed(&draft);
        // then
        assert_eq!(profile.vertical, Some(Vertical::Professional));
        assert_eq!(profile.website.as_deref(), Some("https://janesdogs.com"));
        assert_eq!(profile.alt_business_id_type, Some(AltBusinessIdType::Duns));
    }

    #[test]
    fn it_should_accept_an_optional_website_and_business_contact_email_for_organisations() {
        for (entity, draft) in organisations() {
            // given
            let draft = BrandDraft {
                website: s("http://example.org/about"),
                business_contact_email: s("john.smith@example.org"),
                ..draft
            };
            // when
            let result = BrandProfile::parse(&draft);
            // then
            let profile = result.unwrap_or_else(|e| panic!("{entity} refused: {:#?}", e.0));
            assert_eq!(
                profile.website.as_deref(),
                Some("http://example.org/about"),
                "{entity}"
            );
            assert_eq!(
                profile.business_contact_email.as_deref(),
                Some("john.smith@example.org"),
                "{entity}"
            );
        }
    }

    // -- entity type ----------------------------------------------------------------------------

    #[test]
    fn it_should_refuse_a_brand_without_an_entity_type_and_list_the_choices() {
        // given
        let draft = BrandDraft {
            entity_type: None,
            ..private_profit()
        };
        // when
        let errors = refused(&draft);
        // then
        assert_error(&errors, "entityType", "is required");
        assert_error(&errors, "entityType", "PRIVATE_PROFIT, PUBLIC_PROFIT");
        assert_only_errors_on(&errors, &["entityType"]);
    }

    #[test]
    fn it_should_refuse_an_unknown_entity_type_and_list_the_choices() {
        // given
        let draft = BrandDraft {
            entity_type: s("CHARITY"),
            ..private_profit()
        };
        // when
        let errors = refused(&draft);
        // then
        assert_error(&errors, "entityType", "is not a TCR entity type; one of: ");
        assert_error(&errors, "entityType", "SOLE_PROPRIETOR");
        assert_only_errors_on(&errors, &["entityType"]);
    }

    #[test]
    fn it_should_still_check_the_common_fields_when_the_entity_type_is_missing() {
        // given
        let draft = BrandDraft {
            entity_type: None,
            phone: s("555-0123"),
            email: None,
            country: s("ZZ"),
            ..private_profit()
        };
        // when
        let errors = refused(&draft);
        // then
        assert_error(&errors, "entityType", "is required");
        assert_error(&errors, "phone", "E.164");
        assert_error(&errors, "email", "is required");
        assert_error(&errors, "country", "ISO 3166-1");
        assert_only_errors_on(&errors, &["entityType", "phone", "email", "country"]);
    }

    #[test]
    fn it_should_still_check_the_format_of_given_fields_when_the_entity_type_is_unknown() {
        // given
        let draft = BrandDraft {
            entity_type: s("SOMETHING"),
            ein: s("12345"),
            website: s("acme.com"),
            first_name: s("Jane"),
            ..private_profit()
        };
        // when
        let errors = refused(&draft);
        // then applicability is not judged without a type, but formats are
        assert_error(&errors, "ein", "must be 9 digits for a US EIN");
        assert_error(&errors, "website", "http://");
        assert_only_errors_on(&errors, &["entityType", "ein", "website"]);
    }

    // -- collecting every error -----------------------------------------------------------------

    #[test]
    fn it_should_name_every_required_field_of_an_empty_private_profit_draft() {
        // given
        let draft = BrandDraft {
            entity_type: s("PRIVATE_PROFIT"),
            ..BrandDraft::default()
        };
        // when
        let errors = refused(&draft);
        // then
        assert_only_errors_on(
            &errors,
            &[
                "displayName",
                "companyName",
                "ein",
                "phone",
                "street",
                "city",
                "state",
                "postalCode",
                "country",
                "email",
                "vertical",
            ],
        );
        assert_error(
            &errors,
            "companyName",
            "is required for PRIVATE_PROFIT brands",
        );
        assert_error(&errors, "ein", "is required for PRIVATE_PROFIT brands");
        assert_error(&errors, "vertical", "is required for PRIVATE_PROFIT brands");
        assert_error(&errors, "displayName", "is required");
    }

    #[test]
    fn it_should_name_every_required_field_of_an_empty_public_profit_draft() {
        // given
        let draft = BrandDraft {
            entity_type: s("PUBLIC_PROFIT"),
            ..BrandDraft::default()
        };
        // when
        let errors = refused(&draft);
        // then
        assert_only_errors_on(
            &errors,
            &[
                "displayName",
                "companyName",
                "ein",
                "phone",
                "street",
                "city",
                "state",
                "postalCode",
                "country",
                "email",
                "vertical",
                "website",
                "stockSymbol",
                "stockExchange",
                "businessContactEmail",
            ],
        );
    }

    #[test]
    fn it_should_name_every_required_field_of_an_empty_sole_proprietor_draft() {
        // given
        let draft = BrandDraft {
            entity_type: s("SOLE_PROPRIETOR"),
            ..BrandDraft::default()
        };
        // when
        let errors = refused(&draft);
        // then
        assert_only_errors_on(
            &errors,
            &[
                "displayName",
                "firstName",
                "lastName",
                "phone",
                "mobilePhone",
                "street",
                "city",
                "state",
                "postalCode",
                "country",
                "email",
            ],
        );
        assert_error(
            &errors,
            "firstName",
            "is required for SOLE_PROPRIETOR brands",
        );
        assert_error(
            &errors,
            "mobilePhone",
            "is required for SOLE_PROPRIETOR brands",
        );
    }

    #[test]
    fn it_should_name_every_field_of_a_completely_empty_draft() {
        // given
        let draft = BrandDraft::default();
        // when
        let errors = refused(&draft);
        // then
        assert_only_errors_on(
            &errors,
            &[
                "entityType",
                "displayName",
                "phone",
                "street",
                "city",
                "state",
                "postalCode",
                "country",
                "email",
            ],
        );
    }

    #[test]
    fn it_should_report_several_broken_rules_at_once() {
        // given
        let draft = BrandDraft {
            ein: s("12-34"),
            phone: s("2025550123"),
            state: s("New York"),
            postal_code: s("1000"),
            email: s("not-an-email"),
            first_name: s("John"),
            vertical: s("FLOWERS"),
            ..private_profit()
        };
        // when
        let errors = refused(&draft);
        // then
        assert_only_errors_on(
            &errors,
            &[
                "ein",
                "phone",
                "state",
                "postalCode",
                "email",
                "firstName",
                "vertical",
            ],
        );
    }

    // -- required per entity type ---------------------------------------------------------------

    #[test]
    fn it_should_refuse_a_private_profit_brand_without_an_ein() {
        // given
        let draft = BrandDraft {
            ein: None,
            ..private_profit()
        };
        // when / then
        assert_refused_only_for(&draft, "ein", "is required for PRIVATE_PROFIT brands");
    }

    #[test]
    fn it_should_refuse_every_organisation_without_a_company_name() {
        for (entity, draft) in organisations() {
            // given
            let draft = BrandDraft {
                company_name: None,
                ..draft
            };
            // when / then
            assert_refused_only_for(
                &draft,
                "companyName",
                &format!("is required for {entity} brands"),
            );
        }
    }

    #[test]
    fn it_should_refuse_every_organisation_without_an_ein() {
        for (entity, draft) in organisations() {
            // given
            let draft = BrandDraft { ein: None, ..draft };
            // when / then
            assert_refused_only_for(&draft, "ein", &format!("is required for {entity} brands"));
        }
    }

    #[test]
    fn it_should_refuse_every_organisation_without_a_vertical() {
        for (entity, draft) in organisations() {
            // given
            let draft = BrandDraft {
                vertical: None,
                ..draft
            };
            // when / then
            assert_refused_only_for(
                &draft,
                "vertical",
                &format!("is required for {entity} brands"),
            );
        }
    }

    #[test]
    fn it_should_refuse_every_brand_without_a_common_field() {
        type Clear = fn(&mut BrandDraft);
        let common: [(&str, Clear); 8] = [
            ("displayName", |d| d.display_name = None),
            ("phone", |d| d.phone = None),
            ("street", |d| d.street = None),
            ("city", |d| d.city = None),
            ("state", |d| d.state = None),
            ("postalCode", |d| d.postal_code = None),
            ("country", |d| d.country = None),
            ("email", |d| d.email = None),
        ];
        for (entity, draft) in every_entity_type() {
            for (field, clear) in common {
                // given
                let mut draft = draft.clone();
                clear(&mut draft);
                // when
                let errors = BrandProfile::parse(&draft)
                    .expect_err(&format!("{entity} without {field} was accepted"));
                // then
                assert_error(&errors, field, "is required");
                assert_only_errors_on(&errors, &[field]);
            }
        }
    }

    #[test]
    fn it_should_refuse_a_sole_proprietor_without_a_first_name() {
        // given
        let draft = BrandDraft {
            first_name: None,
            ..sole_proprietor()
        };
        // when / then
        assert_refused_only_for(
            &draft,
            "firstName",
            "is required for SOLE_PROPRIETOR brands",
        );
    }

    #[test]
    fn it_should_refuse_a_sole_proprietor_without_a_last_name() {
        // given
        let draft = BrandDraft {
            last_name: s("   "),
            ..sole_proprietor()
        };
        // when / then
        assert_refused_only_for(&draft, "lastName", "is required for SOLE_PROPRIETOR brands");
    }

    #[test]
    fn it_should_refuse_a_sole_proprietor_without_a_mobile_phone() {
        // given
        let draft = BrandDraft {
            mobile_phone: None,
            ..sole_proprietor()
        };
        // when / then
        assert_refused_only_for(
            &draft,
            "mobilePhone",
            "is required for SOLE_PROPRIETOR brands",
        );
    }

    #[test]
    fn it_should_refuse_a_public_profit_brand_without_a_stock_symbol() {
        // given
        let draft = BrandDraft {
            stock_symbol: None,
            ..public_profit()
        };
        // when / then
        assert_refused_only_for(
            &draft,
            "stockSymbol",
            "is required for PUBLIC_PROFIT brands",
        );
    }

    #[test]
    fn it_should_refuse_a_public_profit_brand_without_a_stock_exchange() {
        // given
        let draft = BrandDraft {
            stock_exchange: None,
            ..public_profit()
        };
        // when / then
        assert_refused_only_for(
            &draft,
            "stockExchange",
            "is required for PUBLIC_PROFIT brands",
        );
    }

    #[test]
    fn it_should_refuse_a_public_profit_brand_without_a_website() {
        // given
        let draft = BrandDraft {
            website: None,
            ..public_profit()
        };
        // when / then
        assert_refused_only_for(&draft, "website", "is required for PUBLIC_PROFIT brands");
    }

    #[test]
    fn it_should_refuse_a_public_profit_brand_without_a_business_contact_email() {
        // given
        let draft = BrandDraft {
            business_contact_email: None,
            ..public_profit()
        };
        // when / then
        assert_refused_only_for(
            &draft,
            "businessContactEmail",
            "is required for PUBLIC_PROFIT brands",
        );
    }

    // -- not applicable per entity type ---------------------------------------------------------

    #[test]
    fn it_should_refuse_organisation_fields_on_a_sole_proprietor() {
        type Set = fn(&mut BrandDraft);
        let forbidden: [(&str, Set); 6] = [
            ("companyName", |d| d.company_name = s("Jane Doe LLC")),
            ("ein", |d| d.ein = s("123456789")),
            ("einIssuingCountry", |d| d.ein_issuing_country = s("US")),
            ("stockSymbol", |d| d.stock_symbol = s("JANE")),
            ("stockExchange", |d| d.stock_exchange = s("NYSE")),
            ("businessContactEmail", |d| {
                d.business_contact_email = s("jane.doe@janesdogs.com")
            }),
        ];
        for (field, set) in forbidden {
            // given
            let mut draft = sole_proprietor();
            set(&mut draft);
            // when / then
            assert_refused_only_for(&draft, field, "does not apply to SOLE_PROPRIETOR brands");
        }
    }

    #[test]
    fn it_should_refuse_sole_proprietor_fields_on_every_organisation() {
        type Set = fn(&mut BrandDraft);
        let forbidden: [(&str, Set); 3] = [
            ("firstName", |d| d.first_name = s("John")),
            ("lastName", |d| d.last_name = s("Smith")),
            ("mobilePhone", |d| d.mobile_phone = s("+12025550100")),
        ];
        for (entity, draft) in organisations() {
            for (field, set) in forbidden {
                // given
                let mut draft = draft.clone();
                set(&mut draft);
                // when / then
                assert_refused_only_for(
                    &draft,
                    field,
                    &format!("does not apply to {entity} brands"),
                );
            }
        }
    }

    #[test]
    fn it_should_refuse_stock_fields_on_brands_that_are_not_public_profit() {
        let not_public = [
            ("PRIVATE_PROFIT", private_profit()),
            ("NON_PROFIT", non_profit()),
            ("GOVERNMENT", government()),
            ("SOLE_PROPRIETOR", sole_proprietor()),
        ];
        for (entity, draft) in not_public {
            // given
            let draft = BrandDraft {
                stock_symbol: s("ACME"),
                stock_exchange: s("NYSE"),
                ..draft
            };
            // when
            let errors = refused(&draft);
            // then
            let expected = format!("does not apply to {entity} brands");
            assert_error(&errors, "stockSymbol", &expected);
            assert_error(&errors, "stockExchange", &expected);
            assert_only_errors_on(&errors, &["stockSymbol", "stockExchange"]);
        }
    }

    #[test]
    fn it_should_refuse_a_government_brand_outside_the_us() {
        // given
        let draft = BrandDraft {
            country: s("CA"),
            state: s("ON"),
            postal_code: s("M5V 3L9"),
            ..government()
        };
        // when / then
        assert_refused_only_for(
            &draft,
            "country",
            "foreign governments register as PRIVATE_PROFIT",
        );
    }

    #[test]
    fn it_should_accept_a_private_profit_brand_outside_the_us() {
        // given
        let draft = BrandDraft {
            country: s("GB"),
            state: s("Greater London"),
            postal_code: s("SW1A 1AA"),
            phone: s("+442071838750"),
            ..private_profit()
        };
        // when
        let profile = parsed(&draft);
        // then
        assert_eq!(profile.country, "GB");
        assert_eq!(
            profile.state, "Greater London",
            "non-US states are kept as written"
        );
        assert_eq!(profile.postal_code, "SW1A 1AA");
    }

    // -- trimming and normalisation -------------------------------------------------------------

    #[test]
    fn it_should_treat_blank_values_as_absent() {
        // given
        let draft = BrandDraft {
            display_name: s("   "),
            website: s(" \t "),
            first_name: s(""),
            ..private_profit()
        };
        // when
        let errors = refused(&draft);
        // then a blank optional or forbidden field is simply absent
        assert_error(&errors, "displayName", "is required");
        assert_only_errors_on(&errors, &["displayName"]);
    }

    #[test]
    fn it_should_trim_every_value() {
        // given
        let draft = BrandDraft {
            entity_type: s(" PRIVATE_PROFIT "),
            display_name: s("  Acme Flowers  "),
            phone: s(" +12025550123\n"),
            email: s(" support@acmeflowers.com "),
            vertical: s(" RETAIL"),
            website: s(" https://acmeflowers.com "),
            ..private_profit()
        };
        // when
        let profile = parsed(&draft);
        // then
        assert_eq!(profile.display_name, "Acme Flowers");
        assert_eq!(profile.phone, "+12025550123");
        assert_eq!(profile.email, "support@acmeflowers.com");
        assert_eq!(profile.website.as_deref(), Some("https://acmeflowers.com"));
    }

    #[test]
    fn it_should_store_a_us_ein_written_with_a_dash_as_nine_digits() {
        // given
        let draft = BrandDraft {
            ein: s("12-3456789"),
            ..private_profit()
        };
        // when
        let profile = parsed(&draft);
        // then
        assert_eq!(profile.ein.as_deref(), Some("123456789"));
    }

    #[test]
    fn it_should_upper_case_a_lowercase_country_and_us_state() {
        // given
        let draft = BrandDraft {
            country: s("us"),
            state: s("ny"),
            ..private_profit()
        };
        // when
        let profile = parsed(&draft);
        // then
        assert_eq!(profile.country, "US");
        assert_eq!(profile.state, "NY");
    }

    #[test]
    fn it_should_default_the_ein_issuing_country_to_us_for_organisations() {
        for (entity, draft) in organisations() {
            // given
            let draft = BrandDraft {
                ein_issuing_country: None,
                ..draft
            };
            // when
            let profile = parsed(&draft);
            // then
            assert_eq!(
                profile.ein_issuing_country.as_deref(),
                Some("US"),
                "{entity}"
            );
        }
    }

    #[test]
    fn it_should_default_mock_to_false_and_keep_it_when_set() {
        // given
        let plain = private_profit();
        let mock = BrandDraft {
            mock: Some(true),
            ..private_profit()
        };
        // when / then
        assert!(!parsed(&plain).mock);
        assert!(parsed(&mock).mock);
    }

    // -- lengths --------------------------------------------------------------------------------

    #[test]
    fn it_should_refuse_values_longer_than_tcr_allows() {
        type Set = fn(&mut BrandDraft, String);
        type Base = fn() -> BrandDraft;
        let cases: [(&str, usize, Set, Base); 10] = [
            (
                "displayName",
                255,
                |d, v| d.display_name = Some(v),
                private_profit,
            ),
            (
                "companyName",
                255,
                |d, v| d.company_name = Some(v),
                private_profit,
            ),
            ("street", 255, |d, v| d.street = Some(v), private_profit),
            ("city", 100, |d, v| d.city = Some(v), private_profit),
            (
                "firstName",
                100,
                |d, v| d.first_name = Some(v),
                sole_proprietor,
            ),
            (
                "lastName",
                100,
                |d, v| d.last_name = Some(v),
                sole_proprietor,
            ),
            (
                "stockSymbol",
                10,
                |d, v| d.stock_symbol = Some(v),
                public_profit,
            ),
            (
                "altBusinessId",
                50,
                |d, v| d.alt_business_id = Some(v),
                || BrandDraft {
                    alt_business_id_type: s("DUNS"),
                    ..private_profit()
                },
            ),
            (
                "state",
                20,
                |d, v| d.state = Some(v),
                || BrandDraft {
                    country: s("GB"),
                    postal_code: s("SW1A 1AA"),
                    ..private_profit()
                },
            ),
            (
                "postalCode",
                10,
                |d, v| d.postal_code = Some(v),
                || BrandDraft {
                    country: s("GB"),
                    state: s("London"),
                    ..private_profit()
                },
            ),
        ];
        for (field, max, set, base) in cases {
            // given a value of exactly the maximum
            let mut at_max = base();
            set(&mut at_max, "A".repeat(max));
            // when / then
            if let Err(errors) = BrandProfile::parse(&at_max) {
                panic!("{field} of {max} characters was refused: {:#?}", errors.0);
            }

            // given one character more
            let mut too_long = base();
            set(&mut too_long, "A".repeat(max + 1));
            // when / then
            assert_refused_only_for(&too_long, field, &format!("at most {max} characters"));
        }
    }

    #[test]
    fn it_should_count_characters_not_bytes() {
        // given 255 two-byte characters
        let draft = BrandDraft {
            display_name: Some("é".repeat(255)),
            ..private_profit()
        };
        // when / then
        parsed(&draft);
    }

    #[test]
    fn it_should_refuse_e_mail_addresses_longer_than_tcr_allows() {
        // given
        let long_local = "a".repeat(90);
        let email = BrandDraft {
            email: Some(format!("{long_local}@example.com")),
            ..private_profit()
        };
        let website = BrandDraft {
            website: Some(format!("https://example.com/{}", "a".repeat(240))),
            ..private_profit()
        };
        let contact = BrandDraft {
            business_contact_email: Some(format!("{}@example.com", "a".repeat(250))),
            ..private_profit()
        };
        // when / then
        assert_refused_only_for(&email, "email", "at most 100 characters");
        assert_refused_only_for(&website, "website", "at most 255 characters");
        assert_refused_only_for(&contact, "businessContactEmail", "at most 255 characters");
    }

    // -- phones ---------------------------------------------------------------------------------

    #[test]
    fn it_should_accept_e164_phone_numbers() {
        for phone in [
            "+12025550123",
            "+442071838750",
            "+861012345678",
            "+4930123456",
            "+99",
        ] {
            // given
            let draft = BrandDraft {
                phone: s(phone),
                ..private_profit()
            };
            // when
            let result = BrandProfile::parse(&draft);
            // then
            assert!(result.is_ok(), "{phone} was refused: {result:#?}");
        }
    }

    #[test]
    fn it_should_refuse_phone_numbers_that_are_not_e164() {
        for phone in [
            "2025550123",
            "+1 202 555 0123",
            "+1-202-555-0123",
            "+02025550123",
            "+",
            "+4",
            "+1234567890123456",
            "+12025550123x",
            "tel:+12025550123",
        ] {
            // given
            let draft = BrandDraft {
                phone: s(phone),
                ..private_profit()
            };
            // when / then
            assert_refused_only_for(
                &draft,
                "phone",
                "must be an E.164 number such as +12025550123",
            );
        }
    }

    #[test]
    fn it_should_refuse_a_plus_one_number_without_exactly_ten_more_digits() {
        for phone in ["+1202555012", "+120255501234"] {
            // given
            let draft = BrandDraft {
                phone: s(phone),
                ..private_profit()
            };
            // when / then
            assert_refused_only_for(&draft, "phone", "10 digits after +1");
        }
    }

    #[test]
    fn it_should_refuse_a_sole_proprietor_mobile_phone_outside_the_us_and_canada() {
        // given
        let draft = BrandDraft {
            mobile_phone: s("+447700900123"),
            ..sole_proprietor()
        };
        // when / then
        assert_refused_only_for(&draft, "mobilePhone", "US or Canadian mobile number");
    }

    #[test]
    fn it_should_accept_a_canadian_sole_proprietor_mobile_phone() {
        // given
        let draft = BrandDraft {
            mobile_phone: s("+14165550123"),
            ..sole_proprietor()
        };
        // when
        let profile = parsed(&draft);
        // then
        assert_eq!(profile.mobile_phone.as_deref(), Some("+14165550123"));
    }

    #[test]
    fn it_should_refuse_a_malformed_sole_proprietor_mobile_phone() {
        // given
        let draft = BrandDraft {
            mobile_phone: s("312 555 0199"),
            ..sole_proprietor()
        };
        // when / then
        assert_refused_only_for(&draft, "mobilePhone", "E.164");
    }

    // -- country, US state and ZIP --------------------------------------------------------------

    #[test]
    fn it_should_know_all_249_iso_3166_country_codes() {
        // given / when
        let codes = ISO_3166_ALPHA_2;
        // then
        assert_eq!(codes.len(), 249);
        assert!(
            codes.windows(2).all(|w| w[0] < w[1]),
            "codes must be sorted and unique"
        );
        for code in ["US", "CA", "GB", "AX", "SS", "XK"] {
            let known = country_code(code).is_ok();
            assert_eq!(
                known,
                code != "XK",
                "{code}: XK is user-assigned, the rest official"
            );
        }
    }

    #[test]
    fn it_should_refuse_a_country_that_is_not_an_iso_alpha_2_code() {
        for country in ["USA", "XX", "U", "United States", "U5"] {
            // given
            let draft = BrandDraft {
                country: s(country),
                ..private_profit()
            };
            // when / then
            assert_refused_only_for(&draft, "country", "ISO 3166-1 alpha-2");
        }
    }

    #[test]
    fn it_should_accept_us_states_dc_and_territories() {
        for state in ["AL", "WY", "DC", "PR", "VI", "GU", "AS", "MP", "ca"] {
            // given
            let draft = BrandDraft {
                state: s(state),
                ..private_profit()
            };
            // when
            let profile = parsed(&draft);
            // then
            assert_eq!(profile.state, state.to_ascii_uppercase());
        }
    }

    #[test]
    fn it_should_refuse_a_us_state_that_is_not_a_two_letter_code() {
        for state in ["New York", "XX", "N", "NYC", "ON"] {
            // given
            let draft = BrandDraft {
                state: s(state),
                ..private_profit()
            };
            // when / then
            assert_refused_only_for(&draft, "state", "2-letter code of a US state");
        }
    }

    #[test]
    fn it_should_accept_a_five_digit_zip_and_zip_plus_four() {
        for zip in ["10001", "10001-1234", "00501"] {
            // given
            let draft = BrandDraft {
                postal_code: s(zip),
                ..private_profit()
            };
            // when
            let profile = parsed(&draft);
            // then
            assert_eq!(profile.postal_code, zip);
        }
    }

    #[test]
    fn it_should_refuse_a_us_postal_code_that_is_not_a_zip_code() {
        for zip in [
            "1000",
            "100011",
            "100011234",
            "10001-12",
            "10001 1234",
            "ABCDE",
            "10001-",
        ] {
            // given
            let draft = BrandDraft {
                postal_code: s(zip),
                ..private_profit()
            };
            // when / then
            assert_refused_only_for(&draft, "postalCode", "5-digit US ZIP code");
        }
    }

    #[test]
    fn it_should_apply_the_us_rules_to_a_lowercase_us_country() {
        // given
        let draft = BrandDraft {
            country: s("us"),
            postal_code: s("ABC"),
            ..private_profit()
        };
        // when / then
        assert_refused_only_for(&draft, "postalCode", "ZIP");
    }

    // -- e-mail and website ---------------------------------------------------------------------

    #[test]
    fn it_should_accept_well_formed_e_mail_addresses() {
        for email in [
            "a@b.co",
            "first.last+tag@mail.example-domain.com",
            "O'Brien@example.ie",
        ] {
            // given
            let draft = BrandDraft {
                email: s(email),
                ..private_profit()
            };
            // when
            let result = BrandProfile::parse(&draft);
            // then
            assert!(result.is_ok(), "{email} was refused: {result:#?}");
        }
    }

    #[test]
    fn it_should_refuse_malformed_e_mail_addresses() {
        for email in [
            "support",
            "@example.com",
            "support@",
            "support@example",
            "sup port@example.com",
            "a@b@example.com",
            "support@exa_mple.com",
            "support@example.c",
            "support@example.c0m",
            "support@-example.com",
            "support@example..com",
            "support@example.com.",
        ] {
            // given
            let draft = BrandDraft {
                email: s(email),
                ..private_profit()
            };
            // when / then
            assert_refused_only_for(&draft, "email", "must be an e-mail address");
        }
    }

    #[test]
    fn it_should_accept_web_addresses_with_http_or_https() {
        for website in [
            "https://www.acme.com",
            "http://acme.com",
            "HTTPS://Acme.com:8443/shop?x=1#top",
            "https://shop.acme.co.uk/",
        ] {
            // given
            let draft = BrandDraft {
                website: s(website),
                ..private_profit()
            };
            // when
            let profile = parsed(&draft);
            // then
            assert_eq!(profile.website.as_deref(), Some(website));
        }
    }

    #[test]
    fn it_should_refuse_web_addresses_without_scheme_or_host() {
        for website in [
            "www.acme.com",
            "ftp://acme.com",
            "https://",
            "https://localhost",
            "https://acme.com:http",
            "https:/acme.com",
            "https://user@acme.com",
        ] {
            // given
            let draft = BrandDraft {
                website: s(website),
                ..private_profit()
            };
            // when / then
            assert_refused_only_for(&draft, "website", "http:// or https://");
        }
    }

    #[test]
    fn it_should_refuse_a_web_address_with_spaces() {
        // given
        let draft = BrandDraft {
            website: s("https://acme .com"),
            ..private_profit()
        };
        // when / then
        assert_refused_only_for(&draft, "website", "must not contain spaces");
    }

    // -- enums ----------------------------------------------------------------------------------

    #[test]
    fn it_should_refuse_an_unknown_vertical_and_list_the_choices() {
        // given
        let draft = BrandDraft {
            vertical: s("FLOWERS"),
            ..private_profit()
        };
        // when
        let errors = refused(&draft);
        // then
        assert_error(&errors, "vertical", "is not a TCR vertical; one of: ");
        assert_error(&errors, "vertical", "RETAIL");
        assert_only_errors_on(&errors, &["vertical"]);
    }

    #[test]
    fn it_should_refuse_an_unknown_vertical_on_a_sole_proprietor_too() {
        // given
        let draft = BrandDraft {
            vertical: s("retail"),
            ..sole_proprietor()
        };
        // when / then
        assert_refused_only_for(&draft, "vertical", "is not a TCR vertical");
    }

    #[test]
    fn it_should_refuse_none_as_the_stock_exchange_of_a_public_profit_brand() {
        // given
        let draft = BrandDraft {
            stock_exchange: s("NONE"),
            ..public_profit()
        };
        // when / then
        assert_refused_only_for(&draft, "stockExchange", "not NONE");
    }

    #[test]
    fn it_should_refuse_an_unknown_stock_exchange_and_list_the_choices() {
        // given
        let draft = BrandDraft {
            stock_exchange: s("MOON"),
            ..public_profit()
        };
        // when
        let errors = refused(&draft);
        // then
        assert_error(
            &errors,
            "stockExchange",
            "is not a TCR stock exchange; one of: ",
        );
        assert_error(&errors, "stockExchange", "NASDAQ");
        assert_only_errors_on(&errors, &["stockExchange"]);
    }

    #[test]
    fn it_should_accept_stock_symbols_with_dots_and_hyphens() {
        for symbol in ["BRK.B", "RDS-A", "7203"] {
            // given
            let draft = BrandDraft {
                stock_symbol: s(symbol),
                ..public_profit()
            };
            // when
            let profile = parsed(&draft);
            // then
            assert_eq!(profile.stock_symbol.as_deref(), Some(symbol));
        }
    }

    #[test]
    fn it_should_refuse_a_stock_symbol_with_other_characters() {
        // given
        let draft = BrandDraft {
            stock_symbol: s("AC ME"),
            ..public_profit()
        };
        // when / then
        assert_refused_only_for(&draft, "stockSymbol", "letters, digits, dots and hyphens");
    }

    // -- business contact e-mail ----------------------------------------------------------------

    #[test]
    fn it_should_refuse_a_role_address_as_public_profit_business_contact() {
        let roles = ROLE_MAILBOXES.iter().map(|r| r.to_string()).chain([
            "Sales".to_string(),
            "INFO".to_string(),
            "support+brand".to_string(),
        ]);
        for role in roles {
            // given
            let draft = BrandDraft {
                business_contact_email: Some(format!("{role}@acme.com")),
                ..public_profit()
            };
            // when / then
            assert_refused_only_for(
                &draft,
                "businessContactEmail",
                "role or distribution address",
            );
        }
    }

    #[test]
    fn it_should_refuse_a_free_mailbox_as_public_profit_business_contact() {
        for domain in FREE_MAIL_DOMAINS.iter().copied().chain(["GMail.com"]) {
            // given
            let draft = BrandDraft {
                business_contact_email: Some(format!("jane.doe@{domain}")),
                ..public_profit()
            };
            // when / then
            assert_refused_only_for(&draft, "businessContactEmail", "free or personal mailbox");
        }
    }

    #[test]
    fn it_should_accept_a_person_whose_name_merely_contains_a_role_word() {
        // given
        let draft = BrandDraft {
            business_contact_email: s("salesforce.admin.jane@acme.com"),
            ..public_profit()
        };
        // when
        let profile = parsed(&draft);
        // then
        assert_eq!(
            profile.business_contact_email.as_deref(),
            Some("salesforce.admin.jane@acme.com")
        );
    }

    #[test]
    fn it_should_allow_any_valid_business_contact_email_for_other_organisations() {
        // given
        let draft = BrandDraft {
            business_contact_email: s("info@gmail.com"),
            ..private_profit()
        };
        // when
        let profile = parsed(&draft);
        // then
        assert_eq!(
            profile.business_contact_email.as_deref(),
            Some("info@gmail.com")
        );
    }

    #[test]
    fn it_should_refuse_a_malformed_business_contact_email() {
        // given
        let draft = BrandDraft {
            business_contact_email: s("jane.doe at acme.com"),
            ..non_profit()
        };
        // when / then
        assert_refused_only_for(&draft, "businessContactEmail", "must be an e-mail address");
    }

    // -- EIN ------------------------------------------------------------------------------------

    #[test]
    fn it_should_refuse_a_us_ein_that_is_not_nine_digits() {
        for ein in [
            "12345678",
            "1234567890",
            "123-456789",
            "12-345-6789",
            "ABCDEFGHI",
            "12 3456789",
        ] {
            // given
            let draft = BrandDraft {
                ein: s(ein),
                ..private_profit()
            };
            // when / then
            assert_refused_only_for(&draft, "ein", "must be 9 digits for a US EIN");
        }
    }

    #[test]
    fn it_should_apply_the_us_ein_rule_when_the_issuing_country_is_us() {
        // given
        let draft = BrandDraft {
            ein_issuing_country: s("us"),
            ein: s("GB123"),
            ..private_profit()
        };
        // when / then
        assert_refused_only_for(&draft, "ein", "must be 9 digits for a US EIN");
    }

    #[test]
    fn it_should_accept_a_foreign_tax_id_as_written() {
        // given
        let draft = BrandDraft {
            ein_issuing_country: s("gb"),
            ein: s("GB-123ABC456"),
            ..private_profit()
        };
        // when
        let profile = parsed(&draft);
        // then
        assert_eq!(profile.ein.as_deref(), Some("GB-123ABC456"));
        assert_eq!(profile.ein_issuing_country.as_deref(), Some("GB"));
    }

    #[test]
    fn it_should_refuse_a_foreign_tax_id_with_other_characters_or_too_long() {
        // given
        let odd = BrandDraft {
            ein_issuing_country: s("DE"),
            ein: s("12/345 678"),
            ..private_profit()
        };
        let long = BrandDraft {
            ein_issuing_country: s("DE"),
            ein: Some("1".repeat(22)),
            ..private_profit()
        };
        // when / then
        assert_refused_only_for(&odd, "ein", "letters, digits and hyphens");
        assert_refused_only_for(&long, "ein", "at most 21 characters");
    }

    #[test]
    fn it_should_refuse_an_unknown_ein_issuing_country() {
        // given
        let draft = BrandDraft {
            ein_issuing_country: s("USA"),
            ..private_profit()
        };
        // when / then
        assert_refused_only_for(&draft, "einIssuingCountry", "ISO 3166-1 alpha-2");
    }

    // -- alternate business id ------------------------------------------------------------------

    #[test]
    fn it_should_accept_an_alternate_business_id_with_its_type() {
        // given
        let draft = BrandDraft {
            alt_business_id: s("5493001KJTIIGC8Y1R12"),
            alt_business_id_type: s("LEI"),
            ..private_profit()
        };
        // when
        let profile = parsed(&draft);
        // then
        assert_eq!(
            profile.alt_business_id.as_deref(),
            Some("5493001KJTIIGC8Y1R12")
        );
        assert_eq!(profile.alt_business_id_type, Some(AltBusinessIdType::Lei));
    }

    #[test]
    fn it_should_refuse_an_alternate_business_id_without_its_type() {
        // given
        let draft = BrandDraft {
            alt_business_id: s("123456789"),
            ..private_profit()
        };
        // when / then
        assert_refused_only_for(
            &draft,
            "altBusinessIdType",
            "is required when altBusinessId is given",
        );
    }

    #[test]
    fn it_should_refuse_an_alternate_business_id_type_without_the_id() {
        // given
        let draft = BrandDraft {
            alt_business_id_type: s("DUNS"),
            ..private_profit()
        };
        // when / then
        assert_refused_only_for(
            &draft,
            "altBusinessId",
            "is required when altBusinessIdType is DUNS",
        );
    }

    #[test]
    fn it_should_accept_the_none_alternate_business_id_type_without_an_id() {
        // given
        let draft = BrandDraft {
            alt_business_id_type: s("NONE"),
            ..private_profit()
        };
        // when
        let profile = parsed(&draft);
        // then
        assert_eq!(profile.alt_business_id_type, Some(AltBusinessIdType::None));
        assert_eq!(profile.alt_business_id, None);
    }

    #[test]
    fn it_should_refuse_an_alternate_business_id_typed_none() {
        // given
        let draft = BrandDraft {
            alt_business_id: s("123456789"),
            alt_business_id_type: s("NONE"),
            ..private_profit()
        };
        // when / then
        assert_refused_only_for(&draft, "altBusinessIdType", "cannot be NONE");
    }

    #[test]
    fn it_should_refuse_an_unknown_alternate_business_id_type_and_list_the_choices() {
        // given
        let draft = BrandDraft {
            alt_business_id: s("123456789"),
            alt_business_id_type: s("SSN"),
            ..private_profit()
        };
        // when
        let errors = refused(&draft);
        // then
        assert_error(&errors, "altBusinessIdType", "NONE, DUNS, GIIN, LEI");
        assert_only_errors_on(&errors, &["altBusinessIdType"]);
    }

    // -- from_json ------------------------------------------------------------------------------

    #[test]
    fn it_should_read_a_json_object_into_a_draft() {
        // given
        let body = json!({
            "entityType": "PRIVATE_PROFIT",
            "displayName": "Acme Flowers",
            "companyName": "Acme Flowers LLC",
            "ein": "12-3456789",
            "phone": "+12025550123",
            "street": "123 6th Ave",
            "city": "New York",
            "state": "NY",
            "postalCode": "10001",
            "country": "US",
            "email": "support@acmeflowers.com",
            "vertical": "RETAIL",
            "website": null,
            "mock": true
        });
        // when
        let draft = BrandDraft::from_json(&body).unwrap_or_else(|e| panic!("{:#?}", e.0));
        // then
        assert_eq!(
            draft,
            BrandDraft {
                ein: s("12-3456789"),
                mock: Some(true),
                ..private_profit()
            }
        );
    }

    #[test]
    fn it_should_read_back_every_field_a_draft_serialises() {
        // given a draft with every field set, serialised with serde's own field names
        let full = BrandDraft {
            entity_type: s("a"),
            display_name: s("b"),
            company_name: s("c"),
            ein: s("d"),
            ein_issuing_country: s("e"),
            first_name: s("f"),
            last_name: s("g"),
            phone: s("h"),
            mobile_phone: s("i"),
            street: s("j"),
            city: s("k"),
            state: s("l"),
            postal_code: s("m"),
            country: s("n"),
            email: s("o"),
            website: s("p"),
            vertical: s("q"),
            stock_symbol: s("r"),
            stock_exchange: s("s"),
            alt_business_id: s("t"),
            alt_business_id_type: s("u"),
            business_contact_email: s("v"),
            mock: Some(false),
        };
        let body = serde_json::to_value(&full).expect("a draft serialises");
        // when
        let read = BrandDraft::from_json(&body);
        // then
        assert_eq!(read, Ok(full));
    }

    #[test]
    fn it_should_refuse_a_json_body_that_is_not_an_object() {
        for body in [json!([]), json!("brand"), json!(null), json!(42)] {
            // when
            let errors = BrandDraft::from_json(&body).expect_err("a non-object was accepted");
            // then
            assert_error(&errors, "body", "must be a JSON object");
            assert_eq!(errors.0.len(), 1, "{:#?}", errors.0);
        }
    }

    #[test]
    fn it_should_refuse_an_unknown_json_field() {
        // given
        let body = json!({ "displayName": "Acme", "ipAddress": "10.0.0.1" });
        // when
        let errors = BrandDraft::from_json(&body).expect_err("an unknown field was accepted");
        // then
        assert_error(&errors, "ipAddress", "is not a brand field");
        assert_only_errors_on(&errors, &["ipAddress"]);
    }

    #[test]
    fn it_should_refuse_a_brand_relationship_set_by_the_caller() {
        // given
        let body = json!({ "brandRelationship": "KEY_ACCOUNT" });
        // when
        let errors = BrandDraft::from_json(&body).expect_err("brandRelationship was accepted");
        // then
        assert_error(
            &errors,
            "brandRelationship",
            "is decided by the customer's service tier and cannot be set",
        );
    }

    #[test]
    fn it_should_refuse_a_reference_id_set_by_the_caller() {
        // given
        let body = json!({ "referenceId": "my-ref" });
        // when
        let errors = BrandDraft::from_json(&body).expect_err("referenceId was accepted");
        // then
        assert_error(&errors, "referenceId", "is generated by tendlc");
    }

    #[test]
    fn it_should_refuse_json_fields_of_the_wrong_type() {
        // given
        let body = json!({
            "phone": 12025550123_u64,
            "displayName": ["Acme"],
            "vertical": { "code": "RETAIL" },
            "country": true,
            "mock": "true"
        });
        // when
        let errors = BrandDraft::from_json(&body).expect_err("wrong types were accepted");
        // then
        assert_error(&errors, "phone", "must be a string");
        assert_error(&errors, "displayName", "must be a string");
        assert_error(&errors, "vertical", "must be a string");
        assert_error(&errors, "country", "must be a string");
        assert_error(&errors, "mock", "must be a boolean");
        assert_only_errors_on(
            &errors,
            &["phone", "displayName", "vertical", "country", "mock"],
        );
    }

    #[test]
    fn it_should_collect_every_json_problem_at_once() {
        // given
        let body = json!({
            "brandRelationship": "KEY_ACCOUNT",
            "referenceId": "x",
            "tag": ["a"],
            "ein": 123456789
        });
        // when
        let errors = BrandDraft::from_json(&body).expect_err("a bad body was accepted");
        // then
        assert_only_errors_on(&errors, &["brandRelationship", "referenceId", "tag", "ein"]);
    }

    #[test]
    fn it_should_read_json_nulls_as_absent() {
        // given
        let body = json!({ "displayName": null, "mock": null });
        // when
        let draft = BrandDraft::from_json(&body).unwrap_or_else(|e| panic!("{:#?}", e.0));
        // then
        assert_eq!(draft, BrandDraft::default());
    }

    // -- merge and round trip -------------------------------------------------------------------

    #[test]
    fn it_should_replace_only_the_fields_a_patch_sets() {
        // given
        let current = private_profit();
        let patch = BrandDraft {
            display_name: s("Acme Blooms"),
            website: s("https://acmeblooms.com"),
            mock: Some(true),
            ..BrandDraft::default()
        };
        // when
        let merged = current.merged_with(&patch);
        // then
        assert_eq!(
            merged,
            BrandDraft {
                display_name: s("Acme Blooms"),
                website: s("https://acmeblooms.com"),
                mock: Some(true),
                ..private_profit()
            }
        );
    }

    #[test]
    fn it_should_keep_everything_when_merging_an_empty_patch() {
        // given
        let current = public_profit();
        // when
        let merged = current.merged_with(&BrandDraft::default());
        // then
        assert_eq!(merged, current);
    }

    #[test]
    fn it_should_turn_a_profile_back_into_a_draft_that_parses_to_the_same_profile() {
        for (entity, draft) in every_entity_type() {
            // given
            let draft = BrandDraft {
                mock: Some(true),
                alt_business_id: s("123456789"),
                alt_business_id_type: s("DUNS"),
                ..draft
            };
            let profile = parsed(&draft);
            // when
            let again = BrandProfile::parse(&profile.to_draft());
            // then
            assert_eq!(
                again.as_ref(),
                Ok(&profile),
                "{entity} did not survive a round trip"
            );
        }
    }

    #[test]
    fn it_should_update_a_profile_by_merging_a_patch_into_its_draft() {
        // given
        let profile = parsed(&private_profit());
        let patch = BrandDraft {
            state: s("ca"),
            city: s("Los Angeles"),
            postal_code: s("90001"),
            ..BrandDraft::default()
        };
        // when
        let updated = parsed(&profile.to_draft().merged_with(&patch));
        // then
        assert_eq!(updated.state, "CA");
        assert_eq!(updated.ein, profile.ein);
        assert_eq!(
            profile.changed_fields(&updated),
            vec!["city", "state", "postalCode"]
        );
    }

    #[test]
    fn it_should_report_no_changed_fields_for_an_identical_profile() {
        // given
        let profile = parsed(&public_profit());
        // when
        let changed = profile.changed_fields(&profile.clone());
        // then
        assert!(changed.is_empty(), "{changed:?}");
    }

    #[test]
    fn it_should_not_see_a_change_when_the_default_issuing_country_is_made_explicit() {
        // given
        let implicit = parsed(&private_profit());
        let explicit = parsed(&BrandDraft {
            ein_issuing_country: s("US"),
            ein: s("12-3456789"),
            ..private_profit()
        });
        // when
        let changed = implicit.changed_fields(&explicit);
        // then
        assert!(changed.is_empty(), "{changed:?}");
    }

    // -- TCR request ----------------------------------------------------------------------------

    #[test]
    fn it_should_build_a_tcr_request_for_a_private_profit_brand() {
        // given
        let profile = parsed(&BrandDraft {
            ein: s("12-3456789"),
            alt_business_id: s("123456789"),
            alt_business_id_type: s("DUNS"),
            ..private_profit()
        });
        // when
        let request = profile.to_tcr_request(BrandRelationship::SmallAccount, Some("ref-1"));
        // then
        assert_eq!(
            request,
            TcrBrandRequest {
                entity_type: "PRIVATE_PROFIT".into(),
                display_name: "Acme Flowers".into(),
                company_name: s("Acme Flowers LLC"),
                ein: s("123456789"),
                ein_issuing_country: s("US"),
                alt_business_id: s("123456789"),
                alt_business_id_type: s("DUNS"),
                phone: "+12025550123".into(),
                street: s("123 6th Ave"),
                city: s("New York"),
                state: s("NY"),
                postal_code: s("10001"),
                country: "US".into(),
                email: "support@acmeflowers.com".into(),
                brand_relationship: Some(BrandRelationship::SmallAccount),
                vertical: s("RETAIL"),
                reference_id: s("ref-1"),
                ..TcrBrandRequest::default()
            }
        );
    }

    #[test]
    fn it_should_build_a_tcr_request_for_a_public_profit_brand() {
        // given
        let profile = parsed(&public_profit());
        // when
        let request = profile.to_tcr_request(BrandRelationship::KeyAccount, None);
        // then
        assert_eq!(request.stock_symbol.as_deref(), Some("ACME"));
        assert_eq!(request.stock_exchange.as_deref(), Some("NASDAQ"));
        assert_eq!(request.website.as_deref(), Some("https://www.acme.com"));
        assert_eq!(
            request.business_contact_email.as_deref(),
            Some("jane.doe@acme.com")
        );
        assert_eq!(
            request.brand_relationship,
            Some(BrandRelationship::KeyAccount)
        );
        assert_eq!(request.reference_id, None);
    }

    #[test]
    fn it_should_leave_the_brand_relationship_out_of_a_sole_proprietor_tcr_request() {
        // given
        let profile = parsed(&sole_proprietor());
        // when
        let request = profile.to_tcr_request(BrandRelationship::BasicAccount, Some("sp-ref"));
        // then
        assert_eq!(request.brand_relationship, None);
        assert_eq!(request.ein_issuing_country, None);
        assert_eq!(request.first_name.as_deref(), Some("Jane"));
        assert_eq!(request.mobile_phone.as_deref(), Some("+13125550199"));
        assert_eq!(request.reference_id.as_deref(), Some("sp-ref"));
        let body = serde_json::to_value(&request).expect("a request serialises");
        assert!(body.get("brandRelationship").is_none(), "TCR body: {body}");
        assert!(body.get("einIssuingCountry").is_none(), "TCR body: {body}");
    }

    #[test]
    fn it_should_send_mock_to_tcr_only_when_the_brand_is_a_mock() {
        // given
        let real = parsed(&private_profit());
        let mock = parsed(&BrandDraft {
            mock: Some(true),
            ..private_profit()
        });
        // when
        let real_request = real.to_tcr_request(BrandRelationship::BasicAccount, None);
        let mock_request = mock.to_tcr_request(BrandRelationship::BasicAccount, None);
        // then
        assert_eq!(real_request.mock, None);
        assert_eq!(mock_request.mock, Some(true));
        let body = serde_json::to_value(&real_request).expect("a request serialises");
        assert!(body.get("mock").is_none(), "TCR body: {body}");
    }

    #[test]
    fn it_should_default_the_tcr_ein_issuing_country_to_us_for_a_recorded_profile_without_one() {
        // given a profile recorded before the default was stored
        let profile = BrandProfile {
            ein_issuing_country: None,
            ..parsed(&non_profit())
        };
        // when
        let request = profile.to_tcr_request(BrandRelationship::MediumAccount, None);
        // then
        assert_eq!(request.ein_issuing_country.as_deref(), Some("US"));
    }
}
