//! A record's history, read from its document's change graph: who changed which fields when,
//! the record as it was at any change, per-field differences between two points, and restoring
//! an earlier value as a new change.
//!
//! History is never rewritten: a restore is an ordinary change on top, so it merges with
//! concurrent edits and shows up in the history itself. Authors come from automerge's Authors
//! API (see [`crate::edit`]); times are the editing device's clock at the edit, not sync time.

use std::collections::{BTreeMap, BTreeSet};

use automerge::transaction::Transactable;
use automerge::{hydrate, ChangeHash, ObjType, PatchAction, ReadDoc, Value};

use crate::document::{Document, DocumentError};
use crate::edit::{Edit, Editor};
use crate::field::{self, FieldPath, FieldValue};
use crate::migration;
use crate::record::Record;

/// One change in a record's history.
#[derive(Clone, Debug, PartialEq)]
pub struct HistoryEntry {
    /// The change's hash: pass `[hash]` as heads to see the record as of this change.
    pub hash: ChangeHash,
    /// When it was made (Unix seconds, editing device's clock).
    pub time: i64,
    /// Who made it, on which device; `None` for anonymous and migration changes.
    pub editor: Option<Editor>,
    /// The message the editing code gave (`create account`, `edit notes`…).
    pub message: Option<String>,
    /// The top-level fields it touched, in order.
    pub fields: Vec<String>,
    /// A short human summary: "changed name, notes".
    pub summary: String,
}

/// How one field differs between two points in history.
#[derive(Clone, Debug, PartialEq)]
pub struct FieldChange {
    /// The field.
    pub path: FieldPath,
    /// Its value at the earlier point (`None`: absent).
    pub before: Option<FieldValue>,
    /// Its value at the later point (`None`: removed).
    pub after: Option<FieldValue>,
}

/// Keys every document has that are bookkeeping, not record fields.
const BOOKKEEPING: [&str; 3] = ["kind", "schema", "id"];

impl<R: Record> Document<R> {
    /// Every change, in causal order (each after the changes it builds on).
    pub fn history(&mut self) -> Vec<HistoryEntry> {
        let metas: Vec<(
            ChangeHash,
            Vec<ChangeHash>,
            i64,
            Option<String>,
            automerge::ActorId,
        )> = self
            .automerge_mut()
            .get_changes_meta(&[])
            .into_iter()
            .map(|meta| {
                (
                    meta.hash,
                    meta.deps.clone(),
                    meta.timestamp,
                    meta.message.as_ref().map(|m| m.to_string()),
                    meta.actor.into_owned(),
                )
            })
            .collect();
        metas
            .into_iter()
            .map(|(hash, deps, time, message, actor)| {
                let fields = self.fields_changed_by(&deps, hash);
                let editor = self
                    .automerge()
                    .get_author_for_actor(&actor)
                    .and_then(|author| Editor::from_author(&author));
                let summary = if deps.is_empty() {
                    format!("created {}", R::KIND)
                } else if fields.is_empty() {
                    "no visible change".to_owned()
                } else {
                    format!("changed {}", fields.join(", ").replace('_', " "))
                };
                HistoryEntry {
                    hash,
                    time,
                    editor,
                    message,
                    fields,
                    summary,
                }
            })
            .collect()
    }

    /// The top-level fields the change `hash` touched, compared with its dependencies.
    fn fields_changed_by(&mut self, deps: &[ChangeHash], hash: ChangeHash) -> Vec<String> {
        let patches = self.automerge_mut().diff(deps, &[hash]);
        let fields: BTreeSet<String> = patches
            .into_iter()
            .filter_map(|patch| match (patch.path.first(), patch.action) {
                (Some((_, automerge::Prop::Map(key))), _) => Some(key.clone()),
                (None, PatchAction::PutMap { key, .. } | PatchAction::DeleteMap { key }) => {
                    Some(key)
                }
                _ => None,
            })
            .filter(|key| !BOOKKEEPING.contains(&key.as_str()))
            .collect();
        fields.into_iter().collect()
    }

    /// The record as it was at `heads` (older schemas are migrated in memory to be read).
    pub fn record_at(&mut self, heads: &[ChangeHash]) -> Result<R, DocumentError> {
        let mut past = self
            .automerge_mut()
            .fork_at(heads)
            .map_err(DocumentError::Edit)?;
        if migration::schema_version(&past, None) < R::SCHEMA_VERSION {
            self.migrate_copy(&mut past, &Edit::anonymous(0))?;
        }
        autosurgeon::hydrate(&past).map_err(DocumentError::Hydrate)
    }

    /// Every field whose value differs between `before` and `after`, in path order.
    pub fn field_changes(
        &mut self,
        before: &[ChangeHash],
        after: &[ChangeHash],
    ) -> Vec<FieldChange> {
        let document = self.automerge_mut().document();
        let old = field::leaves(&document.hydrate(Some(before)));
        let new = field::leaves(&document.hydrate(Some(after)));
        let paths: BTreeSet<&FieldPath> = old.keys().chain(new.keys()).collect();
        paths
            .into_iter()
            .filter(|path| !path.top().is_some_and(|top| BOOKKEEPING.contains(&top)))
            .filter(|path| old.get(*path) != new.get(*path))
            .map(|path| FieldChange {
                path: path.clone(),
                before: old.get(path).cloned(),
                after: new.get(path).cloned(),
            })
            .collect()
    }

    /// Sets the field at `path` back to its value at `heads`, as a new change stamped `edit`.
    /// Text is restored by splicing the difference, so concurrent typing elsewhere survives; a
    /// field absent at `heads` is deleted. Returns `None` when the value is already the same.
    pub fn restore_field(
        &mut self,
        edit: &Edit,
        path: &FieldPath,
        heads: &[ChangeHash],
    ) -> Result<Option<ChangeHash>, DocumentError> {
        let past = self.automerge_mut().document().hydrate(Some(heads));
        let old = field::value_at(&past, path).cloned();
        let (object, prop) = path.locate(self.automerge(), None)?;
        // `Some(Some(id))`: a text object now; `Some(None)`: another value; `None`: absent.
        let current = match self
            .automerge()
            .get(&object, prop.clone())
            .map_err(DocumentError::Edit)?
        {
            Some((Value::Object(ObjType::Text), id)) => Some(Some(id)),
            Some(_) => Some(None),
            None => None,
        };
        migration::set_author(self.automerge_mut(), edit);
        let automerge = self.automerge_mut();
        match (old, current) {
            (None, None) => {}
            (None, Some(_)) => automerge
                .delete(&object, prop)
                .map_err(DocumentError::Edit)?,
            (Some(hydrate::Value::Scalar(scalar)), _) => automerge
                .put(&object, prop, scalar)
                .map_err(DocumentError::Edit)?,
            (Some(hydrate::Value::Text(text)), Some(Some(id))) => automerge
                .update_text(&id, text.to_string())
                .map_err(DocumentError::Edit)?,
            (Some(value), _) => {
                automerge
                    .batch_create_object(&object, prop, &value, false)
                    .map_err(DocumentError::Edit)?;
            }
        }
        Ok(self.commit(edit, &format!("restore {path}")))
    }
}

/// Groups history entries by the day of their time (Unix days), for a timeline view.
pub fn by_day(entries: &[HistoryEntry]) -> BTreeMap<i64, Vec<&HistoryEntry>> {
    let mut days: BTreeMap<i64, Vec<&HistoryEntry>> = BTreeMap::new();
    for entry in entries {
        days.entry(entry.time.div_euclid(86_400))
            .or_default()
            .push(entry);
    }
    days
}
