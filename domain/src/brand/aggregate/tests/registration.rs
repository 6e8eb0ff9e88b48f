//! Registering a brand: the request, TCR's acceptance or refusal, and giving up.

use super::*;

// -- RequestRegistration --------------------------------------------------------------------------

#[test]
fn it_should_record_a_registration_request_for_a_new_brand() {
    BrandTest::with(())
        .given_no_previous_events()
        .when(request_registration())
        .then_expect_events(vec![registration_requested()]);
}

#[test]
fn it_should_refuse_a_second_registration_request() {
    BrandTest::with(())
        .given(vec![registration_requested()])
        .when(request_registration())
        .then_expect_error(BrandError::AlreadyRequested);
}

#[test]
fn it_should_refuse_a_registration_request_for_a_brand_tcr_already_holds() {
    BrandTest::with(())
        .given(registered(None))
        .when(request_registration())
        .then_expect_error(BrandError::AlreadyRequested);
}

#[test]
fn it_should_refuse_a_registration_request_for_a_brand_tcr_rejected() {
    let error = TcrError::Rejected(vec![tcr_error(501, "Invalid EIN")]);
    BrandTest::with(())
        .given(vec![registration_requested(), submission_failed(&error)])
        .when(request_registration())
        .then_expect_error(BrandError::AlreadyRequested);
}

// -- RecordSubmissionAccepted ---------------------------------------------------------------------

#[test]
fn it_should_record_the_tcr_brand_when_tcr_accepts_the_submission() {
    BrandTest::with(())
        .given(vec![registration_requested()])
        .when(BrandCommand::RecordSubmissionAccepted {
            tcr: tcr_brand(TCR_BRAND_ID, Some(IdentityStatus::Unverified)),
            adopted: false,
        })
        .then_expect_events(vec![BrandEvent::BrandSubmittedToTcr {
            tcr_brand_id: TCR_BRAND_ID.into(),
            reference_id: REFERENCE_ID.to_string(),
            tcr_status: Some(TcrBrandStatus::Active.into()),
            identity_status: Some(IdentityStatus::Unverified.into()),
            adopted: false,
        }]);
}

#[test]
fn it_should_mark_a_brand_found_by_reference_as_adopted() {
    let mut tcr = tcr_brand(TCR_BRAND_ID, None);
    tcr.status = None;
    BrandTest::with(())
        .given(vec![registration_requested()])
        .when(BrandCommand::RecordSubmissionAccepted { tcr, adopted: true })
        .then_expect_events(vec![BrandEvent::BrandSubmittedToTcr {
            tcr_brand_id: TCR_BRAND_ID.into(),
            reference_id: REFERENCE_ID.to_string(),
            tcr_status: None,
            identity_status: None,
            adopted: true,
        }]);
}

#[test]
fn it_should_accept_a_submission_after_a_retryable_failure() {
    let error = TcrError::Timeout;
    BrandTest::with(())
        .given(vec![registration_requested(), submission_failed(&error)])
        .when(BrandCommand::RecordSubmissionAccepted {
            tcr: tcr_brand(TCR_BRAND_ID, Some(IdentityStatus::Unverified)),
            adopted: true,
        })
        .then_expect_events(vec![BrandEvent::BrandSubmittedToTcr {
            tcr_brand_id: TCR_BRAND_ID.into(),
            reference_id: REFERENCE_ID.to_string(),
            tcr_status: Some(TcrBrandStatus::Active.into()),
            identity_status: Some(IdentityStatus::Unverified.into()),
            adopted: true,
        }]);
}

#[test]
fn it_should_record_only_the_identity_change_when_tcr_accepts_the_same_brand_again() {
    BrandTest::with(())
        .given(registered(Some(IdentityStatus::Unverified)))
        .when(BrandCommand::RecordSubmissionAccepted {
            tcr: tcr_brand(TCR_BRAND_ID, Some(IdentityStatus::Verified)),
            adopted: true,
        })
        .then_expect_events(vec![BrandEvent::BrandIdentityStatusChanged {
            from: Some(IdentityStatus::Unverified.into()),
            to: IdentityStatus::Verified.into(),
            source: Source::Api,
            observed_at: None,
        }]);
}

#[test]
fn it_should_record_nothing_when_tcr_accepts_the_same_brand_again_unchanged() {
    BrandTest::with(())
        .given(registered(Some(IdentityStatus::Unverified)))
        .when(BrandCommand::RecordSubmissionAccepted {
            tcr: tcr_brand(TCR_BRAND_ID, Some(IdentityStatus::Unverified)),
            adopted: false,
        })
        .then_expect_events(vec![]);
}

#[test]
fn it_should_record_nothing_when_tcr_accepts_the_same_brand_again_without_an_identity_status() {
    BrandTest::with(())
        .given(registered(Some(IdentityStatus::Verified)))
        .when(BrandCommand::RecordSubmissionAccepted {
            tcr: tcr_brand(TCR_BRAND_ID, None),
            adopted: false,
        })
        .then_expect_events(vec![]);
}

#[test]
fn it_should_refuse_a_different_tcr_brand_for_a_brand_tcr_already_holds() {
    BrandTest::with(())
        .given(registered(Some(IdentityStatus::Unverified)))
        .when(BrandCommand::RecordSubmissionAccepted {
            tcr: tcr_brand("BOTHER99", Some(IdentityStatus::Unverified)),
            adopted: true,
        })
        .then_expect_error(BrandError::ConflictingTcrBrand {
            existing: TCR_BRAND_ID.into(),
            reported: "BOTHER99".into(),
        });
}

#[test]
fn it_should_refuse_an_accepted_submission_for_an_unknown_brand() {
    BrandTest::with(())
        .given_no_previous_events()
        .when(BrandCommand::RecordSubmissionAccepted {
            tcr: tcr_brand(TCR_BRAND_ID, None),
            adopted: false,
        })
        .then_expect_error(BrandError::NotFound);
}

// -- RecordSubmissionFailed -----------------------------------------------------------------------

#[test]
fn it_should_record_a_non_retryable_tcr_refusal_with_tcrs_errors() {
    let errors = vec![TcrApiError {
        code: 501,
        description: "Invalid EIN".to_string(),
        fields: vec!["ein".to_string()],
    }];
    BrandTest::with(())
        .given(vec![registration_requested()])
        .when(BrandCommand::RecordSubmissionFailed {
            error: TcrError::Rejected(errors.clone()),
        })
        .then_expect_events(vec![BrandEvent::BrandSubmissionFailed {
            reason: "rejected".to_string(),
            message: "TCR refused the request: 501 Invalid EIN".to_string(),
            tcr_errors: errors,
            retryable: false,
        }]);
}

#[test]
fn it_should_record_a_temporary_tcr_refusal_as_retryable() {
    let errors = vec![tcr_error(591, "Temporary failure, retry in 30 seconds")];
    BrandTest::with(())
        .given(vec![registration_requested()])
        .when(BrandCommand::RecordSubmissionFailed {
            error: TcrError::Rejected(errors.clone()),
        })
        .then_expect_events(vec![BrandEvent::BrandSubmissionFailed {
            reason: "rejected".to_string(),
            message: "TCR refused the request: 591 Temporary failure, retry in 30 seconds"
                .to_string(),
            tcr_errors: errors,
            retryable: true,
        }]);
}

#[test]
fn it_should_record_a_refusal_mixing_temporary_and_permanent_codes_as_not_retryable() {
    let errors = vec![
        tcr_error(591, "Temporary failure"),
        tcr_error(501, "Invalid EIN"),
    ];
    let events = decide(
        vec![registration_requested()],
        BrandCommand::RecordSubmissionFailed {
            error: TcrError::Rejected(errors),
        },
    )
    .expect("a failure of a pending brand should be recorded");
    assert!(
        matches!(
            events.as_slice(),
            [BrandEvent::BrandSubmissionFailed {
                retryable: false,
                ..
            }]
        ),
        "one permanent code should make the failure final, got {events:?}"
    );
}

#[test]
fn it_should_record_a_timeout_as_a_retryable_failure_without_tcr_errors() {
    BrandTest::with(())
        .given(vec![registration_requested()])
        .when(BrandCommand::RecordSubmissionFailed {
            error: TcrError::Timeout,
        })
        .then_expect_events(vec![BrandEvent::BrandSubmissionFailed {
            reason: "timeout".to_string(),
            message: "TCR did not answer in time".to_string(),
            tcr_errors: vec![],
            retryable: true,
        }]);
}

#[test]
fn it_should_record_a_tcr_server_error_as_a_retryable_failure() {
    BrandTest::with(())
        .given(vec![registration_requested()])
        .when(BrandCommand::RecordSubmissionFailed {
            error: TcrError::ServerError { status: 503 },
        })
        .then_expect_events(vec![BrandEvent::BrandSubmissionFailed {
            reason: "server_error".to_string(),
            message: "TCR failed with HTTP 503".to_string(),
            tcr_errors: vec![],
            retryable: true,
        }]);
}

#[test]
fn it_should_record_rejected_credentials_as_a_non_retryable_failure() {
    BrandTest::with(())
        .given(vec![registration_requested()])
        .when(BrandCommand::RecordSubmissionFailed {
            error: TcrError::Unauthorized,
        })
        .then_expect_events(vec![BrandEvent::BrandSubmissionFailed {
            reason: "unauthorized".to_string(),
            message: "TCR rejected the configured API credentials".to_string(),
            tcr_errors: vec![],
            retryable: false,
        }]);
}

#[test]
fn it_should_record_another_failure_after_a_retryable_one() {
    let first = TcrError::ServerError { status: 502 };
    let second = TcrError::RateLimited;
    BrandTest::with(())
        .given(vec![registration_requested(), submission_failed(&first)])
        .when(BrandCommand::RecordSubmissionFailed {
            error: second.clone(),
        })
        .then_expect_events(vec![submission_failed(&second)]);
}

#[test]
fn it_should_record_nothing_when_a_failure_arrives_after_registration() {
    BrandTest::with(())
        .given(registered(Some(IdentityStatus::Unverified)))
        .when(BrandCommand::RecordSubmissionFailed {
            error: TcrError::Timeout,
        })
        .then_expect_events(vec![]);
}

#[test]
fn it_should_record_nothing_when_a_failure_arrives_after_a_final_rejection() {
    let error = TcrError::Rejected(vec![tcr_error(501, "Invalid EIN")]);
    BrandTest::with(())
        .given(vec![registration_requested(), submission_failed(&error)])
        .when(BrandCommand::RecordSubmissionFailed {
            error: TcrError::Timeout,
        })
        .then_expect_events(vec![]);
}

#[test]
fn it_should_refuse_a_failed_submission_for_an_unknown_brand() {
    BrandTest::with(())
        .given_no_previous_events()
        .when(BrandCommand::RecordSubmissionFailed {
            error: TcrError::Timeout,
        })
        .then_expect_error(BrandError::NotFound);
}

// -- AbandonSubmission ----------------------------------------------------------------------------

#[test]
fn it_should_abandon_a_pending_submission_with_its_attempt_count() {
    BrandTest::with(())
        .given(vec![
            registration_requested(),
            BrandEvent::BrandSubmissionFailed {
                reason: "timeout".into(),
                message: "TCR did not answer in time".into(),
                tcr_errors: vec![],
                retryable: true,
            },
        ])
        .when(BrandCommand::AbandonSubmission {
            reason: "gave up after 1 attempt".into(),
        })
        .then_expect_events(vec![BrandEvent::BrandSubmissionAbandoned {
            attempts: 1,
            reason: "gave up after 1 attempt".into(),
        }]);
}

#[test]
fn it_should_not_abandon_a_registered_brand() {
    BrandTest::with(())
        .given(registered(None))
        .when(BrandCommand::AbandonSubmission { reason: "x".into() })
        .then_expect_events(vec![]);
}

#[test]
fn it_should_register_an_abandoned_brand_that_tcr_turns_out_to_hold() {
    let brand = state(vec![
        registration_requested(),
        BrandEvent::BrandSubmissionAbandoned {
            attempts: 10,
            reason: "x".into(),
        },
        BrandEvent::BrandSubmittedToTcr {
            tcr_brand_id: TCR_BRAND_ID.into(),
            reference_id: REFERENCE_ID.into(),
            tcr_status: None,
            identity_status: None,
            adopted: true,
        },
    ]);
    assert_eq!(brand.status, Some(RegistrationStatus::Registered));
}
