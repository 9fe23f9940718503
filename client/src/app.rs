//! The app's root: routes, context providers, the frame (brand, sync indicator, update prompt)
//! and the current page. Nobody signed in: the sign-in page, whatever the address.

use shared::ids::{AccountId, ContactId, DealId, OrderId, QuoteId};
use yew::prelude::*;
use yew_router::prelude::*;

use crate::accounts::AccountsPage;
use crate::components::{DigestBanner, SyncIndicator, SyncTone, UnsyncedWarning, UpdateBanner};
use crate::dashboard::DashboardPage;
use crate::hooks::{
    use_i18n, use_storage, use_sync, use_update_ready, I18n, I18nProvider, SessionState,
    StorageProvider, StorageState, SyncProvider,
};
use crate::i18n::{format, Argument};
use crate::later_pages::{use_pages_warm_up, LaterPage};
use crate::pipeline::PipelinePage;
use crate::records::{AccountPage, ContactPage, DealPage};
use crate::sales::{CataloguePage, OrderPage, QuotePage};
use crate::search::SearchPage;
use crate::settings::SettingsPage;
use crate::sign_in::{
    invitation_code, password_reset_token, JoinPage, ResetPasswordPage, SignInPage,
};
use crate::state::sync_status::{Connection, SyncStatus};
use crate::today::TodayPage;
use crate::transfer::ImportPage;

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
    /// One contact.
    #[at("/contacts/:id")]
    Contact {
        /// The contact's id.
        id: String,
    },
    /// One deal.
    #[at("/deals/:id")]
    Deal {
        /// The deal's id.
        id: String,
    },
    /// The product catalogue.
    #[at("/catalogue")]
    Catalogue,
    /// One quote version.
    #[at("/quotes/:id")]
    Quote {
        /// The quote version's id.
        id: String,
    },
    /// One order.
    #[at("/orders/:id")]
    Order {
        /// The order's id.
        id: String,
    },
    /// Deals by stage.
    #[at("/pipeline")]
    Pipeline,
    /// Tasks and visits of the day.
    #[at("/today")]
    Today,
    /// The manager's figures.
    #[at("/dashboard")]
    Dashboard,
    /// The manager's figures, with the accounts of one suggested lifecycle stage opened.
    #[at("/dashboard/customers/:stage")]
    DashboardCustomers {
        /// The stage's stored name.
        stage: String,
    },
    /// Search everything.
    #[at("/search")]
    Search,
    /// Import accounts, contacts or deals from a file.
    #[at("/import")]
    Import,
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
            <I18nProvider>
                <StorageProvider>
                    <SyncProvider>
                        <Shell />
                    </SyncProvider>
                </StorageProvider>
            </I18nProvider>
        </BrowserRouter>
    }
}

/// The frame around pages: brand, navigation, sync state, update prompt.
#[component]
fn Shell() -> Html {
    let sync = use_sync();
    let i18n = use_i18n();
    let storage = use_storage();
    let update = use_update_ready();
    use_search_shortcut();
    use_pages_warm_up();
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
        let sync = sync.clone();
        Callback::from(move |()| {
            if let Some(sync) = &sync {
                sync.sync_now();
            }
        })
    };
    let people = crate::team::use_people();
    let me = match &session {
        SessionState::SignedIn(signed_in) => Some(signed_in.user.id),
        _ => None,
    };
    let digest = sync
        .as_ref()
        .and_then(|sync| sync.digest().cloned())
        .map(|digest| std::rc::Rc::new(crate::components::named_digest(&digest, me, &people)));
    let on_dismiss_digest = {
        Callback::from(move |()| {
            if let Some(sync) = &sync {
                sync.dismiss_digest();
            }
        })
    };
    let warning = status.unsynced_warning(js_sys::Date::now()).map(|warning| {
        i18n.t_with(
            warning.id,
            &[
                ("count", warning.count.into()),
                ("days", Argument::Number(warning.days as f64)),
            ],
        )
    });
    let headline = status.headline();
    let headline = i18n.t_with(headline.id, &[("count", headline.count.into())]);
    html! {
        <>
            <header class="app-bar">
                <Link<Route> to={Route::Accounts} classes="brand">
                    <span class="brand-mark" aria-hidden="true">{ "C" }</span>{ i18n.t("app-name") }
                </Link<Route>>
                if matches!(session, SessionState::SignedIn(_)) {
                    <nav class="app-nav" aria-label={i18n.t("nav-main")}>
                        <Link<Route> to={Route::Today}>{ i18n.t("nav-today") }</Link<Route>>
                        <Link<Route> to={Route::Accounts}>{ i18n.t("nav-accounts") }</Link<Route>>
                        <Link<Route> to={Route::Pipeline}>{ i18n.t("nav-pipeline") }</Link<Route>>
                        <Link<Route> to={Route::Catalogue}>{ i18n.t("nav-catalogue") }</Link<Route>>
                        <Link<Route> to={Route::Dashboard}>{ i18n.t("nav-dashboard") }</Link<Route>>
                        <Link<Route> to={Route::Search}>{ i18n.t("nav-search") }</Link<Route>>
                        <Link<Route> to={Route::Settings}>{ i18n.t("nav-settings") }</Link<Route>>
                    </nav>
                    <SyncIndicator {headline} detail={detail(&status, &i18n)}
                        tone={tone(&status)} {on_sync_now} />
                }
            </header>
            if let StorageState::Failed(error) = &storage {
                <div id="storage-failed" class="banner error" role="alert">{ i18n.t(&error.problem().id) }</div>
            }
            if update.is_ready() {
                <UpdateBanner {on_reload} />
            }
            if let Some(accounts) = digest {
                <DigestBanner {accounts} on_dismiss={on_dismiss_digest} />
            }
            if let Some(message) = warning {
                <UnsyncedWarning message={AttrValue::from(message)} />
            }
            <main class="content">
                { match session {
                    SessionState::Loading => html! { <p class="list-placeholder" aria-busy="true">{ i18n.t("opening-app") }</p> },
                    SessionState::SignedOut => match (invitation_code(), password_reset_token()) {
                        (Some(code), _) => html! { <JoinPage code={code} /> },
                        (None, Some(token)) => html! { <ResetPasswordPage token={token} /> },
                        (None, None) => html! { <SignInPage /> },
                    },
                    SessionState::SignedIn(_) => html! { <Switch<Route> render={switch} /> },
                } }
            </main>
        </>
    }
}

fn switch(route: Route) -> Html {
    match route {
        Route::Accounts => html! { <AccountsPage /> },
        route => html! { <LaterPage {route} /> },
    }
}

/// The page of any route. It is the pages' module's entry (`later_pages`): only the client's
/// binary names it, inside the function the build splits off.
pub fn page_of(route: Route) -> Html {
    html! { <Page {route} /> }
}

#[derive(Properties, PartialEq)]
struct PageProps {
    route: Route,
}

/// The page of a route (a component, so it can use the language).
#[component]
fn Page(props: &PageProps) -> Html {
    let i18n = use_i18n();
    match props.route.clone() {
        Route::Accounts => html! { <AccountsPage /> },
        Route::Account { id } => match id.parse::<AccountId>() {
            Ok(id) => html! { <AccountPage {id} /> },
            Err(_) => html! { <p id="not-found">{ i18n.t("not-an-account") }</p> },
        },
        Route::Contact { id } => match id.parse::<ContactId>() {
            Ok(id) => html! { <ContactPage {id} /> },
            Err(_) => html! { <p id="not-found">{ i18n.t("not-found") }</p> },
        },
        Route::Deal { id } => match id.parse::<DealId>() {
            Ok(id) => html! { <DealPage {id} /> },
            Err(_) => html! { <p id="not-found">{ i18n.t("not-found") }</p> },
        },
        Route::Catalogue => html! { <CataloguePage /> },
        Route::Quote { id } => match id.parse::<QuoteId>() {
            Ok(id) => html! { <QuotePage {id} /> },
            Err(_) => html! { <p id="not-found">{ i18n.t("not-found") }</p> },
        },
        Route::Order { id } => match id.parse::<OrderId>() {
            Ok(id) => html! { <OrderPage {id} /> },
            Err(_) => html! { <p id="not-found">{ i18n.t("not-found") }</p> },
        },
        Route::Pipeline => html! { <PipelinePage /> },
        Route::Today => html! { <TodayPage /> },
        Route::Dashboard | Route::DashboardCustomers { .. } => html! { <DashboardPage /> },
        Route::Search => html! { <SearchPage /> },
        Route::Import => html! { <ImportPage /> },
        Route::Settings => html! { <SettingsPage /> },
        Route::NotFound => {
            html! { <NotFound /> }
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

fn detail(status: &SyncStatus, i18n: &I18n) -> Option<AttrValue> {
    match &status.connection {
        Connection::Failed { problem } => Some(i18n.t(&problem.id).into()),
        _ => status.last_synced_at_ms.map(|at| {
            let time = format::time(i18n.language(), at);
            i18n.t_with("sync-last-synced", &[("time", time.as_str().into())])
                .into()
        }),
    }
}

/// `/` (outside a text field) or Ctrl+K / ⌘K opens search from anywhere, as on laptops.
#[hook]
fn use_search_shortcut() {
    let navigator = use_navigator();
    use_effect_with((), move |()| {
        let listener = web_sys::window()
            .and_then(|window| window.document())
            .map(|document| {
                gloo::events::EventListener::new_with_options(
                    &document,
                    "keydown",
                    gloo::events::EventListenerOptions::enable_prevent_default(),
                    move |event| {
                        let Some(event) =
                            wasm_bindgen::JsCast::dyn_ref::<web_sys::KeyboardEvent>(event)
                        else {
                            return;
                        };
                        let typing = event
                            .target()
                            .and_then(|target| {
                                wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(target).ok()
                            })
                            .is_some_and(|element| {
                                matches!(
                                    element.tag_name().as_str(),
                                    "INPUT" | "TEXTAREA" | "SELECT"
                                ) || element.has_attribute("contenteditable")
                            });
                        let slash = event.key() == "/" && !typing;
                        let command_k = (event.ctrl_key() || event.meta_key())
                            && event.key().eq_ignore_ascii_case("k");
                        if slash || command_k {
                            event.prevent_default();
                            if let Some(navigator) = &navigator {
                                navigator.push(&Route::Search);
                            }
                        }
                    },
                )
            });
        move || drop(listener)
    });
}

/// The page for an address the app does not know.
#[component]
fn NotFound() -> Html {
    let i18n = use_i18n();
    html! {
        <p id="not-found">
            { i18n.t("not-found") }{ " " }
            <Link<Route> to={Route::Accounts}>{ i18n.t("not-found-back") }</Link<Route>>
        </p>
    }
}
