//! The pipeline board's data and its one intent, "move this deal to that stage": stages and
//! currency from the workspace settings (read through the workspace worker; the starter
//! pipeline when the device has none yet), cards from deal index rows and account names from
//! account rows. A move changes that one deal's stage through the workspace service (the worker
//! applies it to the deal's document and saves it through the one save queue); the board shows
//! it at once and re-reads when the service reports the pipeline stale (a deal, an account name
//! or the settings changed).

use std::rc::Rc;

use shared::deal::Deal;
use shared::ids::{DealId, WorkspaceId};
use shared::settings::Settings;
use yew::prelude::*;

use crate::hooks::{use_storage, use_sync, SessionState, StorageState, SyncHandle};
use crate::pipeline::board::PipelineInputs;
use crate::state::problem::Problem;
use crate::storage::Storage;
use crate::workspace::service::WorkspaceService;
use crate::workspace::{use_topic, Topic};
use shared::edit::Edit;

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
        let Some(sync) = self.sync.as_ref() else {
            return;
        };
        let Some(workspace) = sync.workspace() else {
            return;
        };
        let stamp = sync.stamp();
        let view = self.view.clone();
        wasm_bindgen_futures::spawn_local(async move {
            match move_deal(&workspace, &id, &stage, stamp).await {
                Ok(()) => {}
                Err(error) => view.set(PipelineView {
                    error: Some(error),
                    ..before
                }),
            }
        });
    }
}

async fn move_deal(
    workspace: &WorkspaceService,
    id: &str,
    stage: &str,
    stamp: Edit,
) -> Result<(), Problem> {
    let id = id
        .parse::<DealId>()
        .map_err(|error| Problem::with_detail("problem-record-missing", error.to_string()))?;
    workspace
        .update_record::<Deal>(id, stamp, &format!("move to {stage}"), |deal| {
            deal.stage = stage.to_owned();
        })
        .await
}

async fn read_inputs(
    storage: &Storage,
    service: Option<WorkspaceService>,
    workspace: Option<WorkspaceId>,
) -> Result<PipelineInputs, Problem> {
    let settings = match (service, workspace) {
        (Some(service), Some(workspace)) => service.read_record::<Settings>(workspace).await?,
        _ => None,
    }
    .unwrap_or_else(Settings::starter);
    let account_names = storage
        .account_names()
        .await
        .map_err(|error| error.problem())?;
    Ok(PipelineInputs {
        deals: storage.deal_rows().await.map_err(|error| error.problem())?,
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
    let service = sync.as_ref().and_then(SyncHandle::workspace);
    {
        let view = view.clone();
        use_effect_with(
            (storage_state.clone(), revision, workspace, service),
            move |(storage_state, _, workspace, service)| match storage_state.clone() {
                StorageState::Ready(storage) => {
                    let workspace = *workspace;
                    let service = service.clone();
                    wasm_bindgen_futures::spawn_local(async move {
                        view.set(match read_inputs(&storage, service, workspace).await {
                            Ok(inputs) => PipelineView {
                                inputs: Rc::new(inputs),
                                loaded: true,
                                error: None,
                            },
                            Err(problem) => PipelineView {
                                loaded: true,
                                error: Some(problem),
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
