//! Sync tickets: the one-time passes a device trades for its sync socket, kept in the database
//! so that a ticket issued by one relay instance is accepted by another.

use super::accounts::Digest;
use super::{StorageError, StoreFuture};
use crate::identity::Principal;

/// Tickets one device may hold at once; issuing another drops its oldest.
pub const TICKETS_PER_DEVICE: i64 = 8;

/// A ticket waiting to be redeemed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StoredTicket {
    /// Whom it was issued to.
    pub principal: Principal,
    /// When, in Unix milliseconds.
    pub issued_at: i64,
}

impl StoredTicket {
    /// A ticket from its stored columns (ids as text, the role's stored name).
    pub(crate) fn from_columns(
        workspace: &str,
        user: &str,
        role: &str,
        device: &str,
        issued_at: i64,
    ) -> Result<Self, StorageError> {
        Ok(Self {
            principal: super::columns::principal(device, user, workspace, role)?,
            issued_at,
        })
    }
}

/// Pending sync tickets, by digest.
pub trait TicketStore: Send + Sync {
    /// Keeps a ticket; forgets tickets expired at `issued_at` (older than `lifetime_ms`) and the
    /// device's oldest beyond [`TICKETS_PER_DEVICE`].
    fn store_ticket(
        &self,
        digest: Digest,
        ticket: StoredTicket,
        lifetime_ms: i64,
    ) -> StoreFuture<'_, ()>;

    /// Takes (reads and forgets, whatever happens next) the ticket `digest`: one caller at most
    /// ever gets it, across every relay instance.
    fn take_ticket(&self, digest: Digest) -> StoreFuture<'_, Option<StoredTicket>>;
}
