//! One account opened for editing: its document loaded from the device (lists never do this),
//! edits applied as Automerge changes and saved as you type, and colleagues' changes merged in
//! when sync stores them.
//!
//! Saves run one at a time, off the document: each takes the changes made since the last state
//! storage acknowledged, so typing never waits for IndexedDB and no keystroke is skipped. A save
//! that fails (storage full) keeps its changes for the next attempt and says why.

use std::cell::RefCell;
use std::rc::Rc;

use automerge::ChangeHash;
use shared::account::{Account, AccountDocument, Activity, ActivityKind, MAIN_ADDRESS};
use shared::edit::Edit;
use shared::field::{FieldPath, FieldValue};
use shared::ids::{AccountId, ActivityId};
use shared::record::{Address, AddressKind};
use yew::prelude::*;

use super::{use_storage, use_sync, SessionState, StorageState, SyncHandle};
use crate::state::account_view::AccountView;
use crate::state::text_edit::splice_between;
use crate::storage::Storage;

/// The open account and the edits a page can make.
#[derive(Clone)]
pub struct AccountHandle {
    view: UseStateHandle<AccountView>,
    editor: Rc<Editor>,
}

impl PartialEq for AccountHandle {
    fn eq(&self, other: &Self) -> bool {
        *self.view == *other.view && Rc::ptr_eq(&self.editor, &other.editor)
    }
}

impl AccountHandle {
    /// What to show.
    pub fn view(&self) -> &AccountView {
        &self.view
    }

    /// Renames the account.
    pub fn rename(&self, name: String) {
        self.editor
            .update("rename", move |account| account.name = name);
    }

    /// Changes the city of the main address.
    pub fn move_to_city(&self, city: String) {
        self.editor.update("change city", move |account| {
            account
                .addresses
                .entry(MAIN_ADDRESS.to_owned())
                .or_insert_with(|| Address::in_city(AddressKind::Visit, ""))
                .city = city;
        });
    }

    /// The notes now read `text` (one splice, so a colleague's typing is kept).
    pub fn type_notes(&self, text: String) {
        self.editor.type_text(FieldPath::root("notes"), text);
    }

    /// The report of visit `visit` now reads `text`.
    pub fn type_report(&self, visit: String, text: String) {
        self.editor.type_text(
            FieldPath::new(["activities", visit.as_str(), "report"]),
            text,
        );
    }

    /// Records a visit now, with an empty report.
    pub fn add_visit(&self) {
        let at = now_seconds();
        self.editor.update("add visit", move |account| {
            account.activities.insert(
                ActivityId::generate().to_string(),
                Activity::new(ActivityKind::Visit, at),
            );
        });
    }

    /// Resolves concurrent names by keeping `name`.
    pub fn choose_name(&self, name: String) {
        self.editor.choose(FieldPath::root("name"), name);
    }
}

/// The live document and its save queue, shared by the handle's callbacks.
struct Editor {
    live: RefCell<Option<Live>>,
    storage: RefCell<Option<Rc<Storage>>>,
    sync: RefCell<Option<SyncHandle>>,
    view: UseStateSetter<AccountView>,
}

struct Live {
    document: AccountDocument,
    /// Heads of the document as storage last held it.
    stored: Vec<ChangeHash>,
    saving: bool,
    /// Edits were made while a save ran.
    dirty: bool,
    error: Option<String>,
}

impl Editor {
    fn edit(&self) -> Edit {
        let editor = self
            .sync
            .borrow()
            .as_ref()
            .and_then(|sync| match sync.session() {
                SessionState::SignedIn(session) => session.editor(),
                _ => None,
            });
        match editor {
            Some(editor) => Edit::by(editor, now_seconds()),
            None => Edit::anonymous(now_seconds()),
        }
    }

    fn update(self: &Rc<Self>, message: &str, change: impl FnOnce(&mut Account)) {
        let edit = self.edit();
        self.with_live(|live| live.document.update(&edit, message, change).map(|_| ()));
    }

    fn type_text(self: &Rc<Self>, path: FieldPath, text: String) {
        let edit = self.edit();
        self.with_live(|live| {
            let current = live.document.text(&path)?;
            match splice_between(&current, &text) {
                Some(splice) => live
                    .document
                    .splice_text(&edit, &path, splice.position, splice.delete, &splice.insert)
                    .map(|_| ()),
                None => Ok(()),
            }
        });
    }

    fn choose(self: &Rc<Self>, path: FieldPath, chosen: String) {
        let edit = self.edit();
        self.with_live(|live| {
            let values = live.document.conflicts(&path)?;
            if let Some(value) = values
                .iter()
                .find(|value| value.value == FieldValue::Text(chosen.clone()))
            {
                live.document.choose(&edit, &path, value)?;
            }
            Ok(())
        });
    }

    /// Applies an edit to the live document, shows it, and saves it.
    fn with_live(
        self: &Rc<Self>,
        apply: impl FnOnce(&mut Live) -> Result<(), shared::document::DocumentError>,
    ) {
        {
            let mut live = self.live.borrow_mut();
            let Some(live) = live.as_mut() else {
                return;
            };
            if let Err(error) = apply(live) {
                live.error = Some(format!("That change could not be made: {error}"));
            }
        }
        self.show();
        self.save();
    }

    /// Saves what storage does not hold yet, one save at a time.
    fn save(self: &Rc<Self>) {
        {
            let mut live = self.live.borrow_mut();
            let Some(live) = live.as_mut() else {
                return;
            };
            if live.saving {
                live.dirty = true;
                return;
            }
            live.saving = true;
        }
        let editor = Rc::clone(self);
        wasm_bindgen_futures::spawn_local(async move {
            loop {
                let Some(storage) = editor.storage.borrow().clone() else {
                    break;
                };
                let next = editor.live.borrow_mut().as_mut().map(|live| {
                    live.dirty = false;
                    (
                        live.document.id(),
                        live.document.changes_since(&live.stored),
                    )
                });
                let Some((id, changes)) = next else {
                    break;
                };
                if changes.is_empty() {
                    break;
                }
                let saved = storage.save_account_changes(id, changes).await;
                let again = {
                    let mut live = editor.live.borrow_mut();
                    let Some(live) = live.as_mut() else {
                        break;
                    };
                    match saved {
                        Ok((_row, mut stored)) => {
                            live.stored = stored.heads();
                            // Another tab or sync may have written meanwhile: take it in.
                            if let Err(error) = live.document.merge(&mut stored) {
                                live.error = Some(error.to_string());
                            } else {
                                live.error = None;
                            }
                        }
                        // The changes stay unsaved and are retried with the next edit.
                        Err(error) => live.error = Some(error.to_string()),
                    }
                    live.dirty
                };
                editor.show();
                if let Some(sync) = editor.sync.borrow().as_ref() {
                    sync.saved_locally();
                }
                if !again {
                    break;
                }
            }
            if let Some(live) = editor.live.borrow_mut().as_mut() {
                live.saving = false;
            }
        });
    }

    /// Merges what storage holds (colleagues' changes stored by sync) into the live document.
    async fn refresh(self: Rc<Self>, id: AccountId) {
        let Some(storage) = self.storage.borrow().clone() else {
            return;
        };
        match storage.load_account(id).await {
            Ok(Some(mut stored)) => {
                let mut live = self.live.borrow_mut();
                match live.as_mut() {
                    Some(live) => {
                        let heads = stored.heads();
                        if let Err(error) = live.document.merge(&mut stored) {
                            live.error = Some(error.to_string());
                        }
                        if !live.saving {
                            live.stored = heads;
                        }
                    }
                    None => {
                        *live = Some(Live {
                            stored: stored.heads(),
                            document: stored,
                            saving: false,
                            dirty: false,
                            error: None,
                        });
                    }
                }
            }
            Ok(None) => {
                self.view.set(AccountView {
                    loaded: true,
                    missing: true,
                    ..AccountView::default()
                });
                return;
            }
            Err(error) => {
                self.view.set(AccountView {
                    loaded: true,
                    error: Some(error.to_string()),
                    ..AccountView::default()
                });
                return;
            }
        }
        self.show();
    }

    fn show(&self) {
        let live = self.live.borrow();
        let Some(live) = live.as_ref() else {
            return;
        };
        self.view.set(view_of(live));
    }
}

fn view_of(live: &Live) -> AccountView {
    let document = &live.document;
    let Ok(account) = document.record() else {
        return AccountView {
            loaded: true,
            error: Some("This account cannot be shown by this version of Carnet.".to_owned()),
            ..AccountView::default()
        };
    };
    let mut visits: Vec<(String, i64, String)> = account
        .activities
        .iter()
        .filter(|(_, activity)| activity.kind == ActivityKind::Visit)
        .map(|(id, activity)| (id.clone(), activity.at, activity.report.as_str().to_owned()))
        .collect();
    visits.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let name_conflicts = document
        .conflicts(&FieldPath::root("name"))
        .unwrap_or_default()
        .into_iter()
        .filter_map(|value| match value.value {
            FieldValue::Text(text) => Some(text),
            _ => None,
        })
        .collect();
    AccountView {
        loaded: true,
        missing: false,
        name: account.name.clone(),
        city: account
            .display_address()
            .map(|address| address.city.clone())
            .unwrap_or_default(),
        notes: account.notes.as_str().to_owned(),
        visits,
        name_conflicts,
        error: live.error.clone(),
    }
}

/// Opens account `id` from the device and keeps it current.
#[hook]
pub fn use_account(id: AccountId) -> AccountHandle {
    let view = use_state(AccountView::default);
    let storage_state = use_storage();
    let sync = use_sync();
    let editor = {
        let setter = view.setter();
        use_memo(id, move |_| Editor {
            live: RefCell::new(None),
            storage: RefCell::new(None),
            sync: RefCell::new(None),
            view: setter,
        })
    };
    *editor.sync.borrow_mut() = sync.clone();
    if let StorageState::Ready(storage) = &storage_state {
        *editor.storage.borrow_mut() = Some(Rc::clone(storage));
    }
    let revision = sync.as_ref().map_or(0, SyncHandle::revision);
    {
        let editor = Rc::clone(&editor);
        let ready = matches!(storage_state, StorageState::Ready(_));
        use_effect_with((id, ready, revision), move |(id, ready, _)| {
            if *ready {
                wasm_bindgen_futures::spawn_local(editor.refresh(*id));
            }
        });
    }
    AccountHandle { view, editor }
}

fn now_seconds() -> i64 {
    (js_sys::Date::now() / 1000.0) as i64
}
