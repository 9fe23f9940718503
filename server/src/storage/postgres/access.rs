//! Per-record access in PostgreSQL.

use std::collections::HashMap;

use shared::protocol::{DeviceId, DocumentId};

use super::PostgresStorage;
use crate::access::{AccessKeys, Grants};
use crate::identity::{Role, UserId};
use crate::storage::access::{AccessStore, InvitationAccess, TeamSpec};
use crate::storage::{StorageError, StoreFuture, WorkspaceId};

impl AccessStore for PostgresStorage {
    #[allow(unused_variables)]
    fn record_access(
        &self,
        workspace: WorkspaceId,
    ) -> StoreFuture<'_, HashMap<DocumentId, AccessKeys>> {
        Box::pin(async { Err(StorageError::Corrupt("not yet on PostgreSQL")) })
    }

    #[allow(unused_variables)]
    fn record_access_of(
        &self,
        workspace: WorkspaceId,
        documents: Vec<DocumentId>,
    ) -> StoreFuture<'_, HashMap<DocumentId, AccessKeys>> {
        Box::pin(async { Err(StorageError::Corrupt("not yet on PostgreSQL")) })
    }

    #[allow(unused_variables)]
    fn set_record_access(
        &self,
        workspace: WorkspaceId,
        records: Vec<(DocumentId, AccessKeys)>,
    ) -> StoreFuture<'_, ()> {
        Box::pin(async { Err(StorageError::Corrupt("not yet on PostgreSQL")) })
    }

    #[allow(unused_variables)]
    fn documents_without_access(
        &self,
        limit: usize,
    ) -> StoreFuture<'_, Vec<(WorkspaceId, DocumentId)>> {
        Box::pin(async { Err(StorageError::Corrupt("not yet on PostgreSQL")) })
    }

    #[allow(unused_variables)]
    fn creator(
        &self,
        workspace: WorkspaceId,
        document: DocumentId,
    ) -> StoreFuture<'_, Option<UserId>> {
        Box::pin(async { Err(StorageError::Corrupt("not yet on PostgreSQL")) })
    }

    #[allow(unused_variables)]
    fn grants(&self, workspace: WorkspaceId, user: UserId) -> StoreFuture<'_, Option<Grants>> {
        Box::pin(async { Err(StorageError::Corrupt("not yet on PostgreSQL")) })
    }

    #[allow(unused_variables)]
    fn set_team(&self, workspace: WorkspaceId, team: TeamSpec) -> StoreFuture<'_, ()> {
        Box::pin(async { Err(StorageError::Corrupt("not yet on PostgreSQL")) })
    }

    #[allow(unused_variables)]
    fn acknowledge_purge(
        &self,
        workspace: WorkspaceId,
        device: DeviceId,
        documents: Vec<DocumentId>,
        at: i64,
    ) -> StoreFuture<'_, ()> {
        Box::pin(async { Err(StorageError::Corrupt("not yet on PostgreSQL")) })
    }

    #[allow(unused_variables)]
    fn purges(
        &self,
        workspace: WorkspaceId,
        device: DeviceId,
    ) -> StoreFuture<'_, Vec<(DocumentId, i64)>> {
        Box::pin(async { Err(StorageError::Corrupt("not yet on PostgreSQL")) })
    }

    #[allow(unused_variables)]
    fn teams(&self, workspace: WorkspaceId) -> StoreFuture<'_, Vec<TeamSpec>> {
        Box::pin(async { Err(StorageError::Corrupt("not yet on PostgreSQL")) })
    }

    #[allow(unused_variables)]
    fn territories(&self, workspace: WorkspaceId) -> StoreFuture<'_, HashMap<UserId, Vec<String>>> {
        Box::pin(async { Err(StorageError::Corrupt("not yet on PostgreSQL")) })
    }

    #[allow(unused_variables)]
    fn set_role(&self, workspace: WorkspaceId, user: UserId, role: Role) -> StoreFuture<'_, bool> {
        Box::pin(async { Err(StorageError::Corrupt("not yet on PostgreSQL")) })
    }

    #[allow(unused_variables)]
    fn set_territories(
        &self,
        workspace: WorkspaceId,
        user: UserId,
        territories: Vec<String>,
    ) -> StoreFuture<'_, ()> {
        Box::pin(async { Err(StorageError::Corrupt("not yet on PostgreSQL")) })
    }

    #[allow(unused_variables)]
    fn set_invitation_access(
        &self,
        workspace: WorkspaceId,
        digest: [u8; 32],
        access: InvitationAccess,
    ) -> StoreFuture<'_, ()> {
        Box::pin(async { Err(StorageError::Corrupt("not yet on PostgreSQL")) })
    }

    #[allow(unused_variables)]
    fn take_invitation_access(
        &self,
        workspace: WorkspaceId,
        digest: [u8; 32],
    ) -> StoreFuture<'_, InvitationAccess> {
        Box::pin(async { Err(StorageError::Corrupt("not yet on PostgreSQL")) })
    }
}
