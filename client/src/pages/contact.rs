//! One contact: details, accounts, history.

use shared::ids::ContactId;
use yew::prelude::*;

use crate::hooks::use_i18n;

/// Props of [`ContactPage`].
#[derive(Properties, PartialEq)]
pub struct ContactPageProps {
    /// The record to open.
    pub id: ContactId,
}

/// The page.
#[component]
pub fn ContactPage(props: &ContactPageProps) -> Html {
    let i18n = use_i18n();
    html! {
        <section class="page" aria-labelledby="contact-title" data-id={props.id.to_string()}>
            <h1 id="contact-title">{ i18n.t("contact-title") }</h1>
        </section>
    }
}
