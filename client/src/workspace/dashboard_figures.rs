//! The dashboard's figures, computed in the workspace worker (wasm32): the page asks
//! `Query::Dashboard` and gets plain data back, so neither reading every row nor the cockpit's
//! arithmetic runs on the page's thread.
//!
//! It reads every account, deal, quote, order and product row (lists read rows; so do the
//! figures): rows carry what the figures need (`shared::index::ROW_FORM`). Only rows of an
//! older form, stored before this build, send it to documents: the accounts among them with an
//! activity since the figures' window opened (`dashboard::figures::window_start`) or with
//! orders (activities, industry), and the open deals among them (their own probability). The
//! rest is `dashboard::gathered` and `dashboard::figures`, pure.

use std::collections::{BTreeMap, BTreeSet};

use shared::deal::{Deal, DealStatus};
use shared::ids::{AccountId, DealId, WorkspaceId};
use shared::index::ROW_FORM;
use shared::settings::Settings;

use crate::dashboard::figures::{window_start, DashboardFigures};
use crate::dashboard::gathered::Gathered;
use crate::state::problem::Problem;
use crate::storage::{DashboardRows, Storage, StorageError};

/// How many documents are read between two yields to the worker's other messages.
const DOCUMENTS_PER_SLICE: usize = 50;

/// The dashboard's figures at `now` (Unix seconds), `workspace`'s settings giving the stages
/// and objectives.
pub async fn compute(
    storage: &Storage,
    workspace: Option<WorkspaceId>,
    now: i64,
) -> Result<DashboardFigures, Problem> {
    let gathered = gather(storage, workspace, now)
        .await
        .map_err(|error| error.problem())?;
    DashboardFigures::compute(&gathered, now)
        .map_err(|error| Problem::with_detail("problem-dashboard-figures", error.to_string()))
}

async fn gather(
    storage: &Storage,
    workspace: Option<WorkspaceId>,
    now: i64,
) -> Result<Gathered, StorageError> {
    let settings = match workspace {
        Some(id) => storage
            .load_document::<Settings>(id)
            .await?
            .and_then(|document| readable(document.record())),
        None => None,
    };
    // A window that cannot be computed (a clock out of range) reads every active account.
    let since = window_start(settings.as_ref(), now).unwrap_or(i64::MIN);
    let DashboardRows {
        accounts,
        deals,
        quotes,
        orders,
        products,
    } = storage.dashboard_rows().await?;
    let people = storage.people().await?;
    let buying: BTreeSet<&str> = orders.iter().map(|order| order.account.as_str()).collect();
    let wanted: Vec<AccountId> = accounts
        .iter()
        .filter(|row| row.form < ROW_FORM)
        .filter(|row| {
            row.last_activity.is_some_and(|at| at >= since) || buying.contains(row.id.as_str())
        })
        .filter_map(|row| row.id.parse().ok())
        .collect();
    let mut documents = BTreeMap::new();
    for (read, id) in wanted.into_iter().enumerate() {
        if let Some(account) = storage
            .load_account(id)
            .await?
            .and_then(|document| readable(document.record()))
        {
            documents.insert(id, account);
        }
        pause_now_and_then(read).await;
    }
    let open: Vec<DealId> = deals
        .iter()
        .filter(|row| row.form < ROW_FORM && row.status == DealStatus::Open.as_str())
        .filter_map(|row| row.id.parse().ok())
        .collect();
    let mut probabilities = BTreeMap::new();
    for (read, id) in open.into_iter().enumerate() {
        if let Some(deal) = storage
            .load_document::<Deal>(id)
            .await?
            .and_then(|document| readable(document.record()))
        {
            probabilities.insert(id, deal.probability);
        }
        pause_now_and_then(read).await;
    }
    Ok(Gathered {
        accounts,
        documents,
        deals,
        probabilities,
        quotes,
        orders,
        products,
        people,
        settings,
    })
}

/// The record, or `None` (logged) when its document cannot be read: one damaged record must
/// not hide the whole dashboard; its row still counts.
fn readable<R>(record: Result<R, shared::document::DocumentError>) -> Option<R> {
    record
        .map_err(|error| {
            gloo::console::warn!(format!("dashboard: a record is unreadable: {error}"))
        })
        .ok()
}

/// Yields to the worker's other messages after every [`DOCUMENTS_PER_SLICE`] documents.
async fn pause_now_and_then(read: usize) {
    if read % DOCUMENTS_PER_SLICE == DOCUMENTS_PER_SLICE - 1 {
        gloo::timers::future::TimeoutFuture::new(0).await;
    }
}
