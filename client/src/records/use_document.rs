//! One record opened for editing, whatever its kind: its document loaded from the device
//! (lists never do this), edits applied as Automerge changes and saved as you type, and
//! colleagues' changes merged in when sync stores them.
//!
//! Each edit hands the changes it made to the workspace service's one save queue (which saves a
//! record's changes in order, one save at a time, and retries), so typing never waits for
//! IndexedDB and no keystroke is skipped. A save that stalls (storage full) says why; its
//! changes stay queued for the next attempt. The page re-reads the stored document only when
//! the service reports this record stale.

use std::cell::RefCell;
use std::rc::Rc;

use automerge::ChangeHash;
use shared::document::Document;
use shared::edit::Edit;
use shared::field::FieldPath;
use shared::record::Record;
use yew::prelude::*;

use shared::ids::Identifier;
use shared::replica::RecordKind;

use crate::hooks::{use_storage, use_sync, SessionState, StorageState, SyncHandle};
use crate::records::text_edit::splice_between;
use crate::state::problem::Problem;
use crate::storage::Storage;
use crate::workspace::{use_topic, RecordRef, Topic};

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
    derive: fn(&Document<R>, Option<&Problem>) -> V,
    missing: fn(Option<Problem>) -> V,
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
    *editor.sync.borrow_mut() = sync;
    if let StorageState::Ready(storage) = &storage_state {
        *editor.storage.borrow_mut() = Some(Rc::clone(storage));
    }
    // Every record kind has a name the service knows; the placeholder only keeps the hook
    // order should a kind ever lack one.
    let placeholder = RecordRef::Settings(shared::ids::WorkspaceId::from_bytes([0; 16]));
    let revision = use_topic(Topic::Record(record_ref::<R>(id).unwrap_or(placeholder)));
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

/// The workspace service's name for record `id` of kind `R`.
fn record_ref<R: Record>(id: R::Id) -> Option<RecordRef> {
    RecordKind::from_name(R::KIND).map(|kind| RecordRef::of_kind(kind, id.to_bytes()))
}

/// The live document and its save queue, shared by the handle's callbacks.
pub(crate) struct Editor<R: Record, V> {
    live: RefCell<Option<Live<R>>>,
    storage: RefCell<Option<Rc<Storage>>>,
    sync: RefCell<Option<SyncHandle>>,
    view: UseStateSetter<V>,
    derive: fn(&Document<R>, Option<&Problem>) -> V,
    missing: fn(Option<Problem>) -> V,
}

pub(crate) struct Live<R: Record> {
    document: Document<R>,
    /// Heads of the document once its changes were handed to the save queue (or read from
    /// storage): the changes since are the ones to save next.
    stored: Vec<ChangeHash>,
    error: Option<Problem>,
}

impl<R: Record + 'static, V: Clone + PartialEq + 'static> Editor<R, V> {
    pub(crate) fn edit(&self) -> Edit {
        let editor = self
            .sync
            .borrow()
            .as_ref()
            .and_then(|sync| match sync.session() {
                SessionState::SignedIn(session) => Some(session.editor()),
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
                live.error = Some(Problem::with_detail(
                    "problem-edit-refused",
                    error.to_string(),
                ));
            }
        }
        self.show();
        self.save();
    }

    /// Hands the changes made since the last hand-over to the workspace service's save queue
    /// (kept for the next edit while storage is not open yet), and shows the outcome.
    fn save(self: &Rc<Self>) {
        let Some(workspace) = self.sync.borrow().as_ref().and_then(SyncHandle::workspace) else {
            return;
        };
        let next = self.live.borrow_mut().as_mut().map(|live| {
            let changes = live.document.changes_since(&live.stored);
            live.stored = live.document.heads();
            (live.document.id(), changes)
        });
        let Some((id, changes)) = next else {
            return;
        };
        let Some(record) = record_ref::<R>(id) else {
            return;
        };
        if changes.is_empty() {
            return;
        }
        let editor = Rc::clone(self);
        wasm_bindgen_futures::spawn_local(async move {
            let saved = workspace.save(record, changes).await;
            let error = saved.err();
            if let Some(live) = editor.live.borrow_mut().as_mut() {
                live.error = error;
            }
            editor.show();
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
                        // Every local change is handed to the queue as it is made, so once
                        // merged, colleagues' changes are not taken for local ones to save.
                        let handed = live.document.changes_since(&live.stored).is_empty();
                        if let Err(error) = live.document.merge(&mut stored) {
                            live.error = Some(Problem::with_detail(
                                "problem-record-unmergeable",
                                error.to_string(),
                            ));
                        }
                        if handed {
                            live.stored = live.document.heads();
                        }
                    }
                    None => {
                        *live = Some(Live {
                            stored: stored.heads(),
                            document: stored,
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
                self.view.set((self.missing)(Some(error.problem())));
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
            .set((self.derive)(&live.document, live.error.as_ref()));
    }
}
