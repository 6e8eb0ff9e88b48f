//! Why a brand is UNVERIFIED (`GET /brand/feedback/{brandId}`) and contesting it
//! (`POST`/`GET /brand/{brandId}/appeal`). An appeal is `PENDING`, then `COMPLETE` one
//! `appeal_delay` later: the brand `VERIFIED` unless its name carries `[sim:appeal-reject]`.
use axum::{
    body::Bytes,
    extract::{rejection::QueryRejection, Path, Query, State},
    response::{IntoResponse, Response},
    routing::{get, post},
    Json, Router,
};
use serde_json::{json, Value};

use super::body::{Body, Problems};
use super::enums::BRAND_APPEAL_CATEGORIES;
use super::errors::{no_content, ApiError, Rejection};
use super::events;
use super::magic::{Magic, Site};
use super::query;
use super::state::{after, emit_all, now_text, BrandRecord, IdentityStatus, SharedSim};

const MAX_EXPLANATION: usize = 1024;

/// What every appeal body carries, identity or external-vetting: the categories (required), the
/// evidence's attachment ids and an explanation of at most [`MAX_EXPLANATION`] characters.
pub(super) struct AppealFields<'b> {
    pub categories: Vec<String>,
    pub attachments: Vec<String>,
    pub explanation: Option<&'b str>,
}

impl<'b> AppealFields<'b> {
    /// Reads the fields, each problem into `problems`.
    pub fn read(body: &'b Body, problems: &mut Problems) -> Self {
        let categories = problems.take(body.strings("appealCategories"));
        if categories.as_ref().is_some_and(Vec::is_empty) || body.get("appealCategories").is_none()
        {
            problems.push(ApiError::invalid(
                "appealCategories",
                "appealCategories is required",
            ));
        }
        let attachments = problems
            .take(body.strings("attachmentUuids"))
            .unwrap_or_default();
        let explanation = problems.take(body.text("explanation"));
        if explanation.is_some_and(|e| e.chars().count() > MAX_EXPLANATION) {
            problems.push(ApiError::invalid(
                "explanation",
                format!("explanation must be at most {MAX_EXPLANATION} characters long"),
            ));
        }
        AppealFields {
            categories: categories.unwrap_or_default(),
            attachments,
            explanation,
        }
    }
}

/// TCR's 559 when a category is not one `known` accepts.
pub(super) fn check_categories(
    categories: &[String],
    known: impl Fn(&str) -> bool,
) -> Result<(), Rejection> {
    if categories.iter().any(|c| !known(c)) {
        return Err(ApiError::simulated(559).into());
    }
    Ok(())
}

/// One identity appeal (`BrandAppeal`).
#[derive(Debug, Clone)]
pub(super) struct Appeal {
    categories: Vec<String>,
    attachments: Vec<String>,
    explanation: Option<String>,
    create_date: String,
    update_date: String,
    /// `None` while PENDING; then whether the brand came out verified.
    verified: Option<bool>,
}

impl Appeal {
    fn is_pending(&self) -> bool {
        self.verified.is_none()
    }

    fn to_json(&self, brand_id: &str) -> Value {
        let mut appeal = json!({
            "brandId": brand_id,
            "appealStatus": if self.is_pending() { "PENDING" } else { "COMPLETE" },
            "categoryList": self.categories,
            "attachmentUuidList": self.attachments,
            "appealStatusUpdateDate": self.update_date,
            "createDate": self.create_date,
        });
        if let Some(explanation) = &self.explanation {
            appeal["explanation"] = json!(explanation);
        }
        if let Some(verified) = self.verified {
            let (status, feedback) = if verified {
                ("VERIFIED", Vec::new())
            } else {
                ("UNVERIFIED", vec![tax_id_feedback()])
            };
            appeal["appealOutcome"] = json!({
                "vetStatus": status,
                "optionalAttributes": {},
                "feedback": {"category": feedback},
            });
        }
        appeal
    }
}

/// The feedback category of an unverified brand (`FeedbackCategory`), as TCR's example words it.
fn tax_id_feedback() -> Value {
    json!({
        "id": "TAX_ID",
        "displayName": "Tax Id",
        "description": "Tax id does not match with the company name or business type.",
        "fields": ["ein", "companyName", "entityType"],
        "errors": [{
            "code": "TFTI04",
            "message": "The submitted legal company name does not match with US EIN.",
        }],
    })
}

pub(super) fn router() -> Router<SharedSim> {
    Router::new()
        .route("/v2/brand/feedback/{brand_id}", get(feedback))
        .route("/v2/brand/{brand_id}/appeal", post(appeal).get(list))
}

/// `BrandFeedback`: the `TAX_ID` category for an UNVERIFIED brand, none otherwise; 535 while
/// scoring.
async fn feedback(State(sim): State<SharedSim>, Path(brand_id): Path<String>) -> Response {
    let registry = sim.registry();
    let Some(brand) = registry.get(&brand_id) else {
        return Rejection::from(ApiError::not_found("brandId")).into_response();
    };
    if brand.is_scoring() {
        return Rejection::from(ApiError::simulated(535)).into_response();
    }
    let categories = if brand.identity_status == IdentityStatus::Unverified {
        vec![tax_id_feedback()]
    } else {
        Vec::new()
    };
    Json(json!({"brandId": brand_id, "category": categories})).into_response()
}

/// Files an appeal: `204` (no body, as TCR's document says), `BRAND_APPEAL_ADD`, and the verdict
/// one `appeal_delay` later.
async fn appeal(
    State(sim): State<SharedSim>,
    Path(brand_id): Path<String>,
    body: Bytes,
) -> Response {
    no_content(file(&sim, &brand_id, &body))
}

fn file(sim: &SharedSim, brand_id: &str, bytes: &[u8]) -> Result<(), Rejection> {
    let body = Body::parse(bytes)?;
    let mut problems = Problems::default();
    let AppealFields {
        categories,
        attachments,
        explanation,
    } = AppealFields::read(&body, &mut problems);
    problems.into_result()?;
    check_categories(&categories, |c| {
        BRAND_APPEAL_CATEGORIES.iter().any(|(id, _, _)| *id == c)
    })?;

    let mut registry = sim.registry();
    let brand = registry
        .get_mut(brand_id)
        .filter(|b| !b.deleted)
        .ok_or_else(|| ApiError::not_found("brandId"))?;
    if brand.is_scoring() {
        return Err(ApiError::simulated(527).into());
    }
    if brand.identity_status != IdentityStatus::Unverified {
        return Err(ApiError::new(
            592,
            format!(
                "Operation declined. Only UNVERIFIED brands can appeal; this brand is {}",
                brand.identity_status.as_str()
            ),
            &["brandId"],
        )
        .into());
    }
    if brand.appeals.iter().any(Appeal::is_pending) {
        return Err(ApiError::new(
            592,
            "Operation declined. The brand already has a PENDING appeal",
            &["brandId"],
        )
        .into());
    }
    let now = now_text();
    brand.appeals.push(Appeal {
        categories,
        attachments,
        explanation: explanation.map(str::to_owned),
        create_date: now.clone(),
        update_date: now,
        verified: None,
    });
    let index = brand.appeals.len() - 1;
    let event = events::brand_event(sim, "BRAND_APPEAL_ADD", brand);
    drop(registry);
    tracing::info!(brand_id, "brand identity appeal filed");
    emit_all(sim, [event]);
    let brand_id = brand_id.to_owned();
    after(sim, sim.config.appeal_delay, move |sim| {
        decide(sim, &brand_id, index)
    });
    Ok(())
}

/// Completes the appeal: `BRAND_APPEAL_COMPLETE`, and when it succeeds the brand `VERIFIED` (or
/// `VETTED_VERIFIED` with an identity vet) and `BRAND_IDENTITY_STATUS_UPDATE`.
fn decide(sim: &SharedSim, brand_id: &str, index: usize) {
    let events = {
        let mut registry = sim.registry();
        let Some(brand) = registry.get_mut(brand_id) else {
            return;
        };
        let magic = Magic::of_stored(
            brand.fields.get("displayName").unwrap_or_default(),
            Site::BrandName,
        );
        let verified = !magic.appeal_reject;
        let Some(appeal) = brand.appeals.get_mut(index).filter(|a| a.is_pending()) else {
            return;
        };
        appeal.verified = Some(verified);
        appeal.update_date = now_text();
        tracing::info!(brand_id, verified, "brand identity appeal complete");
        completion_events(sim, brand, verified)
    };
    emit_all(sim, events);
}

fn completion_events(sim: &SharedSim, brand: &mut BrandRecord, verified: bool) -> Vec<Value> {
    let outcome = if verified { "VERIFIED" } else { "UNVERIFIED" };
    let mut complete = events::brand_event(sim, "BRAND_APPEAL_COMPLETE", brand);
    complete["description"] = json!(format!(
        "Brand {} identity appeal is complete: {outcome}",
        brand.brand_id
    ));
    let mut events = vec![complete];
    if verified && !brand.deleted {
        brand.override_identity(brand.with_vetting(IdentityStatus::Verified));
        events.push(events::brand_event(
            sim,
            "BRAND_IDENTITY_STATUS_UPDATE",
            brand,
        ));
    }
    events
}

/// The brand's appeals, optionally only those whose `appealStatus` is listed.
async fn list(
    State(sim): State<SharedSim>,
    Path(brand_id): Path<String>,
    params: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Response {
    let params = match query::read(params) {
        Ok(params) => params,
        Err(error) => return Rejection::from(error).into_response(),
    };
    let wanted = query::values(&params, "appealStatus");
    if let Some(bad) = wanted.iter().find(|s| !["PENDING", "COMPLETE"].contains(s)) {
        return Rejection::from(ApiError::invalid(
            "appealStatus",
            format!("Unknown appealStatus {bad:?}; use PENDING or COMPLETE"),
        ))
        .into_response();
    }
    let registry = sim.registry();
    let Some(brand) = registry.get(&brand_id) else {
        return Rejection::from(ApiError::not_found("brandId")).into_response();
    };
    let appeals: Vec<Value> = brand
        .appeals
        .iter()
        .map(|a| a.to_json(&brand_id))
        .filter(|a| wanted.is_empty() || wanted.iter().any(|w| a["appealStatus"] == *w))
        .collect();
    Json(Value::Array(appeals)).into_response()
}
