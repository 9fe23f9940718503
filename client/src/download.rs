//! Handing a file the app made to the rep: a `Blob`, an object URL and a temporary
//! `<a download>` clicked once. Works offline (nothing leaves the device). It must not build
//! the file's content: callers pass finished bytes.

use gloo::file::{Blob, ObjectUrl};
use wasm_bindgen::JsCast;
use web_sys::HtmlAnchorElement;

/// How long the object URL outlives the click: the browser reads the blob after the click
/// returns, so revoking at once could cancel the download.
const REVOKE_AFTER_MS: u32 = 60_000;

/// Why a download could not be offered.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("the file could not be offered for download")]
pub struct DownloadError;

/// Offers `bytes` as a file called `file_name` of type `mime`.
pub fn offer(bytes: &[u8], mime: &str, file_name: &str) -> Result<(), DownloadError> {
    let document = web_sys::window()
        .and_then(|window| window.document())
        .ok_or(DownloadError)?;
    let body = document.body().ok_or(DownloadError)?;
    let url = ObjectUrl::from(Blob::new_with_options(bytes, Some(mime)));
    let anchor: HtmlAnchorElement = document
        .create_element("a")
        .map_err(|_| DownloadError)?
        .dyn_into()
        .map_err(|_| DownloadError)?;
    anchor.set_href(&url);
    anchor.set_download(file_name);
    anchor.set_hidden(true);
    body.append_child(&anchor).map_err(|_| DownloadError)?;
    anchor.click();
    anchor.remove();
    gloo::timers::callback::Timeout::new(REVOKE_AFTER_MS, move || drop(url)).forget();
    Ok(())
}

/// Today's date as `YYYY-MM-DD` on the device's clock, for file names.
pub fn today() -> String {
    let now = js_sys::Date::new_0();
    format!(
        "{:04}-{:02}-{:02}",
        now.get_full_year(),
        now.get_month() + 1,
        now.get_date()
    )
}
