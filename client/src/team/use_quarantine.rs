//! The changes set aside, for the settings section: the records they belong to (read through
//! the workspace worker, again whenever the unsynced summary may have changed: a purge, a
//! record back within reach, a discard), their download as JSON or CSV, and discarding them.

use std::rc::Rc;

use yew::prelude::*;

use crate::bridge::{Answer, Query};
use crate::download;
use crate::hooks::{use_sync, SyncHandle};
use crate::state::problem::Problem;
use crate::team::quarantine::{QuarantineFormat, QuarantinedRecord};
use crate::workspace::service::WorkspaceService;
use crate::workspace::transfer_job::{TransferDone, TransferJob};
use crate::workspace::{use_topic, Topic};

/// What the section shows.
#[derive(Clone, Debug, Default, PartialEq)]
pub(super) struct Quarantine {
    /// The records with changes set aside (`None` until first read).
    pub(super) records: Option<Rc<Vec<QuarantinedRecord>>>,
    /// Whether a download or a discard is under way.
    pub(super) busy: bool,
    /// Why the last read, download or discard failed.
    pub(super) problem: Option<Problem>,
}

/// What changes the section's state.
pub(super) enum QuarantineAction {
    /// The records were read, or could not be.
    Read(Result<Vec<QuarantinedRecord>, Problem>),
    /// A download or a discard started.
    Started,
    /// It ended (with the problem that stopped it).
    Finished(Option<Problem>),
}

impl Reducible for Quarantine {
    type Action = QuarantineAction;

    fn reduce(self: Rc<Self>, action: QuarantineAction) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            QuarantineAction::Read(Ok(records)) => next.records = Some(Rc::new(records)),
            QuarantineAction::Read(Err(problem)) => next.problem = Some(problem),
            QuarantineAction::Started => {
                next.busy = true;
                next.problem = None;
            }
            QuarantineAction::Finished(problem) => {
                next.busy = false;
                next.problem = problem;
            }
        }
        Rc::new(next)
    }
}

/// The section's handle.
#[derive(Clone, PartialEq)]
pub(super) struct QuarantineHandle {
    state: UseReducerHandle<Quarantine>,
    service: Option<WorkspaceService>,
}

impl QuarantineHandle {
    /// What to show.
    pub(super) fn state(&self) -> &Quarantine {
        &self.state
    }

    /// Downloads every change set aside as a file in `format`.
    pub(super) fn export(&self, format: QuarantineFormat) {
        let name = format!(
            "carnet-changes-set-aside-{}.{}",
            download::today(),
            format.extension()
        );
        self.run(TransferJob::ExportQuarantine(format), move |done| {
            let TransferDone::File { bytes, .. } = done else {
                return Err(Problem::new("problem-storage-aborted"));
            };
            download::offer(&bytes.0, format.mime(), &name)
                .map_err(|error| Problem::with_detail("problem-export-failed", error.to_string()))
        });
    }

    /// Deletes every change set aside (the rep confirmed); the worker then reports the
    /// unsynced summary stale, and the list is read again.
    pub(super) fn discard(&self) {
        self.run(TransferJob::DiscardQuarantine, |done| match done {
            TransferDone::Discarded(_) => Ok(()),
            _ => Err(Problem::new("problem-storage-aborted")),
        });
    }

    /// Runs `job` in the worker, then `finish` with what it produced.
    fn run(
        &self,
        job: TransferJob,
        finish: impl FnOnce(TransferDone) -> Result<(), Problem> + 'static,
    ) {
        let Some(service) = self.service.clone() else {
            return;
        };
        let dispatcher = self.state.dispatcher();
        dispatcher.dispatch(QuarantineAction::Started);
        let finished = service.transfer(job, |_, _| {});
        wasm_bindgen_futures::spawn_local(async move {
            let problem = finished.await.and_then(finish).err();
            dispatcher.dispatch(QuarantineAction::Finished(problem));
        });
    }
}

/// The changes set aside, read once the workspace service runs and again whenever the
/// unsynced summary may have changed.
#[hook]
pub(super) fn use_quarantine() -> QuarantineHandle {
    let state = use_reducer(Quarantine::default);
    let service = use_sync().as_ref().and_then(SyncHandle::workspace);
    let stale = use_topic(Topic::Unsynced);
    {
        let dispatcher = state.dispatcher();
        let service = service.clone();
        use_effect_with((service.is_some(), stale), move |_| {
            if let Some(service) = service {
                wasm_bindgen_futures::spawn_local(async move {
                    let read = match service.ask(Query::Quarantine).await {
                        Answer::Quarantine(read) => read,
                        _ => Err(Problem::new("problem-storage-aborted")),
                    };
                    dispatcher.dispatch(QuarantineAction::Read(read));
                });
            }
        });
    }
    QuarantineHandle { state, service }
}
