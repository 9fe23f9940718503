//! What an admin types about a territory, read into what the settings store: lists of
//! départements and of postcode prefixes (separated by commas, semicolons or spaces), each code
//! checked through `shared::values`, and the key of a new territory, made from its name. Pure:
//! no settings are read or written here.

use shared::record::KeySet;
use shared::search::search_terms;
use shared::values::{Departement, DepartementError, PostcodePrefix, PostcodePrefixError};

/// Why typed text cannot be stored in a territory.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TerritoryInputError {
    /// One code of the list is not a département.
    #[error("{typed:?} is not a département")]
    Departement {
        /// The code as typed.
        typed: String,
        /// Why.
        #[source]
        error: DepartementError,
    },
    /// One code of the list is not a postcode prefix.
    #[error("{typed:?} is not a postcode prefix")]
    Prefix {
        /// The code as typed.
        typed: String,
        /// Why.
        #[source]
        error: PostcodePrefixError,
    },
    /// A territory needs a name.
    #[error("a territory needs a name")]
    NameMissing,
}

impl TerritoryInputError {
    /// The catalogue message saying what is wrong (its `$code` is [`Self::typed`]).
    pub fn message_id(&self) -> &'static str {
        match self {
            Self::Departement { .. } => "territories-departement-invalid",
            Self::Prefix { .. } => "territories-prefix-invalid",
            Self::NameMissing => "territories-name-missing",
        }
    }

    /// The code refused, as typed (empty for a missing name).
    pub fn typed(&self) -> &str {
        match self {
            Self::Departement { typed, .. } | Self::Prefix { typed, .. } => typed,
            Self::NameMissing => "",
        }
    }
}

/// The départements of `text` (`69, 2a 971`), each in its canonical form (`69`, `2A`, `971`).
pub fn departements(text: &str) -> Result<KeySet, TerritoryInputError> {
    codes(text)
        .map(|typed| {
            Departement::parse(typed)
                .map(|code| code.as_str().to_owned())
                .map_err(|error| TerritoryInputError::Departement {
                    typed: typed.to_owned(),
                    error,
                })
        })
        .collect()
}

/// The postcode prefixes of `text` (`690; 75011`).
pub fn postcode_prefixes(text: &str) -> Result<KeySet, TerritoryInputError> {
    codes(text)
        .map(|typed| {
            PostcodePrefix::parse(typed)
                .map(|prefix| prefix.as_str().to_owned())
                .map_err(|error| TerritoryInputError::Prefix {
                    typed: typed.to_owned(),
                    error,
                })
        })
        .collect()
}

/// A stored list as the field shows it: `01, 69, 2A`.
pub fn list_text(codes: &KeySet) -> String {
    codes.iter().collect::<Vec<_>>().join(", ")
}

/// The key of a new territory called `name`: its words folded and joined by dashes
/// (`Île-de-France` → `ile-de-france`), with `-2`, `-3`… when `taken` says the key is used.
pub fn new_key(name: &str, taken: impl Fn(&str) -> bool) -> Result<String, TerritoryInputError> {
    let words = search_terms(name);
    if words.is_empty() {
        return Err(TerritoryInputError::NameMissing);
    }
    let base = words.join("-");
    let mut key = base.clone();
    let mut number = 1_u32;
    while taken(&key) {
        number += 1;
        key = format!("{base}-{number}");
    }
    Ok(key)
}

/// The codes of a typed list.
fn codes(text: &str) -> impl Iterator<Item = &str> {
    text.split(|character: char| character == ',' || character == ';' || character.is_whitespace())
        .filter(|code| !code.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    type TestResult = Result<(), Box<dyn std::error::Error>>;

    #[test]
    fn departements_are_read_from_a_typed_list_in_their_canonical_form() -> TestResult {
        let read = departements(" 69, 2a;971  3 ,")?;
        assert_eq!(list_text(&read), "03, 2A, 69, 971");
        assert!(departements("")?.iter().next().is_none());
        Ok(())
    }

    #[test]
    fn a_list_with_one_wrong_departement_is_refused_naming_it() {
        let refused = departements("69, 20, 01");
        assert_eq!(
            refused,
            Err(TerritoryInputError::Departement {
                typed: "20".to_owned(),
                error: DepartementError::Unknown,
            })
        );
        assert_eq!(
            refused.err().map(|error| error.message_id()),
            Some("territories-departement-invalid")
        );
    }

    #[test]
    fn postcode_prefixes_are_one_to_five_digits_each() -> TestResult {
        assert_eq!(list_text(&postcode_prefixes("690 75011")?), "690, 75011");
        let refused = postcode_prefixes("690, 6900000");
        assert_eq!(
            refused.as_ref().map_err(TerritoryInputError::typed),
            Err("6900000")
        );
        Ok(())
    }

    #[test]
    fn a_new_territory_s_key_is_its_folded_name_made_unique() -> TestResult {
        assert_eq!(new_key("Île-de-France", |_| false)?, "ile-de-france");
        assert_eq!(
            new_key("Côte d'Azur", |key| key == "cote-d-azur")?,
            "cote-d-azur-2"
        );
        assert_eq!(
            new_key("  ", |_| false),
            Err(TerritoryInputError::NameMissing)
        );
        Ok(())
    }
}
