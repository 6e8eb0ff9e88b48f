//! Writes are answered within the answer budget (`TENDLC_ANSWER_WITHIN_MS`), always truthfully:
//! the handler runs as its own task, so its TCR work outlives the HTTP request; when it has not
//! answered by the budget, the answer is 202 with the record its intent went on, and the work
//! goes on (a crash meanwhile is healed by the retrier and the healer, as for any request). A
//! write that recorded nothing by then is told so (503 `not_started_in_time`) and records
//! nothing afterwards, so no answer leaves a registration the caller does not know of.
use std::sync::{Arc, Mutex};

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use tokio::task::JoinHandle;

use super::error::ApiError;
use super::extract::location;
use super::state::AppState;
use crate::application::handoff::{Handoff, Stage};
use crate::application::AppError;

/// The answer to a write whose TCR work goes on after the budget: the request is recorded on
/// `id` and is `PENDING`; `Location` names the record, whose outcome it will show.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AcceptedView {
    /// Our id of the brand or campaign (or customer) the request is recorded on.
    pub id: String,
    /// Always `PENDING`: the request's, not the record's (read the record for its own status).
    pub status: &'static str,
    /// Where the outcome shows.
    pub location: String,
    pub message: String,
}

/// The handler's answer, still to come, carried on a 202 so the idempotency layer can keep it
/// in place of the 202 once it is there.
#[derive(Clone)]
pub struct LaterAnswer(Arc<Mutex<Option<JoinHandle<Response>>>>);

impl LaterAnswer {
    /// The handler's answer once it finished (`None` if its task failed or was already taken).
    pub async fn wait(self) -> Option<Response> {
        let task = self.0.lock().ok()?.take()?;
        task.await.ok()
    }
}

/// Where a record a request went on is read.
fn record_path(what: &str, id: &str) -> Option<String> {
    match what {
        "brand" => Some(format!("/v1/messaging/brands/{id}")),
        "campaign" => Some(format!("/v1/messaging/campaigns/{id}")),
        "customer" => Some(format!("/v1/customers/{id}")),
        _ => None,
    }
}

/// Marks an answer whose request recorded nothing: asking again cannot do anything twice.
#[derive(Debug, Clone, Copy)]
pub struct RecordedNothing;

fn finished(done: Result<Response, tokio::task::JoinError>, handoff: &Handoff) -> Response {
    let mut response = done.unwrap_or_else(|error| {
        ApiError::internal("the request's task failed", error).into_response()
    });
    if !handoff.recorded_anything() {
        response.extensions_mut().insert(RecordedNothing);
    }
    response
}

fn accepted(what: &'static str, id: String, task: JoinHandle<Response>) -> Response {
    let Some(path) = record_path(what, &id) else {
        return ApiError::internal("answer budget", format!("no path for a {what} record"))
            .into_response();
    };
    tracing::info!(what, %id, "TCR has not answered within the answer budget; answering 202, the work goes on");
    let view = AcceptedView {
        message: format!(
            "The request is recorded on {what} {id} and TCR has not answered yet; the work goes on. Read {path} for its outcome."
        ),
        id,
        status: "PENDING",
        location: path.clone(),
    };
    let mut response = (StatusCode::ACCEPTED, location(&path), Json(view)).into_response();
    response
        .extensions_mut()
        .insert(LaterAnswer(Arc::new(Mutex::new(Some(task)))));
    response
}

/// Runs the handler as its own task and answers with its answer if it comes within the budget.
/// Otherwise: 202 once the request's first record (its intent) is made; or, when it has
/// recorded nothing by then, that it could not be started — and it records nothing afterwards.
pub async fn answer_in_time(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let handoff = Handoff::default();
    let mut stages = handoff.watch();
    let mut task = tokio::spawn(handoff.clone().scope(next.run(request)));
    tokio::select! {
        biased;
        done = &mut task => return finished(done, &handoff),
        _ = tokio::time::sleep(state.answer_within) => {}
    }
    loop {
        if task.is_finished() {
            return finished(task.await, &handoff);
        }
        match handoff.give_up() {
            Stage::Recorded { what, id } => return accepted(what, id, task),
            Stage::GaveUp => {
                tracing::warn!("a write recorded nothing within the answer budget; it is refused");
                let mut response = ApiError::from(AppError::NotInTime).into_response();
                response.extensions_mut().insert(RecordedNothing);
                return response;
            }
            // The first record is being made: its outcome decides.
            Stage::Waiting | Stage::Recording => {}
        }
        tokio::select! {
            biased;
            done = &mut task => return finished(done, &handoff),
            changed = stages.changed() => {
                if changed.is_err() {
                    return finished(task.await, &handoff);
                }
            }
        }
    }
}
