//! Country codes, US states and ZIP codes.

use super::*;
use crate::brand::profile::formats::{country_code, ISO_3166_ALPHA_2};
use crate::brand::profile::Places;

#[test]
fn it_should_know_all_249_iso_3166_country_codes() {
    // given / when
    let codes = ISO_3166_ALPHA_2;
    // then
    assert_eq!(codes.len(), 249);
    assert!(
        codes.windows(2).all(|w| w[0] < w[1]),
        "codes must be sorted and unique"
    );
    for code in ["US", "CA", "GB", "AX", "SS", "XK"] {
        let known = country_code(code, &Places::built_in()).is_ok();
        assert_eq!(
            known,
            code != "XK",
            "{code}: XK is user-assigned, the rest official"
        );
    }
}

#[test]
fn it_should_refuse_a_country_that_is_not_an_iso_alpha_2_code() {
    for country in ["USA", "XX", "U", "United States", "U5"] {
        // given
        let draft = BrandDraft {
            country: s(country),
            ..private_profit()
        };
        // when / then
        assert_refused_only_for(&draft, "country", "ISO 3166-1 alpha-2");
    }
}

#[test]
fn it_should_accept_us_states_dc_and_territories() {
    for state in ["AL", "WY", "DC", "PR", "VI", "GU", "AS", "MP", "ca"] {
        // given
        let draft = BrandDraft {
            state: s(state),
            ..private_profit()
        };
        // when
        let profile = parsed(&draft);
        // then
        assert_eq!(profile.state, state.to_ascii_uppercase());
    }
}

#[test]
fn it_should_refuse_a_us_state_that_is_not_a_two_letter_code() {
    for state in ["New York", "XX", "N", "NYC", "ON"] {
        // given
        let draft = BrandDraft {
            state: s(state),
            ..private_profit()
        };
        // when / then
        assert_refused_only_for(&draft, "state", "2-letter code of a US state");
    }
}

#[test]
fn it_should_accept_a_five_digit_zip_and_zip_plus_four() {
    for zip in ["10001", "10001-1234", "00501"] {
        // given
        let draft = BrandDraft {
            postal_code: s(zip),
            ..private_profit()
        };
        // when
        let profile = parsed(&draft);
        // then
        assert_eq!(profile.postal_code, zip);
    }
}

#[test]
fn it_should_refuse_a_us_postal_code_that_is_not_a_zip_code() {
    for zip in [
        "1000",
        "100011",
        "100011234",
        "10001-12",
        "10001 1234",
        "ABCDE",
        "10001-",
    ] {
        // given
        let draft = BrandDraft {
            postal_code: s(zip),
            ..private_profit()
        };
        // when / then
        assert_refused_only_for(&draft, "postalCode", "5-digit US ZIP code");
    }
}

#[test]
fn it_should_apply_the_us_rules_to_a_lowercase_us_country() {
    // given
    let draft = BrandDraft {
        country: s("us"),
        postal_code: s("ABC"),
        ..private_profit()
    };
    // when / then
    assert_refused_only_for(&draft, "postalCode", "ZIP");
}

#[test]
fn it_should_take_tcrs_lists_of_countries_and_states_when_given_them() {
    // given: TCR lists fewer countries than ISO (here, no GB) and the US states it knows
    let places = Places::from_tcr(
        ["US", "CA"].map(String::from),
        ["NY", "CA"].map(String::from),
    );
    let draft = BrandDraft {
        country: s("GB"),
        ..private_profit()
    };
    // when / then
    let errors = BrandProfile::parse_in(&draft, &places).expect_err("GB is not in TCR's list");
    assert!(
        errors.0.iter().any(|e| e.field == "country"),
        "a country TCR does not list is refused: {errors:?}"
    );
    let in_texas = BrandDraft {
        state: s("TX"),
        ..private_profit()
    };
    let errors = BrandProfile::parse_in(&in_texas, &places).expect_err("TX is not in this list");
    assert!(errors.0.iter().any(|e| e.field == "state"), "{errors:?}");
}

#[test]
fn it_should_fall_back_to_the_built_in_lists_when_tcrs_are_empty() {
    let places = Places::from_tcr(Vec::new(), Vec::new());
    assert_eq!(
        places,
        Places::built_in(),
        "an empty TCR list is no list: keep the built-in one"
    );
}
