//! Tests of the Customer aggregate and its input, one file per area; the fixtures they share.

use cqrs_es::test::TestFramework;

use super::*;
use crate::validation::ValidationErrors;

type CustomerTest = TestFramework<Customer>;

const CUSTOMER_ID: &str = "6d1f0c3e-8a4b-4f2a-9c1d-2b7e5a60c0de";

mod apply;
mod changes;
mod details;
mod ids;
mod registration;
mod updates;

// -- fixtures -------------------------------------------------------------------------------------

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
        customer_id: CUSTOMER_ID.into(),
        details: details(),
    }
}

fn register() -> CustomerCommand {
    CustomerCommand::Register {
        customer_id: CUSTOMER_ID.into(),
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
        customer.evolve(event);
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
