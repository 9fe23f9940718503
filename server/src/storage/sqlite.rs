//! The embedded SQLite store: one file under the data directory, WAL mode, `synchronous=FULL`,
//! so that a committed transaction is on disk before anything is acknowledged.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use rusqlite::Connection;

use super::{StorageError, StorageHealth};

/// The database file's name inside the data directory.
pub const DATABASE_FILE: &str = "carnet.sqlite3";

/// Schema migrations, applied in order; the index + 1 is the schema version.
const MIGRATIONS: &[&str] = &[
    // 1: the append-only change log, per workspace, deduplicated by (document, change hash).
    "CREATE TABLE change_log (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        workspace TEXT NOT NULL,
        document TEXT NOT NULL,
        change_hash BLOB NOT NULL,
        actor BLOB NOT NULL,
        bytes BLOB NOT NULL,
        received_at INTEGER NOT NULL,
        device TEXT NOT NULL,
        UNIQUE (document, change_hash)
    );
    CREATE INDEX change_log_by_workspace ON change_log (workspace, seq);",
];

/// A handle on the SQLite database; clones share one connection.
#[derive(Clone, Debug)]
pub struct SqliteStorage {
    connection: Arc<Mutex<Connection>>,
    path: Arc<PathBuf>,
}

impl SqliteStorage {
    /// Opens (creating if needed) `data_dir/carnet.sqlite3` and brings its schema up to date.
    pub async fn open_in(data_dir: &Path) -> Result<Self, StorageError> {
        let data_dir = data_dir.to_path_buf();
        tokio::task::spawn_blocking(move || Self::open_blocking(&data_dir)).await?
    }

    fn open_blocking(data_dir: &Path) -> Result<Self, StorageError> {
        std::fs::create_dir_all(data_dir).map_err(|source| StorageError::DataDir {
            path: data_dir.to_path_buf(),
            source,
        })?;
        let path = data_dir.join(DATABASE_FILE);
        let mut connection = Connection::open(&path)?;
        connection.pragma_update(None, "journal_mode", "WAL")?;
        connection.pragma_update(None, "synchronous", "FULL")?;
        connection.pragma_update(None, "foreign_keys", "ON")?;
        connection.busy_timeout(std::time::Duration::from_secs(5))?;
        migrate(&mut connection)?;
        Ok(Self {
            connection: Arc::new(Mutex::new(connection)),
            path: Arc::new(path),
        })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Reads the schema version and the size of the log: proves the database answers.
    pub async fn health(&self) -> Result<StorageHealth, StorageError> {
        let connection = Arc::clone(&self.connection);
        tokio::task::spawn_blocking(move || {
            // A poisoned lock only means another query panicked; the connection itself is fine.
            let connection = connection
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            let schema_version =
                connection.query_row("PRAGMA user_version", [], |row| row.get(0))?;
            let logged_changes =
                connection.query_row("SELECT count(*) FROM change_log", [], |row| row.get(0))?;
            Ok(StorageHealth {
                schema_version,
                logged_changes,
            })
        })
        .await?
    }
}

/// Applies every migration newer than the file's `user_version`, each in its own transaction.
fn migrate(connection: &mut Connection) -> Result<(), StorageError> {
    let supported = i64::try_from(MIGRATIONS.len()).unwrap_or(i64::MAX);
    let found: i64 = connection.query_row("PRAGMA user_version", [], |row| row.get(0))?;
    if found > supported {
        return Err(StorageError::TooNew { found, supported });
    }
    for (version, migration) in (1..)
        .zip(MIGRATIONS.iter())
        .skip(usize::try_from(found).unwrap_or(0))
    {
        let transaction = connection.transaction()?;
        transaction.execute_batch(migration)?;
        transaction.pragma_update(None, "user_version", version)?;
        transaction.commit()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_new_data_directory_gets_an_up_to_date_database(
    ) -> Result<(), Box<dyn std::error::Error>> {
        let directory = tempfile::tempdir()?;
        let storage = SqliteStorage::open_in(&directory.path().join("nested")).await?;
        let health = storage.health().await?;
        assert_eq!(health.schema_version, 1);
        assert_eq!(health.logged_changes, 0);
        Ok(())
    }

    #[tokio::test]
    async fn reopening_keeps_the_schema() -> Result<(), Box<dyn std::error::Error>> {
        let directory = tempfile::tempdir()?;
        drop(SqliteStorage::open_in(directory.path()).await?);
        let storage = SqliteStorage::open_in(directory.path()).await?;
        assert_eq!(storage.health().await?.schema_version, 1);
        Ok(())
    }

    #[tokio::test]
    async fn a_database_from_a_newer_server_is_refused() -> Result<(), Box<dyn std::error::Error>> {
        let directory = tempfile::tempdir()?;
        {
            let connection = Connection::open(directory.path().join(DATABASE_FILE))?;
            connection.pragma_update(None, "user_version", 99)?;
        }
        let result = SqliteStorage::open_in(directory.path()).await;
        assert!(matches!(
            result,
            Err(StorageError::TooNew { found: 99, .. })
        ));
        Ok(())
    }

    #[tokio::test]
    async fn an_unwritable_data_directory_is_a_clear_error(
    ) -> Result<(), Box<dyn std::error::Error>> {
        let directory = tempfile::tempdir()?;
        let file = directory.path().join("a-file");
        std::fs::write(&file, b"not a directory")?;
        let result = SqliteStorage::open_in(&file.join("data")).await;
        assert!(matches!(result, Err(StorageError::DataDir { .. })));
        Ok(())
    }
}
