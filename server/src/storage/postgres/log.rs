//! The change log in PostgreSQL: durable appends, pages from a cursor, snapshots.
//!
//! Positions are gap-free and commit-ordered even with several relay instances appending to one
//! workspace: an append's first statement locks the workspace's row of `log_heads` (inserting
//! it when absent), so appends to one workspace run one after the other. Each numbers its new
//! entries from the head it read and writes the new head before committing; the next append
//! only gets the lock once that commit is visible, so a reader never sees position n+1 without
//! n. A refused or failed append rolls back, leaving the head where it was.

use std::collections::HashMap;
use std::sync::Arc;

use deadpool_postgres::Transaction;
use shared::protocol::{Change, DeviceId, DocumentId, DocumentSnapshot, Entry, Seq};
use shared::replica::Summary;

use super::PostgresStorage;
use crate::access::Scope;
use crate::storage::columns::{document_id, position, read_summary, seq, SUMMARY_VERSION};
use crate::storage::{
    AppendOutcome, ChangeLog, Database, IncomingChange, LogPage, PageBudget, Quotas, SnapshotPage,
    StorageError, StoreFuture, WorkspaceId, SCAN_ROWS,
};

impl ChangeLog for PostgresStorage {
    fn append(
        &self,
        workspace: WorkspaceId,
        device: DeviceId,
        changes: Vec<IncomingChange>,
        received_at: i64,
    ) -> StoreFuture<'_, AppendOutcome> {
        Box::pin(async move {
            if changes.is_empty() {
                return Ok(AppendOutcome::default());
            }
            let quotas = self.quotas();
            let mut client = self.client().await?;
            let transaction = client.transaction().await?;
            let outcome = append(
                &transaction,
                workspace,
                device,
                changes,
                received_at,
                quotas,
            )
            .await?;
            if outcome.foreign_actor || outcome.quota_exceeded {
                // Nothing of a refused batch is kept, the head included.
                transaction.rollback().await?;
                return Ok(AppendOutcome {
                    stored: Vec::new(),
                    duplicates: 0,
                    ..outcome
                });
            }
            // Acknowledged only once the commit returns (flushed, with `synchronous_commit=on`).
            transaction.commit().await?;
            self.count_logged(outcome.stored.len());
            Ok(outcome)
        })
    }

    fn page(
        &self,
        workspace: WorkspaceId,
        after: Seq,
        budget: PageBudget,
        scope: Arc<Scope>,
    ) -> StoreFuture<'_, LogPage> {
        Box::pin(async move {
            let client = self.client().await?;
            let (page, bytes) = read_page(&client, workspace, after, budget, &scope).await?;
            self.count_read(page.entries.len(), bytes);
            Ok(page)
        })
    }

    fn head(&self, workspace: WorkspaceId) -> StoreFuture<'_, Seq> {
        Box::pin(async move {
            let client = self.client().await?;
            let head: i64 = client
                .query_one(
                    "SELECT coalesce(max(position), 0)::BIGINT FROM change_log WHERE workspace = $1",
                    &[&workspace.to_string()],
                )
                .await?
                .try_get(0)?;
            Ok(seq(head))
        })
    }

    fn document_changes(
        &self,
        workspace: WorkspaceId,
        document: DocumentId,
        after: Seq,
        through: Seq,
    ) -> StoreFuture<'_, Vec<Vec<u8>>> {
        Box::pin(async move {
            let client = self.client().await?;
            let statement = client
                .prepare_cached(
                    "SELECT bytes FROM change_log
                     WHERE workspace = $1 AND document = $2 AND position > $3 AND position <= $4
                     ORDER BY position",
                )
                .await?;
            let rows = client
                .query(
                    &statement,
                    &[
                        &workspace.to_string(),
                        &document.0.as_bytes().as_slice(),
                        &position(after),
                        &position(through),
                    ],
                )
                .await?;
            rows.iter()
                .map(|row| row.try_get::<_, Vec<u8>>(0).map_err(StorageError::from))
                .collect()
        })
    }

    fn first_position(
        &self,
        workspace: WorkspaceId,
        document: DocumentId,
    ) -> StoreFuture<'_, Option<Seq>> {
        Box::pin(async move {
            let client = self.client().await?;
            let first: Option<i64> = client
                .query_one(
                    "SELECT min(position) FROM change_log WHERE workspace = $1 AND document = $2",
                    &[&workspace.to_string(), &document.0.as_bytes().as_slice()],
                )
                .await?
                .try_get(0)?;
            Ok(first.map(seq))
        })
    }

    fn changed_documents(
        &self,
        workspace: WorkspaceId,
        after: Seq,
        through: Seq,
    ) -> StoreFuture<'_, Vec<DocumentId>> {
        Box::pin(async move {
            let client = self.client().await?;
            let statement = client
                .prepare_cached(
                    "SELECT DISTINCT document FROM change_log
                     WHERE workspace = $1 AND position > $2 AND position <= $3",
                )
                .await?;
            let rows = client
                .query(
                    &statement,
                    &[&workspace.to_string(), &position(after), &position(through)],
                )
                .await?;
            rows.iter()
                .map(|row| document_id(&row.try_get::<_, Vec<u8>>(0)?))
                .collect()
        })
    }

    fn snapshots_page(
        &self,
        workspace: WorkspaceId,
        after: Option<DocumentId>,
        budget: PageBudget,
        scope: Arc<Scope>,
    ) -> StoreFuture<'_, SnapshotPage> {
        Box::pin(async move {
            let client = self.client().await?;
            let (page, bytes) =
                read_snapshot_page(&client, workspace, after, budget, &scope).await?;
            self.count_read(page.snapshots.len(), bytes);
            Ok(page)
        })
    }

    fn epoch(&self, workspace: WorkspaceId) -> StoreFuture<'_, Seq> {
        Box::pin(async move {
            let client = self.client().await?;
            let epoch: Option<i64> = client
                .query_opt(
                    "SELECT epoch FROM compactions WHERE workspace = $1",
                    &[&workspace.to_string()],
                )
                .await?
                .map(|row| row.try_get(0))
                .transpose()?;
            Ok(seq(epoch.unwrap_or(0)))
        })
    }

    fn set_epoch(&self, workspace: WorkspaceId, epoch: Seq) -> StoreFuture<'_, ()> {
        Box::pin(async move {
            let client = self.client().await?;
            client
                .execute(
                    "INSERT INTO compactions (workspace, epoch) VALUES ($1, $2)
                     ON CONFLICT (workspace) DO UPDATE SET epoch = excluded.epoch
                     WHERE excluded.epoch > compactions.epoch",
                    &[&workspace.to_string(), &position(epoch)],
                )
                .await?;
            Ok(())
        })
    }

    fn workspaces_to_compact(&self, threshold: u64) -> StoreFuture<'_, Vec<WorkspaceId>> {
        Box::pin(async move {
            let threshold = i64::try_from(threshold).unwrap_or(i64::MAX);
            let client = self.client().await?;
            // `log_heads` holds each workspace's newest committed position: no scan of the log.
            let rows = client
                .query(
                    "SELECT log_heads.workspace FROM log_heads
                     LEFT JOIN compactions ON compactions.workspace = log_heads.workspace
                     WHERE log_heads.head > 0
                       AND log_heads.head - coalesce(compactions.epoch, 0) >= $1",
                    &[&threshold],
                )
                .await?;
            rows.iter()
                .map(|row| {
                    row.try_get::<_, String>(0)?
                        .parse()
                        .map_err(|_| StorageError::Corrupt("a logged workspace id is not a uuid"))
                })
                .collect()
        })
    }

    fn snapshot(
        &self,
        workspace: WorkspaceId,
        document: DocumentId,
    ) -> StoreFuture<'_, Option<(Vec<u8>, Seq)>> {
        Box::pin(async move {
            let client = self.client().await?;
            let found = client
                .query_opt(
                    "SELECT bytes, covers FROM snapshots WHERE workspace = $1 AND document = $2",
                    &[&workspace.to_string(), &document.0.as_bytes().as_slice()],
                )
                .await?;
            match found {
                Some(row) => Ok(Some((row.try_get(0)?, seq(row.try_get(1)?)))),
                None => Ok(None),
            }
        })
    }

    fn store_snapshot(
        &self,
        workspace: WorkspaceId,
        document: DocumentId,
        bytes: Vec<u8>,
        summary: Option<Summary>,
        covers: Seq,
    ) -> StoreFuture<'_, ()> {
        Box::pin(async move {
            // A summary that does not encode is a bug in its types, not a reason to lose the
            // snapshot: it is stored without one and devices fold it themselves.
            let summary = summary.and_then(|summary| match summary.encode() {
                Ok(encoded) => Some(encoded),
                Err(error) => {
                    tracing::error!(document = %document.0, %error, "a summary does not encode");
                    None
                }
            });
            let version = summary.as_ref().map(|_| SUMMARY_VERSION);
            let client = self.client().await?;
            // Never replace a snapshot by an older one (two compactions racing).
            client
                .execute(
                    "INSERT INTO snapshots
                       (workspace, document, covers, bytes, summary, summary_version)
                     VALUES ($1, $2, $3, $4, $5, $6)
                     ON CONFLICT (workspace, document) DO UPDATE SET covers = excluded.covers,
                       bytes = excluded.bytes, summary = excluded.summary,
                       summary_version = excluded.summary_version
                     WHERE excluded.covers > snapshots.covers",
                    &[
                        &workspace.to_string(),
                        &document.0.as_bytes().as_slice(),
                        &position(covers),
                        &bytes,
                        &summary,
                        &version,
                    ],
                )
                .await?;
            Ok(())
        })
    }
}

/// The rows a filtered read looks at, at most.
fn scan_rows() -> i64 {
    i64::try_from(SCAN_ROWS).unwrap_or(i64::MAX)
}

/// The rows a page's size scan may look at: one past the entry budget, to tell whether more follow.
fn page_limit(budget: PageBudget) -> i64 {
    i64::try_from(budget.entries.max(1))
        .unwrap_or(i64::MAX)
        .saturating_add(1)
}

/// Whether one more item of `size` bytes would overflow a page already holding `count` items of
/// `bytes` bytes (the first item always fits).
fn page_full(budget: PageBudget, count: usize, bytes: usize, size: usize) -> bool {
    count > 0 && (count >= budget.entries.max(1) || bytes.saturating_add(size) > budget.bytes)
}

/// Reads the log page after `after` for a reader of `scope`: positions, documents and sizes
/// first (`octet_length` reads a stored value's size without loading it), then the bytes of
/// exactly the entries that fit and are in scope. Returns the page and the bytes read.
async fn read_page(
    client: &deadpool_postgres::Client,
    workspace: WorkspaceId,
    after: Seq,
    budget: PageBudget,
    scope: &Scope,
) -> Result<(LogPage, usize), StorageError> {
    let workspace = workspace.to_string();
    let scan = match scope {
        Scope::Everything => page_limit(budget),
        Scope::Only(_) => scan_rows(),
    };
    let sizes = client
        .prepare_cached(
            "SELECT position, document, octet_length(bytes)::BIGINT FROM change_log
             WHERE workspace = $1 AND position > $2 ORDER BY position LIMIT $3",
        )
        .await?;
    let rows = client
        .query(&sizes, &[&workspace, &position(after), &scan])
        .await?;
    let mut chosen: Vec<(i64, DocumentId)> = Vec::new();
    let mut through = position(after);
    let mut bytes = 0_usize;
    let mut more = false;
    for row in &rows {
        let at: i64 = row.try_get(0)?;
        let document = document_id(&row.try_get::<_, Vec<u8>>(1)?)?;
        if !scope.contains(&document) {
            through = at;
            continue;
        }
        let size = usize::try_from(row.try_get::<_, i64>(2)?).unwrap_or(usize::MAX);
        if page_full(budget, chosen.len(), bytes, size) {
            more = true;
            break;
        }
        chosen.push((at, document));
        bytes = bytes.saturating_add(size);
        through = at;
    }
    if !more && i64::try_from(rows.len()).unwrap_or(i64::MAX) == scan {
        // The scan stopped at its limit: whether anything follows, the next read tells.
        more = matches!(scope, Scope::Only(_))
            || client
                .query_opt(
                    "SELECT 1 FROM change_log WHERE workspace = $1 AND position > $2 LIMIT 1",
                    &[&workspace, &through],
                )
                .await?
                .is_some();
    }
    drop(rows);
    let mut bytes_read = 0;
    let mut entries = Vec::with_capacity(chosen.len());
    if !chosen.is_empty() {
        let positions: Vec<i64> = chosen.iter().map(|(at, _)| *at).collect();
        let statement = client
            .prepare_cached(
                "SELECT position, bytes FROM change_log
                 WHERE workspace = $1 AND position = ANY($2) ORDER BY position",
            )
            .await?;
        let rows = client.query(&statement, &[&workspace, &positions]).await?;
        let mut loaded: HashMap<i64, Vec<u8>> = HashMap::with_capacity(rows.len());
        for row in rows {
            loaded.insert(row.try_get(0)?, row.try_get(1)?);
        }
        for (at, document) in chosen {
            // Entries are never deleted: a position read a moment ago is still there.
            let bytes = loaded
                .remove(&at)
                .ok_or(StorageError::Corrupt("a logged entry vanished while read"))?;
            bytes_read += bytes.len();
            entries.push(Entry {
                seq: seq(at),
                change: Change { document, bytes },
            });
        }
    }
    Ok((
        LogPage {
            entries,
            through: seq(through),
            more,
        },
        bytes_read,
    ))
}

/// Reads the page of snapshots after `after` for a reader of `scope`: documents and sizes first
/// (a summary counts towards the budget, as it travels in the same page; one written in another
/// protocol version's form is neither sent nor counted), then the bytes of exactly the snapshots
/// that fit and are in scope. Returns the page and the bytes read.
async fn read_snapshot_page(
    client: &deadpool_postgres::Client,
    workspace: WorkspaceId,
    after: Option<DocumentId>,
    budget: PageBudget,
    scope: &Scope,
) -> Result<(SnapshotPage, usize), StorageError> {
    let workspace = workspace.to_string();
    // Document ids compare as 16-byte strings; the empty one sorts before all.
    let after = after.map_or_else(Vec::new, |document| document.0.as_bytes().to_vec());
    let scan = match scope {
        Scope::Everything => page_limit(budget),
        Scope::Only(_) => scan_rows(),
    };
    let sizes = client
        .prepare_cached(
            "SELECT document, (octet_length(bytes) + CASE WHEN summary_version = $4
               THEN coalesce(octet_length(summary), 0) ELSE 0 END)::BIGINT
             FROM snapshots
             WHERE workspace = $1 AND document > $2 ORDER BY document LIMIT $3",
        )
        .await?;
    let rows = client
        .query(&sizes, &[&workspace, &after, &scan, &SUMMARY_VERSION])
        .await?;
    let mut chosen: Vec<DocumentId> = Vec::new();
    let mut through = None;
    let mut bytes = 0_usize;
    let mut more = false;
    for row in &rows {
        let document = document_id(&row.try_get::<_, Vec<u8>>(0)?)?;
        if !scope.contains(&document) {
            through = Some(document);
            continue;
        }
        let size = usize::try_from(row.try_get::<_, i64>(1)?).unwrap_or(usize::MAX);
        if page_full(budget, chosen.len(), bytes, size) {
            more = true;
            break;
        }
        chosen.push(document);
        bytes = bytes.saturating_add(size);
        through = Some(document);
    }
    if !more && i64::try_from(rows.len()).unwrap_or(i64::MAX) == scan {
        // The scan stopped at its limit: the next read says whether anything follows.
        more = true;
    }
    drop(rows);
    let mut bytes_read = 0;
    let mut snapshots = Vec::with_capacity(chosen.len());
    if !chosen.is_empty() {
        let documents: Vec<Vec<u8>> = chosen
            .iter()
            .map(|document| document.0.as_bytes().to_vec())
            .collect();
        let statement = client
            .prepare_cached(
                "SELECT document, bytes, CASE WHEN summary_version = $3 THEN summary END
                 FROM snapshots WHERE workspace = $1 AND document = ANY($2)",
            )
            .await?;
        let rows = client
            .query(&statement, &[&workspace, &documents, &SUMMARY_VERSION])
            .await?;
        let mut loaded: HashMap<DocumentId, (Vec<u8>, Option<Vec<u8>>)> =
            HashMap::with_capacity(rows.len());
        for row in rows {
            let document = document_id(&row.try_get::<_, Vec<u8>>(0)?)?;
            loaded.insert(document, (row.try_get(1)?, row.try_get(2)?));
        }
        for document in chosen {
            // A snapshot is replaced, never deleted: one listed a moment ago is still there.
            let (bytes, summary) = loaded
                .remove(&document)
                .ok_or(StorageError::Corrupt("a snapshot vanished while read"))?;
            bytes_read += bytes.len() + summary.as_ref().map_or(0, Vec::len);
            snapshots.push(DocumentSnapshot {
                document,
                bytes,
                summary: summary.and_then(|summary| read_summary(document, &summary)),
            });
        }
    }
    Ok((
        SnapshotPage {
            snapshots,
            through,
            more,
        },
        bytes_read,
    ))
}

/// Appends `changes` inside `transaction` (which the caller commits, or rolls back when the
/// outcome refuses the batch).
async fn append(
    transaction: &Transaction<'_>,
    workspace: WorkspaceId,
    device: DeviceId,
    changes: Vec<IncomingChange>,
    received_at: i64,
    quotas: Quotas,
) -> Result<AppendOutcome, StorageError> {
    let workspace_key = workspace.to_string();
    let device_key = device.0.to_string();
    let mut outcome = AppendOutcome::default();
    // First, the workspace's head: the upsert locks its row even when it exists, so every other
    // append to this workspace waits here until this transaction ends, then reads the head this
    // one committed.
    let mut head: i64 = transaction
        .query_one(
            "INSERT INTO log_heads (workspace, head) VALUES ($1, 0)
             ON CONFLICT (workspace) DO UPDATE SET head = log_heads.head
             RETURNING head",
            &[&workspace_key],
        )
        .await?
        .try_get(0)?;
    // Then a constant number of statements whatever the batch's size (a round trip each): who
    // owns the batch's actors, which of its changes the log holds, the new actors' binding and
    // one insert of every new change. The head's lock makes the reads exact: no other append
    // to this workspace runs until this transaction ends.
    let mut actors: Vec<&[u8]> = changes
        .iter()
        .map(|change| change.actor.as_slice())
        .collect();
    actors.sort_unstable();
    actors.dedup();
    let owners: HashMap<Vec<u8>, String> = transaction
        .query(
            "SELECT actor, device FROM actors WHERE workspace = $1 AND actor = ANY($2)",
            &[&workspace_key, &actors],
        )
        .await?
        .into_iter()
        .map(|row| Ok((row.try_get(0)?, row.try_get(1)?)))
        .collect::<Result<_, tokio_postgres::Error>>()?;
    let documents: Vec<&[u8]> = changes
        .iter()
        .map(|change| change.document.0.as_bytes().as_slice())
        .collect();
    let hashes: Vec<&[u8]> = changes
        .iter()
        .map(|change| change.hash.as_slice())
        .collect();
    let mut held: std::collections::HashSet<(Vec<u8>, Vec<u8>)> = transaction
        .query(
            "SELECT log.document, log.change_hash
             FROM change_log AS log
             JOIN UNNEST($2::BYTEA[], $3::BYTEA[]) AS batch (document, change_hash)
               ON log.document = batch.document AND log.change_hash = batch.change_hash
             WHERE log.workspace = $1",
            &[&workspace_key, &documents, &hashes],
        )
        .await?
        .into_iter()
        .map(|row| Ok((row.try_get(0)?, row.try_get(1)?)))
        .collect::<Result<_, tokio_postgres::Error>>()?;
    let mut unbound: Vec<&[u8]> = Vec::new();
    for change in &changes {
        match owners.get(&change.actor) {
            Some(owner) if *owner != device_key => {
                // Another device's change that the log already holds is a duplicate, not an
                // impersonation: a device that restored a backup, or merged a colleague's
                // document, may hand it back. It adds nothing and is acknowledged as such.
                let key = (change.document.0.as_bytes().to_vec(), change.hash.to_vec());
                if !held.contains(&key) {
                    outcome.foreign_actor = true;
                    return Ok(outcome);
                }
            }
            Some(_) => {}
            None => unbound.push(change.actor.as_slice()),
        }
    }
    unbound.sort_unstable();
    unbound.dedup();
    if !unbound.is_empty() {
        transaction
            .execute(
                "INSERT INTO actors (workspace, actor, device)
                 SELECT $1, actor, $3 FROM UNNEST($2::BYTEA[]) AS unbound (actor)",
                &[&workspace_key, &unbound, &device_key],
            )
            .await?;
    }
    // New changes in batch order, numbered after the head; a change already held, or twice in
    // the batch, is a duplicate.
    let mut stored_bytes = 0_u64;
    let mut positions: Vec<i64> = Vec::with_capacity(changes.len());
    let mut new_actors_and_hashes: Vec<(Vec<u8>, [u8; 32])> = Vec::with_capacity(changes.len());
    for change in changes {
        let key = (change.document.0.as_bytes().to_vec(), change.hash.to_vec());
        if !held.insert(key) {
            outcome.duplicates += 1;
            continue;
        }
        head += 1;
        positions.push(head);
        stored_bytes += change.bytes.len() as u64;
        outcome.stored.push(Entry {
            seq: seq(head),
            change: Change {
                document: change.document,
                bytes: change.bytes,
            },
        });
        new_actors_and_hashes.push((change.actor, change.hash));
    }
    if !outcome.stored.is_empty() {
        let documents: Vec<&[u8]> = outcome
            .stored
            .iter()
            .map(|entry| entry.change.document.0.as_bytes().as_slice())
            .collect();
        let bytes: Vec<&[u8]> = outcome
            .stored
            .iter()
            .map(|entry| entry.change.bytes.as_slice())
            .collect();
        let hashes: Vec<&[u8]> = new_actors_and_hashes
            .iter()
            .map(|(_, hash)| hash.as_slice())
            .collect();
        let actors: Vec<&[u8]> = new_actors_and_hashes
            .iter()
            .map(|(actor, _)| actor.as_slice())
            .collect();
        transaction
            .execute(
                "INSERT INTO change_log
                   (workspace, position, document, change_hash, actor, device, received_at, bytes)
                 SELECT $1, position, document, change_hash, actor, $6, $7, bytes
                 FROM UNNEST($2::BIGINT[], $3::BYTEA[], $4::BYTEA[], $5::BYTEA[], $8::BYTEA[])
                   AS batch (position, document, change_hash, actor, bytes)",
                &[
                    &workspace_key,
                    &positions,
                    &documents,
                    &hashes,
                    &actors,
                    &device_key,
                    &received_at,
                    &bytes,
                ],
            )
            .await?;
    }
    if !outcome.stored.is_empty() {
        outcome.quota_exceeded = !charge(
            transaction,
            &workspace_key,
            &device_key,
            stored_bytes,
            outcome.stored.len(),
            quotas,
        )
        .await?;
        if outcome.quota_exceeded {
            return Ok(outcome);
        }
        transaction
            .execute(
                "UPDATE log_heads SET head = $2 WHERE workspace = $1",
                &[&workspace_key, &head],
            )
            .await?;
    }
    Ok(outcome)
}

/// Adds `bytes` (and `changes`) to the device's and the workspace's usage; `false` when that
/// would exceed a quota (the caller then rolls the whole batch back). Duplicates cost nothing:
/// only newly stored bytes are charged.
async fn charge(
    transaction: &Transaction<'_>,
    workspace_key: &str,
    device_key: &str,
    bytes: u64,
    changes: usize,
    quotas: Quotas,
) -> Result<bool, StorageError> {
    let bytes = i64::try_from(bytes).unwrap_or(i64::MAX);
    let changes = i64::try_from(changes).unwrap_or(i64::MAX);
    let device_total: i64 = transaction
        .query_one(
            "INSERT INTO device_usage (workspace, device, bytes) VALUES ($1, $2, $3)
             ON CONFLICT (workspace, device) DO UPDATE SET bytes = device_usage.bytes + excluded.bytes
             RETURNING bytes",
            &[&workspace_key, &device_key, &bytes],
        )
        .await?
        .try_get(0)?;
    let workspace_total: i64 = transaction
        .query_one(
            "INSERT INTO workspace_usage (workspace, bytes, changes) VALUES ($1, $2, $3)
             ON CONFLICT (workspace) DO UPDATE SET
               bytes = workspace_usage.bytes + excluded.bytes,
               changes = workspace_usage.changes + excluded.changes
             RETURNING bytes",
            &[&workspace_key, &bytes, &changes],
        )
        .await?
        .try_get(0)?;
    let within =
        |total: i64, quota: u64| quota == 0 || u64::try_from(total).unwrap_or(u64::MAX) <= quota;
    Ok(
        within(device_total, quotas.device_bytes)
            && within(workspace_total, quotas.workspace_bytes),
    )
}
