//! What the settings page shows and does about the device's storage: usage against quota,
//! whether persistence was granted, and rebuilding the index from the documents with progress.

use yew::prelude::*;

use crate::hooks::{use_storage, use_sync, StorageState, SyncHandle};
use crate::state::problem::Problem;
use crate::storage::{Estimate, Persistence};
use crate::workspace::transfer_job::{TransferDone, TransferJob};

/// The device's storage as the settings page sees it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DeviceStorage {
    /// Usage and quota, when the browser tells.
    pub estimate: Option<Estimate>,
    /// The browser's answer to the persistence request, when asked.
    pub persistence: Option<Persistence>,
    /// Index rebuild progress: (done, total) while running.
    pub rebuilding: Option<(usize, usize)>,
    /// The last rebuild's outcome: how many records, or the problem.
    pub rebuilt: Option<Result<usize, Problem>>,
}

/// The settings page's storage handle.
#[derive(Clone, PartialEq)]
pub struct DeviceStorageHandle {
    state: UseStateHandle<DeviceStorage>,
    sync: Option<SyncHandle>,
}

impl DeviceStorageHandle {
    /// What to show.
    pub fn state(&self) -> &DeviceStorage {
        &self.state
    }

    /// Rebuilds every list row from the documents (in the workspace worker), showing progress.
    pub fn rebuild_index(&self) {
        let Some(service) = self.sync.as_ref().and_then(SyncHandle::workspace) else {
            return;
        };
        let state = self.state.clone();
        let mut current = (*state).clone();
        current.rebuilding = Some((0, 0));
        current.rebuilt = None;
        state.set(current.clone());
        let progress = {
            let state = state.clone();
            let current = current.clone();
            move |done, total| {
                state.set(DeviceStorage {
                    rebuilding: Some((done, total)),
                    ..current.clone()
                });
            }
        };
        let finished = service.transfer(TransferJob::RebuildIndex, progress);
        wasm_bindgen_futures::spawn_local(async move {
            let outcome = match finished.await {
                Ok(TransferDone::Rebuilt(count)) => Ok(count),
                Ok(_) => Err(Problem::new("problem-storage-aborted")),
                Err(problem) => Err(problem),
            };
            state.set(DeviceStorage {
                rebuilding: None,
                rebuilt: Some(outcome),
                ..current
            });
        });
    }
}

/// Reads the device's storage facts once storage is open.
#[hook]
pub fn use_device_storage() -> DeviceStorageHandle {
    let state = use_state(DeviceStorage::default);
    let storage = match use_storage() {
        StorageState::Ready(storage) => Some(storage),
        _ => None,
    };
    {
        let state = state.clone();
        use_effect_with(storage, move |storage| {
            if let Some(storage) = storage.clone() {
                wasm_bindgen_futures::spawn_local(async move {
                    let estimate = storage.estimate().await;
                    let persistence = storage.persistence().await.ok().flatten();
                    state.set(DeviceStorage {
                        estimate,
                        persistence,
                        ..DeviceStorage::default()
                    });
                });
            }
        });
    }
    DeviceStorageHandle {
        state,
        sync: use_sync(),
    }
}
