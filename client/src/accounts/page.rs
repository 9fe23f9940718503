//! The accounts screen: the list of the rep's accounts and the form to add one.

use yew::prelude::*;
use yew_router::prelude::Link;

use crate::app::Route;
use std::rc::Rc;

use crate::accounts::{use_account_filter, use_accounts};
use crate::accounts::{AccountFilters, AccountForm, AccountList};
use crate::components::ErrorBanner;
use crate::hooks::{use_i18n, use_storage, use_sync, SessionState, StorageState};
use crate::state::problem::Problem;

/// The accounts page.
#[component]
pub fn AccountsPage() -> Html {
    let accounts = use_accounts();
    let i18n = use_i18n();
    let storage = use_storage();
    let storage_ready = matches!(storage, StorageState::Ready(_));
    let state = accounts.state();
    let filters = use_account_filter();
    let me = use_sync().and_then(|sync| match sync.session() {
        SessionState::SignedIn(session) => Some(session.user.id.to_string()),
        _ => None,
    });
    let shown = {
        let filter = filters.filter().clone();
        use_memo((state.rows.clone(), filter, me), |(rows, filter, me)| {
            if filter.is_empty() && filter.sort == Default::default() {
                return Rc::clone(rows);
            }
            let now = js_sys::Date::now();
            let today = String::from(js_sys::Date::new(&now.into()).to_iso_string())
                .chars()
                .take(10)
                .collect::<String>();
            Rc::new(filter.apply(rows, me.as_deref(), &today, (now / 1000.0) as i64))
        })
    };
    let stages = {
        let mut stages: Vec<String> = state.rows.iter().map(|row| row.stage.clone()).collect();
        stages.sort();
        stages.dedup();
        stages
    };
    let on_filter = {
        let filters = filters.clone();
        Callback::from(move |filter| filters.set(filter))
    };
    let on_save_filter = {
        let filters = filters.clone();
        Callback::from(move |name| filters.save(name))
    };
    let on_forget_filter = {
        let filters = filters.clone();
        Callback::from(move |name: String| filters.forget(&name))
    };
    {
        // The start-up benchmark's mark: the first screen of the list is on the page.
        let shown = state.loaded;
        use_effect_with(shown, |shown| {
            if *shown {
                crate::accounts::mark("carnet:first-list");
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
                <span class="count" id="accounts-count">{ format!("{}", shown.len()) }</span>
                <span id="accounts-import-link" class="page-action">
                    <Link<Route> to={Route::Import} classes="button">{ i18n.t("import-link") }</Link<Route>>
                </span>
            </header>
            if let Some(message) = &state.error {
                <ErrorBanner problem={Problem::new(message)} {on_dismiss} />
            }
            <AccountForm {on_create} enabled={storage_ready} />
            <AccountFilters filter={filters.filter().clone()} {stages} saved={filters.saved().to_vec()}
                on_change={on_filter} on_save={on_save_filter} on_forget={on_forget_filter} />
            <AccountList rows={(*shown).clone()} loaded={state.loaded} />
        </section>
    }
}
