//! The workspace service's state machine: what to save, what to re-read, when to retry, when
//! signing out may wipe the device, and what the leader tab pushes.
//!
//! [`Workspace::command`] takes what the rep's views ask for, [`Workspace::event`] what the effect
//! runner, sync, the tab channel and the timers report; both return the effects to carry out, in
//! order. The machine reads no clock: it asks for timers ([`Effect::ScheduleRetry`],
//! [`Effect::ScheduleRefresh`]) and is told when they are due.
//!
//! Leadership: every tab (later, the one worker) writes storage, but only the leader pushes the
//! outbox. A save's transaction writes the document and its outbox entries at once, so whatever
//! a save stored is in the outbox whichever tab leads when it completes: a tab that is not the
//! leader tells the other tabs it saved, and the leader reads the outbox past the last key it
//! pushed. The keys are increasing and a leader never pushes a key twice in its term, so a save
//! that completes during a hand-over is pushed once, by the new leader.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::invalidation::{Reach, StoredRecord, Topic, Written};
use super::record::RecordRef;
use super::save_queue::{SaveId, SaveQueue};
use crate::state::problem::Problem;

/// How long the lists wait, at most, before re-reading what sync stored: a new device storing
/// 10,000 records page by page must not re-read the whole index after every page.
pub const REFRESH_AFTER: Duration = Duration::from_millis(300);

/// A batch sync stored this large is a page of a download (or of a long catch-up).
pub const DOWNLOAD_PAGE: usize = 100;

/// How long the lists wait before re-reading while a download goes on, once they showed its
/// first page: every re-read reads the whole growing list while the pages are written, so
/// fewer re-reads leave the database to the download.
pub const DOWNLOAD_REFRESH_AFTER: Duration = Duration::from_millis(1_500);

/// The problem of an edit refused because the device is being signed out.
pub const SIGNING_OUT: &str = "problem-signing-out";

/// One subscriber's handle, chosen by the caller.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct SubscriptionId(pub u64);

/// One local edit, numbered by its caller in increasing order (the save queue acknowledges edits
/// by the last one stored).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct EditId(pub u64);

/// What the rep's views ask of the service.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Command {
    /// Tell `subscription` whenever what `topic` reads may have changed.
    Subscribe {
        /// The subscriber.
        subscription: SubscriptionId,
        /// What it reads.
        topic: Topic,
    },
    /// Stop telling `subscription`.
    Unsubscribe {
        /// The subscriber.
        subscription: SubscriptionId,
    },
    /// Save `change`, a change already made to `record`'s live document (an Automerge change,
    /// opaque here), after every earlier edit of the record.
    Edit {
        /// The record changed.
        record: RecordRef,
        /// The edit's number.
        edit: EditId,
        /// The change's bytes.
        change: Vec<u8>,
    },
    /// The rep pressed "try again": every record with unsaved edits saves now.
    RetrySaves,
    /// Sign out and wipe the device; refused while anything is unsynced unless `force`d (then
    /// what is lost is said).
    SignOut {
        /// Whether the rep accepted losing what is not synced.
        force: bool,
    },
}

/// What happened outside the machine.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Event {
    /// The save `save` is stored (document, index row and outbox entries, in one transaction).
    Saved {
        /// The save.
        save: SaveId,
        /// The record as stored.
        stored: StoredRecord,
    },
    /// The save `save` failed and wrote nothing.
    SaveFailed {
        /// The save.
        save: SaveId,
        /// Why, and whether trying again may help.
        failure: SaveFailure,
    },
    /// The wait before retrying `record`'s save is over.
    RetryDue {
        /// The record.
        record: RecordRef,
    },
    /// Sync stored records from the relay (a page of changes or snapshots).
    Received {
        /// The records as stored.
        stored: Vec<StoredRecord>,
    },
    /// The wait before re-reading what sync stored is over.
    RefreshDue,
    /// Stored records changed and nobody said which (another tab's sync stored a page, the
    /// device was wiped): everything re-reads once the usual wait is over.
    ChangedElsewhere,
    /// An import (or a restored backup) stored records and outbox entries.
    Imported,
    /// The relay acknowledged outbox entries, which are deleted.
    OutboxAcknowledged,
    /// Another tab told this one something.
    FromTab(TabNews),
    /// This tab now leads: it owns the socket and pushes the outbox.
    Elected,
    /// This tab no longer leads.
    Resigned,
    /// The outbox holds these keys past the one asked for ([`Effect::ReadOutbox`]).
    OutboxRead {
        /// The keys, increasing.
        keys: Vec<u64>,
    },
    /// What the outbox holds ([`Effect::ReadUnsynced`]).
    UnsyncedRead {
        /// How many changes wait for the relay.
        changes: usize,
        /// The records they belong to.
        records: Vec<RecordRef>,
    },
    /// The device's data is erased ([`Effect::Wipe`]).
    Wiped,
    /// Erasing failed; nothing was signed out.
    WipeFailed {
        /// Why.
        problem: Problem,
    },
    /// Someone signed in on this device.
    SignedIn,
    /// What `topic` reads changed outside the machine's writes (the worker's search index was
    /// rebuilt): its subscribers re-read.
    Refreshed {
        /// The topic.
        topic: Topic,
    },
}

/// What one tab tells the others (over the tab channel, or later from the worker).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum TabNews {
    /// It saved local edits of these records; they are in the outbox.
    Saved(Vec<StoredRecord>),
    /// It imported records.
    Imported,
    /// It signed the device out.
    SignedOut,
}

/// Why a save failed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SaveFailure {
    /// What to tell the rep.
    pub problem: Problem,
    /// Whether the same save may succeed later on its own (an aborted transaction may; a full
    /// disk or a damaged record will not until something else changes).
    pub retryable: bool,
}

/// Where a record's saving stands, for its page to show.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum RecordStatus {
    /// A save is under way.
    Saving,
    /// Every edit made is stored.
    Saved,
    /// The last attempt failed; another is scheduled. Nothing is lost.
    Retrying {
        /// How many attempts failed in a row.
        attempt: u32,
        /// Why the last one failed.
        problem: Problem,
    },
    /// Saving stopped retrying: the edits wait for the next edit or the rep's "try again".
    Stalled {
        /// Why.
        problem: Problem,
    },
}

/// What signing out would lose, or lost.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Loss {
    /// Local changes stored but not acknowledged by the relay.
    pub outbox_changes: usize,
    /// Edits not stored yet (waiting or being saved).
    pub unsaved_edits: usize,
    /// The records concerned.
    pub records: BTreeSet<RecordRef>,
}

impl Loss {
    /// Whether nothing would be lost.
    pub fn is_empty(&self) -> bool {
        self.outbox_changes == 0 && self.unsaved_edits == 0
    }
}

/// What the runner must do.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Effect {
    /// These records' rows changed: tell who keeps rows between reads (always before the
    /// [`Effect::Invalidate`] of the same writes).
    Written(Written),
    /// Store `changes` to `record` in one transaction (document, index row, outbox), then report
    /// [`Event::Saved`] or [`Event::SaveFailed`].
    Save {
        /// The save.
        save: SaveId,
        /// The record.
        record: RecordRef,
        /// Its changes, oldest first.
        changes: Vec<Vec<u8>>,
    },
    /// Every edit of `record` up to `through` is stored on the device.
    EditsSaved {
        /// The record.
        record: RecordRef,
        /// Its last stored edit.
        through: EditId,
    },
    /// `record`'s saving changed state.
    Status {
        /// The record.
        record: RecordRef,
        /// Its state.
        status: RecordStatus,
    },
    /// Report [`Event::RetryDue`] for `record` after `after`.
    ScheduleRetry {
        /// The record.
        record: RecordRef,
        /// The wait.
        after: Duration,
    },
    /// The edit was not accepted (the device is being signed out); the view must undo it.
    Rejected {
        /// The record.
        record: RecordRef,
        /// The edit.
        edit: EditId,
        /// Why.
        problem: Problem,
    },
    /// These subscribers must re-read.
    Invalidate(Vec<SubscriptionId>),
    /// Report [`Event::RefreshDue`] after `after`.
    ScheduleRefresh {
        /// The wait.
        after: Duration,
    },
    /// Tell the other tabs.
    TellTabs(TabNews),
    /// Read the outbox's keys past `after`, and report [`Event::OutboxRead`].
    ReadOutbox {
        /// The last key already pushed (0: none).
        after: u64,
    },
    /// Hand these outbox entries to the sync session, to push.
    Push {
        /// Their keys, increasing.
        keys: Vec<u64>,
    },
    /// Read what the outbox holds, and report [`Event::UnsyncedRead`].
    ReadUnsynced,
    /// Signing out was refused: this would be lost.
    SignOutRefused {
        /// What is not synced.
        loss: Loss,
    },
    /// Close the socket and forget the session (before wiping).
    StopSync,
    /// Erase every store of the device, then report [`Event::Wiped`] or [`Event::WipeFailed`].
    Wipe,
    /// The device is signed out and empty; `lost` is what was unsynced.
    SignedOut {
        /// What was lost (empty unless forced).
        lost: Loss,
    },
    /// Something the rep must read that belongs to no record.
    Problem(Problem),
}

/// Where the device stands with respect to signing out.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
enum Phase {
    /// Signed in (or nobody yet): edits are saved.
    #[default]
    Open,
    /// Asked to sign out without losing anything: waiting for the outbox's count.
    Checking,
    /// Forced: waiting for saves in flight to settle, then for the outbox's count.
    Draining { lost: Loss, counting: bool },
    /// Erasing.
    Wiping { lost: Loss },
    /// Signed out: nothing is saved until someone signs in.
    SignedOut,
}

/// The workspace service's decisions.
#[derive(Debug, Default)]
pub struct Workspace {
    queue: SaveQueue,
    subscriptions: BTreeMap<SubscriptionId, Topic>,
    /// What sync stored since the last refresh.
    stale: Reach,
    refresh_scheduled: bool,
    /// A refresh for a page of a download was already scheduled since the last smaller batch.
    downloading: bool,
    /// While leading: the last outbox key handed to sync in this term.
    leader: Option<u64>,
    phase: Phase,
}

impl Workspace {
    /// A machine with nothing queued, no subscriber, not leading.
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether this tab leads.
    pub fn is_leader(&self) -> bool {
        self.leader.is_some()
    }

    /// Handles one command of the views.
    pub fn command(&mut self, command: Command) -> Vec<Effect> {
        let mut effects = Vec::new();
        match command {
            Command::Subscribe {
                subscription,
                topic,
            } => {
                self.subscriptions.insert(subscription, topic);
            }
            Command::Unsubscribe { subscription } => {
                self.subscriptions.remove(&subscription);
            }
            Command::Edit {
                record,
                edit,
                change,
            } => match self.phase {
                Phase::Open | Phase::Checking => {
                    self.queue.edit(record, edit, change, &mut effects);
                }
                Phase::Draining { .. } | Phase::Wiping { .. } | Phase::SignedOut => {
                    effects.push(Effect::Rejected {
                        record,
                        edit,
                        problem: Problem::new(SIGNING_OUT),
                    });
                }
            },
            Command::RetrySaves => {
                if self.phase == Phase::Open {
                    self.queue.retry_all(&mut effects);
                }
            }
            Command::SignOut { force } => self.sign_out(force, &mut effects),
        }
        effects
    }

    /// Handles one event of the outside world.
    pub fn event(&mut self, event: Event) -> Vec<Effect> {
        let mut effects = Vec::new();
        match event {
            Event::Saved { save, stored } => {
                if self.queue.saved(save, &mut effects).is_some() {
                    let mut reach = Reach::of_stored(&stored);
                    reach.add(Reach::unsynced());
                    self.invalidate(&reach, &mut effects);
                    effects.push(Effect::TellTabs(TabNews::Saved(vec![stored])));
                    self.read_outbox(&mut effects);
                }
                self.drain(&mut effects);
            }
            Event::SaveFailed { save, failure } => match &mut self.phase {
                Phase::Open | Phase::Checking => {
                    self.queue.failed(save, failure, &mut effects);
                }
                // The rep chose to lose what is unsynced: no retry.
                Phase::Draining { lost, .. } => {
                    let dropped = self.queue.abandon(save);
                    lost.unsaved_edits += dropped.edits;
                    lost.records.extend(dropped.records);
                    self.drain(&mut effects);
                }
                // The device is wiped: the edit must not be saved into the next session's data
                // (the sign-out already said it was lost).
                Phase::Wiping { .. } | Phase::SignedOut => {
                    self.queue.abandon(save);
                }
            },
            Event::RetryDue { record } => {
                if self.phase == Phase::Open || self.phase == Phase::Checking {
                    self.queue.retry_due(record, &mut effects);
                }
            }
            Event::Received { stored } => {
                for stored in &stored {
                    self.stale.add(Reach::of_stored(stored));
                }
                // The first page of a download is shown at once, the next ones less often; a
                // smaller batch (the last page, a colleague's edit) ends the download.
                let after = if stored.len() < DOWNLOAD_PAGE {
                    self.downloading = false;
                    REFRESH_AFTER
                } else if std::mem::replace(&mut self.downloading, true) {
                    DOWNLOAD_REFRESH_AFTER
                } else {
                    REFRESH_AFTER
                };
                self.schedule_refresh_after(after, &mut effects);
            }
            Event::ChangedElsewhere => {
                self.stale.add(Reach::everything());
                self.schedule_refresh(&mut effects);
            }
            Event::RefreshDue => {
                self.refresh_scheduled = false;
                let stale = std::mem::take(&mut self.stale);
                self.invalidate(&stale, &mut effects);
            }
            Event::Imported => {
                self.invalidate(&Reach::everything(), &mut effects);
                effects.push(Effect::TellTabs(TabNews::Imported));
                self.read_outbox(&mut effects);
            }
            Event::OutboxAcknowledged => self.invalidate(&Reach::unsynced(), &mut effects),
            Event::FromTab(news) => self.hear_from_tab(news, &mut effects),
            Event::Elected => {
                // A new term: everything the outbox holds goes out (the relay keeps each change
                // once, so entries a former leader pushed unacknowledged cost nothing).
                self.leader = Some(0);
                self.read_outbox(&mut effects);
            }
            Event::Resigned => self.leader = None,
            Event::OutboxRead { keys } => {
                if let Some(pushed) = self.leader.as_mut() {
                    let fresh: Vec<u64> = keys.into_iter().filter(|key| *key > *pushed).collect();
                    if let Some(last) = fresh.iter().max() {
                        *pushed = *last;
                        effects.push(Effect::Push { keys: fresh });
                    }
                }
            }
            Event::UnsyncedRead { changes, records } => {
                self.unsynced_read(changes, records, &mut effects);
            }
            Event::Wiped => {
                if let Phase::Wiping { lost } = std::mem::take(&mut self.phase) {
                    self.phase = Phase::SignedOut;
                    self.stale = Reach::nothing();
                    self.invalidate(&Reach::everything(), &mut effects);
                    effects.push(Effect::TellTabs(TabNews::SignedOut));
                    effects.push(Effect::SignedOut { lost });
                }
            }
            Event::WipeFailed { problem } => {
                if matches!(self.phase, Phase::Wiping { .. }) {
                    self.phase = Phase::Open;
                    effects.push(Effect::Problem(problem));
                }
            }
            Event::SignedIn => {
                self.phase = Phase::Open;
                self.invalidate(&Reach::everything(), &mut effects);
            }
            Event::Refreshed { topic } => self.invalidate(&Reach::topic(topic), &mut effects),
        }
        effects
    }

    fn hear_from_tab(&mut self, news: TabNews, effects: &mut Vec<Effect>) {
        match news {
            TabNews::Saved(stored) => {
                let mut reach = Reach::unsynced();
                for stored in &stored {
                    reach.add(Reach::of_stored(stored));
                }
                self.invalidate(&reach, effects);
                self.read_outbox(effects);
            }
            TabNews::Imported => {
                self.invalidate(&Reach::everything(), effects);
                self.read_outbox(effects);
            }
            TabNews::SignedOut => {
                // The other tab wiped the device: what this tab still holds cannot be stored.
                let dropped = self.queue.drop_waiting();
                self.phase = Phase::SignedOut;
                self.invalidate(&Reach::everything(), effects);
                effects.push(Effect::SignedOut {
                    lost: Loss {
                        outbox_changes: 0,
                        unsaved_edits: dropped.edits,
                        records: dropped.records,
                    },
                });
            }
        }
    }

    fn sign_out(&mut self, force: bool, effects: &mut Vec<Effect>) {
        match (&self.phase, force) {
            (Phase::Open, false) => {
                self.phase = Phase::Checking;
                effects.push(Effect::ReadUnsynced);
            }
            (Phase::Open | Phase::Checking, true) => {
                let dropped = self.queue.drop_waiting();
                self.phase = Phase::Draining {
                    lost: Loss {
                        outbox_changes: 0,
                        unsaved_edits: dropped.edits,
                        records: dropped.records,
                    },
                    counting: false,
                };
                self.drain(effects);
            }
            // Already checking, draining, wiping, or signed out: the first request stands.
            _ => {}
        }
    }

    /// While a forced sign-out drains: drops what failed, and once no save is in flight, asks
    /// for the outbox's count (which then includes everything the last saves stored).
    fn drain(&mut self, effects: &mut Vec<Effect>) {
        let Phase::Draining { lost, counting } = &mut self.phase else {
            return;
        };
        let dropped = self.queue.drop_waiting();
        lost.unsaved_edits += dropped.edits;
        lost.records.extend(dropped.records);
        if !*counting && !self.queue.is_saving() {
            *counting = true;
            effects.push(Effect::ReadUnsynced);
        }
    }

    fn unsynced_read(
        &mut self,
        changes: usize,
        records: Vec<RecordRef>,
        effects: &mut Vec<Effect>,
    ) {
        match std::mem::take(&mut self.phase) {
            Phase::Checking => {
                let unsaved = self.queue.unsaved();
                let mut loss = Loss {
                    outbox_changes: changes,
                    unsaved_edits: unsaved.edits,
                    records: unsaved.records,
                };
                loss.records.extend(records);
                if loss.is_empty() {
                    self.wipe(Loss::default(), effects);
                } else {
                    self.phase = Phase::Open;
                    effects.push(Effect::SignOutRefused { loss });
                }
            }
            Phase::Draining {
                mut lost,
                counting: true,
            } => {
                lost.outbox_changes = changes;
                lost.records.extend(records);
                self.wipe(lost, effects);
            }
            other => self.phase = other,
        }
    }

    fn wipe(&mut self, lost: Loss, effects: &mut Vec<Effect>) {
        self.phase = Phase::Wiping { lost };
        effects.push(Effect::StopSync);
        effects.push(Effect::Wipe);
    }

    /// Asks for a refresh once the wait is over, unless one is asked for already or nothing
    /// is stale.
    fn schedule_refresh(&mut self, effects: &mut Vec<Effect>) {
        self.schedule_refresh_after(REFRESH_AFTER, effects);
    }

    fn schedule_refresh_after(&mut self, after: Duration, effects: &mut Vec<Effect>) {
        if !self.stale.is_empty() && !self.refresh_scheduled {
            self.refresh_scheduled = true;
            effects.push(Effect::ScheduleRefresh { after });
        }
    }

    /// Asks for the outbox past what this leader pushed (followers leave it to the leader).
    fn read_outbox(&self, effects: &mut Vec<Effect>) {
        if let Some(after) = self.leader {
            effects.push(Effect::ReadOutbox { after });
        }
    }

    fn invalidate(&self, reach: &Reach, effects: &mut Vec<Effect>) {
        // Keepers of rows hear first, so a subscriber re-reading finds them told.
        if let Some(written) = reach.written() {
            effects.push(Effect::Written(written));
        }
        let reached: Vec<SubscriptionId> = self
            .subscriptions
            .iter()
            .filter(|(_, topic)| reach.touches(topic))
            .map(|(subscription, _)| *subscription)
            .collect();
        if !reached.is_empty() {
            effects.push(Effect::Invalidate(reached));
        }
    }
}
