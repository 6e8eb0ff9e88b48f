//! `POST /brand/{brandId}/externalVetting/mockCvToken`: a Campaign Verify token for test
//! environments, which `PUT /brand/{brandId}/externalVetting` (evpId `CV`) then imports.
use axum::{
    extract::{rejection::FormRejection, Form, Path, State},
    http::header,
    response::{IntoResponse, Response},
    routing::post,
    Router,
};

use super::errors::{ApiError, Rejection};
use super::state::{random_id, SharedSim};

const LOCALES: &[&str] = &["federal", "state", "local", "tribal"];

pub(super) fn router() -> Router<SharedSim> {
    Router::new().route(
        "/v2/brand/{brand_id}/externalVetting/mockCvToken",
        post(mock_token),
    )
}

/// `yyyy-MM-dd` in this century, as the document's pattern asks, and a real date.
fn valid_date(text: &str) -> bool {
    text.starts_with("20") && chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").is_ok()
}

async fn mock_token(
    State(sim): State<SharedSim>,
    Path(brand_id): Path<String>,
    form: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    let form = match form {
        Ok(Form(form)) => form,
        Err(e) => {
            return Rejection::from(ApiError::new(501, format!("Malformed form body: {e}"), &[]))
                .into_response()
        }
    };
    let mut problems = Vec::new();
    for (name, value) in &form {
        match name.as_str() {
            "locale" if !LOCALES.contains(&value.as_str()) => problems.push(ApiError::invalid(
                "locale",
                "locale must be federal, state, local or tribal",
            )),
            "validUntil" if !valid_date(value) => problems.push(ApiError::invalid(
                "validUntil",
                "validUntil must be a date in yyyy-MM-dd format",
            )),
            _ => {}
        }
    }
    if !problems.is_empty() {
        return Rejection(problems).into_response();
    }
    if sim.registry().get(&brand_id).is_none_or(|b| b.deleted) {
        return Rejection::from(ApiError::not_found("brandId")).into_response();
    }
    (
        [(header::CONTENT_TYPE, "text/plain")],
        format!("v|1.0|cvmock|10dlc|{}", random_id("", 12)),
    )
        .into_response()
}
