//! A customer's notification preferences: the kinds it does not want, and extra addresses per
//! brand (a brand's own contacts, told about that brand and its campaigns).
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::NotificationKind;
use crate::input::{refuse_unknown, BodyOf, Field, Unknown};
use crate::validation::ValidationErrors;
use crate::values::Email;

/// At most this many contacts per brand.
const MAX_BRAND_CONTACTS: usize = 10;
/// At most this many brands with contacts of their own.
const MAX_BRANDS_WITH_CONTACTS: usize = 1000;

/// What a customer set: validated.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NotificationPreferences {
    /// Kinds never mailed to this customer's addresses (nor its brands' contacts).
    #[serde(default)]
    pub opt_outs: Vec<NotificationKind>,
    /// Brand id → addresses told about that brand and its campaigns, besides the customer's.
    #[serde(default)]
    pub brand_contacts: BTreeMap<Uuid, Vec<Email>>,
}

impl NotificationPreferences {
    pub fn opted_out(&self, kind: NotificationKind) -> bool {
        self.opt_outs.contains(&kind)
    }

    /// The contacts of `brand`, if any.
    pub fn contacts_of(&self, brand: Uuid) -> &[Email] {
        self.brand_contacts
            .get(&brand)
            .map(Vec::as_slice)
            .unwrap_or_default()
    }
}

/// Notification preferences as a request body sends them (the whole set, replacing the last).
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct NotificationPreferencesBody {
    /// Kinds not to mail: BRAND_VERIFIED, BRAND_UNVERIFIED, VETTING_COMPLETED,
    /// CAMPAIGN_APPROVED, CAMPAIGN_REJECTED, CAMPAIGN_SUSPENDED, REGISTRATION_ABANDONED.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Vec<String>>))]
    pub opt_outs: Field<Vec<String>>,
    /// Brand id → up to 10 extra addresses told about that brand and its campaigns.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub brand_contacts: Field<BTreeMap<String, Vec<String>>>,
    #[serde(flatten)]
    #[cfg_attr(feature = "openapi", schema(ignore))]
    pub unknown: Unknown,
}

impl BodyOf for NotificationPreferencesBody {
    const FIELDS: &'static str = "notification preferences";
}

impl TryFrom<NotificationPreferencesBody> for NotificationPreferences {
    type Error = ValidationErrors;

    fn try_from(body: NotificationPreferencesBody) -> Result<Self, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let mut opt_outs = Vec::new();
        let kinds = body
            .opt_outs
            .read(
                "optOuts",
                "must be a list of notification kinds",
                &mut errors,
            )
            .unwrap_or_default();
        for (index, text) in kinds.iter().enumerate() {
            match NotificationKind::parse(text.trim()) {
                Some(kind) if !opt_outs.contains(&kind) => opt_outs.push(kind),
                Some(_) => {}
                None => errors.add(
                    format!("optOuts[{index}]"),
                    format!(
                        "'{text}' is not a notification kind (one of {})",
                        NotificationKind::choices()
                    ),
                ),
            }
        }
        opt_outs.sort();
        let mut brand_contacts = BTreeMap::new();
        let contacts = body
            .brand_contacts
            .read(
                "brandContacts",
                "must be an object of brand id → list of e-mail addresses",
                &mut errors,
            )
            .unwrap_or_default();
        if contacts.len() > MAX_BRANDS_WITH_CONTACTS {
            errors.add(
                "brandContacts",
                format!("may name at most {MAX_BRANDS_WITH_CONTACTS} brands"),
            );
        }
        for (brand, emails) in contacts {
            let field = format!("brandContacts.{brand}");
            let Ok(brand_id) = Uuid::parse_str(brand.trim()) else {
                errors.add(field, "is not a brand id (a UUID)");
                continue;
            };
            if emails.len() > MAX_BRAND_CONTACTS {
                errors.add(
                    field,
                    format!("may list at most {MAX_BRAND_CONTACTS} addresses"),
                );
                continue;
            }
            let mut parsed: Vec<Email> = Vec::new();
            for (index, email) in emails.iter().enumerate() {
                match Email::parse(email) {
                    Ok(email) if !parsed.contains(&email) => parsed.push(email),
                    Ok(_) => {}
                    Err(message) => errors.add(format!("{field}[{index}]"), message),
                }
            }
            if !parsed.is_empty() {
                brand_contacts.insert(brand_id, parsed);
            }
        }
        refuse_unknown(&body.unknown, &mut errors, |_| {
            "is not a notification preference (expected optOuts, brandContacts)".into()
        });
        errors.into_result(NotificationPreferences {
            opt_outs,
            brand_contacts,
        })
    }
}
