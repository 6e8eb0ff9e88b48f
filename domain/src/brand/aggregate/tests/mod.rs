//! Tests of the Brand aggregate, one file per group of commands; the fixtures they share.

use cqrs_es::test::TestFramework;
use cqrs_es::Aggregate;

use super::*;
use crate::brand::profile::BrandDraft;
use crate::metadata::Source;
use crate::tcr::{TcrApiError, TcrBrand, TcrError};

type BrandTest = TestFramework<Brand>;

const BRAND_ID: &str = "0b7c2a4e-9d1f-4c3b-8a5e-2f6d1c0b9a87";
const CUSTOMER_ID: &str = "6d1f0c3e-8a4b-4f2a-9c1d-2b7e5a60c0de";
const REFERENCE_ID: &str = "tendlc-0b7c2a4e";
const TCR_BRAND_ID: &str = "BXYZ123";

mod apply;
mod auth_plus;
mod identity_actions;
mod registration;
mod sync;
mod updates;

// -- fixtures -------------------------------------------------------------------------------------

fn draft() -> BrandDraft {
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

fn parse(draft: &BrandDraft) -> BrandProfile {
    BrandProfile::parse(draft)
        .unwrap_or_else(|errors| panic!("fixture draft should parse, but: {errors}"))
}

/// A valid PRIVATE_PROFIT profile.
fn profile() -> BrandProfile {
    parse(&draft())
}

/// The same brand with a new display name and a website.
fn changed_profile() -> BrandProfile {
    parse(&BrandDraft {
        display_name: Some("Acme Flowers & Gifts".into()),
        website: Some("https://www.acmeflowers.com".into()),
        ..draft()
    })
}

fn tcr_brand(brand_id: &str, identity_status: Option<IdentityStatus>) -> TcrBrand {
    TcrBrand {
        brand_id: brand_id.into(),
        status: Some(TcrBrandStatus::Active.into()),
        identity_status: identity_status.map(Into::into),
        reference_id: Some(REFERENCE_ID.to_string()),
        display_name: Some("Acme Flowers".to_string()),
        entity_type: Some("PRIVATE_PROFIT".to_string()),
        held: Default::default(),
    }
}

fn tcr_error(code: i64, description: &str) -> TcrApiError {
    TcrApiError {
        code,
        description: description.to_string(),
        fields: vec![],
    }
}

fn request_registration() -> BrandCommand {
    BrandCommand::RequestRegistration {
        brand_id: BRAND_ID.into(),
        customer_id: CUSTOMER_ID.into(),
        reference_id: REFERENCE_ID.to_string(),
        brand_relationship: BrandRelationship::SmallAccount,
        profile: profile(),
    }
}

fn registration_requested() -> BrandEvent {
    BrandEvent::BrandRegistrationRequested {
        brand_id: BRAND_ID.into(),
        customer_id: CUSTOMER_ID.into(),
        reference_id: REFERENCE_ID.to_string(),
        brand_relationship: BrandRelationship::SmallAccount,
        profile: profile(),
    }
}

fn submitted(identity_status: Option<IdentityStatus>) -> BrandEvent {
    BrandEvent::BrandSubmittedToTcr {
        tcr_brand_id: TCR_BRAND_ID.into(),
        reference_id: REFERENCE_ID.to_string(),
        tcr_status: Some(TcrBrandStatus::Active.into()),
        identity_status: identity_status.map(Into::into),
        adopted: false,
    }
}

/// The event the aggregate records for `error` (checked against `decide` elsewhere).
fn submission_failed(error: &TcrError) -> BrandEvent {
    BrandEvent::BrandSubmissionFailed {
        reason: error.kind().to_string(),
        message: error.to_string(),
        tcr_errors: error.tcr_errors().to_vec(),
        retryable: error.retryable(),
    }
}

fn update_requested() -> BrandEvent {
    BrandEvent::BrandUpdateRequested {
        profile: changed_profile(),
        changed_fields: vec!["displayName".into(), "website".into()],
    }
}

/// A brand TCR holds, with the given identity status.
fn registered(identity_status: Option<IdentityStatus>) -> Vec<BrandEvent> {
    vec![registration_requested(), submitted(identity_status)]
}

/// A registered, unverified brand with `changed_profile()` waiting for TCR's answer.
fn update_pending() -> Vec<BrandEvent> {
    let mut events = registered(Some(IdentityStatus::Unverified));
    events.push(update_requested());
    events
}

fn state(events: Vec<BrandEvent>) -> Brand {
    let mut brand = Brand::default();
    for event in events {
        brand.apply(event);
    }
    brand
}

fn decide(events: Vec<BrandEvent>, command: BrandCommand) -> Result<Vec<BrandEvent>, BrandError> {
    state(events).decide(command)
}
