//! The operator's own TCR account settings: CNP migration (whether the account's campaigns may
//! move between connectivity partners, and whether a migration completes by itself). Read from
//! TCR as it holds them; a change is recorded before TCR is called and TCR's answer after.
use std::sync::Arc;

use sqlx::PgPool;
use tendlc_domain::tcr::{TcrCnpMigrationSettings, TcrPort};
use tendlc_domain::tcr_account::{TcrAccount, TcrAccountCommand, ACCOUNT_ID};
use tendlc_projections::Wake;

use super::context::CommandContext;
use super::error::AppError;
use super::recorder::Recorder;

pub struct TcrAccounts {
    tcr: Arc<dyn TcrPort>,
    events: Recorder<TcrAccount>,
}

impl TcrAccounts {
    pub fn new(pool: PgPool, tcr: Arc<dyn TcrPort>, wake: Wake) -> Self {
        Self {
            tcr,
            events: Recorder::new(pool, wake, "TCR account"),
        }
    }

    /// The CNP migration settings as TCR holds them now (nothing is recorded).
    pub async fn cnp_migration_settings(&self) -> Result<TcrCnpMigrationSettings, AppError> {
        self.tcr
            .cnp_migration_settings()
            .await
            .result
            .map_err(|error| AppError::tcr(error, "Nothing was changed."))
    }

    /// Changes the CNP migration settings (a property left out stays as it is); answers with
    /// what TCR holds after the change, or TCR's refusal (recorded too).
    #[tracing::instrument(skip_all)]
    pub async fn change_cnp_migration_settings(
        &self,
        context: &CommandContext,
        settings: TcrCnpMigrationSettings,
    ) -> Result<TcrCnpMigrationSettings, AppError> {
        let tcr = self.tcr.clone();
        let called = self
            .events
            .through_tcr(
                ACCOUNT_ID,
                context,
                TcrAccountCommand::RequestCnpMigrationSettings { settings },
                |_| async move { tcr.update_cnp_migration_settings(&settings).await },
                |result| match result {
                    Ok(settings) => TcrAccountCommand::RecordCnpMigrationSettings { settings },
                    Err(error) => TcrAccountCommand::RecordCnpMigrationSettingsFailed { error },
                },
            )
            .await?
            .ok_or_else(|| AppError::internal("TCR account", "recorded nothing"))?;
        if let Some(error) = called.failure {
            return Err(AppError::tcr(
                error,
                "The change and TCR's answer are recorded; nothing was changed at TCR.",
            ));
        }
        called
            .recorded
            .state
            .cnp_migration
            .ok_or_else(|| AppError::internal("TCR account", "TCR's answer was not recorded"))
    }
}
