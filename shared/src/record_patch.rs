//! Edits that cross a message boundary as patches between two versions of a record.
//!
//! The page shows a record it received as plain data (its serde form) and edits its own copy;
//! it sends the worker that holds the document the [`diff`] between the copy it was shown (the
//! *base*) and the edited copy. By then the document may hold colleagues' changes merged since,
//! so the worker does a three-way merge: it reads the *current* record and [`apply`]s the patch
//! to it. Only what the page changed is written; a field the page left alone keeps its current
//! value, even when the base the page saw was older. On a field both changed, the page wins,
//! except for text the rep typed ([`diff_typed`]): the typing is merged into the text as it is
//! now ([`text::merge_text`]), so a keystroke stored meanwhile (by another tab of the device)
//! is kept.
//!
//! A patch is a list of changes at paths through the record's maps (struct fields and map
//! entries alike): a value set, or a key removed. Lists and scalars are set whole. A change
//! inside an object a colleague removed meanwhile (a field of an activity they deleted) is
//! dropped and counted rather than re-creating a partial object; removing a key already gone
//! does nothing.
//!
//! [`Document::apply_patch`] is the worker's side in one call: it keeps the document's text
//! objects, so a colleague's concurrent typing in notes the page did not touch survives, and a
//! text the page did change becomes character edits rather than a replaced object.
//! This module owns the patch format and its merge; it must not know any record's fields beyond
//! their serde form and the [`TextFields`] each record kind lists beside its layout.

use std::collections::BTreeMap;

use automerge::{ChangeHash, ObjType, ReadDoc, Value};
use autosurgeon::Text;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Map;

use crate::document::{Document, DocumentError};
use crate::edit::Edit;
use crate::field::FieldPath;
use crate::migration;
use crate::record::Record;

pub mod text;

/// The most changes one patch may hold; a page's edit touches a handful.
pub const MAX_CHANGES: usize = 10_000;

/// The most segments one change's path may have; records nest four or five deep.
pub const MAX_PATH_DEPTH: usize = 32;

/// What a page changed in a record: the changes to replay on the record as it is now.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "UncheckedPatch")]
pub struct RecordPatch {
    changes: Vec<FieldChange>,
}

/// One change at a path of map keys from the record's root.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum FieldChange {
    /// The value at `path` becomes `value` (the serde form of the field or entry).
    Set {
        /// The keys from the root to the field.
        path: Vec<String>,
        /// The new value.
        value: serde_json::Value,
        /// The text the rep typed over ([`diff_typed`], a text before and after): a text
        /// changed meanwhile gets the typing merged in rather than replaced.
        #[serde(default)]
        base: Option<String>,
    },
    /// The key at the end of `path` is removed (a map entry deleted).
    Remove {
        /// The keys from the root to the removed key.
        path: Vec<String>,
    },
}

/// A record with a patch applied.
#[derive(Clone, Debug, PartialEq)]
pub struct Patched<R> {
    /// The current record with the page's changes.
    pub record: R,
    /// How many changes were dropped because what they changed no longer exists.
    pub dropped: usize,
}

/// What [`Document::apply_patch`] did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppliedPatch {
    /// The change written, or `None` when the patch changed nothing.
    pub change: Option<ChangeHash>,
    /// How many changes were dropped because what they changed no longer exists.
    pub dropped: usize,
}

/// Why a patch could not be made or applied.
#[derive(Debug, thiserror::Error)]
pub enum RecordPatchError {
    /// The record could not be turned into its serde form.
    #[error("the record could not be serialised")]
    Serialize(#[source] serde_json::Error),
    /// The record's serde form is not a map of fields.
    #[error("a record's serde form must be a map of fields")]
    NotAMap,
    /// The patch holds more changes than [`MAX_CHANGES`].
    #[error("the patch holds {0} changes, more than {MAX_CHANGES}")]
    TooManyChanges(usize),
    /// A path is longer than [`MAX_PATH_DEPTH`].
    #[error("a path of {0} segments is deeper than {MAX_PATH_DEPTH}")]
    PathTooDeep(usize),
    /// A change without a path (it would replace the whole record).
    #[error("a change must name a field")]
    EmptyPath,
    /// The patched data is not a valid record.
    #[error("the patched record is not valid")]
    Invalid(#[source] serde_json::Error),
    /// The document could not be read or written.
    #[error(transparent)]
    Document(#[from] DocumentError),
}

impl RecordPatch {
    /// A patch of `changes`, refused when over the caps.
    pub fn new(changes: Vec<FieldChange>) -> Result<Self, RecordPatchError> {
        check(&changes)?;
        Ok(Self { changes })
    }

    /// The changes, in the order they apply.
    pub fn changes(&self) -> &[FieldChange] {
        &self.changes
    }

    /// Whether the patch changes nothing.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }
}

impl FieldChange {
    /// The keys from the record's root to the changed field.
    pub fn path(&self) -> &[String] {
        match self {
            Self::Set { path, .. } | Self::Remove { path } => path,
        }
    }
}

/// What arrives over the wire, checked against the caps before it becomes a [`RecordPatch`].
#[derive(Deserialize)]
struct UncheckedPatch {
    changes: Vec<FieldChange>,
}

impl TryFrom<UncheckedPatch> for RecordPatch {
    type Error = RecordPatchError;

    fn try_from(unchecked: UncheckedPatch) -> Result<Self, Self::Error> {
        Self::new(unchecked.changes)
    }
}

/// The patch that turns `base` into `edited`: each changed value is set whole.
pub fn diff<R: Serialize>(base: &R, edited: &R) -> Result<RecordPatch, RecordPatchError> {
    diff_as(base, edited, Edited::Chosen)
}

/// The patch that turns `base` into `edited` where the rep typed: a text it changes carries
/// the text typed over, so [`apply`] merges the typing into a text changed meanwhile rather
/// than replacing it (a keystroke another tab stored is kept).
pub fn diff_typed<R: Serialize>(base: &R, edited: &R) -> Result<RecordPatch, RecordPatchError> {
    diff_as(base, edited, Edited::Typed)
}

/// How the page changed a record: values chosen (a stage, a date: set whole, the page wins) or
/// text typed (merged).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Edited {
    Chosen,
    Typed,
}

fn diff_as<R: Serialize>(
    base: &R,
    edited: &R,
    how: Edited,
) -> Result<RecordPatch, RecordPatchError> {
    let base = fields_of(base)?;
    let edited = fields_of(edited)?;
    let mut changes = Vec::new();
    diff_maps(&base, &edited, how, &mut Vec::new(), &mut changes);
    RecordPatch::new(changes)
}

/// `current` with `patch` applied: each change lands where the page made it, and the fields the
/// page did not change keep their current values.
pub fn apply<R: Serialize + DeserializeOwned>(
    current: &R,
    patch: &RecordPatch,
) -> Result<Patched<R>, RecordPatchError> {
    check(&patch.changes)?;
    let mut fields = fields_of(current)?;
    let mut dropped = 0;
    for change in &patch.changes {
        if !apply_change(&mut fields, change) {
            dropped += 1;
        }
    }
    let record = serde_json::from_value(serde_json::Value::Object(fields))
        .map_err(RecordPatchError::Invalid)?;
    Ok(Patched { record, dropped })
}

/// A record kind's Automerge text fields, by path, so that a record read back from its serde
/// form can be given the document's text objects again.
pub trait TextFields {
    /// Every text field, with its path from the record's root.
    fn text_fields_mut(&mut self) -> Vec<(FieldPath, &mut Text)>;
}

impl<R: Record + Serialize + DeserializeOwned + TextFields> Document<R> {
    /// Applies a page's `patch` to the record as it is now and commits what differs as one
    /// change described by `message`.
    ///
    /// Text fields keep their Automerge text objects: one the patch did not change is not
    /// written at all, and one it changed is edited in place (Automerge's own character diff),
    /// so concurrent typing by a colleague is merged rather than replaced.
    pub fn apply_patch(
        &mut self,
        edit: &Edit,
        message: &str,
        patch: &RecordPatch,
    ) -> Result<AppliedPatch, RecordPatchError> {
        check(&patch.changes)?;
        self.migrate(edit)?;
        let mut hydrated: R =
            autosurgeon::hydrate(self.automerge()).map_err(DocumentError::hydrate)?;
        let Patched {
            mut record,
            dropped,
        } = apply(&hydrated, patch)?;
        let mut hydrated_texts: BTreeMap<FieldPath, Text> = hydrated
            .text_fields_mut()
            .into_iter()
            .map(|(path, text)| (path, std::mem::take(text)))
            .collect();
        let mut retyped = Vec::new();
        for (path, text) in record.text_fields_mut() {
            // A text absent from the hydrated record is in a new entry: it is written fresh.
            if let Some(kept) = hydrated_texts.remove(&path) {
                if kept.as_str() != text.as_str() {
                    retyped.push((path, text.as_str().to_owned()));
                }
                *text = kept;
            }
        }
        let automerge = self.automerge_mut();
        migration::set_author(automerge, edit);
        autosurgeon::reconcile(automerge, &record).map_err(DocumentError::reconcile)?;
        for (path, content) in retyped {
            retype(automerge, &path, &content)?;
        }
        Ok(AppliedPatch {
            change: self.commit(edit, message),
            dropped,
        })
    }
}

/// Rewrites the text object at `path` to hold `content`, as character edits.
fn retype(
    automerge: &mut automerge::AutoCommit,
    path: &FieldPath,
    content: &str,
) -> Result<(), DocumentError> {
    use automerge::transaction::Transactable;
    let (object, prop) = path.locate(automerge)?;
    match automerge.get(&object, prop).map_err(DocumentError::edit)? {
        Some((Value::Object(ObjType::Text), text)) => automerge
            .update_text(&text, content)
            .map_err(DocumentError::edit),
        _ => Err(DocumentError::NotText(path.clone())),
    }
}

/// Refuses a patch over the caps before any work is done on it.
fn check(changes: &[FieldChange]) -> Result<(), RecordPatchError> {
    if changes.len() > MAX_CHANGES {
        return Err(RecordPatchError::TooManyChanges(changes.len()));
    }
    for change in changes {
        match change.path().len() {
            0 => return Err(RecordPatchError::EmptyPath),
            depth if depth > MAX_PATH_DEPTH => return Err(RecordPatchError::PathTooDeep(depth)),
            _ => {}
        }
    }
    Ok(())
}

/// The record's serde form, which must be a map of fields.
fn fields_of<R: Serialize>(record: &R) -> Result<Map<String, serde_json::Value>, RecordPatchError> {
    match serde_json::to_value(record).map_err(RecordPatchError::Serialize)? {
        serde_json::Value::Object(fields) => Ok(fields),
        _ => Err(RecordPatchError::NotAMap),
    }
}

/// Appends to `changes` what turns `base` into `edited`, both found at `path`.
fn diff_maps(
    base: &Map<String, serde_json::Value>,
    edited: &Map<String, serde_json::Value>,
    how: Edited,
    path: &mut Vec<String>,
    changes: &mut Vec<FieldChange>,
) {
    for (key, before) in base {
        path.push(key.clone());
        match (before, edited.get(key)) {
            (_, None) => changes.push(FieldChange::Remove { path: path.clone() }),
            (serde_json::Value::Object(before), Some(serde_json::Value::Object(after))) => {
                diff_maps(before, after, how, path, changes);
            }
            (before, Some(after)) if before != after => changes.push(FieldChange::Set {
                path: path.clone(),
                value: after.clone(),
                base: before
                    .as_str()
                    .filter(|_| how == Edited::Typed && after.is_string())
                    .map(str::to_owned),
            }),
            _ => {}
        }
        path.pop();
    }
    for (key, added) in edited {
        if !base.contains_key(key) {
            let mut added_path = path.clone();
            added_path.push(key.clone());
            changes.push(FieldChange::Set {
                path: added_path,
                value: added.clone(),
                base: None,
            });
        }
    }
}

/// Applies one change to a record's fields; `false` when it was dropped because the object it
/// changes no longer exists.
fn apply_change(fields: &mut Map<String, serde_json::Value>, change: &FieldChange) -> bool {
    let Some((key, parents)) = change.path().split_last() else {
        return false;
    };
    let parent = parents
        .iter()
        .try_fold(fields, |object, segment| match object.get_mut(segment) {
            Some(serde_json::Value::Object(child)) => Some(child),
            _ => None,
        });
    match (parent, change) {
        (Some(parent), FieldChange::Set { value, base, .. }) => {
            let value = match (
                base,
                value.as_str(),
                parent.get(key).and_then(|v| v.as_str()),
            ) {
                (Some(base), Some(edited), Some(current)) if current != base => {
                    serde_json::Value::String(text::merge_text(base, edited, current))
                }
                _ => value.clone(),
            };
            parent.insert(key.clone(), value);
            true
        }
        (Some(parent), FieldChange::Remove { .. }) => {
            parent.remove(key);
            true
        }
        (None, FieldChange::Set { .. }) => false,
        // The key is gone with its parent: removing it again is what the page wanted.
        (None, FieldChange::Remove { .. }) => true,
    }
}

#[cfg(test)]
mod tests;
