//! The effect runner: one [`Runner`] per tab, in the tab's workspace worker (`crate::bridge`),
//! holds the state machine and carries out its effects with `client::storage` and the worker's
//! timers; what concerns the page (stale subscriptions, the outbox for the sync engine, news for
//! the other tabs) leaves as [`Report`]s through the [`Outlet`] the bridge installs.
//!
//! Every local write goes through [`Runner::save`]: the record's changes join the one save
//! queue, and the future resolves once they are stored (or with the `Problem` that stalled
//! them).
//!
//! This module runs effects; it must not decide anything the machine decides (what to save
//! when, what to re-read, when to retry).

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::rc::Rc;

use futures::channel::oneshot;
use futures::future::LocalBoxFuture;
use shared::account::Account;
use shared::contact::Contact;
use shared::deal::Deal;
use shared::replica::IndexRow;
use shared::sales::{Order, Product, Quote};
use shared::settings::Settings;

use super::invalidation::{Links, StoredRecord, Topic, Written};
use super::machine::{
    Command, EditId, Effect, Event, RecordStatus, SaveFailure, SubscriptionId, TabNews, Workspace,
};
use super::record::RecordRef;
use crate::state::problem::Problem;
use crate::storage::{Changed, Storage, StorageError};

/// What the runner tells the page.
#[derive(Clone, Debug, PartialEq)]
pub enum Report {
    /// What these subscriptions read may have changed.
    Stale(Vec<SubscriptionId>),
    /// Local changes are in the outbox: the leader's engine (in this worker) reads past what it
    /// pushed.
    OutboxGrew,
    /// Tell the other tabs.
    TellTabs(TabNews),
    /// These records' rows changed (before the [`Report::Stale`] of the same writes).
    Written(Written),
}

/// Where [`Report`]s go.
pub type Outlet = Box<dyn Fn(Report)>;

/// The tab's workspace service: the machine and what runs its effects.
#[derive(Clone)]
pub struct Runner {
    inner: Rc<Inner>,
}

struct Inner {
    machine: RefCell<Workspace>,
    storage: Rc<Storage>,
    next_edit: Cell<u64>,
    /// Saves waiting for their last edit to be stored.
    waiters: RefCell<Vec<Waiter>>,
    /// The accounts each record was last stored linked to (contacts and deals).
    links: RefCell<BTreeMap<RecordRef, Links>>,
    outlet: RefCell<Option<Outlet>>,
}

struct Waiter {
    record: RecordRef,
    last: EditId,
    done: oneshot::Sender<Result<(), Problem>>,
}

impl Runner {
    /// A runner over `storage`, not leading, with no outlet yet.
    pub fn new(storage: Rc<Storage>) -> Self {
        Self {
            inner: Rc::new(Inner {
                machine: RefCell::new(Workspace::new()),
                storage,
                next_edit: Cell::new(0),
                waiters: RefCell::new(Vec::new()),
                links: RefCell::new(BTreeMap::new()),
                outlet: RefCell::new(None),
            }),
        }
    }

    /// Sends what the runner tells the page to `outlet`.
    pub fn connect(&self, outlet: Outlet) {
        *self.inner.outlet.borrow_mut() = Some(outlet);
    }

    /// Reports `subscription` stale (a [`Report::Stale`]) whenever what `topic` reads may have
    /// changed, until [`Runner::unsubscribe`].
    pub fn subscribe(&self, subscription: SubscriptionId, topic: Topic) {
        let effects = self.inner.machine.borrow_mut().command(Command::Subscribe {
            subscription,
            topic,
        });
        run(&self.inner, effects);
    }

    /// Stops reporting `subscription`.
    pub fn unsubscribe(&self, subscription: SubscriptionId) {
        let effects = self
            .inner
            .machine
            .borrow_mut()
            .command(Command::Unsubscribe { subscription });
        run(&self.inner, effects);
    }

    /// Saves `changes` (made on this device to `record`, oldest first) after every earlier
    /// edit of the record; resolves once they are stored, or with the problem that stopped them.
    /// The changes join the queue in this call, before the future is first polled, so saves
    /// asked one after the other are queued in that order.
    pub fn save(
        &self,
        record: RecordRef,
        changes: Vec<Vec<u8>>,
    ) -> LocalBoxFuture<'static, Result<(), Problem>> {
        if changes.is_empty() {
            return Box::pin(futures::future::ready(Ok(())));
        }
        let mut last = EditId(self.inner.next_edit.get());
        let mut commands = Vec::with_capacity(changes.len());
        for change in changes {
            last = EditId(last.0 + 1);
            commands.push(Command::Edit {
                record,
                edit: last,
                change,
            });
        }
        self.inner.next_edit.set(last.0);
        let (done, stored) = oneshot::channel();
        self.inner
            .waiters
            .borrow_mut()
            .push(Waiter { record, last, done });
        for command in commands {
            let effects = self.inner.machine.borrow_mut().command(command);
            run(&self.inner, effects);
        }
        Box::pin(async move {
            stored
                .await
                .unwrap_or_else(|_| Err(Problem::new("problem-storage-aborted")))
        })
    }

    /// The rep pressed "try again".
    pub fn retry(&self) {
        let effects = self.inner.machine.borrow_mut().command(Command::RetrySaves);
        run(&self.inner, effects);
    }

    /// Reports `event` (sync elected this tab, another tab's news, an import…).
    pub fn event(&self, event: Event) {
        handle(&self.inner, event);
    }

    /// Reports what the sync engine stored from the relay.
    pub fn received(&self, changed: &[Changed]) {
        let stored = changed.iter().filter_map(received_record).collect();
        handle(&self.inner, Event::Received { stored });
    }
}

fn handle(inner: &Rc<Inner>, event: Event) {
    let effects = inner.machine.borrow_mut().event(event);
    run(inner, effects);
}

/// Carries out `effects` in order. The machine is never borrowed while an effect runs, so an
/// effect may report back at once.
fn run(inner: &Rc<Inner>, effects: Vec<Effect>) {
    for effect in effects {
        match effect {
            Effect::Save {
                save,
                record,
                changes,
            } => {
                let inner = Rc::clone(inner);
                wasm_bindgen_futures::spawn_local(async move {
                    let event = match store(&inner, record, changes).await {
                        Ok(stored) => Event::Saved { save, stored },
                        Err(error) => Event::SaveFailed {
                            save,
                            failure: SaveFailure {
                                problem: error.problem(),
                                retryable: matches!(
                                    error,
                                    StorageError::Aborted | StorageError::Failed(_)
                                ),
                            },
                        },
                    };
                    handle(&inner, event);
                });
            }
            Effect::EditsSaved { record, through } => {
                settle(
                    inner,
                    |waiter| waiter.record == record && waiter.last <= through,
                    Ok(()),
                );
            }
            Effect::Status { record, status } => {
                if let RecordStatus::Stalled { problem } = status {
                    settle(inner, |waiter| waiter.record == record, Err(problem));
                }
            }
            Effect::Rejected {
                record,
                edit,
                problem,
            } => settle(
                inner,
                |waiter| waiter.record == record && waiter.last >= edit,
                Err(problem),
            ),
            Effect::ScheduleRetry { record, after } => {
                let inner = Rc::downgrade(inner);
                later(after, move || {
                    if let Some(inner) = inner.upgrade() {
                        handle(&inner, Event::RetryDue { record });
                    }
                });
            }
            Effect::ScheduleRefresh { after } => {
                let inner = Rc::downgrade(inner);
                later(after, move || {
                    if let Some(inner) = inner.upgrade() {
                        handle(&inner, Event::RefreshDue);
                    }
                });
            }
            Effect::Written(written) => send(inner, Report::Written(written)),
            Effect::Invalidate(ids) => send(inner, Report::Stale(ids)),
            Effect::TellTabs(news) => send(inner, Report::TellTabs(news)),
            // The engine keeps the last outbox key it handed to its session and reads past it.
            Effect::ReadOutbox { .. } | Effect::Push { .. } => send(inner, Report::OutboxGrew),
            // Signing out still runs through `SyncHandle::sign_out`, which never asks the
            // machine; these effects cannot occur yet.
            Effect::ReadUnsynced
            | Effect::SignOutRefused { .. }
            | Effect::StopSync
            | Effect::Wipe
            | Effect::SignedOut { .. } => {}
            Effect::Problem(problem) => {
                gloo::console::warn!(format!("workspace: {}", problem.id));
            }
        }
    }
}

fn send(inner: &Inner, report: Report) {
    if let Some(outlet) = inner.outlet.borrow().as_ref() {
        outlet(report);
    }
}

/// Resolves (and forgets) the waiters `matching` selects with `outcome`.
fn settle(inner: &Inner, matching: impl Fn(&Waiter) -> bool, outcome: Result<(), Problem>) {
    let mut waiters = inner.waiters.borrow_mut();
    let (done, waiting): (Vec<Waiter>, Vec<Waiter>) = std::mem::take(&mut *waiters)
        .into_iter()
        .partition(|waiter| matching(waiter));
    *waiters = waiting;
    drop(waiters);
    for waiter in done {
        // The caller may have stopped waiting (its page closed): nothing to tell then.
        let _gone = waiter.done.send(outcome.clone());
    }
}

fn later(after: std::time::Duration, then: impl FnOnce() + 'static) {
    let millis = u32::try_from(after.as_millis()).unwrap_or(u32::MAX);
    gloo::timers::callback::Timeout::new(millis, then).forget();
}

/// A record sync stored (or removed), as the machine sees it: the accounts it was and is linked
/// to are not known here (the sync engine reports no row), so every related list re-reads.
fn received_record(changed: &Changed) -> Option<StoredRecord> {
    let record = RecordRef::of_kind(changed.kind?, *changed.document.0.as_bytes());
    Some(StoredRecord {
        record,
        changed: changed.grew || changed.gone,
        linked_before: Links::Unknown,
        linked_after: Links::Unknown,
    })
}

/// Stores `changes` of `record` in one transaction and says what it linked before and after.
async fn store(
    inner: &Inner,
    record: RecordRef,
    changes: Vec<Vec<u8>>,
) -> Result<StoredRecord, StorageError> {
    let storage = &inner.storage;
    let row = match record {
        RecordRef::Account(id) => storage.save_changes::<Account>(id, changes).await?.0,
        RecordRef::Contact(id) => storage.save_changes::<Contact>(id, changes).await?.0,
        RecordRef::Deal(id) => storage.save_changes::<Deal>(id, changes).await?.0,
        RecordRef::Settings(id) => storage.save_changes::<Settings>(id, changes).await?.0,
        RecordRef::Product(id) => storage.save_changes::<Product>(id, changes).await?.0,
        RecordRef::Quote(id) => storage.save_changes::<Quote>(id, changes).await?.0,
        RecordRef::Order(id) => storage.save_changes::<Order>(id, changes).await?.0,
    };
    let linked_after = match &row {
        IndexRow::Contact(row) => Links::to(row.accounts.iter().filter_map(|id| id.parse().ok())),
        IndexRow::Deal(row) => Links::to(row.account.iter().filter_map(|id| id.parse().ok())),
        IndexRow::Quote(row) => Links::to(row.account.parse().ok()),
        IndexRow::Order(row) => Links::to(row.account.parse().ok()),
        IndexRow::Account(_) | IndexRow::Product(_) | IndexRow::None => Links::none(),
    };
    let linked_before = inner
        .links
        .borrow_mut()
        .insert(record, linked_after.clone())
        // The first save of a record in this tab: its former links were not read.
        .unwrap_or(match record {
            RecordRef::Contact(_)
            | RecordRef::Deal(_)
            | RecordRef::Quote(_)
            | RecordRef::Order(_) => Links::Unknown,
            RecordRef::Account(_) | RecordRef::Settings(_) | RecordRef::Product(_) => Links::none(),
        });
    Ok(StoredRecord {
        record,
        changed: true,
        linked_before,
        linked_after,
    })
}
