//! The app's root: routes, context providers, the frame (brand, sync indicator, update prompt)
//! and the current page. Nobody signed in: the sign-in page, whatever the address.

use shared::ids::AccountId;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::components::{SyncIndicator, SyncTone, UnsyncedWarning, UpdateBanner};
use crate::hooks::{use_sync, use_update_ready, SessionState, StorageProvider, SyncProvider};
use crate::pages::{AccountPage, AccountsPage, SettingsPage, SignInPage};
use crate::state::sync_status::{Connection, SyncStatus};

/// The app's addresses.
#[derive(Clone, Debug, PartialEq, Routable)]
pub enum Route {
    /// The accounts list.
    #[at("/")]
    Accounts,
    /// One account.
    #[at("/accounts/:id")]
    Account {
        /// The account's id.
        id: String,
    },
    /// Settings.
    #[at("/settings")]
    Settings,
    /// Anything else.
    #[not_found]
    #[at("/404")]
    NotFound,
}

/// The whole app.
#[component]
pub fn App() -> Html {
    html! {
        <BrowserRouter>
            <StorageProvider>
                <SyncProvider>
                    <Shell />
                </SyncProvider>
            </StorageProvider>
        </BrowserRouter>
    }
}

/// The frame around pages: brand, navigation, sync state, update prompt.
#[component]
fn Shell() -> Html {
    let sync = use_sync();
    let update = use_update_ready();
    let on_reload = {
        let update = update.clone();
        Callback::from(move |()| update.apply())
    };
    let session = sync
        .as_ref()
        .map_or(SessionState::Loading, |sync| sync.session().clone());
    let status = sync
        .as_ref()
        .map(|sync| sync.status().clone())
        .unwrap_or_default();
    let on_sync_now = {
        Callback::from(move |()| {
            if let Some(sync) = &sync {
                sync.sync_now();
            }
        })
    };
    let warning = status.unsynced_warning(js_sys::Date::now());
    html! {
        <>
            <header class="app-bar">
                <Link<Route> to={Route::Accounts} classes="brand">
                    <span class="brand-mark" aria-hidden="true">{ "C" }</span>{ "Carnet" }
                </Link<Route>>
                if matches!(session, SessionState::SignedIn(_)) {
                    <nav class="app-nav" aria-label="Main">
                        <Link<Route> to={Route::Accounts}>{ "Accounts" }</Link<Route>>
                        <Link<Route> to={Route::Settings}>{ "Settings" }</Link<Route>>
                    </nav>
                    <SyncIndicator headline={status.headline()} detail={detail(&status)}
                        tone={tone(&status)} {on_sync_now} />
                }
            </header>
            if update.is_ready() {
                <UpdateBanner {on_reload} />
            }
            if let Some(message) = warning {
                <UnsyncedWarning {message} />
            }
            <main class="content">
                { match session {
                    SessionState::Loading => html! { <p class="list-placeholder" aria-busy="true">{ "Opening Carnet…" }</p> },
                    SessionState::SignedOut => html! { <SignInPage /> },
                    SessionState::SignedIn(_) => html! { <Switch<Route> render={switch} /> },
                } }
            </main>
        </>
    }
}

fn switch(route: Route) -> Html {
    match route {
        Route::Accounts => html! { <AccountsPage /> },
        Route::Account { id } => match id.parse::<AccountId>() {
            Ok(id) => html! { <AccountPage {id} /> },
            Err(_) => html! { <p id="not-found">{ "This address does not name an account." }</p> },
        },
        Route::Settings => html! { <SettingsPage /> },
        Route::NotFound => {
            html! { <p id="not-found">{ "Nothing here. " }<Link<Route> to={Route::Accounts}>{ "Back to the accounts" }</Link<Route>></p> }
        }
    }
}

fn tone(status: &SyncStatus) -> SyncTone {
    match status.connection {
        Connection::Synced { .. } if status.pending == 0 => SyncTone::Good,
        Connection::Failed { .. } => SyncTone::Problem,
        _ => SyncTone::Busy,
    }
}

fn detail(status: &SyncStatus) -> Option<AttrValue> {
    match &status.connection {
        Connection::Failed { reason } => Some(reason.clone().into()),
        _ => status.last_synced_at_ms.map(|at| {
            let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(at));
            format!(
                "Last synced at {}",
                String::from(date.to_locale_time_string("default"))
            )
            .into()
        }),
    }
}
