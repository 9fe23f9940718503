//! The one facade over IndexedDB. Nothing else in the app touches the browser's storage.
//!
//! Layout (schema version 1), in the database `carnet`:
//! - `documents`: Automerge bytes per record id (the source of truth);
//! - `account_index`: derived index rows (key path `id`, index `by_sort_name`), rebuildable from
//!   the documents, read by lists so they never load documents;
//! - `meta`: small facts about this device (e.g. whether persistent storage was granted);
//! - `outbox` (since version 2): local Automerge changes the relay has not acknowledged yet, under
//!   increasing keys; written in the same strict transaction as the document they belong to, and
//!   removed only when a durable ack covers them.
//!
//! Every write resolves on the transaction's `complete` event, never on a request's success, and
//! writes of records ask for `durability: "strict"`: the data is on disk when the promise resolves.

mod error;
mod persistence;
mod schema;

use automerge::ChangeHash;
use idb::{Query, Transaction, TransactionMode};
use js_sys::{Array, Object, Reflect, Uint8Array};
use shared::account::AccountDocument;
use shared::ids::AccountId;
use shared::index::AccountIndexRow;
use shared::protocol::client::OutboxEntry;
use shared::protocol::{Change, DocumentId};
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{IdbDatabase, IdbTransaction};

pub use error::StorageError;
pub use persistence::Persistence;

/// The name of the app's database.
pub const DATABASE_NAME: &str = "carnet";

const DOCUMENTS: &str = "documents";
const ACCOUNT_INDEX: &str = "account_index";
const META: &str = "meta";
const OUTBOX: &str = "outbox";
const BY_SORT_NAME: &str = "by_sort_name";
const META_PERSISTENCE: &str = "persistence";

#[wasm_bindgen]
extern "C" {
    /// `IDBDatabase` seen through the one call web-sys keeps behind its unstable flag.
    #[wasm_bindgen(js_name = IDBDatabase)]
    type DatabaseWithOptions;

    /// `IDBDatabase.transaction(names, mode, { durability })`.
    #[wasm_bindgen(method, catch, js_name = transaction)]
    fn transaction_with_options(
        this: &DatabaseWithOptions,
        store_names: &Array,
        mode: &str,
        options: &JsValue,
    ) -> Result<IdbTransaction, JsValue>;
}

/// How hard a write transaction must push its data to disk before completing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Durability {
    /// Flushed to disk before `complete` (records, migrations).
    Strict,
    /// Completed once in the OS buffers (caches, derived facts).
    Relaxed,
}

/// An open connection to the app's database.
#[derive(Clone, Debug, PartialEq)]
pub struct Storage {
    database: IdbDatabase,
}

impl Storage {
    /// Opens the app's database, creating or upgrading it as needed.
    pub async fn open() -> Result<Self, StorageError> {
        Self::open_named(DATABASE_NAME).await
    }

    /// Opens (creating or upgrading) the database called `name`; tests use their own names.
    pub async fn open_named(name: &str) -> Result<Self, StorageError> {
        let opened = schema::open(name).await?;
        let storage = Self {
            database: opened.database,
        };
        if opened.upgraded_from == Some(1) {
            // Version 1 had no outbox: every stored document goes out once (the relay keeps
            // each change once, whatever the number of times it is pushed).
            storage.queue_every_document().await?;
        }
        Ok(storage)
    }

    /// Closes the connection (other tabs' upgrades are no longer blocked by it).
    pub fn close(&self) {
        self.database.close();
    }

    /// Saves an account's document, its index row and the changes it gained since `known` (the
    /// heads it had when loaded; empty for a new account) in one strict transaction, and returns
    /// the row: either all of it is stored or none of it is.
    pub async fn save_account(
        &self,
        account: &mut AccountDocument,
        known: &[ChangeHash],
    ) -> Result<AccountIndexRow, StorageError> {
        let row = account.index_row();
        let bytes = Uint8Array::from(account.save().as_slice());
        let key = JsValue::from(row.id.as_str());
        let value = serde_wasm_bindgen::to_value(&row).map_err(StorageError::encoding)?;
        let outgoing = account
            .changes_since(known)
            .iter()
            .map(|change| outbox_value(&row.id, change))
            .collect::<Result<Vec<JsValue>, StorageError>>()?;
        let transaction =
            self.transaction(&[DOCUMENTS, ACCOUNT_INDEX, OUTBOX], Durability::Strict)?;
        let stored = async {
            transaction
                .object_store(DOCUMENTS)?
                .put(&bytes, Some(&key))?
                .await?;
            transaction
                .object_store(ACCOUNT_INDEX)?
                .put(&value, None)?
                .await?;
            let outbox = transaction.object_store(OUTBOX)?;
            for change in &outgoing {
                outbox.add(change, None)?.await?;
            }
            Ok::<(), idb::Error>(())
        }
        .await;
        finish(transaction, stored).await?;
        Ok(row)
    }

    /// Every change waiting for the relay's acknowledgement, in the order they were made.
    pub async fn outbox(&self) -> Result<Vec<OutboxEntry>, StorageError> {
        let transaction = self.read_transaction(&[OUTBOX])?;
        let read = async {
            let store = transaction.object_store(OUTBOX)?;
            let keys = store.get_all_keys(None, None)?.await?;
            let values = store.get_all(None, None)?.await?;
            Ok::<_, idb::Error>((keys, values))
        }
        .await;
        let (keys, values) = finish(transaction, read).await?;
        keys.into_iter()
            .zip(values)
            .map(|(key, value)| outbox_entry(&key, &value))
            .collect()
    }

    /// Removes the outbox entries a durable ack covered.
    pub async fn acknowledge(&self, keys: &[u64]) -> Result<(), StorageError> {
        let transaction = self.transaction(&[OUTBOX], Durability::Strict)?;
        let removed = async {
            let outbox = transaction.object_store(OUTBOX)?;
            for key in keys {
                // Outbox keys are small increasing integers, exact in a JavaScript number.
                outbox
                    .delete(Query::Key(JsValue::from(*key as f64)))?
                    .await?;
            }
            Ok::<(), idb::Error>(())
        }
        .await;
        finish(transaction, removed).await
    }

    /// Puts every change of every stored account in the outbox (after an upgrade from version 1,
    /// whose documents were never sent).
    async fn queue_every_document(&self) -> Result<(), StorageError> {
        for row in self.account_rows().await? {
            let Ok(id) = row.id.parse::<AccountId>() else {
                continue;
            };
            if let Some(mut account) = self.load_account(id).await? {
                self.save_account(&mut account, &[]).await?;
            }
        }
        Ok(())
    }

    /// Every account's index row, in name order, without loading any document.
    pub async fn account_rows(&self) -> Result<Vec<AccountIndexRow>, StorageError> {
        let transaction = self.read_transaction(&[ACCOUNT_INDEX])?;
        let values = async {
            transaction
                .object_store(ACCOUNT_INDEX)?
                .index(BY_SORT_NAME)?
                .get_all(None, None)?
                .await
        }
        .await;
        let values = finish(transaction, values).await?;
        values
            .into_iter()
            .map(|value| serde_wasm_bindgen::from_value(value).map_err(StorageError::corrupt))
            .collect()
    }

    /// Loads one account's document; `None` when this device has no such account.
    pub async fn load_account(
        &self,
        id: AccountId,
    ) -> Result<Option<AccountDocument>, StorageError> {
        let transaction = self.read_transaction(&[DOCUMENTS])?;
        let value = async {
            transaction
                .object_store(DOCUMENTS)?
                .get(Query::Key(JsValue::from(id.to_string())))?
                .await
        }
        .await;
        let Some(value) = finish(transaction, value).await? else {
            return Ok(None);
        };
        let bytes = value
            .dyn_into::<Uint8Array>()
            .map_err(|_| StorageError::Corrupt("a document is not stored as bytes".to_owned()))?
            .to_vec();
        AccountDocument::load(&bytes)
            .map(Some)
            .map_err(StorageError::corrupt)
    }

    /// What this device last learned about persistent storage, if it ever asked.
    pub async fn persistence(&self) -> Result<Option<Persistence>, StorageError> {
        let transaction = self.read_transaction(&[META])?;
        let value = async {
            transaction
                .object_store(META)?
                .get(Query::Key(JsValue::from(META_PERSISTENCE)))?
                .await
        }
        .await;
        finish(transaction, value)
            .await?
            .map(|value| serde_wasm_bindgen::from_value(value).map_err(StorageError::corrupt))
            .transpose()
    }

    /// Asks the browser once to keep this origin's data from eviction, and records the answer.
    ///
    /// Called after the rep's first saved record: browsers grant persistence on engagement, and
    /// asking before there is anything to keep only earns a refusal.
    pub async fn ensure_persistence(&self) -> Result<Persistence, StorageError> {
        if let Some(known) = self.persistence().await? {
            if known.granted {
                return Ok(known);
            }
        }
        let persistence = persistence::request().await;
        let value = serde_wasm_bindgen::to_value(&persistence).map_err(StorageError::encoding)?;
        let transaction = self.transaction(&[META], Durability::Relaxed)?;
        let stored = async {
            transaction
                .object_store(META)?
                .put(&value, Some(&JsValue::from(META_PERSISTENCE)))?
                .await?;
            Ok::<(), idb::Error>(())
        }
        .await;
        finish(transaction, stored).await?;
        Ok(persistence)
    }

    fn read_transaction(&self, stores: &[&str]) -> Result<Transaction, StorageError> {
        idb::Database::from(self.database.clone())
            .transaction(stores, TransactionMode::ReadOnly)
            .map_err(StorageError::from)
    }

    fn transaction(
        &self,
        stores: &[&str],
        durability: Durability,
    ) -> Result<Transaction, StorageError> {
        let names: Array = stores.iter().map(|name| JsValue::from(*name)).collect();
        let options = Object::new();
        let durability = match durability {
            Durability::Strict => "strict",
            Durability::Relaxed => "relaxed",
        };
        Reflect::set(&options, &"durability".into(), &durability.into())
            .map_err(StorageError::from_js)?;
        self.database
            .unchecked_ref::<DatabaseWithOptions>()
            .transaction_with_options(&names, "readwrite", &options)
            .map(Transaction::from)
            .map_err(StorageError::from_js)
    }
}

/// An outbox record: `{ document: "<uuid>", bytes: Uint8Array }`.
fn outbox_value(document: &str, change: &[u8]) -> Result<JsValue, StorageError> {
    let record = Object::new();
    Reflect::set(&record, &"document".into(), &document.into()).map_err(StorageError::from_js)?;
    Reflect::set(&record, &"bytes".into(), &Uint8Array::from(change).into())
        .map_err(StorageError::from_js)?;
    Ok(record.into())
}

/// Reads an outbox record back as the protocol's outbox entry.
fn outbox_entry(key: &JsValue, value: &JsValue) -> Result<OutboxEntry, StorageError> {
    let damaged =
        |what: &str| StorageError::Corrupt(format!("an outbox entry has no valid {what}"));
    let key = key.as_f64().ok_or_else(|| damaged("key"))?;
    let document = Reflect::get(value, &"document".into())
        .ok()
        .and_then(|document| document.as_string())
        .and_then(|document| uuid::Uuid::parse_str(&document).ok())
        .ok_or_else(|| damaged("document"))?;
    let bytes = Reflect::get(value, &"bytes".into())
        .ok()
        .and_then(|bytes| bytes.dyn_into::<Uint8Array>().ok())
        .ok_or_else(|| damaged("bytes"))?
        .to_vec();
    Ok(OutboxEntry {
        // Keys come from IndexedDB's key generator: positive integers.
        key: key as u64,
        change: Change {
            document: DocumentId(document),
            bytes,
        },
    })
}

/// Waits for `transaction` to complete and returns what its requests produced; when a request
/// failed, aborts the transaction so that nothing of it is written.
async fn finish<T>(
    transaction: Transaction,
    outcome: Result<T, idb::Error>,
) -> Result<T, StorageError> {
    match outcome {
        Ok(value) => {
            let result = transaction.await?;
            if result.is_aborted() {
                return Err(StorageError::Aborted);
            }
            Ok(value)
        }
        Err(error) => {
            // The abort itself may fail when the browser already aborted: the first error is
            // the one worth reporting.
            let _already_aborted = transaction.abort();
            Err(StorageError::from(error))
        }
    }
}
