//! A quote's or an order's totals, computed from its lines and never stored (EN 16931 rules).
//!
//! - a line's net is quantity × unit price × (1 − discount), rounded to the currency's minor unit
//!   (the cent for the euro), half away from zero;
//! - the total before VAT is the sum of the line nets;
//! - the VAT of each rate is the rate times the sum of the nets of that rate's lines, rounded
//!   once per rate (not per line: BR-CO-10 wants the breakdown to add up exactly);
//! - the total including VAT is the net plus every rate's VAT.
//!
//! Products are computed in `i128` and every step is checked: an amount that no longer fits in
//! 64-bit minor units is [`AmountError::Overflow`], and a line in another currency than the
//! document's is [`AmountError::MixedCurrencies`], never a silent mix.

use std::collections::BTreeMap;

use super::discount::{Discount, FULL_DISCOUNT};
use super::line::Line;
use super::quantity::{Quantity, THOUSANDTHS_PER_UNIT};
use super::vat_rate::VatRate;
use crate::values::{AmountError, CurrencyCode, Money};

/// One row of the VAT breakdown: a rate, the net amount it applies to, and its VAT.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VatSubtotal {
    /// The rate.
    pub rate: VatRate,
    /// The sum of the nets of the lines at this rate.
    pub taxable: Money,
    /// The VAT due at this rate, rounded once.
    pub vat: Money,
}

/// The totals of a document's lines.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Totals {
    /// Total before VAT (HT): the sum of the rounded line nets.
    pub net: Money,
    /// The VAT breakdown, one row per rate present, highest rate first.
    pub vat: Vec<VatSubtotal>,
    /// Total including VAT (TTC): the net plus every rate's VAT.
    pub gross: Money,
}

impl Totals {
    /// The totals of `lines`, all priced in `currency`.
    pub fn of<'a>(
        currency: CurrencyCode,
        lines: impl IntoIterator<Item = &'a Line>,
    ) -> Result<Self, AmountError> {
        let zero = Money::zero(currency);
        let mut net = zero;
        let mut taxable_by_rate: BTreeMap<VatRate, Money> = BTreeMap::new();
        for line in lines {
            let line_net = line.net()?;
            net = net.checked_add(line_net)?;
            let taxable = taxable_by_rate.entry(line.vat_rate).or_insert(zero);
            *taxable = taxable.checked_add(line_net)?;
        }
        let vat = taxable_by_rate
            .into_iter()
            .map(|(rate, taxable)| {
                Ok(VatSubtotal {
                    rate,
                    taxable,
                    vat: vat_of(taxable, rate)?,
                })
            })
            .collect::<Result<Vec<_>, AmountError>>()?;
        let gross = vat
            .iter()
            .try_fold(net, |gross, subtotal| gross.checked_add(subtotal.vat))?;
        Ok(Self { net, vat, gross })
    }

    /// The VAT of every rate together.
    pub fn vat_total(&self) -> Result<Money, AmountError> {
        self.vat
            .iter()
            .try_fold(Money::zero(self.net.currency), |total, subtotal| {
                total.checked_add(subtotal.vat)
            })
    }
}

/// Quantity × unit price × (1 − discount), rounded half away from zero to the minor unit.
pub fn line_net(
    quantity: Quantity,
    unit_price: Money,
    discount: Discount,
) -> Result<Money, AmountError> {
    let kept = i128::from(FULL_DISCOUNT - discount.basis_points().min(FULL_DISCOUNT));
    let numerator = i128::from(quantity.thousandths())
        .checked_mul(i128::from(unit_price.minor_units))
        .and_then(|product| product.checked_mul(kept))
        .ok_or(AmountError::Overflow)?;
    let denominator = i128::from(THOUSANDTHS_PER_UNIT) * i128::from(FULL_DISCOUNT);
    let minor_units = i64::try_from(divide_rounding_half_away(numerator, denominator))
        .map_err(|_| AmountError::Overflow)?;
    Ok(Money::new(minor_units, unit_price.currency))
}

/// The VAT at `rate` on `taxable`, rounded half away from zero to the minor unit.
pub fn vat_of(taxable: Money, rate: VatRate) -> Result<Money, AmountError> {
    let numerator = i128::from(taxable.minor_units) * i128::from(rate.basis_points());
    let minor_units = i64::try_from(divide_rounding_half_away(
        numerator,
        i128::from(FULL_DISCOUNT),
    ))
    .map_err(|_| AmountError::Overflow)?;
    Ok(Money::new(minor_units, taxable.currency))
}

/// `numerator / denominator` (a positive denominator) rounded to the nearest integer, halves
/// away from zero: 0.5 → 1 and −0.5 → −1, as commercial rounding does.
pub(crate) fn divide_rounding_half_away(numerator: i128, denominator: i128) -> i128 {
    let quotient = numerator / denominator;
    let remainder = numerator % denominator;
    // |remainder| < denominator, so doubling it cannot overflow for the small denominators used.
    if remainder.abs() * 2 >= denominator {
        quotient + numerator.signum()
    } else {
        quotient
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::values::CurrencyError;

    fn euros(minor_units: i64) -> Money {
        Money::new(minor_units, CurrencyCode::EUR)
    }

    fn line(quantity: &str, unit_price: i64, discount: &str, rate: VatRate) -> Line {
        let quantity = Quantity::parse(quantity).unwrap_or(Quantity::ONE);
        let mut line = Line::free("Article", quantity, euros(unit_price), rate, 0);
        line.discount = Discount::parse(discount).unwrap_or_default();
        line
    }

    #[test]
    fn half_a_cent_rounds_away_from_zero() -> Result<(), AmountError> {
        let half = Quantity::parse("0,5").map_err(|_| AmountError::Overflow)?;
        assert_eq!(line_net(half, euros(1), Discount::NONE)?, euros(1));
        assert_eq!(line_net(half, euros(-1), Discount::NONE)?, euros(-1));
        let just_under = Quantity::parse("0,499").map_err(|_| AmountError::Overflow)?;
        assert_eq!(line_net(just_under, euros(1), Discount::NONE)?, euros(0));
        // 1.5 × 0.33 € = 0.495 €: half a cent, up to 0.50 €.
        let one_and_a_half = Quantity::parse("1,5").map_err(|_| AmountError::Overflow)?;
        assert_eq!(
            line_net(one_and_a_half, euros(33), Discount::NONE)?,
            euros(50)
        );
        assert_eq!(vat_of(euros(5), VatRate::Intermediate)?, euros(1));
        assert_eq!(vat_of(euros(-5), VatRate::Intermediate)?, euros(-1));
        assert_eq!(vat_of(euros(4), VatRate::Intermediate)?, euros(0));
        Ok(())
    }

    #[test]
    fn each_line_is_rounded_before_the_sum() -> Result<(), AmountError> {
        // Three lines of 1/3 × 0.01 €: each rounds to 0 €, so the total is 0 €, not 0.01 €.
        let third = [
            line("0,333", 1, "", VatRate::Standard),
            line("0,333", 1, "", VatRate::Standard),
            line("0,334", 1, "", VatRate::Standard),
        ];
        assert_eq!(Totals::of(CurrencyCode::EUR, &third)?.net, euros(0));
        Ok(())
    }

    #[test]
    fn vat_is_rounded_once_per_rate_not_per_line() -> Result<(), AmountError> {
        // Three lines of 0.05 € at 10 %: per line 0.005 € would round to 0.01 € three times;
        // per rate, 10 % of 0.15 € is 0.015 €, rounded once to 0.02 €.
        let lines = [
            line("1", 5, "", VatRate::Intermediate),
            line("1", 5, "", VatRate::Intermediate),
            line("1", 5, "", VatRate::Intermediate),
        ];
        let totals = Totals::of(CurrencyCode::EUR, &lines)?;
        assert_eq!(totals.net, euros(15));
        assert_eq!(totals.vat_total()?, euros(2));
        assert_eq!(totals.gross, euros(17));
        Ok(())
    }

    #[test]
    fn mixed_rates_give_a_breakdown_highest_rate_first() -> Result<(), AmountError> {
        let lines = [
            line("2,5", 1_290, "", VatRate::Reduced),      // 32.25 €
            line("3", 4_999, "10", VatRate::Standard),     // 134.973 → 134.97 €
            line("1", 12_000, "", VatRate::Zero),          // 120.00 €
            line("1", 1_000, "", VatRate::Standard),       // 10.00 €
            line("4", 333, "12,5", VatRate::Intermediate), // 11.655 → 11.66 €
            line("1", 799, "", VatRate::Particular),       // 7.99 €
        ];
        let totals = Totals::of(CurrencyCode::EUR, &lines)?;
        assert_eq!(totals.net, euros(31_687));
        let breakdown: Vec<(VatRate, i64, i64)> = totals
            .vat
            .iter()
            .map(|row| (row.rate, row.taxable.minor_units, row.vat.minor_units))
            .collect();
        assert_eq!(
            breakdown,
            vec![
                (VatRate::Standard, 14_497, 2_899),  // 28.994 → 28.99 €
                (VatRate::Intermediate, 1_166, 117), // 1.166 → 1.17 €
                (VatRate::Reduced, 3_225, 177),      // 1.77375 → 1.77 €
                (VatRate::Particular, 799, 17),      // 0.16779 → 0.17 €
                (VatRate::Zero, 12_000, 0),
            ]
        );
        assert_eq!(totals.vat_total()?, euros(3_210));
        assert_eq!(totals.gross, euros(34_897));
        Ok(())
    }

    #[test]
    fn a_full_discount_makes_a_line_free_and_a_zero_rate_line_bears_no_vat(
    ) -> Result<(), AmountError> {
        let lines = [
            line("3", 2_500, "100", VatRate::Standard),
            line("1", 4_000, "", VatRate::Zero),
        ];
        let totals = Totals::of(CurrencyCode::EUR, &lines)?;
        assert_eq!(totals.net, euros(4_000));
        assert_eq!(totals.vat[0].taxable, euros(0));
        assert_eq!(totals.vat[1].vat, euros(0));
        assert_eq!(totals.gross, euros(4_000));
        Ok(())
    }

    #[test]
    fn no_lines_total_nothing_in_the_documents_currency() -> Result<(), AmountError> {
        let totals = Totals::of(CurrencyCode::EUR, &[])?;
        assert_eq!(totals.net, euros(0));
        assert!(totals.vat.is_empty());
        assert_eq!(totals.gross, euros(0));
        Ok(())
    }

    #[test]
    fn large_quantities_are_exact_up_to_the_bound_and_refused_past_it() -> Result<(), AmountError> {
        // Ten billion units at 9 223 372.03 € is exact in i128 and just fits in i64 cents.
        let many = Quantity::units(10_000_000_000).map_err(|_| AmountError::Overflow)?;
        assert_eq!(
            line_net(many, euros(922_337_203), Discount::NONE)?,
            euros(9_223_372_030_000_000_000)
        );
        // One unit at the largest amount fits; two such lines do not add up.
        let largest = line("1", i64::MAX, "", VatRate::Zero);
        assert_eq!(largest.net()?, euros(i64::MAX));
        assert_eq!(
            Totals::of(CurrencyCode::EUR, [&largest, &largest]),
            Err(AmountError::Overflow)
        );
        // The net fits, but not with its VAT.
        let taxed = line("1", i64::MAX, "", VatRate::Standard);
        assert_eq!(
            Totals::of(CurrencyCode::EUR, [&taxed]),
            Err(AmountError::Overflow)
        );
        // A net past 64 bits is refused, not wrapped.
        let most = Quantity::from_thousandths(i64::MAX).map_err(|_| AmountError::Overflow)?;
        assert_eq!(
            line_net(most, euros(i64::MAX), Discount::NONE),
            Err(AmountError::Overflow)
        );
        assert_eq!(
            line_net(many, euros(922_337_204), Discount::NONE),
            Err(AmountError::Overflow)
        );
        Ok(())
    }

    #[test]
    fn lines_in_another_currency_are_refused() -> Result<(), CurrencyError> {
        let swiss = CurrencyCode::parse("CHF")?;
        let mut in_francs = line("1", 1_000, "", VatRate::Standard);
        in_francs.unit_price = Money::new(1_000, swiss);
        let lines = [line("1", 1_000, "", VatRate::Standard), in_francs];
        assert_eq!(
            Totals::of(CurrencyCode::EUR, &lines),
            Err(AmountError::MixedCurrencies {
                expected: CurrencyCode::EUR,
                found: swiss
            })
        );
        assert_eq!(
            Totals::of(swiss, &lines[..1]),
            Err(AmountError::MixedCurrencies {
                expected: swiss,
                found: CurrencyCode::EUR
            })
        );
        Ok(())
    }
}
