//! What an import or a restore stored: counts the worker reports and the settings page shows.

use serde::{Deserialize, Serialize};

/// What an import stored.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Imported {
    /// New records.
    pub created: usize,
    /// Stored records that received merged rows.
    pub merged: usize,
}

/// What a restore changed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Restored {
    /// Documents in the backup.
    pub documents: usize,
    /// Documents the device did not have.
    pub added: usize,
    /// Documents the device had that gained changes from the backup.
    pub merged: usize,
    /// Changes put in the outbox (this device's own, new to it).
    pub queued: usize,
}
