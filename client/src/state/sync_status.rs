//! What the sync indicator shows: the connection's state, the local changes the relay has not
//! acknowledged and how old the oldest is. Pure data, shared between tabs as JSON.

use serde::{Deserialize, Serialize};

use super::problem::Problem;

/// After this long without reaching the relay, unsynced changes earn a warning: a browser may
/// evict the storage of a site that is not installed, and the changes exist nowhere else.
pub const UNSYNCED_WARNING_AFTER_MS: f64 = 3.0 * 24.0 * 60.0 * 60.0 * 1000.0;

/// What the app tells the sync engine (which runs in the leader tab's workspace worker, so the
/// command crosses the worker bridge).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum SyncCommand {
    /// Try now if waiting: the browser came online or the app regained focus.
    Wake,
    /// The rep asked to sync now.
    SyncNow,
    /// Local changes were written to the outbox (by this tab or another).
    LocalChange,
    /// Someone signed in on this device.
    SignedIn,
    /// The device is being signed out.
    SignOut,
    /// The page's idea of the network (`navigator.onLine` and its `online`/`offline` events): a
    /// worker's own may lag what the browser shows the page.
    Network {
        /// Whether the browser says it is online.
        online: bool,
    },
}

/// Where the device stands with the relay.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub enum Connection {
    /// Nobody is signed in on this device.
    SignedOut,
    /// No network, or the relay cannot be reached; retrying.
    #[default]
    Offline,
    /// Getting a ticket and opening the socket.
    Connecting,
    /// A new device downloading the workspace: `records` stored so far.
    Downloading {
        /// Records stored so far.
        records: usize,
    },
    /// Catching up with the log or pushing local changes.
    Syncing,
    /// Up to date (as of `at_ms`, milliseconds since the epoch).
    Synced {
        /// When the device last became up to date.
        at_ms: f64,
    },
    /// Sync stopped for a reason the rep must read (sign in again, update the app, storage full).
    Failed {
        /// The reason.
        problem: Problem,
    },
}

/// The sync state the whole app shows.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SyncStatus {
    /// The connection.
    pub connection: Connection,
    /// Local changes the relay has not acknowledged.
    pub pending: usize,
    /// When the oldest of them was made (milliseconds since the epoch).
    pub oldest_pending_at_ms: Option<f64>,
    /// When the device was last up to date, kept through later disconnections.
    pub last_synced_at_ms: Option<f64>,
}

/// A message of the sync indicator: its id in the catalogue and its numbers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StatusMessage {
    /// The message id (`sync-offline-pending`…).
    pub id: &'static str,
    /// The count it speaks of (changes, records).
    pub count: usize,
    /// For the age warning: how many days the oldest change has waited.
    pub days: u64,
}

impl StatusMessage {
    fn new(id: &'static str, count: usize) -> Self {
        Self { id, count, days: 0 }
    }
}

impl SyncStatus {
    /// The indicator's short label.
    pub fn headline(&self) -> StatusMessage {
        let pending = self.pending;
        match &self.connection {
            Connection::SignedOut => StatusMessage::new("sync-signed-out", 0),
            Connection::Offline if pending > 0 => {
                StatusMessage::new("sync-offline-pending", pending)
            }
            Connection::Offline => StatusMessage::new("sync-offline", 0),
            Connection::Connecting => StatusMessage::new("sync-connecting", 0),
            Connection::Downloading { records } => StatusMessage::new("sync-downloading", *records),
            Connection::Syncing | Connection::Synced { .. } if pending > 0 => {
                StatusMessage::new("sync-syncing-pending", pending)
            }
            Connection::Syncing => StatusMessage::new("sync-syncing", 0),
            Connection::Synced { .. } => StatusMessage::new("sync-synced", 0),
            Connection::Failed { .. } => StatusMessage::new("sync-failed", 0),
        }
    }

    /// A warning when unsynced changes have waited too long, as of `now_ms`.
    pub fn unsynced_warning(&self, now_ms: f64) -> Option<StatusMessage> {
        let oldest = self.oldest_pending_at_ms?;
        if self.pending == 0 || now_ms - oldest < UNSYNCED_WARNING_AFTER_MS {
            return None;
        }
        let days = ((now_ms - oldest) / (24.0 * 60.0 * 60.0 * 1000.0)).floor() as u64;
        Some(StatusMessage {
            id: "sync-unsynced-warning",
            count: self.pending,
            days,
        })
    }

    /// Whether the rep should see a problem.
    pub fn is_failed(&self) -> bool {
        matches!(self.connection, Connection::Failed { .. })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY_MS: f64 = 24.0 * 60.0 * 60.0 * 1000.0;

    #[test]
    fn the_headline_counts_pending_changes_while_offline_or_syncing() {
        let mut status = SyncStatus {
            pending: 3,
            ..SyncStatus::default()
        };
        assert_eq!(
            status.headline(),
            StatusMessage::new("sync-offline-pending", 3)
        );
        status.connection = Connection::Syncing;
        assert_eq!(
            status.headline(),
            StatusMessage::new("sync-syncing-pending", 3)
        );
        status.pending = 0;
        status.connection = Connection::Synced { at_ms: 1.0 };
        assert_eq!(status.headline(), StatusMessage::new("sync-synced", 0));
    }

    #[test]
    fn old_unsynced_changes_earn_a_warning_and_fresh_ones_do_not() {
        let status = SyncStatus {
            pending: 12,
            oldest_pending_at_ms: Some(0.0),
            ..SyncStatus::default()
        };
        assert_eq!(status.unsynced_warning(DAY_MS), None);
        let warning = status.unsynced_warning(4.5 * DAY_MS);
        assert_eq!(
            warning,
            Some(StatusMessage {
                id: "sync-unsynced-warning",
                count: 12,
                days: 4
            })
        );
    }

    #[test]
    fn no_warning_once_everything_is_acknowledged() {
        let status = SyncStatus {
            pending: 0,
            oldest_pending_at_ms: Some(0.0),
            ..SyncStatus::default()
        };
        assert_eq!(status.unsynced_warning(30.0 * DAY_MS), None);
    }
}
