//! The workspace service through its worker bridge, in Chromium (run by
//! `wasm-bindgen-test-runner`): a real dedicated worker running this test module serves the
//! page's service against Chromium's real IndexedDB. Commands and subscriptions round-trip,
//! saves land in order, and a worker that dies (terminated behind the bridge's back, or failing
//! as it starts) is replaced without losing or doubling a queued save.
#![cfg(target_arch = "wasm32")]

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Duration;

use client::bridge::page::{Liveness, Spawn};
use client::state::sync_status::Connection;
use client::storage::Storage;
use client::workspace::machine::{Event, TabNews};
use client::workspace::service::{Outgoing, WorkspaceService};
use client::workspace::{ListKind, RecordRef, Topic};
use futures::future::{join_all, select, Either};
use shared::account::{AccountDocument, AccountDraft};
use shared::edit::Edit;
use shared::ids::AccountId;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::{Blob, BlobPropertyBag, Url, Worker, WorkerOptions, WorkerType};

wasm_bindgen_test_configure!(run_in_browser);

/// What the test workers run: the real worker side of the bridge, from this test module.
#[wasm_bindgen]
pub fn carnet_test_worker() {
    client::bridge::worker::serve();
}

/// A module worker from `source` (a blob: the runner's page has no file to point at).
fn worker_from(source: &str) -> Result<Worker, JsValue> {
    let parts = js_sys::Array::of1(&JsValue::from_str(source));
    let kind = BlobPropertyBag::new();
    kind.set_type("text/javascript");
    let blob = Blob::new_with_str_sequence_and_options(&parts, &kind)?;
    let url = Url::create_object_url_with_blob(&blob)?;
    let options = WorkerOptions::new();
    options.set_type(WorkerType::Module);
    Worker::new_with_options(&url, &options)
}

/// Starts a worker running this test module's [`carnet_test_worker`].
fn test_worker() -> Result<Worker, JsValue> {
    let origin = web_sys::window().ok_or("no window")?.location().origin()?;
    worker_from(&format!(
        "import init, {{ carnet_test_worker }} from '{origin}/wasm-bindgen-test.js';\n\
         await init({{ module_or_path: '{origin}/wasm-bindgen-test_bg.wasm' }});\n\
         carnet_test_worker();\n"
    ))
}

/// A liveness quick enough for a test to see a silent worker replaced.
const QUICK: Liveness = Liveness {
    every: Duration::from_millis(100),
    missed: 3,
};

/// A counter a subscription bumps.
fn counter() -> (Rc<Cell<u32>>, impl Fn() + 'static) {
    let count = Rc::new(Cell::new(0));
    let bump = {
        let count = Rc::clone(&count);
        move || count.set(count.get() + 1)
    };
    (count, bump)
}

fn database() -> String {
    format!("carnet-test-worker-{}", AccountId::generate())
}

/// `account` renamed `count` times, each rename one save's changes.
fn renames(account: &mut AccountDocument, count: usize) -> Result<Vec<Vec<Vec<u8>>>, String> {
    let mut saves = Vec::with_capacity(count);
    for number in 0..count {
        let before = account.heads();
        account
            .update(&Edit::anonymous(1_700_000_001), "rename", |record| {
                record.name = format!("Boulangerie n°{number}");
            })
            .map_err(|e| e.to_string())?;
        saves.push(account.changes_since(&before));
    }
    Ok(saves)
}

fn new_account(id: AccountId) -> Result<AccountDocument, String> {
    let draft = AccountDraft {
        name: "Boulangerie Élevé".to_owned(),
        city: "Lyon".to_owned(),
        postcode: String::new(),
    };
    AccountDocument::create(id, &draft, 1_700_000_000).map_err(|e| e.to_string())
}

/// Opens the test's database as the page does and reads account `id` back.
async fn read_back(
    name: &str,
    id: AccountId,
) -> Result<(Storage, Option<AccountDocument>), String> {
    let storage = Storage::open_named(name).await.map_err(|e| e.to_string())?;
    let account = storage.load_account(id).await.map_err(|e| e.to_string())?;
    Ok((storage, account))
}

/// Waits for `future`, at most `seconds`.
async fn within<T>(
    seconds: u32,
    future: impl std::future::Future<Output = T>,
) -> Result<T, String> {
    let limit = gloo::timers::future::TimeoutFuture::new(seconds * 1000);
    match select(Box::pin(future), limit).await {
        Either::Left((value, _)) => Ok(value),
        Either::Right(((), _)) => Err(format!("nothing within {seconds} s")),
    }
}

#[wasm_bindgen_test]
async fn saves_through_the_worker_land_in_order_reach_only_the_record_and_its_list_and_the_leaders_sync_engine(
) -> Result<(), String> {
    let name = database();
    let spawn: Spawn = Rc::new(test_worker);
    let service = WorkspaceService::start(&name, spawn, Liveness::default());
    let outgoing: Rc<RefCell<Vec<Outgoing>>> = Rc::default();
    service.connect(Box::new({
        let outgoing = Rc::clone(&outgoing);
        move |message| outgoing.borrow_mut().push(message)
    }));
    service.event(Event::Elected);

    let id = AccountId::generate();
    let record = RecordRef::Account(id);
    let (record_stale, on_record) = counter();
    let (accounts_stale, on_accounts) = counter();
    let (contacts_stale, on_contacts) = counter();
    let _record = service.subscribe(Topic::Record(record), on_record);
    let _accounts = service.subscribe(Topic::List(ListKind::Accounts), on_accounts);
    let _contacts = service.subscribe(Topic::List(ListKind::Contacts), on_contacts);

    let mut account = new_account(id)?;
    let created = account.changes_since(&[]);
    let [first, second] =
        <[Vec<Vec<u8>>; 2]>::try_from(renames(&mut account, 2)?).map_err(|_| "two renames")?;
    let changes = created.len() + first.len() + second.len();
    // Three saves asked for at once: the worker's queue stores them one after the other.
    let (created, first, second) = within(
        20,
        futures::future::join3(
            service.save(record, created),
            service.save(record, first),
            service.save(record, second),
        ),
    )
    .await?;
    created.map_err(|problem| problem.id)?;
    first.map_err(|problem| problem.id)?;
    second.map_err(|problem| problem.id)?;

    let (storage, stored) = read_back(&name, id).await?;
    let stored = stored.ok_or("the account was not stored")?;
    assert_eq!(stored.name(), "Boulangerie n°1");
    assert_eq!(
        storage.outbox().await.map_err(|e| e.to_string())?.len(),
        changes
    );
    // The worker's reports cross the bridge after its answers: wait for them, bounded.
    within(10, async {
        while record_stale.get() == 0 || accounts_stale.get() == 0 {
            gloo::timers::future::TimeoutFuture::new(20).await;
        }
    })
    .await?;
    assert_eq!(contacts_stale.get(), 0, "no contact changed");
    // This tab leads, so its worker runs the sync engine: told the outbox grew, it counts the
    // pending changes (nobody is signed in on this database, so nothing is pushed).
    let counted = |outgoing: &[Outgoing]| {
        outgoing.iter().any(|message| {
            matches!(message, Outgoing::SyncStatus(status)
                if status.pending == changes && status.connection == Connection::SignedOut)
        })
    };
    within(10, async {
        while !counted(&outgoing.borrow()) {
            gloo::timers::future::TimeoutFuture::new(20).await;
        }
    })
    .await?;
    {
        let outgoing = outgoing.borrow();
        assert!(outgoing.iter().any(|message| matches!(
            message,
            Outgoing::TellTabs(TabNews::Saved(stored)) if stored.iter().any(|s| s.record == record)
        )));
    }
    assert_eq!(service.restarts(), 0);
    storage.close();
    Ok(())
}

#[wasm_bindgen_test]
async fn a_worker_killed_with_saves_in_flight_is_replaced_and_every_save_is_stored_once(
) -> Result<(), String> {
    let name = database();
    let service = WorkspaceService::start(&name, Rc::new(test_worker), QUICK);
    let id = AccountId::generate();
    let record = RecordRef::Account(id);
    let (record_stale, on_record) = counter();
    let _record = service.subscribe(Topic::Record(record), on_record);
    let mut account = new_account(id)?;
    let created = account.changes_since(&[]);
    within(20, service.save(record, created))
        .await?
        .map_err(|problem| problem.id)?;
    let saves = renames(&mut account, 20)?;
    let total = 1 + saves.iter().map(Vec::len).sum::<usize>();
    let bridge = service.bridge().ok_or("no bridge")?;
    let dying = bridge.worker().ok_or("no worker")?;
    let mut pending = saves
        .into_iter()
        .map(|changes| service.save(record, changes));
    let first = pending.next().ok_or("no save")?;
    // Killed the way a browser kills a worker (no error, no goodbye) the moment it answered
    // the first save: it has taken the others in and may be storing them, unanswered.
    let first_then_kill = async move {
        let outcome = first.await;
        dying.terminate();
        outcome
    };
    let (first, outcomes) = within(
        30,
        futures::future::join(first_then_kill, join_all(pending.collect::<Vec<_>>())),
    )
    .await?;
    first.map_err(|problem| problem.id)?;
    for outcome in outcomes {
        outcome.map_err(|problem| problem.id)?;
    }
    assert_eq!(service.restarts(), 1, "the silent worker was replaced once");
    assert_eq!(bridge.waiting(), 0);

    let (storage, stored) = read_back(&name, id).await?;
    let stored = stored.ok_or("the account was not stored")?;
    assert_eq!(stored.name(), "Boulangerie n°19", "the last rename won");
    assert_eq!(
        storage.outbox().await.map_err(|e| e.to_string())?.len(),
        total,
        "each change queued for the relay exactly once"
    );
    assert!(record_stale.get() >= 1);
    storage.close();
    Ok(())
}

#[wasm_bindgen_test]
async fn a_worker_that_cannot_start_or_fails_as_it_starts_is_replaced_and_the_save_asked_meanwhile_is_stored(
) -> Result<(), String> {
    let name = database();
    let started = Rc::new(Cell::new(0u32));
    let spawn: Spawn = Rc::new({
        let started = Rc::clone(&started);
        move || {
            started.set(started.get() + 1);
            match started.get() {
                // The browser refuses to create it (`new Worker` throws)…
                1 => Err(JsValue::from_str("no worker today")),
                // …then its script throws as it starts…
                2 => worker_from("throw new Error('a worker that breaks as it starts');"),
                _ => test_worker(),
            }
        }
    });
    let service = WorkspaceService::start(&name, spawn, QUICK);
    let id = AccountId::generate();
    let mut account = new_account(id)?;
    within(
        20,
        service.save(RecordRef::Account(id), account.changes_since(&[])),
    )
    .await?
    .map_err(|problem| problem.id)?;
    assert_eq!(started.get(), 3);
    assert_eq!(service.restarts(), 2);
    let (storage, stored) = read_back(&name, id).await?;
    assert!(stored.is_some());
    storage.close();
    Ok(())
}

#[wasm_bindgen_test]
async fn search_is_answered_by_the_workers_index_and_finds_a_saved_account_once_rebuilt(
) -> Result<(), String> {
    let name = database();
    let service = WorkspaceService::start(&name, Rc::new(test_worker), Liveness::default());
    let (rebuilt, on_rebuilt) = counter();
    let _search = service.subscribe(Topic::Search, on_rebuilt);
    // Asked before the first build ends: answered when it does, over an empty device.
    let empty = within(20, service.search("élevé".to_owned(), 10))
        .await?
        .map_err(|problem| problem.id)?;
    assert!(empty.hits.is_empty());
    assert_eq!(empty.records, 0);

    let id = AccountId::generate();
    let mut account = new_account(id)?;
    within(
        20,
        service.save(RecordRef::Account(id), account.changes_since(&[])),
    )
    .await?
    .map_err(|problem| problem.id)?;
    // The save reaches the accounts' list; the worker rebuilds and says so (the report of the
    // first build may arrive after its answer: ask again after each report until one counts
    // the account, bounded).
    let found = within(20, async {
        loop {
            let seen = rebuilt.get();
            let found = service.search("eleve lyon".to_owned(), 10).await;
            if !matches!(&found, Ok(found) if found.records == 0) {
                return found;
            }
            while rebuilt.get() == seen {
                gloo::timers::future::TimeoutFuture::new(20).await;
            }
        }
    })
    .await?
    .map_err(|problem| problem.id)?;
    assert_eq!(found.records, 1);
    assert_eq!(
        found
            .hits
            .iter()
            .map(|hit| hit.id.clone())
            .collect::<Vec<_>>(),
        vec![id.to_string()],
        "accent-insensitive prefix search finds the saved account"
    );
    Ok(())
}

/// An edit by nobody at a fixed time (the tests sign nobody in).
const NOBODY: Edit = Edit {
    editor: None,
    time: 1_700_000_100,
};

#[wasm_bindgen_test]
async fn a_page_edit_made_on_a_stale_copy_keeps_the_change_a_colleague_synced_meanwhile(
) -> Result<(), String> {
    use client::bridge::{Answer, Query};
    use client::workspace::record::RecordEdit;
    use shared::account::Account;

    let name = database();
    let service = WorkspaceService::start(&name, Rc::new(test_worker), Liveness::default());
    let id = AccountId::generate();
    let created = Account::from_draft(&AccountDraft {
        name: "Boulangerie Élevé".to_owned(),
        city: "Lyon".to_owned(),
        postcode: String::new(),
    })
    .map_err(|e| e.to_string())?;
    within(20, service.create_record(id, NOBODY, created))
        .await?
        .map_err(|problem| problem.id)?;
    // What the page shows: the record as the worker read it.
    let shown = within(20, service.read_record::<Account>(id))
        .await?
        .map_err(|problem| problem.id)?
        .ok_or("the created account is not readable")?;
    assert_eq!(shown.name, "Boulangerie Élevé");

    // A colleague's change arrives from sync (stored directly, as the sync engine does).
    let storage = Storage::open_named(&name)
        .await
        .map_err(|e| e.to_string())?;
    let mut colleague = storage
        .load_account(id)
        .await
        .map_err(|e| e.to_string())?
        .ok_or("the account is not stored")?;
    let before = colleague.heads();
    colleague
        .update(&Edit::anonymous(1_700_000_200), "industry", |account| {
            account.industry = Some("Boulangerie".to_owned());
        })
        .map_err(|e| e.to_string())?;
    storage
        .save_changes::<Account>(id, colleague.changes_since(&before))
        .await
        .map_err(|e| e.to_string())?;
    // What a page hears when another tab's sync stored records.
    service.event(Event::ChangedElsewhere);

    // The page renames from the copy it was shown, which has no industry yet.
    let mut edited = shown.clone();
    edited.name = "Boulangerie du Parc".to_owned();
    let patch = shared::record_patch::diff(&shown, &edited).map_err(|e| e.to_string())?;
    within(
        20,
        service.edit(
            RecordRef::Account(id),
            Edit::anonymous(1_700_000_300),
            RecordEdit::Patch {
                message: "rename".to_owned(),
                patch,
            },
        ),
    )
    .await?
    .map_err(|problem| problem.id)?;

    let (storage, stored) = read_back(&name, id).await?;
    let stored = stored
        .ok_or("the account is gone")?
        .record()
        .map_err(|e| e.to_string())?;
    assert_eq!(
        stored.name, "Boulangerie du Parc",
        "the page's change is stored"
    );
    assert_eq!(
        stored.industry.as_deref(),
        Some("Boulangerie"),
        "the colleague's change is not reverted by the page's stale copy"
    );

    // History, computed in the worker: the rename's row changed the name, and restoring the
    // name as of the creation brings it back as a new change.
    let Answer::History(history) =
        within(20, service.ask(Query::History(RecordRef::Account(id)))).await?
    else {
        return Err("not a history".into());
    };
    let history = history.map_err(|problem| problem.id)?;
    assert_eq!(history.changes.len(), 3, "created, industry, rename");
    let rename = history
        .rows
        .iter()
        .find(|row| row.fields == vec!["name".to_owned()])
        .ok_or("no rename row")?;
    let Answer::HistoryDetail(detail) = within(
        20,
        service.ask(Query::HistoryDetail {
            record: RecordRef::Account(id),
            before: rename
                .before
                .and_then(|index| history.changes.get(index).copied()),
            after: *history.changes.get(rename.last).ok_or("no change")?,
            last: rename.last,
        }),
    )
    .await?
    else {
        return Err("not a detail".into());
    };
    let detail = detail.map_err(|problem| problem.id)?.ok_or("no detail")?;
    assert_eq!(detail.differences.len(), 1);
    assert_eq!(detail.differences[0].path.top(), Some("name"));
    let creation = *history.changes.first().ok_or("no creation")?;
    within(
        20,
        service.edit(
            RecordRef::Account(id),
            Edit::anonymous(1_700_000_400),
            RecordEdit::Restore {
                path: shared::field::FieldPath::new(["name"]),
                at: creation,
            },
        ),
    )
    .await?
    .map_err(|problem| problem.id)?;
    let restored = within(20, service.read_record::<Account>(id))
        .await?
        .map_err(|problem| problem.id)?
        .ok_or("gone")?;
    assert_eq!(restored.name, "Boulangerie Élevé");
    assert_eq!(restored.industry.as_deref(), Some("Boulangerie"));
    storage.close();
    Ok(())
}

#[wasm_bindgen_test]
async fn an_export_is_built_in_the_worker_and_a_cancelled_import_stores_nothing(
) -> Result<(), String> {
    use client::state::file_bytes::FileBytes;
    use client::transfer::review::ImportReview;
    use client::transfer::wizard::{ImportChoice, Step};
    use client::workspace::import_session::ImportCommand;
    use client::workspace::transfer_job::{TransferDone, TransferJob};
    use shared::transfer::{Delimiter, Entity};

    let name = database();
    let service = WorkspaceService::start(&name, Rc::new(test_worker), Liveness::default());
    for number in 0..3 {
        let account = shared::account::Account::named(&format!("Fromagerie n°{number}"));
        within(
            20,
            service.create_record(AccountId::generate(), NOBODY, account),
        )
        .await?
        .map_err(|problem| problem.id)?;
    }
    let exported = service.transfer(
        TransferJob::ExportCsv {
            entity: Entity::Account,
            delimiter: Delimiter::Semicolon,
        },
        |_, _| {},
    );
    let TransferDone::File { bytes, count, .. } =
        within(20, exported).await?.map_err(|problem| problem.id)?
    else {
        return Err("the export made no file".into());
    };
    assert_eq!(count, 3);
    let text = String::from_utf8(bytes.0).map_err(|e| e.to_string())?;
    assert!(text.contains("Fromagerie n°2"), "{text}");

    // An import of many records through the import page's commands, cancelled as soon as the
    // worker reports records written in its open transaction.
    let mut file = String::from("Nom;Ville\n");
    for number in 0..2_000 {
        file.push_str(&format!("Import n°{number};Nantes\n"));
    }
    let last: Rc<RefCell<Option<ImportReview>>> = Rc::new(RefCell::new(None));
    service.follow_import(Some(Rc::new({
        let last = Rc::clone(&last);
        move |review| {
            if let Ok(review) = review {
                *last.borrow_mut() = Some(review);
            }
        }
    })));
    let reached = |test: fn(&ImportReview) -> bool| {
        let last = Rc::clone(&last);
        async move {
            while !last.borrow().as_ref().is_some_and(test) {
                gloo::timers::future::TimeoutFuture::new(5).await;
            }
        }
    };
    service.import(ImportCommand::Begin { workspace: None });
    service.import(ImportCommand::Choose(ImportChoice::Open {
        name: "comptes.csv".to_owned(),
        bytes: FileBytes(file.into_bytes()),
    }));
    within(30, reached(|review| review.can_review)).await?;
    service.import(ImportCommand::Choose(ImportChoice::Review));
    within(30, reached(|review| review.step == Step::Summary)).await?;
    service.import(ImportCommand::Start {
        stamp: Edit::anonymous(1_700_000_500),
    });
    within(
        30,
        reached(|review| matches!(review.step, Step::Importing { done, .. } if done > 0)),
    )
    .await?;
    service.import(ImportCommand::Cancel);
    within(
        60,
        reached(|review| !matches!(review.step, Step::Importing { .. })),
    )
    .await?;
    let step = last.borrow().as_ref().map(|review| review.step.clone());
    assert_eq!(step, Some(Step::Cancelled));
    let storage = Storage::open_named(&name)
        .await
        .map_err(|e| e.to_string())?;
    assert_eq!(
        storage
            .account_rows()
            .await
            .map_err(|e| e.to_string())?
            .len(),
        3,
        "nothing of the cancelled import is stored"
    );
    storage.close();
    Ok(())
}

#[wasm_bindgen_test]
async fn an_open_record_purged_by_sync_reads_as_gone_and_its_set_aside_changes_can_be_discarded(
) -> Result<(), String> {
    use client::bridge::{Answer, Query};
    use client::team::quarantine::QuarantineFormat;
    use client::workspace::transfer_job::{TransferDone, TransferJob};
    use shared::account::Account;

    let name = database();
    let service = WorkspaceService::start(&name, Rc::new(test_worker), Liveness::default());
    let id = AccountId::generate();
    within(
        20,
        service.create_record(id, NOBODY, Account::named("Boulangerie Élevé")),
    )
    .await?
    .map_err(|problem| problem.id)?;
    // The record's page is open: the worker holds its document live.
    let shown = within(20, service.read_record::<Account>(id))
        .await?
        .map_err(|problem| problem.id)?;
    assert!(shown.is_some());

    // The account is reassigned: the leader's sync purges it (here through a second
    // connection, as another tab's worker would), and this tab hears that records changed.
    let storage = Storage::open_named(&name)
        .await
        .map_err(|e| e.to_string())?;
    let document = shared::protocol::DocumentId(uuid::Uuid::from_bytes(*id.as_bytes()));
    storage
        .purge(&[document], &[])
        .await
        .map_err(|e| e.to_string())?;
    service.event(Event::ChangedElsewhere);

    let read = within(20, service.read_record::<Account>(id))
        .await?
        .map_err(|problem| problem.id)?;
    assert!(
        read.is_none(),
        "the purged record is gone, not read from memory"
    );
    let Answer::Quarantine(Ok(records)) = within(20, service.ask(Query::Quarantine)).await? else {
        return Err("the set-aside changes were not listed".into());
    };
    assert_eq!(records.len(), 1);
    assert_eq!(records[0].title.as_deref(), Some("Boulangerie Élevé"));
    let changes = records[0].changes;
    assert!(changes > 0);
    let exported = service.transfer(
        TransferJob::ExportQuarantine(QuarantineFormat::Csv),
        |_, _| {},
    );
    let TransferDone::File { bytes, count, .. } =
        within(20, exported).await?.map_err(|problem| problem.id)?
    else {
        return Err("the export made no file".into());
    };
    assert_eq!(count, changes);
    let text = String::from_utf8(bytes.0).map_err(|e| e.to_string())?;
    assert!(text.contains(&document.0.to_string()), "{text}");

    let (unsynced_stale, on_unsynced) = counter();
    let _unsynced = service.subscribe(Topic::Unsynced, on_unsynced);
    let discarded = service.transfer(TransferJob::DiscardQuarantine, |_, _| {});
    let discarded = within(20, discarded).await?.map_err(|problem| problem.id)?;
    assert_eq!(discarded, TransferDone::Discarded(changes));
    within(10, async {
        while unsynced_stale.get() == 0 {
            gloo::timers::future::TimeoutFuture::new(20).await;
        }
    })
    .await?;
    let Answer::Quarantine(Ok(records)) = within(20, service.ask(Query::Quarantine)).await? else {
        return Err("the set-aside changes were not listed".into());
    };
    assert!(records.is_empty());
    storage.close();
    Ok(())
}
