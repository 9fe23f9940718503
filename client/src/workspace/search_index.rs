//! The search index the workspace worker keeps: built from the index rows (never the documents)
//! at the first query or two seconds after the database opens (not while the page reads its
//! first screen), rebuilt when a write or sync reaches the lists, and queried by
//! the page through the bridge, so opening search never waits for a build on the page's thread.
//!
//! Building reads every row and inserts them in slices, yielding between slices so the worker
//! keeps answering saves and pings. Queries asked before the first build are answered when it
//! ends; later queries are answered at once from the index in place (a rebuild swaps the new
//! one in whole, then reports `Topic::Search` stale so the page asks again). Rebuilds are
//! coalesced: one at a time, and at least [`REBUILD_GAP_MS`] apart, so a device storing a
//! large download page by page does not rebuild after every page.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use shared::search::SearchIndex;

use crate::bridge::{Found, Ticket};
use crate::state::problem::Problem;
use crate::storage::{Storage, StorageError};

/// Rows inserted between two yields.
const ROWS_PER_SLICE: usize = 2_000;
/// How long after the database opens the first build starts if no query asked for it.
const FIRST_BUILD_AFTER_MS: u32 = 2_000;
/// The shortest time between the end of a rebuild and the start of the next.
const REBUILD_GAP_MS: u32 = 1_000;

/// Where the answer to a query goes.
pub type Answer = Box<dyn Fn(Ticket, Result<Found, Problem>)>;

/// The worker's search index and its rebuilds.
#[derive(Clone)]
pub struct SearchKeeper {
    inner: Rc<Inner>,
}

struct Inner {
    storage: Rc<Storage>,
    index: RefCell<SearchIndex>,
    started: Cell<bool>,
    built: Cell<bool>,
    building: Cell<bool>,
    stale_again: Cell<bool>,
    problem: RefCell<Option<Problem>>,
    waiting: RefCell<Vec<(Ticket, String, usize)>>,
    answer: Answer,
    rebuilt: Box<dyn Fn()>,
}

impl SearchKeeper {
    /// Starts building the index over `storage`; answers go to `answer`, and `rebuilt` is
    /// called after every build.
    pub fn start(storage: Rc<Storage>, answer: Answer, rebuilt: impl Fn() + 'static) -> Self {
        let keeper = Self {
            inner: Rc::new(Inner {
                storage,
                index: RefCell::new(SearchIndex::new()),
                started: Cell::new(false),
                built: Cell::new(false),
                building: Cell::new(false),
                stale_again: Cell::new(false),
                problem: RefCell::new(None),
                waiting: RefCell::new(Vec::new()),
                answer,
                rebuilt: Box::new(rebuilt),
            }),
        };
        // The first build waits for a query or a moment, whichever comes first: reading every
        // row as the app opens would compete with the page reading its first screen.
        let later = Rc::downgrade(&keeper.inner);
        gloo::timers::callback::Timeout::new(FIRST_BUILD_AFTER_MS, move || {
            if let Some(inner) = later.upgrade() {
                SearchKeeper { inner }.first_build();
            }
        })
        .forget();
        keeper
    }

    /// Answers `query` with at most `limit` hits (once the first build is done).
    pub fn query(&self, ticket: Ticket, query: String, limit: usize) {
        if self.inner.built.get() || self.inner.problem.borrow().is_some() {
            answer(&self.inner, ticket, &query, limit);
        } else {
            self.inner.waiting.borrow_mut().push((ticket, query, limit));
            self.first_build();
        }
    }

    fn first_build(&self) {
        if !self.inner.started.replace(true) {
            self.stale();
        }
    }

    /// The rows changed: rebuild (now, or after the build under way; nothing before the first
    /// build was asked for).
    pub fn stale(&self) {
        if !self.inner.started.get() {
            return;
        }
        if self.inner.building.replace(true) {
            self.inner.stale_again.set(true);
            return;
        }
        wasm_bindgen_futures::spawn_local(rebuild(Rc::clone(&self.inner)));
    }
}

async fn rebuild(inner: Rc<Inner>) {
    loop {
        inner.stale_again.set(false);
        match build(&inner.storage).await {
            Ok(index) => {
                *inner.index.borrow_mut() = index;
                inner.built.set(true);
                inner.problem.borrow_mut().take();
            }
            // The index in place (if any) keeps answering; the problem is said when none is.
            Err(error) => *inner.problem.borrow_mut() = Some(error.problem()),
        }
        let waiting = std::mem::take(&mut *inner.waiting.borrow_mut());
        for (ticket, query, limit) in waiting {
            answer(&inner, ticket, &query, limit);
        }
        (inner.rebuilt)();
        if !inner.stale_again.get() {
            break;
        }
        gloo::timers::future::TimeoutFuture::new(REBUILD_GAP_MS).await;
    }
    inner.building.set(false);
}

fn answer(inner: &Inner, ticket: Ticket, query: &str, limit: usize) {
    let found = if inner.built.get() {
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

/// Reads every row and fills a fresh index in slices.
async fn build(storage: &Storage) -> Result<SearchIndex, StorageError> {
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
    Ok(index)
}

/// Counts one more row, and yields to the worker's other work after each slice.
async fn breathe(inserted: &mut usize) {
    *inserted += 1;
    if inserted.is_multiple_of(ROWS_PER_SLICE) {
        gloo::timers::future::TimeoutFuture::new(0).await;
    }
}
