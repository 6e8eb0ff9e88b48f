//! The state the events build, and `handle` recording exactly what `decide` returns.

use super::*;

#[test]
fn it_should_hold_the_requested_brand_as_pending() {
    let brand = state(vec![registration_requested()]);
    assert_eq!(
        brand,
        Brand {
            brand_id: Some(BRAND_ID.into()),
            customer_id: Some(CUSTOMER_ID.into()),
            reference_id: Some(REFERENCE_ID.to_string()),
            brand_relationship: Some(BrandRelationship::SmallAccount),
            profile: Some(profile()),
            status: Some(RegistrationStatus::Pending),
            tcr_brand_id: None,
            tcr_status: None,
            identity_status: None,
            pending_update: None,
            submission_attempts: 0,
            last_observed_at: None,
            ..Brand::default()
        },
        "a requested brand should be pending with nothing from TCR yet"
    );
}

#[test]
fn it_should_hold_the_tcr_brand_once_tcr_accepts_it() {
    let brand = state(registered(Some(IdentityStatus::Unverified)));
    assert_eq!(brand.status, Some(RegistrationStatus::Registered));
    assert_eq!(brand.tcr_brand_id, Some(TCR_BRAND_ID.into()));
    assert_eq!(brand.tcr_status, Some(TcrBrandStatus::Active.into()));
    assert_eq!(
        brand.identity_status,
        Some(IdentityStatus::Unverified.into())
    );
    assert_eq!(brand.submission_attempts, 1, "one submission was made");
}

#[test]
fn it_should_assume_an_active_tcr_brand_when_tcr_does_not_say() {
    let brand = state(vec![
        registration_requested(),
        BrandEvent::BrandSubmittedToTcr {
            tcr_brand_id: TCR_BRAND_ID.into(),
            reference_id: REFERENCE_ID.to_string(),
            tcr_status: None,
            identity_status: None,
            adopted: true,
        },
    ]);
    assert_eq!(brand.tcr_status, Some(TcrBrandStatus::Active.into()));
}

#[test]
fn it_should_reject_the_brand_after_a_non_retryable_tcr_refusal() {
    let error = TcrError::Rejected(vec![tcr_error(501, "Invalid EIN")]);
    assert!(!error.retryable(), "TCR code 501 should not be retryable");
    let brand = state(vec![registration_requested(), submission_failed(&error)]);
    assert_eq!(brand.status, Some(RegistrationStatus::Rejected));
    assert_eq!(brand.submission_attempts, 1);
    assert_eq!(brand.tcr_brand_id, None);
}

#[test]
fn it_should_keep_the_brand_pending_after_retryable_failures() {
    let failures = [
        TcrError::Rejected(vec![tcr_error(591, "Temporary failure")]),
        TcrError::Timeout,
        TcrError::ServerError { status: 500 },
        TcrError::ServerError { status: 503 },
        TcrError::RateLimited,
        TcrError::Unreachable("connection refused".to_string()),
    ];
    for error in failures {
        let events = decide(
            vec![registration_requested()],
            BrandCommand::RecordSubmissionFailed {
                error: error.clone(),
            },
        )
        .unwrap_or_else(|e| panic!("failure {error:?} of a pending brand was refused: {e}"));
        let mut history = vec![registration_requested()];
        history.extend(events);
        let brand = state(history);
        assert_eq!(
            brand.status,
            Some(RegistrationStatus::Pending),
            "a brand should stay pending after the retryable failure {error:?}"
        );
    }
}

#[test]
fn it_should_count_every_submission_attempt() {
    let mut history = vec![
        registration_requested(),
        submission_failed(&TcrError::Timeout),
        submission_failed(&TcrError::ServerError { status: 502 }),
    ];
    assert_eq!(state(history.clone()).submission_attempts, 2);
    history.push(submitted(Some(IdentityStatus::Unverified)));
    let brand = state(history);
    assert_eq!(brand.submission_attempts, 3, "two failures and one success");
    assert_eq!(brand.status, Some(RegistrationStatus::Registered));
}

#[test]
fn it_should_not_count_updates_as_submission_attempts() {
    let mut history = update_pending();
    history.push(BrandEvent::BrandUpdated {
        profile: changed_profile(),
        changed_fields: vec!["displayName".into(), "website".into()],
    });
    assert_eq!(state(history).submission_attempts, 1);
}

#[test]
fn it_should_hold_a_requested_update_as_pending_without_changing_the_profile() {
    let brand = state(update_pending());
    assert_eq!(brand.pending_update, Some(changed_profile()));
    assert_eq!(
        brand.profile,
        Some(profile()),
        "the profile should change only when TCR accepts the update"
    );
}

#[test]
fn it_should_replace_the_profile_and_clear_the_pending_update_when_tcr_accepts_it() {
    let mut history = update_pending();
    history.push(BrandEvent::BrandUpdated {
        profile: changed_profile(),
        changed_fields: vec!["displayName".into(), "website".into()],
    });
    let brand = state(history);
    assert_eq!(brand.profile, Some(changed_profile()));
    assert_eq!(brand.pending_update, None);
    assert_eq!(brand.status, Some(RegistrationStatus::Registered));
}

#[test]
fn it_should_keep_the_profile_and_clear_the_pending_update_when_the_update_fails() {
    let mut history = update_pending();
    history.push(BrandEvent::BrandUpdateFailed {
        reason: "rejected".to_string(),
        message: "TCR refused the request: 502 Invalid website".to_string(),
        tcr_errors: vec![tcr_error(502, "Invalid website")],
        retryable: false,
    });
    let brand = state(history);
    assert_eq!(brand.profile, Some(profile()));
    assert_eq!(brand.pending_update, None);
    assert_eq!(
        brand.status,
        Some(RegistrationStatus::Registered),
        "a failed update should not unregister the brand"
    );
}

#[test]
fn it_should_hold_the_latest_identity_status() {
    let mut history = registered(Some(IdentityStatus::Unverified));
    history.push(BrandEvent::BrandIdentityStatusChanged {
        from: Some(IdentityStatus::Unverified.into()),
        to: IdentityStatus::Verified.into(),
        source: Source::Webhook,
        observed_at: None,
    });
    assert_eq!(
        state(history).identity_status,
        Some(IdentityStatus::Verified.into())
    );
}

#[test]
fn it_should_record_through_handle_exactly_what_decide_returns() {
    let brand = state(update_pending());
    let command = BrandCommand::RecordUpdateAccepted {
        profile: changed_profile(),
        tcr: tcr_brand(TCR_BRAND_ID, Some(IdentityStatus::Verified)),
    };
    let decided = brand
        .decide(command.clone())
        .expect("the update is pending");
    BrandTest::with(())
        .given(update_pending())
        .when(command)
        .then_expect_events(decided);
}
