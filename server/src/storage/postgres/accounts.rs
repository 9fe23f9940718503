//! Accounts in PostgreSQL.

use shared::protocol::DeviceId;

use super::PostgresStorage;
#[allow(unused_imports)]
use crate::identity::{Principal, Role, SignInEmail, UserId};
use crate::storage::accounts::{
    AccessLookup, AccountStore, CredentialKind, DeviceRecord, DeviceScope, Digest, Grant,
    NewInvitation, NewPasswordReset, NewUser, PendingInvitation, PersonRecord, ResetCreation,
    ResetRefusal, Rotation, UserRecord,
};
use crate::storage::{StorageError, StoreFuture, WorkspaceId};

impl AccountStore for PostgresStorage {
    #[allow(unused_variables)]
    fn pending_invitations(
        &self,
        workspace: WorkspaceId,
        now: i64,
    ) -> StoreFuture<'_, Vec<PendingInvitation>> {
        Box::pin(async { Err(StorageError::Corrupt("not yet on PostgreSQL")) })
    }

    #[allow(unused_variables)]
    fn cancel_invitation(&self, workspace: WorkspaceId, digest: Digest) -> StoreFuture<'_, bool> {
        Box::pin(async { Err(StorageError::Corrupt("not yet on PostgreSQL")) })
    }

    #[allow(unused_variables)]
    fn people(&self, workspace: WorkspaceId) -> StoreFuture<'_, Vec<PersonRecord>> {
        Box::pin(async { Err(StorageError::Corrupt("not yet on PostgreSQL")) })
    }

    #[allow(unused_variables)]
    fn disable_person(
        &self,
        workspace: WorkspaceId,
        user: UserId,
        now: i64,
    ) -> StoreFuture<'_, Option<Vec<DeviceId>>> {
        Box::pin(async { Err(StorageError::Corrupt("not yet on PostgreSQL")) })
    }

    #[allow(unused_variables)]
    fn create_workspace(
        &self,
        workspace: WorkspaceId,
        name: String,
        users: Vec<NewUser>,
        now: i64,
    ) -> StoreFuture<'_, bool> {
        Box::pin(async { Err(StorageError::Corrupt("not yet on PostgreSQL")) })
    }

    #[allow(unused_variables)]
    fn user_by_email(&self, email: SignInEmail) -> StoreFuture<'_, Option<UserRecord>> {
        Box::pin(async { Err(StorageError::Corrupt("not yet on PostgreSQL")) })
    }

    #[allow(unused_variables)]
    fn register_device(
        &self,
        user: UserId,
        device: Option<DeviceId>,
        name: String,
        now: i64,
    ) -> StoreFuture<'_, Option<DeviceId>> {
        Box::pin(async { Err(StorageError::Corrupt("not yet on PostgreSQL")) })
    }

    #[allow(unused_variables)]
    fn grant(&self, device: DeviceId, grants: Vec<Grant>, now: i64) -> StoreFuture<'_, ()> {
        Box::pin(async { Err(StorageError::Corrupt("not yet on PostgreSQL")) })
    }

    #[allow(unused_variables)]
    fn rotate_refresh(
        &self,
        refresh: Digest,
        grants: Vec<Grant>,
        now: i64,
    ) -> StoreFuture<'_, Rotation> {
        Box::pin(async { Err(StorageError::Corrupt("not yet on PostgreSQL")) })
    }

    #[allow(unused_variables)]
    fn access(&self, access: Digest, now: i64) -> StoreFuture<'_, AccessLookup> {
        Box::pin(async { Err(StorageError::Corrupt("not yet on PostgreSQL")) })
    }

    #[allow(unused_variables)]
    fn forget_credentials(&self, device: DeviceId) -> StoreFuture<'_, ()> {
        Box::pin(async { Err(StorageError::Corrupt("not yet on PostgreSQL")) })
    }

    #[allow(unused_variables)]
    fn touch_device(&self, device: DeviceId, now: i64) -> StoreFuture<'_, ()> {
        Box::pin(async { Err(StorageError::Corrupt("not yet on PostgreSQL")) })
    }

    #[allow(unused_variables)]
    fn devices(&self, scope: DeviceScope) -> StoreFuture<'_, Vec<DeviceRecord>> {
        Box::pin(async { Err(StorageError::Corrupt("not yet on PostgreSQL")) })
    }

    #[allow(unused_variables)]
    fn revoke_device(
        &self,
        scope: DeviceScope,
        device: DeviceId,
        now: i64,
    ) -> StoreFuture<'_, bool> {
        Box::pin(async { Err(StorageError::Corrupt("not yet on PostgreSQL")) })
    }

    #[allow(unused_variables)]
    fn email_taken(&self, email: SignInEmail) -> StoreFuture<'_, bool> {
        Box::pin(async { Err(StorageError::Corrupt("not yet on PostgreSQL")) })
    }

    #[allow(unused_variables)]
    fn invitation_open(&self, code: Digest, now: i64) -> StoreFuture<'_, bool> {
        Box::pin(async { Err(StorageError::Corrupt("not yet on PostgreSQL")) })
    }

    #[allow(unused_variables)]
    fn create_invitation(&self, invitation: NewInvitation) -> StoreFuture<'_, ()> {
        Box::pin(async { Err(StorageError::Corrupt("not yet on PostgreSQL")) })
    }

    #[allow(unused_variables)]
    fn accept_invitation(
        &self,
        code: Digest,
        user: UserId,
        name: String,
        password_hash: String,
        now: i64,
    ) -> StoreFuture<'_, Option<UserRecord>> {
        Box::pin(async { Err(StorageError::Corrupt("not yet on PostgreSQL")) })
    }

    #[allow(unused_variables)]
    fn create_password_reset(
        &self,
        reset: NewPasswordReset,
        now: i64,
    ) -> StoreFuture<'_, ResetCreation> {
        Box::pin(async { Err(StorageError::Corrupt("not yet on PostgreSQL")) })
    }

    #[allow(unused_variables)]
    fn password_reset_open(
        &self,
        token: Digest,
        now: i64,
    ) -> StoreFuture<'_, Result<(), ResetRefusal>> {
        Box::pin(async { Err(StorageError::Corrupt("not yet on PostgreSQL")) })
    }

    #[allow(unused_variables)]
    fn reset_password(
        &self,
        token: Digest,
        password_hash: String,
        now: i64,
    ) -> StoreFuture<'_, Result<UserRecord, ResetRefusal>> {
        Box::pin(async { Err(StorageError::Corrupt("not yet on PostgreSQL")) })
    }
}
