//! The relay over real WebSockets on loopback: convergence, durability of acks, limits, refusals.
//!
//! Each test runs the real server in-process on port 0 with its own data directory, and drives
//! devices with the real client state machine (`shared::protocol::client`) over tokio-tungstenite.

mod access;
mod authorisation;
mod bootstrap;
mod demo;
mod handover;
mod harness;
mod http;
mod instances;
mod quotas;
mod reach_simulation;
mod reads;
mod realignment;
mod refusals;
mod sync;
