//! Search over everything on the device: an in-memory `shared::search::SearchIndex` built from
//! the index rows (never the documents) when the search page opens and again when sync stores
//! changes, in slices that yield to the page so typing never waits for it. Each keystroke's query
//! is measured with `performance.measure("carnet:search-keystroke")` for the search benchmark.

use std::cell::RefCell;
use std::rc::Rc;

use shared::search::{Hit, SearchIndex};
use yew::prelude::*;

use crate::hooks::{use_storage, StorageState};
use crate::state::problem::Problem;
use crate::storage::Storage;
use crate::workspace::{use_topic, ListKind, Topic};

/// Rows inserted between two yields to the page.
const ROWS_PER_SLICE: usize = 400;
/// How many hits a query shows.
const HITS: usize = 50;

/// What the search page shows.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SearchView {
    /// The typed text.
    pub query: String,
    /// The hits, best first.
    pub hits: Rc<Vec<Hit>>,
    /// Whether the index is ready (before that, typing is kept and answered once it is).
    pub ready: bool,
    /// How many records the index holds.
    pub records: usize,
    /// Why the index could not be built.
    pub problem: Option<Problem>,
}

/// The search page's handle.
#[derive(Clone)]
pub struct SearchHandle {
    view: UseStateHandle<SearchView>,
    index: Rc<RefCell<SearchIndex>>,
}

impl PartialEq for SearchHandle {
    fn eq(&self, other: &Self) -> bool {
        self.view == other.view && Rc::ptr_eq(&self.index, &other.index)
    }
}

impl SearchHandle {
    /// What to show.
    pub fn view(&self) -> &SearchView {
        &self.view
    }

    /// The box now reads `query`: answer it.
    pub fn type_query(&self, query: String) {
        let started = now();
        let hits = if self.view.ready {
            self.index.borrow().query(&query, HITS)
        } else {
            Vec::new()
        };
        self.view.set(SearchView {
            query,
            hits: Rc::new(hits),
            ..(*self.view).clone()
        });
        measure_keystroke(started);
    }
}

/// Builds the index from the device's rows and answers queries.
#[hook]
pub fn use_search() -> SearchHandle {
    let view = use_state(SearchView::default);
    let index: Rc<RefCell<SearchIndex>> = use_memo((), |()| RefCell::new(SearchIndex::new()));
    let storage = match use_storage() {
        StorageState::Ready(storage) => Some(storage),
        _ => None,
    };
    // The index holds rows of all three kinds.
    let revision = (
        use_topic(Topic::List(ListKind::Accounts)),
        use_topic(Topic::List(ListKind::Contacts)),
        use_topic(Topic::List(ListKind::Deals)),
    );
    {
        let view = view.clone();
        let index = Rc::clone(&index);
        use_effect_with((storage, revision), move |(storage, _)| {
            if let Some(storage) = storage.clone() {
                wasm_bindgen_futures::spawn_local(build(storage, index, view));
            }
        });
    }
    SearchHandle { view, index }
}

/// Reads every row and fills a fresh index in slices, then swaps it in and answers the query
/// typed meanwhile.
async fn build(
    storage: Rc<Storage>,
    index: Rc<RefCell<SearchIndex>>,
    view: UseStateHandle<SearchView>,
) {
    let rows = async {
        Ok::<_, crate::storage::StorageError>((
            storage.account_rows().await?,
            storage.contact_rows().await?,
            storage.deal_rows().await?,
        ))
    }
    .await;
    let (accounts, contacts, deals) = match rows {
        Ok(rows) => rows,
        Err(error) => {
            view.set(SearchView {
                problem: Some(error.problem()),
                ..(*view).clone()
            });
            return;
        }
    };
    let mut fresh = SearchIndex::new();
    let mut inserted = 0;
    for row in &accounts {
        fresh.insert_account(row);
        inserted += 1;
        if inserted % ROWS_PER_SLICE == 0 {
            gloo::timers::future::TimeoutFuture::new(0).await;
        }
    }
    for row in &contacts {
        fresh.insert_contact(row);
        inserted += 1;
        if inserted % ROWS_PER_SLICE == 0 {
            gloo::timers::future::TimeoutFuture::new(0).await;
        }
    }
    for row in &deals {
        fresh.insert_deal(row);
        inserted += 1;
        if inserted % ROWS_PER_SLICE == 0 {
            gloo::timers::future::TimeoutFuture::new(0).await;
        }
    }
    fresh.shrink_to_fit();
    let records = fresh.len();
    *index.borrow_mut() = fresh;
    // The view may have changed while building: answer what is typed now.
    let current = (*view).clone();
    let hits = index.borrow().query(&current.query, HITS);
    view.set(SearchView {
        hits: Rc::new(hits),
        ready: true,
        records,
        problem: None,
        ..current
    });
    crate::accounts::mark("carnet:search-ready");
}

fn now() -> f64 {
    web_sys::window()
        .and_then(|window| window.performance())
        .map_or(0.0, |performance| performance.now())
}

/// Records how long a keystroke's query took, as a `performance.measure` entry from `started`
/// to now (User Timing level 3 options, called through `Reflect`: web-sys keeps them unstable).
fn measure_keystroke(started: f64) {
    let Some(performance) = web_sys::window().and_then(|window| window.performance()) else {
        return;
    };
    let options = js_sys::Object::new();
    let _set = js_sys::Reflect::set(&options, &"start".into(), &started.into());
    let _set = js_sys::Reflect::set(&options, &"end".into(), &performance.now().into());
    if let Ok(measure) = js_sys::Reflect::get(&performance, &"measure".into()) {
        if let Some(measure) = wasm_bindgen::JsCast::dyn_ref::<js_sys::Function>(&measure) {
            let _unsupported =
                measure.call2(&performance, &"carnet:search-keystroke".into(), &options);
        }
    }
}
