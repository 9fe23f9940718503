//! Every page but the accounts list (the first screen) is in a second wasm module, which the
//! browser loads the first time one of those pages opens, or a moment after sign-in (after a new
//! device's download), whichever comes first. The split is made at build time (`xtask/src/split.rs`) at the one function the
//! client's binary marks (`client/src/main.rs`); that function hands back [`PageRenderer`], the
//! function that renders any route's page, which lives in the second module.
//!
//! The binary installs the loader before the app starts ([`install`]); the first screen's module
//! never names the pages' code, which is what keeps it small. A failed load (offline before the
//! service worker cached the module) shows a problem with a way to try again; nothing is lost,
//! since the worker holds the data and the pages only read it.

use std::cell::Cell;
use std::future::Future;
use std::pin::Pin;

use yew::prelude::*;

use crate::app::Route;
use crate::hooks::{use_i18n, use_sync, SessionState};
use crate::state::sync_status::Connection;

/// Renders the page of a route (the pages' module's entry).
pub type PageRenderer = fn(Route) -> Html;

/// Loads the pages' module and hands back its renderer, or `None` when it could not be loaded.
pub type PagesLoader = fn() -> Pin<Box<dyn Future<Output = Option<PageRenderer>>>>;

thread_local! {
    static LOADER: Cell<Option<PagesLoader>> = const { Cell::new(None) };
    static LOADED: Cell<Option<PageRenderer>> = const { Cell::new(None) };
}

/// How long after sign-in the pages' module is fetched if no page asked for it first: the first
/// screen's rows come first.
const WARM_UP_AFTER_MS: u32 = 1_500;

/// Names the loader of the pages' module (the binary calls this once, before rendering).
pub fn install(loader: PagesLoader) {
    LOADER.with(|cell| cell.set(Some(loader)));
}

/// The renderer, loading the module if it is not loaded yet (loads in flight are shared).
async fn renderer() -> Option<PageRenderer> {
    if let Some(loaded) = LOADED.with(Cell::get) {
        return Some(loaded);
    }
    let loader = LOADER.with(Cell::get)?;
    let loaded = loader().await?;
    LOADED.with(|cell| cell.set(Some(loaded)));
    Some(loaded)
}

/// Fetches the pages' module a moment after sign-in, so the first page opened after the list
/// shows at once; never during a new device's download, whose page thread must stay free for
/// the rep (a page opened then loads its module on demand).
#[hook]
pub(crate) fn use_pages_warm_up() {
    let sync = use_sync();
    let ready = sync.as_ref().is_some_and(|sync| {
        matches!(sync.session(), SessionState::SignedIn(_))
            && !matches!(sync.status().connection, Connection::Downloading { .. })
    });
    use_effect_with(ready, |ready| {
        if *ready && LOADED.with(Cell::get).is_none() {
            wasm_bindgen_futures::spawn_local(async {
                gloo::timers::future::TimeoutFuture::new(WARM_UP_AFTER_MS).await;
                let _ = renderer().await;
            });
        }
    });
}

/// Props of [`LaterPage`].
#[derive(Properties, PartialEq)]
pub struct LaterPageProps {
    /// The route whose page to show.
    pub route: Route,
}

#[derive(Clone, Copy)]
enum Pages {
    Loading,
    Unavailable,
    Loaded(PageRenderer),
}

/// The page of a route, from the pages' module (loaded on first use).
#[component]
pub fn LaterPage(props: &LaterPageProps) -> Html {
    let i18n = use_i18n();
    let pages = use_state(|| LOADED.with(Cell::get).map_or(Pages::Loading, Pages::Loaded));
    let attempt = use_state(|| 0_u32);
    {
        let pages = pages.clone();
        use_effect_with(*attempt, move |_| {
            if !matches!(*pages, Pages::Loaded(_)) {
                pages.set(Pages::Loading);
                wasm_bindgen_futures::spawn_local(async move {
                    pages.set(renderer().await.map_or(Pages::Unavailable, Pages::Loaded));
                });
            }
        });
    }
    let on_retry = Callback::from(move |_: MouseEvent| attempt.set(attempt.wrapping_add(1)));
    match *pages {
        Pages::Loaded(render) => render(props.route.clone()),
        Pages::Loading => html! {
            <p class="list-placeholder" aria-busy="true">{ i18n.t("opening-page") }</p>
        },
        Pages::Unavailable => html! {
            <div class="banner error" role="alert" id="pages-unavailable">
                <span>{ i18n.t("problem-pages-unavailable") }</span>
                <button type="button" class="button" onclick={on_retry}>{ i18n.t("try-again") }</button>
            </div>
        },
    }
}
