//! What the netnumber Services Registry (nnSR) holds for a campaign: its attributes
//! (`GET /campaign/{id}/osr/attributes`), the numbers provisioned to it (`.../osr/phones`), and
//! the carriers where a DCA has been elected (`GET /campaign/{id}/mnoIdsWithDcaElected`).
use axum::{
    extract::{rejection::QueryRejection, Path, Query, State},
    response::{IntoResponse, Response},
    Json,
};
use serde_json::{json, Value};

use super::record::OperationStatus;
use super::sharing::SharingStatus;
use super::{not_found, CampaignRecord};
use crate::enums::{ATT, MNOS};
use crate::errors::{ApiError, Rejection};
use crate::query::{self, Page};
use crate::state::SharedSim;

/// nnSR's `status`: a bitmask with each carrier's `osrBitmaskIndex` bit set where the campaign
/// is registered; `msg_class` is AT&T's message class.
fn attributes(campaign: &CampaignRecord) -> Value {
    let status: u32 = campaign
        .carriers
        .iter()
        .filter(|(_, c)| c.status == OperationStatus::Registered)
        .filter_map(|(id, _)| MNOS.iter().find(|m| m.network_id == *id))
        .map(|m| 1u32 << (m.osr_bitmask_index - 1))
        .sum();
    let mut answer = json!({"status": status.to_string(), "brand_id": campaign.brand_id});
    if let Some(class) = campaign
        .carriers
        .get(&ATT)
        .and_then(|c| c.metadata.to_json().get("msgClass").cloned())
    {
        answer["msg_class"] = class;
    }
    answer
}

pub(super) async fn osr_attributes(
    State(sim): State<SharedSim>,
    Path(campaign_id): Path<String>,
) -> Response {
    match sim.registry().campaigns.get(&campaign_id) {
        Some(campaign) => Json(attributes(campaign)).into_response(),
        None => not_found(),
    }
}

/// Numbers are provisioned outside TCR and the simulator's nnSR has none: every campaign
/// answers an empty page (filters and paging still checked).
pub(super) async fn osr_phones(
    State(sim): State<SharedSim>,
    Path(campaign_id): Path<String>,
    params: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Response {
    let params = match query::read(params) {
        Ok(params) => params,
        Err(error) => return Rejection::from(error).into_response(),
    };
    let mut page = Page::default();
    let mut problems = Vec::new();
    for (name, value) in &params {
        if Page::is_param(name) {
            if let Err(e) = page.set(name, value) {
                problems.push(e);
            }
        } else if name == "current" && !matches!(value.as_str(), "true" | "false") {
            problems.push(ApiError::invalid(
                "current",
                "current must be true or false",
            ));
        }
    }
    if !problems.is_empty() {
        return Rejection(problems).into_response();
    }
    if sim.registry().campaigns.get(&campaign_id).is_none() {
        return not_found();
    }
    Json(page.record_set(Vec::new())).into_response()
}

/// The campaign's carriers once its partner (a DCA) accepted the share, else none.
pub(super) async fn mno_ids_with_dca_elected(
    State(sim): State<SharedSim>,
    Path(campaign_id): Path<String>,
    params: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Response {
    let params = match query::read(params) {
        Ok(params) => params,
        Err(error) => return Rejection::from(error).into_response(),
    };
    if let Some(value) = query::values(&params, "cnpMigration")
        .first()
        .filter(|v| !matches!(**v, "true" | "false"))
    {
        return Rejection::from(ApiError::invalid(
            "cnpMigration",
            format!("cnpMigration must be true or false, not {value:?}"),
        ))
        .into_response();
    }
    let registry = sim.registry();
    let Some(campaign) = registry.campaigns.get(&campaign_id) else {
        return not_found();
    };
    let elected = campaign
        .sharing()
        .is_some_and(|s| s.status == SharingStatus::Accepted);
    let ids: Vec<u64> = if elected {
        campaign.carriers.keys().copied().collect()
    } else {
        Vec::new()
    };
    Json(ids).into_response()
}
