//! Notification use cases: a super admin sends a failed mail again (recorded with who asked).
use std::sync::Arc;

use sqlx::PgPool;
use tendlc_projections::notifications::work::{self, ResendError};
use tendlc_projections::notifications::{self as notification_rows, NotificationRow};
use tokio::sync::Notify;
use uuid::Uuid;

use super::context::CommandContext;
use super::error::AppError;

pub struct Notifications {
    pool: PgPool,
    /// Wakes this process's notifier when a mail is queued again.
    notifier: Arc<Notify>,
}

impl Notifications {
    pub fn new(pool: PgPool, notifier: Arc<Notify>) -> Self {
        Self { pool, notifier }
    }

    /// Puts a FAILED or DEAD notification back in the queue; answers with it as queued.
    #[tracing::instrument(skip_all, fields(notification = %id))]
    pub async fn resend(
        &self,
        context: &CommandContext,
        id: Uuid,
    ) -> Result<NotificationRow, AppError> {
        work::resend(&self.pool, id, &context.actor, Some(&context.request_id))
            .await
            .map_err(|error| match error {
                ResendError::NotFound => AppError::NotFound("notification"),
                ResendError::NotFailed(_) => {
                    AppError::conflict("notification_not_failed", error.to_string())
                }
                ResendError::Database(error) => AppError::from(error),
            })?;
        self.notifier.notify_waiters();
        notification_rows::get(&self.pool, id, None)
            .await?
            .ok_or(AppError::NotFound("notification"))
    }
}
