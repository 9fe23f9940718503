//! Data out and back in: CSV exports per kind of record, vCard exports (every contact, or one),
//! the full backup file and its restore. Files are built on the device from its storage and
//! handed over as downloads; a restore reads a picked file and merges it (nothing overwritten),
//! then tells sync so the changes new to this device go out.
//!
//! The accounts list has no filter state yet, so exports hold every record of their kind.

use std::collections::HashMap;
use std::rc::Rc;

use shared::account::Account;
use shared::contact::Contact;
use shared::deal::Deal;
use shared::ids::{ContactId, WorkspaceId};
use shared::transfer::{
    contacts_to_vcard, export_accounts, export_contacts, export_deals, Backup, Delimiter, Entity,
    VcardContact,
};
use yew::prelude::*;

use crate::download;
use crate::hooks::{use_storage, use_sync, SessionState, StorageState, SyncHandle};
use crate::state::problem::Problem;
use crate::storage::{Restored, Storage};

/// What the last export, backup or restore did.
#[derive(Clone, Debug, PartialEq)]
pub enum TransferOutcome {
    /// Records written to a downloaded file.
    Exported(usize),
    /// Documents written to a downloaded backup.
    BackedUp(usize),
    /// A backup merged into the device's data.
    Restored(Restored),
    /// The picked file is not a backup this app can restore (the stable code says why).
    Refused(&'static str),
    /// Something failed; nothing was changed.
    Failed(Problem),
}

/// The state of the data transfer section.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DataTransfer {
    /// Whether a file is being made or restored.
    pub busy: bool,
    /// The last outcome.
    pub outcome: Option<TransferOutcome>,
}

/// What the settings page (and the contact page) can do with the device's data.
#[derive(Clone, PartialEq)]
pub struct DataTransferHandle {
    state: UseStateHandle<DataTransfer>,
    storage: Option<Rc<Storage>>,
    sync: Option<SyncHandle>,
}

impl DataTransferHandle {
    /// What to show.
    pub fn state(&self) -> &DataTransfer {
        &self.state
    }

    /// Downloads every record of `entity` as CSV (UTF-8 with BOM) separated by `delimiter`.
    pub fn export_csv(&self, entity: Entity, delimiter: Delimiter) {
        self.run(move |storage, _| async move {
            let (bytes, count) = match entity {
                Entity::Account => {
                    let records = storage
                        .records::<Account>()
                        .await
                        .map_err(|error| error.problem())?;
                    let bytes = export_accounts(records.iter().map(|(_, r)| r), delimiter);
                    (bytes, records.len())
                }
                Entity::Contact => {
                    let records = storage
                        .records::<Contact>()
                        .await
                        .map_err(|error| error.problem())?;
                    let bytes = export_contacts(records.iter().map(|(_, r)| r), delimiter);
                    (bytes, records.len())
                }
                Entity::Deal => {
                    let records = storage
                        .records::<Deal>()
                        .await
                        .map_err(|error| error.problem())?;
                    let bytes = export_deals(records.iter().map(|(_, r)| r), delimiter);
                    (bytes, records.len())
                }
            };
            let bytes = bytes.map_err(|error| failure("problem-export-failed", error))?;
            let name = format!("carnet-{}-{}.csv", plural(entity), download::today());
            download::offer(&bytes, "text/csv;charset=utf-8", &name)
                .map_err(|error| failure("problem-download-failed", error))?;
            Ok(TransferOutcome::Exported(count))
        });
    }

    /// Downloads every contact as one vCard 4.0 file.
    pub fn export_vcards(&self) {
        self.run(|storage, _| async move {
            let contacts = storage
                .records::<Contact>()
                .await
                .map_err(|error| error.problem())?;
            let text = vcards(&storage, &contacts).await?;
            let name = format!("carnet-contacts-{}.vcf", download::today());
            download::offer(text.as_bytes(), "text/vcard;charset=utf-8", &name)
                .map_err(|error| failure("problem-download-failed", error))?;
            Ok(TransferOutcome::Exported(contacts.len()))
        });
    }

    /// Downloads one contact as a vCard 4.0 file (the hook for a contact page's button).
    pub fn export_contact_vcard(&self, id: ContactId) {
        self.run(move |storage, _| async move {
            let Some(document) = storage
                .load_document::<Contact>(id)
                .await
                .map_err(|error| error.problem())?
            else {
                return Err(Problem::new("problem-record-missing"));
            };
            let contact = document
                .record()
                .map_err(|error| failure("problem-storage-corrupt", error))?;
            let contacts = [(id, contact)];
            let text = vcards(&storage, &contacts).await?;
            let name = format!("{}.vcf", file_stem(&contacts[0].1.display_name()));
            download::offer(text.as_bytes(), "text/vcard;charset=utf-8", &name)
                .map_err(|error| failure("problem-download-failed", error))?;
            Ok(TransferOutcome::Exported(1))
        });
    }

    /// Downloads the full backup: every document in Automerge's binary form and a manifest.
    pub fn backup(&self) {
        self.run(|storage, workspace| async move {
            let workspace = workspace.ok_or_else(|| Problem::new("problem-signed-out"))?;
            let documents = storage
                .backup_documents()
                .await
                .map_err(|error| error.problem())?;
            let now = (js_sys::Date::now() / 1000.0) as i64;
            let file = Backup::write(workspace, now, &documents)
                .map_err(|error| failure("problem-export-failed", error))?;
            let name = format!("carnet-sauvegarde-{}.carnet", download::today());
            download::offer(&file, "application/octet-stream", &name)
                .map_err(|error| failure("problem-download-failed", error))?;
            Ok(TransferOutcome::BackedUp(documents.len()))
        });
    }

    /// Reads the picked backup file and merges it into the device's data; a damaged, foreign
    /// or other workspace's file is refused whole and changes nothing.
    pub fn restore(&self, file: web_sys::File) {
        let sync = self.sync.clone();
        self.run(move |storage, workspace| async move {
            let file = gloo::file::File::from(file);
            let bytes = gloo::file::futures::read_as_bytes(&file)
                .await
                .map_err(|error| failure("problem-file-unreadable", error))?;
            let backup = match Backup::read(&bytes) {
                Ok(backup) => backup,
                Err(error) => return Ok(TransferOutcome::Refused(error.code())),
            };
            if workspace.is_some_and(|workspace| workspace != backup.manifest.workspace) {
                return Ok(TransferOutcome::Refused("other_workspace"));
            }
            let device = sync.as_ref().and_then(|sync| match sync.session() {
                SessionState::SignedIn(session) => session.editor().map(|editor| editor.device),
                _ => None,
            });
            let restored = storage
                .restore(&backup, device, |_, _| {})
                .await
                .map_err(|error| error.problem())?;
            if let Some(sync) = &sync {
                sync.saved_locally();
            }
            Ok(TransferOutcome::Restored(restored))
        });
    }

    /// Runs `work` with the storage and the signed-in workspace, showing it busy, then its
    /// outcome.
    fn run<W, F>(&self, work: W)
    where
        W: FnOnce(Rc<Storage>, Option<WorkspaceId>) -> F + 'static,
        F: std::future::Future<Output = Result<TransferOutcome, Problem>> + 'static,
    {
        let Some(storage) = self.storage.clone() else {
            return;
        };
        let workspace = self.sync.as_ref().and_then(|sync| match sync.session() {
            SessionState::SignedIn(session) => session.workspace.id.parse::<WorkspaceId>().ok(),
            _ => None,
        });
        let state = self.state.clone();
        state.set(DataTransfer {
            busy: true,
            outcome: None,
        });
        wasm_bindgen_futures::spawn_local(async move {
            let outcome = work(storage, workspace)
                .await
                .unwrap_or_else(TransferOutcome::Failed);
            state.set(DataTransfer {
                busy: false,
                outcome: Some(outcome),
            });
        });
    }
}

/// Exports, backups and restores of the device's data.
#[hook]
pub fn use_data_transfer() -> DataTransferHandle {
    let state = use_state(DataTransfer::default);
    let storage = match use_storage() {
        StorageState::Ready(storage) => Some(storage),
        _ => None,
    };
    DataTransferHandle {
        state,
        storage,
        sync: use_sync(),
    }
}

/// `id`'s problem, with the error's own words as detail.
fn failure(id: &str, error: impl std::fmt::Display) -> Problem {
    Problem::with_detail(id, error.to_string())
}

/// The contacts as vCard 4.0, each with the name of its first account as `ORG`.
async fn vcards(storage: &Storage, contacts: &[(ContactId, Contact)]) -> Result<String, Problem> {
    let accounts: HashMap<String, String> = storage
        .account_rows()
        .await
        .map_err(|error| error.problem())?
        .into_iter()
        .map(|row| (row.id, row.name))
        .collect();
    Ok(contacts_to_vcard(contacts.iter().map(|(id, contact)| {
        VcardContact {
            id: *id,
            contact,
            organisation: contact
                .accounts
                .iter()
                .find_map(|account| accounts.get(account))
                .map(String::as_str),
        }
    })))
}

fn plural(entity: Entity) -> &'static str {
    match entity {
        Entity::Account => "comptes",
        Entity::Contact => "contacts",
        Entity::Deal => "affaires",
    }
}

/// A name made safe for a file name.
fn file_stem(name: &str) -> String {
    let stem: String = name
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' {
                c
            } else {
                '-'
            }
        })
        .collect();
    if stem.trim_matches('-').is_empty() {
        "contact".to_owned()
    } else {
        stem
    }
}
