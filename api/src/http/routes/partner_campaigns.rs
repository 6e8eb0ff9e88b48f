//! `/v1/partner/campaigns`: campaigns other CSPs shared with the operator's TCR account, the
//! operator being their upstream connectivity partner. They are the operator's, not one
//! customer's: super admins only. Listed with their sharing and carrier status as last read
//! from TCR (`POST …/sync` reads now; the poller reads on a schedule), accepted by sharing them
//! further upstream, or declined with an explanation and TCR's rejection categories.
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, State};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Json;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use tendlc_domain::campaign::Mno;
use tendlc_domain::ids::TcrCampaignId;
use tendlc_domain::values::SharingStatus;
use tendlc_projections::partner_campaigns::{self as partner_rows, PartnerCampaignRow};

use super::responses::{ReadErrors, SubmitErrors};
use super::{location, query, Access, Body, Endpoint, Paging, RequestId};
use crate::application::partner_campaigns::Answered;
use crate::http::auth::{Action, Caller};
use crate::http::bodies::{PartnerBody, PartnerDeclineBody};
use crate::http::error::ApiError;
use crate::http::state::AppState;
use crate::http::views::Page;

const CAMPAIGNS: &str = "/v1/partner/campaigns";
const CAMPAIGN: &str = "/v1/partner/campaigns/{tcr_campaign_id}";

pub fn endpoints() -> Vec<Endpoint> {
    let partner = || Access::Role(Action::PartnerCampaigns);
    vec![
        Endpoint::new(Method::GET, CAMPAIGNS, partner(), get(list)),
        Endpoint::new(
            Method::POST,
            "/v1/partner/campaigns/sync",
            partner(),
            post(sync),
        ),
        Endpoint::new(Method::GET, CAMPAIGN, partner(), get(show)),
        Endpoint::new(
            Method::POST,
            "/v1/partner/campaigns/{tcr_campaign_id}/accept",
            partner(),
            post(accept),
        ),
        Endpoint::new(
            Method::POST,
            "/v1/partner/campaigns/{tcr_campaign_id}/decline",
            partner(),
            post(decline),
        ),
    ]
}

/// One carrier's status of a shared campaign.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PartnerCarrierView {
    /// TCR network id, e.g. 10017.
    pub mno_id: String,
    pub mno: String,
    /// REVIEW | REGISTERED | REJECTED | SUSPENDED
    pub status: String,
}

/// A campaign another CSP shared with the operator.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PartnerCampaignView {
    pub tcr_campaign_id: String,
    /// The CSP that shared it with us.
    pub downstream_cnp_id: Option<String>,
    pub brand_id: Option<String>,
    pub usecase: Option<String>,
    pub description: Option<String>,
    /// ACTIVE | EXPIRED at TCR.
    pub tcr_status: Option<String>,
    /// The share with us: PENDING (ours to accept or decline) | ACCEPTED | DECLINED.
    pub sharing_status: Option<String>,
    /// Where we shared it on to, once accepted, and where that share stands.
    pub upstream_cnp_id: Option<String>,
    pub upstream_sharing_status: Option<String>,
    /// Each carrier's status, as TCR last said.
    pub carriers: Vec<PartnerCarrierView>,
    /// `{explanation, categories}` once declined.
    #[schema(value_type = Option<Object>)]
    pub decline: Option<Value>,
    /// The acceptance or decline sent to TCR and not yet answered.
    #[schema(value_type = Option<Object>)]
    pub pending_action: Option<Value>,
    /// TCR's last refusal or failure: `{action, kind, message, tcrErrors, retryable, at}`.
    #[schema(value_type = Option<Object>)]
    pub last_error: Option<Value>,
    pub last_synced_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<PartnerCampaignRow> for PartnerCampaignView {
    fn from(row: PartnerCampaignRow) -> Self {
        let carriers = row
            .carriers
            .as_object()
            .into_iter()
            .flatten()
            .map(|(id, status)| PartnerCarrierView {
                mno_id: id.clone(),
                mno: Mno::parse(id).map_or_else(|| id.clone(), |m| m.name().to_string()),
                status: status.as_str().unwrap_or_default().to_string(),
            })
            .collect();
        Self {
            tcr_campaign_id: row.tcr_campaign_id,
            downstream_cnp_id: row.downstream_cnp_id,
            brand_id: row.brand_id,
            usecase: row.usecase,
            description: row.description,
            tcr_status: row.tcr_status,
            sharing_status: row.sharing_status,
            upstream_cnp_id: row.upstream_cnp_id,
            upstream_sharing_status: row.upstream_sharing_status,
            carriers,
            decline: row.decline,
            pending_action: row.pending_action,
            last_error: row.last_error,
            last_synced_at: row.last_synced_at,
            created_at: row.created_at,
            updated_at: row.updated_at,
        }
    }
}

/// What a sync found.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PartnerSyncView {
    /// Campaigns TCR lists as shared with us.
    pub seen: usize,
    /// Of those, how many were new or changed (and recorded).
    pub changed: usize,
}

/// A TCR campaign id from the path; one that cannot be a TCR id names nothing.
fn campaign_id(text: &str) -> Result<String, ApiError> {
    TcrCampaignId::parse(text)
        .map(|id| id.as_str().to_string())
        .map_err(|_| ApiError::not_found("partner campaign"))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ListQuery {
    #[serde(flatten)]
    paging: Paging,
    sharing_status: Option<String>,
}

#[utoipa::path(get, operation_id = "listPartnerCampaigns", path = "/v1/partner/campaigns", tag = "partner", security(("bearer" = [])),
    params(("sharingStatus" = Option<String>, Query, description = "Only those whose share with us is PENDING | ACCEPTED | DECLINED"),
        ("page" = Option<i64>, Query, description = "1-based page; pages reach row 10000 at most (page × perPage)"), ("perPage" = Option<i64>, Query, description = "1..500, default 50")),
    responses((status = 200, description = "One page of campaigns shared with the operator, newest first, each with its sharing and carrier status (super admins only)", body = Page<PartnerCampaignView>), ReadErrors))]
async fn list(
    State(state): State<AppState>,
    params: Result<axum::extract::Query<ListQuery>, QueryRejection>,
) -> Result<Json<Page<PartnerCampaignView>>, ApiError> {
    let params = query(params)?;
    let (page, per_page, offset) = params.paging.resolve()?;
    let sharing_status = match params.sharing_status.as_deref() {
        None => None,
        Some(text) => Some(
            SharingStatus::parse(&text.trim().to_ascii_uppercase()).ok_or_else(|| {
                ApiError::field(
                    "sharingStatus",
                    format!("must be one of {}", SharingStatus::choices()),
                )
            })?,
        ),
    };
    let (rows, total) = partner_rows::list(
        &state.pool,
        sharing_status.map(SharingStatus::as_str),
        per_page,
        offset,
    )
    .await?;
    Ok(Json(Page {
        items: rows.into_iter().map(Into::into).collect(),
        page,
        per_page,
        total,
    }))
}

#[utoipa::path(post, operation_id = "syncPartnerCampaigns", path = "/v1/partner/campaigns/sync", tag = "partner", security(("bearer" = [])),
    responses((status = 200, description = "TCR's campaigns shared with us were read now, each with its carriers and sharing chain; new and changed ones are recorded", body = PartnerSyncView),
        (status = 202, description = "Recorded, but the read models do not show it yet (a projection is behind or stuck); read it again shortly", body = crate::http::error::ErrorBody),
        (status = 502, description = "TCR failed or could not be reached", body = crate::http::error::ErrorBody),
        SubmitErrors))]
async fn sync(
    State(state): State<AppState>,
    caller: Caller,
    RequestId(request_id): RequestId,
) -> Result<Json<PartnerSyncView>, ApiError> {
    let synced = state
        .app
        .partner_campaigns
        .sync(&caller.origin(request_id))
        .await?;
    Ok(Json(PartnerSyncView {
        seen: synced.seen,
        changed: synced.changed,
    }))
}

#[utoipa::path(get, operation_id = "getPartnerCampaign", path = "/v1/partner/campaigns/{tcr_campaign_id}", tag = "partner", security(("bearer" = [])),
    params(("tcr_campaign_id" = String, Path, description = "TCR's campaign id")),
    responses((status = 200, description = "The shared campaign, its sharing and carrier status", body = PartnerCampaignView), ReadErrors))]
async fn show(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<PartnerCampaignView>, ApiError> {
    let id = campaign_id(&id)?;
    let row = partner_rows::get(&state.pool, &id)
        .await?
        .ok_or_else(|| ApiError::not_found("partner campaign"))?;
    Ok(Json(row.into()))
}

fn answer(answered: Answered, what: &str) -> Response {
    let link = location(&format!("{CAMPAIGNS}/{}", answered.row.tcr_campaign_id));
    match answered.failure {
        None => (
            StatusCode::OK,
            link,
            Json(PartnerCampaignView::from(answered.row)),
        )
            .into_response(),
        Some(error) => {
            let recorded = format!(
                "The {what} is recorded on partner campaign {}; nothing changed at TCR.",
                answered.row.tcr_campaign_id
            );
            (link, ApiError::from_tcr(&error, &recorded)).into_response()
        }
    }
}

#[utoipa::path(post, operation_id = "acceptPartnerCampaign", path = "/v1/partner/campaigns/{tcr_campaign_id}/accept", tag = "partner", security(("bearer" = [])),
    params(("tcr_campaign_id" = String, Path, description = "TCR's campaign id")),
    request_body = PartnerBody,
    responses((status = 200, description = "Accepted: shared on to `upstreamCnpId` (TCR counts a share as accepted when its partner shares it further). Only a PENDING share can be accepted (409 `not_applicable`).", body = PartnerCampaignView), SubmitErrors))]
async fn accept(
    State(state): State<AppState>,
    caller: Caller,
    RequestId(request_id): RequestId,
    Path(id): Path<String>,
    Body(body): Body<PartnerBody>,
) -> Result<Response, ApiError> {
    let id = campaign_id(&id)?;
    let upstream_cnp_id = body.partner().map_err(ApiError::validation)?;
    let answered = state
        .app
        .partner_campaigns
        .accept(&caller.origin(request_id), &id, upstream_cnp_id)
        .await?;
    Ok(answer(answered, "acceptance"))
}

#[utoipa::path(post, operation_id = "declinePartnerCampaign", path = "/v1/partner/campaigns/{tcr_campaign_id}/decline", tag = "partner", security(("bearer" = [])),
    params(("tcr_campaign_id" = String, Path, description = "TCR's campaign id")),
    request_body = PartnerDeclineBody,
    responses((status = 200, description = "Declined at TCR, with the explanation and categories the CSP that shared it sees. Only a PENDING share can be declined (409 `not_applicable`).", body = PartnerCampaignView), SubmitErrors))]
async fn decline(
    State(state): State<AppState>,
    caller: Caller,
    RequestId(request_id): RequestId,
    Path(id): Path<String>,
    Body(body): Body<PartnerDeclineBody>,
) -> Result<Response, ApiError> {
    let id = campaign_id(&id)?;
    let decline = body.parse().map_err(ApiError::validation)?;
    let answered = state
        .app
        .partner_campaigns
        .decline(&caller.origin(request_id), &id, decline)
        .await?;
    Ok(answer(answered, "decline"))
}
