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
use tendlc_projections::stream::{self, Position};
use tendlc_projections::Wake;
use tokio::sync::{mpsc, watch, Notify};
use uuid::Uuid;

use super::message::{Change, FED_TYPES};
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

/// A change with its place in the order and its JSON, written once for every client.
#[derive(Debug)]
pub struct Told {
    pub mark: Mark,
    pub change: Change,
    pub text: Utf8Bytes,
}

impl Told {
    pub fn new(mark: Mark, change: Change) -> Told {
        let text = serde_json::to_string(&change).unwrap_or_default().into();
        Told { mark, change, text }
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
        let horizon = stream::horizon(&mut conn).await?;
        let scanned =
            stream::read_after(&mut conn, after, &horizon, BATCH, fed(), Some(until)).await?;
        Ok((items(&scanned.events), scanned.last))
    }

    /// The reader: hands every settled change to the subscribers, until shutdown.
    pub async fn run(self: Arc<Self>, wake: Wake) {
        let mut shutdown = self.shutdown.clone();
        tracing::info!("live feed reader started");
        loop {
            if *shutdown.borrow() {
                break;
            }
            let woken = wake.notified();
            tokio::pin!(woken);
            woken.as_mut().enable();
            let pause = match self.step().await {
                Ok(read) if read as i64 >= BATCH => continue,
                Ok(read) => match self.behind().await {
                    // Events exist whose transactions have not settled: look again soon.
                    Ok(true) => Duration::from_millis(25),
                    Ok(false) if read > 0 => continue,
                    Ok(false) => IDLE_POLL,
                    Err(error) => {
                        tracing::warn!(%error, "live feed check failed");
                        Duration::from_secs(1)
                    }
                },
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

    /// Reads one batch after the reader's position and hands it out; how many events it read.
    async fn step(&self) -> Result<usize, sqlx::Error> {
        let after = self.hub.lock().expect("feed hub lock").position.clone();
        let mut conn = self.pool.acquire().await?;
        let horizon = stream::horizon(&mut conn).await?;
        let scanned = stream::read_after(&mut conn, &after, &horizon, BATCH, fed(), None).await?;
        drop(conn);
        let Some(last) = scanned.last else {
            return Ok(0);
        };
        let changes = items(&scanned.events);
        let mut hub = self.hub.lock().expect("feed hub lock");
        hub.deliver(&changes);
        hub.position = last;
        Ok(scanned.count)
    }

    async fn behind(&self) -> Result<bool, sqlx::Error> {
        let after = self.hub.lock().expect("feed hub lock").position.clone();
        let mut conn = self.pool.acquire().await?;
        stream::any_after(&mut conn, &after).await
    }
}

impl Hub {
    fn deliver(&mut self, changes: &[Item]) {
        let mut gone = Vec::new();
        for (id, subscriber) in &self.subscribers {
            for item in changes {
                if subscriber.after.is_some_and(|after| item.mark <= after)
                    || !item.change.visible_to(subscriber.scope)
                {
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
        assert_eq!(slow.try_recv().unwrap().change.position, 1);
        assert_eq!(slow.try_recv().unwrap().change.position, 2);
        assert!(slow.try_recv().is_err(), "nothing after the overflow");
        for expected in 1..=3 {
            assert_eq!(quick.try_recv().unwrap().change.position, expected);
        }
    }

    #[test]
    fn it_should_give_a_customer_only_its_own_changes() {
        let (mine, theirs) = (Uuid::new_v4(), Uuid::new_v4());
        let mut hub = hub();
        let (mut client, _) = join(&mut hub, Some(mine), 8);
        hub.deliver(&[change(1, theirs), change(2, mine)]);
        assert_eq!(client.try_recv().unwrap().change.position, 2);
        assert!(
            client.try_recv().is_err(),
            "another customer's change was sent"
        );
    }
}
