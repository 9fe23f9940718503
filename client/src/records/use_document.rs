//! One record opened for editing, whatever its kind: its document loaded from the device
//! (lists never do this), edits applied as Automerge changes and saved as you type, and
//! colleagues' changes merged in when sync stores them.
//!
//! Saves run one at a time, off the document: each takes the changes made since the last state
//! storage acknowledged, so typing never waits for IndexedDB and no keystroke is skipped. A save
//! that fails (storage full) keeps its changes for the next attempt and says why.

use std::cell::RefCell;
use std::rc::Rc;

use automerge::ChangeHash;
use shared::document::Document;
use shared::edit::Edit;
use shared::field::FieldPath;
use shared::record::Record;
use yew::prelude::*;

use crate::hooks::{use_storage, use_sync, SessionState, StorageState, SyncHandle};
use crate::records::text_edit::splice_between;
use crate::storage::Storage;

/// A record open for editing, and what its page shows of it (`V`).
pub struct DocumentHandle<R: Record, V> {
    view: UseStateHandle<V>,
    editor: Rc<Editor<R, V>>,
}

impl<R: Record, V> Clone for DocumentHandle<R, V> {
    fn clone(&self) -> Self {
        Self {
            view: self.view.clone(),
            editor: Rc::clone(&self.editor),
        }
    }
}

impl<R: Record, V: PartialEq> PartialEq for DocumentHandle<R, V> {
    fn eq(&self, other: &Self) -> bool {
        *self.view == *other.view && Rc::ptr_eq(&self.editor, &other.editor)
    }
}

impl<R: Record + 'static, V: Clone + PartialEq + 'static> DocumentHandle<R, V> {
    /// What to show.
    pub fn view(&self) -> &V {
        &self.view
    }

    /// Changes the record with `change`, described as `message` in its history.
    pub fn update(&self, message: &str, change: impl FnOnce(&mut R)) {
        self.editor.update(message, change);
    }

    /// The text field at `path` now reads `text` (one splice, so a colleague's typing is kept).
    pub fn type_text(&self, path: FieldPath, text: String) {
        self.editor.type_text(path, text);
    }

    /// Resolves the concurrent values of the field at `path` by keeping the one that reads
    /// `chosen` (as `FieldValue`'s `Display` shows it, so numbers and flags can be chosen too).
    pub fn choose(&self, path: FieldPath, chosen: String) {
        self.editor.choose(path, chosen);
    }

    /// Reads the live document (history, conflicts, anything derived on demand).
    pub fn read<T>(&self, read: impl FnOnce(&Document<R>) -> T) -> Option<T> {
        self.editor
            .live
            .borrow()
            .as_ref()
            .map(|live| read(&live.document))
    }

    /// Reads the live document where reading needs it mutably (its history, the record at an
    /// earlier change); nothing is saved.
    pub fn inspect<T>(&self, read: impl FnOnce(&mut Document<R>) -> T) -> Option<T> {
        self.editor
            .live
            .borrow_mut()
            .as_mut()
            .map(|live| read(&mut live.document))
    }

    /// Applies an arbitrary edit to the live document (restoring a field from history…) and
    /// saves it.
    pub fn edit(
        &self,
        apply: impl FnOnce(&mut Document<R>, &Edit) -> Result<(), shared::document::DocumentError>,
    ) {
        let edit = self.editor.edit();
        self.editor
            .with_live(|live| apply(&mut live.document, &edit));
    }
}

/// Opens record `id` of kind `R` from the device and keeps it current; `derive` makes the
/// page's view of the document (given the last save problem), `missing` the view when the
/// device has no such record (or cannot read it: the reason).
#[hook]
pub fn use_document<R, V>(
    id: R::Id,
    derive: fn(&Document<R>, Option<&str>) -> V,
    missing: fn(Option<String>) -> V,
) -> DocumentHandle<R, V>
where
    R: Record + 'static,
    R::Id: 'static,
    V: Clone + PartialEq + Default + 'static,
{
    let view = use_state(V::default);
    let storage_state = use_storage();
    let sync = use_sync();
    let editor = {
        let setter = view.setter();
        use_memo(id, move |_| Editor {
            live: RefCell::new(None),
            storage: RefCell::new(None),
            sync: RefCell::new(None),
            view: setter,
            derive,
            missing,
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
    DocumentHandle { view, editor }
}

fn now_seconds() -> i64 {
    (js_sys::Date::now() / 1000.0) as i64
}

/// The live document and its save queue, shared by the handle's callbacks.
pub(crate) struct Editor<R: Record, V> {
    live: RefCell<Option<Live<R>>>,
    storage: RefCell<Option<Rc<Storage>>>,
    sync: RefCell<Option<SyncHandle>>,
    view: UseStateSetter<V>,
    derive: fn(&Document<R>, Option<&str>) -> V,
    missing: fn(Option<String>) -> V,
}

pub(crate) struct Live<R: Record> {
    document: Document<R>,
    /// Heads of the document as storage last held it.
    stored: Vec<ChangeHash>,
    saving: bool,
    /// Edits were made while a save ran.
    dirty: bool,
    error: Option<String>,
}

impl<R: Record + 'static, V: Clone + PartialEq + 'static> Editor<R, V> {
    pub(crate) fn edit(&self) -> Edit {
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

    pub(crate) fn update(self: &Rc<Self>, message: &str, change: impl FnOnce(&mut R)) {
        let edit = self.edit();
        self.with_live(|live| live.document.update(&edit, message, change).map(|_| ()));
    }

    pub(crate) fn type_text(self: &Rc<Self>, path: FieldPath, text: String) {
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

    pub(crate) fn choose(self: &Rc<Self>, path: FieldPath, chosen: String) {
        let edit = self.edit();
        self.with_live(|live| {
            let values = live.document.conflicts(&path)?;
            if let Some(value) = values
                .iter()
                .find(|value| value.value.to_string() == chosen)
            {
                live.document.choose(&edit, &path, value)?;
            }
            Ok(())
        });
    }

    /// Applies an edit to the live document, shows it, and saves it.
    pub(crate) fn with_live(
        self: &Rc<Self>,
        apply: impl FnOnce(&mut Live<R>) -> Result<(), shared::document::DocumentError>,
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
                let saved = storage.save_changes::<R>(id, changes).await;
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
    async fn refresh(self: Rc<Self>, id: R::Id) {
        let Some(storage) = self.storage.borrow().clone() else {
            return;
        };
        match storage.load_document::<R>(id).await {
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
                self.view.set((self.missing)(None));
                return;
            }
            Err(error) => {
                self.view.set((self.missing)(Some(error.to_string())));
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
        self.view
            .set((self.derive)(&live.document, live.error.as_deref()));
    }
}
