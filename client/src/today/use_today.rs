//! The rep's day: which accounts to read whole through the workspace worker (only those whose
//! index row has a task due by today or an activity today), the agenda derived from them, and the
//! intents "report this visit" and "this task is done", handed to the workspace service's save
//! queue as ordinary changes (offline included) and synced later. The day re-reads when the
//! service reports it stale (an account changed).

use std::rc::Rc;

use shared::account::Account;
use shared::ids::{AccountId, ActivityId, TaskId, UserId};
use shared::values::Date;
use yew::prelude::*;

use crate::hooks::{use_storage, use_sync, SessionState, StorageState, SyncHandle};
use crate::state::problem::Problem;
use crate::storage::Storage;
use crate::today::day_plan::{agenda, needs_document, Agenda, VisitReport};
use crate::workspace::service::WorkspaceService;
use crate::workspace::{use_topic, Topic};
use shared::edit::Edit;

/// What the Today page shows.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TodayView {
    /// The day's tasks, visits and reports (visits in due order; the page orders them by
    /// distance).
    pub agenda: Rc<Agenda>,
    /// Today's date, as the device's clock and time zone say.
    pub today: Option<Date>,
    /// Whether the day has been read yet.
    pub loaded: bool,
    /// The last problem, in plain words.
    pub error: Option<Problem>,
}

/// The day and what the rep can do with it.
#[derive(Clone, PartialEq)]
pub struct TodayHandle {
    view: UseStateHandle<TodayView>,
    storage: Option<Rc<Storage>>,
    sync: Option<SyncHandle>,
}

impl TodayHandle {
    /// What to show.
    pub fn view(&self) -> &TodayView {
        &self.view
    }

    /// Writes `report` into account `account` (a visit with its check-in, the planned task
    /// done, the next step) and saves it on the device; `saved` is told once it is stored.
    pub fn report_visit(&self, account: String, report: VisitReport, saved: Callback<()>) {
        let me = self.me();
        self.change_account(account, "visit report", saved, move |record, at| {
            report.apply(record, me, at, ActivityId::generate(), TaskId::generate());
        });
    }

    /// Marks task `task` of account `account` done.
    pub fn complete_task(&self, account: String, task: String) {
        self.change_account(
            account,
            "complete task",
            Callback::noop(),
            move |record, _| {
                if let Some(task) = record.tasks.get_mut(&task) {
                    task.done = true;
                }
            },
        );
    }

    fn me(&self) -> Option<UserId> {
        signed_in_user(self.sync.as_ref())
    }

    fn change_account(
        &self,
        account: String,
        message: &'static str,
        saved: Callback<()>,
        change: impl FnOnce(&mut Account, i64) + 'static,
    ) {
        let Some(sync) = self.sync.as_ref() else {
            return;
        };
        let Some(workspace) = sync.workspace() else {
            return;
        };
        let stamp = sync.stamp();
        let view = self.view.clone();
        wasm_bindgen_futures::spawn_local(async move {
            // Once stored, the service reports the day stale: it is read again with the change.
            match change_account(&workspace, &account, message, stamp, change).await {
                Ok(()) => saved.emit(()),
                Err(error) => view.set(TodayView {
                    error: Some(error),
                    ..(*view).clone()
                }),
            }
        });
    }
}

async fn change_account(
    workspace: &WorkspaceService,
    id: &str,
    message: &str,
    stamp: Edit,
    change: impl FnOnce(&mut Account, i64),
) -> Result<(), Problem> {
    let id = id
        .parse::<AccountId>()
        .map_err(|error| Problem::with_detail("problem-record-missing", error.to_string()))?;
    workspace
        .update_record::<Account>(id, stamp, message, |record| change(record, stamp.time))
        .await
}

fn signed_in_user(sync: Option<&SyncHandle>) -> Option<UserId> {
    sync.and_then(|sync| match sync.session() {
        SessionState::SignedIn(session) => Some(session.user.id),
        _ => None,
    })
}

/// Today's date and the Unix time of its first second, in the device's time zone.
fn local_day() -> Option<(Date, i64)> {
    let now = js_sys::Date::new_0();
    let date = Date::new(
        u16::try_from(now.get_full_year()).ok()?,
        u8::try_from(now.get_month() + 1).ok()?,
        u8::try_from(now.get_date()).ok()?,
    )
    .ok()?;
    now.set_hours(0);
    now.set_minutes(0);
    now.set_seconds(0);
    now.set_milliseconds(0);
    Some((date, (now.get_time() / 1000.0) as i64))
}

async fn read_day(
    storage: &Storage,
    workspace: &WorkspaceService,
    me: Option<UserId>,
) -> Result<TodayView, Problem> {
    let Some((today, day_start)) = local_day() else {
        return Ok(TodayView {
            loaded: true,
            error: Some(Problem::new("problem-clock-invalid")),
            ..TodayView::default()
        });
    };
    let rows = storage
        .account_rows_due_or_active(&today.to_string(), day_start)
        .await
        .map_err(|error| error.problem())?;
    let mut accounts = Vec::new();
    for row in rows
        .iter()
        .filter(|row| needs_document(row, today, day_start))
    {
        let Ok(id) = row.id.parse::<AccountId>() else {
            continue;
        };
        // A record a newer version wrote cannot be read: the day shows the others.
        if let Ok(Some(account)) = workspace.read_record::<Account>(id).await {
            accounts.push((row.id.clone(), account));
        }
    }
    Ok(TodayView {
        agenda: Rc::new(agenda(&accounts, me, today, day_start)),
        today: Some(today),
        loaded: true,
        error: None,
    })
}

/// The rep's day, read when storage is ready and again whenever stored records change.
#[hook]
pub fn use_today() -> TodayHandle {
    let view = use_state(TodayView::default);
    let storage_state = use_storage();
    let sync = use_sync();
    let revision = use_topic(Topic::Today);
    let me = signed_in_user(sync.as_ref());
    let service = sync.as_ref().and_then(SyncHandle::workspace);
    {
        let view = view.clone();
        use_effect_with(
            (storage_state.clone(), revision, me, service),
            move |(storage_state, _, me, service)| match (storage_state.clone(), service.clone()) {
                (StorageState::Ready(storage), Some(service)) => {
                    let me = *me;
                    wasm_bindgen_futures::spawn_local(async move {
                        view.set(match read_day(&storage, &service, me).await {
                            Ok(day) => day,
                            Err(problem) => TodayView {
                                loaded: true,
                                error: Some(problem),
                                ..TodayView::default()
                            },
                        });
                    });
                }
                (StorageState::Ready(_), None) => {}
                (StorageState::Failed(error), _) => view.set(TodayView {
                    loaded: true,
                    error: Some(error.problem()),
                    ..TodayView::default()
                }),
                (StorageState::Opening, _) => {}
            },
        );
    }
    let storage = match &storage_state {
        StorageState::Ready(storage) => Some(Rc::clone(storage)),
        _ => None,
    };
    TodayHandle {
        view,
        storage,
        sync,
    }
}
