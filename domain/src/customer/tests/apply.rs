//! The state the events build.

use super::*;

#[test]
fn it_should_hold_the_registered_customer() {
    assert_eq!(
        state(vec![registered()]),
        Customer {
            customer_id: Some(CUSTOMER_ID.into()),
            details: Some(details()),
            preferences: Default::default(),
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
    assert_eq!(customer.customer_id, Some(CUSTOMER_ID.into()));
}
