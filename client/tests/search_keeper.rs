//! The worker's search index against Chromium's real IndexedDB (run by
//! `wasm-bindgen-test-runner`): built once from the rows and saved, kept current from the journal
//! of rows written since, and loaded from its saved copy on the next visit without reading the
//! rows again.
#![cfg(target_arch = "wasm32")]

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use client::bridge::{Found, Ticket};
use client::state::problem::Problem;
use client::storage::Storage;
use client::workspace::search_index::SearchKeeper;
use shared::ids::AccountId;
use shared::index::AccountIndexRow;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

// This file uses only the accounts of the fixtures.
#[allow(dead_code)]
mod fixtures;

use fixtures::account;

wasm_bindgen_test_configure!(run_in_browser);

type Answers = Rc<RefCell<Vec<(Ticket, Result<Found, Problem>)>>>;

/// A keeper over `storage`, the answers it gives, and how many times its index changed.
fn keeper(storage: &Rc<Storage>) -> (SearchKeeper, Answers, Rc<Cell<u32>>) {
    let answers: Answers = Rc::default();
    let changes = Rc::new(Cell::new(0));
    let keeper = SearchKeeper::start(
        Rc::clone(storage),
        Box::new({
            let answers = Rc::clone(&answers);
            move |ticket, found| answers.borrow_mut().push((ticket, found))
        }),
        {
            let changes = Rc::clone(&changes);
            move || changes.set(changes.get() + 1)
        },
    );
    (keeper, answers, changes)
}

async fn sleep(ms: u32) {
    gloo::timers::future::TimeoutFuture::new(ms).await;
}

/// Asks `query` and waits (at most 20 s) for the titles found and the number of records.
async fn titles(
    keeper: &SearchKeeper,
    answers: &Answers,
    ticket: u64,
    query: &str,
) -> Result<(Vec<String>, usize), String> {
    keeper.query(Ticket(ticket), query.to_owned(), 20);
    for _ in 0..400 {
        let answer = answers
            .borrow()
            .iter()
            .find(|(asked, _)| *asked == Ticket(ticket))
            .map(|(_, found)| found.clone());
        if let Some(found) = answer {
            let found = found.map_err(|problem| format!("{problem:?}"))?;
            let mut titles: Vec<String> = found.hits.into_iter().map(|hit| hit.title).collect();
            titles.sort();
            return Ok((titles, found.records));
        }
        sleep(50).await;
    }
    Err(format!("no answer to {query:?}"))
}

/// Waits (at most 20 s) until `changes` moves past `seen`.
async fn changed_after(changes: &Cell<u32>, seen: u32) -> Result<(), String> {
    for _ in 0..400 {
        if changes.get() > seen {
            return Ok(());
        }
        sleep(50).await;
    }
    Err("the index never changed".to_owned())
}

async fn save(storage: &Storage, name: &str, city: &str) -> Result<(), String> {
    let mut document = account(name, city)?;
    storage
        .save_account(&mut document, &[])
        .await
        .map(drop)
        .map_err(|e| e.to_string())
}

/// Writes an account row straight into the index store, behind the journal's back.
async fn put_row_unjournaled(database: &str, row: &AccountIndexRow) -> Result<(), String> {
    let factory = idb::Factory::new().map_err(|e| e.to_string())?;
    let connection = factory
        .open(database, None)
        .map_err(|e| e.to_string())?
        .await
        .map_err(|e| e.to_string())?;
    let transaction = connection
        .transaction(&["account_index"], idb::TransactionMode::ReadWrite)
        .map_err(|e| e.to_string())?;
    let value = serde_wasm_bindgen::to_value(row).map_err(|e| e.to_string())?;
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
    connection.close();
    Ok(())
}

#[wasm_bindgen_test]
async fn the_index_is_saved_kept_current_from_the_journal_and_loaded_again_without_reading_rows(
) -> Result<(), String> {
    let database = format!("carnet-test-search-{}", AccountId::generate());
    let storage = Rc::new(
        Storage::open_named(&database)
            .await
            .map_err(|e| e.to_string())?,
    );
    save(&storage, "Boulangerie Élevé", "Lyon").await?;
    save(&storage, "Garage du Port", "Marseille").await?;

    // First visit: no saved copy, so the index is built from the rows, then saved.
    let (first, first_answers, first_changes) = keeper(&storage);
    let (found, records) = titles(&first, &first_answers, 1, "boul").await?;
    assert_eq!(found, vec!["Boulangerie Élevé"]);
    assert_eq!(records, 2);
    let mut saved = None;
    for _ in 0..200 {
        saved = storage
            .saved_search_index()
            .await
            .map_err(|e| e.to_string())?;
        if saved.is_some() {
            break;
        }
        sleep(50).await;
    }
    let saved = saved.ok_or("the built index was never saved")?;
    let journal = storage
        .search_journal_after(0.0, 100)
        .await
        .map_err(|e| e.to_string())?;
    assert!(
        journal.entries.is_empty(),
        "saving trims the entries it covers: {journal:?}"
    );
    assert_eq!(journal.saved_through, saved.through);

    // A save reaches the index through the journal, without a rebuild.
    let seen = first_changes.get();
    save(&storage, "Boulangerie Neuve", "Lyon").await?;
    first.stale();
    changed_after(&first_changes, seen).await?;
    let (found, records) = titles(&first, &first_answers, 2, "boul").await?;
    assert_eq!(found, vec!["Boulangerie Neuve", "Boulangerie Élevé"]);
    assert_eq!(records, 3);

    // A row written behind the journal's back: a keeper that read the rows would find it.
    let ghost = AccountIndexRow {
        id: AccountId::generate().to_string(),
        name: "Boulangerie Fantôme".to_owned(),
        sort_name: "boulangerie fantome".to_owned(),
        ..AccountIndexRow::default()
    };
    put_row_unjournaled(&database, &ghost).await?;

    // Next visit: the saved copy answers at once, then the journal since is applied (the
    // first save may not cover the new account yet); the rows are never read again.
    let (second, second_answers, second_changes) = keeper(&storage);
    let mut ticket = 3;
    loop {
        let (found, records) = titles(&second, &second_answers, ticket, "boul").await?;
        assert!(
            !found.iter().any(|title| title.contains("Fantôme")),
            "the rows were read: {found:?}"
        );
        if found == ["Boulangerie Neuve", "Boulangerie Élevé"] {
            assert_eq!(records, 3);
            break;
        }
        assert!(ticket < 400, "the journal was never applied: {found:?}");
        ticket += 1;
        sleep(50).await;
    }

    // Sign-out wipes the rows: the journal says so, and the index empties.
    let seen = second_changes.get();
    storage.wipe().await.map_err(|e| e.to_string())?;
    second.stale();
    changed_after(&second_changes, seen).await?;
    let (found, records) = titles(&second, &second_answers, 1_000, "boul").await?;
    assert!(found.is_empty(), "{found:?}");
    assert_eq!(records, 0);
    Ok(())
}

#[wasm_bindgen_test]
async fn a_damaged_saved_copy_is_rebuilt_from_the_rows() -> Result<(), String> {
    let database = format!("carnet-test-search-damaged-{}", AccountId::generate());
    let storage = Rc::new(
        Storage::open_named(&database)
            .await
            .map_err(|e| e.to_string())?,
    );
    save(&storage, "Boulangerie Élevé", "Lyon").await?;
    let saved = storage
        .save_search_index(1.0e9, b"CSI1 not an index")
        .await
        .map_err(|e| e.to_string())?;
    assert!(saved);
    let (keeper, answers, _) = keeper(&storage);
    let (found, records) = titles(&keeper, &answers, 1, "eleve").await?;
    assert_eq!(found, vec!["Boulangerie Élevé"]);
    assert_eq!(records, 1);
    Ok(())
}
