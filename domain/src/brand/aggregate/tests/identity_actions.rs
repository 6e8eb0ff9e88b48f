//! Beyond registration: vetting, revet, appeals, sole-proprietor OTP and deletion.

use super::*;
use crate::brand::BrandActionAnswer;
use crate::tcr::{TcrOtpSent, TcrVetting, TcrVettingAppeal};
use crate::values::{AppealCategory, VettingClass, VettingProvider, VettingStatus};

fn profile_of(entity_type: &str, website: Option<&str>) -> BrandProfile {
    let draft = if entity_type == "SOLE_PROPRIETOR" {
        BrandDraft {
            entity_type: Some(entity_type.into()),
            first_name: Some("Jane".into()),
            last_name: Some("Doe".into()),
            display_name: Some("Jane's Cakes".into()),
            phone: Some("+12025550123".into()),
            mobile_phone: Some("+12025550124".into()),
            street: Some("1 Main St".into()),
            city: Some("Austin".into()),
            state: Some("TX".into()),
            postal_code: Some("73301".into()),
            country: Some("US".into()),
            email: Some("jane@janescakes.com".into()),
            vertical: Some("RETAIL".into()),
            ..BrandDraft::default()
        }
    } else {
        BrandDraft {
            entity_type: Some(entity_type.into()),
            website: website.map(str::to_string),
            ..draft()
        }
    };
    parse(&draft)
}

fn registered_with(profile: BrandProfile, identity: IdentityStatus) -> Vec<BrandEvent> {
    vec![
        BrandEvent::BrandRegistrationRequested {
            brand_id: "0b7c2a4e-9d1f-4c3b-8a5e-2f6d1c0b9a87".into(),
            customer_id: "6d1f0c3e-8a4b-4f2a-9c1d-2b7e5a60c0de".into(),
            reference_id: "tendlc-brand-1".into(),
            brand_relationship: BrandRelationship::BasicAccount,
            profile,
        },
        BrandEvent::BrandSubmittedToTcr {
            tcr_brand_id: "BXYZ123".into(),
            reference_id: "tendlc-brand-1".into(),
            tcr_status: Some(TcrBrandStatus::Active.into()),
            identity_status: Some(identity.into()),
            adopted: false,
        },
    ]
}

fn company(identity: IdentityStatus) -> Vec<BrandEvent> {
    registered_with(
        profile_of("PRIVATE_PROFIT", Some("https://acmeflowers.com")),
        identity,
    )
}

fn order() -> BrandAction {
    BrandAction::OrderVetting {
        provider: VettingProvider::Aegis,
        vetting_class: VettingClass::Standard,
    }
}

fn vetting(status: VettingStatus, score: Option<i64>) -> TcrVetting {
    TcrVetting {
        evp_id: "AEGIS".into(),
        vetting_id: "V123".into(),
        vetting_class: Some(VettingClass::Standard),
        vetting_status: Some(status),
        vetting_score: score,
        vetted_date: None,
        create_date: None,
    }
}

fn refusal(events: Vec<BrandEvent>, action: BrandAction) -> String {
    match decide(events, BrandCommand::RequestAction { action }) {
        Err(BrandError::NotApplicable(why)) => why,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[test]
fn it_should_order_a_vetting_then_record_tcr_s_answer_and_its_score() {
    BrandTest::with(())
        .given(company(IdentityStatus::Verified))
        .when(BrandCommand::RequestAction { action: order() })
        .then_expect_events(vec![BrandEvent::BrandActionRequested { action: order() }]);
    let mut given = company(IdentityStatus::Verified);
    given.push(BrandEvent::BrandActionRequested { action: order() });
    let pending = VettingRecord::from_tcr(&vetting(VettingStatus::Pending, None));
    BrandTest::with(())
        .given(given.clone())
        .when(BrandCommand::RecordActionAccepted {
            answer: BrandActionAnswer::Vetting(vetting(VettingStatus::Pending, None)),
        })
        .then_expect_events(vec![BrandEvent::BrandVettingRecorded {
            vetting: pending.clone(),
            imported: false,
            billed: true,
        }]);
    given.push(BrandEvent::BrandVettingRecorded {
        vetting: pending,
        imported: false,
        billed: true,
    });
    let at = chrono::DateTime::parse_from_rfc3339("2026-11-25T10:00:00Z")
        .unwrap()
        .to_utc();
    BrandTest::with(())
        .given(given)
        .when(BrandCommand::ObserveIdentityRecords {
            vettings: vec![vetting(VettingStatus::Active, Some(85))],
            appeal: None,
            vetting_appeals: vec![],
            source: Source::Webhook,
            observed_at: at,
        })
        .then_expect_events(vec![BrandEvent::BrandVettingStatusChanged {
            vetting_id: "V123".into(),
            provider: "AEGIS".into(),
            from: Some(VettingStatus::Pending),
            to: VettingStatus::Active,
            score: Some(85),
            source: Source::Webhook,
            observed_at: at,
        }]);
}

#[test]
fn it_should_refuse_vettings_tcr_would_refuse() {
    let no_website = registered_with(profile_of("PRIVATE_PROFIT", None), IdentityStatus::Verified);
    assert!(refusal(no_website, order()).contains("website"));
    let cv = BrandAction::OrderVetting {
        provider: VettingProvider::CampaignVerify,
        vetting_class: VettingClass::Political,
    };
    assert!(refusal(company(IdentityStatus::Verified), cv).contains("only imported"));
    let wmc_enhanced = BrandAction::OrderVetting {
        provider: VettingProvider::Wmc,
        vetting_class: VettingClass::Enhanced,
    };
    assert!(refusal(company(IdentityStatus::Verified), wmc_enhanced).contains("does not offer"));
    let sole = registered_with(
        profile_of("SOLE_PROPRIETOR", None),
        IdentityStatus::SelfDeclared,
    );
    assert!(refusal(sole, order()).contains("sole proprietors"));
}

#[test]
fn it_should_allow_one_action_at_a_time() {
    let mut given = company(IdentityStatus::Verified);
    given.push(BrandEvent::BrandActionRequested { action: order() });
    assert_eq!(
        decide(
            given,
            BrandCommand::RequestAction {
                action: BrandAction::Revet
            }
        ),
        Err(BrandError::ActionPending("order vetting"))
    );
}

#[test]
fn it_should_appeal_only_an_unverified_brand() {
    let appeal = BrandAction::Appeal {
        categories: vec![AppealCategory::VerifyTaxId],
        explanation: Some("EIN letter attached".into()),
        evidence: vec!["BXYZ123/VA/letter".into()],
    };
    assert!(refusal(company(IdentityStatus::Verified), appeal.clone()).contains("UNVERIFIED"));
    let mut given = company(IdentityStatus::Unverified);
    given.push(BrandEvent::BrandActionRequested {
        action: appeal.clone(),
    });
    BrandTest::with(())
        .given(given)
        .when(BrandCommand::RecordActionAccepted {
            answer: BrandActionAnswer::None,
        })
        .then_expect_events(vec![BrandEvent::BrandAppealFiled {
            categories: vec![AppealCategory::VerifyTaxId],
            explanation: Some("EIN letter attached".into()),
            // the evidence it names is on the record
            evidence: vec!["BXYZ123/VA/letter".into()],
        }]);
}

#[test]
fn it_should_run_the_otp_steps_for_sole_proprietors_only() {
    assert!(
        refusal(company(IdentityStatus::Unverified), BrandAction::SendOtp)
            .contains("sole proprietor")
    );
    let sole = registered_with(
        profile_of("SOLE_PROPRIETOR", None),
        IdentityStatus::SelfDeclared,
    );
    assert!(refusal(sole.clone(), BrandAction::VerifyOtp).contains("send the OTP first"));
    let mut given = sole;
    given.push(BrandEvent::BrandActionRequested {
        action: BrandAction::SendOtp,
    });
    BrandTest::with(())
        .given(given)
        .when(BrandCommand::RecordActionAccepted {
            answer: BrandActionAnswer::OtpSent(TcrOtpSent {
                reference_id: "OTP1".into(),
            }),
        })
        .then_expect_events(vec![BrandEvent::BrandOtpSent {
            reference_id: "OTP1".into(),
        }]);
}

#[test]
fn it_should_record_a_failed_action_and_free_the_brand_for_the_next() {
    let mut given = company(IdentityStatus::Verified);
    given.push(BrandEvent::BrandActionRequested {
        action: BrandAction::Delete,
    });
    let error = TcrError::Rejected(vec![crate::tcr::TcrApiError {
        code: 542,
        description: "brand has active campaigns".into(),
        fields: vec![],
    }]);
    let events = decide(given.clone(), BrandCommand::RecordActionFailed { error }).unwrap();
    assert!(
        matches!(&events[0], BrandEvent::BrandActionFailed { action, retryable: false, .. } if action == "delete")
    );
    given.extend(events);
    assert!(decide(
        given,
        BrandCommand::RequestAction {
            action: BrandAction::Revet
        }
    )
    .is_ok());
}

#[test]
fn it_should_free_a_brand_whose_action_was_interrupted() {
    let mut given = company(IdentityStatus::Verified);
    given.push(BrandEvent::BrandActionRequested {
        action: BrandAction::Revet,
    });
    BrandTest::with(())
        .given(given)
        .when(BrandCommand::AbandonAction {
            reason: "no answer was recorded".into(),
            tcr: None,
        })
        .then_expect_events(vec![BrandEvent::BrandActionFailed {
            action: "revet".into(),
            reason: "interrupted".into(),
            message: "no answer was recorded".into(),
            tcr_errors: vec![],
            retryable: true,
        }]);
}

#[test]
fn it_should_refuse_everything_once_deleted() {
    let mut given = company(IdentityStatus::Verified);
    given.push(BrandEvent::BrandActionRequested {
        action: BrandAction::Delete,
    });
    given.push(BrandEvent::BrandDeleted {
        source: Source::Api,
    });
    assert!(refusal(given, BrandAction::Revet).contains("deleted"));
}

/// A verified company whose AEGIS vet V123 scored `score`, and an appeal of it filed.
fn vet_appealed(score: i64) -> Vec<BrandEvent> {
    let mut events = company(IdentityStatus::Verified);
    events.push(BrandEvent::BrandVettingRecorded {
        vetting: VettingRecord::from_tcr(&vetting(VettingStatus::Active, Some(score))),
        imported: false,
        billed: true,
    });
    events.push(BrandEvent::BrandVettingAppealFiled {
        provider: "AEGIS".into(),
        vetting_id: "V123".into(),
        categories: vec!["LOW_SCORE".into()],
        evidence: vec![],
        explanation: None,
    });
    events
}

fn vet_appeal(status: &str, outcome: Option<serde_json::Value>) -> TcrVettingAppeal {
    TcrVettingAppeal {
        evp_id: Some("AEGIS".into()),
        vetting_id: Some("V123".into()),
        vetting_class: Some("STANDARD".into()),
        appeal_status: status.into(),
        category_list: vec!["LOW_SCORE".into()],
        attachment_uuid_list: vec![],
        explanation: None,
        create_date: None,
        appeal_status_update_date: None,
        appeal_outcome: outcome,
    }
}

fn identity_records(score: i64, appeals: Vec<TcrVettingAppeal>) -> BrandCommand {
    BrandCommand::ObserveIdentityRecords {
        vettings: vec![vetting(VettingStatus::Active, Some(score))],
        appeal: None,
        vetting_appeals: appeals,
        source: Source::Webhook,
        observed_at: chrono::DateTime::parse_from_rfc3339("2026-11-25T10:00:00Z")
            .unwrap()
            .to_utc(),
    }
}

#[test]
fn it_should_record_tcr_s_decision_on_a_vet_appeal_once_with_the_vet_s_new_score() {
    // given a vet scored 40 and appealed
    let given = vet_appealed(40);
    assert!(state(given.clone()).vetting_appeal_pending());
    // when TCR still lists the appeal PENDING, then nothing about it is recorded
    BrandTest::with(())
        .given(given.clone())
        .when(identity_records(40, vec![vet_appeal("PENDING", None)]))
        .then_expect_events(vec![]);
    // when TCR decided it (score raised to 75), then the vet's change and the decision
    let decision = BrandEvent::BrandVettingAppealCompleted {
        provider: "AEGIS".into(),
        vetting_id: "V123".into(),
        vet_status: Some("ACTIVE".into()),
        vet_score: Some(75),
        reasons: vec!["Revenue confirmed".into(), "LOW_SCORE".into()],
        source: Source::Webhook,
    };
    let decided = vet_appeal(
        "COMPLETE",
        Some(serde_json::json!({
            "vetStatus": "ACTIVE", "vetScore": 75,
            "feedback": {"reasons": ["Revenue confirmed", {"id": "LOW_SCORE"}]}
        })),
    );
    let events = decide(given.clone(), identity_records(75, vec![decided.clone()])).unwrap();
    assert!(
        matches!(
            events[0],
            BrandEvent::BrandVettingStatusChanged {
                score: Some(75),
                ..
            }
        ),
        "{events:?}"
    );
    assert_eq!(events[1..], [decision]);
    // then it is decided: reading it again records nothing
    let mut after = given;
    after.extend(events);
    assert!(!state(after.clone()).vetting_appeal_pending());
    BrandTest::with(())
        .given(after)
        .when(identity_records(75, vec![decided]))
        .then_expect_events(vec![]);
}

#[test]
fn it_should_refuse_a_second_appeal_of_a_vet_while_one_is_pending() {
    let again = BrandAction::AppealVetting {
        provider: "AEGIS".into(),
        vetting_id: "V123".into(),
        categories: vec!["LOW_SCORE".into()],
        evidence: vec![],
        explanation: None,
    };
    assert_eq!(
        refusal(vet_appealed(40), again),
        "an appeal of this vetting is already pending at TCR"
    );
}

#[test]
fn it_should_take_evidence_tcr_already_holds_as_sent() {
    let file = crate::attachment::FileRef {
        sha256: "cd".repeat(32),
        size_bytes: 10,
        content_type: "image/png".into(),
    };
    let mut given = company(IdentityStatus::Unverified);
    given.push(BrandEvent::BrandEvidenceUploaded {
        file: file.clone(),
        attachment_id: "BXYZ123/VA/x".into(),
    });
    BrandTest::with(())
        .given(given)
        .when(BrandCommand::RequestAction {
            action: BrandAction::UploadEvidence { file },
        })
        .then_expect_events(vec![]);
}
