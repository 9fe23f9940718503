//! One record opened for editing, whatever its kind. The record's document lives in the
//! workspace worker; the page holds the record as plain data (what the worker last sent, with
//! the page's own edits applied on top) and sends its edits as commands: an `update` closure
//! runs on the page's copy and is sent as a patch against the copy it started from (so the
//! worker writes only what the page changed, over colleagues' changes merged meanwhile), typing
//! is sent as the field's new text with the text it was typed over, a conflict's choice as the
//! value chosen. The page's copy may lack what another tab of the device stored meanwhile: so
//! typing (`type_text`, `type_into`) is merged into the text as the worker holds it, never
//! written over it. And a field may not show the copy yet when the rep types (its render is
//! still to come): a keystroke arrives as a `TypedText`, carried over onto the copy first.
//!
//! The page shows its edits at once and never waits for the worker or IndexedDB: edits are
//! answered in order through the workspace service's one save queue. While edits are in flight
//! the worker's reads are not shown (they could be older than what the rep sees); the record is
//! read again once every edit is answered, and whenever the service reports it stale (sync
//! stored colleagues' changes). A save that stalls (storage full) says why; its changes stay
//! queued in the worker for the next attempt.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use shared::field::FieldPath;
use shared::record_patch;
use yew::prelude::*;

use crate::bridge::{Answer, Query};
use crate::hooks::{use_sync, SyncHandle};
use crate::records::record_view::RecordSnapshot;
use crate::records::typed_text::TypedText;
use crate::state::problem::Problem;
use crate::workspace::record::{OpenableRecord, RecordEdit, RecordRef};
use crate::workspace::{use_topic, Topic};

/// A record open for editing, and what its page shows of it (`V`).
pub struct DocumentHandle<R: OpenableRecord, V> {
    view: UseStateHandle<V>,
    editor: Rc<Editor<R, V>>,
}

impl<R: OpenableRecord, V> Clone for DocumentHandle<R, V> {
    fn clone(&self) -> Self {
        Self {
            view: self.view.clone(),
            editor: Rc::clone(&self.editor),
        }
    }
}

impl<R: OpenableRecord, V: PartialEq> PartialEq for DocumentHandle<R, V> {
    fn eq(&self, other: &Self) -> bool {
        *self.view == *other.view && Rc::ptr_eq(&self.editor, &other.editor)
    }
}

impl<R: OpenableRecord, V: Clone + PartialEq + 'static> DocumentHandle<R, V> {
    /// What to show.
    pub fn view(&self) -> &V {
        &self.view
    }

    /// The record's name for the workspace service.
    pub fn record(&self) -> RecordRef {
        self.editor.record
    }

    /// Changes the record with `change`, described as `message` in its history: the values it
    /// sets replace the record's (a stage chosen, a date).
    pub fn update(&self, message: &str, change: impl FnOnce(&mut R)) {
        self.editor.update(message, change, record_patch::diff);
    }

    /// Like [`DocumentHandle::update`], for what the rep typed into a text field (a name, a
    /// city): merged into the text as it is when the worker applies it, so a keystroke another
    /// tab stored meanwhile, which this page has not shown yet, is kept.
    pub fn type_into(&self, message: &str, change: impl FnOnce(&mut R)) {
        self.editor
            .update(message, change, record_patch::diff_typed);
    }

    /// The rep typed into the text field at `path` (one splice in the worker, so a colleague's
    /// typing is kept).
    pub fn type_text(&self, path: FieldPath, typed: TypedText) {
        self.editor.type_text(path, typed);
    }

    /// Resolves the concurrent values of the field at `path` by keeping the one that reads
    /// `chosen` (as `FieldValue`'s `Display` shows it, so numbers and flags can be chosen too).
    pub fn choose(&self, path: FieldPath, chosen: String) {
        self.editor.send(RecordEdit::Choose { path, chosen });
    }

    /// Sends `edit` (restoring a field from history…) and saves it.
    pub fn edit(&self, edit: RecordEdit) {
        self.editor.send(edit);
    }

    /// A number that moves whenever the record as shown changes (history re-reads on it).
    pub fn revision(&self) -> u64 {
        self.editor.revision.get()
    }

    /// The workspace service, once storage is open.
    pub fn workspace(&self) -> Option<crate::workspace::service::WorkspaceService> {
        self.editor
            .sync
            .borrow()
            .as_ref()
            .and_then(SyncHandle::workspace)
    }
}

/// Opens record `id` of kind `R` through the workspace worker and keeps it current; `derive`
/// makes the page's view of the record (given the last save problem), `missing` the view when
/// the device has no such record (or cannot read it: the reason).
#[hook]
pub fn use_document<R, V>(
    id: R::Id,
    derive: fn(&RecordSnapshot<R>, Option<&Problem>) -> V,
    missing: fn(Option<Problem>) -> V,
) -> DocumentHandle<R, V>
where
    R: OpenableRecord,
    R::Id: 'static,
    V: Clone + PartialEq + Default + 'static,
{
    let view = use_state(V::default);
    let sync = use_sync();
    let record = R::reference(id);
    let editor = {
        let setter = view.setter();
        use_memo(record, move |record| Editor {
            record: *record,
            shown: RefCell::new(None),
            in_flight: Cell::new(0),
            revision: Cell::new(0),
            error: RefCell::new(None),
            sync: RefCell::new(None),
            view: setter,
            derive,
            missing,
        })
    };
    *editor.sync.borrow_mut() = sync.clone();
    let ready = sync.as_ref().and_then(SyncHandle::workspace).is_some();
    let stale = use_topic(Topic::Record(record));
    {
        let editor = Rc::clone(&editor);
        use_effect_with((record, ready, stale), move |(_, ready, _)| {
            if *ready {
                editor.read();
            }
        });
    }
    DocumentHandle { view, editor }
}

/// The page's copy of the record and its edits in flight, shared by the handle's callbacks.
pub(crate) struct Editor<R: OpenableRecord, V> {
    record: RecordRef,
    /// What the page shows: the worker's last read with the page's edits since applied.
    shown: RefCell<Option<RecordSnapshot<R>>>,
    /// Edits sent and not answered yet.
    in_flight: Cell<u32>,
    revision: Cell<u64>,
    /// The last save's problem.
    error: RefCell<Option<Problem>>,
    sync: RefCell<Option<SyncHandle>>,
    view: UseStateSetter<V>,
    derive: fn(&RecordSnapshot<R>, Option<&Problem>) -> V,
    missing: fn(Option<Problem>) -> V,
}

impl<R: OpenableRecord, V: Clone + PartialEq + 'static> Editor<R, V> {
    fn update(
        self: &Rc<Self>,
        message: &str,
        change: impl FnOnce(&mut R),
        diff: fn(&R, &R) -> Result<record_patch::RecordPatch, record_patch::RecordPatchError>,
    ) {
        let patch = {
            let mut shown = self.shown.borrow_mut();
            let Some(Ok(record)) = shown.as_mut().map(|shown| &mut shown.record) else {
                return;
            };
            let base = record.clone();
            change(record);
            diff(&base, record)
        };
        match patch {
            Ok(patch) if patch.is_empty() => {}
            Ok(patch) => {
                self.show();
                self.send(RecordEdit::Patch {
                    message: message.to_owned(),
                    patch,
                });
            }
            Err(error) => {
                *self.error.borrow_mut() = Some(Problem::with_detail(
                    "problem-edit-refused",
                    error.to_string(),
                ));
                self.show();
            }
        }
    }

    fn type_text(self: &Rc<Self>, path: FieldPath, typed: TypedText) {
        let shown = {
            let mut shown = self.shown.borrow_mut();
            let Some(Ok(record)) = shown.as_mut().map(|shown| &mut shown.record) else {
                return;
            };
            with_text(record, &path, |now| typed.onto(now)).map(|(edited, base, text)| {
                *record = edited;
                (base, text)
            })
        };
        let (base, text) = match shown {
            Ok((base, text)) => (Some(base), text),
            Err(problem) => {
                *self.error.borrow_mut() = Some(problem);
                (None, typed.after)
            }
        };
        self.show();
        self.send(RecordEdit::Text { path, base, text });
    }

    /// Sends `edit` to the worker and shows how its save went.
    fn send(self: &Rc<Self>, edit: RecordEdit) {
        let Some((workspace, stamp)) = self
            .sync
            .borrow()
            .as_ref()
            .and_then(|sync| Some((sync.workspace()?, sync.stamp())))
        else {
            return;
        };
        self.in_flight.set(self.in_flight.get() + 1);
        let this = Rc::clone(self);
        let record = self.record;
        wasm_bindgen_futures::spawn_local(async move {
            let saved = workspace.edit(record, stamp, edit).await;
            *this.error.borrow_mut() = saved.err();
            this.in_flight.set(this.in_flight.get().saturating_sub(1));
            if this.in_flight.get() == 0 {
                // What the worker holds now includes every edit (and whatever made the record
                // stale meanwhile): show exactly that.
                this.read();
            } else {
                this.show();
            }
        });
    }

    /// Asks the worker for the record (shown unless edits are in flight by the time it comes).
    fn read(self: &Rc<Self>) {
        let Some(workspace) = self.sync.borrow().as_ref().and_then(SyncHandle::workspace) else {
            return;
        };
        if self.in_flight.get() > 0 {
            // Read once the last edit in flight is answered.
            return;
        }
        let this = Rc::clone(self);
        let record = self.record;
        wasm_bindgen_futures::spawn_local(async move {
            let answer = workspace.ask(Query::Record(record)).await;
            if this.in_flight.get() > 0 {
                // Older than the page's edits: the read after the last one replaces it.
                return;
            }
            match answer {
                Answer::Record(Ok(Some(content))) => {
                    let snapshot = RecordSnapshot {
                        record: content.record.and_then(|data| {
                            R::from_data(*data)
                                .ok_or_else(|| Problem::new("problem-record-missing"))
                        }),
                        conflicts: content.conflicts.into_iter().map(Rc::new).collect(),
                    };
                    *this.shown.borrow_mut() = Some(snapshot);
                    this.show();
                }
                Answer::Record(Ok(None)) => {
                    // Gone (purged when it left the person's reach, say): nothing is left to
                    // edit, so edits made on the copy shown before stop here.
                    *this.shown.borrow_mut() = None;
                    this.view.set((this.missing)(None));
                }
                Answer::Record(Err(problem)) => this.view.set((this.missing)(Some(problem))),
                Answer::History(_)
                | Answer::HistoryDetail(_)
                | Answer::Quarantine(_)
                | Answer::Dashboard(_)
                | Answer::Segments(_)
                | Answer::CallList(_) => {}
            }
        });
    }

    fn show(&self) {
        let shown = self.shown.borrow();
        let Some(shown) = shown.as_ref() else {
            return;
        };
        self.revision.set(self.revision.get() + 1);
        self.view
            .set((self.derive)(shown, self.error.borrow().as_ref()));
    }
}

/// `record` with the text at `path` changed by `typing` (given the text there now), the text it
/// read before and the one it reads now (through its serde form: the page knows fields by path
/// only).
fn with_text<R: OpenableRecord>(
    record: &R,
    path: &FieldPath,
    typing: impl FnOnce(&str) -> String,
) -> Result<(R, String, String), Problem> {
    let refused = |detail: String| Problem::with_detail("problem-edit-refused", detail);
    let mut value = serde_json::to_value(record).map_err(|error| refused(error.to_string()))?;
    let mut slot = &mut value;
    for segment in path.segments() {
        slot = slot
            .get_mut(segment.as_str())
            .ok_or_else(|| refused(format!("no field {path}")))?;
    }
    let before = slot.as_str().unwrap_or_default().to_owned();
    let text = typing(&before);
    *slot = serde_json::Value::String(text.clone());
    let edited = serde_json::from_value(value).map_err(|error| refused(error.to_string()))?;
    Ok((edited, before, text))
}
