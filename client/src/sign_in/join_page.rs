//! The page an invitation link opens (`/#invitation=<code>`; the code stays in the fragment, so
//! it never reaches a server log): the invited person chooses their name and password, and this
//! device is signed in as them and downloads the workspace.

use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::hooks::{use_i18n, use_sync};
use crate::state::problem::Problem;

/// Where an invitation link carries its code.
const FRAGMENT_KEY: &str = "#invitation=";

/// The invitation code of the page's address, when it is an invitation link.
pub fn invitation_code() -> Option<String> {
    let hash = web_sys::window()?.location().hash().ok()?;
    let code = hash.strip_prefix(FRAGMENT_KEY)?;
    let code = js_sys::decode_uri_component(code).ok()?.as_string()?;
    (!code.is_empty()).then_some(code)
}

/// The link that opens the invitation `code` on this app's origin.
pub fn invitation_link(code: &str) -> String {
    let origin = web_sys::window()
        .and_then(|window| window.location().origin().ok())
        .unwrap_or_default();
    let code: String = js_sys::encode_uri_component(code).into();
    format!("{origin}/{FRAGMENT_KEY}{code}")
}

/// Props of [`JoinPage`].
#[derive(Properties, PartialEq)]
pub struct JoinPageProps {
    /// The invitation's code.
    pub code: AttrValue,
}

/// The join page.
#[component]
pub fn JoinPage(props: &JoinPageProps) -> Html {
    let sync = use_sync();
    let i18n = use_i18n();
    let busy = use_state(|| false);
    let error = use_state(|| None::<Problem>);
    let name = use_node_ref();
    let password = use_node_ref();
    let onsubmit = {
        let (busy, error, name, password) =
            (busy.clone(), error.clone(), name.clone(), password.clone());
        let code = props.code.clone();
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let (Some(sync), Some(name), Some(password)) = (
                sync.clone(),
                name.cast::<HtmlInputElement>(),
                password.cast::<HtmlInputElement>(),
            ) else {
                return;
            };
            busy.set(true);
            error.set(None);
            let (busy, error, code) = (busy.clone(), error.clone(), code.clone());
            let (name, password) = (name.value().trim().to_owned(), password.value());
            wasm_bindgen_futures::spawn_local(async move {
                match sync.join(&code, &name, &password).await {
                    // The link is spent: the address loses its code.
                    Ok(()) => forget_code(),
                    Err(problem) => error.set(Some(problem)),
                }
                busy.set(false);
            });
        })
    };
    html! {
        <section class="page sign-in" aria-labelledby="join-title">
            <h1 id="join-title">{ i18n.t("join-title") }</h1>
            <p class="lead">{ i18n.t("join-lead") }</p>
            <form class="sign-in-form" {onsubmit} aria-label={i18n.t("join-submit")}>
                <label class="field">
                    <span class="field-label">{ i18n.t("join-name") }</span>
                    <input id="join-name" ref={name} type="text" autocomplete="name" required=true maxlength="100" />
                </label>
                <label class="field">
                    <span class="field-label">{ i18n.t("join-password") }</span>
                    <input id="join-password" ref={password} type="password" autocomplete="new-password"
                        required=true minlength="8" />
                </label>
                if let Some(problem) = &*error {
                    <p id="join-error" class="form-error" role="alert">{ i18n.t(&problem.id) }</p>
                }
                <button id="join" type="submit" class="button primary" disabled={*busy}>
                    { if *busy { i18n.t("sign-in-busy") } else { i18n.t("join-submit") } }
                </button>
            </form>
        </section>
    }
}

/// Replaces the address with the app's root, leaving no code in the history.
fn forget_code() {
    if let Some(history) = web_sys::window().and_then(|window| window.history().ok()) {
        let _unchanged =
            history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some("/"));
    }
}
