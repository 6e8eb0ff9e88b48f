//! Validating a new customer's details.

use super::*;

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
    let addresses =
        |count: usize| -> Vec<String> { (0..count).map(|i| format!("ops{i}@acme.com")).collect() };
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
