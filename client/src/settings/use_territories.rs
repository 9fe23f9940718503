//! The workspace's territories for the settings page: read from the settings document (again
//! whenever it changes) and changed through the workspace service's one write path for records
//! (`update_record`), so an edit is a patch of the settings document like any other. The relay
//! refuses a settings change by anyone but an admin.

use std::collections::BTreeMap;
use std::rc::Rc;

use shared::search::search_terms;
use shared::settings::{Settings, Territory};
use yew::prelude::*;

use crate::hooks::{use_sync, SessionState, SyncHandle};
use crate::records::use_workspace_settings;
use crate::state::problem::Problem;

/// The territories and how to change them.
#[derive(Clone, PartialEq)]
pub struct TerritoriesHandle {
    settings: Option<Rc<Settings>>,
    sync: Option<SyncHandle>,
    problem: UseStateHandle<Option<Problem>>,
}

impl TerritoriesHandle {
    /// The territories by name (accents and case folded; ties by key): key and territory.
    pub fn listed(&self) -> Vec<(String, Territory)> {
        let mut listed: Vec<(String, Territory)> = self
            .settings
            .as_ref()
            .map(|settings| {
                settings
                    .territories
                    .iter()
                    .map(|(key, territory)| (key.clone(), territory.clone()))
                    .collect()
            })
            .unwrap_or_default();
        listed.sort_by_cached_key(|(key, territory)| (search_terms(&territory.name), key.clone()));
        listed
    }

    /// Whether the territory `key` exists.
    pub fn has(&self, key: &str) -> bool {
        self.settings
            .as_ref()
            .is_some_and(|settings| settings.territories.contains_key(key))
    }

    /// Whether the settings document is on this device (nothing can be changed before).
    pub fn ready(&self) -> bool {
        self.settings.is_some()
    }

    /// What stopped the last change, if anything.
    pub fn problem(&self) -> Option<&Problem> {
        self.problem.as_ref()
    }

    /// Changes the territories with `change`, described as `message` in the settings' history.
    pub fn change(
        &self,
        message: &'static str,
        change: impl FnOnce(&mut BTreeMap<String, Territory>) + 'static,
    ) {
        let problem = self.problem.clone();
        let Some(sync) = self.sync.clone() else {
            return problem.set(Some(Problem::new("problem-storage-not-ready")));
        };
        let (Some(service), SessionState::SignedIn(session)) = (sync.workspace(), sync.session())
        else {
            return problem.set(Some(Problem::new("problem-storage-not-ready")));
        };
        let (workspace, stamp) = (session.workspace.id, sync.stamp());
        wasm_bindgen_futures::spawn_local(async move {
            let changed = service
                .update_record::<Settings>(workspace, stamp, message, |settings| {
                    change(&mut settings.territories);
                })
                .await;
            problem.set(changed.err());
        });
    }
}

/// The workspace's territories.
#[hook]
pub fn use_territories() -> TerritoriesHandle {
    let settings = use_workspace_settings();
    let sync = use_sync();
    let problem = use_state(|| None::<Problem>);
    TerritoriesHandle {
        settings,
        sync,
        problem,
    }
}
