//! The people directory for views: what this device keeps, at once (offline too), then the
//! relay's current list while signed in, fetched at most every [`REFETCH_AFTER_MS`] per page
//! load whatever the number of views asking.

use std::cell::Cell;
use std::rc::Rc;

use yew::prelude::*;

use crate::hooks::{use_sync, SessionState};
use crate::team::people::People;

/// The shortest time between two fetches of the directory by one page.
const REFETCH_AFTER_MS: f64 = 5.0 * 60.0 * 1000.0;

thread_local! {
    /// When this page last asked the relay for the directory (ms since the epoch).
    static FETCHED_AT: Cell<Option<f64>> = const { Cell::new(None) };
}

/// The people directory (empty until this device has fetched it once).
#[hook]
pub fn use_people() -> Rc<People> {
    let people = use_state(|| Rc::new(People::default()));
    let sync = use_sync();
    let signed_in = sync
        .as_ref()
        .is_some_and(|sync| matches!(sync.session(), SessionState::SignedIn(_)));
    {
        let set = people.setter();
        use_effect_with(signed_in, move |signed_in| {
            let signed_in = *signed_in;
            if let (true, Some(sync)) = (signed_in, sync) {
                wasm_bindgen_futures::spawn_local(async move {
                    match sync.stored_people().await {
                        Ok(stored) if !stored.is_empty() => set.set(Rc::new(People::new(stored))),
                        Ok(_) => {}
                        Err(problem) => gloo::console::warn!(format!("{problem:?}")),
                    }
                    let now = js_sys::Date::now();
                    let due = FETCHED_AT.with(|fetched| {
                        let due = fetched.get().is_none_or(|at| now - at >= REFETCH_AFTER_MS);
                        if due {
                            fetched.set(Some(now));
                        }
                        due
                    });
                    if !due {
                        return;
                    }
                    match sync.fetch_people().await {
                        Ok(fresh) => set.set(Rc::new(People::new(fresh))),
                        // Offline or refused: the kept directory stays, and the next view asks
                        // again.
                        Err(_problem) => FETCHED_AT.with(|fetched| fetched.set(None)),
                    }
                });
            }
        });
    }
    (*people).clone()
}
