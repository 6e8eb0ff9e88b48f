//! Updating a customer: only what changed is recorded.

use super::*;

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

#[test]
fn it_should_record_new_notification_preferences_once() {
    let preferences = crate::notification::NotificationPreferences {
        opt_outs: vec![crate::notification::NotificationKind::CampaignApproved],
        ..Default::default()
    };
    let set = CustomerEvent::CustomerNotificationPreferencesSet {
        preferences: preferences.clone(),
    };
    CustomerTest::with(())
        .given(vec![registered()])
        .when(CustomerCommand::SetNotificationPreferences {
            preferences: preferences.clone(),
        })
        .then_expect_events(vec![set.clone()]);
    CustomerTest::with(())
        .given(vec![registered(), set])
        .when(CustomerCommand::SetNotificationPreferences { preferences })
        .then_expect_events(vec![]);
}
