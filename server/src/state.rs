//! The state every request handler shares: configuration and storage, cheap to clone.

use std::path::PathBuf;
use std::sync::Arc;

use crate::config::Config;
use crate::storage::sqlite::SqliteStorage;
use crate::storage::StorageError;

/// Shared, cloneable application state.
#[derive(Clone, Debug)]
pub struct AppState {
    /// The folder holding the built client.
    pub dist_dir: Arc<PathBuf>,
    /// The durable store.
    pub storage: SqliteStorage,
}

impl AppState {
    /// Opens (creating if needed) the data directory and its database.
    pub async fn open(config: &Config) -> Result<Self, StorageError> {
        let storage = SqliteStorage::open_in(&config.data_dir).await?;
        Ok(Self {
            dist_dir: Arc::new(config.dist_dir.clone()),
            storage,
        })
    }
}
