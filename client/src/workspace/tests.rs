//! The workspace machine driven against the in-memory store: the save queue, failures and
//! retries, precise invalidation, sign-out, and the leader hand-over, by scenario and by random
//! interleaving.

use std::collections::{BTreeMap, BTreeSet};

use proptest::prelude::*;
use shared::ids::{AccountId, ContactId, DealId, WorkspaceId};

use super::invalidation::{Links, StoredRecord, Topic, Written};
use super::machine::{
    Command, EditId, Effect, Event, Loss, RecordStatus, SaveFailure, SubscriptionId, TabNews,
    Workspace, SIGNING_OUT,
};
use super::memory::{link_change, Fault, MemoryStore};
use super::record::{ListKind, RecordRef};
use super::save_queue::RETRY_AFTER;
use crate::state::problem::Problem;

fn account(byte: u8) -> AccountId {
    AccountId::from_bytes([byte; 16])
}

fn account_record(byte: u8) -> RecordRef {
    RecordRef::Account(account(byte))
}

fn deal(byte: u8) -> RecordRef {
    RecordRef::Deal(DealId::from_bytes([byte; 16]))
}

fn contact(byte: u8) -> RecordRef {
    RecordRef::Contact(ContactId::from_bytes([byte; 16]))
}

fn edit(record: RecordRef, number: u64, change: &[u8]) -> Command {
    Command::Edit {
        record,
        edit: EditId(number),
        change: change.to_vec(),
    }
}

fn saves(effects: &[Effect]) -> Vec<Effect> {
    effects
        .iter()
        .filter(|effect| matches!(effect, Effect::Save { .. }))
        .cloned()
        .collect()
}

fn only_save(effects: &[Effect]) -> Effect {
    let saves = saves(effects);
    assert_eq!(saves.len(), 1, "expected one save in {effects:?}");
    saves.into_iter().next().unwrap_or(Effect::Wipe)
}

fn invalidated(effects: &[Effect]) -> BTreeSet<SubscriptionId> {
    effects
        .iter()
        .filter_map(|effect| match effect {
            Effect::Invalidate(ids) => Some(ids.clone()),
            _ => None,
        })
        .flatten()
        .collect()
}

/// Executes `effect` on `store` and hands the outcome to `workspace`.
fn complete(workspace: &mut Workspace, store: &mut MemoryStore, effect: &Effect) -> Vec<Effect> {
    match store.execute(effect) {
        Some(event) => workspace.event(event),
        None => Vec::new(),
    }
}

/// Runs every storage effect to the end, and returns every effect seen on the way.
fn settle(workspace: &mut Workspace, store: &mut MemoryStore, effects: Vec<Effect>) -> Vec<Effect> {
    let mut seen = Vec::new();
    let mut pending = effects;
    while !pending.is_empty() {
        let mut next = Vec::new();
        for effect in pending {
            next.extend(complete(workspace, store, &effect));
            seen.push(effect);
        }
        pending = next;
    }
    seen
}

#[test]
fn saves_of_one_record_never_overlap_or_reorder_and_later_edits_coalesce() {
    let mut workspace = Workspace::new();
    let mut store = MemoryStore::new();
    let record = account_record(1);
    let first = only_save(&workspace.command(edit(record, 1, b"one")));
    // Two edits while the first save is in flight: no second save overlaps it.
    assert!(saves(&workspace.command(edit(record, 2, b"two"))).is_empty());
    assert!(saves(&workspace.command(edit(record, 3, b"three"))).is_empty());

    let after_first = complete(&mut workspace, &mut store, &first);
    assert!(after_first.contains(&Effect::EditsSaved {
        record,
        through: EditId(1)
    }));
    let second = only_save(&after_first);
    assert_eq!(
        second,
        Effect::Save {
            save: super::SaveId(2),
            record,
            changes: vec![b"two".to_vec(), b"three".to_vec()],
        }
    );
    let after_second = complete(&mut workspace, &mut store, &second);
    assert!(after_second.contains(&Effect::EditsSaved {
        record,
        through: EditId(3)
    }));
    assert!(after_second.contains(&Effect::Status {
        record,
        status: RecordStatus::Saved
    }));
    assert!(saves(&after_second).is_empty());
    assert_eq!(
        store.changes(record),
        [b"one".to_vec(), b"two".to_vec(), b"three".to_vec()]
    );
}

#[test]
fn different_records_save_side_by_side() {
    let mut workspace = Workspace::new();
    let first = workspace.command(edit(account_record(1), 1, b"a"));
    let second = workspace.command(edit(deal(2), 2, b"b"));
    assert_eq!(saves(&first).len(), 1);
    assert_eq!(saves(&second).len(), 1);
}

#[test]
fn a_save_failing_half_way_leaves_nothing_and_its_edits_are_saved_once_with_the_next() {
    let mut workspace = Workspace::new();
    let mut store = MemoryStore::new();
    let record = deal(1);
    let before = store.clone();
    store.fail_next_save(Fault::HalfWay);
    let save = only_save(&workspace.command(edit(record, 1, b"one")));
    let failed = complete(&mut workspace, &mut store, &save);
    // Neither the document, nor its links, nor the outbox kept anything.
    assert_eq!(store, before);
    assert!(failed.contains(&Effect::ScheduleRetry {
        record,
        after: RETRY_AFTER[0]
    }));
    assert!(failed.iter().any(|effect| matches!(
        effect,
        Effect::Status {
            status: RecordStatus::Retrying { attempt: 1, .. },
            ..
        }
    )));
    // An edit made during the wait goes out at once, after the failed one.
    let retried = only_save(&workspace.command(edit(record, 2, b"two")));
    let done = complete(&mut workspace, &mut store, &retried);
    assert!(done.contains(&Effect::EditsSaved {
        record,
        through: EditId(2)
    }));
    // The retry that was scheduled finds nothing left to save.
    assert!(workspace.event(Event::RetryDue { record }).is_empty());
    assert_eq!(store.changes(record), [b"one".to_vec(), b"two".to_vec()]);
    assert_eq!(store.outbox().len(), 2);
}

#[test]
fn a_save_that_keeps_being_aborted_is_retried_then_stalled_with_its_problem() {
    let mut workspace = Workspace::new();
    let mut store = MemoryStore::new();
    let record = account_record(1);
    for _ in 0..3 {
        store.fail_next_save(Fault::Aborted);
    }
    let mut save = only_save(&workspace.command(edit(record, 1, b"one")));
    for attempt in 1..=2 {
        let failed = complete(&mut workspace, &mut store, &save);
        assert!(failed.iter().any(|effect| matches!(
            effect,
            Effect::Status { status: RecordStatus::Retrying { attempt: a, .. }, .. } if *a == attempt
        )));
        save = only_save(&workspace.event(Event::RetryDue { record }));
    }
    let stalled = complete(&mut workspace, &mut store, &save);
    assert!(stalled.contains(&Effect::Status {
        record,
        status: RecordStatus::Stalled {
            problem: Problem::new("problem-storage-aborted")
        }
    }));
    assert!(!stalled
        .iter()
        .any(|effect| matches!(effect, Effect::ScheduleRetry { .. })));
    assert!(store.changes(record).is_empty());
    // "Try again" saves what waited.
    let again = only_save(&workspace.command(Command::RetrySaves));
    complete(&mut workspace, &mut store, &again);
    assert_eq!(store.changes(record), [b"one".to_vec()]);
}

#[test]
fn a_full_disk_stalls_at_once_and_keeps_every_edit_for_the_next_attempt() {
    let mut workspace = Workspace::new();
    let mut store = MemoryStore::new();
    let record = contact(1);
    store.fail_next_save(Fault::Full);
    let save = only_save(&workspace.command(edit(record, 1, b"one")));
    let failed = complete(&mut workspace, &mut store, &save);
    assert!(failed.contains(&Effect::Status {
        record,
        status: RecordStatus::Stalled {
            problem: Problem::new("problem-storage-full")
        }
    }));
    assert!(workspace.event(Event::RetryDue { record }).is_empty());
    let next = only_save(&workspace.command(edit(record, 2, b"two")));
    complete(&mut workspace, &mut store, &next);
    assert_eq!(store.changes(record), [b"one".to_vec(), b"two".to_vec()]);
}

/// Subscribes one subscriber to each of `topics`, numbered from 1 in order.
fn subscribe(workspace: &mut Workspace, topics: &[Topic]) {
    for (number, topic) in (1..).zip(topics) {
        workspace.command(Command::Subscribe {
            subscription: SubscriptionId(number),
            topic: *topic,
        });
    }
}

fn ids(numbers: &[u64]) -> BTreeSet<SubscriptionId> {
    numbers.iter().copied().map(SubscriptionId).collect()
}

#[test]
fn invalidation_reaches_exactly_the_lists_and_records_that_changed() {
    let mut workspace = Workspace::new();
    let mut store = MemoryStore::new();
    let moved = deal(9);
    let talked_to = contact(8);
    subscribe(
        &mut workspace,
        &[
            Topic::List(ListKind::Accounts),  // 1
            Topic::List(ListKind::Contacts),  // 2
            Topic::List(ListKind::Deals),     // 3
            Topic::Record(moved),             // 4
            Topic::Record(deal(10)),          // 5
            Topic::Related(account(1)),       // 6
            Topic::Related(account(2)),       // 7
            Topic::Related(account(3)),       // 8
            Topic::Today,                     // 9
            Topic::Pipeline,                  // 10
            Topic::Unsynced,                  // 11
            Topic::Record(account_record(1)), // 12
            Topic::Record(RecordRef::Settings(WorkspaceId::from_bytes([7; 16]))), // 13
        ],
    );
    // A deal linked to account 1 is saved here.
    let effects = workspace.command(edit(moved, 1, &link_change(&[account(1)])));
    let effects = settle(&mut workspace, &mut store, effects);
    assert_eq!(invalidated(&effects), ids(&[3, 4, 6, 10, 11]));
    // It moves to account 2: both accounts' related lists, no third.
    let effects = workspace.command(edit(moved, 2, &link_change(&[account(2)])));
    let effects = settle(&mut workspace, &mut store, effects);
    assert_eq!(invalidated(&effects), ids(&[3, 4, 6, 7, 10, 11]));
    // An account saved here: its list, itself, the day, the board (names on cards).
    let effects = workspace.command(edit(account_record(1), 3, b"renamed"));
    let effects = settle(&mut workspace, &mut store, effects);
    assert_eq!(invalidated(&effects), ids(&[1, 9, 10, 11, 12]));
    // Sync stores a colleague's contact of account 3: re-read once the wait is over, and the
    // unsynced summary is not concerned.
    let received = store.receive(talked_to, vec![link_change(&[account(3)])]);
    let effects = workspace.event(Event::Received {
        stored: vec![received],
    });
    assert!(invalidated(&effects).is_empty());
    let effects = workspace.event(Event::RefreshDue);
    assert_eq!(invalidated(&effects), ids(&[2, 8]));
    // The relay acknowledged the outbox: only the unsynced summary.
    let effects = workspace.event(Event::OutboxAcknowledged);
    assert_eq!(invalidated(&effects), ids(&[11]));
}

#[test]
fn pages_stored_during_one_wait_are_re_read_once_and_echoes_not_at_all() {
    let mut workspace = Workspace::new();
    let mut store = MemoryStore::new();
    subscribe(
        &mut workspace,
        &[
            Topic::List(ListKind::Accounts),
            Topic::List(ListKind::Deals),
        ],
    );
    let first = store.receive(account_record(1), vec![b"a".to_vec()]);
    let effects = workspace.event(Event::Received {
        stored: vec![first],
    });
    assert_eq!(
        effects,
        [Effect::ScheduleRefresh {
            after: super::machine::REFRESH_AFTER
        }]
    );
    let second = store.receive(account_record(2), vec![b"b".to_vec()]);
    assert!(workspace
        .event(Event::Received {
            stored: vec![second],
        })
        .is_empty());
    // Keepers of rows hear which records changed, before the subscribers re-read.
    assert_eq!(
        workspace.event(Event::RefreshDue),
        [
            Effect::Written(Written::Records(BTreeSet::from([
                account_record(1),
                account_record(2)
            ]))),
            Effect::Invalidate(vec![SubscriptionId(1)])
        ]
    );
    // The same bytes again (an echo) change nothing, and schedule nothing.
    let echo = store.receive(account_record(2), vec![b"b".to_vec()]);
    assert!(!echo.changed);
    assert!(workspace
        .event(Event::Received { stored: vec![echo] })
        .is_empty());
}

#[test]
fn a_download_shows_its_first_page_at_once_then_re_reads_less_often_until_a_smaller_batch() {
    let mut workspace = Workspace::new();
    let mut store = MemoryStore::new();
    subscribe(&mut workspace, &[Topic::List(ListKind::Accounts)]);
    let mut next = 0_u128;
    let mut page = |store: &mut MemoryStore, records: usize| {
        (0..records)
            .map(|_| {
                next += 1;
                let record = RecordRef::Account(AccountId::from_bytes(next.to_le_bytes()));
                store.receive(record, vec![next.to_le_bytes().to_vec()])
            })
            .collect::<Vec<_>>()
    };
    let scheduled = |effects: &[Effect]| {
        effects
            .iter()
            .filter_map(|effect| match effect {
                Effect::ScheduleRefresh { after } => Some(*after),
                _ => None,
            })
            .collect::<Vec<_>>()
    };
    let first = page(&mut store, super::machine::DOWNLOAD_PAGE);
    let effects = workspace.event(Event::Received { stored: first });
    assert_eq!(scheduled(&effects), [super::machine::REFRESH_AFTER]);
    assert_eq!(invalidated(&workspace.event(Event::RefreshDue)), ids(&[1]));
    let second = page(&mut store, super::machine::DOWNLOAD_PAGE);
    let effects = workspace.event(Event::Received { stored: second });
    assert_eq!(
        scheduled(&effects),
        [super::machine::DOWNLOAD_REFRESH_AFTER]
    );
    assert_eq!(invalidated(&workspace.event(Event::RefreshDue)), ids(&[1]));
    // The last, smaller page is shown as soon as any colleague's edit would be.
    let last = page(&mut store, 3);
    let effects = workspace.event(Event::Received { stored: last });
    assert_eq!(scheduled(&effects), [super::machine::REFRESH_AFTER]);
    assert_eq!(invalidated(&workspace.event(Event::RefreshDue)), ids(&[1]));
    // A later download starts again with its first page at once.
    let again = page(&mut store, super::machine::DOWNLOAD_PAGE);
    let effects = workspace.event(Event::Received { stored: again });
    assert_eq!(scheduled(&effects), [super::machine::REFRESH_AFTER]);
}

#[test]
fn a_change_nobody_described_reaches_every_subscriber_once_the_wait_is_over() {
    let mut workspace = Workspace::new();
    subscribe(&mut workspace, &[Topic::Today, Topic::Record(deal(3))]);
    let effects = workspace.event(Event::ChangedElsewhere);
    assert!(invalidated(&effects).is_empty());
    assert!(workspace.event(Event::ChangedElsewhere).is_empty());
    assert_eq!(
        invalidated(&workspace.event(Event::RefreshDue)),
        ids(&[1, 2])
    );
    // Nothing stale: the next refresh reaches nobody.
    assert!(workspace.event(Event::RefreshDue).is_empty());
}

#[test]
fn an_import_reaches_every_subscriber_and_an_unsubscribed_view_is_no_longer_told() {
    let mut workspace = Workspace::new();
    subscribe(
        &mut workspace,
        &[Topic::Today, Topic::Related(account(4)), Topic::Unsynced],
    );
    workspace.command(Command::Unsubscribe {
        subscription: SubscriptionId(2),
    });
    let effects = workspace.event(Event::Imported);
    assert_eq!(invalidated(&effects), ids(&[1, 3]));
    assert!(effects.contains(&Effect::TellTabs(TabNews::Imported)));
}

#[test]
fn signing_out_with_unsynced_changes_is_refused_and_says_what_would_be_lost() {
    let mut workspace = Workspace::new();
    let mut store = MemoryStore::new();
    let record = account_record(1);
    let effects = workspace.command(edit(record, 1, b"one"));
    settle(&mut workspace, &mut store, effects);
    let effects = workspace.command(Command::SignOut { force: false });
    assert_eq!(effects, [Effect::ReadUnsynced]);
    let effects = settle(&mut workspace, &mut store, effects);
    assert!(effects.contains(&Effect::SignOutRefused {
        loss: Loss {
            outbox_changes: 1,
            unsaved_edits: 0,
            records: BTreeSet::from([record]),
        }
    }));
    assert!(!effects.contains(&Effect::Wipe));
    assert_eq!(store.changes(record), [b"one".to_vec()]);
    // The device stays usable.
    assert_eq!(saves(&workspace.command(edit(record, 2, b"two"))).len(), 1);
}

#[test]
fn signing_out_while_an_edit_is_still_being_saved_is_refused() {
    let mut workspace = Workspace::new();
    let mut store = MemoryStore::new();
    let record = deal(1);
    let _in_flight = only_save(&workspace.command(edit(record, 1, b"one")));
    let effects = workspace.command(Command::SignOut { force: false });
    let effects = settle(&mut workspace, &mut store, effects);
    assert!(effects.contains(&Effect::SignOutRefused {
        loss: Loss {
            outbox_changes: 0,
            unsaved_edits: 1,
            records: BTreeSet::from([record]),
        }
    }));
}

#[test]
fn signing_out_with_nothing_unsynced_stops_sync_wipes_and_tells_every_subscriber() {
    let mut workspace = Workspace::new();
    let mut store = MemoryStore::new();
    store.receive(account_record(1), vec![b"colleague's".to_vec()]);
    subscribe(&mut workspace, &[Topic::List(ListKind::Accounts)]);
    let effects = workspace.command(Command::SignOut { force: false });
    let effects = settle(&mut workspace, &mut store, effects);
    assert!(effects.contains(&Effect::StopSync));
    assert!(effects.contains(&Effect::SignedOut {
        lost: Loss::default()
    }));
    assert_eq!(invalidated(&effects), ids(&[1]));
    assert!(store.changes(account_record(1)).is_empty());
}

#[test]
fn a_forced_sign_out_lets_the_save_in_flight_finish_then_wipes_and_says_what_was_lost() {
    let mut workspace = Workspace::new();
    let mut store = MemoryStore::new();
    let record = account_record(1);
    let in_flight = only_save(&workspace.command(edit(record, 1, b"one")));
    workspace.command(edit(record, 2, b"two"));
    let effects = workspace.command(Command::SignOut { force: true });
    assert!(!effects.contains(&Effect::Wipe));
    // Nothing more is accepted once the rep chose to sign out.
    assert_eq!(
        workspace.command(edit(record, 3, b"three")),
        [Effect::Rejected {
            record,
            edit: EditId(3),
            problem: Problem::new(SIGNING_OUT),
        }]
    );
    let effects = complete(&mut workspace, &mut store, &in_flight);
    assert!(
        saves(&effects).is_empty(),
        "the waiting edit is dropped, not saved"
    );
    let effects = settle(&mut workspace, &mut store, effects);
    assert!(effects.contains(&Effect::SignedOut {
        lost: Loss {
            outbox_changes: 1,
            unsaved_edits: 1,
            records: BTreeSet::from([record]),
        }
    }));
    assert!(store.changes(record).is_empty());
    assert!(store.outbox().is_empty());
}

/// Two tabs of one device over one store.
struct Tabs {
    store: MemoryStore,
    tabs: [Workspace; 2],
    /// Saves handed to the store and not completed yet, per tab.
    in_flight: [Vec<Effect>; 2],
    /// News each tab has not delivered to the other yet.
    news: [Vec<TabNews>; 2],
    /// Keys pushed, per leader term.
    pushed: Vec<Vec<u64>>,
    /// The last edit acknowledged as saved, per record.
    acknowledged: BTreeMap<RecordRef, EditId>,
}

impl Tabs {
    fn new() -> Self {
        Self {
            store: MemoryStore::new(),
            tabs: [Workspace::new(), Workspace::new()],
            in_flight: [Vec::new(), Vec::new()],
            news: [Vec::new(), Vec::new()],
            pushed: Vec::new(),
            acknowledged: BTreeMap::new(),
        }
    }

    /// Carries out `effects` of tab `tab`: reads at once, saves held until completed.
    fn run(&mut self, tab: usize, effects: Vec<Effect>) {
        for effect in effects {
            match &effect {
                Effect::Save { .. } => self.in_flight[tab].push(effect),
                Effect::TellTabs(news) => self.news[tab].push(news.clone()),
                Effect::Push { keys } => {
                    if let Some(term) = self.pushed.last_mut() {
                        term.extend(keys);
                    }
                }
                Effect::EditsSaved { record, through } => {
                    self.acknowledged.insert(*record, *through);
                }
                _ => {
                    if let Some(event) = self.store.execute(&effect) {
                        let next = self.tabs[tab].event(event);
                        self.run(tab, next);
                    }
                }
            }
        }
    }

    fn command(&mut self, tab: usize, command: Command) {
        let effects = self.tabs[tab].command(command);
        self.run(tab, effects);
    }

    fn event(&mut self, tab: usize, event: Event) {
        let effects = self.tabs[tab].event(event);
        self.run(tab, effects);
    }

    /// Completes tab `tab`'s in-flight save number `pick`, failing it with `fault` if any.
    fn complete(&mut self, tab: usize, pick: usize, fault: Option<Fault>) {
        if self.in_flight[tab].is_empty() {
            return;
        }
        let save = self.in_flight[tab].remove(pick % self.in_flight[tab].len());
        if let Some(fault) = fault {
            self.store.fail_next_save(fault);
        }
        if let Some(event) = self.store.execute(&save) {
            self.event(tab, event);
        }
    }

    fn deliver(&mut self, from: usize) {
        for news in std::mem::take(&mut self.news[from]) {
            self.event(1 - from, Event::FromTab(news));
        }
    }

    /// The leader resigns and the other tab is elected.
    fn hand_over(&mut self) {
        let leader = usize::from(self.tabs[1].is_leader());
        self.event(leader, Event::Resigned);
        self.pushed.push(Vec::new());
        self.event(1 - leader, Event::Elected);
    }
}

#[test]
fn a_save_completing_during_a_leader_hand_over_is_pushed_once_by_the_new_leader() {
    let mut tabs = Tabs::new();
    tabs.pushed.push(Vec::new());
    tabs.event(0, Event::Elected);
    tabs.command(0, edit(account_record(1), 1, b"one"));
    // The leader leaves while its save is in flight; the new leader finds the outbox empty.
    tabs.hand_over();
    assert!(tabs.pushed.iter().all(Vec::is_empty));
    // The old leader's save lands: it no longer pushes, it tells the others.
    tabs.complete(0, 0, None);
    assert!(tabs.pushed.iter().all(Vec::is_empty));
    tabs.deliver(0);
    assert_eq!(tabs.pushed, [vec![], vec![1]]);
    // The same news again (or any later news) pushes nothing twice.
    tabs.news[0].push(TabNews::Saved(vec![StoredRecord::unlinked(
        account_record(1),
    )]));
    tabs.deliver(0);
    assert_eq!(tabs.pushed, [vec![], vec![1]]);
}

#[test]
fn a_new_leader_pushes_what_the_old_one_stored_before_it_left_once() {
    let mut tabs = Tabs::new();
    tabs.pushed.push(Vec::new());
    tabs.event(0, Event::Elected);
    tabs.command(0, edit(deal(1), 1, b"one"));
    tabs.complete(0, 0, None);
    assert_eq!(tabs.pushed, [vec![1]]);
    // Not acknowledged yet when the leader leaves: the new term pushes it again, once (the relay
    // keeps each change once), and the late news of the save adds nothing.
    tabs.hand_over();
    tabs.deliver(0);
    assert_eq!(tabs.pushed, [vec![1], vec![1]]);
}

#[test]
fn a_follower_that_saves_tells_the_leader_which_pushes_it() {
    let mut tabs = Tabs::new();
    tabs.pushed.push(Vec::new());
    tabs.event(0, Event::Elected);
    tabs.command(1, edit(contact(1), 1, b"one"));
    tabs.complete(1, 0, None);
    assert!(tabs.pushed[0].is_empty());
    tabs.deliver(1);
    assert_eq!(tabs.pushed, [vec![1]]);
}

#[test]
fn a_tab_told_of_a_sign_out_drops_its_waiting_edits_and_refuses_new_ones() {
    let mut workspace = Workspace::new();
    let record = account_record(1);
    let in_flight = only_save(&workspace.command(edit(record, 1, b"one")));
    workspace.command(edit(record, 2, b"two"));
    let effects = workspace.event(Event::FromTab(TabNews::SignedOut));
    assert!(effects.contains(&Effect::SignedOut {
        lost: Loss {
            outbox_changes: 0,
            unsaved_edits: 1,
            records: BTreeSet::from([record]),
        }
    }));
    assert!(matches!(
        workspace.command(edit(record, 3, b"three")).as_slice(),
        [Effect::Rejected { .. }]
    ));
    // The save in flight fails on the wiped device: its edit is not kept for the next session.
    let Effect::Save { save, .. } = in_flight else {
        panic!("not a save: {in_flight:?}");
    };
    let failed = workspace.event(Event::SaveFailed {
        save,
        failure: SaveFailure {
            problem: Problem::new("problem-storage-aborted"),
            retryable: true,
        },
    });
    assert!(!failed
        .iter()
        .any(|effect| matches!(effect, Effect::ScheduleRetry { .. })));
    // Signing in again tells keepers of rows that anything may have changed, and nothing else.
    assert_eq!(
        workspace.event(Event::SignedIn),
        [Effect::Written(Written::Everything)]
    );
    let next = only_save(&workspace.command(edit(record, 4, b"four")));
    assert!(matches!(next, Effect::Save { changes, .. } if changes == [b"four".to_vec()]));
}

#[test]
fn every_command_event_and_effect_survives_serialisation() {
    let stored = StoredRecord {
        record: deal(1),
        changed: true,
        linked_before: Links::Unknown,
        linked_after: Links::to([account(2)]),
    };
    let effect = Effect::TellTabs(TabNews::Saved(vec![stored.clone()]));
    let text = serde_json::to_string(&effect).unwrap_or_default();
    assert_eq!(serde_json::from_str::<Effect>(&text).ok(), Some(effect));
    let event = Event::Saved {
        save: super::SaveId(3),
        stored,
    };
    let text = serde_json::to_string(&event).unwrap_or_default();
    assert_eq!(serde_json::from_str::<Event>(&text).ok(), Some(event));
    let command = edit(contact(2), 7, b"bytes");
    let text = serde_json::to_string(&command).unwrap_or_default();
    assert_eq!(serde_json::from_str::<Command>(&text).ok(), Some(command));
}

/// One step of a random interleaving.
#[derive(Clone, Debug)]
enum Step {
    /// Tab `tab` edits its record `record` (tab 0 owns records 0 and 1, tab 1 record 2).
    Edit { record: usize },
    /// A tab's in-flight save completes, or fails.
    Complete {
        tab: usize,
        pick: usize,
        fault: Option<Fault>,
    },
    /// A retry timer fires (whether or not one was scheduled).
    RetryDue { record: usize },
    /// The rep presses "try again" in a tab.
    RetrySaves { tab: usize },
    /// The leader leaves and the other tab leads.
    HandOver,
    /// A tab's news reach the other.
    Deliver { from: usize },
}

const RECORDS: [RecordRef; 3] = [
    RecordRef::Account(AccountId::from_bytes([1; 16])),
    RecordRef::Deal(DealId::from_bytes([2; 16])),
    RecordRef::Contact(ContactId::from_bytes([3; 16])),
];

fn owner(record: usize) -> usize {
    usize::from(record == 2)
}

fn step() -> impl Strategy<Value = Step> {
    let fault = prop_oneof![
        3 => Just(None),
        1 => Just(Some(Fault::Aborted)),
        1 => Just(Some(Fault::HalfWay)),
        1 => Just(Some(Fault::Full)),
    ];
    prop_oneof![
        4 => (0..3usize).prop_map(|record| Step::Edit { record }),
        4 => (0..2usize, 0..4usize, fault).prop_map(|(tab, pick, fault)| Step::Complete { tab, pick, fault }),
        1 => (0..3usize).prop_map(|record| Step::RetryDue { record }),
        1 => (0..2usize).prop_map(|tab| Step::RetrySaves { tab }),
        1 => Just(Step::HandOver),
        2 => (0..2usize).prop_map(|from| Step::Deliver { from }),
    ]
}

/// The change of edit `number` to record `record`: unique, so the store shows which edit it is.
fn change(record: usize, number: u64) -> Vec<u8> {
    let mut change = vec![u8::try_from(record).unwrap_or(0)];
    change.extend_from_slice(&number.to_be_bytes());
    change
}

/// Checks that every record's stored changes are its edits in the order made, each once, and
/// that every acknowledged edit is stored.
fn check(tabs: &Tabs, made: &BTreeMap<usize, Vec<u64>>) -> Result<(), TestCaseError> {
    for (index, record) in RECORDS.iter().enumerate() {
        let edits = made.get(&index).cloned().unwrap_or_default();
        let expected: Vec<Vec<u8>> = edits.iter().map(|n| change(index, *n)).collect();
        let stored = tabs.store.changes(*record);
        prop_assert!(
            expected.starts_with(stored),
            "{record}: stored {stored:?}, made {expected:?}"
        );
        if let Some(EditId(through)) = tabs.acknowledged.get(record) {
            let position = edits.iter().position(|n| n == through);
            prop_assert!(position.is_some_and(|position| position < stored.len()));
        }
    }
    for term in &tabs.pushed {
        let distinct: BTreeSet<&u64> = term.iter().collect();
        prop_assert_eq!(distinct.len(), term.len(), "a key pushed twice in one term");
    }
    Ok(())
}

proptest! {
    #[test]
    fn random_interleavings_never_lose_an_acknowledged_edit_nor_reorder_a_record_nor_push_twice(
        steps in proptest::collection::vec(step(), 1..80)
    ) {
        let mut tabs = Tabs::new();
        tabs.pushed.push(Vec::new());
        tabs.event(0, Event::Elected);
        let mut made: BTreeMap<usize, Vec<u64>> = BTreeMap::new();
        let mut next_edit = 0;
        for step in steps {
            match step {
                Step::Edit { record } => {
                    next_edit += 1;
                    made.entry(record).or_default().push(next_edit);
                    tabs.command(owner(record), edit(RECORDS[record], next_edit, &change(record, next_edit)));
                }
                Step::Complete { tab, pick, fault } => tabs.complete(tab, pick, fault),
                Step::RetryDue { record } => tabs.event(owner(record), Event::RetryDue { record: RECORDS[record] }),
                Step::RetrySaves { tab } => tabs.command(tab, Command::RetrySaves),
                Step::HandOver => tabs.hand_over(),
                Step::Deliver { from } => tabs.deliver(from),
            }
            check(&tabs, &made)?;
        }
        // Let everything settle with no more faults: every edit is then stored, in order.
        for _ in 0..100 {
            for tab in 0..2 {
                tabs.command(tab, Command::RetrySaves);
                while !tabs.in_flight[tab].is_empty() {
                    tabs.complete(tab, 0, None);
                }
            }
            if tabs.in_flight.iter().all(Vec::is_empty) {
                break;
            }
        }
        tabs.deliver(0);
        tabs.deliver(1);
        check(&tabs, &made)?;
        for (index, record) in RECORDS.iter().enumerate() {
            let edits = made.get(&index).map_or(0, Vec::len);
            prop_assert_eq!(tabs.store.changes(*record).len(), edits);
        }
        // The leader of the last term pushed every key the outbox holds.
        let outbox: BTreeSet<u64> = tabs.store.outbox().into_iter().map(|(key, _)| key).collect();
        let last_term: BTreeSet<u64> = tabs.pushed.last().cloned().unwrap_or_default().into_iter().collect();
        prop_assert!(outbox.is_subset(&last_term), "outbox {outbox:?}, pushed {last_term:?}");
    }
}

#[test]
fn a_rebuilt_search_index_reaches_only_the_search_subscribers() {
    let mut workspace = Workspace::new();
    workspace.command(Command::Subscribe {
        subscription: SubscriptionId(1),
        topic: Topic::Search,
    });
    workspace.command(Command::Subscribe {
        subscription: SubscriptionId(2),
        topic: Topic::List(ListKind::Accounts),
    });
    let effects = workspace.event(Event::Refreshed {
        topic: Topic::Search,
    });
    assert_eq!(invalidated(&effects), BTreeSet::from([SubscriptionId(1)]));
}
