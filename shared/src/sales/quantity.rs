//! Quantities on a line, in thousandths of the product's unit: 2.5 kg is 2500, one piece is 1000.
//!
//! Thousandths cover weights to the gram, lengths to the millimetre and hours to 3.6 seconds,
//! with integer arithmetic only. A quantity is strictly positive: a credit or a goodwill line
//! is written with a negative unit price, so that a line's sign lives in one place.

use std::fmt;
use std::str::FromStr;

use crate::values::{format_scaled, parse_scaled, DecimalError};

/// How many thousandths make one unit.
pub const THOUSANDTHS_PER_UNIT: i64 = 1000;

/// A strictly positive quantity, in thousandths of a unit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Quantity(i64);

/// Why some text or number is not a quantity.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum QuantityError {
    /// Not a decimal number such as `2,5`.
    #[error("a quantity is a number such as 2,5")]
    BadNumber,
    /// Finer than a thousandth of a unit.
    #[error("a quantity has at most 3 decimals")]
    TooPrecise,
    /// Zero or negative.
    #[error("a quantity is more than zero")]
    NotPositive,
    /// Beyond what 64-bit thousandths hold.
    #[error("the quantity is too large")]
    TooLarge,
}

impl Quantity {
    /// One unit.
    pub const ONE: Self = Self(THOUSANDTHS_PER_UNIT);

    /// A quantity of `thousandths` of a unit; refuses zero and negative quantities.
    pub fn from_thousandths(thousandths: i64) -> Result<Self, QuantityError> {
        if thousandths > 0 {
            Ok(Self(thousandths))
        } else {
            Err(QuantityError::NotPositive)
        }
    }

    /// `units` whole units.
    pub fn units(units: i64) -> Result<Self, QuantityError> {
        units
            .checked_mul(THOUSANDTHS_PER_UNIT)
            .ok_or(QuantityError::TooLarge)
            .and_then(Self::from_thousandths)
    }

    /// Parses a quantity as typed: `3`, `2,5`, `1 000`, `0.125`.
    pub fn parse(input: &str) -> Result<Self, QuantityError> {
        let thousandths = parse_scaled(input, 3).map_err(|error| match error {
            DecimalError::BadNumber => QuantityError::BadNumber,
            DecimalError::TooPrecise => QuantityError::TooPrecise,
            DecimalError::TooLarge => QuantityError::TooLarge,
        })?;
        Self::from_thousandths(thousandths)
    }

    /// The quantity in thousandths of a unit.
    pub fn thousandths(self) -> i64 {
        self.0
    }
}

impl fmt::Display for Quantity {
    /// `2.5`, `3`: a plain, locale-neutral form.
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(&format_scaled(self.0, 3))
    }
}

impl FromStr for Quantity {
    type Err = QuantityError;

    fn from_str(input: &str) -> Result<Self, Self::Err> {
        Self::parse(input)
    }
}

crate::values::serialized_as_text!(Quantity, "a quantity");

// Stored as its thousandths.
crate::values::stored_as_integer!(
    Quantity,
    "a positive quantity",
    Quantity::thousandths,
    |stored: i64| Quantity::from_thousandths(stored).ok()
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_quantities_become_thousandths() -> Result<(), QuantityError> {
        assert_eq!(Quantity::parse("2,5")?.thousandths(), 2_500);
        assert_eq!(Quantity::parse("1 000")?.thousandths(), 1_000_000);
        assert_eq!(Quantity::parse("0.125")?.thousandths(), 125);
        assert_eq!(Quantity::parse("3")?, Quantity::units(3)?);
        assert_eq!(Quantity::parse("2,50")?.to_string(), "2.5");
        Ok(())
    }

    #[test]
    fn empty_negative_or_too_fine_quantities_are_refused() {
        assert_eq!(Quantity::parse("0"), Err(QuantityError::NotPositive));
        assert_eq!(Quantity::parse("-1"), Err(QuantityError::NotPositive));
        assert_eq!(Quantity::parse("0,0005"), Err(QuantityError::TooPrecise));
        assert_eq!(Quantity::parse("deux"), Err(QuantityError::BadNumber));
        assert_eq!(Quantity::parse(""), Err(QuantityError::BadNumber));
        assert_eq!(
            Quantity::parse("9223372036854776"),
            Err(QuantityError::TooLarge)
        );
        assert_eq!(Quantity::units(i64::MAX), Err(QuantityError::TooLarge));
    }

    proptest::proptest! {
        #[test]
        fn a_quantity_round_trips_through_its_display(thousandths in 1..i64::MAX) {
            let quantity = Quantity::from_thousandths(thousandths);
            let shown = quantity.clone().map(|quantity| quantity.to_string());
            proptest::prop_assert_eq!(shown.and_then(|text| Quantity::parse(&text)), quantity);
        }
    }
}
