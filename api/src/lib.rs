//! tendlc's service: the HTTP edge, the application behind it, the background workers, and the
//! `tendlc` binary's configuration.
pub mod application;
pub mod bench;
pub mod chaos;
pub mod config;
pub mod http;
pub mod live;
pub mod operate;
pub mod rebuild;
pub mod report;
pub mod serve;
pub mod telemetry;
pub mod workers;
