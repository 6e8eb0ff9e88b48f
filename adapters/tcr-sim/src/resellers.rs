//! Resellers (`POST`/`GET /reseller`, `GET`/`PUT`/`DELETE /reseller/{resellerId}`): businesses
//! between the brand and the CSP that campaigns may name. `companyName` (1–100), `phone` (1–20,
//! E.164) and `email` (1–100) are required; `companyName` is unique in the account, ignoring case
//! (503). Ids are `R` + 6 uppercase alphanumerics. A reseller that campaigns name cannot be
//! deleted (501 naming `resellerId`). The account starts with one reseller, `RSIM001`.
use axum::{
    body::Bytes,
    extract::{rejection::QueryRejection, Path, Query, State},
    http::StatusCode,
    response::{IntoResponse, Response},
    routing::get,
    Json, Router,
};
use serde_json::{json, Value};

use super::body::{Body, Problems};
use super::errors::{ApiError, Rejection};
use super::query::{self, Page};
use super::state::{random_id, SharedSim};

/// The reseller every simulated account starts with.
pub(crate) const SIM_RESELLER: &str = "RSIM001";

/// One reseller of the account.
#[derive(Debug, Clone)]
pub(super) struct ResellerRecord {
    pub reseller_id: String,
    company_name: String,
    phone: String,
    email: String,
}

impl ResellerRecord {
    pub fn to_json(&self, csp_id: &str) -> Value {
        json!({
            "resellerId": self.reseller_id,
            "cspId": csp_id,
            "companyName": self.company_name,
            "phone": self.phone,
            "email": self.email,
        })
    }
}

/// The account's resellers, in creation order.
#[derive(Debug)]
pub(crate) struct Resellers(Vec<ResellerRecord>);

impl Default for Resellers {
    fn default() -> Self {
        Self(vec![ResellerRecord {
            reseller_id: SIM_RESELLER.into(),
            company_name: "Simulated Reseller".into(),
            phone: "+15555550100".into(),
            email: "reseller@example.com".into(),
        }])
    }
}

impl Resellers {
    /// Whether `reseller_id` names one of the account's resellers.
    pub fn contains(&self, reseller_id: &str) -> bool {
        self.0.iter().any(|r| r.reseller_id == reseller_id)
    }

    pub fn get(&self, reseller_id: &str) -> Option<&ResellerRecord> {
        self.0.iter().find(|r| r.reseller_id == reseller_id)
    }

    fn name_taken(&self, company_name: &str, except: Option<&str>) -> bool {
        self.0.iter().any(|r| {
            r.company_name.eq_ignore_ascii_case(company_name)
                && Some(r.reseller_id.as_str()) != except
        })
    }
}

pub(super) fn router() -> Router<SharedSim> {
    Router::new()
        .route("/v2/reseller", get(search).post(create))
        .route(
            "/v2/reseller/{reseller_id}",
            get(read).put(update).delete(delete),
        )
}

/// `companyName`, `phone`, `email`, checked as TCR's `Reseller` schema says.
fn fields(bytes: &[u8]) -> Result<(String, String, String), Rejection> {
    let body = Body::parse(bytes)?;
    let mut problems = Problems::default();
    let mut field = |name: &str, max: usize| {
        let value = problems.take(body.required_text(name).map(str::to_owned));
        if value.chars().count() > max {
            problems.push(ApiError::invalid(
                name,
                format!("{name} must be at most {max} characters"),
            ));
        }
        value
    };
    let company_name = field("companyName", 100);
    let phone = field("phone", 20);
    let email = field("email", 100);
    let e164 =
        |p: &str| p.len() > 8 && p.starts_with('+') && p[1..].chars().all(|c| c.is_ascii_digit());
    if !phone.is_empty() && !e164(&phone) {
        problems.push(ApiError::invalid(
            "phone",
            "phone must be in E.164 format, e.g. +18348365467",
        ));
    }
    if !email.is_empty() && !email.contains('@') {
        problems.push(ApiError::invalid(
            "email",
            "email must be an e-mail address",
        ));
    }
    problems.into_result()?;
    Ok((company_name, phone, email))
}

fn duplicate() -> ApiError {
    ApiError::new(
        503,
        "Duplicate reseller found. The companyName for a reseller must be unique",
        &["companyName"],
    )
}

async fn create(State(sim): State<SharedSim>, body: Bytes) -> Response {
    let result = fields(&body).and_then(|(company_name, phone, email)| {
        let mut registry = sim.registry();
        if registry.resellers.name_taken(&company_name, None) {
            return Err(duplicate().into());
        }
        let record = ResellerRecord {
            reseller_id: random_id("R", 6),
            company_name,
            phone,
            email,
        };
        let answer = record.to_json(&sim.config.csp_id);
        registry.resellers.0.push(record);
        Ok(answer)
    });
    match result {
        Ok(answer) => Json(answer).into_response(),
        Err(rejection) => rejection.into_response(),
    }
}

/// `companyName` matches partially, ignoring case.
async fn search(
    State(sim): State<SharedSim>,
    params: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<Json<Value>, Rejection> {
    let params = query::read(params)?;
    let mut page = Page::default();
    let mut name = None;
    for (param, value) in &params {
        if Page::is_param(param) {
            page.set(param, value)?;
        } else if param == "companyName" {
            name = Some(value.to_lowercase());
        }
    }
    let registry = sim.registry();
    let found = registry
        .resellers
        .0
        .iter()
        .filter(|r| {
            name.as_ref()
                .is_none_or(|n| r.company_name.to_lowercase().contains(n))
        })
        .map(|r| r.to_json(&sim.config.csp_id))
        .collect();
    Ok(Json(page.record_set(found)))
}

fn not_found() -> Rejection {
    ApiError::new(502, "Reseller record not found", &["resellerId"]).into()
}

async fn read(
    State(sim): State<SharedSim>,
    Path(reseller_id): Path<String>,
) -> Result<Json<Value>, Rejection> {
    let registry = sim.registry();
    let record = registry
        .resellers
        .0
        .iter()
        .find(|r| r.reseller_id == reseller_id)
        .ok_or_else(not_found)?;
    Ok(Json(record.to_json(&sim.config.csp_id)))
}

async fn update(
    State(sim): State<SharedSim>,
    Path(reseller_id): Path<String>,
    body: Bytes,
) -> Result<Json<Value>, Rejection> {
    let (company_name, phone, email) = fields(&body)?;
    let mut registry = sim.registry();
    if !registry.resellers.contains(&reseller_id) {
        return Err(not_found());
    }
    if registry
        .resellers
        .name_taken(&company_name, Some(&reseller_id))
    {
        return Err(duplicate().into());
    }
    let record = registry
        .resellers
        .0
        .iter_mut()
        .find(|r| r.reseller_id == reseller_id)
        .ok_or_else(not_found)?;
    record.company_name = company_name;
    record.phone = phone;
    record.email = email;
    Ok(Json(record.to_json(&sim.config.csp_id)))
}

async fn delete(
    State(sim): State<SharedSim>,
    Path(reseller_id): Path<String>,
) -> Result<StatusCode, Rejection> {
    let mut registry = sim.registry();
    if !registry.resellers.contains(&reseller_id) {
        return Err(not_found());
    }
    let in_use = registry
        .campaigns
        .iter()
        .any(|c| c.fields.get("resellerId") == Some(reseller_id.as_str()));
    if in_use {
        return Err(ApiError::invalid(
            "resellerId",
            "Resellers cannot be deleted while campaigns are associated with them",
        )
        .into());
    }
    registry
        .resellers
        .0
        .retain(|r| r.reseller_id != reseller_id);
    Ok(StatusCode::NO_CONTENT)
}
