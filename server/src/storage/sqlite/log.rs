//! The change log in SQLite: durable appends, pages from a cursor, snapshots.

use rusqlite::{params, OptionalExtension, Transaction};
use std::sync::Arc;

use shared::protocol::{Change, DeviceId, DocumentId, DocumentSnapshot, Entry, Seq};
use shared::replica::Summary;

use super::SqliteStorage;
use crate::access::Scope;
use crate::storage::columns::{document_id, position, read_summary, seq, SUMMARY_VERSION};
use crate::storage::{
    AppendOutcome, ChangeLog, Database, IncomingChange, LogPage, PageBudget, Quotas, SnapshotPage,
    StorageError, StoreFuture, WorkspaceId, SCAN_ROWS,
};

impl ChangeLog for SqliteStorage {
    fn append(
        &self,
        workspace: WorkspaceId,
        device: DeviceId,
        changes: Vec<IncomingChange>,
        received_at: i64,
    ) -> StoreFuture<'_, AppendOutcome> {
        let quotas = self.quotas();
        let storage = self.clone();
        Box::pin(async move {
            let outcome = storage
                .call(move |connection| {
                    let transaction = connection.transaction()?;
                    let outcome = append(
                        &transaction,
                        workspace,
                        device,
                        changes,
                        received_at,
                        quotas,
                    )?;
                    if outcome.foreign_actor || outcome.quota_exceeded {
                        // Nothing of a refused batch is kept.
                        transaction.rollback()?;
                        return Ok(AppendOutcome {
                            stored: Vec::new(),
                            duplicates: 0,
                            ..outcome
                        });
                    }
                    // With `synchronous=FULL` the commit returns once the WAL is on disk: only
                    // then is the batch acknowledged.
                    transaction.commit()?;
                    Ok(outcome)
                })
                .await?;
            storage.count_logged(outcome.stored.len());
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
        let storage = self.clone();
        Box::pin(async move {
            let (page, bytes) = storage
                .call(move |connection| read_page(connection, workspace, after, budget, &scope))
                .await?;
            storage.count_read(page.entries.len(), bytes);
            Ok(page)
        })
    }

    fn head(&self, workspace: WorkspaceId) -> StoreFuture<'_, Seq> {
        Box::pin(self.call(move |connection| {
            let head: i64 = connection.query_row(
                "SELECT coalesce(max(position), 0) FROM change_log WHERE workspace = ?1",
                [workspace.to_string()],
                |row| row.get(0),
            )?;
            Ok(seq(head))
        }))
    }

    fn first_position(
        &self,
        workspace: WorkspaceId,
        document: DocumentId,
    ) -> StoreFuture<'_, Option<Seq>> {
        Box::pin(self.call(move |connection| {
            let first: Option<i64> = connection.query_row(
                "SELECT min(position) FROM change_log INDEXED BY change_log_by_document
                 WHERE workspace = ?1 AND document = ?2",
                params![workspace.to_string(), document.0.as_bytes().as_slice()],
                |row| row.get(0),
            )?;
            Ok(first.map(seq))
        }))
    }

    fn document_changes(
        &self,
        workspace: WorkspaceId,
        document: DocumentId,
        after: Seq,
        through: Seq,
    ) -> StoreFuture<'_, Vec<Vec<u8>>> {
        Box::pin(self.call(move |connection| {
            // Without statistics SQLite's planner prefers the primary key's position range, which
            // reads every entry of the workspace for one document's changes: compacting a
            // workspace became quadratic (2,000 demo accounts took two minutes). The document's
            // own index reads only its entries.
            let mut statement = connection.prepare_cached(
                "SELECT bytes FROM change_log INDEXED BY change_log_by_document
                 WHERE workspace = ?1 AND document = ?2 AND position > ?3 AND position <= ?4
                 ORDER BY position",
            )?;
            let rows = statement
                .query_map(
                    params![
                        workspace.to_string(),
                        document.0.as_bytes().as_slice(),
                        position(after),
                        position(through)
                    ],
                    |row| row.get(0),
                )?
                .collect::<Result<Vec<Vec<u8>>, _>>()?;
            Ok(rows)
        }))
    }

    fn changed_documents(
        &self,
        workspace: WorkspaceId,
        after: Seq,
        through: Seq,
    ) -> StoreFuture<'_, Vec<DocumentId>> {
        Box::pin(self.call(move |connection| {
            let mut statement = connection.prepare_cached(
                "SELECT DISTINCT document FROM change_log
                 WHERE workspace = ?1 AND position > ?2 AND position <= ?3",
            )?;
            let documents = statement
                .query_map(
                    params![workspace.to_string(), position(after), position(through)],
                    |row| row.get::<_, Vec<u8>>(0),
                )?
                .map(|bytes| document_id(&bytes?))
                .collect::<Result<Vec<DocumentId>, StorageError>>()?;
            Ok(documents)
        }))
    }

    fn snapshots_page(
        &self,
        workspace: WorkspaceId,
        after: Option<DocumentId>,
        budget: PageBudget,
        scope: Arc<Scope>,
    ) -> StoreFuture<'_, SnapshotPage> {
        let storage = self.clone();
        Box::pin(async move {
            let (page, bytes) = storage
                .call(move |connection| {
                    read_snapshot_page(connection, workspace, after, budget, &scope)
                })
                .await?;
            storage.count_read(page.snapshots.len(), bytes);
            Ok(page)
        })
    }

    fn epoch(&self, workspace: WorkspaceId) -> StoreFuture<'_, Seq> {
        Box::pin(self.call(move |connection| {
            let epoch: Option<i64> = connection
                .query_row(
                    "SELECT epoch FROM compactions WHERE workspace = ?1",
                    [workspace.to_string()],
                    |row| row.get(0),
                )
                .optional()?;
            Ok(seq(epoch.unwrap_or(0)))
        }))
    }

    fn set_epoch(&self, workspace: WorkspaceId, epoch: Seq) -> StoreFuture<'_, ()> {
        Box::pin(self.call(move |connection| {
            connection.execute(
                "INSERT INTO compactions (workspace, epoch) VALUES (?1, ?2)
                 ON CONFLICT (workspace) DO UPDATE SET epoch = excluded.epoch
                 WHERE excluded.epoch > compactions.epoch",
                params![workspace.to_string(), position(epoch)],
            )?;
            Ok(())
        }))
    }

    fn workspaces_to_compact(&self, threshold: u64) -> StoreFuture<'_, Vec<WorkspaceId>> {
        Box::pin(self.call(move |connection| {
            let threshold = i64::try_from(threshold).unwrap_or(i64::MAX);
            let mut statement = connection.prepare_cached(
                "SELECT log.workspace FROM
                   (SELECT workspace, max(position) AS head FROM change_log GROUP BY workspace) AS log
                 LEFT JOIN compactions ON compactions.workspace = log.workspace
                 WHERE log.head - coalesce(compactions.epoch, 0) >= ?1",
            )?;
            let workspaces = statement
                .query_map([threshold], |row| row.get::<_, String>(0))?
                .map(|text| {
                    text?
                        .parse()
                        .map_err(|_| StorageError::Corrupt("a logged workspace id is not a uuid"))
                })
                .collect::<Result<Vec<WorkspaceId>, StorageError>>()?;
            Ok(workspaces)
        }))
    }

    fn snapshot(
        &self,
        workspace: WorkspaceId,
        document: DocumentId,
    ) -> StoreFuture<'_, Option<(Vec<u8>, Seq)>> {
        Box::pin(self.call(move |connection| {
            let found = connection
                .query_row(
                    "SELECT bytes, covers FROM snapshots WHERE workspace = ?1 AND document = ?2",
                    params![workspace.to_string(), document.0.as_bytes().as_slice()],
                    |row| Ok((row.get::<_, Vec<u8>>(0)?, row.get::<_, i64>(1)?)),
                )
                .optional()?;
            Ok(found.map(|(bytes, covers)| (bytes, seq(covers))))
        }))
    }

    fn store_snapshot(
        &self,
        workspace: WorkspaceId,
        document: DocumentId,
        bytes: Vec<u8>,
        summary: Option<Summary>,
        covers: Seq,
    ) -> StoreFuture<'_, ()> {
        Box::pin(self.call(move |connection| {
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
            // Never replace a snapshot by an older one (two compactions racing).
            connection.execute(
                "INSERT INTO snapshots (workspace, document, covers, bytes, summary, summary_version)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (workspace, document) DO UPDATE SET covers = excluded.covers,
                   bytes = excluded.bytes, summary = excluded.summary,
                   summary_version = excluded.summary_version
                 WHERE excluded.covers > snapshots.covers",
                params![
                    workspace.to_string(),
                    document.0.as_bytes().as_slice(),
                    position(covers),
                    bytes,
                    summary,
                    version
                ],
            )?;
            Ok(())
        }))
    }
}

/// Reads the page of snapshots after `after` for a reader of `scope`: documents and sizes first
/// (a summary counts towards the budget, as it travels in the same page; one written in another
/// protocol version's form is neither sent nor counted), then the bytes of exactly the snapshots
/// that fit and are in scope. Returns the page and the bytes read.
fn read_snapshot_page(
    connection: &mut rusqlite::Connection,
    workspace: WorkspaceId,
    after: Option<DocumentId>,
    budget: PageBudget,
    scope: &Scope,
) -> Result<(SnapshotPage, usize), StorageError> {
    let workspace = workspace.to_string();
    // Document ids compare as 16-byte blobs; the empty blob sorts before all.
    let after = after.map_or_else(Vec::new, |document| document.0.as_bytes().to_vec());
    let scan = match scope {
        Scope::Everything => page_limit(budget),
        Scope::Only(_) => i64::try_from(SCAN_ROWS).unwrap_or(i64::MAX),
    };
    let mut sizes = connection.prepare_cached(
        "SELECT document, length(bytes) + CASE WHEN summary_version = ?4
           THEN coalesce(length(summary), 0) ELSE 0 END
         FROM snapshots
         WHERE workspace = ?1 AND document > ?2 ORDER BY document LIMIT ?3",
    )?;
    let mut rows = sizes.query(params![workspace, after, scan, SUMMARY_VERSION])?;
    let mut chosen: Vec<DocumentId> = Vec::new();
    let mut through = None;
    let mut scanned = 0_i64;
    let mut bytes = 0_usize;
    let mut more = false;
    while let Some(row) = rows.next()? {
        scanned += 1;
        let document = document_id(&row.get::<_, Vec<u8>>(0)?)?;
        if !scope.contains(&document) {
            through = Some(document);
            continue;
        }
        let size = usize::try_from(row.get::<_, i64>(1)?).unwrap_or(usize::MAX);
        let full =
            chosen.len() >= budget.entries.max(1) || bytes.saturating_add(size) > budget.bytes;
        if !chosen.is_empty() && full {
            more = true;
            break;
        }
        chosen.push(document);
        bytes = bytes.saturating_add(size);
        through = Some(document);
    }
    drop(rows);
    if !more && scanned == scan {
        // The scan stopped at its limit: the next read says whether anything follows.
        more = true;
    }
    let mut statement = connection.prepare_cached(
        "SELECT bytes, CASE WHEN summary_version = ?3 THEN summary END
         FROM snapshots WHERE workspace = ?1 AND document = ?2",
    )?;
    let mut bytes_read = 0;
    let mut snapshots = Vec::with_capacity(chosen.len());
    for document in chosen {
        let (bytes, summary): (Vec<u8>, Option<Vec<u8>>) = statement.query_row(
            params![workspace, document.0.as_bytes().as_slice(), SUMMARY_VERSION],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )?;
        bytes_read += bytes.len() + summary.as_ref().map_or(0, Vec::len);
        snapshots.push(DocumentSnapshot {
            document,
            bytes,
            summary: summary.and_then(|summary| read_summary(document, &summary)),
        });
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

/// Reads the log page after `after` for a reader of `scope`: positions, documents and sizes
/// first (`length` of a blob does not load it), then the bytes of exactly the entries that fit
/// and are in scope. Returns the page and the bytes read.
fn read_page(
    connection: &mut rusqlite::Connection,
    workspace: WorkspaceId,
    after: Seq,
    budget: PageBudget,
    scope: &Scope,
) -> Result<(LogPage, usize), StorageError> {
    let workspace = workspace.to_string();
    let scan = match scope {
        Scope::Everything => page_limit(budget),
        Scope::Only(_) => i64::try_from(SCAN_ROWS).unwrap_or(i64::MAX),
    };
    let mut sizes = connection.prepare_cached(
        "SELECT position, document, length(bytes) FROM change_log
         WHERE workspace = ?1 AND position > ?2 ORDER BY position LIMIT ?3",
    )?;
    let mut rows = sizes.query(params![workspace, position(after), scan])?;
    let mut chosen: Vec<(i64, DocumentId)> = Vec::new();
    let mut through = position(after);
    let mut scanned = 0_i64;
    let mut bytes = 0_usize;
    let mut more = false;
    while let Some(row) = rows.next()? {
        scanned += 1;
        let at: i64 = row.get(0)?;
        let document = document_id(&row.get::<_, Vec<u8>>(1)?)?;
        if !scope.contains(&document) {
            through = at;
            continue;
        }
        let size = usize::try_from(row.get::<_, i64>(2)?).unwrap_or(usize::MAX);
        let full =
            chosen.len() >= budget.entries.max(1) || bytes.saturating_add(size) > budget.bytes;
        if !chosen.is_empty() && full {
            more = true;
            break;
        }
        chosen.push((at, document));
        bytes = bytes.saturating_add(size);
        through = at;
    }
    drop(rows);
    if !more && scanned == scan {
        // The scan stopped at its limit: whether anything follows, the next read tells.
        more = matches!(scope, Scope::Only(_))
            || connection
                .query_row(
                    "SELECT 1 FROM change_log WHERE workspace = ?1 AND position > ?2 LIMIT 1",
                    params![workspace, through],
                    |_| Ok(()),
                )
                .optional()?
                .is_some();
    }
    let mut statement = connection
        .prepare_cached("SELECT bytes FROM change_log WHERE workspace = ?1 AND position = ?2")?;
    let mut bytes_read = 0;
    let mut entries = Vec::with_capacity(chosen.len());
    for (at, document) in chosen {
        let bytes: Vec<u8> = statement.query_row(params![workspace, at], |row| row.get(0))?;
        bytes_read += bytes.len();
        entries.push(Entry {
            seq: seq(at),
            change: Change { document, bytes },
        });
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

/// The rows a page's size scan may look at: one past the entry budget, to tell whether more follow.
fn page_limit(budget: PageBudget) -> i64 {
    i64::try_from(budget.entries.max(1))
        .unwrap_or(i64::MAX)
        .saturating_add(1)
}

fn append(
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
    for change in &changes {
        let owner: Option<String> = transaction
            .query_row(
                "SELECT device FROM actors WHERE workspace = ?1 AND actor = ?2",
                params![workspace_key, change.actor],
                |row| row.get(0),
            )
            .optional()?;
        match owner {
            Some(owner) if owner != device_key => {
                // Another device's change that the log already holds is a duplicate, not an
                // impersonation: a device that restored a backup, or merged a colleague's
                // document, may hand it back. It adds nothing and is acknowledged as such.
                let held: bool = transaction.query_row(
                    "SELECT EXISTS (SELECT 1 FROM change_log
                      WHERE workspace = ?1 AND document = ?2 AND change_hash = ?3)",
                    params![
                        workspace_key,
                        change.document.0.as_bytes().as_slice(),
                        change.hash.as_slice()
                    ],
                    |row| row.get(0),
                )?;
                if !held {
                    outcome.foreign_actor = true;
                    return Ok(outcome);
                }
            }
            Some(_) => {}
            None => {
                transaction.execute(
                    "INSERT INTO actors (workspace, actor, device) VALUES (?1, ?2, ?3)",
                    params![workspace_key, change.actor, device_key],
                )?;
            }
        }
    }
    let mut head: i64 = transaction.query_row(
        "SELECT coalesce(max(position), 0) FROM change_log WHERE workspace = ?1",
        [&workspace_key],
        |row| row.get(0),
    )?;
    let mut stored_bytes = 0_u64;
    let mut insert = transaction.prepare_cached(
        "INSERT INTO change_log (workspace, position, document, change_hash, actor, device, received_at, bytes)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
         ON CONFLICT (workspace, document, change_hash) DO NOTHING",
    )?;
    for change in changes {
        let inserted = insert.execute(params![
            workspace_key,
            head + 1,
            change.document.0.as_bytes().as_slice(),
            change.hash.as_slice(),
            change.actor,
            device_key,
            received_at,
            change.bytes,
        ])?;
        if inserted == 1 {
            head += 1;
            stored_bytes += change.bytes.len() as u64;
            outcome.stored.push(Entry {
                seq: seq(head),
                change: Change {
                    document: change.document,
                    bytes: change.bytes,
                },
            });
        } else {
            outcome.duplicates += 1;
        }
    }
    if !outcome.stored.is_empty() {
        outcome.quota_exceeded = !charge(
            transaction,
            &workspace_key,
            &device_key,
            stored_bytes,
            outcome.stored.len(),
            quotas,
        )?;
    }
    Ok(outcome)
}

/// Adds `bytes` (and `changes`) to the device's and the workspace's usage; `false` when that
/// would exceed a quota (the caller then rolls the whole batch back). Duplicates cost nothing:
/// only newly stored bytes are charged.
fn charge(
    transaction: &Transaction<'_>,
    workspace_key: &str,
    device_key: &str,
    bytes: u64,
    changes: usize,
    quotas: Quotas,
) -> Result<bool, StorageError> {
    let bytes = i64::try_from(bytes).unwrap_or(i64::MAX);
    let changes = i64::try_from(changes).unwrap_or(i64::MAX);
    let device_total: i64 = transaction.query_row(
        "INSERT INTO device_usage (workspace, device, bytes) VALUES (?1, ?2, ?3)
         ON CONFLICT (workspace, device) DO UPDATE SET bytes = bytes + excluded.bytes
         RETURNING bytes",
        params![workspace_key, device_key, bytes],
        |row| row.get(0),
    )?;
    let workspace_total: i64 = transaction.query_row(
        "INSERT INTO workspace_usage (workspace, bytes, changes) VALUES (?1, ?2, ?3)
         ON CONFLICT (workspace) DO UPDATE SET
           bytes = bytes + excluded.bytes, changes = changes + excluded.changes
         RETURNING bytes",
        params![workspace_key, bytes, changes],
        |row| row.get(0),
    )?;
    let within =
        |total: i64, quota: u64| quota == 0 || u64::try_from(total).unwrap_or(u64::MAX) <= quota;
    Ok(
        within(device_total, quotas.device_bytes)
            && within(workspace_total, quotas.workspace_bytes),
    )
}
