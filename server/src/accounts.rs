//! Accounts: who may sync. Sync tickets are issued here over the authenticated HTTP API and
//! redeemed once by a sync session's hello.
//!
//! A ticket is a random 256-bit secret, valid for [`TICKET_LIFETIME`], for one device, usable once:
//! redeeming consumes it whatever the outcome, so a replayed or leaked ticket is worthless.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};
use shared::protocol::DeviceId;
use tokio::sync::broadcast;

use crate::identity::Principal;

/// How long a sync ticket stays valid.
pub const TICKET_LIFETIME: Duration = Duration::from_secs(30);

/// The most tickets waiting at once; older ones are dropped first (they would expire anyway).
const MAX_PENDING_TICKETS: usize = 100_000;

/// Why a secret could not be made.
#[derive(Debug, thiserror::Error)]
#[error("the system's random source failed: {0}")]
pub struct RandomError(getrandom::Error);

/// The accounts service shared by HTTP routes and sync sessions.
#[derive(Clone, Debug)]
pub struct Accounts {
    tickets: Arc<Mutex<HashMap<[u8; 32], PendingTicket>>>,
    revocations: broadcast::Sender<DeviceId>,
}

#[derive(Clone, Copy, Debug)]
struct PendingTicket {
    principal: Principal,
    issued_at: Instant,
}

impl Default for Accounts {
    fn default() -> Self {
        Self::new()
    }
}

impl Accounts {
    /// An accounts service with no pending tickets.
    pub fn new() -> Self {
        let (revocations, _) = broadcast::channel(1024);
        Self {
            tickets: Arc::default(),
            revocations,
        }
    }

    /// Issues a single-use sync ticket for an authenticated device.
    pub fn issue_ticket(&self, principal: Principal, now: Instant) -> Result<String, RandomError> {
        let secret = random_secret()?;
        let mut tickets = self.lock_tickets();
        tickets.retain(|_, ticket| now.duration_since(ticket.issued_at) < TICKET_LIFETIME);
        if tickets.len() >= MAX_PENDING_TICKETS {
            if let Some(oldest) = tickets
                .iter()
                .min_by_key(|(_, ticket)| ticket.issued_at)
                .map(|(digest, _)| *digest)
            {
                tickets.remove(&oldest);
            }
        }
        tickets.insert(
            digest(&secret),
            PendingTicket {
                principal,
                issued_at: now,
            },
        );
        Ok(secret)
    }

    /// Consumes `ticket`: the principal it was issued to, if it is known, unexpired and issued to
    /// `device`. Every failure looks the same to the caller.
    pub fn redeem_ticket(&self, ticket: &str, device: DeviceId, now: Instant) -> Option<Principal> {
        let pending = self.lock_tickets().remove(&digest(ticket))?;
        let fresh = now.duration_since(pending.issued_at) < TICKET_LIFETIME;
        (fresh && pending.principal.device == device).then_some(pending.principal)
    }

    /// Announces that `device` was revoked: its open sync sessions close.
    pub fn announce_revoked(&self, device: DeviceId) {
        // No receiver simply means no session is open.
        let _receivers = self.revocations.send(device);
    }

    /// Revocation announcements, for sync sessions to watch.
    pub fn revocations(&self) -> broadcast::Receiver<DeviceId> {
        self.revocations.subscribe()
    }

    fn lock_tickets(&self) -> std::sync::MutexGuard<'_, HashMap<[u8; 32], PendingTicket>> {
        // The map stays consistent even if a holder panicked: every update is a single call.
        self.tickets
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// A random 256-bit secret as 64 hex digits.
pub fn random_secret() -> Result<String, RandomError> {
    let mut bytes = [0_u8; 32];
    getrandom::fill(&mut bytes).map_err(RandomError)?;
    Ok(bytes.iter().map(|byte| format!("{byte:02x}")).collect())
}

/// The SHA-256 digest under which a secret is stored (never the secret itself).
pub fn digest(secret: &str) -> [u8; 32] {
    Sha256::digest(secret.as_bytes()).into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::identity::{Role, UserId, WorkspaceId};
    use uuid::Uuid;

    fn principal(device: u128) -> Principal {
        Principal {
            workspace: WorkspaceId(Uuid::from_u128(1)),
            user: UserId(Uuid::from_u128(2)),
            role: Role::Rep,
            device: DeviceId(Uuid::from_u128(device)),
        }
    }

    #[test]
    fn a_ticket_is_redeemed_once() -> Result<(), RandomError> {
        let accounts = Accounts::new();
        let now = Instant::now();
        let ticket = accounts.issue_ticket(principal(3), now)?;
        let device = DeviceId(Uuid::from_u128(3));
        assert_eq!(
            accounts.redeem_ticket(&ticket, device, now),
            Some(principal(3))
        );
        assert_eq!(accounts.redeem_ticket(&ticket, device, now), None);
        Ok(())
    }

    #[test]
    fn an_expired_ticket_is_refused() -> Result<(), RandomError> {
        let accounts = Accounts::new();
        let now = Instant::now();
        let ticket = accounts.issue_ticket(principal(3), now)?;
        let later = now + TICKET_LIFETIME;
        assert_eq!(
            accounts.redeem_ticket(&ticket, DeviceId(Uuid::from_u128(3)), later),
            None
        );
        Ok(())
    }

    #[test]
    fn a_ticket_of_another_device_is_refused_and_burnt() -> Result<(), RandomError> {
        let accounts = Accounts::new();
        let now = Instant::now();
        let ticket = accounts.issue_ticket(principal(3), now)?;
        assert_eq!(
            accounts.redeem_ticket(&ticket, DeviceId(Uuid::from_u128(4)), now),
            None
        );
        assert_eq!(
            accounts.redeem_ticket(&ticket, DeviceId(Uuid::from_u128(3)), now),
            None
        );
        Ok(())
    }
}
