//! The search index the workspace worker keeps, so that search answers as soon as the app
//! opens, whatever the number of records.
//!
//! It is kept between visits: storage holds a saved copy and the journal of every row written
//! since (`storage::search_journal`). Opening loads the copy and re-reads only the journal's
//! rows; a device without a copy (a new device, an upgrade, a damaged copy) builds the index
//! from every row once, in slices that yield between them, then saves it. While the app runs,
//! every write or sync that reaches the lists makes the keeper read the journal after the entry
//! it is current through and apply those rows one by one: no rebuild per edit. The copy is
//! saved again once the index has been quiet for [`SAVE_AFTER_MS`], which also trims the
//! journal.
//!
//! The first load waits for a query or for [`FIRST_LOAD_AFTER_MS`] after the database opens
//! (not while the page reads its first screen). Queries asked before it ends are answered when
//! it does; later ones at once from the index in place. Catch-ups run one at a time; a change
//! reported during one is read right after it.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use shared::search::SearchIndex;

use crate::bridge::{Found, Ticket};
use crate::state::problem::Problem;
use crate::storage::{JournalEntry, RowNow, Storage, StorageError};

/// Rows inserted between two yields when building from every row.
const ROWS_PER_SLICE: usize = 2_000;
/// Journal entries read and applied at a time.
const JOURNAL_PAGE: u32 = 2_000;
/// How long after the database opens the first load starts if no query asked for it.
const FIRST_LOAD_AFTER_MS: u32 = 2_000;
/// How long the index must be quiet before its copy is saved again.
const SAVE_AFTER_MS: u32 = 5_000;

/// What `saved` holds while this worker has neither saved nor loaded a copy (journal keys
/// start at 1, and an empty journal's end is 0).
const NO_COPY: f64 = -1.0;

/// Where the answer to a query goes.
pub type Answer = Box<dyn Fn(Ticket, Result<Found, Problem>)>;

/// The worker's search index, its catch-ups and its saved copy.
#[derive(Clone)]
pub struct SearchKeeper {
    inner: Rc<Inner>,
}

struct Inner {
    storage: Rc<Storage>,
    index: RefCell<SearchIndex>,
    /// The journal key the index is current through.
    applied: Cell<f64>,
    /// The journal key of the copy this worker last saved or loaded ([`NO_COPY`] before).
    saved: Cell<f64>,
    started: Cell<bool>,
    loaded: Cell<bool>,
    working: Cell<bool>,
    stale_again: Cell<bool>,
    /// Bumped by every change; a save waits until it stops moving.
    changes: Cell<u64>,
    problem: RefCell<Option<Problem>>,
    waiting: RefCell<Vec<(Ticket, String, usize)>>,
    answer: Answer,
    changed: Box<dyn Fn()>,
}

impl SearchKeeper {
    /// Starts keeping the index over `storage`; answers go to `answer`, and `changed` is called
    /// whenever the index changed (for open search pages to ask again).
    pub fn start(storage: Rc<Storage>, answer: Answer, changed: impl Fn() + 'static) -> Self {
        let keeper = Self {
            inner: Rc::new(Inner {
                storage,
                index: RefCell::new(SearchIndex::new()),
                applied: Cell::new(0.0),
                saved: Cell::new(NO_COPY),
                started: Cell::new(false),
                loaded: Cell::new(false),
                working: Cell::new(false),
                stale_again: Cell::new(false),
                changes: Cell::new(0),
                problem: RefCell::new(None),
                waiting: RefCell::new(Vec::new()),
                answer,
                changed: Box::new(changed),
            }),
        };
        // Loading as the app opens would compete with the page reading its first screen.
        let later = Rc::downgrade(&keeper.inner);
        gloo::timers::callback::Timeout::new(FIRST_LOAD_AFTER_MS, move || {
            if let Some(inner) = later.upgrade() {
                SearchKeeper { inner }.first_load();
            }
        })
        .forget();
        keeper
    }

    /// Answers `query` with at most `limit` hits (once the first load is done).
    pub fn query(&self, ticket: Ticket, query: String, limit: usize) {
        if self.inner.loaded.get() || self.inner.problem.borrow().is_some() {
            answer(&self.inner, ticket, &query, limit);
        } else {
            self.inner.waiting.borrow_mut().push((ticket, query, limit));
            self.first_load();
        }
    }

    fn first_load(&self) {
        if !self.inner.started.replace(true) {
            self.stale();
        }
    }

    /// Rows changed: read the journal (now, or after the catch-up under way; nothing before
    /// the first load was asked for).
    pub fn stale(&self) {
        if !self.inner.started.get() {
            return;
        }
        if self.inner.working.replace(true) {
            self.inner.stale_again.set(true);
            return;
        }
        wasm_bindgen_futures::spawn_local(work(Rc::clone(&self.inner)));
    }
}

/// What one round of work did.
struct Round {
    /// The index changed.
    changed: bool,
    /// The journal may hold more to read.
    more: bool,
}

/// Loads, then catches up a page of the journal at a time, answering the queries waiting
/// between pages, until nothing new was reported meanwhile. Answers never wait for the journal
/// to run dry: while a download writes rows, it never does.
async fn work(inner: Rc<Inner>) {
    loop {
        inner.stale_again.set(false);
        let outcome = if inner.loaded.get() {
            catch_up(&inner).await
        } else {
            load(&inner).await.map(|()| Round {
                changed: true,
                more: true,
            })
        };
        match outcome {
            Ok(round) => {
                inner.loaded.set(true);
                inner.problem.borrow_mut().take();
                if round.changed {
                    inner.changes.set(inner.changes.get() + 1);
                    save_when_quiet(&inner);
                    (inner.changed)();
                }
                if round.more {
                    inner.stale_again.set(true);
                }
            }
            // The index in place (if any) keeps answering; the problem is said when none is.
            Err(error) => *inner.problem.borrow_mut() = Some(error.problem()),
        }
        let waiting = std::mem::take(&mut *inner.waiting.borrow_mut());
        for (ticket, query, limit) in waiting {
            answer(&inner, ticket, &query, limit);
        }
        if !inner.stale_again.get() {
            break;
        }
        // Let the worker answer saves and pings between pages of a long journal.
        gloo::timers::future::TimeoutFuture::new(0).await;
    }
    inner.working.set(false);
}

/// The index from the saved copy, or from every row when there is no usable copy (then saved
/// at once: the copy is what makes the next opening fast). The journal since is read next.
async fn load(inner: &Inner) -> Result<(), StorageError> {
    if load_saved(inner).await? {
        return Ok(());
    }
    build(inner).await?;
    save(inner).await;
    Ok(())
}

/// Loads the saved copy; false when there is none or it cannot be read (it is then rebuilt).
async fn load_saved(inner: &Inner) -> Result<bool, StorageError> {
    let Some(saved) = inner.storage.saved_search_index().await? else {
        return Ok(false);
    };
    match SearchIndex::from_bytes(&saved.bytes) {
        Ok(index) => {
            *inner.index.borrow_mut() = index;
            inner.applied.set(saved.through);
            inner.saved.set(saved.through);
            Ok(true)
        }
        Err(error) => {
            gloo::console::warn!(format!("the saved search index is rebuilt: {error}"));
            inner.storage.forget_saved_search_index().await?;
            inner.saved.set(NO_COPY);
            Ok(false)
        }
    }
}

/// Builds the index from every row, current through the journal's end read before them.
async fn build(inner: &Inner) -> Result<(), StorageError> {
    let through = inner.storage.search_journal_end().await?;
    let storage = &inner.storage;
    let accounts = storage.account_rows().await?;
    let contacts = storage.contact_rows().await?;
    let deals = storage.deal_rows().await?;
    let mut index = SearchIndex::new();
    let mut inserted = 0;
    for row in &accounts {
        index.insert_account(row);
        breathe(&mut inserted).await;
    }
    for row in &contacts {
        index.insert_contact(row);
        breathe(&mut inserted).await;
    }
    for row in &deals {
        index.insert_deal(row);
        breathe(&mut inserted).await;
    }
    index.shrink_to_fit();
    *inner.index.borrow_mut() = index;
    inner.applied.set(through);
    Ok(())
}

/// Applies a page of the journal's entries after the one the index is current through.
async fn catch_up(inner: &Inner) -> Result<Round, StorageError> {
    let page = inner
        .storage
        .search_journal_after(inner.applied.get(), JOURNAL_PAGE)
        .await?;
    if page.saved_through > inner.applied.get() {
        // Another worker saved a copy and trimmed entries this index has not read.
        if !load_saved(inner).await? {
            build(inner).await?;
        }
        return Ok(Round {
            changed: true,
            more: true,
        });
    }
    let Some(last) = page.last else {
        return Ok(Round {
            changed: false,
            more: false,
        });
    };
    let more = page.entries.len() >= JOURNAL_PAGE as usize;
    if page.entries.contains(&JournalEntry::Everything) {
        build(inner).await?;
        inner.applied.set(inner.applied.get().max(last));
        return Ok(Round {
            changed: true,
            more,
        });
    }
    let rows = inner.storage.index_rows_now(&page.entries).await?;
    let mut index = inner.index.borrow_mut();
    for row in &rows {
        match row {
            RowNow::Account(row) => index.insert_account(row),
            RowNow::Contact(row) => index.insert_contact(row),
            RowNow::Deal(row) => index.insert_deal(row),
            RowNow::Gone(id) => {
                index.remove(id);
            }
        }
    }
    inner.applied.set(last);
    Ok(Round {
        changed: true,
        more,
    })
}

/// Saves the index once no change came for [`SAVE_AFTER_MS`].
fn save_when_quiet(inner: &Rc<Inner>) {
    let seen = inner.changes.get();
    let later = Rc::downgrade(inner);
    gloo::timers::callback::Timeout::new(SAVE_AFTER_MS, move || {
        let Some(inner) = later.upgrade() else {
            return;
        };
        if inner.changes.get() != seen || inner.working.get() {
            // A later change scheduled its own save (or the catch-up under way will).
            return;
        }
        inner.working.set(true);
        wasm_bindgen_futures::spawn_local(async move {
            save(&inner).await;
            inner.working.set(false);
            if inner.stale_again.replace(false) {
                SearchKeeper { inner }.stale();
            }
        });
    })
    .forget();
}

/// Saves the index as it is now (a failure only costs the next opening a rebuild).
async fn save(inner: &Inner) {
    let through = inner.applied.get();
    if through <= inner.saved.get() {
        return;
    }
    let bytes = inner.index.borrow().to_bytes();
    match inner.storage.save_search_index(through, &bytes).await {
        Ok(_) => inner.saved.set(through),
        Err(error) => gloo::console::warn!(format!("the search index was not saved: {error}")),
    }
}

fn answer(inner: &Inner, ticket: Ticket, query: &str, limit: usize) {
    let found = if inner.loaded.get() {
        let index = inner.index.borrow();
        Ok(Found {
            hits: index.query(query, limit),
            records: index.len(),
        })
    } else {
        Err(inner
            .problem
            .borrow()
            .clone()
            .unwrap_or_else(|| Problem::new("problem-storage-aborted")))
    };
    (inner.answer)(ticket, found);
}

/// Counts one more row, and yields to the worker's other work after each slice.
async fn breathe(inserted: &mut usize) {
    *inserted += 1;
    if inserted.is_multiple_of(ROWS_PER_SLICE) {
        gloo::timers::future::TimeoutFuture::new(0).await;
    }
}
