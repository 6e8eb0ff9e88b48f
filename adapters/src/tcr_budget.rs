//! TCR's rate limits, shared by every replica through Postgres: TCR counts calls per account, so
//! N processes each keeping the limit would send N times it. A call takes a slot of its kind
//! (read or write) before it starts and ends it when its answer is in; a slot counts until
//! `period` after its call ended (see `migrations/0010_tcr_rate_slots.sql`).
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};
use sqlx::PgPool;

/// Which of TCR's limits a call counts against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallKind {
    /// GET: `TCR_READ_RATE_PER_SEC`.
    Read,
    /// POST, PUT, DELETE: `TCR_WRITE_RATE_PER_10S`.
    Write,
}

/// The budget every process calling TCR with one account shares.
#[derive(Clone)]
pub struct SharedBudget {
    pool: PgPool,
    /// Names the TCR account without storing its key.
    account: String,
    reads: Option<(i32, Duration)>,
    writes: Option<(i32, Duration)>,
}

impl std::fmt::Debug for SharedBudget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SharedBudget")
            .field("reads", &self.reads)
            .field("writes", &self.writes)
            .finish_non_exhaustive()
    }
}

/// A slot taken for one call; dropped when the call is over.
#[derive(Debug)]
pub struct Slot {
    pool: PgPool,
    id: i64,
}

impl SharedBudget {
    /// Reads per second and writes per 10 seconds (`0` = unlimited) for the account `api_key`
    /// holds at `base_url`.
    pub fn new(
        pool: PgPool,
        base_url: &str,
        api_key: &SecretString,
        read_rate_per_sec: u32,
        write_rate_per_10s: u32,
    ) -> Self {
        let digest = Sha256::new()
            .chain_update(base_url.trim_end_matches('/').as_bytes())
            .chain_update(b"\n")
            .chain_update(api_key.expose_secret().as_bytes())
            .finalize();
        let limit = |per: u32, period: Duration| {
            i32::try_from(per)
                .ok()
                .filter(|n| *n > 0)
                .map(|n| (n, period))
        };
        Self {
            pool,
            account: hex::encode(&digest[..8]),
            reads: limit(read_rate_per_sec, Duration::from_secs(1)),
            writes: limit(write_rate_per_10s, Duration::from_secs(10)),
        }
    }

    /// Waits until a call of `kind` may start, and takes its slot. `None` when the kind is
    /// unlimited, or when the database cannot be asked (logged; the call then goes by this
    /// process's own limiter only, rather than not at all).
    pub async fn take(&self, kind: CallKind) -> Option<Slot> {
        let (limit, period) = match kind {
            CallKind::Read => self.reads?,
            CallKind::Write => self.writes?,
        };
        let kind_name = match kind {
            CallKind::Read => "read",
            CallKind::Write => "write",
        };
        loop {
            let taken: Result<(Option<i64>, f64), sqlx::Error> = sqlx::query_as(
                "SELECT slot, wait_seconds
                   FROM tendlc_take_tcr_slot($1, $2, $3, make_interval(secs => $4))",
            )
            .bind(&self.account)
            .bind(kind_name)
            .bind(limit)
            .bind(period.as_secs_f64())
            .fetch_one(&self.pool)
            .await;
            match taken {
                Ok((Some(id), _)) => {
                    return Some(Slot {
                        pool: self.pool.clone(),
                        id,
                    })
                }
                Ok((None, wait)) => {
                    let wait = Duration::from_secs_f64(wait.max(0.001)).min(period);
                    tokio::time::sleep(wait).await;
                }
                Err(error) => {
                    tracing::warn!(%error, kind = kind_name, "the TCR rate budget shared by the replicas cannot be read; this call keeps to this process's limit only");
                    return None;
                }
            }
        }
    }
}

/// The call's answer is in, it failed, or it was abandoned: from now the slot counts one period
/// more. Ended on drop, so a call cancelled halfway ends its slot too.
impl Drop for Slot {
    fn drop(&mut self) {
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        let (pool, id) = (self.pool.clone(), self.id);
        runtime.spawn(async move {
            if let Err(error) = sqlx::query("SELECT tendlc_end_tcr_slot($1)")
                .bind(id)
                .execute(&pool)
                .await
            {
                tracing::warn!(%error, "could not end a TCR rate slot; it counts until it expires");
            }
        });
    }
}
