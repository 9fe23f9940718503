//! The device's position, through the browser's Geolocation API: asked once when the page opens
//! and again on demand (a visit check-in wants a fresh fix). Refusal and unavailability are
//! states of their own, shown to the rep; nothing else in the app reads the position.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use js_sys::Reflect;
use shared::account::CheckIn;
use shared::values::GeoPoint;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use yew::prelude::*;

/// How long a fix may take before the browser gives up (GPS indoors is slow).
const TIMEOUT_MS: i32 = 20_000;
/// How old a cached fix the browser may answer with when the page opens (a check-in asks for a
/// fresh one).
const MAXIMUM_AGE_MS: u32 = 30_000;
/// `GeolocationPositionError.PERMISSION_DENIED`.
const PERMISSION_DENIED: f64 = 1.0;

/// Where the device is, as far as the app knows.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum Position {
    /// Asking the browser.
    #[default]
    Locating,
    /// A fix: where, how precise, when (a check-in as it would be stored).
    Located(CheckIn),
    /// The rep (or the browser's policy) refused the permission.
    Denied,
    /// No fix: no Geolocation API, no signal, or a timeout.
    Unavailable,
}

impl Position {
    /// The fix, when there is one.
    pub fn fix(&self) -> Option<&CheckIn> {
        match self {
            Self::Located(fix) => Some(fix),
            _ => None,
        }
    }
}

type Callbacks = (Closure<dyn FnMut(JsValue)>, Closure<dyn FnMut(JsValue)>);

/// The browser's answer and the request it answers (requests are numbered from 1).
type Answer = (u64, Position);

/// What lives as long as the component: the request counter and the pending callbacks.
#[derive(Default)]
struct Requests {
    last: Cell<u64>,
    callbacks: RefCell<Option<Callbacks>>,
}

/// The position and the "locate again" intent.
#[derive(Clone)]
pub struct PositionHandle {
    answer: UseStateHandle<Answer>,
    requests: Rc<Requests>,
}

impl PartialEq for PositionHandle {
    fn eq(&self, other: &Self) -> bool {
        *self.answer == *other.answer
    }
}

impl PositionHandle {
    /// The current position state.
    pub fn position(&self) -> &Position {
        &self.answer.1
    }

    /// The number of the request the current state answers (`0`: none yet).
    pub fn answered(&self) -> u64 {
        self.answer.0
    }

    /// Asks the browser for a fresh fix, not a cached one (the last state stays shown until it
    /// arrives); returns the request's number, which [`PositionHandle::answered`] reaches once
    /// the browser answered it.
    pub fn locate(&self) -> u64 {
        locate(&self.answer, &self.requests, 0)
    }
}

fn locate(answer: &UseStateHandle<Answer>, requests: &Rc<Requests>, maximum_age: u32) -> u64 {
    let request = requests.last.get() + 1;
    requests.last.set(request);
    let Some(geolocation) = web_sys::window()
        .map(|window| window.navigator())
        .and_then(|navigator| navigator.geolocation().ok())
    else {
        answer.set((request, Position::Unavailable));
        return request;
    };
    let on_fix = {
        let answer = answer.clone();
        Closure::<dyn FnMut(JsValue)>::new(move |fix: JsValue| {
            let position = read_fix(&fix).map_or(Position::Unavailable, Position::Located);
            answer.set((request, position));
        })
    };
    let on_error = {
        let answer = answer.clone();
        Closure::<dyn FnMut(JsValue)>::new(move |error: JsValue| {
            let code = Reflect::get(&error, &"code".into())
                .ok()
                .and_then(|code| code.as_f64());
            let position = if code == Some(PERMISSION_DENIED) {
                Position::Denied
            } else {
                Position::Unavailable
            };
            answer.set((request, position));
        })
    };
    let options = web_sys::PositionOptions::new();
    options.set_enable_high_accuracy(true);
    options.set_timeout(TIMEOUT_MS as u32);
    options.set_maximum_age(maximum_age);
    if geolocation
        .get_current_position_with_error_callback_and_options(
            on_fix.as_ref().unchecked_ref(),
            Some(on_error.as_ref().unchecked_ref()),
            &options,
        )
        .is_err()
    {
        answer.set((request, Position::Unavailable));
        return request;
    }
    // Kept until the next request: the browser calls one of them, once.
    *requests.callbacks.borrow_mut() = Some((on_fix, on_error));
    request
}

/// A `GeolocationPosition` as a check-in.
fn read_fix(fix: &JsValue) -> Option<CheckIn> {
    let coords = Reflect::get(fix, &"coords".into()).ok()?;
    let number = |object: &JsValue, key: &str| {
        Reflect::get(object, &key.into())
            .ok()
            .and_then(|value| value.as_f64())
    };
    let location =
        GeoPoint::new(number(&coords, "latitude")?, number(&coords, "longitude")?).ok()?;
    let captured_ms = number(fix, "timestamp").unwrap_or_else(js_sys::Date::now);
    Some(CheckIn {
        location,
        accuracy_metres: number(&coords, "accuracy").unwrap_or(0.0),
        captured_at: (captured_ms / 1000.0) as i64,
    })
}

/// The device's position, asked for once when the calling component mounts.
#[hook]
pub fn use_position() -> PositionHandle {
    let answer = use_state(|| (0, Position::default()));
    let requests: Rc<Requests> = use_memo((), |()| Requests::default());
    {
        let answer = answer.clone();
        let requests = Rc::clone(&requests);
        use_effect_with((), move |()| {
            locate(&answer, &requests, MAXIMUM_AGE_MS);
        });
    }
    PositionHandle { answer, requests }
}
