//! Concurrent values of one field: what automerge keeps when two devices set the same field
//! without seeing each other's edit.
//!
//! Automerge picks a deterministic winner and keeps the others; this module lists them all with
//! who wrote each, so the UI can show "two reps changed this" and let the rep choose. Choosing
//! is an ordinary change that overwrites every concurrent value; it never rewrites history.

use automerge::transaction::Transactable;
use automerge::{hydrate, ChangeHash, ObjId, ReadDoc, Value, ROOT};

use crate::document::{Document, DocumentError};
use crate::edit::{Edit, Editor};
use crate::field::{self, FieldPath, FieldValue};
use crate::migration;
use crate::record::Record;

/// One of the values concurrently set for a field.
#[derive(Clone, Debug, PartialEq)]
pub struct ConflictingValue {
    /// The value as the UI shows it.
    pub value: FieldValue,
    /// Who set it, when known.
    pub editor: Option<Editor>,
    /// Whether this is the value automerge currently shows.
    pub winner: bool,
    /// The full value, to write back when chosen.
    raw: hydrate::Value,
}

impl<R: Record> Document<R> {
    /// All values concurrently set for the field at `path`, the shown one first; empty when
    /// the field has one value (or none).
    pub fn conflicts(&self, path: &FieldPath) -> Result<Vec<ConflictingValue>, DocumentError> {
        let (object, prop) = path.locate(self.automerge(), None)?;
        let automerge = self.automerge();
        let values = automerge
            .get_all(&object, prop)
            .map_err(DocumentError::Edit)?;
        if values.len() < 2 {
            return Ok(Vec::new());
        }
        let winner = automerge
            .get(
                &object,
                path.segments()
                    .last()
                    .map(String::as_str)
                    .unwrap_or_default(),
            )
            .ok()
            .flatten()
            .map(|(_, id)| id);
        let mut listed = Vec::with_capacity(values.len());
        for (value, id) in values {
            let raw = match value {
                Value::Object(kind) => {
                    field::read_object(automerge, &id, kind).map_err(DocumentError::Edit)?
                }
                Value::Scalar(scalar) => hydrate::Value::Scalar(scalar.into_owned()),
            };
            let editor = match &id {
                ObjId::Id(_, actor, _) => automerge
                    .get_author_for_actor(actor)
                    .and_then(|author| Editor::from_author(&author)),
                ObjId::Root => None,
            };
            listed.push(ConflictingValue {
                value: FieldValue::from_hydrated(&raw),
                editor,
                winner: winner.as_ref() == Some(&id),
                raw,
            });
        }
        listed.sort_by_key(|value| !value.winner);
        Ok(listed)
    }

    /// Every field that currently holds concurrent values, for "changed by two reps" badges.
    pub fn conflicted_fields(&self) -> Vec<FieldPath> {
        let mut found = Vec::new();
        collect_conflicts(self.automerge(), &ROOT, &mut Vec::new(), &mut found);
        found
    }

    /// Resolves the conflict at `path` by setting `chosen` as an ordinary change.
    pub fn choose(
        &mut self,
        edit: &Edit,
        path: &FieldPath,
        chosen: &ConflictingValue,
    ) -> Result<Option<ChangeHash>, DocumentError> {
        let (object, prop) = path.locate(self.automerge(), None)?;
        migration::set_author(self.automerge_mut(), edit);
        let automerge = self.automerge_mut();
        match &chosen.raw {
            hydrate::Value::Scalar(scalar) => automerge
                .put(&object, prop, scalar.clone())
                .map_err(DocumentError::Edit)?,
            value => {
                automerge
                    .batch_create_object(&object, prop, value, false)
                    .map_err(DocumentError::Edit)?;
            }
        }
        Ok(self.commit(edit, &format!("choose {path}")))
    }
}

fn collect_conflicts(
    document: &impl ReadDoc,
    object: &ObjId,
    path: &mut Vec<String>,
    found: &mut Vec<FieldPath>,
) {
    for key in document.keys(object) {
        let values = document.get_all(object, key.as_str()).unwrap_or_default();
        path.push(key.clone());
        if values.len() > 1 {
            found.push(FieldPath::new(path.iter().cloned()));
        }
        if let Ok(Some((Value::Object(automerge::ObjType::Map), child))) =
            document.get(object, key.as_str())
        {
            collect_conflicts(document, &child, path, found);
        }
        path.pop();
    }
}
