//! Tasks due and visits planned today.

use yew::prelude::*;

use crate::hooks::use_i18n;

/// The page.
#[component]
pub fn TodayPage() -> Html {
    let i18n = use_i18n();
    html! {
        <section class="page" aria-labelledby="today-title">
            <h1 id="today-title">{ i18n.t("today-title") }</h1>
        </section>
    }
}
