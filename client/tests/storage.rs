//! The IndexedDB facade against Chromium's real IndexedDB (run by `wasm-bindgen-test-runner`).
#![cfg(target_arch = "wasm32")]

use client::storage::{Storage, StorageError};
use shared::ids::AccountId;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

// This file uses only the accounts of the fixtures.
#[allow(dead_code)]
mod fixtures;

use fixtures::account;

wasm_bindgen_test_configure!(run_in_browser);

/// A database name no other test uses, so tests never see each other's data.
fn fresh_name(test: &str) -> String {
    format!("carnet-test-{test}-{}", AccountId::generate())
}

#[wasm_bindgen_test]
async fn a_saved_account_comes_back_as_the_same_document() -> Result<(), String> {
    let storage = Storage::open_named(&fresh_name("save"))
        .await
        .map_err(|e| e.to_string())?;
    let mut created = account("Boulangerie Élevé", "Lyon")?;
    let row = storage
        .save_account(&mut created, &[])
        .await
        .map_err(|e| e.to_string())?;
    assert_eq!(row.name, "Boulangerie Élevé");

    let loaded = storage
        .load_account(created.id())
        .await
        .map_err(|e| e.to_string())?
        .ok_or("the saved account is missing")?;
    assert_eq!(loaded.name(), "Boulangerie Élevé");
    assert_eq!(loaded.city(), "Lyon");
    Ok(())
}

#[wasm_bindgen_test]
async fn index_rows_are_listed_in_folded_name_order_without_loading_documents() -> Result<(), String>
{
    let storage = Storage::open_named(&fresh_name("order"))
        .await
        .map_err(|e| e.to_string())?;
    for (name, city) in [
        ("Zèbre Café", "Nantes"),
        ("Élevé", "Lyon"),
        ("azur", "Nice"),
    ] {
        let mut document = account(name, city)?;
        storage
            .save_account(&mut document, &[])
            .await
            .map_err(|e| e.to_string())?;
    }
    let rows = storage.account_rows().await.map_err(|e| e.to_string())?;
    let names: Vec<&str> = rows.iter().map(|row| row.name.as_str()).collect();
    assert_eq!(names, vec!["azur", "Élevé", "Zèbre Café"]);
    assert!(rows.iter().all(|row| row.heads.len() == 1));
    Ok(())
}

#[wasm_bindgen_test]
async fn data_survives_closing_and_reopening_the_database() -> Result<(), String> {
    let name = fresh_name("reopen");
    let storage = Storage::open_named(&name)
        .await
        .map_err(|e| e.to_string())?;
    let mut document = account("Dupont & Fils", "Orléans")?;
    storage
        .save_account(&mut document, &[])
        .await
        .map_err(|e| e.to_string())?;
    storage.close();

    let reopened = Storage::open_named(&name)
        .await
        .map_err(|e| e.to_string())?;
    let rows = reopened.account_rows().await.map_err(|e| e.to_string())?;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].city, "Orléans");
    Ok(())
}

#[wasm_bindgen_test]
async fn an_unknown_account_is_absent_not_an_error() -> Result<(), String> {
    let storage = Storage::open_named(&fresh_name("absent"))
        .await
        .map_err(|e| e.to_string())?;
    let loaded = storage
        .load_account(AccountId::generate())
        .await
        .map_err(|e| e.to_string())?;
    assert!(loaded.is_none());
    Ok(())
}

#[wasm_bindgen_test]
async fn persistence_is_asked_once_and_remembered() -> Result<(), String> {
    let storage = Storage::open_named(&fresh_name("persist"))
        .await
        .map_err(|e| e.to_string())?;
    assert_eq!(
        storage.persistence().await.map_err(|e| e.to_string())?,
        None
    );
    let answer = storage
        .ensure_persistence()
        .await
        .map_err(|e| e.to_string())?;
    let remembered = storage.persistence().await.map_err(|e| e.to_string())?;
    assert_eq!(remembered, Some(answer));
    Ok(())
}

#[wasm_bindgen_test]
async fn a_database_written_by_a_newer_build_is_refused_and_left_intact() -> Result<(), String> {
    let name = fresh_name("newer");
    // A future build created the database at a higher version.
    let factory = idb::Factory::new().map_err(|e| e.to_string())?;
    let newer = factory
        .open(&name, Some(99))
        .map_err(|e| e.to_string())?
        .await
        .map_err(|e| e.to_string())?;
    newer.close();

    let result = Storage::open_named(&name).await;
    assert!(
        matches!(
            result,
            Err(StorageError::Unavailable(_) | StorageError::Failed(_))
        ),
        "opening a newer database must fail clearly, got {result:?}"
    );
    let still_there = factory
        .open(&name, None)
        .map_err(|e| e.to_string())?
        .await
        .map_err(|e| e.to_string())?;
    assert_eq!(still_there.version().map_err(|e| e.to_string())?, 99);
    still_there.close();
    Ok(())
}

#[wasm_bindgen_test]
async fn a_saved_account_waits_in_the_outbox_until_acknowledged() -> Result<(), String> {
    let storage = Storage::open_named(&fresh_name("outbox"))
        .await
        .map_err(|e| e.to_string())?;
    let mut first = account("Boulangerie Élevé", "Lyon")?;
    let mut second = account("Garage du Centre", "Nantes")?;
    storage
        .save_account(&mut first, &[])
        .await
        .map_err(|e| e.to_string())?;
    storage
        .save_account(&mut second, &[])
        .await
        .map_err(|e| e.to_string())?;

    let outbox = storage.outbox().await.map_err(|e| e.to_string())?;
    assert_eq!(outbox.len(), 2, "one creation change per account");
    assert!(
        outbox[0].key < outbox[1].key,
        "keys follow the order of the changes"
    );
    assert_eq!(
        outbox[0].change.document.0.to_string(),
        first.id().to_string()
    );
    assert_eq!(outbox[0].change.bytes, first.changes_since(&[])[0]);

    storage
        .acknowledge(&[outbox[0].key])
        .await
        .map_err(|e| e.to_string())?;
    let left = storage.outbox().await.map_err(|e| e.to_string())?;
    assert_eq!(left, outbox[1..].to_vec());
    Ok(())
}

#[wasm_bindgen_test]
async fn a_version_one_database_is_upgraded_and_its_accounts_queued_for_sync() -> Result<(), String>
{
    use idb::{Factory, IndexParams, KeyPath, ObjectStoreParams, TransactionMode};
    use js_sys::Uint8Array;
    use wasm_bindgen::JsValue;

    // The layout the first release wrote: documents, account_index (by_sort_name), meta.
    let name = fresh_name("v1");
    let mut stored = account("Pharmacie de la Gare", "Tours")?;
    let row = stored.index_row();
    let factory = Factory::new().map_err(|e| e.to_string())?;
    let mut request = factory.open(&name, Some(1)).map_err(|e| e.to_string())?;
    request.on_upgrade_needed(|event| {
        let Ok(database) = idb::DatabaseEvent::database(&event) else {
            return;
        };
        let _ = database.create_object_store("documents", ObjectStoreParams::new());
        let mut index_params = ObjectStoreParams::new();
        index_params.key_path(Some(KeyPath::new_single("id")));
        if let Ok(index) = database.create_object_store("account_index", index_params) {
            let _ = index.create_index(
                "by_sort_name",
                KeyPath::new_single("sort_name"),
                Some(IndexParams::new()),
            );
        }
        let _ = database.create_object_store("meta", ObjectStoreParams::new());
    });
    let version_one = request.await.map_err(|e| e.to_string())?;
    let transaction = version_one
        .transaction(&["documents", "account_index"], TransactionMode::ReadWrite)
        .map_err(|e| e.to_string())?;
    let bytes = Uint8Array::from(stored.save().as_slice());
    transaction
        .object_store("documents")
        .map_err(|e| e.to_string())?
        .put(&bytes, Some(&JsValue::from(row.id.as_str())))
        .map_err(|e| e.to_string())?
        .await
        .map_err(|e| e.to_string())?;
    let value = serde_wasm_bindgen::to_value(&row).map_err(|e| e.to_string())?;
    transaction
        .object_store("account_index")
        .map_err(|e| e.to_string())?
        .put(&value, None)
        .map_err(|e| e.to_string())?
        .await
        .map_err(|e| e.to_string())?;
    transaction
        .commit()
        .map_err(|e| e.to_string())?
        .await
        .map_err(|e| e.to_string())?;
    version_one.close();

    let upgraded = Storage::open_named(&name)
        .await
        .map_err(|e| e.to_string())?;
    let rows = upgraded.account_rows().await.map_err(|e| e.to_string())?;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].name, "Pharmacie de la Gare");
    let outbox = upgraded.outbox().await.map_err(|e| e.to_string())?;
    assert_eq!(
        outbox.len(),
        1,
        "the account written before the outbox existed goes out once"
    );
    assert_eq!(outbox[0].change.bytes, stored.changes_since(&[])[0]);

    // Opening again does not queue it twice.
    upgraded.close();
    let reopened = Storage::open_named(&name)
        .await
        .map_err(|e| e.to_string())?;
    assert_eq!(reopened.outbox().await.map_err(|e| e.to_string())?.len(), 1);
    Ok(())
}
