//! The request TCR is sent for a profile.

use super::*;

#[test]
fn it_should_build_a_tcr_request_for_a_private_profit_brand() {
    // given
    let profile = parsed(&BrandDraft {
        ein: s("12-3456789"),
        alt_business_id: s("123456789"),
        alt_business_id_type: s("DUNS"),
        ..private_profit()
    });
    // when
    let request = profile.to_tcr_request(BrandRelationship::SmallAccount, Some("ref-1"));
    // then
    assert_eq!(
        request,
        TcrBrandRequest {
            entity_type: "PRIVATE_PROFIT".into(),
            display_name: "Acme Flowers".into(),
            company_name: s("Acme Flowers LLC"),
            ein: s("123456789"),
            ein_issuing_country: s("US"),
            alt_business_id: s("123456789"),
            alt_business_id_type: s("DUNS"),
            phone: "+12025550123".into(),
            street: s("123 6th Ave"),
            city: s("New York"),
            state: s("NY"),
            postal_code: s("10001"),
            country: "US".into(),
            email: "support@acmeflowers.com".into(),
            brand_relationship: Some(BrandRelationship::SmallAccount),
            vertical: s("RETAIL"),
            reference_id: s("ref-1"),
            ..TcrBrandRequest::default()
        }
    );
}

#[test]
fn it_should_build_a_tcr_request_for_a_public_profit_brand() {
    // given
    let profile = parsed(&public_profit());
    // when
    let request = profile.to_tcr_request(BrandRelationship::KeyAccount, None);
    // then
    assert_eq!(request.stock_symbol.as_deref(), Some("ACME"));
    assert_eq!(request.stock_exchange.as_deref(), Some("NASDAQ"));
    assert_eq!(request.website.as_deref(), Some("https://www.acme.com"));
    assert_eq!(
        request.business_contact_email.as_deref(),
        Some("jane.doe@acme.com")
    );
    assert_eq!(
        request.brand_relationship,
        Some(BrandRelationship::KeyAccount)
    );
    assert_eq!(request.reference_id, None);
}

#[test]
fn it_should_leave_the_brand_relationship_out_of_a_sole_proprietor_tcr_request() {
    // given
    let profile = parsed(&sole_proprietor());
    // when
    let request = profile.to_tcr_request(BrandRelationship::BasicAccount, Some("sp-ref"));
    // then
    assert_eq!(request.brand_relationship, None);
    assert_eq!(request.ein_issuing_country, None);
    assert_eq!(request.first_name.as_deref(), Some("Jane"));
    assert_eq!(request.mobile_phone.as_deref(), Some("+13125550199"));
    assert_eq!(request.reference_id.as_deref(), Some("sp-ref"));
    let body = serde_json::to_value(&request).expect("a request serialises");
    assert!(body.get("brandRelationship").is_none(), "TCR body: {body}");
    assert!(body.get("einIssuingCountry").is_none(), "TCR body: {body}");
}

#[test]
fn it_should_send_mock_to_tcr_only_when_the_brand_is_a_mock() {
    // given
    let real = parsed(&private_profit());
    let mock = parsed(&BrandDraft {
        mock: Some(true),
        ..private_profit()
    });
    // when
    let real_request = real.to_tcr_request(BrandRelationship::BasicAccount, None);
    let mock_request = mock.to_tcr_request(BrandRelationship::BasicAccount, None);
    // then
    assert_eq!(real_request.mock, None);
    assert_eq!(mock_request.mock, Some(true));
    let body = serde_json::to_value(&real_request).expect("a request serialises");
    assert!(body.get("mock").is_none(), "TCR body: {body}");
}

#[test]
fn it_should_default_the_tcr_ein_issuing_country_to_us_for_a_recorded_profile_without_one() {
    // given a profile recorded before the default was stored
    let profile = BrandProfile {
        ein_issuing_country: None,
        ..parsed(&non_profit())
    };
    // when
    let request = profile.to_tcr_request(BrandRelationship::MediumAccount, None);
    // then
    assert_eq!(request.ein_issuing_country.as_deref(), Some("US"));
}
