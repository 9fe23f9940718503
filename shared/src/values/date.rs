//! Calendar dates (no time zone): due dates, expected close dates, birthdays.
//!
//! Hand-written: validating a proleptic Gregorian date and its two spellings is a few lines,
//! and it keeps a date-time crate out of the wasm client.

use std::fmt;
use std::str::FromStr;

/// A valid calendar date, stored as ISO 8601 `YYYY-MM-DD` (which also sorts correctly as text).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Date {
    year: u16,
    month: u8,
    day: u8,
}

/// Why some text is not a date.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    /// Neither `YYYY-MM-DD` nor `DD/MM/YYYY`.
    #[error("a date is written 2025-03-31 or 31/03/2025")]
    BadShape,
    /// The month is not 1–12.
    #[error("there is no month {0}")]
    BadMonth(u8),
    /// The day does not exist in that month.
    #[error("{year}-{month:02} has no day {day}")]
    BadDay {
        /// The year.
        year: u16,
        /// The month.
        month: u8,
        /// The day that does not exist.
        day: u8,
    },
}

impl Date {
    /// A date from its parts, checking the month and the month's length (leap years included).
    pub fn new(year: u16, month: u8, day: u8) -> Result<Self, DateError> {
        if !(1..=12).contains(&month) {
            return Err(DateError::BadMonth(month));
        }
        let leap =
            (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400);
        let days = match month {
            2 if leap => 29,
            2 => 28,
            4 | 6 | 9 | 11 => 30,
            _ => 31,
        };
        if day == 0 || day > days {
            return Err(DateError::BadDay { year, month, day });
        }
        Ok(Self { year, month, day })
    }

    /// Parses ISO `2025-03-31` or French `31/03/2025`.
    pub fn parse(input: &str) -> Result<Self, DateError> {
        let input = input.trim();
        let number = |text: &str| text.parse::<u16>().map_err(|_| DateError::BadShape);
        let small = |text: &str| text.parse::<u8>().map_err(|_| DateError::BadShape);
        let parts: Vec<&str> = input.split(['-', '/']).collect();
        match parts.as_slice() {
            [year, month, day] if input.contains('-') && year.len() == 4 => {
                Self::new(number(year)?, small(month)?, small(day)?)
            }
            [day, month, year] if input.contains('/') && year.len() == 4 => {
                Self::new(number(year)?, small(month)?, small(day)?)
            }
            _ => Err(DateError::BadShape),
        }
    }

    /// The year.
    pub fn year(self) -> u16 {
        self.year
    }

    /// The month, 1–12.
    pub fn month(self) -> u8 {
        self.month
    }

    /// The day of the month.
    pub fn day(self) -> u8 {
        self.day
    }
}

impl fmt::Display for Date {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            formatter,
            "{:04}-{:02}-{:02}",
            self.year, self.month, self.day
        )
    }
}

impl FromStr for Date {
    type Err = DateError;

    fn from_str(input: &str) -> Result<Self, Self::Err> {
        Self::parse(input)
    }
}

super::stored_as_text!(Date, "a date YYYY-MM-DD");
super::serialized_as_text!(Date, "a date YYYY-MM-DD");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_and_french_spellings_give_the_same_date() -> Result<(), DateError> {
        assert_eq!(Date::parse("2025-03-31")?, Date::parse("31/03/2025")?);
        assert_eq!(Date::parse("1/3/2025")?.to_string(), "2025-03-01");
        assert_eq!(Date::parse("2024-02-29")?.day(), 29);
        assert_eq!(Date::parse("2000-02-29")?.month(), 2);
        Ok(())
    }

    #[test]
    fn impossible_or_malformed_dates_are_refused() {
        assert_eq!(
            Date::parse("2025-02-29"),
            Err(DateError::BadDay {
                year: 2025,
                month: 2,
                day: 29
            })
        );
        assert!(Date::parse("1900-02-29").is_err());
        assert_eq!(
            Date::parse("31/04/2025").err(),
            Some(DateError::BadDay {
                year: 2025,
                month: 4,
                day: 31
            })
        );
        assert_eq!(Date::parse("2025-13-01"), Err(DateError::BadMonth(13)));
        assert_eq!(Date::parse("25-03-31"), Err(DateError::BadShape));
        assert_eq!(Date::parse("31.03.2025"), Err(DateError::BadShape));
        assert_eq!(Date::parse("demain"), Err(DateError::BadShape));
    }

    proptest::proptest! {
        #[test]
        fn a_valid_date_round_trips_in_both_spellings(year in 1900..2200_u16, month in 1..=12_u8, day in 1..=31_u8) {
            if let Ok(date) = Date::new(year, month, day) {
                proptest::prop_assert_eq!(Date::parse(&date.to_string()), Ok(date));
                let french = format!("{day:02}/{month:02}/{year}");
                proptest::prop_assert_eq!(Date::parse(&french), Ok(date));
            }
        }
    }
}
