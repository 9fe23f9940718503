//! The records pages have open, held in the workspace worker as live Automerge documents: the
//! page reads a record's content as plain data ([`RecordContent`]) and sends edits
//! ([`RecordEdit`]); they are applied here, to the document as it is now (colleagues' changes
//! merged), and the changes they made join the one save queue through the [`Runner`]. History
//! and its details are computed here too, so the page never parses a document.
//!
//! Edits and reads of the worker are handled one at a time, in the order they arrive ([`Turns`]:
//! the async lock alone wakes its waiters in no set order, and under load a keystroke applied
//! before the one typed ahead of it was merged out of place or written over), so a record is
//! loaded once, edits apply in the order the page sent them, and each edit's changes are queued
//! before the next edit is applied. At most [`LIVE_RECORDS`] documents stay live; the
//! least recently used is dropped (every change it made was already handed to the queue).

use std::any::Any;
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

use futures::channel::oneshot;
use futures::future::LocalBoxFuture;
use futures::lock::Mutex;
use shared::account::Account;
use shared::contact::Contact;
use shared::deal::Deal;
use shared::document::{Document, DocumentError};
use shared::edit::Edit;
use shared::history::ChangeHash;
use shared::record::RefusedChange;
use shared::record_patch::text::{merge_text, splice_between};
use shared::record_patch::{RecordPatchError, TextFields};
use shared::sales::{Order, Product, Quote};
use shared::settings::Settings;

use super::record::{ChangeId, OpenableRecord, RecordContent, RecordData, RecordEdit, RecordRef};
use super::runner::Runner;
use crate::records::history_view::{self, HistoryDetail, RecordHistory};
use crate::records::record_view::RecordSnapshot;
use crate::state::problem::Problem;
use crate::storage::Storage;

/// Runs `$body` with `$kind` the record type `$record` names and `$id` its typed id.
macro_rules! for_kind {
    ($record:expr, |$kind:ident, $id:ident| $body:expr) => {
        match $record {
            RecordRef::Account($id) => {
                type $kind = Account;
                $body
            }
            RecordRef::Contact($id) => {
                type $kind = Contact;
                $body
            }
            RecordRef::Deal($id) => {
                type $kind = Deal;
                $body
            }
            RecordRef::Settings($id) => {
                type $kind = Settings;
                $body
            }
            RecordRef::Product($id) => {
                type $kind = Product;
                $body
            }
            RecordRef::Quote($id) => {
                type $kind = Quote;
                $body
            }
            RecordRef::Order($id) => {
                type $kind = Order;
                $body
            }
        }
    };
}

/// How many documents stay live at most.
pub const LIVE_RECORDS: usize = 32;

/// The live documents of one worker.
pub struct OpenRecords {
    storage: Rc<Storage>,
    runner: Runner,
    live: Mutex<Live>,
    /// Reads and edits take turns in the order they arrive.
    turns: Turns,
    /// Live documents storage may hold newer changes of (sync or another tab wrote them): each
    /// merges what storage holds before its next use.
    outdated: RefCell<Outdated>,
}

/// Which live documents may be behind storage, or no longer in it (purged when the record left
/// the person's reach, wiped by a sign-out).
#[derive(Default)]
struct Outdated {
    every: bool,
    records: BTreeSet<RecordRef>,
}

impl Outdated {
    /// Whether storage may have changed `record` since it was made live.
    fn touches(&self, record: RecordRef) -> bool {
        self.every || self.records.contains(&record)
    }
}

#[derive(Default)]
struct Live {
    documents: BTreeMap<RecordRef, LiveDocument>,
    clock: u64,
}

struct LiveDocument {
    /// A `Document<R>` of the record's kind.
    document: Box<dyn Any>,
    /// When it was last used ([`Live::clock`]).
    used: u64,
}

impl OpenRecords {
    /// The open records of a worker over `storage`, saving through `runner`.
    pub fn new(storage: Rc<Storage>, runner: Runner) -> Self {
        Self {
            storage,
            runner,
            live: Mutex::new(Live::default()),
            turns: Turns::default(),
            outdated: RefCell::new(Outdated::default()),
        }
    }

    /// Storage may hold changes of `records` the live documents lack (sync stored them, or
    /// another tab saved them).
    pub fn outdated(&self, records: impl IntoIterator<Item = RecordRef>) {
        self.outdated.borrow_mut().records.extend(records);
    }

    /// Storage may hold changes of any record the live documents lack (another tab imported,
    /// signed out, or wrote what it did not describe).
    pub fn all_outdated(&self) {
        self.outdated.borrow_mut().every = true;
    }

    /// The content of `record` as storage holds it now (merged into the live document), or
    /// `None` when the device has no such record.
    pub async fn read(&self, record: RecordRef) -> Result<Option<RecordContent>, Problem> {
        let _turn = self.turns.take().await;
        for_kind!(record, |Kind, id| self.read_kind::<Kind>(record, id).await)
    }

    /// Applies `edit` (stamped `stamp`) to `record` and resolves once the changes it made are
    /// stored (or with the problem that stopped them).
    pub async fn edit(
        &self,
        record: RecordRef,
        stamp: Edit,
        edit: RecordEdit,
    ) -> Result<(), Problem> {
        let turn = self.turns.take().await;
        let saved = for_kind!(record, |Kind, id| {
            self.edit_kind::<Kind>(record, id, &stamp, edit).await?
        });
        // Queued: the next edit may be applied while this one is stored.
        drop(turn);
        saved.await
    }

    /// The history of `record`.
    pub async fn history(&self, record: RecordRef) -> Result<RecordHistory, Problem> {
        let _turn = self.turns.take().await;
        for_kind!(record, |Kind, id| self
            .history_kind::<Kind>(record, id)
            .await)
    }

    /// What the history row `last` (between change `before` and change `after`) changed, and
    /// the record as it was then.
    pub async fn history_detail(
        &self,
        record: RecordRef,
        before: Option<ChangeId>,
        after: ChangeId,
        last: usize,
    ) -> Result<Option<HistoryDetail>, Problem> {
        let _turn = self.turns.take().await;
        let before: Vec<ChangeHash> = before.map(|id| ChangeHash(id.0)).into_iter().collect();
        let after = ChangeHash(after.0);
        for_kind!(record, |Kind, id| {
            let mut live = self.live.lock().await;
            let document = self.live_document::<Kind>(&mut live, record, id).await?;
            Ok(document
                .map(|document| history_view::detail_between(document, &before, after, last)))
        })
    }

    async fn read_kind<R: OpenableRecord + TextFields>(
        &self,
        record: RecordRef,
        id: R::Id,
    ) -> Result<Option<RecordContent>, Problem> {
        let mut live = self.live.lock().await;
        // Always merge what storage holds: the page asks again when sync stored changes.
        let stored = self
            .storage
            .load_document::<R>(id)
            .await
            .map_err(|error| error.problem())?;
        let Some(stored) = stored else {
            if self.outdated.borrow().touches(record) {
                // Storage changed and no longer holds it: purged or wiped, not a creation
                // whose save is still under way.
                live.documents.remove(&record);
                return Ok(None);
            }
            return Ok(live
                .documents
                .get(&record)
                .and_then(|live| live.document.downcast_ref::<Document<R>>())
                .map(content));
        };
        let document = live.insert_or_merge(record, stored)?;
        Ok(Some(content(document)))
    }

    /// Applies `edit` and queues its changes (in this call, so edits are queued in order);
    /// returns what resolves once they are stored.
    async fn edit_kind<R: OpenableRecord + TextFields>(
        &self,
        record: RecordRef,
        id: R::Id,
        stamp: &Edit,
        edit: RecordEdit,
    ) -> Result<LocalBoxFuture<'static, Result<(), Problem>>, Problem> {
        let mut live = self.live.lock().await;
        if let RecordEdit::Create { data } = edit {
            return self.create::<R>(&mut live, record, id, stamp, *data).await;
        }
        let document = self
            .live_document::<R>(&mut live, record, id)
            .await?
            .ok_or_else(|| Problem::new("problem-record-missing"))?;
        if R::HAS_EDIT_RULES {
            // Tried on a copy first: a refused edit must leave the live document untouched.
            let mut trial = document.fork();
            apply(&mut trial, stamp, edit.clone())
                .map_err(|error| Problem::with_detail("problem-edit-refused", error.to_string()))?;
            if let (Ok(before), Ok(after)) = (document.record(), trial.record()) {
                R::admits(&before, &after).map_err(|refused| refused_problem(&refused))?;
            }
        }
        let before = document.heads();
        apply(document, stamp, edit)
            .map_err(|error| Problem::with_detail("problem-edit-refused", error.to_string()))?;
        let changes = document.changes_since(&before);
        Ok(self.runner.save(record, changes))
    }

    /// Creates `record` from `data` and queues its first change.
    async fn create<R: OpenableRecord>(
        &self,
        live: &mut Live,
        record: RecordRef,
        id: R::Id,
        stamp: &Edit,
        data: RecordData,
    ) -> Result<LocalBoxFuture<'static, Result<(), Problem>>, Problem> {
        if self.live_document::<R>(live, record, id).await?.is_some() {
            // Ids of new records are fresh random ids: one already stored is this creation,
            // replayed to a worker that replaced the one that stored it.
            return Ok(Box::pin(futures::future::ready(Ok(()))));
        }
        let content = R::from_data(data).ok_or_else(|| Problem::new("problem-edit-refused"))?;
        R::admits_new(&content).map_err(|refused| refused_problem(&refused))?;
        let document = Document::new(id, &content, stamp)
            .map_err(|error| Problem::with_detail("problem-edit-refused", error.to_string()))?;
        let document = live.insert_or_merge(record, document)?;
        let changes = document.changes_since(&[]);
        Ok(self.runner.save(record, changes))
    }

    async fn history_kind<R: OpenableRecord + TextFields>(
        &self,
        record: RecordRef,
        id: R::Id,
    ) -> Result<RecordHistory, Problem> {
        let mut live = self.live.lock().await;
        let Some(document) = self.live_document::<R>(&mut live, record, id).await? else {
            return Ok(RecordHistory::default());
        };
        let entries = document.history();
        Ok(RecordHistory {
            rows: history_view::group(&entries),
            changes: entries.iter().map(|entry| ChangeId(entry.hash.0)).collect(),
        })
    }

    /// The live document of `record`, loaded from storage when it is not live yet.
    async fn live_document<'live, R: OpenableRecord>(
        &self,
        live: &'live mut Live,
        record: RecordRef,
        id: R::Id,
    ) -> Result<Option<&'live mut Document<R>>, Problem> {
        let behind = {
            let mut outdated = self.outdated.borrow_mut();
            if outdated.every {
                // Every live document is behind: each catches up on its next use.
                outdated.every = false;
                let live_records: Vec<RecordRef> = live.documents.keys().copied().collect();
                outdated.records.extend(live_records);
            }
            outdated.records.remove(&record)
        };
        if behind || !live.documents.contains_key(&record) {
            let stored = self
                .storage
                .load_document::<R>(id)
                .await
                .map_err(|error| error.problem())?;
            let Some(stored) = stored else {
                // Behind and gone from storage (purged, wiped): the live copy goes too.
                live.documents.remove(&record);
                return Ok(None);
            };
            live.insert_or_merge(record, stored)?;
        }
        Ok(live.get_mut::<R>(record))
    }
}

/// Turns handed out in the order they are asked for: a turn starts once every turn asked for
/// before it has ended.
#[derive(Default)]
struct Turns {
    /// Resolves when the last turn asked for ends.
    last: RefCell<Option<oneshot::Receiver<()>>>,
}

/// A turn; the next one starts when it is dropped.
struct Turn {
    _ends: oneshot::Sender<()>,
}

impl Turns {
    /// Asks for a turn now (in the call, not when the future is first polled) and resolves
    /// when it starts.
    fn take(&self) -> impl std::future::Future<Output = Turn> {
        let (ends, ended) = oneshot::channel();
        let previous = self.last.replace(Some(ended));
        async move {
            if let Some(previous) = previous {
                // The previous turn's sender is dropped when it ends: `Canceled` is the signal.
                previous.await.ok();
            }
            Turn { _ends: ends }
        }
    }
}

impl Live {
    /// Merges `stored` into the live document of `record`, or makes it live (dropping the least
    /// recently used one when full).
    fn insert_or_merge<R: OpenableRecord>(
        &mut self,
        record: RecordRef,
        mut stored: Document<R>,
    ) -> Result<&mut Document<R>, Problem> {
        self.clock += 1;
        if !self.documents.contains_key(&record) {
            if self.documents.len() >= LIVE_RECORDS {
                let oldest = self
                    .documents
                    .iter()
                    .min_by_key(|(_, live)| live.used)
                    .map(|(record, _)| *record);
                if let Some(oldest) = oldest {
                    self.documents.remove(&oldest);
                }
            }
            self.documents.insert(
                record,
                LiveDocument {
                    document: Box::new(stored),
                    used: self.clock,
                },
            );
        } else if let Some(document) = self.get_mut::<R>(record) {
            document.merge(&mut stored).map_err(|error| {
                Problem::with_detail("problem-record-unmergeable", error.to_string())
            })?;
        }
        self.get_mut::<R>(record)
            .ok_or_else(|| Problem::new("problem-record-missing"))
    }

    fn get_mut<R: OpenableRecord>(&mut self, record: RecordRef) -> Option<&mut Document<R>> {
        let clock = self.clock;
        let live = self.documents.get_mut(&record)?;
        live.used = clock;
        live.document.downcast_mut::<Document<R>>()
    }
}

/// What the page is shown of `document`.
fn content<R: OpenableRecord>(document: &Document<R>) -> RecordContent {
    let snapshot = RecordSnapshot::of_document(document);
    RecordContent {
        record: snapshot
            .record
            .map(|record| Box::new(OpenableRecord::into_data(record))),
        conflicts: snapshot
            .conflicts
            .iter()
            .map(|conflict| (**conflict).clone())
            .collect(),
    }
}

/// The problem shown for an edit the record's kind refuses.
fn refused_problem(refused: &RefusedChange) -> Problem {
    match refused {
        RefusedChange::Frozen(status) => {
            Problem::with_detail("problem-sale-frozen", status.clone())
        }
        RefusedChange::Protected(field) => {
            Problem::with_detail("problem-sale-protected", (*field).to_owned())
        }
        RefusedChange::Invalid(detail) => {
            Problem::with_detail("problem-sale-invalid", detail.clone())
        }
    }
}

/// Why an edit could not be applied.
#[derive(Debug, thiserror::Error)]
enum EditError {
    #[error(transparent)]
    Document(#[from] DocumentError),
    #[error(transparent)]
    Patch(#[from] RecordPatchError),
}

/// Applies `edit` to `document`, stamped `stamp`.
fn apply<R: OpenableRecord + TextFields>(
    document: &mut Document<R>,
    stamp: &Edit,
    edit: RecordEdit,
) -> Result<(), EditError> {
    match edit {
        RecordEdit::Patch { message, patch } => {
            document.apply_patch(stamp, &message, &patch)?;
        }
        RecordEdit::Text { path, base, text } => {
            // The page typed on `base`; the text may have changed since (another tab typed).
            let current = document.text(&path)?;
            let typed = match base {
                Some(base) => merge_text(&base, &text, &current),
                None => text,
            };
            if let Some(splice) = splice_between(&current, &typed) {
                document.splice_text(
                    stamp,
                    &path,
                    splice.position,
                    splice.delete,
                    &splice.insert,
                )?;
            }
        }
        RecordEdit::Choose { path, chosen } => {
            let values = document.conflicts(&path)?;
            if let Some(value) = values
                .iter()
                .find(|value| value.value.to_string() == chosen)
            {
                document.choose(stamp, &path, value)?;
            }
        }
        RecordEdit::Restore { path, at } => {
            document.restore_field(stamp, &path, &[ChangeHash(at.0)])?;
        }
        // `OpenRecords::edit_kind` creates records before it gets here.
        RecordEdit::Create { .. } => {}
    }
    Ok(())
}
