//! The device's side of a sync session, as a state machine: events in, effects out.
//!
//! It keeps every unacknowledged outbox entry, pushes them in size-bounded batches, and reports
//! them acknowledged only when the relay's durable ack covers their batch. A lost connection puts
//! in-flight entries back in line; the relay deduplicates the re-push by change hash. Entries from
//! the log are handed over with the cursor that includes them, so the driver stores both at once.
//!
//! It also decides when a connection that went silent is dead ([`SyncClient::heartbeat`]): a
//! link can stop carrying packets without either end seeing a reset (a tablet behind a captive
//! portal, a NAT that forgot the flow, a train between cells), and the socket then stays "open"
//! for minutes while nothing moves. The driver brings the time; this module reads no clock.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use super::messages::{
    holdings_digest, BatchId, Change, ClientMessage, DeviceId, DocumentId, DocumentSnapshot, Entry,
    ErrorCode, Hello, Seq, ServerMessage, MAX_HOLDING_PAGE,
};

/// How many bytes of changes one push carries at most (well under the 1 MiB message limit).
pub const MAX_BATCH_BYTES: usize = 512 * 1024;

/// How long a connection may stay quiet before the device asks the relay whether it is there.
///
/// With [`PONG_DEADLINE`] it bounds how long a dead link goes unnoticed: the driver checks at
/// most every `PING_AFTER` (at [`Heartbeat::Wait`]'s time), so a link that dies just after a
/// check is pinged within `2 × PING_AFTER` and given up `PONG_DEADLINE` later: 30 s at worst,
/// 20 s at best. An idle device costs the relay one small ping every 10 to 20 s, well inside
/// its 60 s idle reaping, and the relay's own WebSocket pings (which browsers answer without
/// telling the page) cannot replace this: the page never sees them.
pub const PING_AFTER: Duration = Duration::from_secs(10);

/// How long the device waits for any message after its ping before it gives the connection up.
///
/// Ten seconds covers a slow mobile round trip, the relay throttling a burst (at most 2 s) and
/// a large batch being stored ahead of the pong on the same connection.
pub const PONG_DEADLINE: Duration = Duration::from_secs(10);

/// What the driver must do about the connection's liveness ([`SyncClient::heartbeat`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Heartbeat {
    /// Nothing now; check again at `until` (on the driver's clock), or never when `None`
    /// (no connection).
    Wait {
        /// When to call [`SyncClient::heartbeat`] again.
        until: Option<Duration>,
    },
    /// Send this ping, then check again at `until`.
    Ping {
        /// The ping to send.
        message: ClientMessage,
        /// When to call [`SyncClient::heartbeat`] again.
        until: Duration,
    },
    /// Nothing arrived in time after a ping: close the socket and reconnect with the usual
    /// backoff. The client is already offline (as after [`ClientEvent::Disconnected`]): its
    /// in-flight batches go back in line.
    Silent,
}

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
    /// The documents the device holds, as [`ClientEffect::ListHoldings`] asked.
    Holdings(Vec<DocumentId>),
    /// The driver purged these documents, as [`ClientEffect::Purge`] asked.
    Purged(Vec<DocumentId>),
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
    /// List the documents the device holds, then report [`ClientEvent::Holdings`] (the relay
    /// compares them with the person's reach).
    ListHoldings,
    /// These documents left the person's reach: delete them (document, index row, search terms)
    /// and set their outbox entries `keys` aside, in one transaction, then report
    /// [`ClientEvent::Purged`]. The entries are no longer pushed.
    Purge {
        /// The documents.
        documents: Vec<DocumentId>,
        /// Their outbox entries this client knew.
        keys: Vec<u64>,
    },
    /// Merge these whole documents, which entered the person's reach, into the device (with any
    /// changes to them set aside earlier, which now go to the relay again).
    StoreGranted(Vec<DocumentSnapshot>),
    /// The relay refused these outbox entries: they change records the person may not change
    /// (no longer, or never could). They are no longer pushed in this session; the driver sets
    /// them aside so nothing is lost and the rest of the outbox flows.
    Forbidden {
        /// The outbox keys refused.
        keys: Vec<u64>,
        /// Their documents.
        documents: Vec<DocumentId>,
    },
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
    /// The digest of what the relay says the person may read, until the holdings are compared.
    expected_holdings: Option<[u8; 32]>,
    in_flight: BTreeMap<BatchId, Vec<u64>>,
    sent: BTreeSet<u64>,
    next_batch: u64,
    max_batch_bytes: usize,
    /// While bootstrapping: the lowest epoch any snapshot page reported.
    bootstrap_epoch: Option<Seq>,
    /// The relay's head as of the welcome.
    head: Seq,
    /// Liveness of the current connection.
    liveness: Liveness,
}

/// What the heartbeat knows of the current connection.
#[derive(Clone, Copy, Debug, Default)]
struct Liveness {
    /// Something arrived (or the socket opened) since the last check.
    heard: bool,
    /// The time of the last check that found the connection alive.
    alive_at: Option<Duration>,
    /// When the unanswered ping was sent.
    pinged_at: Option<Duration>,
    /// The nonce of the next ping.
    next_nonce: u64,
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
            expected_holdings: None,
            in_flight: BTreeMap::new(),
            sent: BTreeSet::new(),
            next_batch: 1,
            max_batch_bytes: MAX_BATCH_BYTES,
            bootstrap_epoch: None,
            head: Seq(0),
            liveness: Liveness::default(),
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
                self.liveness = Liveness {
                    heard: true,
                    ..Liveness::default()
                };
                effects.push(ClientEffect::Send(ClientMessage::Hello(Hello {
                    ticket,
                    device: self.device,
                    cursor: self.cursor,
                })));
            }
            ClientEvent::Disconnected => self.disconnect(),
            ClientEvent::OutboxAdded(entries) => {
                for entry in entries {
                    self.pending.insert(entry.key, entry.change);
                }
                self.push(&mut effects);
            }
            ClientEvent::Received(message) => {
                // Any message proves the link carries packets, a pong or not.
                self.liveness.heard = true;
                self.receive(message, &mut effects);
            }
            ClientEvent::Holdings(documents) => {
                let expected = self.expected_holdings.take();
                let same = expected
                    .is_some_and(|expected| holdings_digest(documents.iter().copied()) == expected);
                if !same && !matches!(self.phase, ClientPhase::Offline | ClientPhase::Handshaking) {
                    let mut pages = documents.chunks(MAX_HOLDING_PAGE).peekable();
                    if pages.peek().is_none() {
                        effects.push(ClientEffect::Send(ClientMessage::Holding {
                            documents: Vec::new(),
                            complete: true,
                        }));
                    }
                    while let Some(page) = pages.next() {
                        effects.push(ClientEffect::Send(ClientMessage::Holding {
                            documents: page.to_vec(),
                            complete: pages.peek().is_none(),
                        }));
                    }
                }
            }
            ClientEvent::Purged(documents) => {
                if !matches!(self.phase, ClientPhase::Offline | ClientPhase::Handshaking) {
                    effects.push(ClientEffect::Send(ClientMessage::Purged { documents }));
                }
            }
        }
        effects
    }

    /// Decides, at `now` on the driver's monotonic clock, whether the connection needs a ping
    /// or is dead. The driver calls it once the socket opened and then at each returned time.
    ///
    /// Arrivals are noticed at the next check rather than timed one by one, which keeps the
    /// events free of clocks; it errs on the side of a live connection (see [`PING_AFTER`]).
    pub fn heartbeat(&mut self, now: Duration) -> Heartbeat {
        if self.phase == ClientPhase::Offline {
            return Heartbeat::Wait { until: None };
        }
        let liveness = &mut self.liveness;
        if std::mem::take(&mut liveness.heard) {
            liveness.alive_at = Some(now);
            liveness.pinged_at = None;
        }
        if let Some(pinged_at) = liveness.pinged_at {
            let deadline = pinged_at.saturating_add(PONG_DEADLINE);
            if now < deadline {
                return Heartbeat::Wait {
                    until: Some(deadline),
                };
            }
            self.disconnect();
            return Heartbeat::Silent;
        }
        let alive_at = *liveness.alive_at.get_or_insert(now);
        let due = alive_at.saturating_add(PING_AFTER);
        if now < due {
            return Heartbeat::Wait { until: Some(due) };
        }
        liveness.pinged_at = Some(now);
        let nonce = liveness.next_nonce;
        liveness.next_nonce = liveness.next_nonce.wrapping_add(1);
        Heartbeat::Ping {
            message: ClientMessage::Ping { nonce },
            until: now.saturating_add(PONG_DEADLINE),
        }
    }

    fn disconnect(&mut self) {
        // Unacknowledged batches go back in line: their acks may never come.
        self.phase = ClientPhase::Offline;
        self.in_flight.clear();
        self.sent.clear();
        self.expected_holdings = None;
        self.liveness = Liveness::default();
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
            ServerMessage::Reach { digest } => {
                // Compared with what the device holds; only a difference is sent.
                self.expected_holdings = Some(digest);
                effects.push(ClientEffect::ListHoldings);
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
                if next.is_some() {
                    // Asked for before this page is stored, so the relay reads the next page
                    // while the device writes this one (the answer waits for the driver's next
                    // event). Nothing depends on the order: the cursor moves only at the end.
                    effects.push(ClientEffect::Send(ClientMessage::Bootstrap { after: next }));
                    if !snapshots.is_empty() {
                        effects.push(ClientEffect::StoreSnapshots(snapshots));
                    }
                    return;
                }
                if !snapshots.is_empty() {
                    effects.push(ClientEffect::StoreSnapshots(snapshots));
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
            ServerMessage::Passed { through, more } => {
                if self.phase == ClientPhase::Bootstrapping {
                    return;
                }
                if through > self.cursor {
                    self.cursor = through;
                    effects.push(ClientEffect::Store {
                        entries: Vec::new(),
                        cursor: through,
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
            ServerMessage::Revoked { documents } => {
                let keys: Vec<u64> = self
                    .pending
                    .iter()
                    .filter(|(_, change)| documents.contains(&change.document))
                    .map(|(key, _)| *key)
                    .collect();
                for key in &keys {
                    self.pending.remove(key);
                    self.sent.remove(key);
                }
                effects.push(ClientEffect::Purge { documents, keys });
            }
            ServerMessage::Granted { snapshots } => {
                if !snapshots.is_empty() {
                    effects.push(ClientEffect::StoreGranted(snapshots));
                }
            }
            ServerMessage::Forbidden { batch, documents } => {
                // Nothing of the batch was stored. Its other changes go again; the refused
                // documents' changes stay in the outbox until the driver sets them aside.
                if let Some(keys) = self.in_flight.remove(&batch) {
                    let mut refused = Vec::new();
                    for key in keys {
                        self.sent.remove(&key);
                        let held_back = self
                            .pending
                            .get(&key)
                            .is_some_and(|change| documents.contains(&change.document));
                        if held_back {
                            self.pending.remove(&key);
                            refused.push(key);
                        }
                    }
                    effects.push(ClientEffect::Forbidden {
                        keys: refused,
                        documents,
                    });
                    self.push(effects);
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::DocumentId;

    const SECOND: Duration = Duration::from_secs(1);

    fn device() -> DeviceId {
        DeviceId(uuid::Uuid::from_u128(1))
    }

    fn entry(key: u64) -> OutboxEntry {
        OutboxEntry {
            key,
            change: Change {
                document: DocumentId(uuid::Uuid::from_u128(2)),
                bytes: vec![7; 16],
            },
        }
    }

    /// A client that opened a socket at `opened` and went live with `outbox` pending.
    fn live_client(outbox: Vec<OutboxEntry>, opened: Duration) -> (SyncClient, Vec<ClientEffect>) {
        let mut client = SyncClient::new(device(), Seq(0), outbox);
        let _hello = client.handle(ClientEvent::Connected {
            ticket: "ticket".to_owned(),
        });
        assert_eq!(
            client.heartbeat(opened),
            Heartbeat::Wait {
                until: Some(opened + PING_AFTER)
            }
        );
        let effects = client.handle(ClientEvent::Received(ServerMessage::Welcome {
            head: Seq(0),
        }));
        assert_eq!(client.phase(), ClientPhase::Live);
        (client, effects)
    }

    fn pushes(effects: &[ClientEffect]) -> usize {
        effects
            .iter()
            .filter(|effect| matches!(effect, ClientEffect::Send(ClientMessage::Push { .. })))
            .count()
    }

    #[test]
    fn passing_what_the_person_may_not_read_moves_and_stores_the_cursor_then_asks_for_more() {
        let (mut client, _effects) = live_client(Vec::new(), Duration::ZERO);
        let effects = client.handle(ClientEvent::Received(ServerMessage::Passed {
            through: Seq(40),
            more: true,
        }));
        assert_eq!(client.cursor(), Seq(40));
        assert_eq!(
            effects,
            vec![
                ClientEffect::Store {
                    entries: Vec::new(),
                    cursor: Seq(40),
                },
                ClientEffect::Send(ClientMessage::CatchUp { after: Seq(40) }),
            ]
        );
        // A pass that is behind the cursor moves nothing back.
        let effects = client.handle(ClientEvent::Received(ServerMessage::Passed {
            through: Seq(12),
            more: false,
        }));
        assert_eq!(client.cursor(), Seq(40));
        assert!(effects.is_empty());
        assert_eq!(client.phase(), ClientPhase::Live);
    }

    #[test]
    fn a_forbidden_push_sets_its_records_changes_aside_and_pushes_the_others_again() {
        let mut other = entry(2);
        other.change.document = DocumentId(uuid::Uuid::from_u128(9));
        let (mut client, effects) = live_client(vec![entry(1), other.clone()], Duration::ZERO);
        let Some(batch) = effects.iter().find_map(|effect| match effect {
            ClientEffect::Send(ClientMessage::Push { batch, .. }) => Some(*batch),
            _ => None,
        }) else {
            panic!("the outbox was not pushed: {effects:?}");
        };
        let refused = DocumentId(uuid::Uuid::from_u128(2));
        let effects = client.handle(ClientEvent::Received(ServerMessage::Forbidden {
            batch,
            documents: vec![refused],
        }));
        assert_eq!(
            effects.first(),
            Some(&ClientEffect::Forbidden {
                keys: vec![1],
                documents: vec![refused],
            })
        );
        let again: Vec<&ClientEffect> = effects
            .iter()
            .filter(|effect| matches!(effect, ClientEffect::Send(ClientMessage::Push { .. })))
            .collect();
        assert_eq!(again.len(), 1);
        let ClientEffect::Send(ClientMessage::Push { changes, .. }) = again[0] else {
            panic!("not a push");
        };
        assert_eq!(changes, &vec![other.change]);
    }

    #[test]
    fn after_the_welcome_the_holdings_go_to_the_relay_in_pages() {
        let (mut client, _effects) = live_client(Vec::new(), Duration::ZERO);
        let held: Vec<DocumentId> = (0..(MAX_HOLDING_PAGE as u128 + 5))
            .map(|n| DocumentId(uuid::Uuid::from_u128(n)))
            .collect();
        // The relay's reach differs (one document less): the holdings go, in pages.
        let effects = client.handle(ClientEvent::Received(ServerMessage::Reach {
            digest: holdings_digest(held.iter().skip(1).copied()),
        }));
        assert_eq!(effects, vec![ClientEffect::ListHoldings]);
        let effects = client.handle(ClientEvent::Holdings(held.clone()));
        let pages: Vec<(usize, bool)> = effects
            .iter()
            .filter_map(|effect| match effect {
                ClientEffect::Send(ClientMessage::Holding {
                    documents,
                    complete,
                }) => Some((documents.len(), *complete)),
                _ => None,
            })
            .collect();
        assert_eq!(pages, vec![(MAX_HOLDING_PAGE, false), (5, true)]);
        // Holding exactly the reach (in any order), nothing is sent.
        let _list = client.handle(ClientEvent::Received(ServerMessage::Reach {
            digest: holdings_digest(held.iter().copied()),
        }));
        let mut shuffled = held;
        shuffled.reverse();
        assert!(client.handle(ClientEvent::Holdings(shuffled)).is_empty());
        // Holding nothing is said too, so the relay sends what entered the person's reach.
        let _list = client.handle(ClientEvent::Received(ServerMessage::Reach {
            digest: [7; 32],
        }));
        let effects = client.handle(ClientEvent::Holdings(Vec::new()));
        assert_eq!(
            effects,
            vec![ClientEffect::Send(ClientMessage::Holding {
                documents: Vec::new(),
                complete: true,
            })]
        );
    }

    #[test]
    fn a_revoked_records_unsynced_changes_leave_the_push_queue_for_the_purge() {
        let mut other = entry(2);
        other.change.document = DocumentId(uuid::Uuid::from_u128(9));
        let (mut client, _effects) = live_client(Vec::new(), Duration::ZERO);
        let revoked = DocumentId(uuid::Uuid::from_u128(2));
        let effects = client.handle(ClientEvent::Received(ServerMessage::Revoked {
            documents: vec![revoked],
        }));
        assert_eq!(
            effects,
            vec![ClientEffect::Purge {
                documents: vec![revoked],
                keys: Vec::new(),
            }]
        );
        // Offline edits queued before the revocation reached the device.
        let mut offline = SyncClient::new(device(), Seq(3), vec![entry(1), other.clone()]);
        let effects = offline.handle(ClientEvent::Received(ServerMessage::Revoked {
            documents: vec![revoked],
        }));
        assert_eq!(
            effects,
            vec![ClientEffect::Purge {
                documents: vec![revoked],
                keys: vec![1],
            }]
        );
        let _hello = offline.handle(ClientEvent::Connected {
            ticket: "t".to_owned(),
        });
        let effects = offline.handle(ClientEvent::Received(ServerMessage::Welcome {
            head: Seq(3),
        }));
        let pushed: Vec<&Change> = effects
            .iter()
            .filter_map(|effect| match effect {
                ClientEffect::Send(ClientMessage::Push { changes, .. }) => Some(changes),
                _ => None,
            })
            .flatten()
            .collect();
        assert_eq!(pushed, vec![&other.change]);
        let effects = offline.handle(ClientEvent::Purged(vec![revoked]));
        assert_eq!(
            effects,
            vec![ClientEffect::Send(ClientMessage::Purged {
                documents: vec![revoked],
            })]
        );
    }

    #[test]
    fn a_client_without_a_connection_never_pings() {
        let mut client = SyncClient::new(device(), Seq(0), Vec::new());
        for seconds in [0, 10, 100, 10_000] {
            assert_eq!(
                client.heartbeat(SECOND * seconds),
                Heartbeat::Wait { until: None }
            );
        }
    }

    #[test]
    fn an_idle_connection_is_pinged_once_quiet_for_the_interval_and_not_before() {
        let opened = SECOND * 100;
        let (mut client, _effects) = live_client(Vec::new(), opened);
        // The welcome was heard after the first check: the next check moves the quiet start.
        assert_eq!(
            client.heartbeat(opened + SECOND * 3),
            Heartbeat::Wait {
                until: Some(opened + SECOND * 3 + PING_AFTER)
            }
        );
        assert_eq!(
            client.heartbeat(opened + SECOND * 12),
            Heartbeat::Wait {
                until: Some(opened + SECOND * 13)
            }
        );
        let at = opened + SECOND * 13;
        assert_eq!(
            client.heartbeat(at),
            Heartbeat::Ping {
                message: ClientMessage::Ping { nonce: 0 },
                until: at + PONG_DEADLINE
            }
        );
    }

    #[test]
    fn a_pong_keeps_the_connection_and_the_next_ping_waits_a_full_interval() {
        let (mut client, _effects) = live_client(Vec::new(), Duration::ZERO);
        let _first_check = client.heartbeat(Duration::ZERO);
        let pinged = client.heartbeat(PING_AFTER);
        assert!(matches!(pinged, Heartbeat::Ping { .. }));
        let _none = client.handle(ClientEvent::Received(ServerMessage::Pong { nonce: 0 }));
        let checked = PING_AFTER + PONG_DEADLINE;
        assert_eq!(
            client.heartbeat(checked),
            Heartbeat::Wait {
                until: Some(checked + PING_AFTER)
            }
        );
        assert_eq!(client.phase(), ClientPhase::Live);
        assert!(matches!(
            client.heartbeat(checked + PING_AFTER),
            Heartbeat::Ping {
                message: ClientMessage::Ping { nonce: 1 },
                ..
            }
        ));
    }

    #[test]
    fn any_message_after_a_ping_counts_as_an_answer() {
        let (mut client, _effects) = live_client(Vec::new(), Duration::ZERO);
        let _first_check = client.heartbeat(Duration::ZERO);
        let _ping = client.heartbeat(PING_AFTER);
        let _stored = client.handle(ClientEvent::Received(ServerMessage::Entries {
            entries: Vec::new(),
            more: false,
        }));
        let checked = PING_AFTER + PONG_DEADLINE * 5;
        assert!(matches!(client.heartbeat(checked), Heartbeat::Wait { .. }));
        assert_eq!(client.phase(), ClientPhase::Live);
    }

    #[test]
    fn a_connection_silent_past_the_deadline_is_given_up_and_its_batches_go_back_in_line() {
        let (mut client, effects) = live_client(vec![entry(1), entry(2)], Duration::ZERO);
        assert_eq!(pushes(&effects), 1);
        let _first_check = client.heartbeat(Duration::ZERO);
        let pinged_at = PING_AFTER;
        assert!(matches!(
            client.heartbeat(pinged_at),
            Heartbeat::Ping { .. }
        ));
        assert_eq!(
            client.heartbeat(pinged_at + PONG_DEADLINE - SECOND),
            Heartbeat::Wait {
                until: Some(pinged_at + PONG_DEADLINE)
            }
        );
        assert_eq!(client.phase(), ClientPhase::Live);
        assert_eq!(
            client.heartbeat(pinged_at + PONG_DEADLINE),
            Heartbeat::Silent
        );
        assert_eq!(client.phase(), ClientPhase::Offline);
        assert_eq!(client.unacknowledged(), 2);
        assert_eq!(
            client.heartbeat(pinged_at + PONG_DEADLINE * 2),
            Heartbeat::Wait { until: None }
        );
        // The next connection pushes the unacknowledged entries again.
        let _hello = client.handle(ClientEvent::Connected {
            ticket: "again".to_owned(),
        });
        let effects = client.handle(ClientEvent::Received(ServerMessage::Welcome {
            head: Seq(0),
        }));
        assert_eq!(pushes(&effects), 1);
    }

    #[test]
    fn a_dead_link_is_noticed_within_thirty_seconds_whenever_it_dies() {
        // The driver checks exactly when told. The link answers every ping until `died`, when
        // a last message arrives; nothing arrives after it.
        for died_after in 0..=25 {
            let (mut client, _effects) = live_client(Vec::new(), Duration::ZERO);
            let died = SECOND * died_after;
            let mut now = Duration::ZERO;
            let mut last_delivered = false;
            loop {
                let next = match client.heartbeat(now) {
                    Heartbeat::Wait { until: Some(until) } => until,
                    Heartbeat::Ping { until, .. } => {
                        if now < died {
                            let _pong = client
                                .handle(ClientEvent::Received(ServerMessage::Pong { nonce: 0 }));
                        }
                        until
                    }
                    Heartbeat::Silent => break,
                    Heartbeat::Wait { until: None } => panic!("the client went offline"),
                };
                if !last_delivered && next >= died {
                    let _last =
                        client.handle(ClientEvent::Received(ServerMessage::Pong { nonce: 1 }));
                    last_delivered = true;
                }
                now = next;
            }
            assert!(now >= died, "a live link was given up at {now:?}");
            let noticed_after = now - died;
            assert!(
                noticed_after <= PING_AFTER * 2 + PONG_DEADLINE,
                "a link dead at {died:?} was noticed {noticed_after:?} later"
            );
            assert!(noticed_after >= PONG_DEADLINE);
        }
    }
}
