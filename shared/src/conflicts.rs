//! Concurrent values of one field: what automerge keeps when two devices set the same field
//! without seeing each other's edit.
//!
//! Automerge picks a deterministic winner and keeps the others; this module lists them all with
//! who wrote each, so the UI can show "two reps changed this" and let the rep choose. Choosing
//! is an ordinary change that overwrites every concurrent value; it never rewrites history.

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

/// What a conflict view shows of a [`ConflictingValue`], as plain data for a page that does not
/// hold the document (choosing one is then asked of the document's holder by its position).
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ConflictingValueSummary {
    /// The value as the UI shows it.
    pub value: FieldValue,
    /// Who set it, when known.
    pub editor: Option<Editor>,
    /// Whether this is the value automerge currently shows.
    pub winner: bool,
}

impl From<&ConflictingValue> for ConflictingValueSummary {
    fn from(conflicting: &ConflictingValue) -> Self {
        Self {
            value: conflicting.value.clone(),
            editor: conflicting.editor,
            winner: conflicting.winner,
        }
    }
}

impl<R: Record> Document<R> {
    /// All values concurrently set for the field at `path`, the shown one first; empty when
    /// the field has one value (or none).
    pub fn conflicts(&self, path: &FieldPath) -> Result<Vec<ConflictingValue>, DocumentError> {
        let (object, prop) = path.locate(self.automerge())?;
        let automerge = self.automerge();
        let values = automerge
            .get_all(&object, prop.clone())
            .map_err(DocumentError::edit)?;
        if !disagree(&values) {
            return Ok(Vec::new());
        }
        let winner = automerge
            .get(&object, prop)
            .map_err(DocumentError::edit)?
            .map(|(_, id)| id);
        let mut listed = Vec::with_capacity(values.len());
        for (value, id) in values {
            let raw = match value {
                Value::Object(kind) => {
                    field::read_object(automerge, &id, kind).map_err(DocumentError::edit)?
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
        let (object, prop) = path.locate(self.automerge())?;
        migration::set_author(self.automerge_mut(), edit);
        field::write_value(self.automerge_mut(), &object, prop, &chosen.raw)
            .map_err(DocumentError::edit)?;
        Ok(self.commit(edit, &format!("choose {path}")))
    }
}

/// Whether concurrent values really differ: two devices writing the same scalar (a migration
/// carry-over, the same correction) is not something to ask the rep about.
fn disagree(values: &[(Value<'_>, ObjId)]) -> bool {
    match values.split_first() {
        Some(((Value::Scalar(first), _), rest)) => rest
            .iter()
            .any(|(value, _)| !matches!(value, Value::Scalar(other) if other == first)),
        Some((_, rest)) => !rest.is_empty(),
        None => false,
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
        if disagree(&values) {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::account::{AccountDocument, AccountDraft, AccountError, LifecycleStage};
    use crate::ids::AccountId;

    fn diverged() -> Result<(AccountDocument, Editor, Editor), AccountError> {
        let draft = AccountDraft {
            name: "Garage Dupuis".to_owned(),
            city: "Dijon".to_owned(),
            postcode: String::new(),
        };
        let mut first = AccountDocument::create(AccountId::generate(), &draft, 1)?;
        let mut second = first.fork();
        let (anne, bruno) = (Editor::random(), Editor::random());
        first.update(&Edit::by(anne, 2), "rename", |a| {
            a.name = "Garage Dupuis SARL".to_owned()
        })?;
        second.update(&Edit::by(bruno, 2), "rename", |a| {
            a.name = "Dupuis Automobiles".to_owned()
        })?;
        second.update(&Edit::by(bruno, 2), "stage", |a| {
            a.stage = LifecycleStage::Active
        })?;
        first.merge(&mut second)?;
        Ok((first, anne, bruno))
    }

    #[test]
    fn concurrent_values_are_all_listed_with_their_authors() -> Result<(), AccountError> {
        let (document, anne, bruno) = diverged()?;
        let name = FieldPath::root("name");
        let values = document.conflicts(&name)?;
        assert_eq!(values.len(), 2);
        assert!(values[0].winner && !values[1].winner);
        let mut authors: Vec<Option<Editor>> = values.iter().map(|v| v.editor).collect();
        authors.sort_by_key(|e| e.map(|e| e.user));
        let mut expected = vec![Some(anne), Some(bruno)];
        expected.sort_by_key(|e| e.map(|e| e.user));
        assert_eq!(authors, expected);
        let texts: Vec<String> = values.iter().map(|v| v.value.to_string()).collect();
        assert!(texts.contains(&"Garage Dupuis SARL".to_owned()));
        assert!(texts.contains(&"Dupuis Automobiles".to_owned()));
        assert_eq!(document.conflicted_fields(), vec![name]);
        assert!(document.conflicts(&FieldPath::root("stage"))?.is_empty());
        Ok(())
    }

    #[test]
    fn choosing_a_value_is_an_ordinary_change_that_ends_the_conflict() -> Result<(), AccountError> {
        let (mut document, _, _) = diverged()?;
        let name = FieldPath::root("name");
        let loser = document
            .conflicts(&name)?
            .into_iter()
            .find(|value| !value.winner)
            .ok_or(AccountError::MissingName)?;
        let before = document.history().len();
        document.choose(&Edit::anonymous(3), &name, &loser)?;
        assert!(document.conflicts(&name)?.is_empty());
        assert_eq!(FieldValue::Text(document.name()), loser.value);
        assert_eq!(document.history().len(), before + 1);
        Ok(())
    }

    #[test]
    fn choosing_the_shown_value_also_ends_the_conflict() -> Result<(), AccountError> {
        let (mut document, _, _) = diverged()?;
        let name = FieldPath::root("name");
        let shown = document
            .conflicts(&name)?
            .into_iter()
            .find(|value| value.winner)
            .ok_or(AccountError::MissingName)?;
        assert!(document
            .choose(&Edit::anonymous(3), &name, &shown)?
            .is_some());
        assert!(document.conflicts(&name)?.is_empty());
        Ok(())
    }

    #[test]
    fn a_conflicts_summary_survives_the_trip_as_json() -> Result<(), Box<dyn std::error::Error>> {
        let (document, _, _) = diverged()?;
        let summaries: Vec<ConflictingValueSummary> = document
            .conflicts(&FieldPath::root("name"))?
            .iter()
            .map(ConflictingValueSummary::from)
            .collect();
        let json = serde_json::to_string(&summaries)?;
        assert_eq!(
            serde_json::from_str::<Vec<ConflictingValueSummary>>(&json)?,
            summaries
        );
        let paths = document.conflicted_fields();
        let json = serde_json::to_string(&paths)?;
        assert_eq!(json, r#"[["name"]]"#);
        assert_eq!(serde_json::from_str::<Vec<FieldPath>>(&json)?, paths);
        Ok(())
    }

    #[test]
    fn two_devices_writing_the_same_value_is_not_a_conflict() -> Result<(), AccountError> {
        let draft = AccountDraft {
            name: "Garage Dupuis".to_owned(),
            city: "Dijon".to_owned(),
            postcode: String::new(),
        };
        let mut first = AccountDocument::create(AccountId::generate(), &draft, 1)?;
        let mut second = first.fork();
        first.update(&Edit::anonymous(2), "fix", |a| {
            a.name = "Garage Dupuis SA".to_owned()
        })?;
        second.update(&Edit::anonymous(2), "fix", |a| {
            a.name = "Garage Dupuis SA".to_owned()
        })?;
        first.merge(&mut second)?;
        let listed = first.conflicts(&FieldPath::root("name"))?;
        assert!(listed.is_empty(), "{listed:?}");
        assert!(first.conflicted_fields().is_empty());
        Ok(())
    }
}
