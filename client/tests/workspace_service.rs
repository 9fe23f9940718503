//! The workspace service's effect runner against Chromium's real IndexedDB (run by
//! `wasm-bindgen-test-runner`): saves through the one queue land in storage in order, and reach
//! exactly the subscribers of what changed.
#![cfg(target_arch = "wasm32")]

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use client::storage::Storage;
use client::workspace::machine::{Event, TabNews};
use client::workspace::service::{Outgoing, WorkspaceService};
use client::workspace::{ListKind, RecordRef, Topic};
use shared::account::{AccountDocument, AccountDraft};
use shared::edit::Edit;
use shared::ids::AccountId;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

/// A counter a subscription bumps.
fn counter() -> (Rc<Cell<u32>>, impl Fn() + 'static) {
    let count = Rc::new(Cell::new(0));
    let bump = {
        let count = Rc::clone(&count);
        move || count.set(count.get() + 1)
    };
    (count, bump)
}

#[wasm_bindgen_test]
async fn saves_through_the_service_land_in_order_and_reach_only_the_record_and_its_list(
) -> Result<(), String> {
    let name = format!("carnet-test-service-{}", AccountId::generate());
    let storage = Storage::open_named(&name)
        .await
        .map_err(|e| e.to_string())?;
    let service = WorkspaceService::new(Rc::new(storage.clone()));
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

    let draft = AccountDraft {
        name: "Boulangerie Élevé".to_owned(),
        city: "Lyon".to_owned(),
    };
    let mut account =
        AccountDocument::create(id, &draft, 1_700_000_000).map_err(|e| e.to_string())?;
    let created = account.changes_since(&[]);
    let mut renames = Vec::new();
    for name in ["Boulangerie Bis", "Boulangerie Ter"] {
        let before = account.heads();
        account
            .update(&Edit::anonymous(1_700_000_001), "rename", |record| {
                record.name = name.to_owned();
            })
            .map_err(|e| e.to_string())?;
        renames.push(account.changes_since(&before));
    }
    let changes = created.len() + renames.iter().map(Vec::len).sum::<usize>();
    // Three saves asked for at once: the queue stores them one after the other, in order.
    let [first, second] = <[Vec<Vec<u8>>; 2]>::try_from(renames).map_err(|_| "two renames")?;
    let (created, first, second) = futures::join!(
        service.save(record, created),
        service.save(record, first),
        service.save(record, second),
    );
    created.map_err(|problem| problem.id)?;
    first.map_err(|problem| problem.id)?;
    second.map_err(|problem| problem.id)?;

    let stored = storage
        .load_account(id)
        .await
        .map_err(|e| e.to_string())?
        .ok_or("the account was not stored")?;
    assert_eq!(stored.name(), "Boulangerie Ter");
    assert_eq!(
        storage.outbox().await.map_err(|e| e.to_string())?.len(),
        changes
    );
    assert!(record_stale.get() >= 1);
    assert!(accounts_stale.get() >= 1);
    assert_eq!(contacts_stale.get(), 0, "no contact changed");
    let outgoing = outgoing.borrow();
    assert!(outgoing.contains(&Outgoing::OutboxGrew));
    assert!(outgoing
        .iter()
        .any(|message| matches!(message, Outgoing::TellTabs(TabNews::Saved(stored)) if stored.iter().any(|s| s.record == record))));
    storage.close();
    Ok(())
}
