//! One record held as its Automerge document: create, load, save, edit, sync.
//!
//! The document's root map holds three bookkeeping keys (`kind`, `schema`, `id`) beside the
//! record's own fields, which `autosurgeon` maps to and from the record type. An edit hydrates
//! the record, lets the caller change it, and reconciles: only fields whose value changed become
//! operations, and keys the record type does not know are left alone (which is how fields written
//! by a newer version survive). Text fields are edited with [`Document::splice_text`] so that two
//! people typing in the same notes both keep their words. This module does no IO: bytes in,
//! bytes out, time passed in.

use std::marker::PhantomData;

use automerge::transaction::{CommitOptions, Transactable};
use automerge::{ActorId, AutoCommit, AutomergeError, ChangeHash, ObjType, ReadDoc, Value, ROOT};

use crate::edit::Edit;
use crate::field::{FieldPath, NoSuchField};
use crate::ids::Identifier;
use crate::migration::{self, MigrationError, SCHEMA_KEY};
use crate::protocol::change::chunk::check_inflation;
use crate::protocol::change::{decode_change, ChangeError};
use crate::record::Record;

const KIND_KEY: &str = "kind";
const ID_KEY: &str = "id";

/// Why a document could not be read or edited.
#[derive(Debug, thiserror::Error)]
pub enum DocumentError {
    /// The bytes are not an Automerge document or change.
    #[error("the stored document is not readable")]
    Unreadable(#[source] Box<AutomergeError>),
    /// The bytes were refused before Automerge read them: a chunk would inflate past the cap,
    /// or a change is not a valid change.
    #[error("the document's bytes were refused")]
    Refused(#[from] ChangeError),
    /// A readable document of another kind.
    #[error("the document is not a {expected} (its kind is {found:?})")]
    WrongKind {
        /// The kind asked for.
        expected: &'static str,
        /// The kind stored, if any.
        found: Option<String>,
    },
    /// The document has no valid identifier.
    #[error("the document has no valid id")]
    MissingId,
    /// The content does not have the record's shape.
    #[error("the document's content is not a valid record")]
    Hydrate(#[source] Box<autosurgeon::HydrateError>),
    /// The record could not be written back into the document.
    #[error("the record could not be written into the document")]
    Reconcile(#[source] Box<autosurgeon::ReconcileError>),
    /// Automerge refused an operation.
    #[error("the document could not be edited")]
    Edit(#[source] Box<AutomergeError>),
    /// A path that leads nowhere.
    #[error(transparent)]
    NoSuchField(#[from] NoSuchField),
    /// A path that leads to something other than text.
    #[error("{0} is not a text field")]
    NotText(FieldPath),
    /// The document could not be brought to the current schema.
    #[error(transparent)]
    Migration(#[from] MigrationError),
}

impl DocumentError {
    /// Automerge refused an operation (boxed: automerge's errors are large).
    pub(crate) fn edit(error: AutomergeError) -> Self {
        Self::Edit(Box::new(error))
    }

    /// The bytes are not a document or change.
    pub(crate) fn unreadable(error: AutomergeError) -> Self {
        Self::Unreadable(Box::new(error))
    }

    /// The content does not have the record's shape.
    pub(crate) fn hydrate(error: autosurgeon::HydrateError) -> Self {
        Self::Hydrate(Box::new(error))
    }

    /// The record could not be written.
    pub(crate) fn reconcile(error: autosurgeon::ReconcileError) -> Self {
        Self::Reconcile(Box::new(error))
    }
}

/// One record of kind `R` held as its Automerge document.
#[derive(Debug)]
pub struct Document<R: Record> {
    id: R::Id,
    automerge: AutoCommit,
    record: PhantomData<fn() -> R>,
}

impl<R: Record> Document<R> {
    /// A new document holding `record`, written as one change.
    pub fn new(id: R::Id, record: &R, edit: &Edit) -> Result<Self, DocumentError> {
        Self::new_as(ActorId::random(), id, record, edit)
    }

    /// Like [`Document::new`], but the creating change carries `actor` instead of a random one,
    /// so the same inputs give a byte-identical change (generated demo data re-seeded into a
    /// relay must deduplicate, not conflict). One actor must never edit from two copies.
    pub fn new_as(
        actor: ActorId,
        id: R::Id,
        record: &R,
        edit: &Edit,
    ) -> Result<Self, DocumentError> {
        let mut automerge = AutoCommit::new();
        migration::set_author(&mut automerge, edit);
        // After the author: choosing another author picks a fresh random actor.
        automerge.set_actor(actor);
        automerge
            .put(ROOT, KIND_KEY, R::KIND)
            .and_then(|()| automerge.put(ROOT, SCHEMA_KEY, R::SCHEMA_VERSION))
            .and_then(|()| automerge.put(ROOT, ID_KEY, id.to_string()))
            .map_err(DocumentError::edit)?;
        autosurgeon::reconcile(&mut automerge, record).map_err(DocumentError::reconcile)?;
        automerge.commit_with(
            CommitOptions::default()
                .with_message(format!("create {}", R::KIND))
                .with_time(edit.time),
        );
        Ok(Self {
            id,
            automerge,
            record: PhantomData,
        })
    }

    /// Loads a document from bytes `save` (or `save_incremental` chunks, concatenated) produced.
    /// Loading never migrates: older documents are migrated by their next edit.
    /// What each chunk inflates to is bounded before Automerge reads them.
    pub fn load(bytes: &[u8]) -> Result<Self, DocumentError> {
        check_inflation(bytes).map_err(ChangeError::from)?;
        Self::from_automerge(AutoCommit::load(bytes).map_err(DocumentError::unreadable)?)
    }

    /// Wraps an Automerge document after checking its kind and id.
    pub fn from_automerge(automerge: AutoCommit) -> Result<Self, DocumentError> {
        let kind = read_text(&automerge, KIND_KEY);
        if kind.as_deref() != Some(R::KIND) {
            return Err(DocumentError::WrongKind {
                expected: R::KIND,
                found: kind,
            });
        }
        let id = read_text(&automerge, ID_KEY)
            .and_then(|text| text.parse::<R::Id>().ok())
            .ok_or(DocumentError::MissingId)?;
        Ok(Self {
            id,
            automerge,
            record: PhantomData,
        })
    }

    /// The whole document, compressed, in Automerge's standard binary format.
    pub fn save(&mut self) -> Vec<u8> {
        self.automerge.save()
    }

    /// The changes made or received since the previous `save` or `save_incremental`, to append
    /// to storage instead of rewriting the whole document.
    pub fn save_incremental(&mut self) -> Vec<u8> {
        self.automerge.save_incremental()
    }

    /// The record's identifier.
    pub fn id(&self) -> R::Id {
        self.id
    }

    /// The schema version the document is in.
    pub fn schema_version(&self) -> u64 {
        migration::schema_version(&self.automerge, None)
    }

    /// The current heads: the hashes identifying this exact state.
    pub fn heads(&mut self) -> Vec<ChangeHash> {
        self.automerge.get_heads()
    }

    /// The record as it is now (an older document is read through an in-memory migration).
    pub fn record(&self) -> Result<R, DocumentError> {
        if self.schema_version() >= R::SCHEMA_VERSION {
            return autosurgeon::hydrate(&self.automerge).map_err(DocumentError::hydrate);
        }
        // A throwaway copy: its migration changes are never saved or sent.
        let mut migrated = self.automerge.clone();
        self.migrate_copy(&mut migrated, &Edit::anonymous(0))?;
        autosurgeon::hydrate(&migrated).map_err(DocumentError::hydrate)
    }

    /// Changes the record with `change` and commits what differs as one change described by
    /// `message`. Returns the new change's hash, or `None` when nothing differed.
    pub fn update(
        &mut self,
        edit: &Edit,
        message: &str,
        change: impl FnOnce(&mut R),
    ) -> Result<Option<ChangeHash>, DocumentError> {
        self.migrate(edit)?;
        let mut record: R =
            autosurgeon::hydrate(&self.automerge).map_err(DocumentError::hydrate)?;
        change(&mut record);
        migration::set_author(&mut self.automerge, edit);
        autosurgeon::reconcile(&mut self.automerge, &record).map_err(DocumentError::reconcile)?;
        Ok(self.commit(edit, message))
    }

    /// Like [`Document::update`], but `change` may refuse: then the record is written back as
    /// it was (so nothing but a pending schema migration is committed) and the refusal returned.
    pub fn try_update<E: From<DocumentError>>(
        &mut self,
        edit: &Edit,
        message: &str,
        change: impl FnOnce(&mut R) -> Result<(), E>,
    ) -> Result<Option<ChangeHash>, E> {
        let mut outcome = Ok(());
        let hash = self.update(edit, message, |record| {
            let mut changed = record.clone();
            outcome = change(&mut changed);
            if outcome.is_ok() {
                *record = changed;
            }
        })?;
        outcome.map(|()| hash)
    }

    /// Types into the text field at `path`: deletes `delete` characters at `position` (in
    /// Unicode code points) and inserts `insert` there.
    pub fn splice_text(
        &mut self,
        edit: &Edit,
        path: &FieldPath,
        position: usize,
        delete: usize,
        insert: &str,
    ) -> Result<Option<ChangeHash>, DocumentError> {
        self.migrate(edit)?;
        let text = self.text_object(path)?;
        let length = self.automerge.length(&text);
        let position = position.min(length);
        let delete = delete.min(length - position);
        migration::set_author(&mut self.automerge, edit);
        self.automerge
            .splice_text(
                &text,
                position,
                isize::try_from(delete).unwrap_or(0),
                insert,
            )
            .map_err(DocumentError::edit)?;
        Ok(self.commit(edit, &format!("edit {path}")))
    }

    /// The current content of the text field at `path`.
    pub fn text(&self, path: &FieldPath) -> Result<String, DocumentError> {
        let text = self.text_object(path)?;
        self.automerge.text(&text).map_err(DocumentError::edit)
    }

    /// Every change this document has that a peer with `heads` lacks, as raw change bytes.
    pub fn changes_since(&mut self, heads: &[ChangeHash]) -> Vec<Vec<u8>> {
        self.automerge
            .get_changes(heads)
            .into_iter()
            .map(|mut change| change.bytes().into_owned())
            .collect()
    }

    /// Applies changes received from a peer, in any order and with duplicates: changes whose
    /// dependencies have not arrived yet wait inside the document until they do.
    pub fn apply_changes<B: AsRef<[u8]>>(
        &mut self,
        changes: impl IntoIterator<Item = B>,
    ) -> Result<(), DocumentError> {
        let changes = changes
            .into_iter()
            .map(|bytes| decode_change(bytes.as_ref()))
            .collect::<Result<Vec<_>, _>>()?;
        self.automerge
            .apply_changes(changes)
            .map_err(DocumentError::unreadable)
    }

    /// Merges everything `other` knows into this document.
    pub fn merge(&mut self, other: &mut Self) -> Result<(), DocumentError> {
        self.automerge
            .merge(&mut other.automerge)
            .map(|_| ())
            .map_err(DocumentError::edit)
    }

    /// An independent copy that will edit as another device would (a fresh actor).
    pub fn fork(&mut self) -> Self {
        Self {
            id: self.id,
            automerge: self.automerge.fork(),
            record: PhantomData,
        }
    }

    /// Brings the document to this version's schema, recording the carry-over as `edit`.
    /// Returns whether anything changed.
    pub fn migrate(&mut self, edit: &Edit) -> Result<bool, DocumentError> {
        let Self { id, automerge, .. } = self;
        Ok(migration::migrate(
            automerge,
            R::MIGRATIONS,
            R::SCHEMA_VERSION,
            id.to_bytes(),
            edit,
        )?)
    }

    /// The underlying Automerge document, for sync and history.
    pub fn automerge(&self) -> &AutoCommit {
        &self.automerge
    }

    /// The underlying Automerge document, mutably, for the sync protocol.
    pub fn automerge_mut(&mut self) -> &mut AutoCommit {
        &mut self.automerge
    }

    /// Migrates `copy` (a fork of this document) in memory.
    pub(crate) fn migrate_copy(
        &self,
        copy: &mut AutoCommit,
        edit: &Edit,
    ) -> Result<(), DocumentError> {
        migration::migrate(
            copy,
            R::MIGRATIONS,
            R::SCHEMA_VERSION,
            self.id.to_bytes(),
            edit,
        )?;
        Ok(())
    }

    /// Commits pending operations as one change stamped with `edit`'s time.
    pub(crate) fn commit(&mut self, edit: &Edit, message: &str) -> Option<ChangeHash> {
        if self.automerge.pending_ops() == 0 {
            return None;
        }
        self.automerge.commit_with(
            CommitOptions::default()
                .with_message(message)
                .with_time(edit.time),
        )
    }

    /// The text object at `path`.
    fn text_object(&self, path: &FieldPath) -> Result<automerge::ObjId, DocumentError> {
        let (object, prop) = path.locate(&self.automerge)?;
        match self.automerge.get(&object, prop) {
            Ok(Some((Value::Object(ObjType::Text), text))) => Ok(text),
            _ => Err(DocumentError::NotText(path.clone())),
        }
    }
}

/// Reads a string register at the document's root; `None` when absent or of another type.
fn read_text(document: &AutoCommit, key: &str) -> Option<String> {
    match document.get(ROOT, key) {
        Ok(Some((Value::Scalar(scalar), _))) => scalar.as_str().map(str::to_owned),
        _ => None,
    }
}
