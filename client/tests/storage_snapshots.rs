//! A new device's first sync against Chromium's real IndexedDB: bootstrap pages are stored with
//! the relay's summaries and no Automerge parse, listed and searchable at once, opened correctly
//! later; a page for a document the device already holds merges instead of replacing it.
#![cfg(target_arch = "wasm32")]

use client::storage::{JournalEntry, Received, Storage};
use js_sys::{Reflect, Uint8Array};
use shared::contact::{Contact, ContactDocument};
use shared::edit::Edit;
use shared::field::FieldPath;
use shared::ids::{AccountId, ContactId};
use shared::protocol::{DocumentId, DocumentSnapshot, Seq};
use shared::replica::{self, IndexRow, RecordKind, Summary};
use shared::search::SearchIndex;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

mod fixtures;

use fixtures::{account, document_id};

wasm_bindgen_test_configure!(run_in_browser);

type TestResult = Result<(), String>;

async fn open(test: &str) -> Result<Storage, String> {
    Storage::open_named(&format!(
        "carnet-snapshots-test-{test}-{}",
        AccountId::generate()
    ))
    .await
    .map_err(|e| e.to_string())
}

/// `bytes` as a bootstrap page carries them, with the summary the relay's compactor derives
/// (the same code, run here).
fn snapshot(document: DocumentId, bytes: Vec<u8>) -> Result<DocumentSnapshot, String> {
    let folded =
        replica::fold(document, Some(&bytes), Vec::<Vec<u8>>::new()).map_err(|e| e.to_string())?;
    Ok(DocumentSnapshot {
        document,
        bytes,
        summary: Some(folded.summary()),
    })
}

/// Renames the account row a summary carries, so a test can tell the relay's row from one the
/// device would derive by parsing.
fn relabel(summary: &mut Option<Summary>, name: &str) -> Result<(), String> {
    match summary.as_mut().map(|summary| &mut summary.row) {
        Some(IndexRow::Account(row)) => {
            row.name = name.to_owned();
            Ok(())
        }
        _ => Err("not an account summary".to_owned()),
    }
}

#[wasm_bindgen_test]
async fn a_stored_snapshot_and_its_row_are_listed_searchable_and_open_correctly_later() -> TestResult
{
    let storage = open("listed").await?;
    let mut bakery = account("Boulangerie Martin", "Nantes")?;
    bakery
        .splice_text(
            &Edit::anonymous(2),
            &FieldPath::root("notes"),
            0,
            0,
            "Livraison de farine biologique chaque mardi",
        )
        .map_err(|e| e.to_string())?;
    let bakery_id = document_id(bakery.id());
    let contact_id = ContactId::generate();
    let mut contact = ContactDocument::new(
        contact_id,
        &Contact::named("Élodie", "Martin"),
        &Edit::anonymous(1),
    )
    .map_err(|e| e.to_string())?;
    let contact_document = DocumentId(uuid::Uuid::from_bytes(*contact_id.as_bytes()));
    let mut page = vec![
        snapshot(bakery_id, bakery.save())?,
        snapshot(contact_document, contact.save())?,
    ];
    // The row stored must be the relay's: had the device parsed the snapshot, it would list the
    // account under its real name.
    relabel(&mut page[0].summary, "Boulangerie Martin (summary)")?;

    let changed = storage
        .store_snapshots(&page)
        .await
        .map_err(|e| e.to_string())?;
    let kinds: Vec<_> = changed.iter().map(|record| record.kind).collect();
    assert_eq!(
        kinds,
        vec![Some(RecordKind::Account), Some(RecordKind::Contact)]
    );
    assert!(changed.iter().all(|record| record.grew));

    // The page's rows are one entry of the search journal, read as one entry per row, and a
    // page of the journal never ends inside an entry.
    let journal = storage
        .search_journal_after(0.0, 1)
        .await
        .map_err(|e| e.to_string())?;
    assert_eq!(
        journal.entries,
        vec![
            JournalEntry::Account(bakery_id.0.to_string()),
            JournalEntry::Contact(contact_document.0.to_string()),
        ]
    );
    let after = journal.last.ok_or("the journal has no entry")?;
    let rest = storage
        .search_journal_after(after, 100)
        .await
        .map_err(|e| e.to_string())?;
    assert!(rest.entries.is_empty(), "one entry for the page: {rest:?}");

    let accounts = storage.account_rows().await.map_err(|e| e.to_string())?;
    assert_eq!(accounts.len(), 1);
    assert_eq!(accounts[0].name, "Boulangerie Martin (summary)");
    assert_eq!(accounts[0].heads, vec![bakery.heads()[0].to_string()]);
    let contacts = storage.contact_rows().await.map_err(|e| e.to_string())?;
    assert_eq!(contacts[0].display_name, "Élodie Martin");

    // Searchable from the stored rows alone, notes included.
    let mut index = SearchIndex::new();
    for row in &accounts {
        index.insert_account(row);
    }
    for row in &contacts {
        index.insert_contact(row);
    }
    let hits = index.query("farine", 10);
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].id, bakery.id().to_string());
    assert_eq!(index.query("elodie", 10).len(), 1);

    // Opened later, the document is the snapshot, whole.
    let mut opened = storage
        .load_account(bakery.id())
        .await
        .map_err(|e| e.to_string())?
        .ok_or("the account is not stored")?;
    assert_eq!(opened.heads(), bakery.heads());
    let record = opened.record().map_err(|e| e.to_string())?;
    assert_eq!(record.name, "Boulangerie Martin");
    assert!(record.notes.as_str().contains("farine biologique"));

    // Received data is not this device's to push.
    assert!(storage
        .outbox()
        .await
        .map_err(|e| e.to_string())?
        .is_empty());

    // A colleague's change after the epoch folds into it as always, and the row is derived
    // again from the document.
    let before = bakery.heads();
    bakery
        .update(&Edit::anonymous(3), "rename", |account| {
            account.name = "Boulangerie Martin & Fils".into();
        })
        .map_err(|e| e.to_string())?;
    storage
        .store_received(
            &[Received {
                document: bakery_id,
                bytes: bakery.changes_since(&before),
            }],
            Some(Seq(9)),
        )
        .await
        .map_err(|e| e.to_string())?;
    let row = storage
        .account_row(bakery.id())
        .await
        .map_err(|e| e.to_string())?
        .ok_or("no row")?;
    assert_eq!(row.name, "Boulangerie Martin & Fils");
    assert_eq!(row.heads, vec![bakery.heads()[0].to_string()]);
    Ok(())
}

#[wasm_bindgen_test]
async fn a_snapshot_of_a_document_the_device_holds_merges_with_its_unsynced_changes() -> TestResult
{
    let storage = open("held").await?;
    let mut mine = account("Quincaillerie Roux", "Tours")?;
    storage
        .save_account(&mut mine, &[])
        .await
        .map_err(|e| e.to_string())?;
    // The relay's snapshot holds a colleague's edit this device has not seen.
    let mut theirs = mine.fork();
    theirs
        .update(&Edit::anonymous(2), "rename", |account| {
            account.name = "Quincaillerie Roux Frères".into();
        })
        .map_err(|e| e.to_string())?;
    // This device's own edit, saved but not yet acknowledged.
    let known = mine.heads();
    mine.splice_text(
        &Edit::anonymous(3),
        &FieldPath::root("notes"),
        0,
        0,
        "Rappeler lundi",
    )
    .map_err(|e| e.to_string())?;
    storage
        .save_account(&mut mine, &known)
        .await
        .map_err(|e| e.to_string())?;
    let unsynced = storage.outbox().await.map_err(|e| e.to_string())?.len();

    let page = [snapshot(document_id(mine.id()), theirs.save())?];
    let changed = storage
        .store_snapshots(&page)
        .await
        .map_err(|e| e.to_string())?;
    assert_eq!(changed.len(), 1);
    assert!(changed[0].grew);

    let stored = storage
        .load_account(mine.id())
        .await
        .map_err(|e| e.to_string())?
        .ok_or("the account is gone")?;
    let record = stored.record().map_err(|e| e.to_string())?;
    assert_eq!(record.name, "Quincaillerie Roux Frères");
    assert_eq!(
        record.notes.as_str(),
        "Rappeler lundi",
        "the local edit stays"
    );
    let row = storage
        .account_row(mine.id())
        .await
        .map_err(|e| e.to_string())?
        .ok_or("no row")?;
    assert_eq!(row.name, "Quincaillerie Roux Frères");
    assert_eq!(
        storage.outbox().await.map_err(|e| e.to_string())?.len(),
        unsynced,
        "the outbox keeps every unacknowledged change"
    );
    Ok(())
}

#[wasm_bindgen_test]
async fn a_snapshot_without_a_summary_or_with_one_for_another_document_is_folded() -> TestResult {
    let storage = open("folded").await?;
    let mut old = account("Garage Petit", "Brest")?;
    let mut stray = account("Garage Grand", "Vannes")?;
    let old_bytes = old.save();
    let mut without = snapshot(document_id(old.id()), old_bytes.clone())?;
    without.summary = None;
    // A summary naming another record is not trusted: the bytes are folded and the row derived.
    let mut foreign = snapshot(document_id(stray.id()), stray.save())?;
    let mut wrong = snapshot(document_id(old.id()), old_bytes)?;
    relabel(&mut wrong.summary, "never listed")?;
    foreign.summary = wrong.summary;

    let changed = storage
        .store_snapshots(&[without, foreign])
        .await
        .map_err(|e| e.to_string())?;
    assert_eq!(changed.len(), 2);
    let mut names: Vec<String> = storage
        .account_rows()
        .await
        .map_err(|e| e.to_string())?
        .into_iter()
        .map(|row| row.name)
        .collect();
    names.sort();
    assert_eq!(names, vec!["Garage Grand", "Garage Petit"]);
    Ok(())
}

#[wasm_bindgen_test]
async fn a_row_is_stored_packed_beside_the_properties_indexes_read_and_read_back_whole(
) -> TestResult {
    let name = format!("carnet-snapshots-test-packed-{}", AccountId::generate());
    let storage = Storage::open_named(&name)
        .await
        .map_err(|e| e.to_string())?;
    let mut bakery = account("Boulangerie Martin", "Nantes")?;
    bakery
        .splice_text(
            &Edit::anonymous(2),
            &FieldPath::root("notes"),
            0,
            0,
            "Four à sole livré en mars",
        )
        .map_err(|e| e.to_string())?;
    let page = vec![snapshot(document_id(bakery.id()), bakery.save())?];
    let Some(IndexRow::Account(expected)) = page[0].summary.as_ref().map(|s| s.row.clone()) else {
        return Err("not an account summary".to_owned());
    };
    storage
        .store_snapshots(&page)
        .await
        .map_err(|e| e.to_string())?;
    storage.close();

    let raw = idb::Factory::new()
        .map_err(|e| e.to_string())?
        .open(&name, None)
        .map_err(|e| e.to_string())?
        .await
        .map_err(|e| e.to_string())?;
    let transaction = raw
        .transaction(&["account_index"], idb::TransactionMode::ReadOnly)
        .map_err(|e| e.to_string())?;
    let stored = transaction
        .object_store("account_index")
        .map_err(|e| e.to_string())?
        .get(idb::Query::Key(JsValue::from(expected.id.as_str())))
        .map_err(|e| e.to_string())?
        .await
        .map_err(|e| e.to_string())?
        .ok_or("the row is not stored")?;
    raw.close();
    let property = |name: &str| Reflect::get(&stored, &name.into()).map_err(|e| format!("{e:?}"));
    assert!(property("packed")?.is_instance_of::<Uint8Array>());
    assert_eq!(
        property("sort_name")?.as_string(),
        Some(expected.sort_name.clone())
    );
    assert_eq!(
        property("name")?.as_string(),
        Some("Boulangerie Martin".to_owned())
    );
    assert!(
        property("search_terms")?.is_undefined(),
        "the search words travel packed, not one property each"
    );

    let storage = Storage::open_named(&name)
        .await
        .map_err(|e| e.to_string())?;
    let rows = storage.account_rows().await.map_err(|e| e.to_string())?;
    assert_eq!(rows, vec![expected]);
    Ok(())
}
