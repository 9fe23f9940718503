//! The import wizard's data: the picked file read with the File API (on the device, offline),
//! the keys of the device's records for duplicate checks, the workspace's stages, and the
//! import itself (one transaction, progress, Cancel), then "saved locally" so sync sends it.
//!
//! Duplicate keys of the device's records: for accounts, every account's index row gives its
//! normalised name and postcode, and every account document is loaded for its SIRET and
//! e-mail addresses (rows carry neither); for contacts, every contact document is loaded for
//! its e-mail addresses; deals have no duplicate keys. Loading documents costs a few seconds on
//! a device with 10,000 accounts, once per picked file, and finds every duplicate the rules
//! define; an index of SIRETs and e-mails would be the next step if that ever shows.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use shared::account::Account;
use shared::contact::Contact;
use shared::edit::Edit;
use shared::ids::WorkspaceId;
use shared::settings::Settings;
use shared::transfer::{Entity, ExistingKeys, ImportRules};
use yew::prelude::*;

use crate::hooks::{use_storage, use_sync, SessionState, StorageState, SyncHandle};
use crate::state::problem::Problem;
use crate::storage::{CancelImport, Storage, StorageError, TransferError};
use crate::transfer::wizard::{ImportAction, ImportWizard};

/// Documents built and written per chunk: small enough that the page repaints and the Cancel
/// button answers between chunks, large enough that 10,000 rows take seconds.
const CHUNK: usize = 200;

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
    storage: Option<Rc<Storage>>,
    sync: Option<SyncHandle>,
    cancel: Rc<RefCell<Option<CancelImport>>>,
}

impl PartialEq for ImportHandle {
    fn eq(&self, other: &Self) -> bool {
        self.state == other.state
            && Rc::ptr_eq(&self.names, &other.names)
            && self.read_error == other.read_error
            && self.storage == other.storage
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

    /// Writes the plan in one transaction, with progress; the rep can cancel until it commits.
    pub fn start(&self) {
        let (Some(storage), Some(plan)) = (self.storage.clone(), self.state.plan.clone()) else {
            return;
        };
        let summary = plan.summary();
        let dispatcher = self.state.dispatcher();
        dispatcher.dispatch(ImportAction::Start {
            total: summary.create + summary.merge_existing,
        });
        let cancel = CancelImport::new();
        *self.cancel.borrow_mut() = Some(cancel.clone());
        let sync = self.sync.clone();
        let edit = edit_now(sync.as_ref());
        wasm_bindgen_futures::spawn_local(async move {
            let progress = {
                let dispatcher = dispatcher.clone();
                move |done| dispatcher.dispatch(ImportAction::Progress(done))
            };
            let outcome = storage
                .import(plan.writes(&edit, CHUNK), &edit, &cancel, progress)
                .await;
            match outcome {
                Ok(imported) => {
                    dispatcher.dispatch(ImportAction::Finish {
                        created: imported.created,
                        merged: imported.merged,
                    });
                    if let Some(sync) = &sync {
                        sync.saved_locally();
                    }
                    if let Err(error) = storage.ensure_persistence().await {
                        gloo::console::warn!(format!("persistence not recorded: {error}"));
                    }
                }
                Err(TransferError::Cancelled) => dispatcher.dispatch(ImportAction::Cancelled),
                Err(error) => dispatcher.dispatch(ImportAction::Fail(error.problem())),
            }
        });
    }

    /// Stops the running import: its transaction is aborted and nothing is stored.
    pub fn cancel(&self) {
        if let Some(cancel) = self.cancel.borrow().as_ref() {
            cancel.cancel();
        }
    }
}

/// The import wizard, fed from the device's storage.
#[hook]
pub fn use_import() -> ImportHandle {
    let state = use_reducer(|| ImportWizard::new(ImportRules::from_settings(&Settings::starter())));
    let names = use_state(|| Rc::new(HashMap::new()));
    let read_error = use_state(|| None::<Problem>);
    let cancel = use_memo((), |()| RefCell::new(None));
    let storage = match use_storage() {
        StorageState::Ready(storage) => Some(storage),
        _ => None,
    };
    let sync = use_sync();
    let workspace = sync.as_ref().and_then(|sync| match sync.session() {
        SessionState::SignedIn(session) => session.workspace.id.parse::<WorkspaceId>().ok(),
        _ => None,
    });
    {
        let dispatcher = state.dispatcher();
        use_effect_with((storage.clone(), workspace), move |(storage, workspace)| {
            if let (Some(storage), Some(workspace)) = (storage.clone(), *workspace) {
                wasm_bindgen_futures::spawn_local(async move {
                    match storage.load_document::<Settings>(workspace).await {
                        Ok(Some(document)) => match document.record() {
                            Ok(settings) => dispatcher.dispatch(ImportAction::KnowRules(
                                ImportRules::from_settings(&settings),
                            )),
                            Err(error) => gloo::console::warn!(format!("settings: {error}")),
                        },
                        Ok(None) => {}
                        Err(error) => gloo::console::warn!(format!("settings: {error}")),
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
        use_effect_with(
            (storage.clone(), entity, file),
            move |(storage, entity, _)| {
                if let Some(storage) = storage.clone() {
                    let entity = *entity;
                    wasm_bindgen_futures::spawn_local(async move {
                        match existing_keys(&storage, entity).await {
                            Ok((keys, found)) => {
                                names.set(Rc::new(found));
                                dispatcher.dispatch(ImportAction::KnowExisting {
                                    entity,
                                    keys: Rc::new(keys),
                                });
                            }
                            Err(error) => dispatcher.dispatch(ImportAction::Fail(error.problem())),
                        }
                    });
                }
            },
        );
    }
    ImportHandle {
        state,
        names: (*names).clone(),
        read_error,
        storage,
        sync,
        cancel,
    }
}

/// The duplicate keys of the device's records of `entity`, and their display names by id.
async fn existing_keys(
    storage: &Storage,
    entity: Entity,
) -> Result<(ExistingKeys, HashMap<String, String>), StorageError> {
    let mut keys = ExistingKeys::new();
    let mut names = HashMap::new();
    match entity {
        Entity::Account => {
            for row in storage.account_rows().await? {
                keys.insert_account_row(&row);
                names.insert(row.id.clone(), row.name.clone());
            }
            for (id, account) in storage.records::<Account>().await? {
                keys.insert_account(id.to_string(), &account);
            }
        }
        Entity::Contact => {
            for (id, contact) in storage.records::<Contact>().await? {
                keys.insert_contact(id.to_string(), &contact);
                names.insert(id.to_string(), contact.display_name());
            }
        }
        Entity::Deal => {}
    }
    Ok((keys, names))
}

/// The signed-in rep's edit at the device's current time.
pub(crate) fn edit_now(sync: Option<&SyncHandle>) -> Edit {
    let now_seconds = (js_sys::Date::now() / 1000.0) as i64;
    let editor = sync.and_then(|sync| match sync.session() {
        SessionState::SignedIn(session) => session.editor(),
        _ => None,
    });
    match editor {
        Some(editor) => Edit::by(editor, now_seconds),
        None => Edit::anonymous(now_seconds),
    }
}
