//! Fan-out: each workspace has one broadcast channel of newly logged entries. Publishing never
//! waits for a subscriber; a subscriber that falls behind is told it lagged and re-reads the log,
//! so a slow device never stalls the others.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use shared::protocol::Entry;
use tokio::sync::broadcast;

use crate::identity::WorkspaceId;

/// How many publications a subscriber may fall behind before it must re-read the log.
const CHANNEL_CAPACITY: usize = 256;

/// Entries newly appended to a workspace's log, with the moment they became durable.
#[derive(Debug)]
pub struct Publication {
    /// The entries, in log order.
    pub entries: Vec<Entry>,
    /// When the append committed (for the fan-out latency metric).
    pub committed_at: Instant,
    /// Whether the append changed who may read some record: every session recomputes its
    /// scope before filtering these entries.
    pub access_changed: bool,
}

/// The per-workspace broadcast channels.
#[derive(Clone, Debug, Default)]
pub struct Hub {
    channels: Arc<Mutex<HashMap<WorkspaceId, broadcast::Sender<Arc<Publication>>>>>,
}

impl Hub {
    /// Subscribes to a workspace's new entries.
    pub fn subscribe(&self, workspace: WorkspaceId) -> broadcast::Receiver<Arc<Publication>> {
        self.lock()
            .entry(workspace)
            .or_insert_with(|| broadcast::channel(CHANNEL_CAPACITY).0)
            .subscribe()
    }

    /// Publishes entries to the workspace's subscribers, if any; forgets idle channels.
    pub fn publish(&self, workspace: WorkspaceId, publication: Publication) {
        let mut channels = self.lock();
        if let Some(sender) = channels.get(&workspace) {
            if sender.send(Arc::new(publication)).is_err() {
                // Nobody listens any more.
                channels.remove(&workspace);
            }
        }
    }

    fn lock(
        &self,
    ) -> std::sync::MutexGuard<'_, HashMap<WorkspaceId, broadcast::Sender<Arc<Publication>>>> {
        // Every update is a single map operation: the map is consistent even after a panic.
        self.channels
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}
