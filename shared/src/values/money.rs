//! Amounts of money: integer minor units and an ISO 4217 currency, never floating point.

use std::fmt;
use std::str::FromStr;

use super::decimal::{parse_scaled, DecimalError};

/// An ISO 4217 alphabetic currency code (`EUR`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CurrencyCode([u8; 3]);

/// Why some text is not a currency code.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CurrencyError {
    /// Not three ASCII letters.
    #[error("a currency code is three letters, like EUR")]
    BadShape,
    /// Three letters, but not an active ISO 4217 code.
    #[error("{0} is not an ISO 4217 currency")]
    Unknown(String),
}

/// Active ISO 4217 codes (2024 list), sorted for binary search.
const CURRENCIES: &[&str] = &[
    "AED", "AFN", "ALL", "AMD", "ANG", "AOA", "ARS", "AUD", "AWG", "AZN", "BAM", "BBD", "BDT",
    "BGN", "BHD", "BIF", "BMD", "BND", "BOB", "BRL", "BSD", "BTN", "BWP", "BYN", "BZD", "CAD",
    "CDF", "CHF", "CLP", "CNY", "COP", "CRC", "CUP", "CVE", "CZK", "DJF", "DKK", "DOP", "DZD",
    "EGP", "ERN", "ETB", "EUR", "FJD", "FKP", "GBP", "GEL", "GHS", "GIP", "GMD", "GNF", "GTQ",
    "GYD", "HKD", "HNL", "HTG", "HUF", "IDR", "ILS", "INR", "IQD", "IRR", "ISK", "JMD", "JOD",
    "JPY", "KES", "KGS", "KHR", "KMF", "KPW", "KRW", "KWD", "KYD", "KZT", "LAK", "LBP", "LKR",
    "LRD", "LSL", "LYD", "MAD", "MDL", "MGA", "MKD", "MMK", "MNT", "MOP", "MRU", "MUR", "MVR",
    "MWK", "MXN", "MYR", "MZN", "NAD", "NGN", "NIO", "NOK", "NPR", "NZD", "OMR", "PAB", "PEN",
    "PGK", "PHP", "PKR", "PLN", "PYG", "QAR", "RON", "RSD", "RUB", "RWF", "SAR", "SBD", "SCR",
    "SDG", "SEK", "SGD", "SHP", "SLE", "SOS", "SRD", "SSP", "STN", "SVC", "SYP", "SZL", "THB",
    "TJS", "TMT", "TND", "TOP", "TRY", "TTD", "TWD", "TZS", "UAH", "UGX", "USD", "UYU", "UZS",
    "VES", "VND", "VUV", "WST", "XAF", "XCD", "XOF", "XPF", "YER", "ZAR", "ZMW", "ZWG",
];

/// Currencies whose minor unit is not the usual hundredth.
const ZERO_DECIMALS: &[&str] = &[
    "BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "VND", "VUV",
    "XAF", "XOF", "XPF",
];
const THREE_DECIMALS: &[&str] = &["BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"];

impl CurrencyCode {
    /// The euro, Carnet's default.
    pub const EUR: Self = Self(*b"EUR");

    /// Validates `input` (case-insensitive) against the ISO 4217 list.
    pub fn parse(input: &str) -> Result<Self, CurrencyError> {
        let upper = input.trim().to_ascii_uppercase();
        let letters: [u8; 3] = upper
            .as_bytes()
            .try_into()
            .ok()
            .filter(|letters: &[u8; 3]| letters.iter().all(u8::is_ascii_uppercase))
            .ok_or(CurrencyError::BadShape)?;
        if CURRENCIES.binary_search(&upper.as_str()).is_ok() {
            Ok(Self(letters))
        } else {
            Err(CurrencyError::Unknown(upper))
        }
    }

    /// The three letters.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or_default()
    }

    /// How many decimal digits the minor unit has (2 for EUR, 0 for JPY, 3 for TND).
    pub fn minor_digits(&self) -> u32 {
        if ZERO_DECIMALS.contains(&self.as_str()) {
            0
        } else if THREE_DECIMALS.contains(&self.as_str()) {
            3
        } else {
            2
        }
    }
}

impl Default for CurrencyCode {
    fn default() -> Self {
        Self::EUR
    }
}

impl fmt::Display for CurrencyCode {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.as_str())
    }
}

impl FromStr for CurrencyCode {
    type Err = CurrencyError;

    fn from_str(input: &str) -> Result<Self, Self::Err> {
        Self::parse(input)
    }
}

super::stored_as_text!(CurrencyCode, "an ISO 4217 currency code");
super::serialized_as_text!(CurrencyCode, "an ISO 4217 currency code");

/// An amount in a currency's minor unit (cents for EUR).
#[derive(
    Clone,
    Copy,
    Debug,
    Default,
    PartialEq,
    Eq,
    Hash,
    autosurgeon::Reconcile,
    autosurgeon::Hydrate,
    serde::Serialize,
    serde::Deserialize,
)]
pub struct Money {
    /// The amount in minor units: 1234 is 12.34 EUR.
    pub minor_units: i64,
    /// The currency.
    pub currency: CurrencyCode,
}

/// Why some text is not an amount.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    /// Not a decimal number (digits, one `,` or `.` decimal separator, spaces between thousands).
    #[error("an amount is a number like 1 234,56")]
    BadNumber,
    /// More decimals than the currency's minor unit.
    #[error("{currency} amounts have at most {digits} decimals")]
    TooPrecise {
        /// The currency.
        currency: CurrencyCode,
        /// How many decimals it allows.
        digits: u32,
    },
    /// Beyond what 64-bit minor units hold.
    #[error("the amount is too large")]
    TooLarge,
}

impl Money {
    /// An amount of `minor_units` of `currency`.
    pub fn new(minor_units: i64, currency: CurrencyCode) -> Self {
        Self {
            minor_units,
            currency,
        }
    }

    /// Nothing, in `currency`.
    pub fn zero(currency: CurrencyCode) -> Self {
        Self::new(0, currency)
    }

    /// Parses an amount as a French or English user types it: `1 234,56`, `1234.5`, `-12`.
    pub fn parse(input: &str, currency: CurrencyCode) -> Result<Self, MoneyError> {
        let digits = currency.minor_digits();
        let minor_units = parse_scaled(input, digits).map_err(|error| match error {
            DecimalError::BadNumber => MoneyError::BadNumber,
            DecimalError::TooPrecise => MoneyError::TooPrecise { currency, digits },
            DecimalError::TooLarge => MoneyError::TooLarge,
        })?;
        Ok(Self::new(minor_units, currency))
    }

    /// The sum of two amounts of the same currency; amounts of two currencies are never added.
    pub fn checked_add(self, other: Self) -> Result<Self, AmountError> {
        self.same_currency(other)?;
        self.minor_units
            .checked_add(other.minor_units)
            .map(|minor_units| Self::new(minor_units, self.currency))
            .ok_or(AmountError::Overflow)
    }

    /// Refuses `other` when it is not in this amount's currency.
    pub fn same_currency(self, other: Self) -> Result<(), AmountError> {
        if self.currency == other.currency {
            Ok(())
        } else {
            Err(AmountError::MixedCurrencies {
                expected: self.currency,
                found: other.currency,
            })
        }
    }
}

/// Why a computation on amounts has no answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AmountError {
    /// Two currencies met in one sum: they are never mixed silently.
    #[error("an amount in {found} cannot be added to amounts in {expected}")]
    MixedCurrencies {
        /// The currency of the sum.
        expected: CurrencyCode,
        /// The currency of the amount refused.
        found: CurrencyCode,
    },
    /// The result does not fit in 64-bit minor units.
    #[error("the amount is too large")]
    Overflow,
}

impl fmt::Display for Money {
    /// `1234.56 EUR`: a plain, locale-neutral form (the UI formats for its locale).
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        let digits = self.currency.minor_digits();
        let scale = 10_u64.pow(digits);
        let sign = if self.minor_units < 0 { "-" } else { "" };
        let magnitude = self.minor_units.unsigned_abs();
        if digits == 0 {
            write!(formatter, "{sign}{magnitude} {}", self.currency)
        } else {
            write!(
                formatter,
                "{sign}{}.{:0width$} {}",
                magnitude / scale,
                magnitude % scale,
                self.currency,
                width = digits as usize
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn currency_codes_are_checked_against_iso_4217() -> Result<(), CurrencyError> {
        assert_eq!(CurrencyCode::parse("eur")?, CurrencyCode::EUR);
        assert_eq!(CurrencyCode::parse("CHF")?.minor_digits(), 2);
        assert_eq!(CurrencyCode::parse("JPY")?.minor_digits(), 0);
        assert_eq!(CurrencyCode::parse("TND")?.minor_digits(), 3);
        assert_eq!(
            CurrencyCode::parse("FRF"),
            Err(CurrencyError::Unknown("FRF".to_owned()))
        );
        assert_eq!(CurrencyCode::parse("EURO"), Err(CurrencyError::BadShape));
        assert_eq!(CurrencyCode::parse("E1R"), Err(CurrencyError::BadShape));
        Ok(())
    }

    #[test]
    fn the_currency_list_is_sorted_for_binary_search() {
        assert!(CURRENCIES.windows(2).all(|pair| pair[0] < pair[1]));
    }

    #[test]
    fn amounts_typed_the_french_way_become_minor_units() -> Result<(), MoneyError> {
        let eur = CurrencyCode::EUR;
        assert_eq!(Money::parse("1 234,56", eur)?.minor_units, 123_456);
        assert_eq!(Money::parse("1\u{202f}234,5", eur)?.minor_units, 123_450);
        assert_eq!(Money::parse("12.3", eur)?.minor_units, 1_230);
        assert_eq!(Money::parse("-40", eur)?.minor_units, -4_000);
        assert_eq!(Money::parse("1234,56", eur)?.to_string(), "1234.56 EUR");
        let yen = CurrencyCode::parse("JPY").map_err(|_| MoneyError::BadNumber)?;
        assert_eq!(Money::parse("1500", yen)?.to_string(), "1500 JPY");
        Ok(())
    }

    #[test]
    fn malformed_or_too_precise_amounts_are_refused() {
        let eur = CurrencyCode::EUR;
        assert_eq!(
            Money::parse("12,345", eur),
            Err(MoneyError::TooPrecise {
                currency: eur,
                digits: 2
            })
        );
        assert_eq!(Money::parse("12,3,4", eur), Err(MoneyError::BadNumber));
        assert_eq!(Money::parse("douze", eur), Err(MoneyError::BadNumber));
        assert_eq!(Money::parse(",5", eur), Err(MoneyError::BadNumber));
        assert_eq!(
            Money::parse("99999999999999999999", eur),
            Err(MoneyError::TooLarge)
        );
    }

    #[test]
    fn amounts_of_two_currencies_are_never_added() -> Result<(), CurrencyError> {
        let swiss = CurrencyCode::parse("CHF")?;
        let euros = Money::new(100, CurrencyCode::EUR);
        assert_eq!(
            euros.checked_add(Money::new(5, CurrencyCode::EUR)),
            Ok(Money::new(105, CurrencyCode::EUR))
        );
        assert_eq!(
            euros.checked_add(Money::new(5, swiss)),
            Err(AmountError::MixedCurrencies {
                expected: CurrencyCode::EUR,
                found: swiss
            })
        );
        assert_eq!(
            Money::new(i64::MAX, CurrencyCode::EUR).checked_add(euros),
            Err(AmountError::Overflow)
        );
        Ok(())
    }

    proptest::proptest! {
        #[test]
        fn an_amount_round_trips_through_its_display(minor_units in -1_000_000_000_i64..1_000_000_000) {
            let money = Money::new(minor_units, CurrencyCode::EUR);
            let shown = money.to_string();
            let number = shown.trim_end_matches(" EUR");
            proptest::prop_assert_eq!(Money::parse(number, CurrencyCode::EUR), Ok(money));
        }
    }
}
