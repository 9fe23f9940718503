//! After a reconnection, a short digest of what colleagues changed on the workspace's accounts
//! while this device was away, with links to each.

use yew::prelude::*;
use yew_router::prelude::Link;

use crate::app::Route;
use crate::hooks::{use_i18n, Digest};

/// How many accounts the digest names before "and N more".
const NAMED: usize = 5;

/// Props of [`DigestBanner`].
#[derive(Properties, PartialEq)]
pub struct DigestBannerProps {
    /// The changed accounts: (id, name).
    pub accounts: Digest,
    /// Called when the rep dismisses the digest.
    pub on_dismiss: Callback<()>,
}

/// A dismissible banner naming the changed accounts.
#[component]
pub fn DigestBanner(props: &DigestBannerProps) -> Html {
    let i18n = use_i18n();
    let more = props.accounts.len().saturating_sub(NAMED);
    html! {
        <div id="sync-digest" class="banner info digest" role="status">
            <p>{ i18n.t_with("digest-title", &[("count", props.accounts.len().into())]) }</p>
            <ul>
                { for props.accounts.iter().take(NAMED).map(|(id, name)| html! {
                    <li key={id.clone()}>
                        <Link<Route> to={Route::Account { id: id.clone() }}>{ name.clone() }</Link<Route>>
                    </li>
                }) }
                if more > 0 {
                    <li>{ i18n.t_with("digest-more", &[("count", more.into())]) }</li>
                }
            </ul>
            <button type="button" class="button ghost" onclick={props.on_dismiss.reform(|_: MouseEvent| ())}>
                { i18n.t("dismiss") }
            </button>
        </div>
    }
}
