//! The alternate business id and its type.

use super::*;

#[test]
fn it_should_accept_an_alternate_business_id_with_its_type() {
    // given
    let draft = BrandDraft {
        alt_business_id: s("5493001KJTIIGC8Y1R12"),
        alt_business_id_type: s("LEI"),
        ..private_profit()
    };
    // when
    let profile = parsed(&draft);
    // then
    assert_eq!(
        profile.alt_business_id.as_deref(),
        Some("5493001KJTIIGC8Y1R12")
    );
    assert_eq!(profile.alt_business_id_type, Some(AltBusinessIdType::Lei));
}

#[test]
fn it_should_refuse_an_alternate_business_id_without_its_type() {
    // given
    let draft = BrandDraft {
        alt_business_id: s("123456789"),
        ..private_profit()
    };
    // when / then
    assert_refused_only_for(
        &draft,
        "altBusinessIdType",
        "is required when altBusinessId is given",
    );
}

#[test]
fn it_should_refuse_an_alternate_business_id_type_without_the_id() {
    // given
    let draft = BrandDraft {
        alt_business_id_type: s("DUNS"),
        ..private_profit()
    };
    // when / then
    assert_refused_only_for(
        &draft,
        "altBusinessId",
        "is required when altBusinessIdType is DUNS",
    );
}

#[test]
fn it_should_accept_the_none_alternate_business_id_type_without_an_id() {
    // given
    let draft = BrandDraft {
        alt_business_id_type: s("NONE"),
        ..private_profit()
    };
    // when
    let profile = parsed(&draft);
    // then
    assert_eq!(profile.alt_business_id_type, Some(AltBusinessIdType::None));
    assert_eq!(profile.alt_business_id, None);
}

#[test]
fn it_should_refuse_an_alternate_business_id_typed_none() {
    // given
    let draft = BrandDraft {
        alt_business_id: s("123456789"),
        alt_business_id_type: s("NONE"),
        ..private_profit()
    };
    // when / then
    assert_refused_only_for(&draft, "altBusinessIdType", "cannot be NONE");
}

#[test]
fn it_should_refuse_an_unknown_alternate_business_id_type_and_list_the_choices() {
    // given
    let draft = BrandDraft {
        alt_business_id: s("123456789"),
        alt_business_id_type: s("SSN"),
        ..private_profit()
    };
    // when
    let errors = refused(&draft);
    // then
    assert_error(&errors, "altBusinessIdType", "NONE, DUNS, GIIN, LEI");
    assert_only_errors_on(&errors, &["altBusinessIdType"]);
}
