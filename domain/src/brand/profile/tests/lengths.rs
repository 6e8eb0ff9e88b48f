//! TCR's maximum field lengths, counted in characters.

use super::*;

#[test]
fn it_should_refuse_values_longer_than_tcr_allows() {
    type Set = fn(&mut BrandDraft, String);
    type Base = fn() -> BrandDraft;
    let cases: [(&str, usize, Set, Base); 10] = [
        (
            "displayName",
            255,
            |d, v| d.display_name = Some(v),
            private_profit,
        ),
        (
            "companyName",
            255,
            |d, v| d.company_name = Some(v),
            private_profit,
        ),
        ("street", 255, |d, v| d.street = Some(v), private_profit),
        ("city", 100, |d, v| d.city = Some(v), private_profit),
        (
            "firstName",
            100,
            |d, v| d.first_name = Some(v),
            sole_proprietor,
        ),
        (
            "lastName",
            100,
            |d, v| d.last_name = Some(v),
            sole_proprietor,
        ),
        (
            "stockSymbol",
            10,
            |d, v| d.stock_symbol = Some(v),
            public_profit,
        ),
        (
            "altBusinessId",
            50,
            |d, v| d.alt_business_id = Some(v),
            || BrandDraft {
                alt_business_id_type: s("DUNS"),
                ..private_profit()
            },
        ),
        (
            "state",
            20,
            |d, v| d.state = Some(v),
            || BrandDraft {
                country: s("GB"),
                postal_code: s("SW1A 1AA"),
                ..private_profit()
            },
        ),
        (
            "postalCode",
            10,
            |d, v| d.postal_code = Some(v),
            || BrandDraft {
                country: s("GB"),
                state: s("London"),
                ..private_profit()
            },
        ),
    ];
    for (field, max, set, base) in cases {
        // given a value of exactly the maximum
        let mut at_max = base();
        set(&mut at_max, "A".repeat(max));
        // when / then
        if let Err(errors) = BrandProfile::parse(&at_max) {
            panic!("{field} of {max} characters was refused: {:#?}", errors.0);
        }

        // given one character more
        let mut too_long = base();
        set(&mut too_long, "A".repeat(max + 1));
        // when / then
        assert_refused_only_for(&too_long, field, &format!("at most {max} characters"));
    }
}

#[test]
fn it_should_count_characters_not_bytes() {
    // given 255 two-byte characters
    let draft = BrandDraft {
        display_name: Some("é".repeat(255)),
        ..private_profit()
    };
    // when / then
    parsed(&draft);
}

#[test]
fn it_should_refuse_e_mail_addresses_longer_than_tcr_allows() {
    // given
    let long_local = "a".repeat(90);
    let email = BrandDraft {
        email: Some(format!("{long_local}@example.com")),
        ..private_profit()
    };
    let website = BrandDraft {
        website: Some(format!("https://example.com/{}", "a".repeat(240))),
        ..private_profit()
    };
    let contact = BrandDraft {
        business_contact_email: Some(format!("{}@example.com", "a".repeat(250))),
        ..private_profit()
    };
    // when / then
    assert_refused_only_for(&email, "email", "at most 100 characters");
    assert_refused_only_for(&website, "website", "at most 255 characters");
    assert_refused_only_for(&contact, "businessContactEmail", "at most 255 characters");
}
