//! Passwords: the rules a new one must meet, and argon2id hashing and checking under a global
//! cap on concurrent work.
//!
//! Each hash takes tens of milliseconds of CPU and 19 MiB of memory, so the number running at once
//! is bounded by [`Hashing`]'s capacity (about the core count): a request that finds every slot
//! taken is refused at once ([`PasswordError::Busy`], answered `503` with `Retry-After`) instead of
//! queueing, so a flood costs at most `capacity × 19 MiB`. The work runs on threads of its own,
//! never on tokio's blocking pool, where every SQLite call runs: the database never waits behind
//! hashing. This module must not look anything up; callers check what is cheap first.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;

use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::Argon2;
use tokio::sync::{oneshot, OwnedSemaphorePermit, Semaphore};

/// A password that meets the rules for a new account.
#[derive(Clone)]
pub struct NewPassword(String);

/// A new password that is too short or too long.
#[derive(Debug, thiserror::Error)]
#[error("a password must have {min} to {max} characters", min = NewPassword::MIN_CHARS, max = MAX_BYTES)]
pub struct WeakPassword;

/// Why hashing or checking failed (never "wrong password": that is `Ok(false)`).
#[derive(Debug, thiserror::Error)]
pub enum PasswordError {
    /// Every hashing slot is taken: try again in a moment.
    #[error("every password hashing slot is taken")]
    Busy,
    /// argon2 refused its input.
    #[error("argon2 failed")]
    Argon2(#[from] argon2::password_hash::Error),
    /// A stored hash does not parse.
    #[error("a stored password hash is corrupt")]
    StoredHash(#[from] argon2::password_hash::phc::Error),
    /// No thread could be started for the work.
    #[error("cannot start a hashing thread")]
    Thread(#[source] std::io::Error),
    /// The hashing thread died before answering.
    #[error("the hashing thread died")]
    Lost,
}

/// The longest password accepted, in bytes: argon2's cost must not grow with attacker input.
pub const MAX_BYTES: usize = 1024;

/// A hash of a password nobody knows, checked when the email is unknown so that an unknown address
/// costs the same argon2 work as a wrong password (same parameters as [`Hashing::hash`] uses).
const UNKNOWN_USER_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$x1Xv0gP1MNnqD9M0u9MZEw$HQEHiA5JBy8/Tt2wXxL3WXnOrH6kJfJm0dpM3iGQCGc";

impl NewPassword {
    /// The shortest password accepted, in characters.
    pub const MIN_CHARS: usize = 8;

    /// Checks the length rules.
    pub fn parse(text: String) -> Result<Self, WeakPassword> {
        let long_enough = text.chars().count() >= Self::MIN_CHARS;
        (long_enough && text.len() <= MAX_BYTES)
            .then_some(Self(text))
            .ok_or(WeakPassword)
    }
}

impl std::fmt::Debug for NewPassword {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str("NewPassword(..)")
    }
}

/// The password hasher: a fixed number of slots, and counters of the work done. Clones share both.
#[derive(Clone, Debug)]
pub struct Hashing {
    slots: Arc<Semaphore>,
    capacity: usize,
    counters: Arc<Counters>,
}

#[derive(Debug, Default)]
struct Counters {
    in_flight: AtomicUsize,
    peak: AtomicUsize,
    started: AtomicU64,
    refused: AtomicU64,
}

/// What the hasher has done so far, for tests and `/metrics`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HashingStats {
    /// The most hashes allowed at once.
    pub capacity: usize,
    /// Hashes running now.
    pub in_flight: usize,
    /// The most hashes ever seen running at once.
    pub peak: usize,
    /// Hashes started since the process began (checks included).
    pub started: u64,
    /// Requests refused because every slot was taken.
    pub refused: u64,
}

impl Default for Hashing {
    /// As many slots as the machine has cores.
    fn default() -> Self {
        Self::with_capacity(
            std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get),
        )
    }
}

impl Hashing {
    /// A hasher running at most `capacity` hashes at once (0 refuses every one: for tests).
    pub fn with_capacity(capacity: usize) -> Self {
        Self {
            slots: Arc::new(Semaphore::new(capacity)),
            capacity,
            counters: Arc::default(),
        }
    }

    /// The counters.
    pub fn stats(&self) -> HashingStats {
        let counters = &self.counters;
        HashingStats {
            capacity: self.capacity,
            in_flight: counters.in_flight.load(Ordering::Relaxed),
            peak: counters.peak.load(Ordering::Relaxed),
            started: counters.started.load(Ordering::Relaxed),
            refused: counters.refused.load(Ordering::Relaxed),
        }
    }

    /// Hashes `password` with argon2id and a random salt, as a PHC string.
    pub async fn hash(&self, password: NewPassword) -> Result<String, PasswordError> {
        self.run(move || {
            Ok(Argon2::default()
                .hash_password(password.0.as_bytes())?
                .to_string())
        })
        .await
    }

    /// Whether `password` matches `stored`; with no stored hash (an unknown user) the same work is
    /// done against a hash nobody knows and the answer is `false`.
    pub async fn verify(
        &self,
        password: String,
        stored: Option<String>,
    ) -> Result<bool, PasswordError> {
        self.run(move || {
            let known = stored.is_some();
            let stored = stored.unwrap_or_else(|| UNKNOWN_USER_HASH.to_owned());
            let parsed = PasswordHash::new(&stored)?;
            let password = password.as_bytes();
            // Over-long input is checked against nothing rather than hashed: its length is not
            // secret.
            let matches = password.len() <= MAX_BYTES
                && Argon2::default().verify_password(password, &parsed).is_ok();
            Ok(known && matches)
        })
        .await
    }

    /// Runs `work` on a thread of its own if a slot is free, else refuses at once. The slot is
    /// held by the thread, not the caller: a request that gives up does not free it early, so the
    /// cap bounds the hashes actually running.
    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> Result<T, PasswordError> + Send + 'static,
    ) -> Result<T, PasswordError> {
        let Ok(permit) = Arc::clone(&self.slots).try_acquire_owned() else {
            self.counters.refused.fetch_add(1, Ordering::Relaxed);
            return Err(PasswordError::Busy);
        };
        let (answer, answered) = oneshot::channel();
        let running = Running::start(permit, Arc::clone(&self.counters));
        std::thread::Builder::new()
            .name("argon2".to_owned())
            .spawn(move || {
                let outcome = work();
                // Done before the caller hears of it: counters never lag behind an answer.
                drop(running);
                // The caller may have gone: nobody to tell.
                let _gone = answer.send(outcome);
            })
            .map_err(PasswordError::Thread)?;
        answered.await.map_err(|_| PasswordError::Lost)?
    }
}

/// One hash running: counted from its start until it is dropped, with its slot.
struct Running {
    _permit: OwnedSemaphorePermit,
    counters: Arc<Counters>,
}

impl Running {
    fn start(permit: OwnedSemaphorePermit, counters: Arc<Counters>) -> Self {
        let now = counters.in_flight.fetch_add(1, Ordering::Relaxed) + 1;
        counters.peak.fetch_max(now, Ordering::Relaxed);
        counters.started.fetch_add(1, Ordering::Relaxed);
        Self {
            _permit: permit,
            counters,
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.counters.in_flight.fetch_sub(1, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hashed_password_verifies_and_another_does_not(
    ) -> Result<(), Box<dyn std::error::Error>> {
        let hashing = Hashing::default();
        let stored = hashing
            .hash(NewPassword::parse("carnet-demo".to_owned())?)
            .await?;
        assert!(stored.starts_with("$argon2id$"));
        assert!(
            hashing
                .verify("carnet-demo".to_owned(), Some(stored.clone()))
                .await?
        );
        assert!(
            !hashing
                .verify("carnet-demo!".to_owned(), Some(stored))
                .await?
        );
        let stats = hashing.stats();
        assert_eq!((stats.started, stats.in_flight), (3, 0));
        Ok(())
    }

    #[tokio::test]
    async fn an_unknown_user_is_checked_against_a_valid_hash_and_refused(
    ) -> Result<(), Box<dyn std::error::Error>> {
        assert!(PasswordHash::new(UNKNOWN_USER_HASH).is_ok());
        assert!(
            !Hashing::default()
                .verify("carnet-demo".to_owned(), None)
                .await?
        );
        Ok(())
    }

    #[tokio::test]
    async fn a_full_hasher_refuses_at_once_and_never_runs_more_than_its_capacity(
    ) -> Result<(), Box<dyn std::error::Error>> {
        let hashing = Hashing::with_capacity(2);
        let attempts: Vec<_> = (0..16)
            .map(|_| {
                let hashing = hashing.clone();
                tokio::spawn(async move { hashing.verify("guess-guess".to_owned(), None).await })
            })
            .collect();
        let mut busy = 0;
        for attempt in attempts {
            match attempt.await? {
                Ok(matched) => assert!(!matched),
                Err(PasswordError::Busy) => busy += 1,
                Err(error) => return Err(error.into()),
            }
        }
        let stats = hashing.stats();
        assert!(stats.peak <= 2, "{stats:?}");
        assert_eq!(stats.in_flight, 0);
        assert_eq!(stats.refused, busy);
        assert_eq!(stats.started + stats.refused, 16);
        let closed = Hashing::with_capacity(0);
        assert!(matches!(
            closed.verify("guess-guess".to_owned(), None).await,
            Err(PasswordError::Busy)
        ));
        assert_eq!(closed.stats().started, 0);
        Ok(())
    }

    #[test]
    fn short_and_huge_passwords_are_refused() {
        assert!(NewPassword::parse("short".to_owned()).is_err());
        assert!(NewPassword::parse("x".repeat(MAX_BYTES + 1)).is_err());
        assert!(NewPassword::parse("eight ch".to_owned()).is_ok());
    }
}
