//! Brands of every entity type that TCR accepts.

use super::*;

#[test]
fn it_should_accept_a_valid_private_profit_brand() {
    // given
    let draft = private_profit();
    // when
    let profile = parsed(&draft);
    // then
    assert_eq!(profile.entity_type, EntityType::PrivateProfit);
    assert_eq!(profile.display_name, "Acme Flowers");
    assert_eq!(profile.company_name.as_deref(), Some("Acme Flowers LLC"));
    assert_eq!(profile.ein.as_deref(), Some("123456789"));
    assert_eq!(profile.vertical, Some(Vertical::Retail));
    assert_eq!(profile.country, "US");
    assert!(!profile.mock);
}

#[test]
fn it_should_accept_a_valid_public_profit_brand() {
    // given
    let draft = public_profit();
    // when
    let profile = parsed(&draft);
    // then
    assert_eq!(profile.entity_type, EntityType::PublicProfit);
    assert_eq!(profile.stock_symbol.as_deref(), Some("ACME"));
    assert_eq!(profile.stock_exchange, Some(StockExchange::Nasdaq));
    assert_eq!(profile.website.as_deref(), Some("https://www.acme.com"));
    assert_eq!(
        profile.business_contact_email.as_deref(),
        Some("jane.doe@acme.com")
    );
}

#[test]
fn it_should_accept_a_valid_non_profit_brand() {
    // given
    let draft = non_profit();
    // when
    let profile = parsed(&draft);
    // then
    assert_eq!(profile.entity_type, EntityType::NonProfit);
    assert_eq!(profile.vertical, Some(Vertical::Ngo));
}

#[test]
fn it_should_accept_a_valid_government_brand() {
    // given
    let draft = government();
    // when
    let profile = parsed(&draft);
    // then
    assert_eq!(profile.entity_type, EntityType::Government);
    assert_eq!(profile.country, "US");
}

#[test]
fn it_should_accept_a_valid_sole_proprietor_brand() {
    // given
    let draft = sole_proprietor();
    // when
    let profile = parsed(&draft);
    // then
    assert_eq!(profile.entity_type, EntityType::SoleProprietor);
    assert_eq!(profile.first_name.as_deref(), Some("Jane"));
    assert_eq!(profile.last_name.as_deref(), Some("Doe"));
    assert_eq!(profile.mobile_phone.as_deref(), Some("+13125550199"));
    assert_eq!(profile.company_name, None);
    assert_eq!(profile.ein, None);
    assert_eq!(profile.ein_issuing_country, None);
    assert_eq!(profile.vertical, None);
}

#[test]
fn it_should_accept_a_sole_proprietor_with_the_optional_vertical_website_and_alt_business_id() {
    // given
    let draft = BrandDraft {
        vertical: s("PROFESSIONAL"),
        website: s("https://janesdogs.com"),
        alt_business_id: s("123456789"),
        alt_business_id_type: s("DUNS"),
        ..sole_proprietor()
    };
    // when
    let profile = parsed(&draft);
    // then
    assert_eq!(profile.vertical, Some(Vertical::Professional));
    assert_eq!(profile.website.as_deref(), Some("https://janesdogs.com"));
    assert_eq!(profile.alt_business_id_type, Some(AltBusinessIdType::Duns));
}

#[test]
fn it_should_accept_an_optional_website_and_business_contact_email_for_organisations() {
    for (entity, draft) in organisations() {
        // given
        let draft = BrandDraft {
            website: s("http://example.org/about"),
            business_contact_email: s("john.smith@example.org"),
            ..draft
        };
        // when
        let result = BrandProfile::parse(&draft);
        // then
        let profile = result.unwrap_or_else(|e| panic!("{entity} refused: {:#?}", e.0));
        assert_eq!(
            profile.website.as_deref(),
            Some("http://example.org/about"),
            "{entity}"
        );
        assert_eq!(
            profile.business_contact_email.as_deref(),
            Some("john.smith@example.org"),
            "{entity}"
        );
    }
}
