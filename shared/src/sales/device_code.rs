//! The short code of one enrolled device, which makes the numbers it issues offline unique.
//!
//! The relay assigns each device a code at enrolment, different from every other device's in
//! the workspace; this type only checks its shape. Codes are Crockford base 32 (digits and
//! letters without I, L, O and U), so they read aloud and copy by hand without confusion: the
//! look-alikes `O`, `I` and `L` typed by a person are read as `0`, `1` and `1`.

use std::fmt;
use std::str::FromStr;

/// The shortest device code.
pub const MIN_DEVICE_CODE_CHARS: usize = 4;
/// The longest device code.
pub const MAX_DEVICE_CODE_CHARS: usize = 8;

/// Crockford's base 32 alphabet.
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// A device's code: 4 to 8 characters of Crockford base 32, upper case (`7K2Q`).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DeviceCode(String);

/// Why some text is not a device code.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DeviceCodeError {
    /// Too short or too long.
    #[error("a device code has {MIN_DEVICE_CODE_CHARS} to {MAX_DEVICE_CODE_CHARS} characters")]
    BadLength,
    /// A character outside Crockford base 32.
    #[error("{0:?} cannot be part of a device code")]
    BadCharacter(char),
}

impl DeviceCode {
    /// Validates `input`, case-insensitive, reading `O` as `0` and `I`, `L` as `1`.
    pub fn parse(input: &str) -> Result<Self, DeviceCodeError> {
        let code = input
            .trim()
            .chars()
            .map(|character| match character.to_ascii_uppercase() {
                'O' => Ok('0'),
                'I' | 'L' => Ok('1'),
                upper if upper.is_ascii() && ALPHABET.contains(&(upper as u8)) => Ok(upper),
                _ => Err(DeviceCodeError::BadCharacter(character)),
            })
            .collect::<Result<String, _>>()?;
        if (MIN_DEVICE_CODE_CHARS..=MAX_DEVICE_CODE_CHARS).contains(&code.len()) {
            Ok(Self(code))
        } else {
            Err(DeviceCodeError::BadLength)
        }
    }

    /// The code of `value` in `length` characters (the relay's allocator, and tests): the low
    /// `5 × length` bits of `value`, most significant character first.
    pub fn from_number(value: u64, length: usize) -> Result<Self, DeviceCodeError> {
        if !(MIN_DEVICE_CODE_CHARS..=MAX_DEVICE_CODE_CHARS).contains(&length) {
            return Err(DeviceCodeError::BadLength);
        }
        let code = (0..length)
            .rev()
            .map(|place| {
                let digit = (value >> (5 * place)) & 0b1_1111;
                char::from(ALPHABET[digit as usize])
            })
            .collect();
        Ok(Self(code))
    }

    /// The code as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for DeviceCode {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(&self.0)
    }
}

impl FromStr for DeviceCode {
    type Err = DeviceCodeError;

    fn from_str(input: &str) -> Result<Self, Self::Err> {
        Self::parse(input)
    }
}

crate::values::stored_as_text!(DeviceCode, "a device code");
crate::values::serialized_as_text!(DeviceCode, "a device code");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn device_codes_are_read_in_crockford_base_32() -> Result<(), DeviceCodeError> {
        assert_eq!(DeviceCode::parse("7k2q")?.as_str(), "7K2Q");
        assert_eq!(DeviceCode::parse("OIL9")?.as_str(), "0119");
        assert_eq!(DeviceCode::parse(" ZZZZZZZZ ")?.as_str(), "ZZZZZZZZ");
        assert_eq!(DeviceCode::from_number(0, 4)?.as_str(), "0000");
        assert_eq!(DeviceCode::from_number(31 * 32 + 10, 4)?.as_str(), "00ZA");
        Ok(())
    }

    #[test]
    fn codes_of_the_wrong_length_or_alphabet_are_refused() {
        assert_eq!(DeviceCode::parse("7K2"), Err(DeviceCodeError::BadLength));
        assert_eq!(
            DeviceCode::parse("7K2Q7K2Q7"),
            Err(DeviceCodeError::BadLength)
        );
        assert_eq!(
            DeviceCode::parse("7U2Q"),
            Err(DeviceCodeError::BadCharacter('U'))
        );
        assert_eq!(
            DeviceCode::parse("7-2Q"),
            Err(DeviceCodeError::BadCharacter('-'))
        );
        assert_eq!(
            DeviceCode::parse("7É2Q"),
            Err(DeviceCodeError::BadCharacter('É'))
        );
        assert_eq!(
            DeviceCode::from_number(1, 3),
            Err(DeviceCodeError::BadLength)
        );
    }
}
