//! Durable storage of the relay. `sqlite` is the embedded default.
//!
//! Only this module and its children touch the database; handlers call typed operations.

pub mod sqlite;

use std::path::PathBuf;

/// Why storage failed.
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    /// The data directory cannot be created or written.
    #[error("cannot use the data directory {path}")]
    DataDir {
        /// The directory.
        path: PathBuf,
        /// What the OS said.
        #[source]
        source: std::io::Error,
    },
    /// The database refused an operation.
    #[error("database error")]
    Database(#[from] rusqlite::Error),
    /// The blocking database task died (a panic) before answering.
    #[error("database task failed")]
    Task(#[from] tokio::task::JoinError),
    /// The database was written by a newer server.
    #[error("the database has schema version {found}, newer than this server's {supported}")]
    TooNew {
        /// The version in the file.
        found: i64,
        /// The newest version this build knows.
        supported: i64,
    },
}

/// What the health check reports about storage.
#[derive(Clone, Debug, serde::Serialize)]
pub struct StorageHealth {
    /// The schema version of the database.
    pub schema_version: i64,
    /// How many changes the log holds.
    pub logged_changes: i64,
}
