//! `/brand` routes: register (non-blocking), read, search, update, delete and revet brands.
use std::time::{Duration, Instant};

use axum::{
    body::Bytes,
    extract::{rejection::QueryRejection, Path, Query, State},
    http::StatusCode,
    response::{IntoResponse, Response},
    routing::{get, post, put},
    Json, Router,
};
use serde_json::Value;

use super::enums::{BRAND_STATUSES, ENTITY_TYPES, IDENTITY_STATUSES};
use super::errors::{ApiError, Rejection};
use super::events;
use super::magic::{Magic, Site};
use super::query::{self, Page};
use super::state::{schedule_scoring, BrandFields, BrandRecord, IdentityStatus, SharedSim};
use super::validate::{self, BrandBody};
use super::webhooks;

/// Changing any of these sends the brand back to `UNVERIFIED` and through scoring again.
const IDENTITY_FIELDS: &[&str] = &[
    "entityType",
    "companyName",
    "ein",
    "einIssuingCountry",
    "mobilePhone",
];

/// These are locked while the brand has campaigns or external vets (error 537).
const LOCKED_FIELDS: &[&str] = &["companyName", "ein", "einIssuingCountry", "entityType"];

/// TCR lets `brandRelationship` change "once every 3 months".
const RELATIONSHIP_CHANGE_INTERVAL: Duration = Duration::from_secs(90 * 24 * 60 * 60);

pub(super) fn router() -> Router<SharedSim> {
    Router::new()
        .route("/v2/brand/nonBlocking", post(create))
        .route("/v2/brand", get(search))
        .route(
            "/v2/brand/{brand_id}",
            get(get_brand).put(update).delete(delete),
        )
        .route("/v2/brand/{brand_id}/revet", put(revet))
}

async fn create(State(sim): State<SharedSim>, body: Bytes) -> Response {
    match read_body(&body) {
        Ok((body, magic)) => {
            let answer = register(&sim, &body, &magic);
            magic.delay(answer).await
        }
        Err(rejection) => rejection.into_response(),
    }
}

async fn update(
    State(sim): State<SharedSim>,
    Path(brand_id): Path<String>,
    body: Bytes,
) -> Response {
    match read_body(&body) {
        Ok((body, magic)) => {
            let answer = change(&sim, &brand_id, &body, &magic);
            magic.delay(answer).await
        }
        Err(rejection) => rejection.into_response(),
    }
}

async fn get_brand(State(sim): State<SharedSim>, Path(brand_id): Path<String>) -> Response {
    match sim.registry().get(&brand_id) {
        Some(brand) => Json(brand.to_json(&sim.config.csp_id)).into_response(),
        None => Rejection::from(ApiError::not_found("brandId")).into_response(),
    }
}

/// Soft delete: the brand stays readable with `status` `DELETED`. Only the first delete sends
/// `BRAND_DELETE`; a brand with campaigns not yet expired cannot be deleted (542).
async fn delete(State(sim): State<SharedSim>, Path(brand_id): Path<String>) -> Response {
    let mut registry = sim.registry();
    if registry.has_active_campaigns(&brand_id) {
        return Rejection::from(ApiError::simulated(542)).into_response();
    }
    let event = match registry.get_mut(&brand_id) {
        Some(brand) => {
            let first = !brand.deleted;
            brand.deleted = true;
            tracing::info!(brand_id, "brand deleted");
            first.then(|| events::brand_event(&sim, "BRAND_DELETE", brand))
        }
        None => return Rejection::from(ApiError::not_found("brandId")).into_response(),
    };
    drop(registry);
    if let Some(event) = event {
        webhooks::emit(&sim, event);
    }
    StatusCode::NO_CONTENT.into_response()
}

fn read_body(bytes: &[u8]) -> Result<(BrandBody, Magic), Rejection> {
    let body = BrandBody::parse(bytes)?;
    let magic = Magic::parse(body.display_name().unwrap_or_default(), Site::BrandName)
        .map_err(|problem| ApiError::invalid("displayName", problem))?;
    Ok((body, magic))
}

/// The answer `[sim:http-NNN]` or `[sim:error-NNN]` asks for, before anything is stored.
pub(super) fn forced_failure(magic: &Magic, site: Site) -> Option<Response> {
    if let Some(status) = magic.http_status {
        return Some(status.into_response());
    }
    magic
        .tcr_error
        .map(|code| Rejection::from(ApiError::simulated_at(code, site)).into_response())
}

/// The identity status a brand shows while TCR scores it.
fn while_scoring(fields: &BrandFields) -> IdentityStatus {
    if fields.is_sole_proprietor() {
        IdentityStatus::SelfDeclared
    } else {
        IdentityStatus::Unverified
    }
}

/// The identity status scoring ends with: sole proprietors stay self-declared until their OTP.
fn verdict(fields: &BrandFields, magic: &Magic, otp_verified: bool) -> IdentityStatus {
    magic
        .scoring
        .unwrap_or(if fields.is_sole_proprietor() && !otp_verified {
            IdentityStatus::SelfDeclared
        } else {
            IdentityStatus::Verified
        })
}

fn register(sim: &SharedSim, body: &BrandBody, magic: &Magic) -> Response {
    if let Some(failure) = forced_failure(magic, Site::BrandName) {
        return failure;
    }
    let fields = body.apply_to(&BrandFields::default());
    let problems = validate::problems(&fields);
    if !problems.is_empty() {
        return Rejection(problems).into_response();
    }
    let verdict = verdict(&fields, magic, false);
    let (brand, brand_id, round, event) = {
        let mut registry = sim.registry();
        if let Some(reference_id) = fields.get("referenceId") {
            if registry.reference_taken(reference_id, None) {
                return Rejection::from(ApiError::duplicate_reference_id()).into_response();
            }
        }
        let meanwhile = while_scoring(&fields);
        let brand = registry.register(fields);
        let round = brand.start_scoring(meanwhile);
        (
            brand.to_json(&sim.config.csp_id),
            brand.brand_id.clone(),
            round,
            events::brand_event(sim, "BRAND_ADD", brand),
        )
    };
    tracing::info!(brand_id, "brand registered");
    webhooks::emit(sim, event);
    schedule_scoring(sim, brand_id, round, verdict);
    if magic.created_then_http_500 {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    }
    Json(brand).into_response()
}

fn change(sim: &SharedSim, brand_id: &str, body: &BrandBody, magic: &Magic) -> Response {
    if let Some(failure) = forced_failure(magic, Site::BrandName) {
        return failure;
    }
    let mut registry = sim.registry();
    let Some(current) = registry.get(brand_id).filter(|b| !b.deleted) else {
        return Rejection::from(ApiError::not_found("brandId")).into_response();
    };
    let fields = body.apply_to(&current.fields);
    let problems = update_problems(body, &fields);
    if !problems.is_empty() {
        return Rejection(problems).into_response();
    }
    if let Some(reference_id) = fields.get("referenceId") {
        if registry.reference_taken(reference_id, Some(brand_id)) {
            return Rejection::from(ApiError::duplicate_reference_id()).into_response();
        }
    }
    let relationship_changed =
        fields.get("brandRelationship") != current.fields.get("brandRelationship");
    if relationship_changed
        && current
            .relationship_changed_at
            .is_some_and(|at| at.elapsed() < RELATIONSHIP_CHANGE_INTERVAL)
    {
        return Rejection::from(ApiError::simulated(528)).into_response();
    }
    let changed = |name: &&str| fields.get(name) != current.fields.get(name);
    let locked = LOCKED_FIELDS.iter().any(changed)
        && (registry.has_active_campaigns(brand_id)
            || current.vettings.iter().any(|v| v.is_live()));
    if locked {
        return Rejection::from(ApiError::simulated(537)).into_response();
    }
    let identity_changed = IDENTITY_FIELDS.iter().any(changed);
    let phone_changed = changed(&"mobilePhone");
    let contact_changed = changed(&"businessContactEmail");
    let otp_verified = current.mobile_phone_verified_date().is_some() && !phone_changed;
    let verdict = verdict(&fields, magic, otp_verified);
    let meanwhile = while_scoring(&fields);

    let brand: &mut BrandRecord = registry.get_mut(brand_id).expect("looked up above");
    brand.fields = fields;
    if phone_changed {
        // A new mobile phone has to pass its own OTP.
        brand.otp = None;
    }
    if relationship_changed {
        brand.relationship_changed_at = Some(Instant::now());
    }
    let rescoring = identity_changed.then(|| brand.start_scoring(meanwhile));
    let answer = brand.to_json(&sim.config.csp_id);
    let event = events::brand_event(sim, "BRAND_UPDATE", brand);
    // Auth+ verified the old business contact; a new one revokes it.
    let revoked = if contact_changed {
        crate::auth_plus::revoke(sim, brand)
    } else {
        vec![]
    };
    drop(registry);

    tracing::info!(brand_id, identity_changed, "brand updated");
    webhooks::emit(sim, event);
    crate::state::emit_all(sim, revoked);
    if let Some(round) = rescoring {
        schedule_scoring(sim, brand_id.to_owned(), round, verdict);
    }
    Json(answer).into_response()
}

/// What is wrong with an update: the merged brand's problems, then the body's own missing fields.
fn update_problems(body: &BrandBody, merged: &BrandFields) -> Vec<ApiError> {
    let mut problems = validate::problems(merged);
    for missing in body.missing_for_update() {
        if !problems.iter().any(|p| p.fields == missing.fields) {
            problems.push(missing);
        }
    }
    problems
}

/// Scores the brand again: `202` with the brand, whose identity stays as it is until the verdict
/// (`BRAND_REVET` now, `BRAND_SCORE_UPDATE` and `BRAND_IDENTITY_STATUS_UPDATE` later). Refused
/// while scoring (527) and when nothing changed since the last scoring (525).
async fn revet(State(sim): State<SharedSim>, Path(brand_id): Path<String>) -> Response {
    let mut registry = sim.registry();
    let Some(brand) = registry.get_mut(&brand_id).filter(|b| !b.deleted) else {
        return Rejection::from(ApiError::not_found("brandId")).into_response();
    };
    if brand.is_scoring() {
        return Rejection::from(ApiError::simulated(527)).into_response();
    }
    if brand.fields == brand.scored_fields {
        return Rejection::from(ApiError::new(
            525,
            "Revet not allowed with identical brand information. Update the brand profile before requesting a re-vet",
            &[],
        ))
        .into_response();
    }
    let magic = Magic::of_stored(
        brand.fields.get("displayName").unwrap_or_default(),
        Site::BrandName,
    );
    let verdict = verdict(
        &brand.fields,
        &magic,
        brand.mobile_phone_verified_date().is_some(),
    );
    let meanwhile = brand.identity_status;
    let round = brand.start_scoring(meanwhile);
    let answer = brand.to_json(&sim.config.csp_id);
    let event = events::brand_event(&sim, "BRAND_REVET", brand);
    drop(registry);
    tracing::info!(brand_id, "brand revet");
    webhooks::emit(&sim, event);
    schedule_scoring(&sim, brand_id, round, verdict);
    (StatusCode::ACCEPTED, Json(answer)).into_response()
}

/// `GET /brand`'s filters; empty values count as absent.
#[derive(Debug)]
struct Search {
    text: Vec<(String, String)>,
    tags: Vec<String>,
    mock: Option<bool>,
    deleted: bool,
    page: Page,
}

impl Search {
    fn parse(params: Vec<(String, String)>) -> Result<Self, Rejection> {
        let mut search = Search {
            text: Vec::new(),
            tags: Vec::new(),
            mock: None,
            deleted: false,
            page: Page::default(),
        };
        let mut errors = Vec::new();
        let one_of = |name: &str, value: &str, allowed: &[&str]| {
            (!allowed.contains(&value)).then(|| {
                ApiError::invalid(
                    name,
                    format!("{name} must be one of {}", allowed.join(", ")),
                )
            })
        };
        for (name, value) in params.into_iter().filter(|(_, v)| !v.is_empty()) {
            let error = match name.as_str() {
                "entityType" => one_of(&name, &value, ENTITY_TYPES),
                "identityStatus" => one_of(&name, &value, IDENTITY_STATUSES),
                "status" => {
                    search.deleted = value == "DELETED";
                    one_of(&name, &value, BRAND_STATUSES)
                }
                "mock" => match value.parse() {
                    Ok(mock) => {
                        search.mock = Some(mock);
                        None
                    }
                    Err(_) => Some(ApiError::invalid("mock", "mock must be true or false")),
                },
                "tag" => {
                    search.tags.push(value.to_lowercase());
                    None
                }
                _ if Page::is_param(&name) => search.page.set(&name, &value).err(),
                _ => None,
            };
            match error {
                Some(error) => errors.push(error),
                None => search.text.push((name, value)),
            }
        }
        if errors.is_empty() {
            Ok(search)
        } else {
            Err(Rejection(errors))
        }
    }

    fn matches(&self, brand: &BrandRecord, json: &Value) -> bool {
        let text = |name: &str| json.get(name).and_then(Value::as_str);
        brand.deleted == self.deleted
            && self.mock.is_none_or(|mock| brand.fields.mock == mock)
            && (self.tags.is_empty() || self.tags.iter().any(|t| brand.fields.tags.contains(t)))
            && self.text.iter().all(|(name, wanted)| match name.as_str() {
                "referenceId" => text(name).is_some_and(|r| r.eq_ignore_ascii_case(wanted)),
                "displayName" => {
                    text(name).is_some_and(|d| d.to_lowercase().contains(&wanted.to_lowercase()))
                }
                "entityType" | "identityStatus" | "state" | "country" | "ein" | "universalEin" => {
                    text(name) == Some(wanted.as_str())
                }
                // Filters the simulator does not model (resellerId, ...) do not narrow.
                _ => true,
            })
    }
}

async fn search(
    State(sim): State<SharedSim>,
    params: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<Json<Value>, Rejection> {
    let search = Search::parse(query::read(params)?)?;
    let registry = sim.registry();
    let found: Vec<Value> = registry
        .iter()
        .map(|brand| (brand, brand.to_json(&sim.config.csp_id)))
        .filter(|(brand, json)| search.matches(brand, json))
        .map(|(_, json)| json)
        .collect();
    Ok(Json(search.page.record_set(found)))
}
