//! tendlc's outside world: Postgres, TCR's HTTP API and the TCR simulator.
pub mod db;
pub mod event_store;
pub mod tcr_client;
pub mod tcr_sim;
pub mod webhook_intake;
pub mod webhook_signature;
