//! A line's discount, a percentage in basis points from 0 (none) to 10 000 (free of charge).

use std::fmt;
use std::str::FromStr;

use crate::values::{format_scaled, parse_scaled, DecimalError};

/// The most a discount can be: 100 %, in basis points.
pub const FULL_DISCOUNT: u16 = 10_000;

/// A discount between 0 % and 100 %, in basis points (12.5 % is 1250).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Discount(u16);

/// Why some text or number is not a discount.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DiscountError {
    /// Not a percentage such as `12,5`.
    #[error("a discount is a percentage such as 12,5")]
    BadNumber,
    /// Finer than a hundredth of a percent.
    #[error("a discount has at most 2 decimals")]
    TooPrecise,
    /// Below 0 % or above 100 %.
    #[error("a discount is between 0 and 100 %")]
    OutOfRange,
}

impl Discount {
    /// No discount.
    pub const NONE: Self = Self(0);

    /// A discount of `basis_points` (0 to 10 000).
    pub fn from_basis_points(basis_points: u64) -> Result<Self, DiscountError> {
        u16::try_from(basis_points)
            .ok()
            .filter(|points| *points <= FULL_DISCOUNT)
            .map(Self)
            .ok_or(DiscountError::OutOfRange)
    }

    /// Parses a percentage as typed: `10`, `12,5`, `12.5 %`; empty text is no discount.
    pub fn parse(input: &str) -> Result<Self, DiscountError> {
        let number = input.trim().trim_end_matches('%').trim();
        if number.is_empty() {
            return Ok(Self::NONE);
        }
        let basis_points = parse_scaled(number, 2).map_err(|error| match error {
            DecimalError::BadNumber => DiscountError::BadNumber,
            DecimalError::TooPrecise => DiscountError::TooPrecise,
            DecimalError::TooLarge => DiscountError::OutOfRange,
        })?;
        let basis_points = u64::try_from(basis_points).map_err(|_| DiscountError::OutOfRange)?;
        Self::from_basis_points(basis_points)
    }

    /// The discount in basis points.
    pub fn basis_points(self) -> u16 {
        self.0
    }
}

impl fmt::Display for Discount {
    /// The percentage without its sign: `12.5`.
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(&format_scaled(i64::from(self.0), 2))
    }
}

impl FromStr for Discount {
    type Err = DiscountError;

    fn from_str(input: &str) -> Result<Self, Self::Err> {
        Self::parse(input)
    }
}

crate::values::serialized_as_text!(Discount, "a discount percentage");

// Stored as its basis points.
crate::values::stored_as_integer!(
    Discount,
    "a discount",
    |discount: Discount| i64::from(discount.basis_points()),
    |stored: i64| u64::try_from(stored)
        .ok()
        .and_then(|points| Discount::from_basis_points(points).ok())
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_discounts_become_basis_points() -> Result<(), DiscountError> {
        assert_eq!(Discount::parse("12,5 %")?.basis_points(), 1_250);
        assert_eq!(Discount::parse("100")?.basis_points(), FULL_DISCOUNT);
        assert_eq!(Discount::parse("")?, Discount::NONE);
        assert_eq!(Discount::parse("7.25")?.to_string(), "7.25");
        Ok(())
    }

    #[test]
    fn discounts_outside_zero_to_a_hundred_percent_are_refused() {
        assert_eq!(Discount::parse("100,01"), Err(DiscountError::OutOfRange));
        assert_eq!(Discount::parse("-5"), Err(DiscountError::OutOfRange));
        assert_eq!(Discount::parse("1,234"), Err(DiscountError::TooPrecise));
        assert_eq!(Discount::parse("beaucoup"), Err(DiscountError::BadNumber));
        assert_eq!(
            Discount::from_basis_points(70_000),
            Err(DiscountError::OutOfRange)
        );
    }
}
