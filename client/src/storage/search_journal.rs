//! What the search index needs to be kept between visits: a saved copy of it and the journal of
//! the rows written since.
//!
//! - `search_journal` (increasing keys): an entry per index row written or cleared, added in the
//!   same transaction as the row, so the journal never misses a write, whichever tab or worker
//!   made it: `"a:<id>"`, `"c:<id>"`, `"d:<id>"` (a row written or deleted: the keeper reads it
//!   back, or finds it gone), or `"*"` when every row may have changed (a rebuild, a wipe). A
//!   transaction writing many rows (a page of a download) adds one entry of one such line per
//!   row, separated by line feeds ([`JournalBatch`]).
//! - `search_saved`: the index's saved form (`SearchIndex::to_bytes`) under `index`, and under
//!   `through` the last journal key it covers. Saving removes the journal entries it covers in
//!   the same transaction, and never replaces a copy that covers more.
//!
//! A worker holding the index reads the journal after the key it is current through and
//! re-reads those rows; when `through` has moved past that key, another worker trimmed
//! entries it has not read, and it loads the saved copy again.

use std::future::IntoFuture;

use idb::{CursorDirection, KeyRange, Query, Transaction};
use js_sys::{Object, Reflect, Uint8Array};
use shared::index::{AccountIndexRow, ContactIndexRow, DealIndexRow};
use shared::replica::IndexRow;
use wasm_bindgen::{JsCast, JsValue};

use super::{
    finish, Durability, Storage, StorageError, ACCOUNT_INDEX, CONTACT_INDEX, DEAL_INDEX,
    SEARCH_JOURNAL, SEARCH_SAVED,
};

const SAVED_INDEX: &str = "index";
const SAVED_THROUGH: &str = "through";
const EVERYTHING: &str = "*";

/// A row the journal says was written since some point.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum JournalEntry {
    /// The account row of this id.
    Account(String),
    /// The contact row of this id.
    Contact(String),
    /// The deal row of this id.
    Deal(String),
    /// Any row may have changed or gone: the index must be built again from every row.
    Everything,
}

/// Journal entries after a key, with what the saved copy covers.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct JournalPage {
    /// The entries, in the order they were written.
    pub entries: Vec<JournalEntry>,
    /// The key of the last entry read (`None` when there was none).
    pub last: Option<f64>,
    /// The last journal key the saved copy covers (0 when there is no copy).
    pub saved_through: f64,
}

/// A row as it stands now, for an entry of the journal.
#[derive(Clone, Debug, PartialEq)]
pub enum RowNow {
    /// The account's row.
    Account(AccountIndexRow),
    /// The contact's row.
    Contact(ContactIndexRow),
    /// The deal's row.
    Deal(DealIndexRow),
    /// The record has no row any more (or never had a readable one).
    Gone(String),
}

/// The saved copy of the search index.
#[derive(Clone, Debug, PartialEq)]
pub struct SavedSearchIndex {
    /// The last journal key it covers.
    pub through: f64,
    /// `SearchIndex::to_bytes`.
    pub bytes: Vec<u8>,
}

impl Storage {
    /// The saved copy of the search index, if there is one.
    pub async fn saved_search_index(&self) -> Result<Option<SavedSearchIndex>, StorageError> {
        let transaction = self.read_transaction(&[SEARCH_SAVED])?;
        let value = async {
            transaction
                .object_store(SEARCH_SAVED)?
                .get(Query::Key(JsValue::from(SAVED_INDEX)))?
                .await
        }
        .await;
        let Some(value) = finish(transaction, value).await? else {
            return Ok(None);
        };
        let damaged = || StorageError::Corrupt("the saved search index is damaged".to_owned());
        let through = Reflect::get(&value, &"through".into())
            .ok()
            .and_then(|through| through.as_f64())
            .ok_or_else(damaged)?;
        let bytes = Reflect::get(&value, &"bytes".into())
            .ok()
            .and_then(|bytes| bytes.dyn_into::<Uint8Array>().ok())
            .ok_or_else(damaged)?
            .to_vec();
        Ok(Some(SavedSearchIndex { through, bytes }))
    }

    /// The last key of the journal (0 when it is empty): an index built from the rows read
    /// after this call is current through it at least.
    pub async fn search_journal_end(&self) -> Result<f64, StorageError> {
        let transaction = self.read_transaction(&[SEARCH_JOURNAL, SEARCH_SAVED])?;
        let keys = async {
            // One step of a cursor from the end: the last key, without reading the others.
            let last = transaction
                .object_store(SEARCH_JOURNAL)?
                .open_key_cursor(None, Some(CursorDirection::Prev))?
                .await?
                .map(|cursor| cursor.key())
                .transpose()?;
            let through = transaction
                .object_store(SEARCH_SAVED)?
                .get(Query::Key(JsValue::from(SAVED_THROUGH)))?
                .await?;
            Ok::<_, idb::Error>((last, through))
        }
        .await;
        let (last, through) = finish(transaction, keys).await?;
        let last = last.and_then(|last| last.as_f64()).unwrap_or(0.0);
        // Trimmed entries are covered by the saved copy: its key is never above the end.
        Ok(last.max(through.and_then(|through| through.as_f64()).unwrap_or(0.0)))
    }

    /// At most `limit` journal entries after the key `after`, and what the saved copy covers.
    pub async fn search_journal_after(
        &self,
        after: f64,
        limit: u32,
    ) -> Result<JournalPage, StorageError> {
        let transaction = self.read_transaction(&[SEARCH_JOURNAL, SEARCH_SAVED])?;
        let read = async {
            let range = Query::KeyRange(KeyRange::lower_bound(&JsValue::from(after), Some(true))?);
            let journal = transaction.object_store(SEARCH_JOURNAL)?;
            let keys = journal
                .get_all_keys(Some(range.clone()), Some(limit))?
                .await?;
            let values = journal.get_all(Some(range), Some(limit))?.await?;
            let through = transaction
                .object_store(SEARCH_SAVED)?
                .get(Query::Key(JsValue::from(SAVED_THROUGH)))?
                .await?;
            Ok::<_, idb::Error>((keys, values, through))
        }
        .await;
        let (keys, values, through) = finish(transaction, read).await?;
        let mut entries = Vec::new();
        let mut last = None;
        for (key, value) in keys.iter().zip(&values) {
            // A page ends after the entry that brings it to `limit` rows (an entry of a
            // download's page names hundreds).
            if entries.len() >= limit as usize {
                break;
            }
            match value.as_string() {
                Some(text) => entries.extend(text.split('\n').map(|line| {
                    // An entry this build cannot read may name any row.
                    journal_entry(line).unwrap_or(JournalEntry::Everything)
                })),
                None => entries.push(JournalEntry::Everything),
            }
            last = key.as_f64();
        }
        Ok(JournalPage {
            entries,
            last,
            saved_through: through.and_then(|through| through.as_f64()).unwrap_or(0.0),
        })
    }

    /// The rows the journal `entries` name, as they stand now, each read once however often
    /// it was written (entries for everything are skipped: the caller builds again).
    pub async fn index_rows_now(
        &self,
        entries: &[JournalEntry],
    ) -> Result<Vec<RowNow>, StorageError> {
        let mut named: Vec<(&'static str, &str)> = entries
            .iter()
            .filter_map(|entry| match entry {
                JournalEntry::Account(id) => Some((ACCOUNT_INDEX, id.as_str())),
                JournalEntry::Contact(id) => Some((CONTACT_INDEX, id.as_str())),
                JournalEntry::Deal(id) => Some((DEAL_INDEX, id.as_str())),
                JournalEntry::Everything => None,
            })
            .collect();
        named.sort_unstable();
        named.dedup();
        let transaction = self.read_transaction(&[ACCOUNT_INDEX, CONTACT_INDEX, DEAL_INDEX])?;
        let read = async {
            // Every read is asked for before the first answer is awaited, so the database
            // answers them one after the other without waiting for this worker between them.
            let mut reads = Vec::with_capacity(named.len());
            for (store, id) in &named {
                let read = transaction
                    .object_store(store)?
                    .get(Query::Key(JsValue::from(*id)))?;
                reads.push(IntoFuture::into_future(read));
            }
            let mut values = Vec::with_capacity(reads.len());
            for read in reads {
                values.push(read.await?);
            }
            Ok::<_, idb::Error>(values)
        }
        .await;
        let values = finish(transaction, read).await?;
        named
            .into_iter()
            .zip(values)
            .map(|((store, id), value)| {
                let Some(value) = value else {
                    return Ok(RowNow::Gone(id.to_owned()));
                };
                match store {
                    ACCOUNT_INDEX => super::row_form::read_row(value).map(RowNow::Account),
                    CONTACT_INDEX => super::row_form::read_row(value).map(RowNow::Contact),
                    _ => super::row_form::read_row(value).map(RowNow::Deal),
                }
            })
            .collect()
    }

    /// Saves `bytes` as the index current through journal key `through` and removes the
    /// journal entries it covers, unless the copy already saved covers as much; whether it was
    /// saved. Relaxed: a copy lost to a power cut is rebuilt from the rows.
    pub async fn save_search_index(
        &self,
        through: f64,
        bytes: &[u8],
    ) -> Result<bool, StorageError> {
        let value = Object::new();
        Reflect::set(&value, &"through".into(), &JsValue::from(through))
            .map_err(StorageError::from_js)?;
        Reflect::set(&value, &"bytes".into(), &Uint8Array::from(bytes).into())
            .map_err(StorageError::from_js)?;
        let transaction = self.transaction(&[SEARCH_SAVED, SEARCH_JOURNAL], Durability::Relaxed)?;
        let saved = async {
            let saved = transaction.object_store(SEARCH_SAVED)?;
            let covered = saved
                .get(Query::Key(JsValue::from(SAVED_THROUGH)))?
                .await?
                .and_then(|covered| covered.as_f64());
            if covered.is_some_and(|covered| covered >= through) {
                return Ok(false);
            }
            saved
                .put(&value, Some(&JsValue::from(SAVED_INDEX)))?
                .await?;
            saved
                .put(&JsValue::from(through), Some(&JsValue::from(SAVED_THROUGH)))?
                .await?;
            let covered = KeyRange::upper_bound(&JsValue::from(through), Some(false))?;
            transaction
                .object_store(SEARCH_JOURNAL)?
                .delete(Query::KeyRange(covered))?
                .await?;
            Ok::<_, idb::Error>(true)
        }
        .await;
        finish(transaction, saved).await
    }

    /// Drops the saved copy (it could not be read): the next one saved replaces it whatever it
    /// covers.
    pub async fn forget_saved_search_index(&self) -> Result<(), StorageError> {
        let transaction = self.transaction(&[SEARCH_SAVED], Durability::Relaxed)?;
        let forgotten = async {
            let saved = transaction.object_store(SEARCH_SAVED)?;
            saved
                .delete(Query::Key(JsValue::from(SAVED_INDEX)))?
                .await?;
            saved
                .delete(Query::Key(JsValue::from(SAVED_THROUGH)))?
                .await?;
            Ok::<(), idb::Error>(())
        }
        .await;
        finish(transaction, forgotten).await
    }
}

/// Notes in the journal, inside the transaction writing it, that `row`'s record changed (not
/// awaited: a failed request aborts the transaction, which the writer's `finish` reports).
pub(super) fn journal_row(transaction: &Transaction, row: &IndexRow) -> Result<(), idb::Error> {
    match row {
        IndexRow::Account(row) => journal_row_of(transaction, ACCOUNT_INDEX, &row.id),
        IndexRow::Contact(row) => journal_row_of(transaction, CONTACT_INDEX, &row.id),
        IndexRow::Deal(row) => journal_row_of(transaction, DEAL_INDEX, &row.id),
        // The search box finds accounts, contacts and deals; the catalogue filters its own.
        IndexRow::Product(_) | IndexRow::Quote(_) | IndexRow::Order(_) | IndexRow::None => Ok(()),
    }
}

/// Notes in the journal, inside the transaction writing or deleting it, that the row `id` of
/// the index store `store` changed (a deleted row is read back as gone, and the keeper drops it;
/// not awaited, like [`journal_row`]).
pub(super) fn journal_row_of(
    transaction: &Transaction,
    store: &str,
    id: &str,
) -> Result<(), idb::Error> {
    let Some(entry) = entry_text(store, id) else {
        return Ok(());
    };
    let _queued = transaction
        .object_store(SEARCH_JOURNAL)?
        .add(&JsValue::from(entry), None)?;
    Ok(())
}

/// The journal's text for a row of `store` (`None`: search does not read that store).
fn entry_text(store: &str, id: &str) -> Option<String> {
    let prefix = match store {
        ACCOUNT_INDEX => "a",
        CONTACT_INDEX => "c",
        DEAL_INDEX => "d",
        _ => return None,
    };
    Some(format!("{prefix}:{id}"))
}

/// The rows a transaction writing many of them (a page of a download) notes in the journal as
/// one entry, one line per row: one request instead of one per row.
#[derive(Debug, Default)]
pub(super) struct JournalBatch {
    lines: Vec<String>,
}

impl JournalBatch {
    /// Notes `row` (rows search does not read are left out).
    pub(super) fn note(&mut self, row: &IndexRow) {
        let entry = match row {
            IndexRow::Account(row) => entry_text(ACCOUNT_INDEX, &row.id),
            IndexRow::Contact(row) => entry_text(CONTACT_INDEX, &row.id),
            IndexRow::Deal(row) => entry_text(DEAL_INDEX, &row.id),
            IndexRow::Product(_) | IndexRow::Quote(_) | IndexRow::Order(_) | IndexRow::None => None,
        };
        self.lines.extend(entry);
    }

    /// Adds the entry to the journal in `transaction` (nothing when no row was noted).
    pub(super) fn add_to(self, transaction: &Transaction) -> Result<(), idb::Error> {
        if self.lines.is_empty() {
            return Ok(());
        }
        let _queued = transaction
            .object_store(SEARCH_JOURNAL)?
            .add(&JsValue::from(self.lines.join("\n")), None)?;
        Ok(())
    }
}

/// Notes in the journal that every row may have changed (rows cleared or rebuilt).
pub(super) fn journal_everything(transaction: &Transaction) -> Result<(), idb::Error> {
    let _queued = transaction
        .object_store(SEARCH_JOURNAL)?
        .add(&JsValue::from(EVERYTHING), None)?;
    Ok(())
}

fn journal_entry(text: &str) -> Option<JournalEntry> {
    if text == EVERYTHING {
        return Some(JournalEntry::Everything);
    }
    let (kind, id) = text.split_once(':')?;
    let id = id.to_owned();
    match kind {
        "a" => Some(JournalEntry::Account(id)),
        "c" => Some(JournalEntry::Contact(id)),
        "d" => Some(JournalEntry::Deal(id)),
        _ => None,
    }
}
