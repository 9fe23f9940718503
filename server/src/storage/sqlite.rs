//! The embedded SQLite store: one file under the data directory, WAL mode, `synchronous=FULL`,
//! so that a committed transaction is on disk before anything is acknowledged.

use std::path::Path;
use std::sync::{Arc, Mutex};

use rusqlite::Connection;

mod access;
mod accounts;
mod device_codes;
mod log;
mod password_resets;
mod retention;
mod tickets;

use super::counters::Counters;
use super::neighbours::Neighbours;
use super::{
    CompactionLease, Database, Quotas, StorageError, StorageHealth, StoreFuture, WorkspaceId,
};

/// The database file's name inside the data directory.
pub const DATABASE_FILE: &str = "carnet.sqlite3";

/// The schema version this build writes: one per migration.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

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
    // 3: bytes of stored changes per device and per workspace (the quotas), and each workspace's
    // number of changes (the health counters), kept by every append so that no request counts
    // the log. Filled once here from the log as it stands.
    "CREATE TABLE device_usage (
        workspace TEXT NOT NULL,
        device TEXT NOT NULL,
        bytes INTEGER NOT NULL,
        PRIMARY KEY (workspace, device)
    ) WITHOUT ROWID;
    CREATE TABLE workspace_usage (
        workspace TEXT PRIMARY KEY,
        bytes INTEGER NOT NULL,
        changes INTEGER NOT NULL
    ) WITHOUT ROWID;
    INSERT INTO device_usage (workspace, device, bytes)
        SELECT workspace, device, sum(length(bytes)) FROM change_log GROUP BY workspace, device;
    INSERT INTO workspace_usage (workspace, bytes, changes)
        SELECT workspace, sum(length(bytes)), count(*) FROM change_log GROUP BY workspace;",
    // 4: sessions end (credentials stored before have none: their next refresh starts one), and
    // spent refresh credentials are remembered until they would have expired, to detect a replay.
    "ALTER TABLE credentials ADD COLUMN session_ends_at INTEGER;
    CREATE TABLE spent_refresh (
        digest BLOB PRIMARY KEY,
        device TEXT NOT NULL REFERENCES devices (id),
        expires_at INTEGER NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX spent_refresh_by_device ON spent_refresh (device);",
    // 5: each snapshot's summary (kind, index row, heads) as the compactor derived it, in the
    // postcard form of protocol version `summary_version`, so bootstrap pages carry rows without
    // parsing documents. Snapshots stored before have none until their document is compacted
    // again; devices fold those themselves.
    "ALTER TABLE snapshots ADD COLUMN summary BLOB;
    ALTER TABLE snapshots ADD COLUMN summary_version INTEGER;",
    // 6: a person can be disabled (offboarding): their devices are revoked in the same
    // transaction and they can no longer sign in.
    "ALTER TABLE users ADD COLUMN disabled_at INTEGER;",
    "-- What the relay derived from each document to decide who may read it (`access`).
    CREATE TABLE record_access (
        workspace TEXT NOT NULL,
        document BLOB NOT NULL,
        kind TEXT,
        owner TEXT,
        creator TEXT,
        territory TEXT,
        accounts BLOB NOT NULL,
        PRIMARY KEY (workspace, document)
    ) WITHOUT ROWID;
    CREATE TABLE teams (
        id TEXT PRIMARY KEY,
        workspace TEXT NOT NULL REFERENCES workspaces (id),
        name TEXT NOT NULL,
        UNIQUE (workspace, name)
    );
    CREATE TABLE team_members (
        team TEXT NOT NULL REFERENCES teams (id),
        user TEXT NOT NULL REFERENCES users (id),
        leads INTEGER NOT NULL,
        PRIMARY KEY (team, user)
    ) WITHOUT ROWID;
    CREATE TABLE team_territories (
        team TEXT NOT NULL REFERENCES teams (id),
        territory TEXT NOT NULL,
        PRIMARY KEY (team, territory)
    ) WITHOUT ROWID;
    CREATE TABLE territory_members (
        workspace TEXT NOT NULL,
        territory TEXT NOT NULL,
        user TEXT NOT NULL REFERENCES users (id),
        PRIMARY KEY (workspace, territory, user)
    ) WITHOUT ROWID;
    -- Documents a device purged when they left its person's reach (its acknowledgement).
    CREATE TABLE purges (
        workspace TEXT NOT NULL,
        device TEXT NOT NULL,
        document BLOB NOT NULL,
        acknowledged_at INTEGER NOT NULL,
        PRIMARY KEY (workspace, device, document)
    ) WITHOUT ROWID;",
    "-- The credentials a revoked device held, kept (as digests) until they would have expired,
    -- so that device is told at its next contact to erase its copy of the workspace.
    CREATE TABLE revoked_credentials (
        digest BLOB PRIMARY KEY,
        device TEXT NOT NULL,
        expires_at INTEGER NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX revoked_credentials_by_device ON revoked_credentials (device);",
    // 9: password reset links an admin makes for a person who forgot their password, stored as
    // digests; each is used once, and a newer link cancels the person's earlier unused ones.
    "CREATE TABLE password_resets (
        digest BLOB PRIMARY KEY,
        workspace TEXT NOT NULL REFERENCES workspaces (id),
        user TEXT NOT NULL REFERENCES users (id),
        created_by TEXT NOT NULL REFERENCES users (id),
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        used_at INTEGER,
        cancelled_at INTEGER
    ) WITHOUT ROWID;
    CREATE INDEX password_resets_by_user ON password_resets (user);",
    // 10: the teams and territories an invitation gives its invitee on acceptance (names, one
    // per line: names hold no control characters).
    "CREATE TABLE invitation_access (
        digest BLOB PRIMARY KEY REFERENCES invitations (digest),
        workspace TEXT NOT NULL REFERENCES workspaces (id),
        teams TEXT NOT NULL,
        territories TEXT NOT NULL
    ) WITHOUT ROWID;",
    // 11: sync tickets (digests), kept in the database rather than in the relay's memory so that
    // every relay instance on a shared database accepts them; each is taken once.
    "CREATE TABLE sync_tickets (
        digest BLOB PRIMARY KEY,
        workspace TEXT NOT NULL,
        user TEXT NOT NULL,
        role TEXT NOT NULL,
        device TEXT NOT NULL,
        issued_at INTEGER NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX sync_tickets_by_device ON sync_tickets (device, issued_at);
    CREATE INDEX sync_tickets_by_age ON sync_tickets (issued_at);",
    // 12: each device's code, which its quote and order numbers carry; unique across the relay,
    // given on first request (devices enrolled before this migration get theirs later).
    "ALTER TABLE devices ADD COLUMN code TEXT;
    CREATE UNIQUE INDEX devices_by_code ON devices (code);",
];

/// A handle on the SQLite database; clones share one connection and the same counters.
#[derive(Clone, Debug)]
pub struct SqliteStorage {
    connection: Arc<Mutex<Connection>>,
    counters: Arc<Counters>,
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
        // Loaded once here (a sum over workspaces, not a count of the log), then kept by appends.
        let schema_version = connection.query_row("PRAGMA user_version", [], |row| row.get(0))?;
        let logged_changes: i64 = connection.query_row(
            "SELECT coalesce(sum(changes), 0) FROM workspace_usage",
            [],
            |row| row.get(0),
        )?;
        Ok(Self {
            connection: Arc::new(Mutex::new(connection)),
            counters: Arc::new(Counters::new(schema_version, logged_changes)),
        })
    }

    /// Counts rows and bytes read for devices.
    fn count_read(&self, rows: usize, bytes: usize) {
        self.counters.count_read(rows, bytes);
    }

    /// Counts changes newly committed to the log.
    fn count_logged(&self, changes: usize) {
        self.counters.count_logged(changes);
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

impl Database for SqliteStorage {
    fn health(&self) -> StorageHealth {
        self.counters.health()
    }

    fn set_quotas(&self, quotas: Quotas) {
        self.counters.set_quotas(quotas);
    }

    fn quotas(&self) -> Quotas {
        self.counters.quotas()
    }

    fn neighbours(&self) -> Option<Arc<dyn Neighbours>> {
        // One file, one relay: nobody else to tell.
        None
    }

    fn compaction_lease(
        &self,
        _workspace: WorkspaceId,
    ) -> StoreFuture<'_, Option<CompactionLease>> {
        Box::pin(async { Ok(Some(CompactionLease::sole())) })
    }
}

/// Applies every migration newer than the file's `user_version`, each in its own transaction.
fn migrate(connection: &mut Connection) -> Result<(), StorageError> {
    let supported = SCHEMA_VERSION;
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
        let health = storage.health();
        assert_eq!(health.schema_version, SCHEMA_VERSION);
        assert_eq!(health.logged_changes, 0);
        Ok(())
    }

    #[tokio::test]
    async fn reopening_keeps_the_schema() -> Result<(), Box<dyn std::error::Error>> {
        let directory = tempfile::tempdir()?;
        drop(SqliteStorage::open_in(directory.path()).await?);
        let storage = SqliteStorage::open_in(directory.path()).await?;
        assert_eq!(storage.health().schema_version, SCHEMA_VERSION);
        Ok(())
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn health_answers_while_the_database_is_busy() -> Result<(), Box<dyn std::error::Error>> {
        let directory = tempfile::tempdir()?;
        let storage = SqliteStorage::open_in(directory.path()).await?;
        let (taken, wait_taken) = std::sync::mpsc::channel();
        let (release, wait_release) = std::sync::mpsc::channel::<()>();
        // A long query holds the one connection.
        let busy = tokio::spawn({
            let storage = storage.clone();
            async move {
                storage
                    .call(move |_connection| {
                        let _sent = taken.send(());
                        let _released = wait_release.recv();
                        Ok(())
                    })
                    .await
            }
        });
        tokio::task::spawn_blocking(move || wait_taken.recv()).await??;
        let health = storage.health();
        assert_eq!(health.logged_changes, 0);
        release.send(())?;
        busy.await??;
        Ok(())
    }

    #[tokio::test]
    async fn snapshots_compacted_before_summaries_are_still_paged_without_one(
    ) -> Result<(), Box<dyn std::error::Error>> {
        use crate::storage::{ChangeLog, PageBudget};
        use shared::protocol::{DocumentId, Seq};

        let directory = tempfile::tempdir()?;
        let workspace = crate::identity::WorkspaceId(uuid::Uuid::from_u128(9));
        let document = DocumentId(uuid::Uuid::from_u128(1));
        {
            // A database as schema version 4 left it, holding one snapshot.
            let mut connection = Connection::open(directory.path().join(DATABASE_FILE))?;
            for (version, migration) in (1..).zip(&MIGRATIONS[..4]) {
                let transaction = connection.transaction()?;
                transaction.execute_batch(migration)?;
                transaction.pragma_update(None, "user_version", version)?;
                transaction.commit()?;
            }
            connection.execute(
                "INSERT INTO snapshots (workspace, document, covers, bytes) VALUES (?1, ?2, 3, ?3)",
                rusqlite::params![
                    workspace.to_string(),
                    document.0.as_bytes().as_slice(),
                    vec![7_u8; 10]
                ],
            )?;
        }
        let storage = SqliteStorage::open_in(directory.path()).await?;
        assert_eq!(storage.health().schema_version, SCHEMA_VERSION);
        let budget = PageBudget {
            entries: 10,
            bytes: 1 << 20,
        };
        let crate::storage::SnapshotPage {
            snapshots, more, ..
        } = storage
            .snapshots_page(
                workspace,
                None,
                budget,
                std::sync::Arc::new(crate::access::Scope::Everything),
            )
            .await?;
        assert!(!more);
        assert_eq!(snapshots.len(), 1);
        assert_eq!(snapshots[0].document, document);
        assert_eq!(snapshots[0].bytes, vec![7_u8; 10]);
        assert_eq!(snapshots[0].summary, None);
        assert_eq!(
            storage.snapshot(workspace, document).await?,
            Some((vec![7_u8; 10], Seq(3)))
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
