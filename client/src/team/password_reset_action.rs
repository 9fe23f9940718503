//! An admin's "Reset password" action on a colleague's row in the people section: it makes a
//! one-time password reset link for them and shows it, with a copy button, to pass on (like an
//! invitation's link). Making a new link cancels the person's earlier unused ones.

use shared::ids::UserId;
use yew::prelude::*;

use crate::hooks::{use_i18n, use_sync};
use crate::i18n::format;
use crate::sign_in::password_reset_link;
use crate::state::problem::Problem;
use crate::sync::api::PasswordReset;

/// Props of [`PasswordResetAction`].
#[derive(Properties, PartialEq)]
pub(super) struct PasswordResetActionProps {
    /// The person whose password the link resets.
    pub(super) person: UserId,
    /// Their name, as the link's message says it.
    pub(super) name: AttrValue,
}

/// The button, then the link made (or why none was).
#[component]
pub(super) fn PasswordResetAction(props: &PasswordResetActionProps) -> Html {
    let i18n = use_i18n();
    let sync = use_sync();
    let busy = use_state(|| false);
    let outcome = use_state(|| None::<Result<PasswordReset, Problem>>);
    let copied = use_state(|| None::<Result<(), Problem>>);
    let on_reset = {
        let (busy, outcome, copied) = (busy.clone(), outcome.clone(), copied.clone());
        let person = props.person;
        Callback::from(move |_: MouseEvent| {
            let Some(sync) = sync.clone() else {
                return;
            };
            busy.set(true);
            copied.set(None);
            let (busy, outcome) = (busy.clone(), outcome.clone());
            wasm_bindgen_futures::spawn_local(async move {
                outcome.set(Some(sync.create_password_reset(person).await));
                busy.set(false);
            });
        })
    };
    let made = match &*outcome {
        None => html! {},
        Some(Err(problem)) => html! {
            <p class="form-error password-reset-error" role="alert">{ i18n.t(&problem.id) }</p>
        },
        Some(Ok(reset)) => {
            let link = password_reset_link(&reset.token);
            let until = format::date_time(i18n.language(), reset.expires_at);
            let on_copy = {
                let (copied, link) = (copied.clone(), link.clone());
                Callback::from(move |_: MouseEvent| {
                    let (copied, link) = (copied.clone(), link.clone());
                    wasm_bindgen_futures::spawn_local(async move {
                        copied.set(Some(copy_text(&link).await));
                    });
                })
            };
            html! {
                <p class="password-reset-made" role="status">
                    { i18n.t_with("people-reset-made", &[
                        ("name", props.name.as_str().into()),
                        ("when", until.as_str().into()),
                    ]) }
                    <input class="invitation-link password-reset-link" readonly=true value={link} />
                    <button type="button" class="button copy-reset-link" onclick={on_copy}>
                        { if matches!(&*copied, Some(Ok(()))) { i18n.t("people-reset-copied") } else { i18n.t("people-reset-copy") } }
                    </button>
                    if let Some(Err(problem)) = &*copied {
                        <span class="form-error" role="alert">{ i18n.t(&problem.id) }</span>
                    }
                </p>
            }
        }
    };
    html! {
        <>
            <button type="button" class="button reset-password" onclick={on_reset} disabled={*busy}>
                { i18n.t("people-reset-password") }
            </button>
            { made }
        </>
    }
}

/// Puts `text` on the clipboard.
async fn copy_text(text: &str) -> Result<(), Problem> {
    let refused = || Problem::new("problem-copy-failed");
    let clipboard = web_sys::window()
        .ok_or_else(refused)?
        .navigator()
        .clipboard();
    wasm_bindgen_futures::JsFuture::from(clipboard.write_text(text))
        .await
        .map(|_written| ())
        .map_err(|error| Problem::with_detail("problem-copy-failed", format!("{error:?}")))
}
