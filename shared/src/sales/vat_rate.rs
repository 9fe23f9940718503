//! The VAT rates a French quote or order line can carry, as basis points (1 % = 100).
//!
//! Mainland France has four rates and exempt sales; the overseas and Corsican rates are not
//! offered yet, so a document holding one fails to hydrate rather than being priced wrongly.

use std::fmt;
use std::str::FromStr;

use crate::values::{format_scaled, parse_scaled, DecimalError};

/// A VAT rate of mainland France.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum VatRate {
    /// 20 %, the normal rate.
    Standard,
    /// 10 %, the intermediate rate (restaurants, works on housing…).
    Intermediate,
    /// 5.5 %, the reduced rate (food, energy-saving works…).
    Reduced,
    /// 2.1 %, the particular rate (medicines, press…).
    Particular,
    /// 0 %: exempt or outside the scope of VAT.
    Zero,
}

/// Why some text or number is not one of the VAT rates.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum VatRateError {
    /// Not a percentage such as `20`, `5,5` or `5.5 %`.
    #[error("a VAT rate is a percentage such as 20 or 5,5")]
    BadNumber,
    /// A number, but not one of the French rates.
    #[error("{0} % is not a French VAT rate (20, 10, 5.5, 2.1 or 0)")]
    Unknown(String),
}

impl VatRate {
    /// Every rate, highest first (the order of a VAT breakdown).
    pub const ALL: [Self; 5] = [
        Self::Standard,
        Self::Intermediate,
        Self::Reduced,
        Self::Particular,
        Self::Zero,
    ];

    /// The rate in basis points: 2000 for 20 %, 550 for 5.5 %.
    pub fn basis_points(self) -> u16 {
        match self {
            Self::Standard => 2000,
            Self::Intermediate => 1000,
            Self::Reduced => 550,
            Self::Particular => 210,
            Self::Zero => 0,
        }
    }

    /// The rate of `basis_points`, when it is one of the French rates.
    pub fn from_basis_points(basis_points: u64) -> Result<Self, VatRateError> {
        Self::ALL
            .into_iter()
            .find(|rate| u64::from(rate.basis_points()) == basis_points)
            .ok_or_else(|| {
                let shown = i64::try_from(basis_points)
                    .map(|points| format_scaled(points, 2))
                    .unwrap_or_else(|_| basis_points.to_string());
                VatRateError::Unknown(shown)
            })
    }

    /// Parses a percentage as typed: `20`, `5,5`, `5.5 %`, `2.10`.
    pub fn parse(input: &str) -> Result<Self, VatRateError> {
        let number = input.trim().trim_end_matches('%');
        let basis_points = parse_scaled(number, 2).map_err(|error| match error {
            DecimalError::TooPrecise => VatRateError::Unknown(number.trim().to_owned()),
            DecimalError::BadNumber | DecimalError::TooLarge => VatRateError::BadNumber,
        })?;
        let basis_points = u64::try_from(basis_points)
            .map_err(|_| VatRateError::Unknown(number.trim().to_owned()))?;
        Self::from_basis_points(basis_points)
    }
}

impl fmt::Display for VatRate {
    /// The percentage without its sign: `20`, `5.5` (the UI writes it for its locale).
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(&format_scaled(i64::from(self.basis_points()), 2))
    }
}

impl FromStr for VatRate {
    type Err = VatRateError;

    fn from_str(input: &str) -> Result<Self, Self::Err> {
        Self::parse(input)
    }
}

crate::values::serialized_as_text!(VatRate, "a French VAT rate");

// Stored as its basis points.
crate::values::stored_as_integer!(
    VatRate,
    "a French VAT rate",
    |rate: VatRate| i64::from(rate.basis_points()),
    |stored: i64| u64::try_from(stored)
        .ok()
        .and_then(|points| VatRate::from_basis_points(points).ok())
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn french_rates_are_read_as_typed_in_either_spelling() -> Result<(), VatRateError> {
        assert_eq!(VatRate::parse("20")?, VatRate::Standard);
        assert_eq!(VatRate::parse("5,5 %")?, VatRate::Reduced);
        assert_eq!(VatRate::parse("5.50")?, VatRate::Reduced);
        assert_eq!(VatRate::parse("2,1%")?, VatRate::Particular);
        assert_eq!(VatRate::parse("0")?, VatRate::Zero);
        assert_eq!(VatRate::Reduced.basis_points(), 550);
        assert_eq!(VatRate::Particular.to_string(), "2.1");
        Ok(())
    }

    #[test]
    fn rates_that_are_not_french_are_refused() {
        assert_eq!(
            VatRate::parse("8,5"),
            Err(VatRateError::Unknown("8.5".to_owned()))
        );
        assert_eq!(
            VatRate::parse("19.6"),
            Err(VatRateError::Unknown("19.6".to_owned()))
        );
        assert_eq!(VatRate::parse("vingt"), Err(VatRateError::BadNumber));
        assert!(matches!(
            VatRate::parse("5.555"),
            Err(VatRateError::Unknown(_))
        ));
        assert!(VatRate::parse("-20").is_err());
    }

    #[test]
    fn every_rate_round_trips_through_its_text_and_its_basis_points() {
        for rate in VatRate::ALL {
            assert_eq!(VatRate::parse(&rate.to_string()), Ok(rate));
            assert_eq!(
                VatRate::from_basis_points(u64::from(rate.basis_points())),
                Ok(rate)
            );
        }
    }
}
