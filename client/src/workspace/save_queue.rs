//! The one save queue, for every record kind.
//!
//! Each record has at most one save in flight. Edits that arrive meanwhile wait, in the order
//! they were made, and all of them go together in the record's next save, so saves of one record
//! never overlap and never reorder. A failed save puts its changes back in front of the waiting
//! ones: nothing is dropped and the order holds.
//!
//! Different records save concurrently. IndexedDB already runs read-write transactions over the
//! same stores one after the other, in the order they were opened, so letting two records' saves
//! be in flight together costs no ordering; and a record whose save keeps failing (damaged, or
//! refused by a full disk) must not hold every other record's edits hostage, which one global
//! queue would. Causal order only matters within a document: the relay and Automerge order
//! changes per document, never across documents.
//!
//! This module keeps the queue and decides; it must not know what a change contains.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::machine::{EditId, Effect, RecordStatus, SaveFailure};
use super::record::RecordRef;
use crate::state::problem::Problem;

/// How many times in a row a save is attempted before its record is stalled (until the next
/// edit or the rep's "try again").
pub const MAX_SAVE_ATTEMPTS: u32 = 3;

/// How long to wait before each retry after a failed attempt (the first, the second).
pub const RETRY_AFTER: [Duration; 2] = [Duration::from_secs(1), Duration::from_secs(5)];

/// One save handed to the store, named so its outcome finds its record.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct SaveId(pub u64);

/// Every record's waiting edits and save in flight.
#[derive(Debug, Default)]
pub(crate) struct SaveQueue {
    records: BTreeMap<RecordRef, RecordQueue>,
    saves: BTreeMap<SaveId, RecordRef>,
    next_save: u64,
}

/// One record's place in the queue; removed once it holds nothing.
#[derive(Debug, Default)]
struct RecordQueue {
    /// Edits not handed to a save yet, oldest first.
    waiting: Vec<(EditId, Vec<u8>)>,
    in_flight: Option<InFlight>,
    /// Failed attempts in a row.
    attempts: u32,
    retry_scheduled: bool,
    /// Why saving stopped retrying, until an edit or the rep tries again.
    stalled: Option<Problem>,
}

#[derive(Debug)]
struct InFlight {
    save: SaveId,
    edits: Vec<(EditId, Vec<u8>)>,
}

/// What was dropped from the queue (a forced sign-out).
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Dropped {
    pub(crate) edits: usize,
    pub(crate) records: BTreeSet<RecordRef>,
}

impl SaveQueue {
    /// Queues `change` (edit `edit` of `record`) and saves it now unless a save of the record
    /// is in flight (then it goes with the next one).
    pub(crate) fn edit(
        &mut self,
        record: RecordRef,
        edit: EditId,
        change: Vec<u8>,
        effects: &mut Vec<Effect>,
    ) {
        let queue = self.records.entry(record).or_default();
        queue.waiting.push((edit, change));
        // A new edit is a new attempt, even for a stalled record: the rep is still working.
        queue.stalled = None;
        self.start(record, effects);
    }

    /// The save `save` is stored: its edits are acknowledged, and the record's waiting edits,
    /// if any, go out in the next save. Returns the record and its last saved edit.
    pub(crate) fn saved(
        &mut self,
        save: SaveId,
        effects: &mut Vec<Effect>,
    ) -> Option<(RecordRef, EditId)> {
        let record = self.saves.remove(&save)?;
        let queue = self.records.get_mut(&record)?;
        let in_flight = queue
            .in_flight
            .take_if(|in_flight| in_flight.save == save)?;
        let through = in_flight.edits.last().map(|(edit, _)| *edit)?;
        queue.attempts = 0;
        queue.stalled = None;
        effects.push(Effect::EditsSaved { record, through });
        if queue.waiting.is_empty() {
            effects.push(Effect::Status {
                record,
                status: RecordStatus::Saved,
            });
        }
        self.start(record, effects);
        self.forget_if_idle(record);
        Some((record, through))
    }

    /// The save `save` failed and wrote nothing: its edits go back in front, and the record is
    /// retried later or stalled with the problem.
    pub(crate) fn failed(
        &mut self,
        save: SaveId,
        failure: SaveFailure,
        effects: &mut Vec<Effect>,
    ) -> Option<RecordRef> {
        let record = self.saves.remove(&save)?;
        let queue = self.records.get_mut(&record)?;
        let in_flight = queue
            .in_flight
            .take_if(|in_flight| in_flight.save == save)?;
        let mut edits = in_flight.edits;
        edits.append(&mut queue.waiting);
        queue.waiting = edits;
        queue.attempts += 1;
        let retry_after = usize::try_from(queue.attempts - 1)
            .ok()
            .and_then(|index| RETRY_AFTER.get(index));
        match retry_after {
            Some(after) if failure.retryable && queue.attempts < MAX_SAVE_ATTEMPTS => {
                queue.retry_scheduled = true;
                effects.push(Effect::Status {
                    record,
                    status: RecordStatus::Retrying {
                        attempt: queue.attempts,
                        problem: failure.problem,
                    },
                });
                effects.push(Effect::ScheduleRetry {
                    record,
                    after: *after,
                });
            }
            _ => {
                queue.stalled = Some(failure.problem.clone());
                effects.push(Effect::Status {
                    record,
                    status: RecordStatus::Stalled {
                        problem: failure.problem,
                    },
                });
            }
        }
        Some(record)
    }

    /// The save `save` failed while the device is being signed out: its edits are dropped, not
    /// retried. Returns what was dropped.
    pub(crate) fn abandon(&mut self, save: SaveId) -> Dropped {
        let mut dropped = Dropped::default();
        let Some(record) = self.saves.remove(&save) else {
            return dropped;
        };
        if let Some(queue) = self.records.get_mut(&record) {
            if let Some(in_flight) = queue.in_flight.take_if(|in_flight| in_flight.save == save) {
                dropped.edits = in_flight.edits.len();
                dropped.records.insert(record);
            }
        }
        self.forget_if_idle(record);
        dropped
    }

    /// The wait before retrying `record` is over.
    pub(crate) fn retry_due(&mut self, record: RecordRef, effects: &mut Vec<Effect>) {
        let Some(queue) = self.records.get_mut(&record) else {
            return;
        };
        if !std::mem::take(&mut queue.retry_scheduled) || queue.stalled.is_some() {
            return;
        }
        self.start(record, effects);
    }

    /// The rep asked to try again: every record with waiting edits saves now.
    pub(crate) fn retry_all(&mut self, effects: &mut Vec<Effect>) {
        let records: Vec<RecordRef> = self.records.keys().copied().collect();
        for record in records {
            if let Some(queue) = self.records.get_mut(&record) {
                queue.attempts = 0;
                queue.stalled = None;
            }
            self.start(record, effects);
        }
    }

    /// Drops every edit not in flight (a forced sign-out), and says what was dropped.
    pub(crate) fn drop_waiting(&mut self) -> Dropped {
        let mut dropped = Dropped::default();
        for (record, queue) in &mut self.records {
            if !queue.waiting.is_empty() {
                dropped.edits += queue.waiting.len();
                dropped.records.insert(*record);
                queue.waiting.clear();
            }
            queue.retry_scheduled = false;
            queue.stalled = None;
        }
        self.records.retain(|_, queue| queue.in_flight.is_some());
        dropped
    }

    /// Whether any save is in flight.
    pub(crate) fn is_saving(&self) -> bool {
        !self.saves.is_empty()
    }

    /// How many edits are not stored yet (waiting or in flight), and on which records.
    pub(crate) fn unsaved(&self) -> Dropped {
        let mut unsaved = Dropped::default();
        for (record, queue) in &self.records {
            let count = queue.waiting.len()
                + queue
                    .in_flight
                    .as_ref()
                    .map_or(0, |in_flight| in_flight.edits.len());
            if count > 0 {
                unsaved.edits += count;
                unsaved.records.insert(*record);
            }
        }
        unsaved
    }

    /// Starts `record`'s next save if it has waiting edits and none in flight.
    fn start(&mut self, record: RecordRef, effects: &mut Vec<Effect>) {
        let Some(queue) = self.records.get_mut(&record) else {
            return;
        };
        if queue.in_flight.is_some() || queue.waiting.is_empty() {
            return;
        }
        self.next_save += 1;
        let save = SaveId(self.next_save);
        let edits = std::mem::take(&mut queue.waiting);
        let changes = edits.iter().map(|(_, change)| change.clone()).collect();
        if queue.attempts == 0 {
            effects.push(Effect::Status {
                record,
                status: RecordStatus::Saving,
            });
        }
        queue.in_flight = Some(InFlight { save, edits });
        self.saves.insert(save, record);
        effects.push(Effect::Save {
            save,
            record,
            changes,
        });
    }

    fn forget_if_idle(&mut self, record: RecordRef) {
        let idle = self.records.get(&record).is_some_and(|queue| {
            queue.in_flight.is_none() && queue.waiting.is_empty() && !queue.retry_scheduled
        });
        if idle {
            self.records.remove(&record);
        }
    }
}
