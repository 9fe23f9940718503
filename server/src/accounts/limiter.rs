//! Sign-in attempt limiting: after too many failures for one address in a window, further
//! attempts are refused without checking the password, whether or not the address exists.
//!
//! In memory and per process: it slows down guessing against one account; it is not a defence
//! against a distributed attack (a proxy's per-IP limits are).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

/// Failures allowed for one address within [`WINDOW`].
pub const MAX_FAILURES: u32 = 10;

/// How long failures count.
pub const WINDOW: Duration = Duration::from_secs(15 * 60);

/// Addresses tracked before expired windows are swept.
const SWEEP_ABOVE: usize = 10_000;

/// Failed sign-ins per address, shared by clones.
#[derive(Clone, Debug, Default)]
pub struct LoginLimiter {
    failures: Arc<Mutex<HashMap<String, Failures>>>,
}

#[derive(Clone, Copy, Debug)]
struct Failures {
    count: u32,
    since: Instant,
}

impl LoginLimiter {
    /// Whether `key` may try to sign in at `now`.
    pub fn allows(&self, key: &str, now: Instant) -> bool {
        self.lock()
            .get(key)
            .is_none_or(|failures| failures.count < MAX_FAILURES || expired(failures, now))
    }

    /// Counts a failed attempt for `key`.
    pub fn record_failure(&self, key: &str, now: Instant) {
        let mut failures = self.lock();
        if failures.len() >= SWEEP_ABOVE {
            failures.retain(|_, entry| !expired(entry, now));
        }
        let entry = failures.entry(key.to_owned()).or_insert(Failures {
            count: 0,
            since: now,
        });
        if expired(entry, now) {
            *entry = Failures {
                count: 0,
                since: now,
            };
        }
        entry.count = entry.count.saturating_add(1);
    }

    /// Forgets `key`'s failures (after a successful sign-in).
    pub fn forget(&self, key: &str) {
        self.lock().remove(key);
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<String, Failures>> {
        // Each update is one call on the map, so a panicked holder cannot leave it half-written.
        self.failures.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

fn expired(failures: &Failures, now: Instant) -> bool {
    now.duration_since(failures.since) >= WINDOW
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_is_blocked_after_too_many_failures_until_the_window_ends() {
        let limiter = LoginLimiter::default();
        let now = Instant::now();
        for _ in 0..MAX_FAILURES {
            assert!(limiter.allows("manon@demo.carnet.test", now));
            limiter.record_failure("manon@demo.carnet.test", now);
        }
        assert!(!limiter.allows("manon@demo.carnet.test", now));
        assert!(limiter.allows("remi@demo.carnet.test", now));
        assert!(limiter.allows("manon@demo.carnet.test", now + WINDOW));
    }

    #[test]
    fn a_success_forgets_the_failures() {
        let limiter = LoginLimiter::default();
        let now = Instant::now();
        for _ in 0..MAX_FAILURES {
            limiter.record_failure("remi@demo.carnet.test", now);
        }
        limiter.forget("remi@demo.carnet.test");
        assert!(limiter.allows("remi@demo.carnet.test", now));
    }
}
