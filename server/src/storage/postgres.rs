//! The relay's storage on PostgreSQL (14 or newer), shared by every relay instance of a
//! deployment: the same traits as [`super::sqlite`], over a pool of connections.
//!
//! Durability: a transaction is acknowledged once its `COMMIT` returns, which with the server's
//! `synchronous_commit=on` (its default; the README says to keep it) means the commit record is
//! flushed. Positions stay gap-free and commit-ordered with several writers: each append locks
//! its workspace's row of `log_heads` first, so appends to one workspace commit one after the
//! other, in position order, and a reader never sees position n+1 before n.
//!
//! Columns mirror the SQLite schema, except that a person's column is named `person` (`user` is
//! reserved in PostgreSQL), integers are `BIGINT`, blobs `BYTEA` and flags `BOOLEAN`.

use std::sync::Arc;

use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod};
use tokio_postgres::NoTls;

use super::counters::Counters;
use super::neighbours::Neighbours;
use super::{
    CompactionLease, Database, Quotas, StorageError, StorageHealth, StoreFuture, WorkspaceId,
};

mod access;
mod accounts;
mod device_codes;
mod log;
mod neighbours;
mod password_resets;
mod retention;
mod tickets;

pub use self::neighbours::PostgresNeighbours;

/// The schema version this build writes: one per migration.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// Connections each relay instance keeps open at most.
pub const POOL_SIZE: usize = 16;

/// The first key of the advisory locks that make compaction run once per workspace (the second
/// is derived from the workspace).
const COMPACTION_LOCKS: i32 = 0x6361_7202;

/// The second key of `workspace`'s compaction lock: 32 bits of its id.
fn lock_key(workspace: WorkspaceId) -> i32 {
    let bytes = workspace.0.as_bytes();
    i32::from_be_bytes([bytes[0], bytes[1], bytes[2], bytes[3]])
}

/// The advisory lock key migrations run under, so that instances starting together migrate once.
const MIGRATION_LOCK: i64 = 0x6361_726e_6574_0001;

/// Schema migrations, applied in order; the index + 1 is the schema version.
const MIGRATIONS: &[&str] = &[
    // 1: everything SQLite's ten migrations made, at once, and the per-workspace head counter.
    "CREATE TABLE workspaces (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        created_at BIGINT NOT NULL
    );
    CREATE TABLE users (
        id TEXT PRIMARY KEY,
        workspace TEXT NOT NULL REFERENCES workspaces (id),
        email TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        role TEXT NOT NULL,
        password_hash TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        disabled_at BIGINT
    );
    CREATE TABLE devices (
        id TEXT PRIMARY KEY,
        person TEXT NOT NULL REFERENCES users (id),
        name TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        last_seen_at BIGINT,
        revoked_at BIGINT
    );
    CREATE INDEX devices_by_person ON devices (person);
    -- Access and refresh credentials, stored only as SHA-256 digests.
    CREATE TABLE credentials (
        digest BYTEA PRIMARY KEY,
        kind TEXT NOT NULL,
        device TEXT NOT NULL REFERENCES devices (id),
        expires_at BIGINT NOT NULL,
        session_ends_at BIGINT
    );
    CREATE INDEX credentials_by_device ON credentials (device);
    -- Refresh credentials already traded, remembered until they would have expired.
    CREATE TABLE spent_refresh (
        digest BYTEA PRIMARY KEY,
        device TEXT NOT NULL REFERENCES devices (id),
        expires_at BIGINT NOT NULL
    );
    CREATE INDEX spent_refresh_by_device ON spent_refresh (device);
    -- The credentials a revoked device held, so it is told to erase its copy at next contact.
    CREATE TABLE revoked_credentials (
        digest BYTEA PRIMARY KEY,
        device TEXT NOT NULL,
        expires_at BIGINT NOT NULL
    );
    CREATE INDEX revoked_credentials_by_device ON revoked_credentials (device);
    CREATE TABLE invitations (
        digest BYTEA PRIMARY KEY,
        workspace TEXT NOT NULL REFERENCES workspaces (id),
        email TEXT NOT NULL,
        role TEXT NOT NULL,
        invited_by TEXT NOT NULL REFERENCES users (id),
        expires_at BIGINT NOT NULL,
        accepted_at BIGINT
    );
    -- The teams and territories an invitation gives (names, one per line).
    CREATE TABLE invitation_access (
        digest BYTEA PRIMARY KEY REFERENCES invitations (digest),
        workspace TEXT NOT NULL REFERENCES workspaces (id),
        teams TEXT NOT NULL,
        territories TEXT NOT NULL
    );
    CREATE TABLE password_resets (
        digest BYTEA PRIMARY KEY,
        workspace TEXT NOT NULL REFERENCES workspaces (id),
        person TEXT NOT NULL REFERENCES users (id),
        created_by TEXT NOT NULL REFERENCES users (id),
        created_at BIGINT NOT NULL,
        expires_at BIGINT NOT NULL,
        used_at BIGINT,
        cancelled_at BIGINT
    );
    CREATE INDEX password_resets_by_person ON password_resets (person);
    -- Each Automerge actor belongs to the one device that first pushed a change made by it.
    CREATE TABLE actors (
        workspace TEXT NOT NULL,
        actor BYTEA NOT NULL,
        device TEXT NOT NULL REFERENCES devices (id),
        PRIMARY KEY (workspace, actor)
    );
    -- Each workspace's newest position. An append locks this row first (inserting it when
    -- absent), so positions are handed out, and committed, one writer at a time: 1, 2, 3, ...
    CREATE TABLE log_heads (
        workspace TEXT PRIMARY KEY,
        head BIGINT NOT NULL
    );
    CREATE TABLE change_log (
        workspace TEXT NOT NULL,
        position BIGINT NOT NULL,
        document BYTEA NOT NULL,
        change_hash BYTEA NOT NULL,
        actor BYTEA NOT NULL,
        device TEXT NOT NULL,
        received_at BIGINT NOT NULL,
        bytes BYTEA NOT NULL,
        PRIMARY KEY (workspace, position),
        UNIQUE (workspace, document, change_hash)
    );
    CREATE INDEX change_log_by_document ON change_log (workspace, document, position);
    -- Compacted documents: the whole state through log position `covers`, with the summary the
    -- compactor derived (postcard, protocol version `summary_version`).
    CREATE TABLE snapshots (
        workspace TEXT NOT NULL,
        document BYTEA NOT NULL,
        covers BIGINT NOT NULL,
        bytes BYTEA NOT NULL,
        summary BYTEA,
        summary_version BIGINT,
        PRIMARY KEY (workspace, document)
    );
    CREATE TABLE compactions (
        workspace TEXT PRIMARY KEY,
        epoch BIGINT NOT NULL
    );
    CREATE TABLE device_usage (
        workspace TEXT NOT NULL,
        device TEXT NOT NULL,
        bytes BIGINT NOT NULL,
        PRIMARY KEY (workspace, device)
    );
    CREATE TABLE workspace_usage (
        workspace TEXT PRIMARY KEY,
        bytes BIGINT NOT NULL,
        changes BIGINT NOT NULL
    );
    -- What the relay derived from each document to decide who may read it.
    CREATE TABLE record_access (
        workspace TEXT NOT NULL,
        document BYTEA NOT NULL,
        kind TEXT,
        owner TEXT,
        creator TEXT,
        territory TEXT,
        accounts BYTEA NOT NULL,
        PRIMARY KEY (workspace, document)
    );
    CREATE TABLE teams (
        id TEXT PRIMARY KEY,
        workspace TEXT NOT NULL REFERENCES workspaces (id),
        name TEXT NOT NULL,
        UNIQUE (workspace, name)
    );
    CREATE TABLE team_members (
        team TEXT NOT NULL REFERENCES teams (id),
        person TEXT NOT NULL REFERENCES users (id),
        leads BOOLEAN NOT NULL,
        PRIMARY KEY (team, person)
    );
    CREATE TABLE team_territories (
        team TEXT NOT NULL REFERENCES teams (id),
        territory TEXT NOT NULL,
        PRIMARY KEY (team, territory)
    );
    CREATE TABLE territory_members (
        workspace TEXT NOT NULL,
        territory TEXT NOT NULL,
        person TEXT NOT NULL REFERENCES users (id),
        PRIMARY KEY (workspace, territory, person)
    );
    -- Documents a device purged when they left its person's reach (its acknowledgement).
    CREATE TABLE purges (
        workspace TEXT NOT NULL,
        device TEXT NOT NULL,
        document BYTEA NOT NULL,
        acknowledged_at BIGINT NOT NULL,
        PRIMARY KEY (workspace, device, document)
    );
    -- Sync tickets (digests), taken once by whichever instance the device reaches.
    CREATE TABLE sync_tickets (
        digest BYTEA PRIMARY KEY,
        workspace TEXT NOT NULL,
        person TEXT NOT NULL,
        role TEXT NOT NULL,
        device TEXT NOT NULL,
        issued_at BIGINT NOT NULL
    );
    CREATE INDEX sync_tickets_by_device ON sync_tickets (device, issued_at);
    CREATE INDEX sync_tickets_by_age ON sync_tickets (issued_at);",
    // 2: each device's code, which its quote and order numbers carry; unique across the relay,
    // given on first request (devices enrolled before this migration get theirs later).
    "ALTER TABLE devices ADD COLUMN code TEXT;
    CREATE UNIQUE INDEX devices_by_code ON devices (code);",
];

/// A handle on the PostgreSQL database; clones share one pool and the same counters.
#[derive(Clone)]
pub struct PostgresStorage {
    pool: Pool,
    counters: Arc<Counters>,
    neighbours: Arc<PostgresNeighbours>,
}

impl std::fmt::Debug for PostgresStorage {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("PostgresStorage")
            .field("pool", &self.pool.status())
            .field("counters", &self.counters)
            .finish()
    }
}

impl PostgresStorage {
    /// Connects to the server `url` names (`postgres://user:password@host:port/database`, or
    /// the key-value form) and brings its schema up to date.
    pub async fn connect(url: &str) -> Result<Self, StorageError> {
        let config: tokio_postgres::Config = url
            .parse()
            .map_err(|error: tokio_postgres::Error| StorageError::Url(error.to_string()))?;
        let manager = Manager::from_config(
            config.clone(),
            NoTls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(POOL_SIZE)
            .build()
            .map_err(|error| StorageError::Url(error.to_string()))?;
        let mut client = pool.get().await?;
        let schema_version = migrate(&mut client).await?;
        let logged_changes: i64 = client
            .query_one(
                "SELECT coalesce(sum(changes), 0)::BIGINT FROM workspace_usage",
                &[],
            )
            .await?
            .try_get(0)?;
        drop(client);
        Ok(Self {
            neighbours: Arc::new(PostgresNeighbours::new(pool.clone(), config)),
            pool,
            counters: Arc::new(Counters::new(schema_version, logged_changes)),
        })
    }

    /// A connection from the pool.
    pub(crate) async fn client(&self) -> Result<deadpool_postgres::Object, StorageError> {
        Ok(self.pool.get().await?)
    }

    /// Counts rows and bytes read for devices.
    fn count_read(&self, rows: usize, bytes: usize) {
        self.counters.count_read(rows, bytes);
    }

    /// Counts changes newly committed to the log (by this instance).
    fn count_logged(&self, changes: usize) {
        self.counters.count_logged(changes);
    }
}

impl Database for PostgresStorage {
    fn health(&self) -> StorageHealth {
        let status = self.pool.status();
        StorageHealth {
            pool: Some(super::PoolHealth {
                max: status.max_size,
                open: status.size,
                idle: status.available,
                waiting: status.waiting,
            }),
            listening: Some(self.neighbours.listening()),
            ..self.counters.health()
        }
    }

    fn set_quotas(&self, quotas: Quotas) {
        self.counters.set_quotas(quotas);
    }

    fn quotas(&self) -> Quotas {
        self.counters.quotas()
    }

    fn neighbours(&self) -> Option<Arc<dyn Neighbours>> {
        Some(Arc::clone(&self.neighbours) as Arc<dyn Neighbours>)
    }

    fn compaction_lease(&self, workspace: WorkspaceId) -> StoreFuture<'_, Option<CompactionLease>> {
        Box::pin(async move {
            let client = self.pool.get().await?;
            let taken: bool = client
                .query_one(
                    "SELECT pg_try_advisory_lock($1, $2)",
                    &[&COMPACTION_LOCKS, &lock_key(workspace)],
                )
                .await?
                .try_get(0)?;
            if !taken {
                return Ok(None);
            }
            // The lock belongs to this connection's session: the connection leaves the pool with
            // the lease and is closed with it, which releases the lock even if compaction failed
            // half-way.
            let connection = deadpool_postgres::Object::take(client);
            Ok(Some(CompactionLease::holding(Box::new(connection))))
        })
    }
}

/// Applies every migration newer than the database's version, each in its own transaction,
/// under an advisory lock (instances starting together wait for the first); returns the
/// version the database is at.
async fn migrate(client: &mut tokio_postgres::Client) -> Result<i64, StorageError> {
    client
        .execute("SELECT pg_advisory_lock($1)", &[&MIGRATION_LOCK])
        .await?;
    let migrated = apply_migrations(client).await;
    let unlocked = client
        .execute("SELECT pg_advisory_unlock($1)", &[&MIGRATION_LOCK])
        .await;
    let version = migrated?;
    unlocked?;
    Ok(version)
}

async fn apply_migrations(client: &mut tokio_postgres::Client) -> Result<i64, StorageError> {
    client
        .batch_execute(
            "CREATE TABLE IF NOT EXISTS schema_version (
                 only_row BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (only_row),
                 version BIGINT NOT NULL
             );
             INSERT INTO schema_version (version) VALUES (0) ON CONFLICT DO NOTHING;",
        )
        .await?;
    let found: i64 = client
        .query_one("SELECT version FROM schema_version", &[])
        .await?
        .try_get(0)?;
    let supported = SCHEMA_VERSION;
    if found > supported {
        return Err(StorageError::TooNew { found, supported });
    }
    for (version, migration) in (1_i64..)
        .zip(MIGRATIONS.iter())
        .skip(usize::try_from(found).unwrap_or(0))
    {
        let transaction = client.transaction().await?;
        transaction.batch_execute(migration).await?;
        transaction
            .execute("UPDATE schema_version SET version = $1", &[&version])
            .await?;
        transaction.commit().await?;
    }
    Ok(supported)
}
