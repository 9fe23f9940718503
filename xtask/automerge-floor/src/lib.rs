//! What the workspace worker asks of Automerge, and nothing else: loading, merging, applying
//! and listing changes, reading conflicts, Automerge text, `autosurgeon`'s hydrate and
//! reconcile, and saving. `cargo xtask bench size` builds it with the worker's profile and
//! wasm-opt level, so its brotli size is a floor under the worker's: no storage, sync, search,
//! import or export, no bridge.

use automerge::transaction::Transactable;
use automerge::{AutoCommit, ObjType, ReadDoc, ROOT};
use autosurgeon::{hydrate, reconcile, Hydrate, Reconcile, Text};

/// A record as small as one can be while using every kind of field Carnet's records do.
#[derive(Debug, Default, Reconcile, Hydrate)]
struct Record {
    name: String,
    amount: i64,
    tags: Vec<String>,
    notes: Text,
}

/// What a worker does to a record when a colleague's change and the rep's edit meet: loads both
/// copies, merges them, reads the record and its conflicts, writes the rep's edit and a note,
/// then saves. Returns the saved document (empty if a copy cannot be read).
#[cfg_attr(target_arch = "wasm32", wasm_bindgen::prelude::wasm_bindgen)]
pub fn merge_and_edit(ours: &[u8], theirs: &[u8], typed: &str) -> Vec<u8> {
    let (Ok(mut document), Ok(mut other)) = (AutoCommit::load(ours), AutoCommit::load(theirs))
    else {
        return Vec::new();
    };
    let before = document.get_heads();
    if document.merge(&mut other).is_err() {
        return Vec::new();
    }
    let conflicts = document
        .get_all(ROOT, "name")
        .map_or(0, |values| values.len());
    let mut record: Record = hydrate(&document).unwrap_or_default();
    record.name.push_str(typed);
    record.amount += conflicts as i64;
    if reconcile(&mut document, &record).is_err() {
        return Vec::new();
    }
    if let Ok(Some((_, notes))) = document.get(ROOT, "notes") {
        let end = document.text(&notes).map_or(0, |text| text.chars().count());
        if document.splice_text(&notes, end, 0, typed).is_err() {
            return Vec::new();
        }
    }
    let changes = document.get_changes(&before);
    let mut replica = AutoCommit::new();
    if replica.apply_changes(changes).is_err() {
        return Vec::new();
    }
    let incremental = replica.save_incremental();
    if replica.load_incremental(&incremental).is_err() {
        return Vec::new();
    }
    document.save()
}

/// A new record's document, as a worker creates one.
pub fn new_record(name: &str) -> Vec<u8> {
    let mut document = AutoCommit::new();
    let record = Record {
        name: name.to_owned(),
        ..Record::default()
    };
    if reconcile(&mut document, &record).is_err() {
        return Vec::new();
    }
    if let Ok(notes) = document.put_object(ROOT, "notes", ObjType::Text) {
        let _written = document.splice_text(&notes, 0, 0, "first visit");
    }
    document.save()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merging_two_copies_keeps_both_edits_and_the_typed_text() -> Result<(), String> {
        let base = new_record("Boulangerie");
        let mut ours = AutoCommit::load(&base).map_err(|error| error.to_string())?;
        let mut theirs = ours.fork();
        let mut record: Record = hydrate(&theirs).map_err(|error| error.to_string())?;
        record.tags.push("bio".to_owned());
        reconcile(&mut theirs, &record).map_err(|error| error.to_string())?;
        let saved = merge_and_edit(&ours.save(), &theirs.save(), " Dupont");
        let merged = AutoCommit::load(&saved).map_err(|error| error.to_string())?;
        let read: Record = hydrate(&merged).map_err(|error| error.to_string())?;
        assert_eq!(read.name, "Boulangerie Dupont");
        assert_eq!(read.tags, vec!["bio".to_owned()]);
        assert_eq!(read.notes.as_str(), "first visit Dupont");
        assert!(merge_and_edit(b"not a document", &base, "x").is_empty());
        Ok(())
    }
}
