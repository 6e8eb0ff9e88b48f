//! The error answers routes share, documented once (every body is `ErrorBody`).
use crate::http::error::ErrorBody;

/// What any authenticated read can answer besides success.
#[derive(utoipa::IntoResponses)]
#[allow(dead_code)] // documentation only: the variants are never built
pub enum ReadErrors {
    #[response(
        status = 400,
        description = "Bad request (malformed JSON, query or header)"
    )]
    BadRequest(ErrorBody),
    #[response(status = 401, description = "No valid bearer token")]
    Unauthorized(ErrorBody),
    #[response(status = 403, description = "The role may not do this")]
    Forbidden(ErrorBody),
    #[response(status = 404, description = "Not found (or another customer's)")]
    NotFound(ErrorBody),
    #[response(status = 422, description = "Invalid fields (named)")]
    Invalid(ErrorBody),
    #[response(status = 500, description = "Internal error (logged)")]
    Internal(ErrorBody),
}

/// What a request that reaches TCR can answer besides success.
#[derive(utoipa::IntoResponses)]
#[allow(dead_code)] // documentation only: the variants are never built
pub enum SubmitErrors {
    #[response(
        status = 400,
        description = "Bad request (malformed JSON, query or header)"
    )]
    BadRequest(ErrorBody),
    #[response(status = 401, description = "No valid bearer token")]
    Unauthorized(ErrorBody),
    #[response(status = 403, description = "The role may not do this")]
    Forbidden(ErrorBody),
    #[response(status = 404, description = "Not found (or another customer's)")]
    NotFound(ErrorBody),
    #[response(
        status = 409,
        description = "Conflicts with the current state (e.g. brand not verified, action pending)"
    )]
    Conflict(ErrorBody),
    #[response(status = 413, description = "Body too large")]
    TooLarge(ErrorBody),
    #[response(
        status = 422,
        description = "Invalid fields (named), or TCR refused (its code and text in `tcr`)"
    )]
    Invalid(ErrorBody),
    #[response(status = 429, description = "Too many submissions")]
    TooMany(ErrorBody),
    #[response(status = 500, description = "Internal error (logged)")]
    Internal(ErrorBody),
    #[response(
        status = 502,
        description = "TCR failed or could not be reached; the request is recorded"
    )]
    TcrFailed(ErrorBody),
    #[response(
        status = 504,
        description = "TCR did not answer in time; the request is recorded"
    )]
    TcrTimeout(ErrorBody),
}
