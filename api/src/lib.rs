//! tendlc's HTTP API, its auth and the commands behind it.
pub mod app;
pub mod auth;
pub mod brand_service;
pub mod campaign_service;
pub mod config;
pub mod consistency;
pub mod error;
pub mod recorder;
pub mod routes;
pub mod sync;
pub mod telemetry;
pub mod tls;
pub mod views;
