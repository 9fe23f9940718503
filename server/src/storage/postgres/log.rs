//! The change log in PostgreSQL.

use std::sync::Arc;

use shared::protocol::{DeviceId, DocumentId, Seq};
use shared::replica::Summary;

use super::PostgresStorage;
use crate::access::Scope;
use crate::storage::{
    AppendOutcome, ChangeLog, IncomingChange, LogPage, PageBudget, SnapshotPage, StorageError,
    StoreFuture, WorkspaceId,
};

impl ChangeLog for PostgresStorage {
    #[allow(unused_variables)]
    fn append(
        &self,
        workspace: WorkspaceId,
        device: DeviceId,
        changes: Vec<IncomingChange>,
        received_at: i64,
    ) -> StoreFuture<'_, AppendOutcome> {
        Box::pin(async { Err(StorageError::Corrupt("not yet on PostgreSQL")) })
    }

    #[allow(unused_variables)]
    fn page(
        &self,
        workspace: WorkspaceId,
        after: Seq,
        budget: PageBudget,
        scope: Arc<Scope>,
    ) -> StoreFuture<'_, LogPage> {
        Box::pin(async { Err(StorageError::Corrupt("not yet on PostgreSQL")) })
    }

    #[allow(unused_variables)]
    fn head(&self, workspace: WorkspaceId) -> StoreFuture<'_, Seq> {
        Box::pin(async { Err(StorageError::Corrupt("not yet on PostgreSQL")) })
    }

    #[allow(unused_variables)]
    fn document_changes(
        &self,
        workspace: WorkspaceId,
        document: DocumentId,
        after: Seq,
        through: Seq,
    ) -> StoreFuture<'_, Vec<Vec<u8>>> {
        Box::pin(async { Err(StorageError::Corrupt("not yet on PostgreSQL")) })
    }

    #[allow(unused_variables)]
    fn first_position(
        &self,
        workspace: WorkspaceId,
        document: DocumentId,
    ) -> StoreFuture<'_, Option<Seq>> {
        Box::pin(async { Err(StorageError::Corrupt("not yet on PostgreSQL")) })
    }

    #[allow(unused_variables)]
    fn changed_documents(
        &self,
        workspace: WorkspaceId,
        after: Seq,
        through: Seq,
    ) -> StoreFuture<'_, Vec<DocumentId>> {
        Box::pin(async { Err(StorageError::Corrupt("not yet on PostgreSQL")) })
    }

    #[allow(unused_variables)]
    fn snapshots_page(
        &self,
        workspace: WorkspaceId,
        after: Option<DocumentId>,
        budget: PageBudget,
        scope: Arc<Scope>,
    ) -> StoreFuture<'_, SnapshotPage> {
        Box::pin(async { Err(StorageError::Corrupt("not yet on PostgreSQL")) })
    }

    #[allow(unused_variables)]
    fn epoch(&self, workspace: WorkspaceId) -> StoreFuture<'_, Seq> {
        Box::pin(async { Err(StorageError::Corrupt("not yet on PostgreSQL")) })
    }

    #[allow(unused_variables)]
    fn set_epoch(&self, workspace: WorkspaceId, epoch: Seq) -> StoreFuture<'_, ()> {
        Box::pin(async { Err(StorageError::Corrupt("not yet on PostgreSQL")) })
    }

    #[allow(unused_variables)]
    fn workspaces_to_compact(&self, threshold: u64) -> StoreFuture<'_, Vec<WorkspaceId>> {
        Box::pin(async { Err(StorageError::Corrupt("not yet on PostgreSQL")) })
    }

    #[allow(unused_variables)]
    fn snapshot(
        &self,
        workspace: WorkspaceId,
        document: DocumentId,
    ) -> StoreFuture<'_, Option<(Vec<u8>, Seq)>> {
        Box::pin(async { Err(StorageError::Corrupt("not yet on PostgreSQL")) })
    }

    #[allow(unused_variables)]
    fn store_snapshot(
        &self,
        workspace: WorkspaceId,
        document: DocumentId,
        bytes: Vec<u8>,
        summary: Option<Summary>,
        covers: Seq,
    ) -> StoreFuture<'_, ()> {
        Box::pin(async { Err(StorageError::Corrupt("not yet on PostgreSQL")) })
    }
}
