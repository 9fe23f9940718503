//! The segments for the dashboard: asked of the workspace worker (`Query::Segments`, at the
//! page's clock) once the service runs and again whenever the dashboard's topic goes stale (a
//! record or the settings changed, here or through sync). Segments are saved and removed as a
//! patch of the settings document (the relay takes it from managers and admins only); a call
//! list is made by the worker (`Query::CallList`) and offered as a download.

use std::rc::Rc;

use shared::cockpit::Segment;
use shared::ids::WorkspaceId;
use shared::settings::SegmentSetting;
use yew::prelude::*;

use crate::bridge::{Answer, Query};
use crate::dashboard::segment_figures::{call_list_file_name, SegmentsFigures};
use crate::dashboard::use_dashboard::change_settings;
use crate::download;
use crate::hooks::{use_sync, SessionState, SyncHandle};
use crate::state::problem::Problem;
use crate::workspace::{use_topic, Topic};

/// What the section shows.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct SegmentsView {
    /// The segments (`None` until first computed).
    pub(crate) figures: Option<Rc<SegmentsFigures>>,
    /// Why the last computation, change or download failed.
    pub(crate) problem: Option<Problem>,
}

/// The segments and their intents.
#[derive(Clone, PartialEq)]
pub(crate) struct SegmentsHandle {
    view: UseStateHandle<SegmentsView>,
    sync: Option<SyncHandle>,
}

impl SegmentsHandle {
    /// What to show.
    pub(crate) fn view(&self) -> &SegmentsView {
        &self.view
    }

    /// Saves `segment` as a new one, made by the signed-in person now.
    pub(crate) fn save(&self, segment: &Segment) {
        let Some(me) = self.sync.as_ref().and_then(|sync| match sync.session() {
            SessionState::SignedIn(session) => Some(session.user.id),
            _ => None,
        }) else {
            return self.failed(Problem::new("problem-signed-out"));
        };
        let saved = match SegmentSetting::new(segment, me, now()) {
            Ok(saved) => saved,
            Err(error) => {
                return self.failed(Problem::with_detail(
                    "problem-segment-invalid",
                    error.to_string(),
                ))
            }
        };
        let id = uuid::Uuid::new_v4().to_string();
        let view = self.view.clone();
        change_settings(
            self.sync.clone(),
            "save a segment",
            move |settings| {
                settings.segments.insert(id, saved);
            },
            move |problem| failed(&view, problem),
        );
    }

    /// Removes segment `id`.
    pub(crate) fn remove(&self, id: String) {
        let view = self.view.clone();
        change_settings(
            self.sync.clone(),
            "remove a segment",
            move |settings| {
                settings.segments.remove(&id);
            },
            move |problem| failed(&view, problem),
        );
    }

    /// Downloads segment `id`'s call list as CSV, made by the worker, in a file named after
    /// the segment (`name`).
    pub(crate) fn download_call_list(&self, id: String, name: &str) {
        let file_name = call_list_file_name(name, &download::today());
        let view = self.view.clone();
        let Some(service) = self.sync.as_ref().and_then(SyncHandle::workspace) else {
            return failed(&view, Problem::new("problem-storage-not-ready"));
        };
        let workspace = workspace_of(self.sync.as_ref());
        wasm_bindgen_futures::spawn_local(async move {
            let query = Query::CallList {
                workspace,
                segment: id,
                now: now(),
            };
            let made = match service.ask(query).await {
                Answer::CallList(made) => made,
                _ => Err(Problem::new("problem-storage-aborted")),
            };
            let offered = made.and_then(|bytes| {
                download::offer(&bytes, "text/csv;charset=utf-8", &file_name).map_err(|error| {
                    Problem::with_detail("problem-download-failed", error.to_string())
                })
            });
            if let Err(problem) = offered {
                failed(&view, problem);
            }
        });
    }

    fn failed(&self, problem: Problem) {
        failed(&self.view, problem);
    }
}

fn failed(view: &UseStateHandle<SegmentsView>, problem: Problem) {
    view.set(SegmentsView {
        problem: Some(problem),
        ..(**view).clone()
    });
}

/// Whole seconds of the page's clock (never `SystemTime`: it traps here).
fn now() -> i64 {
    (js_sys::Date::now() / 1000.0).floor() as i64
}

fn workspace_of(sync: Option<&SyncHandle>) -> Option<WorkspaceId> {
    sync.and_then(|sync| match sync.session() {
        SessionState::SignedIn(session) => Some(session.workspace.id),
        _ => None,
    })
}

/// The segments, computed by the worker and kept fresh.
#[hook]
pub(crate) fn use_segments() -> SegmentsHandle {
    let view = use_state(SegmentsView::default);
    let sync = use_sync();
    let service = sync.as_ref().and_then(SyncHandle::workspace);
    let workspace = workspace_of(sync.as_ref());
    let stale = use_topic(Topic::Dashboard);
    {
        let view = view.clone();
        use_effect_with(
            (service, workspace, stale),
            move |(service, workspace, _)| {
                if let Some(service) = service.clone() {
                    let workspace = *workspace;
                    wasm_bindgen_futures::spawn_local(async move {
                        let query = Query::Segments {
                            workspace,
                            now: now(),
                        };
                        let read = match service.ask(query).await {
                            Answer::Segments(read) => read,
                            _ => Err(Problem::new("problem-storage-aborted")),
                        };
                        view.set(match read {
                            Ok(figures) => SegmentsView {
                                figures: Some(Rc::new(figures)),
                                problem: None,
                            },
                            Err(problem) => SegmentsView {
                                problem: Some(problem),
                                ..(*view).clone()
                            },
                        });
                    });
                }
            },
        );
    }
    SegmentsHandle { view, sync }
}
