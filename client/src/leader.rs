//! One leader tab per device, elected through the Web Locks API.
//!
//! A tab campaigns for a named lock with `navigator.locks.request(name, { mode: "exclusive" },
//! callback)`. When the browser grants the lock it calls the callback, which returns a promise
//! this module keeps pending: the lock stays held, and the tab leads, until the [`Leadership`] is
//! resigned or dropped, or the tab closes (the browser then releases the lock itself, even after a
//! crash). The next waiting tab is then elected, in request order.
//!
//! This module owns the lock request and its callback. It must not decide what the leader does
//! (that is the caller's, in `on_elected`), and it never steals a lock from another tab: nothing
//! in Carnet may request with `steal: true`, or the robbed tab would still believe it leads.
//!
//! Where the API is absent ([`LeaderError::Unsupported`]: an old browser, or a page served over
//! plain HTTP from another host than `localhost`, which is not a secure context), the caller acts
//! as the leader alone: with no locks, tabs cannot coordinate, so each tab behaves as the only one.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use js_sys::{Function, Object, Promise, Reflect};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, DomException};

/// Why a tab could not campaign for leadership.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LeaderError {
    /// The browser has no Web Locks API here; the caller then acts as the leader alone.
    #[error("This browser cannot coordinate Carnet's tabs; this tab works on its own.")]
    Unsupported,
    /// The browser refused the lock request, in its own words.
    #[error("The browser refused the tab election: {0}")]
    Refused(String),
}

/// This tab's candidacy for a named lock: waiting, then leading until resigned or dropped.
#[derive(Debug)]
pub struct Leadership {
    campaign: Rc<Campaign>,
    abort: AbortController,
}

impl Leadership {
    /// Asks for the exclusive lock `lock_name` and calls `on_elected` once it is granted (never
    /// during this call: the browser grants locks from its own task).
    ///
    /// Returns at once; the campaign waits behind any tab holding or already asking for the lock.
    pub fn campaign(
        lock_name: &str,
        on_elected: impl FnOnce() + 'static,
    ) -> Result<Self, LeaderError> {
        let locks = lock_manager()?;
        let abort = AbortController::new().map_err(LeaderError::from_js)?;
        let options = Object::new();
        Reflect::set(&options, &"mode".into(), &"exclusive".into())
            .map_err(LeaderError::from_js)?;
        Reflect::set(&options, &"signal".into(), &abort.signal()).map_err(LeaderError::from_js)?;

        let campaign = Rc::new(Campaign {
            state: Cell::new(State::Waiting),
            release: RefCell::new(None),
            on_elected: RefCell::new(Some(Box::new(on_elected))),
        });
        let granted: Closure<dyn FnMut(JsValue) -> Promise> = Closure::once({
            let campaign = Rc::clone(&campaign);
            move |_lock: JsValue| campaign.take_office()
        });
        let request = locks
            .request(lock_name, &options, granted.as_ref().unchecked_ref())
            .map_err(LeaderError::from_js)?;

        // The request settles once the lock is released (after the held promise resolves) or the
        // waiting request is withdrawn, and the browser calls the callback at most once, before
        // that: this task owns the callback until then, so nothing is leaked. (Should a browser
        // run a grant already under way after a withdrawal, the dropped callback throws and the
        // browser releases the lock all the same.)
        let name = lock_name.to_owned();
        wasm_bindgen_futures::spawn_local(async move {
            let settled = JsFuture::from(request).await;
            drop(granted);
            if let Err(error) = settled {
                if !is_abort(&error) {
                    gloo::console::error!(format!("the lock {name} failed"), error);
                }
            }
        });
        Ok(Self { campaign, abort })
    }

    /// `true` while this tab holds the lock.
    pub fn is_leader(&self) -> bool {
        self.campaign.state.get() == State::Leading
    }

    /// Gives the lock up (or withdraws the waiting request), so the next tab is elected.
    /// Dropping the `Leadership` does the same.
    pub fn resign(self) {
        drop(self);
    }
}

impl Drop for Leadership {
    fn drop(&mut self) {
        if self.campaign.resign() == State::Waiting {
            // Still queued: leave the queue. Aborting does nothing to a granted lock.
            self.abort.abort();
        }
    }
}

impl LeaderError {
    fn from_js(value: JsValue) -> Self {
        Self::Refused(crate::thrown::describe(&value))
    }
}

#[wasm_bindgen]
extern "C" {
    /// `navigator.locks`, bound here because web-sys keeps `LockManager` behind its unstable flag.
    #[wasm_bindgen(js_name = LockManager)]
    type Locks;

    /// `LockManager.request(name, options, callback)`.
    #[wasm_bindgen(method, catch)]
    fn request(
        this: &Locks,
        name: &str,
        options: &Object,
        callback: &Function,
    ) -> Result<Promise, JsValue>;
}

/// Where a campaign stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    Waiting,
    Leading,
    Resigned,
}

/// What the lock callback and the `Leadership` share.
struct Campaign {
    state: Cell<State>,
    /// Resolves the promise that holds the lock; present while leading.
    release: RefCell<Option<Function>>,
    on_elected: RefCell<Option<Box<dyn FnOnce()>>>,
}

impl std::fmt::Debug for Campaign {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("Campaign")
            .field("state", &self.state.get())
            .finish_non_exhaustive()
    }
}

impl Campaign {
    /// The lock was granted: lead, and return the promise that holds the lock until resigning.
    fn take_office(&self) -> Promise {
        if self.state.get() == State::Resigned {
            // Granted just as the tab resigned: hand the lock straight back.
            return Promise::resolve(&JsValue::UNDEFINED);
        }
        let mut release = None;
        let held = Promise::new(&mut |resolve, _reject| release = Some(resolve));
        *self.release.borrow_mut() = release;
        self.state.set(State::Leading);
        let on_elected = self.on_elected.borrow_mut().take();
        if let Some(on_elected) = on_elected {
            on_elected();
        }
        held
    }

    /// Stops leading or waiting; returns the state it was in.
    fn resign(&self) -> State {
        let previous = self.state.replace(State::Resigned);
        self.on_elected.borrow_mut().take();
        let release = self.release.borrow_mut().take();
        if let Some(release) = release {
            // Resolving a promise's own resolver cannot throw.
            let _resolved = release.call0(&JsValue::UNDEFINED);
        }
        previous
    }
}

/// `navigator.locks`, or `Unsupported` where the browser (or a non-secure context) has none.
fn lock_manager() -> Result<Locks, LeaderError> {
    let navigator = Reflect::get(&js_sys::global(), &"navigator".into())
        .map_err(|_| LeaderError::Unsupported)?;
    if navigator.is_undefined() || navigator.is_null() {
        return Err(LeaderError::Unsupported);
    }
    let locks = Reflect::get(&navigator, &"locks".into()).map_err(|_| LeaderError::Unsupported)?;
    if locks.is_undefined() || locks.is_null() {
        return Err(LeaderError::Unsupported);
    }
    Ok(locks.unchecked_into())
}

/// Whether a rejection is the `AbortError` of a request this tab withdrew.
fn is_abort(error: &JsValue) -> bool {
    error
        .dyn_ref::<DomException>()
        .is_some_and(|exception| exception.name() == "AbortError")
}
