//! TCR's `CampaignRequest` rules, field by field: required, lengths, keywords, links, choices.

use super::*;

#[test]
fn it_should_accept_a_complete_campaign_with_tcr_defaults() {
    let profile = CampaignProfile::parse(&valid(), &[]).expect("valid");
    assert_eq!(profile.samples.len(), 2);
    assert_eq!(profile.reseller_id, NO_RESELLER);
    assert!(profile.auto_renewal && profile.terms_and_conditions);
    assert_eq!(profile.mno_ids, Mno::all());
}

#[test]
fn it_should_name_every_missing_required_field() {
    let fields = fields_of(json!({}));
    for field in ["usecase", "description", "messageFlow", "sample1"] {
        assert!(fields.contains(&field.to_string()), "{field} in {fields:?}");
    }
}

#[test]
fn it_should_enforce_tcr_s_lengths() {
    assert_eq!(
        fields_of(with(json!({"description": "too short"}))),
        ["description"]
    );
    assert_eq!(
        fields_of(with(json!({"messageFlow": "x".repeat(4097)}))),
        ["messageFlow"]
    );
    assert_eq!(fields_of(with(json!({"sample2": "short"}))), ["sample2"]);
    assert_eq!(
        fields_of(with(json!({"helpMessage": "x".repeat(1025)}))),
        ["helpMessage"]
    );
    assert_eq!(
        fields_of(with(json!({"resellerId": "R0000000001"}))),
        ["resellerId"]
    );
    assert_eq!(
        fields_of(with(json!({"privacyPolicyLink": "acme"}))),
        ["privacyPolicyLink"]
    );
}

#[test]
fn it_should_require_messages_and_keywords_for_each_flag_set() {
    let fields = fields_of(with(json!({
        "optoutMessage": null, "optoutKeywords": null, "helpKeywords": null
    })));
    assert_eq!(fields, ["optoutMessage", "optoutKeywords", "helpKeywords"]);
    let unflagged = with(json!({
        "subscriberHelp": false, "helpKeywords": null, "helpMessage": null
    }));
    assert_eq!(fields_of(unflagged), Vec::<String>::new());
}

#[test]
fn it_should_refuse_malformed_keywords_shorteners_and_gaps() {
    assert_eq!(
        fields_of(with(json!({"optoutKeywords": "STOP, QUIT"}))),
        ["optoutKeywords"]
    );
    assert_eq!(
        fields_of(with(
            json!({"sample1": "Get 20% off at https://bit.ly/abc today, reply STOP"})
        )),
        ["sample1"]
    );
    assert_eq!(
        fields_of(with(
            json!({"sample2": null, "sample3": "A third sample that is long enough"})
        )),
        ["sample3"]
    );
    assert_eq!(
        fields_of(with(json!({"embeddedLinkSample": "https://acme.com/x"}))),
        ["embeddedLinkSample"],
        "a link sample needs embeddedLink"
    );
}

#[test]
fn it_should_refuse_unknown_use_cases_carriers_fields_and_types() {
    assert_eq!(fields_of(with(json!({"usecase": "SPAM"}))), ["usecase"]);
    assert_eq!(
        fields_of(with(json!({"subUsecases": ["2FA", "NOPE"]}))),
        ["subUsecases[1]"]
    );
    assert_eq!(
        fields_of(with(json!({"mnoIds": [10017, 99999]}))),
        ["mnoIds[1]"]
    );
    assert_eq!(fields_of(with(json!({"colour": "red"}))), ["colour"]);
    assert_eq!(
        fields_of(with(json!({"numberPool": "yes"}))),
        ["numberPool"]
    );
    assert_eq!(
        fields_of(with(json!({"termsAndConditions": false}))),
        ["termsAndConditions"]
    );
}
