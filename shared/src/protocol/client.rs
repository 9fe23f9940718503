//! The device's side of a sync session, as a state machine: events in, effects out.
//!
//! It keeps every unacknowledged outbox entry, pushes them in size-bounded batches, and reports
//! them acknowledged only when the relay's durable ack covers their batch. A lost connection puts
//! in-flight entries back in line; the relay deduplicates the re-push by change hash. Entries from
//! the log are handed over with the cursor that includes them, so the driver stores both at once.

use std::collections::{BTreeMap, BTreeSet};

use super::messages::{
    BatchId, Change, ClientMessage, DeviceId, DocumentSnapshot, Entry, ErrorCode, Hello, Seq,
    ServerMessage,
};

/// How many bytes of changes one push carries at most (well under the 1 MiB message limit).
pub const MAX_BATCH_BYTES: usize = 512 * 1024;

/// A local change waiting in the outbox, under the outbox's own key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutboxEntry {
    /// The outbox's key for the entry (increasing in the order changes were made).
    pub key: u64,
    /// The change.
    pub change: Change,
}

/// What happened to the session.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ClientEvent {
    /// The socket opened; `ticket` was just obtained over the authenticated HTTP API.
    Connected {
        /// The single-use ticket.
        ticket: String,
    },
    /// The socket closed or failed.
    Disconnected,
    /// A message arrived.
    Received(ServerMessage),
    /// New local changes are durable in the outbox.
    OutboxAdded(Vec<OutboxEntry>),
}

/// What the driver must do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ClientEffect {
    /// Send this message.
    Send(ClientMessage),
    /// These outbox entries are durable on the relay: delete them from the outbox.
    Acknowledged(Vec<u64>),
    /// Apply these log entries to their documents and store `cursor`, in one transaction.
    Store {
        /// The new entries, in log order.
        entries: Vec<Entry>,
        /// The cursor once they are stored.
        cursor: Seq,
    },
    /// Merge these snapshots into their documents (a new device's first sync).
    StoreSnapshots(Vec<DocumentSnapshot>),
    /// The relay refused something; the code says what to tell the rep and whether to retry.
    Refused(ErrorCode),
}

/// Where the session stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClientPhase {
    /// No connection.
    Offline,
    /// Hello sent, waiting for the welcome.
    Handshaking,
    /// A new device downloading compacted snapshots before the log tail.
    Bootstrapping,
    /// Downloading log pages.
    CatchingUp,
    /// Up to date; entries arrive as other devices push them.
    Live,
}

/// One device's sync state machine.
#[derive(Debug)]
pub struct SyncClient {
    device: DeviceId,
    cursor: Seq,
    phase: ClientPhase,
    pending: BTreeMap<u64, Change>,
    in_flight: BTreeMap<BatchId, Vec<u64>>,
    sent: BTreeSet<u64>,
    next_batch: u64,
    max_batch_bytes: usize,
    /// While bootstrapping: the lowest epoch any snapshot page reported.
    bootstrap_epoch: Option<Seq>,
    /// The relay's head as of the welcome.
    head: Seq,
}

impl SyncClient {
    /// A client for `device` that has stored the log through `cursor` and still holds `outbox`.
    pub fn new(device: DeviceId, cursor: Seq, outbox: Vec<OutboxEntry>) -> Self {
        Self {
            device,
            cursor,
            phase: ClientPhase::Offline,
            pending: outbox
                .into_iter()
                .map(|entry| (entry.key, entry.change))
                .collect(),
            in_flight: BTreeMap::new(),
            sent: BTreeSet::new(),
            next_batch: 1,
            max_batch_bytes: MAX_BATCH_BYTES,
            bootstrap_epoch: None,
            head: Seq(0),
        }
    }

    /// The same, with a smaller batch budget (tests use it to force many batches).
    pub fn with_max_batch_bytes(mut self, max_batch_bytes: usize) -> Self {
        self.max_batch_bytes = max_batch_bytes.max(1);
        self
    }

    /// The session's phase.
    pub fn phase(&self) -> ClientPhase {
        self.phase
    }

    /// The log position stored on the device.
    pub fn cursor(&self) -> Seq {
        self.cursor
    }

    /// How many local changes the relay has not yet acknowledged.
    pub fn unacknowledged(&self) -> usize {
        self.pending.len()
    }

    /// Handles one event.
    pub fn handle(&mut self, event: ClientEvent) -> Vec<ClientEffect> {
        let mut effects = Vec::new();
        match event {
            ClientEvent::Connected { ticket } => {
                self.phase = ClientPhase::Handshaking;
                self.in_flight.clear();
                self.sent.clear();
                effects.push(ClientEffect::Send(ClientMessage::Hello(Hello {
                    ticket,
                    device: self.device,
                    cursor: self.cursor,
                })));
            }
            ClientEvent::Disconnected => {
                // Unacknowledged batches go back in line: their acks may never come.
                self.phase = ClientPhase::Offline;
                self.in_flight.clear();
                self.sent.clear();
            }
            ClientEvent::OutboxAdded(entries) => {
                for entry in entries {
                    self.pending.insert(entry.key, entry.change);
                }
                self.push(&mut effects);
            }
            ClientEvent::Received(message) => self.receive(message, &mut effects),
        }
        effects
    }

    fn receive(&mut self, message: ServerMessage, effects: &mut Vec<ClientEffect>) {
        match message {
            ServerMessage::Welcome { head } => {
                if self.phase != ClientPhase::Handshaking {
                    return;
                }
                self.head = head;
                if self.cursor == Seq(0) && head > Seq(0) {
                    // A new device: compacted snapshots first, then only the log's tail.
                    self.phase = ClientPhase::Bootstrapping;
                    self.bootstrap_epoch = None;
                    effects.push(ClientEffect::Send(ClientMessage::Bootstrap { after: None }));
                } else {
                    self.catch_up_or_go_live(effects);
                }
                self.push(effects);
            }
            ServerMessage::Snapshots {
                snapshots,
                epoch,
                next,
            } => {
                if self.phase != ClientPhase::Bootstrapping {
                    return;
                }
                let lowest = self.bootstrap_epoch.map_or(epoch, |seen| seen.min(epoch));
                self.bootstrap_epoch = Some(lowest);
                if !snapshots.is_empty() {
                    effects.push(ClientEffect::StoreSnapshots(snapshots));
                }
                if next.is_some() {
                    effects.push(ClientEffect::Send(ClientMessage::Bootstrap { after: next }));
                    return;
                }
                // Every snapshot holds its document through `lowest`: the log continues there.
                if lowest > self.cursor {
                    self.cursor = lowest;
                    effects.push(ClientEffect::Store {
                        entries: Vec::new(),
                        cursor: lowest,
                    });
                }
                // Always ask for the tail, even if empty: the relay holds live entries back
                // while a device bootstraps, and the last page releases them.
                self.phase = ClientPhase::CatchingUp;
                effects.push(ClientEffect::Send(ClientMessage::CatchUp {
                    after: self.cursor,
                }));
            }
            ServerMessage::Entries { entries, more } => {
                if self.phase == ClientPhase::Bootstrapping {
                    // The log resumes after the snapshots' epoch, never before.
                    return;
                }
                let fresh: Vec<Entry> = entries
                    .into_iter()
                    .filter(|entry| entry.seq > self.cursor)
                    .collect();
                if let Some(last) = fresh.last() {
                    self.cursor = last.seq;
                    effects.push(ClientEffect::Store {
                        entries: fresh,
                        cursor: self.cursor,
                    });
                }
                if more {
                    self.phase = ClientPhase::CatchingUp;
                    effects.push(ClientEffect::Send(ClientMessage::CatchUp {
                        after: self.cursor,
                    }));
                } else if self.phase == ClientPhase::CatchingUp {
                    self.phase = ClientPhase::Live;
                }
            }
            ServerMessage::Ack { batch, .. } => {
                if let Some(keys) = self.in_flight.remove(&batch) {
                    for key in &keys {
                        self.pending.remove(key);
                        self.sent.remove(key);
                    }
                    effects.push(ClientEffect::Acknowledged(keys));
                }
            }
            ServerMessage::Error { code, .. } => effects.push(ClientEffect::Refused(code)),
            ServerMessage::Snapshot { .. } | ServerMessage::Pong { .. } => {}
        }
    }

    fn catch_up_or_go_live(&mut self, effects: &mut Vec<ClientEffect>) {
        if self.head > self.cursor {
            self.phase = ClientPhase::CatchingUp;
            effects.push(ClientEffect::Send(ClientMessage::CatchUp {
                after: self.cursor,
            }));
        } else {
            self.phase = ClientPhase::Live;
        }
    }

    /// Sends every pending entry not yet in flight, in batches within the byte budget.
    fn push(&mut self, effects: &mut Vec<ClientEffect>) {
        if matches!(self.phase, ClientPhase::Offline | ClientPhase::Handshaking) {
            return;
        }
        let mut batch: Vec<(u64, Change)> = Vec::new();
        let mut bytes = 0;
        let waiting: Vec<(u64, Change)> = self
            .pending
            .iter()
            .filter(|(key, _)| !self.sent.contains(key))
            .map(|(key, change)| (*key, change.clone()))
            .collect();
        for (key, change) in waiting {
            let size = change.bytes.len();
            if !batch.is_empty() && bytes + size > self.max_batch_bytes {
                self.send_batch(std::mem::take(&mut batch), effects);
                bytes = 0;
            }
            bytes += size;
            batch.push((key, change));
        }
        if !batch.is_empty() {
            self.send_batch(batch, effects);
        }
    }

    fn send_batch(&mut self, batch: Vec<(u64, Change)>, effects: &mut Vec<ClientEffect>) {
        let id = BatchId(self.next_batch);
        self.next_batch += 1;
        let (keys, changes): (Vec<u64>, Vec<Change>) = batch.into_iter().unzip();
        self.sent.extend(keys.iter().copied());
        self.in_flight.insert(id, keys);
        effects.push(ClientEffect::Send(ClientMessage::Push {
            batch: id,
            changes,
        }));
    }
}
