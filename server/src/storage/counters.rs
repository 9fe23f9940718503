//! What a storage backend keeps in memory: the quotas its appends enforce and the counters the
//! health check reads (so `/healthz` and `/metrics` never query the database).

use std::sync::atomic::{AtomicU64, Ordering};

use super::{Quotas, StorageHealth};

/// The quotas and counters of one open database (shared by its handle's clones).
#[derive(Debug)]
pub(crate) struct Counters {
    schema_version: i64,
    logged_changes: AtomicU64,
    rows_read: AtomicU64,
    bytes_read: AtomicU64,
    device_quota: AtomicU64,
    workspace_quota: AtomicU64,
}

impl Counters {
    /// Counters of a database at `schema_version` holding `logged_changes`, with no quota.
    pub(crate) fn new(schema_version: i64, logged_changes: i64) -> Self {
        Self {
            schema_version,
            logged_changes: AtomicU64::new(u64::try_from(logged_changes).unwrap_or(0)),
            rows_read: AtomicU64::new(0),
            bytes_read: AtomicU64::new(0),
            device_quota: AtomicU64::new(0),
            workspace_quota: AtomicU64::new(0),
        }
    }

    /// The schema version and the counters.
    pub(crate) fn health(&self) -> StorageHealth {
        StorageHealth {
            schema_version: self.schema_version,
            logged_changes: i64::try_from(self.logged_changes.load(Ordering::Relaxed))
                .unwrap_or(i64::MAX),
            rows_read: self.rows_read.load(Ordering::Relaxed),
            bytes_read: self.bytes_read.load(Ordering::Relaxed),
            pool: None,
            listening: None,
        }
    }

    /// Sets the quotas later appends enforce.
    pub(crate) fn set_quotas(&self, quotas: Quotas) {
        self.device_quota
            .store(quotas.device_bytes, Ordering::Relaxed);
        self.workspace_quota
            .store(quotas.workspace_bytes, Ordering::Relaxed);
    }

    /// The quotas appends enforce.
    pub(crate) fn quotas(&self) -> Quotas {
        Quotas {
            device_bytes: self.device_quota.load(Ordering::Relaxed),
            workspace_bytes: self.workspace_quota.load(Ordering::Relaxed),
        }
    }

    /// Counts rows and bytes read for devices.
    pub(crate) fn count_read(&self, rows: usize, bytes: usize) {
        self.rows_read.fetch_add(rows as u64, Ordering::Relaxed);
        self.bytes_read.fetch_add(bytes as u64, Ordering::Relaxed);
    }

    /// Counts changes newly committed to the log (by this process).
    pub(crate) fn count_logged(&self, changes: usize) {
        self.logged_changes
            .fetch_add(changes as u64, Ordering::Relaxed);
    }
}
