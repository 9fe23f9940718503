//! Today: the accounts to visit (nearest first when the device knows where it is), the tasks
//! due or overdue, and the visits reported today. One tap on a visit opens its report with a
//! fresh geo check-in; everything is saved on the device and works with no network.
//! What counts as "planned for a visit today" is written down in `state::today`.

use std::rc::Rc;

use shared::account::{ActivityKind, CheckIn};
use shared::values::Date;
use yew::prelude::*;

use crate::components::ErrorBanner;
use crate::dashboard::ObjectivesBlock;
use crate::hooks::use_i18n;
use crate::today::day_plan::{order_by_distance, NextStep, PlannedVisit, VisitReport};
use crate::today::{use_position, use_today, Position, PositionHandle};
use crate::today::{
    DueTaskList, PlannedVisitList, ReportedVisitList, TaskDone, VisitDraft, VisitReportForm,
};

/// The next step's suggested delay (days).
const NEXT_STEP_DAYS: u32 = 7;

/// A visit being reported, and the position request its check-in answers.
#[derive(Clone, Debug, PartialEq)]
struct Visiting {
    visit: PlannedVisit,
    request: u64,
}

/// The local date `days` from now (`YYYY-MM-DD`).
fn local_date_in(days: u32) -> String {
    let date = js_sys::Date::new_0();
    date.set_date(date.get_date() + days);
    format!(
        "{:04}-{:02}-{:02}",
        date.get_full_year(),
        date.get_month() + 1,
        date.get_date()
    )
}

/// The check-in of a visit: the answer to the request made when it started (an earlier fix
/// may be from somewhere else), "locating" until it comes.
fn check_in_for(position: &PositionHandle, request: u64) -> Position {
    if position.answered() >= request {
        position.position().clone()
    } else {
        Position::Locating
    }
}

fn report_of(draft: VisitDraft, visit: &PlannedVisit, check_in: Option<CheckIn>) -> VisitReport {
    let next_step = draft.next_due.parse::<Date>().ok().and_then(|due| {
        let title = draft.next_title.trim();
        (!title.is_empty()).then(|| NextStep {
            title: title.to_owned(),
            due,
            kind: match draft.next_kind.as_str() {
                "visit" => Some(ActivityKind::Visit),
                "call" => Some(ActivityKind::Call),
                _ => None,
            },
        })
    });
    VisitReport {
        planned_task: Some(visit.task.clone()),
        outcome: draft.outcome,
        report: draft.report,
        check_in,
        next_step,
    }
}

/// The page.
#[component]
pub fn TodayPage() -> Html {
    let i18n = use_i18n();
    let today = use_today();
    let position = use_position();
    let visiting = use_state(|| None::<Visiting>);
    let saving = use_state(|| false);
    let announcement = use_state(String::new);
    let view = today.view().clone();
    let here = position.position().fix().map(|fix| fix.location);
    let visits = {
        let visits = view.agenda.visits.clone();
        use_memo((visits, here), |(visits, here)| {
            let mut visits = visits.clone();
            order_by_distance(&mut visits, here.as_ref());
            visits
        })
    };
    let on_start = {
        let visiting = visiting.clone();
        let position = position.clone();
        Callback::from(move |visit: PlannedVisit| {
            let request = position.locate();
            visiting.set(Some(Visiting { visit, request }));
        })
    };
    let on_complete = {
        let today = today.clone();
        Callback::from(move |done: TaskDone| today.complete_task(done.account, done.task))
    };
    let on_locate = {
        let position = position.clone();
        let visiting = visiting.clone();
        Callback::from(move |()| {
            let request = position.locate();
            if let Some(current) = (*visiting).clone() {
                visiting.set(Some(Visiting { request, ..current }));
            }
        })
    };
    let on_cancel = {
        let visiting = visiting.clone();
        Callback::from(move |()| visiting.set(None))
    };
    let form = visiting.as_ref().map(|current| {
        let check_in = check_in_for(&position, current.request);
        let distance_metres = check_in
            .fix()
            .zip(current.visit.location.as_ref())
            .map(|(fix, address)| fix.location.distance_metres(address));
        let on_save = {
            let today = today.clone();
            let visiting = visiting.clone();
            let saving = saving.clone();
            let announcement = announcement.clone();
            let visit = current.visit.clone();
            let fix = check_in.fix().cloned();
            let message = i18n.t_with(
                "today-visit-saved",
                &[("account", visit.account_name.as_str().into())],
            );
            Callback::from(move |draft: VisitDraft| {
                saving.set(true);
                let report = report_of(draft, &visit, fix.clone());
                let saved = {
                    let visiting = visiting.clone();
                    let saving = saving.clone();
                    let announcement = announcement.clone();
                    let message = message.clone();
                    Callback::from(move |()| {
                        saving.set(false);
                        visiting.set(None);
                        announcement.set(message.clone());
                    })
                };
                today.report_visit(visit.account.clone(), report, saved);
            })
        };
        html! {
            <VisitReportForm
                account_name={AttrValue::from(current.visit.account_name.clone())}
                position={check_in} {distance_metres}
                default_due={AttrValue::from(local_date_in(NEXT_STEP_DAYS))}
                saving={*saving} on_locate={on_locate.clone()} {on_save} {on_cancel} />
        }
    });
    let position_message = match position.position() {
        Position::Denied => Some(("denied", i18n.t("today-position-denied"))),
        Position::Unavailable => Some(("unavailable", i18n.t("today-position-unavailable"))),
        Position::Locating | Position::Located(_) => None,
    };
    let locate_again = {
        let position = position.clone();
        Callback::from(move |_: MouseEvent| {
            position.locate();
        })
    };
    let date = view
        .today
        .map(|date| crate::i18n::format::date(i18n.language(), &date.to_string()))
        .unwrap_or_default();
    html! {
        <section class="page today" aria-labelledby="today-title">
            <header class="page-header">
                <h1 id="today-title">{ i18n.t("today-title") }</h1>
                <span class="muted" id="today-date">{ date }</span>
            </header>
            <p id="today-announcement" class="visually-hidden" aria-live="polite" role="status">
                { (*announcement).clone() }
            </p>
            if let Some(message) = &view.error {
                <ErrorBanner problem={message.clone()} on_dismiss={Callback::noop()} />
            }
            if let Some(form) = form {
                <section class="visit-panel">{ form }</section>
            }
            if let Some((state, message)) = position_message {
                <div id="position-message" class="banner warning position-message" data-state={state} role="status">
                    <p>{ message }</p>
                    <button type="button" class="button ghost small" onclick={locate_again}>
                        { i18n.t("today-locate-again") }
                    </button>
                </div>
            }
            if !view.loaded {
                <p class="list-placeholder" aria-busy="true">{ i18n.t("today-loading") }</p>
            } else {
                <div class="today-grid">
                    <section class="today-section" aria-labelledby="visits-title">
                        <h2 id="visits-title">
                            { i18n.t("today-visits") }
                            <span class="count">{ visits.len() }</span>
                        </h2>
                        if matches!(position.position(), Position::Located(_)) {
                            <p class="muted today-hint">{ i18n.t("today-by-distance") }</p>
                        }
                        <PlannedVisitList visits={Rc::clone(&visits)} {on_start} />
                    </section>
                    <section class="today-section" aria-labelledby="tasks-title">
                        <h2 id="tasks-title">
                            { i18n.t("today-tasks") }
                            <span class="count">{ view.agenda.tasks.len() }</span>
                        </h2>
                        <DueTaskList tasks={Rc::new(view.agenda.tasks.clone())} {on_complete} />
                    </section>
                    <section class="today-section reported" aria-labelledby="reported-title">
                        <h2 id="reported-title">{ i18n.t("today-reported") }</h2>
                        <ReportedVisitList visits={Rc::new(view.agenda.reported.clone())} />
                    </section>
                    <ObjectivesBlock />
                </div>
            }
        </section>
    }
}
