//! One deal: amount, stage, account, history.

use shared::ids::DealId;
use yew::prelude::*;

use crate::hooks::use_i18n;

/// Props of [`DealPage`].
#[derive(Properties, PartialEq)]
pub struct DealPageProps {
    /// The record to open.
    pub id: DealId,
}

/// The page.
#[component]
pub fn DealPage(props: &DealPageProps) -> Html {
    let i18n = use_i18n();
    html! {
        <section class="page" aria-labelledby="deal-title" data-id={props.id.to_string()}>
            <h1 id="deal-title">{ i18n.t("deal-title") }</h1>
        </section>
    }
}
