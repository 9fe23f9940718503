//! Opening the database and its one upgrade function, which holds every migration in order.

use std::cell::RefCell;
use std::rc::Rc;

use idb::{Factory, IndexParams, KeyPath, ObjectStoreParams, Request};
use web_sys::IdbDatabase;

use wasm_bindgen::JsValue;

use super::{
    StorageError, ACCOUNT_INDEX, BY_ACCOUNT, BY_CITY, BY_DOCUMENT, BY_LAST_ACTIVITY,
    BY_NEXT_TASK_DUE, BY_OWNER, BY_POSTCODE, BY_SEARCH_TERM, BY_SORT_NAME, BY_STAGE, CONTACT_INDEX,
    DEAL_INDEX, DOCUMENTS, META, META_OUTBOX_BACKFILL, ORDER_INDEX, OUTBOX, PRODUCT_INDEX,
    QUARANTINE, QUOTE_INDEX, SEARCH_JOURNAL, SEARCH_SAVED,
};

/// The schema version this build needs.
pub(super) const SCHEMA_VERSION: u32 = 7;

/// An open database.
pub(super) struct Opened {
    pub(super) database: IdbDatabase,
}

/// Opens `name`, running the migrations from its stored version up to [`SCHEMA_VERSION`].
pub(super) async fn open(name: &str) -> Result<Opened, StorageError> {
    let factory = Factory::new().map_err(|error| match StorageError::from(error) {
        StorageError::Failed(text) => StorageError::Unavailable(text),
        classified => classified,
    })?;
    let mut request = factory.open(name, Some(SCHEMA_VERSION))?;
    let upgrade_error: Rc<RefCell<Option<String>>> = Rc::default();
    let blocked = Rc::new(RefCell::new(false));
    {
        let upgrade_error = Rc::clone(&upgrade_error);
        request.on_upgrade_needed(move |event| {
            if let Err(error) = migrate(&event) {
                *upgrade_error.borrow_mut() = Some(error.to_string());
                // Abort the version change: the database keeps its previous layout intact.
                if let Some(transaction) = idb::Event::target(&event)
                    .ok()
                    .and_then(|request| request.transaction())
                {
                    let _already_aborted = transaction.abort();
                }
            }
        });
    }
    {
        let blocked = Rc::clone(&blocked);
        request.on_blocked(move |_event| *blocked.borrow_mut() = true);
    }
    let opened = request.await;
    if let Some(error) = upgrade_error.borrow_mut().take() {
        return Err(StorageError::Upgrade(error));
    }
    match opened {
        Ok(database) => {
            let database: IdbDatabase = database.into();
            step_aside_for_newer_versions(&database);
            Ok(Opened { database })
        }
        Err(_) if *blocked.borrow() => Err(StorageError::VersionChangeBlocked),
        Err(error) => Err(match StorageError::from(error) {
            StorageError::Failed(text) => StorageError::Unavailable(text),
            classified => classified,
        }),
    }
}

/// When a newer build (in another tab) needs a newer schema, this connection closes at once so
/// the upgrade is not blocked; this tab then runs an old build on a closed database, so it
/// reloads into the new one (its unsaved edits are saved as they are typed, so none is lost).
fn step_aside_for_newer_versions(database: &IdbDatabase) {
    let closing = database.clone();
    let on_version_change = wasm_bindgen::closure::Closure::<dyn FnMut()>::new(move || {
        closing.close();
        if let Some(window) = web_sys::window() {
            let _reload_refused = window.location().reload();
        }
    });
    database.set_onversionchange(Some(wasm_bindgen::JsCast::unchecked_ref(
        on_version_change.as_ref(),
    )));
    // The handler lives as long as the connection, which lives as long as the page.
    on_version_change.forget();
}

/// Applies every migration between the event's old version and the new one.
fn migrate(event: &idb::event::VersionChangeEvent) -> Result<(), idb::Error> {
    let database = idb::DatabaseEvent::database(event)?;
    let old_version = event.old_version()?;
    if old_version < 1 {
        database.create_object_store(DOCUMENTS, ObjectStoreParams::new())?;
        let mut index_params = ObjectStoreParams::new();
        index_params.key_path(Some(KeyPath::new_single("id")));
        let index = database.create_object_store(ACCOUNT_INDEX, index_params)?;
        index.create_index(
            BY_SORT_NAME,
            KeyPath::new_single("sort_name"),
            Some(IndexParams::new()),
        )?;
        database.create_object_store(META, ObjectStoreParams::new())?;
    }
    if old_version < 2 {
        // Local changes the relay has not acknowledged, keyed by an increasing number.
        let mut outbox_params = ObjectStoreParams::new();
        outbox_params.auto_increment(true);
        database.create_object_store(OUTBOX, outbox_params)?;
        if old_version == 1 {
            // Version 1 had no outbox: its documents must go out once. Queuing them reads every
            // document, which the workspace worker does when it opens (the page never parses a
            // document), so the upgrade only leaves word that it is due.
            let transaction = idb::Event::target(event)
                .ok()
                .and_then(|request| request.transaction())
                .ok_or(idb::Error::TransactionNotFound)?;
            transaction.object_store(META)?.put(
                &JsValue::TRUE,
                Some(&JsValue::from_str(META_OUTBOX_BACKFILL)),
            )?;
        }
    }
    if old_version < 3 {
        // Version 3: the list filters and sorts get their IndexedDB indexes, and contacts and
        // deals get index stores of their own (documents of every kind arrive through sync).
        let transaction = idb::Event::target(event)
            .ok()
            .and_then(|request| request.transaction())
            .ok_or(idb::Error::TransactionNotFound)?;
        let accounts = transaction.object_store(ACCOUNT_INDEX)?;
        for (name, path) in [
            (BY_CITY, "city"),
            (BY_POSTCODE, "postcode"),
            (BY_STAGE, "stage"),
            (BY_OWNER, "owner"),
            (BY_LAST_ACTIVITY, "last_activity"),
            (BY_NEXT_TASK_DUE, "next_task_due"),
        ] {
            accounts.create_index(name, KeyPath::new_single(path), Some(IndexParams::new()))?;
        }
        accounts.create_index(
            BY_SEARCH_TERM,
            KeyPath::new_single("search_terms"),
            Some(multi_entry()),
        )?;
        for (store, sort) in [(CONTACT_INDEX, "sort_name"), (DEAL_INDEX, "title")] {
            create_row_store(&database, store, sort)?;
        }
        let contacts = transaction.object_store(CONTACT_INDEX)?;
        contacts.create_index(
            BY_ACCOUNT,
            KeyPath::new_single("accounts"),
            Some(multi_entry()),
        )?;
        let deals = transaction.object_store(DEAL_INDEX)?;
        deals.create_index(
            BY_ACCOUNT,
            KeyPath::new_single("account"),
            Some(IndexParams::new()),
        )?;
        deals.create_index(
            BY_STAGE,
            KeyPath::new_single("stage"),
            Some(IndexParams::new()),
        )?;
    }
    if old_version < 4 {
        // Version 4: the search index is kept between visits (a saved copy, and the journal of
        // the rows written since). A device upgrading has no copy: its first search builds one.
        let mut journal_params = ObjectStoreParams::new();
        journal_params.auto_increment(true);
        database.create_object_store(SEARCH_JOURNAL, journal_params)?;
        database.create_object_store(SEARCH_SAVED, ObjectStoreParams::new())?;
    }
    if old_version < 5 {
        // Version 5: outbox entries of records out of the person's reach are set aside here
        // (nothing is lost), found again by document when the record comes back.
        let mut quarantine_params = ObjectStoreParams::new();
        quarantine_params.auto_increment(true);
        let quarantine = database.create_object_store(QUARANTINE, quarantine_params)?;
        quarantine.create_index(
            BY_DOCUMENT,
            KeyPath::new_single("document"),
            Some(IndexParams::new()),
        )?;
    }
    if old_version < 6 {
        // Version 6: the catalogue, quotes and orders get index stores; quotes and orders are
        // listed per account. No document of these kinds existed before, so nothing to fill.
        for (store, sort) in [
            (PRODUCT_INDEX, "reference"),
            (QUOTE_INDEX, "number"),
            (ORDER_INDEX, "number"),
        ] {
            let rows = create_row_store(&database, store, sort)?;
            if store != PRODUCT_INDEX {
                rows.create_index(
                    BY_ACCOUNT,
                    KeyPath::new_single("account"),
                    Some(IndexParams::new()),
                )?;
            }
        }
    }
    if old_version < 7 {
        // Version 7: the indexes nothing reads any more are dropped (search has its own index
        // in the workspace worker; lists filter the rows they read): each cost every row
        // written an update, the search terms' one an entry per word.
        let transaction = idb::Event::target(event)
            .ok()
            .and_then(|request| request.transaction())
            .ok_or(idb::Error::TransactionNotFound)?;
        let unread: [(&str, &[&str]); 6] = [
            (
                ACCOUNT_INDEX,
                &[BY_CITY, BY_POSTCODE, BY_STAGE, BY_OWNER, BY_SEARCH_TERM],
            ),
            (CONTACT_INDEX, &[BY_SEARCH_TERM]),
            (DEAL_INDEX, &[BY_STAGE, BY_SEARCH_TERM]),
            (PRODUCT_INDEX, &[BY_SEARCH_TERM]),
            (QUOTE_INDEX, &[BY_SEARCH_TERM]),
            (ORDER_INDEX, &[BY_SEARCH_TERM]),
        ];
        for (store, indexes) in unread {
            let store = transaction.object_store(store)?;
            let present = store.index_names();
            for index in indexes {
                if present.iter().any(|name| name == index) {
                    store.delete_index(index)?;
                }
            }
        }
    }
    Ok(())
}

/// Creates the index store `store` of rows keyed by `id`, sorted by `sort` and searched by
/// their `search_terms`.
fn create_row_store(
    database: &idb::Database,
    store: &str,
    sort: &str,
) -> Result<idb::ObjectStore, idb::Error> {
    let mut params = ObjectStoreParams::new();
    params.key_path(Some(KeyPath::new_single("id")));
    let rows = database.create_object_store(store, params)?;
    rows.create_index(
        BY_SORT_NAME,
        KeyPath::new_single(sort),
        Some(IndexParams::new()),
    )?;
    rows.create_index(
        BY_SEARCH_TERM,
        KeyPath::new_single("search_terms"),
        Some(multi_entry()),
    )?;
    Ok(rows)
}

/// Index parameters for an array-valued key path: one index entry per element.
fn multi_entry() -> IndexParams {
    let mut params = IndexParams::new();
    params.multi_entry(true);
    params
}
