//! Lets whoever waits on a request answer before the request is done: the first record the
//! request makes (a brand's or campaign's intent, before TCR is called) is told as soon as it is
//! recorded, so the waiter can answer with it while TCR works; and once the waiter has stopped
//! waiting on a request that recorded nothing, the request records nothing afterwards, so an
//! answer "nothing was recorded" stays true.
//!
//! The handoff belongs to the task running the request (a task-local, like the tracing span), so
//! every use case takes part through the recorder without each signature carrying it; work
//! outside such a task (the workers) has none and is never held back.
use std::future::Future;
use std::sync::Arc;

use tokio::sync::watch;

/// Where a request's records stand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stage {
    /// Nothing recorded yet.
    Waiting,
    /// The first record is being made.
    Recording,
    /// The first record is made, on `what` ("brand", "campaign", …) `id`.
    Recorded { what: &'static str, id: String },
    /// The waiter stopped waiting before anything was recorded: nothing may be recorded now.
    GaveUp,
}

/// One request's handoff, shared by its recorder and whoever waits on it.
#[derive(Clone)]
pub struct Handoff(Arc<watch::Sender<Stage>>);

tokio::task_local! {
    static CURRENT: Handoff;
}

impl Default for Handoff {
    fn default() -> Self {
        Self(Arc::new(watch::channel(Stage::Waiting).0))
    }
}

impl Handoff {
    /// Runs `work` with this handoff as its request's.
    pub async fn scope<F: Future>(self, work: F) -> F::Output {
        CURRENT.scope(self, work).await
    }

    /// The handoff of the request this task runs, if any.
    pub(super) fn current() -> Option<Handoff> {
        CURRENT.try_with(Clone::clone).ok()
    }

    /// Follows the stages.
    pub fn watch(&self) -> watch::Receiver<Stage> {
        self.0.subscribe()
    }

    /// Whether the request recorded anything.
    pub fn recorded_anything(&self) -> bool {
        matches!(*self.0.borrow(), Stage::Recorded { .. })
    }

    /// Stops waiting: a request that is not recording yet may record nothing from now on.
    /// Returns the stage it leaves.
    pub fn give_up(&self) -> Stage {
        self.0.send_if_modified(|stage| {
            let waiting = *stage == Stage::Waiting;
            if waiting {
                *stage = Stage::GaveUp;
            }
            waiting
        });
        self.0.borrow().clone()
    }

    /// Whether a record may be made now (not once the waiter gave up on a request that had
    /// recorded nothing).
    pub(super) fn start_recording(&self) -> bool {
        let mut allowed = true;
        self.0.send_if_modified(|stage| match stage {
            Stage::Waiting => {
                *stage = Stage::Recording;
                true
            }
            Stage::GaveUp => {
                allowed = false;
                false
            }
            Stage::Recording | Stage::Recorded { .. } => false,
        });
        allowed
    }

    /// The record begun is made (on `what` `id`), or made nothing (`None`: it failed, or the
    /// command changed nothing).
    pub(super) fn finish_recording(&self, made: Option<(&'static str, String)>) {
        self.0.send_if_modified(|stage| {
            if *stage != Stage::Recording {
                return false;
            }
            *stage = match made {
                Some((what, id)) => Stage::Recorded { what, id },
                None => Stage::Waiting,
            };
            true
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn it_should_refuse_a_record_once_the_waiter_gave_up() {
        let handoff = Handoff::default();
        assert_eq!(handoff.give_up(), Stage::GaveUp);
        assert!(!handoff.start_recording());
        assert!(!handoff.recorded_anything());
    }

    #[test]
    fn it_should_not_give_up_on_a_record_being_made() {
        let handoff = Handoff::default();
        assert!(handoff.start_recording());
        assert_eq!(handoff.give_up(), Stage::Recording);
        handoff.finish_recording(Some(("campaign", "c1".into())));
        let recorded = Stage::Recorded {
            what: "campaign",
            id: "c1".into(),
        };
        assert_eq!(handoff.give_up(), recorded);
        assert!(handoff.recorded_anything());
    }

    #[test]
    fn it_should_keep_the_first_record_and_allow_the_next_ones() {
        let handoff = Handoff::default();
        assert!(handoff.start_recording());
        handoff.finish_recording(Some(("brand", "b1".into())));
        assert!(handoff.start_recording());
        handoff.finish_recording(Some(("brand", "b2".into())));
        assert_eq!(
            *handoff.watch().borrow(),
            Stage::Recorded {
                what: "brand",
                id: "b1".into()
            }
        );
    }

    #[test]
    fn it_should_wait_again_when_nothing_was_recorded() {
        let handoff = Handoff::default();
        assert!(handoff.start_recording());
        handoff.finish_recording(None);
        assert_eq!(handoff.give_up(), Stage::GaveUp);
        assert!(!handoff.start_recording());
    }
}
