//! One box over accounts, contacts, deals, notes and visit reports.

use yew::prelude::*;

use crate::hooks::use_i18n;

/// The page.
#[component]
pub fn SearchPage() -> Html {
    let i18n = use_i18n();
    html! {
        <section class="page" aria-labelledby="search-title">
            <h1 id="search-title">{ i18n.t("search-title") }</h1>
        </section>
    }
}
