//! An account's tasks: open ones first by due date, overdue ones highlighted, a checkbox to
//! complete (or reopen) each, and a small form to add one.

use shared::values::Date;
use yew::prelude::*;

use super::record_fields::{event_checked, event_value};
use crate::hooks::use_i18n;
use crate::i18n::format;
use crate::records::account_view::TaskItem;

/// Task `task` is now done (or open).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaskToggle {
    /// The task's id.
    pub task: String,
    /// Whether it is done.
    pub done: bool,
}

/// A task to add.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewTask {
    /// What to do.
    pub title: String,
    /// When (`2025-03-31`), or empty.
    pub due: String,
}

/// Props of [`TaskList`].
#[derive(Properties, PartialEq)]
pub struct TaskListProps {
    /// The tasks.
    pub tasks: Vec<TaskItem>,
    /// Today, to highlight overdue tasks.
    pub today: Option<Date>,
    /// Complete or reopen a task.
    pub on_toggle: Callback<TaskToggle>,
    /// Add a task; answers the problem when refused.
    pub on_add: Callback<NewTask, Option<AttrValue>>,
}

/// The tasks.
#[component]
pub fn TaskList(props: &TaskListProps) -> Html {
    let i18n = use_i18n();
    let title = use_state(String::new);
    let due = use_state(String::new);
    let problem = use_state(|| None::<AttrValue>);
    let onsubmit = {
        let (title, due, problem) = (title.clone(), due.clone(), problem.clone());
        let on_add = props.on_add.clone();
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let refused = on_add.emit(NewTask {
                title: (*title).clone(),
                due: (*due).clone(),
            });
            if refused.is_none() {
                title.set(String::new());
                due.set(String::new());
            }
            problem.set(refused);
        })
    };
    let on_title = {
        let title = title.clone();
        Callback::from(move |event: InputEvent| title.set(event_value(&event)))
    };
    let on_due = {
        let due = due.clone();
        Callback::from(move |event: InputEvent| due.set(event_value(&event)))
    };
    html! {
        <section class="card tasks" aria-labelledby="tasks-title">
            <header class="section-header">
                <h2 id="tasks-title">{ i18n.t("account-tasks") }</h2>
            </header>
            if props.tasks.is_empty() {
                <p class="muted">{ i18n.t("account-tasks-empty") }</p>
            }
            <ul class="task-list">
                { for props.tasks.iter().map(|task| {
                    let overdue = props.today.is_some_and(|today| task.is_overdue(today));
                    let toggle = {
                        let id = task.id.clone();
                        props.on_toggle.reform(move |event: Event| TaskToggle { task: id.clone(), done: event_checked(&event) })
                    };
                    let checkbox = format!("task-{}", task.id);
                    html! {
                        <li key={task.id.clone()} data-task-id={task.id.clone()}
                            class={classes!("task", task.done.then_some("done"), overdue.then_some("overdue"))}>
                            <input id={checkbox.clone()} type="checkbox" class="task-done" checked={task.done} onchange={toggle} />
                            <label for={checkbox} class="task-title">{ task.title.clone() }</label>
                            if let Some(due) = task.due {
                                <span class="task-due">
                                    { i18n.t_with(if overdue { "account-task-overdue" } else { "account-task-due" },
                                        &[("date", format::date(i18n.language(), &due.to_string()).as_str().into())]) }
                                </span>
                            }
                        </li>
                    }
                }) }
            </ul>
            <form class="task-form" {onsubmit}>
                <div class="field">
                    <label class="field-label" for="new-task-title">{ i18n.t("account-new-task") }</label>
                    <input id="new-task-title" type="text" value={(*title).clone()} oninput={on_title}
                        aria-describedby="new-task-error" />
                </div>
                <div class="field">
                    <label class="field-label" for="new-task-due">{ i18n.t("account-new-task-due") }</label>
                    <input id="new-task-due" type="date" value={(*due).clone()} oninput={on_due} />
                </div>
                <button id="add-task" type="submit" class="button primary">{ i18n.t("account-add-task") }</button>
                if let Some(message) = &*problem {
                    <p id="new-task-error" class="field-error" role="alert">{ message.clone() }</p>
                }
            </form>
        </section>
    }
}
