//! Changing a campaign after creation: only the fields TCR lets change.

use super::*;

#[test]
fn it_should_let_only_tcr_s_changeable_fields_change() {
    let profile = CampaignProfile::parse(&valid(), &[]).unwrap();
    let changed = profile
        .with_changes(
            &json!({"sample1": "Acme Flowers: new spring bouquets! Reply STOP to opt out."}),
        )
        .unwrap();
    assert_eq!(profile.changed_fields(&changed), ["sample1"]);
    let errors = profile
        .with_changes(&json!({"usecase": "2FA", "mnoIds": [10017], "description": "short"}))
        .unwrap_err();
    assert_eq!(errors.fields(), ["usecase", "mnoIds", "description"]);
}

#[test]
fn it_should_let_the_reseller_change_only_once_to_none() {
    let with_reseller =
        CampaignProfile::parse(&with(json!({"resellerId": "R123456"})), &[]).unwrap();
    assert!(with_reseller
        .with_changes(&json!({"resellerId": NO_RESELLER}))
        .is_ok());
    assert_eq!(
        with_reseller
            .with_changes(&json!({"resellerId": "R999999"}))
            .unwrap_err()
            .fields(),
        ["resellerId"]
    );
    // TCR's ids are upper case: another spelling is the same reseller, sent as TCR spells it
    let lower = CampaignProfile::parse(&with(json!({"resellerId": "r123456"})), &[]).unwrap();
    assert_eq!(lower.reseller_id, "R123456");
    assert!(with_reseller
        .with_changes(&json!({"resellerId": "r123456"}))
        .is_ok());
    let without = CampaignProfile::parse(&valid(), &[]).unwrap();
    assert_eq!(
        without
            .with_changes(&json!({"resellerId": "R123456"}))
            .unwrap_err()
            .fields(),
        ["resellerId"]
    );
}
