//! The app's root: context providers, the header, and the current page.

use yew::prelude::*;

use crate::components::{ConnectionBadge, UpdateBanner};
use crate::hooks::{use_online, use_update_ready, StorageProvider};
use crate::pages::AccountsPage;

/// The whole app.
#[component]
pub fn App() -> Html {
    html! {
        <StorageProvider>
            <Shell />
        </StorageProvider>
    }
}

/// The frame around pages: brand, connection state, update prompt.
#[component]
fn Shell() -> Html {
    let online = use_online();
    let update = use_update_ready();
    let on_reload = {
        let update = update.clone();
        Callback::from(move |()| update.apply())
    };
    html! {
        <>
            <header class="app-bar">
                <span class="brand"><span class="brand-mark" aria-hidden="true">{ "C" }</span>{ "Carnet" }</span>
                <ConnectionBadge {online} />
            </header>
            if update.is_ready() {
                <UpdateBanner {on_reload} />
            }
            <main class="content">
                <AccountsPage />
            </main>
        </>
    }
}
