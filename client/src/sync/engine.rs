//! The sync engine of the leader tab, run in that tab's workspace worker: it drives
//! `shared::protocol::client::SyncClient` with the socket, the device's storage and a clock, one
//! event at a time.
//!
//! Events (socket frames, "the outbox grew", "sync now", timers, sign-in and sign-out) arrive on
//! one channel and are handled strictly in order, each effect awaited before the next, so what
//! is stored always matches the cursor stored with it. Reconnection waits follow
//! `shared::protocol::reconnect::Backoff` (exponential with full jitter) and are cut short by the
//! browser coming back online, the app regaining focus, or the rep pressing "sync now".
//!
//! The heartbeat's timer lives here, its decisions in `SyncClient::heartbeat`: one timer per
//! connection, armed for the time the client asks, so a link that went silent without a reset
//! is closed and replaced (through the same backoff) instead of being trusted for minutes.
//!
//! Per-record access: after each welcome the engine tells the client which documents the
//! device holds; documents that left the person's reach are purged (their unsynced changes set
//! aside in the quarantine, in the same transaction), documents that entered it are stored with
//! any changes set aside earlier, which go out again, and changes the relay refuses are set
//! aside so the rest of the outbox flows.

use std::collections::VecDeque;
use std::rc::Rc;
use std::time::Duration;

use wasm_bindgen::JsCast;

use futures::channel::mpsc::{UnboundedReceiver, UnboundedSender};
use futures::StreamExt;
use shared::protocol::client::{ClientEffect, ClientEvent, ClientPhase, Heartbeat, SyncClient};
use shared::protocol::codec::{decode_server, encode_client};
use shared::protocol::reconnect::Backoff;
use shared::protocol::{
    ClientMessage, DeviceId, DocumentId, DocumentSnapshot, Entry, ErrorCode, Seq,
};
use shared::replica::RecordKind;

use super::api::{self, ApiError};
use super::socket::{Socket, SocketEvent};
use crate::state::problem::Problem;
use crate::state::sync_status::{Connection, SyncStatus};
use crate::storage::{Changed, Received, Storage, StorageError};

/// How many log entries (or snapshots) one storage transaction takes, so progress is kept and
/// shown in steps on a new device.
const ENTRIES_PER_TRANSACTION: usize = 200;

/// How long a socket may take to open before the attempt counts as failed: a link that carries
/// no packets never answers the handshake, and browsers wait minutes before they say so.
const OPEN_DEADLINE: Duration = Duration::from_secs(15);

/// What the engine reacts to.
#[derive(Debug)]
pub(crate) enum EngineEvent {
    /// Start, or try now if waiting: the app started, came online or regained focus.
    Wake,
    /// The rep pressed "sync now".
    SyncNow,
    /// The tab resigned: close the socket and end.
    Stop,
    /// The page says the browser is (or is not) online.
    Network {
        /// Whether it is.
        online: bool,
    },
    /// Local changes were written to the outbox (by this tab or another one).
    LocalChange,
    /// Someone signed in on this device.
    SignedIn,
    /// The device is being signed out: close the socket and forget the session.
    SignOut,
    /// The socket of connection `generation` reported `event`.
    Socket {
        /// Which connection (older ones are ignored).
        generation: u64,
        /// What happened.
        event: SocketEvent,
    },
    /// The retry wait of connection attempt `generation` ended.
    RetryDue {
        /// Which attempt scheduled it.
        generation: u64,
    },
    /// The socket of connection `generation` should have opened by now.
    OpenDue {
        /// Which connection armed the timer.
        generation: u64,
    },
    /// The heartbeat of connection `generation` asked to be checked now.
    HeartbeatDue {
        /// Which connection armed the timer.
        generation: u64,
    },
}

/// An account colleagues changed while the device was away, and who changed it.
pub(crate) type ChangedAway = (DocumentId, Vec<shared::edit::Editor>);

/// Who hears about the engine's progress.
pub(crate) struct Listeners {
    /// The status changed.
    pub(crate) status: Rc<dyn Fn(&SyncStatus)>,
    /// Records changed in storage because of what the relay sent.
    pub(crate) changed: Rc<dyn Fn(Vec<Changed>)>,
    /// After catching up from a disconnection: the accounts colleagues changed meanwhile, each
    /// with who changed it (as far as the changes name their author).
    pub(crate) digest: Rc<dyn Fn(Vec<ChangedAway>)>,
    /// Changes were set aside in the quarantine or taken back from it.
    pub(crate) set_aside: Rc<dyn Fn()>,
}

/// Runs the engine until it is stopped (or the channel closes).
pub(crate) async fn run(
    storage: Rc<Storage>,
    events: UnboundedSender<EngineEvent>,
    mut inbox: UnboundedReceiver<EngineEvent>,
    listeners: Listeners,
) {
    let mut engine = Engine {
        storage,
        events,
        listeners,
        client: None,
        socket: None,
        ticket: None,
        generation: 0,
        retry_scheduled: false,
        backoff: Backoff::default(),
        last_outbox_key: 0,
        status: SyncStatus::default(),
        stopped: None,
        away: None,
        online: browser_online(),
    };
    engine.refresh_pending().await;
    while let Some(event) = inbox.next().await {
        if matches!(event, EngineEvent::Stop) {
            break;
        }
        engine.handle(event).await;
    }
}

struct Engine {
    storage: Rc<Storage>,
    events: UnboundedSender<EngineEvent>,
    listeners: Listeners,
    client: Option<SyncClient>,
    socket: Option<Socket>,
    /// The ticket to present once the socket of the current generation opens.
    ticket: Option<String>,
    generation: u64,
    retry_scheduled: bool,
    backoff: Backoff,
    last_outbox_key: u64,
    status: SyncStatus,
    /// Why sync stopped until the rep acts (signs in again, updates the app).
    stopped: Option<Problem>,
    /// While catching up after being away: the accounts that gained colleagues' changes, and
    /// who made them.
    away: Option<Vec<ChangedAway>>,
    /// Whether the browser says it is online (the page's word once it has spoken).
    online: bool,
}

impl Engine {
    async fn handle(&mut self, event: EngineEvent) {
        match event {
            EngineEvent::Wake | EngineEvent::SyncNow => {
                if self.socket.is_none() {
                    self.connect().await;
                }
            }
            // `run` ends on `Stop` before handing it here.
            EngineEvent::Stop => {}
            EngineEvent::Network { online } => {
                self.online = online;
                if online && self.socket.is_none() {
                    self.connect().await;
                }
            }
            EngineEvent::SignedIn => {
                self.stopped = None;
                self.client = None;
                self.backoff.succeed();
                if self.socket.is_none() {
                    self.connect().await;
                }
            }
            EngineEvent::SignOut => {
                self.generation += 1;
                self.socket = None;
                self.client = None;
                self.ticket = None;
                self.last_outbox_key = 0;
                self.status = SyncStatus {
                    connection: Connection::SignedOut,
                    ..SyncStatus::default()
                };
                self.publish();
            }
            EngineEvent::LocalChange => self.take_outbox().await,
            EngineEvent::RetryDue { generation } => {
                if generation == self.generation {
                    self.retry_scheduled = false;
                    if self.socket.is_none() {
                        self.connect().await;
                    }
                }
            }
            EngineEvent::OpenDue { generation } => {
                // Still no `open` (nor `close`): the handshake is lost in a silent link.
                if generation == self.generation && self.socket.is_some() && self.ticket.is_some() {
                    gloo::console::warn!("the relay did not answer: trying again");
                    self.socket = None;
                    self.ticket = None;
                    self.retry_later();
                }
            }
            EngineEvent::HeartbeatDue { generation } => {
                if generation == self.generation && self.socket.is_some() {
                    self.check_heartbeat().await;
                }
            }
            EngineEvent::Socket { generation, event } if generation == self.generation => {
                self.socket_event(event).await;
            }
            EngineEvent::Socket { .. } => {}
        }
    }

    /// Gets a ticket and opens a socket, or explains why not.
    async fn connect(&mut self) {
        if self.stopped.is_some() {
            return;
        }
        let session = match self.storage.session().await {
            Ok(Some(session)) => session,
            Ok(None) => {
                self.status.connection = Connection::SignedOut;
                self.publish();
                return;
            }
            Err(error) => return self.stop(error.problem()),
        };
        let device = DeviceId(uuid::Uuid::from_bytes(*session.device_id.as_bytes()));
        if !self.online {
            self.status.connection = Connection::Offline;
            self.publish();
            // The `online` event wakes the engine.
            return;
        }
        if self.client.is_none() {
            match self.new_client(device).await {
                Ok(client) => self.client = Some(client),
                Err(error) => return self.stop(error.problem()),
            }
        }
        self.status.connection = Connection::Connecting;
        self.publish();
        let ticket = match api::ticket(&session).await {
            Ok((ticket, refreshed)) => {
                if let Some(refreshed) = refreshed {
                    if let Err(error) = self.storage.save_session(&refreshed).await {
                        gloo::console::warn!(format!("refreshed session not kept: {error}"));
                    }
                }
                ticket
            }
            Err(ApiError::SessionEnded) => return self.stop(ApiError::SessionEnded.problem()),
            // The page erases the workspace when it hears this (`use_sync`).
            Err(ApiError::DeviceRevoked) => return self.stop(ApiError::DeviceRevoked.problem()),
            Err(_) => return self.retry_later(),
        };
        self.generation += 1;
        match Socket::open(&sync_url(), self.generation, &self.events) {
            Ok(socket) => {
                self.socket = Some(socket);
                self.ticket = Some(ticket);
                self.arm(
                    OPEN_DEADLINE,
                    EngineEvent::OpenDue {
                        generation: self.generation,
                    },
                );
            }
            Err(_) => self.retry_later(),
        }
    }

    async fn new_client(&mut self, device: DeviceId) -> Result<SyncClient, StorageError> {
        let cursor = self.storage.cursor().await?;
        let outbox = self.storage.outbox().await?;
        self.last_outbox_key = outbox.last().map_or(0, |entry| entry.key);
        Ok(SyncClient::new(device, cursor, outbox))
    }

    async fn socket_event(&mut self, event: SocketEvent) {
        match event {
            SocketEvent::Opened => {
                let Some(ticket) = self.ticket.take() else {
                    return;
                };
                // A device that already holds the workspace collects what changed while away;
                // a new device's download is not news.
                let returning = self
                    .client
                    .as_ref()
                    .is_some_and(|client| client.cursor() > Seq(0));
                self.away = returning.then(Vec::new);
                self.drive(ClientEvent::Connected { ticket }).await;
                self.check_heartbeat().await;
            }
            SocketEvent::Frame(bytes) => match decode_server(&bytes) {
                Ok(message) => self.drive(ClientEvent::Received(message)).await,
                Err(error) => {
                    // One decoder: a frame it cannot read means the two sides are out of step.
                    gloo::console::warn!(format!("unreadable frame from the relay: {error}"));
                    self.socket = None;
                    self.drive(ClientEvent::Disconnected).await;
                    self.retry_later();
                }
            },
            SocketEvent::Closed => {
                self.socket = None;
                self.ticket = None;
                self.drive(ClientEvent::Disconnected).await;
                self.retry_later();
            }
        }
    }

    /// Asks the client whether the connection needs a ping or is dead, and arms the next check.
    async fn check_heartbeat(&mut self) {
        let Some(client) = self.client.as_mut() else {
            return;
        };
        let now = monotonic_now();
        match client.heartbeat(now) {
            Heartbeat::Wait { until: None } => {}
            Heartbeat::Wait { until: Some(until) } => self.arm_heartbeat(until.saturating_sub(now)),
            Heartbeat::Ping { message, until } => {
                self.send(&message);
                self.arm_heartbeat(until.saturating_sub(now));
            }
            Heartbeat::Silent => {
                gloo::console::warn!("the relay went silent: replacing the connection");
                // Dropping the socket closes it; its late events belong to an old generation.
                self.socket = None;
                self.ticket = None;
                self.retry_later();
            }
        }
    }

    /// Checks the heartbeat of the current connection again after `wait`.
    fn arm_heartbeat(&self, wait: Duration) {
        self.arm(
            wait,
            EngineEvent::HeartbeatDue {
                generation: self.generation,
            },
        );
    }

    /// Sends `event` to the engine after `wait`.
    fn arm(&self, wait: Duration, event: EngineEvent) {
        let events = self.events.clone();
        wasm_bindgen_futures::spawn_local(async move {
            gloo::timers::future::sleep(wait.max(Duration::from_millis(1))).await;
            // The engine is gone only when the page closes.
            let _closed = events.unbounded_send(event);
        });
    }

    /// Hands new outbox entries to the client (which pushes them when connected).
    async fn take_outbox(&mut self) {
        if self.client.is_some() {
            match self.storage.outbox_after(self.last_outbox_key).await {
                Ok(entries) if !entries.is_empty() => {
                    self.last_outbox_key = entries.last().map_or(self.last_outbox_key, |e| e.key);
                    self.drive(ClientEvent::OutboxAdded(entries)).await;
                }
                Ok(_) => {}
                Err(error) => gloo::console::warn!(format!("outbox not read: {error}")),
            }
        }
        self.refresh_pending().await;
        self.publish();
    }

    /// Feeds one event to the client and carries out its effects, in order; what the effects
    /// report back to the client (the holdings listed, the purge done) is fed to it after them.
    async fn drive(&mut self, event: ClientEvent) {
        let mut events = VecDeque::from([event]);
        while let Some(event) = events.pop_front() {
            let Some(client) = self.client.as_mut() else {
                return;
            };
            let effects = client.handle(event);
            for effect in effects {
                events.extend(self.carry_out(effect).await);
            }
        }
        self.update_connection();
    }

    /// Sends `message` on the current socket (without one it is dropped: the client says what
    /// matters again on the next connection).
    fn send(&self, message: &ClientMessage) {
        let sent = encode_client(message)
            .map_err(|error| error.to_string())
            .and_then(|bytes| match &self.socket {
                Some(socket) => socket.send(&bytes).map_err(|e| format!("{e:?}")),
                None => Ok(()),
            });
        if let Err(error) = sent {
            // The socket's close event follows and puts the batch back in line.
            gloo::console::warn!(format!("message not sent: {error}"));
        }
    }

    /// Carries out `effect`; returns what the client must hear about it, if anything.
    async fn carry_out(&mut self, effect: ClientEffect) -> Option<ClientEvent> {
        match effect {
            ClientEffect::Send(message) => self.send(&message),
            ClientEffect::Acknowledged(keys) => {
                if let Err(error) = self.storage.acknowledge(&keys).await {
                    // The entries stay in the outbox and are pushed again; the relay
                    // deduplicates them.
                    gloo::console::warn!(format!("acknowledged entries not removed: {error}"));
                }
                self.refresh_pending().await;
            }
            ClientEffect::Store { entries, cursor } => self.store_entries(entries, cursor).await,
            ClientEffect::StoreSnapshots(snapshots) => self.store_snapshots(snapshots).await,
            ClientEffect::Refused(code) => self.refused(code),
            ClientEffect::ListHoldings => {
                return match self.storage.document_ids().await {
                    Ok(held) => Some(ClientEvent::Holdings(held)),
                    Err(error) => {
                        self.storage_failed(error.problem());
                        None
                    }
                };
            }
            ClientEffect::Purge { documents, keys } => return self.purge(documents, &keys).await,
            ClientEffect::StoreGranted(snapshots) => self.store_granted(&snapshots).await,
            ClientEffect::Forbidden { keys, documents } => {
                // The relay stored nothing of these changes: the records are out of this
                // person's reach (reassigned, or never theirs). They are set aside, so nothing
                // is lost and the outbox stops offering them; the rest of the outbox flows.
                gloo::console::warn!(format!(
                    "the relay refused {} changes to {} records out of reach",
                    keys.len(),
                    documents.len()
                ));
                match self.storage.set_aside(&keys).await {
                    Ok(0) => {}
                    Ok(_) => (self.listeners.set_aside)(),
                    // They stay in the outbox, not pushed again in this connection.
                    Err(error) => gloo::console::warn!(format!("changes not set aside: {error}")),
                }
                self.refresh_pending().await;
            }
        }
        None
    }

    /// Removes the documents that left the person's reach, their unsynced changes set aside in
    /// the same transaction, and tells the page; the client then acknowledges the purge to the
    /// relay.
    async fn purge(&mut self, documents: Vec<DocumentId>, keys: &[u64]) -> Option<ClientEvent> {
        match self.storage.purge(&documents, keys).await {
            Ok(removed) => {
                (self.listeners.changed)(removed);
                (self.listeners.set_aside)();
                self.refresh_pending().await;
                Some(ClientEvent::Purged(documents))
            }
            Err(error) => {
                // Nothing was removed; the relay says it again after the next welcome.
                self.storage_failed(error.problem());
                None
            }
        }
    }

    /// Stores whole documents that entered the person's reach with the changes set aside for
    /// them, which go out again.
    async fn store_granted(&mut self, snapshots: &[DocumentSnapshot]) {
        match self.storage.store_granted(snapshots).await {
            Ok(granted) => {
                (self.listeners.changed)(granted.changed);
                if granted.taken_back > 0 {
                    (self.listeners.set_aside)();
                    // Handled after this event: the outbox is read past the last key taken.
                    let _closed = self.events.unbounded_send(EngineEvent::LocalChange);
                }
            }
            Err(error) => self.storage_failed(error.problem()),
        }
    }

    /// Stores log entries in transactions of bounded size, each with the cursor of its last
    /// entry, yielding to the page between them.
    async fn store_entries(&mut self, entries: Vec<Entry>, cursor: Seq) {
        if entries.is_empty() {
            if let Err(error) = self.storage.store_received(&[], Some(cursor)).await {
                self.storage_failed(error.problem());
            }
            return;
        }
        for chunk in entries.chunks(ENTRIES_PER_TRANSACTION) {
            let Some(last) = chunk.last().map(|entry| entry.seq) else {
                continue;
            };
            let received = group(
                chunk
                    .iter()
                    .map(|entry| (entry.change.document, entry.change.bytes.clone())),
            );
            match self.storage.store_received(&received, Some(last)).await {
                Ok(changed) => {
                    if let Some(away) = self.away.as_mut() {
                        for record in &changed {
                            if !(record.grew && record.kind == Some(RecordKind::Account)) {
                                continue;
                            }
                            match away
                                .iter_mut()
                                .find(|(document, _)| *document == record.document)
                            {
                                Some((_, editors)) => {
                                    for editor in &record.editors {
                                        if !editors.contains(editor) {
                                            editors.push(*editor);
                                        }
                                    }
                                }
                                None => away.push((record.document, record.editors.clone())),
                            }
                        }
                    }
                    (self.listeners.changed)(changed);
                }
                Err(error) => return self.storage_failed(error.problem()),
            }
            gloo::timers::future::TimeoutFuture::new(0).await;
        }
    }

    /// Stores one bootstrap page in one transaction, parsing no document that comes with its
    /// summary (`Storage::store_snapshots`).
    async fn store_snapshots(&mut self, snapshots: Vec<DocumentSnapshot>) {
        match self.storage.store_snapshots(&snapshots).await {
            Ok(changed) => {
                if let Connection::Downloading { records } = &mut self.status.connection {
                    *records += changed.len();
                } else {
                    self.status.connection = Connection::Downloading {
                        records: changed.len(),
                    };
                }
                self.publish();
                (self.listeners.changed)(changed);
            }
            Err(error) => return self.storage_failed(error.problem()),
        }
        gloo::timers::future::TimeoutFuture::new(0).await;
    }

    fn refused(&mut self, code: ErrorCode) {
        gloo::console::warn!(format!("the relay refused: {}", code.as_str()));
        match code {
            ErrorCode::UnsupportedVersion => self.stop(Problem::new("problem-app-too-old")),
            // Nothing of the batch was stored and the outbox keeps every change: the rep is told
            // in plain words, and the push is tried again later (a manager may free room).
            ErrorCode::QuotaExceeded => {
                self.socket = None;
                self.ticket = None;
                if let Some(client) = self.client.as_mut() {
                    let _effects = client.handle(ClientEvent::Disconnected);
                }
                self.status.connection = Connection::Failed {
                    problem: Problem::new("problem-server-quota-exceeded"),
                };
                self.retry_later();
            }
            // A stale ticket or a reused one: the next attempt fetches a fresh ticket, and a
            // removed device learns it there (the ticket request is refused).
            ErrorCode::Unauthorised
            | ErrorCode::RateLimited
            | ErrorCode::ServerBusy
            | ErrorCode::OutOfOrder
            | ErrorCode::BadMessage
            | ErrorCode::BadChange
            | ErrorCode::TooLarge => {
                self.socket = None;
                self.ticket = None;
                if let Some(client) = self.client.as_mut() {
                    let _effects = client.handle(ClientEvent::Disconnected);
                }
                self.retry_later();
            }
        }
    }

    fn storage_failed(&mut self, problem: Problem) {
        // What the relay sent is not stored, and the cursor did not move: drop the connection
        // and fetch it again later (a full disk may have room by then).
        self.socket = None;
        if let Some(client) = self.client.as_mut() {
            let _effects = client.handle(ClientEvent::Disconnected);
        }
        // The client's cursor may be ahead of what was stored: start over from storage.
        self.client = None;
        self.status.connection = Connection::Failed { problem };
        self.publish();
        self.schedule_retry();
    }

    /// Sync cannot go on until the rep acts.
    fn stop(&mut self, problem: Problem) {
        self.socket = None;
        self.stopped = Some(problem.clone());
        self.status.connection = Connection::Failed { problem };
        self.publish();
    }

    fn retry_later(&mut self) {
        if !matches!(self.status.connection, Connection::Failed { .. }) {
            self.status.connection = Connection::Offline;
        }
        self.publish();
        self.schedule_retry();
    }

    fn schedule_retry(&mut self) {
        if self.retry_scheduled {
            return;
        }
        self.retry_scheduled = true;
        self.generation += 1;
        let generation = self.generation;
        let wait = self.backoff.fail(js_sys::Math::random());
        let events = self.events.clone();
        wasm_bindgen_futures::spawn_local(async move {
            gloo::timers::future::sleep(wait.max(Duration::from_millis(1))).await;
            let _closed = events.unbounded_send(EngineEvent::RetryDue { generation });
        });
    }

    /// Derives the shown connection from the client's phase.
    fn update_connection(&mut self) {
        let Some((phase, pending)) = self
            .client
            .as_ref()
            .map(|client| (client.phase(), client.unacknowledged()))
        else {
            return;
        };
        self.status.pending = pending;
        if phase == ClientPhase::Live {
            if let Some(away) = self.away.take() {
                if !away.is_empty() {
                    (self.listeners.digest)(away);
                }
            }
        }
        let connection = match phase {
            ClientPhase::Offline => return,
            ClientPhase::Handshaking => Connection::Connecting,
            ClientPhase::Bootstrapping => match self.status.connection {
                Connection::Downloading { records } => Connection::Downloading { records },
                _ => Connection::Downloading { records: 0 },
            },
            ClientPhase::CatchingUp => Connection::Syncing,
            ClientPhase::Live if pending > 0 => Connection::Syncing,
            ClientPhase::Live => {
                self.backoff.succeed();
                match self.status.connection {
                    Connection::Synced { at_ms } => Connection::Synced { at_ms },
                    _ => {
                        let now = js_sys::Date::now();
                        self.status.last_synced_at_ms = Some(now);
                        Connection::Synced { at_ms: now }
                    }
                }
            }
        };
        if phase == ClientPhase::Live && pending > 0 {
            self.backoff.succeed();
        }
        self.status.connection = connection;
        self.publish();
    }

    async fn refresh_pending(&mut self) {
        match self.storage.outbox_summary().await {
            Ok((count, oldest)) => {
                self.status.pending = count;
                self.status.oldest_pending_at_ms = oldest;
            }
            Err(error) => gloo::console::warn!(format!("outbox not counted: {error}")),
        }
        self.update_connection();
        self.publish();
    }

    fn publish(&self) {
        (self.listeners.status)(&self.status);
    }
}

/// Groups consecutive bytes per document, keeping each document's bytes in log order.
fn group(items: impl Iterator<Item = (shared::protocol::DocumentId, Vec<u8>)>) -> Vec<Received> {
    let mut received: Vec<Received> = Vec::new();
    for (document, bytes) in items {
        match received.iter_mut().find(|group| group.document == document) {
            Some(group) => group.bytes.push(bytes),
            None => received.push(Received {
                document,
                bytes: vec![bytes],
            }),
        }
    }
    received
}

/// The relay's sync endpoint on the origin that served the app (the page's or the worker's
/// `location`: both are the app's origin).
fn sync_url() -> String {
    let location = global_property(&js_sys::global(), "location");
    let text = |name: &str| {
        location
            .as_ref()
            .and_then(|location| global_property(location, name))
            .and_then(|value| value.as_string())
            .unwrap_or_default()
    };
    let secure = text("protocol") == "https:";
    format!(
        "{}://{}/sync",
        if secure { "wss" } else { "ws" },
        text("host")
    )
}

/// The monotonic clock of the page or worker (`performance.now()`), which wall-clock
/// corrections do not move.
fn monotonic_now() -> Duration {
    let milliseconds = global_property(&js_sys::global(), "performance")
        .and_then(|performance| performance.dyn_into::<web_sys::Performance>().ok())
        .map_or_else(js_sys::Date::now, |performance| performance.now());
    Duration::try_from_secs_f64(milliseconds / 1_000.0).unwrap_or_default()
}

/// `navigator.onLine` of the page or worker (online when it cannot be read).
fn browser_online() -> bool {
    global_property(&js_sys::global(), "navigator")
        .and_then(|navigator| global_property(&navigator, "onLine"))
        .and_then(|online| online.as_bool())
        .unwrap_or(true)
}

/// `object[name]`, unless missing: the page (`Window`) and a worker (`WorkerGlobalScope`) have
/// the same `location`, `performance` and `navigator` properties under different types.
fn global_property(object: &wasm_bindgen::JsValue, name: &str) -> Option<wasm_bindgen::JsValue> {
    js_sys::Reflect::get(object, &name.into())
        .ok()
        .filter(|value| !value.is_undefined() && !value.is_null())
}
