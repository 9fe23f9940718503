//! The import wizard's data: the picked file read with the File API (on the device, offline),
//! the keys of the device's records for duplicate checks, the workspace's stages, and the
//! import itself (one transaction, progress, Cancel), then "saved locally" so sync sends it.
//! The keys, the stages and the import's writes come from the workspace worker, which reads and
//! builds the documents; the page plans the import (validation, duplicates, the rep's choices)
//! and sends what to write as plain data.
//!
//! Duplicate keys of the device's records: for accounts, every account's index row gives its
//! normalised name and postcode, and every account document is read for its SIRET and e-mail
//! addresses (rows carry neither); for contacts, every contact document is read for its e-mail
//! addresses; for products, every catalogue index row gives its reference; deals have no
//! duplicate keys. Products are offered only to managers and admins (the team's roles). Reading documents costs a few seconds on a device
//! with 10,000 accounts, once per picked file, off the page's thread.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use shared::settings::Settings;
use shared::transfer::ImportRules;
use yew::prelude::*;

use crate::bridge::Ticket;
use crate::hooks::{use_sync, SessionState, SyncHandle};
use crate::sales::catalogue_view::edits_catalogue;
use crate::state::problem::Problem;
use crate::team::use_people;
use crate::transfer::wizard::{ImportAction, ImportWizard};
use crate::workspace::service::WorkspaceService;
use crate::workspace::transfer_job::{TransferDone, TransferJob};

impl Reducible for ImportWizard {
    type Action = ImportAction;

    fn reduce(self: Rc<Self>, action: Self::Action) -> Rc<Self> {
        Rc::new(Rc::unwrap_or_clone(self).apply(action))
    }
}

/// What the import page can read and do.
#[derive(Clone)]
pub struct ImportHandle {
    state: UseReducerHandle<ImportWizard>,
    names: Rc<HashMap<String, String>>,
    read_error: UseStateHandle<Option<Problem>>,
    sync: Option<SyncHandle>,
    /// The running import's ticket, to cancel it.
    running: Rc<RefCell<Option<(WorkspaceService, Ticket)>>>,
}

impl PartialEq for ImportHandle {
    fn eq(&self, other: &Self) -> bool {
        self.state == other.state
            && Rc::ptr_eq(&self.names, &other.names)
            && self.read_error == other.read_error
            && self.sync == other.sync
    }
}

impl ImportHandle {
    /// The wizard's state.
    pub fn state(&self) -> &ImportWizard {
        &self.state
    }

    /// The display names of the device's records by id (for duplicates of stored records).
    pub fn names(&self) -> Rc<HashMap<String, String>> {
        Rc::clone(&self.names)
    }

    /// Why the browser could not read the picked file, if it could not.
    pub fn read_error(&self) -> Option<&Problem> {
        self.read_error.as_ref()
    }

    /// Applies one of the rep's choices (encoding, delimiter, kind, mapping, decisions, steps).
    pub fn choose(&self, action: ImportAction) {
        self.state.dispatch(action);
    }

    /// Reads the picked file's bytes on the device and opens it in the wizard.
    pub fn open(&self, file: web_sys::File) {
        let dispatcher = self.state.dispatcher();
        let read_error = self.read_error.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let file = gloo::file::File::from(file);
            match gloo::file::futures::read_as_bytes(&file).await {
                Ok(bytes) => {
                    read_error.set(None);
                    dispatcher.dispatch(ImportAction::Open {
                        name: file.name(),
                        bytes: Rc::new(bytes),
                    });
                }
                Err(error) => read_error.set(Some(Problem::with_detail(
                    "problem-file-unreadable",
                    error.to_string(),
                ))),
            }
        });
    }

    /// Writes the plan in one transaction (in the workspace worker), with progress; the rep
    /// can cancel until it commits.
    pub fn start(&self) {
        let Some(sync) = self.sync.clone() else {
            return;
        };
        let (Some(service), Some(plan)) = (sync.workspace(), self.state.plan.clone()) else {
            return;
        };
        let summary = plan.summary();
        let dispatcher = self.state.dispatcher();
        dispatcher.dispatch(ImportAction::Start {
            total: summary.create + summary.merge_existing,
        });
        let job = TransferJob::Import {
            work: plan.work(),
            stamp: sync.stamp(),
        };
        let (ticket, finished) = service.transfer(job, {
            let dispatcher = dispatcher.clone();
            move |done, _| dispatcher.dispatch(ImportAction::Progress(done))
        });
        *self.running.borrow_mut() = Some((service, ticket));
        let running = Rc::clone(&self.running);
        wasm_bindgen_futures::spawn_local(async move {
            let outcome = finished.await;
            running.borrow_mut().take();
            match outcome {
                Ok(TransferDone::Imported(imported)) => {
                    dispatcher.dispatch(ImportAction::Finish {
                        created: imported.created,
                        merged: imported.merged,
                    });
                    sync.saved_locally();
                    sync.keep_storage();
                }
                Ok(TransferDone::Cancelled) => dispatcher.dispatch(ImportAction::Cancelled),
                Ok(_) => {
                    dispatcher.dispatch(ImportAction::Fail(Problem::new("problem-storage-aborted")))
                }
                Err(problem) => dispatcher.dispatch(ImportAction::Fail(problem)),
            }
        });
    }

    /// Stops the running import: its transaction is aborted and nothing is stored.
    pub fn cancel(&self) {
        if let Some((service, ticket)) = self.running.borrow().as_ref() {
            service.cancel_transfer(*ticket);
        }
    }
}

/// The import wizard, fed from the device's data through the workspace worker.
#[hook]
pub fn use_import() -> ImportHandle {
    let state = use_reducer(|| ImportWizard::new(ImportRules::from_settings(&Settings::starter())));
    let names = use_state(|| Rc::new(HashMap::new()));
    let read_error = use_state(|| None::<Problem>);
    let running = use_memo((), |()| RefCell::new(None));
    let sync = use_sync();
    let service = sync.as_ref().and_then(SyncHandle::workspace);
    let workspace = sync.as_ref().and_then(|sync| match sync.session() {
        SessionState::SignedIn(session) => Some(session.workspace.id),
        _ => None,
    });
    let people = use_people();
    let me = sync.as_ref().and_then(|sync| match sync.session() {
        SessionState::SignedIn(session) => Some(session.user.id),
        _ => None,
    });
    let editor = edits_catalogue(me.and_then(|me| people.role_of(me)));
    {
        // Products are offered once the rep's role says they may write the catalogue.
        let dispatcher = state.dispatcher();
        use_effect_with(editor, move |editor| {
            dispatcher.dispatch(ImportAction::KnowRole {
                edits_catalogue: *editor,
            });
        });
    }
    {
        let dispatcher = state.dispatcher();
        use_effect_with((service.clone(), workspace), move |(service, workspace)| {
            if let (Some(service), Some(workspace)) = (service.clone(), *workspace) {
                wasm_bindgen_futures::spawn_local(async move {
                    match service.read_record::<Settings>(workspace).await {
                        Ok(Some(settings)) => dispatcher.dispatch(ImportAction::KnowRules(
                            ImportRules::from_settings(&settings),
                        )),
                        Ok(None) => {}
                        Err(problem) => gloo::console::warn!(format!("settings: {}", problem.id)),
                    }
                });
            }
        });
    }
    {
        // The keys are read again for each file, so records imported or synced since count.
        let dispatcher = state.dispatcher();
        let names = names.clone();
        let entity = state.entity;
        let file = state.file_name.clone();
        use_effect_with((service, entity, file), move |(service, entity, _)| {
            if let Some(service) = service.clone() {
                let entity = *entity;
                wasm_bindgen_futures::spawn_local(async move {
                    let (_, finished) =
                        service.transfer(TransferJob::ExistingKeys(entity), |_, _| {});
                    match finished.await {
                        Ok(TransferDone::Keys { keys, names: found }) => {
                            names.set(Rc::new(found));
                            dispatcher.dispatch(ImportAction::KnowExisting {
                                entity,
                                keys: Rc::new(keys),
                            });
                        }
                        Ok(_) => dispatcher
                            .dispatch(ImportAction::Fail(Problem::new("problem-storage-aborted"))),
                        Err(problem) => dispatcher.dispatch(ImportAction::Fail(problem)),
                    }
                });
            }
        });
    }
    ImportHandle {
        state,
        names: (*names).clone(),
        read_error,
        sync,
        running,
    }
}
