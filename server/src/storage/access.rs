//! The storage of per-record access: each document's [`AccessKeys`], and what a person's
//! [`Grants`] are made of (role, teams led, territories covered).

use std::collections::HashMap;

use shared::protocol::{DeviceId, DocumentId};

use super::{StoreFuture, WorkspaceId};
use crate::access::{AccessKeys, Grants};
use crate::identity::{Role, UserId};

/// A team as an admin (or the demo) defines it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TeamSpec {
    /// Its name, unique in the workspace.
    pub name: String,
    /// The people who lead it (managers).
    pub leads: Vec<UserId>,
    /// Its other people.
    pub members: Vec<UserId>,
    /// The territories it covers (keys of the settings' territories).
    pub territories: Vec<String>,
}

/// Records' access keys and people's grants.
pub trait AccessStore: Send + Sync {
    /// The keys of every document of the workspace the relay derived keys for.
    fn record_access(
        &self,
        workspace: WorkspaceId,
    ) -> StoreFuture<'_, HashMap<DocumentId, AccessKeys>>;

    /// The keys of these documents (those that have some).
    fn record_access_of(
        &self,
        workspace: WorkspaceId,
        documents: Vec<DocumentId>,
    ) -> StoreFuture<'_, HashMap<DocumentId, AccessKeys>>;

    /// Stores (replacing) these documents' keys.
    fn set_record_access(
        &self,
        workspace: WorkspaceId,
        records: Vec<(DocumentId, AccessKeys)>,
    ) -> StoreFuture<'_, ()>;

    /// Documents with changes in the log and no keys yet (a database from before per-record
    /// access, a seeded log), at most `limit`.
    fn documents_without_access(
        &self,
        limit: usize,
    ) -> StoreFuture<'_, Vec<(WorkspaceId, DocumentId)>>;

    /// The person whose device first pushed a change of `document`.
    fn creator(
        &self,
        workspace: WorkspaceId,
        document: DocumentId,
    ) -> StoreFuture<'_, Option<UserId>>;

    /// What `user` may reach; `None` when they are not an active member of `workspace`.
    fn grants(&self, workspace: WorkspaceId, user: UserId) -> StoreFuture<'_, Option<Grants>>;

    /// Creates or replaces a team (its people and territories).
    fn set_team(&self, workspace: WorkspaceId, team: TeamSpec) -> StoreFuture<'_, ()>;

    /// Records that `device` purged `documents` (they left its person's reach) at `at`.
    fn acknowledge_purge(
        &self,
        workspace: WorkspaceId,
        device: DeviceId,
        documents: Vec<DocumentId>,
        at: i64,
    ) -> StoreFuture<'_, ()>;

    /// The purges `device` acknowledged: each document and when.
    fn purges(
        &self,
        workspace: WorkspaceId,
        device: DeviceId,
    ) -> StoreFuture<'_, Vec<(DocumentId, i64)>>;

    /// The workspace's teams, by name.
    fn teams(&self, workspace: WorkspaceId) -> StoreFuture<'_, Vec<TeamSpec>>;

    /// Each person's territories (people covering none are absent).
    fn territories(&self, workspace: WorkspaceId) -> StoreFuture<'_, HashMap<UserId, Vec<String>>>;

    /// Gives an active person of `workspace` another role; `false` if there is no such person.
    fn set_role(&self, workspace: WorkspaceId, user: UserId, role: Role) -> StoreFuture<'_, bool>;

    /// Replaces the territories a person covers.
    fn set_territories(
        &self,
        workspace: WorkspaceId,
        user: UserId,
        territories: Vec<String>,
    ) -> StoreFuture<'_, ()>;

    /// Keeps the teams and territories the invitation `digest` (its code's digest) gives its
    /// invitee once they accept.
    fn set_invitation_access(
        &self,
        workspace: WorkspaceId,
        digest: [u8; 32],
        access: InvitationAccess,
    ) -> StoreFuture<'_, ()>;

    /// What each invitation of `workspace` that gives something will give (by its code's
    /// digest), for the pending list.
    fn invitations_access(
        &self,
        workspace: WorkspaceId,
    ) -> StoreFuture<'_, HashMap<[u8; 32], InvitationAccess>>;

    /// Takes (reads and forgets) what the invitation `digest` gives; empty when it gives nothing.
    fn take_invitation_access(
        &self,
        workspace: WorkspaceId,
        digest: [u8; 32],
    ) -> StoreFuture<'_, InvitationAccess>;
}

/// The teams (as a member) and territories an invitation gives its invitee.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct InvitationAccess {
    /// The teams' names.
    pub teams: Vec<String>,
    /// The territories' keys.
    pub territories: Vec<String>,
}
