//! Records leaving and entering the person's reach, against Chromium's real IndexedDB: a purge
//! removes the record (document, row, search terms) and sets every unsynced change of it aside
//! while other records' changes stay in the outbox; a record coming back takes its set-aside
//! changes back; refused changes are set aside without losing the record; discarding and
//! signing out empty the quarantine.
#![cfg(target_arch = "wasm32")]

use client::storage::{JournalEntry, RowNow, Storage};
use shared::edit::Edit;
use shared::ids::AccountId;
use shared::protocol::{DocumentId, DocumentSnapshot};
use shared::replica::{self, RecordKind};
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

mod fixtures;

use fixtures::{account, document_id};

wasm_bindgen_test_configure!(run_in_browser);

type TestResult = Result<(), String>;

async fn open(test: &str) -> Result<Storage, String> {
    Storage::open_named(&format!(
        "carnet-quarantine-test-{test}-{}",
        AccountId::generate()
    ))
    .await
    .map_err(|e| e.to_string())
}

/// The outbox entries' documents, in order.
async fn outbox_documents(storage: &Storage) -> Result<Vec<DocumentId>, String> {
    Ok(storage
        .outbox()
        .await
        .map_err(|e| e.to_string())?
        .into_iter()
        .map(|entry| entry.change.document)
        .collect())
}

/// `bytes` as the relay sends a granted document, with the summary its compactor derives.
fn snapshot(document: DocumentId, bytes: Vec<u8>) -> Result<DocumentSnapshot, String> {
    let folded =
        replica::fold(document, Some(&bytes), Vec::<Vec<u8>>::new()).map_err(|e| e.to_string())?;
    Ok(DocumentSnapshot {
        document,
        bytes,
        summary: Some(folded.summary()),
    })
}

#[wasm_bindgen_test]
async fn a_purge_removes_the_record_and_sets_every_unsynced_change_of_it_aside() -> TestResult {
    let storage = open("purge").await?;
    // Two offline edits of an account that is then reassigned, and a record that stays.
    let mut leaving = account("Boulangerie Martin", "Lille")?;
    storage
        .save_account(&mut leaving, &[])
        .await
        .map_err(|e| e.to_string())?;
    let created = leaving.heads();
    leaving
        .update(&Edit::anonymous(2), "rename", |record| {
            record.name = "Boulangerie Martin & Fils".into();
        })
        .map_err(|e| e.to_string())?;
    storage
        .save_account(&mut leaving, &created)
        .await
        .map_err(|e| e.to_string())?;
    let mut staying = account("Garage Petit", "Arras")?;
    storage
        .save_account(&mut staying, &[])
        .await
        .map_err(|e| e.to_string())?;
    let gone = document_id(leaving.id());
    let kept = document_id(staying.id());
    let outbox = outbox_documents(&storage).await?;
    let leaving_entries = outbox.iter().filter(|document| **document == gone).count();
    assert!(leaving_entries >= 2, "both edits are queued: {outbox:?}");
    let journal_end = storage
        .search_journal_end()
        .await
        .map_err(|e| e.to_string())?;

    // The client knew none of the entries' keys (say they were queued by another tab).
    let removed = storage
        .purge(&[gone], &[])
        .await
        .map_err(|e| e.to_string())?;

    assert_eq!(removed.len(), 1);
    assert_eq!(removed[0].document, gone);
    assert_eq!(removed[0].kind, Some(RecordKind::Account));
    assert!(removed[0].gone);
    assert!(storage
        .load_account(leaving.id())
        .await
        .map_err(|e| e.to_string())?
        .is_none());
    let rows = storage.account_rows().await.map_err(|e| e.to_string())?;
    let names: Vec<&str> = rows.iter().map(|row| row.name.as_str()).collect();
    assert_eq!(names, vec!["Garage Petit"]);
    assert!(!storage
        .document_ids()
        .await
        .map_err(|e| e.to_string())?
        .contains(&gone));
    // The search index hears of the removal and finds the row gone.
    let journal = storage
        .search_journal_after(journal_end, 100)
        .await
        .map_err(|e| e.to_string())?;
    let id = leaving.id().to_string();
    assert_eq!(journal.entries, vec![JournalEntry::Account(id.clone())]);
    let now = storage
        .index_rows_now(&journal.entries)
        .await
        .map_err(|e| e.to_string())?;
    assert_eq!(now, vec![RowNow::Gone(id)]);
    // Every change of the purged record is set aside, named after it; the others stay queued.
    assert_eq!(outbox_documents(&storage).await?, vec![kept]);
    let set_aside = storage.quarantined().await.map_err(|e| e.to_string())?;
    assert_eq!(set_aside.len(), leaving_entries);
    assert!(set_aside.iter().all(|change| change.document == gone
        && change.kind == Some(RecordKind::Account)
        && change.title.as_deref() == Some("Boulangerie Martin & Fils")
        && change.set_aside_at > 0.0));
    // Set-aside changes are not pushed, but a sign-out would lose them.
    let (pending, _) = storage.outbox_summary().await.map_err(|e| e.to_string())?;
    assert_eq!(pending, 1);
    let unsynced = storage.unsynced().await.map_err(|e| e.to_string())?;
    assert_eq!(unsynced.changes, 1 + leaving_entries);
    assert!(unsynced
        .records
        .iter()
        .any(|(_, name)| name == "Boulangerie Martin & Fils"));
    Ok(())
}

#[wasm_bindgen_test]
async fn a_record_back_within_reach_takes_its_set_aside_changes_back_to_the_outbox() -> TestResult {
    let storage = open("granted").await?;
    let mut account = account("Fromagerie Leroy", "Caen")?;
    storage
        .save_account(&mut account, &[])
        .await
        .map_err(|e| e.to_string())?;
    // The creation reached the relay; the rename made offline did not.
    let synced: Vec<u64> = storage
        .outbox()
        .await
        .map_err(|e| e.to_string())?
        .iter()
        .map(|entry| entry.key)
        .collect();
    storage
        .acknowledge(&synced)
        .await
        .map_err(|e| e.to_string())?;
    let relay_copy = account.save();
    let created = account.heads();
    account
        .update(&Edit::anonymous(2), "rename", |record| {
            record.name = "Fromagerie Leroy (Caen)".into();
        })
        .map_err(|e| e.to_string())?;
    storage
        .save_account(&mut account, &created)
        .await
        .map_err(|e| e.to_string())?;
    let document = document_id(account.id());
    let rename = storage.outbox().await.map_err(|e| e.to_string())?;
    storage
        .purge(&[document], &[])
        .await
        .map_err(|e| e.to_string())?;
    assert!(storage
        .outbox()
        .await
        .map_err(|e| e.to_string())?
        .is_empty());

    // The account is reassigned back: the relay sends it as it holds it.
    let granted = storage
        .store_granted(&[snapshot(document, relay_copy)?])
        .await
        .map_err(|e| e.to_string())?;

    assert_eq!(granted.taken_back, rename.len());
    assert!(granted
        .changed
        .iter()
        .any(|changed| changed.document == document && !changed.gone));
    let loaded = storage
        .load_account(account.id())
        .await
        .map_err(|e| e.to_string())?
        .ok_or("the granted account is missing")?;
    assert_eq!(loaded.name(), "Fromagerie Leroy (Caen)");
    let rows = storage.account_rows().await.map_err(|e| e.to_string())?;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].name, "Fromagerie Leroy (Caen)");
    let outbox = storage.outbox().await.map_err(|e| e.to_string())?;
    let queued: Vec<&Vec<u8>> = outbox.iter().map(|entry| &entry.change.bytes).collect();
    let renamed: Vec<&Vec<u8>> = rename.iter().map(|entry| &entry.change.bytes).collect();
    assert_eq!(queued, renamed, "the rename goes to the relay again");
    assert!(storage
        .quarantined()
        .await
        .map_err(|e| e.to_string())?
        .is_empty());
    Ok(())
}

#[wasm_bindgen_test]
async fn refused_changes_are_set_aside_and_the_record_stays() -> TestResult {
    let storage = open("forbidden").await?;
    let mut refused = account("Pharmacie Roux", "Douai")?;
    storage
        .save_account(&mut refused, &[])
        .await
        .map_err(|e| e.to_string())?;
    let mut accepted = account("Librairie Noël", "Lens")?;
    storage
        .save_account(&mut accepted, &[])
        .await
        .map_err(|e| e.to_string())?;
    let document = document_id(refused.id());
    let keys: Vec<u64> = storage
        .outbox()
        .await
        .map_err(|e| e.to_string())?
        .iter()
        .filter(|entry| entry.change.document == document)
        .map(|entry| entry.key)
        .collect();

    let moved = storage.set_aside(&keys).await.map_err(|e| e.to_string())?;

    assert_eq!(moved, keys.len());
    assert_eq!(
        outbox_documents(&storage).await?,
        vec![document_id(accepted.id())]
    );
    assert!(storage
        .load_account(refused.id())
        .await
        .map_err(|e| e.to_string())?
        .is_some());
    let set_aside = storage.quarantined().await.map_err(|e| e.to_string())?;
    assert_eq!(set_aside.len(), keys.len());
    assert_eq!(set_aside[0].title.as_deref(), Some("Pharmacie Roux"));
    Ok(())
}

#[wasm_bindgen_test]
async fn discarding_and_signing_out_empty_the_quarantine() -> TestResult {
    let storage = open("discard").await?;
    let mut first = account("Cordonnerie Blanc", "Amiens")?;
    storage
        .save_account(&mut first, &[])
        .await
        .map_err(|e| e.to_string())?;
    let mut second = account("Opticien Faure", "Laon")?;
    storage
        .save_account(&mut second, &[])
        .await
        .map_err(|e| e.to_string())?;
    storage
        .purge(&[document_id(first.id())], &[])
        .await
        .map_err(|e| e.to_string())?;
    let set_aside = storage.quarantined().await.map_err(|e| e.to_string())?;
    assert!(!set_aside.is_empty());

    let discarded = storage
        .discard_quarantine()
        .await
        .map_err(|e| e.to_string())?;

    assert_eq!(discarded, set_aside.len());
    assert!(storage
        .quarantined()
        .await
        .map_err(|e| e.to_string())?
        .is_empty());
    assert_eq!(
        outbox_documents(&storage).await?,
        vec![document_id(second.id())]
    );

    storage
        .purge(&[document_id(second.id())], &[])
        .await
        .map_err(|e| e.to_string())?;
    storage.wipe().await.map_err(|e| e.to_string())?;
    assert!(storage
        .quarantined()
        .await
        .map_err(|e| e.to_string())?
        .is_empty());
    assert_eq!(
        storage.unsynced().await.map_err(|e| e.to_string())?.changes,
        0
    );
    Ok(())
}
