//! The operator's own TCR account settings that tendlc changes: CNP migration
//! (`/settings/cnpMigration`: whether the account's campaigns may move between connectivity
//! partners, and whether a migration completes by itself once the new partner accepts). As every
//! change sent to TCR, a change is recorded before TCR is called and TCR's answer after, so who
//! turned migration on, and when, is on the record.
use cqrs_es::DomainEvent;
use serde::{Deserialize, Serialize};

use crate::tcr::{TcrApiError, TcrCnpMigrationSettings, TcrError};

/// The one account's aggregate id: tendlc speaks to TCR with one set of credentials.
pub const ACCOUNT_ID: &str = "tcr-account";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TcrAccountCommand {
    /// Change the CNP migration settings; a property left out stays as TCR holds it.
    RequestCnpMigrationSettings { settings: TcrCnpMigrationSettings },
    /// TCR took the change and answered with the settings it now holds.
    RecordCnpMigrationSettings { settings: TcrCnpMigrationSettings },
    /// TCR refused or failed the change.
    RecordCnpMigrationSettingsFailed { error: TcrError },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum TcrAccountEvent {
    CnpMigrationSettingsRequested {
        settings: TcrCnpMigrationSettings,
    },
    /// The settings TCR holds after the change, as it answered.
    CnpMigrationSettingsChanged {
        settings: TcrCnpMigrationSettings,
    },
    CnpMigrationSettingsFailed {
        reason: String,
        message: String,
        tcr_errors: Vec<TcrApiError>,
        retryable: bool,
    },
}

impl DomainEvent for TcrAccountEvent {
    fn event_type(&self) -> String {
        match self {
            TcrAccountEvent::CnpMigrationSettingsRequested { .. } => {
                "CnpMigrationSettingsRequested"
            }
            TcrAccountEvent::CnpMigrationSettingsChanged { .. } => "CnpMigrationSettingsChanged",
            TcrAccountEvent::CnpMigrationSettingsFailed { .. } => "CnpMigrationSettingsFailed",
        }
        .to_string()
    }

    fn event_version(&self) -> String {
        "1.0".to_string()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TcrAccountError {
    #[error("a change of the CNP migration settings is still waiting for TCR's answer; try again shortly")]
    ActionPending,
    #[error("{0}")]
    NotApplicable(String),
}

/// The account as its events say.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TcrAccount {
    /// The CNP migration settings TCR answered with after the last change.
    pub cnp_migration: Option<TcrCnpMigrationSettings>,
    /// The change sent to TCR whose answer is not recorded yet.
    pub pending: Option<TcrCnpMigrationSettings>,
}

impl TcrAccount {
    pub fn decide(
        &self,
        command: TcrAccountCommand,
    ) -> Result<Vec<TcrAccountEvent>, TcrAccountError> {
        match command {
            TcrAccountCommand::RequestCnpMigrationSettings { settings } => {
                if self.pending.is_some() {
                    return Err(TcrAccountError::ActionPending);
                }
                if settings.migration_supported.is_none()
                    && settings.migration_auto_complete.is_none()
                {
                    return Err(TcrAccountError::NotApplicable(
                        "name migrationSupported or migrationAutoComplete to change".into(),
                    ));
                }
                Ok(vec![TcrAccountEvent::CnpMigrationSettingsRequested {
                    settings,
                }])
            }
            // An answer to nothing pending (a repeated outcome) changes nothing.
            TcrAccountCommand::RecordCnpMigrationSettings { settings } => Ok(self
                .pending
                .map(|_| TcrAccountEvent::CnpMigrationSettingsChanged { settings })
                .into_iter()
                .collect()),
            TcrAccountCommand::RecordCnpMigrationSettingsFailed { error } => Ok(self
                .pending
                .map(|_| {
                    let (reason, message, tcr_errors, retryable) = error.record_parts();
                    TcrAccountEvent::CnpMigrationSettingsFailed {
                        reason,
                        message,
                        tcr_errors,
                        retryable,
                    }
                })
                .into_iter()
                .collect()),
        }
    }

    /// Pure evolution: the state after one more event.
    pub fn evolve(&mut self, event: TcrAccountEvent) {
        match event {
            TcrAccountEvent::CnpMigrationSettingsRequested { settings } => {
                self.pending = Some(settings)
            }
            TcrAccountEvent::CnpMigrationSettingsChanged { settings } => {
                self.cnp_migration = Some(settings);
                self.pending = None;
            }
            TcrAccountEvent::CnpMigrationSettingsFailed { .. } => self.pending = None,
        }
    }
}

crate::aggregate!(
    TcrAccount,
    "TcrAccount",
    TcrAccountCommand,
    TcrAccountEvent,
    TcrAccountError
);

#[cfg(test)]
mod tests {
    use cqrs_es::test::TestFramework;

    use super::*;

    type AccountTest = TestFramework<TcrAccount>;

    fn supported(on: bool) -> TcrCnpMigrationSettings {
        TcrCnpMigrationSettings {
            migration_supported: Some(on),
            migration_auto_complete: None,
        }
    }

    #[test]
    fn it_should_record_a_settings_change_before_tcr_and_tcr_s_answer_after() {
        // given nothing yet, when migration is turned on, then the intent is recorded
        AccountTest::with(())
            .given_no_previous_events()
            .when(TcrAccountCommand::RequestCnpMigrationSettings {
                settings: supported(true),
            })
            .then_expect_events(vec![TcrAccountEvent::CnpMigrationSettingsRequested {
                settings: supported(true),
            }]);
        // and when TCR answers with what it holds, then that is recorded
        let requested = vec![TcrAccountEvent::CnpMigrationSettingsRequested {
            settings: supported(true),
        }];
        let held = TcrCnpMigrationSettings {
            migration_supported: Some(true),
            migration_auto_complete: Some(false),
        };
        AccountTest::with(())
            .given(requested.clone())
            .when(TcrAccountCommand::RecordCnpMigrationSettings { settings: held })
            .then_expect_events(vec![TcrAccountEvent::CnpMigrationSettingsChanged {
                settings: held,
            }]);
        // a second change waits for the first's answer
        AccountTest::with(())
            .given(requested)
            .when(TcrAccountCommand::RequestCnpMigrationSettings {
                settings: supported(false),
            })
            .then_expect_error(TcrAccountError::ActionPending);
    }

    #[test]
    fn it_should_record_tcr_s_refusal_and_free_the_account_for_another_change() {
        let requested = vec![TcrAccountEvent::CnpMigrationSettingsRequested {
            settings: supported(true),
        }];
        let mut state = TcrAccount::default();
        let failed = state
            .clone()
            .decide(TcrAccountCommand::RecordCnpMigrationSettingsFailed {
                error: TcrError::Timeout,
            })
            .unwrap();
        assert!(failed.is_empty(), "nothing pending, nothing recorded");
        for event in requested.clone() {
            state.evolve(event);
        }
        let failed = state
            .decide(TcrAccountCommand::RecordCnpMigrationSettingsFailed {
                error: TcrError::Timeout,
            })
            .unwrap();
        assert!(
            matches!(&failed[..], [TcrAccountEvent::CnpMigrationSettingsFailed { reason, retryable: true, .. }] if reason == "timeout"),
            "{failed:?}"
        );
        for event in failed {
            state.evolve(event);
        }
        assert_eq!(state.pending, None);
    }

    #[test]
    fn it_should_refuse_a_change_that_names_nothing() {
        AccountTest::with(())
            .given_no_previous_events()
            .when(TcrAccountCommand::RequestCnpMigrationSettings {
                settings: TcrCnpMigrationSettings::default(),
            })
            .then_expect_error(TcrAccountError::NotApplicable(
                "name migrationSupported or migrationAutoComplete to change".into(),
            ));
    }
}
