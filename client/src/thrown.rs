//! What a browser call threw, in the browser's own words, for the errors that carry them.
//!
//! It only describes; it must not classify (each module's error decides what a failure means).

use wasm_bindgen::{JsCast, JsValue};
use web_sys::DomException;

/// A `DOMException`'s name and message, or else the thrown value's text.
pub(crate) fn describe(value: &JsValue) -> String {
    match value.dyn_ref::<DomException>() {
        Some(exception) => format!("{}: {}", exception.name(), exception.message()),
        None => value.as_string().unwrap_or_else(|| format!("{value:?}")),
    }
}
