//! E-mail addresses, and the public-profit business contact Authentication+ needs.

use super::*;
use crate::brand::profile::formats::{FREE_MAIL_DOMAINS, ROLE_MAILBOXES};
use crate::values::is_email;

#[test]
fn it_should_accept_well_formed_e_mail_addresses() {
    for email in [
        "a@b.co",
        "first.last+tag@mail.example-domain.com",
        "O'Brien@example.ie",
    ] {
        // given
        let draft = BrandDraft {
            email: s(email),
            ..private_profit()
        };
        // when
        let result = BrandProfile::parse(&draft);
        // then
        assert!(result.is_ok(), "{email} was refused: {result:#?}");
    }
}

#[test]
fn it_should_refuse_malformed_e_mail_addresses() {
    for email in [
        "support",
        "@example.com",
        "support@",
        "support@example",
        "sup port@example.com",
        "a@b@example.com",
        "support@exa_mple.com",
        "support@example.c",
        "support@example.c0m",
        "support@-example.com",
        "support@example..com",
        "support@example.com.",
    ] {
        // given
        let draft = BrandDraft {
            email: s(email),
            ..private_profit()
        };
        // when / then
        assert_refused_only_for(&draft, "email", "must be an e-mail address");
    }
}

#[test]
fn it_should_judge_a_brand_e_mail_by_the_one_rule_every_address_follows() {
    for email in [
        "support@acmeflowers.com".to_string(),
        "support@example".to_string(),
        "sup port@example.com".to_string(),
        format!("{}@acmeflowers.com", "a".repeat(70)),
        format!("ops@{}.com", "a".repeat(63)),
        format!("ops@{}.com", "a".repeat(64)),
    ] {
        // given
        let draft = BrandDraft {
            email: Some(email.clone()),
            ..private_profit()
        };
        // when
        let accepted = BrandProfile::parse(&draft).is_ok();
        // then
        assert_eq!(accepted, is_email(&email), "{email}");
    }
}

#[test]
fn it_should_refuse_a_role_address_as_public_profit_business_contact() {
    let roles = ROLE_MAILBOXES.iter().map(|r| r.to_string()).chain([
        "Sales".to_string(),
        "INFO".to_string(),
        "support+brand".to_string(),
    ]);
    for role in roles {
        // given
        let draft = BrandDraft {
            business_contact_email: Some(format!("{role}@acme.com")),
            ..public_profit()
        };
        // when / then
        assert_refused_only_for(
            &draft,
            "businessContactEmail",
            "role or distribution address",
        );
    }
}

#[test]
fn it_should_refuse_a_free_mailbox_as_public_profit_business_contact() {
    for domain in FREE_MAIL_DOMAINS.iter().copied().chain(["GMail.com"]) {
        // given
        let draft = BrandDraft {
            business_contact_email: Some(format!("jane.doe@{domain}")),
            ..public_profit()
        };
        // when / then
        assert_refused_only_for(&draft, "businessContactEmail", "free or personal mailbox");
    }
}

#[test]
fn it_should_accept_a_person_whose_name_merely_contains_a_role_word() {
    // given
    let draft = BrandDraft {
        business_contact_email: s("salesforce.admin.jane@acme.com"),
        ..public_profit()
    };
    // when
    let profile = parsed(&draft);
    // then
    assert_eq!(
        profile.business_contact_email.as_deref(),
        Some("salesforce.admin.jane@acme.com")
    );
}

#[test]
fn it_should_allow_any_valid_business_contact_email_for_other_organisations() {
    // given
    let draft = BrandDraft {
        business_contact_email: s("info@gmail.com"),
        ..private_profit()
    };
    // when
    let profile = parsed(&draft);
    // then
    assert_eq!(
        profile.business_contact_email.as_deref(),
        Some("info@gmail.com")
    );
}

#[test]
fn it_should_refuse_a_malformed_business_contact_email() {
    // given
    let draft = BrandDraft {
        business_contact_email: s("jane.doe at acme.com"),
        ..non_profit()
    };
    // when / then
    assert_refused_only_for(&draft, "businessContactEmail", "must be an e-mail address");
}
