//! Amounts summed per currency. Two currencies are never added together: a report holds one
//! sum per currency, and the screen shows them side by side.
//!
//! Every addition is checked: a sum that no longer fits in 64-bit minor units is a typed
//! [`SumOverflow`] naming the currency, never a wrapped or saturated figure (a manager must not
//! read a wrong total as a right one). It is far beyond any real order book.

use std::collections::BTreeMap;

use crate::sales::divide_rounding_half_away;
use crate::values::{CurrencyCode, Money};

/// A probability or a ratio of one, in basis points: 10 000 is 100 %.
pub const WHOLE_IN_BASIS_POINTS: u16 = 10_000;

/// A sum no longer fits in 64-bit minor units.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("the sum in {currency} is too large")]
pub struct SumOverflow {
    /// The currency whose sum overflowed.
    pub currency: CurrencyCode,
}

/// Amounts per currency, in minor units; a currency never seen has no entry.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Sums(BTreeMap<CurrencyCode, i64>);

impl Sums {
    /// No amount in any currency.
    pub fn new() -> Self {
        Self::default()
    }

    /// The sum of `amounts`, per currency.
    pub fn of(amounts: impl IntoIterator<Item = Money>) -> Result<Self, SumOverflow> {
        let mut sums = Self::new();
        for money in amounts {
            sums.add(money)?;
        }
        Ok(sums)
    }

    /// Adds `money` to the sum of its currency.
    pub fn add(&mut self, money: Money) -> Result<(), SumOverflow> {
        let sum = self.0.entry(money.currency).or_insert(0);
        *sum = sum.checked_add(money.minor_units).ok_or(SumOverflow {
            currency: money.currency,
        })?;
        Ok(())
    }

    /// Adds every sum of `other`, currency by currency.
    pub fn add_all(&mut self, other: &Self) -> Result<(), SumOverflow> {
        other.iter().try_for_each(|money| self.add(money))
    }

    /// The sum in `currency` (zero when none was added).
    pub fn get(&self, currency: CurrencyCode) -> Money {
        Money::new(self.0.get(&currency).copied().unwrap_or(0), currency)
    }

    /// Each currency's sum, by currency code.
    pub fn iter(&self) -> impl Iterator<Item = Money> + '_ {
        self.0
            .iter()
            .map(|(currency, minor_units)| Money::new(*minor_units, *currency))
    }

    /// Whether no amount was added.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// `money` × `basis_points` / 10 000, rounded half away from zero to the minor unit (as the
/// sales totals round). It never exceeds `money` for a probability, so it always fits.
pub fn weighted(money: Money, basis_points: u16) -> Money {
    let share = divide_rounding_half_away(
        i128::from(money.minor_units) * i128::from(basis_points),
        i128::from(WHOLE_IN_BASIS_POINTS),
    );
    let minor_units = i64::try_from(share).unwrap_or(if share < 0 { i64::MIN } else { i64::MAX });
    Money::new(minor_units, money.currency)
}

#[cfg(test)]
mod tests {
    use super::*;

    type Outcome = Result<(), Box<dyn std::error::Error>>;

    #[test]
    fn several_currencies_are_kept_apart() -> Outcome {
        let swiss = CurrencyCode::parse("CHF")?;
        let sums = Sums::of([
            Money::new(1_000, CurrencyCode::EUR),
            Money::new(250, swiss),
            Money::new(500, CurrencyCode::EUR),
        ])?;
        assert_eq!(
            sums.iter().collect::<Vec<_>>(),
            vec![Money::new(250, swiss), Money::new(1_500, CurrencyCode::EUR)]
        );
        assert_eq!(sums.get(CurrencyCode::parse("USD")?).minor_units, 0);
        Ok(())
    }

    #[test]
    fn an_overflowing_sum_is_an_error_naming_its_currency() {
        let mut sums = Sums::new();
        let added = sums.add(Money::new(i64::MAX, CurrencyCode::EUR));
        assert_eq!(added, Ok(()));
        assert_eq!(
            sums.add(Money::new(1, CurrencyCode::EUR)),
            Err(SumOverflow {
                currency: CurrencyCode::EUR
            })
        );
    }

    #[test]
    fn a_weighted_amount_rounds_half_away_from_zero() {
        // 0.05 EUR at 50 % is 2.5 cents: 3 cents; −0.05 EUR gives −3.
        assert_eq!(
            weighted(Money::new(5, CurrencyCode::EUR), 5_000).minor_units,
            3
        );
        assert_eq!(
            weighted(Money::new(-5, CurrencyCode::EUR), 5_000).minor_units,
            -3
        );
        assert_eq!(
            weighted(Money::new(i64::MAX, CurrencyCode::EUR), 10_000).minor_units,
            i64::MAX
        );
    }
}
