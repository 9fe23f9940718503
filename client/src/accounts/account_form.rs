//! The "new account" form: a name, a city and a postcode (which places the account in its
//! territory), submitted with Enter or the button.

use shared::account::AccountDraft;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::hooks::use_i18n;

/// Props of [`AccountForm`].
#[derive(Properties, PartialEq)]
pub struct AccountFormProps {
    /// Called with the typed draft; the form clears itself afterwards.
    pub on_create: Callback<AccountDraft>,
    /// Whether the form can be used (storage ready).
    #[prop_or(true)]
    pub enabled: bool,
}

/// A three-field form that creates an account.
#[component]
pub fn AccountForm(props: &AccountFormProps) -> Html {
    // Inputs are read on submit rather than mirrored into state on every keystroke.
    let name_input = use_node_ref();
    let city_input = use_node_ref();
    let postcode_input = use_node_ref();
    let onsubmit = {
        let on_create = props.on_create.clone();
        let name_input = name_input.clone();
        let city_input = city_input.clone();
        let postcode_input = postcode_input.clone();
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let (Some(name), Some(city), Some(postcode)) = (
                name_input.cast::<HtmlInputElement>(),
                city_input.cast::<HtmlInputElement>(),
                postcode_input.cast::<HtmlInputElement>(),
            ) else {
                return;
            };
            if name.value().trim().is_empty() {
                let _focus_failed = name.focus();
                return;
            }
            on_create.emit(AccountDraft {
                name: name.value(),
                city: city.value(),
                postcode: postcode.value(),
            });
            name.set_value("");
            city.set_value("");
            postcode.set_value("");
            let _focus_failed = name.focus();
        })
    };
    let i18n = use_i18n();
    html! {
        <form class="account-form" {onsubmit} aria-label={i18n.t("account-new")}>
            <label class="field">
                <span class="field-label">{ i18n.t("account-name") }</span>
                <input ref={name_input} id="account-name" name="name" type="text"
                    autocomplete="organization" required=true placeholder={i18n.t("account-name-example")}
                    disabled={!props.enabled} />
            </label>
            <label class="field">
                <span class="field-label">{ i18n.t("account-city") }</span>
                <input ref={city_input} id="account-city" name="city" type="text"
                    autocomplete="address-level2" placeholder={i18n.t("account-city-example")} disabled={!props.enabled} />
            </label>
            <label class="field postcode">
                <span class="field-label">{ i18n.t("account-postcode") }</span>
                <input ref={postcode_input} id="account-postcode" name="postcode" type="text"
                    inputmode="numeric" autocomplete="postal-code" maxlength="6"
                    placeholder={i18n.t("account-postcode-example")} disabled={!props.enabled} />
            </label>
            <button id="create-account" type="submit" class="button primary" disabled={!props.enabled}>
                { i18n.t("account-add") }
            </button>
        </form>
    }
}
