//! Tags (`GET`/`PUT /tag`, `DELETE /tag/name/{name}/recordType/{recordType}/recordId/{recordId}`):
//! kept on the brand or campaign itself, so they are the same tags `Brand_CSP.tag` and
//! `Campaign_CSP.tag` show and `tag` filters search by. Stored lower-case; at most 10 a record.
use axum::{
    body::Bytes,
    extract::{rejection::QueryRejection, Path, Query, State},
    http::StatusCode,
    response::{IntoResponse, Response},
    routing::{delete, get},
    Json, Router,
};
use serde_json::{json, Value};

use super::body::Body;
use super::errors::{ApiError, Rejection};
use super::query::{self, Page};
use super::state::{Registry, SharedSim};
use super::validate::{MAX_TAGS, MAX_TAG_LEN};

pub(super) fn router() -> Router<SharedSim> {
    Router::new()
        .route("/v2/tag", get(search).put(assign))
        .route(
            "/v2/tag/name/{name}/recordType/{record_type}/recordId/{record_id}",
            delete(remove),
        )
}

/// The tag list of a live brand or campaign of this account, else 502.
fn tags_of<'r>(
    registry: &'r mut Registry,
    record_type: &str,
    record_id: &str,
) -> Result<&'r mut Vec<String>, ApiError> {
    let found = match record_type {
        "BRAND" => registry
            .get_mut(record_id)
            .filter(|b| !b.deleted)
            .map(|b| &mut b.fields.tags),
        "CAMPAIGN" => registry
            .campaigns
            .get_mut(record_id)
            .map(|c| &mut c.fields.tags),
        _ => {
            return Err(ApiError::invalid(
                "recordType",
                "recordType must be BRAND or CAMPAIGN",
            ))
        }
    };
    found.ok_or_else(|| {
        ApiError::new(
            502,
            "Brand or campaign record not found for given recordId",
            &["recordId"],
        )
    })
}

fn valid_name(name: &str) -> bool {
    (1..=MAX_TAG_LEN).contains(&name.chars().count()) && name.chars().all(char::is_alphanumeric)
}

async fn assign(State(sim): State<SharedSim>, body: Bytes) -> Response {
    let answer = (|| -> Result<Value, Rejection> {
        let body = Body::parse(&body)?;
        let mut problems = Vec::new();
        let mut take = |name: &str| match body.required_text(name) {
            Ok(value) => Some(value.to_owned()),
            Err(error) => {
                problems.push(error);
                None
            }
        };
        let (name, record_type, record_id) = (take("name"), take("recordType"), take("recordId"));
        if let Some(name) = name.as_deref().filter(|n| !valid_name(n)) {
            problems.push(ApiError::invalid(
                "name",
                format!("Tag name cannot contain punctuation or spaces. Length must be between 1 to {MAX_TAG_LEN} characters ({name:?})"),
            ));
        }
        let (Some(name), Some(record_type), Some(record_id)) = (name, record_type, record_id)
        else {
            return Err(Rejection(problems));
        };
        if !problems.is_empty() {
            return Err(Rejection(problems));
        }
        let name = name.to_lowercase();
        let mut registry = sim.registry();
        let tags = tags_of(&mut registry, &record_type, &record_id)?;
        if !tags.contains(&name) {
            if tags.len() >= MAX_TAGS {
                return Err(ApiError::new(
                    530,
                    format!("Maximum number of tags exceeded per record. Current max value is {MAX_TAGS} tags per record"),
                    &["name"],
                )
                .into());
            }
            tags.push(name.clone());
        }
        Ok(json!({"name": name, "recordType": record_type, "recordId": record_id}))
    })();
    match answer {
        Ok(tag) => Json(tag).into_response(),
        Err(rejection) => rejection.into_response(),
    }
}

async fn remove(
    State(sim): State<SharedSim>,
    Path((name, record_type, record_id)): Path<(String, String, String)>,
) -> Response {
    let mut registry = sim.registry();
    let name = name.to_lowercase();
    match tags_of(&mut registry, &record_type, &record_id) {
        Ok(tags) if tags.contains(&name) => {
            tags.retain(|t| *t != name);
            StatusCode::NO_CONTENT.into_response()
        }
        Ok(_) => Rejection::from(ApiError::new(502, "Tag not found", &["name"])).into_response(),
        Err(error) => Rejection::from(error).into_response(),
    }
}

/// Every tag of the account's live brands and campaigns, brands first, filtered exactly by
/// `name` (ignoring case), `recordType` and `recordId`; paged.
async fn search(
    State(sim): State<SharedSim>,
    params: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Response {
    let params = match query::read(params) {
        Ok(params) => params,
        Err(error) => return Rejection::from(error).into_response(),
    };
    let mut page = Page::default();
    let mut problems = Vec::new();
    let (mut name, mut record_type, mut record_id) = (None, None, None);
    for (key, value) in params.into_iter().filter(|(_, v)| !v.is_empty()) {
        match key.as_str() {
            _ if Page::is_param(&key) => {
                if let Err(e) = page.set(&key, &value) {
                    problems.push(e);
                }
            }
            "name" => name = Some(value.to_lowercase()),
            "recordType" if !matches!(value.as_str(), "BRAND" | "CAMPAIGN") => problems.push(
                ApiError::invalid("recordType", "recordType must be BRAND or CAMPAIGN"),
            ),
            "recordType" => record_type = Some(value),
            "recordId" => record_id = Some(value),
            _ => {}
        }
    }
    if !problems.is_empty() {
        return Rejection(problems).into_response();
    }
    let registry = sim.registry();
    let brands = registry.iter().filter(|b| !b.deleted).flat_map(|b| {
        b.fields
            .tags
            .iter()
            .map(move |t| ("BRAND", b.brand_id.as_str(), t))
    });
    let campaigns = registry.campaigns.iter().flat_map(|c| {
        c.fields
            .tags
            .iter()
            .map(move |t| ("CAMPAIGN", c.campaign_id.as_str(), t))
    });
    let found = brands
        .chain(campaigns)
        .filter(|(kind, id, tag)| {
            name.as_deref().is_none_or(|n| n == tag.as_str())
                && record_type.as_deref().is_none_or(|r| r == *kind)
                && record_id.as_deref().is_none_or(|r| r == *id)
        })
        .map(|(kind, id, tag)| json!({"name": tag, "recordType": kind, "recordId": id}))
        .collect();
    Json(page.record_set(found)).into_response()
}
