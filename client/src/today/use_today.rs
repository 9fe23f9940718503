//! The rep's day: which account documents to open (only those whose index row has a task due by
//! today or an activity today), the agenda derived from them (see `state::today`), and the
//! intents "report this visit" and "this task is done", handed to the workspace service's save
//! queue as ordinary changes (offline included) and synced later. The day re-reads when the
//! service reports it stale (an account changed).

use std::rc::Rc;

use shared::account::Account;
use shared::ids::{AccountId, ActivityId, TaskId, UserId};
use shared::values::Date;
use yew::prelude::*;

use crate::hooks::{use_storage, use_sync, SessionState, StorageState, SyncHandle};
use crate::pipeline::signed_edit;
use crate::state::problem::Problem;
use crate::storage::{Storage, StorageError};
use crate::today::day_plan::{agenda, needs_document, Agenda, VisitReport};
use crate::workspace::service::WorkspaceService;
use crate::workspace::{use_topic, RecordRef, Topic};

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
        let Some(storage) = self.storage.clone() else {
            return;
        };
        let Some(workspace) = self.sync.as_ref().and_then(SyncHandle::workspace) else {
            return;
        };
        let view = self.view.clone();
        let sync = self.sync.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let edit = signed_edit(sync.as_ref());
            let saving = Saving {
                storage: &storage,
                workspace: &workspace,
            };
            // Once stored, the service reports the day stale: it is read again with the change.
            match change_account(saving, &account, message, &edit, change).await {
                Ok(()) => saved.emit(()),
                Err(error) => view.set(TodayView {
                    error: Some(error),
                    ..(*view).clone()
                }),
            }
        });
    }
}

/// Where a change of the day is read from and saved to.
#[derive(Clone, Copy)]
struct Saving<'a> {
    storage: &'a Storage,
    workspace: &'a WorkspaceService,
}

async fn change_account(
    saving: Saving<'_>,
    id: &str,
    message: &str,
    edit: &shared::edit::Edit,
    change: impl FnOnce(&mut Account, i64),
) -> Result<(), Problem> {
    let id = id
        .parse::<AccountId>()
        .map_err(|error| Problem::with_detail("problem-record-missing", error.to_string()))?;
    let mut account = saving
        .storage
        .load_document::<Account>(id)
        .await
        .map_err(|error| error.problem())?
        .ok_or_else(|| Problem::new("problem-record-missing"))?;
    let known = account.heads();
    account
        .update(edit, message, |record| change(record, edit.time))
        .map_err(|error| Problem::with_detail("problem-edit-refused", error.to_string()))?;
    saving
        .workspace
        .save(RecordRef::Account(id), account.changes_since(&known))
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

async fn read_day(storage: &Storage, me: Option<UserId>) -> Result<TodayView, StorageError> {
    let Some((today, day_start)) = local_day() else {
        return Ok(TodayView {
            loaded: true,
            error: Some(Problem::new("problem-clock-invalid")),
            ..TodayView::default()
        });
    };
    let rows = storage
        .account_rows_due_or_active(&today.to_string(), day_start)
        .await?;
    let mut accounts = Vec::new();
    for row in rows
        .iter()
        .filter(|row| needs_document(row, today, day_start))
    {
        let Ok(id) = row.id.parse::<AccountId>() else {
            continue;
        };
        if let Some(account) = storage
            .load_document::<Account>(id)
            .await?
            .and_then(|document| document.record().ok())
        {
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
    {
        let view = view.clone();
        use_effect_with(
            (storage_state.clone(), revision, me),
            move |(storage_state, _, me)| match storage_state.clone() {
                StorageState::Ready(storage) => {
                    let me = *me;
                    wasm_bindgen_futures::spawn_local(async move {
                        view.set(match read_day(&storage, me).await {
                            Ok(day) => day,
                            Err(error) => TodayView {
                                loaded: true,
                                error: Some(error.problem()),
                                ..TodayView::default()
                            },
                        });
                    });
                }
                StorageState::Failed(error) => view.set(TodayView {
                    loaded: true,
                    error: Some(error.problem()),
                    ..TodayView::default()
                }),
                StorageState::Opening => {}
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
