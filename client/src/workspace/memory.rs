//! An in-memory store that carries out the machine's storage effects, as `client::storage` does
//! with IndexedDB: a save writes the record's changes, its index row's links and its outbox
//! entries all at once or not at all. Native tests (and later the worker bridge's) drive the
//! machine against it; nothing here is used by the app at run time.
//!
//! Changes are opaque bytes, except those made by [`link_change`], which set the accounts a
//! record is linked to (as a contact's or a deal's index row would after such a change).

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use shared::ids::AccountId;

use super::invalidation::{Links, StoredRecord};
use super::machine::{Effect, Event, SaveFailure};
use super::record::RecordRef;
use crate::state::problem::Problem;

const LINK_MARKER: u8 = 0xA7;

/// A change that links its record to exactly `accounts` (and does nothing else here).
pub fn link_change(accounts: &[AccountId]) -> Vec<u8> {
    let mut change = vec![LINK_MARKER];
    for account in accounts {
        change.extend_from_slice(account.as_bytes());
    }
    change
}

/// How the next save fails, when a test says so.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fault {
    /// Refused before anything is written, and worth retrying (an aborted transaction).
    Aborted,
    /// Fails after the document is written and before the outbox is: the transaction rolls
    /// back, so nothing of it stays.
    HalfWay,
    /// The disk is full: not worth retrying until space is freed.
    Full,
}

/// The device's storage, in memory.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MemoryStore {
    /// Each record's stored changes, in the order they were stored.
    documents: BTreeMap<RecordRef, Vec<Vec<u8>>>,
    /// Each record's links, as its index row holds them.
    links: BTreeMap<RecordRef, BTreeSet<AccountId>>,
    /// Local changes the relay has not acknowledged, by increasing key.
    outbox: BTreeMap<u64, (RecordRef, Vec<u8>)>,
    /// The last outbox key given (never reused, even after a wipe, like IndexedDB's generator).
    last_key: u64,
    faults: VecDeque<Fault>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// Makes the next save fail with `fault`.
    pub fn fail_next_save(&mut self, fault: Fault) {
        self.faults.push_back(fault);
    }

    /// `record`'s stored changes, oldest first (empty when it is not stored).
    pub fn changes(&self, record: RecordRef) -> &[Vec<u8>] {
        self.documents.get(&record).map_or(&[], Vec::as_slice)
    }

    /// The outbox's keys and records, in key order.
    pub fn outbox(&self) -> Vec<(u64, RecordRef)> {
        self.outbox
            .iter()
            .map(|(key, (record, _))| (*key, *record))
            .collect()
    }

    /// Deletes the outbox entries `keys` (the relay acknowledged them).
    pub fn acknowledge(&mut self, keys: &[u64]) {
        for key in keys {
            self.outbox.remove(key);
        }
    }

    /// Stores `changes` that arrived from the relay for `record` (no outbox entry), and reports
    /// the record as sync would.
    pub fn receive(&mut self, record: RecordRef, changes: Vec<Vec<u8>>) -> StoredRecord {
        let linked_before = self.links_of(record);
        let stored = self.documents.entry(record).or_default();
        let mut changed = false;
        for change in changes {
            if !stored.contains(&change) {
                stored.push(change);
                changed = true;
            }
        }
        self.relink(record);
        StoredRecord {
            record,
            changed,
            linked_before,
            linked_after: self.links_of(record),
        }
    }

    /// Carries out `effect` when it is storage's, and returns the event that reports it.
    pub fn execute(&mut self, effect: &Effect) -> Option<Event> {
        match effect {
            Effect::Save {
                save,
                record,
                changes,
            } => Some(match self.save(*record, changes) {
                Ok(stored) => Event::Saved {
                    save: *save,
                    stored,
                },
                Err(failure) => Event::SaveFailed {
                    save: *save,
                    failure,
                },
            }),
            Effect::ReadOutbox { after } => Some(Event::OutboxRead {
                keys: self
                    .outbox
                    .range(after + 1..)
                    .map(|(key, _)| *key)
                    .collect(),
            }),
            Effect::ReadUnsynced => {
                let records: BTreeSet<RecordRef> =
                    self.outbox.values().map(|(record, _)| *record).collect();
                Some(Event::UnsyncedRead {
                    changes: self.outbox.len(),
                    records: records.into_iter().collect(),
                })
            }
            Effect::Wipe => {
                self.documents.clear();
                self.links.clear();
                self.outbox.clear();
                Some(Event::Wiped)
            }
            _ => None,
        }
    }

    /// One transaction: the document, its links and the outbox, or nothing.
    fn save(
        &mut self,
        record: RecordRef,
        changes: &[Vec<u8>],
    ) -> Result<StoredRecord, SaveFailure> {
        let fault = self.faults.pop_front();
        if fault == Some(Fault::Aborted) {
            return Err(SaveFailure {
                problem: Problem::new("problem-storage-aborted"),
                retryable: true,
            });
        }
        if fault == Some(Fault::Full) {
            return Err(SaveFailure {
                problem: Problem::new("problem-storage-full"),
                retryable: false,
            });
        }
        // Work on a copy, as a transaction does, and keep it only if every step succeeds.
        let mut transaction = self.clone();
        let linked_before = transaction.links_of(record);
        transaction
            .documents
            .entry(record)
            .or_default()
            .extend(changes.iter().cloned());
        transaction.relink(record);
        if fault == Some(Fault::HalfWay) {
            return Err(SaveFailure {
                problem: Problem::with_detail("problem-storage-failed", "failed half-way"),
                retryable: true,
            });
        }
        for change in changes {
            transaction.last_key += 1;
            transaction
                .outbox
                .insert(transaction.last_key, (record, change.clone()));
        }
        let linked_after = transaction.links_of(record);
        transaction.faults = std::mem::take(&mut self.faults);
        *self = transaction;
        Ok(StoredRecord {
            record,
            changed: true,
            linked_before,
            linked_after,
        })
    }

    fn links_of(&self, record: RecordRef) -> Links {
        match record {
            RecordRef::Contact(_)
            | RecordRef::Deal(_)
            | RecordRef::Quote(_)
            | RecordRef::Order(_) => {
                Links::Known(self.links.get(&record).cloned().unwrap_or_default())
            }
            RecordRef::Account(_) | RecordRef::Settings(_) | RecordRef::Product(_) => Links::none(),
        }
    }

    /// Derives `record`'s links from its last link change, as an index row is derived.
    fn relink(&mut self, record: RecordRef) {
        let last_link = self.documents.get(&record).and_then(|changes| {
            changes
                .iter()
                .rev()
                .find(|c| c.first() == Some(&LINK_MARKER))
        });
        if let Some(change) = last_link {
            let accounts = change[1..]
                .chunks_exact(16)
                .filter_map(|bytes| <[u8; 16]>::try_from(bytes).ok())
                .map(AccountId::from_bytes)
                .collect();
            self.links.insert(record, accounts);
        }
    }
}
