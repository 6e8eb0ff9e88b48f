//! The one shape of every change sent to TCR: record the intent, call TCR, record the outcome
//! as its own command — in that order, so a crash or a failure at any step never loses an
//! acknowledged request — and the "never create twice" adoption of a registration by its
//! reference before anything is sent again.
use std::future::Future;

use cqrs_es::Aggregate;
use tendlc_domain::tcr::{TcrCall, TcrError, TcrReply};

use super::context::CommandContext;
use super::error::AppError;
use super::recorder::{Fresh, Recorded, Recorder, Refusal};

/// How long the readers' wake-up for an intent waits for its outcome. A read model that showed
/// the intent alone for the few milliseconds TCR takes to answer (the simulator, a fast
/// TCR) would cost every reader a batch, and a request waiting for the outcome one batch more.
const INTENT_WAKE_HOLD: std::time::Duration = std::time::Duration::from_millis(100);

/// What a change sent to TCR came to, once TCR's answer is recorded.
pub struct Called<A> {
    /// The aggregate after the outcome was recorded.
    pub recorded: Recorded<A>,
    /// TCR's failure, when it did not do what was asked (recorded on the aggregate too).
    pub failure: Option<TcrError>,
}

impl<A> Recorder<A>
where
    A: Aggregate<Services = ()> + Clone,
    A::Command: Clone,
    A::Error: Refusal,
{
    /// Records `intent`, performs `call` with the state it left, and records TCR's answer with
    /// the command `outcome` makes of it (with the call's record in its metadata). `None` when
    /// the intent changed nothing: then nothing is sent.
    pub async fn through_tcr<T, Fut>(
        &self,
        id: impl std::fmt::Display + Copy,
        context: &CommandContext,
        intent: A::Command,
        call: impl FnOnce(&A) -> Fut,
        outcome: impl FnOnce(Result<T, TcrError>) -> A::Command,
    ) -> Result<Option<Called<A>>, AppError>
    where
        Fut: Future<Output = TcrReply<T>>,
    {
        self.through_tcr_as(Fresh::No, id, context, intent, call, outcome)
            .await
    }

    /// [`Recorder::through_tcr`] for what the caller knows of the aggregate (a registration's
    /// brand or campaign is new). The outcome is decided on the state the intent left, without
    /// loading again (unless another writer appended meanwhile).
    #[tracing::instrument(name = "through_tcr", skip_all, fields(what = self.what(), id = %id))]
    pub async fn through_tcr_as<T, Fut>(
        &self,
        fresh: Fresh<A>,
        id: impl std::fmt::Display + Copy,
        context: &CommandContext,
        intent: A::Command,
        call: impl FnOnce(&A) -> Fut,
        outcome: impl FnOnce(Result<T, TcrError>) -> A::Command,
    ) -> Result<Option<Called<A>>, AppError>
    where
        Fut: Future<Output = TcrReply<T>>,
    {
        let intended = self
            .execute_unannounced(fresh, id, intent, &context.metadata())
            .await?;
        if !intended.changed() {
            return Ok(None);
        }
        // The read models learn of the intent with its outcome, in one batch, unless TCR takes
        // longer than that to answer.
        let held = self.wake().appended_held(A::TYPE, INTENT_WAKE_HOLD);
        let reply = call(&intended.state).await;
        let failure = reply.result.as_ref().err().cloned();
        let metadata = context.metadata().with_tcr_call(reply.call);
        let at = Fresh::At(Box::new(intended.state), intended.sequence);
        let recorded = self
            .execute_as(at, id, outcome(reply.result), &metadata)
            .await?;
        if recorded.changed() {
            held.release();
        }
        Ok(Some(Called { recorded, failure }))
    }
}

/// What TCR holds for a registration we sent (or meant to send) earlier.
pub struct Adoption<T> {
    pub result: Result<(T, bool), TcrError>,
    /// The call whose answer decided it.
    pub call: TcrCall,
}

/// Completes a registration TCR never confirmed without ever creating it twice: look it up by
/// our reference; create it only if TCR has none; and when TCR says a create duplicates one it
/// holds (503), look again and adopt that. `Ok((record, adopted))`.
pub async fn adopt_or_create<T, Find, FindFut, Create, CreateFut>(
    find: Find,
    create: Create,
) -> Adoption<T>
where
    Find: Fn() -> FindFut,
    FindFut: Future<Output = TcrReply<Option<T>>>,
    Create: FnOnce() -> CreateFut,
    CreateFut: Future<Output = TcrReply<T>>,
{
    let adopted = |reply: TcrReply<Option<T>>| -> Option<Adoption<T>> {
        match reply.result {
            Ok(Some(found)) => Some(Adoption {
                result: Ok((found, true)),
                call: reply.call,
            }),
            Ok(None) => None,
            Err(error) => Some(Adoption {
                result: Err(error),
                call: reply.call,
            }),
        }
    };
    if let Some(done) = adopted(find().await) {
        return done;
    }
    let created = create().await;
    match created.result {
        Ok(record) => Adoption {
            result: Ok((record, false)),
            call: created.call,
        },
        // Created between our lookup and our create (another attempt won): adopt it.
        Err(TcrError::Rejected(errors)) if errors.iter().any(|e| e.code == 503) => {
            adopted(find().await).unwrap_or(Adoption {
                result: Err(TcrError::Rejected(errors)),
                call: created.call,
            })
        }
        Err(error) => Adoption {
            result: Err(error),
            call: created.call,
        },
    }
}
