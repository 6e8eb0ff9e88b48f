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
        super::brand_identity::resend_auth_plus_email,
        super::campaigns::qualify,
        super::campaigns::register,
        super::campaigns::list,
        super::campaigns::show,
        super::campaigns::update,
        super::campaigns::deactivate,
        super::campaigns::resubmit,
        super::campaigns::nudge,
        super::campaigns::share,
        super::campaigns::migrate,
        super::campaigns::migration,
        super::campaigns::cancel_migration,
        super::resellers::register,
        super::resellers::list,
        super::resellers::show,
        super::resellers::update,
        super::resellers::remove,
        super::partner_campaigns::list,
        super::partner_campaigns::sync,
        super::partner_campaigns::show,
        super::partner_campaigns::accept,
        super::partner_campaigns::decline,
        super::tcr_account::settings,
        super::tcr_account::change_settings,
        super::attachments::upload,
        super::campaign_files::attach_mms,
        super::campaign_files::attach_document,
        super::brand_evidence::upload_evidence,
        super::brand_evidence::appeal_vetting,
        super::brand_evidence::vetting_appeals,
        super::brand_evidence::vetting_reports,
        super::brand_evidence::vetting_report,
        super::attachments::list,
        super::attachments::show,
        super::history::brand_history,
        super::history::campaign_history,
        super::reports::compliance_report,
        super::reports::fees_report,
        super::reports::evidence,
        super::reference::use_cases,
        super::reference::entity_types,
        super::reference::verticals,
        super::catalogues::catalogue,
        super::webhooks::receive,
        super::webhook_events::list,
        super::webhook_refusals::list,
        super::webhook_refusals::counts,
        super::operations::projections,
        super::metrics::metrics,
        super::notifications::list,
        super::notifications::show,
        super::notifications::resend,
        super::notifications::preferences,
        super::notifications::set_preferences,
        super::live::open,
        super::live::ticket,
        super::console::page,
        super::console::script,
        super::console::style,
    ),
    components(schemas(crate::http::error::ErrorBody, crate::http::in_time::AcceptedView, super::webhooks::ReceiverPath, tendlc_domain::validation::FieldError, tendlc_domain::tcr::TcrApiError, crate::http::error::TcrErrorShown)),
    modifiers(&BearerAuth, &EdgeResponses, &CreatedLinks, &Writes),
)]
pub struct ApiDoc;

/// What the layers over every write under `/v1` add (see `routes::router`): the optional
/// `Idempotency-Key` header with its own refusals, and the answer budget's 202 (recorded, TCR
/// still working) and 503 (nothing recorded). Taken from the endpoint table, so a write added
/// later is documented too.
struct Writes;

impl Writes {
    fn key_parameter() -> utoipa::openapi::path::Parameter {
        use utoipa::openapi::path::{ParameterBuilder, ParameterIn};
        use utoipa::openapi::{ObjectBuilder, Required, Type};
        ParameterBuilder::new()
            .name("Idempotency-Key")
            .parameter_in(ParameterIn::Header)
            .required(Required::False)
            .description(Some(
                "Makes a retry safe: the first answer to this key is kept (per customer, at least 24 h) and \
given again to the same request with the same key, without doing anything again. The same key with \
another method, path or body is refused (422 `idempotency_key_reused`); while the first request is still \
being answered, the second waits for its answer (409 `idempotency_in_progress` if it does not come in time). \
A kept 202 is replaced by the final answer once the work is done. Replays carry `Idempotent-Replayed: true`.",
            ))
            .schema(Some(
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .min_length(Some(1))
                    .max_length(Some(crate::http::idempotency::MAX_KEY_LENGTH))
                    .pattern(Some("^[!-~]+$")),
            ))
            .build()
    }

    fn accepted() -> utoipa::openapi::RefOr<utoipa::openapi::Response> {
        use utoipa::openapi::header::HeaderBuilder;
        use utoipa::openapi::{ContentBuilder, ObjectBuilder, Ref, ResponseBuilder, Type};
        ResponseBuilder::new()
            .description(
                "Not done within TENDLC_ANSWER_WITHIN_MS (TCR has not answered yet): the request is \
recorded on `id` (PENDING) and the work goes on; `Location` shows its outcome",
            )
            .header(
                "Location",
                HeaderBuilder::new()
                    .schema(ObjectBuilder::new().schema_type(Type::String))
                    .description(Some("What the request is recorded on"))
                    .build(),
            )
            .content(
                "application/json",
                ContentBuilder::new()
                    .schema(Some(Ref::from_schema_name("AcceptedView")))
                    .build(),
            )
            .build()
            .into()
    }
}

impl Modify for Writes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for endpoint in super::endpoints().iter().filter(|e| e.is_write()) {
            let Some(item) = openapi.paths.paths.get_mut(endpoint.path) else {
                continue;
            };
            let operation = match endpoint.method {
                Method::POST => item.post.as_mut(),
                Method::PATCH => item.patch.as_mut(),
                Method::DELETE => item.delete.as_mut(),
                _ => None,
            };
            let Some(operation) = operation else {
                continue;
            };
            operation
                .parameters
                .get_or_insert_with(Vec::new)
                .push(Self::key_parameter());
            let responses = &mut operation.responses.responses;
            for (status, description) in [
                ("409", "Conflicts with the current state, or the first request with this Idempotency-Key is still being answered"),
                ("422", "Invalid fields (named), or the Idempotency-Key was first used with another request"),
            ] {
                responses
                    .entry(status.to_string())
                    .or_insert_with(|| EdgeResponses::error(description));
            }
            responses.insert(
                "503".to_string(),
                EdgeResponses::error(
                    "Could not be started within TENDLC_ANSWER_WITHIN_MS (`not_started_in_time`: nothing was \
recorded or sent to TCR; ask again), or not answered within TENDLC_REQUEST_TIMEOUT_MS (anything recorded stays recorded)",
                ),
            );
            responses.insert("202".to_string(), Self::accepted());
        }
    }
}

/// The answers the layers around every handler can give (token checks, `X-Customer-ID`, query
/// and body reading, the request deadline), added to each operation they apply to unless the
/// operation documents that status itself. Keeps the document true for every route, including
/// ones added later, without repeating these on each.
struct EdgeResponses;

impl EdgeResponses {
    fn error(description: &str) -> utoipa::openapi::RefOr<utoipa::openapi::Response> {
        use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
        ResponseBuilder::new()
            .description(description)
            .content(
                "application/json",
                ContentBuilder::new()
                    .schema(Some(Ref::from_schema_name("ErrorBody")))
                    .build(),
            )
            .build()
            .into()
    }

    fn complete(operation: &mut utoipa::openapi::path::Operation) {
        let guarded = operation.security.as_ref().is_some_and(|s| !s.is_empty());
        let has_body = operation.request_body.is_some();
        let has_params = operation.parameters.as_ref().is_some_and(|p| !p.is_empty());
        let mut add = |status: &str, description: &str| {
            operation
                .responses
                .responses
                .entry(status.to_string())
                .or_insert_with(|| Self::error(description));
        };
        if guarded || has_body || has_params {
            add("400", "Bad request (malformed JSON, query or header)");
        }
        if guarded {
            add("401", "No valid bearer token");
            add("403", "The role may not do this");
        }
        if has_body {
            add(
                "408",
                "The body did not arrive within TENDLC_BODY_READ_TIMEOUT_MS",
            );
            add("413", "Body too large");
        }
        if guarded || has_body {
            add("500", "Internal error (logged)");
            add(
                "503",
                "Not answered within TENDLC_REQUEST_TIMEOUT_MS; anything recorded stays recorded",
            );
        }
    }
}

/// Links from what a `POST /things` creates (201 with an `id`) to the operations on
/// `/things/{id}`, for every collection that has both: clients (and the API fuzzing run's
/// stateful phase) can follow a created resource to reading and changing it.
struct CreatedLinks;

impl Modify for CreatedLinks {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::link::LinkBuilder;
        let paths = &mut openapi.paths.paths;
        let mut found = vec![];
        for (path, item) in paths.iter() {
            let member = format!("{path}/{{id}}");
            let Some(target) = paths.get(&member) else {
                continue;
            };
            if item.post.is_none() {
                continue;
            }
            let pointer = member.replace('~', "~0").replace('/', "~1");
            let mut links = vec![];
            for (method, operation) in [
                ("get", &target.get),
                ("patch", &target.patch),
                ("put", &target.put),
                ("delete", &target.delete),
            ] {
                if operation.is_some() {
                    links.push((
                        format!("{}Created", method[..1].to_uppercase() + &method[1..]),
                        LinkBuilder::new()
                            .operation_ref(format!("#/paths/{pointer}/{method}"))
                            .parameter("id", "$response.body#/id")
                            .description(format!("{} the created resource", method.to_uppercase()))
                            .build(),
                    ));
                }
            }
            found.push((path.clone(), links));
        }
        for (path, links) in found {
            let Some(created) = paths
                .get_mut(&path)
                .and_then(|item| item.post.as_mut())
                .and_then(|post| post.responses.responses.get_mut("201"))
            else {
                continue;
            };
            if let utoipa::openapi::RefOr::T(response) = created {
                for (name, link) in links {
                    response.links.entry(name).or_insert(link.into());
                }
            }
        }
    }
}

impl Modify for EdgeResponses {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for item in openapi.paths.paths.values_mut() {
            for operation in [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.patch,
            ]
            .into_iter()
            .flatten()
            {
                Self::complete(operation);
            }
        }
    }
}

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
async fn document() -> Json<serde_json::Value> {
    Json(document_json())
}

/// The document as served. utoipa 5 writes a link's `operationRef` as `operation_ref`; OpenAPI
/// (and every client) reads `operationRef`, so links are put right here.
pub fn document_json() -> serde_json::Value {
    let mut document = serde_json::to_value(ApiDoc::openapi()).unwrap_or_default();
    if let Some(paths) = document["paths"].as_object_mut() {
        for operation in paths.values_mut().filter_map(|item| item.as_object_mut()) {
            for responses in operation
                .values_mut()
                .filter_map(|op| op.get_mut("responses"))
                .filter_map(|r| r.as_object_mut())
            {
                for links in responses
                    .values_mut()
                    .filter_map(|r| r.get_mut("links"))
                    .filter_map(|l| l.as_object_mut())
                {
                    for link in links.values_mut().filter_map(|l| l.as_object_mut()) {
                        for (from, to) in [
                            ("operation_ref", "operationRef"),
                            ("operation_id", "operationId"),
                            ("request_body", "requestBody"),
                        ] {
                            if let Some(value) = link.remove(from) {
                                link.insert(to.to_string(), value);
                            }
                        }
                    }
                }
            }
        }
    }
    document
}
