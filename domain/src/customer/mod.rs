//! The Customer aggregate: a tenant of the operator, with the tier that decides brand relationships.
use cqrs_es::event_sink::EventSink;
use cqrs_es::{Aggregate, DomainEvent};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::validation::ValidationErrors;
use crate::values::{Email, ServiceTier};

/// Fixed namespace so a BAN always maps to the same customer id (and a second registration of
/// one BAN meets the first one's aggregate instead of creating a twin).
const CUSTOMER_NAMESPACE: Uuid = Uuid::from_u128(0x6d1f_0c3e_8a4b_4f2a_9c1d_2b7e_5a60_c0de);

/// The customer id that belongs to a billing account number.
pub fn customer_id_for_ban(ban: &Ban) -> Uuid {
    Uuid::new_v5(&CUSTOMER_NAMESPACE, ban.as_str().as_bytes())
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

/// Raw customer input (create or partial update), camelCase as the API spells it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
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

#[derive(Debug, Clone, PartialEq)]
pub enum CustomerCommand {
    Register {
        customer_id: String,
        details: CustomerDetails,
    },
    Update {
        changes: CustomerChanges,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum CustomerEvent {
    CustomerRegistered {
        customer_id: String,
        details: CustomerDetails,
    },
    /// Only what changed is present.
    CustomerUpdated {
        name: Option<String>,
        service_tier: Option<ServiceTier>,
        notification_emails: Option<Vec<Email>>,
    },
}

impl DomainEvent for CustomerEvent {
    fn event_type(&self) -> String {
        match self {
            CustomerEvent::CustomerRegistered { .. } => "CustomerRegistered",
            CustomerEvent::CustomerUpdated { .. } => "CustomerUpdated",
        }
        .to_string()
    }

    fn event_version(&self) -> String {
        "1.0".to_string()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CustomerError {
    #[error("a customer with this BAN already exists")]
    AlreadyExists,
    #[error("no such customer")]
    NotFound,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Customer {
    pub customer_id: Option<String>,
    pub details: Option<CustomerDetails>,
}

impl Customer {
    pub fn decide(&self, command: CustomerCommand) -> Result<Vec<CustomerEvent>, CustomerError> {
        match command {
            CustomerCommand::Register {
                customer_id,
                details,
            } => {
                if self.details.is_some() {
                    return Err(CustomerError::AlreadyExists);
                }
                Ok(vec![CustomerEvent::CustomerRegistered {
                    customer_id,
                    details,
                }])
            }
            CustomerCommand::Update { changes } => {
                let current = self.details.as_ref().ok_or(CustomerError::NotFound)?;
                let name = changes.name.filter(|n| n != &current.name);
                let service_tier = changes.service_tier.filter(|t| t != &current.service_tier);
                let notification_emails = changes
                    .notification_emails
                    .filter(|e| e != &current.notification_emails);
                if name.is_none() && service_tier.is_none() && notification_emails.is_none() {
                    return Ok(vec![]);
                }
                Ok(vec![CustomerEvent::CustomerUpdated {
                    name,
                    service_tier,
                    notification_emails,
                }])
            }
        }
    }
}

impl Aggregate for Customer {
    const TYPE: &'static str = "Customer";
    type Command = CustomerCommand;
    type Event = CustomerEvent;
    type Error = CustomerError;
    type Services = ();

    async fn handle(
        &mut self,
        command: Self::Command,
        _services: &Self::Services,
        sink: &EventSink<Self>,
    ) -> Result<(), Self::Error> {
        for event in self.decide(command)? {
            sink.write(event, self).await;
        }
        Ok(())
    }

    fn apply(&mut self, event: Self::Event) {
        match event {
            CustomerEvent::CustomerRegistered {
                customer_id,
                details,
            } => {
                self.customer_id = Some(customer_id);
                self.details = Some(details);
            }
            CustomerEvent::CustomerUpdated {
                name,
                service_tier,
                notification_emails,
            } => {
                if let Some(details) = self.details.as_mut() {
                    if let Some(name) = name {
                        details.name = name;
                    }
                    if let Some(tier) = service_tier {
                        details.service_tier = tier;
                    }
                    if let Some(emails) = notification_emails {
                        details.notification_emails = emails;
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use cqrs_es::test::TestFramework;

    use super::*;

    type CustomerTest = TestFramework<Customer>;

    const CUSTOMER_ID: &str = "6d1f0c3e-customer";

    // -- fixtures -------------------------------------------------------------------------------

    fn email(text: &str) -> Email {
        Email::parse(text).unwrap_or_else(|message| panic!("fixture e-mail: {message}"))
    }

    fn ban(text: &str) -> Ban {
        Ban::parse(text).unwrap_or_else(|message| panic!("fixture BAN '{text}' {message}"))
    }

    fn details() -> CustomerDetails {
        CustomerDetails {
            ban: ban("BAN-0001"),
            name: "Acme Flowers".to_string(),
            service_tier: ServiceTier::Small,
            notification_emails: vec![email("ops@acmeflowers.com")],
        }
    }

    fn registered() -> CustomerEvent {
        CustomerEvent::CustomerRegistered {
            customer_id: CUSTOMER_ID.to_string(),
            details: details(),
        }
    }

    fn register() -> CustomerCommand {
        CustomerCommand::Register {
            customer_id: CUSTOMER_ID.to_string(),
            details: details(),
        }
    }

    fn input() -> CustomerInput {
        CustomerInput {
            ban: Some("BAN-0001".to_string()),
            name: Some("Acme Flowers".to_string()),
            service_tier: Some("SMALL".to_string()),
            notification_emails: Some(vec!["ops@acmeflowers.com".to_string()]),
        }
    }

    fn state(events: Vec<CustomerEvent>) -> Customer {
        let mut customer = Customer::default();
        for event in events {
            customer.apply(event);
        }
        customer
    }

    fn details_of(input: CustomerInput) -> CustomerDetails {
        input
            .into_details()
            .unwrap_or_else(|errors| panic!("expected valid details, got {errors}"))
    }

    fn detail_errors(input: CustomerInput) -> ValidationErrors {
        match input.into_details() {
            Ok(details) => panic!("expected validation errors, got {details:?}"),
            Err(errors) => errors,
        }
    }

    fn change_errors(input: CustomerInput) -> ValidationErrors {
        match input.into_changes() {
            Ok(changes) => panic!("expected validation errors, got {changes:?}"),
            Err(errors) => errors,
        }
    }

    /// The message recorded for `field`, failing with every error when there is none.
    fn message_for<'a>(errors: &'a ValidationErrors, field: &str) -> &'a str {
        errors
            .0
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.as_str())
            .unwrap_or_else(|| panic!("expected an error for '{field}', got {errors}"))
    }

    // -- Register -------------------------------------------------------------------------------

    #[test]
    fn it_should_register_a_new_customer() {
        CustomerTest::with(())
            .given_no_previous_events()
            .when(register())
            .then_expect_events(vec![registered()]);
    }

    #[test]
    fn it_should_refuse_to_register_a_customer_twice() {
        CustomerTest::with(())
            .given(vec![registered()])
            .when(register())
            .then_expect_error(CustomerError::AlreadyExists);
    }

    // -- Update ---------------------------------------------------------------------------------

    #[test]
    fn it_should_refuse_to_update_an_unknown_customer() {
        CustomerTest::with(())
            .given_no_previous_events()
            .when(CustomerCommand::Update {
                changes: CustomerChanges {
                    name: Some("Acme Flowers & Gifts".to_string()),
                    ..CustomerChanges::default()
                },
            })
            .then_expect_error(CustomerError::NotFound);
    }

    #[test]
    fn it_should_record_nothing_when_an_update_repeats_the_current_values() {
        CustomerTest::with(())
            .given(vec![registered()])
            .when(CustomerCommand::Update {
                changes: CustomerChanges {
                    name: Some("Acme Flowers".to_string()),
                    service_tier: Some(ServiceTier::Small),
                    notification_emails: Some(vec![email("ops@acmeflowers.com")]),
                },
            })
            .then_expect_events(vec![]);
    }

    #[test]
    fn it_should_record_nothing_for_an_empty_update() {
        CustomerTest::with(())
            .given(vec![registered()])
            .when(CustomerCommand::Update {
                changes: CustomerChanges::default(),
            })
            .then_expect_events(vec![]);
    }

    #[test]
    fn it_should_record_only_the_fields_an_update_changes() {
        CustomerTest::with(())
            .given(vec![registered()])
            .when(CustomerCommand::Update {
                changes: CustomerChanges {
                    name: Some("Acme Flowers".to_string()),
                    service_tier: Some(ServiceTier::Large),
                    notification_emails: Some(vec![email("ops@acmeflowers.com")]),
                },
            })
            .then_expect_events(vec![CustomerEvent::CustomerUpdated {
                name: None,
                service_tier: Some(ServiceTier::Large),
                notification_emails: None,
            }]);
    }

    #[test]
    fn it_should_record_every_field_an_update_changes() {
        let emails = vec![email("ops@acmeflowers.com"), email("cto@acmeflowers.com")];
        CustomerTest::with(())
            .given(vec![registered()])
            .when(CustomerCommand::Update {
                changes: CustomerChanges {
                    name: Some("Acme Flowers & Gifts".to_string()),
                    service_tier: Some(ServiceTier::Key),
                    notification_emails: Some(emails.clone()),
                },
            })
            .then_expect_events(vec![CustomerEvent::CustomerUpdated {
                name: Some("Acme Flowers & Gifts".to_string()),
                service_tier: Some(ServiceTier::Key),
                notification_emails: Some(emails),
            }]);
    }

    #[test]
    fn it_should_record_clearing_the_notification_emails_as_a_change() {
        CustomerTest::with(())
            .given(vec![registered()])
            .when(CustomerCommand::Update {
                changes: CustomerChanges {
                    notification_emails: Some(vec![]),
                    ..CustomerChanges::default()
                },
            })
            .then_expect_events(vec![CustomerEvent::CustomerUpdated {
                name: None,
                service_tier: None,
                notification_emails: Some(vec![]),
            }]);
    }

    #[test]
    fn it_should_compare_an_update_with_the_latest_values() {
        let renamed = CustomerEvent::CustomerUpdated {
            name: Some("Acme Flowers & Gifts".to_string()),
            service_tier: None,
            notification_emails: None,
        };
        CustomerTest::with(())
            .given(vec![registered(), renamed])
            .when(CustomerCommand::Update {
                changes: CustomerChanges {
                    name: Some("Acme Flowers & Gifts".to_string()),
                    ..CustomerChanges::default()
                },
            })
            .then_expect_events(vec![]);
    }

    // -- apply ----------------------------------------------------------------------------------

    #[test]
    fn it_should_hold_the_registered_customer() {
        assert_eq!(
            state(vec![registered()]),
            Customer {
                customer_id: Some(CUSTOMER_ID.to_string()),
                details: Some(details()),
            }
        );
    }

    #[test]
    fn it_should_apply_only_the_fields_an_update_carries() {
        let customer = state(vec![
            registered(),
            CustomerEvent::CustomerUpdated {
                name: None,
                service_tier: Some(ServiceTier::Medium),
                notification_emails: None,
            },
        ]);
        assert_eq!(
            customer.details,
            Some(CustomerDetails {
                service_tier: ServiceTier::Medium,
                ..details()
            }),
            "only the service tier should have changed"
        );
    }

    #[test]
    fn it_should_apply_every_field_an_update_carries() {
        let emails = vec![email("cto@acmeflowers.com")];
        let customer = state(vec![
            registered(),
            CustomerEvent::CustomerUpdated {
                name: Some("Acme Flowers & Gifts".to_string()),
                service_tier: Some(ServiceTier::Key),
                notification_emails: Some(emails.clone()),
            },
        ]);
        assert_eq!(
            customer.details,
            Some(CustomerDetails {
                ban: ban("BAN-0001"),
                name: "Acme Flowers & Gifts".to_string(),
                service_tier: ServiceTier::Key,
                notification_emails: emails,
            })
        );
        assert_eq!(customer.customer_id.as_deref(), Some(CUSTOMER_ID));
    }

    // -- CustomerInput::into_details ------------------------------------------------------------

    #[test]
    fn it_should_accept_complete_customer_details() {
        assert_eq!(details_of(input()), details());
    }

    #[test]
    fn it_should_trim_customer_details() {
        let details = details_of(CustomerInput {
            ban: Some("  BAN-0001 ".to_string()),
            name: Some(" Acme Flowers  ".to_string()),
            service_tier: Some(" SMALL ".to_string()),
            notification_emails: Some(vec![" ops@acmeflowers.com ".to_string()]),
        });
        assert_eq!(details, self::details());
    }

    #[test]
    fn it_should_accept_a_customer_without_notification_emails() {
        let details = details_of(CustomerInput {
            notification_emails: None,
            ..input()
        });
        assert!(details.notification_emails.is_empty());
    }

    #[test]
    fn it_should_name_every_missing_required_field() {
        let errors = detail_errors(CustomerInput::default());
        assert_eq!(errors.fields(), vec!["ban", "name", "serviceTier"]);
        assert_eq!(message_for(&errors, "ban"), "is required");
        assert_eq!(message_for(&errors, "name"), "is required");
        assert_eq!(
            message_for(&errors, "serviceTier"),
            "is required; one of BASIC, SMALL, MEDIUM, LARGE, KEY"
        );
    }

    #[test]
    fn it_should_treat_blank_values_as_missing() {
        let errors = detail_errors(CustomerInput {
            ban: Some("   ".to_string()),
            name: Some("  ".to_string()),
            ..input()
        });
        assert_eq!(errors.fields(), vec!["ban", "name"]);
    }

    #[test]
    fn it_should_refuse_a_malformed_ban() {
        let errors = detail_errors(CustomerInput {
            ban: Some("BAN 0001!".to_string()),
            ..input()
        });
        assert_eq!(
            message_for(&errors, "ban"),
            "may contain only letters, digits and hyphens"
        );
        let errors = detail_errors(CustomerInput {
            ban: Some("1".repeat(33)),
            ..input()
        });
        assert_eq!(message_for(&errors, "ban"), "must be at most 32 characters");
    }

    #[test]
    fn it_should_refuse_a_name_longer_than_255_characters() {
        let errors = detail_errors(CustomerInput {
            name: Some("é".repeat(256)),
            ..input()
        });
        assert_eq!(
            message_for(&errors, "name"),
            "must be at most 255 characters"
        );
        details_of(CustomerInput {
            name: Some("é".repeat(255)),
            ..input()
        });
    }

    #[test]
    fn it_should_list_the_choices_for_an_unknown_service_tier() {
        let errors = detail_errors(CustomerInput {
            service_tier: Some("PLATINUM".to_string()),
            ..input()
        });
        assert_eq!(errors.fields(), vec!["serviceTier"]);
        assert_eq!(
            message_for(&errors, "serviceTier"),
            "must be one of BASIC, SMALL, MEDIUM, LARGE, KEY"
        );
    }

    #[test]
    fn it_should_name_each_invalid_notification_email_by_its_position() {
        let errors = detail_errors(CustomerInput {
            notification_emails: Some(vec![
                "ops@acmeflowers.com".to_string(),
                "not-an-address".to_string(),
                "cto@acmeflowers.com".to_string(),
                "a b@acmeflowers.com".to_string(),
            ]),
            ..input()
        });
        assert_eq!(
            errors.fields(),
            vec!["notificationEmails[1]", "notificationEmails[3]"]
        );
        assert_eq!(
            message_for(&errors, "notificationEmails[1]"),
            "'not-an-address' is not a valid e-mail address"
        );
    }

    #[test]
    fn it_should_drop_duplicate_notification_emails_keeping_the_first_order() {
        let details = details_of(CustomerInput {
            notification_emails: Some(vec![
                "ops@acmeflowers.com".to_string(),
                "cto@acmeflowers.com".to_string(),
                " ops@acmeflowers.com".to_string(),
                "cto@acmeflowers.com".to_string(),
            ]),
            ..input()
        });
        assert_eq!(
            details.notification_emails,
            vec![email("ops@acmeflowers.com"), email("cto@acmeflowers.com")]
        );
    }

    #[test]
    fn it_should_accept_twenty_notification_emails_and_refuse_more() {
        let addresses = |count: usize| -> Vec<String> {
            (0..count).map(|i| format!("ops{i}@acme.com")).collect()
        };
        let details = details_of(CustomerInput {
            notification_emails: Some(addresses(20)),
            ..input()
        });
        assert_eq!(details.notification_emails.len(), 20);

        let errors = detail_errors(CustomerInput {
            notification_emails: Some(addresses(21)),
            ..input()
        });
        assert_eq!(errors.fields(), vec!["notificationEmails"]);
        assert_eq!(
            message_for(&errors, "notificationEmails"),
            "may list at most 20 addresses"
        );
    }

    #[test]
    fn it_should_name_every_bad_field_at_once() {
        let errors = detail_errors(CustomerInput {
            ban: None,
            name: Some(String::new()),
            service_tier: Some("gold".to_string()),
            notification_emails: Some(vec!["nope".to_string()]),
        });
        assert_eq!(
            errors.fields(),
            vec!["ban", "name", "serviceTier", "notificationEmails[0]"]
        );
    }

    // -- CustomerInput::into_changes ------------------------------------------------------------

    #[test]
    fn it_should_accept_an_empty_change() {
        let changes = CustomerInput::default()
            .into_changes()
            .unwrap_or_else(|errors| panic!("an empty change should be valid, got {errors}"));
        assert_eq!(changes, CustomerChanges::default());
    }

    #[test]
    fn it_should_validate_only_the_fields_a_change_carries() {
        let changes = CustomerInput {
            service_tier: Some("KEY".to_string()),
            notification_emails: Some(vec![
                "cto@acmeflowers.com".to_string(),
                "cto@acmeflowers.com".to_string(),
            ]),
            ..CustomerInput::default()
        }
        .into_changes()
        .unwrap_or_else(|errors| panic!("expected a valid change, got {errors}"));
        assert_eq!(
            changes,
            CustomerChanges {
                name: None,
                service_tier: Some(ServiceTier::Key),
                notification_emails: Some(vec![email("cto@acmeflowers.com")]),
            }
        );
    }

    #[test]
    fn it_should_refuse_a_change_of_the_ban() {
        let errors = change_errors(CustomerInput {
            ban: Some("BAN-0002".to_string()),
            ..CustomerInput::default()
        });
        assert_eq!(errors.fields(), vec!["ban"]);
        assert_eq!(
            message_for(&errors, "ban"),
            "identifies the customer and cannot be changed"
        );
    }

    #[test]
    fn it_should_name_every_bad_field_of_a_change() {
        let errors = change_errors(CustomerInput {
            ban: None,
            name: Some("  ".to_string()),
            service_tier: Some("PLATINUM".to_string()),
            notification_emails: Some(vec!["ops@acmeflowers.com".to_string(), "x@y".to_string()]),
        });
        assert_eq!(
            errors.fields(),
            vec!["name", "serviceTier", "notificationEmails[1]"]
        );
        assert_eq!(
            message_for(&errors, "serviceTier"),
            "must be one of BASIC, SMALL, MEDIUM, LARGE, KEY"
        );
    }

    #[test]
    fn it_should_refuse_a_change_listing_more_than_twenty_emails() {
        let errors = change_errors(CustomerInput {
            notification_emails: Some((0..21).map(|i| format!("ops{i}@acme.com")).collect()),
            ..CustomerInput::default()
        });
        assert_eq!(errors.fields(), vec!["notificationEmails"]);
    }

    // -- customer_id_for_ban --------------------------------------------------------------------

    #[test]
    fn it_should_give_the_same_ban_the_same_customer_id() {
        assert_eq!(
            customer_id_for_ban(&ban("BAN-0001")),
            customer_id_for_ban(&ban(" BAN-0001 ")),
            "a BAN should always map to the same customer"
        );
    }

    #[test]
    fn it_should_give_different_bans_different_customer_ids() {
        assert_ne!(
            customer_id_for_ban(&ban("BAN-0001")),
            customer_id_for_ban(&ban("BAN-0002"))
        );
    }

    #[test]
    fn it_should_derive_a_name_based_uuid_from_the_ban() {
        let id = customer_id_for_ban(&ban("BAN-0001"));
        assert_eq!(
            id.get_version_num(),
            5,
            "expected a v5 (name-based) UUID, got {id}"
        );
    }
}
