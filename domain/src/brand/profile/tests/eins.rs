//! US EINs and foreign tax ids, by issuing country.

use super::*;

#[test]
fn it_should_refuse_a_us_ein_that_is_not_nine_digits() {
    for ein in [
        "12345678",
        "1234567890",
        "123-456789",
        "12-345-6789",
        "ABCDEFGHI",
        "12 3456789",
    ] {
        // given
        let draft = BrandDraft {
            ein: s(ein),
            ..private_profit()
        };
        // when / then
        assert_refused_only_for(&draft, "ein", "must be 9 digits for a US EIN");
    }
}

#[test]
fn it_should_apply_the_us_ein_rule_when_the_issuing_country_is_us() {
    // given
    let draft = BrandDraft {
        ein_issuing_country: s("us"),
        ein: s("GB123"),
        ..private_profit()
    };
    // when / then
    assert_refused_only_for(&draft, "ein", "must be 9 digits for a US EIN");
}

#[test]
fn it_should_accept_a_foreign_tax_id_as_written() {
    // given
    let draft = BrandDraft {
        ein_issuing_country: s("gb"),
        ein: s("GB-123ABC456"),
        ..private_profit()
    };
    // when
    let profile = parsed(&draft);
    // then
    assert_eq!(profile.ein.as_deref(), Some("GB-123ABC456"));
    assert_eq!(profile.ein_issuing_country.as_deref(), Some("GB"));
}

#[test]
fn it_should_refuse_a_foreign_tax_id_with_other_characters_or_too_long() {
    // given
    let odd = BrandDraft {
        ein_issuing_country: s("DE"),
        ein: s("12/345 678"),
        ..private_profit()
    };
    let long = BrandDraft {
        ein_issuing_country: s("DE"),
        ein: Some("1".repeat(22)),
        ..private_profit()
    };
    // when / then
    assert_refused_only_for(&odd, "ein", "letters, digits and hyphens");
    assert_refused_only_for(&long, "ein", "at most 21 characters");
}

#[test]
fn it_should_refuse_an_unknown_ein_issuing_country() {
    // given
    let draft = BrandDraft {
        ein_issuing_country: s("USA"),
        ..private_profit()
    };
    // when / then
    assert_refused_only_for(&draft, "einIssuingCountry", "ISO 3166-1 alpha-2");
}
