//! Tamper evidence: every event chained to the one before it by a hash (`chain`), kept by an
//! ordered consumer of the stream that reads every event; `verify` recomputes the chain from the
//! events and names the first one altered, removed or inserted out of band, and checks it
//! against a head a third party holds.
pub(crate) mod chain;
mod proof;
mod verify;

pub use chain::{link_hash, ChainedEvent, EventChain, GENESIS};
pub use proof::{check_proof, proof, ChainProof, ProofLink, ProvenEvent};
pub use verify::{head, verify, Finding, FindingKind, Head, Verification};
