//! External vetting (`/brand/{brandId}/externalVetting`): ordering a vet through TCR, importing
//! one done elsewhere, and listing a brand's vets. An ordered vet is `PENDING`, `UNSCORE` one
//! `vetting_delay` later and `ACTIVE` (or `FAILED`) one more `vetting_delay` after that.
use std::time::{Duration, Instant};

use axum::{
    body::Bytes,
    extract::{rejection::QueryRejection, Path, Query, State},
    response::{IntoResponse, Response},
    routing::get,
    Json, Router,
};
use serde_json::{json, Value};

use super::body::{Body, Problems};
use super::enums::{self, VettingProvider, VETTING_CLASSES, VETTING_STATUSES};
use super::errors::{ApiError, Rejection};
use super::events;
use super::magic::{Magic, Site, DEFAULT_VET_SCORE};
use super::query;
use super::state::{
    after, emit_all, months_later, now_text, random_id, timestamp, BrandRecord, SharedSim,
};

/// TCR refuses a second vet of the same provider and class within 30 days of the first's
/// completion (549), unless TCR revoked the first.
const REORDER_WAIT: Duration = Duration::from_secs(30 * 24 * 60 * 60);

/// Why a vet fails when the brand's name carries `[sim:vet-fail]`.
const FAIL_REASON: &str =
    "The brand's legal company name and tax ID could not be matched with government or business records.";

/// Classes whose score is an identity score (political vets carry none).
const IDENTITY_CLASSES: &[&str] = &["STANDARD", "ENHANCED"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum VettingStatus {
    Pending,
    Unscore,
    Active,
    Failed,
}

impl VettingStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            VettingStatus::Pending => "PENDING",
            VettingStatus::Unscore => "UNSCORE",
            VettingStatus::Active => "ACTIVE",
            VettingStatus::Failed => "FAILED",
        }
    }
}

/// One external vet of a brand (`ExternalVetting`).
#[derive(Debug, Clone)]
pub(super) struct Vetting {
    pub evp_id: &'static str,
    pub vetting_id: String,
    pub token: Option<String>,
    pub class: &'static str,
    pub status: VettingStatus,
    pub score: Option<u8>,
    pub reasons: Vec<String>,
    pub create_date: String,
    pub vetted_date: Option<String>,
    pub valid_until: Option<String>,
    completed_at: Option<Instant>,
    /// When the vet was ordered (Auth+ 2FA e-mails are resent within 30 days of it).
    pub started_at: Instant,
    /// The last Auth+ 2FA e-mail: when, and TCR's text of it.
    pub email_sent: Option<(Instant, String)>,
    /// Ended by TCR (an Auth+ vet whose business contact changed): a new one may be ordered at
    /// once, as the revocation asks.
    pub revoked: bool,
}

impl Vetting {
    pub fn is_active(&self) -> bool {
        self.status == VettingStatus::Active
    }

    /// Pending, under way or in force: it locks the brand's identity fields (537).
    pub fn is_live(&self) -> bool {
        matches!(
            self.status,
            VettingStatus::Pending | VettingStatus::Unscore | VettingStatus::Active
        )
    }

    /// The score of an ACTIVE STANDARD or ENHANCED vet, which counts for the brand's identity
    /// and carrier terms.
    pub fn identity_score(&self) -> Option<u8> {
        (self.is_active() && IDENTITY_CLASSES.contains(&self.class))
            .then_some(self.score)
            .flatten()
    }

    pub fn to_json(&self) -> Value {
        let mut vetting = json!({
            "evpId": self.evp_id,
            "vettingId": self.vetting_id,
            "vettingClass": self.class,
            "vettingStatus": self.status.as_str(),
            "reasons": self.reasons,
            "vettingDetails": {},
            "createDate": self.create_date,
        });
        let mut set = |name: &str, value: Option<Value>| {
            if let Some(value) = value {
                vetting[name] = value;
            }
        };
        set("vettingToken", self.token.as_ref().map(|t| json!(t)));
        set("vettingScore", self.score.map(|s| json!(s)));
        set("vettedDate", self.vetted_date.as_ref().map(|d| json!(d)));
        set("validUntil", self.valid_until.as_ref().map(|d| json!(d)));
        // TCR's examples show an ACTIVE vet expiring when its validity ends.
        set(
            "expirationDate",
            self.valid_until.as_ref().map(|d| json!(d)),
        );
        vetting
    }

    fn new(evp_id: &'static str, vetting_id: String, class: &'static str) -> Self {
        Self {
            evp_id,
            vetting_id,
            token: None,
            class,
            status: VettingStatus::Pending,
            score: None,
            reasons: Vec::new(),
            create_date: now_text(),
            vetted_date: None,
            valid_until: None,
            completed_at: None,
            started_at: Instant::now(),
            email_sent: None,
            revoked: false,
        }
    }

    /// Auth+ completes when the business contact verifies the 2FA e-mail.
    pub fn complete_auth_plus(&mut self) {
        let now = chrono::Utc::now();
        self.completed_at = Some(Instant::now());
        self.status = VettingStatus::Active;
        self.vetted_date = Some(timestamp(now));
        self.valid_until = Some(timestamp(months_later(now, 12)));
    }

    /// Ends a live vet `FAILED` for `reason`.
    pub fn revoke(&mut self, reason: &str) {
        self.revoked = true;
        self.completed_at = Some(Instant::now());
        self.status = VettingStatus::Failed;
        self.reasons = vec![reason.to_owned()];
    }

    /// Ends the vet `ACTIVE` (scored unless political) or `FAILED`.
    fn complete(&mut self, magic: &Magic) {
        let now = chrono::Utc::now();
        self.completed_at = Some(Instant::now());
        if magic.vet_fail {
            self.status = VettingStatus::Failed;
            self.reasons = vec![FAIL_REASON.to_owned()];
            return;
        }
        self.status = VettingStatus::Active;
        if IDENTITY_CLASSES.contains(&self.class) {
            self.score = Some(magic.vet_score.unwrap_or(DEFAULT_VET_SCORE));
        }
        let months = VETTING_CLASSES
            .iter()
            .find(|c| c.0 == self.class)
            .map_or(12, |c| c.4);
        self.vetted_date = Some(timestamp(now));
        self.valid_until = Some(timestamp(months_later(now, months)));
    }

    #[cfg(test)]
    pub fn scored_for_test(class: &'static str, score: u8) -> Self {
        let mut vetting = Self::new("AEGIS", "test".to_owned(), class);
        vetting.complete(&Magic {
            vet_score: Some(score),
            ..Magic::default()
        });
        vetting
    }
}

pub(super) fn router() -> Router<SharedSim> {
    Router::new().route(
        "/v2/brand/{brand_id}/externalVetting",
        get(list).post(order).put(import),
    )
}

fn provider(evp_id: &str) -> Result<&'static VettingProvider, ApiError> {
    enums::vetting_provider(evp_id).ok_or_else(|| {
        ApiError::invalid(
            "evpId",
            format!("Unknown vetting provider {evp_id:?}; see GET /enum/extVettingProvider"),
        )
    })
}

fn answer(result: Result<Value, Rejection>) -> Response {
    match result {
        Ok(vetting) => Json(vetting).into_response(),
        Err(rejection) => rejection.into_response(),
    }
}

async fn order(
    State(sim): State<SharedSim>,
    Path(brand_id): Path<String>,
    body: Bytes,
) -> Response {
    answer(place_order(&sim, &brand_id, &body))
}

fn place_order(sim: &SharedSim, brand_id: &str, bytes: &[u8]) -> Result<Value, Rejection> {
    let body = Body::parse(bytes)?;
    let mut problems = Problems::default();
    let evp_id = problems.take(body.required_text("evpId").and_then(provider).map(Some));
    let class = problems
        .take(body.text("vettingClass"))
        .unwrap_or("STANDARD");
    let payload = problems.take(body.text("additionalRequestPayload"));
    problems.into_result()?;
    let provider = evp_id.expect("checked above");
    let class = VETTING_CLASSES
        .iter()
        .find(|c| c.0 == class)
        .map(|c| c.0)
        .ok_or_else(|| {
            ApiError::invalid(
                "vettingClass",
                "Unknown vettingClass; see GET /enum/vettingClass",
            )
        })?;

    let mut registry = sim.registry();
    let brand = registry
        .get_mut(brand_id)
        .filter(|b| !b.deleted)
        .ok_or_else(|| ApiError::not_found("brandId"))?;
    if class == super::auth_plus::AUTHPLUS {
        super::auth_plus::check_order(brand)?;
    }
    check_order(brand, provider, class, payload)?;
    let mut vetting = Vetting::new(provider.evp_id, uuid::Uuid::new_v4().to_string(), class);
    if provider.evp_id == "AEGIS" {
        // Aegis's "verification certificate", needed to import the report elsewhere.
        vetting.token = Some(random_id("", 32));
    }
    let answer = vetting.to_json();
    let vetting_id = vetting.vetting_id.clone();
    brand.vettings.push(vetting);
    drop(registry);
    tracing::info!(brand_id, vetting_id, class, "external vet ordered");
    if class == super::auth_plus::AUTHPLUS {
        super::auth_plus::start(sim, brand_id.to_owned(), vetting_id);
    } else {
        schedule_vetting(sim, brand_id.to_owned(), vetting_id);
    }
    Ok(answer)
}

/// What TCR and the provider refuse about an order.
fn check_order(
    brand: &BrandRecord,
    provider: &VettingProvider,
    class: &'static str,
    payload: Option<&str>,
) -> Result<(), ApiError> {
    if brand.fields.is_sole_proprietor() {
        return Err(ApiError::new(
            592,
            "Operation declined. SOLE_PROPRIETOR brands cannot be externally vetted",
            &["brandId"],
        ));
    }
    if !provider.orders {
        return Err(ApiError::invalid(
            "evpId",
            format!(
                "{} vets cannot be ordered through TCR; import them with PUT /brand/{{brandId}}/externalVetting",
                provider.name
            ),
        ));
    }
    if class == "RBM" {
        return Err(ApiError::simulated(568));
    }
    // TCR runs Auth+ through Aegis, though its provider list names only Aegis's paid classes.
    let auth_plus = class == super::auth_plus::AUTHPLUS && provider.evp_id == "AEGIS";
    if !provider.classes.contains(&class) && !auth_plus {
        return Err(ApiError::invalid(
            "vettingClass",
            format!(
                "{} does not offer {class} vets; it offers {}",
                provider.name,
                provider.classes.join(", ")
            ),
        ));
    }
    if provider.evp_id == "WMC" && !us_company(brand) {
        return Err(ApiError::invalid(
            "evpId",
            "WMC Global vets US PRIVATE_PROFIT and PUBLIC_PROFIT brands only",
        ));
    }
    if class == "POLITICAL"
        && !payload.is_some_and(|p| matches!(serde_json::from_str(p), Ok(Value::Object(_))))
    {
        return Err(ApiError::invalid(
            "additionalRequestPayload",
            "additionalRequestPayload must be a JSON object (as a string) for POLITICAL vets",
        ));
    }
    for (field, what) in [("website", "Website"), ("email", "Business email address")] {
        if brand.fields.get(field).is_none() {
            return Err(ApiError::invalid(
                field,
                format!("Operation declined. {what} missing from brand information"),
            ));
        }
    }
    let recent = |v: &Vetting| match v.completed_at {
        None => v.is_live(),
        Some(_) if v.revoked => false,
        Some(at) => at.elapsed() < REORDER_WAIT,
    };
    if brand
        .vettings
        .iter()
        .any(|v| v.evp_id == provider.evp_id && v.class == class && recent(v))
    {
        return Err(ApiError::simulated(549));
    }
    Ok(())
}

fn us_company(brand: &BrandRecord) -> bool {
    matches!(
        brand.fields.get("entityType"),
        Some("PRIVATE_PROFIT" | "PUBLIC_PROFIT")
    ) && brand.fields.get("country") == Some("US")
}

/// The provider picks the order up (`UNSCORE`, `EVP_REPORT_UNSCORE`), then reports
/// (`ACTIVE` with `EVP_REPORT_SCORE`, or `FAILED` with `EVP_REPORT_FAIL`).
fn schedule_vetting(sim: &SharedSim, brand_id: String, vetting_id: String) {
    let delay = sim.config.vetting_delay;
    after(sim, delay, move |sim| {
        let advanced = advance(
            sim,
            &brand_id,
            &vetting_id,
            VettingStatus::Pending,
            |v, _| {
                v.status = VettingStatus::Unscore;
                "EVP_REPORT_UNSCORE"
            },
        );
        if advanced {
            after(sim, delay, move |sim| {
                advance(
                    sim,
                    &brand_id,
                    &vetting_id,
                    VettingStatus::Unscore,
                    |v, magic| {
                        v.complete(magic);
                        if v.is_active() {
                            "EVP_REPORT_SCORE"
                        } else {
                            "EVP_REPORT_FAIL"
                        }
                    },
                );
            });
        }
    });
}

/// Moves the vet on with `step` if it is still `from`, sends the event `step` names and, when
/// the vet now counts for identity, raises the brand to `VETTED_VERIFIED`.
fn advance(
    sim: &SharedSim,
    brand_id: &str,
    vetting_id: &str,
    from: VettingStatus,
    step: impl FnOnce(&mut Vetting, &Magic) -> &'static str,
) -> bool {
    let events = {
        let mut registry = sim.registry();
        let Some(brand) = registry.get_mut(brand_id) else {
            return false;
        };
        let magic = Magic::of_stored(
            brand.fields.get("displayName").unwrap_or_default(),
            Site::BrandName,
        );
        let Some(vetting) = brand
            .vettings
            .iter_mut()
            .find(|v| v.vetting_id == vetting_id && v.status == from)
        else {
            return false;
        };
        let event_type = step(vetting, &magic);
        let vetting = vetting.clone();
        tracing::info!(
            brand_id,
            vetting_id,
            status = vetting.status.as_str(),
            "external vet advanced"
        );
        vetting_events(sim, brand, &vetting, event_type)
    };
    emit_all(sim, events);
    true
}

/// The event about `vetting`, then `BRAND_IDENTITY_STATUS_UPDATE` if it raised the brand.
pub(super) fn vetting_events(
    sim: &SharedSim,
    brand: &mut BrandRecord,
    vetting: &Vetting,
    event_type: &str,
) -> Vec<Value> {
    let provider = enums::vetting_provider(vetting.evp_id).map_or("", |p| p.name);
    let subject = format!(
        "{} {} vet {} of brand {}",
        provider, vetting.class, vetting.vetting_id, brand.brand_id
    );
    let description = match (event_type, vetting.score) {
        ("EVP_REPORT_UNSCORE", _) => format!("{subject} is under review"),
        ("EVP_REPORT_FAIL", _) => format!("{subject} failed: {}", vetting.reasons.join(" ")),
        (_, Some(score)) if event_type == "EVP_REPORT_IMPORT" => {
            format!("{subject} is imported with score {score}")
        }
        ("EVP_REPORT_IMPORT", None) => format!("{subject} is imported"),
        (_, Some(score)) => format!("{subject} is scored {score}"),
        (_, None) => format!("{subject} is complete"),
    };
    let mut events = vec![events::vetting_event(
        sim,
        event_type,
        brand,
        vetting,
        description,
    )];
    let raised = brand.with_vetting(brand.identity_status);
    if !brand.deleted && !brand.is_scoring() && raised != brand.identity_status {
        brand.identity_status = raised;
        events.push(events::brand_event(
            sim,
            "BRAND_IDENTITY_STATUS_UPDATE",
            brand,
        ));
    }
    events
}

async fn import(
    State(sim): State<SharedSim>,
    Path(brand_id): Path<String>,
    body: Bytes,
) -> Response {
    answer(import_vet(&sim, &brand_id, &body))
}

/// Imports a vet done elsewhere, `ACTIVE` at once. A `vettingId` or `vettingToken` containing
/// `invalid` is not found (520), one containing `expired` has expired (508); Aegis reports
/// containing `enhanced` or `political` are of that class, the rest STANDARD.
fn import_vet(sim: &SharedSim, brand_id: &str, bytes: &[u8]) -> Result<Value, Rejection> {
    let body = Body::parse(bytes)?;
    let mut problems = Problems::default();
    let evp = problems.take(body.required_text("evpId").and_then(provider).map(Some));
    let vetting_id = problems.take(body.required_text("vettingId").map(Some));
    let token = problems.take(body.text("vettingToken"));
    if let (Some(evp), None) = (evp, token) {
        if evp.evp_id == "AEGIS" {
            problems.push(ApiError::invalid(
                "vettingToken",
                "vettingToken (the verification certificate) is required for Aegis vets",
            ));
        }
    }
    problems.into_result()?;
    let (provider, vetting_id) = (evp.expect("checked"), vetting_id.expect("checked"));
    let proof = format!("{vetting_id} {}", token.unwrap_or_default()).to_ascii_lowercase();
    if proof.contains("invalid") {
        return Err(ApiError::simulated(520).into());
    }
    if proof.contains("expired") {
        return Err(ApiError::simulated(508).into());
    }

    let mut registry = sim.registry();
    if let Some(holder) = registry
        .iter()
        .find(|b| b.vettings.iter().any(|v| v.vetting_id == vetting_id))
    {
        return Err(if holder.brand_id == brand_id {
            ApiError::new(
                525,
                "External vet cannot be imported for this brand: it is already imported",
                &["vettingId"],
            )
        } else {
            ApiError::simulated(543)
        }
        .into());
    }
    let active_campaigns = registry.has_active_campaigns(brand_id);
    let brand = registry
        .get_mut(brand_id)
        .filter(|b| !b.deleted)
        .ok_or_else(|| ApiError::not_found("brandId"))?;
    let class = match provider.evp_id {
        "CV" => {
            let eligible = matches!(
                brand.fields.get("entityType"),
                Some("NON_PROFIT" | "SOLE_PROPRIETOR")
            ) && brand.fields.get("country") == Some("US");
            if !eligible {
                return Err(ApiError::new(541, "Vetting report incompatible with brand. Campaign Verify vets require a US-based NON_PROFIT brand without a 501(c) tax exempt status or SOLE_PROPRIETOR entity type", &["entityType"]).into());
            }
            if active_campaigns {
                return Err(ApiError::new(
                    540,
                    "Vetting report cannot be imported for brands with active campaigns",
                    &["brandId"],
                )
                .into());
            }
            "POLITICAL"
        }
        "WMC" if !us_company(brand) => {
            return Err(ApiError::new(538, "Vetting report data mismatch. Information in the report does not match brand information", &["entityType"]).into());
        }
        _ if proof.contains("enhanced") && provider.classes.contains(&"ENHANCED") => "ENHANCED",
        _ if proof.contains("political") && provider.classes.contains(&"POLITICAL") => "POLITICAL",
        _ => "STANDARD",
    };
    let magic = Magic::of_stored(
        brand.fields.get("displayName").unwrap_or_default(),
        Site::BrandName,
    );
    let mut vetting = Vetting::new(provider.evp_id, vetting_id.to_owned(), class);
    vetting.token = token.map(str::to_owned);
    vetting.complete(&Magic {
        vet_fail: false,
        ..magic
    });
    let answer = vetting.to_json();
    brand.vettings.push(vetting.clone());
    let events = vetting_events(sim, brand, &vetting, "EVP_REPORT_IMPORT");
    drop(registry);
    tracing::info!(brand_id, vetting_id, class, "external vet imported");
    emit_all(sim, events);
    Ok(answer)
}

/// The brand's vets whose status is one of `vettingStatus` (required; repeated or
/// comma-separated), optionally of one `evpId` and `vettingClass`.
async fn list(
    State(sim): State<SharedSim>,
    Path(brand_id): Path<String>,
    params: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Response {
    let result = (|| {
        let params = query::read(params)?;
        let statuses = query::values(&params, "vettingStatus");
        if statuses.is_empty() {
            return Err(ApiError::invalid(
                "vettingStatus",
                "vettingStatus is required",
            ));
        }
        if let Some(bad) = statuses.iter().find(|s| !VETTING_STATUSES.contains(s)) {
            return Err(ApiError::invalid(
                "vettingStatus",
                format!(
                    "Unknown vettingStatus {bad:?}; use {}",
                    VETTING_STATUSES.join(", ")
                ),
            ));
        }
        let evp_ids = query::values(&params, "evpId");
        let classes = query::values(&params, "vettingClass");
        let registry = sim.registry();
        let brand = registry
            .get(&brand_id)
            .ok_or_else(|| ApiError::not_found("brandId"))?;
        Ok(brand
            .vettings
            .iter()
            .filter(|v| statuses.contains(&v.status.as_str()))
            .filter(|v| evp_ids.is_empty() || evp_ids.contains(&v.evp_id))
            .filter(|v| classes.is_empty() || classes.contains(&v.class))
            .map(Vetting::to_json)
            .collect::<Vec<_>>())
    })();
    match result {
        Ok(vettings) => Json(Value::Array(vettings)).into_response(),
        Err(error) => Rejection::from(error).into_response(),
    }
}
