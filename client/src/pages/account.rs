//! One account, opened from the list: its document is loaded only here.

use shared::ids::AccountId;
use yew::prelude::*;
use yew_router::prelude::Link;

use crate::app::Route;
use crate::components::{AccountEditor, ErrorBanner, ReportEdit};
use crate::hooks::{use_account, use_i18n};

/// Props of [`AccountPage`].
#[derive(Properties, PartialEq)]
pub struct AccountPageProps {
    /// The account to open.
    pub id: AccountId,
}

/// The account page.
#[component]
pub fn AccountPage(props: &AccountPageProps) -> Html {
    let account = use_account(props.id);
    let i18n = use_i18n();
    let view = account.view().clone();
    let back = html! { <Link<Route> to={Route::Accounts} classes="back-link">{ i18n.t("account-back") }</Link<Route>> };
    if !view.loaded {
        return html! { <section class="page">{ back }<p aria-busy="true">{ i18n.t("account-opening") }</p></section> };
    }
    if view.missing {
        return html! {
            <section class="page">{ back }
                <p id="account-missing">{ i18n.t("account-missing") }</p>
            </section>
        };
    }
    let handle = |f: fn(&crate::hooks::AccountHandle, String)| {
        let account = account.clone();
        Callback::from(move |value: String| f(&account, value))
    };
    let on_report = {
        let account = account.clone();
        Callback::from(move |edit: ReportEdit| account.type_report(edit.visit, edit.text))
    };
    let on_add_visit = {
        let account = account.clone();
        Callback::from(move |()| account.add_visit())
    };
    html! {
        <section class="page" aria-labelledby="account-title">
            { back }
            <header class="page-header">
                <h1 id="account-title">{ view.name.clone() }</h1>
            </header>
            if let Some(error) = &view.error {
                <ErrorBanner message={AttrValue::from(error.clone())} on_dismiss={Callback::noop()} />
            }
            <AccountEditor
                view={view.clone()}
                on_rename={handle(|account, value| account.rename(value))}
                on_city={handle(|account, value| account.move_to_city(value))}
                on_notes={handle(|account, value| account.type_notes(value))}
                {on_report}
                {on_add_visit}
                on_choose_name={handle(|account, value| account.choose_name(value))}
            />
        </section>
    }
}
