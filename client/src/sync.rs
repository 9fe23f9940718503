//! The only module that talks to the network: the relay's HTTP API (`api`) and its sync socket
//! (`socket`), driven by the leader tab's `engine`.
//!
//! One tab per device runs the engine, in its workspace worker (`bridge::worker` starts it when
//! `hooks::use_sync` reports the tab elected, and a replacement worker starts it again); every
//! other tab's worker stores its own saves and the tabs tell the leader through a
//! `BroadcastChannel`. Pages and components never call this module: they use the `use_sync`
//! hook's handle, whose commands reach the engine over the worker bridge.

pub mod api;
mod engine;
mod socket;

use std::rc::Rc;

use futures::channel::mpsc;

use engine::{EngineEvent, Listeners};

pub use crate::state::sync_status::SyncCommand;
use crate::state::sync_status::SyncStatus;
use crate::storage::{Changed, Storage};

/// The running engine of the leader tab.
#[derive(Clone, Debug)]
pub struct SyncEngine {
    events: mpsc::UnboundedSender<EngineEvent>,
}

impl SyncEngine {
    /// Starts the engine on `storage`; `on_status` hears every status change, `on_changed`
    /// every record the relay's data changed (or removed), `on_digest` the accounts colleagues
    /// changed while this device was away (once it has caught up), and `on_set_aside` that
    /// changes were set aside in the quarantine or taken back from it.
    pub fn start(
        storage: Rc<Storage>,
        on_status: impl Fn(&SyncStatus) + 'static,
        on_changed: impl Fn(Vec<Changed>) + 'static,
        on_digest: impl Fn(Vec<engine::ChangedAway>) + 'static,
        on_set_aside: impl Fn() + 'static,
    ) -> Self {
        let (events, inbox) = mpsc::unbounded();
        let listeners = Listeners {
            status: Rc::new(on_status),
            changed: Rc::new(on_changed),
            digest: Rc::new(on_digest),
            set_aside: Rc::new(on_set_aside),
        };
        wasm_bindgen_futures::spawn_local(engine::run(storage, events.clone(), inbox, listeners));
        let engine = Self { events };
        engine.send(SyncCommand::Wake);
        engine
    }

    /// Closes the socket and ends the engine (the tab resigned).
    pub fn stop(&self) {
        let _stopped = self.events.unbounded_send(EngineEvent::Stop);
    }

    /// Tells the engine something happened.
    pub fn send(&self, command: SyncCommand) {
        let event = match command {
            SyncCommand::Wake => EngineEvent::Wake,
            SyncCommand::SyncNow => EngineEvent::SyncNow,
            SyncCommand::LocalChange => EngineEvent::LocalChange,
            SyncCommand::SignedIn => EngineEvent::SignedIn,
            SyncCommand::SignOut => EngineEvent::SignOut,
            SyncCommand::Network { online } => EngineEvent::Network { online },
        };
        // The engine stops only when its worker ends.
        let _stopped = self.events.unbounded_send(event);
    }
}

impl PartialEq for SyncEngine {
    fn eq(&self, other: &Self) -> bool {
        self.events.same_receiver(&other.events)
    }
}
