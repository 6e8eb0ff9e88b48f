//! The Brand aggregate: what was asked of TCR for one brand, and what TCR answered.
mod aggregate;
pub mod auth_plus;
mod campaigns_allowed;
mod commands;
mod events;
mod identity;
pub mod profile;
pub(crate) mod summary;
mod transitions;

pub use aggregate::{Brand, BrandError, RegistrationStatus};
pub use auth_plus::{AuthPlus, AuthPlusStatus};
pub use campaigns_allowed::NotReadyForCampaigns;
pub use commands::BrandCommand;
pub use events::BrandEvent;
pub use identity::{BrandAction, BrandActionAnswer, VettingRecord};
pub use profile::{BrandBody, BrandDraft, BrandProfile};
pub use transitions::tcr_status_when_submitted;
