//! Reports from the events, for the API and `tendlc report`: the compliance report of a
//! customer or brand over a period (`compliance`), the fee ledger (`fees`), and what was sent to
//! TCR exactly (`submitted`, for evidence packs).
pub mod compliance;
pub mod fees;
pub mod submitted;
