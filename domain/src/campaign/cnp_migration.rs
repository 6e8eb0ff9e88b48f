//! CNP migration: moving one of our campaigns from the connectivity partner that accepted it to
//! another. Asked for and cancelled as campaign actions (recorded before TCR is called, the
//! answer after); TCR decides the end (COMPLETED when the new partner accepts, CANCELLED when it
//! declines), which tendlc learns by reading the migration back. A request whose answer was
//! lost is read back too: TCR may have started it, and it is adopted if so.
use serde::{Deserialize, Serialize};

use super::aggregate::{Campaign, CampaignError};
use super::events::{CampaignAction, CampaignEvent};
use crate::metadata::Source;
use crate::tcr::TcrCnpMigration;
use crate::values::{CnpMigrationStatus, SharingStatus};

/// The campaign's latest CNP migration, as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CnpMigration {
    pub upstream_cnp_id: String,
    pub status: CnpMigrationStatus,
    pub cancellation_reason: Option<String>,
}

impl Campaign {
    /// A migration may start from an ACTIVE campaign whose sharing a partner ACCEPTED, to
    /// another partner, while no other migration is under way (TCR's own rules, so a request
    /// that cannot succeed is refused before it is recorded or sent).
    pub(super) fn request_cnp_migration(
        &self,
        upstream_cnp_id: String,
    ) -> Result<Vec<CampaignEvent>, CampaignError> {
        self.require_active()?;
        if let Some(partner) = &self.cnp_migration_unconfirmed {
            return Err(CampaignError::NotApplicable(format!(
                "TCR did not confirm the last CNP migration request (to {partner}); read it back first (GET …/cnp-migration)"
            )));
        }
        // First: while one is under way TCR shows its provisional share (PENDING) as the
        // campaign's sharing.
        if self.migration_under_way() {
            return Err(CampaignError::NotApplicable(
                "a CNP migration of this campaign is already under way; cancel it first".into(),
            ));
        }
        let current = match &self.sharing {
            Some(sharing) if sharing.status == SharingStatus::Accepted => {
                sharing.upstream_cnp_id.as_deref()
            }
            _ => {
                return Err(CampaignError::NotApplicable(
                    "only a campaign whose sharing a connectivity partner ACCEPTED can migrate to another".into(),
                ))
            }
        };
        if current == Some(upstream_cnp_id.as_str()) {
            return Err(CampaignError::NotApplicable(format!(
                "the campaign is already with {upstream_cnp_id}"
            )));
        }
        self.action(CampaignAction::MigrateCnp { upstream_cnp_id })
    }

    pub(super) fn request_cnp_migration_cancel(
        &self,
        explanation: Option<String>,
    ) -> Result<Vec<CampaignEvent>, CampaignError> {
        self.require_registered()?;
        if !self.migration_under_way() {
            return Err(CampaignError::NotApplicable(
                "no CNP migration of this campaign is under way".into(),
            ));
        }
        self.action(CampaignAction::CancelCnpMigration { explanation })
    }

    /// Whether TCR's reading of the migration may change the record: one is under way, or a
    /// request's answer was lost.
    pub fn cnp_migration_to_read(&self) -> bool {
        self.migration_under_way() || self.cnp_migration_unconfirmed.is_some()
    }

    fn migration_under_way(&self) -> bool {
        self.cnp_migration
            .as_ref()
            .is_some_and(|m| m.status == CnpMigrationStatus::Active)
    }

    /// What TCR answered to an accepted migration request or cancellation.
    pub(super) fn cnp_migration_answered(&self, action: &CampaignAction) -> Option<CampaignEvent> {
        let held = self.cnp_migration.as_ref();
        match action {
            CampaignAction::MigrateCnp { upstream_cnp_id } => {
                Some(CampaignEvent::CampaignCnpMigrationChanged {
                    upstream_cnp_id: upstream_cnp_id.clone(),
                    from: held.map(|m| m.status),
                    to: CnpMigrationStatus::Active,
                    cancellation_reason: None,
                    source: Source::Api,
                })
            }
            CampaignAction::CancelCnpMigration { explanation } => {
                held.map(|m| CampaignEvent::CampaignCnpMigrationChanged {
                    upstream_cnp_id: m.upstream_cnp_id.clone(),
                    from: Some(m.status),
                    to: CnpMigrationStatus::Cancelled,
                    cancellation_reason: explanation.clone(),
                    source: Source::Api,
                })
            }
            _ => None,
        }
    }

    /// TCR's reading of the campaign's latest migration (`None`: it holds none). For the
    /// migration we hold under way, a new status is recorded once. For a request whose answer
    /// was lost, a migration TCR holds under way is ours (only one can be), so it is adopted; one
    /// that already ended is ours only if the campaign never had another; otherwise TCR never
    /// started it. A status this build does not know records nothing.
    pub(super) fn observe_cnp_migration(
        &self,
        tcr: Option<TcrCnpMigration>,
        source: Source,
    ) -> Result<Vec<CampaignEvent>, CampaignError> {
        self.require_registered()?;
        let held = self.cnp_migration.as_ref();
        let reading = match tcr {
            Some(tcr) => match CnpMigrationStatus::parse(&tcr.status) {
                Some(to) => Some((to, tcr.cancellation_reason.filter(|r| !r.is_empty()))),
                None => return Ok(vec![]),
            },
            None => None,
        };
        if let Some(held) = held.filter(|m| m.status == CnpMigrationStatus::Active) {
            // A migration ends once: a late reading of an ACTIVE one does not start it again.
            return Ok(match reading {
                Some((to, cancellation_reason)) if to != held.status => {
                    vec![CampaignEvent::CampaignCnpMigrationChanged {
                        upstream_cnp_id: held.upstream_cnp_id.clone(),
                        from: Some(held.status),
                        to,
                        cancellation_reason,
                        source,
                    }]
                }
                _ => vec![],
            });
        }
        let Some(upstream_cnp_id) = self.cnp_migration_unconfirmed.clone() else {
            return Ok(vec![]);
        };
        Ok(vec![match reading {
            Some((to, cancellation_reason))
                if to == CnpMigrationStatus::Active || held.is_none() =>
            {
                CampaignEvent::CampaignCnpMigrationChanged {
                    upstream_cnp_id,
                    from: held.map(|m| m.status),
                    to,
                    cancellation_reason,
                    source,
                }
            }
            _ => CampaignEvent::CampaignCnpMigrationNotStarted {
                upstream_cnp_id,
                source,
            },
        }])
    }
}
