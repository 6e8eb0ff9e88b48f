//! Which fields apply to which entity type (TCR's `BrandRequest` table), and the checker that
//! applies them.
use crate::validation::ValidationErrors;
use crate::values::EntityType;

/// How a field applies to one entity type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Need {
    Required,
    Optional,
    NotApplicable,
}

/// companyName, ein: every entity type but sole proprietors.
pub(super) fn organisations_only(entity: EntityType) -> Need {
    match entity {
        EntityType::SoleProprietor => Need::NotApplicable,
        _ => Need::Required,
    }
}

/// einIssuingCountry: optional for every entity type but sole proprietors.
pub(super) fn organisations_may(entity: EntityType) -> Need {
    match entity {
        EntityType::SoleProprietor => Need::NotApplicable,
        _ => Need::Optional,
    }
}

/// firstName, lastName, mobilePhone.
pub(super) fn sole_proprietors_only(entity: EntityType) -> Need {
    match entity {
        EntityType::SoleProprietor => Need::Required,
        _ => Need::NotApplicable,
    }
}

/// stockSymbol, stockExchange.
pub(super) fn public_profit_only(entity: EntityType) -> Need {
    match entity {
        EntityType::PublicProfit => Need::Required,
        _ => Need::NotApplicable,
    }
}

pub(super) fn vertical_need(entity: EntityType) -> Need {
    match entity {
        EntityType::SoleProprietor => Need::Optional,
        _ => Need::Required,
    }
}

pub(super) fn website_need(entity: EntityType) -> Need {
    match entity {
        EntityType::PublicProfit => Need::Required,
        _ => Need::Optional,
    }
}

pub(super) fn business_contact_need(entity: EntityType) -> Need {
    match entity {
        EntityType::PublicProfit => Need::Required,
        EntityType::SoleProprietor => Need::NotApplicable,
        _ => Need::Optional,
    }
}

/// Collects every rule a draft breaks.
pub(super) struct Checker {
    pub(super) errors: ValidationErrors,
    /// `None` while the entity type is unknown: then only the fields' own formats are checked.
    pub(super) entity: Option<EntityType>,
}

impl Checker {
    /// The trimmed value of a field every brand must have.
    pub(super) fn required<'a>(&mut self, field: &str, raw: &'a Option<String>) -> Option<&'a str> {
        let value = present(raw);
        if value.is_none() {
            self.errors.add(field, "is required");
        }
        value
    }

    /// The trimmed value of a field whose need depends on the entity type, if it may be given.
    pub(super) fn presence<'a>(
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
    pub(super) fn valid<T>(
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
pub(super) fn present(raw: &Option<String>) -> Option<&str> {
    raw.as_deref()
        .map(str::trim)
        .filter(|text| !text.is_empty())
}
