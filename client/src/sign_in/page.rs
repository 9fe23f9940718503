//! The sign-in screen: the first thing a new device shows. After it, the device downloads the
//! workspace and works offline from then on.

use yew::prelude::*;

use crate::hooks::{use_i18n, use_sync};
use crate::sign_in::{Credentials, SignInForm};
use crate::state::problem::Problem;

/// The sign-in page.
#[component]
pub fn SignInPage() -> Html {
    let sync = use_sync();
    let i18n = use_i18n();
    let busy = use_state(|| false);
    let error = use_state(|| None::<Problem>);
    let on_sign_in = {
        let busy = busy.clone();
        let error = error.clone();
        Callback::from(move |credentials: Credentials| {
            let Some(sync) = sync.clone() else {
                return;
            };
            busy.set(true);
            error.set(None);
            let busy = busy.clone();
            let error = error.clone();
            wasm_bindgen_futures::spawn_local(async move {
                if let Err(problem) = sync
                    .sign_in(&credentials.email, &credentials.password)
                    .await
                {
                    error.set(Some(problem));
                }
                busy.set(false);
            });
        })
    };
    html! {
        <section class="page sign-in" aria-labelledby="sign-in-title">
            <h1 id="sign-in-title">{ i18n.t("sign-in-title") }</h1>
            <p class="lead">{ i18n.t("sign-in-lead") }</p>
            <SignInForm {on_sign_in} busy={*busy} error={(*error).as_ref().map(|problem| AttrValue::from(i18n.t(&problem.id)))} />
        </section>
    }
}
