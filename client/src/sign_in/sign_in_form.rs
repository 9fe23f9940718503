//! The sign-in form: e-mail address and password, with the reason of a refusal.

use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::hooks::use_i18n;

/// What the rep typed to sign in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Credentials {
    /// The e-mail address.
    pub email: String,
    /// The password.
    pub password: String,
}

/// Props of [`SignInForm`].
#[derive(Properties, PartialEq)]
pub struct SignInFormProps {
    /// Called with the credentials.
    pub on_sign_in: Callback<Credentials>,
    /// Whether a sign-in is under way.
    pub busy: bool,
    /// Why the last attempt failed.
    #[prop_or_default]
    pub error: Option<AttrValue>,
}

/// Two fields and a button.
#[component]
pub fn SignInForm(props: &SignInFormProps) -> Html {
    let email = use_node_ref();
    let password = use_node_ref();
    let onsubmit = {
        let on_sign_in = props.on_sign_in.clone();
        let email = email.clone();
        let password = password.clone();
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let (Some(email), Some(password)) = (
                email.cast::<HtmlInputElement>(),
                password.cast::<HtmlInputElement>(),
            ) else {
                return;
            };
            on_sign_in.emit(Credentials {
                email: email.value().trim().to_owned(),
                password: password.value(),
            });
        })
    };
    let i18n = use_i18n();
    html! {
        <form class="sign-in-form" {onsubmit} aria-label={i18n.t("sign-in-submit")}>
            <label class="field">
                <span class="field-label">{ i18n.t("sign-in-email") }</span>
                <input id="sign-in-email" ref={email} type="email" autocomplete="username" required=true />
            </label>
            <label class="field">
                <span class="field-label">{ i18n.t("sign-in-password") }</span>
                <input id="sign-in-password" ref={password} type="password" autocomplete="current-password" required=true />
            </label>
            if let Some(error) = &props.error {
                <p id="sign-in-error" class="form-error" role="alert">{ error.clone() }</p>
            }
            <button id="sign-in" type="submit" class="button primary" disabled={props.busy}>
                { if props.busy { i18n.t("sign-in-busy") } else { i18n.t("sign-in-submit") } }
            </button>
        </form>
    }
}
