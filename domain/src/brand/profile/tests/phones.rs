//! E.164 phone numbers, and sole proprietors' US or Canadian mobile numbers.

use super::*;

#[test]
fn it_should_accept_e164_phone_numbers() {
    for phone in [
        "+12025550123",
        "+442071838750",
        "+861012345678",
        "+4930123456",
        "+99",
    ] {
        // given
        let draft = BrandDraft {
            phone: s(phone),
            ..private_profit()
        };
        // when
        let result = BrandProfile::parse(&draft);
        // then
        assert!(result.is_ok(), "{phone} was refused: {result:#?}");
    }
}

#[test]
fn it_should_refuse_phone_numbers_that_are_not_e164() {
    for phone in [
        "2025550123",
        "+1 202 555 0123",
        "+1-202-555-0123",
        "+02025550123",
        "+",
        "+4",
        "+1234567890123456",
        "+12025550123x",
        "tel:+12025550123",
    ] {
        // given
        let draft = BrandDraft {
            phone: s(phone),
            ..private_profit()
        };
        // when / then
        assert_refused_only_for(
            &draft,
            "phone",
            "must be an E.164 number such as +12025550123",
        );
    }
}

#[test]
fn it_should_refuse_a_plus_one_number_without_exactly_ten_more_digits() {
    for phone in ["+1202555012", "+120255501234"] {
        // given
        let draft = BrandDraft {
            phone: s(phone),
            ..private_profit()
        };
        // when / then
        assert_refused_only_for(&draft, "phone", "10 digits after +1");
    }
}

#[test]
fn it_should_refuse_a_sole_proprietor_mobile_phone_outside_the_us_and_canada() {
    // given
    let draft = BrandDraft {
        mobile_phone: s("+447700900123"),
        ..sole_proprietor()
    };
    // when / then
    assert_refused_only_for(&draft, "mobilePhone", "US or Canadian mobile number");
}

#[test]
fn it_should_accept_a_canadian_sole_proprietor_mobile_phone() {
    // given
    let draft = BrandDraft {
        mobile_phone: s("+14165550123"),
        ..sole_proprietor()
    };
    // when
    let profile = parsed(&draft);
    // then
    assert_eq!(profile.mobile_phone.as_deref(), Some("+14165550123"));
}

#[test]
fn it_should_refuse_a_malformed_sole_proprietor_mobile_phone() {
    // given
    let draft = BrandDraft {
        mobile_phone: s("312 555 0199"),
        ..sole_proprietor()
    };
    // when / then
    assert_refused_only_for(&draft, "mobilePhone", "E.164");
}
