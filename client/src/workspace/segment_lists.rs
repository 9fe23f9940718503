//! The segments' figures and call lists, computed in the workspace worker (wasm32): the page
//! asks `Query::Segments` or `Query::CallList` and gets plain data or finished CSV bytes back,
//! so neither reading the accounts nor matching them runs on the page's thread.
//!
//! A segment may filter on industry and visits and a call list prints a phone: account rows
//! carry them (`shared::index::ROW_FORM`), so only the documents of rows of an older form are
//! read, a slice at a time (nothing at all when the settings hold no segment); orders come from
//! their rows. The rows are the ones the dashboard keeps between computations
//! (`dashboard_figures::DashboardRowsKeeper`). The rest is `dashboard::segment_figures`, pure.

use std::collections::BTreeMap;

use shared::ids::{AccountId, WorkspaceId};
use shared::index::ROW_FORM;

use super::dashboard_figures::{DashboardRowsKeeper, RowsNow};
use crate::dashboard::gathered::Gathered;
use crate::dashboard::segment_figures::{call_list_csv, SegmentFiguresError, SegmentsFigures};
use crate::state::problem::Problem;
use crate::storage::{Storage, StorageError};

/// How many documents are read between two yields to the worker's other messages.
const DOCUMENTS_PER_SLICE: usize = 50;

/// The segments of `workspace`'s settings with the accounts of this device each holds at
/// `now` (Unix seconds).
pub async fn segments(
    storage: &Storage,
    kept: &DashboardRowsKeeper,
    workspace: Option<WorkspaceId>,
    now: i64,
) -> Result<SegmentsFigures, Problem> {
    let gathered = gather(storage, kept, workspace)
        .await
        .map_err(|error| error.problem())?;
    SegmentsFigures::compute(&gathered, now).map_err(problem)
}

/// The call list of segment `segment` at `now`, as CSV bytes.
pub async fn call_list(
    storage: &Storage,
    kept: &DashboardRowsKeeper,
    workspace: Option<WorkspaceId>,
    segment: &str,
    now: i64,
) -> Result<Vec<u8>, Problem> {
    let gathered = gather(storage, kept, workspace)
        .await
        .map_err(|error| error.problem())?;
    call_list_csv(&gathered, segment, now)
        .map_err(problem)?
        .ok_or_else(|| Problem::new("problem-segment-missing"))
}

fn problem(error: SegmentFiguresError) -> Problem {
    Problem::with_detail("problem-segment-figures", error.to_string())
}

async fn gather(
    storage: &Storage,
    kept: &DashboardRowsKeeper,
    workspace: Option<WorkspaceId>,
) -> Result<Gathered, StorageError> {
    let settings = match workspace {
        Some(id) => kept.settings(storage, id).await?,
        None => None,
    };
    let saved = settings
        .as_ref()
        .is_some_and(|settings| !settings.segments.is_empty());
    if !saved {
        return Ok(Gathered {
            settings,
            ..Gathered::default()
        });
    }
    let RowsNow {
        accounts, orders, ..
    } = kept.rows(storage).await?;
    // Rows of this form carry industry, phone and activities; only older rows need their
    // documents.
    let mut documents = BTreeMap::new();
    let ids: Vec<AccountId> = accounts
        .iter()
        .filter(|row| row.form < ROW_FORM)
        .filter_map(|row| row.id.parse().ok())
        .collect();
    for (read, id) in ids.into_iter().enumerate() {
        if let Some(account) = storage
            .load_account(id)
            .await?
            .and_then(|document| readable(document.record()))
        {
            documents.insert(id, account);
        }
        if read % DOCUMENTS_PER_SLICE == DOCUMENTS_PER_SLICE - 1 {
            gloo::timers::future::TimeoutFuture::new(0).await;
        }
    }
    Ok(Gathered {
        accounts,
        documents,
        orders,
        settings,
        ..Gathered::default()
    })
}

/// The record, or `None` (logged) when its document cannot be read: its row still counts.
fn readable<R>(record: Result<R, shared::document::DocumentError>) -> Option<R> {
    record
        .map_err(|error| gloo::console::warn!(format!("segments: a record is unreadable: {error}")))
        .ok()
}
