//! An error the rep should read, with a way to dismiss it.

use yew::prelude::*;

use crate::hooks::use_i18n;

/// Props of [`ErrorBanner`].
#[derive(Properties, PartialEq)]
pub struct ErrorBannerProps {
    /// The message, in plain words.
    pub message: AttrValue,
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
            <span>{ props.message.clone() }</span>
            <button type="button" class="button ghost" onclick={on_dismiss}>{ i18n.t("dismiss") }</button>
        </div>
    }
}
