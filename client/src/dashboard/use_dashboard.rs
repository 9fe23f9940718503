//! The dashboard's figures for a page (the dashboard, or Today's objectives block): asked of
//! the workspace worker (`Query::Dashboard`, at the page's clock) once the service runs and
//! again whenever the dashboard's topic goes stale (a record or the settings changed, here or
//! through sync). Objectives are changed through the workspace service's one write path, as a
//! patch of the settings document (the relay takes it from managers and admins only).

use std::rc::Rc;

use shared::ids::WorkspaceId;
use shared::settings::{ObjectiveSetting, Settings};
use yew::prelude::*;

use crate::bridge::{Answer, Query};
use crate::dashboard::figures::DashboardFigures;
use crate::hooks::{use_sync, SessionState, SyncHandle};
use crate::state::problem::Problem;
use crate::workspace::{use_topic, Topic};

/// What the page shows.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DashboardView {
    /// The figures (`None` until first computed).
    pub figures: Option<Rc<DashboardFigures>>,
    /// Why the last computation or objective change failed.
    pub problem: Option<Problem>,
}

/// The figures and the objectives' intents.
#[derive(Clone, PartialEq)]
pub struct DashboardHandle {
    view: UseStateHandle<DashboardView>,
    sync: Option<SyncHandle>,
}

impl DashboardHandle {
    /// What to show.
    pub fn view(&self) -> &DashboardView {
        &self.view
    }

    /// Adds (or replaces) objective `id`.
    pub fn set_objective(&self, id: String, setting: ObjectiveSetting) {
        self.change("set an objective", move |settings| {
            settings.objectives.insert(id, setting);
        });
    }

    /// Removes objective `id`.
    pub fn remove_objective(&self, id: String) {
        self.change("remove an objective", move |settings| {
            settings.objectives.remove(&id);
        });
    }

    fn change(&self, message: &'static str, change: impl FnOnce(&mut Settings) + 'static) {
        let view = self.view.clone();
        change_settings(
            self.sync.clone(),
            message,
            change,
            move |problem: Problem| {
                view.set(DashboardView {
                    problem: Some(problem),
                    ..(*view).clone()
                });
            },
        );
    }
}

/// Changes the workspace settings with `change` through the workspace service's one write
/// path (a patch of the settings document), described as `message`; tells `failed` why not.
pub(crate) fn change_settings(
    sync: Option<SyncHandle>,
    message: &'static str,
    change: impl FnOnce(&mut Settings) + 'static,
    failed: impl FnOnce(Problem) + 'static,
) {
    let Some(sync) = sync else {
        return failed(Problem::new("problem-storage-not-ready"));
    };
    let (Some(service), SessionState::SignedIn(session)) = (sync.workspace(), sync.session())
    else {
        return failed(Problem::new("problem-storage-not-ready"));
    };
    let (workspace, stamp) = (session.workspace.id, sync.stamp());
    wasm_bindgen_futures::spawn_local(async move {
        if let Err(problem) = service
            .update_record::<Settings>(workspace, stamp, message, change)
            .await
        {
            failed(problem);
        }
    });
}

/// The dashboard's figures, computed by the worker and kept fresh.
#[hook]
pub fn use_dashboard() -> DashboardHandle {
    let view = use_state(DashboardView::default);
    let sync = use_sync();
    let service = sync.as_ref().and_then(SyncHandle::workspace);
    let workspace: Option<WorkspaceId> = sync.as_ref().and_then(|sync| match sync.session() {
        SessionState::SignedIn(session) => Some(session.workspace.id),
        _ => None,
    });
    let stale = use_topic(Topic::Dashboard);
    {
        let view = view.clone();
        use_effect_with(
            (service, workspace, stale),
            move |(service, workspace, _)| {
                if let Some(service) = service.clone() {
                    let workspace = *workspace;
                    wasm_bindgen_futures::spawn_local(async move {
                        // Whole seconds of the page's clock (never `SystemTime`: it traps here).
                        let now = (js_sys::Date::now() / 1000.0).floor() as i64;
                        let asked = js_sys::Date::now();
                        let read = match service.ask(Query::Dashboard { workspace, now }).await {
                            Answer::Dashboard(read) => read.map(|mut figures| {
                                figures
                                    .timings
                                    .push(("round trip".to_owned(), js_sys::Date::now() - asked));
                                figures
                            }),
                            _ => Err(Problem::new("problem-storage-aborted")),
                        };
                        view.set(match read {
                            Ok(figures) => DashboardView {
                                figures: Some(Rc::new(*figures)),
                                problem: None,
                            },
                            Err(problem) => DashboardView {
                                problem: Some(problem),
                                ..(*view).clone()
                            },
                        });
                    });
                }
            },
        );
    }
    DashboardHandle { view, sync }
}
