//! The workspace worker's side of data in and out ([`TransferJob`]): exports and backups built
//! from the device's documents, restores and imports written in one transaction, the changes
//! set aside (downloaded or discarded), and the import page's wizard ([`ImportHost`]: the file
//! read and planned, the duplicate keys it checks against, its writes). Documents are parsed and
//! files read here, never on the page.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use shared::account::Account;
use shared::contact::Contact;
use shared::deal::Deal;
use shared::ids::ContactId;
use shared::sales::Product;
use shared::settings::Settings;
use shared::transfer::{
    contacts_to_vcard, export_accounts, export_contacts, export_deals, export_products, Backup,
    Entity, ExistingKeys, VcardContact,
};

use super::import_session::{ImportCommand, ImportEffect, ImportOutcome, ImportSession};
use super::transfer_job::{TransferDone, TransferJob};
use crate::state::file_bytes::FileBytes;
use crate::state::problem::Problem;
use crate::storage::{CancelImport, Storage, TransferError};
use crate::team::quarantine;
use crate::transfer::review::ImportReview;

/// Documents built and written per chunk of an import: small enough that progress and Cancel
/// answer between chunks, large enough that 10,000 rows take seconds.
const IMPORT_CHUNK: usize = 200;

/// Documents read per transaction of an index rebuild.
const REBUILD_CHUNK: usize = 100;

/// Carries out `job` on `storage`; `progress` hears how many records a restore or an index
/// rebuild has written so far, and of how many (`0` when it does not know).
pub async fn carry_out(
    storage: &Storage,
    job: TransferJob,
    mut progress: impl FnMut(usize, usize),
) -> Result<TransferDone, Problem> {
    match job {
        TransferJob::ExportCsv { entity, delimiter } => {
            let (bytes, count) = match entity {
                Entity::Account => {
                    let records = records::<Account>(storage).await?;
                    let bytes = export_accounts(records.iter().map(|(_, r)| r), delimiter);
                    (bytes, records.len())
                }
                Entity::Contact => {
                    let records = records::<Contact>(storage).await?;
                    let bytes = export_contacts(records.iter().map(|(_, r)| r), delimiter);
                    (bytes, records.len())
                }
                Entity::Deal => {
                    let records = records::<Deal>(storage).await?;
                    let bytes = export_deals(records.iter().map(|(_, r)| r), delimiter);
                    (bytes, records.len())
                }
                Entity::Product => {
                    let records = records::<Product>(storage).await?;
                    let bytes = export_products(records.iter().map(|(_, r)| r), delimiter);
                    (bytes, records.len())
                }
            };
            let bytes = bytes.map_err(|error| failure("problem-export-failed", error))?;
            Ok(file(bytes, count, None))
        }
        TransferJob::ExportVcards => {
            let contacts = records::<Contact>(storage).await?;
            let text = vcards(storage, &contacts).await?;
            Ok(file(text.into_bytes(), contacts.len(), None))
        }
        TransferJob::ExportContactVcard(id) => {
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
            let name = contact.display_name();
            let text = vcards(storage, &[(id, contact)]).await?;
            Ok(file(text.into_bytes(), 1, Some(name)))
        }
        TransferJob::Backup { workspace, time } => {
            let documents = storage
                .backup_documents()
                .await
                .map_err(|error| error.problem())?;
            let bytes = Backup::write(workspace, time, &documents)
                .map_err(|error| failure("problem-export-failed", error))?;
            Ok(file(bytes, documents.len(), None))
        }
        TransferJob::Restore {
            bytes,
            workspace,
            device,
        } => {
            let backup = match Backup::read(&bytes.0) {
                Ok(backup) => backup,
                Err(error) => return Ok(TransferDone::Refused(error.code().to_owned())),
            };
            if workspace.is_some_and(|workspace| workspace != backup.manifest.workspace) {
                return Ok(TransferDone::Refused("other_workspace".to_owned()));
            }
            let restored = storage
                .restore(&backup, device, &mut progress)
                .await
                .map_err(|error| error.problem())?;
            Ok(TransferDone::Restored(restored))
        }
        TransferJob::RebuildIndex => storage
            .rebuild_index(REBUILD_CHUNK, progress)
            .await
            .map(TransferDone::Rebuilt)
            .map_err(|error| error.problem()),
        TransferJob::ExportQuarantine(format) => {
            let changes = storage
                .quarantined()
                .await
                .map_err(|error| error.problem())?;
            let bytes = quarantine::export(&changes, format)
                .map_err(|error| failure("problem-export-failed", error))?;
            Ok(file(bytes, changes.len(), None))
        }
        TransferJob::DiscardQuarantine => storage
            .discard_quarantine()
            .await
            .map(TransferDone::Discarded)
            .map_err(|error| error.problem()),
    }
}

fn file(bytes: Vec<u8>, count: usize, named: Option<String>) -> TransferDone {
    TransferDone::File {
        bytes: FileBytes(bytes),
        count,
        named,
    }
}

async fn records<R: shared::record::Record>(storage: &Storage) -> Result<Vec<(R::Id, R)>, Problem> {
    storage
        .records::<R>()
        .await
        .map_err(|error| error.problem())
}

/// `id`'s problem, with the error's own words as detail.
fn failure(id: &str, error: impl std::fmt::Display) -> Problem {
    Problem::with_detail(id, error.to_string())
}

/// The contacts as vCard 4.0, each with the name of its first account as `ORG`.
async fn vcards(storage: &Storage, contacts: &[(ContactId, Contact)]) -> Result<String, Problem> {
    let accounts = storage
        .account_names()
        .await
        .map_err(|error| error.problem())?;
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

/// The duplicate keys of the device's records of `entity`, and their display names by id.
///
/// For accounts, every index row gives its normalised name and postcode, and every document is
/// read for its SIRET and e-mail addresses (rows carry neither); for contacts, every document
/// for its e-mail addresses; for products, every catalogue index row gives its reference; deals
/// have no duplicate keys.
async fn existing_keys(
    storage: &Storage,
    entity: Entity,
) -> Result<(ExistingKeys, HashMap<String, String>), Problem> {
    let mut keys = ExistingKeys::new();
    let mut names = HashMap::new();
    match entity {
        Entity::Account => {
            let rows = storage
                .account_rows()
                .await
                .map_err(|error| error.problem())?;
            for row in rows {
                keys.insert_account_row(&row);
                names.insert(row.id.clone(), row.name.clone());
            }
            for (id, account) in records::<Account>(storage).await? {
                keys.insert_account(id.to_string(), &account);
            }
        }
        Entity::Contact => {
            for (id, contact) in records::<Contact>(storage).await? {
                keys.insert_contact(id.to_string(), &contact);
                names.insert(id.to_string(), contact.display_name());
            }
        }
        Entity::Product => {
            let rows = storage
                .product_rows()
                .await
                .map_err(|error| error.problem())?;
            for row in rows {
                keys.insert_product_row(&row);
                names.insert(row.id.clone(), format!("{} — {}", row.reference, row.name));
            }
        }
        Entity::Deal => {}
    }
    Ok((keys, names))
}

/// The import page's wizard, held by the worker: it applies the page's commands to its
/// [`ImportSession`], carries out the reads and the write the session asks for, and reports the
/// [`ImportReview`] after every change.
pub struct ImportHost {
    storage: Rc<Storage>,
    session: RefCell<ImportSession>,
    /// The running write's cancel switch.
    writing: RefCell<Option<CancelImport>>,
    report: Box<dyn Fn(ImportReview)>,
}

impl ImportHost {
    /// A host writing to `storage` that tells the page what it shows through `report`.
    pub fn new(storage: Rc<Storage>, report: impl Fn(ImportReview) + 'static) -> Rc<Self> {
        Rc::new(Self {
            storage,
            session: RefCell::new(ImportSession::new()),
            writing: RefCell::new(None),
            report: Box::new(report),
        })
    }

    /// Applies the page's `command`, reports the review, and carries out what it asks for.
    pub fn command(self: &Rc<Self>, command: ImportCommand) {
        let effects = self.session.borrow_mut().command(command);
        self.report();
        self.carry_out(effects);
    }

    fn report(&self) {
        let review = self.session.borrow().review();
        (self.report)(review);
    }

    fn carry_out(self: &Rc<Self>, effects: Vec<ImportEffect>) {
        for effect in effects {
            match effect {
                ImportEffect::ReadRules(workspace) => {
                    let host = Rc::clone(self);
                    wasm_bindgen_futures::spawn_local(async move {
                        match host.storage.load_document::<Settings>(workspace).await {
                            Ok(Some(document)) => match document.record() {
                                Ok(settings) => {
                                    host.session.borrow_mut().know_rules(&settings);
                                    host.report();
                                }
                                Err(error) => gloo::console::warn!(format!("settings: {error}")),
                            },
                            Ok(None) => {}
                            Err(error) => gloo::console::warn!(format!("settings: {error}")),
                        }
                    });
                }
                ImportEffect::ReadKeys(entity) => {
                    let host = Rc::clone(self);
                    wasm_bindgen_futures::spawn_local(async move {
                        let read = existing_keys(&host.storage, entity).await;
                        let effects = match read {
                            Ok((keys, names)) => {
                                host.session.borrow_mut().know_keys(entity, keys, names)
                            }
                            Err(problem) => {
                                host.session.borrow_mut().keys_failed(entity, problem);
                                Vec::new()
                            }
                        };
                        host.report();
                        host.carry_out(effects);
                    });
                }
                ImportEffect::Write { work, stamp } => {
                    let cancel = CancelImport::new();
                    *self.writing.borrow_mut() = Some(cancel.clone());
                    let host = Rc::clone(self);
                    wasm_bindgen_futures::spawn_local(async move {
                        let outcome = host
                            .storage
                            .import(
                                work.into_writes(&stamp, IMPORT_CHUNK),
                                &stamp,
                                &cancel,
                                |done| {
                                    host.session.borrow_mut().progress(done);
                                    host.report();
                                },
                            )
                            .await;
                        host.writing.borrow_mut().take();
                        host.session.borrow_mut().finish(match outcome {
                            Ok(imported) => ImportOutcome::Stored {
                                created: imported.created,
                                merged: imported.merged,
                            },
                            Err(TransferError::Cancelled) => ImportOutcome::Cancelled,
                            Err(error) => ImportOutcome::Failed(error.problem()),
                        });
                        host.report();
                    });
                }
                ImportEffect::StopWriting => {
                    if let Some(cancel) = self.writing.borrow().as_ref() {
                        cancel.cancel();
                    }
                }
            }
        }
    }
}
