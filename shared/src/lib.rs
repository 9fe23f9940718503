//! Carnet's sans-IO core, shared by the client (wasm) and the relay (native).
//!
//! It owns the CRM domain, the mapping between records and Automerge documents, and the derived
//! index rows that lists read. It must never do IO: no tokio, axum, yew, web-sys or idb here.

pub mod account;
pub mod ids;
pub mod index;
pub mod protocol;
pub mod search;
