//! The only module that talks to the network: the relay's HTTP API (`api`) and its sync socket
//! (`socket`), driven by the leader tab's `engine`.
//!
//! One tab per device runs the engine (see `hooks::use_sync`, which elects it); every other tab
//! writes to storage itself and tells the leader through a `BroadcastChannel`. Pages and
//! components never call this module: they use the `use_sync` hook's handle.

pub mod api;
mod engine;
mod socket;

use std::rc::Rc;

use futures::channel::mpsc;

use engine::{EngineEvent, Listeners};

use crate::state::sync_status::SyncStatus;
use crate::storage::{Changed, Storage};
use shared::protocol::DocumentId;

/// What the app tells the engine.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SyncCommand {
    /// Try now if waiting: the browser came online or the app regained focus.
    Wake,
    /// The rep asked to sync now.
    SyncNow,
    /// Local changes were written to the outbox (by this tab or another).
    LocalChange,
    /// Someone signed in on this device.
    SignedIn,
    /// The device is being signed out.
    SignOut,
}

/// The running engine of the leader tab.
#[derive(Clone, Debug)]
pub struct SyncEngine {
    events: mpsc::UnboundedSender<EngineEvent>,
}

impl SyncEngine {
    /// Starts the engine on `storage`; `on_status` hears every status change, `on_changed`
    /// every record the relay's data changed, and `on_digest` the accounts colleagues changed
    /// while this device was away (once it has caught up).
    pub fn start(
        storage: Rc<Storage>,
        on_status: impl Fn(&SyncStatus) + 'static,
        on_changed: impl Fn(Vec<Changed>) + 'static,
        on_digest: impl Fn(Vec<DocumentId>) + 'static,
    ) -> Self {
        let (events, inbox) = mpsc::unbounded();
        let listeners = Listeners {
            status: Rc::new(on_status),
            changed: Rc::new(on_changed),
            digest: Rc::new(on_digest),
        };
        wasm_bindgen_futures::spawn_local(engine::run(storage, events.clone(), inbox, listeners));
        let engine = Self { events };
        engine.send(SyncCommand::Wake);
        engine
    }

    /// Tells the engine something happened.
    pub fn send(&self, command: SyncCommand) {
        let event = match command {
            SyncCommand::Wake => EngineEvent::Wake,
            SyncCommand::SyncNow => EngineEvent::SyncNow,
            SyncCommand::LocalChange => EngineEvent::LocalChange,
            SyncCommand::SignedIn => EngineEvent::SignedIn,
            SyncCommand::SignOut => EngineEvent::SignOut,
        };
        // The engine stops only when the page closes.
        let _stopped = self.events.unbounded_send(event);
    }
}

impl PartialEq for SyncEngine {
    fn eq(&self, other: &Self) -> bool {
        self.events.same_receiver(&other.events)
    }
}
