//! The carriers' demands from TCR's qualification of a use case.

use std::collections::BTreeMap;

use super::*;
use crate::tcr::{MnoTerms, UsecaseQualification};

fn terms(min_samples: u32, require_help: bool) -> UsecaseQualification {
    let carrier = MnoTerms {
        qualify: Some(true),
        min_msg_samples: Some(min_samples),
        req_subscriber_help: Some(require_help),
        ..MnoTerms::default()
    };
    UsecaseQualification {
        usecase: "MARKETING".into(),
        min_sub_usecases: Some(0),
        max_sub_usecases: Some(0),
        mno_metadata: BTreeMap::from([
            (Mno::ATT.key(), carrier.clone()),
            (Mno::T_MOBILE.key(), carrier),
        ]),
        ..UsecaseQualification::default()
    }
}

#[test]
fn it_should_apply_the_carriers_demands_from_qualification() {
    let profile = CampaignProfile::parse(
        &with(json!({"subscriberHelp": false, "helpKeywords": null, "helpMessage": null})),
        &[],
    )
    .unwrap();
    assert!(profile.check_qualification(&terms(2, false)).is_ok());
    let errors = profile.check_qualification(&terms(3, true)).unwrap_err();
    let fields = errors.fields();
    assert!(fields.contains(&"sample3"), "{errors}");
    assert!(fields.contains(&"subscriberHelp"), "{errors}");
    assert!(
        errors.to_string().contains("AT&T"),
        "names the carrier: {errors}"
    );

    let mixed = CampaignProfile::parse(&with(json!({"subUsecases": ["2FA"]})), &[]).unwrap();
    assert_eq!(
        mixed
            .check_qualification(&terms(1, false))
            .unwrap_err()
            .fields(),
        ["subUsecases"]
    );
}

#[test]
fn it_should_refuse_a_use_case_no_chosen_carrier_takes() {
    let profile = CampaignProfile::parse(&with(json!({"mnoIds": [10035]})), &[]).unwrap();
    let mut qualification = terms(1, false);
    qualification
        .mno_metadata
        .get_mut(&Mno::T_MOBILE.key())
        .unwrap()
        .qualify = Some(false);
    let fields = profile.check_qualification(&qualification).unwrap_err();
    assert_eq!(fields.fields(), ["mnoIds", "usecase"]);
}
