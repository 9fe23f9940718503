//! Durable storage of the relay, behind traits; `sqlite` is the embedded default, `postgres`
//! the same traits on a PostgreSQL server that several relay instances share.
//!
//! Only this module and its children touch the database; handlers call typed operations.

pub mod access;
pub mod accounts;
mod columns;
mod counters;
pub mod device_codes;
pub mod neighbours;
pub mod postgres;
pub mod retention;
pub mod sqlite;
pub mod tickets;

use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::Arc;

use shared::protocol::{DeviceId, DocumentId, DocumentSnapshot, Entry, Seq};
use shared::replica::Summary;

pub use self::access::AccessStore;
pub use self::accounts::AccountStore;
use crate::access::Scope;
pub use crate::identity::WorkspaceId;

/// The future every storage operation returns (boxed, so the traits stay object-safe).
pub type StoreFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, StorageError>> + Send + 'a>>;

/// A change the session parsed and validated, ready to append.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IncomingChange {
    /// Its document.
    pub document: DocumentId,
    /// Its Automerge hash.
    pub hash: [u8; 32],
    /// The Automerge actor that made it.
    pub actor: Vec<u8>,
    /// Its bytes, as received.
    pub bytes: Vec<u8>,
}

/// What an append did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AppendOutcome {
    /// The entries newly stored, with their positions.
    pub stored: Vec<Entry>,
    /// How many changes the log already held.
    pub duplicates: u32,
    /// The batch carried a change whose actor belongs to another device: nothing was stored.
    pub foreign_actor: bool,
    /// Storing the batch would take the device or its workspace over its quota: nothing was
    /// stored.
    pub quota_exceeded: bool,
}

/// A page of the log as one device may read it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LogPage {
    /// The entries of documents in the reader's scope, in order.
    pub entries: Vec<Entry>,
    /// The last position the read went through (the requested one when nothing followed).
    pub through: Seq,
    /// Whether the log holds more after `through`.
    pub more: bool,
}

/// A page of compacted snapshots as one device may read it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SnapshotPage {
    /// The snapshots of documents in the reader's scope, in document order.
    pub snapshots: Vec<DocumentSnapshot>,
    /// The last document the read looked at (the next page starts after it).
    pub through: Option<DocumentId>,
    /// Whether more snapshots follow.
    pub more: bool,
}

/// How many log positions (or snapshots) one filtered page read looks at, at most.
pub const SCAN_ROWS: usize = 20_000;

/// Bytes of stored changes a device, and a workspace, may hold (0: no limit).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Quotas {
    /// Bytes of changes one device may have pushed.
    pub device_bytes: u64,
    /// Bytes of changes one workspace may hold.
    pub workspace_bytes: u64,
}

/// What a page read may hold: entries, and bytes of changes (at least one entry either way).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PageBudget {
    /// Entries (or snapshots) per page.
    pub entries: usize,
    /// Bytes of changes (or snapshots) per page.
    pub bytes: usize,
}

/// The append-only, per-workspace change log.
pub trait ChangeLog: Send + Sync {
    /// Appends a batch in one durable transaction (on disk when this resolves), deduplicated by
    /// (document, hash), binding unknown actors to `device` and refusing actors of other devices.
    fn append(
        &self,
        workspace: WorkspaceId,
        device: DeviceId,
        changes: Vec<IncomingChange>,
        received_at: i64,
    ) -> StoreFuture<'_, AppendOutcome>;

    /// The entries after `after` of documents in `scope`, within `budget`: the read stops at
    /// the budget (entries past it, and entries outside the scope, are never loaded) or after
    /// [`SCAN_ROWS`] positions, and says how far it went.
    fn page(
        &self,
        workspace: WorkspaceId,
        after: Seq,
        budget: PageBudget,
        scope: Arc<Scope>,
    ) -> StoreFuture<'_, LogPage>;

    /// The newest position of the workspace's log (`Seq(0)` when empty).
    fn head(&self, workspace: WorkspaceId) -> StoreFuture<'_, Seq>;

    /// The changes of one document at positions in `(after, through]`, in log order.
    fn document_changes(
        &self,
        workspace: WorkspaceId,
        document: DocumentId,
        after: Seq,
        through: Seq,
    ) -> StoreFuture<'_, Vec<Vec<u8>>>;

    /// The position of the first change of `document` in the log (`None`: it has none).
    fn first_position(
        &self,
        workspace: WorkspaceId,
        document: DocumentId,
    ) -> StoreFuture<'_, Option<Seq>>;

    /// The documents with changes at positions in `(after, through]`.
    fn changed_documents(
        &self,
        workspace: WorkspaceId,
        after: Seq,
        through: Seq,
    ) -> StoreFuture<'_, Vec<DocumentId>>;

    /// The snapshots of documents in `scope` after `after` (in document order) within `budget`,
    /// each with its stored summary when it has one, the last document the read looked at, and
    /// whether more follow. Summaries count towards the byte budget; snapshots past the budget or
    /// outside the scope are never loaded, the read stops after [`SCAN_ROWS`] documents, and no
    /// document is parsed.
    fn snapshots_page(
        &self,
        workspace: WorkspaceId,
        after: Option<DocumentId>,
        budget: PageBudget,
        scope: Arc<Scope>,
    ) -> StoreFuture<'_, SnapshotPage>;

    /// The workspace's compaction epoch: every snapshot covers at least this position.
    fn epoch(&self, workspace: WorkspaceId) -> StoreFuture<'_, Seq>;

    /// Records a new compaction epoch (never moving it backwards).
    fn set_epoch(&self, workspace: WorkspaceId, epoch: Seq) -> StoreFuture<'_, ()>;

    /// Workspaces whose log grew by at least `threshold` entries since their epoch.
    fn workspaces_to_compact(&self, threshold: u64) -> StoreFuture<'_, Vec<WorkspaceId>>;

    /// A document's compacted snapshot and the position it covers, if one was made.
    fn snapshot(
        &self,
        workspace: WorkspaceId,
        document: DocumentId,
    ) -> StoreFuture<'_, Option<(Vec<u8>, Seq)>>;

    /// Stores a snapshot and its summary (kind, index row, heads; `None` when it could not be
    /// derived) unless a newer snapshot is already there.
    fn store_snapshot(
        &self,
        workspace: WorkspaceId,
        document: DocumentId,
        bytes: Vec<u8>,
        summary: Option<Summary>,
        covers: Seq,
    ) -> StoreFuture<'_, ()>;
}

/// One database holding everything the relay keeps: the change log, accounts and access.
pub trait Database:
    ChangeLog
    + AccountStore
    + AccessStore
    + device_codes::DeviceCodes
    + retention::RetentionStore
    + std::fmt::Debug
{
    /// The schema version and the storage counters, from memory: answers at once even while
    /// the database is busy, and never counts the log.
    fn health(&self) -> StorageHealth;

    /// Sets the storage quotas every later append enforces.
    fn set_quotas(&self, quotas: Quotas);

    /// The quotas appends enforce.
    fn quotas(&self) -> Quotas;

    /// The other relay instances sharing this database (none for an embedded one).
    fn neighbours(&self) -> Option<Arc<dyn neighbours::Neighbours>>;

    /// The right to compact `workspace` for as long as the lease lives; `None` while another
    /// relay instance on the same database holds it (compaction runs once per workspace).
    fn compaction_lease(&self, workspace: WorkspaceId) -> StoreFuture<'_, Option<CompactionLease>>;
}

/// Held while compacting a workspace: dropping it lets another instance compact it.
pub struct CompactionLease {
    /// What keeps the lease (a database session holding a lock), released when dropped.
    _held: Option<Box<dyn Send + Sync>>,
}

impl CompactionLease {
    /// A lease that nothing else can contend for (a database only one relay uses).
    pub fn sole() -> Self {
        Self { _held: None }
    }

    /// A lease kept by `held`, released when it is dropped.
    pub fn holding(held: Box<dyn Send + Sync>) -> Self {
        Self { _held: Some(held) }
    }
}

impl std::fmt::Debug for CompactionLease {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("CompactionLease")
            .finish_non_exhaustive()
    }
}

/// Where the relay keeps its data.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Location {
    /// The embedded SQLite file in this data directory.
    Sqlite(PathBuf),
    /// A PostgreSQL server (a `postgres://` connection string).
    Postgres(String),
}

impl Location {
    /// The database `database` names (a `postgres://` or `postgresql://` URL), or else the
    /// embedded file in `data_dir`.
    pub fn choose(database: Option<&str>, data_dir: &std::path::Path) -> Self {
        match database {
            Some(url) if !url.trim().is_empty() => Self::Postgres(url.trim().to_owned()),
            _ => Self::Sqlite(data_dir.to_path_buf()),
        }
    }
}

/// Opens the database at `location`, bringing its schema up to date.
pub async fn open(location: &Location) -> Result<Arc<dyn Database>, StorageError> {
    Ok(match location {
        Location::Sqlite(data_dir) => Arc::new(sqlite::SqliteStorage::open_in(data_dir).await?),
        Location::Postgres(url) => Arc::new(postgres::PostgresStorage::connect(url).await?),
    })
}

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
    /// PostgreSQL refused an operation, or the connection to it failed.
    #[error("PostgreSQL error")]
    Postgres(#[from] tokio_postgres::Error),
    /// No connection to PostgreSQL could be had from the pool.
    #[error("no PostgreSQL connection is available")]
    Pool(#[from] deadpool_postgres::PoolError),
    /// The PostgreSQL connection string is not valid.
    #[error("the PostgreSQL connection string is not valid: {0}")]
    Url(String),
    /// The blocking database task died (a panic) before answering.
    #[error("database task failed")]
    Task(#[from] tokio::task::JoinError),
    /// The system's random source failed.
    #[error("the system's random source failed")]
    Random(#[source] getrandom::Error),
    /// Every device code drawn for a device was already another device's.
    #[error("no free device code was found")]
    NoFreeDeviceCode,
    /// Stored data does not decode.
    #[error("stored data is corrupt: {0}")]
    Corrupt(&'static str),
    /// The database was written by a newer server.
    #[error("the database has schema version {found}, newer than this server's {supported}")]
    TooNew {
        /// The version in the file.
        found: i64,
        /// The newest version this build knows.
        supported: i64,
    },
}

/// What the health check reports about storage, from counters kept in memory (reading them
/// never touches the database).
#[derive(Clone, Debug, serde::Serialize)]
pub struct StorageHealth {
    /// The schema version of the database.
    pub schema_version: i64,
    /// How many changes the log holds.
    pub logged_changes: i64,
    /// Log and snapshot rows read for devices since the server started.
    pub rows_read: u64,
    /// Bytes of changes and snapshots read for devices since the server started.
    pub bytes_read: u64,
    /// The connection pool, for a database server (PostgreSQL).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pool: Option<PoolHealth>,
    /// Whether this instance hears the others (PostgreSQL: its `LISTEN` connection is up).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub listening: Option<bool>,
}

/// The state of a database server's connection pool.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub struct PoolHealth {
    /// The most connections it opens.
    pub max: usize,
    /// Connections open now.
    pub open: usize,
    /// Open connections idle now.
    pub idle: usize,
    /// Requests waiting for a connection.
    pub waiting: usize,
}
