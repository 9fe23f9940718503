//! Merging into stored documents without overwriting: imported rows into the record they
//! duplicate, and a backup's document into the device's copy of it.
//!
//! An imported row only fills what the stored record lacks (empty fields, new phones, e-mails
//! and tags, appended notes), as one change by the importing rep. A backup's document is merged
//! with Automerge itself: both histories are kept, concurrent values stay visible as conflicts.

use automerge::ChangeHash;

use super::backup::DocumentKind;
use super::record_document::RecordDocument;
use super::row::{absorb_account, absorb_contact, absorb_deal, absorb_product, Candidate};
use crate::document::{Document, DocumentError};
use crate::edit::Edit;
use crate::record::Record;

/// Rows of the file to merge into one stored record.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct MergeWrite {
    /// The stored record's id, as text (the storage key of the bytes to pass to `apply`).
    pub existing: String,
    /// The physical lines of the rows merged.
    pub lines: Vec<u64>,
    /// What those rows know, folded together.
    pub incoming: Candidate,
}

/// A stored document after a merge, with what the client needs to store it.
#[derive(Debug)]
pub struct Merged {
    /// The merged document.
    pub document: RecordDocument,
    /// The heads it had before the merge: the client stores `changes_since(known)` as new.
    pub known: Vec<ChangeHash>,
}

/// Why a merge could not be made.
#[derive(Debug, thiserror::Error)]
pub enum MergeError {
    /// The stored bytes are not a readable document of the expected kind.
    #[error(transparent)]
    Document(#[from] DocumentError),
    /// The two documents are different records.
    #[error("cannot merge record {incoming} into record {existing}: they are different records")]
    DifferentRecords {
        /// The stored record's id.
        existing: String,
        /// The incoming record's id.
        incoming: String,
    },
}

impl MergeError {
    /// A stable identifier of the error, for the UI and for logs.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Document(_) => "unreadable_document",
            Self::DifferentRecords { .. } => "different_records",
        }
    }
}

impl MergeWrite {
    pub(super) fn new(existing: String, line: u64, incoming: Candidate) -> Self {
        Self {
            existing,
            lines: vec![line],
            incoming,
        }
    }

    pub(super) fn add(&mut self, line: u64, incoming: &Candidate) {
        self.lines.push(line);
        self.incoming.absorb(incoming);
    }

    /// Applies the merge to the stored record's bytes, as one change stamped with `edit`.
    pub fn apply(&self, existing: &[u8], edit: &Edit) -> Result<Merged, MergeError> {
        let entity = match &self.incoming {
            Candidate::Account(_) => super::Entity::Account,
            Candidate::Contact(_) => super::Entity::Contact,
            Candidate::Deal(_) => super::Entity::Deal,
            Candidate::Product(_) => super::Entity::Product,
        };
        let mut document = RecordDocument::load(entity, existing)?;
        if document.id() != self.existing {
            return Err(MergeError::DifferentRecords {
                existing: self.existing.clone(),
                incoming: document.id(),
            });
        }
        let known = document.heads();
        let message = "merge imported rows";
        match (&mut document, &self.incoming) {
            (RecordDocument::Account(stored), Candidate::Account(incoming)) => {
                stored.update(edit, message, |account| absorb_account(account, incoming))?;
            }
            (RecordDocument::Contact(stored), Candidate::Contact(incoming)) => {
                stored.update(edit, message, |contact| absorb_contact(contact, incoming))?;
            }
            (RecordDocument::Deal(stored), Candidate::Deal(incoming)) => {
                stored.update(edit, message, |deal| absorb_deal(deal, incoming))?;
            }
            (RecordDocument::Product(stored), Candidate::Product(incoming)) => {
                stored.update(edit, message, |product| absorb_product(product, incoming))?;
            }
            // `load` above read the bytes as the candidate's own kind.
            _ => {}
        }
        Ok(Merged { document, known })
    }
}

/// What merging a backup's document into the device's copy gives.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MergedBackupDocument {
    /// The merged document, saved whole.
    pub bytes: Vec<u8>,
    /// The backup's changes the device's copy did not have (for the outbox; the relay ignores
    /// those it already holds).
    pub new_changes: Vec<Vec<u8>>,
}

/// Merges a backup's document into the device's copy of the same record (`None` when the
/// device has none). Both must be documents of `kind` with the same id; nothing is overwritten.
pub fn merge_backup_document(
    kind: DocumentKind,
    existing: Option<&[u8]>,
    incoming: &[u8],
) -> Result<MergedBackupDocument, MergeError> {
    match kind {
        DocumentKind::Account => merge_documents::<crate::account::Account>(existing, incoming),
        DocumentKind::Contact => merge_documents::<crate::contact::Contact>(existing, incoming),
        DocumentKind::Deal => merge_documents::<crate::deal::Deal>(existing, incoming),
        DocumentKind::Settings => merge_documents::<crate::settings::Settings>(existing, incoming),
        DocumentKind::Product => merge_documents::<crate::sales::Product>(existing, incoming),
        DocumentKind::Quote => merge_documents::<crate::sales::Quote>(existing, incoming),
        DocumentKind::Order => merge_documents::<crate::sales::Order>(existing, incoming),
    }
}

fn merge_documents<R: Record>(
    existing: Option<&[u8]>,
    incoming: &[u8],
) -> Result<MergedBackupDocument, MergeError> {
    let mut incoming = Document::<R>::load(incoming)?;
    let Some(existing) = existing else {
        let new_changes = incoming.changes_since(&[]);
        return Ok(MergedBackupDocument {
            bytes: incoming.save(),
            new_changes,
        });
    };
    let mut stored = Document::<R>::load(existing)?;
    if stored.id() != incoming.id() {
        return Err(MergeError::DifferentRecords {
            existing: stored.id().to_string(),
            incoming: incoming.id().to_string(),
        });
    }
    let known = stored.heads();
    stored.merge(&mut incoming)?;
    Ok(MergedBackupDocument {
        new_changes: stored.changes_since(&known),
        bytes: stored.save(),
    })
}
