//! Who a customer is: the billing account number that identifies it, and its validated details.
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::ids::CustomerId;
use crate::input::{refuse_unknown, BodyOf, Field, Unknown};
use crate::validation::ValidationErrors;
use crate::values::{Email, ServiceTier};

/// Fixed namespace so a BAN always maps to the same customer id (and a second registration of
/// one BAN meets the first one's aggregate instead of creating a twin).
const CUSTOMER_NAMESPACE: Uuid = Uuid::from_u128(0x6d1f_0c3e_8a4b_4f2a_9c1d_2b7e_5a60_c0de);

/// The customer id that belongs to a billing account number.
pub fn customer_id_for_ban(ban: &Ban) -> CustomerId {
    Uuid::new_v5(&CUSTOMER_NAMESPACE, ban.as_str().as_bytes()).into()
}

/// Billing account number: 1–32 letters, digits or hyphens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Ban(String);

impl Ban {
    pub fn parse(text: &str) -> Result<Ban, String> {
        let text = text.trim();
        if text.is_empty() {
            return Err("is required".into());
        }
        if text.len() > 32 {
            return Err("must be at most 32 characters".into());
        }
        if !text.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            return Err("may contain only letters, digits and hyphens".into());
        }
        Ok(Ban(text.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A customer's details after validation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomerDetails {
    pub ban: Ban,
    pub name: String,
    pub service_tier: ServiceTier,
    pub notification_emails: Vec<Email>,
}

/// A customer as a request body sends it (create, or the fields to change).
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CustomerBody {
    /// Billing account number: 1–32 letters, digits or hyphens; identifies the customer.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, max_length = 32))]
    pub ban: Field<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, max_length = 255))]
    pub name: Field<String>,
    /// BASIC | SMALL | MEDIUM | LARGE | KEY (decides the brands' relationship at TCR).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub service_tier: Field<String>,
    /// Where notifications go (at most 20).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Vec<String>>))]
    pub notification_emails: Field<Vec<String>>,
    #[serde(flatten)]
    #[cfg_attr(feature = "openapi", schema(ignore))]
    pub unknown: Unknown,
}

impl BodyOf for CustomerBody {
    const FIELDS: &'static str = "customer fields";
}

impl TryFrom<CustomerBody> for CustomerInput {
    type Error = ValidationErrors;

    fn try_from(body: CustomerBody) -> Result<CustomerInput, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let input = CustomerInput {
            ban: body.ban.read("ban", "must be a string", &mut errors),
            name: body.name.read("name", "must be a string", &mut errors),
            service_tier: body
                .service_tier
                .read("serviceTier", "must be a string", &mut errors),
            notification_emails: body.notification_emails.read(
                "notificationEmails",
                "must be a list of e-mail addresses",
                &mut errors,
            ),
        };
        refuse_unknown(&body.unknown, &mut errors, |_| {
            "is not a customer field".into()
        });
        errors.into_result(input)
    }
}

/// A new customer: what the body sends, then every rule.
impl TryFrom<CustomerBody> for CustomerDetails {
    type Error = ValidationErrors;

    fn try_from(body: CustomerBody) -> Result<CustomerDetails, ValidationErrors> {
        CustomerInput::try_from(body)?.into_details()
    }
}

/// A change to a customer: what the body sends, then every rule.
impl TryFrom<CustomerBody> for CustomerChanges {
    type Error = ValidationErrors;

    fn try_from(body: CustomerBody) -> Result<CustomerChanges, ValidationErrors> {
        CustomerInput::try_from(body)?.into_changes()
    }
}

/// A customer's fields as text, before any rule was applied.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CustomerInput {
    pub ban: Option<String>,
    pub name: Option<String>,
    pub service_tier: Option<String>,
    pub notification_emails: Option<Vec<String>>,
}

/// A validated partial update.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CustomerChanges {
    pub name: Option<String>,
    pub service_tier: Option<ServiceTier>,
    pub notification_emails: Option<Vec<Email>>,
}

const MAX_NOTIFICATION_EMAILS: usize = 20;

fn parse_name(name: &str, errors: &mut ValidationErrors) -> Option<String> {
    let name = name.trim();
    if name.is_empty() {
        errors.add("name", "is required");
        None
    } else if name.chars().count() > 255 {
        errors.add("name", "must be at most 255 characters");
        None
    } else {
        Some(name.to_string())
    }
}

fn parse_tier(tier: &str, errors: &mut ValidationErrors) -> Option<ServiceTier> {
    let parsed = ServiceTier::parse(tier.trim());
    if parsed.is_none() {
        errors.add(
            "serviceTier",
            format!("must be one of {}", ServiceTier::choices()),
        );
    }
    parsed
}

fn parse_emails(emails: &[String], errors: &mut ValidationErrors) -> Option<Vec<Email>> {
    if emails.len() > MAX_NOTIFICATION_EMAILS {
        errors.add(
            "notificationEmails",
            format!("may list at most {MAX_NOTIFICATION_EMAILS} addresses"),
        );
        return None;
    }
    let mut parsed: Vec<Email> = Vec::new();
    let before = errors.0.len();
    for (index, email) in emails.iter().enumerate() {
        match Email::parse(email) {
            Ok(email) if !parsed.contains(&email) => parsed.push(email),
            Ok(_) => {}
            Err(message) => errors.add(format!("notificationEmails[{index}]"), message),
        }
    }
    (errors.0.len() == before).then_some(parsed)
}

impl CustomerInput {
    /// Validates a complete new customer, naming every bad field.
    pub fn into_details(self) -> Result<CustomerDetails, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let ban = match Ban::parse(self.ban.as_deref().unwrap_or("")) {
            Ok(ban) => Some(ban),
            Err(message) => {
                errors.add("ban", message);
                None
            }
        };
        let name = parse_name(self.name.as_deref().unwrap_or(""), &mut errors);
        let tier = match &self.service_tier {
            Some(tier) => parse_tier(tier, &mut errors),
            None => {
                errors.add(
                    "serviceTier",
                    format!("is required; one of {}", ServiceTier::choices()),
                );
                None
            }
        };
        let emails = parse_emails(
            self.notification_emails.as_deref().unwrap_or(&[]),
            &mut errors,
        );
        match (ban, name, tier, emails) {
            (Some(ban), Some(name), Some(service_tier), Some(notification_emails))
                if errors.is_empty() =>
            {
                Ok(CustomerDetails {
                    ban,
                    name,
                    service_tier,
                    notification_emails,
                })
            }
            _ => Err(errors),
        }
    }

    /// Validates a partial update; the BAN identifies the customer and cannot change.
    pub fn into_changes(self) -> Result<CustomerChanges, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        if self.ban.is_some() {
            errors.add("ban", "identifies the customer and cannot be changed");
        }
        let changes = CustomerChanges {
            name: self
                .name
                .as_deref()
                .and_then(|n| parse_name(n, &mut errors)),
            service_tier: self
                .service_tier
                .as_deref()
                .and_then(|t| parse_tier(t, &mut errors)),
            notification_emails: self
                .notification_emails
                .as_deref()
                .and_then(|e| parse_emails(e, &mut errors)),
        };
        errors.into_result(changes)
    }
}
