//! The two small statistics the cockpit needs: exact medians of day counts and ratios in basis
//! points. Both answer `None` rather than divide by zero.

/// The median of whole-day counts, kept exactly: as twice its value, so a median between two
/// days (6.5) is neither rounded nor a float.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct MedianDays {
    twice: i64,
}

impl MedianDays {
    /// The median of `days` (the mean of the two middle values for an even count), or `None`
    /// for no value at all.
    pub fn of(days: impl IntoIterator<Item = i64>) -> Option<Self> {
        let mut sorted: Vec<i64> = days.into_iter().collect();
        sorted.sort_unstable();
        let middle = sorted.len() / 2;
        let upper = *sorted.get(middle)?;
        let twice = if sorted.len() % 2 == 1 {
            upper.saturating_mul(2)
        } else {
            upper.saturating_add(*sorted.get(middle.checked_sub(1)?)?)
        };
        Some(Self { twice })
    }

    /// Twice the median (13 for 6.5 days): exact, for comparisons and tests.
    pub fn twice(self) -> i64 {
        self.twice
    }

    /// The median in whole days, rounded up (6.5 days is 7): a rhythm is waited out in days.
    pub fn whole_days_rounded_up(self) -> i64 {
        self.twice.div_euclid(2) + self.twice.rem_euclid(2)
    }

    /// The median as a decimal number of days, for display.
    pub fn days(self) -> f64 {
        // Day counts are far below 2^52: the conversion is exact.
        self.twice as f64 / 2.0
    }
}

/// `part` / `whole` in basis points (10 000 is 100 %), rounded down, or `None` when `whole` is
/// not positive. Above 100 % is kept (an objective can be beaten).
pub fn ratio_in_basis_points(part: i64, whole: i64) -> Option<u32> {
    if whole <= 0 {
        return None;
    }
    let ratio = i128::from(part.max(0)) * 10_000 / i128::from(whole);
    Some(u32::try_from(ratio).unwrap_or(u32::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_median_of_nothing_is_none() {
        assert_eq!(MedianDays::of([]), None);
        assert_eq!(ratio_in_basis_points(5, 0), None);
    }

    #[test]
    fn an_even_count_takes_the_mean_of_its_two_middle_values() {
        // 3, 6, 7, 40 → (6 + 7) / 2 = 6.5 days.
        let median = MedianDays::of([40, 6, 3, 7]);
        assert_eq!(median.map(MedianDays::twice), Some(13));
        assert_eq!(median.map(MedianDays::whole_days_rounded_up), Some(7));
        // 9, 2, 30 → 9.
        assert_eq!(MedianDays::of([9, 2, 30]).map(MedianDays::twice), Some(18));
    }

    #[test]
    fn a_ratio_is_in_basis_points_and_may_pass_one_hundred_percent() {
        assert_eq!(ratio_in_basis_points(1, 3), Some(3_333));
        assert_eq!(ratio_in_basis_points(15, 10), Some(15_000));
        assert_eq!(ratio_in_basis_points(-4, 10), Some(0));
    }
}
