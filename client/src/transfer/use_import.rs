//! The import page's side of the wizard: the picked file read with the File API (on the device,
//! offline) and its bytes sent once to the workspace worker, which reads, maps and plans it, reads
//! the device's records for duplicates and the workspace's stages, and writes the import (one
//! transaction, progress, Cancel); the page sends the rep's choices as commands and shows the
//! [`ImportReview`] the worker answers with. Nothing is parsed or planned on the page's thread.
//! Once the worker says the import is stored, the page reports "saved locally" so every view
//! re-reads and sync sends it.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use yew::prelude::*;

use crate::hooks::{use_sync, SessionState, SyncHandle};
use crate::sales::catalogue_view::edits_catalogue;
use crate::state::file_bytes::FileBytes;
use crate::state::problem::Problem;
use crate::team::use_people;
use crate::transfer::review::ImportReview;
use crate::transfer::wizard::{ImportChoice, Step};
use crate::workspace::import_session::{ImportCommand, ReviewList};
use crate::workspace::service::{ImportListener, WorkspaceService};

/// What the import page can read and do.
#[derive(Clone, PartialEq)]
pub struct ImportHandle {
    review: UseStateHandle<Rc<ImportReview>>,
    read_error: UseStateHandle<Option<Problem>>,
    service: Option<WorkspaceService>,
    sync: Option<SyncHandle>,
    editor: bool,
}

impl ImportHandle {
    /// What the worker's wizard shows now.
    pub fn review(&self) -> &ImportReview {
        &self.review
    }

    /// Why the browser could not read the picked file, if it could not.
    pub fn read_error(&self) -> Option<&Problem> {
        self.read_error.as_ref()
    }

    /// Applies one of the rep's choices (encoding, delimiter, kind, mapping, decisions, steps).
    /// After a failure the worker may be a new one: "import another file" starts over there.
    pub fn choose(&self, choice: ImportChoice) {
        let Some(service) = &self.service else {
            return;
        };
        if choice == ImportChoice::Reset && matches!(self.review.step, Step::Failed(_)) {
            service.import(ImportCommand::Begin {
                workspace: workspace_of(self.sync.as_ref()),
            });
            service.import(ImportCommand::Choose(ImportChoice::KnowRole {
                edits_catalogue: self.editor,
            }));
            return;
        }
        service.import(ImportCommand::Choose(choice));
    }

    /// Shows one more page of the refused rows or of the duplicates.
    pub fn show_more(&self, list: ReviewList) {
        if let Some(service) = &self.service {
            service.import(ImportCommand::ShowMore(list));
        }
    }

    /// Reads the picked file's bytes on the device and hands them to the worker's wizard.
    pub fn open(&self, file: web_sys::File) {
        let Some(service) = self.service.clone() else {
            return;
        };
        let read_error = self.read_error.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let file = gloo::file::File::from(file);
            match gloo::file::futures::read_as_bytes(&file).await {
                Ok(bytes) => {
                    read_error.set(None);
                    service.import(ImportCommand::Choose(ImportChoice::Open {
                        name: file.name(),
                        bytes: FileBytes(bytes),
                    }));
                }
                Err(error) => read_error.set(Some(Problem::with_detail(
                    "problem-file-unreadable",
                    error.to_string(),
                ))),
            }
        });
    }

    /// Writes the plan the worker holds in one transaction, with progress; the rep can cancel
    /// until it commits.
    pub fn start(&self) {
        if let (Some(service), Some(sync)) = (&self.service, &self.sync) {
            service.import(ImportCommand::Start {
                stamp: sync.stamp(),
            });
        }
    }

    /// Stops the running import: its transaction is aborted and nothing is stored.
    pub fn cancel(&self) {
        if let Some(service) = &self.service {
            service.import(ImportCommand::Cancel);
        }
    }
}

/// The import wizard, held by the workspace worker and shown here.
#[hook]
pub fn use_import() -> ImportHandle {
    let review = use_state(|| Rc::new(ImportReview::empty()));
    let read_error = use_state(|| None::<Problem>);
    let sync = use_sync();
    let service = sync.as_ref().and_then(SyncHandle::workspace);
    let workspace = workspace_of(sync.as_ref());
    let people = use_people();
    let me = sync.as_ref().and_then(|sync| match sync.session() {
        SessionState::SignedIn(session) => Some(session.user.id),
        _ => None,
    });
    let editor = edits_catalogue(me.and_then(|me| people.role_of(me)));
    {
        // The page follows the worker's wizard, which starts over for it.
        let review = review.clone();
        let sync = sync.clone();
        use_effect_with((service.clone(), workspace), move |(service, workspace)| {
            let service = service.clone();
            if let Some(service) = &service {
                let importing = Rc::new(Cell::new(false));
                let last = Rc::new(RefCell::new(Rc::clone(&*review)));
                let listener: ImportListener = Rc::new(move |update| {
                    let next = match update {
                        Ok(next) => next,
                        // The worker is gone, and its wizard with it.
                        Err(problem) => ImportReview {
                            step: Step::Failed(problem),
                            ..last.borrow().as_ref().clone()
                        },
                    };
                    let was_importing =
                        importing.replace(matches!(next.step, Step::Importing { .. }));
                    if was_importing && matches!(next.step, Step::Done { .. }) {
                        if let Some(sync) = &sync {
                            sync.saved_locally();
                            sync.keep_storage();
                        }
                    }
                    let next = Rc::new(next);
                    *last.borrow_mut() = Rc::clone(&next);
                    review.set(next);
                });
                service.follow_import(Some(listener));
                service.import(ImportCommand::Begin {
                    workspace: *workspace,
                });
            }
            move || {
                if let Some(service) = service {
                    service.follow_import(None);
                }
            }
        });
    }
    {
        // Products are offered once the rep's role says they may write the catalogue.
        let service = service.clone();
        use_effect_with((service, editor), move |(service, editor)| {
            if let Some(service) = service {
                service.import(ImportCommand::Choose(ImportChoice::KnowRole {
                    edits_catalogue: *editor,
                }));
            }
        });
    }
    ImportHandle {
        review,
        read_error,
        service,
        sync,
        editor,
    }
}

fn workspace_of(sync: Option<&SyncHandle>) -> Option<shared::ids::WorkspaceId> {
    sync.and_then(|sync| match sync.session() {
        SessionState::SignedIn(session) => Some(session.workspace.id),
        _ => None,
    })
}
