//! A record's history, read from its document's change graph: who changed which fields when,
//! the record as it was at any change, per-field differences between two points, and restoring
//! an earlier value as a new change.
//!
//! History is never rewritten: a restore is an ordinary change on top, so it merges with
//! concurrent edits and shows up in the history itself. Authors come from automerge's Authors
//! API (see [`crate::edit`]); times are the editing device's clock at the edit, not sync time.

use std::collections::{BTreeMap, BTreeSet};

use automerge::transaction::Transactable;
/// The id of one change (its hash), as history names changes.
pub use automerge::ChangeHash;
use automerge::{hydrate, ObjType, PatchAction, ReadDoc, Value};

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
        let metas: Vec<automerge::ChangeMetadata<'static>> = self
            .automerge_mut()
            .get_changes_meta(&[])
            .into_iter()
            .map(automerge::ChangeMetadata::into_owned)
            .collect();
        metas
            .into_iter()
            .map(|meta| {
                let fields = self.fields_changed_by(&meta.deps, meta.hash);
                let editor = self
                    .automerge()
                    .get_author_for_actor(&meta.actor)
                    .and_then(|author| Editor::from_author(&author));
                let summary = if meta.deps.is_empty() {
                    format!("created {}", R::KIND)
                } else if fields.is_empty() {
                    "no visible change".to_owned()
                } else {
                    format!("changed {}", fields.join(", ").replace('_', " "))
                };
                HistoryEntry {
                    hash: meta.hash,
                    time: meta.timestamp,
                    editor,
                    message: meta.message.map(|message| message.into_owned()),
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
            .map_err(DocumentError::edit)?;
        if migration::schema_version(&past, None) < R::SCHEMA_VERSION {
            self.migrate_copy(&mut past, &Edit::anonymous(0))?;
        }
        autosurgeon::hydrate(&past).map_err(DocumentError::hydrate)
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
        let (object, prop) = path.locate(self.automerge())?;
        // `Some(Some(id))`: a text object now; `Some(None)`: another value; `None`: absent.
        let current = match self
            .automerge()
            .get(&object, prop.clone())
            .map_err(DocumentError::edit)?
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
                .map_err(DocumentError::edit)?,
            (Some(hydrate::Value::Text(text)), Some(Some(id))) => automerge
                .update_text(&id, text.to_string())
                .map_err(DocumentError::edit)?,
            (Some(value), _) => {
                field::write_value(automerge, &object, prop, &value).map_err(DocumentError::edit)?
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::account::{Account, AccountDocument, AccountDraft, AccountError, MAIN_ADDRESS};
    use crate::ids::AccountId;

    fn account() -> Result<AccountDocument, AccountError> {
        let draft = AccountDraft {
            name: "Quincaillerie Martin".to_owned(),
            city: "Lyon".to_owned(),
            postcode: String::new(),
        };
        AccountDocument::create_by(
            AccountId::generate(),
            &draft,
            &Edit::by(Editor::random(), 100),
        )
    }

    #[test]
    fn history_lists_each_change_with_its_time_author_and_fields() -> Result<(), AccountError> {
        let mut document = account()?;
        let marie = Editor::random();
        document.update(&Edit::by(marie, 200), "edit", |a| {
            a.name = "Quincaillerie Martin & Fils".to_owned();
            a.website = Some("https://martin.example".to_owned());
        })?;
        document.splice_text(
            &Edit::by(marie, 300),
            &FieldPath::root("notes"),
            0,
            0,
            "Livrer le mardi",
        )?;
        let history = document.history();
        assert_eq!(history.len(), 3);
        assert_eq!(history[0].summary, "created account");
        assert_eq!(history[1].time, 200);
        assert_eq!(history[1].editor, Some(marie));
        assert_eq!(history[1].fields, vec!["name", "website"]);
        assert_eq!(history[1].summary, "changed name, website");
        assert_eq!(history[2].fields, vec!["notes"]);
        assert_eq!(history[2].message.as_deref(), Some("edit notes"));
        assert_eq!(by_day(&history).len(), 1);
        Ok(())
    }

    #[test]
    fn the_record_can_be_read_as_it_was_at_any_change() -> Result<(), AccountError> {
        let mut document = account()?;
        let first = document.heads();
        document.update(&Edit::anonymous(2), "rename", |a| {
            a.name = "Martin SA".to_owned()
        })?;
        let before: Account = document.record_at(&first)?;
        assert_eq!(before.name, "Quincaillerie Martin");
        assert_eq!(document.record()?.name, "Martin SA");
        Ok(())
    }

    #[test]
    fn field_changes_compare_two_points_field_by_field() -> Result<(), AccountError> {
        let mut document = account()?;
        let first = document.heads();
        document.update(&Edit::anonymous(2), "move", |a| {
            if let Some(main) = a.addresses.get_mut(MAIN_ADDRESS) {
                main.city = "Villeurbanne".to_owned();
                main.postcode = "69100".to_owned();
            }
        })?;
        let now = document.heads();
        let changes = document.field_changes(&first, &now);
        let paths: Vec<String> = changes.iter().map(|c| c.path.to_string()).collect();
        assert_eq!(
            paths,
            vec!["addresses.main.city", "addresses.main.postcode"]
        );
        assert_eq!(changes[0].before, Some(FieldValue::Text("Lyon".to_owned())));
        assert_eq!(
            changes[0].after,
            Some(FieldValue::Text("Villeurbanne".to_owned()))
        );
        Ok(())
    }

    #[test]
    fn restoring_a_field_is_a_new_change_that_keeps_other_edits() -> Result<(), AccountError> {
        let mut document = account()?;
        let notes = FieldPath::root("notes");
        document.splice_text(&Edit::anonymous(2), &notes, 0, 0, "Client fidèle")?;
        let good = document.heads();
        document.update(&Edit::anonymous(3), "oops", |a| a.name = "Typo".to_owned())?;
        document.splice_text(&Edit::anonymous(4), &notes, 0, 13, "Effacé")?;
        let changes_before = document.history().len();

        document.restore_field(&Edit::anonymous(5), &FieldPath::root("name"), &good)?;
        document.restore_field(&Edit::anonymous(5), &notes, &good)?;
        assert_eq!(document.record()?.name, "Quincaillerie Martin");
        assert_eq!(document.text(&notes)?, "Client fidèle");
        assert_eq!(document.history().len(), changes_before + 2);
        assert_eq!(
            document.restore_field(&Edit::anonymous(6), &FieldPath::root("name"), &good)?,
            None
        );
        Ok(())
    }

    #[test]
    fn restoring_a_removed_entry_brings_back_all_its_fields() -> Result<(), AccountError> {
        let mut document = account()?;
        let with_address = document.heads();
        document.update(&Edit::anonymous(2), "remove", |a| {
            a.addresses.clear();
        })?;
        assert!(document.record()?.addresses.is_empty());
        let path = FieldPath::new(["addresses", MAIN_ADDRESS]);
        document.restore_field(&Edit::anonymous(3), &path, &with_address)?;
        assert_eq!(document.city(), "Lyon");
        Ok(())
    }
}
