//! Carnet's sans-IO core, shared by the client (wasm) and the relay (native).
//!
//! It owns the CRM domain (accounts, contacts, deals, workspace settings, and the sales records:
//! catalogue products, quotes and orders), the mapping between records and Automerge documents
//! (one document per record), their schema migrations, history and conflicts, the validated
//! value types, and the derived index rows that lists read. It must never do IO or read the
//! clock: no tokio, axum, yew, web-sys or idb here, and time is passed in.

pub mod account;
pub mod cockpit;
pub mod conflicts;
pub mod contact;
pub mod deal;
pub mod demo;
pub mod document;
pub mod edit;
pub mod field;
pub mod history;
pub mod ids;
pub mod index;
pub mod migration;
pub mod protocol;
pub mod record;
pub mod record_patch;
pub mod replica;
pub mod sales;
pub mod search;
pub mod settings;
pub mod transfer;
pub mod values;
