//! Human numbers for quotes and orders, issued on the device with no server and no collision.
//!
//! A number is `<series>-<year>-<device code>-<counter>`: `D-2026-7K2Q-0042` for a quote
//! (devis), `C-2026-7K2Q-0007` for an order (commande). The device code is unique per device
//! (the relay assigns it at enrolment), and the counter is kept per series and year in the
//! device's [`NumberBook`], so two devices never issue the same number and one device never
//! issues a number twice. The counter has at least four digits and grows past 9999.
//!
//! French law asks gap-free numbering of *invoices*, not of quotes or orders; a series per
//! device is the "distinct series" the rules allow. A record's identity stays its id: the
//! number is what people read. The book must be kept in the device's storage and written
//! before the number it issued is shown; a book restored from an older backup catches up with
//! [`NumberBook::witness`] over the numbers already in the device's documents.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::device_code::{DeviceCode, DeviceCodeError};

/// The fewest digits a counter is written with.
pub const MIN_COUNTER_DIGITS: usize = 4;

/// Which kind of document a number belongs to; each has its own counters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Series {
    /// Quotes (devis), numbered `D-…`.
    Quote,
    /// Orders (bons de commande), numbered `C-…`.
    Order,
}

impl Series {
    /// The letter numbers of this series start with.
    pub fn prefix(self) -> char {
        match self {
            Self::Quote => 'D',
            Self::Order => 'C',
        }
    }
}

/// A quote's or an order's human number.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DocumentNumber {
    series: Series,
    year: u16,
    device: DeviceCode,
    counter: u32,
}

/// Why some text is not a document number.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DocumentNumberError {
    /// Not `D-2026-7K2Q-0042` or `C-…` in that shape.
    #[error("a document number looks like D-2026-7K2Q-0042")]
    BadShape,
    /// The device code part is not a device code.
    #[error("the device code in the number is not valid")]
    BadDevice(#[source] DeviceCodeError),
}

/// Why a number cannot be issued.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum NumberingError {
    /// The series' counter for that year reached its largest value.
    #[error("no number is left in the {series:?} series for {year}")]
    Exhausted {
        /// The series.
        series: Series,
        /// The year.
        year: u16,
    },
    /// The number belongs to another series than the document's.
    #[error("{found} is not a number of the {expected:?} series")]
    WrongSeries {
        /// The series the document needs.
        expected: Series,
        /// The number given.
        found: DocumentNumber,
    },
}

impl DocumentNumber {
    /// Parses the canonical form `D-2026-7K2Q-0042`. Only the canonical form is accepted
    /// (`D-2026-7K2Q-042` is not), so one number has exactly one spelling.
    pub fn parse(input: &str) -> Result<Self, DocumentNumberError> {
        let parts: Vec<&str> = input.trim().split('-').collect();
        let [prefix, year, device, counter] = parts.as_slice() else {
            return Err(DocumentNumberError::BadShape);
        };
        let series = match *prefix {
            "D" => Series::Quote,
            "C" => Series::Order,
            _ => return Err(DocumentNumberError::BadShape),
        };
        let digits = |text: &str| !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit());
        if year.len() != 4 || !digits(year) || !digits(counter) {
            return Err(DocumentNumberError::BadShape);
        }
        let number = Self {
            series,
            year: year.parse().map_err(|_| DocumentNumberError::BadShape)?,
            device: DeviceCode::parse(device).map_err(DocumentNumberError::BadDevice)?,
            counter: counter.parse().map_err(|_| DocumentNumberError::BadShape)?,
        };
        if number.counter == 0 || number.to_string() != input.trim() {
            return Err(DocumentNumberError::BadShape);
        }
        Ok(number)
    }

    /// The series.
    pub fn series(&self) -> Series {
        self.series
    }

    /// The year it was issued in.
    pub fn year(&self) -> u16 {
        self.year
    }

    /// The device that issued it.
    pub fn device(&self) -> &DeviceCode {
        &self.device
    }

    /// Its place in the device's series for the year, from 1.
    pub fn counter(&self) -> u32 {
        self.counter
    }

    /// Refuses this number for a document of another series.
    pub fn expect_series(&self, expected: Series) -> Result<(), NumberingError> {
        if self.series == expected {
            Ok(())
        } else {
            Err(NumberingError::WrongSeries {
                expected,
                found: self.clone(),
            })
        }
    }
}

impl fmt::Display for DocumentNumber {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            formatter,
            "{}-{:04}-{}-{:0width$}",
            self.series.prefix(),
            self.year,
            self.device,
            self.counter,
            width = MIN_COUNTER_DIGITS
        )
    }
}

impl FromStr for DocumentNumber {
    type Err = DocumentNumberError;

    fn from_str(input: &str) -> Result<Self, Self::Err> {
        Self::parse(input)
    }
}

crate::values::stored_as_text!(DocumentNumber, "a document number");
crate::values::serialized_as_text!(DocumentNumber, "a document number");

/// One device's counters: the last number it issued per series and year. Device-local state,
/// pure: the caller saves it (serde) after each issue and passes the year in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "SavedNumberBook", into = "SavedNumberBook")]
pub struct NumberBook {
    device: DeviceCode,
    last_issued: BTreeMap<(Series, u16), u32>,
}

/// The saved form of a [`NumberBook`]: its counters as a list (map keys must be text in JSON).
#[derive(Clone, Debug, Serialize, Deserialize)]
struct SavedNumberBook {
    device: DeviceCode,
    counters: Vec<SavedCounter>,
}

/// One saved counter.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct SavedCounter {
    series: Series,
    year: u16,
    last_issued: u32,
}

impl NumberBook {
    /// The book of a device that has issued nothing yet.
    pub fn new(device: DeviceCode) -> Self {
        Self {
            device,
            last_issued: BTreeMap::new(),
        }
    }

    /// The device this book issues for.
    pub fn device(&self) -> &DeviceCode {
        &self.device
    }

    /// The last counter issued in `series` for `year`, if any.
    pub fn last_issued(&self, series: Series, year: u16) -> Option<u32> {
        self.last_issued.get(&(series, year)).copied()
    }

    /// Issues the next number of `series` for `year` (the year of the document's date).
    pub fn issue(&mut self, series: Series, year: u16) -> Result<DocumentNumber, NumberingError> {
        let last = self.last_issued.entry((series, year)).or_insert(0);
        let counter = last
            .checked_add(1)
            .ok_or(NumberingError::Exhausted { series, year })?;
        *last = counter;
        Ok(DocumentNumber {
            series,
            year,
            device: self.device.clone(),
            counter,
        })
    }

    /// Takes note of a number found in a document: when this device issued it and the book is
    /// behind it (restored from an older copy), the book moves past it, so it is never issued
    /// again. Returns whether the book moved.
    pub fn witness(&mut self, number: &DocumentNumber) -> bool {
        if number.device != self.device {
            return false;
        }
        let last = self
            .last_issued
            .entry((number.series, number.year))
            .or_insert(0);
        if *last >= number.counter {
            return false;
        }
        *last = number.counter;
        true
    }
}

impl From<SavedNumberBook> for NumberBook {
    /// A saved counter listed twice keeps its highest value: a book never goes backwards.
    fn from(saved: SavedNumberBook) -> Self {
        let mut last_issued: BTreeMap<(Series, u16), u32> = BTreeMap::new();
        for counter in saved.counters {
            let last = last_issued
                .entry((counter.series, counter.year))
                .or_insert(0);
            *last = (*last).max(counter.last_issued);
        }
        Self {
            device: saved.device,
            last_issued,
        }
    }
}

impl From<NumberBook> for SavedNumberBook {
    fn from(book: NumberBook) -> Self {
        Self {
            device: book.device,
            counters: book
                .last_issued
                .into_iter()
                .map(|((series, year), last_issued)| SavedCounter {
                    series,
                    year,
                    last_issued,
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use proptest::prelude::*;
    use proptest::test_runner::TestCaseError;

    use super::*;

    /// How many cases each property runs: `CARNET_PROPTEST_CASES`, else 256.
    fn cases() -> u32 {
        std::env::var("CARNET_PROPTEST_CASES")
            .ok()
            .and_then(|cases| cases.parse().ok())
            .unwrap_or(256)
    }

    fn fail(error: impl fmt::Display) -> TestCaseError {
        TestCaseError::fail(error.to_string())
    }

    fn code(text: &str) -> Result<DeviceCode, DeviceCodeError> {
        DeviceCode::parse(text)
    }

    #[test]
    fn numbers_follow_the_series_year_device_counter_shape(
    ) -> Result<(), Box<dyn std::error::Error>> {
        let mut book = NumberBook::new(code("7K2Q")?);
        assert_eq!(
            book.issue(Series::Quote, 2026)?.to_string(),
            "D-2026-7K2Q-0001"
        );
        assert_eq!(
            book.issue(Series::Quote, 2026)?.to_string(),
            "D-2026-7K2Q-0002"
        );
        assert_eq!(
            book.issue(Series::Order, 2026)?.to_string(),
            "C-2026-7K2Q-0001"
        );
        assert_eq!(
            book.issue(Series::Quote, 2027)?.to_string(),
            "D-2027-7K2Q-0001"
        );
        let number = DocumentNumber::parse("D-2026-7K2Q-0042")?;
        assert_eq!(number.series(), Series::Quote);
        assert_eq!(number.year(), 2026);
        assert_eq!(number.device().as_str(), "7K2Q");
        assert_eq!(number.counter(), 42);
        assert_eq!(
            DocumentNumber::parse("C-2026-7K2Q-12345")?.counter(),
            12_345
        );
        Ok(())
    }

    #[test]
    fn a_counter_past_its_largest_value_is_refused() -> Result<(), DeviceCodeError> {
        let mut book = NumberBook::new(code("7K2Q")?);
        let near_the_end = DocumentNumber {
            series: Series::Order,
            year: 2026,
            device: code("7K2Q")?,
            counter: u32::MAX,
        };
        assert!(book.witness(&near_the_end));
        assert_eq!(
            book.issue(Series::Order, 2026),
            Err(NumberingError::Exhausted {
                series: Series::Order,
                year: 2026
            })
        );
        assert!(book.issue(Series::Quote, 2026).is_ok());
        Ok(())
    }

    #[test]
    fn numbers_in_any_other_spelling_are_refused() {
        for text in [
            "D-2026-7K2Q-042",
            "D-2026-7K2Q-00042",
            "D-2026-7K2Q-0000",
            "d-2026-7K2Q-0042",
            "F-2026-7K2Q-0042",
            "D-26-7K2Q-0042",
            "D-2026-7K2Q",
            "D-2026-7K2Q-0042-1",
            "D-2026-7k2q-0042",
            "D-2026-7K2Q-+042",
        ] {
            assert_eq!(
                DocumentNumber::parse(text),
                Err(DocumentNumberError::BadShape),
                "{text}"
            );
        }
        assert!(matches!(
            DocumentNumber::parse("D-2026-7U2Q-0042"),
            Err(DocumentNumberError::BadDevice(_))
        ));
    }

    #[test]
    fn a_book_restored_from_an_old_copy_catches_up_on_the_numbers_it_sees(
    ) -> Result<(), Box<dyn std::error::Error>> {
        let mut book = NumberBook::new(code("7K2Q")?);
        book.issue(Series::Quote, 2026)?;
        let old_copy = serde_json::to_string(&book)?;
        let second = book.issue(Series::Quote, 2026)?;
        let mut restored: NumberBook = serde_json::from_str(&old_copy)?;
        assert!(restored.witness(&second));
        assert!(!restored.witness(&second));
        let mut stranger = NumberBook::new(code("AAAA")?);
        assert!(!stranger.witness(&second));
        assert_eq!(
            restored.issue(Series::Quote, 2026)?.to_string(),
            "D-2026-7K2Q-0003"
        );
        Ok(())
    }

    /// One step of the numbering simulation.
    #[derive(Clone, Debug)]
    enum Step {
        /// A device issues a number of a series for a year.
        Issue {
            device: usize,
            series: Series,
            year: u16,
        },
        /// A device's book is saved and loaded back (a reload of the app).
        Reload { device: usize },
    }

    fn step(devices: usize) -> impl Strategy<Value = Step> {
        let series = prop_oneof![Just(Series::Quote), Just(Series::Order)];
        // Around two year boundaries, and a device clock that goes back a year.
        let year = 2025..=2027_u16;
        prop_oneof![
            4 => (0..devices, series, year)
                .prop_map(|(device, series, year)| Step::Issue { device, series, year }),
            1 => (0..devices).prop_map(|device| Step::Reload { device }),
        ]
    }

    fn steps() -> impl Strategy<Value = (usize, Vec<Step>)> {
        (1..8_usize).prop_flat_map(|devices| {
            (
                Just(devices),
                proptest::collection::vec(step(devices), 0..200),
            )
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(cases()))]

        #[test]
        fn offline_devices_never_issue_the_same_number_twice((devices, steps) in steps()) {
            let mut books = (0..devices)
                .map(|device| DeviceCode::from_number(device as u64 * 7_919, 4).map(NumberBook::new))
                .collect::<Result<Vec<_>, _>>()
                .map_err(fail)?;
            let mut issued = HashSet::new();
            for step in steps {
                match step {
                    Step::Issue { device, series, year } => {
                        let book = books.get_mut(device).ok_or_else(|| fail("no such device"))?;
                        let number = book.issue(series, year).map_err(fail)?;
                        let text = number.to_string();
                        prop_assert_eq!(DocumentNumber::parse(&text), Ok(number));
                        prop_assert!(issued.insert(text.clone()), "{} issued twice", text);
                    }
                    Step::Reload { device } => {
                        let book = books.get_mut(device).ok_or_else(|| fail("no such device"))?;
                        let saved = serde_json::to_vec(&*book).map_err(fail)?;
                        let loaded: NumberBook = serde_json::from_slice(&saved).map_err(fail)?;
                        prop_assert_eq!(&loaded, &*book);
                        *book = loaded;
                    }
                }
            }
        }

        #[test]
        fn a_stale_book_that_witnessed_its_documents_never_reissues(
            issued_before in 0..30_usize,
            issued_after_backup in 0..30_usize,
            year in 2025..=2027_u16,
        ) {
            let device = DeviceCode::from_number(42, 4).map_err(fail)?;
            let mut book = NumberBook::new(device);
            let mut issued = Vec::new();
            for _ in 0..issued_before {
                issued.push(book.issue(Series::Quote, year).map_err(fail)?);
            }
            let backup = serde_json::to_string(&book).map_err(fail)?;
            for _ in 0..issued_after_backup {
                issued.push(book.issue(Series::Quote, year).map_err(fail)?);
            }
            let mut restored: NumberBook = serde_json::from_str(&backup).map_err(fail)?;
            for number in &issued {
                restored.witness(number);
            }
            let next = restored.issue(Series::Quote, year).map_err(fail)?;
            prop_assert!(!issued.contains(&next), "{} reissued", next);
            prop_assert_eq!(next, book.issue(Series::Quote, year).map_err(fail)?);
        }
    }
}
