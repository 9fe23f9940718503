//! Search over everything on the device, answered by the search index the workspace worker
//! keeps (`crate::workspace::search_index`): built from the index rows (never the documents) off
//! the page's thread at the first query or 2 s after the app opens, and rebuilt there when sync
//! or a save changes the lists. Each keystroke asks the worker; an answer to an older keystroke
//! than the last is dropped. The first answer marks `carnet:search-ready`, and each keystroke's
//! round trip is measured with `performance.measure("carnet:search-keystroke")` for the start-up
//! benchmark.

use std::cell::Cell;
use std::rc::Rc;

use shared::search::Hit;
use yew::prelude::*;

use crate::hooks::use_sync;
use crate::state::problem::Problem;
use crate::workspace::service::WorkspaceService;
use crate::workspace::{use_topic, Topic};

/// How many hits a query shows.
const HITS: u16 = 50;

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
#[derive(Clone, PartialEq)]
pub struct SearchHandle {
    view: UseStateHandle<SearchView>,
    asking: Asking,
}

/// What asks the worker, and which question was asked last.
#[derive(Clone)]
struct Asking {
    workspace: Option<WorkspaceService>,
    view: UseStateHandle<SearchView>,
    last: Rc<Cell<u64>>,
}

impl PartialEq for Asking {
    fn eq(&self, other: &Self) -> bool {
        self.workspace == other.workspace && Rc::ptr_eq(&self.last, &other.last)
    }
}

impl SearchHandle {
    /// What to show.
    pub fn view(&self) -> &SearchView {
        &self.view
    }

    /// The box now reads `query`: answer it.
    pub fn type_query(&self, query: String) {
        self.view.set(SearchView {
            query: query.clone(),
            ..(*self.view).clone()
        });
        self.asking.ask(query, Some(now()));
    }
}

impl Asking {
    /// Asks the worker for `query`; `typed` is when the keystroke happened (to measure it).
    fn ask(&self, query: String, typed: Option<f64>) {
        let Some(workspace) = self.workspace.clone() else {
            return;
        };
        let number = self.last.get() + 1;
        self.last.set(number);
        let last = Rc::clone(&self.last);
        let view = self.view.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let found = workspace.search(query.clone(), HITS).await;
            if last.get() != number {
                // The rep typed again meanwhile: that answer is the one to show.
                return;
            }
            let was_ready = view.ready;
            view.set(match found {
                Ok(found) => SearchView {
                    query,
                    hits: Rc::new(found.hits),
                    ready: true,
                    records: found.records,
                    problem: None,
                },
                Err(problem) => SearchView {
                    query,
                    problem: Some(problem),
                    ..(*view).clone()
                },
            });
            if !was_ready {
                crate::accounts::mark("carnet:search-ready");
            }
            if let Some(typed) = typed {
                measure_keystroke(typed);
            }
        });
    }
}

/// Answers queries from the worker's search index, and asks again when it was rebuilt.
#[hook]
pub fn use_search() -> SearchHandle {
    let view = use_state(SearchView::default);
    let workspace = use_sync().and_then(|sync| sync.workspace());
    let last = use_memo((), |()| Cell::new(0u64));
    let asking = Asking {
        workspace,
        view: view.clone(),
        last: Rc::clone(&last),
    };
    let rebuilt = use_topic(Topic::Search);
    {
        let asking = asking.clone();
        let query = view.query.clone();
        use_effect_with((asking.workspace.clone(), rebuilt), move |_| {
            asking.ask(query, None);
        });
    }
    SearchHandle { view, asking }
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
