//! Tests of the brand profile rules, one file per area; the drafts and assertions they share.

use serde_json::json;

use super::*;
use crate::validation::ValidationErrors;

mod addresses;
mod alt_business_ids;
mod eins;
mod emails;
mod entity_types;
mod json;
mod lengths;
mod merging;
mod normalisation;
mod phones;
mod required_fields;
mod tcr_request;
mod valid_brands;
mod verticals_and_stocks;
mod websites;

// -- drafts ---------------------------------------------------------------------------------------

fn private_profit() -> BrandDraft {
    BrandDraft {
        entity_type: Some("PRIVATE_PROFIT".into()),
        display_name: Some("Acme Flowers".into()),
        company_name: Some("Acme Flowers LLC".into()),
        ein: Some("123456789".into()),
        phone: Some("+12025550123".into()),
        street: Some("123 6th Ave".into()),
        city: Some("New York".into()),
        state: Some("NY".into()),
        postal_code: Some("10001".into()),
        country: Some("US".into()),
        email: Some("support@acmeflowers.com".into()),
        vertical: Some("RETAIL".into()),
        ..BrandDraft::default()
    }
}

fn public_profit() -> BrandDraft {
    BrandDraft {
        entity_type: Some("PUBLIC_PROFIT".into()),
        display_name: Some("Acme Corp".into()),
        company_name: Some("Acme Corporation".into()),
        stock_symbol: Some("ACME".into()),
        stock_exchange: Some("NASDAQ".into()),
        website: Some("https://www.acme.com".into()),
        business_contact_email: Some("jane.doe@acme.com".into()),
        vertical: Some("TECHNOLOGY".into()),
        ..private_profit()
    }
}

fn non_profit() -> BrandDraft {
    BrandDraft {
        entity_type: Some("NON_PROFIT".into()),
        display_name: Some("Food for All".into()),
        company_name: Some("Food for All Foundation".into()),
        vertical: Some("NGO".into()),
        ..private_profit()
    }
}

fn government() -> BrandDraft {
    BrandDraft {
        entity_type: Some("GOVERNMENT".into()),
        display_name: Some("City of Springfield".into()),
        company_name: Some("City of Springfield".into()),
        vertical: Some("GOVERNMENT".into()),
        ..private_profit()
    }
}

fn sole_proprietor() -> BrandDraft {
    BrandDraft {
        entity_type: Some("SOLE_PROPRIETOR".into()),
        display_name: Some("Jane's Dog Walking".into()),
        first_name: Some("Jane".into()),
        last_name: Some("Doe".into()),
        phone: Some("+13125550188".into()),
        mobile_phone: Some("+13125550199".into()),
        street: Some("1 Main St".into()),
        city: Some("Chicago".into()),
        state: Some("IL".into()),
        postal_code: Some("60601".into()),
        country: Some("US".into()),
        email: Some("jane@janesdogs.com".into()),
        ..BrandDraft::default()
    }
}

/// The four entity types that are organisations, with a valid draft of each.
fn organisations() -> Vec<(&'static str, BrandDraft)> {
    vec![
        ("PRIVATE_PROFIT", private_profit()),
        ("PUBLIC_PROFIT", public_profit()),
        ("NON_PROFIT", non_profit()),
        ("GOVERNMENT", government()),
    ]
}

fn every_entity_type() -> Vec<(&'static str, BrandDraft)> {
    let mut all = organisations();
    all.push(("SOLE_PROPRIETOR", sole_proprietor()));
    all
}

fn s(text: &str) -> Option<String> {
    Some(text.to_string())
}

// -- assertions -----------------------------------------------------------------------------------

fn parsed(draft: &BrandDraft) -> BrandProfile {
    BrandProfile::parse(draft).unwrap_or_else(|errors| {
        panic!(
            "expected the draft to parse, but got {:#?}\nfor draft {draft:#?}",
            errors.0
        )
    })
}

fn refused(draft: &BrandDraft) -> ValidationErrors {
    match BrandProfile::parse(draft) {
        Ok(profile) => panic!("expected the draft to be refused, but got {profile:#?}"),
        Err(errors) => errors,
    }
}

#[track_caller]
fn assert_error(errors: &ValidationErrors, field: &str, message_part: &str) {
    assert!(
        errors
            .0
            .iter()
            .any(|e| e.field == field && e.message.contains(message_part)),
        "expected an error on `{field}` containing {message_part:?}, got {:#?}",
        errors.0
    );
}

#[track_caller]
fn assert_only_errors_on(errors: &ValidationErrors, fields: &[&str]) {
    let mut actual = errors.fields();
    actual.sort_unstable();
    actual.dedup();
    let mut expected = fields.to_vec();
    expected.sort_unstable();
    assert_eq!(
        actual, expected,
        "unexpected set of fields in {:#?}",
        errors.0
    );
}

#[track_caller]
fn assert_refused_only_for(draft: &BrandDraft, field: &str, message_part: &str) {
    let errors = refused(draft);
    assert_error(&errors, field, message_part);
    assert_only_errors_on(&errors, &[field]);
}
