//! `/campaignBuilder` and `/campaign` routes: create, read, search, update, deactivate,
//! resubmit, nudge and share campaigns, and read what the carriers made of them.
mod migration;
mod osr;
mod record;
mod request;
mod review;
mod sharing;

use axum::{
    body::Bytes,
    extract::{rejection::QueryRejection, Path, Query, State},
    http::StatusCode,
    response::{IntoResponse, Response},
    routing::{get, post, put},
    Json, Router,
};
use serde_json::{json, Value};

pub(super) use migration::CnpSettings;
pub(super) use record::{CampaignRecord, Campaigns};
pub(super) use review::act_out_of_band;
pub(super) use sharing::{known_partner, Sharing, SharingStatus};

use record::{Carrier, OperationStatus};
use request::{CampaignBody, CampaignFields, NO_RESELLER};

use super::body::{Body, Problems};
use super::brands::forced_failure;
use super::enums::{self, UseCase, CAMPAIGN_STATUSES, MNOS, NUDGE_INTENTS};
use super::errors::{ApiError, Rejection};
use super::events;
use super::magic::{Magic, Site};
use super::qualify::{self, Metadata};
use super::query::{self, Page};
use super::state::{emit_all, months_later, timestamp, BrandRecord, IdentityStatus, SharedSim};

const MAX_NUDGE_DESCRIPTION: usize = 1024;

pub(super) fn router() -> Router<SharedSim> {
    Router::new()
        .route("/v2/campaignBuilder", post(create))
        .route("/v2/campaign", get(search))
        .route(
            "/v2/campaign/{campaign_id}",
            get(get_campaign).put(update).delete(deactivate),
        )
        .route("/v2/campaign/{campaign_id}/mnoMetadata", get(mno_metadata))
        .route(
            "/v2/campaign/{campaign_id}/operationStatus",
            get(operation_status),
        )
        .route(
            "/v2/campaign/{campaign_id}/osr/attributes",
            get(osr::osr_attributes),
        )
        .route(
            "/v2/campaign/{campaign_id}/osr/phones",
            get(osr::osr_phones),
        )
        .route(
            "/v2/campaign/{campaign_id}/mnoIdsWithDcaElected",
            get(osr::mno_ids_with_dca_elected),
        )
        .route("/v2/campaign/{campaign_id}/resubmit", put(resubmit))
        .route("/v2/campaign/{campaign_id}/nudge", post(nudge))
        .route("/v2/campaign/{campaign_id}/sharing", get(sharing::status))
        .route(
            "/v2/campaign/{campaign_id}/sharing/{upstream_cnp_id}",
            put(sharing::share),
        )
        .route(
            "/v2/campaign/{campaign_id}/migrateCnp",
            get(migration::status).delete(migration::cancel),
        )
        .route(
            "/v2/campaign/{campaign_id}/migrateCnp/{upstream_cnp_id}",
            post(migration::start),
        )
        .route(
            "/v2/settings/cnpMigration",
            get(migration::settings).put(migration::update_settings),
        )
}

fn read_body(bytes: &[u8]) -> Result<(CampaignBody, Magic), Rejection> {
    let body = CampaignBody::parse(bytes)?;
    let magic = Magic::parse(
        body.description().unwrap_or_default(),
        Site::CampaignDescription,
    )
    .map_err(|problem| ApiError::invalid("description", problem))?;
    Ok((body, magic))
}

fn not_found() -> Response {
    Rejection::from(ApiError::not_found("campaignId")).into_response()
}

fn usd(cents: u32) -> String {
    format!("{}.{:02}", cents / 100, cents % 100)
}

// ---------------------------------------------------------------------------------------------
// Create
// ---------------------------------------------------------------------------------------------

async fn create(State(sim): State<SharedSim>, body: Bytes) -> Response {
    match read_body(&body) {
        Ok((body, magic)) => {
            let answer = register(&sim, &body, &magic);
            magic.delay(answer).await
        }
        Err(rejection) => rejection.into_response(),
    }
}

fn register(sim: &SharedSim, body: &CampaignBody, magic: &Magic) -> Response {
    if let Some(failure) = forced_failure(magic, Site::CampaignDescription) {
        return failure;
    }
    let fields = body.to_fields();
    let mut problems = request::problems(&fields);
    problems.extend(body.mno_ids.as_deref().and_then(request::check_mno_ids));
    if !problems.is_empty() {
        return Rejection(problems).into_response();
    }
    let usecase = enums::use_case(fields.get("usecase").unwrap_or_default()).expect("checked");
    match provision(sim, fields, usecase, body.mno_ids.as_deref()) {
        Ok((answer, events)) => {
            emit_all(sim, events);
            if magic.created_then_http_500 {
                return StatusCode::INTERNAL_SERVER_ERROR.into_response();
            }
            Json(answer).into_response()
        }
        Err(rejection) => rejection.into_response(),
    }
}

/// Stores the campaign if its brand qualifies and the carriers' mandates are met; answers
/// `CampaignSubmissionResponse` and the events to send: `CAMPAIGN_ADD`, `CAMPAIGN_BILLED` and
/// one `MNO_CAMPAIGN_OPERATION_REVIEW` per carrier.
fn provision(
    sim: &SharedSim,
    fields: CampaignFields,
    usecase: &'static UseCase,
    mno_ids: Option<&[u64]>,
) -> Result<(Value, Vec<Value>), Rejection> {
    let mut registry = sim.registry();
    let brand_id = fields.get("brandId").unwrap_or_default().to_owned();
    let brand = qualify::usable_brand(registry.get(&brand_id))?;
    let reseller = fields.get("resellerId").unwrap_or_default();
    if reseller != NO_RESELLER && !registry.resellers.contains(reseller) {
        return Err(ApiError::new(
            502,
            format!("Reseller record not found; use {NO_RESELLER} for no reseller"),
            &["resellerId"],
        )
        .into());
    }
    qualify::check_use_case(brand, usecase)?;
    if brand.fields.is_sole_proprietor() {
        if brand.identity_status != IdentityStatus::Verified {
            return Err(ApiError::new(
                509,
                "Brand is not qualified: the sole proprietor has not completed OTP verification",
                &["brandId"],
            )
            .into());
        }
        if registry.has_active_campaigns(&brand_id) {
            return Err(ApiError::simulated(511).into());
        }
    }
    if let Some(reference_id) = fields.get("referenceId") {
        if registry.campaigns.reference_taken(reference_id) {
            return Err(ApiError::simulated_at(503, Site::CampaignDescription).into());
        }
    }
    let terms = accepting_terms(mno_ids, usecase, brand)?;
    let mandates = request::mandate_problems(&fields, &terms.iter().collect::<Vec<_>>());
    if !mandates.is_empty() {
        return Err(Rejection(mandates));
    }

    let mock = brand.fields.mock;
    let now = chrono::Utc::now();
    let months = qualify::months_billed_up_front(usecase.code);
    let monthly = qualify::monthly_fee_cents(usecase.code);
    let campaign_id = registry.campaigns.fresh_id();
    let network_ids: Vec<u64> = terms.iter().map(|m| m.mno.network_id).collect();
    let campaign = CampaignRecord {
        campaign_id: campaign_id.clone(),
        brand_id,
        fields,
        mock,
        create_date: timestamp(now),
        billed_date: timestamp(now),
        next_renewal: months_later(now, months).format("%Y-%m-%d").to_string(),
        monthly_fee_cents: monthly,
        expiration_date: None,
        carriers: terms
            .into_iter()
            .map(|metadata| {
                let carrier = Carrier {
                    status: OperationStatus::Review,
                    metadata,
                    round: 0,
                };
                (carrier.metadata.mno.network_id, carrier)
            })
            .collect(),
        shares: Vec::new(),
        migrations: Vec::new(),
    };
    let answer = json!({"campaignId": campaign_id, "mnoMetadata": campaign.metadata_json()});
    registry.campaigns.insert(campaign);

    let (campaign, brand) = registry
        .campaign_and_brand(&campaign_id)
        .expect("just stored");
    let name = brand.fields.get("displayName").unwrap_or_default();
    let mut events = vec![
        events::campaign_event(
            sim,
            "CAMPAIGN_ADD",
            campaign,
            brand,
            format!(
                "Campaign {campaign_id} for brand {} ({name}) is provisioned in the registry",
                brand.brand_id
            ),
        ),
        events::campaign_event(
            sim,
            "CAMPAIGN_BILLED",
            campaign,
            brand,
            format!(
                "Campaign {campaign_id} is billed {} USD: {months} months at {} USD",
                usd(months * monthly),
                usd(monthly)
            ),
        ),
    ];
    tracing::info!(campaign_id, usecase = usecase.code, "campaign created");
    events.extend(review::start(
        sim,
        &mut registry,
        &campaign_id,
        &network_ids,
    ));
    Ok((answer, events))
}

/// The terms of the carriers in `mno_ids` (all by default) that support the use case and for
/// which the brand qualifies; none at all is 509.
fn accepting_terms(
    mno_ids: Option<&[u64]>,
    usecase: &UseCase,
    brand: &BrandRecord,
) -> Result<Vec<Metadata>, ApiError> {
    let terms: Vec<Metadata> = MNOS
        .iter()
        .filter(|m| mno_ids.is_none_or(|ids| ids.contains(&m.network_id)))
        .map(|m| Metadata::of(m, usecase, brand))
        .filter(Metadata::accepts)
        .collect();
    if terms.is_empty() {
        return Err(ApiError::new(
            509,
            format!(
                "Campaign request rejected: the brand does not qualify for use case {} on any chosen MNO",
                usecase.code
            ),
            &["usecase"],
        ));
    }
    Ok(terms)
}

// ---------------------------------------------------------------------------------------------
// Read and search
// ---------------------------------------------------------------------------------------------

async fn get_campaign(State(sim): State<SharedSim>, Path(campaign_id): Path<String>) -> Response {
    match sim.registry().campaigns.get(&campaign_id) {
        Some(campaign) => Json(campaign.to_json(&sim.config.csp_id)).into_response(),
        None => not_found(),
    }
}

async fn mno_metadata(State(sim): State<SharedSim>, Path(campaign_id): Path<String>) -> Response {
    match sim.registry().campaigns.get(&campaign_id) {
        Some(campaign) => Json(campaign.metadata_json()).into_response(),
        None => not_found(),
    }
}

async fn operation_status(
    State(sim): State<SharedSim>,
    Path(campaign_id): Path<String>,
) -> Response {
    match sim.registry().campaigns.get(&campaign_id) {
        Some(campaign) if campaign.is_active() => {
            Json(campaign.operation_status_json()).into_response()
        }
        Some(_) => Rejection::from(ApiError::simulated(518)).into_response(),
        None => not_found(),
    }
}

/// `GET /campaign`: exact-match filters (`referenceId` ignoring case), every campaign without
/// any; filters the simulator does not model (`vertical`) do not narrow.
async fn search(
    State(sim): State<SharedSim>,
    params: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Response {
    let params = match query::read(params) {
        Ok(params) => params,
        Err(error) => return Rejection::from(error).into_response(),
    };
    let mut page = Page::default();
    let mut filters = Vec::new();
    let mut problems = Problems::default();
    for (name, value) in params.into_iter().filter(|(_, v)| !v.is_empty()) {
        match name.as_str() {
            _ if Page::is_param(&name) => problems.take(page.set(&name, &value)),
            "status" if !CAMPAIGN_STATUSES.contains(&value.as_str()) => problems.push(
                ApiError::invalid("status", "status must be ACTIVE or EXPIRED"),
            ),
            "mock" | "autoRenewal" if value.parse::<bool>().is_err() => problems.push(
                ApiError::invalid(&name, format!("{name} must be true or false")),
            ),
            _ => filters.push((name, value)),
        }
    }
    if let Err(rejection) = problems.into_result() {
        return rejection.into_response();
    }
    let registry = sim.registry();
    let found: Vec<Value> = registry
        .campaigns
        .iter()
        .map(|c| (c, c.to_json(&sim.config.csp_id)))
        .filter(|(campaign, json)| {
            filters.iter().all(|(name, wanted)| match name.as_str() {
                "referenceId" => json[name]
                    .as_str()
                    .is_some_and(|r| r.eq_ignore_ascii_case(wanted)),
                "brandId" | "usecase" | "resellerId" | "status" => json[name] == wanted.as_str(),
                "mock" | "autoRenewal" => json[name].as_bool() == wanted.parse().ok(),
                "upstreamCnpId" => campaign
                    .sharing()
                    .is_some_and(|s| s.upstream == wanted.as_str()),
                "tag" => campaign.fields.tags.contains(&wanted.to_lowercase()),
                _ => true,
            })
        })
        .map(|(_, json)| json)
        .collect();
    Json(page.record_set(found)).into_response()
}

// ---------------------------------------------------------------------------------------------
// Update, deactivate
// ---------------------------------------------------------------------------------------------

async fn update(
    State(sim): State<SharedSim>,
    Path(campaign_id): Path<String>,
    body: Bytes,
) -> Response {
    match read_body(&body) {
        Ok((body, magic)) => {
            let answer = change(&sim, &campaign_id, &body, &magic);
            magic.delay(answer).await
        }
        Err(rejection) => rejection.into_response(),
    }
}

/// Changes the fields §4.4 lets change (501 for the others, 518 once expired), checks the result
/// like a new campaign and against its carriers' mandates (509), and sends `CAMPAIGN_UPDATE`.
fn change(sim: &SharedSim, campaign_id: &str, body: &CampaignBody, magic: &Magic) -> Response {
    if let Some(failure) = forced_failure(magic, Site::CampaignDescription) {
        return failure;
    }
    let mut registry = sim.registry();
    let Some(campaign) = registry.campaigns.get(campaign_id) else {
        return not_found();
    };
    if !campaign.is_active() {
        return Rejection::from(ApiError::simulated(518)).into_response();
    }
    let mut current = campaign.to_json(&sim.config.csp_id);
    current["mnoIds"] = json!(campaign.carriers.keys().collect::<Vec<_>>());
    current["tag"] = json!(campaign.fields.tags);
    let fields = body.updated(&campaign.fields);
    let mut problems = body.update_problems(&current);
    problems.extend(request::problems(&fields));
    if problems.is_empty() {
        let terms: Vec<&Metadata> = campaign.carriers.values().map(|c| &c.metadata).collect();
        problems = request::mandate_problems(&fields, &terms);
    }
    if !problems.is_empty() {
        return Rejection(problems).into_response();
    }
    registry
        .campaigns
        .get_mut(campaign_id)
        .expect("looked up above")
        .fields = fields;
    let (campaign, brand) = registry.campaign_and_brand(campaign_id).expect("stored");
    let answer = campaign.to_json(&sim.config.csp_id);
    let event = events::campaign_event(
        sim,
        "CAMPAIGN_UPDATE",
        campaign,
        brand,
        format!("Campaign {campaign_id} is updated"),
    );
    drop(registry);
    tracing::info!(campaign_id, "campaign updated");
    emit_all(sim, [event]);
    Json(answer).into_response()
}

/// Deactivates the campaign: `EXPIRED` for good, `CAMPAIGN_EXPIRED` the first time; idempotent.
async fn deactivate(State(sim): State<SharedSim>, Path(campaign_id): Path<String>) -> Response {
    let event = {
        let mut registry = sim.registry();
        let Some(campaign) = registry.campaigns.get_mut(&campaign_id) else {
            return not_found();
        };
        if !campaign.is_active() {
            return StatusCode::NO_CONTENT.into_response();
        }
        let now = chrono::Utc::now();
        campaign.expiration_date = Some(timestamp(now));
        campaign.next_renewal = now.format("%Y-%m-%d").to_string();
        let (campaign, brand) = registry.campaign_and_brand(&campaign_id).expect("found");
        events::campaign_event(
            &sim,
            "CAMPAIGN_EXPIRED",
            campaign,
            brand,
            format!(
                "Campaign {campaign_id} for brand {} ({}) is deactivated",
                brand.brand_id,
                brand.fields.get("displayName").unwrap_or_default()
            ),
        )
    };
    tracing::info!(campaign_id, "campaign deactivated");
    emit_all(&sim, [event]);
    StatusCode::NO_CONTENT.into_response()
}

// ---------------------------------------------------------------------------------------------
// Resubmit, nudge
// ---------------------------------------------------------------------------------------------

async fn resubmit(
    State(sim): State<SharedSim>,
    Path(campaign_id): Path<String>,
    body: Bytes,
) -> Response {
    match send_again(&sim, &campaign_id, &body) {
        Ok(answer) => Json(answer).into_response(),
        Err(rejection) => rejection.into_response(),
    }
}

/// Sends the campaign to carriers `mnoIds` again (all it went to by default; others are added):
/// their terms are worked out anew, they go back to `REVIEW` and decide one review delay later,
/// after `CAMPAIGN_RESUBMISSION`.
fn send_again(sim: &SharedSim, campaign_id: &str, bytes: &[u8]) -> Result<Value, Rejection> {
    let body = Body::parse(bytes)?;
    let mno_ids = body.numbers("mnoIds")?.filter(|ids| !ids.is_empty());
    if let Some(problem) = mno_ids.as_deref().and_then(request::check_mno_ids) {
        return Err(problem.into());
    }
    let mut registry = sim.registry();
    let campaign = registry
        .campaigns
        .get(campaign_id)
        .ok_or_else(|| ApiError::not_found("campaignId"))?;
    if !campaign.is_active() {
        return Err(ApiError::simulated(518).into());
    }
    let mno_ids = mno_ids.unwrap_or_else(|| campaign.carriers.keys().copied().collect());
    let usecase = qualify::known_use_case(campaign.fields.get("usecase").unwrap_or_default())?;
    let brand = qualify::usable_brand(registry.get(&campaign.brand_id))?;
    qualify::check_use_case(brand, usecase)?;
    let terms = accepting_terms(Some(&mno_ids), usecase, brand)?;
    let mandates = request::mandate_problems(&campaign.fields, &terms.iter().collect::<Vec<_>>());
    if !mandates.is_empty() {
        return Err(Rejection(mandates));
    }
    let network_ids: Vec<u64> = terms.iter().map(|m| m.mno.network_id).collect();
    let carriers = &mut registry
        .campaigns
        .get_mut(campaign_id)
        .expect("looked up above")
        .carriers;
    for metadata in terms {
        let id = metadata.mno.network_id;
        carriers
            .entry(id)
            .and_modify(|c| c.metadata = metadata.clone())
            .or_insert(Carrier {
                status: OperationStatus::Review,
                metadata,
                round: 0,
            });
    }
    let (campaign, brand) = registry.campaign_and_brand(campaign_id).expect("stored");
    let answer = json!({"campaignId": campaign_id, "mnoMetadata": campaign.metadata_json()});
    let names: Vec<&str> = network_ids
        .iter()
        .filter_map(|id| enums::mno(*id).map(|m| m.name))
        .collect();
    let mut events = vec![events::campaign_event(
        sim,
        "CAMPAIGN_RESUBMISSION",
        campaign,
        brand,
        format!(
            "Campaign {campaign_id} is resubmitted to {}",
            names.join(", ")
        ),
    )];
    events.extend(review::start(sim, &mut registry, campaign_id, &network_ids));
    drop(registry);
    tracing::info!(campaign_id, ?network_ids, "campaign resubmitted");
    emit_all(sim, events);
    Ok(answer)
}

async fn nudge(
    State(sim): State<SharedSim>,
    Path(campaign_id): Path<String>,
    body: Bytes,
) -> Response {
    match send_nudge(&sim, &campaign_id, &body) {
        Ok(()) => Json(json!({"message": "Nudge successful"})).into_response(),
        Err(rejection) => rejection.into_response(),
    }
}

/// Nudges the carriers: `REVIEW` needs a carrier in REVIEW, `APPEAL_REJECTION` one that
/// REJECTED the campaign (else 592). Sends `CAMPAIGN_NUDGE` with `nudgeIntent`.
fn send_nudge(sim: &SharedSim, campaign_id: &str, bytes: &[u8]) -> Result<(), Rejection> {
    let body = Body::parse(bytes)?;
    let mut problems = Problems::default();
    let intent = problems.take(body.required_text("nudgeIntent").map(Some));
    let text = problems.take(body.text("description"));
    if intent.is_some_and(|i| !NUDGE_INTENTS.contains(&i)) {
        problems.push(ApiError::invalid(
            "nudgeIntent",
            format!("nudgeIntent must be one of {}", NUDGE_INTENTS.join(", ")),
        ));
    }
    if text.is_some_and(|t| t.chars().count() > MAX_NUDGE_DESCRIPTION) {
        problems.push(ApiError::invalid(
            "description",
            format!("description must be at most {MAX_NUDGE_DESCRIPTION} characters long"),
        ));
    }
    problems.into_result()?;
    let intent = intent.expect("checked above");
    let event = {
        let registry = sim.registry();
        let (campaign, brand) = registry
            .campaign_and_brand(campaign_id)
            .ok_or_else(|| ApiError::not_found("campaignId"))?;
        if !campaign.is_active() {
            return Err(ApiError::simulated(518).into());
        }
        let awaited = if intent == "REVIEW" {
            OperationStatus::Review
        } else {
            OperationStatus::Rejected
        };
        if !campaign.carriers.values().any(|c| c.status == awaited) {
            return Err(ApiError::new(
                592,
                format!(
                    "Invalid nudge operation: no carrier has campaign {campaign_id} in {}",
                    awaited.as_str()
                ),
                &["nudgeIntent"],
            )
            .into());
        }
        let mut description = format!("Campaign {campaign_id} is nudged for {intent}");
        if let Some(text) = text {
            description = format!("{description}: {text}");
        }
        let mut event = events::campaign_event(sim, "CAMPAIGN_NUDGE", campaign, brand, description);
        event["nudgeIntent"] = json!(intent);
        event
    };
    tracing::info!(campaign_id, intent, "campaign nudged");
    emit_all(sim, [event]);
    Ok(())
}

/// The campaign as `GET /campaign/{campaignId}` shows it, for the [`SimHandle`](super::SimHandle).
pub(super) fn campaign_json(sim: &SharedSim, campaign_id: &str) -> Option<Value> {
    sim.registry()
        .campaigns
        .get(campaign_id)
        .map(|c| c.to_json(&sim.config.csp_id))
}
