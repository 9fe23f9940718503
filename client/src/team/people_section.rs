//! The settings page's people section: the workspace's people (the relay's list, or the one this
//! device keeps when offline) and, for an admin, disabling a colleague after a confirmation that
//! chooses who receives their accounts and deals in the same step.

use shared::ids::UserId;
use yew::prelude::*;

use crate::hooks::{use_i18n, use_sync, I18n, SessionState};
use web_sys::{HtmlInputElement, HtmlSelectElement};

use crate::i18n::format;
use crate::sign_in::invitation_link;
use crate::state::problem::Problem;
use crate::sync::api::{Invitation, PendingInvitation};
use crate::team::access_form::{role_label, use_territory_choices, AccessForm};
use crate::team::password_reset_action::PasswordResetAction;
use crate::team::people::Person;
use crate::team::teams_section::TeamsSection;

/// What the section shows: the people, or why there are none to show.
type Listed = Option<Result<Vec<Person>, Problem>>;

/// The people section.
#[component]
pub fn PeopleSection() -> Html {
    let i18n = use_i18n();
    let sync = use_sync();
    let people = use_state(|| None::<Result<Vec<Person>, Problem>>);
    let reload = use_state(|| 0_u32);
    let confirming = use_state(|| None::<UserId>);
    let editing = use_state(|| None::<UserId>);
    let handover_to = use_state(|| None::<UserId>);
    let handed = use_state(|| None::<(usize, Option<String>)>);
    {
        let people = people.clone();
        let sync = sync.clone();
        use_effect_with(*reload, move |_| {
            if let Some(sync) = sync {
                wasm_bindgen_futures::spawn_local(async move {
                    let listed = match sync.fetch_people().await {
                        Ok(fresh) => Ok(fresh),
                        // Offline: the directory this device keeps, if it has one.
                        Err(problem) => match sync.stored_people().await {
                            Ok(kept) if !kept.is_empty() => Ok(kept),
                            _ => Err(problem),
                        },
                    };
                    people.set(Some(listed));
                });
            }
        });
    }
    let me = sync.as_ref().and_then(|sync| match sync.session() {
        SessionState::SignedIn(session) => Some(session.user.id),
        _ => None,
    });
    let on_ask = {
        let (confirming, handover_to) = (confirming.clone(), handover_to.clone());
        Callback::from(move |id: Option<UserId>| {
            handover_to.set(None);
            confirming.set(id);
        })
    };
    let on_choose = {
        let handover_to = handover_to.clone();
        Callback::from(move |to: Option<UserId>| handover_to.set(to))
    };
    let on_disable = {
        let people = people.clone();
        let confirming = confirming.clone();
        let reload = reload.clone();
        let (handover_to, handed) = (handover_to.clone(), handed.clone());
        Callback::from(move |id: UserId| {
            let Some(sync) = sync.clone() else {
                return;
            };
            let (people, reload, confirming) = (people.clone(), reload.clone(), confirming.clone());
            let to = *handover_to;
            let colleague = match (&*people, to) {
                (Some(Ok(listed)), Some(to)) => listed
                    .iter()
                    .find(|person| person.id == to)
                    .map(|person| person.name.clone()),
                _ => None,
            };
            let handed = handed.clone();
            // A person disabled earlier keeps only the handover to do.
            let already_disabled = match &*people {
                Some(Ok(listed)) => listed
                    .iter()
                    .any(|person| person.id == id && person.disabled_at.is_some()),
                _ => false,
            };
            wasm_bindgen_futures::spawn_local(async move {
                confirming.set(None);
                let done = match (already_disabled, to) {
                    (true, Some(to)) => sync.hand_over(id, to).await,
                    (true, None) => return,
                    (false, to) => sync.disable_person(id, to).await,
                };
                match done {
                    Ok(count) => {
                        handed.set(Some((count, colleague)));
                        reload.set(*reload + 1);
                    }
                    Err(problem) => people.set(Some(Err(problem))),
                }
            });
        })
    };
    let on_edit = {
        let editing = editing.clone();
        Callback::from(move |id: Option<UserId>| editing.set(id))
    };
    let on_edited = {
        let (editing, reload) = (editing.clone(), reload.clone());
        Callback::from(move |saved: bool| {
            editing.set(None);
            if saved {
                reload.set(*reload + 1);
            }
        })
    };
    let territories = use_territory_choices(&[]);
    let confirm = Confirm {
        territories,
        editing: *editing,
        on_edit,
        on_edited,
        confirming: *confirming,
        handover_to: *handover_to,
        on_ask,
        on_choose,
        on_disable,
    };
    let admin = match &*people {
        Some(Ok(listed)) => listed
            .iter()
            .any(|person| Some(person.id) == me && person.role == "admin"),
        _ => false,
    };
    let teams = match &*people {
        Some(Ok(listed)) => {
            let reload = reload.clone();
            html! {
                <TeamsSection people={listed.clone()} {admin}
                    on_saved={Callback::from(move |()| reload.set(*reload + 1))} />
            }
        }
        _ => html! {},
    };
    html! {
        <>
        <section class="card" aria-labelledby="people-section">
            <h2 id="people-section">{ i18n.t("people-title") }</h2>
            if let Some((count, colleague)) = &*handed {
                <p class="muted" id="people-handed" role="status">
                    { match colleague {
                        Some(name) => i18n.t_with("people-handed-over", &[
                            ("count", (*count).into()),
                            ("name", name.as_str().into()),
                        ]),
                        None => i18n.t("people-disabled-done"),
                    } }
                </p>
            }
            { people_list(&i18n, &people, me, &confirm) }
            if admin {
                <PendingInvitations reload={*reload} />
                <InviteForm on_invited={Callback::from(move |()| reload.set(*reload + 1))} />
            }
        </section>
        { teams }
        </>
    }
}

/// Props of [`PendingInvitations`].
#[derive(Properties, PartialEq)]
struct PendingInvitationsProps {
    /// Bumped when the list may have changed (an invitation was made).
    reload: u32,
}

/// The invitations waiting to be accepted, each with "cancel".
#[component]
fn PendingInvitations(props: &PendingInvitationsProps) -> Html {
    let i18n = use_i18n();
    let sync = use_sync();
    let pending = use_state(|| None::<Result<Vec<PendingInvitation>, Problem>>);
    let cancelled = use_state(|| 0_u32);
    {
        let (pending, sync) = (pending.clone(), sync.clone());
        use_effect_with((props.reload, *cancelled), move |_| {
            if let Some(sync) = sync {
                wasm_bindgen_futures::spawn_local(async move {
                    pending.set(Some(sync.pending_invitations().await));
                });
            }
        });
    }
    let on_cancel = {
        let pending = pending.clone();
        Callback::from(move |id: String| {
            let Some(sync) = sync.clone() else {
                return;
            };
            let (pending, cancelled) = (pending.clone(), cancelled.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match sync.cancel_invitation(&id).await {
                    Ok(()) => cancelled.set(*cancelled + 1),
                    Err(problem) => pending.set(Some(Err(problem))),
                }
            });
        })
    };
    let language = i18n.language();
    let held: Vec<String> = match &*pending {
        Some(Ok(pending)) => pending
            .iter()
            .flat_map(|invitation| invitation.territories.iter().cloned())
            .collect(),
        _ => Vec::new(),
    };
    let territories = use_territory_choices(&held);
    match &*pending {
        None => html! {},
        Some(Err(problem)) => html! {
            <p class="muted" id="invitations-problem">{ i18n.t(&problem.id) }</p>
        },
        Some(Ok(pending)) if pending.is_empty() => html! {},
        Some(Ok(pending)) => html! {
            <>
                <h3>{ i18n.t("people-pending") }</h3>
                <ul class="device-list" id="pending-invitations">
                    { for pending.iter().map(|invitation| {
                        let id = invitation.id.clone();
                        let until = format::date_time(language, invitation.expires_at);
                        let teams = invitation.teams.join(", ");
                        let named: Vec<String> = invitation
                            .territories
                            .iter()
                            .map(|key| {
                                territories
                                    .iter()
                                    .find(|(known, _)| known == key)
                                    .map_or_else(|| key.clone(), |(_, name)| name.clone())
                            })
                            .collect();
                        let named = named.join(", ");
                        html! {
                            <li key={invitation.id.clone()} class="device pending-invitation"
                                data-email={invitation.email.clone()}>
                                <span class="device-text">
                                    <span class="device-name">{ &invitation.email }</span>
                                    <span class="muted">{ i18n.t_with("people-pending-until", &[("when", until.as_str().into())]) }</span>
                                    if !teams.is_empty() {
                                        <span class="muted pending-teams">
                                            { i18n.t_with("people-pending-teams", &[("teams", teams.as_str().into())]) }
                                        </span>
                                    }
                                    if !named.is_empty() {
                                        <span class="muted pending-territories">
                                            { i18n.t_with("people-pending-territories", &[("territories", named.as_str().into())]) }
                                        </span>
                                    }
                                </span>
                                <button type="button" class="button cancel-invitation"
                                    onclick={on_cancel.reform(move |_: MouseEvent| id.clone())}>
                                    { i18n.t("people-pending-cancel") }
                                </button>
                            </li>
                        }
                    }) }
                </ul>
            </>
        },
    }
}

/// Props of [`InviteForm`].
#[derive(Properties, PartialEq)]
struct InviteFormProps {
    /// Called once an invitation was made.
    on_invited: Callback<()>,
}

/// An admin's invitation form: an address and a role give a one-time link to send.
#[component]
fn InviteForm(props: &InviteFormProps) -> Html {
    let i18n = use_i18n();
    let sync = use_sync();
    let email = use_node_ref();
    let role = use_node_ref();
    let outcome = use_state(|| None::<Result<Invitation, Problem>>);
    let teams = use_state(Vec::<String>::new);
    let chosen_teams = use_state(std::collections::BTreeSet::<String>::new);
    let chosen_territories = use_state(std::collections::BTreeSet::<String>::new);
    let territories = use_territory_choices(&[]);
    {
        let (teams, sync) = (teams.clone(), sync.clone());
        use_effect_with((), move |()| {
            if let Some(sync) = sync {
                wasm_bindgen_futures::spawn_local(async move {
                    if let Ok(listed) = sync.teams().await {
                        teams.set(listed.into_iter().map(|team| team.name).collect());
                    }
                });
            }
        });
    }
    let onsubmit = {
        let (email, role, outcome) = (email.clone(), role.clone(), outcome.clone());
        let (chosen_teams, chosen_territories) = (chosen_teams.clone(), chosen_territories.clone());
        let on_invited = props.on_invited.clone();
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let (Some(sync), Some(email), Some(role)) = (
                sync.clone(),
                email.cast::<HtmlInputElement>(),
                role.cast::<HtmlSelectElement>(),
            ) else {
                return;
            };
            let (address, role) = (email.value().trim().to_owned(), role.value());
            let teams: Vec<String> = chosen_teams.iter().cloned().collect();
            let territories: Vec<String> = chosen_territories.iter().cloned().collect();
            let (outcome, on_invited) = (outcome.clone(), on_invited.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let invited = sync.invite(&address, &role, &teams, &territories).await;
                if invited.is_ok() {
                    on_invited.emit(());
                }
                outcome.set(Some(invited));
            });
        })
    };
    html! {
        <form id="invite-form" class="invite-form" {onsubmit} aria-label={i18n.t("people-invite")}>
            <h3>{ i18n.t("people-invite") }</h3>
            <label class="field">
                <span class="field-label">{ i18n.t("people-invite-email") }</span>
                <input id="invite-email" ref={email} type="email" required=true />
            </label>
            <label class="field">
                <span class="field-label">{ i18n.t("people-invite-role") }</span>
                <select id="invite-role" ref={role}>
                    <option value="rep" selected=true>{ i18n.t("people-role-rep") }</option>
                    <option value="manager">{ i18n.t("people-role-manager") }</option>
                    <option value="admin">{ i18n.t("people-role-admin") }</option>
                </select>
            </label>
            if !teams.is_empty() {
                { name_checks(&i18n, "people-invite-teams", "invite-team", &teams
                    .iter()
                    .map(|team| (team.clone(), team.clone()))
                    .collect::<Vec<_>>(), &chosen_teams) }
            }
            if !territories.is_empty() {
                { name_checks(&i18n, "people-invite-territories", "invite-territory", &territories, &chosen_territories) }
            }
            <button id="invite" type="submit" class="button">{ i18n.t("people-invite-submit") }</button>
            { match &*outcome {
                None => html! {},
                Some(Err(problem)) => html! {
                    <p id="invite-error" class="form-error" role="alert">{ i18n.t(&problem.id) }</p>
                },
                Some(Ok(invitation)) => {
                    let days = usize::try_from(invitation.expires_in_seconds.div_ceil(86_400))
                        .unwrap_or(usize::MAX);
                    html! {
                        <p class="invitation" role="status">
                            { i18n.t_with("people-invite-made", &[
                                ("email", invitation.email.as_str().into()),
                                ("days", days.into()),
                            ]) }
                            <input id="invitation-link" class="invitation-link" readonly=true
                                value={invitation_link(&invitation.code)} />
                        </p>
                    }
                }
            } }
        </form>
    }
}

/// A checkbox per (key, label) of `choices`, toggling the key in `chosen`.
fn name_checks(
    i18n: &I18n,
    legend: &str,
    class: &'static str,
    choices: &[(String, String)],
    chosen: &UseStateHandle<std::collections::BTreeSet<String>>,
) -> Html {
    html! {
        <fieldset class="access-territories">
            <legend>{ i18n.t(legend) }</legend>
            { for choices.iter().map(|(key, label)| {
                let (chosen_now, toggled) = (chosen.clone(), key.clone());
                let onchange = Callback::from(move |event: Event| {
                    if let Some(input) = event.target_dyn_into::<HtmlInputElement>() {
                        let mut next = (*chosen_now).clone();
                        if input.checked() {
                            next.insert(toggled.clone());
                        } else {
                            next.remove(&toggled);
                        }
                        chosen_now.set(next);
                    }
                });
                html! {
                    <label class="check" key={key.clone()}>
                        <input type="checkbox" {class} data-key={key.clone()}
                            checked={chosen.contains(key)} {onchange} />
                        { label }
                    </label>
                }
            }) }
        </fieldset>
    }
}

/// The admin's disabling: whom they are confirming, the colleague chosen to receive that
/// person's records, and the actions.
struct Confirm {
    /// The workspace's territories, (key, name), to name a person's.
    territories: Vec<(String, String)>,
    /// Whose role and territories the admin is editing.
    editing: Option<UserId>,
    on_edit: Callback<Option<UserId>>,
    on_edited: Callback<bool>,
    confirming: Option<UserId>,
    handover_to: Option<UserId>,
    on_ask: Callback<Option<UserId>>,
    on_choose: Callback<Option<UserId>>,
    on_disable: Callback<UserId>,
}

/// The list, with the admin's actions.
fn people_list(i18n: &I18n, listed: &Listed, me: Option<UserId>, confirm: &Confirm) -> Html {
    let Confirm {
        territories,
        editing,
        on_edit,
        on_edited,
        confirming,
        handover_to,
        on_ask,
        on_choose,
        on_disable,
    } = confirm;
    let confirming = *confirming;
    let people = match listed {
        None => return html! { <p aria-busy="true">{ i18n.t("people-loading") }</p> },
        Some(Err(problem)) => {
            return html! { <p class="muted" id="people-problem">{ i18n.t(&problem.id) }</p> }
        }
        Some(Ok(people)) => people,
    };
    let admin = people
        .iter()
        .any(|person| Some(person.id) == me && person.role == "admin");
    html! {
        <ul class="device-list" id="people">
            { for people.iter().map(|person| {
                let id = person.id;
                let yourself = Some(id) == me;
                let disabled = person.disabled_at.is_some();
                let role = role_label(i18n, &person.role);
                let mut line = vec![person.email.clone(), role];
                let teams: Vec<&str> = person
                    .leads
                    .iter()
                    .chain(&person.teams)
                    .map(String::as_str)
                    .collect();
                if !teams.is_empty() {
                    line.push(teams.join(", "));
                }
                if !person.territories.is_empty() {
                    let named: Vec<&str> = person
                        .territories
                        .iter()
                        .map(|key| {
                            territories
                                .iter()
                                .find(|(known, _)| known == key)
                                .map_or(key.as_str(), |(_, name)| name.as_str())
                        })
                        .collect();
                    line.push(named.join(", "));
                }
                html! {
                    <li key={id.to_string()} class="device person" data-person-id={id.to_string()}
                        data-disabled={disabled.to_string()}>
                        <span class="device-text">
                            <span class="device-name">{ &person.name }
                                if yourself { <span class="badge online">{ i18n.t("people-you") }</span> }
                                if disabled { <span class="badge">{ i18n.t("people-disabled") }</span> }
                            </span>
                            <span class="muted person-line">{ line.join(" · ") }</span>
                            if confirming == Some(id) {
                                <span class="person-confirm" role="alert">
                                    { i18n.t_with(
                                        if disabled { "people-hand-over-confirm" } else { "people-disable-confirm" },
                                        &[("name", person.name.as_str().into())],
                                    ) }
                                </span>
                                { handover_picker(i18n, people, id, *handover_to, on_choose) }
                            }
                        </span>
                        <span class="person-actions">
                        if admin && !disabled && *editing != Some(id) && confirming != Some(id) {
                            <button type="button" class="button edit-access"
                                onclick={on_edit.reform(move |_: MouseEvent| Some(id))}>
                                { i18n.t("people-access-edit") }
                            </button>
                        }
                        if admin && !yourself && *editing != Some(id) {
                            if confirming == Some(id) {
                                if disabled {
                                    <button type="button" class="button primary confirm-hand-over"
                                        disabled={handover_to.is_none()}
                                        onclick={on_disable.reform(move |_: MouseEvent| id)}>
                                        { i18n.t("people-hand-over") }
                                    </button>
                                } else {
                                    <button type="button" class="button danger confirm-disable"
                                        onclick={on_disable.reform(move |_: MouseEvent| id)}>
                                        { i18n.t("people-disable") }
                                    </button>
                                }
                                <button type="button" class="button cancel-disable"
                                    onclick={on_ask.reform(|_: MouseEvent| None)}>
                                    { i18n.t("people-cancel") }
                                </button>
                            } else if disabled {
                                <button type="button" class="button hand-over-person"
                                    onclick={on_ask.reform(move |_: MouseEvent| Some(id))}>
                                    { i18n.t("people-hand-over") }
                                </button>
                            } else {
                                <button type="button" class="button disable-person"
                                    onclick={on_ask.reform(move |_: MouseEvent| Some(id))}>
                                    { i18n.t("people-disable") }
                                </button>
                            }
                            if !disabled {
                                <PasswordResetAction person={id} name={person.name.clone()} />
                            }
                        }
                        </span>
                        if *editing == Some(id) {
                            <AccessForm person={person.clone()} {yourself} on_done={on_edited.clone()} />
                        }
                    </li>
                }
            }) }
        </ul>
    }
}

/// The choice of the colleague who receives `leaving`'s accounts and deals: any other active
/// person, or nobody (the records keep naming the person who left).
fn handover_picker(
    i18n: &I18n,
    people: &[Person],
    leaving: UserId,
    chosen: Option<UserId>,
    on_choose: &Callback<Option<UserId>>,
) -> Html {
    let onchange = on_choose.reform(|event: Event| {
        event
            .target_dyn_into::<HtmlSelectElement>()
            .and_then(|select| select.value().parse::<UserId>().ok())
    });
    html! {
        <label class="handover">
            { i18n.t("people-handover-label") }
            <select id="handover-to" {onchange}>
                <option value="" selected={chosen.is_none()}>{ i18n.t("people-handover-nobody") }</option>
                { for people
                    .iter()
                    .filter(|person| person.id != leaving && person.disabled_at.is_none())
                    .map(|person| html! {
                        <option value={person.id.to_string()} selected={chosen == Some(person.id)}>
                            { &person.name }
                        </option>
                    }) }
            </select>
        </label>
    }
}
