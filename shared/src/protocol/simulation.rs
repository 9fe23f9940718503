//! The client and relay state machines on a simulated network: no sockets, no sleeps, every
//! message encoded and decoded for real. Connections are lost mid-push, acks are lost with them,
//! pushes are repeated after reconnecting, log pages are delivered twice; at the end every device
//! holds the same document and the log holds every change exactly once.

use std::collections::{BTreeMap, HashSet, VecDeque};

use automerge::transaction::Transactable;
use automerge::{AutoCommit, ReadDoc, ROOT};
use proptest::prelude::*;

use super::change::inspect_change;
use super::client::{ClientEffect, ClientEvent, OutboxEntry, SyncClient};
use super::codec::{decode_client, decode_server, encode_client, encode_server};
use super::messages::{Change, DeviceId, DocumentId, Entry, ErrorCode, Seq, PROTOCOL_VERSION};
use super::relay::{Appended, RelayEffect, RelayEvent, RelaySession};

/// Log page size: small, so catching up takes several pages.
const PAGE: usize = 3;

#[derive(Default)]
struct Log {
    entries: Vec<Entry>,
    seen: HashSet<(DocumentId, [u8; 32])>,
    /// The compacted document and the position it covers.
    snapshot: Option<(Vec<u8>, Seq)>,
}

impl Log {
    fn append(&mut self, changes: Vec<Change>) -> Result<(Appended, Vec<Entry>), ErrorCode> {
        let mut facts = Vec::new();
        for change in &changes {
            facts.push(inspect_change(&change.bytes).map_err(|_| ErrorCode::BadChange)?);
        }
        let mut appended = Appended {
            stored: 0,
            duplicates: 0,
        };
        let mut fresh = Vec::new();
        for (change, facts) in changes.into_iter().zip(facts) {
            if self.seen.insert((change.document, facts.hash)) {
                let entry = Entry {
                    seq: Seq(self.entries.len() as u64 + 1),
                    change,
                };
                self.entries.push(entry.clone());
                fresh.push(entry);
                appended.stored += 1;
            } else {
                appended.duplicates += 1;
            }
        }
        Ok((appended, fresh))
    }

    fn page(&self, after: Seq) -> (Vec<Entry>, bool) {
        let start = usize::try_from(after.0)
            .unwrap_or(usize::MAX)
            .min(self.entries.len());
        let end = (start + PAGE).min(self.entries.len());
        (self.entries[start..end].to_vec(), end < self.entries.len())
    }

    fn head(&self) -> Seq {
        Seq(self.entries.len() as u64)
    }

    /// Compacts the one document of the simulation at the current head.
    fn compact(&mut self) -> Result<(), TestCaseError> {
        let mut document = automerge::Automerge::new();
        let changes = self
            .entries
            .iter()
            .map(|entry| automerge::Change::try_from(entry.change.bytes.as_slice()))
            .collect::<Result<Vec<_>, _>>()
            .map_err(fail)?;
        document.apply_changes(changes).map_err(fail)?;
        // A snapshot may only claim positions whose changes it really contains.
        if document.get_missing_deps(&[]).is_empty() {
            self.snapshot = Some((document.save(), self.head()));
        }
        Ok(())
    }
}

struct Connection {
    session: RelaySession,
    to_relay: VecDeque<Vec<u8>>,
    to_device: VecDeque<Vec<u8>>,
}

struct Device {
    document: AutoCommit,
    client: SyncClient,
    outbox: BTreeMap<u64, Change>,
    next_key: u64,
    connection: Option<Connection>,
}

struct World {
    document: DocumentId,
    log: Log,
    devices: Vec<Device>,
    edits: usize,
}

#[derive(Clone, Debug)]
enum Op {
    Edit { device: usize, field: u8, value: u8 },
    ToRelay { device: usize },
    ToDevice { device: usize, twice: bool },
    Disconnect { device: usize },
    Connect { device: usize },
    Compact,
}

fn op(devices: usize) -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (0..devices, 0..4u8, any::<u8>()).prop_map(|(device, field, value)| Op::Edit { device, field, value }),
        4 => (0..devices).prop_map(|device| Op::ToRelay { device }),
        4 => (0..devices, prop::bool::weighted(0.1)).prop_map(|(device, twice)| Op::ToDevice { device, twice }),
        1 => (0..devices).prop_map(|device| Op::Disconnect { device }),
        2 => (0..devices).prop_map(|device| Op::Connect { device }),
        1 => Just(Op::Compact),
    ]
}

impl World {
    fn new(devices: usize) -> Result<Self, TestCaseError> {
        let document = DocumentId(uuid::Uuid::from_u128(7));
        let mut base = AutoCommit::new();
        base.put(ROOT, "kind", "account").map_err(fail)?;
        base.commit();
        let devices = (0..devices)
            .map(|index| {
                let mut document = base.fork();
                document.set_actor(automerge::ActorId::from(vec![index as u8 + 1; 16]));
                Device {
                    document,
                    client: SyncClient::new(
                        DeviceId(uuid::Uuid::from_u128(index as u128)),
                        Seq(0),
                        Vec::new(),
                    )
                    .with_max_batch_bytes(200),
                    outbox: BTreeMap::new(),
                    next_key: 1,
                    connection: None,
                }
            })
            .collect();
        let mut world = Self {
            document,
            log: Log::default(),
            devices,
            edits: 0,
        };
        // The document was created and synced before the scenario: its first change is logged.
        let base_change = base
            .get_last_local_change()
            .ok_or_else(|| fail("no base change"))?;
        world
            .log
            .append(vec![Change {
                document: world.document,
                bytes: base_change.raw_bytes().to_vec(),
            }])
            .map_err(|code| fail(format!("{code:?}")))?;
        Ok(world)
    }

    fn outbox_add(&mut self, index: usize, bytes: Vec<u8>) -> Result<(), TestCaseError> {
        let device = &mut self.devices[index];
        let key = device.next_key;
        device.next_key += 1;
        let change = Change {
            document: self.document,
            bytes,
        };
        device.outbox.insert(key, change.clone());
        let effects = device
            .client
            .handle(ClientEvent::OutboxAdded(vec![OutboxEntry { key, change }]));
        self.device_effects(index, effects)
    }

    fn apply(&mut self, op: Op) -> Result<(), TestCaseError> {
        match op {
            Op::Edit {
                device,
                field,
                value,
            } => {
                let document = &mut self.devices[device].document;
                document
                    .put(ROOT, format!("field{field}"), i64::from(value))
                    .map_err(fail)?;
                if document.commit().is_none() {
                    // Writing the value a field already has makes no change.
                    return Ok(());
                }
                let bytes = document
                    .get_last_local_change()
                    .ok_or_else(|| fail("no local change"))?
                    .raw_bytes()
                    .to_vec();
                self.edits += 1;
                self.outbox_add(device, bytes)?;
            }
            Op::Connect { device } => {
                if self.devices[device].connection.is_none() {
                    self.devices[device].connection = Some(Connection {
                        session: RelaySession::new(),
                        to_relay: VecDeque::new(),
                        to_device: VecDeque::new(),
                    });
                    let effects = self.devices[device].client.handle(ClientEvent::Connected {
                        ticket: "valid".to_owned(),
                    });
                    self.device_effects(device, effects)?;
                }
            }
            Op::Disconnect { device } => self.disconnect(device),
            Op::Compact => self.log.compact()?,
            Op::ToRelay { device } => {
                let Some(bytes) = self.devices[device]
                    .connection
                    .as_mut()
                    .and_then(|connection| connection.to_relay.pop_front())
                else {
                    return Ok(());
                };
                let message = decode_client(&bytes).map(|(_, message)| message);
                self.relay_event(device, RelayEvent::Received(message))?;
            }
            Op::ToDevice { device, twice } => {
                let Some(bytes) = self.devices[device]
                    .connection
                    .as_mut()
                    .and_then(|connection| connection.to_device.pop_front())
                else {
                    return Ok(());
                };
                for _ in 0..if twice { 2 } else { 1 } {
                    let message = decode_server(&bytes).map_err(fail)?;
                    let effects = self.devices[device]
                        .client
                        .handle(ClientEvent::Received(message));
                    self.device_effects(device, effects)?;
                }
            }
        }
        Ok(())
    }

    fn disconnect(&mut self, device: usize) {
        if self.devices[device].connection.take().is_some() {
            let effects = self.devices[device]
                .client
                .handle(ClientEvent::Disconnected);
            debug_assert!(effects.is_empty());
        }
    }

    fn device_effects(
        &mut self,
        index: usize,
        effects: Vec<ClientEffect>,
    ) -> Result<(), TestCaseError> {
        for effect in effects {
            let device = &mut self.devices[index];
            match effect {
                ClientEffect::Send(message) => {
                    let bytes = encode_client(&message).map_err(fail)?;
                    if let Some(connection) = device.connection.as_mut() {
                        connection.to_relay.push_back(bytes);
                    }
                }
                ClientEffect::Acknowledged(keys) => {
                    for key in keys {
                        device.outbox.remove(&key);
                    }
                }
                ClientEffect::Store { entries, .. } => {
                    let changes = entries
                        .iter()
                        .map(|entry| automerge::Change::try_from(entry.change.bytes.as_slice()))
                        .collect::<Result<Vec<_>, _>>()
                        .map_err(fail)?;
                    device.document.apply_changes(changes).map_err(fail)?;
                }
                ClientEffect::StoreSnapshots(snapshots) => {
                    for snapshot in snapshots {
                        let mut loaded = AutoCommit::load(&snapshot.bytes).map_err(fail)?;
                        device.document.merge(&mut loaded).map_err(fail)?;
                    }
                }
                ClientEffect::Refused(code) => return Err(fail(format!("refused: {code:?}"))),
                ClientEffect::Forbidden { documents, .. } => {
                    return Err(fail(format!("forbidden: {documents:?}")))
                }
                // Everyone reads the one document here: nothing enters or leaves a reach, so
                // the holdings need not be listed.
                ClientEffect::ListHoldings => {}
                ClientEffect::Purge { documents, .. } => {
                    return Err(fail(format!("purge: {documents:?}")))
                }
                ClientEffect::StoreGranted(snapshots) => {
                    return Err(fail(format!("granted: {} documents", snapshots.len())))
                }
            }
        }
        Ok(())
    }

    fn relay_event(&mut self, index: usize, event: RelayEvent) -> Result<(), TestCaseError> {
        let Some(connection) = self.devices[index].connection.as_mut() else {
            return Ok(());
        };
        let effects = connection.session.handle(event);
        for effect in effects {
            match effect {
                RelayEffect::Send(message) => {
                    let bytes = encode_server(PROTOCOL_VERSION, &message).map_err(fail)?;
                    if let Some(connection) = self.devices[index].connection.as_mut() {
                        connection.to_device.push_back(bytes);
                    }
                }
                RelayEffect::Authenticate { .. } => {
                    let head = self.log.head();
                    self.relay_event(
                        index,
                        RelayEvent::Authenticated {
                            accepted: true,
                            head,
                        },
                    )?;
                }
                RelayEffect::Append { batch, changes } => {
                    let (appended, fresh) = self
                        .log
                        .append(changes)
                        .map_err(|code| fail(format!("{code:?}")))?;
                    self.relay_event(
                        index,
                        RelayEvent::Appended {
                            batch,
                            outcome: Ok(appended),
                        },
                    )?;
                    if let (Some(first), Some(last)) = (fresh.first(), fresh.last()) {
                        let (from, through) = (first.seq, last.seq);
                        for other in 0..self.devices.len() {
                            self.relay_event(
                                other,
                                RelayEvent::Published {
                                    from,
                                    through,
                                    entries: fresh.clone(),
                                },
                            )?;
                        }
                    }
                }
                RelayEffect::ReadLog { after } => {
                    let (entries, more) = self.log.page(after);
                    let through = entries.last().map_or(after, |entry| entry.seq);
                    self.relay_event(
                        index,
                        RelayEvent::Page {
                            entries,
                            through,
                            more,
                        },
                    )?;
                }
                RelayEffect::ReadSnapshot { .. } => {}
                RelayEffect::ReadSnapshots { .. } => {
                    let (snapshots, epoch) = match &self.log.snapshot {
                        Some((bytes, covers)) => (
                            vec![super::messages::DocumentSnapshot {
                                document: self.document,
                                bytes: bytes.clone(),
                                summary: None,
                            }],
                            *covers,
                        ),
                        None => (Vec::new(), Seq(0)),
                    };
                    self.relay_event(
                        index,
                        RelayEvent::SnapshotPage {
                            snapshots,
                            epoch,
                            next: None,
                        },
                    )?;
                }
                RelayEffect::Close => {
                    return Err(fail("the relay closed a well-behaved session"));
                }
                // Holdings are never listed here (see the devices' side), nor purges made.
                RelayEffect::CompareHoldings { .. } | RelayEffect::AcknowledgePurge { .. } => {}
            }
        }
        Ok(())
    }

    /// Reconnects everyone and delivers everything until nothing moves (bounded).
    fn settle(&mut self) -> Result<(), TestCaseError> {
        for device in 0..self.devices.len() {
            self.apply(Op::Connect { device })?;
        }
        for _round in 0..10_000 {
            let mut moved = false;
            for device in 0..self.devices.len() {
                let (to_relay, to_device) = self.devices[device]
                    .connection
                    .as_ref()
                    .map_or((0, 0), |connection| {
                        (connection.to_relay.len(), connection.to_device.len())
                    });
                if to_relay > 0 {
                    self.apply(Op::ToRelay { device })?;
                    moved = true;
                }
                if to_device > 0 {
                    self.apply(Op::ToDevice {
                        device,
                        twice: false,
                    })?;
                    moved = true;
                }
            }
            if !moved {
                return Ok(());
            }
        }
        Err(fail("the network never settled"))
    }
}

fn fail(error: impl std::fmt::Display) -> TestCaseError {
    TestCaseError::fail(error.to_string())
}

fn cases() -> u32 {
    std::env::var("CARNET_PROTOCOL_CASES")
        .ok()
        .and_then(|cases| cases.parse().ok())
        .unwrap_or(200)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    #[test]
    fn devices_converge_and_the_log_holds_every_change_once(
        (devices, ops) in (2..6usize).prop_flat_map(|devices| (Just(devices), prop::collection::vec(op(devices), 1..160)))
    ) {
        let mut world = World::new(devices)?;
        for op in ops {
            world.apply(op)?;
        }
        world.settle()?;

        let heads = world.devices[0].document.get_heads();
        for device in &mut world.devices {
            prop_assert_eq!(device.document.get_heads(), heads.clone());
            prop_assert!(device.outbox.is_empty(), "an outbox still holds {} changes", device.outbox.len());
            prop_assert_eq!(device.client.unacknowledged(), 0);
            prop_assert_eq!(device.client.cursor(), world.log.head());
        }
        let values: Vec<_> = (0..4)
            .map(|field| world.devices[0].document.get(ROOT, format!("field{field}")).ok().flatten().map(|(value, _)| value.to_string()))
            .collect();
        for device in &world.devices[1..] {
            let other: Vec<_> = (0..4)
                .map(|field| device.document.get(ROOT, format!("field{field}")).ok().flatten().map(|(value, _)| value.to_string()))
                .collect();
            prop_assert_eq!(&other, &values);
        }
        // Every edit plus the base change, each stored exactly once.
        prop_assert_eq!(world.log.entries.len(), world.edits + 1);
    }
}
