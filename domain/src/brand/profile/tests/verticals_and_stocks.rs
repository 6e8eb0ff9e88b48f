//! TCR's verticals, stock exchanges and stock symbols.

use super::*;

#[test]
fn it_should_refuse_an_unknown_vertical_and_list_the_choices() {
    // given
    let draft = BrandDraft {
        vertical: s("FLOWERS"),
        ..private_profit()
    };
    // when
    let errors = refused(&draft);
    // then
    assert_error(&errors, "vertical", "is not a TCR vertical; one of: ");
    assert_error(&errors, "vertical", "RETAIL");
    assert_only_errors_on(&errors, &["vertical"]);
}

#[test]
fn it_should_refuse_an_unknown_vertical_on_a_sole_proprietor_too() {
    // given
    let draft = BrandDraft {
        vertical: s("retail"),
        ..sole_proprietor()
    };
    // when / then
    assert_refused_only_for(&draft, "vertical", "is not a TCR vertical");
}

#[test]
fn it_should_refuse_none_as_the_stock_exchange_of_a_public_profit_brand() {
    // given
    let draft = BrandDraft {
        stock_exchange: s("NONE"),
        ..public_profit()
    };
    // when / then
    assert_refused_only_for(&draft, "stockExchange", "not NONE");
}

#[test]
fn it_should_refuse_an_unknown_stock_exchange_and_list_the_choices() {
    // given
    let draft = BrandDraft {
        stock_exchange: s("MOON"),
        ..public_profit()
    };
    // when
    let errors = refused(&draft);
    // then
    assert_error(
        &errors,
        "stockExchange",
        "is not a TCR stock exchange; one of: ",
    );
    assert_error(&errors, "stockExchange", "NASDAQ");
    assert_only_errors_on(&errors, &["stockExchange"]);
}

#[test]
fn it_should_accept_stock_symbols_with_dots_and_hyphens() {
    for symbol in ["BRK.B", "RDS-A", "7203"] {
        // given
        let draft = BrandDraft {
            stock_symbol: s(symbol),
            ..public_profit()
        };
        // when
        let profile = parsed(&draft);
        // then
        assert_eq!(profile.stock_symbol.as_deref(), Some(symbol));
    }
}

#[test]
fn it_should_refuse_a_stock_symbol_with_other_characters() {
    // given
    let draft = BrandDraft {
        stock_symbol: s("AC ME"),
        ..public_profit()
    };
    // when / then
    assert_refused_only_for(&draft, "stockSymbol", "letters, digits, dots and hyphens");
}
