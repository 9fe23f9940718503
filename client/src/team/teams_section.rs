//! The settings page's teams: each team's managers, members and territories, read by everyone
//! and written by admins (a new team, or one replaced whole). The relay re-scopes the devices
//! of everyone concerned as soon as a team changes.

use std::collections::BTreeSet;

use shared::ids::UserId;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::hooks::{use_i18n, use_sync, I18n};
use crate::state::problem::Problem;
use crate::sync::api::Team;
use crate::team::access_form::use_territory_choices;
use crate::team::people::Person;

/// Props of [`TeamsSection`].
#[derive(Properties, PartialEq)]
pub(super) struct TeamsSectionProps {
    /// The workspace's people (to name and to choose from).
    pub(super) people: Vec<Person>,
    /// Whether the reader is an admin (who may edit).
    pub(super) admin: bool,
    /// Called after a team was saved (the people's teams changed).
    pub(super) on_saved: Callback<()>,
}

/// The teams, with an editor for admins.
#[component]
pub(super) fn TeamsSection(props: &TeamsSectionProps) -> Html {
    let i18n = use_i18n();
    let sync = use_sync();
    let teams = use_state(|| None::<Result<Vec<Team>, Problem>>);
    let reload = use_state(|| 0_u32);
    // The team being edited: `Some(None)` for a new one.
    let editing = use_state(|| None::<Option<Team>>);
    {
        let teams = teams.clone();
        use_effect_with(*reload, move |_| {
            if let Some(sync) = sync {
                wasm_bindgen_futures::spawn_local(async move {
                    teams.set(Some(sync.teams().await));
                });
            }
        });
    }
    let held: Vec<String> = match &*teams {
        Some(Ok(teams)) => teams
            .iter()
            .flat_map(|team| team.territories.iter().cloned())
            .collect(),
        _ => Vec::new(),
    };
    let territories = use_territory_choices(&held);
    let on_done = {
        let (editing, on_saved) = (editing.clone(), props.on_saved.clone());
        Callback::from(move |saved: bool| {
            editing.set(None);
            if saved {
                reload.set(*reload + 1);
                on_saved.emit(());
            }
        })
    };
    let name_of = |id: &UserId| -> String {
        props
            .people
            .iter()
            .find(|person| person.id == *id)
            .map_or_else(|| id.to_string(), |person| person.name.clone())
    };
    let territory_name = |key: &String| -> String {
        territories
            .iter()
            .find(|(known, _)| known == key)
            .map_or_else(|| key.clone(), |(_, name)| name.clone())
    };
    let list = match &*teams {
        None => html! { <p aria-busy="true">{ i18n.t("people-loading") }</p> },
        Some(Err(problem)) => {
            html! { <p class="muted" id="teams-problem">{ i18n.t(&problem.id) }</p> }
        }
        Some(Ok(listed)) if listed.is_empty() => html! {
            <p class="muted" id="teams-empty">{ i18n.t("teams-empty") }</p>
        },
        Some(Ok(listed)) => html! {
            <ul class="device-list" id="teams">
                { for listed.iter().map(|team| {
                    let leads: Vec<String> = team.leads.iter().map(name_of).collect();
                    let members: Vec<String> = team.members.iter().map(name_of).collect();
                    let covered: Vec<String> = team.territories.iter().map(territory_name).collect();
                    let edit = {
                        let (editing, team) = (editing.clone(), team.clone());
                        Callback::from(move |_: MouseEvent| editing.set(Some(Some(team.clone()))))
                    };
                    html! {
                        <li class="device team" key={team.name.clone()} data-team={team.name.clone()}>
                            <span class="device-text">
                                <span class="device-name">{ &team.name }</span>
                                <span class="muted team-leads">
                                    { i18n.t_with("teams-leads", &[("names", leads.join(", ").as_str().into())]) }
                                </span>
                                <span class="muted team-members">
                                    { i18n.t_with("teams-members", &[("names", members.join(", ").as_str().into())]) }
                                </span>
                                <span class="muted team-territories">
                                    { i18n.t_with("teams-territories", &[("names", covered.join(", ").as_str().into())]) }
                                </span>
                            </span>
                            if props.admin {
                                <button type="button" class="button edit-team" onclick={edit}>
                                    { i18n.t("teams-edit") }
                                </button>
                            }
                        </li>
                    }
                }) }
            </ul>
        },
    };
    let on_new = {
        let editing = editing.clone();
        Callback::from(move |_: MouseEvent| editing.set(Some(None)))
    };
    html! {
        <section class="card" aria-labelledby="teams-section">
            <h2 id="teams-section">{ i18n.t("teams-title") }</h2>
            { list }
            if props.admin {
                if let Some(team) = &*editing {
                    <TeamForm team={team.clone()} people={props.people.clone()}
                        territories={territories.clone()} on_done={on_done} />
                } else {
                    <button type="button" class="button" id="new-team" onclick={on_new}>
                        { i18n.t("teams-new") }
                    </button>
                }
            }
        </section>
    }
}

/// Props of [`TeamForm`].
#[derive(Properties, PartialEq)]
struct TeamFormProps {
    /// The team edited, or `None` for a new one.
    team: Option<Team>,
    /// The people to choose from.
    people: Vec<Person>,
    /// The territories to choose from: (key, name).
    territories: Vec<(String, String)>,
    /// Called when the form closes: `true` once saved.
    on_done: Callback<bool>,
}

/// A team's name, managers, members and territories.
#[component]
fn TeamForm(props: &TeamFormProps) -> Html {
    let i18n = use_i18n();
    let sync = use_sync();
    let existing = props.team.is_some();
    let initial = props.team.clone().unwrap_or_default();
    let name = use_state(|| initial.name.clone());
    let leads = use_state(|| initial.leads.iter().copied().collect::<BTreeSet<UserId>>());
    let members = use_state(|| {
        initial
            .members
            .iter()
            .copied()
            .collect::<BTreeSet<UserId>>()
    });
    let covered = use_state(|| {
        initial
            .territories
            .iter()
            .cloned()
            .collect::<BTreeSet<String>>()
    });
    let problem = use_state(|| None::<Problem>);
    let on_name = {
        let name = name.clone();
        Callback::from(move |event: InputEvent| {
            if let Some(input) = event.target_dyn_into::<HtmlInputElement>() {
                name.set(input.value());
            }
        })
    };
    let on_submit = {
        let (name, leads, members, covered, problem) = (
            name.clone(),
            leads.clone(),
            members.clone(),
            covered.clone(),
            problem.clone(),
        );
        let on_done = props.on_done.clone();
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let Some(sync) = sync.clone() else {
                return;
            };
            let team = Team {
                name: name.trim().to_owned(),
                leads: leads.iter().copied().collect(),
                // A manager of the team is not also listed as a plain member.
                members: members.difference(&leads).copied().collect(),
                territories: covered.iter().cloned().collect(),
            };
            if team.name.is_empty() {
                problem.set(Some(Problem::new("problem-invalid-details")));
                return;
            }
            let (problem, on_done) = (problem.clone(), on_done.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match sync.set_team(&team).await {
                    Ok(()) => on_done.emit(true),
                    Err(failed) => problem.set(Some(failed)),
                }
            });
        })
    };
    let active: Vec<&Person> = props
        .people
        .iter()
        .filter(|person| person.disabled_at.is_none())
        .collect();
    let managers: Vec<&Person> = active
        .iter()
        .copied()
        .filter(|person| person.role == "manager" || person.role == "admin")
        .collect();
    html! {
        <form class="team-form" id="team-form" onsubmit={on_submit}>
            <label>
                { i18n.t("teams-name") }
                <input id="team-name" value={(*name).clone()} readonly={existing}
                    maxlength="80" required=true oninput={on_name} />
            </label>
            { people_checks(&i18n, "teams-form-leads", "team-lead", &managers, &leads) }
            { people_checks(&i18n, "teams-form-members", "team-member", &active, &members) }
            <fieldset class="access-territories">
                <legend>{ i18n.t("teams-form-territories") }</legend>
                if props.territories.is_empty() {
                    <p class="muted">{ i18n.t("people-access-no-territories") }</p>
                }
                { for props.territories.iter().map(|(key, label)| {
                    let covered_now = covered.clone();
                    let toggled = key.clone();
                    let onchange = Callback::from(move |event: Event| {
                        if let Some(input) = event.target_dyn_into::<HtmlInputElement>() {
                            let mut next = (*covered_now).clone();
                            if input.checked() {
                                next.insert(toggled.clone());
                            } else {
                                next.remove(&toggled);
                            }
                            covered_now.set(next);
                        }
                    });
                    html! {
                        <label class="check" key={key.clone()}>
                            <input type="checkbox" class="team-territory" data-territory={key.clone()}
                                checked={covered.contains(key)} {onchange} />
                            { label }
                        </label>
                    }
                }) }
            </fieldset>
            if let Some(problem) = &*problem {
                <p class="field-error" role="alert" id="team-problem">{ i18n.t(&problem.id) }</p>
            }
            <div class="form-actions">
                <button type="submit" class="button primary" id="save-team">{ i18n.t("teams-save") }</button>
                <button type="button" class="button" id="cancel-team"
                    onclick={props.on_done.reform(|_: MouseEvent| false)}>
                    { i18n.t("people-cancel") }
                </button>
            </div>
        </form>
    }
}

/// A checkbox per person of `people`, toggling them in `chosen`.
fn people_checks(
    i18n: &I18n,
    legend: &str,
    class: &'static str,
    people: &[&Person],
    chosen: &UseStateHandle<BTreeSet<UserId>>,
) -> Html {
    html! {
        <fieldset class="access-territories">
            <legend>{ i18n.t(legend) }</legend>
            { for people.iter().map(|person| {
                let (chosen_now, id) = (chosen.clone(), person.id);
                let onchange = Callback::from(move |event: Event| {
                    if let Some(input) = event.target_dyn_into::<HtmlInputElement>() {
                        let mut next = (*chosen_now).clone();
                        if input.checked() {
                            next.insert(id);
                        } else {
                            next.remove(&id);
                        }
                        chosen_now.set(next);
                    }
                });
                html! {
                    <label class="check" key={id.to_string()}>
                        <input type="checkbox" {class} data-person-id={id.to_string()}
                            checked={chosen.contains(&id)} {onchange} />
                        { &person.name }
                    </label>
                }
            }) }
        </fieldset>
    }
}
