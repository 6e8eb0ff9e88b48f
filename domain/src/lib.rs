//! tendlc's domain: pure rules, no IO.
mod aggregate;
pub mod attachment;
pub mod brand;
pub mod campaign;
pub mod customer;
pub mod ids;
pub mod input;
pub mod metadata;
pub mod notification;
pub mod partner_campaign;
pub mod reseller;
pub mod tcr;
pub mod tcr_account;
pub mod upcasters;
pub mod validation;
pub mod values;
pub mod webhook;

/// A hash of this crate's sources: aggregate states stored by other code are not read back
/// (`build.rs`).
pub const FINGERPRINT: &str = env!("TENDLC_DOMAIN_FINGERPRINT");
