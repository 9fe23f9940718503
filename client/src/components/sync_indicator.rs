//! The always-visible sync indicator: offline, syncing with N pending, synced at a time, or
//! stopped with a reason; plus a "sync now" button and the unsynced-age warning.

use yew::prelude::*;

use crate::hooks::use_i18n;

/// How the indicator is drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SyncTone {
    /// Up to date.
    Good,
    /// Working, or waiting for a network (a normal state).
    Busy,
    /// Needs the rep.
    Problem,
}

/// Props of [`SyncIndicator`].
#[derive(Properties, PartialEq)]
pub struct SyncIndicatorProps {
    /// The short label ("Synced", "Offline · 3 to sync").
    pub headline: AttrValue,
    /// A longer explanation (a time, a reason), shown as the title and to screen readers.
    #[prop_or_default]
    pub detail: Option<AttrValue>,
    /// The drawing.
    pub tone: SyncTone,
    /// Called when the rep asks to sync now.
    pub on_sync_now: Callback<()>,
}

/// A pill with the sync state and a "sync now" button.
#[component]
pub fn SyncIndicator(props: &SyncIndicatorProps) -> Html {
    let class = match props.tone {
        SyncTone::Good => "badge online",
        SyncTone::Busy => "badge busy",
        SyncTone::Problem => "badge problem",
    };
    let onclick = props.on_sync_now.reform(|_: MouseEvent| ());
    let i18n = use_i18n();
    html! {
        <span class="sync-indicator">
            <span role="status" aria-live="polite">
                <span id="sync-status" class={class} title={props.detail.clone()}>
                    { props.headline.clone() }
                </span>
                if let Some(detail) = &props.detail {
                    <span class="visually-hidden">{ format!(" — {detail}") }</span>
                }
            </span>
            <button id="sync-now" type="button" class="button small" {onclick}>{ i18n.t("sync-now") }</button>
        </span>
    }
}

/// Props of [`UnsyncedWarning`].
#[derive(Properties, PartialEq)]
pub struct UnsyncedWarningProps {
    /// The warning text.
    pub message: AttrValue,
}

/// A banner saying changes have waited too long on this device alone.
#[component]
pub fn UnsyncedWarning(props: &UnsyncedWarningProps) -> Html {
    html! {
        <div id="unsynced-warning" class="banner warning" role="alert">{ props.message.clone() }</div>
    }
}
