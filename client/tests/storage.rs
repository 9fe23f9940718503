//! The IndexedDB facade against Chromium's real IndexedDB (run by `wasm-bindgen-test-runner`).
#![cfg(target_arch = "wasm32")]

use client::storage::{Storage, StorageError};
use shared::account::{AccountDocument, AccountDraft};
use shared::ids::AccountId;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

/// A database name no other test uses, so tests never see each other's data.
fn fresh_name(test: &str) -> String {
    format!("carnet-test-{test}-{}", AccountId::generate())
}

fn account(name: &str, city: &str) -> Result<AccountDocument, shared::account::AccountError> {
    AccountDocument::create(
        AccountId::generate(),
        &AccountDraft {
            name: name.to_owned(),
            city: city.to_owned(),
        },
        1_700_000_000,
    )
}

#[wasm_bindgen_test]
async fn a_saved_account_comes_back_as_the_same_document() -> Result<(), String> {
    let storage = Storage::open_named(&fresh_name("save"))
        .await
        .map_err(|e| e.to_string())?;
    let mut created = account("Boulangerie Élevé", "Lyon").map_err(|e| e.to_string())?;
    let row = storage
        .save_account(&mut created)
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
        let mut document = account(name, city).map_err(|e| e.to_string())?;
        storage
            .save_account(&mut document)
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
    let mut document = account("Dupont & Fils", "Orléans").map_err(|e| e.to_string())?;
    storage
        .save_account(&mut document)
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
