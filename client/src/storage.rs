//! The one facade over IndexedDB. Nothing else in the app touches the browser's storage.
//!
//! Layout (schema version 5), in the database `carnet`:
//! - `documents`: every record's Automerge document, as a snapshot plus the incremental chunks
//!   appended since (see `stored`), whatever its kind: the source of truth;
//! - `account_index`, `contact_index`, `deal_index`: derived index rows (key path `id`) with an
//!   IndexedDB index per list sort and filter, rebuildable from the documents; lists and search
//!   read them and never load documents;
//! - `meta`: small facts about this device (the log cursor, the signed-in session, whether
//!   persistent storage was granted);
//! - `outbox`: local Automerge changes the relay has not acknowledged yet, under increasing
//!   keys; written in the same strict transaction as the document they belong to, and removed
//!   only when a durable ack covers them (or moved to the quarantine, below);
//! - `search_journal`, `search_saved` (version 4): the search index's saved copy and the
//!   journal of rows written since, one entry added in every transaction that writes a row
//!   (see `search_journal`);
//! - `quarantine` (version 5): outbox entries set aside because their record left the person's
//!   reach (or the relay refused them), kept until the record comes back or the rep discards
//!   them (see `quarantine`).
//!
//! Every write resolves on the transaction's `complete` event, never on a request's success.
//! Local edits, the outbox and sign-out ask for `durability: "strict"`: the data is on disk when
//! the promise resolves. What arrives from the relay is written `relaxed`: the relay holds it
//! durably, and a write lost to a power cut is downloaded again from the cursor stored with it.
//!
//! Any tab may write: a save reads the stored document inside its own transaction and merges
//! when another tab (or the sync engine) wrote since the record was loaded, so no write ever
//! replaces changes it did not see.

mod error;
mod field_day;
mod numbering;
mod persistence;
mod quarantine;
mod records;
mod row_form;
mod schema;
mod search_journal;
mod stored;
mod transfer;

use std::collections::HashMap;
use std::future::IntoFuture;

use automerge::ChangeHash;
use idb::{Query, Transaction, TransactionMode};
use js_sys::{Array, Object, Reflect, Uint8Array};
use serde::de::DeserializeOwned;
use serde::Serialize;
use shared::account::{Account, AccountDocument};
use shared::document::Document;
use shared::ids::AccountId;
use shared::ids::Identifier;
use shared::index::{AccountIndexRow, ContactIndexRow, DealIndexRow};
use shared::protocol::change::chunk::check_inflation;
use shared::protocol::client::OutboxEntry;
use shared::protocol::{Change, DocumentId, DocumentSnapshot, Seq};
use shared::record::Record;
use shared::replica::{self, IndexRow, RecordKind};
use shared::sales::{OrderIndexRow, ProductIndexRow, QuoteIndexRow};
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{IdbDatabase, IdbTransaction};

use crate::session::Session;
use crate::team::people::Person;
pub use error::StorageError;
pub use numbering::IssueError;
pub use persistence::{Estimate, Persistence};
pub use quarantine::Granted;
pub use search_journal::{JournalEntry, JournalPage, RowNow, SavedSearchIndex};
pub use transfer::{CancelImport, Imported, Restored, TransferError};

/// The rows the dashboard reads, every one of each kind.
#[derive(Debug, Default)]
pub struct DashboardRows {
    /// Every account's row.
    pub accounts: Vec<AccountIndexRow>,
    /// Every deal's row.
    pub deals: Vec<DealIndexRow>,
    /// Every quote version's row.
    pub quotes: Vec<QuoteIndexRow>,
    /// Every order's row.
    pub orders: Vec<OrderIndexRow>,
    /// Every catalogue product's row.
    pub products: Vec<ProductIndexRow>,
}

/// A stored index row of `kind`, decoded.
fn index_row(kind: RecordKind, value: JsValue) -> Result<IndexRow, StorageError> {
    fn decoded<T: DeserializeOwned>(value: JsValue) -> Result<T, StorageError> {
        row_form::read_row(value)
    }
    Ok(match kind {
        RecordKind::Account => IndexRow::Account(decoded(value)?),
        RecordKind::Contact => IndexRow::Contact(decoded(value)?),
        RecordKind::Deal => IndexRow::Deal(decoded(value)?),
        RecordKind::Product => IndexRow::Product(decoded(value)?),
        RecordKind::Quote => IndexRow::Quote(decoded(value)?),
        RecordKind::Order => IndexRow::Order(decoded(value)?),
        RecordKind::Settings => return Err(StorageError::corrupt("settings have no index row")),
    })
}

/// The name of the app's database.
pub const DATABASE_NAME: &str = "carnet";

const DOCUMENTS: &str = "documents";
const ACCOUNT_INDEX: &str = "account_index";
const CONTACT_INDEX: &str = "contact_index";
const DEAL_INDEX: &str = "deal_index";
const PRODUCT_INDEX: &str = "product_index";
const QUOTE_INDEX: &str = "quote_index";
const ORDER_INDEX: &str = "order_index";
const META: &str = "meta";
const OUTBOX: &str = "outbox";
const SEARCH_JOURNAL: &str = "search_journal";
const SEARCH_SAVED: &str = "search_saved";
const QUARANTINE: &str = "quarantine";
const BY_SORT_NAME: &str = "by_sort_name";
const BY_CITY: &str = "by_city";
const BY_POSTCODE: &str = "by_postcode";
const BY_STAGE: &str = "by_stage";
const BY_OWNER: &str = "by_owner";
const BY_LAST_ACTIVITY: &str = "by_last_activity";
const BY_NEXT_TASK_DUE: &str = "by_next_task_due";
const BY_SEARCH_TERM: &str = "by_search_term";
const BY_ACCOUNT: &str = "by_account";
const BY_DOCUMENT: &str = "by_document";
const META_PERSISTENCE: &str = "persistence";
const META_CURSOR: &str = "cursor";
const META_SESSION: &str = "session";
/// The people directory as last fetched (see `team::people`).
const META_PEOPLE: &str = "people";
/// Set by the upgrade from version 1: every stored document must be queued for sync once.
const META_OUTBOX_BACKFILL: &str = "outbox-backfill";
/// Rows decoded per page when a whole list is read.
const ROWS_PER_PAGE: u32 = 1_000;
/// What a transaction writing documents and their rows covers: the rows' journal entries go
/// with them (see `search_journal`).
const ROW_WRITES: [&str; 8] = [
    DOCUMENTS,
    ACCOUNT_INDEX,
    CONTACT_INDEX,
    DEAL_INDEX,
    PRODUCT_INDEX,
    QUOTE_INDEX,
    ORDER_INDEX,
    SEARCH_JOURNAL,
];
/// Every store of index rows, one per kind of record that has rows.
const INDEX_STORES: [&str; 6] = [
    ACCOUNT_INDEX,
    CONTACT_INDEX,
    DEAL_INDEX,
    PRODUCT_INDEX,
    QUOTE_INDEX,
    ORDER_INDEX,
];
/// [`ROW_WRITES`] and the outbox: what a transaction writing this device's own changes covers.
const LOCAL_WRITES: [&str; 9] = [
    DOCUMENTS,
    ACCOUNT_INDEX,
    CONTACT_INDEX,
    DEAL_INDEX,
    PRODUCT_INDEX,
    QUOTE_INDEX,
    ORDER_INDEX,
    SEARCH_JOURNAL,
    OUTBOX,
];
const ALL_STORES: [&str; 12] = [
    DOCUMENTS,
    ACCOUNT_INDEX,
    CONTACT_INDEX,
    DEAL_INDEX,
    PRODUCT_INDEX,
    QUOTE_INDEX,
    ORDER_INDEX,
    META,
    OUTBOX,
    SEARCH_JOURNAL,
    SEARCH_SAVED,
    QUARANTINE,
];

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
    /// Flushed to disk before `complete` (local edits, the outbox, migrations, sign-out).
    Strict,
    /// Completed once in the OS buffers (what the relay already holds, caches).
    Relaxed,
}

/// Received bytes for one document: log entries' changes or compacted snapshots.
#[derive(Clone, Debug)]
pub struct Received {
    /// The document they belong to.
    pub document: DocumentId,
    /// The bytes, in log order.
    pub bytes: Vec<Vec<u8>>,
}

/// A record whose stored state changed, for lists and open pages to refresh.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Changed {
    /// The record's document.
    pub document: DocumentId,
    /// Its kind, once known.
    pub kind: Option<RecordKind>,
    /// Whether the document gained changes it did not have (false for an echo of this
    /// device's own changes).
    pub grew: bool,
    /// Whether the record left the device (its document, row and search terms were purged):
    /// open pages show it gone.
    pub gone: bool,
    /// Who made the changes it gained, as far as they name their author (for the digest of
    /// what colleagues changed).
    pub editors: Vec<shared::edit::Editor>,
}

/// What this device holds that the relay has not acknowledged: what a sign-out would lose.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Unsynced {
    /// How many local changes wait in the outbox or are set aside in the quarantine.
    pub changes: usize,
    /// When the oldest of them was made (milliseconds since the epoch), when known.
    pub oldest_at: Option<f64>,
    /// The records they belong to, with a name to show (first the ones changed first).
    pub records: Vec<(String, String)>,
}

/// An open connection to the app's database.
#[derive(Clone, Debug, PartialEq)]
pub struct Storage {
    database: IdbDatabase,
}

impl Storage {
    /// Opens the app's database for the page, creating or upgrading its layout as needed, but
    /// leaving the upkeep that reads documents to the workspace worker (see
    /// [`Storage::open_named`]): the page never parses a document.
    pub async fn open() -> Result<Self, StorageError> {
        let opened = schema::open(DATABASE_NAME).await?;
        Ok(Self {
            database: opened.database,
        })
    }

    /// Opens (creating or upgrading) the database called `name` and does the upkeep an upgrade
    /// left due: the workspace worker's opening (tests use their own names).
    pub async fn open_named(name: &str) -> Result<Self, StorageError> {
        let opened = schema::open(name).await?;
        let storage = Self {
            database: opened.database,
        };
        if storage.meta(META_OUTBOX_BACKFILL).await?.is_some() {
            // Version 1 had no outbox: every stored document goes out once (the relay keeps
            // each change once, whatever the number of times it is pushed, so an interrupted
            // backfill is simply done again).
            storage.queue_every_document().await?;
            storage.forget_meta(META_OUTBOX_BACKFILL).await?;
        }
        Ok(storage)
    }

    /// Closes the connection (other tabs' upgrades are no longer blocked by it).
    pub fn close(&self) {
        self.database.close();
    }

    /// Saves the changes an account's document gained since `known` (the heads it had when
    /// loaded; empty for a new account): the stored document, its index row and the outbox
    /// entries are written in one strict transaction, and the row is returned. Either all of it
    /// is stored or none of it is.
    ///
    /// When the stored document moved on meanwhile (another tab saved, or sync brought a
    /// colleague's edit), `account` comes back holding those changes too.
    pub async fn save_account(
        &self,
        account: &mut AccountDocument,
        known: &[ChangeHash],
    ) -> Result<AccountIndexRow, StorageError> {
        let changes = account.changes_since(known);
        let (row, mut stored) = self.save_account_changes(account.id(), changes).await?;
        account.merge(&mut stored).map_err(StorageError::corrupt)?;
        Ok(row)
    }

    /// Saves `changes` made on this device to account `id` (see [`Storage::save_account`]) and
    /// returns the row and the document as stored. Takes no borrow of the caller's document, so
    /// a page can keep editing while the save is under way.
    pub async fn save_account_changes(
        &self,
        id: AccountId,
        changes: Vec<Vec<u8>>,
    ) -> Result<(AccountIndexRow, AccountDocument), StorageError> {
        let (row, account) = self.save_changes::<Account>(id, changes).await?;
        match row {
            IndexRow::Account(row) => Ok((row, account)),
            _ => Err(StorageError::Corrupt(format!("{id} is not an account"))),
        }
    }

    /// Saves `changes` made on this device to the record `id` of kind `R` (a contact, a deal, an
    /// account…): the stored document, its index row and the outbox entries in one strict
    /// transaction. Returns the row and the document as stored (holding any changes another
    /// tab or sync wrote meanwhile, for the caller to merge).
    pub async fn save_changes<R: Record>(
        &self,
        id: R::Id,
        changes: Vec<Vec<u8>>,
    ) -> Result<(IndexRow, Document<R>), StorageError> {
        let document = DocumentId(uuid::Uuid::from_bytes(id.to_bytes()));
        let at = js_sys::Date::now();
        let outgoing = changes
            .iter()
            .map(|change| outbox_value(&id.to_string(), change, at))
            .collect::<Result<Vec<JsValue>, StorageError>>()?;
        let group = Received {
            document,
            bytes: changes,
        };
        let transaction = self.transaction(&LOCAL_WRITES, Durability::Strict)?;
        let stored = async {
            let (folded, fresh) = match fold_and_put(&transaction, &group, Origin::Device).await? {
                Ok(Some(folded)) => folded,
                Ok(None) => {
                    return Ok(Err(StorageError::Corrupt(format!(
                        "record {id} cannot be read back"
                    ))))
                }
                Err(error) => return Ok(Err(error)),
            };
            // Changes the document already held were queued when they were first stored.
            let outbox = transaction.object_store(OUTBOX)?;
            for change in fresh.iter().filter_map(|index| outgoing.get(*index)) {
                outbox.add(change, None)?.await?;
            }
            Ok::<_, idb::Error>(Ok(folded))
        }
        .await;
        let folded = finish(transaction, flatten(stored)).await?;
        let record =
            Document::<R>::from_automerge(folded.automerge).map_err(StorageError::corrupt)?;
        Ok((folded.row, record))
    }

    /// Creates a new record (its first changes) or saves `record`'s changes since `known`, and
    /// merges what was stored meanwhile into `record`. Returns its row.
    pub async fn save_document<R: Record>(
        &self,
        record: &mut Document<R>,
        known: &[ChangeHash],
    ) -> Result<IndexRow, StorageError> {
        let changes = record.changes_since(known);
        let (row, mut stored) = self.save_changes::<R>(record.id(), changes).await?;
        record.merge(&mut stored).map_err(StorageError::corrupt)?;
        Ok(row)
    }

    /// Loads the record `id` of kind `R`; `None` when this device has no such record.
    pub async fn load_document<R: Record>(
        &self,
        id: R::Id,
    ) -> Result<Option<Document<R>>, StorageError> {
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
        let record = stored::StoredRecord::read(value)?;
        Document::<R>::load(&record.bytes)
            .map(Some)
            .map_err(StorageError::corrupt)
    }

    /// Folds what the relay sent (log entries or snapshots, grouped by document) into the
    /// stored documents, rewrites their index rows, and stores `cursor` with them, all in one
    /// transaction. A document whose bytes cannot be read is left as it was (and logged); it
    /// does not stop the others, and the relay keeps its bytes.
    pub async fn store_received(
        &self,
        received: &[Received],
        cursor: Option<Seq>,
    ) -> Result<Vec<Changed>, StorageError> {
        let stores = [
            DOCUMENTS,
            ACCOUNT_INDEX,
            CONTACT_INDEX,
            DEAL_INDEX,
            PRODUCT_INDEX,
            QUOTE_INDEX,
            ORDER_INDEX,
            META,
            SEARCH_JOURNAL,
        ];
        let transaction = self.transaction(&stores, Durability::Relaxed)?;
        let stored = async {
            let mut changed = Vec::with_capacity(received.len());
            for group in received {
                match fold_and_put(&transaction, group, Origin::Relay).await? {
                    Ok(Some((folded, _))) => changed.push(Changed {
                        document: group.document,
                        kind: folded.kind,
                        grew: folded.grew,
                        gone: false,
                        editors: folded.editors,
                    }),
                    Ok(None) => {}
                    Err(error) => return Ok(Err(error)),
                }
            }
            if let Some(cursor) = cursor {
                // Positions stay far below 2^53: exact as a JavaScript number.
                transaction
                    .object_store(META)?
                    .put(&JsValue::from(cursor.0 as f64), Some(&META_CURSOR.into()))?
                    .await?;
            }
            Ok::<_, idb::Error>(Ok(changed))
        }
        .await;
        finish(transaction, flatten(stored)).await
    }

    /// Stores a page of compacted snapshots (a new device's first sync) in one transaction,
    /// without parsing any of them: a snapshot whose summary fits its document is kept as
    /// received and its row (search terms included) goes to its index, so the record is listed
    /// and searchable at once and parsed only when opened or changed. A document the device
    /// already holds (a second bootstrap, a record created before the first sync ended) and a
    /// snapshot without a usable summary are folded instead, merging with what is stored.
    ///
    /// Relaxed, like everything the relay sends: the relay holds it, and the cursor that says
    /// the download is complete is written in a later transaction, so a page lost to a power cut
    /// is downloaded again.
    pub async fn store_snapshots(
        &self,
        snapshots: &[DocumentSnapshot],
    ) -> Result<Vec<Changed>, StorageError> {
        let transaction = self.transaction(&ROW_WRITES, Durability::Relaxed)?;
        let stored = put_snapshots(&transaction, snapshots).await;
        finish(transaction, flatten(stored)).await
    }

    /// The log position this device has stored everything through (`0` for a new device).
    pub async fn cursor(&self) -> Result<Seq, StorageError> {
        let value = self.meta(META_CURSOR).await?;
        Ok(Seq(
            value.and_then(|value| value.as_f64()).unwrap_or(0.0) as u64
        ))
    }

    /// Every change waiting for the relay's acknowledgement, in the order they were made.
    pub async fn outbox(&self) -> Result<Vec<OutboxEntry>, StorageError> {
        self.outbox_after(0).await
    }

    /// The outbox entries with a key above `after` (those added since the caller last looked).
    pub async fn outbox_after(&self, after: u64) -> Result<Vec<OutboxEntry>, StorageError> {
        let transaction = self.read_transaction(&[OUTBOX])?;
        let read = async {
            let store = transaction.object_store(OUTBOX)?;
            let range = idb::KeyRange::lower_bound(&JsValue::from(after as f64), Some(true))?;
            let keys = store
                .get_all_keys(Some(Query::KeyRange(range.clone())), None)?
                .await?;
            let values = store.get_all(Some(Query::KeyRange(range)), None)?.await?;
            Ok::<_, idb::Error>((keys, values))
        }
        .await;
        let (keys, values) = finish(transaction, read).await?;
        keys.into_iter()
            .zip(values)
            .map(|(key, value)| outbox_entry(&key, &value))
            .collect()
    }

    /// How many changes wait in the outbox, and when the oldest was made (when known). Changes
    /// set aside in the quarantine are not pushed, so not counted.
    pub async fn outbox_summary(&self) -> Result<(usize, Option<f64>), StorageError> {
        let transaction = self.read_transaction(&[OUTBOX])?;
        let read = async {
            let store = transaction.object_store(OUTBOX)?;
            let count = store.count(None)?.await?;
            let first = store.get_all(None, Some(1))?.await?;
            Ok::<_, idb::Error>((count, first))
        }
        .await;
        let (count, first) = finish(transaction, read).await?;
        let oldest = first
            .first()
            .and_then(|value| Reflect::get(value, &"at".into()).ok())
            .and_then(|at| at.as_f64());
        Ok((count as usize, oldest))
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

    /// How many local changes wait for the relay or are set aside (a sign-out loses both),
    /// since when, and on which records.
    pub async fn unsynced(&self) -> Result<Unsynced, StorageError> {
        let transaction = self.read_transaction(&[OUTBOX, ACCOUNT_INDEX, QUARANTINE])?;
        let read = async {
            let values = transaction
                .object_store(OUTBOX)?
                .get_all(None, None)?
                .await?;
            let rows = transaction.object_store(ACCOUNT_INDEX)?;
            let mut records: Vec<(String, String)> = Vec::new();
            let mut oldest_at = None;
            for value in &values {
                if oldest_at.is_none() {
                    oldest_at = Reflect::get(value, &"at".into())
                        .ok()
                        .and_then(|at| at.as_f64());
                }
                let Some(document) = Reflect::get(value, &"document".into())
                    .ok()
                    .and_then(|document| document.as_string())
                else {
                    continue;
                };
                if records.iter().any(|(id, _)| *id == document) {
                    continue;
                }
                let name = rows
                    .get(Query::Key(JsValue::from(document.as_str())))?
                    .await?
                    .and_then(|row| Reflect::get(&row, &"name".into()).ok())
                    .and_then(|name| name.as_string())
                    .unwrap_or_else(|| "A record".to_owned());
                records.push((document, name));
            }
            let set_aside = transaction
                .object_store(QUARANTINE)?
                .get_all(None, None)?
                .await?;
            for value in &set_aside {
                let text = |name: &str| {
                    Reflect::get(value, &name.into())
                        .ok()
                        .and_then(|field| field.as_string())
                };
                let Some(document) = text("document") else {
                    continue;
                };
                if !records.iter().any(|(id, _)| *id == document) {
                    let name = text("title").unwrap_or_else(|| "A record".to_owned());
                    records.push((document, name));
                }
            }
            Ok::<_, idb::Error>(Unsynced {
                changes: values.len() + set_aside.len(),
                oldest_at,
                records,
            })
        }
        .await;
        finish(transaction, read).await
    }

    /// Puts every change of every stored account in the outbox (after an upgrade from version 1,
    /// whose documents were never sent).
    async fn queue_every_document(&self) -> Result<(), StorageError> {
        for row in self.account_rows().await? {
            let Ok(id) = row.id.parse::<AccountId>() else {
                continue;
            };
            if let Some(mut account) = self.load_account(id).await? {
                // The document already holds these changes (saving them would queue nothing):
                // they go in the outbox as they are.
                let at = js_sys::Date::now();
                let outgoing = account
                    .changes_since(&[])
                    .iter()
                    .map(|change| outbox_value(&id.to_string(), change, at))
                    .collect::<Result<Vec<JsValue>, StorageError>>()?;
                let transaction = self.transaction(&[OUTBOX], Durability::Strict)?;
                let queued = async {
                    let outbox = transaction.object_store(OUTBOX)?;
                    for change in &outgoing {
                        outbox.add(change, None)?.await?;
                    }
                    Ok::<(), idb::Error>(())
                }
                .await;
                finish(transaction, queued).await?;
            }
        }
        Ok(())
    }

    /// Every account's name by id (from the index rows).
    pub async fn account_names(&self) -> Result<HashMap<String, String>, StorageError> {
        Ok(self
            .account_rows()
            .await?
            .into_iter()
            .map(|row| (row.id, row.name))
            .collect())
    }

    /// Every account's index row, in name order, without loading any document.
    pub async fn account_rows(&self) -> Result<Vec<AccountIndexRow>, StorageError> {
        self.rows(ACCOUNT_INDEX, |row: &AccountIndexRow| {
            (row.sort_name.clone(), row.id.clone())
        })
        .await
    }

    /// The first `limit` account rows in name order: enough for the first screen, read before
    /// the rest so a device holding 10,000 accounts shows its list at once.
    pub async fn first_account_rows(
        &self,
        limit: u32,
    ) -> Result<Vec<AccountIndexRow>, StorageError> {
        let transaction = self.read_transaction(&[ACCOUNT_INDEX])?;
        let values = async {
            transaction
                .object_store(ACCOUNT_INDEX)?
                .index(BY_SORT_NAME)?
                .get_all(None, Some(limit))?
                .await
        }
        .await;
        finish(transaction, values)
            .await?
            .into_iter()
            .map(row_form::read_row)
            .collect()
    }

    /// Every contact's index row, in name order.
    pub async fn contact_rows(&self) -> Result<Vec<ContactIndexRow>, StorageError> {
        self.rows(CONTACT_INDEX, |row: &ContactIndexRow| {
            (row.sort_name.clone(), row.id.clone())
        })
        .await
    }

    /// Every catalogue product's index row, in reference order.
    pub async fn product_rows(&self) -> Result<Vec<ProductIndexRow>, StorageError> {
        self.rows(PRODUCT_INDEX, |row: &ProductIndexRow| {
            (row.reference.clone(), row.id.clone())
        })
        .await
    }

    /// Every deal's index row, in title order.
    pub async fn deal_rows(&self) -> Result<Vec<DealIndexRow>, StorageError> {
        self.rows(DEAL_INDEX, |row: &DealIndexRow| {
            (row.title.clone(), row.id.clone())
        })
        .await
    }

    /// One account's index row, without loading its document.
    pub async fn account_row(
        &self,
        id: AccountId,
    ) -> Result<Option<AccountIndexRow>, StorageError> {
        let transaction = self.read_transaction(&[ACCOUNT_INDEX])?;
        let value = async {
            transaction
                .object_store(ACCOUNT_INDEX)?
                .get(Query::Key(JsValue::from(id.to_string())))?
                .await
        }
        .await;
        finish(transaction, value)
            .await?
            .map(row_form::read_row)
            .transpose()
    }

    /// Every account, deal, quote, order and product row, for the dashboard: each store read
    /// with one `getAll` in its own transaction, the five at once, in no particular order. Only
    /// the workspace worker calls it (no page to keep responsive), so the rows are neither
    /// paged nor sorted: paging cost the dashboard a round trip and a yield per thousand rows.
    pub async fn dashboard_rows(&self) -> Result<DashboardRows, StorageError> {
        let (accounts, deals, quotes, orders, products) = futures::try_join!(
            self.all_rows(ACCOUNT_INDEX),
            self.all_rows(DEAL_INDEX),
            self.all_rows(QUOTE_INDEX),
            self.all_rows(ORDER_INDEX),
            self.all_rows(PRODUCT_INDEX),
        )?;
        Ok(DashboardRows {
            accounts,
            deals,
            quotes,
            orders,
            products,
        })
    }

    /// The index rows of `records` (each a kind and the key its row is stored under), in one
    /// read transaction: `None` for a record without a row (removed, or a kind without rows).
    pub async fn index_rows_of(
        &self,
        records: &[(RecordKind, String)],
    ) -> Result<Vec<Option<IndexRow>>, StorageError> {
        let stores = [
            ACCOUNT_INDEX,
            DEAL_INDEX,
            QUOTE_INDEX,
            ORDER_INDEX,
            PRODUCT_INDEX,
            CONTACT_INDEX,
        ];
        let transaction = self.read_transaction(&stores)?;
        let values = async {
            let mut reads = Vec::with_capacity(records.len());
            for (kind, key) in records {
                let store = match kind {
                    RecordKind::Account => ACCOUNT_INDEX,
                    RecordKind::Contact => CONTACT_INDEX,
                    RecordKind::Deal => DEAL_INDEX,
                    RecordKind::Product => PRODUCT_INDEX,
                    RecordKind::Quote => QUOTE_INDEX,
                    RecordKind::Order => ORDER_INDEX,
                    RecordKind::Settings => {
                        reads.push(None);
                        continue;
                    }
                };
                // Asked for at once, awaited after (see `Storage::index_rows_now`).
                let read = transaction
                    .object_store(store)?
                    .get(Query::Key(JsValue::from(key.as_str())))?;
                reads.push(Some((*kind, IntoFuture::into_future(read))));
            }
            let mut values = Vec::with_capacity(reads.len());
            for read in reads {
                values.push(match read {
                    Some((kind, read)) => read.await?.map(|value| (kind, value)),
                    None => None,
                });
            }
            Ok::<_, idb::Error>(values)
        }
        .await;
        finish(transaction, values)
            .await?
            .into_iter()
            .map(|value| {
                value
                    .map(|(kind, value)| index_row(kind, value))
                    .transpose()
            })
            .collect()
    }

    /// Every row of `store`, read at once and in key order.
    async fn all_rows<T: DeserializeOwned>(&self, store: &str) -> Result<Vec<T>, StorageError> {
        let transaction = self.read_transaction(&[store])?;
        let values = async { transaction.object_store(store)?.get_all(None, None)?.await }.await;
        finish(transaction, values)
            .await?
            .into_iter()
            .map(row_form::read_row)
            .collect()
    }

    /// Every row of `store` in the order of its `by_sort_name` index, read in pages of
    /// [`ROWS_PER_PAGE`] by primary key (one short task each, the page yielding between them:
    /// decoding 10,000 rows at once would freeze it), then sorted by `sort_key`.
    async fn rows<T: DeserializeOwned, K: Ord>(
        &self,
        store: &str,
        sort_key: impl Fn(&T) -> K,
    ) -> Result<Vec<T>, StorageError> {
        let mut rows: Vec<T> = Vec::new();
        let mut after: Option<JsValue> = None;
        loop {
            let transaction = self.read_transaction(&[store])?;
            let page = async {
                let range = match &after {
                    Some(last) => Some(Query::KeyRange(idb::KeyRange::lower_bound(
                        last,
                        Some(true),
                    )?)),
                    None => None,
                };
                let store = transaction.object_store(store)?;
                let keys = store
                    .get_all_keys(range.clone(), Some(ROWS_PER_PAGE))?
                    .await?;
                let values = store.get_all(range, Some(ROWS_PER_PAGE))?.await?;
                Ok::<_, idb::Error>((keys, values))
            }
            .await;
            let (keys, values) = finish(transaction, page).await?;
            let full = values.len() == ROWS_PER_PAGE as usize;
            for value in values {
                rows.push(row_form::read_row(value)?);
            }
            if !full {
                break;
            }
            after = keys.last().cloned();
            gloo::timers::future::TimeoutFuture::new(0).await;
        }
        rows.sort_by_cached_key(|row| sort_key(row));
        Ok(rows)
    }

    /// Loads one account's document; `None` when this device has no such account.
    pub async fn load_account(
        &self,
        id: AccountId,
    ) -> Result<Option<AccountDocument>, StorageError> {
        self.load_document::<Account>(id).await
    }

    /// The key of every stored document (keys only: no document is read).
    pub(crate) async fn document_keys(&self) -> Result<Vec<JsValue>, StorageError> {
        let transaction = self.read_transaction(&[DOCUMENTS])?;
        let keys = async {
            transaction
                .object_store(DOCUMENTS)?
                .get_all_keys(None, None)?
                .await
        }
        .await;
        finish(transaction, keys).await
    }

    /// Rebuilds every index row from the documents (after a layout change or damage), `chunk`
    /// documents per transaction, calling `progress(done, total)` after each chunk and yielding
    /// to the browser between chunks so the page stays responsive.
    pub async fn rebuild_index(
        &self,
        chunk: usize,
        mut progress: impl FnMut(usize, usize),
    ) -> Result<usize, StorageError> {
        let keys = self.document_keys().await?;
        let total = keys.len();
        let mut cleared_stores = INDEX_STORES.to_vec();
        cleared_stores.push(SEARCH_JOURNAL);
        let clear = self.transaction(&cleared_stores, Durability::Relaxed)?;
        let cleared = async {
            for store in INDEX_STORES {
                clear.object_store(store)?.clear()?.await?;
            }
            search_journal::journal_everything(&clear)?;
            Ok::<(), idb::Error>(())
        }
        .await;
        finish(clear, cleared).await?;
        let mut done = 0;
        for keys in keys.chunks(chunk.max(1)) {
            let transaction = self.transaction(&ROW_WRITES, Durability::Relaxed)?;
            let rebuilt = async {
                let documents = transaction.object_store(DOCUMENTS)?;
                for key in keys {
                    let Some(value) = documents.get(Query::Key(key.clone()))?.await? else {
                        continue;
                    };
                    let Some(document) = key
                        .as_string()
                        .and_then(|key| uuid::Uuid::parse_str(&key).ok())
                        .map(DocumentId)
                    else {
                        continue;
                    };
                    let Ok(record) = stored::StoredRecord::read(value) else {
                        continue;
                    };
                    let no_bytes: [&[u8]; 0] = [];
                    let Ok(folded) = replica::fold(document, Some(&record.bytes), no_bytes) else {
                        gloo::console::warn!(format!("document {} is unreadable", document.0));
                        continue;
                    };
                    if let Err(error) = put_row(&transaction, &folded.row)? {
                        return Ok(Err(error));
                    }
                }
                Ok::<_, idb::Error>(Ok(()))
            }
            .await;
            finish(transaction, flatten(rebuilt)).await?;
            done += keys.len();
            progress(done, total);
            gloo::timers::future::TimeoutFuture::new(0).await;
        }
        Ok(total)
    }

    /// Erases everything this device holds (sign-out). The caller checks [`Storage::unsynced`]
    /// first: what the outbox and the quarantine hold is lost.
    pub async fn wipe(&self) -> Result<(), StorageError> {
        let transaction = self.transaction(&ALL_STORES, Durability::Strict)?;
        let cleared = async {
            for store in ALL_STORES {
                transaction.object_store(store)?.clear()?.await?;
            }
            // A worker's index still holds the wiped rows until it reads this.
            search_journal::journal_everything(&transaction)?;
            Ok::<(), idb::Error>(())
        }
        .await;
        finish(transaction, cleared).await
    }

    /// The signed-in session kept on this device, if any.
    pub async fn session(&self) -> Result<Option<Session>, StorageError> {
        self.meta(META_SESSION)
            .await?
            .map(|value| serde_wasm_bindgen::from_value(value).map_err(StorageError::corrupt))
            .transpose()
    }

    /// Keeps `session` (after sign-in or a token refresh).
    pub async fn save_session(&self, session: &Session) -> Result<(), StorageError> {
        self.put_meta(META_SESSION, session, Durability::Strict)
            .await
    }

    /// The people directory as last fetched (empty before the first fetch and after sign-out).
    pub async fn people(&self) -> Result<Vec<Person>, StorageError> {
        self.meta(META_PEOPLE)
            .await?
            .map(|value| serde_wasm_bindgen::from_value(value).map_err(StorageError::corrupt))
            .transpose()
            .map(Option::unwrap_or_default)
    }

    /// Keeps the people directory (relaxed: the relay holds it, and the next fetch brings it).
    pub async fn save_people(&self, people: &[Person]) -> Result<(), StorageError> {
        self.put_meta(META_PEOPLE, &people, Durability::Relaxed)
            .await
    }

    /// What this device last learned about persistent storage, if it ever asked.
    pub async fn persistence(&self) -> Result<Option<Persistence>, StorageError> {
        self.meta(META_PERSISTENCE)
            .await?
            .map(|value| serde_wasm_bindgen::from_value(value).map_err(StorageError::corrupt))
            .transpose()
    }

    /// Asks the browser once to keep this origin's data from eviction, and records the answer.
    ///
    /// Called after sign-in and after the rep's first saved record: browsers grant persistence
    /// on engagement, and asking before there is anything to keep only earns a refusal.
    pub async fn ensure_persistence(&self) -> Result<Persistence, StorageError> {
        if let Some(known) = self.persistence().await? {
            if known.granted {
                return Ok(known);
            }
        }
        let persistence = persistence::request().await;
        self.put_meta(META_PERSISTENCE, &persistence, Durability::Relaxed)
            .await?;
        Ok(persistence)
    }

    /// How much of its quota this origin uses, as the browser estimates it.
    pub async fn estimate(&self) -> Option<Estimate> {
        persistence::estimate().await
    }

    async fn meta(&self, key: &str) -> Result<Option<JsValue>, StorageError> {
        let transaction = self.read_transaction(&[META])?;
        let value = async {
            transaction
                .object_store(META)?
                .get(Query::Key(JsValue::from(key)))?
                .await
        }
        .await;
        finish(transaction, value).await
    }

    async fn put_meta<T: Serialize>(
        &self,
        key: &str,
        value: &T,
        durability: Durability,
    ) -> Result<(), StorageError> {
        let value = serde_wasm_bindgen::to_value(value).map_err(StorageError::encoding)?;
        let transaction = self.transaction(&[META], durability)?;
        let stored = async {
            transaction
                .object_store(META)?
                .put(&value, Some(&JsValue::from(key)))?
                .await?;
            Ok::<(), idb::Error>(())
        }
        .await;
        finish(transaction, stored).await
    }

    async fn forget_meta(&self, key: &str) -> Result<(), StorageError> {
        let transaction = self.transaction(&[META], Durability::Strict)?;
        let forgotten = async {
            transaction
                .object_store(META)?
                .delete(Query::Key(JsValue::from(key)))?
                .await?;
            Ok::<(), idb::Error>(())
        }
        .await;
        finish(transaction, forgotten).await
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

/// An outbox record: `{ document: "<uuid>", bytes: Uint8Array, at: <ms since epoch> }`.
fn outbox_value(document: &str, change: &[u8], at: f64) -> Result<JsValue, StorageError> {
    let record = Object::new();
    Reflect::set(&record, &"document".into(), &document.into()).map_err(StorageError::from_js)?;
    Reflect::set(&record, &"bytes".into(), &Uint8Array::from(change).into())
        .map_err(StorageError::from_js)?;
    Reflect::set(&record, &"at".into(), &at.into()).map_err(StorageError::from_js)?;
    Ok(record.into())
}

/// Where the bytes a transaction folds come from.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Origin {
    /// The relay (log entries or snapshots): folded as they are.
    Relay,
    /// Single changes made on this device: the ones the document already holds (a save handed
    /// over twice) are skipped.
    Device,
}

/// Folds `group` into its stored document inside `transaction`, writes the document (a chunk
/// appended, or a fresh snapshot once the record has enough chunks) and its index row, and
/// returns the folded document with which of the group's byte strings were new to it (every
/// one for bytes from the relay). `Ok(None)`: the bytes are unreadable and nothing was written.
async fn fold_and_put(
    transaction: &Transaction,
    group: &Received,
    origin: Origin,
) -> Result<Result<Option<(replica::Folded, Vec<usize>)>, StorageError>, idb::Error> {
    let documents = transaction.object_store(DOCUMENTS)?;
    let key = JsValue::from(group.document.0.to_string());
    let existing = documents.get(Query::Key(key.clone()))?.await?;
    let existing = match existing.map(stored::StoredRecord::read).transpose() {
        Ok(existing) => existing,
        Err(error) => return Ok(Err(error)),
    };
    let stored_bytes = existing.as_ref().map(|record| record.bytes.as_slice());
    let folded = match origin {
        Origin::Relay => replica::fold(group.document, stored_bytes, &group.bytes)
            .map(|folded| (folded, (0..group.bytes.len()).collect::<Vec<usize>>())),
        Origin::Device => replica::fold_local(group.document, stored_bytes, &group.bytes),
    };
    let (mut folded, fresh) = match folded {
        Ok(folded) => folded,
        Err(error) => {
            gloo::console::warn!(format!(
                "document {} not updated: {error}",
                group.document.0
            ));
            return Ok(Ok(None));
        }
    };
    if existing.is_some() && fresh.is_empty() {
        // Everything was already stored: nothing to write.
        return Ok(Ok(Some((folded, fresh))));
    }
    let kind = folded.kind.map(RecordKind::as_str);
    let new_bytes: Vec<u8> = fresh
        .iter()
        .filter_map(|index| group.bytes.get(*index))
        .flat_map(|bytes| bytes.iter().copied())
        .collect();
    let record = match &existing {
        Some(record) if record.has_room() => record.appended(&new_bytes, &folded.heads),
        Some(_) => stored::snapshot(kind, &folded.automerge.save(), &folded.heads),
        // A new document is kept as received (a snapshot, or changes): saving it again would
        // only spend time compressing what the relay already compressed.
        None => stored::received(kind, &group.bytes, &folded.heads),
    };
    let record = match record {
        Ok(record) => record,
        Err(error) => return Ok(Err(error)),
    };
    documents.put(&record, Some(&key))?.await?;
    if let Err(error) = put_row(transaction, &folded.row)? {
        return Ok(Err(error));
    }
    Ok(Ok(Some((folded, fresh))))
}

/// Writes a page of snapshots inside `transaction` (which covers [`ROW_WRITES`]), as
/// [`Storage::store_snapshots`] describes, and returns the records written.
async fn put_snapshots(
    transaction: &Transaction,
    snapshots: &[DocumentSnapshot],
) -> Result<Result<Vec<Changed>, StorageError>, idb::Error> {
    let held = held_documents(transaction, snapshots).await?;
    let documents = transaction.object_store(DOCUMENTS)?;
    let mut changed = Vec::with_capacity(snapshots.len());
    let mut journal = search_journal::JournalBatch::default();
    for snapshot in snapshots {
        let key = snapshot.document.0.to_string();
        let summary = snapshot
            .summary
            .as_ref()
            .filter(|summary| summary.fits(snapshot.document))
            .filter(|_| !held.contains(&key))
            // Counting what the bytes inflate to costs little next to parsing them, and
            // keeps a bomb from being stored to go off when the record is opened.
            .filter(|_| check_inflation(&snapshot.bytes).is_ok());
        let Some(summary) = summary else {
            let group = Received {
                document: snapshot.document,
                bytes: vec![snapshot.bytes.clone()],
            };
            match fold_and_put(transaction, &group, Origin::Relay).await? {
                Ok(Some((folded, _))) => changed.push(Changed {
                    document: snapshot.document,
                    kind: folded.kind,
                    grew: folded.grew,
                    gone: false,
                    editors: folded.editors,
                }),
                Ok(None) => {}
                Err(error) => return Ok(Err(error)),
            }
            continue;
        };
        let kind = summary.kind.map(RecordKind::as_str);
        let record = match stored::snapshot(kind, &snapshot.bytes, &summary.heads) {
            Ok(record) => record,
            Err(error) => return Ok(Err(error)),
        };
        // Not awaited one by one: requests of a transaction run in order, and one that
        // fails aborts the whole transaction, which `finish` reports. Waiting for each
        // would cost a turn of the event loop per request.
        let _document = documents.put(&record, Some(&JsValue::from(key)))?;
        match row_form::stored_row(&summary.row) {
            Ok(Some((store, row))) => {
                let _row = transaction.object_store(store)?.put(&row, None)?;
                journal.note(&summary.row);
            }
            Ok(None) => {}
            Err(error) => return Ok(Err(error)),
        }
        changed.push(Changed {
            document: snapshot.document,
            kind: summary.kind,
            grew: true,
            gone: false,
            editors: Vec::new(),
        });
    }
    journal.add_to(transaction)?;
    Ok(Ok(changed))
}

/// Puts `row` in its kind's index store (settings and unknown kinds have none) and notes it in
/// the search journal (so the transaction must cover `search_journal`).
fn put_row(
    transaction: &Transaction,
    row: &IndexRow,
) -> Result<Result<(), StorageError>, idb::Error> {
    match row_form::stored_row(row) {
        Ok(Some((store, value))) => {
            // Queued, not awaited: a transaction's requests run in order, and one that fails
            // aborts the transaction, which `finish` reports.
            let _queued = transaction.object_store(store)?.put(&value, None)?;
            search_journal::journal_row(transaction, row)?;
            Ok(Ok(()))
        }
        Ok(None) => Ok(Ok(())),
        Err(error) => Ok(Err(error)),
    }
}

/// The keys of the documents of `snapshots` this device already holds, read in one request
/// over the page's key range (text keys of hyphenated lower-case UUIDs sort as the relay's
/// pages do, but the range is taken from the smallest and largest key whatever the order).
async fn held_documents(
    transaction: &Transaction,
    snapshots: &[DocumentSnapshot],
) -> Result<std::collections::HashSet<String>, idb::Error> {
    let keys = snapshots
        .iter()
        .map(|snapshot| snapshot.document.0.to_string());
    let (Some(lowest), Some(highest)) = (keys.clone().min(), keys.max()) else {
        return Ok(std::collections::HashSet::new());
    };
    let range = idb::KeyRange::bound(
        &JsValue::from(lowest),
        &JsValue::from(highest),
        Some(false),
        Some(false),
    )?;
    let held = transaction
        .object_store(DOCUMENTS)?
        .get_all_keys(Some(Query::KeyRange(range)), None)?
        .await?;
    Ok(held.iter().filter_map(JsValue::as_string).collect())
}

/// An IndexedDB outcome carrying a storage error found on the way (which aborts the transaction
/// like a failed request).
fn flatten<T>(outcome: Result<Result<T, StorageError>, idb::Error>) -> Result<T, StorageError> {
    outcome.map_err(StorageError::from).and_then(|inner| inner)
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
async fn finish<T, E: Into<StorageError>>(
    transaction: Transaction,
    outcome: Result<T, E>,
) -> Result<T, StorageError> {
    match outcome {
        Ok(value) => {
            // Keep a handle: once awaited, the transaction's own error says why it aborted (a
            // full disk aborts at commit with `QuotaExceededError`, after every request
            // succeeded).
            let raw = IdbTransaction::from(transaction);
            let result = Transaction::from(raw.clone()).await?;
            if result.is_aborted() {
                return Err(match raw.error() {
                    Some(error) => StorageError::from_js(error.into()),
                    None => StorageError::Aborted,
                });
            }
            Ok(value)
        }
        Err(error) => {
            // The abort itself may fail when the browser already aborted: the first error is
            // the one worth reporting.
            let _already_aborted = transaction.abort();
            Err(error.into())
        }
    }
}
