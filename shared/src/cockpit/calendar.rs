//! Civil dates in Europe/Paris and the periods the cockpit groups by: month, quarter, year and
//! ISO week.
//!
//! Instants are Unix seconds (as activities and history store them). France keeps the EU rule:
//! summer time (UTC+2) from the last Sunday of March at 01:00 UTC to the last Sunday of October
//! at 01:00 UTC, UTC+1 otherwise. The rule is applied to every year (it is the law since 1996;
//! nothing older reaches a CRM). Day arithmetic counts days since 1970-01-01 with the
//! proleptic Gregorian calendar. No time zone database and no clock: "now" is always passed in.

use serde::{Deserialize, Serialize};

use crate::values::Date;

/// Seconds in a civil day (Paris has no leap seconds either).
const SECONDS_PER_DAY: i64 = 86_400;
/// Paris in winter: UTC+1.
pub const WINTER_OFFSET_SECONDS: i64 = 3_600;
/// Paris in summer: UTC+2.
pub const SUMMER_OFFSET_SECONDS: i64 = 7_200;
/// Summer time starts and ends at 01:00 UTC.
const SWITCH_SECONDS_AFTER_MIDNIGHT_UTC: i64 = 3_600;

/// Why a date or period cannot be computed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    /// The instant or day falls outside years 0–65535, which [`Date`] holds.
    #[error("day {0} (counted from 1970-01-01) is outside the years a date holds")]
    OutOfRange(i64),
    /// A period that does not exist (month 13, quarter 5, week 54, or an ISO year with 52).
    #[error("there is no such period: {0:?}")]
    NoSuchPeriod(Period),
}

/// The UTC offset of Paris at `unix_seconds`: [`SUMMER_OFFSET_SECONDS`] or
/// [`WINTER_OFFSET_SECONDS`].
pub fn paris_offset_seconds(unix_seconds: i64) -> i64 {
    let day = unix_seconds.div_euclid(SECONDS_PER_DAY);
    let (year, _, _) = civil_of_day(day);
    // The switches fall in March and October, far from New Year: the UTC year is Paris's.
    let switch = |month| {
        last_sunday(year, month)
            .saturating_mul(SECONDS_PER_DAY)
            .saturating_add(SWITCH_SECONDS_AFTER_MIDNIGHT_UTC)
    };
    if (switch(3)..switch(10)).contains(&unix_seconds) {
        SUMMER_OFFSET_SECONDS
    } else {
        WINTER_OFFSET_SECONDS
    }
}

/// The civil date in Paris at `unix_seconds`.
pub fn paris_date(unix_seconds: i64) -> Result<Date, CalendarError> {
    let offset = paris_offset_seconds(unix_seconds);
    let local = unix_seconds
        .checked_add(offset)
        .ok_or(CalendarError::OutOfRange(
            unix_seconds.div_euclid(SECONDS_PER_DAY),
        ))?;
    date_of_day(local.div_euclid(SECONDS_PER_DAY))
}

/// The number of `date`'s day, counted from 1970-01-01 (day 0; earlier days are negative).
pub fn day_number(date: Date) -> i64 {
    day_of_civil(i64::from(date.year()), date.month(), date.day())
}

/// The date of day `day` (see [`day_number`]).
pub fn date_of_day(day: i64) -> Result<Date, CalendarError> {
    let (year, month, day_of_month) = civil_of_day(day);
    let year = u16::try_from(year).map_err(|_| CalendarError::OutOfRange(day))?;
    Date::new(year, month, day_of_month).map_err(|_| CalendarError::OutOfRange(day))
}

/// How many days from `from` to `to` (negative when `to` is earlier).
pub fn days_between(from: Date, to: Date) -> i64 {
    day_number(to) - day_number(from)
}

/// `date` moved by `days` (backwards when negative).
pub fn add_days(date: Date, days: i64) -> Result<Date, CalendarError> {
    let day = day_number(date);
    date_of_day(
        day.checked_add(days)
            .ok_or(CalendarError::OutOfRange(day))?,
    )
}

/// The ISO weekday of `date`: 1 for Monday to 7 for Sunday.
pub fn iso_weekday(date: Date) -> u8 {
    weekday_of_day(day_number(date))
}

/// How the cockpit groups dates.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PeriodKind {
    /// A calendar month.
    Month,
    /// A calendar quarter (January–March is the first).
    Quarter,
    /// A calendar year.
    Year,
    /// An ISO 8601 week: Monday to Sunday, numbered within its ISO year.
    IsoWeek,
}

/// One period of the calendar. Built by [`Period::containing`] it always exists; written by
/// hand (or read from settings) it is checked by [`Period::span`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Period {
    /// A month of a year.
    Month {
        /// The year.
        year: u16,
        /// 1–12.
        month: u8,
    },
    /// A quarter of a year.
    Quarter {
        /// The year.
        year: u16,
        /// 1–4.
        quarter: u8,
    },
    /// A whole year.
    Year {
        /// The year.
        year: u16,
    },
    /// An ISO week.
    IsoWeek {
        /// The ISO week-numbering year (which may differ from the calendar year near New Year).
        year: u16,
        /// 1–53.
        week: u8,
    },
}

/// The first and last days of a period, both included.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Span {
    /// The first day.
    pub first: Date,
    /// The last day (included).
    pub last: Date,
}

impl Span {
    /// Whether `date` falls in the span.
    pub fn contains(&self, date: Date) -> bool {
        self.first <= date && date <= self.last
    }

    /// How many days the span has.
    pub fn days(&self) -> i64 {
        days_between(self.first, self.last) + 1
    }

    /// How many of its days have begun by `today` (today included): 0 before it, all after it.
    pub fn days_begun(&self, today: Date) -> i64 {
        (days_between(self.first, today) + 1).clamp(0, self.days())
    }
}

impl Period {
    /// The period of `kind` that holds `date`.
    pub fn containing(kind: PeriodKind, date: Date) -> Result<Self, CalendarError> {
        let year = date.year();
        Ok(match kind {
            PeriodKind::Month => Self::Month {
                year,
                month: date.month(),
            },
            PeriodKind::Quarter => Self::Quarter {
                year,
                quarter: (date.month() - 1) / 3 + 1,
            },
            PeriodKind::Year => Self::Year { year },
            PeriodKind::IsoWeek => {
                // An ISO week belongs to the year of its Thursday.
                let day = day_number(date);
                let thursday = date_of_day(day - i64::from(weekday_of_day(day)) + 4)?;
                let first_of_year = day_of_civil(i64::from(thursday.year()), 1, 1);
                let week = (day_number(thursday) - first_of_year) / 7 + 1;
                Self::IsoWeek {
                    year: thursday.year(),
                    week: u8::try_from(week).map_err(|_| CalendarError::OutOfRange(day))?,
                }
            }
        })
    }

    /// The period of `kind` holding the Paris date of `unix_seconds`.
    pub fn at(kind: PeriodKind, unix_seconds: i64) -> Result<Self, CalendarError> {
        Self::containing(kind, paris_date(unix_seconds)?)
    }

    /// Which kind of period it is.
    pub fn kind(&self) -> PeriodKind {
        match self {
            Self::Month { .. } => PeriodKind::Month,
            Self::Quarter { .. } => PeriodKind::Quarter,
            Self::Year { .. } => PeriodKind::Year,
            Self::IsoWeek { .. } => PeriodKind::IsoWeek,
        }
    }

    /// Its first and last days, or [`CalendarError::NoSuchPeriod`].
    pub fn span(&self) -> Result<Span, CalendarError> {
        let missing = || CalendarError::NoSuchPeriod(*self);
        let (first, last) = match *self {
            Self::Month { year, month } => {
                let first = Date::new(year, month, 1).map_err(|_| missing())?;
                (day_number(first), first_of_next_month(year, month) - 1)
            }
            Self::Quarter { year, quarter } => {
                if !(1..=4).contains(&quarter) {
                    return Err(missing());
                }
                let first_month = (quarter - 1) * 3 + 1;
                let first = day_of_civil(i64::from(year), first_month, 1);
                (first, first_of_next_month(year, first_month + 2) - 1)
            }
            Self::Year { year } => (
                day_of_civil(i64::from(year), 1, 1),
                day_of_civil(i64::from(year), 12, 31),
            ),
            Self::IsoWeek { year, week } => {
                // Week 1 is the week holding 4 January.
                let fourth = day_of_civil(i64::from(year), 1, 4);
                let monday = fourth - i64::from(weekday_of_day(fourth)) + 1;
                let first = monday + (i64::from(week) - 1) * 7;
                let last = first + 6;
                let span = Span {
                    first: date_of_day(first)?,
                    last: date_of_day(last)?,
                };
                if week == 0 || Self::containing(PeriodKind::IsoWeek, span.first)? != *self {
                    return Err(missing());
                }
                return Ok(span);
            }
        };
        Ok(Span {
            first: date_of_day(first)?,
            last: date_of_day(last)?,
        })
    }

    /// Whether `date` falls in the period.
    pub fn contains(&self, date: Date) -> Result<bool, CalendarError> {
        Ok(self.span()?.contains(date))
    }

    /// The period of the same kind that follows this one.
    pub fn next(&self) -> Result<Self, CalendarError> {
        let span = self.span()?;
        Self::containing(self.kind(), add_days(span.last, 1)?)
    }
}

/// Day number of a proleptic Gregorian date (H. Hinnant's `days_from_civil`).
fn day_of_civil(year: i64, month: u8, day: u8) -> i64 {
    let month = i64::from(month);
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year.rem_euclid(400);
    let shifted_month = if month > 2 { month - 3 } else { month + 9 };
    let day_of_year = (153 * shifted_month + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// Year, month and day of a day number (H. Hinnant's `civil_from_days`).
fn civil_of_day(day: i64) -> (i64, u8, u8) {
    let shifted = day.saturating_add(719_468);
    let era = shifted.div_euclid(146_097);
    let day_of_era = shifted.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153;
    let day_of_month = day_of_year - (153 * shifted_month + 2) / 5 + 1;
    let month = if shifted_month < 10 {
        shifted_month + 3
    } else {
        shifted_month - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    // Both are in range by construction (1–31 and 1–12).
    (year, month as u8, day_of_month as u8)
}

/// ISO weekday (1 Monday … 7 Sunday) of a day number; 1970-01-01 was a Thursday.
fn weekday_of_day(day: i64) -> u8 {
    // rem_euclid(7) is 0–6, so the cast cannot truncate.
    ((day + 3).rem_euclid(7) + 1) as u8
}

/// The day number of the first day of the month after `month` of `year`.
fn first_of_next_month(year: u16, month: u8) -> i64 {
    if month >= 12 {
        day_of_civil(i64::from(year) + 1, 1, 1)
    } else {
        day_of_civil(i64::from(year), month + 1, 1)
    }
}

/// The day number of the last Sunday of `month` of `year`.
fn last_sunday(year: i64, month: u8) -> i64 {
    let last = if month >= 12 {
        day_of_civil(year + 1, 1, 1) - 1
    } else {
        day_of_civil(year, month + 1, 1) - 1
    };
    last - i64::from(weekday_of_day(last) % 7)
}

#[cfg(test)]
mod tests {
    use super::*;

    type Outcome = Result<(), Box<dyn std::error::Error>>;

    /// Unix seconds of a UTC date-time, through the same day arithmetic under test, checked
    /// against well-known epochs in `day_numbers_match_known_epochs`.
    fn utc(date: &str, hours: i64, minutes: i64) -> Result<i64, Box<dyn std::error::Error>> {
        Ok(day_number(Date::parse(date)?) * SECONDS_PER_DAY + hours * 3_600 + minutes * 60)
    }

    #[test]
    fn day_numbers_match_known_epochs() -> Outcome {
        assert_eq!(day_number(Date::parse("1970-01-01")?), 0);
        // 2000-03-01T00:00:00Z is 951868800.
        assert_eq!(
            day_number(Date::parse("2000-03-01")?) * SECONDS_PER_DAY,
            951_868_800
        );
        // 2026-01-01T00:00:00Z is 1767225600.
        assert_eq!(utc("2026-01-01", 0, 0)?, 1_767_225_600);
        assert_eq!(date_of_day(-1)?, Date::parse("1969-12-31")?);
        assert_eq!(date_of_day(11_016)?, Date::parse("2000-02-29")?);
        assert_eq!(iso_weekday(Date::parse("2026-03-29")?), 7);
        assert_eq!(iso_weekday(Date::parse("2026-03-30")?), 1);
        Ok(())
    }

    #[test]
    fn half_past_ten_utc_on_the_last_day_of_march_is_already_april_in_paris() -> Outcome {
        // 2026-03-31 is after the switch (29 March): UTC+2, so 22:30Z is 00:30 on 1 April.
        let instant = utc("2026-03-31", 22, 30)?;
        assert_eq!(paris_date(instant)?, Date::parse("2026-04-01")?);
        assert_eq!(
            Period::at(PeriodKind::Quarter, instant)?,
            Period::Quarter {
                year: 2026,
                quarter: 2
            }
        );
        // 21:59Z is 23:59 in Paris, still March and Q1.
        assert_eq!(
            paris_date(utc("2026-03-31", 21, 59)?)?,
            Date::parse("2026-03-31")?
        );
        Ok(())
    }

    #[test]
    fn summer_time_starts_at_one_utc_on_the_last_sunday_of_march() -> Outcome {
        // 2026-03-29 is the last Sunday of March.
        let switch = utc("2026-03-29", 1, 0)?;
        assert_eq!(paris_offset_seconds(switch - 1), WINTER_OFFSET_SECONDS);
        assert_eq!(paris_offset_seconds(switch), SUMMER_OFFSET_SECONDS);
        // The evening before: 22:30Z on Saturday is 23:30 in Paris (UTC+1), still Saturday.
        assert_eq!(
            paris_date(utc("2026-03-28", 22, 30)?)?,
            Date::parse("2026-03-28")?
        );
        // 22:30Z on Sunday is 00:30 on Monday (UTC+2).
        assert_eq!(
            paris_date(utc("2026-03-29", 22, 30)?)?,
            Date::parse("2026-03-30")?
        );
        Ok(())
    }

    #[test]
    fn winter_time_returns_at_one_utc_on_the_last_sunday_of_october() -> Outcome {
        // 2026-10-25 is the last Sunday of October.
        let switch = utc("2026-10-25", 1, 0)?;
        assert_eq!(paris_offset_seconds(switch - 1), SUMMER_OFFSET_SECONDS);
        assert_eq!(paris_offset_seconds(switch), WINTER_OFFSET_SECONDS);
        // 22:30Z on Saturday 24 is 00:30 on Sunday 25 (UTC+2); on Sunday 25, 22:30Z is only
        // 23:30 (UTC+1), still Sunday.
        assert_eq!(
            paris_date(utc("2026-10-24", 22, 30)?)?,
            Date::parse("2026-10-25")?
        );
        assert_eq!(
            paris_date(utc("2026-10-25", 22, 30)?)?,
            Date::parse("2026-10-25")?
        );
        // New Year's Eve, 23:30Z is 00:30 on 1 January in Paris (UTC+1).
        assert_eq!(
            paris_date(utc("2026-12-31", 23, 30)?)?,
            Date::parse("2027-01-01")?
        );
        Ok(())
    }

    #[test]
    fn months_quarters_and_years_span_their_days() -> Outcome {
        let february = Period::Month {
            year: 2028,
            month: 2,
        }
        .span()?;
        assert_eq!(february.last, Date::parse("2028-02-29")?);
        assert_eq!(february.days(), 29);
        let fourth = Period::Quarter {
            year: 2026,
            quarter: 4,
        }
        .span()?;
        assert_eq!(
            (fourth.first, fourth.last),
            (Date::parse("2026-10-01")?, Date::parse("2026-12-31")?)
        );
        assert_eq!(Period::Year { year: 2026 }.span()?.days(), 365);
        let second = Period::containing(PeriodKind::Quarter, Date::parse("2026-04-01")?)?;
        assert!(second.contains(Date::parse("2026-06-30")?)?);
        assert!(!second.contains(Date::parse("2026-03-31")?)?);
        assert_eq!(
            second.next()?,
            Period::Quarter {
                year: 2026,
                quarter: 3
            }
        );
        Ok(())
    }

    #[test]
    fn iso_weeks_belong_to_the_year_of_their_thursday() -> Outcome {
        // 2026-01-01 is a Thursday: week 1 of 2026 runs from Monday 2025-12-29.
        let week = Period::containing(PeriodKind::IsoWeek, Date::parse("2025-12-29")?)?;
        assert_eq!(
            week,
            Period::IsoWeek {
                year: 2026,
                week: 1
            }
        );
        assert_eq!(week.span()?.first, Date::parse("2025-12-29")?);
        // 2027-01-01 is a Friday: it is in week 53 of 2026.
        let late = Period::containing(PeriodKind::IsoWeek, Date::parse("2027-01-03")?)?;
        assert_eq!(
            late,
            Period::IsoWeek {
                year: 2026,
                week: 53
            }
        );
        assert_eq!(late.span()?.last, Date::parse("2027-01-03")?);
        assert_eq!(
            late.next()?,
            Period::IsoWeek {
                year: 2027,
                week: 1
            }
        );
        // 2027 has 52 weeks.
        let missing = Period::IsoWeek {
            year: 2027,
            week: 53,
        };
        assert_eq!(missing.span(), Err(CalendarError::NoSuchPeriod(missing)));
        Ok(())
    }

    #[test]
    fn impossible_periods_are_refused() {
        for period in [
            Period::Month {
                year: 2026,
                month: 13,
            },
            Period::Quarter {
                year: 2026,
                quarter: 0,
            },
            Period::IsoWeek {
                year: 2026,
                week: 0,
            },
        ] {
            assert_eq!(period.span(), Err(CalendarError::NoSuchPeriod(period)));
        }
    }

    #[test]
    fn a_span_counts_the_days_begun() -> Outcome {
        let april = Period::Month {
            year: 2026,
            month: 4,
        }
        .span()?;
        assert_eq!(april.days_begun(Date::parse("2026-03-31")?), 0);
        assert_eq!(april.days_begun(Date::parse("2026-04-01")?), 1);
        assert_eq!(april.days_begun(Date::parse("2026-04-15")?), 15);
        assert_eq!(april.days_begun(Date::parse("2026-05-02")?), 30);
        Ok(())
    }

    proptest::proptest! {
        #[test]
        fn day_numbers_and_dates_round_trip(day in -719_000_i64..20_000_000) {
            let date = date_of_day(day);
            proptest::prop_assert!(date.is_ok());
            if let Ok(date) = date {
                proptest::prop_assert_eq!(day_number(date), day);
            }
        }
    }
}
