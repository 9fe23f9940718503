//! The storage side of import and restore against Chromium's real IndexedDB: an import is
//! stored whole or not at all (cancelled midway, or failing midway), merges keep what the
//! device had and what the file brings, and a backup restored into a fresh database gives the
//! same documents (same heads, same history), merging into existing data without overwriting.
#![cfg(target_arch = "wasm32")]

use client::storage::{CancelImport, Storage, TransferError};
use shared::account::{Account, AccountDocument, AccountDraft};
use shared::contact::{Contact, ContactDocument};
use shared::document::DocumentError;
use shared::edit::{Edit, Editor};
use shared::ids::{AccountId, ContactId, DeviceId, UserId, WorkspaceId};
use shared::settings::Settings;
use shared::transfer::{
    Backup, Decision, Entity, ExistingKeys, ImportPlan, ImportRules, ImportWrite, Mapping,
    ReadOptions, Table,
};
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

type TestResult = Result<(), String>;

const EDIT: Edit = Edit {
    editor: None,
    time: 1_700_000_000,
};

async fn open(test: &str) -> Result<Storage, String> {
    let name = format!("carnet-transfer-test-{test}-{}", AccountId::generate());
    Storage::open_named(&name).await.map_err(|e| e.to_string())
}

/// A French export of `count` accounts with valid rows.
fn accounts_csv(count: usize) -> Vec<u8> {
    let mut text = String::from("Raison sociale;Code postal;Ville;Téléphone\r\n");
    for index in 0..count {
        text.push_str(&format!(
            "Société n°{index};{:05};Lyon;04 78 00 {:02} {:02}\r\n",
            69000 + index % 10,
            index / 100 % 100,
            index % 100
        ));
    }
    text.into_bytes()
}

fn plan_of(bytes: &[u8], existing: &ExistingKeys) -> Result<ImportPlan, String> {
    let table = Table::read(bytes, &ReadOptions::default()).map_err(|e| e.to_string())?;
    let mapping = Mapping::guess(Entity::Account, &table.headers);
    let rules = ImportRules::from_settings(&Settings::starter());
    Ok(ImportPlan::new(&table, &mapping, &rules, existing))
}

async fn stored_counts(storage: &Storage) -> Result<(usize, usize, usize), String> {
    let rows = storage.account_rows().await.map_err(|e| e.to_string())?;
    let outbox = storage.outbox().await.map_err(|e| e.to_string())?;
    let documents = storage
        .backup_documents()
        .await
        .map_err(|e| e.to_string())?;
    Ok((rows.len(), outbox.len(), documents.len()))
}

#[wasm_bindgen_test]
async fn an_import_is_stored_whole_or_not_at_all_when_cancelled_midway() -> TestResult {
    let storage = open("cancel").await?;
    let plan = plan_of(&accounts_csv(300), &ExistingKeys::new())?;
    assert_eq!(plan.summary().create, 300);
    let cancel = CancelImport::new();
    let mut seen = Vec::new();
    let outcome = storage
        .import(plan.writes(&EDIT, 50), &EDIT, &cancel, |done| {
            seen.push(done);
            // The rep presses Cancel once the first chunks are written.
            if done >= 100 {
                cancel.cancel();
            }
        })
        .await;
    assert!(
        matches!(outcome, Err(TransferError::Cancelled)),
        "{outcome:?}"
    );
    assert_eq!(seen, vec![50, 100], "progress is reported per chunk");
    assert_eq!(stored_counts(&storage).await?, (0, 0, 0), "nothing is kept");

    let imported = storage
        .import(plan.writes(&EDIT, 50), &EDIT, &CancelImport::new(), |_| {})
        .await
        .map_err(|e| e.to_string())?;
    assert_eq!(imported.created, 300);
    let (rows, outbox, documents) = stored_counts(&storage).await?;
    assert_eq!((rows, documents), (300, 300));
    assert!(outbox >= 300, "every new record goes out: {outbox} changes");
    let accounts = storage
        .records::<Account>()
        .await
        .map_err(|e| e.to_string())?;
    assert!(accounts
        .iter()
        .any(|(_, account)| account.name == "Société n°299"));
    Ok(())
}

#[wasm_bindgen_test]
async fn a_failure_midway_leaves_nothing_imported() -> TestResult {
    let storage = open("failure").await?;
    let plan = plan_of(&accounts_csv(120), &ExistingKeys::new())?;
    // A record that cannot be built after two chunks were written.
    let writes = plan
        .writes(&EDIT, 40)
        .take(2)
        .chain(std::iter::once(Err(DocumentError::MissingId)));
    let outcome = storage
        .import(writes, &EDIT, &CancelImport::new(), |_| {})
        .await;
    assert!(
        matches!(outcome, Err(TransferError::Document(_))),
        "{outcome:?}"
    );
    assert_eq!(stored_counts(&storage).await?, (0, 0, 0));

    // A merge into a record that is not on the device, after creations in the same chunk.
    let mut keys = ExistingKeys::new();
    let ghost = AccountId::generate().to_string();
    keys.insert(
        shared::transfer::DuplicateKey::NameAndPostcode {
            name: shared::transfer::normalised_name("Société n°7"),
            postcode: "69007".to_owned(),
        },
        ghost.clone(),
    );
    let mut plan = plan_of(&accounts_csv(20), &keys)?;
    assert_eq!(plan.duplicates().len(), 1, "{:?}", plan.duplicates());
    plan.decide_all(Decision::Merge);
    let outcome = storage
        .import(plan.writes(&EDIT, 100), &EDIT, &CancelImport::new(), |_| {})
        .await;
    assert!(
        matches!(&outcome, Err(TransferError::MissingRecord(id)) if *id == ghost),
        "{outcome:?}"
    );
    assert_eq!(stored_counts(&storage).await?, (0, 0, 0));
    Ok(())
}

#[wasm_bindgen_test]
async fn a_merged_row_keeps_the_stored_record_and_adds_what_the_file_knows() -> TestResult {
    let storage = open("merge").await?;
    let id = AccountId::generate();
    let mut account = AccountDocument::create(
        id,
        &AccountDraft {
            name: "Boulangerie Martin".to_owned(),
            city: "Lyon".to_owned(),
            postcode: String::new(),
        },
        1_700_000_000,
    )
    .map_err(|e| e.to_string())?;
    storage
        .save_account(&mut account, &[])
        .await
        .map_err(|e| e.to_string())?;
    let mut keys = ExistingKeys::new();
    let stored = account.record().map_err(|e| e.to_string())?;
    keys.insert_account(id.to_string(), &stored);
    let csv = "Raison sociale;Téléphone;Notes\r\nSARL Boulangerie Martin;04 78 00 00 00;Livraison le mardi\r\n";
    let mut plan = plan_of(csv.as_bytes(), &keys)?;
    assert_eq!(plan.duplicates().len(), 1, "{:?}", plan.duplicates());
    plan.decide_all(Decision::Merge);

    // Meanwhile another tab edits the same account.
    let known = account.heads();
    account
        .update(&EDIT, "website", |account| {
            account.website = Some("https://martin.example".to_owned());
        })
        .map_err(|e| e.to_string())?;
    storage
        .save_account(&mut account, &known)
        .await
        .map_err(|e| e.to_string())?;
    let before = storage.outbox().await.map_err(|e| e.to_string())?.len();

    let imported = storage
        .import(plan.writes(&EDIT, 10), &EDIT, &CancelImport::new(), |_| {})
        .await
        .map_err(|e| e.to_string())?;
    assert_eq!((imported.created, imported.merged), (0, 1));
    let merged = storage
        .load_account(id)
        .await
        .map_err(|e| e.to_string())?
        .ok_or("the account is gone")?
        .record()
        .map_err(|e| e.to_string())?;
    assert_eq!(merged.name, "Boulangerie Martin", "the stored name is kept");
    assert_eq!(merged.website.as_deref(), Some("https://martin.example"));
    assert_eq!(merged.phones.len(), 1, "the file's phone is added");
    assert!(merged.notes.as_str().contains("Livraison le mardi"));
    let rows = storage.account_rows().await.map_err(|e| e.to_string())?;
    assert_eq!(rows.len(), 1);
    let after = storage.outbox().await.map_err(|e| e.to_string())?.len();
    assert!(after > before, "the merge goes out to colleagues");
    Ok(())
}

/// A device's data with some history: two accounts edited twice each by `editor`, and a
/// contact.
async fn device_with_history(storage: &Storage, editor: Editor) -> Result<(), String> {
    for (name, city) in [
        ("Garage Lefèvre", "Bordeaux"),
        ("Hôtel Côte d'Azur", "Nice"),
    ] {
        let mut account = AccountDocument::create(
            AccountId::generate(),
            &AccountDraft {
                name: name.to_owned(),
                city: city.to_owned(),
                postcode: String::new(),
            },
            1_700_000_000,
        )
        .map_err(|e| e.to_string())?;
        for (step, note) in ["Premier contact", "Devis envoyé"].iter().enumerate() {
            let edit = Edit::by(editor, 1_700_000_100 + step as i64);
            account
                .update(&edit, note, |account| {
                    account.industry = Some((*note).to_owned());
                })
                .map_err(|e| e.to_string())?;
        }
        storage
            .save_account(&mut account, &[])
            .await
            .map_err(|e| e.to_string())?;
    }
    let mut contact = ContactDocument::new(
        ContactId::generate(),
        &Contact::named("Élodie", "Caron"),
        &EDIT,
    )
    .map_err(|e| e.to_string())?;
    storage
        .save_document(&mut contact, &[])
        .await
        .map_err(|e| e.to_string())?;
    Ok(())
}

#[wasm_bindgen_test]
async fn a_backup_restored_into_a_fresh_database_gives_the_same_documents_and_history() -> TestResult
{
    let original = open("backup-source").await?;
    let editor = Editor {
        user: UserId::generate(),
        device: DeviceId::generate(),
    };
    device_with_history(&original, editor).await?;
    let documents = original
        .backup_documents()
        .await
        .map_err(|e| e.to_string())?;
    assert_eq!(documents.len(), 3);
    let file = Backup::write(WorkspaceId::generate(), 1_700_000_500, &documents)
        .map_err(|e| e.to_string())?;
    let backup = Backup::read(&file).map_err(|e| e.to_string())?;

    let fresh = open("backup-target").await?;
    let restored = fresh
        .restore(&backup, Some(editor.device), |_, _| {})
        .await
        .map_err(|e| e.to_string())?;
    assert_eq!((restored.added, restored.merged), (3, 0));
    // Only this device's own changes go out: the relay refuses another device's actor.
    assert_eq!(restored.queued, 4, "two edits on each of two accounts");
    for (id, _) in original
        .records::<Account>()
        .await
        .map_err(|e| e.to_string())?
    {
        let mut before = original
            .load_account(id)
            .await
            .map_err(|e| e.to_string())?
            .ok_or("missing in the original")?;
        let mut after = fresh
            .load_account(id)
            .await
            .map_err(|e| e.to_string())?
            .ok_or("missing after the restore")?;
        assert_eq!(before.heads(), after.heads());
        assert_eq!(before.record().ok(), after.record().ok());
        let history = |entries: Vec<shared::history::HistoryEntry>| {
            entries
                .into_iter()
                .map(|entry| format!("{entry:?}"))
                .collect::<Vec<_>>()
        };
        assert_eq!(history(before.history()), history(after.history()));
        assert_eq!(after.history().len(), 3, "created, then two edits");
    }
    assert_eq!(
        fresh.contact_rows().await.map_err(|e| e.to_string())?.len(),
        1
    );
    assert_eq!(fresh.outbox().await.map_err(|e| e.to_string())?.len(), 4);
    // On another device, nothing of it is this device's to push.
    let other = open("backup-other").await?;
    let elsewhere = other
        .restore(&backup, Some(DeviceId::generate()), |_, _| {})
        .await
        .map_err(|e| e.to_string())?;
    assert_eq!((elsewhere.added, elsewhere.queued), (3, 0));
    assert!(other.outbox().await.map_err(|e| e.to_string())?.is_empty());
    // Restoring again changes nothing.
    let again = fresh
        .restore(&backup, Some(editor.device), |_, _| {})
        .await
        .map_err(|e| e.to_string())?;
    assert_eq!((again.added, again.merged), (0, 0));
    Ok(())
}

#[wasm_bindgen_test]
async fn a_restore_merges_into_changed_records_without_overwriting() -> TestResult {
    let device = open("restore-merge").await?;
    let id = AccountId::generate();
    let mut account = AccountDocument::create(
        id,
        &AccountDraft {
            name: "Cave des Papes".to_owned(),
            city: "Avignon".to_owned(),
            postcode: String::new(),
        },
        1_700_000_000,
    )
    .map_err(|e| e.to_string())?;
    device
        .save_account(&mut account, &[])
        .await
        .map_err(|e| e.to_string())?;
    let file = Backup::write(
        WorkspaceId::generate(),
        1,
        &device.backup_documents().await.map_err(|e| e.to_string())?,
    )
    .map_err(|e| e.to_string())?;
    // The backup's copy gains an edit the device never saw; the device gains its own.
    let mut theirs = Backup::read(&file).map_err(|e| e.to_string())?;
    let mut copy = AccountDocument::load(&theirs.documents[0].bytes).map_err(|e| e.to_string())?;
    copy.update(&Edit::anonymous(2), "industry", |account| {
        account.industry = Some("Caviste".to_owned());
    })
    .map_err(|e| e.to_string())?;
    theirs.documents[0].bytes = copy.save();
    let known = account.heads();
    account
        .update(&Edit::anonymous(3), "website", |account| {
            account.website = Some("https://papes.example".to_owned());
        })
        .map_err(|e| e.to_string())?;
    device
        .save_account(&mut account, &known)
        .await
        .map_err(|e| e.to_string())?;

    let restored = device
        .restore(&theirs, None, |_, _| {})
        .await
        .map_err(|e| e.to_string())?;
    assert_eq!((restored.added, restored.merged), (0, 1));
    let merged = device
        .load_account(id)
        .await
        .map_err(|e| e.to_string())?
        .ok_or("the account is gone")?
        .record()
        .map_err(|e| e.to_string())?;
    assert_eq!(merged.industry.as_deref(), Some("Caviste"));
    assert_eq!(merged.website.as_deref(), Some("https://papes.example"));
    Ok(())
}

#[wasm_bindgen_test]
async fn created_documents_are_written_as_the_plan_built_them() -> TestResult {
    let storage = open("created").await?;
    let plan = plan_of(&accounts_csv(3), &ExistingKeys::new())?;
    let mut expected = Vec::new();
    let writes: Vec<_> = plan
        .writes(&EDIT, 10)
        .map(|chunk| {
            chunk.inspect(|chunk| {
                for write in chunk {
                    if let ImportWrite::Create(new_record) = write {
                        expected.push(new_record.document.id());
                    }
                }
            })
        })
        .collect();
    storage
        .import(writes, &EDIT, &CancelImport::new(), |_| {})
        .await
        .map_err(|e| e.to_string())?;
    let mut stored: Vec<String> = storage
        .account_rows()
        .await
        .map_err(|e| e.to_string())?
        .into_iter()
        .map(|row| row.id)
        .collect();
    stored.sort();
    expected.sort();
    assert_eq!(stored, expected);
    Ok(())
}
