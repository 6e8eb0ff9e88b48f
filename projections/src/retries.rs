//! When a registration TCR never confirmed is due to be tried again — said once, in SQL, for
//! brands and campaigns — so a retry pass reads only what is due, the longest due first, and
//! newer due work is never starved by older work that is not due.
use std::time::Duration;

use sqlx::postgres::PgRow;
use sqlx::PgPool;

/// The first attempt after `grace` (nothing recorded yet: the API may still be waiting for
/// TCR), each later one `base` doubled per attempt made, at most `cap` apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetrySchedule {
    pub grace: Duration,
    pub base: Duration,
    pub cap: Duration,
}

/// When a pending row's next attempt is due (`$1` grace, `$2` base, `$3` cap, in seconds).
const DUE_AT: &str = "CASE WHEN submission_attempts <= 0
           THEN created_at + make_interval(secs => $1)
           ELSE COALESCE(last_attempt_at, updated_at) + make_interval(secs =>
                    least($2 * power(2, least(submission_attempts - 1, 16)), $3)) END";

/// Pending rows of `select` (a `SELECT … FROM` one registration table) due for a retry, the
/// longest due first (`$1` grace, `$2` base, `$3` cap in seconds, `$4` limit).
pub(crate) fn due_sql(select: &str) -> String {
    format!("{select} WHERE status = 'PENDING' AND {DUE_AT} <= now() ORDER BY {DUE_AT} LIMIT $4")
}

/// Up to `limit` rows of `select` (a [`due_sql`] query) due for a retry by `schedule`.
pub(crate) async fn due<R>(
    pool: &PgPool,
    query: &str,
    schedule: &RetrySchedule,
    limit: i64,
) -> Result<Vec<R>, sqlx::Error>
where
    R: for<'r> sqlx::FromRow<'r, PgRow> + Send + Unpin,
{
    sqlx::query_as(query)
        .bind(schedule.grace.as_secs_f64())
        .bind(schedule.base.as_secs_f64())
        .bind(schedule.cap.as_secs_f64())
        .bind(limit)
        .fetch_all(pool)
        .await
}
