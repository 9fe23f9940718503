//! The Today page's three lists: accounts to visit (nearest first, with "start the visit"),
//! tasks due or overdue (with "done"), and the visits reported today with their check-in.
//! Presentational: intents go back to the page as callbacks.

use std::rc::Rc;

use yew::prelude::*;
use yew_router::prelude::Link;

use crate::app::Route;
use crate::hooks::{use_i18n, I18n};
use crate::i18n::format;
use crate::today::day_plan::{readable_distance, DueTask, PlannedVisit, ReportedVisit};

/// A task the rep ticked as done.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaskDone {
    /// The account's id.
    pub account: String,
    /// The task's key.
    pub task: String,
}

/// A distance as the rep reads it ("850 m", "3,4 km").
pub(super) fn distance_text(i18n: &I18n, metres: f64) -> String {
    let (value, kilometres) = readable_distance(metres);
    let number = format::number(i18n.language(), value);
    i18n.t_with(
        if kilometres {
            "today-distance-km"
        } else {
            "today-distance-m"
        },
        &[("distance", number.as_str().into())],
    )
}

/// Props of [`PlannedVisitList`].
#[derive(Properties, PartialEq)]
pub struct PlannedVisitListProps {
    /// The visits, in the order to show.
    pub visits: Rc<Vec<PlannedVisit>>,
    /// Called with the visit the rep starts.
    pub on_start: Callback<PlannedVisit>,
}

/// Accounts to visit today.
#[component]
pub fn PlannedVisitList(props: &PlannedVisitListProps) -> Html {
    let i18n = use_i18n();
    if props.visits.is_empty() {
        return html! { <p class="empty-state" id="no-visits">{ i18n.t("today-no-visits") }</p> };
    }
    let rows = props.visits.iter().map(|visit| {
        let onclick = {
            let on_start = props.on_start.clone();
            let visit = visit.clone();
            Callback::from(move |_: MouseEvent| on_start.emit(visit.clone()))
        };
        let distance = visit
            .distance_metres
            .map(|metres| distance_text(&i18n, metres));
        html! {
            <li key={visit.account.clone()} class="planned-visit" data-account-id={visit.account.clone()}
                data-latitude={visit.location.map(|l| l.latitude.degrees().to_string())}
                data-longitude={visit.location.map(|l| l.longitude.degrees().to_string())}>
                <div class="planned-visit-text">
                    <Link<Route> to={Route::Account { id: visit.account.clone() }} classes="visit-account">
                        { &visit.account_name }
                    </Link<Route>>
                    <span class="muted">{ &visit.city }{ " · " }{ &visit.title }</span>
                </div>
                <span class="visit-distance">
                    { distance.unwrap_or_default() }
                </span>
                <button type="button" class="button primary start-visit" {onclick}
                    aria-label={i18n.t_with("today-start-visit-at", &[("account", visit.account_name.as_str().into())])}>
                    { i18n.t("today-start-visit") }
                </button>
            </li>
        }
    });
    html! { <ol class="planned-visits" id="planned-visits">{ for rows }</ol> }
}

/// Props of [`DueTaskList`].
#[derive(Properties, PartialEq)]
pub struct DueTaskListProps {
    /// The tasks, overdue first.
    pub tasks: Rc<Vec<DueTask>>,
    /// Called when the rep ticks a task.
    pub on_complete: Callback<TaskDone>,
}

/// Tasks due today or overdue.
#[component]
pub fn DueTaskList(props: &DueTaskListProps) -> Html {
    let i18n = use_i18n();
    if props.tasks.is_empty() {
        return html! { <p class="empty-state" id="no-tasks">{ i18n.t("today-no-tasks") }</p> };
    }
    let language = i18n.language();
    let rows = props.tasks.iter().map(|task| {
        let onclick = {
            let on_complete = props.on_complete.clone();
            let done = TaskDone {
                account: task.account.clone(),
                task: task.task.clone(),
            };
            Callback::from(move |_: MouseEvent| on_complete.emit(done.clone()))
        };
        let due = format::date(language, &task.due.to_string());
        html! {
            <li key={format!("{}/{}", task.account, task.task)}
                class={classes!("due-task", task.overdue.then_some("overdue"))}
                data-account-id={task.account.clone()} data-task-id={task.task.clone()}>
                <button type="button" class="button ghost small complete-task" {onclick}
                    aria-label={i18n.t_with("today-complete-task", &[("task", task.title.as_str().into())])}>
                    { "✓" }
                </button>
                <div class="due-task-text">
                    <span class="due-task-title">{ &task.title }</span>
                    <Link<Route> to={Route::Account { id: task.account.clone() }} classes="due-task-account">
                        { &task.account_name }
                    </Link<Route>>
                </div>
                <span class="due-task-date">
                    if task.overdue {
                        { i18n.t_with("today-overdue-since", &[("date", due.as_str().into())]) }
                    } else {
                        { i18n.t("today-due-today") }
                    }
                </span>
            </li>
        }
    });
    html! { <ul class="due-tasks" id="due-tasks">{ for rows }</ul> }
}

/// Props of [`ReportedVisitList`].
#[derive(Properties, PartialEq)]
pub struct ReportedVisitListProps {
    /// Today's reported visits, latest first.
    pub visits: Rc<Vec<ReportedVisit>>,
}

/// Visits reported today, with their check-in.
#[component]
pub fn ReportedVisitList(props: &ReportedVisitListProps) -> Html {
    let i18n = use_i18n();
    if props.visits.is_empty() {
        return html! { <p class="empty-state" id="no-reports">{ i18n.t("today-no-reports") }</p> };
    }
    let language = i18n.language();
    let rows = props.visits.iter().map(|visit| {
        let check_in = match &visit.check_in {
            Some(check_in) => {
                let coordinates = format!(
                    "{:.5}, {:.5}",
                    check_in.location.latitude.degrees(),
                    check_in.location.longitude.degrees()
                );
                let accuracy = format::number(language, check_in.accuracy_metres.round());
                html! {
                    <p class="check-in">
                        <span class="check-in-coordinates">{ coordinates }</span>
                        { " · " }
                        <span class="check-in-accuracy">
                            { i18n.t_with("today-accuracy", &[("accuracy", accuracy.as_str().into())]) }
                        </span>
                        { " · " }
                        <span class="check-in-time">{ format::date_time(language, check_in.captured_at) }</span>
                        if let Some(metres) = visit.distance_metres {
                            { " · " }
                            <span class="check-in-distance">
                                { i18n.t_with("today-from-address", &[("distance", distance_text(&i18n, metres).as_str().into())]) }
                            </span>
                        }
                    </p>
                }
            }
            None => html! { <p class="check-in muted">{ i18n.t("today-no-check-in") }</p> },
        };
        html! {
            <li key={format!("{}/{}", visit.account, visit.activity)} class="reported-visit"
                data-account-id={visit.account.clone()}>
                <div class="reported-visit-head">
                    <span class="reported-visit-account">{ &visit.account_name }</span>
                    <span class="muted">{ format::date_time(language, visit.at) }</span>
                </div>
                if let Some(outcome) = &visit.outcome {
                    <p class="reported-visit-outcome">{ outcome }</p>
                }
                if !visit.report.is_empty() {
                    <p class="reported-visit-report">{ &visit.report }</p>
                }
                { check_in }
            </li>
        }
    });
    html! { <ul class="reported-visits" id="reported-visits">{ for rows }</ul> }
}
