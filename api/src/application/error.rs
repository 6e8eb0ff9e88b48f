//! What can go wrong in a use case, in terms both the HTTP edge and the workers act on.
use tendlc_domain::tcr::TcrError;
use tendlc_domain::validation::ValidationErrors;

/// The application's error. The HTTP edge turns it into an answer; workers log it and retry.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// No such thing, or another customer's (indistinguishable on purpose).
    #[error("{0} not found")]
    NotFound(&'static str),
    /// The request conflicts with the current state; `code` is stable for machines.
    #[error("{message}")]
    Conflict { code: &'static str, message: String },
    /// A conflict that ends at `retry_after` (a limit on how often something is sent).
    #[error("{message}")]
    TooSoon {
        code: &'static str,
        message: String,
        retry_after: chrono::DateTime<chrono::Utc>,
    },
    /// Invalid input, every bad field named.
    #[error(transparent)]
    Invalid(#[from] ValidationErrors),
    /// TCR did not answer as asked, and nothing was recorded about it; `recorded` tells the
    /// caller what tendlc kept (usually nothing).
    #[error("TCR: {error}")]
    Tcr { error: TcrError, recorded: String },
    /// The request could not be started within the answer budget (TCR or the database was
    /// slow): nothing was recorded, and nothing will be.
    #[error("not started within the answer budget; nothing was recorded")]
    NotInTime,
    /// Recorded, but the read models are so far behind that the new thing is not in them
    /// yet (a stuck or slow projection): accepted, to be read again shortly.
    #[error("the {what} {id} is recorded; the read models do not show it yet")]
    NotYetVisible { what: &'static str, id: String },
    /// Recording or reading our own state failed (database, event store). Never shown in full.
    #[error("{context}: {detail}")]
    Internal {
        context: &'static str,
        detail: String,
    },
}

impl AppError {
    pub fn conflict(code: &'static str, message: impl Into<String>) -> Self {
        AppError::Conflict {
            code,
            message: message.into(),
        }
    }

    pub fn internal(context: &'static str, detail: impl std::fmt::Display) -> Self {
        AppError::Internal {
            context,
            detail: detail.to_string(),
        }
    }

    /// A TCR failure on a call that records nothing (a read, a qualification).
    pub fn tcr(error: TcrError, recorded: impl Into<String>) -> Self {
        AppError::Tcr {
            error,
            recorded: recorded.into(),
        }
    }

    /// One invalid field.
    pub fn field(field: &str, message: impl Into<String>) -> Self {
        let mut errors = ValidationErrors::new();
        errors.add(field, message);
        AppError::Invalid(errors)
    }
}

impl From<sqlx::Error> for AppError {
    fn from(error: sqlx::Error) -> Self {
        AppError::internal("database", error)
    }
}
