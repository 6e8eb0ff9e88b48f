//! One poller/retrier/webhook subscriber across all replicas: whoever holds a Postgres advisory
//! lock. The lock belongs to a session, so when its process dies the lock goes with it and
//! another takes over.
use std::sync::Arc;
use std::time::Duration;

use sqlx::pool::PoolConnection;
use sqlx::Postgres;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use super::Workers;

/// `pg_advisory_lock` key for the sync leader ("tendlc sync").
const LEADER_LOCK: i64 = 0x7465_6e64_6c63_5359;

impl Workers {
    async fn try_lead(&self) -> Option<PoolConnection<Postgres>> {
        let mut conn = self.pool.acquire().await.ok()?;
        let locked: bool = sqlx::query_scalar("SELECT pg_try_advisory_lock($1)")
            .bind(LEADER_LOCK)
            .fetch_one(&mut *conn)
            .await
            .ok()?;
        if locked {
            Some(conn)
        } else {
            None
        }
    }

    /// One round of the leader's passes; each failing pass is logged and tried next round.
    pub async fn lead_once(&self) {
        if let Err(error) = self.retry_brands().await {
            tracing::warn!(%error, "retry pass failed");
        }
        if let Err(error) = self.poll_brands().await {
            tracing::warn!(%error, "poll pass failed");
        }
        if let Err(error) = self.retry_campaigns().await {
            tracing::warn!(%error, "campaign retry pass failed");
        }
        if let Err(error) = self.poll_campaigns().await {
            tracing::warn!(%error, "campaign poll pass failed");
        }
        if let Err(error) = self.poll_partner_campaigns().await {
            tracing::warn!(%error, "partner campaign poll pass failed");
        }
        if let Err(error) = self.heal_interrupted_actions().await {
            tracing::warn!(%error, "healing interrupted actions failed");
        }
        let retention = self.config.idempotency_retention;
        if let Err(error) = tendlc_adapters::idempotency::prune(&self.pool, retention).await {
            tracing::warn!(%error, "pruning old Idempotency-Keys failed");
        }
    }

    /// Runs the poller and retrier while this replica leads; stands by otherwise.
    pub async fn run_leader(self: Arc<Self>, mut shutdown: watch::Receiver<bool>) {
        loop {
            if *shutdown.borrow() {
                return;
            }
            let Some(mut lock) = self.try_lead().await else {
                tokio::select! {
                    _ = tokio::time::sleep(self.config.tick) => continue,
                    _ = shutdown.changed() => return,
                }
            };
            tracing::info!(instance = %self.instance, "this replica now polls TCR and retries submissions");
            let subscribing = self.check_subscription();
            loop {
                self.lead_once().await;
                tokio::select! {
                    _ = tokio::time::sleep(self.config.tick) => {}
                    _ = shutdown.changed() => {
                        stop(&subscribing);
                        let _ = sqlx::query("SELECT pg_advisory_unlock($1)").bind(LEADER_LOCK).execute(&mut *lock).await;
                        return;
                    }
                }
                // Still holding the session (and so the lock)?
                if sqlx::query("SELECT 1").execute(&mut *lock).await.is_err() {
                    tracing::warn!("lost the leader connection; standing by");
                    stop(&subscribing);
                    break;
                }
            }
            // Never reuse a connection whose lock state is unknown.
            let _ = lock.detach();
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

/// Stops what a leader started when it steps down.
fn stop(task: &Option<JoinHandle<()>>) {
    if let Some(task) = task {
        task.abort();
    }
}
