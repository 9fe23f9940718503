//! Records leaving and entering the person's reach, as storage sees them: the ids of the
//! documents the device holds (the relay compares them with the reach), the purge of the
//! documents that left it, the outbox entries set aside in the `quarantine` store (schema
//! version 5) and taken back when their record comes back, and the quarantine's listing,
//! export data and discarding.
//!
//! Nothing typed is ever lost without the rep's word: a purge moves the record's unsynced
//! changes to the quarantine in the same strict transaction that deletes the record, and only
//! "Discard" (or a sign-out the rep forced) removes them.
//!
//! A quarantine record: `{ document: "<uuid>", kind?: "account", title?: "…", bytes:
//! Uint8Array, at?: <ms the change was made>, set_aside_at: <ms> }`, under increasing keys, with
//! the index `by_document`.

use std::collections::{BTreeSet, HashMap};

use idb::{Query, Transaction};
use js_sys::{Object, Reflect, Uint8Array};
use shared::protocol::{DocumentId, DocumentSnapshot};
use shared::replica::RecordKind;
use wasm_bindgen::{JsCast, JsValue};

use super::{
    finish, flatten, fold_and_put, outbox_value, put_snapshots, search_journal, Changed,
    Durability, Origin, Received, Storage, StorageError, ACCOUNT_INDEX, BY_DOCUMENT, CONTACT_INDEX,
    DEAL_INDEX, DOCUMENTS, OUTBOX, QUARANTINE, ROW_WRITES,
};
use crate::team::quarantine::QuarantinedChange;

/// What a purge writes: the documents, their rows and journal, the outbox and the quarantine.
const PURGE_WRITES: [&str; 10] = [
    DOCUMENTS,
    ACCOUNT_INDEX,
    CONTACT_INDEX,
    DEAL_INDEX,
    super::PRODUCT_INDEX,
    super::QUOTE_INDEX,
    super::ORDER_INDEX,
    super::SEARCH_JOURNAL,
    OUTBOX,
    QUARANTINE,
];

/// What storing granted documents stored and took back.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Granted {
    /// The records written, for lists and open pages to refresh.
    pub changed: Vec<Changed>,
    /// How many set-aside changes went back to the outbox.
    pub taken_back: usize,
}

/// What storage knows of a record beside its outbox entries: enough to name it once it is gone.
#[derive(Clone, Debug, Default)]
struct Described {
    kind: Option<RecordKind>,
    title: Option<String>,
    /// The index store holding its row, if any.
    rows: Option<&'static str>,
    /// Whether the device holds its document.
    held: bool,
}

impl Storage {
    /// The ids of every document the device holds (keys only: no document is read).
    pub async fn document_ids(&self) -> Result<Vec<DocumentId>, StorageError> {
        Ok(self
            .document_keys()
            .await?
            .iter()
            .filter_map(JsValue::as_string)
            .filter_map(|key| uuid::Uuid::parse_str(&key).ok())
            .map(DocumentId)
            .collect())
    }

    /// Removes `documents`, which left the person's reach, in one strict transaction: every
    /// outbox entry of theirs (and the entries `keys`) moves to the quarantine, named after the
    /// record, and each document, its index row and (through the journal) its search terms are
    /// deleted. Returns the records removed, for lists and open pages to refresh.
    pub async fn purge(
        &self,
        documents: &[DocumentId],
        keys: &[u64],
    ) -> Result<Vec<Changed>, StorageError> {
        let purged: BTreeSet<String> = documents
            .iter()
            .map(|document| document.0.to_string())
            .collect();
        let set_aside_at = js_sys::Date::now();
        let transaction = self.transaction(&PURGE_WRITES, Durability::Strict)?;
        let removed = async {
            let mut described = HashMap::new();
            for document in &purged {
                described.insert(document.clone(), describe(&transaction, document).await?);
            }
            if let Err(error) = set_aside(
                &transaction,
                |key, document| purged.contains(document) || keys.contains(&key),
                &mut described,
                set_aside_at,
            )
            .await?
            {
                return Ok(Err(error));
            }
            let mut changed = Vec::new();
            for document in documents {
                let key = document.0.to_string();
                let Some(record) = described.get(&key) else {
                    continue;
                };
                if let Some(store) = record.rows {
                    transaction
                        .object_store(store)?
                        .delete(Query::Key(JsValue::from(key.as_str())))?
                        .await?;
                    search_journal::journal_row_of(&transaction, store, &key)?;
                }
                if record.held {
                    transaction
                        .object_store(DOCUMENTS)?
                        .delete(Query::Key(JsValue::from(key.as_str())))?
                        .await?;
                }
                if record.held || record.rows.is_some() {
                    changed.push(Changed {
                        document: *document,
                        kind: record.kind,
                        grew: false,
                        gone: true,
                        editors: Vec::new(),
                    });
                }
            }
            Ok::<_, idb::Error>(Ok(changed))
        }
        .await;
        finish(transaction, flatten(removed)).await
    }

    /// Moves the outbox entries `keys` (changes the relay refused: their records are out of
    /// the person's reach) to the quarantine, in one strict transaction, so they are no longer
    /// pushed; the records stay. Returns how many were set aside.
    pub async fn set_aside(&self, keys: &[u64]) -> Result<usize, StorageError> {
        if keys.is_empty() {
            return Ok(0);
        }
        let set_aside_at = js_sys::Date::now();
        let transaction = self.transaction(&PURGE_WRITES, Durability::Strict)?;
        let moved = async {
            let mut described = HashMap::new();
            set_aside(
                &transaction,
                |key, _| keys.contains(&key),
                &mut described,
                set_aside_at,
            )
            .await
        }
        .await;
        finish(transaction, flatten(moved)).await
    }

    /// Stores whole documents that entered the person's reach like a bootstrap page
    /// ([`Storage::store_snapshots`]), and in the same strict transaction takes back the changes
    /// to them set aside earlier: folded into their documents and put back in the outbox (now
    /// that the relay accepts them), and out of the quarantine.
    pub async fn store_granted(
        &self,
        snapshots: &[DocumentSnapshot],
    ) -> Result<Granted, StorageError> {
        let mut stores = ROW_WRITES.to_vec();
        stores.extend([OUTBOX, QUARANTINE]);
        let transaction = self.transaction(&stores, Durability::Strict)?;
        let stored = async {
            let mut changed = match put_snapshots(&transaction, snapshots).await? {
                Ok(changed) => changed,
                Err(error) => return Ok(Err(error)),
            };
            let quarantine = transaction.object_store(QUARANTINE)?;
            let outbox = transaction.object_store(OUTBOX)?;
            let mut taken_back = 0;
            for snapshot in snapshots {
                let key = JsValue::from(snapshot.document.0.to_string());
                let by_document = quarantine.index(BY_DOCUMENT)?;
                let entries = by_document
                    .get_all_keys(Some(Query::Key(key.clone())), None)?
                    .await?;
                let values = by_document.get_all(Some(Query::Key(key)), None)?.await?;
                if entries.is_empty() {
                    continue;
                }
                let changes: Vec<QuarantinedChange> = match values
                    .iter()
                    .map(quarantined_change)
                    .collect::<Result<_, _>>()
                {
                    Ok(changes) => changes,
                    Err(error) => return Ok(Err(error)),
                };
                let group = Received {
                    document: snapshot.document,
                    bytes: changes.iter().map(|change| change.bytes.clone()).collect(),
                };
                // Changes the document already holds (it stayed on the device) are not stored
                // twice; every one goes to the relay, which keeps each change once.
                match fold_and_put(&transaction, &group, Origin::Device).await? {
                    Ok(Some((folded, fresh))) if !fresh.is_empty() => {
                        changed.retain(|record| record.document != snapshot.document);
                        changed.push(Changed {
                            document: snapshot.document,
                            kind: folded.kind,
                            grew: true,
                            gone: false,
                            editors: Vec::new(),
                        });
                    }
                    Ok(_) => {}
                    Err(error) => return Ok(Err(error)),
                }
                let document = snapshot.document.0.to_string();
                for change in &changes {
                    let at = change.made_at.unwrap_or(change.set_aside_at);
                    let value = match outbox_value(&document, &change.bytes, at) {
                        Ok(value) => value,
                        Err(error) => return Ok(Err(error)),
                    };
                    outbox.add(&value, None)?.await?;
                }
                for entry in entries {
                    quarantine.delete(Query::Key(entry))?.await?;
                }
                taken_back += changes.len();
            }
            Ok::<_, idb::Error>(Ok(Granted {
                changed,
                taken_back,
            }))
        }
        .await;
        finish(transaction, flatten(stored)).await
    }

    /// Every change set aside, in the order it was set aside (with its bytes: the listing and
    /// the export read the same).
    pub async fn quarantined(&self) -> Result<Vec<QuarantinedChange>, StorageError> {
        let transaction = self.read_transaction(&[QUARANTINE])?;
        let values = async {
            transaction
                .object_store(QUARANTINE)?
                .get_all(None, None)?
                .await
        }
        .await;
        finish(transaction, values)
            .await?
            .iter()
            .map(quarantined_change)
            .collect()
    }

    /// Deletes every change set aside (the rep chose to discard them); returns how many.
    pub async fn discard_quarantine(&self) -> Result<usize, StorageError> {
        let transaction = self.transaction(&[QUARANTINE], Durability::Strict)?;
        let discarded = async {
            let quarantine = transaction.object_store(QUARANTINE)?;
            let count = quarantine.count(None)?.await?;
            quarantine.clear()?.await?;
            Ok::<_, idb::Error>(count as usize)
        }
        .await;
        finish(transaction, discarded).await
    }
}

/// Moves the outbox entries `selected` picks (by key and document) to the quarantine inside
/// `transaction`, naming each after its record (described once per record, into `described`);
/// returns how many moved.
async fn set_aside(
    transaction: &Transaction,
    selected: impl Fn(u64, &str) -> bool,
    described: &mut HashMap<String, Described>,
    set_aside_at: f64,
) -> Result<Result<usize, StorageError>, idb::Error> {
    let outbox = transaction.object_store(OUTBOX)?;
    let keys = outbox.get_all_keys(None, None)?.await?;
    let values = outbox.get_all(None, None)?.await?;
    let quarantine = transaction.object_store(QUARANTINE)?;
    let mut moved = 0;
    for (key, value) in keys.into_iter().zip(values) {
        let Some(number) = key.as_f64() else {
            continue;
        };
        let document = Reflect::get(&value, &"document".into())
            .ok()
            .and_then(|document| document.as_string())
            .unwrap_or_default();
        // Outbox keys come from IndexedDB's key generator: positive integers.
        if !selected(number as u64, &document) {
            continue;
        }
        if !described.contains_key(&document) {
            let record = describe(transaction, &document).await?;
            described.insert(document.clone(), record);
        }
        let record = described.get(&document).cloned().unwrap_or_default();
        let kept = match quarantine_value(&value, &record, set_aside_at) {
            Ok(kept) => kept,
            Err(error) => return Ok(Err(error)),
        };
        quarantine.add(&kept, None)?.await?;
        outbox.delete(Query::Key(key))?.await?;
        moved += 1;
    }
    Ok(Ok(moved))
}

/// The kind and title of `document` (from its index row, else its stored kind) and where its
/// row is.
async fn describe(transaction: &Transaction, document: &str) -> Result<Described, idb::Error> {
    let key = JsValue::from(document);
    let stored = transaction
        .object_store(DOCUMENTS)?
        .get(Query::Key(key.clone()))?
        .await?;
    let mut described = Described {
        held: stored.is_some(),
        // The kind beside the bytes, without copying the document out (see `stored`).
        kind: stored
            .and_then(|value| Reflect::get(&value, &"kind".into()).ok())
            .and_then(|kind| kind.as_string())
            .and_then(|kind| RecordKind::from_name(&kind)),
        ..Described::default()
    };
    for (store, kind, title) in [
        (ACCOUNT_INDEX, RecordKind::Account, "name"),
        (CONTACT_INDEX, RecordKind::Contact, "display_name"),
        (DEAL_INDEX, RecordKind::Deal, "title"),
        (super::PRODUCT_INDEX, RecordKind::Product, "name"),
        (super::QUOTE_INDEX, RecordKind::Quote, "number"),
        (super::ORDER_INDEX, RecordKind::Order, "number"),
    ] {
        if let Some(row) = transaction
            .object_store(store)?
            .get(Query::Key(key.clone()))?
            .await?
        {
            described.rows = Some(store);
            described.kind = Some(kind);
            described.title = Reflect::get(&row, &title.into())
                .ok()
                .and_then(|title| title.as_string())
                .filter(|title| !title.trim().is_empty());
            break;
        }
    }
    Ok(described)
}

/// The quarantine record of the outbox record `entry`.
fn quarantine_value(
    entry: &JsValue,
    record: &Described,
    set_aside_at: f64,
) -> Result<JsValue, StorageError> {
    let value = Object::new();
    let set = |name: &str, field: &JsValue| {
        Reflect::set(&value, &name.into(), field)
            .map(drop)
            .map_err(StorageError::from_js)
    };
    for name in ["document", "bytes", "at"] {
        if let Ok(field) = Reflect::get(entry, &name.into()) {
            if !field.is_undefined() {
                set(name, &field)?;
            }
        }
    }
    if let Some(kind) = record.kind {
        set("kind", &kind.as_str().into())?;
    }
    if let Some(title) = &record.title {
        set("title", &title.into())?;
    }
    set("set_aside_at", &set_aside_at.into())?;
    Ok(value.into())
}

/// Reads a quarantine record back.
fn quarantined_change(value: &JsValue) -> Result<QuarantinedChange, StorageError> {
    let damaged = |what: &str| StorageError::Corrupt(format!("a set-aside change has no {what}"));
    let text = |name: &str| {
        Reflect::get(value, &name.into())
            .ok()
            .and_then(|field| field.as_string())
    };
    let number = |name: &str| {
        Reflect::get(value, &name.into())
            .ok()
            .and_then(|field| field.as_f64())
    };
    let document = text("document")
        .and_then(|document| uuid::Uuid::parse_str(&document).ok())
        .map(DocumentId)
        .ok_or_else(|| damaged("document"))?;
    let bytes = Reflect::get(value, &"bytes".into())
        .ok()
        .and_then(|bytes| bytes.dyn_into::<Uint8Array>().ok())
        .ok_or_else(|| damaged("bytes"))?
        .to_vec();
    Ok(QuarantinedChange {
        document,
        kind: text("kind").and_then(|kind| RecordKind::from_name(&kind)),
        title: text("title"),
        bytes,
        made_at: number("at"),
        set_aside_at: number("set_aside_at").unwrap_or_default(),
    })
}
