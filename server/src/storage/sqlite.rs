//! The embedded SQLite store: one file under the data directory, WAL mode, `synchronous=FULL`,
//! so that a committed transaction is on disk before anything is acknowledged.

use std::path::Path;
use std::sync::{Arc, Mutex};

use rusqlite::Connection;

mod accounts;
mod log;

use super::{StorageError, StorageHealth};

/// The database file's name inside the data directory.
pub const DATABASE_FILE: &str = "carnet.sqlite3";

/// Schema migrations, applied in order; the index + 1 is the schema version.
const MIGRATIONS: &[&str] = &[
    // 1: workspaces, their people and devices, and the append-only change log.
    "CREATE TABLE workspaces (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        created_at INTEGER NOT NULL
    );
    CREATE TABLE users (
        id TEXT PRIMARY KEY,
        workspace TEXT NOT NULL REFERENCES workspaces (id),
        email TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        role TEXT NOT NULL,
        password_hash TEXT NOT NULL,
        created_at INTEGER NOT NULL
    );
    CREATE TABLE devices (
        id TEXT PRIMARY KEY,
        user TEXT NOT NULL REFERENCES users (id),
        name TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        last_seen_at INTEGER,
        revoked_at INTEGER
    );
    -- Access and refresh credentials, stored only as SHA-256 digests.
    CREATE TABLE credentials (
        digest BLOB PRIMARY KEY,
        kind TEXT NOT NULL,
        device TEXT NOT NULL REFERENCES devices (id),
        expires_at INTEGER NOT NULL
    );
    CREATE INDEX credentials_by_device ON credentials (device);
    CREATE TABLE invitations (
        digest BLOB PRIMARY KEY,
        workspace TEXT NOT NULL REFERENCES workspaces (id),
        email TEXT NOT NULL,
        role TEXT NOT NULL,
        invited_by TEXT NOT NULL REFERENCES users (id),
        expires_at INTEGER NOT NULL,
        accepted_at INTEGER
    );
    -- Each Automerge actor belongs to the one device that first pushed a change made by it.
    CREATE TABLE actors (
        workspace TEXT NOT NULL,
        actor BLOB NOT NULL,
        device TEXT NOT NULL REFERENCES devices (id),
        PRIMARY KEY (workspace, actor)
    );
    -- The log: positions are contiguous per workspace (1, 2, 3, ...), so a device's cursor is
    -- one number and a gap is detectable; a change is stored once per (document, hash).
    CREATE TABLE change_log (
        workspace TEXT NOT NULL,
        position INTEGER NOT NULL,
        document BLOB NOT NULL,
        change_hash BLOB NOT NULL,
        actor BLOB NOT NULL,
        device TEXT NOT NULL,
        received_at INTEGER NOT NULL,
        bytes BLOB NOT NULL,
        PRIMARY KEY (workspace, position),
        UNIQUE (workspace, document, change_hash)
    ) WITHOUT ROWID;
    CREATE INDEX change_log_by_document ON change_log (workspace, document, position);
    -- Compacted documents: the whole state through log position `covers`.
    CREATE TABLE snapshots (
        workspace TEXT NOT NULL,
        document BLOB NOT NULL,
        covers INTEGER NOT NULL,
        bytes BLOB NOT NULL,
        PRIMARY KEY (workspace, document)
    ) WITHOUT ROWID;",
    // 2: the compaction epoch of each workspace: every snapshot covers at least this position.
    "CREATE TABLE compactions (
        workspace TEXT PRIMARY KEY,
        epoch INTEGER NOT NULL
    );",
    // 3: sessions end (credentials stored before have none: their next refresh starts one), and
    // spent refresh credentials are remembered until they would have expired, to detect a replay.
    "ALTER TABLE credentials ADD COLUMN session_ends_at INTEGER;
    CREATE TABLE spent_refresh (
        digest BLOB PRIMARY KEY,
        device TEXT NOT NULL REFERENCES devices (id),
        expires_at INTEGER NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX spent_refresh_by_device ON spent_refresh (device);",
];

/// A handle on the SQLite database; clones share one connection.
#[derive(Clone, Debug)]
pub struct SqliteStorage {
    connection: Arc<Mutex<Connection>>,
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
        })
    }

    /// Reads the schema version and the size of the log: proves the database answers.
    pub async fn health(&self) -> Result<StorageHealth, StorageError> {
        self.call(|connection| {
            let schema_version =
                connection.query_row("PRAGMA user_version", [], |row| row.get(0))?;
            let logged_changes =
                connection.query_row("SELECT count(*) FROM change_log", [], |row| row.get(0))?;
            Ok(StorageHealth {
                schema_version,
                logged_changes,
            })
        })
        .await
    }

    /// Runs `work` with the connection on the blocking pool (SQLite calls block).
    pub(crate) async fn call<T, F>(&self, work: F) -> Result<T, StorageError>
    where
        F: FnOnce(&mut Connection) -> Result<T, StorageError> + Send + 'static,
        T: Send + 'static,
    {
        let connection = Arc::clone(&self.connection);
        tokio::task::spawn_blocking(move || {
            // A poisoned lock only means another query panicked; SQLite rolled its transaction
            // back, so the connection itself is still consistent.
            let mut connection = connection
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            work(&mut connection)
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
        assert_eq!(health.schema_version, i64::try_from(MIGRATIONS.len())?);
        assert_eq!(health.logged_changes, 0);
        Ok(())
    }

    #[tokio::test]
    async fn reopening_keeps_the_schema() -> Result<(), Box<dyn std::error::Error>> {
        let directory = tempfile::tempdir()?;
        drop(SqliteStorage::open_in(directory.path()).await?);
        let storage = SqliteStorage::open_in(directory.path()).await?;
        assert_eq!(
            storage.health().await?.schema_version,
            i64::try_from(MIGRATIONS.len())?
        );
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
