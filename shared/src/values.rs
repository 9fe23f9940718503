//! Validated value types: parse once at the edge, then carry proof of validity in the type.
//!
//! Each type has a `parse` constructor returning a typed error, a canonical `Display` form, and
//! is stored in documents as that canonical text (or, for numbers, as a number). This module owns
//! the rules of the values; it must not know the layout of any document.

mod date;
mod decimal;
mod email;
mod geo;
mod money;
mod phone;
mod postcode;
mod registration;
mod vat;

pub use date::{Date, DateError};
pub use email::{EmailAddress, EmailError};
pub use geo::{GeoError, GeoPoint, Latitude, Longitude};
pub use money::{AmountError, CurrencyCode, CurrencyError, Money, MoneyError};

pub(crate) use decimal::{format_scaled, parse_scaled, DecimalError};
pub use phone::{PhoneError, PhoneNumber};
pub use postcode::{
    Departement, DepartementError, Postcode, PostcodeError, PostcodePrefix, PostcodePrefixError,
};
pub use registration::{RegistrationError, Siren, Siret};
pub use vat::{VatError, VatNumber};

/// Stores a validated type in documents as its canonical text, parsing it back when hydrating.
///
/// A stored value that no longer parses is a hydration error rather than a silently invalid
/// value: documents only ever receive canonical forms from `Display`.
macro_rules! stored_as_text {
    ($type:ty, $expected:literal) => {
        impl autosurgeon::Reconcile for $type {
            type Key<'a> = autosurgeon::reconcile::NoKey;

            fn reconcile<R: autosurgeon::Reconciler>(
                &self,
                mut reconciler: R,
            ) -> Result<(), R::Error> {
                reconciler.str(self.to_string())
            }
        }

        impl autosurgeon::Hydrate for $type {
            fn hydrate_string(text: &'_ str) -> Result<Self, autosurgeon::HydrateError> {
                text.parse()
                    .map_err(|_| autosurgeon::HydrateError::unexpected($expected, text.to_owned()))
            }
        }
    };
}
pub(crate) use stored_as_text;

/// Stores a validated number type in documents as an integer (`$to_stored`, to `i64`), and
/// validates it again when hydrating (`$from_stored`, from `i64` to `Option<Self>`); an integer
/// stored signed or unsigned reads the same.
macro_rules! stored_as_integer {
    ($type:ty, $expected:literal, $to_stored:expr, $from_stored:expr) => {
        impl autosurgeon::Reconcile for $type {
            type Key<'a> = autosurgeon::reconcile::NoKey;

            fn reconcile<R: autosurgeon::Reconciler>(
                &self,
                mut reconciler: R,
            ) -> Result<(), R::Error> {
                reconciler.i64(($to_stored)(*self))
            }
        }

        impl autosurgeon::Hydrate for $type {
            fn hydrate_int(stored: i64) -> Result<Self, autosurgeon::HydrateError> {
                ($from_stored)(stored).ok_or_else(|| {
                    autosurgeon::HydrateError::unexpected($expected, stored.to_string())
                })
            }

            fn hydrate_uint(stored: u64) -> Result<Self, autosurgeon::HydrateError> {
                let signed = i64::try_from(stored).map_err(|_| {
                    autosurgeon::HydrateError::unexpected($expected, stored.to_string())
                })?;
                Self::hydrate_int(signed)
            }
        }
    };
}
pub(crate) use stored_as_integer;

/// Serialises a validated type as its canonical text (`Display`) and parses it back through
/// `FromStr`, so a value crossing a message boundary is validated again on arrival.
///
/// Identifiers keep their derived serde form (UUID bytes in binary formats) and do not use it.
macro_rules! serialized_as_text {
    ($type:ty, $expected:literal) => {
        impl serde::Serialize for $type {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.collect_str(self)
            }
        }

        impl<'de> serde::Deserialize<'de> for $type {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = <String as serde::Deserialize>::deserialize(deserializer)?;
                text.parse().map_err(|_| {
                    <D::Error as serde::de::Error>::invalid_value(
                        serde::de::Unexpected::Str(&text),
                        &$expected,
                    )
                })
            }
        }
    };
}
pub(crate) use serialized_as_text;

/// Keeps the ASCII digits of `input`, or `None` when it holds anything but digits and the
/// separators people type in French numbers (spaces, non-breaking spaces, dots, dashes).
fn digits_between_separators(input: &str) -> Option<String> {
    let mut digits = String::with_capacity(input.len());
    for character in input.chars() {
        match character {
            '0'..='9' => digits.push(character),
            ' ' | '\u{a0}' | '\u{202f}' | '.' | '-' => {}
            _ => return None,
        }
    }
    Some(digits)
}

/// The Luhn checksum over a string of ASCII digits: true when the sum is a multiple of ten.
fn luhn_valid(digits: &str) -> bool {
    let sum: u32 = digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(position, byte)| {
            let digit = u32::from(byte - b'0');
            if position % 2 == 1 {
                let doubled = digit * 2;
                if doubled > 9 {
                    doubled - 9
                } else {
                    doubled
                }
            } else {
                digit
            }
        })
        .sum();
    sum.is_multiple_of(10)
}
