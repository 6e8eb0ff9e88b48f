//! A brand's identity as the customer describes it: raw draft in, validated profile out.
//!
//! `body` reads a request body into a [`BrandDraft`] (`draft` merges a partial update into
//! one); `parse` applies every rule to make a
//! [`BrandProfile`]: `rules` says which field applies to which entity type, `formats` what each
//! field must look like.
mod body;
mod draft;
mod formats;
mod parse;
mod places;
mod rules;

pub use body::BrandBody;
pub use places::Places;
use serde::{Deserialize, Serialize};

use formats::US;

use crate::tcr::TcrBrandRequest;
use crate::values::{
    AltBusinessIdType, BrandRelationship, Ein, Email, EntityType, PostalCode, StockExchange,
    Vertical, E164,
};

/// A brand's fields as text, before any rule was applied (TCR's field names): what a body
/// sent, or a profile written back out (as brands are shown).
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
    pub ein: Option<Ein>,
    pub ein_issuing_country: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub phone: E164,
    pub mobile_phone: Option<E164>,
    pub street: String,
    pub city: String,
    pub state: String,
    pub postal_code: PostalCode,
    pub country: String,
    pub email: Email,
    pub website: Option<String>,
    pub vertical: Option<Vertical>,
    pub stock_symbol: Option<String>,
    pub stock_exchange: Option<StockExchange>,
    pub alt_business_id: Option<String>,
    pub alt_business_id_type: Option<AltBusinessIdType>,
    pub business_contact_email: Option<Email>,
    pub mock: bool,
}

impl BrandProfile {
    /// The profile back as a draft (for merging a partial update into it).
    pub fn to_draft(&self) -> BrandDraft {
        BrandDraft {
            entity_type: Some(self.entity_type.as_str().to_string()),
            display_name: Some(self.display_name.clone()),
            company_name: self.company_name.clone(),
            ein: self.ein.as_ref().map(|v| v.to_string()),
            ein_issuing_country: self.ein_issuing_country.clone(),
            first_name: self.first_name.clone(),
            last_name: self.last_name.clone(),
            phone: Some(self.phone.to_string()),
            mobile_phone: self.mobile_phone.as_ref().map(|v| v.to_string()),
            street: Some(self.street.clone()),
            city: Some(self.city.clone()),
            state: Some(self.state.clone()),
            postal_code: Some(self.postal_code.to_string()),
            country: Some(self.country.clone()),
            email: Some(self.email.to_string()),
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
            business_contact_email: self.business_contact_email.as_ref().map(|v| v.to_string()),
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
            ein: self.ein.as_ref().map(|v| v.to_string()),
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
            phone: self.phone.to_string(),
            mobile_phone: self.mobile_phone.as_ref().map(|v| v.to_string()),
            street: Some(self.street.clone()),
            city: Some(self.city.clone()),
            state: Some(self.state.clone()),
            postal_code: Some(self.postal_code.to_string()),
            country: self.country.clone(),
            email: self.email.to_string(),
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
            business_contact_email: self.business_contact_email.as_ref().map(|v| v.to_string()),
            mock: self.mock.then_some(true),
        }
    }

    /// Whether TCR's answer holds every field in which this profile differs from `before`, as
    /// this profile would send it: TCR applied the change.
    pub fn held_by(
        &self,
        before: &BrandProfile,
        relationship: BrandRelationship,
        tcr: &crate::tcr::TcrBrand,
    ) -> bool {
        let sent = serde_json::to_value(self.to_tcr_request(relationship, None))
            .unwrap_or(serde_json::Value::Null);
        before.changed_fields(self).iter().all(|name| {
            let ours = sent.get(name).filter(|v| !v.is_null());
            ours.cloned() == tcr.field(name).filter(|v| !v.is_null())
        })
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

#[cfg(test)]
mod tests;
