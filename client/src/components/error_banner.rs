//! A problem the rep should read, in the catalogue's words, with a way to dismiss it.

use yew::prelude::*;

use crate::hooks::use_i18n;
use crate::state::problem::Problem;

/// Props of [`ErrorBanner`].
#[derive(Properties, PartialEq)]
pub struct ErrorBannerProps {
    /// What went wrong: a catalogue id and, maybe, the browser's or server's own words.
    pub problem: Problem,
    /// Called when the rep dismisses it.
    pub on_dismiss: Callback<()>,
}

/// A dismissible alert.
#[component]
pub fn ErrorBanner(props: &ErrorBannerProps) -> Html {
    let on_dismiss = props.on_dismiss.reform(|_: MouseEvent| ());
    let i18n = use_i18n();
    html! {
        <div class="banner error" role="alert">
            <span>{ i18n.t(&props.problem.id) }</span>
            if let Some(detail) = &props.problem.detail {
                <small class="banner-detail">{ detail.clone() }</small>
            }
            <button type="button" class="button ghost" onclick={on_dismiss}>{ i18n.t("dismiss") }</button>
        </div>
    }
}
