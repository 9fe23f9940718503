//! The dashboard's figures, computed in the workspace worker (wasm32): the page asks
//! `Query::Dashboard` and gets plain data back, so neither reading every row nor the cockpit's
//! arithmetic runs on the page's thread.
//!
//! It reads every account, deal, quote, order and product row (lists read rows; so do the
//! figures): rows carry what the figures need (`shared::index::ROW_FORM`). The rows are kept
//! between computations ([`DashboardRowsKeeper`], decided by `workspace::dashboard_rows`): the
//! first computation reads them all, later ones only the rows of records written since, and
//! the worker reads them once a few seconds after it starts, so the first opening of the
//! cockpit finds them ready; the cockpit's facts made of them (which do not depend on the
//! clock) are kept too, until the rows or the settings change. Only rows of an older form,
//! stored before this build, send it to documents: the accounts among them with an activity
//! since the figures' window opened (`dashboard::figures::window_start`) or with orders
//! (activities, industry), and the open deals among them (their own probability). The rest is
//! `dashboard::gathered` and `dashboard::figures`, pure.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

use futures::lock::Mutex;
use shared::cockpit::Facts;
use shared::deal::{Deal, DealStatus};
use shared::ids::{AccountId, DealId, WorkspaceId};
use shared::index::{AccountIndexRow, DealIndexRow, ROW_FORM};
use shared::sales::{OrderIndexRow, ProductIndexRow, QuoteIndexRow};
use shared::settings::Settings;

use super::dashboard_rows::{record_key, KeptRows, Keyed, Plan, RowsKeeper};
use super::invalidation::Written;
use crate::dashboard::figures::{window_start, DashboardFigures};
use crate::dashboard::gathered::Gathered;
use crate::state::problem::Problem;
use crate::storage::{DashboardRows, Storage, StorageError};

/// How many documents are read between two yields to the worker's other messages.
const DOCUMENTS_PER_SLICE: usize = 50;

/// The dashboard's rows, kept in the worker between computations (one per worker).
#[derive(Default)]
pub struct DashboardRowsKeeper {
    keeper: RefCell<RowsKeeper>,
    /// The cockpit's facts, made of the rows and settings of one version (they do not depend on
    /// the clock).
    facts: RefCell<Option<KeptFacts>>,
    /// One plan's reads at a time: two computations asked together read once.
    turn: Mutex<()>,
}

/// The cockpit's facts and the version of the rows and settings they were made of.
struct KeptFacts {
    version: (u64, u64),
    facts: Rc<Facts>,
}

/// The rows one computation reads, as they were when it asked.
#[derive(Clone, Debug)]
pub struct RowsNow {
    /// Every account's row.
    pub accounts: Rc<Vec<AccountIndexRow>>,
    /// Every deal's row.
    pub deals: Rc<Vec<DealIndexRow>>,
    /// Every quote version's row.
    pub quotes: Rc<Vec<QuoteIndexRow>>,
    /// Every order's row.
    pub orders: Rc<Vec<OrderIndexRow>>,
    /// Every catalogue product's row.
    pub products: Rc<Vec<ProductIndexRow>>,
    /// The kept rows' version (see `RowsKeeper::version`).
    pub version: u64,
}

impl DashboardRowsKeeper {
    /// Nothing kept yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// The workspace wrote `written` (told before any subscriber re-reads).
    pub fn written(&self, written: Written) {
        self.keeper.borrow_mut().written(written);
    }

    /// The rows as storage holds them now, reading only what changed since the last call.
    pub async fn rows(&self, storage: &Storage) -> Result<RowsNow, StorageError> {
        let _turn = self.turn.lock().await;
        let plan = self.keeper.borrow_mut().plan();
        let read = match plan {
            Plan::Ready => Ok(()),
            Plan::ReadAll => storage.dashboard_rows().await.map(|rows| {
                let DashboardRows {
                    accounts,
                    deals,
                    quotes,
                    orders,
                    products,
                } = rows;
                self.keeper.borrow_mut().read_all(KeptRows {
                    accounts: Keyed::new(accounts),
                    deals: Keyed::new(deals),
                    quotes: Keyed::new(quotes),
                    orders: Keyed::new(orders),
                    products: Keyed::new(products),
                });
            }),
            Plan::Patch(records) => {
                let records: Vec<_> = records.into_iter().collect();
                let keys: Vec<_> = records
                    .iter()
                    .map(|record| (record.kind(), record_key(*record)))
                    .collect();
                storage.index_rows_of(&keys).await.map(|rows| {
                    self.keeper
                        .borrow_mut()
                        .patched(records.into_iter().zip(rows).collect());
                })
            }
        };
        if let Err(error) = read {
            self.keeper.borrow_mut().failed();
            return Err(error);
        }
        let keeper = self.keeper.borrow();
        let kept = keeper
            .rows()
            .ok_or_else(|| StorageError::corrupt("the dashboard's rows were not kept"))?;
        Ok(RowsNow {
            accounts: kept.accounts.rows(),
            deals: kept.deals.rows(),
            quotes: kept.quotes.rows(),
            orders: kept.orders.rows(),
            products: kept.products.rows(),
            version: keeper.version().0,
        })
    }

    /// The settings' version now (take it before reading them).
    fn settings_version(&self) -> u64 {
        self.keeper.borrow().version().1
    }

    /// The facts kept for `version`, if any.
    fn facts_of(&self, version: (u64, u64)) -> Option<Rc<Facts>> {
        match &*self.facts.borrow() {
            Some(kept) if kept.version == version => Some(Rc::clone(&kept.facts)),
            _ => None,
        }
    }

    /// `workspace`'s settings (kept until written).
    pub async fn settings(
        &self,
        storage: &Storage,
        workspace: WorkspaceId,
    ) -> Result<Option<Settings>, StorageError> {
        let read = match self.keeper.borrow().settings(workspace) {
            Ok(settings) => return Ok(settings),
            Err(read) => read,
        };
        let settings = storage
            .load_document::<Settings>(workspace)
            .await?
            .and_then(|document| readable(document.record()));
        self.keeper
            .borrow_mut()
            .keep_settings(read, settings.clone());
        Ok(settings)
    }

    /// Reads the rows and makes the facts now, for the signed-in workspace, so the first
    /// computation finds them ready (a failure is logged and left to that computation).
    pub async fn warm_up(&self, storage: &Storage) {
        let workspace = match storage.session().await {
            Ok(session) => session.map(|session| session.workspace.id),
            Err(error) => {
                gloo::console::warn!(format!("dashboard: no session to warm up: {error}"));
                return;
            }
        };
        let now = (js_sys::Date::now() / 1000.0).floor() as i64;
        if let Err(error) = gather(storage, self, workspace, now, &mut Vec::new()).await {
            gloo::console::warn!(format!("dashboard: the rows could not be read: {error}"));
        }
    }
}

/// The dashboard's figures at `now` (Unix seconds), `workspace`'s settings giving the stages
/// and objectives.
pub async fn compute(
    storage: &Storage,
    kept: &DashboardRowsKeeper,
    workspace: Option<WorkspaceId>,
    now: i64,
) -> Result<DashboardFigures, Problem> {
    let began = js_sys::Date::now();
    let mut timings = Vec::new();
    let (gathered, facts) = gather(storage, kept, workspace, now, &mut timings)
        .await
        .map_err(|error| error.problem())?;
    let computing = js_sys::Date::now();
    let mut figures = DashboardFigures::of_facts(&facts, &gathered, now)
        .map_err(|error| Problem::with_detail("problem-dashboard-figures", error.to_string()))?;
    timings.push(("figures".to_owned(), js_sys::Date::now() - computing));
    timings.push(("total".to_owned(), js_sys::Date::now() - began));
    figures.timings = timings;
    Ok(figures)
}

/// What the figures are made of: the rows, settings and people, and the facts of the rows
/// (kept from the last computation when neither rows nor settings changed since).
async fn gather(
    storage: &Storage,
    kept: &DashboardRowsKeeper,
    workspace: Option<WorkspaceId>,
    now: i64,
    timings: &mut Vec<(String, f64)>,
) -> Result<(Gathered, Rc<Facts>), StorageError> {
    let began = js_sys::Date::now();
    // Taken before the settings are read: a write during the read makes the facts made of
    // them unfit for the next computation.
    let settings_version = kept.settings_version();
    let settings = match workspace {
        Some(id) => kept.settings(storage, id).await?,
        None => None,
    };
    let people = storage.people().await?;
    timings.push((
        "settings and people".to_owned(),
        js_sys::Date::now() - began,
    ));
    let reading = js_sys::Date::now();
    let RowsNow {
        accounts,
        deals,
        quotes,
        orders,
        products,
        version,
    } = kept.rows(storage).await?;
    timings.push(("rows".to_owned(), js_sys::Date::now() - reading));
    let version = (version, settings_version);
    let mut gathered = Gathered {
        accounts,
        documents: BTreeMap::new(),
        deals,
        probabilities: BTreeMap::new(),
        quotes,
        orders,
        products,
        people,
        settings,
    };
    if let Some(facts) = kept.facts_of(version) {
        timings.push(("facts (kept)".to_owned(), 0.0));
        return Ok((gathered, facts));
    }
    let reading = js_sys::Date::now();
    // A window that cannot be computed (a clock out of range) reads every active account.
    let since = window_start(gathered.settings.as_ref(), now).unwrap_or(i64::MIN);
    let buying: BTreeSet<&str> = gathered
        .orders
        .iter()
        .map(|order| order.account.as_str())
        .collect();
    let wanted: Vec<AccountId> = gathered
        .accounts
        .iter()
        .filter(|row| row.form < ROW_FORM)
        .filter(|row| {
            row.last_activity.is_some_and(|at| at >= since) || buying.contains(row.id.as_str())
        })
        .filter_map(|row| row.id.parse().ok())
        .collect();
    let open: Vec<DealId> = gathered
        .deals
        .iter()
        .filter(|row| row.form < ROW_FORM && row.status == DealStatus::Open.as_str())
        .filter_map(|row| row.id.parse().ok())
        .collect();
    for (read, id) in wanted.into_iter().enumerate() {
        if let Some(account) = storage
            .load_account(id)
            .await?
            .and_then(|document| readable(document.record()))
        {
            gathered.documents.insert(id, account);
        }
        pause_now_and_then(read).await;
    }
    for (read, id) in open.into_iter().enumerate() {
        if let Some(deal) = storage
            .load_document::<Deal>(id)
            .await?
            .and_then(|document| readable(document.record()))
        {
            gathered.probabilities.insert(id, deal.probability);
        }
        pause_now_and_then(read).await;
    }
    timings.push((
        "older rows' documents".to_owned(),
        js_sys::Date::now() - reading,
    ));
    let making = js_sys::Date::now();
    let facts = Rc::new(gathered.facts());
    *kept.facts.borrow_mut() = Some(KeptFacts {
        version,
        facts: Rc::clone(&facts),
    });
    timings.push(("facts".to_owned(), js_sys::Date::now() - making));
    Ok((gathered, facts))
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
