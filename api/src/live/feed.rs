//! One reader of the committed event stream per replica, fanning changes out to this replica's
//! clients. Every replica reads the stream itself (woken by Postgres NOTIFY through [`Wake`],
//! with a slow poll behind it), so a change committed through any replica reaches the clients
//! of all of them; nothing is passed between processes in memory.
//!
//! Each client has its own bounded queue: the reader only ever `try_send`s, so a slow client
//! never holds up the reader or another client. A client whose queue is full is dropped from
//! the feed and told it lagged once it has written out what it had.
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::ws::Utf8Bytes;
use sqlx::PgPool;
use tendlc_projections::stream::{self, Beyond, Position};
use tendlc_projections::Wake;
use tokio::sync::{mpsc, watch, Notify};
use uuid::Uuid;

use super::message::{Change, NotificationChange, Subject, FED_TYPES};
use crate::config::LiveLimits;

/// The events the feed is built from: every Brand and Campaign event.
fn fed() -> stream::Wanted<'static> {
    stream::Wanted {
        aggregate_types: FED_TYPES,
        event_types: None,
    }
}

/// Events read per statement (by the reader and by a client catching up).
const BATCH: i64 = 500;
/// Look for events this often even when no NOTIFY came.
const IDLE_POLL: Duration = Duration::from_secs(5);

/// A place in the stream's order, comparable: `(transaction id, global position)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Mark(u64, i64);

impl Mark {
    pub fn of(position: &Position) -> Mark {
        Mark(
            position.transaction_id.parse().unwrap_or(0),
            position.global_position,
        )
    }
}

/// What the feed tells a client, its JSON written once for every client: a change (an event,
/// with its place in the order) or a notification's status change (no place in the order).
#[derive(Debug)]
pub struct Told {
    /// The event's place in the order; `None` for a notification (not an event).
    pub mark: Option<Mark>,
    /// The event's global position (what a client resumes after); `None` for a notification.
    pub position: Option<i64>,
    /// Whose it is (the tenant).
    pub customer_id: Option<Uuid>,
    pub text: Utf8Bytes,
}

impl Told {
    pub fn new(mark: Mark, change: Change) -> Told {
        Told {
            mark: Some(mark),
            position: Some(change.position),
            customer_id: change.customer_id,
            text: serde_json::to_string(&change).unwrap_or_default().into(),
        }
    }

    pub fn notification(notification: &NotificationChange) -> Told {
        Told {
            mark: None,
            position: None,
            customer_id: Some(notification.customer_id),
            text: serde_json::to_string(notification)
                .unwrap_or_default()
                .into(),
        }
    }

    /// Whether a client watching `scope` (`None`: every customer) may see it.
    pub fn visible_to(&self, scope: Option<Uuid>) -> bool {
        match scope {
            None => true,
            Some(customer) => self.customer_id == Some(customer),
        }
    }
}

pub type Item = Arc<Told>;

/// The feed of this replica.
pub struct Feed {
    pool: PgPool,
    pub limits: LiveLimits,
    hub: Mutex<Hub>,
    /// Turns true when the server stops: every connection closes with 1001.
    pub shutdown: watch::Receiver<bool>,
    connections: AtomicUsize,
    all_closed: Notify,
}

struct Hub {
    /// Every event up to here has been handed to the subscribers of the moment.
    position: Position,
    next_id: u64,
    subscribers: HashMap<u64, Subscriber>,
}

struct Subscriber {
    scope: Option<Uuid>,
    /// The client has everything up to here already (it resumed past the reader).
    after: Option<Mark>,
    queue: mpsc::Sender<Item>,
    lagged: Arc<AtomicBool>,
}

/// A client's place in the feed; leaves it when dropped.
pub struct Subscription {
    id: u64,
    feed: Arc<Feed>,
    pub queue: mpsc::Receiver<Item>,
    /// Set when the queue overflowed: after what is queued, nothing more comes.
    pub lagged: Arc<AtomicBool>,
    /// Where the reader stood when the client joined: changes after it arrive on the queue,
    /// changes up to it are read from the store.
    pub joined_at: Position,
}

impl Drop for Subscription {
    fn drop(&mut self) {
        if let Ok(mut hub) = self.feed.hub.lock() {
            hub.subscribers.remove(&self.id);
        }
    }
}

/// Counts a connection as open until dropped, so shutdown can wait for the close frames.
pub struct Open(Arc<Feed>);

impl Drop for Open {
    fn drop(&mut self) {
        if self.0.connections.fetch_sub(1, Ordering::AcqRel) == 1 {
            self.0.all_closed.notify_waiters();
        }
    }
}

impl Feed {
    /// A feed starting at the end of the stream as it stands.
    pub async fn start(
        pool: PgPool,
        limits: LiveLimits,
        shutdown: watch::Receiver<bool>,
    ) -> Result<Arc<Feed>, sqlx::Error> {
        let position = end_of_stream(&pool).await?;
        Ok(Arc::new(Feed {
            pool,
            limits,
            hub: Mutex::new(Hub {
                position,
                next_id: 0,
                subscribers: HashMap::new(),
            }),
            shutdown,
            connections: AtomicUsize::new(0),
            all_closed: Notify::new(),
        }))
    }

    /// Joins the feed for `scope` (`None`: every customer), skipping what is at or before
    /// `after`.
    pub fn subscribe(self: &Arc<Self>, scope: Option<Uuid>, after: Option<Mark>) -> Subscription {
        let (queue, receiver) = mpsc::channel(self.limits.queue.max(1));
        let lagged = Arc::new(AtomicBool::new(false));
        let mut hub = self.hub.lock().expect("feed hub lock");
        let id = hub.next_id;
        hub.next_id += 1;
        hub.subscribers.insert(
            id,
            Subscriber {
                scope,
                after,
                queue,
                lagged: lagged.clone(),
            },
        );
        Subscription {
            id,
            feed: self.clone(),
            queue: receiver,
            lagged,
            joined_at: hub.position.clone(),
        }
    }

    /// How many clients are subscribed here.
    pub fn subscribers(&self) -> usize {
        self.hub.lock().map(|h| h.subscribers.len()).unwrap_or(0)
    }

    pub fn open(self: &Arc<Self>) -> Open {
        self.connections.fetch_add(1, Ordering::AcqRel);
        Open(self.clone())
    }

    /// Waits (at most `grace`) until every connection has closed.
    pub async fn closed(&self, grace: Duration) {
        let _ = tokio::time::timeout(grace, async {
            loop {
                let notified = self.all_closed.notified();
                tokio::pin!(notified);
                notified.as_mut().enable();
                if self.connections.load(Ordering::Acquire) == 0 {
                    return;
                }
                notified.await;
            }
        })
        .await;
    }

    /// The stream position of the event at `global_position`; `None` if there is none (0 is
    /// the start of the stream).
    pub async fn position_of(&self, global_position: i64) -> Result<Option<Position>, sqlx::Error> {
        if global_position == 0 {
            return Ok(Some(Position::start()));
        }
        let transaction: Option<String> = sqlx::query_scalar(
            "SELECT transaction_id::text FROM events WHERE global_position = $1",
        )
        .bind(global_position)
        .fetch_optional(&self.pool)
        .await?;
        Ok(transaction.map(|transaction_id| Position {
            transaction_id,
            global_position,
        }))
    }

    /// The changes after `after` up to `until` (a catching-up client's stretch), one batch;
    /// with where the batch ended (`None`: nothing left).
    pub async fn read_between(
        &self,
        after: &Position,
        until: &Position,
    ) -> Result<(Vec<Item>, Option<Position>), sqlx::Error> {
        let mut conn = self.pool.acquire().await?;
        let scanned = stream::read_after(&mut conn, after, None, BATCH, fed(), Some(until)).await?;
        Ok((items(&scanned.events), scanned.last))
    }

    /// The reader: hands every settled change to the subscribers, until shutdown.
    pub async fn run(self: Arc<Self>, wake: Wake) {
        let mut shutdown = self.shutdown.clone();
        tracing::info!("live feed reader started");
        let wake_up = wake.reader(stream::EVERY_TYPE);
        loop {
            if *shutdown.borrow() {
                break;
            }
            let woken = wake_up.notified();
            tokio::pin!(woken);
            woken.as_mut().enable();
            let pause = match self.step().await {
                Ok(Beyond::More) => continue,
                // Events exist whose transactions have not settled: look again soon.
                Ok(Beyond::Unsettled) => stream::UNSETTLED_RECHECK,
                Ok(Beyond::Nothing) => IDLE_POLL,
                Err(error) => {
                    tracing::warn!(%error, "live feed read failed; retrying");
                    Duration::from_secs(1)
                }
            };
            tokio::select! {
                _ = &mut woken => {}
                _ = tokio::time::sleep(pause) => {}
                _ = shutdown.changed() => {}
            }
        }
        tracing::info!("live feed reader stopped");
    }

    /// Reads one batch after the reader's position and hands it out; what lies beyond it.
    async fn step(&self) -> Result<Beyond, sqlx::Error> {
        let after = self.hub.lock().expect("feed hub lock").position.clone();
        let mut conn = self.pool.acquire().await?;
        let scanned = stream::read_after(&mut conn, &after, None, BATCH, fed(), None).await?;
        drop(conn);
        let Some(last) = scanned.last else {
            return Ok(scanned.beyond);
        };
        let changes = items(&scanned.events);
        let mut hub = self.hub.lock().expect("feed hub lock");
        hub.deliver(&changes);
        hub.position = last;
        Ok(scanned.beyond)
    }

    /// The notification listener: LISTENs on [`NOTIFICATION_CHANNEL`] (a trigger on
    /// `notifications` notifies every status change when it commits, from any replica), reads
    /// the row and hands the change to the subscribers allowed to see its customer, through the
    /// same bounded queues as the changes. Until shutdown; reconnects when the connection drops
    /// (what passed meanwhile is in `GET /v1/notifications`).
    pub async fn run_notifications(self: Arc<Self>) {
        tendlc_projections::listen::until_shutdown(
            self.pool.clone(),
            &[NOTIFICATION_CHANNEL],
            "notification changes",
            self.shutdown.clone(),
            |notice| {
                let feed = self.clone();
                async move {
                    if let Err(error) = feed.tell_notification(notice.payload()).await {
                        tracing::warn!(%error, "a notification change could not be read");
                    }
                }
            },
        )
        .await;
    }

    async fn tell_notification(&self, payload: &str) -> Result<(), sqlx::Error> {
        let Ok(moved) = serde_json::from_str::<NotificationMoved>(payload) else {
            tracing::warn!("an unreadable notification change was notified");
            return Ok(());
        };
        let row: Option<NotificationFeedRow> = sqlx::query_as(
            "SELECT n.customer_id, n.kind, n.subject_type, n.subject_id, s.name AS subject_name,
                    n.recipient, n.suppressed_reason, n.provider_answer
               FROM notifications n
               LEFT JOIN notification_subjects s ON s.subject_id = n.subject_id
              WHERE n.notification_id = $1",
        )
        .bind(moved.id)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else {
            return Ok(());
        };
        let reason = match moved.to.as_str() {
            "SUPPRESSED" => row.suppressed_reason,
            "FAILED" | "DEAD" => row.provider_answer,
            _ => None,
        };
        let told = Told::notification(&NotificationChange {
            kind: "notification",
            id: moved.id,
            customer_id: row.customer_id,
            notification_kind: row.kind,
            subject: Subject {
                kind: row.subject_type.to_ascii_uppercase(),
                id: row.subject_id,
                name: row.subject_name,
            },
            status: moved.to,
            previous_status: moved.from,
            recipient: row.recipient,
            reason,
            at: moved.at,
        });
        self.hub
            .lock()
            .expect("feed hub lock")
            .deliver(&[Arc::new(told)]);
        Ok(())
    }
}

/// Notified (by a trigger on `notifications`, migration 0043) when a notification's status
/// changes; the payload is [`NotificationMoved`].
pub const NOTIFICATION_CHANNEL: &str = "tendlc_notification";

#[derive(serde::Deserialize)]
struct NotificationMoved {
    id: Uuid,
    from: Option<String>,
    to: String,
    at: chrono::DateTime<chrono::Utc>,
}

#[derive(sqlx::FromRow)]
struct NotificationFeedRow {
    customer_id: Uuid,
    kind: String,
    subject_type: String,
    subject_id: Uuid,
    subject_name: Option<String>,
    recipient: String,
    suppressed_reason: Option<String>,
    provider_answer: Option<String>,
}

impl Hub {
    fn deliver(&mut self, changes: &[Item]) {
        let mut gone = Vec::new();
        for (id, subscriber) in &self.subscribers {
            for item in changes {
                let told_already = match (subscriber.after, item.mark) {
                    (Some(after), Some(mark)) => mark <= after,
                    _ => false,
                };
                if told_already || !item.visible_to(subscriber.scope) {
                    continue;
                }
                match subscriber.queue.try_send(item.clone()) {
                    Ok(()) => {}
                    Err(mpsc::error::TrySendError::Full(_)) => {
                        subscriber.lagged.store(true, Ordering::Release);
                        gone.push(*id);
                        break;
                    }
                    Err(mpsc::error::TrySendError::Closed(_)) => {
                        gone.push(*id);
                        break;
                    }
                }
            }
        }
        // Dropping the sender ends the client's queue after what it holds.
        for id in gone {
            self.subscribers.remove(&id);
        }
    }
}

fn items(events: &[tendlc_projections::StoredEvent]) -> Vec<Item> {
    events
        .iter()
        .filter_map(|event| {
            let mark = Mark(
                event.transaction_id.parse().unwrap_or(0),
                event.global_position,
            );
            Change::from_event(event).map(|change| Arc::new(Told::new(mark, change)))
        })
        .collect()
}

/// The last settled event: a new reader starts after it (what came before is read on demand).
async fn end_of_stream(pool: &PgPool) -> Result<Position, sqlx::Error> {
    let mut conn = pool.acquire().await?;
    let horizon = stream::horizon(&mut conn).await?;
    let last: Option<(String, i64)> = sqlx::query_as(
        "SELECT transaction_id::text, global_position FROM events
          WHERE transaction_id < $1::xid8
          ORDER BY transaction_id DESC, global_position DESC LIMIT 1",
    )
    .bind(&horizon)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(last
        .map(|(transaction_id, global_position)| Position {
            transaction_id,
            global_position,
        })
        .unwrap_or_else(Position::start))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::live::message::Entity;

    fn change(position: i64, customer: Uuid) -> Item {
        Arc::new(Told::new(
            Mark(1, position),
            Change {
                kind: "change",
                position,
                customer_id: Some(customer),
                entity: Entity {
                    kind: "brand",
                    id: "b".into(),
                },
                event: "BrandSyncConfirmed".into(),
                field: None,
                carrier: None,
                from: None,
                to: None,
                source: None,
                reason: None,
                summary: String::new(),
                at: chrono::Utc::now(),
            },
        ))
    }

    fn hub() -> Hub {
        Hub {
            position: Position::start(),
            next_id: 0,
            subscribers: HashMap::new(),
        }
    }

    fn join(
        hub: &mut Hub,
        scope: Option<Uuid>,
        queue: usize,
    ) -> (mpsc::Receiver<Item>, Arc<AtomicBool>) {
        let (sender, receiver) = mpsc::channel(queue);
        let lagged = Arc::new(AtomicBool::new(false));
        let id = hub.next_id;
        hub.next_id += 1;
        hub.subscribers.insert(
            id,
            Subscriber {
                scope,
                after: None,
                queue: sender,
                lagged: lagged.clone(),
            },
        );
        (receiver, lagged)
    }

    #[test]
    fn it_should_drop_a_client_whose_queue_is_full_without_touching_the_others() {
        let customer = Uuid::new_v4();
        let mut hub = hub();
        let (mut slow, slow_lagged) = join(&mut hub, Some(customer), 2);
        let (mut quick, quick_lagged) = join(&mut hub, None, 8);
        let changes: Vec<Item> = (1..=3).map(|p| change(p, customer)).collect();
        hub.deliver(&changes);
        assert!(
            slow_lagged.load(Ordering::Acquire),
            "the slow client is told it lagged"
        );
        assert!(!quick_lagged.load(Ordering::Acquire));
        assert_eq!(
            hub.subscribers.len(),
            1,
            "only the slow client left the feed"
        );
        assert_eq!(slow.try_recv().unwrap().position, Some(1));
        assert_eq!(slow.try_recv().unwrap().position, Some(2));
        assert!(slow.try_recv().is_err(), "nothing after the overflow");
        for expected in 1..=3 {
            assert_eq!(quick.try_recv().unwrap().position, Some(expected));
        }
    }

    #[test]
    fn it_should_give_a_customer_only_its_own_changes() {
        let (mine, theirs) = (Uuid::new_v4(), Uuid::new_v4());
        let mut hub = hub();
        let (mut client, _) = join(&mut hub, Some(mine), 8);
        hub.deliver(&[change(1, theirs), change(2, mine)]);
        assert_eq!(client.try_recv().unwrap().position, Some(2));
        assert!(
            client.try_recv().is_err(),
            "another customer's change was sent"
        );
    }

    fn notification(customer: Uuid) -> Item {
        Arc::new(Told::notification(&NotificationChange {
            kind: "notification",
            id: Uuid::new_v4(),
            customer_id: customer,
            notification_kind: "BRAND_VERIFIED".into(),
            subject: Subject {
                kind: "BRAND".into(),
                id: Uuid::new_v4(),
                name: Some("Acme".into()),
            },
            status: "SENT".into(),
            previous_status: Some("PENDING".into()),
            recipient: "ops@example.com".into(),
            reason: None,
            at: chrono::Utc::now(),
        }))
    }

    #[test]
    fn it_should_hand_notifications_through_the_same_bounded_queues() {
        let (mine, theirs) = (Uuid::new_v4(), Uuid::new_v4());
        let mut hub = hub();
        let (mut client, _) = join(&mut hub, Some(mine), 8);
        let (mut full, full_lagged) = join(&mut hub, Some(mine), 1);
        // A resumed client skips changes up to its mark, never notifications (they have none).
        hub.subscribers.get_mut(&0).unwrap().after = Some(Mark(u64::MAX, i64::MAX));
        hub.deliver(&[change(1, mine), notification(theirs), notification(mine)]);
        let told = client.try_recv().unwrap();
        assert_eq!(told.position, None);
        assert!(told.text.as_str().contains(r#""type":"notification""#));
        assert!(
            client.try_recv().is_err(),
            "another customer's notification"
        );
        assert_eq!(full.try_recv().unwrap().position, Some(1));
        assert!(
            full_lagged.load(Ordering::Acquire),
            "a full queue lags on a notification too"
        );
    }
}
