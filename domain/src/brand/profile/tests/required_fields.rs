//! Which fields each entity type requires, and naming every missing one at once.

use super::*;

#[test]
fn it_should_name_every_required_field_of_an_empty_private_profit_draft() {
    // given
    let draft = BrandDraft {
        entity_type: s("PRIVATE_PROFIT"),
        ..BrandDraft::default()
    };
    // when
    let errors = refused(&draft);
    // then
    assert_only_errors_on(
        &errors,
        &[
            "displayName",
            "companyName",
            "ein",
            "phone",
            "street",
            "city",
            "state",
            "postalCode",
            "country",
            "email",
            "vertical",
        ],
    );
    assert_error(
        &errors,
        "companyName",
        "is required for PRIVATE_PROFIT brands",
    );
    assert_error(&errors, "ein", "is required for PRIVATE_PROFIT brands");
    assert_error(&errors, "vertical", "is required for PRIVATE_PROFIT brands");
    assert_error(&errors, "displayName", "is required");
}

#[test]
fn it_should_name_every_required_field_of_an_empty_public_profit_draft() {
    // given
    let draft = BrandDraft {
        entity_type: s("PUBLIC_PROFIT"),
        ..BrandDraft::default()
    };
    // when
    let errors = refused(&draft);
    // then
    assert_only_errors_on(
        &errors,
        &[
            "displayName",
            "companyName",
            "ein",
            "phone",
            "street",
            "city",
            "state",
            "postalCode",
            "country",
            "email",
            "vertical",
            "website",
            "stockSymbol",
            "stockExchange",
            "businessContactEmail",
        ],
    );
}

#[test]
fn it_should_name_every_required_field_of_an_empty_sole_proprietor_draft() {
    // given
    let draft = BrandDraft {
        entity_type: s("SOLE_PROPRIETOR"),
        ..BrandDraft::default()
    };
    // when
    let errors = refused(&draft);
    // then
    assert_only_errors_on(
        &errors,
        &[
            "displayName",
            "firstName",
            "lastName",
            "phone",
            "mobilePhone",
            "street",
            "city",
            "state",
            "postalCode",
            "country",
            "email",
        ],
    );
    assert_error(
        &errors,
        "firstName",
        "is required for SOLE_PROPRIETOR brands",
    );
    assert_error(
        &errors,
        "mobilePhone",
        "is required for SOLE_PROPRIETOR brands",
    );
}

#[test]
fn it_should_name_every_field_of_a_completely_empty_draft() {
    // given
    let draft = BrandDraft::default();
    // when
    let errors = refused(&draft);
    // then
    assert_only_errors_on(
        &errors,
        &[
            "entityType",
            "displayName",
            "phone",
            "street",
            "city",
            "state",
            "postalCode",
            "country",
            "email",
        ],
    );
}

#[test]
fn it_should_report_several_broken_rules_at_once() {
    // given
    let draft = BrandDraft {
        ein: s("12-34"),
        phone: s("2025550123"),
        state: s("New York"),
        postal_code: s("1000"),
        email: s("not-an-email"),
        first_name: s("John"),
        vertical: s("FLOWERS"),
        ..private_profit()
    };
    // when
    let errors = refused(&draft);
    // then
    assert_only_errors_on(
        &errors,
        &[
            "ein",
            "phone",
            "state",
            "postalCode",
            "email",
            "firstName",
            "vertical",
        ],
    );
}

#[test]
fn it_should_refuse_a_private_profit_brand_without_an_ein() {
    // given
    let draft = BrandDraft {
        ein: None,
        ..private_profit()
    };
    // when / then
    assert_refused_only_for(&draft, "ein", "is required for PRIVATE_PROFIT brands");
}

#[test]
fn it_should_refuse_every_organisation_without_a_company_name() {
    for (entity, draft) in organisations() {
        // given
        let draft = BrandDraft {
            company_name: None,
            ..draft
        };
        // when / then
        assert_refused_only_for(
            &draft,
            "companyName",
            &format!("is required for {entity} brands"),
        );
    }
}

#[test]
fn it_should_refuse_every_organisation_without_an_ein() {
    for (entity, draft) in organisations() {
        // given
        let draft = BrandDraft { ein: None, ..draft };
        // when / then
        assert_refused_only_for(&draft, "ein", &format!("is required for {entity} brands"));
    }
}

#[test]
fn it_should_refuse_every_organisation_without_a_vertical() {
    for (entity, draft) in organisations() {
        // given
        let draft = BrandDraft {
            vertical: None,
            ..draft
        };
        // when / then
        assert_refused_only_for(
            &draft,
            "vertical",
            &format!("is required for {entity} brands"),
        );
    }
}

#[test]
fn it_should_refuse_every_brand_without_a_common_field() {
    type Clear = fn(&mut BrandDraft);
    let common: [(&str, Clear); 8] = [
        ("displayName", |d| d.display_name = None),
        ("phone", |d| d.phone = None),
        ("street", |d| d.street = None),
        ("city", |d| d.city = None),
        ("state", |d| d.state = None),
        ("postalCode", |d| d.postal_code = None),
        ("country", |d| d.country = None),
        ("email", |d| d.email = None),
    ];
    for (entity, draft) in every_entity_type() {
        for (field, clear) in common {
            // given
            let mut draft = draft.clone();
            clear(&mut draft);
            // when
            let errors = BrandProfile::parse(&draft)
                .expect_err(&format!("{entity} without {field} was accepted"));
            // then
            assert_error(&errors, field, "is required");
            assert_only_errors_on(&errors, &[field]);
        }
    }
}

#[test]
fn it_should_refuse_a_sole_proprietor_without_a_first_name() {
    // given
    let draft = BrandDraft {
        first_name: None,
        ..sole_proprietor()
    };
    // when / then
    assert_refused_only_for(
        &draft,
        "firstName",
        "is required for SOLE_PROPRIETOR brands",
    );
}

#[test]
fn it_should_refuse_a_sole_proprietor_without_a_last_name() {
    // given
    let draft = BrandDraft {
        last_name: s("   "),
        ..sole_proprietor()
    };
    // when / then
    assert_refused_only_for(&draft, "lastName", "is required for SOLE_PROPRIETOR brands");
}

#[test]
fn it_should_refuse_a_sole_proprietor_without_a_mobile_phone() {
    // given
    let draft = BrandDraft {
        mobile_phone: None,
        ..sole_proprietor()
    };
    // when / then
    assert_refused_only_for(
        &draft,
        "mobilePhone",
        "is required for SOLE_PROPRIETOR brands",
    );
}

#[test]
fn it_should_refuse_a_public_profit_brand_without_a_stock_symbol() {
    // given
    let draft = BrandDraft {
        stock_symbol: None,
        ..public_profit()
    };
    // when / then
    assert_refused_only_for(
        &draft,
        "stockSymbol",
        "is required for PUBLIC_PROFIT brands",
    );
}

#[test]
fn it_should_refuse_a_public_profit_brand_without_a_stock_exchange() {
    // given
    let draft = BrandDraft {
        stock_exchange: None,
        ..public_profit()
    };
    // when / then
    assert_refused_only_for(
        &draft,
        "stockExchange",
        "is required for PUBLIC_PROFIT brands",
    );
}

#[test]
fn it_should_refuse_a_public_profit_brand_without_a_website() {
    // given
    let draft = BrandDraft {
        website: None,
        ..public_profit()
    };
    // when / then
    assert_refused_only_for(&draft, "website", "is required for PUBLIC_PROFIT brands");
}

#[test]
fn it_should_refuse_a_public_profit_brand_without_a_business_contact_email() {
    // given
    let draft = BrandDraft {
        business_contact_email: None,
        ..public_profit()
    };
    // when / then
    assert_refused_only_for(
        &draft,
        "businessContactEmail",
        "is required for PUBLIC_PROFIT brands",
    );
}
