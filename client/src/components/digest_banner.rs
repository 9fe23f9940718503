//! After a reconnection, a short digest of what colleagues changed on the workspace's accounts
//! while this device was away, with links to each and who changed it, by name (named by the
//! frame from the people directory: this component only draws).

use yew::prelude::*;
use yew_router::prelude::Link;

use shared::ids::UserId;

use crate::app::Route;
use crate::hooks::{use_i18n, Digest};
use crate::team::people::People;

/// How many accounts the digest names before "and N more".
const NAMED: usize = 5;

/// One changed account as the banner shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NamedChange {
    /// The account's id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// The colleagues who changed it, by name (or `None` for one the directory does not know).
    pub by: Vec<Option<String>>,
}

/// The digest's accounts with their colleagues named from `people`; `me`'s own changes (made
/// on another of their devices) are not news and name nobody.
pub fn named_digest(digest: &Digest, me: Option<UserId>, people: &People) -> Vec<NamedChange> {
    digest
        .iter()
        .map(|entry| {
            let mut by: Vec<Option<String>> = Vec::new();
            for editor in &entry.editors {
                if Some(editor.user) == me {
                    continue;
                }
                let name = people.name_of(editor.user).map(str::to_owned);
                if !by.contains(&name) {
                    by.push(name);
                }
            }
            NamedChange {
                id: entry.id.clone(),
                name: entry.name.clone(),
                by,
            }
        })
        .collect()
}

/// Props of [`DigestBanner`].
#[derive(Properties, PartialEq)]
pub struct DigestBannerProps {
    /// The changed accounts, with who changed each.
    pub accounts: std::rc::Rc<Vec<NamedChange>>,
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
                { for props.accounts.iter().take(NAMED).map(|entry| {
                    let names: Vec<String> = entry
                        .by
                        .iter()
                        .map(|name| name.clone().unwrap_or_else(|| i18n.t("digest-by-someone")))
                        .collect();
                    html! {
                        <li key={entry.id.clone()}>
                            <Link<Route> to={Route::Account { id: entry.id.clone() }}>{ entry.name.clone() }</Link<Route>>
                            if !names.is_empty() {
                                <span class="digest-by">
                                    { i18n.t_with("digest-by", &[("names", names.join(", ").as_str().into())]) }
                                </span>
                            }
                        </li>
                    }
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
