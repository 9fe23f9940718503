//! Deals as a kanban by stage.

use yew::prelude::*;

use crate::hooks::use_i18n;

/// The page.
#[component]
pub fn PipelinePage() -> Html {
    let i18n = use_i18n();
    html! {
        <section class="page" aria-labelledby="pipeline-title">
            <h1 id="pipeline-title">{ i18n.t("pipeline-title") }</h1>
        </section>
    }
}
