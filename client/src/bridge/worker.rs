//! The worker's side of the bridge: receives the page's messages, runs the workspace service's
//! effect runner against IndexedDB, and answers; in the leader tab's worker it also runs the
//! sync engine (started when the page reports the tab elected, stopped when it resigns), so
//! what the relay sends is parsed and stored off the page's thread. `carnet-worker`'s `main`
//! calls [`serve`]; the wasm tests call it from a worker running the test module.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

use super::message::{
    Answer, Envelope, FromWorker, Query, Reply, ToWorker, MAX_HITS, MAX_QUERY_CHARS, PROTOCOL,
};
use crate::state::sync_status::{SyncCommand, SyncStatus};
use crate::storage::{Changed, Storage};
use crate::sync::SyncEngine;
use crate::team::quarantine;
use crate::workspace::dashboard_figures::DashboardRowsKeeper;
use crate::workspace::data_transfer::ImportHost;
use crate::workspace::machine::{Event, SubscriptionId, TabNews};
use crate::workspace::open_records::OpenRecords;
use crate::workspace::runner::{Report, Runner};
use crate::workspace::search_index::SearchKeeper;
use crate::workspace::transfer_job::TransferDone;
use crate::workspace::{dashboard_figures, data_transfer, segment_lists};
use crate::workspace::{ListKind, RecordRef, Topic, Written};

/// The subscriptions the search index holds on the lists it is built from (the page numbers
/// its own from 1 up).
const SEARCH_SUBSCRIPTIONS: [(SubscriptionId, ListKind); 3] = [
    (SubscriptionId(u64::MAX), ListKind::Accounts),
    (SubscriptionId(u64::MAX - 1), ListKind::Contacts),
    (SubscriptionId(u64::MAX - 2), ListKind::Deals),
];

/// When the worker reads the dashboard's rows after the database opened, in milliseconds.
const DASHBOARD_WARM_UP_MS: u32 = 3_000;

/// How often, at most, the other tabs are told to re-read while sync stores records: a new
/// device storing 10,000 records in pages must not make them re-read after every page.
const RECORDS_CHANGED_EVERY_MS: u32 = 300;

/// The worker's state: the runner and the search index once the database is open, the sync
/// engine while the tab leads, and what arrived before.
struct Served {
    scope: DedicatedWorkerGlobalScope,
    storage: RefCell<Option<Rc<Storage>>>,
    runner: RefCell<Option<Runner>>,
    records: RefCell<Option<Rc<OpenRecords>>>,
    engine: Rc<RefCell<Option<SyncEngine>>>,
    search: Rc<RefCell<Option<SearchKeeper>>>,
    /// The import page's wizard, once the database is open.
    import: RefCell<Option<Rc<ImportHost>>>,
    /// The dashboard's rows, kept between computations.
    dashboard: Rc<DashboardRowsKeeper>,
    opening: RefCell<bool>,
    early: RefCell<Vec<ToWorker>>,
}

/// Serves the page from this dedicated worker until it is terminated. Does nothing (and says
/// so) when not called in a dedicated worker.
pub fn serve() {
    let Ok(scope) = js_sys::global().dyn_into::<DedicatedWorkerGlobalScope>() else {
        gloo::console::error!("the workspace worker runs only in a dedicated worker");
        return;
    };
    let served = Rc::new(Served {
        scope: scope.clone(),
        storage: RefCell::new(None),
        runner: RefCell::new(None),
        records: RefCell::new(None),
        engine: Rc::new(RefCell::new(None)),
        search: Rc::new(RefCell::new(None)),
        import: RefCell::new(None),
        dashboard: Rc::new(DashboardRowsKeeper::new()),
        opening: RefCell::new(false),
        early: RefCell::new(Vec::new()),
    });
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        match serde_wasm_bindgen::from_value::<Envelope<ToWorker>>(event.data()) {
            Ok(envelope) if envelope.carnet == PROTOCOL => receive(&served, envelope.message),
            Ok(envelope) => gloo::console::error!(format!(
                "workspace worker: a page of protocol {} talks to a worker of protocol {PROTOCOL}",
                envelope.carnet
            )),
            Err(error) => {
                gloo::console::error!(format!("workspace worker: unreadable message: {error}"))
            }
        }
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The handler lives as long as the worker.
    on_message.forget();
    post(&scope, FromWorker::Listening);
}

fn receive(served: &Rc<Served>, message: ToWorker) {
    match message {
        ToWorker::Ping(number) => post(&served.scope, FromWorker::Pong(number)),
        ToWorker::Open { database } => open(served, database),
        other => {
            let runner = served.runner.borrow().clone();
            match runner {
                Some(runner) => dispatch(served, &runner, other),
                None => served.early.borrow_mut().push(other),
            }
        }
    }
}

fn open(served: &Rc<Served>, database: String) {
    if served.runner.borrow().is_some() || served.opening.replace(true) {
        return;
    }
    let served = Rc::clone(served);
    wasm_bindgen_futures::spawn_local(async move {
        match Storage::open_named(&database).await {
            Ok(storage) => {
                let storage = Rc::new(storage);
                let runner = Runner::new(Rc::clone(&storage));
                let scope = served.scope.clone();
                let search = Rc::clone(&served.search);
                let engine = Rc::clone(&served.engine);
                let dashboard = Rc::clone(&served.dashboard);
                runner.connect(Box::new(move |report| {
                    let message = match report {
                        Report::Stale(mut subscriptions) => {
                            let before = subscriptions.len();
                            subscriptions.retain(|id| {
                                !SEARCH_SUBSCRIPTIONS.iter().any(|(own, _)| own == id)
                            });
                            if subscriptions.len() != before {
                                if let Some(search) = search.borrow().as_ref() {
                                    search.stale();
                                }
                            }
                            if subscriptions.is_empty() {
                                return;
                            }
                            FromWorker::Stale(subscriptions)
                        }
                        Report::OutboxGrew => {
                            if let Some(engine) = engine.borrow().as_ref() {
                                engine.send(SyncCommand::LocalChange);
                            }
                            return;
                        }
                        Report::TellTabs(news) => FromWorker::TellTabs(news),
                        Report::Written(written) => {
                            dashboard.written(written);
                            return;
                        }
                    };
                    post(&scope, message);
                }));
                let keeper = SearchKeeper::start(
                    Rc::clone(&storage),
                    Box::new({
                        let scope = served.scope.clone();
                        move |ticket, found| post(&scope, FromWorker::Found { ticket, found })
                    }),
                    {
                        let runner = runner.clone();
                        move || {
                            runner.event(Event::Refreshed {
                                topic: Topic::Search,
                            })
                        }
                    },
                );
                *served.search.borrow_mut() = Some(keeper);
                for (subscription, list) in SEARCH_SUBSCRIPTIONS {
                    runner.subscribe(subscription, Topic::List(list));
                }
                *served.records.borrow_mut() = Some(Rc::new(OpenRecords::new(
                    Rc::clone(&storage),
                    runner.clone(),
                )));
                warm_up_dashboard(&served.dashboard, &storage);
                *served.import.borrow_mut() = Some(ImportHost::new(Rc::clone(&storage), {
                    let scope = served.scope.clone();
                    move |review| post(&scope, FromWorker::ImportReview(Box::new(review)))
                }));
                *served.storage.borrow_mut() = Some(storage);
                *served.runner.borrow_mut() = Some(runner.clone());
                post(&served.scope, FromWorker::Ready);
                let early = std::mem::take(&mut *served.early.borrow_mut());
                for message in early {
                    dispatch(&served, &runner, message);
                }
            }
            Err(error) => {
                served.opening.replace(false);
                post(&served.scope, FromWorker::Unavailable(error.problem()));
            }
        }
    });
}

fn dispatch(served: &Rc<Served>, runner: &Runner, message: ToWorker) {
    match message {
        ToWorker::Subscribe {
            subscription,
            topic,
        } => runner.subscribe(subscription, topic),
        ToWorker::Unsubscribe { subscription } => runner.unsubscribe(subscription),
        ToWorker::Save {
            ticket,
            record,
            changes,
        } => {
            let runner = runner.clone();
            let scope = served.scope.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let outcome = runner.save(record, changes).await;
                post(&scope, FromWorker::Saved { ticket, outcome });
            });
        }
        ToWorker::Edit {
            ticket,
            record,
            stamp,
            edit,
        } => {
            let Some(records) = served.records.borrow().clone() else {
                return;
            };
            let scope = served.scope.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let outcome = records.edit(record, stamp, edit).await;
                post(&scope, FromWorker::Saved { ticket, outcome });
            });
        }
        ToWorker::Ask { ticket, query } => {
            let (Some(records), Some(storage)) = (
                served.records.borrow().clone(),
                served.storage.borrow().clone(),
            ) else {
                return;
            };
            let scope = served.scope.clone();
            let dashboard = Rc::clone(&served.dashboard);
            wasm_bindgen_futures::spawn_local(async move {
                let answer = match query {
                    Query::Quarantine => Answer::Quarantine(
                        storage
                            .quarantined()
                            .await
                            .map(|changes| quarantine::summarise(&changes))
                            .map_err(|error| error.problem()),
                    ),
                    Query::Dashboard { workspace, now } => Answer::Dashboard(
                        dashboard_figures::compute(&storage, &dashboard, workspace, now)
                            .await
                            .map(Box::new),
                    ),
                    Query::Segments { workspace, now } => Answer::Segments(
                        segment_lists::segments(&storage, &dashboard, workspace, now).await,
                    ),
                    Query::CallList {
                        workspace,
                        segment,
                        now,
                    } => Answer::CallList(
                        segment_lists::call_list(&storage, &dashboard, workspace, &segment, now)
                            .await,
                    ),
                    Query::Record(record) => Answer::Record(records.read(record).await),
                    Query::History(record) => Answer::History(records.history(record).await),
                    Query::HistoryDetail {
                        record,
                        before,
                        after,
                        last,
                    } => Answer::HistoryDetail(
                        records.history_detail(record, before, after, last).await,
                    ),
                };
                let answer = Reply::of(answer);
                post(&scope, FromWorker::Answer { ticket, answer });
            });
        }
        ToWorker::Transfer { ticket, job } => {
            let Some(storage) = served.storage.borrow().clone() else {
                return;
            };
            let scope = served.scope.clone();
            let runner = runner.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let progress = {
                    let scope = scope.clone();
                    move |done, total| {
                        post(
                            &scope,
                            FromWorker::TransferProgress {
                                ticket,
                                done,
                                total,
                            },
                        );
                    }
                };
                let outcome = data_transfer::carry_out(&storage, job, progress).await;
                if let Ok(TransferDone::Discarded(_)) = &outcome {
                    runner.event(Event::Refreshed {
                        topic: Topic::Unsynced,
                    });
                }
                // A restore that stored is reported by the page (`saved_locally`, as an import is),
                // as before the worker: every view re-reads, other tabs hear, the leader pushes.
                post(&scope, FromWorker::Transferred { ticket, outcome });
            });
        }
        ToWorker::Import(command) => {
            let host = served.import.borrow().clone();
            if let Some(host) = host {
                host.command(command);
            }
        }
        ToWorker::Retry => runner.retry(),
        ToWorker::Search {
            ticket,
            query,
            limit,
        } => {
            let query: String = query.chars().take(MAX_QUERY_CHARS).collect();
            let limit = usize::from(limit.min(MAX_HITS));
            if let Some(search) = served.search.borrow().as_ref() {
                search.query(ticket, query, limit);
            }
        }
        ToWorker::Event(event) => {
            if let Some(records) = served.records.borrow().as_ref() {
                match &event {
                    Event::FromTab(TabNews::Saved(stored)) => {
                        records.outdated(stored.iter().map(|stored| stored.record));
                    }
                    Event::FromTab(_) | Event::ChangedElsewhere | Event::Imported => {
                        records.all_outdated();
                    }
                    _ => {}
                }
            }
            let elected = match event {
                Event::Elected => Some(true),
                Event::Resigned => Some(false),
                _ => None,
            };
            runner.event(event);
            match elected {
                Some(true) => lead(served, runner),
                Some(false) => {
                    if let Some(engine) = served.engine.borrow_mut().take() {
                        engine.stop();
                    }
                }
                None => {}
            }
        }
        ToWorker::Sync(command) => {
            if let Some(engine) = served.engine.borrow().as_ref() {
                engine.send(command);
            }
        }
        ToWorker::Ping(number) => post(&served.scope, FromWorker::Pong(number)),
        ToWorker::Open { .. } => {}
    }
}

/// This tab leads: runs the sync engine here (once), reporting its status, what it stored and
/// the digest to the page, and what it stored to the runner's subscriptions.
fn lead(served: &Rc<Served>, runner: &Runner) {
    if served.engine.borrow().is_some() {
        return;
    }
    let Some(storage) = served.storage.borrow().clone() else {
        return;
    };
    let on_status = {
        let scope = served.scope.clone();
        move |status: &SyncStatus| post(&scope, FromWorker::SyncStatus(status.clone()))
    };
    let records = served.records.borrow().clone();
    let on_set_aside = {
        let runner = runner.clone();
        let scope = served.scope.clone();
        let dashboard = Rc::clone(&served.dashboard);
        move || {
            // Records left the person's reach: the kept rows are read again.
            dashboard.written(Written::Everything);
            // This tab's unsynced summary and set-aside list re-read; the other tabs re-read
            // everything (rare: a record left or entered the person's reach).
            runner.event(Event::Refreshed {
                topic: Topic::Unsynced,
            });
            post(&scope, FromWorker::RecordsChanged);
        }
    };
    let on_changed = {
        let runner = runner.clone();
        let scope = served.scope.clone();
        let scheduled = Rc::new(Cell::new(false));
        move |changed: Vec<Changed>| {
            if let Some(records) = &records {
                records.outdated(changed.iter().filter_map(|changed| {
                    changed
                        .kind
                        .map(|kind| RecordRef::of_kind(kind, *changed.document.0.as_bytes()))
                }));
            }
            runner.received(&changed);
            if changed.is_empty() || scheduled.replace(true) {
                return;
            }
            let scheduled = Rc::clone(&scheduled);
            let scope = scope.clone();
            gloo::timers::callback::Timeout::new(RECORDS_CHANGED_EVERY_MS, move || {
                scheduled.set(false);
                post(&scope, FromWorker::RecordsChanged);
            })
            .forget();
        }
    };
    let on_digest = {
        let storage = Rc::clone(&storage);
        let scope = served.scope.clone();
        move |documents: Vec<(shared::protocol::DocumentId, Vec<shared::edit::Editor>)>| {
            let storage = Rc::clone(&storage);
            let scope = scope.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let mut named = Vec::with_capacity(documents.len());
                for (document, editors) in documents {
                    let id = shared::ids::AccountId::from_bytes(*document.0.as_bytes());
                    if let Ok(Some(row)) = storage.account_row(id).await {
                        named.push(crate::bridge::DigestEntry {
                            id: row.id,
                            name: row.name,
                            editors,
                        });
                    }
                }
                if !named.is_empty() {
                    post(&scope, FromWorker::Digest(named));
                }
            });
        }
    };
    let engine = SyncEngine::start(storage, on_status, on_changed, on_digest, on_set_aside);
    *served.engine.borrow_mut() = Some(engine);
}

/// Reads the dashboard's rows [`DASHBOARD_WARM_UP_MS`] after the database opened (after the
/// search index has read its lists), so the first opening of the cockpit, or of Today's
/// objectives, does not read them all.
fn warm_up_dashboard(dashboard: &Rc<DashboardRowsKeeper>, storage: &Rc<Storage>) {
    let dashboard = Rc::clone(dashboard);
    let storage = Rc::clone(storage);
    gloo::timers::callback::Timeout::new(DASHBOARD_WARM_UP_MS, move || {
        wasm_bindgen_futures::spawn_local(async move { dashboard.warm_up(&storage).await });
    })
    .forget();
}

fn post(scope: &DedicatedWorkerGlobalScope, message: FromWorker) {
    let sent = serde_wasm_bindgen::to_value(&Envelope::new(message))
        .map_err(|error| JsValue::from_str(&error.to_string()))
        .and_then(|value| scope.post_message(&value));
    if let Err(error) = sent {
        gloo::console::error!("workspace worker: an answer could not be sent", error);
    }
}
