//! Trimming, blank values and the normalised forms that are stored.

use super::*;

#[test]
fn it_should_treat_blank_values_as_absent() {
    // given
    let draft = BrandDraft {
        display_name: s("   "),
        website: s(" \t "),
        first_name: s(""),
        ..private_profit()
    };
    // when
    let errors = refused(&draft);
    // then a blank optional or forbidden field is simply absent
    assert_error(&errors, "displayName", "is required");
    assert_only_errors_on(&errors, &["displayName"]);
}

#[test]
fn it_should_trim_every_value() {
    // given
    let draft = BrandDraft {
        entity_type: s(" PRIVATE_PROFIT "),
        display_name: s("  Acme Flowers  "),
        phone: s(" +12025550123\n"),
        email: s(" support@acmeflowers.com "),
        vertical: s(" RETAIL"),
        website: s(" https://acmeflowers.com "),
        ..private_profit()
    };
    // when
    let profile = parsed(&draft);
    // then
    assert_eq!(profile.display_name, "Acme Flowers");
    assert_eq!(profile.phone, "+12025550123");
    assert_eq!(profile.email, "support@acmeflowers.com");
    assert_eq!(profile.website.as_deref(), Some("https://acmeflowers.com"));
}

#[test]
fn it_should_store_a_us_ein_written_with_a_dash_as_nine_digits() {
    // given
    let draft = BrandDraft {
        ein: s("12-3456789"),
        ..private_profit()
    };
    // when
    let profile = parsed(&draft);
    // then
    assert_eq!(profile.ein.as_deref(), Some("123456789"));
}

#[test]
fn it_should_upper_case_a_lowercase_country_and_us_state() {
    // given
    let draft = BrandDraft {
        country: s("us"),
        state: s("ny"),
        ..private_profit()
    };
    // when
    let profile = parsed(&draft);
    // then
    assert_eq!(profile.country, "US");
    assert_eq!(profile.state, "NY");
}

#[test]
fn it_should_default_the_ein_issuing_country_to_us_for_organisations() {
    for (entity, draft) in organisations() {
        // given
        let draft = BrandDraft {
            ein_issuing_country: None,
            ..draft
        };
        // when
        let profile = parsed(&draft);
        // then
        assert_eq!(
            profile.ein_issuing_country.as_deref(),
            Some("US"),
            "{entity}"
        );
    }
}

#[test]
fn it_should_default_mock_to_false_and_keep_it_when_set() {
    // given
    let plain = private_profit();
    let mock = BrandDraft {
        mock: Some(true),
        ..private_profit()
    };
    // when / then
    assert!(!parsed(&plain).mock);
    assert!(parsed(&mock).mock);
}
