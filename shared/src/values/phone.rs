//! Telephone numbers, stored in E.164 form.
//!
//! Hand-written rather than a full phone-number library: those embed per-country metadata that
//! would add hundreds of kilobytes to the wasm client. Carnet's reps type French numbers, so this
//! checks French numbers exactly (national `0X XX XX XX XX` or `+33 X XX XX XX XX`) and other
//! countries only structurally (E.164: `+`, a country code not starting with 0, 8 to 15 digits).

use std::fmt;
use std::str::FromStr;

/// A telephone number in E.164 form (`+33612345678`).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PhoneNumber(String);

/// Why some text is not a telephone number.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PhoneError {
    /// A character other than digits, a leading `+`, spaces, dots, dashes or `(0)`.
    #[error("a phone number holds only digits, spaces, dots and dashes")]
    BadCharacter,
    /// A French national number is ten digits starting with 0 (then 1 to 9).
    #[error("a French number has ten digits, like 06 12 34 56 78")]
    BadFrenchNumber,
    /// An international number is `+`, a country code not starting with 0, 8 to 15 digits.
    #[error("an international number starts with + and has 8 to 15 digits")]
    BadInternationalNumber,
    /// No leading `+` and not a French national number.
    #[error("a number without +country code must be a French number starting with 0")]
    MissingCountryCode,
}

const FRANCE: &str = "33";

impl PhoneNumber {
    /// Validates `input`: `06 12 34 56 78`, `06.12.34.56.78`, `+33 6 12 34 56 78`,
    /// `+33 (0)6 12 34 56 78`, `0033612345678` or any E.164 number.
    pub fn parse(input: &str) -> Result<Self, PhoneError> {
        let input = input.trim();
        let (international, rest) = if let Some(rest) = input.strip_prefix('+') {
            (true, rest.replacen("(0)", "", 1))
        } else if let Some(rest) = input.strip_prefix("00") {
            (true, rest.to_owned())
        } else {
            (false, input.to_owned())
        };
        let digits = super::digits_between_separators(&rest).ok_or(PhoneError::BadCharacter)?;
        if !international {
            return match digits.strip_prefix('0') {
                Some(national) if digits.len() == 10 && !national.starts_with('0') => {
                    Ok(Self(format!("+{FRANCE}{national}")))
                }
                Some(_) => Err(PhoneError::BadFrenchNumber),
                None => Err(PhoneError::MissingCountryCode),
            };
        }
        if let Some(national) = digits.strip_prefix(FRANCE) {
            return if national.len() == 9 && !national.starts_with('0') {
                Ok(Self(format!("+{digits}")))
            } else {
                Err(PhoneError::BadFrenchNumber)
            };
        }
        if (8..=15).contains(&digits.len()) && !digits.starts_with('0') {
            Ok(Self(format!("+{digits}")))
        } else {
            Err(PhoneError::BadInternationalNumber)
        }
    }

    /// The E.164 form, for `tel:` links.
    pub fn as_e164(&self) -> &str {
        &self.0
    }

    /// The form a French rep reads: `06 12 34 56 78` for French numbers, E.164 otherwise.
    pub fn to_national(&self) -> String {
        match self.0.strip_prefix("+33") {
            Some(national) => {
                let digits = format!("0{national}");
                let pairs: Vec<&str> = (0..digits.len())
                    .step_by(2)
                    .filter_map(|start| digits.get(start..start + 2))
                    .collect();
                pairs.join(" ")
            }
            None => self.0.clone(),
        }
    }
}

impl fmt::Display for PhoneNumber {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(&self.0)
    }
}

impl FromStr for PhoneNumber {
    type Err = PhoneError;

    fn from_str(input: &str) -> Result<Self, Self::Err> {
        Self::parse(input)
    }
}

super::stored_as_text!(PhoneNumber, "a phone number in E.164 form");
super::serialized_as_text!(PhoneNumber, "a phone number in E.164 form");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn french_numbers_in_every_usual_spelling_become_the_same_e164() -> Result<(), PhoneError> {
        for input in [
            "06 12 34 56 78",
            "0612345678",
            "06.12.34.56.78",
            "06-12-34-56-78",
            "+33 6 12 34 56 78",
            "+33 (0)6 12 34 56 78",
            "+33612345678",
            "0033 6 12 34 56 78",
            "06\u{a0}12\u{a0}34\u{a0}56\u{a0}78",
        ] {
            assert_eq!(
                PhoneNumber::parse(input)?.as_e164(),
                "+33612345678",
                "{input}"
            );
        }
        Ok(())
    }

    #[test]
    fn landlines_and_foreign_numbers_are_accepted() -> Result<(), PhoneError> {
        assert_eq!(
            PhoneNumber::parse("01 42 68 53 00")?.as_e164(),
            "+33142685300"
        );
        assert_eq!(
            PhoneNumber::parse("04 78 62 19 00")?.to_national(),
            "04 78 62 19 00"
        );
        assert_eq!(
            PhoneNumber::parse("+32 2 511 17 47")?.as_e164(),
            "+3225111747"
        );
        assert_eq!(
            PhoneNumber::parse("+1 415-555-0100")?.as_e164(),
            "+14155550100"
        );
        Ok(())
    }

    #[test]
    fn malformed_numbers_are_refused_with_their_reason() {
        assert_eq!(
            PhoneNumber::parse("06 12 34 56"),
            Err(PhoneError::BadFrenchNumber)
        );
        assert_eq!(
            PhoneNumber::parse("0033 06 12 34 56 78"),
            Err(PhoneError::BadFrenchNumber)
        );
        assert_eq!(
            PhoneNumber::parse("00 12 34 5"),
            Err(PhoneError::BadInternationalNumber)
        );
        assert_eq!(
            PhoneNumber::parse("+33 06 12 34 56 78"),
            Err(PhoneError::BadFrenchNumber)
        );
        assert_eq!(
            PhoneNumber::parse("6 12 34 56 78"),
            Err(PhoneError::MissingCountryCode)
        );
        assert_eq!(
            PhoneNumber::parse("06 12 AB 56 78"),
            Err(PhoneError::BadCharacter)
        );
        assert_eq!(
            PhoneNumber::parse("+0 123 456 789"),
            Err(PhoneError::BadInternationalNumber)
        );
        assert_eq!(
            PhoneNumber::parse("+1234567"),
            Err(PhoneError::BadInternationalNumber)
        );
    }

    proptest::proptest! {
        #[test]
        fn a_french_number_round_trips_through_its_national_form(national in "[1-9][0-9]{8}") {
            let parsed = PhoneNumber::parse(&format!("+33{national}"));
            proptest::prop_assert!(parsed.is_ok());
            if let Ok(parsed) = parsed {
                proptest::prop_assert_eq!(PhoneNumber::parse(&parsed.to_national()), Ok(parsed));
            }
        }
    }
}
