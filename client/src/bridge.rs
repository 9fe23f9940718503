//! The worker bridge: the workspace service runs in a dedicated Web Worker (its own wasm module,
//! `carnet-worker`), and the page talks to it with typed messages.
//!
//! - [`message`]: what crosses the boundary, in one format (serde values through
//!   `postMessage`'s structured clone), inside an envelope that names its protocol version.
//! - [`carried`]: answers only a page reads cross as the worker serialised them, and are read
//!   where that page uses them, so their reading code stays out of the first screen's module.
//! - [`ledger`]: the page's record of what a new worker must be told (the database, whether this
//!   tab leads, every open subscription and every save or edit not yet answered), the heartbeat that
//!   notices a worker that stopped answering, and the restart back-off. Pure, tested natively.
//! - `page` (wasm): spawns the worker, posts and receives, and restarts a worker that died
//!   (an error, a trap, or silence past the heartbeat), replaying the ledger so no queued edit
//!   is lost; a save stored by a worker that died before answering is stored once (storage skips
//!   changes a document already holds).
//! - `worker` (wasm): the worker's side, which runs the workspace service's effect runner
//!   against IndexedDB and answers.

pub mod carried;
pub mod ledger;
pub mod message;
#[cfg(target_arch = "wasm32")]
pub mod page;
#[cfg(target_arch = "wasm32")]
pub mod worker;

pub use ledger::{Heartbeat, Ledger, Pulse, Restarts};
pub use message::{
    Answer, DigestEntry, Envelope, Found, FromWorker, Query, Reply, Ticket, ToWorker, MAX_HITS,
    PROTOCOL,
};
