//! The settings page's territories section, for admins: each territory's name, départements and
//! postcode prefixes edited in place (written when the admin presses Enter or leaves the
//! field), a new territory by its name, and removal after a confirmation. New accounts are
//! placed by postcode when they are created or imported; editing a territory moves no account
//! until the admin realigns (the relay then moves every account to its postcode's territory,
//! once the edits have reached it).

use shared::settings::Territory;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::territory_input::{self, TerritoryInputError};
use crate::hooks::{use_i18n, use_sync, I18n};
use crate::records::EditableField;
use crate::settings::{use_territories, TerritoriesHandle};
use crate::team::use_people;

/// The territories section (shown to admins only: the relay lets no one else change settings).
#[component]
pub fn TerritoriesSection() -> Html {
    let i18n = use_i18n();
    let territories = use_territories();
    let confirming = use_state(|| None::<String>);
    let people = use_people();
    let sync = use_sync();
    if !super::signed_in_admin(sync.as_ref(), &people) {
        return html! {};
    }
    let listed = territories.listed();
    let on_confirm = {
        let confirming = confirming.clone();
        Callback::from(move |key: String| confirming.set(Some(key)))
    };
    let on_cancel = {
        let confirming = confirming.clone();
        Callback::from(move |()| confirming.set(None))
    };
    html! {
        <section id="territories" class="card" aria-labelledby="territories-section">
            <h2 id="territories-section">{ i18n.t("territories-title") }</h2>
            <p class="muted">{ i18n.t("territories-rule") }</p>
            if listed.is_empty() {
                <p id="territories-empty" class="muted">{ i18n.t("territories-empty") }</p>
            }
            <ul class="territory-list">
                { for listed.into_iter().map(|(key, territory)| html! {
                    <TerritoryRow key={key.clone()} territory_key={AttrValue::from(key.clone())}
                        {territory} territories={territories.clone()}
                        confirming={confirming.as_deref() == Some(key.as_str())}
                        on_confirm={on_confirm.clone()} on_cancel={on_cancel.clone()} />
                }) }
            </ul>
            <NewTerritory territories={territories.clone()} />
            <RealignAction />
            if let Some(problem) = territories.problem() {
                <p id="territories-error" class="form-error" role="alert">{ i18n.t(&problem.id) }</p>
            }
        </section>
    }
}

/// "Move the accounts to their territories": the relay realigns every account with the map as
/// it holds it, so the button waits until this device's edits have reached it.
#[component]
fn RealignAction() -> Html {
    let i18n = use_i18n();
    let sync = use_sync();
    let outcome = use_state(|| None::<Result<usize, crate::state::problem::Problem>>);
    let busy = use_state(|| false);
    let pending = sync.as_ref().map_or(0, |sync| sync.status().pending);
    let on_click = {
        let (outcome, busy) = (outcome.clone(), busy.clone());
        Callback::from(move |_: MouseEvent| {
            let Some(sync) = sync.clone() else {
                return;
            };
            let (outcome, busy) = (outcome.clone(), busy.clone());
            busy.set(true);
            wasm_bindgen_futures::spawn_local(async move {
                outcome.set(Some(sync.realign_territories().await));
                busy.set(false);
            });
        })
    };
    html! {
        <div class="realign">
            <button type="button" id="realign-territories" class="button"
                disabled={*busy || pending > 0} onclick={on_click}>
                { i18n.t("territories-realign") }
            </button>
            if pending > 0 {
                <p class="muted" id="realign-waiting">{ i18n.t("territories-realign-waiting") }</p>
            }
            { match &*outcome {
                Some(Ok(moved)) => html! {
                    <p class="muted" id="territories-realigned" role="status">
                        { i18n.t_with("territories-realigned", &[("count", (*moved).into())]) }
                    </p>
                },
                Some(Err(problem)) => html! {
                    <p class="form-error" id="realign-problem" role="alert">{ i18n.t(&problem.id) }</p>
                },
                None => html! {},
            } }
        </div>
    }
}

/// Props of [`TerritoryRow`].
#[derive(Properties, PartialEq)]
struct TerritoryRowProps {
    /// The territory's key.
    territory_key: AttrValue,
    /// The territory as stored.
    territory: Territory,
    /// How to change it.
    territories: TerritoriesHandle,
    /// Whether "remove" waits for its confirmation.
    confirming: bool,
    /// "Remove" was pressed: ask to confirm.
    on_confirm: Callback<String>,
    /// The confirmation was dismissed.
    on_cancel: Callback<()>,
}

/// One territory, edited in place.
#[component]
fn TerritoryRow(props: &TerritoryRowProps) -> Html {
    let i18n = use_i18n();
    let key = props.territory_key.to_string();
    let field_id = |part: &str| AttrValue::from(format!("territory-{key}-{part}"));
    let on_name = {
        let (territories, key, i18n) = (props.territories.clone(), key.clone(), i18n.clone());
        Callback::from(move |text: String| {
            let name = text.trim().to_owned();
            if name.is_empty() {
                return Some(refusal(&i18n, &TerritoryInputError::NameMissing));
            }
            let key = key.clone();
            territories.change("rename territory", move |all| {
                if let Some(territory) = all.get_mut(&key) {
                    territory.name = name;
                }
            });
            None
        })
    };
    let on_departements = {
        let (territories, key, i18n) = (props.territories.clone(), key.clone(), i18n.clone());
        Callback::from(
            move |text: String| match territory_input::departements(&text) {
                Ok(departements) => {
                    let key = key.clone();
                    territories.change("change territory départements", move |all| {
                        if let Some(territory) = all.get_mut(&key) {
                            territory.departements = departements;
                        }
                    });
                    None
                }
                Err(error) => Some(refusal(&i18n, &error)),
            },
        )
    };
    let on_prefixes = {
        let (territories, key, i18n) = (props.territories.clone(), key.clone(), i18n.clone());
        Callback::from(
            move |text: String| match territory_input::postcode_prefixes(&text) {
                Ok(prefixes) => {
                    let key = key.clone();
                    territories.change("change territory postcodes", move |all| {
                        if let Some(territory) = all.get_mut(&key) {
                            territory.postcode_prefixes = prefixes;
                        }
                    });
                    None
                }
                Err(error) => Some(refusal(&i18n, &error)),
            },
        )
    };
    let on_remove = {
        let (on_confirm, key) = (props.on_confirm.clone(), key.clone());
        Callback::from(move |_: MouseEvent| on_confirm.emit(key.clone()))
    };
    let on_confirmed = {
        let (territories, key) = (props.territories.clone(), key.clone());
        Callback::from(move |_: MouseEvent| {
            let key = key.clone();
            territories.change("remove territory", move |all| {
                all.remove(&key);
            })
        })
    };
    let on_cancel = props.on_cancel.reform(|_: MouseEvent| ());
    let territory = &props.territory;
    html! {
        <li class="territory" data-key={props.territory_key.clone()}>
            <EditableField id={field_id("name")} class="territory-name" label={i18n.t("territories-name")}
                value={AttrValue::from(territory.name.clone())} on_commit_only=true on_input={on_name} />
            <div class="field-row">
                <EditableField id={field_id("departements")} class="territory-departements"
                    label={i18n.t("territories-departements")}
                    value={AttrValue::from(territory_input::list_text(&territory.departements))}
                    placeholder={AttrValue::from(i18n.t("territories-departements-hint"))}
                    on_commit_only=true on_input={on_departements} />
                <EditableField id={field_id("prefixes")} class="territory-prefixes"
                    label={i18n.t("territories-prefixes")}
                    value={AttrValue::from(territory_input::list_text(&territory.postcode_prefixes))}
                    placeholder={AttrValue::from(i18n.t("territories-prefixes-hint"))}
                    on_commit_only=true on_input={on_prefixes} />
            </div>
            if props.confirming {
                <span class="territory-confirm" role="alert">
                    { i18n.t("territories-remove-confirm") }
                    <button type="button" class="button danger confirm-remove-territory" onclick={on_confirmed}>
                        { i18n.t("territories-remove") }
                    </button>
                    <button type="button" class="button" onclick={on_cancel}>{ i18n.t("territories-keep") }</button>
                </span>
            } else {
                <button type="button" class="button remove-territory" onclick={on_remove}>
                    { i18n.t("territories-remove") }
                </button>
            }
        </li>
    }
}

/// Props of [`NewTerritory`].
#[derive(Properties, PartialEq)]
struct NewTerritoryProps {
    /// Where it is added.
    territories: TerritoriesHandle,
}

/// A new territory by its name (its key is made from it).
#[component]
fn NewTerritory(props: &NewTerritoryProps) -> Html {
    let i18n = use_i18n();
    let name_input = use_node_ref();
    let refused = use_state(|| None::<String>);
    let onsubmit = {
        let (territories, name_input, refused, i18n) = (
            props.territories.clone(),
            name_input.clone(),
            refused.clone(),
            i18n.clone(),
        );
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let Some(input) = name_input.cast::<HtmlInputElement>() else {
                return;
            };
            let name = input.value().trim().to_owned();
            match territory_input::new_key(&name, |key| territories.has(key)) {
                Ok(key) => {
                    territories.change("add territory", move |all| {
                        all.entry(key).or_insert_with(|| Territory::named(&name));
                    });
                    input.set_value("");
                    refused.set(None);
                }
                Err(error) => refused.set(Some(refusal(&i18n, &error).to_string())),
            }
        })
    };
    html! {
        <form id="territory-add" class="territory-add" {onsubmit}>
            <label class="field">
                <span class="field-label">{ i18n.t("territories-new") }</span>
                <input ref={name_input} id="new-territory-name" type="text"
                    placeholder={i18n.t("territories-new-hint")} disabled={!props.territories.ready()} />
            </label>
            <button id="add-territory" type="submit" class="button" disabled={!props.territories.ready()}>
                { i18n.t("territories-add") }
            </button>
            if let Some(message) = &*refused {
                <p id="new-territory-error" class="form-error" role="alert">{ message.clone() }</p>
            }
        </form>
    }
}

/// What `error` says, in the catalogue's words.
fn refusal(i18n: &I18n, error: &TerritoryInputError) -> AttrValue {
    AttrValue::from(i18n.t_with(error.message_id(), &[("code", error.typed().into())]))
}
