//! The one error type at the HTTP edge: `{code, message, fields?, tcr?}`.
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use serde_json::Value;
use tendlc_domain::tcr::{TcrApiError, TcrError};
use tendlc_domain::validation::{FieldError, ValidationErrors};

use crate::application::AppError;

/// Every error: a stable machine code, a human message, the fields at fault, TCR's own errors.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    pub code: String,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fields: Option<Vec<FieldError>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tcr: Option<Vec<TcrErrorShown>>,
    /// When a request refused as too soon is allowed again (also in the `Retry-After` header).
    #[serde(rename = "retryAfter", skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<chrono::DateTime<chrono::Utc>>,
}

/// One TCR error as TCR sent it, with TCR's own explanation of its code from TCR's error
/// catalogue (`GET /error`) when tendlc has read it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TcrErrorShown {
    pub code: i64,
    /// What TCR said about this request.
    pub description: String,
    pub fields: Vec<String>,
    /// What TCR's error catalogue says the code means.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub catalogue_description: Option<String>,
}

impl From<&TcrApiError> for TcrErrorShown {
    fn from(error: &TcrApiError) -> Self {
        Self {
            code: error.code,
            description: error.description.clone(),
            fields: error.fields.clone(),
            // Filled in by [`explain_tcr_codes`] on the way out.
            catalogue_description: None,
        }
    }
}

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub body: ErrorBody,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &str, message: impl Into<String>) -> Self {
        Self {
            status,
            body: ErrorBody {
                code: code.into(),
                message: message.into(),
                fields: None,
                tcr: None,
                retry_after: None,
            },
        }
    }

    pub fn not_found(what: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("{what} not found"),
        )
    }

    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "unauthorized", message)
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "forbidden", message)
    }

    pub fn conflict(code: &str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, code, message)
    }

    pub fn bad_request(code: &str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, message)
    }

    pub fn validation(errors: ValidationErrors) -> Self {
        let names = errors.fields().join(", ");
        let mut error = Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            format!("the request has invalid fields: {names}"),
        );
        error.body.fields = Some(errors.0);
        error
    }

    pub fn field(field: &str, message: impl Into<String>) -> Self {
        let mut errors = ValidationErrors::new();
        errors.add(field, message);
        Self::validation(errors)
    }

    /// An internal failure: logged in full, answered with a generic message.
    pub fn internal(context: &str, error: impl std::fmt::Display) -> Self {
        tracing::error!(%error, "{context}");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal_error",
            "an internal error occurred; it has been logged",
        )
    }

    /// What the caller is told when TCR did not do what was asked.
    /// `recorded` says what tendlc kept, so a failure never reads as "nothing happened".
    pub fn from_tcr(error: &TcrError, recorded: &str) -> Self {
        let (status, code, message) = match error {
            TcrError::Rejected(_) if !error.retryable() => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "tcr_rejected",
                format!("TCR refused the request: {}. {recorded}", describe(error.tcr_errors())),
            ),
            TcrError::Rejected(_) => (
                StatusCode::BAD_GATEWAY,
                "tcr_unavailable",
                format!("TCR answered with a temporary error ({}). {recorded}", describe(error.tcr_errors())),
            ),
            TcrError::Timeout => (
                StatusCode::GATEWAY_TIMEOUT,
                "tcr_timeout",
                format!("TCR did not answer in time. {recorded}"),
            ),
            TcrError::Unauthorized => (
                StatusCode::BAD_GATEWAY,
                "tcr_credentials_refused",
                format!("TCR refused tendlc's API credentials; an operator must fix TCR_API_KEY/TCR_API_SECRET. {recorded}"),
            ),
            TcrError::RateLimited => (
                StatusCode::BAD_GATEWAY,
                "tcr_rate_limited",
                format!("TCR's rate limit was reached. {recorded}"),
            ),
            TcrError::ServerError { status } => (
                StatusCode::BAD_GATEWAY,
                "tcr_unavailable",
                format!("TCR failed with HTTP {status}. {recorded}"),
            ),
            TcrError::Unreachable(_) => (
                StatusCode::BAD_GATEWAY,
                "tcr_unreachable",
                format!("TCR could not be reached. {recorded}"),
            ),
            TcrError::UnreadableAnswer { status, .. } => (
                StatusCode::BAD_GATEWAY,
                "tcr_answer_unreadable",
                format!("TCR answered HTTP {status} but tendlc cannot read the answer, so TCR may have acted; it will be confirmed with TCR before anything is sent again. {recorded}"),
            ),
            TcrError::UnexpectedResponse { status, .. } => (
                StatusCode::BAD_GATEWAY,
                "tcr_unexpected_response",
                format!("TCR sent a response tendlc cannot read (HTTP {status}). {recorded}"),
            ),
        };
        let mut api_error = Self::new(status, code, message);
        if !error.tcr_errors().is_empty() {
            api_error.body.tcr = Some(error.tcr_errors().iter().map(TcrErrorShown::from).collect());
        }
        api_error
    }
}

fn describe(errors: &[TcrApiError]) -> String {
    errors
        .iter()
        .map(|e| {
            if e.fields.is_empty() {
                format!("{} {}", e.code, e.description)
            } else {
                format!("{} {} ({})", e.code, e.description, e.fields.join(", "))
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let tcr = self.body.tcr.is_some().then(|| self.body.clone());
        // Whole seconds, rounded up, so a client that waits this long is never early.
        let retry_after = self.body.retry_after.map(|at| {
            let wait = (at - chrono::Utc::now()).num_milliseconds().max(0);
            ((wait + 999) / 1000).to_string()
        });
        let mut response = (self.status, Json(self.body)).into_response();
        if let Some(seconds) = retry_after.and_then(|s| header::HeaderValue::from_str(&s).ok()) {
            response.headers_mut().insert(header::RETRY_AFTER, seconds);
        }
        if let Some(body) = tcr {
            response.extensions_mut().insert(body);
        }
        response
    }
}

/// Every answer that shows TCR error codes gets TCR's own explanation of each from TCR's error
/// catalogue (read lazily and cached, see `application::catalogues`): the answer is built where
/// no `await` is possible, so the explanation is added here, on its way out.
pub async fn explain_tcr_codes(
    axum::extract::State(state): axum::extract::State<crate::http::state::AppState>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let mut response = next.run(request).await;
    let Some(mut body) = response.extensions_mut().remove::<ErrorBody>() else {
        return explain_shown_codes(&state, response).await;
    };
    let Some(shown) = body.tcr.as_mut() else {
        return response;
    };
    let codes: Vec<i64> = shown.iter().map(|e| e.code).collect();
    let explained = state.app.catalogues.explain(&codes).await;
    for error in shown.iter_mut() {
        error.catalogue_description = explained.get(&error.code).cloned();
    }
    let (mut parts, _) = response.into_parts();
    parts.headers.remove(header::CONTENT_LENGTH);
    let json = serde_json::to_vec(&body).unwrap_or_default();
    Response::from_parts(parts, axum::body::Body::from(json))
}

/// A JSON answer that shows a recorded failure's TCR codes (`lastError.tcr`, in any view): each
/// entry of a `tcr` list gets TCR's explanation. Only answers that hold such a list are parsed
/// (their bytes say so); every other answer passes as it is.
async fn explain_shown_codes(state: &crate::http::state::AppState, response: Response) -> Response {
    const MARK: &[u8] = b"\"tcr\":[{";
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if !is_json {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, usize::MAX).await else {
        return ApiError::internal("answer", "its body could not be read").into_response();
    };
    let shows_codes = bytes.windows(MARK.len()).any(|w| w == MARK);
    let mut value = match shows_codes.then(|| serde_json::from_slice::<Value>(&bytes)) {
        Some(Ok(value)) => value,
        _ => return Response::from_parts(parts, axum::body::Body::from(bytes)),
    };
    let mut codes = Vec::new();
    visit_tcr_lists(&mut value, &mut |entry| {
        if let Some(code) = entry.get("code").and_then(Value::as_i64) {
            codes.push(code);
        }
    });
    let explained = state.app.catalogues.explain(&codes).await;
    visit_tcr_lists(&mut value, &mut |entry| {
        let code = entry.get("code").and_then(Value::as_i64);
        if let (Some(text), Value::Object(fields)) = (code.and_then(|c| explained.get(&c)), entry) {
            fields
                .entry("catalogueDescription")
                .or_insert_with(|| text.clone().into());
        }
    });
    parts.headers.remove(header::CONTENT_LENGTH);
    let json = serde_json::to_vec(&value).unwrap_or_default();
    Response::from_parts(parts, axum::body::Body::from(json))
}

/// Calls `each` with every entry of every `tcr` list in `value`.
fn visit_tcr_lists(value: &mut Value, each: &mut impl FnMut(&mut Value)) {
    match value {
        Value::Object(fields) => {
            for (name, inner) in fields.iter_mut() {
                match (name.as_str(), inner) {
                    ("tcr", Value::Array(entries)) => entries.iter_mut().for_each(&mut *each),
                    (_, inner) => visit_tcr_lists(inner, each),
                }
            }
        }
        Value::Array(items) => items
            .iter_mut()
            .for_each(|item| visit_tcr_lists(item, each)),
        _ => {}
    }
}

/// Error answers made below the handlers (the server's timeouts, axum's own rejections) come
/// without our JSON body; this gives them the one shape every error has, keeping their status
/// and headers.
pub async fn one_shape(response: Response) -> Response {
    let status = response.status();
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return response;
    }
    let (code, message) = match status {
        StatusCode::REQUEST_TIMEOUT => (
            "request_timeout",
            "the request did not arrive in time (TENDLC_BODY_READ_TIMEOUT_MS)",
        ),
        StatusCode::SERVICE_UNAVAILABLE => (
            "request_timeout",
            "the request did not finish in time (TENDLC_REQUEST_TIMEOUT_MS); anything it recorded stays recorded",
        ),
        StatusCode::PAYLOAD_TOO_LARGE => ("body_too_large", "the request body is too large"),
        StatusCode::METHOD_NOT_ALLOWED => ("method_not_allowed", "this path does not answer this method"),
        StatusCode::NOT_FOUND => ("not_found", "route not found"),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => (
            "unsupported_media_type",
            "send the body as application/json",
        ),
        _ if status.is_server_error() => (
            "internal_error",
            "an internal error occurred; it has been logged",
        ),
        _ => ("bad_request", "the request could not be read"),
    };
    let (mut parts, _) = response.into_parts();
    parts.headers.remove(header::CONTENT_LENGTH);
    let mut shaped = ApiError::new(status, code, message).into_response();
    for (name, value) in parts.headers.iter() {
        if name != header::CONTENT_TYPE {
            shaped.headers_mut().insert(name.clone(), value.clone());
        }
    }
    shaped
}

impl From<sqlx::Error> for ApiError {
    fn from(error: sqlx::Error) -> Self {
        ApiError::internal("database error", error)
    }
}

/// The field whose value a conflict is about, for the conflicts one field settles.
fn conflict_field(code: &str) -> Option<&'static str> {
    match code {
        "auth_plus_revocation_unconfirmed" => Some("confirmAuthPlusRevocation"),
        "reseller_name_taken" => Some("companyName"),
        _ => None,
    }
}

/// The one mapping from the application's errors to answers.
impl From<AppError> for ApiError {
    fn from(error: AppError) -> Self {
        match error {
            AppError::NotFound(what) => ApiError::not_found(what),
            AppError::Conflict { code, message } => {
                let mut error = ApiError::conflict(code, message.clone());
                // A conflict one field settles names it, as a refused field is named.
                if let Some(field) = conflict_field(code) {
                    error.body.fields = Some(vec![FieldError {
                        field: field.into(),
                        message,
                    }]);
                }
                error
            }
            AppError::TooSoon {
                code,
                message,
                retry_after,
            } => {
                let mut error = ApiError::conflict(code, message);
                error.body.retry_after = Some(retry_after);
                error
            }
            AppError::Invalid(errors) => ApiError::validation(errors),
            AppError::Tcr { error, recorded } => ApiError::from_tcr(&error, &recorded),
            AppError::NotInTime => ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "not_started_in_time",
                "the request could not be started within TENDLC_ANSWER_WITHIN_MS (TCR or the database is slow); nothing was recorded or sent to TCR, so ask again",
            ),
            AppError::NotYetVisible { what, id } => {
                let mut answer = ApiError::new(
                    StatusCode::ACCEPTED,
                    "recorded_not_yet_visible",
                    format!(
                        "the {what} {id} is recorded and will be acted on, but the read models \
                         do not show it yet (a projection is behind or stuck: `tendlc projections \
                         status`); read it again shortly"
                    ),
                );
                answer.body.retry_after = Some(chrono::Utc::now() + chrono::Duration::seconds(1));
                answer
            }
            AppError::Internal { context, detail } => ApiError::internal(context, detail),
        }
    }
}
