//! `GET /openapi.json`: the OpenAPI 3.1 document, generated from the handlers' annotations.
use axum::http::Method;
use axum::routing::get;
use axum::Json;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use super::{Access, Endpoint};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "tendlc",
        description = "Register US 10DLC brands with The Campaign Registry, keep them in sync, prove what happened. \
Every error body is `{code, message, fields?, tcr?}`.",
    ),
    paths(
        super::health::health,
        super::health::ready,
        document,
        super::customers::create,
        super::customers::list,
        super::customers::show,
        super::customers::update,
        super::brands::register,
        super::brands::list,
        super::brands::show,
        super::brands::update,
        super::brand_identity::delete_brand,
        super::brand_identity::vettings,
        super::brand_identity::order_vetting,
        super::brand_identity::import_vetting,
        super::brand_identity::revet,
        super::brand_identity::feedback,
        super::brand_identity::appeal,
        super::brand_identity::send_otp,
        super::brand_identity::otp_status,
        super::brand_identity::verify_otp,
        super::campaigns::qualify,
        super::campaigns::register,
        super::campaigns::list,
        super::campaigns::show,
        super::campaigns::update,
        super::campaigns::deactivate,
        super::campaigns::resubmit,
        super::campaigns::nudge,
        super::campaigns::share,
        super::reference::use_cases,
        super::reference::entity_types,
        super::reference::verticals,
        super::webhooks::receive,
        super::webhook_events::list,
    ),
    components(schemas(crate::error::ErrorBody, tendlc_domain::validation::FieldError, tendlc_domain::tcr::TcrApiError)),
    modifiers(&BearerAuth),
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
    }
}

pub fn endpoints() -> Vec<Endpoint> {
    vec![Endpoint::new(
        Method::GET,
        "/openapi.json",
        Access::Public,
        get(document),
    )]
}

#[utoipa::path(get, path = "/openapi.json", tag = "operations",
    responses((status = 200, description = "This document", body = Object)))]
async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
