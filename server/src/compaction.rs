//! Background compaction: each workspace's documents are folded into snapshots at an epoch, so a
//! new device downloads one snapshot per document plus the log after the epoch, instead of every
//! change ever made. It runs off the request path, on the blocking pool for the CPU work.
//!
//! Invariant: after `compact_workspace` records epoch `P`, every document with changes at or
//! before `P` has a snapshot containing all of them. A document whose changes cannot all be
//! applied (a dependency missing from the log) keeps the epoch where it was.
//!
//! Each snapshot is stored with its [`Summary`] (kind, index row, heads), derived here with the
//! device's own code (`shared::replica::describe`), so the bootstrap pages carry rows and neither
//! the relay's read path nor a new device parses a document. Snapshots compacted before summaries
//! existed have none until their document changes again; devices fold those themselves.

use std::sync::Arc;
use std::time::Duration;

use automerge::{AutoCommit, Change};
use shared::protocol::{DocumentId, Seq};
use shared::replica::{self, Summary};
use tokio_util::sync::CancellationToken;

use crate::identity::WorkspaceId;
use crate::storage::{ChangeLog, Database, StorageError};

/// How often the compactor looks for work.
pub const COMPACTION_INTERVAL: Duration = Duration::from_secs(30);
/// How many new log entries make a workspace worth compacting.
pub const COMPACTION_THRESHOLD: u64 = 500;

/// Why a compaction stopped.
#[derive(Debug, thiserror::Error)]
pub enum CompactionError {
    /// Storage failed.
    #[error("storage failed during compaction")]
    Storage(#[from] StorageError),
    /// The CPU part died.
    #[error("the compaction task failed")]
    Task(#[from] tokio::task::JoinError),
}

/// What one compaction did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Compacted {
    /// The epoch now recorded.
    pub epoch: Seq,
    /// Documents whose snapshot was rewritten.
    pub documents: usize,
    /// Documents left out because a dependency is missing from the log.
    pub incomplete: usize,
}

/// Compacts `workspace` up to its current head.
pub async fn compact_workspace(
    log: &dyn ChangeLog,
    workspace: WorkspaceId,
) -> Result<Compacted, CompactionError> {
    let epoch = log.epoch(workspace).await?;
    let head = log.head(workspace).await?;
    if head <= epoch {
        return Ok(Compacted {
            epoch,
            documents: 0,
            incomplete: 0,
        });
    }
    let mut documents = 0;
    let mut incomplete = 0;
    for document in log.changed_documents(workspace, epoch, head).await? {
        if compact_document(log, workspace, document, head).await? {
            documents += 1;
        } else {
            incomplete += 1;
        }
    }
    if incomplete == 0 {
        log.set_epoch(workspace, head).await?;
    }
    Ok(Compacted {
        epoch: if incomplete == 0 { head } else { epoch },
        documents,
        incomplete,
    })
}

/// Rebuilds one document's snapshot through `through`; `false` when it cannot be complete.
async fn compact_document(
    log: &dyn ChangeLog,
    workspace: WorkspaceId,
    document: DocumentId,
    through: Seq,
) -> Result<bool, CompactionError> {
    let previous = log.snapshot(workspace, document).await?;
    let covers = previous.as_ref().map_or(Seq(0), |(_, covers)| *covers);
    let changes = log
        .document_changes(workspace, document, covers, through)
        .await?;
    let base = previous.map(|(bytes, _)| bytes);
    let folded = match tokio::task::spawn_blocking(move || fold(document, base, changes)).await {
        Ok(folded) => folded,
        // Automerge panicked on this document's changes (the relay's validation should make this
        // impossible): leave it uncompacted rather than stall the whole workspace.
        Err(error) if error.is_panic() => {
            tracing::error!(document = %document.0, "automerge panicked folding a document; left uncompacted");
            None
        }
        Err(error) => return Err(error.into()),
    };
    match folded {
        Some((bytes, summary)) => {
            log.store_snapshot(workspace, document, bytes, summary, through)
                .await?;
            Ok(true)
        }
        None => Ok(false),
    }
}

/// Applies `changes` over the snapshot `base` and summarises the result; `None` if it would miss
/// a dependency (or stored bytes no longer parse, which the relay's validation makes a storage
/// fault). A document the device would refuse (it names another id) gets no summary: the device
/// folds its bytes and refuses it itself.
fn fold(
    document: DocumentId,
    base: Option<Vec<u8>>,
    changes: Vec<Vec<u8>>,
) -> Option<(Vec<u8>, Option<Summary>)> {
    let mut automerge = match base {
        Some(bytes) => AutoCommit::load(&bytes).ok()?,
        None => AutoCommit::new(),
    };
    let changes = changes
        .iter()
        .map(|bytes| Change::try_from(bytes.as_slice()))
        .collect::<Result<Vec<Change>, _>>()
        .ok()?;
    automerge.apply_changes(changes).ok()?;
    if !automerge.get_missing_deps(&[]).is_empty() {
        return None;
    }
    // Saved before it is described: describing reads the document and must not alter its bytes.
    let bytes = automerge.save();
    let summary = match replica::describe(document, automerge) {
        Ok(folded) => Some(folded.summary()),
        Err(error) => {
            tracing::warn!(document = %document.0, %error, "a compacted document has no summary");
            None
        }
    };
    Some((bytes, summary))
}

/// Runs compaction every [`COMPACTION_INTERVAL`] until `shutdown`. With several relay instances
/// on one database, a workspace is compacted by whichever takes its lease; the others skip it.
pub fn spawn(
    database: Arc<dyn Database>,
    shutdown: CancellationToken,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(COMPACTION_INTERVAL);
        loop {
            tokio::select! {
                () = shutdown.cancelled() => return,
                _ = ticks.tick() => {}
            }
            let workspaces = match database.workspaces_to_compact(COMPACTION_THRESHOLD).await {
                Ok(workspaces) => workspaces,
                Err(error) => {
                    tracing::error!(%error, "cannot find workspaces to compact");
                    continue;
                }
            };
            for workspace in workspaces {
                if shutdown.is_cancelled() {
                    return;
                }
                let _lease = match database.compaction_lease(workspace).await {
                    Ok(Some(lease)) => lease,
                    Ok(None) => continue,
                    Err(error) => {
                        tracing::error!(%workspace, %error, "cannot take a compaction lease");
                        continue;
                    }
                };
                match compact_workspace(database.as_ref(), workspace).await {
                    Ok(compacted) => {
                        tracing::info!(%workspace, epoch = compacted.epoch.0, documents = compacted.documents, incomplete = compacted.incomplete, "compacted")
                    }
                    Err(error) => tracing::error!(%workspace, %error, "compaction failed"),
                }
            }
        }
    })
}
