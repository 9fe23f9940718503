//! An admin's form for one person's role and territories, inside the people section. Saving
//! sends both to the relay, which re-scopes that person's devices at once (records that left
//! their reach are purged there, records that entered it are sent whole).

use std::collections::BTreeSet;

use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::hooks::{use_i18n, use_sync, I18n};
use crate::records::use_workspace_settings;
use crate::state::problem::Problem;
use crate::team::people::Person;

/// The roles an admin may give, in the order offered.
pub(super) const ROLES: [&str; 3] = ["rep", "manager", "admin"];

/// A role's label.
pub(super) fn role_label(i18n: &I18n, role: &str) -> String {
    match role {
        "admin" => i18n.t("people-role-admin"),
        "manager" => i18n.t("people-role-manager"),
        "rep" => i18n.t("people-role-rep"),
        other => i18n.t_with("people-role-other", &[("role", other.into())]),
    }
}

/// The territories to offer, as (key, name): the workspace settings' own, in their order,
/// then any `held` key the settings do not define (so saving never drops one silently).
#[hook]
pub(super) fn use_territory_choices(held: &[String]) -> Vec<(String, String)> {
    let settings = use_workspace_settings();
    let mut choices: Vec<(String, String)> = settings
        .as_ref()
        .map(|settings| {
            settings
                .territories
                .iter()
                .map(|(key, territory)| (key.clone(), territory.name.clone()))
                .collect()
        })
        .unwrap_or_default();
    for key in held {
        if !choices.iter().any(|(known, _)| known == key) {
            choices.push((key.clone(), key.clone()));
        }
    }
    choices
}

/// Props of [`AccessForm`].
#[derive(Properties, PartialEq)]
pub(super) struct AccessFormProps {
    /// The person whose access changes.
    pub(super) person: Person,
    /// Whether the person is the admin using the form (who keeps their role).
    pub(super) yourself: bool,
    /// Called when the form closes: `true` once saved.
    pub(super) on_done: Callback<bool>,
}

/// The role select and territory checkboxes, with save and cancel.
#[component]
pub(super) fn AccessForm(props: &AccessFormProps) -> Html {
    let i18n = use_i18n();
    let sync = use_sync();
    let role = use_state(|| props.person.role.clone());
    let chosen = use_state(|| {
        props
            .person
            .territories
            .iter()
            .cloned()
            .collect::<BTreeSet<String>>()
    });
    let problem = use_state(|| None::<Problem>);
    let saving = use_state(|| false);
    let choices = use_territory_choices(&props.person.territories);
    let on_role = {
        let role = role.clone();
        Callback::from(move |event: Event| {
            if let Some(select) = event.target_dyn_into::<HtmlSelectElement>() {
                role.set(select.value());
            }
        })
    };
    let on_territory = {
        let chosen = chosen.clone();
        Callback::from(move |event: Event| {
            if let Some(input) = event.target_dyn_into::<HtmlInputElement>() {
                let mut next = (*chosen).clone();
                if input.checked() {
                    next.insert(input.value());
                } else {
                    next.remove(&input.value());
                }
                chosen.set(next);
            }
        })
    };
    let on_submit = {
        let (role, chosen, problem, saving) = (
            role.clone(),
            chosen.clone(),
            problem.clone(),
            saving.clone(),
        );
        let (id, on_done) = (props.person.id, props.on_done.clone());
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let Some(sync) = sync.clone() else {
                return;
            };
            let role = (*role).clone();
            let territories: Vec<String> = chosen.iter().cloned().collect();
            let (problem, saving, on_done) = (problem.clone(), saving.clone(), on_done.clone());
            saving.set(true);
            wasm_bindgen_futures::spawn_local(async move {
                match sync.set_access(id, &role, &territories).await {
                    Ok(()) => on_done.emit(true),
                    Err(failed) => {
                        problem.set(Some(failed));
                        saving.set(false);
                    }
                }
            });
        })
    };
    let on_cancel = props.on_done.reform(|_: MouseEvent| false);
    html! {
        <form class="access-form" onsubmit={on_submit}>
            <label>
                { i18n.t("people-access-role") }
                <select class="access-role" disabled={props.yourself} onchange={on_role}>
                    { for ROLES.iter().map(|option| html! {
                        <option value={*option} selected={*role == *option}>
                            { role_label(&i18n, option) }
                        </option>
                    }) }
                </select>
            </label>
            <fieldset class="access-territories">
                <legend>{ i18n.t("people-access-territories") }</legend>
                if choices.is_empty() {
                    <p class="muted">{ i18n.t("people-access-no-territories") }</p>
                }
                { for choices.iter().map(|(key, name)| html! {
                    <label class="check" key={key.clone()}>
                        <input type="checkbox" value={key.clone()} data-territory={key.clone()}
                            checked={chosen.contains(key)} onchange={on_territory.clone()} />
                        { name }
                    </label>
                }) }
            </fieldset>
            if let Some(problem) = &*problem {
                <p class="field-error access-problem" role="alert">{ i18n.t(&problem.id) }</p>
            }
            <div class="form-actions">
                <button type="submit" class="button primary save-access" disabled={*saving}>
                    { i18n.t("people-access-save") }
                </button>
                <button type="button" class="button cancel-access" onclick={on_cancel}>
                    { i18n.t("people-cancel") }
                </button>
            </div>
        </form>
    }
}
