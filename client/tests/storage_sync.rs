//! The storage facade's sync side against Chromium's real IndexedDB: received entries and
//! snapshots, the outbox lifecycle, writes from two connections (two tabs), index rebuild,
//! sign-out, quota failures, and the upgrade from the previous version's layout.
#![cfg(target_arch = "wasm32")]

use client::session::{Session, SessionUser, SessionWorkspace};
use client::storage::{Received, Storage, StorageError};
use shared::contact::{Contact, ContactDocument};
use shared::edit::Edit;
use shared::ids::{AccountId, ContactId};
use shared::protocol::{DocumentId, Seq};
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

mod fixtures;

use fixtures::{account, document_id};

wasm_bindgen_test_configure!(run_in_browser);

type TestResult = Result<(), String>;

fn fresh_name(test: &str) -> String {
    format!("carnet-sync-test-{test}-{}", AccountId::generate())
}

async fn open(test: &str) -> Result<Storage, String> {
    Storage::open_named(&fresh_name(test))
        .await
        .map_err(|e| e.to_string())
}

#[wasm_bindgen_test]
async fn received_entries_update_documents_rows_and_the_cursor_together() -> TestResult {
    let storage = open("received").await?;
    // A colleague's account and contact, as the relay's log carries them.
    let mut theirs = account("Menuiserie Caron", "Rouen")?;
    let contact_id = ContactId::generate();
    let mut contact = ContactDocument::new(
        contact_id,
        &Contact::named("Élodie", "Caron"),
        &Edit::anonymous(1),
    )
    .map_err(|e| e.to_string())?;
    let received = [
        Received {
            document: document_id(theirs.id()),
            bytes: theirs.changes_since(&[]),
        },
        Received {
            document: DocumentId(uuid::Uuid::from_bytes(*contact_id.as_bytes())),
            bytes: contact.changes_since(&[]),
        },
    ];
    let changed = storage
        .store_received(&received, Some(Seq(7)))
        .await
        .map_err(|e| e.to_string())?;
    assert_eq!(changed.len(), 2);
    assert_eq!(storage.cursor().await.map_err(|e| e.to_string())?, Seq(7));
    let rows = storage.account_rows().await.map_err(|e| e.to_string())?;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].name, "Menuiserie Caron");
    let contacts = storage.contact_rows().await.map_err(|e| e.to_string())?;
    assert_eq!(contacts[0].display_name, "Élodie Caron");
    // Received data is not this device's to push.
    assert!(storage
        .outbox()
        .await
        .map_err(|e| e.to_string())?
        .is_empty());

    // A later edit of theirs arrives and lands in the same document.
    let before = theirs.heads();
    theirs
        .update(&Edit::anonymous(2), "rename", |record| {
            record.name = "Menuiserie Caron & Fils".into();
        })
        .map_err(|e| e.to_string())?;
    let later = [Received {
        document: document_id(theirs.id()),
        bytes: theirs.changes_since(&before),
    }];
    storage
        .store_received(&later, Some(Seq(8)))
        .await
        .map_err(|e| e.to_string())?;
    let loaded = storage
        .load_account(theirs.id())
        .await
        .map_err(|e| e.to_string())?
        .ok_or("the received account is missing")?;
    assert_eq!(loaded.name(), "Menuiserie Caron & Fils");
    assert_eq!(storage.cursor().await.map_err(|e| e.to_string())?, Seq(8));
    Ok(())
}

#[wasm_bindgen_test]
async fn unreadable_received_bytes_skip_their_document_and_keep_the_others() -> TestResult {
    let storage = open("garbage").await?;
    let mut good = account("Opticien Blanc", "Dijon")?;
    let received = [
        Received {
            document: document_id(AccountId::generate()),
            bytes: vec![b"not an automerge change".to_vec()],
        },
        Received {
            document: document_id(good.id()),
            bytes: good.changes_since(&[]),
        },
    ];
    let changed = storage
        .store_received(&received, Some(Seq(2)))
        .await
        .map_err(|e| e.to_string())?;
    assert_eq!(changed.len(), 1);
    let rows = storage.account_rows().await.map_err(|e| e.to_string())?;
    assert_eq!(rows.len(), 1);
    Ok(())
}

#[wasm_bindgen_test]
async fn two_connections_saving_one_account_merge_instead_of_overwriting() -> TestResult {
    let name = fresh_name("two-tabs");
    let first = Storage::open_named(&name)
        .await
        .map_err(|e| e.to_string())?;
    let second = Storage::open_named(&name)
        .await
        .map_err(|e| e.to_string())?;
    let mut created = account("Librairie Vidal", "Albi")?;
    first
        .save_account(&mut created, &[])
        .await
        .map_err(|e| e.to_string())?;
    // Each "tab" loads the account, then edits a different field.
    let mut in_first = first
        .load_account(created.id())
        .await
        .map_err(|e| e.to_string())?
        .ok_or("missing in the first tab")?;
    let mut in_second = second
        .load_account(created.id())
        .await
        .map_err(|e| e.to_string())?
        .ok_or("missing in the second tab")?;
    let known_first = in_first.heads();
    let known_second = in_second.heads();
    in_first
        .update(&Edit::anonymous(2), "rename", |record| {
            record.name = "Librairie Vidal & Cie".into();
        })
        .map_err(|e| e.to_string())?;
    in_second
        .splice_text(
            &Edit::anonymous(3),
            &shared::field::FieldPath::root("notes"),
            0,
            0,
            "Commande de rentrée",
        )
        .map_err(|e| e.to_string())?;
    first
        .save_account(&mut in_first, &known_first)
        .await
        .map_err(|e| e.to_string())?;
    let row = second
        .save_account(&mut in_second, &known_second)
        .await
        .map_err(|e| e.to_string())?;
    assert_eq!(
        row.name, "Librairie Vidal & Cie",
        "the second save kept the first's rename"
    );
    let stored = first
        .load_account(created.id())
        .await
        .map_err(|e| e.to_string())?
        .ok_or("missing")?;
    let record = stored.record().map_err(|e| e.to_string())?;
    assert_eq!(record.name, "Librairie Vidal & Cie");
    assert_eq!(record.notes.as_str(), "Commande de rentrée");
    // And the second tab's document now holds both.
    assert_eq!(in_second.name(), "Librairie Vidal & Cie");
    assert_eq!(first.outbox().await.map_err(|e| e.to_string())?.len(), 3);
    Ok(())
}

#[wasm_bindgen_test]
async fn the_outbox_hands_out_new_entries_and_counts_what_waits() -> TestResult {
    let storage = open("outbox-after").await?;
    for name in ["Alpha", "Bravo", "Charlie"] {
        let mut document = account(name, "Paris")?;
        storage
            .save_account(&mut document, &[])
            .await
            .map_err(|e| e.to_string())?;
    }
    let all = storage.outbox().await.map_err(|e| e.to_string())?;
    assert_eq!(all.len(), 3);
    let after_first = storage
        .outbox_after(all[0].key)
        .await
        .map_err(|e| e.to_string())?;
    assert_eq!(after_first.len(), 2);
    let (count, oldest) = storage.outbox_summary().await.map_err(|e| e.to_string())?;
    assert_eq!(count, 3);
    assert!(oldest.is_some_and(|at| at > 1.6e12));
    storage
        .acknowledge(&[all[0].key, all[1].key])
        .await
        .map_err(|e| e.to_string())?;
    let unsynced = storage.unsynced().await.map_err(|e| e.to_string())?;
    assert_eq!(unsynced.changes, 1);
    assert_eq!(unsynced.records.len(), 1);
    assert_eq!(unsynced.records[0].1, "Charlie");
    Ok(())
}

#[wasm_bindgen_test]
async fn the_index_is_rebuilt_from_the_documents_with_progress() -> TestResult {
    let name = fresh_name("rebuild");
    let storage = Storage::open_named(&name)
        .await
        .map_err(|e| e.to_string())?;
    for index in 0..7 {
        let mut document = account(&format!("Client {index}"), "Lille")?;
        storage
            .save_account(&mut document, &[])
            .await
            .map_err(|e| e.to_string())?;
    }
    // Damage: the derived rows are gone.
    let raw = idb::Factory::new()
        .map_err(|e| e.to_string())?
        .open(&name, None)
        .map_err(|e| e.to_string())?
        .await
        .map_err(|e| e.to_string())?;
    let transaction = raw
        .transaction(&["account_index"], idb::TransactionMode::ReadWrite)
        .map_err(|e| e.to_string())?;
    transaction
        .object_store("account_index")
        .map_err(|e| e.to_string())?
        .clear()
        .map_err(|e| e.to_string())?
        .await
        .map_err(|e| e.to_string())?;
    transaction
        .commit()
        .map_err(|e| e.to_string())?
        .await
        .map_err(|e| e.to_string())?;
    raw.close();
    assert!(storage
        .account_rows()
        .await
        .map_err(|e| e.to_string())?
        .is_empty());

    let mut steps = Vec::new();
    let total = storage
        .rebuild_index(3, |done, total| steps.push((done, total)))
        .await
        .map_err(|e| e.to_string())?;
    assert_eq!(total, 7);
    assert_eq!(steps, vec![(3, 7), (6, 7), (7, 7)]);
    assert_eq!(
        storage
            .account_rows()
            .await
            .map_err(|e| e.to_string())?
            .len(),
        7
    );
    Ok(())
}

#[wasm_bindgen_test]
async fn a_quota_error_aborts_the_whole_save_and_says_so() -> TestResult {
    let storage = open("quota").await?;
    // The browser refuses to store the outbox entry, after the document was put in the same
    // transaction: nothing of the save may remain.
    let inject = js_sys::Function::new_no_args(
        "window.__carnetAdd = IDBObjectStore.prototype.add;
         IDBObjectStore.prototype.add = function () {
           throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
         };",
    );
    let restore =
        js_sys::Function::new_no_args("IDBObjectStore.prototype.add = window.__carnetAdd;");
    let mut document = account("Quincaillerie Petit", "Brest")?;
    inject
        .call0(&wasm_bindgen::JsValue::NULL)
        .map_err(|e| format!("{e:?}"))?;
    let refused = storage.save_account(&mut document, &[]).await;
    restore
        .call0(&wasm_bindgen::JsValue::NULL)
        .map_err(|e| format!("{e:?}"))?;
    assert_eq!(refused, Err(StorageError::QuotaExceeded));
    assert!(refused
        .err()
        .is_some_and(|error| error.to_string().contains("storage is full")));
    assert!(storage
        .load_account(document.id())
        .await
        .map_err(|e| e.to_string())?
        .is_none());
    assert!(storage
        .account_rows()
        .await
        .map_err(|e| e.to_string())?
        .is_empty());
    assert!(storage
        .outbox()
        .await
        .map_err(|e| e.to_string())?
        .is_empty());
    // Once there is room again the same save goes through.
    storage
        .save_account(&mut document, &[])
        .await
        .map_err(|e| e.to_string())?;
    assert_eq!(storage.outbox().await.map_err(|e| e.to_string())?.len(), 1);
    Ok(())
}

#[wasm_bindgen_test]
async fn the_session_is_kept_and_signing_out_wipes_everything() -> TestResult {
    let storage = open("wipe").await?;
    let session = Session {
        access_token: "a".repeat(43),
        refresh_token: "r".repeat(43),
        device_id: shared::ids::DeviceId::generate(),
        device_code: None,
        user: SessionUser {
            id: shared::ids::UserId::generate(),
            email: "manon@demo.carnet.test".to_owned(),
            name: "Manon Lefèvre".to_owned(),
        },
        workspace: SessionWorkspace {
            id: shared::ids::WorkspaceId::generate(),
            name: "Démo".to_owned(),
        },
    };
    storage
        .save_session(&session)
        .await
        .map_err(|e| e.to_string())?;
    assert_eq!(
        storage.session().await.map_err(|e| e.to_string())?,
        Some(session.clone())
    );
    // The ids are kept as the typed ids they were parsed into at sign-in.
    assert_eq!(session.editor().device, session.device_id);
    assert_eq!(session.editor().user, session.user.id);
    let mut document = account("Fleuriste Roy", "Pau")?;
    storage
        .save_account(&mut document, &[])
        .await
        .map_err(|e| e.to_string())?;
    storage
        .store_received(&[], Some(Seq(42)))
        .await
        .map_err(|e| e.to_string())?;
    storage.wipe().await.map_err(|e| e.to_string())?;
    assert_eq!(storage.session().await.map_err(|e| e.to_string())?, None);
    assert!(storage
        .account_rows()
        .await
        .map_err(|e| e.to_string())?
        .is_empty());
    assert!(storage
        .outbox()
        .await
        .map_err(|e| e.to_string())?
        .is_empty());
    assert_eq!(storage.cursor().await.map_err(|e| e.to_string())?, Seq(0));
    Ok(())
}

#[wasm_bindgen_test]
async fn a_version_two_database_gains_list_indexes_and_keeps_its_outbox() -> TestResult {
    use idb::{Factory, IndexParams, KeyPath, ObjectStoreParams, TransactionMode};
    use js_sys::{Object, Reflect, Uint8Array};
    use wasm_bindgen::JsValue;

    // The previous release's layout (version 2) and data: a document as bare bytes, its row,
    // and one change waiting in the outbox.
    let name = fresh_name("v2");
    let mut stored = account("Pharmacie Centrale", "Metz")?;
    let row = stored.index_row();
    let change = stored.changes_since(&[])[0].clone();
    let factory = Factory::new().map_err(|e| e.to_string())?;
    let mut request = factory.open(&name, Some(2)).map_err(|e| e.to_string())?;
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
        let mut outbox = ObjectStoreParams::new();
        outbox.auto_increment(true);
        let _ = database.create_object_store("outbox", outbox);
    });
    let version_two = request.await.map_err(|e| e.to_string())?;
    let transaction = version_two
        .transaction(
            &["documents", "account_index", "outbox"],
            TransactionMode::ReadWrite,
        )
        .map_err(|e| e.to_string())?;
    let put = |store: &str, value: &JsValue, key: Option<&JsValue>| {
        transaction
            .object_store(store)
            .and_then(|store| store.put(value, key))
            .map_err(|e| e.to_string())
    };
    put(
        "documents",
        &Uint8Array::from(stored.save().as_slice()).into(),
        Some(&JsValue::from(row.id.as_str())),
    )?
    .await
    .map_err(|e| e.to_string())?;
    put(
        "account_index",
        &serde_wasm_bindgen::to_value(&row).map_err(|e| e.to_string())?,
        None,
    )?
    .await
    .map_err(|e| e.to_string())?;
    let entry = Object::new();
    Reflect::set(&entry, &"document".into(), &row.id.as_str().into())
        .map_err(|e| format!("{e:?}"))?;
    Reflect::set(
        &entry,
        &"bytes".into(),
        &Uint8Array::from(change.as_slice()).into(),
    )
    .map_err(|e| format!("{e:?}"))?;
    put("outbox", &entry.into(), None)?
        .await
        .map_err(|e| e.to_string())?;
    transaction
        .commit()
        .map_err(|e| e.to_string())?
        .await
        .map_err(|e| e.to_string())?;
    version_two.close();

    let upgraded = Storage::open_named(&name)
        .await
        .map_err(|e| e.to_string())?;
    let rows = upgraded.account_rows().await.map_err(|e| e.to_string())?;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].name, "Pharmacie Centrale");
    let outbox = upgraded.outbox().await.map_err(|e| e.to_string())?;
    assert_eq!(
        outbox.len(),
        1,
        "the waiting change is neither lost nor queued twice"
    );
    assert_eq!(outbox[0].change.bytes, change);
    // The old bare-bytes document still loads, and still saves (now as snapshot + chunks).
    let mut loaded = upgraded
        .load_account(stored.id())
        .await
        .map_err(|e| e.to_string())?
        .ok_or("the version-2 document is missing")?;
    let known = loaded.heads();
    loaded
        .update(&Edit::anonymous(5), "rename", |record| {
            record.name = "Pharmacie Centrale de Metz".into();
        })
        .map_err(|e| e.to_string())?;
    upgraded
        .save_account(&mut loaded, &known)
        .await
        .map_err(|e| e.to_string())?;
    upgraded.close();
    // The indexes the lists read exist, those nothing reads are gone (version 7).
    let raw = Factory::new()
        .map_err(|e| e.to_string())?
        .open(&name, None)
        .map_err(|e| e.to_string())?
        .await
        .map_err(|e| e.to_string())?;
    let transaction = raw
        .transaction(
            &["account_index", "contact_index", "deal_index"],
            TransactionMode::ReadOnly,
        )
        .map_err(|e| e.to_string())?;
    let accounts = transaction
        .object_store("account_index")
        .map_err(|e| e.to_string())?;
    for index in ["by_sort_name", "by_last_activity", "by_next_task_due"] {
        accounts.index(index).map_err(|e| format!("{index}: {e}"))?;
    }
    let mut left = accounts.index_names();
    left.sort();
    assert_eq!(
        left,
        ["by_last_activity", "by_next_task_due", "by_sort_name"],
        "the indexes nothing reads are dropped"
    );
    let by_sort_name = accounts
        .index("by_sort_name")
        .map_err(|e| e.to_string())?
        .get_all(None, None)
        .map_err(|e| e.to_string())?
        .await
        .map_err(|e| e.to_string())?;
    assert_eq!(
        by_sort_name.len(),
        1,
        "the upgraded row is in the kept index"
    );
    raw.close();
    Ok(())
}
