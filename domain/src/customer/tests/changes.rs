//! Validating a partial update of a customer.

use super::*;

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
