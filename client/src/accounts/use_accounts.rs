//! The accounts list and the "create an account" intent, backed by the device's storage: a new
//! account's first changes go through the workspace service's save queue like every other
//! write, and the list re-reads when the service reports it stale.

use std::rc::Rc;

use shared::account::{Account, AccountDraft};
use shared::ids::AccountId;
use shared::settings::Settings;
use yew::prelude::*;

use crate::accounts::listing::{AccountsAction, AccountsState};
use crate::hooks::{use_storage, use_sync, SessionState, StorageState, SyncHandle};
use crate::storage::Storage;
use crate::workspace::{use_topic, ListKind, Topic};

impl Reducible for AccountsState {
    type Action = AccountsAction;

    fn reduce(self: Rc<Self>, action: Self::Action) -> Rc<Self> {
        Rc::new(self.apply(action))
    }
}

/// How many rows are read before the rest: more than a tall screen shows.
const FIRST_SCREEN_ROWS: u32 = 40;

/// Sets a performance mark once (the start-up benchmark reads it).
pub fn mark(name: &str) {
    if let Some(performance) = web_sys::window().and_then(|window| window.performance()) {
        if performance.get_entries_by_name(name).length() == 0 {
            let _unsupported = performance.mark(name);
        }
    }
}

/// What the accounts page can read and do.
#[derive(Clone, PartialEq)]
pub struct AccountsHandle {
    state: UseReducerHandle<AccountsState>,
    storage: Option<Rc<Storage>>,
    sync: Option<SyncHandle>,
}

impl AccountsHandle {
    /// The current list state.
    pub fn state(&self) -> &AccountsState {
        &self.state
    }

    /// Creates an account from `draft` and saves it on this device (signed by the signed-in rep),
    /// owned by whoever creates it (a rep's new customer is hers: her objectives count its
    /// orders; a manager can hand it over on its page), in the territory of its postcode when
    /// the workspace's settings place it in one.
    pub fn create(&self, draft: AccountDraft) {
        let dispatcher = self.state.dispatcher();
        let Some(storage) = self.storage.clone() else {
            dispatcher.dispatch(AccountsAction::Fail("problem-storage-not-ready".to_owned()));
            return;
        };
        let sync = self.sync.clone();
        let Some(workspace) = sync.as_ref().and_then(SyncHandle::workspace) else {
            dispatcher.dispatch(AccountsAction::Fail("problem-storage-not-ready".to_owned()));
            return;
        };
        let Some(stamp) = sync.as_ref().map(SyncHandle::stamp) else {
            return;
        };
        let (settings_id, creator) = match sync.as_ref().map(SyncHandle::session) {
            Some(SessionState::SignedIn(session)) => {
                (Some(session.workspace.id), Some(session.user.id))
            }
            _ => (None, None),
        };
        wasm_bindgen_futures::spawn_local(async move {
            let id = AccountId::generate();
            let Ok(mut account) = Account::from_draft(&draft) else {
                return dispatcher.dispatch(AccountsAction::Fail(
                    "problem-account-name-missing".to_owned(),
                ));
            };
            account.owner = creator;
            // The territory rule: settings this device cannot read place the account nowhere
            // (an admin or manager can still choose its territory on its page).
            if let Some(settings_id) = settings_id {
                match workspace.read_record::<Settings>(settings_id).await {
                    Ok(Some(settings)) => {
                        settings.assign_territory(&mut account);
                    }
                    Ok(None) => {}
                    Err(problem) => gloo::console::warn!(format!("settings: {}", problem.id)),
                }
            }
            if let Err(problem) = workspace.create_record(id, stamp, account).await {
                return dispatcher.dispatch(AccountsAction::Fail(problem.id));
            }
            // Shown at once; the list's re-read, which the service asks for, agrees.
            match storage.account_row(id).await {
                Ok(Some(row)) => dispatcher.dispatch(AccountsAction::Add(Box::new(row))),
                Ok(None) => {}
                Err(error) => dispatcher.dispatch(AccountsAction::Fail(error.problem().id)),
            }
            // The first saved record is a moment to ask for persistent storage.
            if let Err(error) = storage.ensure_persistence().await {
                gloo::console::warn!(format!("persistence not recorded: {error}"));
            }
        });
    }

    /// Hides the current error.
    pub fn dismiss_error(&self) {
        self.state.dispatch(AccountsAction::DismissError);
    }
}

/// The accounts list, read from the device's index rows once storage is ready, and again
/// whenever stored records change (sync, another tab).
#[hook]
pub fn use_accounts() -> AccountsHandle {
    let state = use_reducer(AccountsState::default);
    let storage_state = use_storage();
    let sync = use_sync();
    let revision = use_topic(Topic::List(ListKind::Accounts));
    let storage = match &storage_state {
        StorageState::Ready(storage) => Some(Rc::clone(storage)),
        StorageState::Opening | StorageState::Failed(_) => None,
    };
    {
        let dispatcher = state.dispatcher();
        use_effect_with(
            (storage_state, revision),
            move |(storage_state, _)| match storage_state.clone() {
                StorageState::Ready(storage) => wasm_bindgen_futures::spawn_local(async move {
                    // The first screen first, then everything (for scrolling and search).
                    match storage.first_account_rows(FIRST_SCREEN_ROWS).await {
                        Ok(rows) if rows.len() == FIRST_SCREEN_ROWS as usize => {
                            dispatcher.dispatch(AccountsAction::Load(rows));
                        }
                        Ok(_) => {}
                        Err(error) => {
                            return dispatcher.dispatch(AccountsAction::Fail(error.problem().id))
                        }
                    }
                    dispatcher.dispatch(match storage.account_rows().await {
                        Ok(rows) => AccountsAction::Load(rows),
                        Err(error) => AccountsAction::Fail(error.problem().id),
                    });
                    mark("carnet:all-rows");
                }),
                StorageState::Failed(error) => {
                    dispatcher.dispatch(AccountsAction::Fail(error.problem().id));
                }
                StorageState::Opening => {}
            },
        );
    }
    AccountsHandle {
        state,
        storage,
        sync,
    }
}
