//! The live feed (`GET /ws`): changes of brands and campaigns as they are committed, read from
//! the event stream by every replica, told to each client for its own customer.
pub mod feed;
pub mod message;
pub mod socket;
pub mod tickets;

pub use feed::Feed;
pub use message::Change;
