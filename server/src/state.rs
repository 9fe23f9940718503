//! The state every request handler and sync session shares, cheap to clone.

use std::path::PathBuf;
use std::sync::Arc;

use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::accept::HttpLimits;
use crate::accounts::Accounts;
use crate::admission::PreAuthSlots;
use crate::config::Config;
use crate::headers::SecurityHeaders;
use crate::hub::Hub;
use crate::ingest::Validators;
use crate::metrics::Metrics;
use crate::session::Limits;
use crate::storage::{AccessStore, ChangeLog, Database, Quotas, StorageError};

/// Shared, cloneable application state.
#[derive(Clone)]
pub struct AppState {
    /// The folder holding the built client.
    pub dist_dir: Arc<PathBuf>,
    /// The database (SQLite or PostgreSQL): accounts and, through [`AppState::log`], the change
    /// log.
    pub storage: Arc<dyn Database>,
    /// The change log, behind its trait.
    pub log: Arc<dyn ChangeLog>,
    /// Records' access keys and people's grants, behind their trait.
    pub access: Arc<dyn AccessStore>,
    /// Sign-in, devices and sync tickets.
    pub accounts: Accounts,
    /// Fan-out of new log entries to the workspace's open sessions.
    pub hub: Hub,
    /// Counters for `/metrics`.
    pub metrics: Metrics,
    /// Per-connection limits.
    pub limits: Arc<Limits>,
    /// The bounded pool pushed changes are validated on.
    pub validators: Validators,
    /// Free sync connection slots (the global cap).
    pub connection_slots: Arc<Semaphore>,
    /// Origins allowed to open the sync socket besides the server's own.
    pub allowed_origins: Arc<Vec<String>>,
    /// Cancelled when the server shuts down: sessions close between commits.
    pub shutdown: CancellationToken,
    /// Every sync session, so shutdown can wait for them.
    pub tasks: TaskTracker,
    /// Sync sockets each client address holds before authenticating.
    pub pre_auth: PreAuthSlots,
    /// Header and request timeouts, and the cap on open connections.
    pub http: HttpLimits,
    /// The headers every response carries (the policy names this build's inline script).
    pub security_headers: Arc<SecurityHeaders>,
}

/// The default cap on simultaneous sync connections.
pub const DEFAULT_MAX_CONNECTIONS: usize = 10_000;

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
    /// Opens the configured database (creating the data directory and its SQLite file when no
    /// PostgreSQL server is named).
    pub async fn open(config: &Config) -> Result<Self, StorageError> {
        let storage = crate::storage::open(&config.location()).await?;
        let resources = &config.resources;
        storage.set_quotas(Quotas {
            device_bytes: resources.device_quota_bytes,
            workspace_bytes: resources.workspace_quota_bytes,
        });
        Ok(Self {
            dist_dir: Arc::new(config.dist_dir.clone()),
            log: Arc::clone(&storage) as Arc<dyn ChangeLog>,
            access: Arc::clone(&storage) as Arc<dyn AccessStore>,
            accounts: Accounts::new(Arc::clone(&storage) as Arc<dyn crate::storage::AccountStore>)
                .configured(config)
                .with_neighbours(storage.neighbours()),
            hub: Hub::with_neighbours(storage.neighbours()),
            storage,
            metrics: Metrics::default(),
            limits: Arc::new(Limits::default()),
            validators: Validators::default(),
            connection_slots: Arc::new(Semaphore::new(DEFAULT_MAX_CONNECTIONS)),
            allowed_origins: Arc::new(config.allowed_origins.clone()),
            shutdown: CancellationToken::new(),
            tasks: TaskTracker::new(),
            pre_auth: PreAuthSlots::new(resources.pre_auth_sockets_per_address),
            http: HttpLimits::from(resources),
            security_headers: Arc::new(SecurityHeaders::for_build(&config.dist_dir).await),
        })
    }
}
