//! Authentication+ (a vet of class `AUTHPLUS`, ordered from Aegis like other vets, for
//! `PUBLIC_PROFIT` brands only, which must have a `businessContactEmail`): TCR checks the
//! brand's domain, then e-mails a 2FA link to the business contact; the vet completes when the
//! contact follows it. Events: `BRAND_AUTHPLUS_VERIFICATION_ADD` on order, one `vetting_delay`
//! later `BRAND_AUTHPLUS_DOMAIN_VERIFIED` and `BRAND_EMAIL_2FA_SEND` (vet `UNSCORE`), and when the
//! contact verifies ([`SimHandle::complete_auth_plus_2fa`](crate::SimHandle))
//! `BRAND_AUTHPLUS_2FA_VERIFIED` and `BRAND_AUTHPLUS_VERIFICATION_COMPLETE` (vet `ACTIVE`).
//! `POST /brand/{brandId}/2faEmail?vettingClass=AUTHPLUS` resends the e-mail (204): `502` for an
//! unknown brand, `501` for another vetting class, `565` without an Auth+ vet started in the
//! last 30 days, `592` once 2FA is complete; TCR sends at most one e-mail per 2 hours (a resend
//! sooner answers 204 but sends nothing). Changing the brand's `businessContactEmail` revokes a
//! live Auth+ vet (`FAILED`, `BRAND_AUTHPLUS_VERIFICATION_FAILED`).
use std::time::{Duration, Instant};

use axum::{
    extract::{rejection::QueryRejection, Path, Query, State},
    http::StatusCode,
    routing::post,
    Router,
};
use serde_json::Value;

use super::errors::{ApiError, Rejection};
use super::events;
use super::magic::{Magic, Site};
use super::query;
use super::state::{after, emit_all, now_text, BrandRecord, SharedSim, Sim};
use super::vetting::{Vetting, VettingStatus};

pub(super) const AUTHPLUS: &str = "AUTHPLUS";

/// TCR sends one 2FA e-mail per two hours at most.
pub(super) const RESEND_INTERVAL: Duration = Duration::from_secs(2 * 60 * 60);

/// A resend is possible within 30 days of the vet's start.
const RESEND_WINDOW: Duration = Duration::from_secs(30 * 24 * 60 * 60);

pub(super) fn router() -> Router<SharedSim> {
    Router::new().route("/v2/brand/{brand_id}/2faEmail", post(resend))
}

/// What TCR refuses about an Auth+ order.
pub(super) fn check_order(brand: &BrandRecord) -> Result<(), ApiError> {
    if brand.fields.get("entityType") != Some("PUBLIC_PROFIT") {
        return Err(ApiError::invalid(
            "vettingClass",
            "Authentication+ is only available for PUBLIC_PROFIT brands",
        ));
    }
    if brand.fields.get("businessContactEmail").is_none() {
        return Err(ApiError::invalid(
            "businessContactEmail",
            "Operation declined. businessContactEmail is required for Authentication+",
        ));
    }
    Ok(())
}

fn event(sim: &Sim, event_type: &str, brand: &BrandRecord, vetting: &Vetting) -> Value {
    let description = format!(
        "Authentication+ of brand {}: {}",
        brand.brand_id,
        event_type.to_lowercase().replace('_', " ")
    );
    events::vetting_event(sim, event_type, brand, vetting, description)
}

/// Starts the Auth+ flow of a vet just ordered.
pub(super) fn start(sim: &SharedSim, brand_id: String, vetting_id: String) {
    with_vet(sim, &brand_id, &vetting_id, |_, _| {
        Some(vec!["BRAND_AUTHPLUS_VERIFICATION_ADD"])
    });
    let delay = sim.config.vetting_delay;
    after(sim, delay, move |sim| {
        let mut confirms = false;
        let sent = with_vet(sim, &brand_id, &vetting_id, |brand, vetting| {
            confirms = Magic::of_stored(
                brand.fields.get("displayName").unwrap_or_default(),
                Site::BrandName,
            )
            .confirm_2fa;
            (vetting.status == VettingStatus::Pending).then(|| {
                vetting.status = VettingStatus::Unscore;
                vetting.email_sent = Some((Instant::now(), now_text()));
                vec!["BRAND_AUTHPLUS_DOMAIN_VERIFIED", "BRAND_EMAIL_2FA_SEND"]
            })
        });
        // `[sim:2fa-confirm]`: the contact follows the link, as a person would, a while later.
        if sent && confirms {
            after(sim, delay, move |sim| {
                complete_2fa(sim, &brand_id);
            });
        }
    });
}

/// Applies `step` to the vet and sends the events it names.
fn with_vet(
    sim: &SharedSim,
    brand_id: &str,
    vetting_id: &str,
    step: impl FnOnce(&BrandRecord, &mut Vetting) -> Option<Vec<&'static str>>,
) -> bool {
    let events = {
        let mut registry = sim.registry();
        let Some(brand) = registry.get_mut(brand_id) else {
            return false;
        };
        let Some(index) = brand
            .vettings
            .iter()
            .position(|v| v.vetting_id == vetting_id)
        else {
            return false;
        };
        let mut vetting = brand.vettings[index].clone();
        let Some(types) = step(brand, &mut vetting) else {
            return false;
        };
        brand.vettings[index] = vetting.clone();
        types
            .into_iter()
            .map(|t| event(sim, t, brand, &vetting))
            .collect::<Vec<_>>()
    };
    emit_all(sim, events);
    true
}

/// The brand's latest Auth+ vet, if any.
fn latest(brand: &BrandRecord) -> Option<usize> {
    brand.vettings.iter().rposition(|v| v.class == AUTHPLUS)
}

/// The business contact followed the 2FA link: the vet completes.
pub(super) fn complete_2fa(sim: &SharedSim, brand_id: &str) -> bool {
    let vetting_id = {
        let registry = sim.registry();
        let Some(brand) = registry.get(brand_id) else {
            return false;
        };
        match latest(brand).map(|i| &brand.vettings[i]) {
            Some(v) if v.status == VettingStatus::Unscore => v.vetting_id.clone(),
            _ => return false,
        }
    };
    with_vet(sim, brand_id, &vetting_id, |_, vetting| {
        vetting.complete_auth_plus();
        Some(vec![
            "BRAND_AUTHPLUS_2FA_VERIFIED",
            "BRAND_AUTHPLUS_VERIFICATION_COMPLETE",
        ])
    })
}

/// A changed `businessContactEmail` revokes a live Auth+ vet.
pub(super) fn revoke(sim: &Sim, brand: &mut BrandRecord) -> Vec<Value> {
    let Some(index) = latest(brand).filter(|&i| brand.vettings[i].is_live()) else {
        return vec![];
    };
    brand.vettings[index].revoke("businessContactEmail changed");
    let vetting = brand.vettings[index].clone();
    vec![event(
        sim,
        "BRAND_AUTHPLUS_VERIFICATION_FAILED",
        brand,
        &vetting,
    )]
}

async fn resend(
    State(sim): State<SharedSim>,
    Path(brand_id): Path<String>,
    params: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<StatusCode, Rejection> {
    let params = query::read(params)?;
    let class = params
        .iter()
        .find(|(n, _)| n == "vettingClass")
        .map_or(AUTHPLUS, |(_, v)| v.as_str());
    if class != AUTHPLUS {
        let error = if class == "RBM" {
            ApiError::simulated(568)
        } else {
            ApiError::invalid("vettingClass", "vettingClass must be AUTHPLUS or RBM")
        };
        return Err(error.into());
    }
    let events = {
        let mut registry = sim.registry();
        let brand = registry
            .get_mut(&brand_id)
            .filter(|b| !b.deleted)
            .ok_or_else(|| ApiError::not_found("brandId"))?;
        let index = latest(brand)
            .filter(|&i| brand.vettings[i].started_at.elapsed() < RESEND_WINDOW)
            .ok_or_else(|| {
                ApiError::new(
                    565,
                    "Unable to resend 2FA. Please submit brand for re-vet",
                    &["brandId"],
                )
            })?;
        let vetting = &mut brand.vettings[index];
        match vetting.status {
            VettingStatus::Active => {
                return Err(ApiError::new(
                    592,
                    "Operation declined. 2FA verification is already complete",
                    &["brandId"],
                )
                .into())
            }
            VettingStatus::Failed => {
                return Err(ApiError::new(
                    565,
                    "Unable to resend 2FA. Please submit brand for re-vet",
                    &["brandId"],
                )
                .into())
            }
            VettingStatus::Pending | VettingStatus::Unscore => {}
        }
        // TCR throttles silently: the call succeeds, no second e-mail goes out.
        if vetting
            .email_sent
            .as_ref()
            .is_some_and(|(at, _)| at.elapsed() < RESEND_INTERVAL)
        {
            vec![]
        } else {
            vetting.email_sent = Some((Instant::now(), now_text()));
            let vetting = vetting.clone();
            vec![event(&sim, "BRAND_EMAIL_2FA_SEND", brand, &vetting)]
        }
    };
    emit_all(&sim, events);
    Ok(StatusCode::NO_CONTENT)
}
