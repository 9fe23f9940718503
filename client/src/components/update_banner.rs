//! "A new version is ready — reload": the rep chooses when the app's code changes.

use yew::prelude::*;

use crate::hooks::use_i18n;

/// Props of [`UpdateBanner`].
#[derive(Properties, PartialEq)]
pub struct UpdateBannerProps {
    /// Called when the rep asks to reload into the new version.
    pub on_reload: Callback<()>,
}

/// A banner offering the new version.
#[component]
pub fn UpdateBanner(props: &UpdateBannerProps) -> Html {
    let on_reload = props.on_reload.reform(|_: MouseEvent| ());
    let i18n = use_i18n();
    html! {
        <div class="banner info" role="status" id="update-ready">
            <span>{ i18n.t("update-ready") }</span>
            <button type="button" class="button primary" onclick={on_reload}>{ i18n.t("update-reload") }</button>
        </div>
    }
}
