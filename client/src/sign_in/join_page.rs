//! The page an invitation link opens (`/#invitation=<code>`, read by `sign_in::link`): the
//! invited person chooses their name and password, and this device is signed in as them and
//! downloads the workspace.

use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::hooks::{use_i18n, use_sync};
use crate::sign_in::link::forget_code;
use crate::state::problem::Problem;

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
