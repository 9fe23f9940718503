//! Record identifiers, generated on the device so that creating a record needs no server.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The identifier of one account document.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct AccountId(Uuid);

/// A string that is not a record identifier.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("{input:?} is not a record identifier")]
pub struct BadId {
    input: String,
}

impl AccountId {
    /// A fresh random identifier (UUID v4), unique without asking the server.
    pub fn generate() -> Self {
        Self(Uuid::new_v4())
    }
}

impl fmt::Display for AccountId {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.as_hyphenated().fmt(formatter)
    }
}

impl FromStr for AccountId {
    type Err = BadId;

    fn from_str(input: &str) -> Result<Self, Self::Err> {
        Uuid::parse_str(input).map(Self).map_err(|_| BadId {
            input: input.to_owned(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_survives_display_and_parse() {
        let id = AccountId::generate();
        assert_eq!(id.to_string().parse::<AccountId>(), Ok(id));
    }

    #[test]
    fn garbage_is_not_an_id() {
        assert!("not-an-id".parse::<AccountId>().is_err());
    }
}
