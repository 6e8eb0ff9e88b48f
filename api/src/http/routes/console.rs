//! `GET /`: the operator's console, one page with its script and style embedded in the binary
//! (no build step, nothing fetched from elsewhere). A strict Content-Security-Policy allows only
//! this origin's script, style and connections (the API and the live feed).
use axum::http::{header, HeaderValue, Method};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use super::{Access, Endpoint};

const PAGE: &str = include_str!("../console/index.html");
const SCRIPT: &str = include_str!("../console/app.js");
const STYLE: &str = include_str!("../console/app.css");

/// Only this origin: the page's own script and style files, `fetch` and WebSocket to the API.
pub const POLICY: &str =
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; \
img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

pub fn endpoints() -> Vec<Endpoint> {
    vec![
        Endpoint::new(Method::GET, "/", Access::Public, get(page)),
        Endpoint::new(Method::GET, "/console/app.js", Access::Public, get(script)),
        Endpoint::new(Method::GET, "/console/app.css", Access::Public, get(style)),
    ]
}

fn asset(content_type: &'static str, body: &'static str) -> Response {
    let mut response = body.into_response();
    let headers = response.headers_mut();
    for (name, value) in [
        (header::CONTENT_TYPE, content_type),
        (header::CONTENT_SECURITY_POLICY, POLICY),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::REFERRER_POLICY, "no-referrer"),
        (header::CACHE_CONTROL, "no-cache"),
    ] {
        headers.insert(name, HeaderValue::from_static(value));
    }
    response
}

#[utoipa::path(get, operation_id = "console", path = "/", tag = "console",
    responses((status = 200, description = "The operator's console (HTML)", content_type = "text/html")))]
async fn page() -> Response {
    asset("text/html; charset=utf-8", PAGE)
}

#[utoipa::path(get, operation_id = "consoleScript", path = "/console/app.js", tag = "console",
    responses((status = 200, description = "The console's script", content_type = "text/javascript")))]
async fn script() -> Response {
    asset("text/javascript; charset=utf-8", SCRIPT)
}

#[utoipa::path(get, operation_id = "consoleStyle", path = "/console/app.css", tag = "console",
    responses((status = 200, description = "The console's style sheet", content_type = "text/css")))]
async fn style() -> Response {
    asset("text/css; charset=utf-8", STYLE)
}
