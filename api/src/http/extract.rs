//! Reading requests: the request id, paging, query strings, JSON bodies and path ids, each
//! turned into our error shape when it cannot be read.
use axum::extract::{FromRequest, FromRequestParts, OptionalFromRequest, Query, Request};
use axum::http::request::Parts;
use axum::Json;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::Value;
use tendlc_domain::input::BodyOf;

use super::error::ApiError;

/// A JSON request body read into its typed body struct (whose fields are
/// `tendlc_domain::input::Field`s, so no field can make reading fail): malformed JSON is 400,
/// a NUL character anywhere or a body that is not an object is 422 naming it. Turning the
/// body into domain values (`TryFrom`) then names every bad field at once.
pub struct Body<T>(pub T);

fn typed<T: DeserializeOwned + BodyOf>(value: Value) -> Result<T, ApiError> {
    tendlc_domain::input::read(value).map_err(ApiError::validation)
}

impl<S: Send + Sync, T: DeserializeOwned + BodyOf> FromRequest<S> for Body<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let value = json_body(<Json<Value> as FromRequest<S>>::from_request(request, state).await)?;
        typed(value).map(Body)
    }
}

/// An optional body: none when the request sends no `Content-Type` (and so no body).
impl<S: Send + Sync, T: DeserializeOwned + BodyOf> OptionalFromRequest<S> for Body<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Option<Self>, Self::Rejection> {
        let sent = <Json<Value> as OptionalFromRequest<S>>::from_request(request, state)
            .await
            .map_err(json_rejection)?;
        match sent {
            None => Ok(None),
            Some(json) => typed(json_body(Ok(json))?).map(|body| Some(Body(body))),
        }
    }
}

/// The request id the server assigned (the request-id layer); never the client's.
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

/// The id a client gave its request (its `X-Request-ID`): kept beside ours, in the request's
/// extensions, and echoed as `X-Client-Request-ID`.
#[derive(Debug, Clone)]
pub struct ClientRequestId(pub String);

pub const CLIENT_REQUEST_ID_HEADER: &str = "x-client-request-id";

/// The longest client request id kept; a longer one (or one that is not printable ASCII) is not.
pub const MAX_CLIENT_REQUEST_ID: usize = 128;

impl<S: Send + Sync> FromRequestParts<S> for RequestId {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(RequestId(
            parts
                .headers
                .get("x-request-id")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("none")
                .to_string(),
        ))
    }
}

pub const MAX_PER_PAGE: i64 = 500;
/// How deep a list can be paged: an OFFSET reads and drops every row before it, so deeper
/// pages are refused and filters (`from`/`to`, status, …) narrow the list instead.
pub const MAX_PAGED_ROWS: i64 = 10_000;

/// `?page=&perPage=`, checked.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Paging {
    pub page: Option<String>,
    pub per_page: Option<String>,
}

impl Paging {
    /// (page, per_page, offset)
    pub fn resolve(&self) -> Result<(i64, i64, i64), ApiError> {
        let number =
            |name: &str, text: &Option<String>, default: i64, max: i64| -> Result<i64, ApiError> {
                match text {
                    None => Ok(default),
                    Some(t) => match t.parse::<i64>() {
                        Ok(n) if (1..=max).contains(&n) => Ok(n),
                        _ => Err(ApiError::field(
                            name,
                            format!("must be a whole number from 1 to {max}"),
                        )),
                    },
                }
            };
        let per_page = number("perPage", &self.per_page, 50, MAX_PER_PAGE)?;
        let last_page = MAX_PAGED_ROWS / per_page;
        let page = number("page", &self.page, 1, last_page).map_err(|_| {
            ApiError::field(
                "page",
                format!(
                    "must be a whole number from 1 to {last_page}: with perPage {per_page}, pages \
                     reach row {MAX_PAGED_ROWS} at most; narrow the list with its filters instead"
                ),
            )
        })?;
        Ok((page, per_page, (page - 1) * per_page))
    }
}

/// An optional RFC 3339 time from the query string, named `field` when it is not one.
pub fn timestamp(
    field: &str,
    text: Option<&str>,
) -> Result<Option<chrono::DateTime<chrono::Utc>>, ApiError> {
    text.map(|t| {
        chrono::DateTime::parse_from_rfc3339(t)
            .map(|d| d.with_timezone(&chrono::Utc))
            .map_err(|_| {
                ApiError::field(
                    field,
                    "must be an RFC 3339 time such as 2026-01-31T12:00:00Z",
                )
            })
    })
    .transpose()
}

/// Query string rejections become our error shape.
pub fn query<T>(
    result: Result<Query<T>, axum::extract::rejection::QueryRejection>,
) -> Result<T, ApiError> {
    result.map(|Query(q)| q).map_err(|e| {
        ApiError::bad_request(
            "invalid_query",
            format!("the query string is not valid: {}", e.body_text()),
        )
    })
}

/// JSON bodies are read as values first, so every problem can be named by field. A NUL
/// character (`\u0000`) anywhere is refused by field: Postgres cannot store it in JSON or text.
fn json_body(
    result: Result<axum::Json<serde_json::Value>, axum::extract::rejection::JsonRejection>,
) -> Result<serde_json::Value, ApiError> {
    let value = result.map(|axum::Json(v)| v).map_err(json_rejection)?;
    let mut errors = tendlc_domain::validation::ValidationErrors::new();
    nul_fields(&value, "", &mut errors);
    if errors.is_empty() {
        Ok(value)
    } else {
        Err(ApiError::validation(errors))
    }
}

/// Why a body could not be read as JSON: a body sent without saying it is JSON is told so
/// (the JSON itself may be fine), anything else is malformed JSON.
fn json_rejection(rejection: axum::extract::rejection::JsonRejection) -> ApiError {
    use axum::extract::rejection::JsonRejection;
    match rejection {
        JsonRejection::MissingJsonContentType(_) => ApiError::bad_request(
            "missing_content_type",
            "send the body as JSON, with the header Content-Type: application/json",
        ),
        other => ApiError::bad_request(
            "invalid_json",
            format!("the request body is not valid JSON: {}", other.body_text()),
        ),
    }
}

/// Names every place in `value` holding a NUL character (`a.b[2]`, or `body` for the whole).
fn nul_fields(
    value: &serde_json::Value,
    at: &str,
    errors: &mut tendlc_domain::validation::ValidationErrors,
) {
    use serde_json::Value;
    const MESSAGE: &str = "must not contain a NUL character (\\u0000)";
    let name = |at: &str| {
        if at.is_empty() {
            "body".to_string()
        } else {
            at.to_string()
        }
    };
    match value {
        Value::String(s) if s.contains('\0') => errors.add(name(at), MESSAGE),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                nul_fields(item, &format!("{}[{i}]", name(at)), errors);
            }
        }
        Value::Object(map) => {
            for (key, item) in map {
                let key_text = key.replace('\0', "\\u0000");
                let path = if at.is_empty() {
                    key_text
                } else {
                    format!("{at}.{key_text}")
                };
                if key.contains('\0') {
                    errors.add(path.clone(), MESSAGE);
                }
                nul_fields(item, &path, errors);
            }
        }
        _ => {}
    }
}

/// A `Location` header naming `path`.
pub fn location(path: &str) -> axum::http::HeaderMap {
    let mut headers = axum::http::HeaderMap::new();
    if let Ok(value) = axum::http::HeaderValue::from_str(path) {
        headers.insert(axum::http::header::LOCATION, value);
    }
    headers
}

/// Parses a path id (a UUID) as the id type `T`; anything else is simply not found.
pub fn path_id<T: std::str::FromStr>(text: &str, what: &str) -> Result<T, ApiError> {
    text.parse().map_err(|_| ApiError::not_found(what))
}
