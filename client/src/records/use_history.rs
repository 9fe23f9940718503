//! The History tab of any open record: its changes (read from the workspace worker only while
//! the tab is open, again whenever the record changes), the selected change's details, and
//! restoring a field's value as of that change as a new change, which syncs like any edit.

use std::rc::Rc;

use shared::field::FieldPath;
use yew::prelude::*;

use super::use_document::DocumentHandle;
use crate::bridge::{Answer, Query};
use crate::hooks::{use_sync, SessionState};
use crate::records::history_view::{HistoryDetail, HistoryRow, Me, RecordHistory};
use crate::team::people::People;
use crate::team::use_people;
use crate::workspace::record::{ChangeId, OpenableRecord, RecordEdit};

/// What the History tab shows and can do.
#[derive(Clone, PartialEq)]
pub struct HistoryHandle {
    /// The rows, newest first.
    pub rows: Rc<Vec<HistoryRow>>,
    /// The selected row's details.
    pub detail: Option<Rc<HistoryDetail>>,
    /// The signed-in person, to recognise their changes.
    pub me: Option<Rc<Me>>,
    /// The people directory, to name colleagues.
    pub people: Rc<People>,
    /// Select the row whose key ([`HistoryRow::last`]) is given.
    pub select: Callback<usize>,
    /// Restore the field at this path to its value as of the selected row.
    pub restore: Callback<FieldPath>,
}

/// The history of `document`, read while `open`.
#[hook]
pub fn use_history<R, V>(document: &DocumentHandle<R, V>, open: bool) -> HistoryHandle
where
    R: OpenableRecord,
    V: Clone + PartialEq + 'static,
{
    let history = use_state(|| Rc::new(RecordHistory::default()));
    {
        let document = document.clone();
        let history = history.setter();
        // Keyed on the view: any change to the record re-reads its history.
        use_effect_with((open, document.view().clone()), move |(open, _)| {
            if !*open {
                history.set(Rc::new(RecordHistory::default()));
            } else if let Some(workspace) = document.workspace() {
                let record = document.record();
                wasm_bindgen_futures::spawn_local(async move {
                    if let Answer::History(Ok(read)) = workspace.ask(Query::History(record)).await {
                        history.set(Rc::new(read));
                    }
                });
            }
        });
    }
    let rows = Rc::new(history.rows.clone());
    let selected = use_state(|| None::<ChangeId>);
    let selected_row = selected.as_ref().and_then(|id| {
        history
            .rows
            .iter()
            .find(|row| history.changes.get(row.last) == Some(id))
            .cloned()
    });
    let detail = use_state(|| None::<Rc<HistoryDetail>>);
    {
        let document = document.clone();
        let detail = detail.setter();
        let history = Rc::clone(&history);
        use_effect_with(selected_row, move |row| {
            let query = row.as_ref().and_then(|row| {
                Some(Query::HistoryDetail {
                    record: document.record(),
                    before: row
                        .before
                        .and_then(|index| history.changes.get(index).copied()),
                    after: *history.changes.get(row.last)?,
                    last: row.last,
                })
            });
            match (query, document.workspace()) {
                (Some(query), Some(workspace)) => {
                    wasm_bindgen_futures::spawn_local(async move {
                        if let Answer::HistoryDetail(Ok(read)) = workspace.ask(query).await {
                            detail.set(read.map(Rc::new));
                        }
                    });
                }
                _ => detail.set(None),
            }
        });
    }
    let select = {
        let history = Rc::clone(&history);
        let selected = selected.clone();
        Callback::from(move |last: usize| {
            selected.set(history.changes.get(last).copied());
        })
    };
    let restore = {
        let document = document.clone();
        Callback::from(move |path: FieldPath| {
            let Some(at) = *selected else {
                return;
            };
            document.edit(RecordEdit::Restore { path, at });
        })
    };
    let sync = use_sync();
    let me = sync.as_ref().and_then(|sync| match sync.session() {
        SessionState::SignedIn(session) => Some(Rc::new(Me {
            editor: session.editor(),
            name: session.user.name.clone(),
        })),
        _ => None,
    });
    let people = use_people();
    HistoryHandle {
        rows,
        detail: (*detail).clone(),
        me,
        people,
        select,
        restore,
    }
}
