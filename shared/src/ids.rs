//! Record identifiers, generated on the device so that creating a record needs no server.
//!
//! Every identifier is a random UUID v4 behind its own type, so an account id cannot be passed
//! where a contact id is expected. Identifiers are stored in documents as hyphenated text.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A string that is not a record identifier.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("{input:?} is not a record identifier")]
pub struct BadId {
    input: String,
}

/// What every record identifier offers, so generic document code can use any of them.
pub trait Identifier:
    Copy + fmt::Debug + fmt::Display + FromStr + PartialEq + Eq + std::hash::Hash
{
    /// The identifier's 16 bytes.
    fn to_bytes(&self) -> [u8; 16];
}

macro_rules! identifier {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub struct $name(Uuid);

        impl $name {
            /// A fresh random identifier (UUID v4), unique without asking the server.
            pub fn generate() -> Self {
                Self(Uuid::new_v4())
            }

            /// The identifier made of these 16 bytes (fixtures and deterministic tests).
            pub const fn from_bytes(bytes: [u8; 16]) -> Self {
                Self(Uuid::from_bytes(bytes))
            }

            /// The identifier's 16 bytes.
            pub fn as_bytes(&self) -> &[u8; 16] {
                self.0.as_bytes()
            }
        }

        impl Identifier for $name {
            fn to_bytes(&self) -> [u8; 16] {
                *self.0.as_bytes()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.as_hyphenated().fmt(formatter)
            }
        }

        impl FromStr for $name {
            type Err = BadId;

            fn from_str(input: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(input).map(Self).map_err(|_| BadId {
                    input: input.to_owned(),
                })
            }
        }

        crate::values::stored_as_text!($name, "a record identifier");
    };
}

identifier!(
    /// The identifier of one account document.
    AccountId
);
identifier!(
    /// The identifier of one contact document.
    ContactId
);
identifier!(
    /// The identifier of one deal document.
    DealId
);
identifier!(
    /// The identifier of a workspace, and of its settings document.
    WorkspaceId
);
identifier!(
    /// An activity (visit, call…) inside its account document.
    ActivityId
);
identifier!(
    /// A task inside its account document.
    TaskId
);
identifier!(
    /// An entry of a keyed collection inside a document: an address, a phone, a stage.
    EntryId
);
identifier!(
    /// The identifier of one catalogue product document.
    ProductId
);
identifier!(
    /// The identifier of one quote (devis) document; each version of a quote has its own.
    QuoteId
);
identifier!(
    /// The identifier of one order (bon de commande) document.
    OrderId
);
identifier!(
    /// A line inside a quote or an order (its key in the document's map of lines).
    LineId
);
identifier!(
    /// A person using Carnet.
    UserId
);
identifier!(
    /// One device (browser profile) of a user.
    DeviceId
);

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
