//! Appealing an external vet (`POST`/`GET /brand/{brandId}/externalVetting/appeal`): the vet
//! must be the brand's and completed, the categories TCR's (559), the evidence the brand's own
//! uploads. An appeal is `PENDING`, then `COMPLETE` one `appeal_delay` later: the vet `ACTIVE`
//! with its score raised to at least [`APPEALED_SCORE`].
use axum::{
    body::Bytes,
    extract::{rejection::QueryRejection, Path, Query, State},
    response::{IntoResponse, Response},
    routing::post,
    Json, Router,
};
use serde_json::{json, Value};

use super::appeals::{check_categories, AppealFields};
use super::body::{Body, Problems};
use super::catalogue::appeal_category_of;
use super::errors::{no_content, ApiError, Rejection};
use super::query;
use super::state::{after, emit_all, lock, now_text, SharedSim};
use super::vetting::{vetting_events, VettingStatus};

/// The score a successful appeal leaves at least (the simulator's choice).
pub(super) const APPEALED_SCORE: u8 = 75;

/// One external-vetting appeal.
#[derive(Debug, Clone)]
pub(super) struct VetAppeal {
    brand_id: String,
    evp_id: String,
    vetting_id: String,
    vetting_class: String,
    categories: Vec<String>,
    attachments: Vec<String>,
    explanation: Option<String>,
    create_date: String,
    update_date: String,
    /// Set when COMPLETE: `(vetStatus, vetScore)`.
    outcome: Option<(&'static str, u8)>,
}

impl VetAppeal {
    fn status(&self) -> &'static str {
        if self.outcome.is_some() {
            "COMPLETE"
        } else {
            "PENDING"
        }
    }

    fn to_json(&self) -> Value {
        let mut appeal = json!({
            "brandId": self.brand_id,
            "appealStatus": self.status(),
            "categoryList": self.categories,
            "attachmentUuidList": self.attachments,
            "appealStatusUpdateDate": self.update_date,
            "createDate": self.create_date,
            "evpId": self.evp_id,
            "vettingId": self.vetting_id,
            "vettingClass": self.vetting_class,
        });
        if let Some(explanation) = &self.explanation {
            appeal["explanation"] = json!(explanation);
        }
        if let Some((status, score)) = self.outcome {
            appeal["appealOutcome"] = json!({
                "vetStatus": status,
                "vetScore": score,
                "optionalAttributes": {},
                "feedback": {"reasons": []},
            });
        }
        appeal
    }
}

pub(super) fn router() -> Router<SharedSim> {
    Router::new().route(
        "/v2/brand/{brand_id}/externalVetting/appeal",
        post(appeal).get(list),
    )
}

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
    let evp_id = problems
        .take(body.text("evpId"))
        .unwrap_or_default()
        .to_owned();
    let vetting_id = problems
        .take(body.text("vettingId"))
        .unwrap_or_default()
        .to_owned();
    for (name, value) in [("evpId", &evp_id), ("vettingId", &vetting_id)] {
        if value.trim().is_empty() {
            problems.push(ApiError::invalid(name, format!("{name} is required")));
        }
    }
    problems.into_result()?;
    // The categories the catalogue lists for this provider (`GET /enum/extVettingAppealCategory`).
    check_categories(&categories, |c| appeal_category_of(&evp_id, c))?;
    {
        let files = sim.files();
        if let Some(unknown) = attachments
            .iter()
            .find(|uuid| !files.is_evidence_of(uuid, brand_id))
        {
            return Err(ApiError::invalid(
                "attachmentUuids",
                format!("{unknown} is not an evidence file of brand {brand_id}"),
            )
            .into());
        }
    }
    let vetting_class = {
        let registry = sim.registry();
        let brand = registry
            .get(brand_id)
            .filter(|b| !b.deleted)
            .ok_or_else(|| ApiError::not_found("brandId"))?;
        let vetting = brand
            .vettings
            .iter()
            .find(|v| v.evp_id == evp_id && v.vetting_id == vetting_id)
            .ok_or_else(|| {
                ApiError::new(502, "Brand or vetting record not found", &["vettingId"])
            })?;
        if matches!(vetting.status, VettingStatus::Pending) {
            return Err(ApiError::new(
                592,
                "Operation declined. The vet is still PENDING and cannot be appealed",
                &["vettingId"],
            )
            .into());
        }
        vetting.class.to_owned()
    };
    let mut appeals = lock(&sim.vet_appeals);
    if appeals
        .iter()
        .any(|a| a.vetting_id == vetting_id && a.outcome.is_none())
    {
        return Err(ApiError::new(
            592,
            "Operation declined. The vet already has a PENDING appeal",
            &["vettingId"],
        )
        .into());
    }
    let now = now_text();
    appeals.push(VetAppeal {
        brand_id: brand_id.to_owned(),
        evp_id,
        vetting_id,
        vetting_class,
        categories,
        attachments,
        explanation: explanation.map(str::to_owned),
        create_date: now.clone(),
        update_date: now,
        outcome: None,
    });
    let index = appeals.len() - 1;
    drop(appeals);
    tracing::info!(brand_id, "external vet appeal filed");
    after(sim, sim.config.appeal_delay, move |sim| decide(sim, index));
    Ok(())
}

/// Completes the appeal: the vet `ACTIVE`, its score raised to at least [`APPEALED_SCORE`],
/// announced as the vet's report updated (`EVP_REPORT_UPDATE`).
fn decide(sim: &SharedSim, index: usize) {
    let events = {
        let mut appeals = lock(&sim.vet_appeals);
        let Some(appeal) = appeals.get_mut(index).filter(|a| a.outcome.is_none()) else {
            return;
        };
        let mut registry = sim.registry();
        let mut events = vec![];
        let mut score = APPEALED_SCORE;
        if let Some(brand) = registry.get_mut(&appeal.brand_id) {
            let appealed = brand
                .vettings
                .iter_mut()
                .find(|v| v.vetting_id == appeal.vetting_id)
                .map(|vetting| {
                    score = vetting.score.unwrap_or(0).max(APPEALED_SCORE);
                    vetting.score = Some(score);
                    vetting.status = VettingStatus::Active;
                    vetting.clone()
                });
            if let Some(vetting) = appealed {
                events = vetting_events(sim, brand, &vetting, "EVP_REPORT_UPDATE");
            }
        }
        appeal.outcome = Some(("ACTIVE", score));
        appeal.update_date = now_text();
        tracing::info!(brand_id = %appeal.brand_id, "external vet appeal complete");
        events
    };
    emit_all(sim, events);
}

/// The brand's vet appeals, filtered by `evpId`, `vettingId` and `appealStatus`.
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
    if sim.registry().get(&brand_id).is_none() {
        return Rejection::from(ApiError::not_found("brandId")).into_response();
    }
    let evp = query::values(&params, "evpId");
    let vetting = query::values(&params, "vettingId");
    let appeals: Vec<Value> = lock(&sim.vet_appeals)
        .iter()
        .filter(|a| a.brand_id == brand_id)
        .filter(|a| evp.is_empty() || evp.contains(&a.evp_id.as_str()))
        .filter(|a| vetting.is_empty() || vetting.contains(&a.vetting_id.as_str()))
        .filter(|a| wanted.is_empty() || wanted.contains(&a.status()))
        .map(VetAppeal::to_json)
        .collect();
    Json(Value::Array(appeals)).into_response()
}
