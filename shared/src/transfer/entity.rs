//! Which kind of record a CSV file holds.

use std::fmt;

/// The kind of record an import creates or an export writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Entity {
    /// Companies.
    Account,
    /// People.
    Contact,
    /// Opportunities.
    Deal,
    /// Catalogue products (only managers and admins may write them).
    Product,
}

impl Entity {
    /// The record kind's stored name (`account`, `contact`, `deal`, `product`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Account => "account",
            Self::Contact => "contact",
            Self::Deal => "deal",
            Self::Product => "product",
        }
    }
}

impl fmt::Display for Entity {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.as_str())
    }
}
