//! Actions on a registered campaign (update, deactivate, resubmit, nudge, share): recorded before TCR is called, their outcome after.

use super::*;

#[test]
fn it_should_record_an_action_before_tcr_and_its_outcome_after() {
    let action = CampaignAction::Resubmit {
        mno_ids: vec![Mno::T_MOBILE],
    };
    CampaignTest::with(())
        .given(rejected_by_t_mobile())
        .when(CampaignCommand::RequestResubmission {
            mno_ids: vec![Mno::T_MOBILE],
        })
        .then_expect_events(vec![CampaignEvent::CampaignActionRequested {
            action: action.clone(),
        }]);
    let mut given = rejected_by_t_mobile();
    given.push(CampaignEvent::CampaignActionRequested {
        action: action.clone(),
    });
    CampaignTest::with(())
        .given(given.clone())
        .when(CampaignCommand::RecordActionAccepted {
            answer: ActionAnswer::None,
        })
        .then_expect_events(vec![CampaignEvent::CampaignResubmitted {
            mno_ids: vec![Mno::T_MOBILE],
            mno_terms: BTreeMap::new(),
        }]);
    CampaignTest::with(())
        .given(given.clone())
        .when(CampaignCommand::RequestDeactivation)
        .then_expect_error(CampaignError::ActionPending("resubmit"));
    CampaignTest::with(())
        .given(given)
        .when(CampaignCommand::RecordActionFailed {
            error: TcrError::ServerError { status: 503 },
        })
        .then_expect_events(vec![CampaignEvent::CampaignActionFailed {
            action: "resubmit".into(),
            reason: TcrError::ServerError { status: 503 }.kind().into(),
            message: TcrError::ServerError { status: 503 }.to_string(),
            tcr_errors: vec![],
            retryable: true,
        }]);
}

#[test]
fn it_should_free_a_campaign_whose_action_was_interrupted() {
    let mut given = registered();
    given.push(CampaignEvent::CampaignActionRequested {
        action: CampaignAction::Deactivate,
    });
    CampaignTest::with(())
        .given(given)
        .when(CampaignCommand::AbandonAction {
            reason: "no answer was recorded".into(),
            tcr: None,
        })
        .then_expect_events(vec![CampaignEvent::CampaignActionFailed {
            action: "deactivate".into(),
            reason: "interrupted".into(),
            message: "no answer was recorded".into(),
            tcr_errors: vec![],
            retryable: true,
        }]);
    CampaignTest::with(())
        .given(registered())
        .when(CampaignCommand::AbandonAction {
            reason: "no answer was recorded".into(),
            tcr: None,
        })
        .then_expect_events(vec![]);
}

#[test]
fn it_should_refuse_a_nudge_that_makes_no_sense() {
    CampaignTest::with(())
        .given(registered())
        .when(CampaignCommand::RequestNudge {
            intent: NudgeIntent::AppealRejection,
            description: "please look again".into(),
        })
        .then_expect_error(CampaignError::NotApplicable(
            "a APPEAL_REJECTION nudge needs a carrier in REJECTED; none is".into(),
        ));
    CampaignTest::with(())
        .given(rejected_by_t_mobile())
        .when(CampaignCommand::RequestNudge {
            intent: NudgeIntent::AppealRejection,
            description: "samples fixed".into(),
        })
        .then_expect_events(vec![CampaignEvent::CampaignActionRequested {
            action: CampaignAction::Nudge {
                intent: NudgeIntent::AppealRejection,
                description: "samples fixed".into(),
            },
        }]);
}

#[test]
fn it_should_refuse_everything_but_deactivation_once_expired() {
    let mut given = registered();
    given.push(CampaignEvent::CampaignActionRequested {
        action: CampaignAction::Deactivate,
    });
    given.push(CampaignEvent::CampaignDeactivated {
        source: Source::Api,
    });
    CampaignTest::with(())
        .given(given.clone())
        .when(CampaignCommand::RequestResubmission {
            mno_ids: vec![Mno::ATT],
        })
        .then_expect_error(CampaignError::Expired);
    CampaignTest::with(())
        .given(given)
        .when(CampaignCommand::RequestDeactivation)
        .then_expect_events(vec![]);
}

#[test]
fn it_should_share_once_until_the_partner_declines() {
    let mut given = registered();
    given.push(CampaignEvent::CampaignActionRequested {
        action: CampaignAction::Share {
            upstream_cnp_id: "CNP0001".into(),
        },
    });
    CampaignTest::with(())
        .given(given.clone())
        .when(CampaignCommand::RecordActionAccepted {
            // TCR's "" for no explanation is no explanation
            answer: ActionAnswer::Shared(TcrSharing {
                upstream_cnp_id: Some("CNP0001".into()),
                sharing_status: SharingStatus::Pending.into(),
                explanation: Some(String::new()),
            }),
        })
        .then_expect_events(vec![CampaignEvent::CampaignSharingChanged {
            upstream_cnp_id: Some("CNP0001".into()),
            from: None,
            to: SharingStatus::Pending.into(),
            explanation: None,
            source: Source::Api,
        }]);
    given.push(CampaignEvent::CampaignSharingChanged {
        upstream_cnp_id: Some("CNP0001".into()),
        from: None,
        to: SharingStatus::Pending.into(),
        explanation: None,
        source: Source::Api,
    });
    let campaign = state_after(given.clone());
    assert!(matches!(
        campaign.decide(CampaignCommand::RequestSharing {
            upstream_cnp_id: "CNP0002".into()
        }),
        Err(CampaignError::NotApplicable(_))
    ));
    given.push(CampaignEvent::CampaignSharingChanged {
        upstream_cnp_id: Some("CNP0001".into()),
        from: Some(SharingStatus::Pending.into()),
        to: SharingStatus::Declined.into(),
        explanation: Some("call to action unclear".into()),
        source: Source::Webhook,
    });
    CampaignTest::with(())
        .given(given)
        .when(CampaignCommand::RequestSharing {
            upstream_cnp_id: "CNP0002".into(),
        })
        .then_expect_events(vec![CampaignEvent::CampaignActionRequested {
            action: CampaignAction::Share {
                upstream_cnp_id: "CNP0002".into(),
            },
        }]);
}

#[test]
fn it_should_record_nothing_for_an_update_that_changes_nothing() {
    CampaignTest::with(())
        .given(registered())
        .when(CampaignCommand::RequestUpdate { profile: profile() })
        .then_expect_events(vec![]);
}

#[test]
fn it_should_record_a_change_a_crash_cut_off_as_applied_when_tcr_holds_it() {
    // given a change of the description, sent to TCR, whose answer was never recorded
    let mut changed = profile();
    changed.description =
        "One-time passcodes for Acme Flowers customers signing in and out.".into();
    let changed_fields = profile().changed_fields(&changed);
    let mut given = registered();
    given.push(CampaignEvent::CampaignActionRequested {
        action: CampaignAction::Update {
            profile: Box::new(changed.clone()),
            changed_fields: changed_fields.clone(),
        },
    });
    let read_again = |description: &str| TcrCampaign {
        campaign_id: TCR_CAMPAIGN_ID.into(),
        held: [("description".to_string(), json!(description))].into(),
        ..TcrCampaign::default()
    };
    // when TCR, read again, holds the new description: it is recorded as applied
    CampaignTest::with(())
        .given(given.clone())
        .when(CampaignCommand::AbandonAction {
            reason: "no answer was recorded".into(),
            tcr: Some(read_again(&changed.description)),
        })
        .then_expect_events(vec![CampaignEvent::CampaignUpdated {
            profile: changed,
            changed_fields,
        }]);
    // and when TCR still holds the old one, the change was interrupted
    CampaignTest::with(())
        .given(given)
        .when(CampaignCommand::AbandonAction {
            reason: "no answer was recorded".into(),
            tcr: Some(read_again(&profile().description)),
        })
        .then_expect_events(vec![CampaignEvent::CampaignActionFailed {
            action: "update".into(),
            reason: "interrupted".into(),
            message: "no answer was recorded".into(),
            tcr_errors: vec![],
            retryable: true,
        }]);
}

#[test]
fn it_should_take_a_file_tcr_already_holds_on_the_campaign_as_attached() {
    use crate::attachment::{AttachmentUse, FileRef};
    let file = FileRef {
        sha256: "ab".repeat(32),
        size_bytes: 10,
        content_type: "image/gif".into(),
    };
    let mut given = registered();
    given.push(CampaignEvent::CampaignActionRequested {
        action: CampaignAction::AttachFile {
            purpose: AttachmentUse::MmsSample,
            file: file.clone(),
        },
    });
    given.push(CampaignEvent::CampaignFileAttached {
        purpose: AttachmentUse::MmsSample,
        file: file.clone(),
        attachment_id: "C1/MMS/x".into(),
    });
    // when the same file is attached as MMS media again, then nothing is recorded or sent
    CampaignTest::with(())
        .given(given.clone())
        .when(CampaignCommand::RequestFileAttachment {
            purpose: AttachmentUse::MmsSample,
            file: file.clone(),
        })
        .then_expect_events(vec![]);
    // but as a supporting document it is a new attachment
    CampaignTest::with(())
        .given(given)
        .when(CampaignCommand::RequestFileAttachment {
            purpose: AttachmentUse::SupportingDocument,
            file: file.clone(),
        })
        .then_expect_events(vec![CampaignEvent::CampaignActionRequested {
            action: CampaignAction::AttachFile {
                purpose: AttachmentUse::SupportingDocument,
                file,
            },
        }]);
}
