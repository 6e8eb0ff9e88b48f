//! Given a brand's events, then these rows: the fold alone, no database.
use chrono::{DateTime, Utc};
use serde_json::json;
use tendlc_domain::brand::{BrandAction, BrandDraft, BrandEvent, BrandProfile, VettingRecord};
use tendlc_domain::ids::TcrBrandId;
use tendlc_domain::metadata::Source;
use tendlc_domain::tcr::TcrApiError;
use tendlc_domain::values::{
    AppealCategory, AppealStatus, BrandRelationship, EntityType, IdentityStatus, TcrBrandStatus,
    VettingStatus,
};

use super::*;
use crate::fold::testing::{at, given};

const CUSTOMER: &str = "6d1f0c3e-8a4b-4f2a-9c1d-2b7e5a60c0de";

fn draft() -> BrandDraft {
    BrandDraft {
        entity_type: Some("PRIVATE_PROFIT".into()),
        display_name: Some("Acme Flowers".into()),
        company_name: Some("Acme Flowers LLC".into()),
        ein: Some("123456789".into()),
        phone: Some("+12025550123".into()),
        street: Some("123 6th Ave".into()),
        city: Some("New York".into()),
        state: Some("NY".into()),
        postal_code: Some("10001".into()),
        country: Some("US".into()),
        email: Some("support@acmeflowers.com".into()),
        vertical: Some("RETAIL".into()),
        ..BrandDraft::default()
    }
}

fn profile(display_name: &str) -> BrandProfile {
    BrandProfile::parse(&BrandDraft {
        display_name: Some(display_name.into()),
        ..draft()
    })
    .expect("the fixture profile is valid")
}

fn requested() -> BrandEvent {
    BrandEvent::BrandRegistrationRequested {
        brand_id: Uuid::nil().into(),
        customer_id: CUSTOMER.parse().unwrap(),
        reference_id: "tendlc-ref".into(),
        brand_relationship: BrandRelationship::SmallAccount,
        profile: profile("Acme Flowers"),
    }
}

fn submitted(tcr_status: Option<TcrBrandStatus>) -> BrandEvent {
    BrandEvent::BrandSubmittedToTcr {
        tcr_brand_id: TcrBrandId::from_tcr("BXYZ123"),
        reference_id: "tendlc-ref".into(),
        tcr_status: tcr_status.map(Into::into),
        identity_status: Some(IdentityStatus::Unverified.into()),
        adopted: false,
    }
}

fn failed(retryable: bool) -> BrandEvent {
    BrandEvent::BrandSubmissionFailed {
        reason: "tcr_rejected".into(),
        message: "TCR refused the brand".into(),
        tcr_errors: vec![TcrApiError {
            code: 529,
            description: "invalid EIN".into(),
            fields: vec!["ein".into()],
        }],
        retryable,
    }
}

fn observed(seconds: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(1_800_000_000 + seconds, 0).unwrap()
}

/// The brand `events` (after its registration request) leave.
fn brand(events: Vec<BrandEvent>) -> BrandRows {
    given(Uuid::nil(), [vec![requested()], events].concat())
}

#[test]
fn it_should_hold_a_requested_brand_as_pending_with_its_profile_in_columns() {
    let rows = brand(vec![]);
    let brand = &rows.brand;
    assert_eq!(brand.status, RegistrationStatus::Pending);
    assert_eq!(brand.customer_id.to_string(), CUSTOMER);
    assert_eq!(brand.entity_type, EntityType::PrivateProfit);
    assert_eq!(brand.display_name, "Acme Flowers");
    assert_eq!(brand.ein.as_deref(), Some("123456789"));
    assert_eq!(brand.state.as_deref(), Some("NY"));
    assert_eq!(brand.email, "support@acmeflowers.com");
    assert_eq!(
        (brand.created_at, brand.updated_at),
        (at(1).recorded_at, at(1).recorded_at)
    );
    assert_eq!(
        (brand.tcr_status.clone(), brand.last_synced_at),
        (None, None)
    );
    assert!(rows.vettings.is_empty());
}

#[test]
fn it_should_hold_a_brand_tcr_took_without_a_status_as_registered_and_active() {
    let brand = brand(vec![submitted(None)]).brand;
    assert_eq!(brand.status, RegistrationStatus::Registered);
    assert_eq!(brand.tcr_brand_id.as_deref(), Some("BXYZ123"));
    assert_eq!(brand.tcr_status, Some(TcrBrandStatus::Active.into()));
    assert_eq!(
        brand.identity_status,
        Some(IdentityStatus::Unverified.into())
    );
    assert_eq!(brand.submission_attempts, 1);
    assert_eq!(brand.last_attempt_at, Some(at(2).recorded_at));
    assert_eq!(brand.last_synced_at, Some(at(2).recorded_at));
    assert_eq!(brand.sync_source, Some(Source::Api));
    assert_eq!(brand.last_sequence, 2);
}

#[test]
fn it_should_reject_a_brand_only_when_retrying_cannot_help() {
    let retried = brand(vec![failed(true)]).brand;
    assert_eq!(retried.status, RegistrationStatus::Pending);
    let rejected = brand(vec![failed(true), failed(false)]).brand;
    assert_eq!(rejected.status, RegistrationStatus::Rejected);
    assert_eq!(rejected.submission_attempts, 2);
    assert_eq!(
        rejected.last_error,
        Some(json!({
            "reason": "tcr_rejected", "message": "TCR refused the brand", "retryable": false,
            "tcr": [{"code": 529, "description": "invalid EIN", "fields": ["ein"]}],
            "at": at(3).recorded_at,
        }))
    );
}

#[test]
fn it_should_add_why_the_retries_gave_up_to_the_last_failure() {
    let brand = brand(vec![
        failed(true),
        BrandEvent::BrandSubmissionAbandoned {
            attempts: 5,
            reason: "TCR never answered".into(),
        },
    ])
    .brand;
    assert_eq!(brand.status, RegistrationStatus::Abandoned);
    let error = brand.last_error.expect("a last error");
    assert_eq!(error["reason"], "tcr_rejected");
    assert_eq!(error["abandoned"], "TCR never answered");
    assert_eq!(error["attempts"], 5);
}

#[test]
fn it_should_move_when_a_brand_was_synced_but_not_when_it_changed_when_tcr_confirms_it() {
    let brand = brand(vec![
        submitted(Some(TcrBrandStatus::Active)),
        BrandEvent::BrandIdentityStatusChanged {
            from: Some(IdentityStatus::Unverified.into()),
            to: IdentityStatus::Verified.into(),
            source: Source::Webhook,
            observed_at: Some(observed(1)),
        },
        BrandEvent::BrandSyncConfirmed {
            source: Source::Poll,
            observed_at: observed(2),
        },
    ])
    .brand;
    assert_eq!(brand.identity_status, Some(IdentityStatus::Verified.into()));
    assert_eq!(brand.last_synced_at, Some(observed(2)));
    assert_eq!(brand.sync_source, Some(Source::Poll));
    assert_eq!(
        brand.updated_at,
        at(3).recorded_at,
        "the change, not the confirmation"
    );
    assert_eq!(brand.last_sequence, 4);
}

#[test]
fn it_should_hold_a_profile_change_until_tcr_takes_it() {
    let pending = brand(vec![
        submitted(None),
        BrandEvent::BrandUpdateRequested {
            profile: profile("Acme Gifts"),
            changed_fields: vec!["displayName".into()],
        },
    ])
    .brand;
    assert_eq!(pending.pending_update, Some(profile("Acme Gifts")));
    assert_eq!(pending.display_name, "Acme Flowers");
    let updated = brand(vec![
        submitted(None),
        BrandEvent::BrandUpdateRequested {
            profile: profile("Acme Gifts"),
            changed_fields: vec!["displayName".into()],
        },
        BrandEvent::BrandUpdated {
            profile: profile("Acme Gifts"),
            changed_fields: vec!["displayName".into()],
        },
    ])
    .brand;
    assert_eq!(updated.pending_update, None);
    assert_eq!(updated.display_name, "Acme Gifts");
    assert_eq!(updated.profile, profile("Acme Gifts"));
}

#[test]
fn it_should_keep_an_appeal_from_filing_to_outcome_and_free_the_action_it_answered() {
    let brand = brand(vec![
        submitted(None),
        BrandEvent::BrandActionRequested {
            action: BrandAction::Appeal {
                categories: vec![AppealCategory::VerifyTaxId],
                explanation: None,
                evidence: vec!["BXYZ123/VA/letter".into()],
            },
        },
        BrandEvent::BrandAppealFiled {
            categories: vec![AppealCategory::VerifyTaxId],
            explanation: None,
            evidence: vec!["BXYZ123/VA/letter".into()],
        },
        BrandEvent::BrandAppealCompleted {
            outcome: Some("VERIFIED".into()),
            source: Source::Webhook,
        },
    ])
    .brand;
    assert_eq!(brand.pending_action, None);
    assert_eq!(brand.appeal_status, Some(AppealStatus::Complete));
    assert_eq!(
        brand.appeal,
        Some(json!({
            "categories": ["VERIFY_TAX_ID"], "explanation": null,
            "evidence": [{"attachmentId": "BXYZ123/VA/letter", "sha256": null}],
            "filedAt": at(4).recorded_at,
            "outcome": "VERIFIED", "completedAt": "2023-11-14T22:13:25+00:00",
        }))
    );
    assert_eq!(brand.sync_source, Some(Source::Webhook));
}

#[test]
fn it_should_show_a_vet_appeal_pending_then_with_tcr_s_decision() {
    let filed = |vetting_id: &str| BrandEvent::BrandVettingAppealFiled {
        provider: "AEGIS".into(),
        vetting_id: vetting_id.into(),
        categories: vec!["LOW_SCORE".into()],
        evidence: vec!["ab".repeat(32)],
        explanation: None,
    };
    let brand = brand(vec![
        submitted(None),
        filed("V1"),
        filed("V2"),
        BrandEvent::BrandVettingAppealCompleted {
            provider: "AEGIS".into(),
            vetting_id: "V1".into(),
            vet_status: Some("ACTIVE".into()),
            vet_score: Some(80),
            reasons: vec!["Revenue confirmed".into()],
            source: Source::Webhook,
        },
    ])
    .brand;
    let appeals = brand.vetting_appeals.as_array().expect("a list");
    assert_eq!(appeals[0]["status"], "COMPLETE", "{appeals:?}");
    assert_eq!(
        appeals[0]["outcome"],
        json!({"vetStatus": "ACTIVE", "vetScore": 80, "reasons": ["Revenue confirmed"]})
    );
    assert!(appeals[0]["completedAt"].is_string(), "{appeals:?}");
    assert_eq!(
        appeals[1]["status"], "PENDING",
        "the other vet's appeal waits: {appeals:?}"
    );
    assert_eq!(brand.sync_source, Some(Source::Webhook));
}

#[test]
fn it_should_hold_an_action_until_tcr_answers_and_a_deletion_for_good() {
    let waiting = brand(vec![
        submitted(None),
        BrandEvent::BrandActionRequested {
            action: BrandAction::Delete,
        },
    ])
    .brand;
    assert_eq!(waiting.pending_action, Some(BrandAction::Delete));
    let deleted = brand(vec![
        submitted(None),
        BrandEvent::BrandActionRequested {
            action: BrandAction::Delete,
        },
        BrandEvent::BrandDeleted {
            source: Source::Api,
        },
    ])
    .brand;
    assert_eq!(deleted.pending_action, None);
    assert_eq!(deleted.tcr_status, Some(TcrBrandStatus::Deleted.into()));
}

#[test]
fn it_should_keep_a_vetting_score_when_a_later_change_gives_none() {
    let vetting = VettingRecord {
        provider: "AEGIS".into(),
        vetting_id: "V1".into(),
        vetting_class: None,
        status: Some(VettingStatus::Active),
        score: Some(80),
        vetted_date: None,
    };
    let rows = brand(vec![
        submitted(None),
        BrandEvent::BrandVettingRecorded {
            vetting,
            imported: true,
            billed: false,
        },
        BrandEvent::BrandVettingStatusChanged {
            vetting_id: "V1".into(),
            provider: "AEGIS".into(),
            from: Some(VettingStatus::Active),
            to: VettingStatus::Expired,
            score: None,
            source: Source::Poll,
            observed_at: observed(5),
        },
    ]);
    let [vetting] = rows.vettings.as_slice() else {
        panic!("one vetting: {:?}", rows.vettings);
    };
    assert_eq!(vetting.status, Some(VettingStatus::Expired.into()));
    assert_eq!(vetting.score, Some(80));
    assert!(vetting.imported);
    assert_eq!(vetting.customer_id, rows.brand.customer_id);
    assert_eq!(vetting.created_at, at(3).recorded_at);
    assert_eq!(vetting.last_synced_at, Some(observed(5)));
    assert_eq!(vetting.last_sequence, 4);
    assert_eq!(rows.brand.updated_at, at(3).recorded_at);
}

#[test]
fn it_should_show_the_auth_plus_vet_with_its_email_and_resends() {
    // given an Auth+ vet ordered, its e-mail sent (seen at 5), and resent through tendlc
    let vetting = VettingRecord {
        provider: "AEGIS".into(),
        vetting_id: "VAP1".into(),
        vetting_class: Some(tendlc_domain::values::VettingClass::AuthPlus),
        status: Some(VettingStatus::Pending),
        score: None,
        vetted_date: None,
    };
    let resent_at = observed(9);
    let rows = brand(vec![
        submitted(None),
        BrandEvent::BrandVettingRecorded {
            vetting,
            imported: false,
            billed: true,
        },
        BrandEvent::BrandVettingStatusChanged {
            vetting_id: "VAP1".into(),
            provider: "AEGIS".into(),
            from: Some(VettingStatus::Pending),
            to: VettingStatus::Unscore,
            score: None,
            source: Source::Webhook,
            observed_at: observed(5),
        },
        BrandEvent::BrandActionRequested {
            action: BrandAction::ResendAuthPlusEmail {
                vetting_id: "VAP1".into(),
                requested_at: resent_at,
            },
        },
        BrandEvent::BrandAuthPlusEmailResent {
            vetting_id: "VAP1".into(),
            sent_at: resent_at,
        },
    ]);
    // then the row holds what the domain folds, and nothing is pending
    let auth_plus = rows.brand.auth_plus.expect("an Auth+ vet");
    assert_eq!(
        auth_plus.status(),
        tendlc_domain::brand::AuthPlusStatus::EmailSent
    );
    assert_eq!(auth_plus.email_sent_at, Some(resent_at));
    assert_eq!(auth_plus.resends, 1);
    assert_eq!(rows.brand.pending_action, None);
}
