//! A reseller's details as TCR's `Reseller` schema asks for them: `companyName` (1–100, unique
//! at TCR), `phone` (E.164) and `email`.
use serde::{Deserialize, Serialize};

use crate::input::{refuse_unknown, BodyOf, Field, Unknown};
use crate::validation::ValidationErrors;
use crate::values::{Email, E164};

/// A reseller's validated details.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResellerDetails {
    pub company_name: String,
    pub phone: E164,
    pub email: Email,
}

/// A reseller as a request body sends it (every field, on create and on update, as at TCR).
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ResellerBody {
    /// Display or company name of the reseller: 1–100 characters, unique among the operator's
    /// resellers (TCR's rule, ignoring case).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = String, max_length = 100))]
    pub company_name: Field<String>,
    /// The reseller's phone number in E.164 format, e.g. +18348365467.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = String, max_length = 20))]
    pub phone: Field<String>,
    /// The reseller contact's e-mail address.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = String, max_length = 100))]
    pub email: Field<String>,
    #[serde(flatten)]
    #[cfg_attr(feature = "openapi", schema(ignore))]
    pub unknown: Unknown,
}

impl BodyOf for ResellerBody {
    const FIELDS: &'static str = "reseller fields";
}

impl TryFrom<ResellerBody> for ResellerDetails {
    type Error = ValidationErrors;

    fn try_from(body: ResellerBody) -> Result<ResellerDetails, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let company_name = body.company_name.text("companyName", &mut errors);
        let phone = body.phone.text("phone", &mut errors);
        let email = body.email.text("email", &mut errors);
        refuse_unknown(&body.unknown, &mut errors, |_| {
            "is not a reseller field".into()
        });
        let company_name = match company_name {
            None => {
                errors.add("companyName", "is required");
                None
            }
            Some(name) if name.chars().count() > 100 => {
                errors.add("companyName", "must be at most 100 characters");
                None
            }
            name => name,
        };
        let phone = match phone.as_deref().map(E164::parse) {
            None => {
                errors.add("phone", "is required (E.164, e.g. +18348365467)");
                None
            }
            Some(Err(message)) => {
                errors.add("phone", message);
                None
            }
            Some(Ok(phone)) => Some(phone),
        };
        let email = match email.as_deref().map(Email::parse) {
            None => {
                errors.add("email", "is required");
                None
            }
            Some(Err(message)) => {
                errors.add("email", message);
                None
            }
            Some(Ok(email)) if email.as_str().chars().count() > 100 => {
                errors.add("email", "must be at most 100 characters");
                None
            }
            Some(Ok(email)) => Some(email),
        };
        match (company_name, phone, email) {
            (Some(company_name), Some(phone), Some(email)) if errors.is_empty() => {
                Ok(ResellerDetails {
                    company_name,
                    phone,
                    email,
                })
            }
            _ => Err(errors),
        }
    }
}
