//! Waking stream readers when events are appended, here or on another replica.
//!
//! A process that records events wakes its own readers at once ([`Wake::appended`]) and tells
//! the other replicas after its commit: one `NOTIFY tendlc_events` naming the aggregate types,
//! sent by a task of its own ([`Wake::broadcast`]) that folds every append made meanwhile into
//! one. Runners' committed batches go the same way ([`Wake::applied_here`], `tendlc_applied`).
//! Postgres holds a database-wide lock from a notifying transaction's commit until its WAL is
//! flushed, so a NOTIFY inside each writer's transaction (how the events trigger does it for
//! writers that do not broadcast: `psql`, tools) would make concurrent writers commit one at
//! a time instead of sharing a flush. The events table's trigger stays silent for sessions
//! that set [`NOTIFIED_AFTER_COMMIT`]. A broadcast lost with its process is made up for by
//! the readers' idle poll and read-your-writes' recheck.
use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use sqlx::PgPool;
use tokio::sync::{watch, Notify};
use uuid::Uuid;

use crate::stream;

/// Notified when events are appended, naming the aggregate types (`Brand,WebhookDelivery`),
/// then `@` and the sending process's id when a broadcast sent it (so the sender passes its
/// own over); with no payload, how operators wake every runner.
pub(crate) const EVENTS_CHANNEL: &str = "tendlc_events";
/// Notified after runners commit batches (the payload names the projections, then `@` and the
/// sending process's id).
pub(crate) const APPLIED_CHANNEL: &str = "tendlc_applied";

/// How long the broadcaster gathers announcements before sending them (what other replicas'
/// readers wait at most beyond the send).
const GATHER: Duration = Duration::from_millis(2);

/// The session setting (`-c tendlc.events_notified_after_commit=on`) of a process whose
/// appends [`Wake::broadcast`] announces: the events trigger does not NOTIFY for it.
pub const NOTIFIED_AFTER_COMMIT: (&str, &str) = ("tendlc.events_notified_after_commit", "on");

/// Wakes local stream readers: on NOTIFY from any replica, or when this process recorded
/// events — each reader only for the aggregate types it reads, so a delivery's events do not
/// set every read model's runner to work. Also tells whoever waits on a projection that it has
/// applied a batch, by a runner of this process or (through NOTIFY) of any other — only its
/// own waiters, so a request waiting on the brands does not look again for every other batch.
#[derive(Clone)]
pub struct Wake {
    readers: Arc<RwLock<Vec<Reader>>>,
    /// Per projection, its waiters' wake-up.
    applied: Arc<RwLock<HashMap<String, Arc<Notify>>>>,
    /// What happened here and is not yet announced to the other replicas.
    unannounced: Arc<Mutex<Unannounced>>,
    announce: Arc<Notify>,
    /// This process's mark on its broadcasts.
    origin: Arc<str>,
}

impl Default for Wake {
    fn default() -> Self {
        Self {
            readers: Arc::default(),
            applied: Arc::default(),
            unannounced: Arc::default(),
            announce: Arc::default(),
            origin: Uuid::new_v4().simple().to_string().into(),
        }
    }
}

/// An append's wake-up, held for what follows (see [`Wake::appended_held`]).
pub struct HeldWake {
    tell: Option<tokio::sync::oneshot::Sender<bool>>,
    wake_on_drop: bool,
}

impl HeldWake {
    /// What followed was appended and woke the readers: this append's wake-up is not needed.
    pub fn release(mut self) {
        self.wake_on_drop = false;
    }
}

impl Drop for HeldWake {
    fn drop(&mut self) {
        if let Some(tell) = self.tell.take() {
            let _ = tell.send(self.wake_on_drop);
        }
    }
}

/// Aggregate types appended and projections that applied a batch, since the last broadcast.
#[derive(Default)]
struct Unannounced {
    appended: BTreeSet<&'static str>,
    applied: BTreeSet<&'static str>,
}

/// One reader's wake-up and the aggregate types it reads ([`stream::EVERY_TYPE`]: all).
struct Reader {
    types: &'static [&'static str],
    notify: Arc<Notify>,
}

impl Reader {
    fn reads(&self, aggregate_type: &str) -> bool {
        self.types
            .iter()
            .any(|t| *t == aggregate_type || stream::EVERY_TYPE.contains(t))
    }
}

impl Wake {
    pub fn new() -> Self {
        Self::default()
    }

    /// A reader of `types`' wake-up: `notified()` on it completes at the next poke for one of
    /// them (`enable` the future to register interest early).
    pub fn reader(&self, types: &'static [&'static str]) -> Arc<Notify> {
        let notify = Arc::new(Notify::new());
        self.readers
            .write()
            .expect("wake readers lock")
            .push(Reader {
                types,
                notify: notify.clone(),
            });
        notify
    }

    /// Wakes every reader.
    fn poke(&self) {
        for reader in self.readers.read().expect("wake readers lock").iter() {
            reader.notify.notify_waiters();
        }
    }

    /// Wakes the readers of these aggregate types (events of them were appended).
    fn poke_types<'t>(&self, types: impl Iterator<Item = &'t str> + Clone) {
        for reader in self.readers.read().expect("wake readers lock").iter() {
            if types.clone().any(|t| reader.reads(t)) {
                reader.notify.notify_waiters();
            }
        }
    }

    /// This process committed events of `aggregate_type`: wakes its readers now and has
    /// [`Wake::broadcast`] tell the other replicas.
    pub fn appended(&self, aggregate_type: &'static str) {
        self.poke_types(std::iter::once(aggregate_type));
        self.unannounced
            .lock()
            .expect("unannounced lock")
            .appended
            .insert(aggregate_type);
        self.announce.notify_one();
    }

    /// Like [`Wake::appended`], but the wake-up waits up to `hold` for what is about to follow
    /// (an intent's outcome, recorded once TCR answers): when that follows in time, its own
    /// wake-up brings the readers to both at once, in one batch instead of two. Released, the
    /// hold sends nothing (what followed woke the readers); dropped unreleased, or at the end
    /// of `hold`, it wakes them as `appended` would.
    pub fn appended_held(&self, aggregate_type: &'static str, hold: Duration) -> HeldWake {
        let (tell, told) = tokio::sync::oneshot::channel::<bool>();
        let wake = self.clone();
        tokio::spawn(async move {
            let wake_now = tokio::select! {
                _ = tokio::time::sleep(hold) => true,
                now = told => now.unwrap_or(true),
            };
            if wake_now {
                wake.appended(aggregate_type);
            }
        });
        HeldWake {
            tell: Some(tell),
            wake_on_drop: true,
        }
    }

    /// These projections moved forward (a batch was committed, here or on another replica).
    fn applied<'p>(&self, projections: impl Iterator<Item = &'p str>) {
        let waiting = self.applied.read().expect("applied lock");
        for projection in projections {
            if let Some(notify) = waiting.get(projection) {
                notify.notify_waiters();
            }
        }
    }

    /// This process's runner of `projection` committed a batch: tells local waiters now and
    /// has [`Wake::broadcast`] tell the other replicas.
    pub fn applied_here(&self, projection: &'static str) {
        self.applied(std::iter::once(projection));
        self.unannounced
            .lock()
            .expect("unannounced lock")
            .applied
            .insert(projection);
        self.announce.notify_one();
    }

    /// The wake-up of whoever waits on `projection`: `notified()` on it completes when a
    /// runner of it (here or on another replica) next commits a batch.
    pub fn applied_by(&self, projection: &str) -> Arc<Notify> {
        if let Some(notify) = self.applied.read().expect("applied lock").get(projection) {
            return notify.clone();
        }
        self.applied
            .write()
            .expect("applied lock")
            .entry(projection.to_string())
            .or_default()
            .clone()
    }

    /// What a NOTIFY says: the names and this process's mark.
    fn announcement(&self, names: &BTreeSet<&'static str>) -> String {
        let names: Vec<&str> = names.iter().copied().collect();
        format!("{}@{}", names.join(","), self.origin)
    }

    /// Until shutdown, tells the other replicas of this process's appends and applied
    /// batches: one statement (a NOTIFY per channel) for all of them made within
    /// [`GATHER`] of the first or while the last was being sent. Sends what is left at shutdown.
    pub async fn broadcast(self, pool: PgPool, mut shutdown: watch::Receiver<bool>) {
        loop {
            let stopping = tokio::select! {
                _ = self.announce.notified() => false,
                _ = shutdown.changed() => true,
            };
            if !stopping {
                // A registration's appends and the batches that follow them come within a few
                // milliseconds: one announcement for them all rather than one each.
                tokio::time::sleep(GATHER).await;
            }
            let Unannounced { appended, applied } =
                std::mem::take(&mut *self.unannounced.lock().expect("unannounced lock"));
            let (channels, payloads): (Vec<&str>, Vec<String>) =
                [(EVENTS_CHANNEL, appended), (APPLIED_CHANNEL, applied)]
                    .into_iter()
                    .filter(|(_, names)| !names.is_empty())
                    .map(|(channel, names)| (channel, self.announcement(&names)))
                    .unzip();
            if !channels.is_empty() {
                let sent = sqlx::query(
                    "SELECT pg_notify(channel, payload)
                       FROM unnest($1::text[], $2::text[]) AS a(channel, payload)",
                )
                .bind(&channels)
                .bind(&payloads)
                .execute(&pool)
                .await;
                if let Err(error) = sent {
                    // The other replicas find out at their readers' idle poll and their
                    // read-your-writes recheck.
                    tracing::warn!(%error, "cannot tell the other replicas");
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
            }
            if stopping {
                return;
            }
        }
    }

    /// A notification's names, or `None` when this process sent it (its own waiters were told
    /// at once).
    fn sent_elsewhere<'p>(&self, payload: &'p str) -> Option<&'p str> {
        match payload.rsplit_once('@') {
            Some((_, origin)) if origin == &*self.origin => None,
            Some((names, _)) => Some(names),
            None => Some(payload),
        }
    }

    /// Wakes the readers a notification names, unless this process sent it.
    fn notified_events(&self, payload: &str) {
        match self.sent_elsewhere(payload) {
            None => {}
            // No payload: everyone.
            Some("") => self.poke(),
            Some(types) => self.poke_types(types.split(',')),
        }
    }

    /// Forwards Postgres notifications until shutdown: `tendlc_events` (new events) to local
    /// runners, `tendlc_applied` (a runner committed a batch) to whoever waits on read models.
    pub async fn listen(self, pool: PgPool, shutdown: watch::Receiver<bool>) {
        crate::listen::until_shutdown(
            pool,
            &[EVENTS_CHANNEL, APPLIED_CHANNEL],
            "new events (runners still poll)",
            shutdown,
            |notification| {
                if notification.channel() != APPLIED_CHANNEL {
                    self.notified_events(notification.payload());
                } else if let Some(projections) = self.sent_elsewhere(notification.payload()) {
                    self.applied(projections.split(','));
                }
                std::future::ready(())
            },
        )
        .await
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::time::Duration;

    use tokio::sync::Notify;

    use super::Wake;

    /// Whether `notify` fires within 50 ms of the call.
    async fn woken_by(notify: &Arc<Notify>, poke: impl FnOnce()) -> bool {
        let notified = notify.notified();
        tokio::pin!(notified);
        notified.as_mut().enable();
        poke();
        tokio::time::timeout(Duration::from_millis(50), notified)
            .await
            .is_ok()
    }

    #[tokio::test]
    async fn a_poke_for_some_aggregate_types_wakes_only_their_readers_and_every_type_readers() {
        let wake = Wake::new();
        let brands = wake.reader(&["Brand"]);
        let deliveries = wake.reader(&["WebhookDelivery"]);
        let everything = wake.reader(crate::stream::EVERY_TYPE);
        let poke = || wake.poke_types("Brand,Campaign".split(','));
        assert!(woken_by(&brands, poke).await, "the Brand reader");
        assert!(
            !woken_by(&deliveries, poke).await,
            "the WebhookDelivery reader"
        );
        assert!(
            woken_by(&everything, poke).await,
            "the reader of every type"
        );
    }

    #[tokio::test]
    async fn a_replicas_announcement_wakes_the_readers_it_names_and_its_own_is_passed_over() {
        let (here, there) = (Wake::new(), Wake::new());
        let brands = here.reader(&["Brand"]);
        let types = ["Brand"].into_iter().collect();
        let from_there = there.announcement(&types);
        let from_here = here.announcement(&types);
        assert!(woken_by(&brands, || here.notified_events(&from_there)).await);
        assert!(!woken_by(&brands, || here.notified_events(&from_here)).await);
        // The events trigger's (no mark) and an operator's (no payload) wake too.
        assert!(woken_by(&brands, || here.notified_events("Brand,Campaign")).await);
        assert!(woken_by(&brands, || here.notified_events("")).await);
    }

    #[tokio::test]
    async fn appends_wake_local_readers_at_once_and_are_announced_together() {
        let wake = Wake::new();
        let brands = wake.reader(&["Brand"]);
        assert!(woken_by(&brands, || wake.appended("Brand")).await);
        wake.appended("WebhookDelivery");
        wake.appended("Brand");
        wake.applied_here("brands_10dlc");
        let pending = std::mem::take(&mut *wake.unannounced.lock().unwrap());
        assert_eq!(
            wake.announcement(&pending.appended),
            format!("Brand,WebhookDelivery@{}", wake.origin)
        );
        assert_eq!(
            wake.announcement(&pending.applied),
            format!("brands_10dlc@{}", wake.origin)
        );
    }

    #[tokio::test]
    async fn a_projections_batches_wake_only_its_own_waiters_here_and_from_a_replica() {
        let (here, there) = (Wake::new(), Wake::new());
        let brands = here.applied_by("brands_10dlc");
        let mails = here.applied_by("notifications");
        assert!(woken_by(&brands, || here.applied_here("brands_10dlc")).await);
        assert!(!woken_by(&mails, || here.applied_here("brands_10dlc")).await);
        let names = ["brands_10dlc", "event_chain"].into_iter().collect();
        let from_there = there.announcement(&names);
        assert!(
            woken_by(&brands, || here
                .applied(here.sent_elsewhere(&from_there).unwrap().split(',')))
            .await
        );
        assert!(
            !woken_by(&mails, || here
                .applied(here.sent_elsewhere(&from_there).unwrap().split(',')))
            .await
        );
    }

    #[tokio::test]
    async fn an_intents_held_wake_up_waits_for_what_follows_but_not_past_its_hold() {
        let wake = Wake::new();
        let brands = wake.reader(&["Brand"]);
        let hold = Duration::from_millis(200);

        // Released: what followed woke the readers; the hold sends nothing, even later.
        let held = wake.appended_held("Brand", hold);
        assert!(!woken_by(&brands, || held.release()).await);
        tokio::time::sleep(hold).await;
        assert!(!woken_by(&brands, || ()).await, "after the hold");

        // Dropped unreleased (the outcome was not recorded): the readers are woken at once.
        let held = wake.appended_held("Brand", hold);
        assert!(woken_by(&brands, || drop(held)).await);

        // Kept past the hold (TCR is slow): the readers are woken when it ends.
        let held = wake.appended_held("Brand", hold);
        let notified = brands.notified();
        tokio::pin!(notified);
        notified.as_mut().enable();
        assert!(
            tokio::time::timeout(hold / 2, &mut notified).await.is_err(),
            "woken before the hold ended"
        );
        assert!(
            tokio::time::timeout(hold * 5, &mut notified).await.is_ok(),
            "not woken when the hold ended"
        );
        held.release();
    }
}
