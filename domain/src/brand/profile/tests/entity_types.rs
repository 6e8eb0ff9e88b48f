//! The entity type: required, one of TCR's, and which fields do not apply to it.

use super::*;

#[test]
fn it_should_refuse_a_brand_without_an_entity_type_and_list_the_choices() {
    // given
    let draft = BrandDraft {
        entity_type: None,
        ..private_profit()
    };
    // when
    let errors = refused(&draft);
    // then
    assert_error(&errors, "entityType", "is required");
    assert_error(&errors, "entityType", "PRIVATE_PROFIT, PUBLIC_PROFIT");
    assert_only_errors_on(&errors, &["entityType"]);
}

#[test]
fn it_should_refuse_an_unknown_entity_type_and_list_the_choices() {
    // given
    let draft = BrandDraft {
        entity_type: s("CHARITY"),
        ..private_profit()
    };
    // when
    let errors = refused(&draft);
    // then
    assert_error(&errors, "entityType", "is not a TCR entity type; one of: ");
    assert_error(&errors, "entityType", "SOLE_PROPRIETOR");
    assert_only_errors_on(&errors, &["entityType"]);
}

#[test]
fn it_should_still_check_the_common_fields_when_the_entity_type_is_missing() {
    // given
    let draft = BrandDraft {
        entity_type: None,
        phone: s("555-0123"),
        email: None,
        country: s("ZZ"),
        ..private_profit()
    };
    // when
    let errors = refused(&draft);
    // then
    assert_error(&errors, "entityType", "is required");
    assert_error(&errors, "phone", "E.164");
    assert_error(&errors, "email", "is required");
    assert_error(&errors, "country", "ISO 3166-1");
    assert_only_errors_on(&errors, &["entityType", "phone", "email", "country"]);
}

#[test]
fn it_should_still_check_the_format_of_given_fields_when_the_entity_type_is_unknown() {
    // given
    let draft = BrandDraft {
        entity_type: s("SOMETHING"),
        ein: s("12345"),
        website: s("acme.com"),
        first_name: s("Jane"),
        ..private_profit()
    };
    // when
    let errors = refused(&draft);
    // then applicability is not judged without a type, but formats are
    assert_error(&errors, "ein", "must be 9 digits for a US EIN");
    assert_error(&errors, "website", "http://");
    assert_only_errors_on(&errors, &["entityType", "ein", "website"]);
}

#[test]
fn it_should_refuse_organisation_fields_on_a_sole_proprietor() {
    type Set = fn(&mut BrandDraft);
    let forbidden: [(&str, Set); 6] = [
        ("companyName", |d| d.company_name = s("Jane Doe LLC")),
        ("ein", |d| d.ein = s("123456789")),
        ("einIssuingCountry", |d| d.ein_issuing_country = s("US")),
        ("stockSymbol", |d| d.stock_symbol = s("JANE")),
        ("stockExchange", |d| d.stock_exchange = s("NYSE")),
        ("businessContactEmail", |d| {
            d.business_contact_email = s("jane.doe@janesdogs.com")
        }),
    ];
    for (field, set) in forbidden {
        // given
        let mut draft = sole_proprietor();
        set(&mut draft);
        // when / then
        assert_refused_only_for(&draft, field, "does not apply to SOLE_PROPRIETOR brands");
    }
}

#[test]
fn it_should_refuse_sole_proprietor_fields_on_every_organisation() {
    type Set = fn(&mut BrandDraft);
    let forbidden: [(&str, Set); 3] = [
        ("firstName", |d| d.first_name = s("John")),
        ("lastName", |d| d.last_name = s("Smith")),
        ("mobilePhone", |d| d.mobile_phone = s("+12025550100")),
    ];
    for (entity, draft) in organisations() {
        for (field, set) in forbidden {
            // given
            let mut draft = draft.clone();
            set(&mut draft);
            // when / then
            assert_refused_only_for(&draft, field, &format!("does not apply to {entity} brands"));
        }
    }
}

#[test]
fn it_should_refuse_stock_fields_on_brands_that_are_not_public_profit() {
    let not_public = [
        ("PRIVATE_PROFIT", private_profit()),
        ("NON_PROFIT", non_profit()),
        ("GOVERNMENT", government()),
        ("SOLE_PROPRIETOR", sole_proprietor()),
    ];
    for (entity, draft) in not_public {
        // given
        let draft = BrandDraft {
            stock_symbol: s("ACME"),
            stock_exchange: s("NYSE"),
            ..draft
        };
        // when
        let errors = refused(&draft);
        // then
        let expected = format!("does not apply to {entity} brands");
        assert_error(&errors, "stockSymbol", &expected);
        assert_error(&errors, "stockExchange", &expected);
        assert_only_errors_on(&errors, &["stockSymbol", "stockExchange"]);
    }
}

#[test]
fn it_should_refuse_a_government_brand_outside_the_us() {
    // given
    let draft = BrandDraft {
        country: s("CA"),
        state: s("ON"),
        postal_code: s("M5V 3L9"),
        ..government()
    };
    // when / then
    assert_refused_only_for(
        &draft,
        "country",
        "foreign governments register as PRIVATE_PROFIT",
    );
}

#[test]
fn it_should_accept_a_private_profit_brand_outside_the_us() {
    // given
    let draft = BrandDraft {
        country: s("GB"),
        state: s("Greater London"),
        postal_code: s("SW1A 1AA"),
        phone: s("+442071838750"),
        ..private_profit()
    };
    // when
    let profile = parsed(&draft);
    // then
    assert_eq!(profile.country, "GB");
    assert_eq!(
        profile.state, "Greater London",
        "non-US states are kept as written"
    );
    assert_eq!(profile.postal_code, "SW1A 1AA");
}
