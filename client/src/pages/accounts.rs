//! The accounts screen: the list of the rep's accounts and the form to add one.

use yew::prelude::*;
use yew_router::prelude::Link;

use crate::app::Route;
use crate::components::{AccountForm, AccountList, ErrorBanner};
use crate::hooks::{use_accounts, use_i18n, use_storage, StorageState};

/// The accounts page.
#[component]
pub fn AccountsPage() -> Html {
    let accounts = use_accounts();
    let i18n = use_i18n();
    let storage = use_storage();
    let storage_ready = matches!(storage, StorageState::Ready(_));
    let state = accounts.state();
    {
        // The start-up benchmark's mark: the first screen of the list is on the page.
        let shown = state.loaded;
        use_effect_with(shown, |shown| {
            if *shown {
                crate::hooks::mark("carnet:first-list");
            }
        });
    }
    let on_create = {
        let accounts = accounts.clone();
        Callback::from(move |draft| accounts.create(draft))
    };
    let on_dismiss = {
        let accounts = accounts.clone();
        Callback::from(move |()| accounts.dismiss_error())
    };
    html! {
        <section class="page" aria-labelledby="accounts-title">
            <header class="page-header">
                <h1 id="accounts-title">{ i18n.t("accounts-title") }</h1>
                <span class="count" id="accounts-count">{ format!("{}", state.rows.len()) }</span>
                <span id="accounts-import-link" class="page-action">
                    <Link<Route> to={Route::Import} classes="button">{ i18n.t("import-link") }</Link<Route>>
                </span>
            </header>
            if let Some(message) = &state.error {
                <ErrorBanner message={AttrValue::from(i18n.t(message))} {on_dismiss} />
            }
            <AccountForm {on_create} enabled={storage_ready} />
            <AccountList rows={state.rows.clone()} loaded={state.loaded} />
        </section>
    }
}
