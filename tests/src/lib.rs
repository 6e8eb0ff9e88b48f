//! Test harness: a fresh database per test, the TCR simulator and tendlc on random ports.
pub mod db;
pub mod fixtures;
pub mod harness;
pub mod secret_scan;
pub mod sendgrid;
pub mod stand_in;

pub use harness::{ProcessApp, Sim, TestApp};
