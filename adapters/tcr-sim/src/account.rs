//! The CSP account itself: its profile (`GET`/`PUT /csp/profile`), its Platform Free Trial brand
//! (`GET /pft/brand`) and the campaign builder's terms (`GET /campaignBuilder/termsAndConditions`).
use std::collections::BTreeMap;

use axum::{
    body::Bytes,
    extract::State,
    response::{IntoResponse, Response},
    routing::get,
    Json, Router,
};
use serde_json::{json, Value};

use super::body::Body;
use super::errors::{ApiError, Rejection};
use super::state::{lock, BrandFields, IdentityStatus, SharedSim};

/// What `PUT /csp/profile` may change; the feature flags only TCR support can.
const EDITABLE: &[&str] = &["escalateEmail", "email", "techEmail", "financeEmail"];
const MAX_EMAIL: usize = 2048;

/// The account's profile and its PFT brand once TCR has provisioned it.
#[derive(Debug)]
pub(super) struct Account {
    emails: BTreeMap<&'static str, String>,
    pft_brand: Option<String>,
}

impl Default for Account {
    fn default() -> Self {
        Self {
            emails: EDITABLE
                .iter()
                .map(|name| (*name, "10dlc@csp.example".to_owned()))
                .collect(),
            pft_brand: None,
        }
    }
}

/// The simulated account's features: sole proprietors and the platform free trial are on, the
/// restricted ones off, no DPA signed.
fn profile(sim: &SharedSim) -> Value {
    let account = lock(&sim.account);
    let mut profile = json!({
        "cspId": sim.config.csp_id,
        "platformFreeTrialEnabled": true,
        "soleProprietorEnabled": true,
        "ucaasEnabled": false,
        "publicSafetyEnabled": false,
        "dpaSigned": false,
    });
    for (name, value) in &account.emails {
        profile[*name] = json!(value);
    }
    profile
}

pub(super) fn router() -> Router<SharedSim> {
    Router::new()
        .route("/v2/csp/profile", get(read).put(update))
        .route("/v2/pft/brand", get(pft_brand))
        .route(
            "/v2/campaignBuilder/termsAndConditions",
            get(|| async { Json(json!({"subTerms": TERMS})) }),
        )
}

/// The campaign builder's sub-terms, which a campaign's `termsAndConditions: true` accepts.
const TERMS: &[&str] = &[
    "I confirm that this campaign will not be used for Affiliate Marketing.",
    "I confirm that the message samples are representative of the messages the campaign will send.",
    "I confirm that subscribers opt in before they receive messages and can opt out by replying STOP.",
];

async fn read(State(sim): State<SharedSim>) -> Response {
    Json(profile(&sim)).into_response()
}

/// Changes the e-mail settings the body names (others stay); anything else is refused with 501
/// naming it, since only TCR support changes the feature flags.
async fn update(State(sim): State<SharedSim>, body: Bytes) -> Response {
    let body = match Body::parse(&body) {
        Ok(body) => body,
        Err(rejection) => return rejection.into_response(),
    };
    let mut problems = Vec::new();
    let mut changes = Vec::new();
    for name in body.0.keys().filter(|n| body.get(n).is_some()) {
        let Some(field) = EDITABLE.iter().find(|e| *e == name) else {
            if name != "cspId" {
                problems.push(ApiError::invalid(
                    name,
                    format!("{name} can only be changed by TCR support"),
                ));
            }
            continue;
        };
        match body.text(name) {
            Ok(Some(email)) if email.len() <= MAX_EMAIL && is_email(email) => {
                changes.push((*field, email.to_owned()))
            }
            Ok(_) => problems.push(ApiError::invalid(
                name,
                format!("{name} must be an e-mail address"),
            )),
            Err(error) => problems.push(error),
        }
    }
    if !problems.is_empty() {
        return Rejection(problems).into_response();
    }
    lock(&sim.account).emails.extend(changes);
    Json(profile(&sim)).into_response()
}

fn is_email(text: &str) -> bool {
    let mut parts = text.split('@');
    matches!(
        (parts.next(), parts.next(), parts.next()),
        (Some(local), Some(domain), None)
            if !local.is_empty() && domain.contains('.') && !text.contains(char::is_whitespace)
    )
}

/// TCR support provisions the PFT brand; the simulator does so on first read, as a VERIFIED
/// PUBLIC_PROFIT brand in the CSP's name.
async fn pft_brand(State(sim): State<SharedSim>) -> Response {
    let mut account = lock(&sim.account);
    let mut registry = sim.registry();
    let brand_id = match &account.pft_brand {
        Some(id) => id.clone(),
        None => {
            let name = sim.config.csp_name.clone();
            let text = [
                ("entityType", "PUBLIC_PROFIT"),
                ("displayName", name.as_str()),
                ("companyName", name.as_str()),
                ("ein", "000000000"),
                ("einIssuingCountry", "US"),
                ("phone", "+12025550100"),
                ("street", "1 Platform Way"),
                ("city", "Springfield"),
                ("state", "IL"),
                ("postalCode", "62701"),
                ("country", "US"),
                ("email", "10dlc@csp.example"),
                ("stockSymbol", "NONE"),
                ("stockExchange", "NONE"),
                ("website", "https://csp.example"),
                ("brandRelationship", "KEY_ACCOUNT"),
                ("vertical", "TECHNOLOGY"),
            ]
            .into_iter()
            .map(|(k, v)| (k, v.to_owned()))
            .collect();
            let brand = registry.register(BrandFields {
                text,
                ..BrandFields::default()
            });
            brand.override_identity(IdentityStatus::Verified);
            account.pft_brand = Some(brand.brand_id.clone());
            brand.brand_id.clone()
        }
    };
    match registry.get(&brand_id) {
        Some(brand) if !brand.deleted => Json(brand.to_json(&sim.config.csp_id)).into_response(),
        _ => Rejection::from(ApiError::new(
            502,
            "PFT Brand not provisioned for CSP account. Please contact TCR support",
            &[],
        ))
        .into_response(),
    }
}
