//! The workspace service's decisions, as a pure state machine: commands and events in, effects
//! out, no IO and no clock (like `shared::protocol::client`).
//!
//! One write path for every record kind: each local edit (an Automerge change already made on
//! the live document) joins its record's save queue, and the machine says when to save what
//! ([`save_queue`]), which subscriptions must re-read after a save, a received page, an import or
//! a sign-out ([`invalidation`]), when to retry a failed save, when signing out is refused, and
//! what the leader tab pushes after a hand-over ([`machine`]). [`memory`] is an in-memory store
//! that executes the storage effects, so all of it is tested natively.
//!
//! Everything that crosses this API is plain, serde-serialisable data (ids are the shared
//! newtypes, failures are `Problem`s): the service is meant to move into a Web Worker, so no
//! closure, `Rc` or browser handle may appear here. This module must not touch IndexedDB, the
//! socket, timers or the DOM: the effect runner on the wasm side does, and reports back events.

#[cfg(target_arch = "wasm32")]
pub mod dashboard_figures;
pub mod dashboard_rows;
#[cfg(target_arch = "wasm32")]
pub mod data_transfer;
pub mod import_session;
pub mod invalidation;
pub mod machine;
pub mod memory;
#[cfg(target_arch = "wasm32")]
pub mod open_records;
pub mod record;
#[cfg(target_arch = "wasm32")]
pub mod runner;
pub mod save_queue;
#[cfg(target_arch = "wasm32")]
pub mod search_index;
#[cfg(target_arch = "wasm32")]
pub mod segment_lists;
#[cfg(target_arch = "wasm32")]
pub mod service;
pub mod transfer_job;
#[cfg(target_arch = "wasm32")]
mod use_topic;

pub use invalidation::{Links, StoredRecord, Topic, Written};
pub use machine::{Command, Effect, Event, Loss, RecordStatus, SaveFailure, Workspace};
pub use record::{ListKind, RecordRef};
pub use save_queue::SaveId;
#[cfg(target_arch = "wasm32")]
pub use use_topic::use_topic;

// Native only: proptest is not built for wasm32 (the wasm tests run in Chromium).
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;
