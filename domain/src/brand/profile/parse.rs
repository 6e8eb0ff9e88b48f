//! Every rule TCR applies to a brand, field by field, collecting every broken one.
use super::formats::{
    bounded, country_code, email_address, personal_business_address, stock_symbol_text, us_state,
    website_url, ID_TYPES, US,
};
use super::rules::{
    business_contact_need, organisations_may, organisations_only, present, public_profit_only,
    sole_proprietors_only, vertical_need, website_need, Checker,
};
use super::{BrandDraft, BrandProfile, Places};
use crate::validation::ValidationErrors;
use crate::values::{
    AltBusinessIdType, Ein, EntityType, PostalCode, StockExchange, Vertical, E164,
};

impl BrandProfile {
    /// Applies every rule and returns the profile, or every field that breaks a rule; countries
    /// and US states by the built-in lists.
    pub fn parse(draft: &BrandDraft) -> Result<BrandProfile, ValidationErrors> {
        Self::parse_in(draft, &Places::built_in())
    }

    /// [`BrandProfile::parse`], with countries and US states as `places` lists them (TCR's).
    pub fn parse_in(draft: &BrandDraft, places: &Places) -> Result<BrandProfile, ValidationErrors> {
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
        let issuing = check.valid("einIssuingCountry", issuing_text, |text| {
            country_code(text, places)
        });
        // Absent means US; an unreadable country leaves only the generic EIN rule.
        let issuing = match issuing_text {
            None => Some(US.to_string()),
            Some(_) => issuing,
        };
        let value = check.presence("ein", &draft.ein, organisations_only);
        let ein = if issuing.as_deref() == Some(US) {
            check.valid("ein", value, Ein::us)
        } else {
            check.valid("ein", value, Ein::foreign)
        };
        let ein_issuing_country = if sole_proprietor { None } else { issuing };

        let value = check.presence("firstName", &draft.first_name, sole_proprietors_only);
        let first_name = check.valid("firstName", value, |text| bounded(text, 100));
        let value = check.presence("lastName", &draft.last_name, sole_proprietors_only);
        let last_name = check.valid("lastName", value, |text| bounded(text, 100));

        let value = check.required("phone", &draft.phone);
        let phone = check.valid("phone", value, E164::parse);
        let value = check.presence("mobilePhone", &draft.mobile_phone, sole_proprietors_only);
        let mobile_phone = check.valid("mobilePhone", value, |text| {
            let number = E164::parse(text)?;
            if sole_proprietor && !number.is_north_american() {
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
            let code = country_code(text, places)?;
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
            check.valid("state", value, |text| us_state(text, places))
        } else {
            check.valid("state", value, |text| bounded(text, 20))
        };
        let value = check.required("postalCode", &draft.postal_code);
        let postal_code = if in_us {
            check.valid("postalCode", value, PostalCode::us)
        } else {
            check.valid("postalCode", value, PostalCode::other)
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
                personal_business_address(address.as_str())?;
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
}
