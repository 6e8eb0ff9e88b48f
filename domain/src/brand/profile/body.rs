//! A brand as a request body sends it (TCR's field names), read into a draft: every field of the
//! wrong type and every field that is not a brand field is named at once.
use serde::Deserialize;

use super::{BrandDraft, BrandProfile};
use crate::input::{refuse_unknown, BodyOf, Field, Unknown};
use crate::validation::ValidationErrors;

/// The brand fields a caller may send (create, or the fields to change).
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct BrandBody {
    /// PRIVATE_PROFIT | PUBLIC_PROFIT | NON_PROFIT | GOVERNMENT | SOLE_PROPRIETOR
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub entity_type: Field<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, max_length = 255))]
    pub display_name: Field<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, max_length = 255))]
    pub company_name: Field<String>,
    /// US: 9 digits (a dash is allowed).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub ein: Field<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub ein_issuing_country: Field<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, max_length = 100))]
    pub first_name: Field<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, max_length = 100))]
    pub last_name: Field<String>,
    /// E.164, e.g. +12025550123.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub phone: Field<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub mobile_phone: Field<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, max_length = 255))]
    pub street: Field<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, max_length = 100))]
    pub city: Field<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, max_length = 20))]
    pub state: Field<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, max_length = 10))]
    pub postal_code: Field<String>,
    /// ISO 3166-1 alpha-2.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub country: Field<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub email: Field<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub website: Field<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub vertical: Field<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub stock_symbol: Field<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub stock_exchange: Field<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, max_length = 50))]
    pub alt_business_id: Field<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub alt_business_id_type: Field<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub business_contact_email: Field<String>,
    /// A test brand at TCR (not billed, never verified for real).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<bool>))]
    pub mock: Field<bool>,
    /// Changes only (PATCH): confirms a change of `businessContactEmail` that revokes the
    /// brand's Authentication+ (verified or under way). Without it such a change is refused
    /// with 409 `auth_plus_revocation_unconfirmed`, and nothing is sent to TCR.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<bool>))]
    pub confirm_auth_plus_revocation: Field<bool>,
    #[serde(flatten)]
    #[cfg_attr(feature = "openapi", schema(ignore))]
    pub unknown: Unknown,
}

impl BrandBody {
    /// Whether the body confirms revoking Authentication+ (`confirmAuthPlusRevocation: true`).
    pub fn revocation_confirmed(&self) -> bool {
        self.confirm_auth_plus_revocation == Field::Given(true)
    }
}

impl BodyOf for BrandBody {
    const FIELDS: &'static str = "brand fields";
}

impl BrandBody {
    /// The fields a change (`PATCH`) sends; a field sent as `null` is named, since a change
    /// cannot clear a field at TCR and silently keeping it would hide that.
    pub fn into_changes(self) -> Result<BrandDraft, ValidationErrors> {
        self.read(true)
    }

    fn read(self, changes: bool) -> Result<BrandDraft, ValidationErrors> {
        let body = self;
        let mut errors = ValidationErrors::new();
        let mut text = |name: &str, field: Field<String>| {
            if changes && field == Field::Null {
                errors.add(
                    name,
                    "cannot be cleared by a change: leave it out to keep it, or send a new value",
                );
            }
            field.read(name, "must be a string", &mut errors)
        };
        let draft = BrandDraft {
            entity_type: text("entityType", body.entity_type),
            display_name: text("displayName", body.display_name),
            company_name: text("companyName", body.company_name),
            ein: text("ein", body.ein),
            ein_issuing_country: text("einIssuingCountry", body.ein_issuing_country),
            first_name: text("firstName", body.first_name),
            last_name: text("lastName", body.last_name),
            phone: text("phone", body.phone),
            mobile_phone: text("mobilePhone", body.mobile_phone),
            street: text("street", body.street),
            city: text("city", body.city),
            state: text("state", body.state),
            postal_code: text("postalCode", body.postal_code),
            country: text("country", body.country),
            email: text("email", body.email),
            website: text("website", body.website),
            vertical: text("vertical", body.vertical),
            stock_symbol: text("stockSymbol", body.stock_symbol),
            stock_exchange: text("stockExchange", body.stock_exchange),
            alt_business_id: text("altBusinessId", body.alt_business_id),
            alt_business_id_type: text("altBusinessIdType", body.alt_business_id_type),
            business_contact_email: text("businessContactEmail", body.business_contact_email),
            mock: None,
        };
        let draft = BrandDraft {
            mock: body.mock.read("mock", "must be a boolean", &mut errors),
            ..draft
        };
        // Read by the change itself (see `BrandBody::revocation_confirmed`); checked here too.
        body.confirm_auth_plus_revocation.read(
            "confirmAuthPlusRevocation",
            "must be a boolean",
            &mut errors,
        );
        refuse_unknown(&body.unknown, &mut errors, |name| {
            unknown_field_message(name).to_string()
        });
        errors.into_result(draft)
    }
}

impl TryFrom<BrandBody> for BrandDraft {
    type Error = ValidationErrors;

    fn try_from(body: BrandBody) -> Result<BrandDraft, ValidationErrors> {
        body.read(false)
    }
}

/// A whole new brand: what the body sends, then every rule TCR applies to its entity type.
impl TryFrom<BrandBody> for BrandProfile {
    type Error = ValidationErrors;

    fn try_from(body: BrandBody) -> Result<BrandProfile, ValidationErrors> {
        BrandProfile::parse(&BrandDraft::try_from(body)?)
    }
}

fn unknown_field_message(name: &str) -> &'static str {
    match name {
        "brandRelationship" => "is decided by the customer's service tier and cannot be set",
        "referenceId" => "is generated by tendlc",
        _ => "is not a brand field",
    }
}
