//! When a device tries the relay again after losing it: exponential backoff with full jitter.
//!
//! Thousands of tablets coming back into coverage at once (a train leaving a tunnel, a trade
//! fair's Wi-Fi returning) must not reconnect in lockstep, so each wait is drawn uniformly up to
//! a ceiling that doubles per failed attempt. The randomness is passed in: this module reads
//! neither a clock nor a random source.

use std::time::Duration;

/// The first ceiling.
pub const FIRST_CEILING: Duration = Duration::from_secs(1);
/// The largest ceiling: a device never waits longer than this between attempts.
pub const MAX_CEILING: Duration = Duration::from_secs(60);
/// The shortest wait, so a relay that refuses at once is not hammered.
pub const MIN_WAIT: Duration = Duration::from_millis(250);

/// Successive failed attempts, and how long to wait before the next.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Backoff {
    failures: u32,
}

impl Backoff {
    /// Records a failed attempt and returns how long to wait before the next one; `unit` is a
    /// uniform random number in `[0, 1)`.
    pub fn fail(&mut self, unit: f64) -> Duration {
        let ceiling = self.ceiling();
        self.failures = self.failures.saturating_add(1);
        let unit = if unit.is_finite() {
            unit.clamp(0.0, 1.0)
        } else {
            0.5
        };
        ceiling.mul_f64(unit).max(MIN_WAIT)
    }

    /// The connection worked: the next failure starts from the first ceiling again.
    pub fn succeed(&mut self) {
        self.failures = 0;
    }

    /// How many attempts failed in a row.
    pub fn failures(&self) -> u32 {
        self.failures
    }

    fn ceiling(&self) -> Duration {
        let doublings = self.failures.min(16);
        FIRST_CEILING
            .saturating_mul(1 << doublings)
            .min(MAX_CEILING)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_grow_exponentially_up_to_the_ceiling() {
        let mut backoff = Backoff::default();
        let waits: Vec<Duration> = (0..10).map(|_| backoff.fail(0.999_999)).collect();
        assert!(waits[0] < Duration::from_secs(1));
        assert!(waits[1] > Duration::from_millis(1_900) && waits[1] < Duration::from_secs(2));
        assert!(waits[3] > Duration::from_millis(7_900) && waits[3] < Duration::from_secs(8));
        assert!(waits[9] <= MAX_CEILING && waits[9] > Duration::from_secs(59));
    }

    #[test]
    fn jitter_spreads_waits_below_the_ceiling_but_never_under_the_minimum() {
        let mut backoff = Backoff::default();
        for _ in 0..5 {
            backoff.fail(0.5);
        }
        assert_eq!(backoff.fail(0.0), MIN_WAIT);
        assert_eq!(backoff.fail(f64::NAN), MAX_CEILING / 2);
    }

    #[test]
    fn a_success_starts_over_from_the_first_ceiling() {
        let mut backoff = Backoff::default();
        for _ in 0..8 {
            backoff.fail(0.9);
        }
        backoff.succeed();
        assert_eq!(backoff.failures(), 0);
        assert!(backoff.fail(0.999) < FIRST_CEILING);
    }
}
