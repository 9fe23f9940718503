//! The CSV and vCard import wizard.

use yew::prelude::*;

use crate::hooks::use_i18n;

/// The page.
#[component]
pub fn ImportPage() -> Html {
    let i18n = use_i18n();
    html! {
        <section class="page" aria-labelledby="import-title">
            <h1 id="import-title">{ i18n.t("import-title") }</h1>
        </section>
    }
}
