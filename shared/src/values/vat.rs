//! Intra-community VAT numbers.
//!
//! French numbers (`FR` + two-digit key + SIREN) are fully checked: the SIREN's Luhn digit and
//! the key `(12 + 3 × (SIREN mod 97)) mod 97`. Other member states are checked for shape only
//! (country prefix, 2 to 12 letters or digits), since each has its own checksum rule.

use std::fmt;
use std::str::FromStr;

use super::{RegistrationError, Siren};

/// An intra-community VAT number, upper-case without spaces (`FR44732829320`).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct VatNumber(String);

/// Why some text is not a VAT number.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum VatError {
    /// It does not start with a two-letter EU country prefix.
    #[error("a VAT number starts with a country code such as FR")]
    UnknownCountry,
    /// The part after the country is not 2 to 12 letters or digits.
    #[error("the VAT number has the wrong shape for its country")]
    BadShape,
    /// The SIREN inside a French VAT number is not valid.
    #[error("the SIREN inside the VAT number is not valid")]
    BadSiren(#[source] RegistrationError),
    /// The French key does not match the SIREN.
    #[error("the key {found} does not match the SIREN (expected {expected:02})")]
    BadKey {
        /// The key computed from the SIREN.
        expected: u64,
        /// The key as typed.
        found: String,
    },
}

/// EU VAT prefixes (Greece uses EL, Northern Ireland XI).
const COUNTRIES: [&str; 28] = [
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "EL", "ES", "FI", "FR", "HR", "HU", "IE", "IT",
    "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK", "XI",
];

impl VatNumber {
    /// Validates `input` such as `FR 44 732 829 320`.
    pub fn parse(input: &str) -> Result<Self, VatError> {
        let compact: String = input
            .chars()
            .filter(|c| !matches!(c, ' ' | '\u{a0}' | '.' | '-'))
            .collect::<String>()
            .to_ascii_uppercase();
        let (country, rest) = compact
            .split_at_checked(2)
            .filter(|(country, _)| COUNTRIES.contains(country))
            .ok_or(VatError::UnknownCountry)?;
        if !(2..=12).contains(&rest.len()) || !rest.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Err(VatError::BadShape);
        }
        if country == "FR" {
            check_french(rest)?;
        }
        Ok(Self(compact))
    }

    /// The number as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Checks `KK` + SIREN, the part of a French number after `FR`.
fn check_french(rest: &str) -> Result<(), VatError> {
    let (key, siren) = rest.split_at_checked(2).ok_or(VatError::BadShape)?;
    if siren.len() != 9 {
        return Err(VatError::BadShape);
    }
    let siren_value: u64 = Siren::parse(siren)
        .map_err(VatError::BadSiren)?
        .as_str()
        .parse()
        .map_err(|_| VatError::BadShape)?;
    let expected = (12 + 3 * (siren_value % 97)) % 97;
    if key.parse::<u64>().ok() == Some(expected) {
        Ok(())
    } else {
        Err(VatError::BadKey {
            expected,
            found: key.to_owned(),
        })
    }
}

impl fmt::Display for VatNumber {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(&self.0)
    }
}

impl FromStr for VatNumber {
    type Err = VatError;

    fn from_str(input: &str) -> Result<Self, Self::Err> {
        Self::parse(input)
    }
}

super::stored_as_text!(VatNumber, "a VAT number");
super::serialized_as_text!(VatNumber, "a VAT number");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn real_french_vat_numbers_are_accepted_in_any_spacing() -> Result<(), VatError> {
        assert_eq!(
            VatNumber::parse("FR 44 732 829 320")?.as_str(),
            "FR44732829320"
        );
        assert_eq!(VatNumber::parse("fr27552032534")?.as_str(), "FR27552032534");
        Ok(())
    }

    #[test]
    fn other_member_states_are_checked_for_shape() -> Result<(), VatError> {
        assert_eq!(VatNumber::parse("DE 123456789")?.as_str(), "DE123456789");
        assert_eq!(VatNumber::parse("BE0403170701")?.as_str(), "BE0403170701");
        assert_eq!(
            VatNumber::parse("US123456789"),
            Err(VatError::UnknownCountry)
        );
        assert_eq!(VatNumber::parse("DE1"), Err(VatError::BadShape));
        Ok(())
    }

    #[test]
    fn french_numbers_with_a_wrong_key_or_siren_are_refused() {
        assert_eq!(
            VatNumber::parse("FR45732829320"),
            Err(VatError::BadKey {
                expected: 44,
                found: "45".to_owned()
            })
        );
        assert!(matches!(
            VatNumber::parse("FR44732829321"),
            Err(VatError::BadSiren(RegistrationError::BadCheckDigit))
        ));
        assert_eq!(VatNumber::parse("FR4473282932"), Err(VatError::BadShape));
    }
}
