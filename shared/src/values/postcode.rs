//! French postcodes, the départements they fall in, and the postcode prefixes territories list.
//!
//! A postcode is five digits; its département is its first two digits, except in Corsica
//! (`20000`–`20190` is Corse-du-Sud, `2A`; `20200`–`20620` Haute-Corse, `2B`) and overseas
//! (`97x`, `98x`: three digits, such as `971` for Guadeloupe). This module knows codes, not
//! territories.

use std::fmt;
use std::str::FromStr;

/// A French postcode: five ASCII digits (`69003`).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Postcode(String);

/// Why some text is not a French postcode.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PostcodeError {
    /// Not five digits once spaces are left out.
    #[error("a postcode is five digits")]
    NotFiveDigits,
    /// `00…`: no département has that number.
    #[error("no French postcode starts with 00")]
    NoDepartement,
}

impl Postcode {
    /// Validates `input` such as ` 69003 ` or `75 011` (spaces are left out).
    pub fn parse(input: &str) -> Result<Self, PostcodeError> {
        let compact = without_spaces(input);
        if compact.len() != 5 || !compact.bytes().all(|byte| byte.is_ascii_digit()) {
            return Err(PostcodeError::NotFiveDigits);
        }
        if compact.starts_with("00") {
            return Err(PostcodeError::NoDepartement);
        }
        Ok(Self(compact))
    }

    /// The five digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The département the postcode falls in (`None`: a Corsican number outside both ranges).
    pub fn departement(&self) -> Option<Departement> {
        let digits = self.0.as_str();
        let code = match digits.get(..2)? {
            "20" => {
                let number: u32 = digits.parse().ok()?;
                match number {
                    20000..=20190 => "2A",
                    20200..=20620 => "2B",
                    _ => return None,
                }
            }
            "97" | "98" => digits.get(..3)?,
            two => two,
        };
        Some(Departement(code.to_owned()))
    }
}

impl fmt::Display for Postcode {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(&self.0)
    }
}

impl FromStr for Postcode {
    type Err = PostcodeError;

    fn from_str(input: &str) -> Result<Self, Self::Err> {
        Self::parse(input)
    }
}

/// A French département's code: `01`–`95` (`2A` and `2B` for Corsica), or three digits
/// overseas (`971`–`976`, and the other `97x`/`98x` codes postcodes carry).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Departement(String);

/// Why some text is not a département's code.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DepartementError {
    /// Not `01`–`95`, `2A`, `2B` or three digits starting with 97 or 98.
    #[error("not a French département (01 to 95, 2A, 2B, 971 to 976)")]
    Unknown,
}

impl Departement {
    /// Validates `input` such as `69`, `2a`, `971` or `3` (read as `03`).
    pub fn parse(input: &str) -> Result<Self, DepartementError> {
        let compact = without_spaces(input).to_ascii_uppercase();
        let code = match compact.as_str() {
            "2A" | "2B" => compact,
            digits if !digits.bytes().all(|byte| byte.is_ascii_digit()) => {
                return Err(DepartementError::Unknown)
            }
            one if one.len() == 1 && one != "0" => format!("0{one}"),
            two if two.len() == 2 => match two.parse::<u8>() {
                // 20 is Corsica, split in two since 1976: a territory names 2A or 2B.
                Ok(1..=19 | 21..=95) => compact,
                _ => return Err(DepartementError::Unknown),
            },
            three if three.len() == 3 && (three.starts_with("97") || three.starts_with("98")) => {
                compact
            }
            _ => return Err(DepartementError::Unknown),
        };
        Ok(Self(code))
    }

    /// The code (`69`, `2A`, `971`).
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// How many leading postcode digits the département stands for: two, three overseas. A
    /// postcode prefix longer than that is the more specific match.
    pub fn specificity(&self) -> usize {
        if self.0.len() == 3 {
            3
        } else {
            2
        }
    }
}

impl fmt::Display for Departement {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(&self.0)
    }
}

impl FromStr for Departement {
    type Err = DepartementError;

    fn from_str(input: &str) -> Result<Self, Self::Err> {
        Self::parse(input)
    }
}

super::serialized_as_text!(Departement, "a French département code");

/// The first one to five digits of postcodes (`690`, `75011`).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PostcodePrefix(String);

/// Why some text is not a postcode prefix.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PostcodePrefixError {
    /// Not one to five digits once spaces are left out.
    #[error("a postcode prefix is one to five digits")]
    NotDigits,
}

impl PostcodePrefix {
    /// Validates `input` such as `690` or `75 011`.
    pub fn parse(input: &str) -> Result<Self, PostcodePrefixError> {
        let compact = without_spaces(input);
        if (1..=5).contains(&compact.len()) && compact.bytes().all(|byte| byte.is_ascii_digit()) {
            Ok(Self(compact))
        } else {
            Err(PostcodePrefixError::NotDigits)
        }
    }

    /// The digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for PostcodePrefix {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(&self.0)
    }
}

/// `input` without any kind of space.
fn without_spaces(input: &str) -> String {
    input
        .chars()
        .filter(|character| !character.is_whitespace())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    type TestResult = Result<(), Box<dyn std::error::Error>>;

    fn departement_of(postcode: &str) -> Result<Option<String>, PostcodeError> {
        Ok(Postcode::parse(postcode)?
            .departement()
            .map(|departement| departement.as_str().to_owned()))
    }

    #[test]
    fn postcodes_are_five_digits_once_spaces_are_left_out() -> TestResult {
        assert_eq!(Postcode::parse(" 69003 ")?.as_str(), "69003");
        assert_eq!(Postcode::parse("75 011")?.as_str(), "75011");
        assert_eq!(Postcode::parse("6900"), Err(PostcodeError::NotFiveDigits));
        assert_eq!(Postcode::parse("690031"), Err(PostcodeError::NotFiveDigits));
        assert_eq!(Postcode::parse("69OO3"), Err(PostcodeError::NotFiveDigits));
        assert_eq!(Postcode::parse(""), Err(PostcodeError::NotFiveDigits));
        assert_eq!(Postcode::parse("00100"), Err(PostcodeError::NoDepartement));
        Ok(())
    }

    #[test]
    fn a_postcode_falls_in_the_departement_of_its_first_two_digits() -> TestResult {
        assert_eq!(departement_of("69003")?.as_deref(), Some("69"));
        assert_eq!(departement_of("03100")?.as_deref(), Some("03"));
        assert_eq!(departement_of("75011")?.as_deref(), Some("75"));
        Ok(())
    }

    #[test]
    fn corsican_postcodes_fall_in_2a_or_2b_by_their_number() -> TestResult {
        // Ajaccio, Porto-Vecchio (the last of Corse-du-Sud), Bastia, Calvi.
        assert_eq!(departement_of("20000")?.as_deref(), Some("2A"));
        assert_eq!(departement_of("20090")?.as_deref(), Some("2A"));
        assert_eq!(departement_of("20137")?.as_deref(), Some("2A"));
        assert_eq!(departement_of("20190")?.as_deref(), Some("2A"));
        assert_eq!(departement_of("20200")?.as_deref(), Some("2B"));
        assert_eq!(departement_of("20260")?.as_deref(), Some("2B"));
        assert_eq!(departement_of("20620")?.as_deref(), Some("2B"));
        assert_eq!(departement_of("20195")?, None);
        assert_eq!(departement_of("20700")?, None);
        Ok(())
    }

    #[test]
    fn overseas_postcodes_fall_in_three_digit_departements() -> TestResult {
        assert_eq!(departement_of("97100")?.as_deref(), Some("971"));
        assert_eq!(departement_of("97200")?.as_deref(), Some("972"));
        assert_eq!(departement_of("97300")?.as_deref(), Some("973"));
        assert_eq!(departement_of("97400")?.as_deref(), Some("974"));
        assert_eq!(departement_of("97600")?.as_deref(), Some("976"));
        Ok(())
    }

    #[test]
    fn departement_codes_are_read_as_people_type_them() -> TestResult {
        assert_eq!(Departement::parse("69")?.as_str(), "69");
        assert_eq!(Departement::parse(" 3 ")?.as_str(), "03");
        assert_eq!(Departement::parse("2a")?.as_str(), "2A");
        assert_eq!(Departement::parse("971")?.as_str(), "971");
        for wrong in [
            "", "0", "00", "20", "96", "99", "2C", "123", "6 9 0", "lyon",
        ] {
            assert_eq!(
                Departement::parse(wrong),
                Err(DepartementError::Unknown),
                "{wrong}"
            );
        }
        Ok(())
    }

    #[test]
    fn postcode_prefixes_are_one_to_five_digits() -> TestResult {
        assert_eq!(PostcodePrefix::parse("690")?.as_str(), "690");
        assert_eq!(PostcodePrefix::parse("75 011")?.as_str(), "75011");
        for wrong in ["", "750110", "69a", "-69"] {
            assert_eq!(
                PostcodePrefix::parse(wrong),
                Err(PostcodePrefixError::NotDigits),
                "{wrong}"
            );
        }
        Ok(())
    }
}
