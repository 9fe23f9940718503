//! Attempt limiting for sign-ins and one-time codes (invitation accepts, password resets), before
//! any password is hashed.
//!
//! Every sign-in counts against the typed address *and* the client's network address, and every
//! invitation accept or password reset against the client's address (one budget for both: each
//! is a guess at a one-time code). The count is taken before the password is
//! checked (a [`Reservation`]): N concurrent guesses cannot all slip under the budget, and a guess
//! whose answer the client never waits for still counts. A success gives its reservation back (and
//! forgets the address's failures); a request refused before anything was checked (every hashing
//! slot busy) gives it back too.
//!
//! The map is bounded twice: an address key is length-checked before it is built
//! ([`AddressKey::parse`]), and the number of keys is capped: when full, expired windows are swept
//! (at most once a second), and if it is still full the attempt is refused rather than the map
//! grown. IPv6 clients are counted per /64, the block one subscriber usually holds.
//!
//! In memory and per process: it slows guessing and bounds the work a client can cause; a proxy's
//! limits remain the defence against a distributed attack.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

/// The longest sign-in address, in bytes (RFC 5321's 256-byte path, less its angle brackets):
/// longer input cannot be anyone's address and never reaches the map.
pub const MAX_ADDRESS_BYTES: usize = 254;

/// How often a full map may be swept.
const SWEEP_INTERVAL: Duration = Duration::from_secs(1);

/// The budgets of the limiter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AttemptLimits {
    /// Failed sign-ins allowed for one address within the window.
    pub per_address: u32,
    /// Failed sign-ins allowed from one client address within the window (an office's reps may
    /// share one address: generous).
    pub per_client: u32,
    /// Failed invitation accepts and password resets allowed from one client address within the
    /// window.
    pub invitations_per_client: u32,
    /// How long failures count, from the first one.
    pub window: Duration,
    /// The most keys tracked at once.
    pub max_keys: usize,
}

impl Default for AttemptLimits {
    fn default() -> Self {
        Self {
            per_address: 10,
            per_client: 100,
            invitations_per_client: 20,
            window: Duration::from_secs(15 * 60),
            max_keys: 100_000,
        }
    }
}

/// A typed sign-in address, trimmed and lower-cased, at most [`MAX_ADDRESS_BYTES`] long.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct AddressKey(String);

impl AddressKey {
    /// The key of `typed`, or `None` if it is too long to be an address (checked before any copy).
    pub fn parse(typed: &str) -> Option<Self> {
        let trimmed = typed.trim();
        (trimmed.len() <= MAX_ADDRESS_BYTES).then(|| Self(trimmed.to_lowercase()))
    }
}

/// Why an attempt was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// A budget is spent for this window.
    #[error("too many failed attempts")]
    TooMany,
    /// The map is full of live windows.
    #[error("too many clients are being tracked")]
    Full,
}

/// Attempt counts per key, shared by clones.
#[derive(Clone, Debug, Default)]
pub struct AttemptLimiter {
    limits: AttemptLimits,
    book: Arc<Mutex<Book>>,
}

/// An attempt counted before it was checked; dropping it keeps it counted (a failure).
#[derive(Debug)]
#[must_use = "a reservation is kept as a failure unless it is released or succeeds"]
pub struct Reservation {
    book: Arc<Mutex<Book>>,
    keys: Vec<Key>,
}

#[derive(Debug, Default)]
struct Book {
    attempts: HashMap<Key, Attempts>,
    last_sweep: Option<Instant>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Key {
    Address(AddressKey),
    SignInClient(IpAddr),
    InvitationClient(IpAddr),
}

#[derive(Clone, Copy, Debug)]
struct Attempts {
    count: u32,
    since: Instant,
}

impl AttemptLimiter {
    /// A limiter with these budgets.
    pub fn new(limits: AttemptLimits) -> Self {
        Self {
            limits,
            book: Arc::default(),
        }
    }

    /// Counts a sign-in attempt for `address` from `client`, or refuses it.
    pub fn reserve_sign_in(
        &self,
        address: AddressKey,
        client: IpAddr,
        now: Instant,
    ) -> Result<Reservation, Refusal> {
        self.reserve(
            vec![
                Key::Address(address),
                Key::SignInClient(client_block(client)),
            ],
            now,
        )
    }

    /// Counts an invitation accept or a password reset from `client`, or refuses it.
    pub fn reserve_invitation(&self, client: IpAddr, now: Instant) -> Result<Reservation, Refusal> {
        self.reserve(vec![Key::InvitationClient(client_block(client))], now)
    }

    /// How many keys are tracked (for tests).
    pub fn tracked(&self) -> usize {
        lock(&self.book).attempts.len()
    }

    fn reserve(&self, keys: Vec<Key>, now: Instant) -> Result<Reservation, Refusal> {
        let mut book = lock(&self.book);
        let live = |attempts: &Attempts| now.duration_since(attempts.since) < self.limits.window;
        let mut new_keys = 0;
        for key in &keys {
            match book.attempts.get(key) {
                Some(attempts) if live(attempts) => {
                    if attempts.count >= self.budget(key) {
                        return Err(Refusal::TooMany);
                    }
                }
                Some(_) => {}
                None => new_keys += 1,
            }
        }
        if book.attempts.len() + new_keys > self.limits.max_keys {
            let due = book
                .last_sweep
                .is_none_or(|last| now.duration_since(last) >= SWEEP_INTERVAL);
            if due {
                book.attempts.retain(|_, attempts| live(attempts));
                book.last_sweep = Some(now);
            }
            let new_keys = keys
                .iter()
                .filter(|key| !book.attempts.contains_key(key))
                .count();
            if book.attempts.len() + new_keys > self.limits.max_keys {
                return Err(Refusal::Full);
            }
        }
        for key in &keys {
            let attempts = book.attempts.entry(key.clone()).or_insert(Attempts {
                count: 0,
                since: now,
            });
            if !live(attempts) {
                *attempts = Attempts {
                    count: 0,
                    since: now,
                };
            }
            attempts.count = attempts.count.saturating_add(1);
        }
        Ok(Reservation {
            book: Arc::clone(&self.book),
            keys,
        })
    }

    fn budget(&self, key: &Key) -> u32 {
        match key {
            Key::Address(_) => self.limits.per_address,
            Key::SignInClient(_) => self.limits.per_client,
            Key::InvitationClient(_) => self.limits.invitations_per_client,
        }
    }
}

impl Reservation {
    /// Gives the attempt back: nothing was checked (the server was busy).
    pub fn release(self) {
        let mut book = lock(&self.book);
        for key in &self.keys {
            give_back(&mut book, key);
        }
    }

    /// The attempt succeeded: it does not count, and the address's earlier failures are forgotten.
    pub fn succeed(self) {
        let mut book = lock(&self.book);
        for key in &self.keys {
            if matches!(key, Key::Address(_)) {
                book.attempts.remove(key);
            } else {
                give_back(&mut book, key);
            }
        }
    }
}

fn give_back(book: &mut Book, key: &Key) {
    if let Some(attempts) = book.attempts.get_mut(key) {
        attempts.count = attempts.count.saturating_sub(1);
        if attempts.count == 0 {
            book.attempts.remove(key);
        }
    }
}

/// The block a client is counted as: its IPv4 address, or its IPv6 /64.
fn client_block(client: IpAddr) -> IpAddr {
    match client.to_canonical() {
        IpAddr::V4(v4) => IpAddr::V4(v4),
        IpAddr::V6(v6) => {
            let prefix = u128::from(v6) & !((1_u128 << 64) - 1);
            IpAddr::V6(prefix.into())
        }
    }
}

fn lock(book: &Mutex<Book>) -> MutexGuard<'_, Book> {
    // Each update leaves the map consistent between statements, so a panicked holder cannot
    // leave it half-written.
    book.lock().unwrap_or_else(PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOME: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(192, 0, 2, 1));

    fn address(text: &str) -> AddressKey {
        AddressKey::parse(text).unwrap_or_else(|| AddressKey(String::new()))
    }

    fn limits() -> AttemptLimits {
        AttemptLimits {
            per_address: 3,
            per_client: 5,
            invitations_per_client: 2,
            window: Duration::from_secs(60),
            max_keys: 4,
        }
    }

    #[test]
    fn an_address_is_blocked_after_its_budget_until_the_window_ends() {
        let limiter = AttemptLimiter::new(limits());
        let now = Instant::now();
        let manon = address(" Manon@Demo.Carnet.test");
        for _ in 0..3 {
            assert!(limiter.reserve_sign_in(manon.clone(), HOME, now).is_ok());
        }
        assert_eq!(
            limiter
                .reserve_sign_in(address("manon@demo.carnet.test"), HOME, now)
                .err(),
            Some(Refusal::TooMany)
        );
        assert!(limiter
            .reserve_sign_in(address("remi@demo.carnet.test"), HOME, now)
            .is_ok());
        let later = now + Duration::from_secs(60);
        assert!(limiter.reserve_sign_in(manon, HOME, later).is_ok());
    }

    #[test]
    fn a_client_is_blocked_after_its_budget_whatever_the_addresses() {
        let limiter = AttemptLimiter::new(AttemptLimits {
            max_keys: 100,
            ..limits()
        });
        let now = Instant::now();
        for index in 0..5 {
            let key = address(&format!("nobody{index}@example.test"));
            assert!(limiter.reserve_sign_in(key, HOME, now).is_ok());
        }
        let refused = limiter.reserve_sign_in(address("another@example.test"), HOME, now);
        assert_eq!(refused.err(), Some(Refusal::TooMany));
        let elsewhere: IpAddr = "198.51.100.7".parse().unwrap_or(HOME);
        assert!(limiter
            .reserve_sign_in(address("another@example.test"), elsewhere, now)
            .is_ok());
    }

    #[test]
    fn a_success_forgets_the_address_and_gives_the_client_its_attempt_back() {
        let limiter = AttemptLimiter::new(limits());
        let now = Instant::now();
        let remi = address("remi@demo.carnet.test");
        for _ in 0..2 {
            let _failed = limiter.reserve_sign_in(remi.clone(), HOME, now);
        }
        let reservation = limiter.reserve_sign_in(remi.clone(), HOME, now);
        assert_eq!(limiter.tracked(), 2);
        reservation.map(Reservation::succeed).ok();
        // The address is forgotten; the client keeps its two failures.
        assert_eq!(limiter.tracked(), 1);
        for _ in 0..3 {
            let _failed = limiter.reserve_sign_in(remi.clone(), HOME, now);
        }
        assert_eq!(
            limiter.reserve_sign_in(remi, HOME, now).err(),
            Some(Refusal::TooMany),
            "the client's budget is spent: 2 + 3 failures"
        );
    }

    #[test]
    fn a_released_attempt_does_not_count() {
        let limiter = AttemptLimiter::new(limits());
        let now = Instant::now();
        for _ in 0..10 {
            let reservation = limiter.reserve_invitation(HOME, now);
            assert!(reservation.is_ok());
            reservation.map(Reservation::release).ok();
        }
        assert_eq!(limiter.tracked(), 0);
        let _first = limiter.reserve_invitation(HOME, now);
        let _second = limiter.reserve_invitation(HOME, now);
        assert_eq!(
            limiter.reserve_invitation(HOME, now).err(),
            Some(Refusal::TooMany)
        );
    }

    #[test]
    fn a_full_map_refuses_new_keys_until_windows_expire() {
        let limiter = AttemptLimiter::new(limits());
        let now = Instant::now();
        let clients: Vec<IpAddr> = (1..=4)
            .map(|last| IpAddr::V4(std::net::Ipv4Addr::new(192, 0, 2, last)))
            .collect();
        for client in &clients {
            assert!(limiter.reserve_invitation(*client, now).is_ok());
        }
        assert_eq!(limiter.tracked(), 4);
        let stranger = IpAddr::V4(std::net::Ipv4Addr::new(203, 0, 113, 9));
        assert_eq!(
            limiter.reserve_invitation(stranger, now).err(),
            Some(Refusal::Full)
        );
        assert_eq!(limiter.tracked(), 4, "the map did not grow");
        // A tracked client still gets its budget.
        assert!(limiter.reserve_invitation(clients[0], now).is_ok());
        let later = now + Duration::from_secs(60);
        assert!(limiter.reserve_invitation(stranger, later).is_ok());
        assert_eq!(limiter.tracked(), 1);
    }

    #[test]
    fn an_address_longer_than_any_email_has_no_key() {
        assert!(AddressKey::parse(&"a".repeat(MAX_ADDRESS_BYTES)).is_some());
        assert!(AddressKey::parse(&"a".repeat(MAX_ADDRESS_BYTES + 1)).is_none());
        assert!(AddressKey::parse(&format!("  {}  ", "a".repeat(MAX_ADDRESS_BYTES))).is_some());
    }

    #[test]
    fn ipv6_clients_are_counted_per_64_block() {
        let one: IpAddr = "2001:db8:1:2:aaaa::1".parse().unwrap_or(HOME);
        let same_block: IpAddr = "2001:db8:1:2:ffff::9".parse().unwrap_or(HOME);
        assert_eq!(client_block(one), client_block(same_block));
        let mapped: IpAddr = "::ffff:192.0.2.1".parse().unwrap_or(HOME);
        assert_eq!(client_block(mapped), HOME);
    }
}
