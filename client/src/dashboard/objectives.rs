//! Objectives on screen: the list with a progress bar each (achieved, the even pace's mark,
//! the target), the admins' form to set one, and `ObjectivesBlock`, the signed-in rep's own
//! current objectives for their Today page.

use std::rc::Rc;

use shared::cockpit::{Assignee, Metric, Period};
use shared::settings::{ObjectiveMetric, ObjectiveSetting};
use shared::values::CurrencyCode;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::dashboard::chart::progress_length;
use crate::dashboard::figures::ObjectiveFigure;
use crate::dashboard::objective_input::{assignee_choices, period_choices, read_objective};
use crate::dashboard::use_dashboard;
use crate::hooks::{use_i18n, use_sync, I18n, SessionState};
use crate::i18n::{format, Argument};
use crate::team::people::People;
use crate::team::use_people;

/// The progress bar's length (SVG user units).
const TRACK: f64 = 240.0;

/// A period in words ("mai 2026", "T2 2026", "2026"…).
pub(super) fn period_label(i18n: &I18n, period: Period) -> String {
    match period {
        Period::Month { year, month } => format::month(i18n.language(), year, month),
        Period::Quarter { year, quarter } => i18n.t_with(
            "dashboard-quarter",
            &[
                ("quarter", Argument::Number(f64::from(quarter))),
                ("year", Argument::Text(&year.to_string())),
            ],
        ),
        Period::Year { year } => year.to_string(),
        Period::IsoWeek { year, week } => i18n.t_with(
            "dashboard-week",
            &[
                ("week", Argument::Number(f64::from(week))),
                ("year", Argument::Text(&year.to_string())),
            ],
        ),
    }
}

/// An objective's figure in words: money for revenue, a number otherwise.
fn amount(i18n: &I18n, metric: &Metric, value: i64) -> String {
    match metric {
        Metric::Revenue { currency } => {
            format::money(i18n.language(), value, &currency.to_string())
        }
        _ => format::number(i18n.language(), value as f64),
    }
}

fn metric_label(i18n: &I18n, metric: &Metric) -> String {
    i18n.t(match metric {
        Metric::Revenue { .. } => "dashboard-metric-revenue",
        Metric::Visits => "dashboard-metric-visits",
        Metric::NewCustomers => "dashboard-metric-new-customers",
        Metric::QuotesSent => "dashboard-metric-quotes-sent",
    })
}

fn who_label(i18n: &I18n, people: &People, who: &Assignee) -> String {
    match who {
        Assignee::Rep(rep) => people
            .name_of(*rep)
            .map_or_else(|| i18n.t("dashboard-someone"), str::to_owned),
        Assignee::Team(team) => i18n.t_with("dashboard-team", &[("team", Argument::Text(&team.0))]),
    }
}

/// The list's properties.
#[derive(Properties, PartialEq)]
pub struct ObjectivesListProps {
    /// The objectives.
    pub objectives: Rc<Vec<ObjectiveFigure>>,
    /// Names for reps.
    pub people: Rc<People>,
    /// Removes one (admins only; `None` hides the button).
    #[prop_or_default]
    pub on_remove: Option<Callback<String>>,
}

/// Objectives with their progress.
#[component]
pub fn ObjectivesList(props: &ObjectivesListProps) -> Html {
    let i18n = use_i18n();
    html! {
        <ul class="objective-list">
            { for props.objectives.iter().map(|objective| {
                let achieved = progress_length(objective.ratio, TRACK);
                let pace = progress_length(
                    shared::cockpit::ratio_in_basis_points(objective.expected, objective.target),
                    TRACK,
                );
                let state = if objective.on_track { "on-track" } else { "behind" };
                let remove = props.on_remove.as_ref().map(|on_remove| {
                    let on_remove = on_remove.clone();
                    let id = objective.id.clone();
                    html! {
                        <button type="button" class="button ghost small objective-remove"
                            onclick={Callback::from(move |_| on_remove.emit(id.clone()))}>
                            { i18n.t("dashboard-objective-remove") }
                        </button>
                    }
                });
                let percent = objective.ratio.map_or_else(String::new, |ratio| {
                    format!(" ({} %)", ratio / 100)
                });
                html! {
                    <li class={classes!("objective", state)} data-id={objective.id.clone()}>
                        <div class="objective-head">
                            <strong>{ who_label(&i18n, &props.people, &objective.who) }</strong>
                            { " · " }{ metric_label(&i18n, &objective.metric) }
                            { " · " }{ period_label(&i18n, objective.period) }
                        </div>
                        <svg class="objective-bar" viewBox={format!("0 0 {TRACK} 14")} role="img"
                            aria-label={i18n.t(if objective.on_track { "dashboard-on-track" } else { "dashboard-behind" })}>
                            <rect class="objective-track" x="0" y="2" width={TRACK.to_string()} height="10" rx="5" />
                            <rect class="objective-fill" x="0" y="2" width={achieved.to_string()} height="10" rx="5" />
                            <rect class="objective-pace" x={(pace - 1.0).max(0.0).to_string()} y="0" width="2" height="14" />
                        </svg>
                        <div class="objective-figures">
                            <span class="objective-achieved">
                                { i18n.t_with("dashboard-objective-progress", &[
                                    ("achieved", Argument::Text(&amount(&i18n, &objective.metric, objective.achieved))),
                                    ("target", Argument::Text(&amount(&i18n, &objective.metric, objective.target))),
                                ]) }
                                { percent }
                            </span>
                            <span class="muted">
                                { i18n.t_with("dashboard-objective-pace", &[
                                    ("expected", Argument::Text(&amount(&i18n, &objective.metric, objective.expected))),
                                ]) }
                            </span>
                            <span class={classes!("badge", state)}>
                                { i18n.t(if objective.on_track { "dashboard-on-track" } else { "dashboard-behind" }) }
                            </span>
                            { remove }
                        </div>
                    </li>
                }
            }) }
        </ul>
    }
}

/// The form's properties.
#[derive(Properties, PartialEq)]
pub struct ObjectiveFormProps {
    /// Who an objective may be for.
    pub people: Rc<People>,
    /// The workspace's currency (revenue targets are in it).
    pub currency: CurrencyCode,
    /// The page's clock (Unix seconds), for the periods offered.
    pub now: i64,
    /// Called with a new objective's id and setting.
    pub on_set: Callback<(String, ObjectiveSetting)>,
}

/// An admin's form to set an objective.
#[component]
pub fn ObjectiveForm(props: &ObjectiveFormProps) -> Html {
    let i18n = use_i18n();
    let assignee = use_state(String::new);
    let metric = use_state(String::new);
    let period = use_state(String::new);
    let target = use_node_ref();
    let problem = use_state(|| None::<&'static str>);
    let assignees = assignee_choices(&props.people);
    let periods = period_choices(props.now);
    // Each select says which option is chosen: Yew inserts a list's options last first, so
    // left to itself the browser would select the last one.
    let chosen = |state: &UseStateHandle<String>, first: Option<&String>| {
        if state.is_empty() {
            first.cloned().unwrap_or_default()
        } else {
            (**state).clone()
        }
    };
    let chosen_assignee = chosen(&assignee, assignees.first().map(|(value, _)| value));
    let chosen_metric = match chosen(&metric, None) {
        empty if empty.is_empty() => "revenue".to_owned(),
        metric => metric,
    };
    let chosen_period = chosen(&period, periods.first().map(|(_, value)| value));
    let follow = |state: &UseStateHandle<String>| {
        let state = state.clone();
        Callback::from(move |event: Event| {
            if let Some(select) = event.target_dyn_into::<HtmlSelectElement>() {
                state.set(select.value());
            }
        })
    };
    let onsubmit = {
        let (assignee, metric, period) = (
            chosen_assignee.clone(),
            chosen_metric.clone(),
            chosen_period.clone(),
        );
        let target = target.clone();
        let problem = problem.clone();
        let on_set = props.on_set.clone();
        let currency = props.currency;
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let Some(target_input) = target.cast::<HtmlInputElement>() else {
                return;
            };
            let metric: ObjectiveMetric = match metric.parse() {
                Ok(metric) => metric,
                Err(never) => match never {},
            };
            match read_objective(&assignee, &metric, &period, currency, &target_input.value()) {
                Ok(setting) => {
                    problem.set(None);
                    target_input.set_value("");
                    on_set.emit((uuid::Uuid::new_v4().to_string(), setting));
                }
                Err(id) => problem.set(Some(id)),
            }
        })
    };
    let metrics = [
        ("revenue", "dashboard-metric-revenue"),
        ("visits", "dashboard-metric-visits"),
        ("new_customers", "dashboard-metric-new-customers"),
        ("quotes_sent", "dashboard-metric-quotes-sent"),
    ];
    html! {
        <form id="objective-form" class="objective-form" {onsubmit}>
            <label>
                <span>{ i18n.t("dashboard-objective-who") }</span>
                <select id="objective-assignee" onchange={follow(&assignee)}>
                    { for assignees.into_iter().map(|(value, name)| html! {
                        <option selected={value == chosen_assignee} value={value.clone()}>{ name }</option>
                    }) }
                </select>
            </label>
            <label>
                <span>{ i18n.t("dashboard-objective-metric") }</span>
                <select id="objective-metric" onchange={follow(&metric)}>
                    { for metrics.iter().map(|(value, id)| html! {
                        <option selected={*value == chosen_metric} value={*value}>{ i18n.t(id) }</option>
                    }) }
                </select>
            </label>
            <label>
                <span>{ i18n.t("dashboard-objective-period") }</span>
                <select id="objective-period" onchange={follow(&period)}>
                    { for periods.into_iter().map(|(period, value)| html! {
                        <option selected={value == chosen_period} value={value.clone()}>{ period_label(&i18n, period) }</option>
                    }) }
                </select>
            </label>
            <label>
                <span>{ i18n.t_with("dashboard-objective-target", &[("currency", Argument::Text(&props.currency.to_string()))]) }</span>
                <input id="objective-target" ref={target} inputmode="decimal" autocomplete="off" />
            </label>
            <button type="submit" class="button">{ i18n.t("dashboard-objective-set") }</button>
            if let Some(id) = *problem {
                <p id="objective-error" class="form-error" role="alert">{ i18n.t(id) }</p>
            }
        </form>
    }
}

/// The signed-in person's current objectives, for their Today page (nothing when they have
/// none).
#[component]
pub fn ObjectivesBlock() -> Html {
    let i18n = use_i18n();
    let dashboard = use_dashboard();
    let people = use_people();
    let sync = use_sync();
    let me = sync.as_ref().and_then(|sync| match sync.session() {
        SessionState::SignedIn(session) => Some(session.user.id),
        _ => None,
    });
    let (Some(figures), Some(me)) = (dashboard.view().figures.clone(), me) else {
        return html! {};
    };
    let mine: Vec<ObjectiveFigure> = figures
        .objectives_of(me)
        .into_iter()
        .filter(|objective| objective.current)
        .cloned()
        .collect();
    if mine.is_empty() {
        return html! {};
    }
    html! {
        <section id="today-objectives" class="today-section objectives-block" aria-labelledby="today-objectives-title">
            <h2 id="today-objectives-title">{ i18n.t("dashboard-my-objectives") }</h2>
            <ObjectivesList objectives={Rc::new(mine)} {people} />
        </section>
    }
}
