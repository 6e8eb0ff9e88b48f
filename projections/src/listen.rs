//! Listening for Postgres notifications until shutdown, through dropped connections.
use std::time::Duration;

use sqlx::postgres::{PgListener, PgNotification};
use sqlx::PgPool;
use tokio::sync::watch;

/// LISTENs on `channels` and hands every notification to `handle`, until shutdown. A lost
/// connection is made again (2 s apart while it cannot be); what was notified meanwhile is
/// not delivered, so every listener has another way to catch up (a poll, a read).
pub async fn until_shutdown<F, Handled>(
    pool: PgPool,
    channels: &'static [&'static str],
    what: &'static str,
    mut shutdown: watch::Receiver<bool>,
    mut handle: F,
) where
    F: FnMut(PgNotification) -> Handled,
    Handled: std::future::Future<Output = ()>,
{
    loop {
        if *shutdown.borrow() {
            return;
        }
        let mut listener = match listening(&pool, channels).await {
            Ok(listener) => listener,
            Err(error) => {
                tracing::warn!(%error, what, "cannot LISTEN; retrying in 2 s");
                tokio::select! {
                    _ = tokio::time::sleep(Duration::from_secs(2)) => continue,
                    _ = shutdown.changed() => return,
                }
            }
        };
        loop {
            tokio::select! {
                received = listener.recv() => match received {
                    Ok(notification) => handle(notification).await,
                    Err(error) => {
                        tracing::warn!(%error, what, "notifications interrupted; reconnecting");
                        break;
                    }
                },
                _ = shutdown.changed() => return,
            }
        }
    }
}

async fn listening(
    pool: &PgPool,
    channels: &'static [&'static str],
) -> Result<PgListener, sqlx::Error> {
    let mut listener = PgListener::connect_with(pool).await?;
    listener.listen_all(channels.iter().copied()).await?;
    Ok(listener)
}
