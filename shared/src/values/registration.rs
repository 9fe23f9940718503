//! French company registration numbers: SIREN (the company) and SIRET (one establishment).
//!
//! Both carry a Luhn check digit. La Poste is the one documented exception: its establishments
//! share the SIREN 356 000 000 and their SIRETs satisfy "sum of digits is a multiple of 5"
//! instead of Luhn, so both rules are accepted for that SIREN.

use std::fmt;
use std::str::FromStr;

/// A SIREN: the nine-digit identifier of a French company.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Siren([u8; 9]);

/// A SIRET: a SIREN followed by the five-digit number of one establishment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Siret([u8; 14]);

/// Why some text is not a SIREN or SIRET.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RegistrationError {
    /// Something other than digits and spaces.
    #[error("a registration number holds only digits and spaces")]
    BadCharacter,
    /// Not 9 (SIREN) or 14 (SIRET) digits.
    #[error("expected {expected} digits, found {found}")]
    WrongLength {
        /// How many digits this kind of number has.
        expected: usize,
        /// How many digits were typed.
        found: usize,
    },
    /// The check digit does not match: most often a typo.
    #[error("the check digit does not match (a digit is probably mistyped)")]
    BadCheckDigit,
}

const LA_POSTE: &str = "356000000";

/// The digits of `input` as a fixed array of `N`, spaces and dots ignored.
fn fixed_digits<const N: usize>(input: &str) -> Result<(String, [u8; N]), RegistrationError> {
    let digits =
        super::digits_between_separators(input.trim()).ok_or(RegistrationError::BadCharacter)?;
    let array: [u8; N] =
        digits
            .as_bytes()
            .try_into()
            .map_err(|_| RegistrationError::WrongLength {
                expected: N,
                found: digits.len(),
            })?;
    Ok((digits, array))
}

impl Siren {
    /// Validates a SIREN such as `732 829 320`.
    pub fn parse(input: &str) -> Result<Self, RegistrationError> {
        let (digits, array) = fixed_digits::<9>(input)?;
        if super::luhn_valid(&digits) {
            Ok(Self(array))
        } else {
            Err(RegistrationError::BadCheckDigit)
        }
    }

    /// The nine digits.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or_default()
    }
}

impl Siret {
    /// Validates a SIRET such as `732 829 320 00074`.
    pub fn parse(input: &str) -> Result<Self, RegistrationError> {
        let (digits, array) = fixed_digits::<14>(input)?;
        let la_poste_rule = || {
            digits.starts_with(LA_POSTE)
                && digits
                    .bytes()
                    .map(|b| u32::from(b - b'0'))
                    .sum::<u32>()
                    .is_multiple_of(5)
        };
        if super::luhn_valid(&digits) || la_poste_rule() {
            Ok(Self(array))
        } else {
            Err(RegistrationError::BadCheckDigit)
        }
    }

    /// The company this establishment belongs to.
    pub fn siren(&self) -> Siren {
        let mut siren = [0; 9];
        siren.copy_from_slice(&self.0[..9]);
        Siren(siren)
    }

    /// The fourteen digits.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or_default()
    }
}

impl fmt::Display for Siren {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.as_str())
    }
}

impl fmt::Display for Siret {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.as_str())
    }
}

impl FromStr for Siren {
    type Err = RegistrationError;

    fn from_str(input: &str) -> Result<Self, Self::Err> {
        Self::parse(input)
    }
}

impl FromStr for Siret {
    type Err = RegistrationError;

    fn from_str(input: &str) -> Result<Self, Self::Err> {
        Self::parse(input)
    }
}

super::stored_as_text!(Siren, "a SIREN");
super::serialized_as_text!(Siren, "a SIREN");
super::stored_as_text!(Siret, "a SIRET");
super::serialized_as_text!(Siret, "a SIRET");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn real_sirens_are_accepted_with_or_without_spaces() -> Result<(), RegistrationError> {
        assert_eq!(Siren::parse("732 829 320")?.as_str(), "732829320");
        assert_eq!(Siren::parse("552032534")?.as_str(), "552032534");
        assert_eq!(Siren::parse("356 000 000")?.as_str(), LA_POSTE);
        Ok(())
    }

    #[test]
    fn real_sirets_are_accepted_and_know_their_siren() -> Result<(), RegistrationError> {
        let siret = Siret::parse("732 829 320 00074")?;
        assert_eq!(siret.as_str(), "73282932000074");
        assert_eq!(siret.siren().as_str(), "732829320");
        assert_eq!(
            Siret::parse("552 032 534 00646")?.siren(),
            Siren::parse("552032534")?
        );
        Ok(())
    }

    #[test]
    fn la_poste_sirets_follow_their_own_rule() -> Result<(), RegistrationError> {
        // The head office passes Luhn; this establishment fails Luhn but its digits sum to 40.
        Siret::parse("356 000 000 00048")?;
        Siret::parse("356 000 000 49837")?;
        assert_eq!(
            Siret::parse("356 000 000 49838"),
            Err(RegistrationError::BadCheckDigit)
        );
        Ok(())
    }

    #[test]
    fn mistyped_numbers_are_refused_with_their_reason() {
        assert_eq!(
            Siren::parse("732 829 321"),
            Err(RegistrationError::BadCheckDigit)
        );
        assert_eq!(
            Siret::parse("732 829 320 00075"),
            Err(RegistrationError::BadCheckDigit)
        );
        assert_eq!(
            Siren::parse("73282932"),
            Err(RegistrationError::WrongLength {
                expected: 9,
                found: 8
            })
        );
        assert_eq!(
            Siret::parse("732829320"),
            Err(RegistrationError::WrongLength {
                expected: 14,
                found: 9
            })
        );
        assert_eq!(
            Siren::parse("73282932O"),
            Err(RegistrationError::BadCharacter)
        );
    }

    /// The check digit that makes `digits` pass Luhn.
    fn with_check_digit(digits: &str) -> String {
        (0..=9)
            .map(|check| format!("{digits}{check}"))
            .find(|candidate| crate::values::luhn_valid(candidate))
            .unwrap_or_default()
    }

    proptest::proptest! {
        #[test]
        fn every_single_digit_typo_in_a_siren_is_caught(
            body in "[1-9][0-9]{7}",
            position in 0..9_usize,
            shift in 1..10_u8,
        ) {
            let siren = with_check_digit(&body);
            proptest::prop_assert!(Siren::parse(&siren).is_ok());
            let mut typo = siren.into_bytes();
            typo[position] = b'0' + (typo[position] - b'0' + shift) % 10;
            let typo = String::from_utf8(typo).unwrap_or_default();
            proptest::prop_assert_eq!(Siren::parse(&typo), Err(RegistrationError::BadCheckDigit));
        }

        #[test]
        fn a_siret_round_trips_through_its_display(body in "[1-9][0-9]{12}") {
            let siret = Siret::parse(&with_check_digit(&body));
            proptest::prop_assert!(siret.is_ok());
            if let Ok(siret) = siret {
                proptest::prop_assert_eq!(Siret::parse(&siret.to_string()), Ok(siret));
            }
        }
    }
}
