//! Forgetting what stopped working: expired credentials and the memories of spent and revoked
//! ones, and invitations and password reset links that ended a while ago.

use super::StoreFuture;

/// How long an invitation never accepted, and a password reset link, are kept after they stopped
/// working (an admin may still ask what happened to one), in seconds: 30 days.
pub const KEPT_AFTER_EXPIRY: i64 = 30 * 24 * 60 * 60;

/// What one pass deleted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Forgotten {
    /// Refresh credentials past their expiry, and access tokens past theirs whose session has
    /// ended too (until then an expired access token is answered "expired", so its device
    /// refreshes rather than signs out).
    pub credentials: u64,
    /// Memories of spent or revoked credentials past the expiry of what they remember.
    pub credential_memories: u64,
    /// Invitations never accepted that expired more than [`KEPT_AFTER_EXPIRY`] ago (with what
    /// they would have given).
    pub invitations: u64,
    /// Password reset links that expired more than [`KEPT_AFTER_EXPIRY`] ago, used or not.
    pub password_resets: u64,
}

/// The deletion of what stopped working.
pub trait RetentionStore: Send + Sync {
    /// Deletes, as of `now` (Unix seconds), what stopped working (see [`Forgotten`]), in one
    /// transaction. Accepted invitations are kept: they say who invited whom.
    fn forget_expired(&self, now: i64) -> StoreFuture<'_, Forgotten>;
}
