//! The state every request handler and sync session shares, cheap to clone.

use std::path::PathBuf;
use std::sync::Arc;

use crate::accounts::Accounts;
use crate::config::Config;
use crate::storage::sqlite::SqliteStorage;
use crate::storage::{ChangeLog, StorageError};

/// Shared, cloneable application state.
#[derive(Clone)]
pub struct AppState {
    /// The folder holding the built client.
    pub dist_dir: Arc<PathBuf>,
    /// The embedded database (accounts and, through [`AppState::log`], the change log).
    pub storage: SqliteStorage,
    /// The change log, behind its trait.
    pub log: Arc<dyn ChangeLog>,
    /// Sign-in, devices and sync tickets.
    pub accounts: Accounts,
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("AppState")
            .field("dist_dir", &self.dist_dir)
            .field("storage", &self.storage)
            .finish_non_exhaustive()
    }
}

impl AppState {
    /// Opens (creating if needed) the data directory and its database.
    pub async fn open(config: &Config) -> Result<Self, StorageError> {
        let storage = SqliteStorage::open_in(&config.data_dir).await?;
        Ok(Self {
            dist_dir: Arc::new(config.dist_dir.clone()),
            log: Arc::new(storage.clone()),
            accounts: Accounts::new(Arc::new(storage.clone())),
            storage,
        })
    }
}
