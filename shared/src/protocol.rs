//! The sync protocol between a device and the relay, without any IO.
//!
//! - `messages`: the typed messages of each protocol version, and their stable error codes;
//! - `codec`: the one encoder and decoder per side (a version prefix, then postcard);
//! - `change`: what the relay learns from a change's bytes before storing it;
//! - `client`: the device's state machine (outbox in, pushes out, acks and entries back);
//! - `relay`: one connection's state machine on the relay side.
//!
//! Both state machines take events and return effects; sockets, storage and clocks belong to
//! their drivers (`client::sync`, `server::session`). This module must never do IO.

pub mod change;
pub mod client;
pub mod codec;
pub mod messages;
pub mod reconnect;
pub mod relay;

#[cfg(test)]
mod simulation;

pub use messages::{
    holdings_digest, BatchId, Change, ClientMessage, DeviceId, DocumentId, DocumentSnapshot, Entry,
    ErrorCode, Hello, Seq, ServerMessage, MAX_HOLDING_PAGE, OLDEST_PROTOCOL_VERSION,
    PROTOCOL_VERSION,
};
