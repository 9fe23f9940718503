//! The page a password reset link opens (`/#password-reset=<token>`, read by `sign_in::link`):
//! the person chooses a new password, and this device is signed in as them and downloads the
//! workspace, as after signing in.

use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::hooks::{use_i18n, use_sync};
use crate::sign_in::link::forget_code;
use crate::state::problem::Problem;

/// Props of [`ResetPasswordPage`].
#[derive(Properties, PartialEq)]
pub struct ResetPasswordPageProps {
    /// The link's one-time token.
    pub token: AttrValue,
}

/// The page choosing a new password.
#[component]
pub fn ResetPasswordPage(props: &ResetPasswordPageProps) -> Html {
    let sync = use_sync();
    let i18n = use_i18n();
    let busy = use_state(|| false);
    let error = use_state(|| None::<Problem>);
    let password = use_node_ref();
    let onsubmit = {
        let (busy, error, password) = (busy.clone(), error.clone(), password.clone());
        let token = props.token.clone();
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let (Some(sync), Some(password)) = (sync.clone(), password.cast::<HtmlInputElement>())
            else {
                return;
            };
            busy.set(true);
            error.set(None);
            let (busy, error, token) = (busy.clone(), error.clone(), token.clone());
            let password = password.value();
            wasm_bindgen_futures::spawn_local(async move {
                match sync.reset_password(&token, &password).await {
                    // The link is spent: the address loses its token.
                    Ok(()) => forget_code(),
                    Err(problem) => error.set(Some(problem)),
                }
                busy.set(false);
            });
        })
    };
    html! {
        <section class="page sign-in" aria-labelledby="reset-title">
            <h1 id="reset-title">{ i18n.t("reset-title") }</h1>
            <p class="lead">{ i18n.t("reset-lead") }</p>
            <form class="sign-in-form" {onsubmit} aria-label={i18n.t("reset-submit")}>
                <label class="field">
                    <span class="field-label">{ i18n.t("reset-password") }</span>
                    <input id="reset-password" ref={password} type="password" autocomplete="new-password"
                        required=true minlength="8" />
                </label>
                if let Some(problem) = &*error {
                    <p id="reset-error" class="form-error" role="alert">{ i18n.t(&problem.id) }</p>
                }
                <button id="reset" type="submit" class="button primary" disabled={*busy}>
                    { if *busy { i18n.t("sign-in-busy") } else { i18n.t("reset-submit") } }
                </button>
            </form>
        </section>
    }
}
