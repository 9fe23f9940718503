//! What a record page shows beside its record, read from index rows (never documents, except
//! the workspace settings): an account's contacts and deals, the names of linked accounts, and
//! the workspace settings (pipeline stages, currency). Each is read again when the workspace
//! service reports its topic stale (the account's related lists, the account rows, the settings
//! document).

use std::rc::Rc;

use shared::ids::{AccountId, WorkspaceId};
use shared::index::{ContactIndexRow, DealIndexRow};
use shared::settings::Settings;
use yew::prelude::*;

use crate::hooks::{use_storage, use_sync, SessionState, StorageState, SyncHandle};
use crate::workspace::{use_topic, ListKind, RecordRef, Topic};

/// An account's contacts and deals.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AccountRelations {
    /// Whether the rows were read.
    pub loaded: bool,
    /// Its contacts, by name.
    pub contacts: Rc<Vec<ContactIndexRow>>,
    /// Its deals, by title.
    pub deals: Rc<Vec<DealIndexRow>>,
}

/// A linked account's id and, when this device holds it, its name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccountName {
    /// The account's id.
    pub id: String,
    /// Its name (`None`: not on this device).
    pub name: Option<String>,
}

/// The contacts and deals of `account`.
#[hook]
pub fn use_account_relations(account: AccountId) -> AccountRelations {
    let relations = use_state(AccountRelations::default);
    let storage = use_open_storage();
    let revision = use_topic(Topic::Related(account));
    {
        let relations = relations.clone();
        use_effect_with(
            (account, storage, revision),
            move |(account, storage, _)| {
                if let Some(storage) = storage.clone() {
                    let account = *account;
                    wasm_bindgen_futures::spawn_local(async move {
                        let contacts = storage.contact_rows_of(account).await;
                        let deals = storage.deal_rows_of(account).await;
                        let mut contacts = contacts.unwrap_or_default();
                        contacts.sort_by(|a, b| a.sort_name.cmp(&b.sort_name));
                        let mut deals = deals.unwrap_or_default();
                        deals.sort_by(|a, b| a.title.cmp(&b.title));
                        relations.set(AccountRelations {
                            loaded: true,
                            contacts: Rc::new(contacts),
                            deals: Rc::new(deals),
                        });
                    });
                }
            },
        );
    }
    (*relations).clone()
}

/// The names of the accounts `ids`, in the same order.
#[hook]
pub fn use_account_names(ids: Vec<String>) -> Rc<Vec<AccountName>> {
    let names = use_state(|| Rc::new(Vec::<AccountName>::new()));
    let storage = use_open_storage();
    // Names are read from account rows.
    let revision = use_topic(Topic::List(ListKind::Accounts));
    {
        let names = names.clone();
        use_effect_with((ids, storage, revision), move |(ids, storage, _)| {
            if let Some(storage) = storage.clone() {
                let ids = ids.clone();
                wasm_bindgen_futures::spawn_local(async move {
                    let mut found = Vec::with_capacity(ids.len());
                    for id in ids {
                        let name = match id.parse::<AccountId>() {
                            Ok(account) => storage
                                .account_row(account)
                                .await
                                .ok()
                                .flatten()
                                .map(|row| row.name),
                            Err(_) => None,
                        };
                        found.push(AccountName { id, name });
                    }
                    names.set(Rc::new(found));
                });
            }
        });
    }
    (*names).clone()
}

/// The signed-in workspace's settings, when this device holds them.
#[hook]
pub fn use_workspace_settings() -> Option<Rc<Settings>> {
    let settings = use_state(|| None::<Rc<Settings>>);
    // Read again only when the settings document itself changes (never on a record's save).
    let sync = use_sync();
    let service = sync.as_ref().and_then(SyncHandle::workspace);
    let workspace = sync.as_ref().and_then(|sync| match sync.session() {
        SessionState::SignedIn(session) => Some(session.workspace.id),
        _ => None,
    });
    let revision = use_topic(Topic::Record(RecordRef::Settings(
        workspace.unwrap_or(WorkspaceId::from_bytes([0; 16])),
    )));
    {
        let settings = settings.clone();
        use_effect_with(
            (workspace, service, revision),
            move |(workspace, service, _)| {
                if let (Some(workspace), Some(service)) = (*workspace, service.clone()) {
                    wasm_bindgen_futures::spawn_local(async move {
                        if let Ok(Some(record)) = service.read_record::<Settings>(workspace).await {
                            settings.set(Some(Rc::new(record)));
                        }
                    });
                }
            },
        );
    }
    (*settings).clone()
}

/// The open database, when ready.
#[hook]
fn use_open_storage() -> Option<Rc<crate::storage::Storage>> {
    match use_storage() {
        StorageState::Ready(storage) => Some(storage),
        _ => None,
    }
}
