//! Data in and out of the device's storage: an import's writes and a backup's restore, each in
//! ONE strict transaction, and the reads an export or a backup needs.
//!
//! An import writes every created document, every merge into a stored document, their index
//! rows and their outbox entries in a single `readwrite` transaction with `durability:
//! "strict"`. The transaction is kept alive by always having a request in flight: building a
//! chunk's documents happens between two awaited requests, and each await hands the event loop
//! back to the page (progress repaints, the Cancel button is clickable). Cancelling, a failed
//! request or a document that cannot be built aborts the transaction, so either every chosen
//! record is stored or none is.
//!
//! A restore merges each document of a verified backup into the device's copy
//! (`shared::transfer::merge_backup_document`: nothing is overwritten, both histories are kept)
//! and rewrites its row, also in one strict transaction. Of the changes new to this device, the
//! outbox only takes those this device authored (Authors API: user and device): the relay binds
//! every actor to the device that first pushed it and refuses a whole batch naming another
//! device's actor, even a change it already holds, so queueing a colleague's change would stop
//! this device's sync for good. Colleagues' changes are on the relay already when the backup was
//! made from a synced device; changes a lost device never synced stay on this device only (a
//! relay that accepted already-held changes from any device would lift that limit). Reading and checking the file (`Backup::read`) happens before, so a
//! damaged or foreign file never reaches storage.
//!
//! This module decides nothing about rows, duplicates or fields: it stores what
//! `shared::transfer` computed.

use std::cell::Cell;
use std::rc::Rc;

use automerge::AutoCommit;
use idb::{Query, Transaction};
use shared::document::{Document, DocumentError};
use shared::edit::{Edit, Editor};
use shared::ids::DeviceId;
use shared::protocol::DocumentId;
use shared::record::Record;
use shared::replica;
use shared::transfer::{
    merge_backup_document, Backup, BackupDocument, CreatedRecord, DocumentKind, ImportWrite,
    MergeError, RecordDocument,
};
use wasm_bindgen::JsValue;

use crate::state::problem::Problem;

use super::{
    fold_and_put, outbox_value, put_row, stored, Durability, Origin, Received, Storage,
    StorageError, DOCUMENTS, LOCAL_WRITES, OUTBOX,
};

/// Why an import or a restore stored nothing.
#[derive(Debug, thiserror::Error)]
pub enum TransferError {
    /// The rep cancelled: the transaction was aborted.
    #[error("The import was cancelled; nothing was imported.")]
    Cancelled,
    /// The device's storage refused (full disk, aborted transaction…).
    #[error(transparent)]
    Storage(#[from] StorageError),
    /// A record could not be built from its row.
    #[error("A record could not be built; nothing was imported: {0}")]
    Document(#[source] DocumentError),
    /// A stored or backed-up document could not be merged.
    #[error("A record could not be merged; nothing was changed: {0}")]
    Merge(#[source] MergeError),
    /// A merge names a record this device does not hold.
    #[error("Record {0} is no longer on this device; nothing was imported.")]
    MissingRecord(String),
}

impl TransferError {
    /// A stable identifier, for the UI and for logs.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Cancelled => "cancelled",
            Self::Storage(StorageError::QuotaExceeded) => "quota_exceeded",
            Self::Storage(_) => "storage",
            Self::Document(_) => "document",
            Self::Merge(_) => "merge",
            Self::MissingRecord(_) => "missing_record",
        }
    }

    /// What the rep is told: a catalogue id, with the error's own words as detail.
    pub fn problem(&self) -> Problem {
        match self {
            Self::Cancelled => Problem::new("problem-import-cancelled"),
            Self::Storage(error) => error.problem(),
            Self::Document(error) => {
                Problem::with_detail("problem-record-unbuildable", error.to_string())
            }
            Self::Merge(error) => {
                Problem::with_detail("problem-record-unmergeable", error.to_string())
            }
            Self::MissingRecord(id) => Problem::with_detail("problem-record-missing", id.clone()),
        }
    }
}

/// The rep's "stop" for a running import, checked between chunks.
#[derive(Clone, Debug, Default)]
pub struct CancelImport(Rc<Cell<bool>>);

impl CancelImport {
    /// A token nobody has used yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Asks the import to stop; it aborts its transaction at its next chunk.
    pub fn cancel(&self) {
        self.0.set(true);
    }

    /// Whether the rep asked to stop.
    pub fn is_cancelled(&self) -> bool {
        self.0.get()
    }
}

impl PartialEq for CancelImport {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

pub use crate::state::transfer_outcome::{Imported, Restored};

impl Storage {
    /// Stores an import's `writes` (as `ImportPlan::writes` yields them, chunk by chunk) in one
    /// strict transaction: created documents, merges into stored documents (stamped with
    /// `edit`), index rows and outbox entries. Calls `progress(done)` after each chunk. When
    /// `cancel` is used, a chunk fails to build or storage refuses, the transaction is aborted
    /// and nothing is stored.
    pub async fn import<I>(
        &self,
        writes: I,
        edit: &Edit,
        cancel: &CancelImport,
        mut progress: impl FnMut(usize),
    ) -> Result<Imported, TransferError>
    where
        I: IntoIterator<Item = Result<Vec<ImportWrite>, DocumentError>>,
    {
        let transaction = self.transaction(&LOCAL_WRITES, Durability::Strict)?;
        let at = js_sys::Date::now();
        let written = async {
            let mut imported = Imported::default();
            for chunk in writes {
                if cancel.is_cancelled() {
                    return Ok(Err(TransferError::Cancelled));
                }
                let chunk = match chunk {
                    Ok(chunk) => chunk,
                    Err(error) => return Ok(Err(TransferError::Document(error))),
                };
                for write in chunk {
                    let outcome = match write {
                        ImportWrite::Create(mut created) => {
                            let stored = put_created(&transaction, &mut created, at)?;
                            imported.created += 1;
                            stored
                        }
                        ImportWrite::Merge(merge) => {
                            let stored = put_merged(&transaction, &merge, edit, at).await?;
                            imported.merged += 1;
                            stored
                        }
                    };
                    if let Err(error) = outcome {
                        return Ok(Err(error));
                    }
                }
                // The chunk's writes are queued; a read queued after them answers once they
                // are done. Waiting once per chunk keeps the transaction alive and lets the
                // worker hear a cancel and answer pings between chunks.
                transaction.object_store(OUTBOX)?.count(None)?.await?;
                progress(imported.created + imported.merged);
            }
            // The last chunk's requests may still be running when the rep cancels.
            if cancel.is_cancelled() {
                return Ok(Err(TransferError::Cancelled));
            }
            Ok::<_, idb::Error>(Ok(imported))
        }
        .await;
        settle(transaction, written).await
    }

    /// Merges every document of `backup` into this device's data in one strict transaction:
    /// documents the device lacks are added, the others merged (nothing is overwritten), rows
    /// rewritten, and the changes new to this device that `device` authored queued in the
    /// outbox so they sync (see the module's note). Calls `progress(done, total)` every few
    /// documents.
    pub async fn restore(
        &self,
        backup: &Backup,
        device: Option<DeviceId>,
        mut progress: impl FnMut(usize, usize),
    ) -> Result<Restored, TransferError> {
        let total = backup.documents.len();
        let transaction = self.transaction(&LOCAL_WRITES, Durability::Strict)?;
        let at = js_sys::Date::now();
        let written = async {
            let mut restored = Restored {
                documents: total,
                ..Restored::default()
            };
            let documents = transaction.object_store(DOCUMENTS)?;
            let outbox = transaction.object_store(OUTBOX)?;
            for (done, (id, kind, bytes)) in backup.documents().enumerate() {
                let Ok(uuid) = uuid::Uuid::parse_str(id) else {
                    return Ok(Err(TransferError::MissingRecord(id.to_owned())));
                };
                let key = JsValue::from(id);
                let existing = match documents
                    .get(Query::Key(key.clone()))?
                    .await?
                    .map(stored::StoredRecord::read)
                    .transpose()
                {
                    Ok(existing) => existing,
                    Err(error) => return Ok(Err(error.into())),
                };
                let merged = match merge_backup_document(
                    kind,
                    existing.as_ref().map(|record| record.bytes.as_slice()),
                    bytes,
                ) {
                    Ok(merged) => merged,
                    Err(error) => return Ok(Err(TransferError::Merge(error))),
                };
                if existing.is_some() && merged.new_changes.is_empty() {
                    continue;
                }
                let no_bytes: [&[u8]; 0] = [];
                let folded = match replica::fold(DocumentId(uuid), Some(&merged.bytes), no_bytes) {
                    Ok(folded) => folded,
                    Err(error) => {
                        return Ok(Err(StorageError::Corrupt(error.to_string()).into()));
                    }
                };
                let record =
                    match stored::snapshot(Some(kind.as_str()), &merged.bytes, &folded.heads) {
                        Ok(record) => record,
                        Err(error) => return Ok(Err(error.into())),
                    };
                documents.put(&record, Some(&key))?.await?;
                if let Err(error) = put_row(&transaction, &folded.row)? {
                    return Ok(Err(error.into()));
                }
                let own = merged.new_changes.iter().filter(|change| {
                    device.is_some_and(|device| authored_by(&folded.automerge, change, device))
                });
                for change in own {
                    match outbox_value(id, change, at) {
                        Ok(value) => outbox.add(&value, None)?.await?,
                        Err(error) => return Ok(Err(error.into())),
                    };
                    restored.queued += 1;
                }
                if existing.is_some() {
                    restored.merged += 1;
                } else {
                    restored.added += 1;
                }
                if done % 50 == 49 {
                    progress(done + 1, total);
                }
            }
            progress(total, total);
            Ok::<_, idb::Error>(Ok(restored))
        }
        .await;
        settle(transaction, written).await
    }

    /// Every document on this device whose kind is known, in Automerge's saved form, for a
    /// backup file.
    pub async fn backup_documents(&self) -> Result<Vec<BackupDocument>, StorageError> {
        let mut documents = Vec::new();
        for (key, record) in self.stored_documents().await? {
            let Ok(uuid) = uuid::Uuid::parse_str(&key) else {
                continue;
            };
            let Ok(mut automerge) = AutoCommit::load(&record.bytes) else {
                gloo::console::warn!(format!("document {key} is unreadable: not backed up"));
                continue;
            };
            let kind = match record.kind.as_deref().and_then(DocumentKind::from_name) {
                Some(kind) => kind,
                None => {
                    let no_bytes: [&[u8]; 0] = [];
                    let folded = replica::fold(DocumentId(uuid), Some(&record.bytes), no_bytes);
                    match folded.ok().and_then(|folded| folded.kind) {
                        Some(kind) => kind,
                        None => continue,
                    }
                }
            };
            documents.push(BackupDocument {
                id: key,
                kind,
                bytes: automerge.save(),
            });
        }
        Ok(documents)
    }

    /// Every stored record of kind `R` with its id, for exports (documents of other kinds and
    /// unreadable ones are left out).
    pub async fn records<R: Record>(&self) -> Result<Vec<(R::Id, R)>, StorageError> {
        let mut records = Vec::new();
        for (key, stored) in self.stored_documents().await? {
            if stored.kind.as_deref().is_some_and(|kind| kind != R::KIND) {
                continue;
            }
            let Ok(document) = Document::<R>::load(&stored.bytes) else {
                continue;
            };
            match document.record() {
                Ok(record) => records.push((document.id(), record)),
                Err(error) => gloo::console::warn!(format!("record {key} not read: {error}")),
            }
        }
        Ok(records)
    }

    /// Every document of the `documents` store, with its key.
    async fn stored_documents(&self) -> Result<Vec<(String, stored::StoredRecord)>, StorageError> {
        let transaction = self.read_transaction(&[DOCUMENTS])?;
        let read = async {
            let store = transaction.object_store(DOCUMENTS)?;
            let keys = store.get_all_keys(None, None)?.await?;
            let values = store.get_all(None, None)?.await?;
            Ok::<_, idb::Error>((keys, values))
        }
        .await;
        let (keys, values) = super::finish(transaction, read).await?;
        keys.into_iter()
            .zip(values)
            .filter_map(|(key, value)| key.as_string().map(|key| (key, value)))
            .map(|(key, value)| stored::StoredRecord::read(value).map(|record| (key, record)))
            .collect()
    }
}

/// Waits for the transaction to commit, or aborts it when the work failed.
async fn settle<T>(
    transaction: Transaction,
    written: Result<Result<T, TransferError>, idb::Error>,
) -> Result<T, TransferError> {
    match written {
        Ok(Ok(value)) => Ok(super::finish(transaction, Ok::<_, StorageError>(value)).await?),
        Ok(Err(error)) => {
            // The abort may fail when the browser already aborted; the first error is the one
            // worth reporting.
            let _already_aborted = transaction.abort();
            Err(error)
        }
        Err(error) => Err(super::finish(transaction, Err::<T, _>(error))
            .await
            .err()
            .unwrap_or(StorageError::Aborted)
            .into()),
    }
}

/// Writes a created record's document, row and outbox entries.
fn put_created(
    transaction: &Transaction,
    created: &mut CreatedRecord,
    at: f64,
) -> Result<Result<(), TransferError>, idb::Error> {
    let document = &mut created.document;
    let id = document.id();
    let bytes = document.save();
    let heads: Vec<String> = document.heads().iter().map(ToString::to_string).collect();
    let changes = document.changes_since(&[]);
    let kind = match document {
        RecordDocument::Account(_) => "account",
        RecordDocument::Contact(_) => "contact",
        RecordDocument::Deal(_) => "deal",
        RecordDocument::Product(_) => "product",
    };
    let record = match stored::snapshot(Some(kind), &bytes, &heads) {
        Ok(record) => record,
        Err(error) => return Ok(Err(error.into())),
    };
    // Queued, not awaited (see `put_row`); the import waits once per chunk.
    let _queued = transaction
        .object_store(DOCUMENTS)?
        .put(&record, Some(&JsValue::from(id.as_str())))?;
    if let Err(error) = put_row(transaction, &created.row)? {
        return Ok(Err(error.into()));
    }
    queue(transaction, &id, &changes, at)
}

/// Applies a merge to the stored document it names, inside the transaction.
async fn put_merged(
    transaction: &Transaction,
    merge: &shared::transfer::MergeWrite,
    edit: &Edit,
    at: f64,
) -> Result<Result<(), TransferError>, idb::Error> {
    let Ok(uuid) = uuid::Uuid::parse_str(&merge.existing) else {
        return Ok(Err(TransferError::MissingRecord(merge.existing.clone())));
    };
    let value = transaction
        .object_store(DOCUMENTS)?
        .get(Query::Key(JsValue::from(merge.existing.as_str())))?
        .await?;
    let Some(value) = value else {
        return Ok(Err(TransferError::MissingRecord(merge.existing.clone())));
    };
    let stored = match stored::StoredRecord::read(value) {
        Ok(stored) => stored,
        Err(error) => return Ok(Err(error.into())),
    };
    let mut merged = match merge.apply(&stored.bytes, edit) {
        Ok(merged) => merged,
        Err(error) => return Ok(Err(TransferError::Merge(error))),
    };
    let changes = merged.document.changes_since(&merged.known);
    let group = Received {
        document: DocumentId(uuid),
        bytes: changes.clone(),
    };
    let fresh = match fold_and_put(transaction, &group, Origin::Device).await? {
        Ok(Some((_, fresh))) => fresh,
        Ok(None) => {
            let problem = format!("record {} cannot be read back", merge.existing);
            return Ok(Err(StorageError::Corrupt(problem).into()));
        }
        Err(error) => return Ok(Err(error.into())),
    };
    let fresh: Vec<Vec<u8>> = fresh
        .iter()
        .filter_map(|index| changes.get(*index).cloned())
        .collect();
    queue(transaction, &merge.existing, &fresh, at)
}

/// Puts `changes` of the record `id` in the outbox.
fn queue(
    transaction: &Transaction,
    id: &str,
    changes: &[Vec<u8>],
    at: f64,
) -> Result<Result<(), TransferError>, idb::Error> {
    let outbox = transaction.object_store(OUTBOX)?;
    for change in changes {
        match outbox_value(id, change, at) {
            // Queued, not awaited (see `put_row`).
            Ok(value) => {
                let _queued = outbox.add(&value, None)?;
            }
            Err(error) => return Ok(Err(error.into())),
        };
    }
    Ok(Ok(()))
}

/// Whether `change` was made by `device` (its actor's author, as the document records it).
fn authored_by(automerge: &AutoCommit, change: &[u8], device: DeviceId) -> bool {
    automerge::Change::from_bytes(change.to_vec())
        .ok()
        .and_then(|change| automerge.get_author_for_actor(change.actor_id()))
        .and_then(|author| Editor::from_author(&author))
        .is_some_and(|editor| editor.device == device)
}
