//! The durable side of accounts: workspaces, users, devices, credential digests, invitations and
//! password reset links.
//!
//! The store keeps only what it is given: secrets arrive as SHA-256 digests and passwords as
//! argon2id hashes. It decides nothing about lifetimes or roles beyond the scoping each query
//! states; [`crate::accounts`] owns those rules.

use shared::protocol::DeviceId;
use shared::sales::DeviceCode;

use super::{StoreFuture, WorkspaceId};
use crate::identity::{Principal, Role, SignInEmail, UserId};

/// A SHA-256 digest of a secret (a credential or an invitation code).
pub type Digest = [u8; 32];

/// A user to create.
#[derive(Clone, Debug)]
pub struct NewUser {
    /// Its id.
    pub id: UserId,
    /// Its sign-in address.
    pub email: SignInEmail,
    /// Its display name.
    pub name: String,
    /// Its role.
    pub role: Role,
    /// Its argon2id PHC string.
    pub password_hash: String,
}

/// A stored user.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserRecord {
    /// Its id.
    pub id: UserId,
    /// Its workspace.
    pub workspace: WorkspaceId,
    /// Its workspace's name.
    pub workspace_name: String,
    /// Its sign-in address.
    pub email: String,
    /// Its display name.
    pub name: String,
    /// Its role.
    pub role: Role,
    /// Its argon2id PHC string.
    pub password_hash: String,
    /// When an admin disabled the person (Unix seconds), if they did.
    pub disabled_at: Option<i64>,
}

/// A member of a workspace, as the people directory shows them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PersonRecord {
    /// Their id.
    pub id: UserId,
    /// Their display name.
    pub name: String,
    /// Their sign-in address.
    pub email: String,
    /// Their role.
    pub role: Role,
    /// When an admin disabled them (Unix seconds), if they did.
    pub disabled_at: Option<i64>,
}

/// An invitation not yet accepted, as an admin lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PendingInvitation {
    /// The digest of its code (the code itself is never stored): its id.
    pub digest: Digest,
    /// The invited address.
    pub email: String,
    /// The role it gives.
    pub role: Role,
    /// When the code stops working (Unix seconds).
    pub expires_at: i64,
}

/// A stored device, as listed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeviceRecord {
    /// Its id.
    pub id: DeviceId,
    /// Its name, as the user gave it.
    pub name: String,
    /// Its user.
    pub user: UserId,
    /// Its user's display name.
    pub user_name: String,
    /// When it was registered (Unix seconds).
    pub created_at: i64,
    /// When it last signed in, refreshed or asked for a sync ticket.
    pub last_seen_at: Option<i64>,
    /// When it was revoked, if it was.
    pub revoked_at: Option<i64>,
    /// The code its quote and order numbers carry, once it was given one.
    pub code: Option<DeviceCode>,
}

/// What a credential lets its holder do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CredentialKind {
    /// Call the API (short-lived).
    Access,
    /// Get a new access token and a new refresh credential (long-lived, single use).
    Refresh,
}

/// A credential to store.
#[derive(Clone, Copy, Debug)]
pub struct Grant {
    /// The secret's digest.
    pub digest: Digest,
    /// What it is for.
    pub kind: CredentialKind,
    /// When it stops working (Unix seconds).
    pub expires_at: i64,
    /// When the session it belongs to ends (Unix seconds): refreshing never goes past it.
    pub session_ends_at: i64,
}

/// What presenting a refresh credential did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rotation {
    /// It was live: it is spent, and the new grants are stored.
    Rotated {
        /// Whose it was.
        principal: Principal,
        /// When the session ends (the new grants expire by then).
        session_ends_at: i64,
    },
    /// It was spent already: every credential of the device was deleted.
    Replayed(Principal),
    /// Unknown, expired or past its session's end.
    Refused,
    /// A credential of a device an admin revoked (or whose person was disabled): the device must
    /// erase its copy of the workspace.
    Revoked,
}

/// What an access token's digest leads to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AccessLookup {
    /// A live token of a device that is not revoked.
    Valid(Principal),
    /// A token that was valid and has expired.
    Expired,
    /// Nothing: never issued, expired long ago, or signed out.
    Unknown,
    /// A token of a device an admin revoked (or whose person was disabled).
    Revoked,
}

/// Which devices a query may see: a workspace, and within it one user or everyone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DeviceScope {
    /// The workspace.
    pub workspace: WorkspaceId,
    /// Only this user's devices, or all of the workspace's when `None`.
    pub user: Option<UserId>,
}

/// A pending invitation to store.
#[derive(Clone, Debug)]
pub struct NewInvitation {
    /// The code's digest.
    pub digest: Digest,
    /// The workspace the invitee joins.
    pub workspace: WorkspaceId,
    /// The invitee's address.
    pub email: SignInEmail,
    /// The invitee's role.
    pub role: Role,
    /// The admin who invited.
    pub invited_by: UserId,
    /// When the code stops working (Unix seconds).
    pub expires_at: i64,
}

/// A password reset link to store.
#[derive(Clone, Copy, Debug)]
pub struct NewPasswordReset {
    /// The token's digest.
    pub digest: Digest,
    /// The workspace of the person and of the admin.
    pub workspace: WorkspaceId,
    /// The person whose password the link resets.
    pub user: UserId,
    /// The admin who made the link.
    pub created_by: UserId,
    /// When the token stops working (Unix seconds).
    pub expires_at: i64,
}

/// What storing a password reset link did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ResetCreation {
    /// Stored; the person's earlier unused links stopped working.
    Created,
    /// The workspace has no such person: nothing stored.
    NoSuchPerson,
    /// The person is disabled: nothing stored.
    PersonDisabled,
}

/// Why a password reset token cannot be used; nothing changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ResetRefusal {
    /// No link has this token.
    #[error("unknown password reset link")]
    Unknown,
    /// The link is past its expiry.
    #[error("the password reset link expired")]
    Expired,
    /// The link was used already.
    #[error("the password reset link was used")]
    Used,
    /// A newer link was made for the same person.
    #[error("a newer password reset link replaced this one")]
    Replaced,
    /// The person was disabled after the link was made.
    #[error("the person was disabled")]
    PersonDisabled,
}

/// Accounts, devices, credentials, invitations and password reset links, durably.
pub trait AccountStore: super::tickets::TicketStore + Send + Sync {
    /// The invitations of `workspace` neither accepted nor expired at `now`, newest first.
    fn pending_invitations(
        &self,
        workspace: WorkspaceId,
        now: i64,
    ) -> StoreFuture<'_, Vec<PendingInvitation>>;

    /// Cancels the pending invitation `digest` of `workspace`: its code stops working. Whether
    /// there was one.
    fn cancel_invitation(&self, workspace: WorkspaceId, digest: Digest) -> StoreFuture<'_, bool>;

    /// The members of `workspace`, in name order (disabled ones included).
    fn people(&self, workspace: WorkspaceId) -> StoreFuture<'_, Vec<PersonRecord>>;

    /// Disables the person `user` of `workspace` in one transaction: marked disabled, every
    /// device of theirs revoked and its credentials forgotten. Returns those devices (to close
    /// their sessions); `None`, and nothing changed, when `workspace` has no such person.
    /// Disabling a disabled person changes nothing and returns their devices again.
    fn disable_person(
        &self,
        workspace: WorkspaceId,
        user: UserId,
        now: i64,
    ) -> StoreFuture<'_, Option<Vec<DeviceId>>>;

    /// Creates a workspace and its first users in one transaction; `false`, and nothing created,
    /// if any of their addresses is taken.
    fn create_workspace(
        &self,
        workspace: WorkspaceId,
        name: String,
        users: Vec<NewUser>,
        now: i64,
    ) -> StoreFuture<'_, bool>;

    /// The user signing in with `email`.
    fn user_by_email(&self, email: SignInEmail) -> StoreFuture<'_, Option<UserRecord>>;

    /// Registers `device` (a new id when `None`) for `user`, or reuses it if it is already that
    /// user's and not revoked; `None` if it belongs to someone else or was revoked.
    fn register_device(
        &self,
        user: UserId,
        device: Option<DeviceId>,
        name: String,
        now: i64,
    ) -> StoreFuture<'_, Option<DeviceId>>;

    /// Stores credentials of `device`, dropping its credentials expired at `now`.
    fn grant(&self, device: DeviceId, grants: Vec<Grant>, now: i64) -> StoreFuture<'_, ()>;

    /// Consumes a live refresh credential and stores `grants` in its place, in one transaction,
    /// their expiry cut at the session's end (the grants' own `session_ends_at` is used only for
    /// a credential stored before sessions had one). The spent credential is remembered until it
    /// would have expired; presenting it again deletes every credential of its device.
    fn rotate_refresh(
        &self,
        refresh: Digest,
        grants: Vec<Grant>,
        now: i64,
    ) -> StoreFuture<'_, Rotation>;

    /// Who an access token's digest authenticates at `now`.
    fn access(&self, access: Digest, now: i64) -> StoreFuture<'_, AccessLookup>;

    /// Deletes every credential of `device` (sign-out).
    fn forget_credentials(&self, device: DeviceId) -> StoreFuture<'_, ()>;

    /// Records that `device` was just used.
    fn touch_device(&self, device: DeviceId, now: i64) -> StoreFuture<'_, ()>;

    /// The devices `scope` may see, oldest first.
    fn devices(&self, scope: DeviceScope) -> StoreFuture<'_, Vec<DeviceRecord>>;

    /// Revokes `device` if `scope` may see it, deleting its credentials; `false` if it may not
    /// (or does not exist), so that "absent" and "forbidden" are one answer.
    fn revoke_device(
        &self,
        scope: DeviceScope,
        device: DeviceId,
        now: i64,
    ) -> StoreFuture<'_, bool>;

    /// Whether some user already signs in with `email`.
    fn email_taken(&self, email: SignInEmail) -> StoreFuture<'_, bool>;

    /// Whether `code` is a live invitation whose address is still free (checked before the new
    /// password is hashed; [`AccountStore::accept_invitation`] checks again).
    fn invitation_open(&self, code: Digest, now: i64) -> StoreFuture<'_, bool>;

    /// Stores a pending invitation.
    fn create_invitation(&self, invitation: NewInvitation) -> StoreFuture<'_, ()>;

    /// Consumes a live invitation and creates its user, in one transaction: the new user, or
    /// `None` if the code is unknown, expired or used, or its address was taken meanwhile.
    fn accept_invitation(
        &self,
        code: Digest,
        user: UserId,
        name: String,
        password_hash: String,
        now: i64,
    ) -> StoreFuture<'_, Option<UserRecord>>;

    /// Stores a password reset link for a person of `reset.workspace` who is not disabled, and
    /// cancels their earlier unused links, in one transaction.
    fn create_password_reset(
        &self,
        reset: NewPasswordReset,
        now: i64,
    ) -> StoreFuture<'_, ResetCreation>;

    /// Whether `token` is a live reset link of a person still enabled (checked before the new
    /// password is hashed; [`AccountStore::reset_password`] checks again).
    fn password_reset_open(
        &self,
        token: Digest,
        now: i64,
    ) -> StoreFuture<'_, Result<(), ResetRefusal>>;

    /// Consumes a live reset link and sets its person's password hash, in one transaction: the
    /// person, or why the link cannot be used (and nothing changed).
    fn reset_password(
        &self,
        token: Digest,
        password_hash: String,
        now: i64,
    ) -> StoreFuture<'_, Result<UserRecord, ResetRefusal>>;
}
