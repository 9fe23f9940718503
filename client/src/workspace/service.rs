//! The page's handle on the workspace service, which runs in the tab's workspace worker
//! (`crate::bridge`): views subscribe to a [`Topic`] and are called back when a write makes it
//! stale; every local write goes through [`WorkspaceService::save`], whose future resolves once
//! the worker stored the changes (or with the `Problem` that stalled them); sync and the tab
//! channel report their events with [`WorkspaceService::event`] and receive the service's
//! requests through an [`Outlet`].
//!
//! Nothing here decides anything: the state machine in the worker does.

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::rc::{Rc, Weak};

use futures::channel::oneshot;

use super::import_session::ImportCommand;
use super::invalidation::Topic;
use super::machine::{Event, SubscriptionId, TabNews};
use super::record::RecordRef;
use super::record::{OpenableRecord, RecordEdit};
use super::transfer_job::{TransferDone, TransferJob};
use crate::bridge::page::{Liveness, Spawn, WorkerBridge};
use crate::bridge::{Answer, Found, FromWorker, Query, Reply, Ticket, ToWorker};
use crate::state::problem::Problem;
use crate::state::sync_status::{SyncCommand, SyncStatus};
use crate::transfer::review::ImportReview;
use shared::edit::Edit;

/// What the service asks of the sync provider.
#[derive(Clone, Debug, PartialEq)]
pub enum Outgoing {
    /// The sync engine's status (this tab leads).
    SyncStatus(SyncStatus),
    /// Sync stored records from the relay: the other tabs re-read.
    RecordsChanged,
    /// The accounts colleagues changed while the device was away.
    Digest(Vec<crate::bridge::DigestEntry>),
    /// Tell the other tabs.
    TellTabs(TabNews),
    /// The service cannot store anything now (the worker's database does not open).
    Unavailable(Problem),
}

/// Where [`Outgoing`] messages go.
pub type Outlet = Box<dyn Fn(Outgoing)>;

/// The tab's workspace service, seen from the page.
#[derive(Clone)]
pub struct WorkspaceService {
    inner: Rc<Inner>,
}

impl PartialEq for WorkspaceService {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.inner, &other.inner)
    }
}

struct Inner {
    bridge: RefCell<Option<WorkerBridge>>,
    next_subscription: Cell<u64>,
    next_ticket: Cell<u64>,
    subscribers: RefCell<BTreeMap<SubscriptionId, Rc<dyn Fn()>>>,
    waiters: RefCell<BTreeMap<Ticket, oneshot::Sender<Result<(), Problem>>>>,
    searches: RefCell<BTreeMap<Ticket, Search>>,
    asks: RefCell<BTreeMap<Ticket, Ask>>,
    transfers: RefCell<BTreeMap<Ticket, Transfer>>,
    /// The import page following the wizard the worker holds.
    import: RefCell<Option<ImportListener>>,
    outlet: RefCell<Option<Outlet>>,
}

/// Hears what the import page shows, or why the worker holding the wizard is gone.
pub type ImportListener = Rc<dyn Fn(Result<ImportReview, Problem>)>;

/// A query waiting for the worker's answer (asked again of a worker that replaced a dead one).
struct Search {
    query: String,
    limit: u16,
    done: oneshot::Sender<Result<Found, Problem>>,
}

/// A read of an open record waiting for the worker's answer (asked again of a worker that
/// replaced a dead one).
struct Ask {
    query: Query,
    done: oneshot::Sender<Reply>,
}

/// A transfer running in the worker.
struct Transfer {
    progress: Box<dyn Fn(usize, usize)>,
    done: oneshot::Sender<Result<TransferDone, Problem>>,
}

/// A subscription to a topic; dropping it unsubscribes.
pub struct Subscription {
    id: SubscriptionId,
    service: Weak<Inner>,
}

impl Drop for Subscription {
    fn drop(&mut self) {
        if let Some(inner) = self.service.upgrade() {
            inner.subscribers.borrow_mut().remove(&self.id);
            send(
                &inner,
                ToWorker::Unsubscribe {
                    subscription: self.id,
                },
            );
        }
    }
}

impl WorkspaceService {
    /// Starts the service in a worker (`spawn`) over the database called `database`.
    pub fn start(database: &str, spawn: Spawn, liveness: Liveness) -> Self {
        let inner = Rc::new(Inner {
            bridge: RefCell::new(None),
            next_subscription: Cell::new(0),
            next_ticket: Cell::new(0),
            subscribers: RefCell::new(BTreeMap::new()),
            waiters: RefCell::new(BTreeMap::new()),
            searches: RefCell::new(BTreeMap::new()),
            asks: RefCell::new(BTreeMap::new()),
            transfers: RefCell::new(BTreeMap::new()),
            import: RefCell::new(None),
            outlet: RefCell::new(None),
        });
        let bridge = WorkerBridge::start(
            database,
            spawn,
            liveness,
            {
                let inner = Rc::downgrade(&inner);
                move |message| {
                    if let Some(inner) = inner.upgrade() {
                        deliver(&inner, message);
                    }
                }
            },
            {
                let inner = Rc::downgrade(&inner);
                move || {
                    if let Some(inner) = inner.upgrade() {
                        // A transfer dies with its worker (an import's transaction is aborted):
                        // say so; the rep starts it again.
                        let transfers = std::mem::take(&mut *inner.transfers.borrow_mut());
                        for transfer in transfers.into_values() {
                            let _gone = transfer
                                .done
                                .send(Err(Problem::new("problem-storage-aborted")));
                        }
                        // So does the import wizard it held, with its running import.
                        let import = inner.import.borrow().clone();
                        if let Some(import) = import {
                            import(Err(Problem::new("problem-storage-aborted")));
                        }
                        // What the dead worker would have reported is unknown: everyone re-reads.
                        let every: Vec<SubscriptionId> =
                            inner.subscribers.borrow().keys().copied().collect();
                        stale(&inner, &every);
                        // Queries are not kept by the ledger (they change nothing): ask again.
                        let mut asked: Vec<ToWorker> = inner
                            .searches
                            .borrow()
                            .iter()
                            .map(|(ticket, search)| ToWorker::Search {
                                ticket: *ticket,
                                query: search.query.clone(),
                                limit: search.limit,
                            })
                            .collect();
                        asked.extend(inner.asks.borrow().iter().map(|(ticket, ask)| {
                            ToWorker::Ask {
                                ticket: *ticket,
                                query: ask.query.clone(),
                            }
                        }));
                        for message in asked {
                            send(&inner, message);
                        }
                    }
                }
            },
        );
        *inner.bridge.borrow_mut() = Some(bridge);
        Self { inner }
    }

    /// Sends what the service asks of sync and of the other tabs to `outlet`.
    pub fn connect(&self, outlet: Outlet) {
        *self.inner.outlet.borrow_mut() = Some(outlet);
    }

    /// Calls `on_stale` whenever what `topic` reads may have changed, until the subscription
    /// is dropped.
    pub fn subscribe(&self, topic: Topic, on_stale: impl Fn() + 'static) -> Subscription {
        let id = SubscriptionId(self.inner.next_subscription.get() + 1);
        self.inner.next_subscription.set(id.0);
        self.inner
            .subscribers
            .borrow_mut()
            .insert(id, Rc::new(on_stale));
        send(
            &self.inner,
            ToWorker::Subscribe {
                subscription: id,
                topic,
            },
        );
        Subscription {
            id,
            service: Rc::downgrade(&self.inner),
        }
    }

    /// Saves `changes` (made on this device to `record`, oldest first) after every earlier
    /// edit of the record; resolves once they are stored, or with the problem that stopped them.
    pub async fn save(&self, record: RecordRef, changes: Vec<Vec<u8>>) -> Result<(), Problem> {
        if changes.is_empty() {
            return Ok(());
        }
        let ticket = self.ticket();
        let (done, stored) = oneshot::channel();
        self.inner.waiters.borrow_mut().insert(ticket, done);
        send(
            &self.inner,
            ToWorker::Save {
                ticket,
                record,
                changes,
            },
        );
        stored
            .await
            .unwrap_or_else(|_| Err(Problem::new("problem-storage-aborted")))
    }

    /// Applies `edit` to `record` in the worker (stamped with who and when) after every earlier
    /// edit of the record; resolves once the changes it made are stored, or with the problem
    /// that stopped them.
    pub async fn edit(
        &self,
        record: RecordRef,
        stamp: Edit,
        edit: RecordEdit,
    ) -> Result<(), Problem> {
        let ticket = self.ticket();
        let (done, stored) = oneshot::channel();
        self.inner.waiters.borrow_mut().insert(ticket, done);
        send(
            &self.inner,
            ToWorker::Edit {
                ticket,
                record,
                stamp,
                edit,
            },
        );
        stored
            .await
            .unwrap_or_else(|_| Err(Problem::new("problem-storage-aborted")))
    }

    /// Record `id` of kind `R` as the device holds it (`None`: not on this device).
    pub async fn read_record<R: OpenableRecord>(&self, id: R::Id) -> Result<Option<R>, Problem> {
        // Not through `ask`: the first screen reads settings here, and only a record's content
        // is read with the worker's message (see `Reply`).
        match self.reply(Query::Record(R::reference(id))).await {
            Reply::Record(Ok(Some(content))) => {
                let data = content.record?;
                R::from_data(*data)
                    .map(Some)
                    .ok_or_else(|| Problem::new("problem-record-missing"))
            }
            Reply::Record(Ok(None)) => Ok(None),
            Reply::Record(Err(problem)) | Reply::Failed(problem) => Err(problem),
            Reply::Carried(_) => Err(Problem::new("problem-storage-aborted")),
        }
    }

    /// Changes record `id` of kind `R` with `change` (run on the record as read now, and sent
    /// as a patch: only what `change` changed is written), described as `message` in its
    /// history; resolves once stored.
    pub async fn update_record<R: OpenableRecord>(
        &self,
        id: R::Id,
        stamp: Edit,
        message: &str,
        change: impl FnOnce(&mut R),
    ) -> Result<(), Problem> {
        let base = self
            .read_record::<R>(id)
            .await?
            .ok_or_else(|| Problem::new("problem-record-missing"))?;
        let mut edited = base.clone();
        change(&mut edited);
        let patch = shared::record_patch::diff(&base, &edited)
            .map_err(|error| Problem::with_detail("problem-edit-refused", error.to_string()))?;
        if patch.is_empty() {
            return Ok(());
        }
        let edit = RecordEdit::Patch {
            message: message.to_owned(),
            patch,
        };
        self.edit(R::reference(id), stamp, edit).await
    }

    /// Creates record `id` of kind `R` with `record` as its content; resolves once stored.
    pub async fn create_record<R: OpenableRecord>(
        &self,
        id: R::Id,
        stamp: Edit,
        record: R,
    ) -> Result<(), Problem> {
        let edit = RecordEdit::Create {
            data: Box::new(record.into_data()),
        };
        self.edit(R::reference(id), stamp, edit).await
    }

    /// Starts `job` in the worker; `on_progress` hears how many records it wrote so far, and of
    /// how many (`0`: not known); the future resolves when it ended. (An import is written
    /// through [`WorkspaceService::import`]: it alone can be cancelled.)
    pub fn transfer(
        &self,
        job: TransferJob,
        on_progress: impl Fn(usize, usize) + 'static,
    ) -> futures::future::LocalBoxFuture<'static, Result<TransferDone, Problem>> {
        let ticket = self.ticket();
        let (done, finished) = oneshot::channel();
        self.inner.transfers.borrow_mut().insert(
            ticket,
            Transfer {
                progress: Box::new(on_progress),
                done,
            },
        );
        send(&self.inner, ToWorker::Transfer { ticket, job });
        Box::pin(async move {
            finished
                .await
                .unwrap_or_else(|_| Err(Problem::new("problem-storage-aborted")))
        })
    }

    /// Sends `command` to the import wizard the worker holds; `listener` (set by
    /// [`WorkspaceService::follow_import`]) hears the review that follows.
    pub fn import(&self, command: ImportCommand) {
        send(&self.inner, ToWorker::Import(command));
    }

    /// `listener` hears every review of the import wizard, and why it is gone if the worker
    /// dies (`None`: no one listens any more).
    pub fn follow_import(&self, listener: Option<ImportListener>) {
        *self.inner.import.borrow_mut() = listener;
    }

    /// Reads `query` through the worker (what a record, the dashboard or the quarantine hold).
    pub async fn ask(&self, query: Query) -> Answer {
        self.reply(query.clone()).await.into_answer(&query)
    }

    /// The worker's reply to `query`, as it crossed the bridge.
    async fn reply(&self, query: Query) -> Reply {
        let ticket = self.ticket();
        let (done, answered) = oneshot::channel();
        self.inner.asks.borrow_mut().insert(
            ticket,
            Ask {
                query: query.clone(),
                done,
            },
        );
        send(&self.inner, ToWorker::Ask { ticket, query });
        answered
            .await
            .unwrap_or_else(|_| Reply::Failed(Problem::new("problem-storage-aborted")))
    }

    /// Searches the index the worker keeps for `query` (at most `limit` hits); resolves once
    /// the index is first built.
    pub async fn search(&self, query: String, limit: u16) -> Result<Found, Problem> {
        let ticket = self.ticket();
        let (done, found) = oneshot::channel();
        self.inner.searches.borrow_mut().insert(
            ticket,
            Search {
                query: query.clone(),
                limit,
                done,
            },
        );
        send(
            &self.inner,
            ToWorker::Search {
                ticket,
                query,
                limit,
            },
        );
        found
            .await
            .unwrap_or_else(|_| Err(Problem::new("problem-storage-aborted")))
    }

    fn ticket(&self) -> Ticket {
        let ticket = Ticket(self.inner.next_ticket.get() + 1);
        self.inner.next_ticket.set(ticket.0);
        ticket
    }

    /// The rep pressed "try again".
    pub fn retry(&self) {
        send(&self.inner, ToWorker::Retry);
    }

    /// Reports `event` (sync elected this tab, another tab's news, an import…).
    pub fn event(&self, event: Event) {
        send(&self.inner, ToWorker::Event(event));
    }

    /// Tells the sync engine `command` (it runs in this tab's worker once the tab is elected;
    /// a follower's worker ignores it).
    pub fn sync(&self, command: SyncCommand) {
        send(&self.inner, ToWorker::Sync(command));
    }

    /// How many times the worker died and was replaced.
    pub fn restarts(&self) -> u64 {
        self.bridge().map_or(0, |bridge| bridge.restarts())
    }

    /// The bridge to the worker (tests kill the worker through it).
    pub fn bridge(&self) -> Option<WorkerBridge> {
        self.inner.bridge.borrow().clone()
    }
}

fn send(inner: &Inner, message: ToWorker) {
    let bridge = inner.bridge.borrow().clone();
    if let Some(bridge) = bridge {
        bridge.send(message);
    }
}

fn deliver(inner: &Rc<Inner>, message: FromWorker) {
    match message {
        FromWorker::Saved { ticket, outcome } => {
            let waiter = inner.waiters.borrow_mut().remove(&ticket);
            if let Some(done) = waiter {
                // The caller may have stopped waiting (its page closed): nothing to tell then.
                let _gone = done.send(outcome);
            }
        }
        FromWorker::Found { ticket, found } => {
            let search = inner.searches.borrow_mut().remove(&ticket);
            if let Some(search) = search {
                let _gone = search.done.send(found);
            }
        }
        FromWorker::TransferProgress {
            ticket,
            done,
            total,
        } => {
            if let Some(transfer) = inner.transfers.borrow().get(&ticket) {
                (transfer.progress)(done, total);
            }
        }
        FromWorker::Transferred { ticket, outcome } => {
            let transfer = inner.transfers.borrow_mut().remove(&ticket);
            if let Some(transfer) = transfer {
                let _gone = transfer.done.send(outcome);
            }
        }
        FromWorker::ImportReview(review) => {
            let import = inner.import.borrow().clone();
            if let Some(import) = import {
                import(Ok(*review));
            }
        }
        FromWorker::Answer { ticket, answer } => {
            let ask = inner.asks.borrow_mut().remove(&ticket);
            if let Some(ask) = ask {
                let _gone = ask.done.send(answer);
            }
        }
        FromWorker::Stale(subscriptions) => stale(inner, &subscriptions),
        FromWorker::SyncStatus(status) => tell(inner, Outgoing::SyncStatus(status)),
        FromWorker::RecordsChanged => tell(inner, Outgoing::RecordsChanged),
        FromWorker::Digest(named) => tell(inner, Outgoing::Digest(named)),
        FromWorker::TellTabs(news) => tell(inner, Outgoing::TellTabs(news)),
        FromWorker::Unavailable(problem) => {
            // Nothing waiting will be stored by this worker: say why now (the bridge keeps the
            // saves and hands them to the next worker).
            let waiting = std::mem::take(&mut *inner.waiters.borrow_mut());
            for done in waiting.into_values() {
                let _gone = done.send(Err(problem.clone()));
            }
            let transfers = std::mem::take(&mut *inner.transfers.borrow_mut());
            for transfer in transfers.into_values() {
                let _gone = transfer.done.send(Err(problem.clone()));
            }
            let import = inner.import.borrow().clone();
            if let Some(import) = import {
                import(Err(problem.clone()));
            }
            let asked = std::mem::take(&mut *inner.asks.borrow_mut());
            for ask in asked.into_values() {
                let _gone = ask.done.send(Reply::Failed(problem.clone()));
            }
            tell(inner, Outgoing::Unavailable(problem));
        }
        FromWorker::Listening | FromWorker::Ready | FromWorker::Pong(_) => {}
    }
}

fn stale(inner: &Inner, subscriptions: &[SubscriptionId]) {
    let callbacks: Vec<Rc<dyn Fn()>> = {
        let subscribers = inner.subscribers.borrow();
        subscriptions
            .iter()
            .filter_map(|id| subscribers.get(id).cloned())
            .collect()
    };
    for on_stale in callbacks {
        on_stale();
    }
}

fn tell(inner: &Inner, outgoing: Outgoing) {
    if let Some(outlet) = inner.outlet.borrow().as_ref() {
        outlet(outgoing);
    }
}
