//! The History tab of any open record: its changes (read from the live document only while
//! the tab is open), the selected change's details, and restoring a field's value as of that
//! change as a new change, which syncs like any edit.

use std::rc::Rc;

use automerge::ChangeHash;
use shared::field::FieldPath;
use shared::history::HistoryEntry;
use shared::record::Record;
use yew::prelude::*;

use super::use_document::DocumentHandle;
use crate::hooks::{use_sync, SessionState};
use crate::records::history_view::{self, HistoryDetail, HistoryRow, Me};

/// What the History tab shows and can do.
#[derive(Clone, PartialEq)]
pub struct HistoryHandle {
    /// The rows, newest first.
    pub rows: Rc<Vec<HistoryRow>>,
    /// The selected row's details.
    pub detail: Option<Rc<HistoryDetail>>,
    /// The signed-in person, to recognise their changes.
    pub me: Option<Rc<Me>>,
    /// Select the row whose key ([`HistoryRow::last`]) is given.
    pub select: Callback<usize>,
    /// Restore the field at this path to its value as of the selected row.
    pub restore: Callback<FieldPath>,
}

/// The history of `document`, read while `open`.
#[hook]
pub fn use_history<R, V>(document: &DocumentHandle<R, V>, open: bool) -> HistoryHandle
where
    R: Record + 'static,
    V: Clone + PartialEq + 'static,
{
    let entries: Rc<Vec<HistoryEntry>> = {
        let document = document.clone();
        // Keyed on the view: any change to the record re-reads its history.
        use_memo((open, document.view().clone()), move |(open, _)| {
            if *open {
                document
                    .inspect(|document| document.history())
                    .unwrap_or_default()
            } else {
                Vec::new()
            }
        })
    };
    let rows = {
        let entries = Rc::clone(&entries);
        use_memo(entries, |entries| history_view::group(entries))
    };
    let selected = use_state(|| None::<ChangeHash>);
    let selected_row = selected.as_ref().and_then(|hash| {
        rows.iter()
            .find(|row| entries.get(row.last).map(|entry| entry.hash) == Some(*hash))
            .cloned()
    });
    let detail = {
        let document = document.clone();
        let entries = Rc::clone(&entries);
        use_memo((selected_row, entries), move |(row, entries)| {
            let row = row.as_ref()?;
            document
                .inspect(|document| history_view::detail(document, entries, row))
                .flatten()
                .map(Rc::new)
        })
    };
    let select = {
        let entries = Rc::clone(&entries);
        let selected = selected.clone();
        Callback::from(move |last: usize| {
            selected.set(entries.get(last).map(|entry| entry.hash));
        })
    };
    let restore = {
        let document = document.clone();
        Callback::from(move |path: FieldPath| {
            let Some(hash) = *selected else {
                return;
            };
            document.edit(move |document, edit| {
                document.restore_field(edit, &path, &[hash]).map(|_| ())
            });
        })
    };
    let sync = use_sync();
    let me = sync.as_ref().and_then(|sync| match sync.session() {
        SessionState::SignedIn(session) => Some(Rc::new(Me {
            editor: session.editor()?,
            name: session.user.name.clone(),
        })),
        _ => None,
    });
    HistoryHandle {
        rows,
        detail: (*detail).clone(),
        me,
        select,
        restore,
    }
}
