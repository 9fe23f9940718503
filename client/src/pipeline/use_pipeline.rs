//! The pipeline board's data and its one intent, "move this deal to that stage": stages and
//! currency from the workspace settings document (the starter pipeline when the device has none
//! yet), cards from deal index rows and account names from account rows. A move loads that one
//! deal's document, changes its stage and hands the change to the workspace service's save queue
//! (the one every writer uses); the board shows it at once and re-reads when the service reports
//! the pipeline stale (a deal, an account name or the settings changed).

use std::collections::HashMap;
use std::rc::Rc;

use shared::deal::Deal;
use shared::edit::Edit;
use shared::ids::{DealId, WorkspaceId};
use shared::settings::Settings;
use yew::prelude::*;

use crate::hooks::{use_storage, use_sync, SessionState, StorageState, SyncHandle};
use crate::pipeline::board::PipelineInputs;
use crate::state::problem::Problem;
use crate::storage::{Storage, StorageError};
use crate::workspace::service::WorkspaceService;
use crate::workspace::{use_topic, RecordRef, Topic};

/// What the board shows.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PipelineView {
    /// What the board is built from.
    pub inputs: Rc<PipelineInputs>,
    /// Whether the rows have been read yet.
    pub loaded: bool,
    /// The last problem, in plain words.
    pub error: Option<Problem>,
}

/// The board and the move intent.
#[derive(Clone, PartialEq)]
pub struct PipelineHandle {
    view: UseStateHandle<PipelineView>,
    storage: Option<Rc<Storage>>,
    sync: Option<SyncHandle>,
}

impl PipelineHandle {
    /// What to show.
    pub fn view(&self) -> &PipelineView {
        &self.view
    }

    /// Moves deal `id` to stage `stage`: shown at once, saved on the device, synced.
    pub fn move_deal(&self, id: String, stage: String) {
        let before = (*self.view).clone();
        if before.inputs.stage_of(&id) == Some(stage.as_str()) {
            return;
        }
        self.view.set(PipelineView {
            inputs: Rc::new(before.inputs.with_move(&id, &stage)),
            error: None,
            ..before.clone()
        });
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
            match move_deal(&storage, &workspace, &id, &stage, &edit).await {
                Ok(()) => {}
                Err(error) => view.set(PipelineView {
                    error: Some(error),
                    ..before
                }),
            }
        });
    }
}

/// An edit made now by the signed-in rep (anonymous when nobody is).
pub(crate) fn signed_edit(sync: Option<&SyncHandle>) -> Edit {
    let now = (js_sys::Date::now() / 1000.0) as i64;
    let editor = sync.and_then(|sync| match sync.session() {
        SessionState::SignedIn(session) => Some(session.editor()),
        _ => None,
    });
    match editor {
        Some(editor) => Edit::by(editor, now),
        None => Edit::anonymous(now),
    }
}

async fn move_deal(
    storage: &Storage,
    workspace: &WorkspaceService,
    id: &str,
    stage: &str,
    edit: &Edit,
) -> Result<(), Problem> {
    let id = id
        .parse::<DealId>()
        .map_err(|error| Problem::with_detail("problem-record-missing", error.to_string()))?;
    let mut deal = storage
        .load_document::<Deal>(id)
        .await
        .map_err(|error| error.problem())?
        .ok_or_else(|| Problem::new("problem-record-missing"))?;
    let known = deal.heads();
    deal.update(edit, &format!("move to {stage}"), |deal| {
        deal.stage = stage.to_owned();
    })
    .map_err(|error| Problem::with_detail("problem-edit-refused", error.to_string()))?;
    workspace
        .save(RecordRef::Deal(id), deal.changes_since(&known))
        .await
}

async fn read_inputs(
    storage: &Storage,
    workspace: Option<WorkspaceId>,
) -> Result<PipelineInputs, StorageError> {
    let settings = match workspace {
        Some(workspace) => storage
            .load_document::<Settings>(workspace)
            .await?
            .and_then(|settings| settings.record().ok()),
        None => None,
    }
    .unwrap_or_else(Settings::starter);
    let account_names: HashMap<String, String> = storage
        .account_rows()
        .await?
        .into_iter()
        .map(|row| (row.id, row.name))
        .collect();
    Ok(PipelineInputs {
        deals: storage.deal_rows().await?,
        account_names,
        ..PipelineInputs::with_settings(&settings)
    })
}

/// The pipeline board, read when storage is ready and again whenever stored records change.
#[hook]
pub fn use_pipeline() -> PipelineHandle {
    let view = use_state(PipelineView::default);
    let storage_state = use_storage();
    let sync = use_sync();
    let revision = use_topic(Topic::Pipeline);
    let workspace = sync.as_ref().and_then(|sync| match sync.session() {
        SessionState::SignedIn(session) => Some(session.workspace.id),
        _ => None,
    });
    {
        let view = view.clone();
        use_effect_with(
            (storage_state.clone(), revision, workspace),
            move |(storage_state, _, workspace)| match storage_state.clone() {
                StorageState::Ready(storage) => {
                    let workspace = *workspace;
                    wasm_bindgen_futures::spawn_local(async move {
                        view.set(match read_inputs(&storage, workspace).await {
                            Ok(inputs) => PipelineView {
                                inputs: Rc::new(inputs),
                                loaded: true,
                                error: None,
                            },
                            Err(error) => PipelineView {
                                loaded: true,
                                error: Some(error.problem()),
                                ..PipelineView::default()
                            },
                        });
                    });
                }
                StorageState::Failed(error) => view.set(PipelineView {
                    loaded: true,
                    error: Some(error.problem()),
                    ..PipelineView::default()
                }),
                StorageState::Opening => {}
            },
        );
    }
    let storage = match &storage_state {
        StorageState::Ready(storage) => Some(Rc::clone(storage)),
        _ => None,
    };
    PipelineHandle {
        view,
        storage,
        sync,
    }
}
