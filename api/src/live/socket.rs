//! One client's connection: hello, catch-up from the store, then the live queue; pings,
//! an idle deadline, and a close frame that says why.
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::ws::{CloseFrame, Message, WebSocket};
use futures::{SinkExt, StreamExt};
use serde_json::json;
use tendlc_projections::stream::Position;
use tokio::time::Instant;
use uuid::Uuid;

use super::feed::{Feed, Item, Mark};

/// The subprotocol a client speaks (echoed when it offers it).
pub const PROTOCOL: &str = "tendlc.v1";
/// Close codes: the client fell too far behind; it was not heard from in time; the server is
/// stopping.
pub const LAGGED: u16 = 4000;
pub const IDLE: u16 = 4001;
pub const GOING_AWAY: u16 = 1001;
/// Changes written at most before one flush.
const WRITE_BATCH: usize = 64;
/// What a client may send: pongs, a close, little else.
pub const READ_BUFFER: usize = 4 * 1024;
pub const MAX_INCOMING: usize = 16 * 1024;

/// Why a connection ends.
enum End {
    /// Closed with this code and reason.
    Close(u16, String),
    /// The client left, or a write could not go through: nothing more can be said.
    Gone,
}

/// Serves one client watching `scope` (`None`: every customer), resuming after `after` when
/// given (the position of the last change it saw; the start of the stream for 0).
pub async fn serve(
    socket: WebSocket,
    feed: Arc<Feed>,
    scope: Option<Uuid>,
    after: Option<Position>,
) {
    let _open = feed.open();
    let (mut sink, mut incoming) = socket.split();
    let end = stream(&mut sink, &mut incoming, &feed, scope, after).await;
    if let Ok(End::Close(code, reason)) | Err(End::Close(code, reason)) = end {
        let frame = CloseFrame {
            code,
            reason: reason.into(),
        };
        let _ = tokio::time::timeout(
            Duration::from_secs(2),
            sink.send(Message::Close(Some(frame))),
        )
        .await;
    }
}

type Sink = futures::stream::SplitSink<WebSocket, Message>;
type Incoming = futures::stream::SplitStream<WebSocket>;

async fn send(sink: &mut Sink, limit: Duration, message: Message) -> Result<(), End> {
    match tokio::time::timeout(limit, sink.send(message)).await {
        Ok(Ok(())) => Ok(()),
        _ => Err(End::Gone),
    }
}

/// Writes the changes and flushes once.
async fn send_all(sink: &mut Sink, limit: Duration, items: &[Item]) -> Result<(), End> {
    let write = async {
        for item in items {
            sink.feed(Message::Text(item.text.clone())).await?;
        }
        sink.flush().await
    };
    match tokio::time::timeout(limit, write).await {
        Ok(Ok(())) => Ok(()),
        _ => Err(End::Gone),
    }
}

async fn send_json(
    sink: &mut Sink,
    limit: Duration,
    value: &impl serde::Serialize,
) -> Result<(), End> {
    let text = serde_json::to_string(value).unwrap_or_default();
    send(sink, limit, Message::Text(text.into())).await
}

/// The connection's life; `Err` when a write failed or the client left (`?` on every write).
async fn stream(
    sink: &mut Sink,
    incoming: &mut Incoming,
    feed: &Arc<Feed>,
    scope: Option<Uuid>,
    after: Option<Position>,
) -> Result<End, End> {
    let limits = feed.limits.clone();
    let write_limit = limits.idle_timeout;
    // Join first, then read up to where the reader stood: nothing falls between the two.
    let mut subscription = feed.subscribe(scope, after.as_ref().map(Mark::of));
    let joined_at = subscription.joined_at.clone();
    send_json(
        sink,
        write_limit,
        &json!({
            "type": "hello",
            "protocol": PROTOCOL,
            "customerId": scope,
            "heartbeatSecs": limits.heartbeat.as_secs(),
            "idleTimeoutSecs": limits.idle_timeout.as_secs(),
        }),
    )
    .await?;
    let mut last_sent = after.as_ref().map(|p| p.global_position);
    if let Some(mut from) = after {
        if Mark::of(&from) < Mark::of(&joined_at) {
            loop {
                let (items, last) =
                    feed.read_between(&from, &joined_at)
                        .await
                        .map_err(|error| {
                            tracing::warn!(%error, "live feed catch-up failed");
                            End::Close(
                                1011,
                                "the feed could not be read; reconnect with ?after=".into(),
                            )
                        })?;
                for item in items.iter().filter(|i| i.visible_to(scope)) {
                    send(sink, write_limit, Message::Text(item.text.clone())).await?;
                    last_sent = item.position.or(last_sent);
                }
                match last {
                    Some(last) => from = last,
                    None => break,
                }
            }
        }
    }
    send_json(
        sink,
        write_limit,
        &json!({"type": "live", "position": last_sent}),
    )
    .await?;

    let mut shutdown = feed.shutdown.clone();
    let mut heartbeat =
        tokio::time::interval_at(Instant::now() + limits.heartbeat, limits.heartbeat);
    let mut heard = Instant::now();
    loop {
        if *shutdown.borrow() {
            return Ok(End::Close(
                GOING_AWAY,
                "server shutting down; reconnect with ?after=".into(),
            ));
        }
        tokio::select! {
            queued = subscription.queue.recv() => match queued {
                Some(item) => {
                    // What else is queued goes out in the same write.
                    let mut batch = vec![item];
                    while batch.len() < WRITE_BATCH {
                        match subscription.queue.try_recv() {
                            Ok(item) => batch.push(item),
                            Err(_) => break,
                        }
                    }
                    send_all(sink, write_limit, &batch).await?;
                    // Notifications carry no position: the last change's stands.
                    if let Some(position) = batch.iter().rev().find_map(|item| item.position) {
                        last_sent = Some(position);
                    }
                }
                None if subscription.lagged.load(Ordering::Acquire) => {
                    send_json(sink, write_limit, &json!({"type": "lagged", "position": last_sent})).await?;
                    return Ok(End::Close(LAGGED, lagged_reason(last_sent)));
                }
                None => return Ok(End::Close(GOING_AWAY, "the feed stopped".into())),
            },
            frame = incoming.next() => match frame {
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return Err(End::Gone),
                // A ping is answered by the socket itself; any frame shows the client is there.
                Some(Ok(_)) => heard = Instant::now(),
            },
            _ = heartbeat.tick() => {
                if heard.elapsed() >= limits.idle_timeout {
                    return Ok(End::Close(IDLE, format!("nothing heard from the client for {} s", limits.idle_timeout.as_secs())));
                }
                send(sink, write_limit, Message::Ping(Vec::new().into())).await?;
            }
            _ = shutdown.changed() => {}
        }
    }
}

fn lagged_reason(last_sent: Option<i64>) -> String {
    match last_sent {
        Some(position) => format!("lagged: too far behind; reconnect with ?after={position}"),
        None => "lagged: too far behind; reconnect".into(),
    }
}
