//! Authentication+: resending the 2FA e-mail (at most one per 2 hours, only while the e-mail
//! waits for the contact) and the confirmation a change of the business contact needs.

use super::*;
use crate::brand::auth_plus::fixtures::{at, moved, ordered};
use crate::brand::auth_plus::AuthPlusStatus;
use crate::brand::BrandActionAnswer;
use crate::values::VettingStatus;

fn public_draft(contact: &str) -> BrandDraft {
    BrandDraft {
        entity_type: Some("PUBLIC_PROFIT".into()),
        website: Some("https://www.acmeflowers.com".into()),
        stock_symbol: Some("ACME".into()),
        stock_exchange: Some("NASDAQ".into()),
        business_contact_email: Some(contact.into()),
        ..draft()
    }
}

/// A registered public company whose Auth+ vet `VAP1` moved to `status` at 08:00 (the e-mail
/// went out then when `status` is UNSCORE).
fn public_company_with_auth_plus(status: VettingStatus) -> Vec<BrandEvent> {
    vec![
        BrandEvent::BrandRegistrationRequested {
            brand_id: BRAND_ID.into(),
            customer_id: CUSTOMER_ID.into(),
            reference_id: REFERENCE_ID.into(),
            brand_relationship: BrandRelationship::BasicAccount,
            profile: parse(&public_draft("jane.doe@acmeflowers.com")),
        },
        BrandEvent::BrandSubmittedToTcr {
            tcr_brand_id: TCR_BRAND_ID.into(),
            reference_id: REFERENCE_ID.into(),
            tcr_status: Some(TcrBrandStatus::Active.into()),
            identity_status: Some(IdentityStatus::Verified.into()),
            adopted: false,
        },
        ordered(),
        moved(status, "08:00"),
    ]
}

fn resend(asked: &str) -> BrandAction {
    BrandAction::ResendAuthPlusEmail {
        vetting_id: "VAP1".into(),
        requested_at: at(asked),
    }
}

#[test]
fn it_should_refuse_a_resend_within_two_hours_of_the_email_and_say_when() {
    BrandTest::with(())
        .given(public_company_with_auth_plus(VettingStatus::Unscore))
        .when(BrandCommand::RequestAction {
            action: resend("09:00"),
        })
        .then_expect_error(BrandError::TooSoon {
            message: "the last 2FA e-mail went out at 2026-12-06 08:00 UTC; TCR sends at most one every 2 hours, so the next resend is allowed at 2026-12-06 10:00 UTC".into(),
            retry_after: at("10:00"),
        });
}

#[test]
fn it_should_record_a_resend_asked_after_two_hours_then_tcrs_acceptance() {
    BrandTest::with(())
        .given(public_company_with_auth_plus(VettingStatus::Unscore))
        .when(BrandCommand::RequestAction {
            action: resend("10:00"),
        })
        .then_expect_events(vec![BrandEvent::BrandActionRequested {
            action: resend("10:00"),
        }]);
    let mut given = public_company_with_auth_plus(VettingStatus::Unscore);
    given.push(BrandEvent::BrandActionRequested {
        action: resend("10:00"),
    });
    BrandTest::with(())
        .given(given.clone())
        .when(BrandCommand::RecordActionAccepted {
            answer: BrandActionAnswer::None,
        })
        .then_expect_events(vec![BrandEvent::BrandAuthPlusEmailResent {
            vetting_id: "VAP1".into(),
            sent_at: at("10:00"),
        }]);
    // and the resend is the last e-mail from then on
    given.push(BrandEvent::BrandAuthPlusEmailResent {
        vetting_id: "VAP1".into(),
        sent_at: at("10:00"),
    });
    assert!(matches!(
        decide(given, BrandCommand::RequestAction { action: resend("11:59") }),
        Err(BrandError::TooSoon { retry_after, .. }) if retry_after == at("12:00")
    ));
}

#[test]
fn it_should_refuse_a_resend_without_an_auth_plus_vet_in_progress() {
    // given a brand without Auth+, and one whose Auth+ is verified
    let without: Vec<BrandEvent> = public_company_with_auth_plus(VettingStatus::Unscore)
        .into_iter()
        .take(2)
        .collect();
    let verified = public_company_with_auth_plus(VettingStatus::Active);
    // when / then
    for (given, says) in [(without, "no Authentication+ vet"), (verified, "VERIFIED")] {
        match decide(
            given,
            BrandCommand::RequestAction {
                action: resend("12:00"),
            },
        ) {
            Err(BrandError::NotApplicable(why)) => assert!(why.contains(says), "{why}"),
            other => panic!("expected a refusal saying {says}, got {other:?}"),
        }
    }
}

#[test]
fn it_should_refuse_an_unconfirmed_change_of_the_business_contact_of_a_live_auth_plus() {
    let changed = parse(&public_draft("john.roe@acmeflowers.com"));
    for status in [VettingStatus::Unscore, VettingStatus::Active] {
        // given Auth+ under way or verified; when the contact changes without confirmation
        let refused = decide(
            public_company_with_auth_plus(status),
            BrandCommand::RequestUpdate {
                profile: changed.clone(),
                confirm_auth_plus_revocation: false,
            },
        );
        // then nothing is recorded, and the refusal says what the change does
        match refused {
            Err(BrandError::RevokesAuthPlus(why)) => assert!(
                why.contains("revokes") && why.contains("confirmAuthPlusRevocation"),
                "{why}"
            ),
            other => panic!("expected the revocation warning, got {other:?}"),
        }
    }
}

#[test]
fn it_should_send_a_confirmed_change_of_the_business_contact() {
    let changed = parse(&public_draft("john.roe@acmeflowers.com"));
    BrandTest::with(())
        .given(public_company_with_auth_plus(VettingStatus::Active))
        .when(BrandCommand::RequestUpdate {
            profile: changed.clone(),
            confirm_auth_plus_revocation: true,
        })
        .then_expect_events(vec![BrandEvent::BrandUpdateRequested {
            profile: changed,
            changed_fields: vec!["businessContactEmail".into()],
        }]);
}

#[test]
fn it_should_not_ask_for_confirmation_of_other_changes_or_of_a_failed_auth_plus() {
    let renamed = parse(&BrandDraft {
        display_name: Some("Acme Flowers & Gifts".into()),
        ..public_draft("jane.doe@acmeflowers.com")
    });
    assert!(decide(
        public_company_with_auth_plus(VettingStatus::Active),
        BrandCommand::RequestUpdate {
            profile: renamed,
            confirm_auth_plus_revocation: false,
        },
    )
    .is_ok());
    assert!(decide(
        public_company_with_auth_plus(VettingStatus::Failed),
        BrandCommand::RequestUpdate {
            profile: parse(&public_draft("john.roe@acmeflowers.com")),
            confirm_auth_plus_revocation: false,
        },
    )
    .is_ok());
}

#[test]
fn it_should_show_auth_plus_revoked_once_tcr_took_the_new_business_contact() {
    // given a verified Auth+ and a confirmed contact change sent to TCR
    let changed = parse(&public_draft("john.roe@acmeflowers.com"));
    let mut given = public_company_with_auth_plus(VettingStatus::Active);
    given.push(BrandEvent::BrandUpdateRequested {
        profile: changed.clone(),
        changed_fields: vec!["businessContactEmail".into()],
    });
    // when TCR takes it, then reports the vet FAILED
    given.push(BrandEvent::BrandUpdated {
        profile: changed,
        changed_fields: vec!["businessContactEmail".into()],
    });
    given.push(moved(VettingStatus::Failed, "09:00"));
    let mut brand = Brand::default();
    given
        .clone()
        .into_iter()
        .for_each(|event| brand.apply(event));
    // then Auth+ stays revoked, and says what to do
    let auth_plus = brand.auth_plus.expect("the Auth+ vet");
    assert_eq!(auth_plus.status(), AuthPlusStatus::Revoked);
    let next = auth_plus.next_step(Some("john.roe@acmeflowers.com"), "b1");
    assert!(
        next.contains("john.roe@acmeflowers.com") && next.contains("new Auth+ vet"),
        "{next}"
    );
    // and when the contact changes again, the change that revoked it is still the one named
    let again = parse(&public_draft("jane.doe@acmeflowers.com"));
    given.push(BrandEvent::BrandUpdated {
        profile: again,
        changed_fields: vec!["businessContactEmail".into()],
    });
    let mut brand = Brand::default();
    given.into_iter().for_each(|event| brand.apply(event));
    let next = brand
        .auth_plus
        .expect("the Auth+ vet")
        .next_step(Some("jane.doe@acmeflowers.com"), "b1");
    assert!(
        next.contains("changed to john.roe@acmeflowers.com")
            && next.contains("e-mails the business contact (jane.doe@acmeflowers.com)"),
        "{next}"
    );
}
