//! One-time links: an invitation (`/#invitation=<code>`) or a password reset
//! (`/#password-reset=<token>`) carries its code in the address's fragment, so it never reaches a
//! server log; once spent, the code is taken out of the address.

/// Where an invitation link carries its code.
const INVITATION_KEY: &str = "#invitation=";

/// Where a password reset link carries its token.
const PASSWORD_RESET_KEY: &str = "#password-reset=";

/// The invitation code of the page's address, when it is an invitation link.
pub fn invitation_code() -> Option<String> {
    fragment_code(INVITATION_KEY)
}

/// The link that opens the invitation `code` on this app's origin.
pub fn invitation_link(code: &str) -> String {
    link_to(INVITATION_KEY, code)
}

/// The password reset token of the page's address, when it is a password reset link.
pub fn password_reset_token() -> Option<String> {
    fragment_code(PASSWORD_RESET_KEY)
}

/// The link that opens the password reset `token` on this app's origin.
pub fn password_reset_link(token: &str) -> String {
    link_to(PASSWORD_RESET_KEY, token)
}

/// Replaces the address with the app's root, leaving no code in the history.
pub(super) fn forget_code() {
    if let Some(history) = web_sys::window().and_then(|window| window.history().ok()) {
        let _unchanged =
            history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some("/"));
    }
}

/// The code after `key` in the page's address fragment, if the fragment starts with it.
fn fragment_code(key: &str) -> Option<String> {
    let hash = web_sys::window()?.location().hash().ok()?;
    let code = hash.strip_prefix(key)?;
    let code = js_sys::decode_uri_component(code).ok()?.as_string()?;
    (!code.is_empty()).then_some(code)
}

/// The link on this app's origin whose fragment carries `code` after `key`.
fn link_to(key: &str, code: &str) -> String {
    let origin = web_sys::window()
        .and_then(|window| window.location().origin().ok())
        .unwrap_or_default();
    let code: String = js_sys::encode_uri_component(code).into();
    format!("{origin}/{key}{code}")
}
