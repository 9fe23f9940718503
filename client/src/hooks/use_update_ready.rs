//! "A new version is ready": set when the service worker has installed a new build and waits.
//!
//! `pwa.js` (which registers the service worker) dispatches `carnet-update-ready` on `window` and
//! exposes `carnetApplyUpdate()`, which activates the waiting worker and reloads once it controls
//! the page. The rep decides when: code is never swapped under an open form.

use gloo::events::EventListener;
use js_sys::{Function, Reflect};
use wasm_bindgen::JsCast;
use yew::prelude::*;

const READY_EVENT: &str = "carnet-update-ready";
const READY_FLAG: &str = "carnetUpdateReady";
const APPLY_FUNCTION: &str = "carnetApplyUpdate";

/// Whether an update waits, and how to apply it.
#[derive(Clone, PartialEq)]
pub struct UpdateHandle {
    ready: bool,
}

impl UpdateHandle {
    /// Whether a new build is installed and waiting.
    pub fn is_ready(&self) -> bool {
        self.ready
    }

    /// Activates the waiting build and reloads the page.
    pub fn apply(&self) {
        let Some(window) = web_sys::window() else {
            return;
        };
        let apply = Reflect::get(&window, &APPLY_FUNCTION.into())
            .ok()
            .and_then(|value| value.dyn_into::<Function>().ok());
        match apply {
            Some(function) => {
                if let Err(error) = function.call0(&window) {
                    gloo::console::error!("cannot apply the update", error);
                }
            }
            None => {
                let _reload_failed = window.location().reload();
            }
        }
    }
}

/// Tracks whether a new build of the app waits to be activated.
#[hook]
pub fn use_update_ready() -> UpdateHandle {
    let ready = use_state(already_ready);
    {
        let ready = ready.clone();
        use_effect_with((), move |()| {
            let listener = web_sys::window()
                .map(|window| EventListener::new(&window, READY_EVENT, move |_| ready.set(true)));
            move || drop(listener)
        });
    }
    UpdateHandle { ready: *ready }
}

/// The flag `pwa.js` sets in case the event fired before the app mounted.
fn already_ready() -> bool {
    web_sys::window()
        .and_then(|window| Reflect::get(&window, &READY_FLAG.into()).ok())
        .and_then(|value| value.as_bool())
        .unwrap_or(false)
}
