//! Fan-out: each workspace has one broadcast channel of newly logged entries. Publishing never
//! waits for a subscriber; a subscriber that falls behind is told it lagged and re-reads the log,
//! so a slow device never stalls the others.
//!
//! With other relay instances on the same database, every publication is also told to them (a
//! hint), and what they append reaches this instance's sessions as a *wake-up*: a publication
//! without entries that makes each session re-read the log from its own cursor.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use shared::protocol::{Entry, Seq};
use tokio::sync::broadcast;

use crate::identity::WorkspaceId;
use crate::storage::neighbours::{Neighbours, Signal};

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
    /// Another instance appended (through some position this instance has not read): each
    /// session re-reads the log after its cursor.
    pub reread: bool,
}

impl Publication {
    /// Entries this instance just committed.
    pub fn entries(entries: Vec<Entry>, committed_at: Instant, access_changed: bool) -> Self {
        Self {
            entries,
            committed_at,
            access_changed,
            reread: false,
        }
    }
}

/// The per-workspace broadcast channels.
#[derive(Clone, Debug, Default)]
pub struct Hub {
    channels: Arc<Mutex<Channels>>,
    /// The other relay instances on the same database, told of every publication.
    neighbours: Option<Arc<dyn Neighbours>>,
}

/// Each workspace's channel and the newest position known to be committed there.
#[derive(Debug, Default)]
struct Channels {
    senders: HashMap<WorkspaceId, broadcast::Sender<Arc<Publication>>>,
    heads: HashMap<WorkspaceId, Seq>,
}

impl Hub {
    /// A hub that also tells `neighbours` what it publishes.
    pub fn with_neighbours(neighbours: Option<Arc<dyn Neighbours>>) -> Self {
        Self {
            channels: Arc::default(),
            neighbours,
        }
    }

    /// Subscribes to a workspace's new entries.
    pub fn subscribe(&self, workspace: WorkspaceId) -> broadcast::Receiver<Arc<Publication>> {
        self.lock()
            .senders
            .entry(workspace)
            .or_insert_with(|| broadcast::channel(CHANNEL_CAPACITY).0)
            .subscribe()
    }

    /// Publishes entries this instance committed to the workspace's subscribers, if any, and
    /// tells the other instances.
    pub fn publish(&self, workspace: WorkspaceId, publication: Publication) {
        let access_changed = publication.access_changed;
        let through = self.deliver(workspace, publication, None);
        if let Some(neighbours) = &self.neighbours {
            neighbours.tell(Signal::Logged {
                workspace,
                through,
                access_changed,
            });
        }
    }

    /// Wakes the workspace's sessions (if any) to re-read the log: another instance committed
    /// through `through`. Nothing is told to the other instances.
    pub fn wake(&self, workspace: WorkspaceId, through: Seq, access_changed: bool) {
        let publication = Publication {
            entries: Vec::new(),
            committed_at: Instant::now(),
            access_changed,
            reread: true,
        };
        self.deliver(workspace, publication, Some(through));
    }

    /// The workspaces with sessions here, each with the newest position this instance knows to
    /// be committed (to compare with the log's head).
    pub fn open_workspaces(&self) -> Vec<(WorkspaceId, Seq)> {
        let channels = self.lock();
        channels
            .senders
            .keys()
            .map(|workspace| {
                let head = channels.heads.get(workspace).copied().unwrap_or(Seq(0));
                (*workspace, head)
            })
            .collect()
    }

    /// Sends a publication to the workspace's subscribers (forgetting an idle channel) and
    /// returns the newest position known there.
    fn deliver(
        &self,
        workspace: WorkspaceId,
        publication: Publication,
        through: Option<Seq>,
    ) -> Seq {
        let mut channels = self.lock();
        let last = publication.entries.last().map(|entry| entry.seq);
        let known = channels.heads.get(&workspace).copied().unwrap_or(Seq(0));
        let head = known
            .max(last.unwrap_or(Seq(0)))
            .max(through.unwrap_or(Seq(0)));
        if let Some(sender) = channels.senders.get(&workspace) {
            if sender.send(Arc::new(publication)).is_err() {
                // Nobody listens any more.
                channels.senders.remove(&workspace);
                channels.heads.remove(&workspace);
                return head;
            }
            channels.heads.insert(workspace, head);
        }
        head
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Channels> {
        // Every update is a single map operation: the map is consistent even after a panic.
        self.channels
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}
