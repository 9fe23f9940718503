//! `navigator.storage.persist()`: asking the browser not to evict the rep's data.

use serde::{Deserialize, Serialize};
use wasm_bindgen_futures::JsFuture;

/// The browser's answer to the persistence request, kept for the settings screen.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Persistence {
    /// Whether the browser promised not to evict this origin's data.
    pub granted: bool,
    /// When the answer was received (milliseconds since the Unix epoch).
    pub asked_at_ms: f64,
}

/// Asks the browser; a browser without the API (or one that throws) counts as "not granted".
pub(super) async fn request() -> Persistence {
    let granted = match web_sys::window().map(|window| window.navigator().storage()) {
        Some(manager) => match manager.persist() {
            Ok(promise) => JsFuture::from(promise)
                .await
                .ok()
                .and_then(|value| value.as_bool())
                .unwrap_or(false),
            Err(_) => false,
        },
        None => false,
    };
    Persistence {
        granted,
        asked_at_ms: js_sys::Date::now(),
    }
}

/// How much storage this origin uses and may use, as `navigator.storage.estimate()` says.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Estimate {
    /// Bytes used.
    pub usage: f64,
    /// Bytes this origin may use before writes fail with a quota error.
    pub quota: f64,
}

/// The browser's estimate; `None` where the API is missing or fails.
pub(super) async fn estimate() -> Option<Estimate> {
    let manager = web_sys::window()?.navigator().storage();
    let answer = JsFuture::from(manager.estimate().ok()?).await.ok()?;
    let number = |key: &str| {
        js_sys::Reflect::get(&answer, &key.into())
            .ok()
            .and_then(|value| value.as_f64())
    };
    Some(Estimate {
        usage: number("usage")?,
        quota: number("quota")?,
    })
}
