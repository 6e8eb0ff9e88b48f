//! The Campaign aggregate: what was asked of TCR for one campaign, and what TCR and each
//! carrier answered.
mod aggregate;
pub mod carriers;
mod cnp_migration;
mod commands;
mod events;
pub mod profile;
mod summary;
mod transitions;

pub use aggregate::{Campaign, CampaignError, CarrierState, Sharing};
pub use carriers::{CarrierReason, Mno, SendingVerdict, Throughput};
pub use cnp_migration::CnpMigration;
pub use commands::{ActionAnswer, CampaignCommand, Observation};
pub use events::{Billing, CampaignAction, CampaignEvent};
pub use profile::{CampaignBody, CampaignProfile};
