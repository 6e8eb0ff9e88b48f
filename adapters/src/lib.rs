//! tendlc's outside world: Postgres, TCR's HTTP API and TCR's webhooks.
pub mod attachments;
pub mod db;
pub mod event_store;
pub mod idempotency;
pub mod mail;
pub mod tcr_budget;
pub mod tcr_client;
pub mod webhook_intake;
pub mod webhook_refusals;
pub mod webhook_signature;
