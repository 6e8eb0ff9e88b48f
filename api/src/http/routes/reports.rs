//! `/v1/reports/…`: the compliance report of a customer over a period (JSON, CSV or HTML), the
//! TCR fee ledger, and a brand's evidence pack. From the events, scoped like every read: a
//! customer only ever gets its own; a super admin names the customer with `X-Customer-ID`.
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, Method};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::{DateTime, Utc};
use serde::Deserialize;
use tendlc_domain::brand::Brand;
use tendlc_projections::history;
use tendlc_projections::reports::compliance::{self, Scope};
use uuid::Uuid;

use super::responses::ReadErrors;
use super::{path_id, query, timestamp, Access, Endpoint};
use crate::http::auth::{Action, Caller};
use crate::http::error::ApiError;
use crate::http::state::AppState;
use crate::report::{self, Format};

pub fn endpoints() -> Vec<Endpoint> {
    let read = || Access::Role(Action::ReadRegistrations);
    vec![
        Endpoint::new(
            Method::GET,
            "/v1/reports/compliance",
            read(),
            get(compliance_report),
        ),
        Endpoint::new(Method::GET, "/v1/reports/fees", read(), get(fees_report)),
        Endpoint::new(
            Method::GET,
            "/v1/reports/brands/{id}/evidence",
            read(),
            get(evidence),
        ),
    ]
}

/// A report's period when none is given: the last 30 days.
const DEFAULT_DAYS: i64 = 30;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ReportQuery {
    customer_id: Option<String>,
    from: Option<String>,
    to: Option<String>,
    format: Option<String>,
}

/// `[from, to)`, checked (422 naming the field); by default the 30 days up to now.
fn period(
    from: Option<&str>,
    to: Option<&str>,
) -> Result<(DateTime<Utc>, DateTime<Utc>), ApiError> {
    let to = timestamp("to", to)?.unwrap_or_else(Utc::now);
    let from = timestamp("from", from)?.unwrap_or(to - chrono::Duration::days(DEFAULT_DAYS));
    if from >= to {
        return Err(ApiError::field("to", "must be after `from`"));
    }
    Ok((from, to))
}

/// The format asked for: `?format=`, else the `Accept` header, else JSON.
fn format(
    asked: Option<&str>,
    headers: &HeaderMap,
    offered: &[Format],
) -> Result<Format, ApiError> {
    match asked {
        Some(text) => Format::parse(text)
            .filter(|f| offered.contains(f))
            .ok_or_else(|| {
                let names: Vec<&str> = offered.iter().map(|f| f.extension()).collect();
                ApiError::field("format", format!("must be one of {}", names.join(", ")))
            }),
        None => Ok(Format::from_accept(
            headers
                .get(header::ACCEPT)
                .and_then(|v| v.to_str().ok())
                .unwrap_or(""),
            offered,
        )),
    }
}

/// The customer a report is about: the caller's own (a customer token, or a super admin's
/// `X-Customer-ID`); `customerId` may only repeat it. A super admin acting for no customer names
/// one with `customerId`. Unknown customers are not found.
async fn customer(
    state: &AppState,
    caller: &Caller,
    named: Option<&str>,
) -> Result<Uuid, ApiError> {
    let named = named
        .map(|text| {
            text.parse::<Uuid>()
                .map_err(|_| ApiError::field("customerId", "must be a customer id (a UUID)"))
        })
        .transpose()?;
    let customer = match (caller.read_scope(), named) {
        (Some(scope), Some(named)) if scope != named => {
            return Err(ApiError::not_found("customer"))
        }
        (Some(scope), _) => scope,
        (None, Some(named)) => named,
        (None, None) => {
            return Err(ApiError::field(
                "customerId",
                "is required: name the customer with X-Customer-ID (or customerId)",
            ))
        }
    };
    let known: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM customers WHERE customer_id = $1)")
            .bind(customer)
            .fetch_one(&state.pool)
            .await?;
    if known {
        Ok(customer)
    } else {
        Err(ApiError::not_found("customer"))
    }
}

/// `bytes` as `format`, named `name` when saved.
fn file(format: Format, name: &str, bytes: Vec<u8>) -> Response {
    let disposition = match format {
        Format::Html | Format::Json => {
            format!("inline; filename=\"{name}.{}\"", format.extension())
        }
        Format::Csv => format!("attachment; filename=\"{name}.{}\"", format.extension()),
    };
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(format.content_type()),
    );
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    response
}

#[utoipa::path(get, operation_id = "getComplianceReport", path = "/v1/reports/compliance", tag = "reports", security(("bearer" = [])),
    params(("X-Customer-ID" = Option<String>, Header, description = "The customer a super admin acts for"),
        ("customerId" = Option<String>, Query, description = "The customer (a customer's own, or for a super admin without X-Customer-ID)"),
        ("from" = Option<String>, Query, description = "RFC 3339, inclusive (default: 30 days before `to`)"),
        ("to" = Option<String>, Query, description = "RFC 3339, exclusive (default: now)"),
        ("format" = Option<String>, Query, description = "json | csv | html (default: by Accept, else json)")),
    responses((status = 200, description = "The customer's compliance report over the period, from the events: registrations submitted (by whom, TCR's outcome and time to it), carrier decisions with reasons, vetting, deactivations, webhook deliveries received and refused, fees, and each registration's states over time (an SVG timeline in the HTML page)",
        content((Object = "application/json"), (String = "text/csv"), (String = "text/html"))), ReadErrors))]
async fn compliance_report(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    params: Result<Query<ReportQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let params = query(params)?;
    let (from, to) = period(params.from.as_deref(), params.to.as_deref())?;
    let format = format(
        params.format.as_deref(),
        &headers,
        &[Format::Json, Format::Csv, Format::Html],
    )?;
    let customer = customer(&state, &caller, params.customer_id.as_deref()).await?;
    let scope = Scope {
        customer,
        brand: None,
    };
    let report = compliance::compliance(&state.pool, scope, from, to, state.fees)
        .await
        .map_err(|e| ApiError::internal("compliance report", e))?;
    let bytes =
        report::render(&report, format).map_err(|e| ApiError::internal("compliance report", e))?;
    Ok(file(
        format,
        &format!("compliance-{customer}-{}", from.format("%Y%m%d")),
        bytes,
    ))
}

#[utoipa::path(get, operation_id = "getFeeReport", path = "/v1/reports/fees", tag = "reports", security(("bearer" = [])),
    params(("X-Customer-ID" = Option<String>, Header, description = "The customer a super admin acts for; without it, a super admin gets every customer's"),
        ("customerId" = Option<String>, Query, description = "The customer (a customer's own, or one a super admin names)"),
        ("from" = Option<String>, Query, description = "RFC 3339, inclusive (default: 30 days before `to`)"),
        ("to" = Option<String>, Query, description = "RFC 3339, exclusive (default: now)"),
        ("format" = Option<String>, Query, description = "json | csv (default: by Accept, else json)")),
    responses((status = 200, description = "TCR's fees per customer over the period, from the events: brand registrations, revets and vettings (priced by configuration), campaign fees as TCR reports them (the 3-month minimum up front, then each month TCR bills)",
        content((Object = "application/json"), (String = "text/csv"))), ReadErrors))]
async fn fees_report(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    params: Result<Query<ReportQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let params = query(params)?;
    let (from, to) = period(params.from.as_deref(), params.to.as_deref())?;
    let format = format(
        params.format.as_deref(),
        &headers,
        &[Format::Json, Format::Csv],
    )?;
    let customers = match (caller.read_scope(), params.customer_id.as_deref()) {
        (None, None) => None,
        (_, named) => Some(vec![customer(&state, &caller, named).await?]),
    };
    let fees = report::fee_report(&state.pool, customers, from, to, state.fees).await?;
    let bytes = match format {
        Format::Csv => report::fees_csv(&fees).map_err(|e| ApiError::internal("fee report", e))?,
        _ => serde_json::to_vec_pretty(&fees).map_err(|e| ApiError::internal("fee report", e))?,
    };
    Ok(file(
        format,
        &format!("fees-{}", from.format("%Y%m%d")),
        bytes,
    ))
}

#[utoipa::path(get, operation_id = "getBrandEvidence", path = "/v1/reports/brands/{id}/evidence", tag = "reports", security(("bearer" = [])),
    params(("id" = String, Path, description = "Brand id (ours)"),
        ("X-Customer-ID" = Option<String>, Header, description = "The customer a super admin acts for")),
    responses((status = 200, description = "The brand's evidence pack (tar.gz): its history and its campaigns', the requests exactly as sent to TCR (secrets removed), its state, its compliance report (JSON, CSV, HTML), the hash-chain proof of its events with the chain head, and a manifest of SHA-256 digests",
        content((String = "application/gzip"))), ReadErrors))]
async fn evidence(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id: Uuid = path_id(&id, "brand")?;
    let owner = history::owner::<Brand>(&state.pool, id)
        .await
        .map_err(|e| ApiError::internal("evidence pack", e))?;
    match (owner, caller.read_scope()) {
        (Some(owner), Some(scope)) if owner != scope => return Err(ApiError::not_found("brand")),
        (Some(_), _) => {}
        (None, _) => return Err(ApiError::not_found("brand")),
    }
    let pack = report::evidence::pack(&state.pool, id, state.fees)
        .await
        .map_err(|e| ApiError::internal("evidence pack", e))?
        .ok_or_else(|| ApiError::not_found("brand"))?;
    let mut response = pack.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/gzip"),
    );
    if let Ok(value) =
        HeaderValue::from_str(&format!("attachment; filename=\"evidence-{id}.tar.gz\""))
    {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    Ok(response)
}
