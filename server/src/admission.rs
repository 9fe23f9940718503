//! Admission of sync sockets before they authenticate: each client address may hold only a few.
//!
//! A socket takes a slot of its client's address at the upgrade and gives it back when it
//! authenticates or closes, so one address cannot hold the relay's pre-authentication capacity.
//! IPv6 clients are keyed by their /64 (one subscriber usually holds a whole /64). This module
//! counts; it does not read frames or decide deadlines (the session does).

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

/// Pre-authentication slots per client address; clones share the same counts.
#[derive(Clone, Debug)]
pub struct PreAuthSlots {
    per_address: usize,
    held: Arc<Mutex<HashMap<IpAddr, usize>>>,
}

/// One socket's pre-authentication slot, given back when dropped.
#[derive(Debug)]
pub struct PreAuthSlot {
    key: IpAddr,
    held: Arc<Mutex<HashMap<IpAddr, usize>>>,
}

impl PreAuthSlots {
    /// Slots allowing `per_address` unauthenticated sockets per client address.
    pub fn new(per_address: usize) -> Self {
        Self {
            per_address,
            held: Arc::default(),
        }
    }

    /// A slot for a socket from `peer`, or `None` when that address already holds its share.
    pub fn try_acquire(&self, peer: IpAddr) -> Option<PreAuthSlot> {
        let key = client_key(peer);
        let mut held = lock(&self.held);
        let count = held.entry(key).or_insert(0);
        if *count >= self.per_address {
            if *count == 0 {
                held.remove(&key);
            }
            return None;
        }
        *count += 1;
        Some(PreAuthSlot {
            key,
            held: Arc::clone(&self.held),
        })
    }

    /// How many slots `peer`'s address holds now.
    pub fn held_by(&self, peer: IpAddr) -> usize {
        lock(&self.held)
            .get(&client_key(peer))
            .copied()
            .unwrap_or(0)
    }
}

impl Drop for PreAuthSlot {
    fn drop(&mut self) {
        let mut held = lock(&self.held);
        if let Some(count) = held.get_mut(&self.key) {
            *count = count.saturating_sub(1);
            // Addresses holding nothing are forgotten: the map never outgrows the open sockets.
            if *count == 0 {
                held.remove(&self.key);
            }
        }
    }
}

/// The address a limit is kept for: the IPv4 address, or the IPv6 /64.
fn client_key(peer: IpAddr) -> IpAddr {
    match peer {
        IpAddr::V4(address) => IpAddr::V4(address),
        IpAddr::V6(address) => match address.to_ipv4_mapped() {
            Some(mapped) => IpAddr::V4(mapped),
            None => {
                let prefix = u128::from(address) & !((1_u128 << 64) - 1);
                IpAddr::V6(prefix.into())
            }
        },
    }
}

fn lock(held: &Mutex<HashMap<IpAddr, usize>>) -> MutexGuard<'_, HashMap<IpAddr, usize>> {
    // Every update is a single map operation: the map is consistent even after a panic.
    held.lock().unwrap_or_else(PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_gets_its_share_and_no_more_while_another_still_gets_in() {
        let slots = PreAuthSlots::new(2);
        let first: IpAddr = [192, 0, 2, 1].into();
        let second: IpAddr = [192, 0, 2, 2].into();
        let held = [slots.try_acquire(first), slots.try_acquire(first)];
        assert!(held.iter().all(Option::is_some));
        assert!(slots.try_acquire(first).is_none());
        assert!(slots.try_acquire(second).is_some());
        drop(held);
        assert_eq!(slots.held_by(first), 0);
        assert!(slots.try_acquire(first).is_some());
    }

    #[test]
    fn ipv6_clients_share_their_slash_64() -> Result<(), std::net::AddrParseError> {
        let slots = PreAuthSlots::new(1);
        let one: IpAddr = "2001:db8:1:2::1".parse()?;
        let same_subnet: IpAddr = "2001:db8:1:2:ffff::9".parse()?;
        let other_subnet: IpAddr = "2001:db8:1:3::1".parse()?;
        let _held = slots.try_acquire(one);
        assert!(slots.try_acquire(same_subnet).is_none());
        assert!(slots.try_acquire(other_subnet).is_some());
        Ok(())
    }
}
