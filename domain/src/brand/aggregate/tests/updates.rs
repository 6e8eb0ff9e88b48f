//! Changing a registered brand's profile: the request and TCR's answer.

use super::*;

// -- RequestUpdate --------------------------------------------------------------------------------

#[test]
fn it_should_refuse_an_update_of_an_unknown_brand() {
    BrandTest::with(())
        .given_no_previous_events()
        .when(BrandCommand::RequestUpdate {
            profile: changed_profile(),
            confirm_auth_plus_revocation: false,
        })
        .then_expect_error(BrandError::NotFound);
}

#[test]
fn it_should_refuse_an_update_before_tcr_holds_the_brand() {
    BrandTest::with(())
        .given(vec![registration_requested()])
        .when(BrandCommand::RequestUpdate {
            profile: changed_profile(),
            confirm_auth_plus_revocation: false,
        })
        .then_expect_error(BrandError::NotRegistered("PENDING"));
}

#[test]
fn it_should_refuse_an_update_of_a_rejected_brand() {
    let error = TcrError::Rejected(vec![tcr_error(501, "Invalid EIN")]);
    BrandTest::with(())
        .given(vec![registration_requested(), submission_failed(&error)])
        .when(BrandCommand::RequestUpdate {
            profile: changed_profile(),
            confirm_auth_plus_revocation: false,
        })
        .then_expect_error(BrandError::NotRegistered("REJECTED"));
}

#[test]
fn it_should_record_nothing_when_an_update_changes_nothing() {
    BrandTest::with(())
        .given(registered(Some(IdentityStatus::Unverified)))
        .when(BrandCommand::RequestUpdate {
            profile: profile(),
            confirm_auth_plus_revocation: false,
        })
        .then_expect_events(vec![]);
}

#[test]
fn it_should_record_an_update_request_naming_the_changed_fields() {
    BrandTest::with(())
        .given(registered(Some(IdentityStatus::Unverified)))
        .when(BrandCommand::RequestUpdate {
            profile: changed_profile(),
            confirm_auth_plus_revocation: false,
        })
        .then_expect_events(vec![BrandEvent::BrandUpdateRequested {
            profile: changed_profile(),
            changed_fields: vec!["displayName".into(), "website".into()],
        }]);
}

#[test]
fn it_should_compare_an_update_with_the_profile_tcr_last_accepted() {
    let accepted = vec![BrandEvent::BrandUpdated {
        profile: changed_profile(),
        changed_fields: vec!["displayName".into(), "website".into()],
    }];
    let mut history = update_pending();
    history.extend(accepted);
    BrandTest::with(())
        .given(history)
        .when(BrandCommand::RequestUpdate {
            profile: profile(),
            confirm_auth_plus_revocation: false,
        })
        .then_expect_events(vec![BrandEvent::BrandUpdateRequested {
            profile: profile(),
            changed_fields: vec!["displayName".into(), "website".into()],
        }]);
}

// -- RecordUpdateAccepted -------------------------------------------------------------------------

#[test]
fn it_should_record_the_update_when_tcr_accepts_the_pending_profile() {
    BrandTest::with(())
        .given(update_pending())
        .when(BrandCommand::RecordUpdateAccepted {
            profile: changed_profile(),
            tcr: tcr_brand(TCR_BRAND_ID, Some(IdentityStatus::Unverified)),
        })
        .then_expect_events(vec![BrandEvent::BrandUpdated {
            profile: changed_profile(),
            changed_fields: vec!["displayName".into(), "website".into()],
        }]);
}

#[test]
fn it_should_record_the_update_and_the_identity_change_tcr_reports_with_it() {
    BrandTest::with(())
        .given(update_pending())
        .when(BrandCommand::RecordUpdateAccepted {
            profile: changed_profile(),
            tcr: tcr_brand(TCR_BRAND_ID, Some(IdentityStatus::Verified)),
        })
        .then_expect_events(vec![
            BrandEvent::BrandUpdated {
                profile: changed_profile(),
                changed_fields: vec!["displayName".into(), "website".into()],
            },
            BrandEvent::BrandIdentityStatusChanged {
                from: Some(IdentityStatus::Unverified.into()),
                to: IdentityStatus::Verified.into(),
                source: Source::Api,
                observed_at: None,
            },
        ]);
}

#[test]
fn it_should_refuse_a_second_update_while_one_waits_for_tcr() {
    BrandTest::with(())
        .given(update_pending())
        .when(BrandCommand::RequestUpdate {
            profile: profile(),
            confirm_auth_plus_revocation: false,
        })
        .then_expect_error(BrandError::ActionPending("update"));
}

#[test]
fn it_should_record_an_update_a_crash_cut_off_as_applied_when_tcr_holds_it() {
    // given an update of the display name, sent to TCR, whose answer was never recorded
    let given = update_pending();
    let pending = match given.last() {
        Some(BrandEvent::BrandUpdateRequested { profile, .. }) => profile.clone(),
        other => panic!("fixture ends with the update request, not {other:?}"),
    };
    // when TCR, read again, holds the new name and website
    let mut tcr = tcr_brand(TCR_BRAND_ID, Some(IdentityStatus::Verified));
    tcr.display_name = Some(pending.display_name.clone());
    tcr.held
        .insert("website".into(), pending.website.clone().into());
    BrandTest::with(())
        .given(given)
        .when(BrandCommand::AbandonAction {
            reason: "no answer was recorded".into(),
            tcr: Some(tcr),
        })
        // then the update is recorded as what TCR holds
        .then_expect_events(vec![BrandEvent::BrandUpdated {
            changed_fields: profile().changed_fields(&pending),
            profile: pending,
        }]);
}

#[test]
fn it_should_free_an_update_tcr_does_not_hold_as_interrupted() {
    BrandTest::with(())
        .given(update_pending())
        .when(BrandCommand::AbandonAction {
            reason: "no answer was recorded".into(),
            tcr: Some(tcr_brand(TCR_BRAND_ID, Some(IdentityStatus::Verified))),
        })
        .then_expect_events(vec![BrandEvent::BrandUpdateFailed {
            reason: "interrupted".into(),
            message: "no answer was recorded".into(),
            tcr_errors: vec![],
            retryable: true,
        }]);
}

#[test]
fn it_should_free_an_update_that_a_crash_cut_off() {
    BrandTest::with(())
        .given(update_pending())
        .when(BrandCommand::AbandonAction {
            reason: "no answer was recorded".into(),
            tcr: None,
        })
        .then_expect_events(vec![BrandEvent::BrandUpdateFailed {
            reason: "interrupted".into(),
            message: "no answer was recorded".into(),
            tcr_errors: vec![],
            retryable: true,
        }]);
}

#[test]
fn it_should_refuse_an_accepted_update_when_none_is_pending() {
    BrandTest::with(())
        .given(registered(Some(IdentityStatus::Unverified)))
        .when(BrandCommand::RecordUpdateAccepted {
            profile: changed_profile(),
            tcr: tcr_brand(TCR_BRAND_ID, Some(IdentityStatus::Unverified)),
        })
        .then_expect_error(BrandError::NoUpdatePending);
}

#[test]
fn it_should_refuse_an_accepted_update_for_a_profile_other_than_the_pending_one() {
    BrandTest::with(())
        .given(update_pending())
        .when(BrandCommand::RecordUpdateAccepted {
            profile: profile(),
            tcr: tcr_brand(TCR_BRAND_ID, Some(IdentityStatus::Unverified)),
        })
        .then_expect_error(BrandError::NoUpdatePending);
}

#[test]
fn it_should_refuse_an_accepted_update_before_tcr_holds_the_brand() {
    BrandTest::with(())
        .given(vec![registration_requested()])
        .when(BrandCommand::RecordUpdateAccepted {
            profile: changed_profile(),
            tcr: tcr_brand(TCR_BRAND_ID, None),
        })
        .then_expect_error(BrandError::NotRegistered("PENDING"));
}

#[test]
fn it_should_refuse_an_accepted_update_for_an_unknown_brand() {
    BrandTest::with(())
        .given_no_previous_events()
        .when(BrandCommand::RecordUpdateAccepted {
            profile: changed_profile(),
            tcr: tcr_brand(TCR_BRAND_ID, None),
        })
        .then_expect_error(BrandError::NotFound);
}

// -- RecordUpdateFailed ---------------------------------------------------------------------------

#[test]
fn it_should_record_a_failed_update_with_tcrs_errors() {
    let errors = vec![tcr_error(502, "Invalid website")];
    BrandTest::with(())
        .given(update_pending())
        .when(BrandCommand::RecordUpdateFailed {
            error: TcrError::Rejected(errors.clone()),
        })
        .then_expect_events(vec![BrandEvent::BrandUpdateFailed {
            reason: "rejected".to_string(),
            message: "TCR refused the request: 502 Invalid website".to_string(),
            tcr_errors: errors,
            retryable: false,
        }]);
}

#[test]
fn it_should_record_a_timed_out_update_as_retryable() {
    BrandTest::with(())
        .given(update_pending())
        .when(BrandCommand::RecordUpdateFailed {
            error: TcrError::Timeout,
        })
        .then_expect_events(vec![BrandEvent::BrandUpdateFailed {
            reason: "timeout".to_string(),
            message: "TCR did not answer in time".to_string(),
            tcr_errors: vec![],
            retryable: true,
        }]);
}

#[test]
fn it_should_refuse_a_failed_update_when_none_is_pending() {
    BrandTest::with(())
        .given(registered(Some(IdentityStatus::Unverified)))
        .when(BrandCommand::RecordUpdateFailed {
            error: TcrError::Timeout,
        })
        .then_expect_error(BrandError::NoUpdatePending);
}

#[test]
fn it_should_refuse_a_second_answer_to_an_update_that_already_failed() {
    let mut history = update_pending();
    history.push(BrandEvent::BrandUpdateFailed {
        reason: "timeout".to_string(),
        message: "TCR did not answer in time".to_string(),
        tcr_errors: vec![],
        retryable: true,
    });
    BrandTest::with(())
        .given(history)
        .when(BrandCommand::RecordUpdateAccepted {
            profile: changed_profile(),
            tcr: tcr_brand(TCR_BRAND_ID, None),
        })
        .then_expect_error(BrandError::NoUpdatePending);
}

#[test]
fn it_should_refuse_a_failed_update_before_tcr_holds_the_brand() {
    BrandTest::with(())
        .given(vec![registration_requested()])
        .when(BrandCommand::RecordUpdateFailed {
            error: TcrError::Timeout,
        })
        .then_expect_error(BrandError::NotRegistered("PENDING"));
}
