//! Registering a campaign: the request, TCR's acceptance or refusal.

use super::*;

#[test]
fn it_should_record_a_request_then_tcr_s_acceptance() {
    CampaignTest::with(())
        .given_no_previous_events()
        .when(request())
        .then_expect_events(vec![requested()]);
    CampaignTest::with(())
        .given(vec![requested()])
        .when(CampaignCommand::RecordSubmissionAccepted {
            submission: TcrCampaignSubmission {
                campaign_id: TCR_CAMPAIGN_ID.into(),
                mno_metadata: BTreeMap::new(),
            },
            adopted: false,
        })
        .then_expect_events(vec![submitted()]);
}

#[test]
fn it_should_refuse_a_second_request_and_a_conflicting_tcr_campaign() {
    CampaignTest::with(())
        .given(vec![requested()])
        .when(request())
        .then_expect_error(CampaignError::AlreadyRequested);
    CampaignTest::with(())
        .given(registered())
        .when(CampaignCommand::RecordSubmissionAccepted {
            submission: TcrCampaignSubmission {
                campaign_id: "COTHER1".into(),
                mno_metadata: BTreeMap::new(),
            },
            adopted: true,
        })
        .then_expect_error(CampaignError::ConflictingTcrCampaign {
            existing: TCR_CAMPAIGN_ID.into(),
            reported: "COTHER1".into(),
        });
}

#[test]
fn it_should_record_a_refusal_as_final_and_a_timeout_as_retryable() {
    let refused = TcrError::Rejected(vec![TcrApiError {
        code: 509,
        description: "campaign rejected".into(),
        fields: vec![],
    }]);
    let mut campaign = Campaign::default();
    campaign.evolve(requested());
    let events = campaign
        .decide(CampaignCommand::RecordSubmissionFailed { error: refused })
        .unwrap();
    campaign.evolve(events[0].clone());
    assert_eq!(campaign.status, Some(RegistrationStatus::Rejected));

    let mut campaign = Campaign::default();
    campaign.evolve(requested());
    let events = campaign
        .decide(CampaignCommand::RecordSubmissionFailed {
            error: TcrError::Timeout,
        })
        .unwrap();
    campaign.evolve(events[0].clone());
    assert_eq!(campaign.status, Some(RegistrationStatus::Pending));
}
