//! Derived index rows: what lists and search read, so they never load documents.
//!
//! A row is a pure function of its document and can always be rebuilt from it.

use serde::{Deserialize, Serialize};

/// One account as the accounts list and search see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountIndexRow {
    /// The account's identifier, as text (the IndexedDB key).
    pub id: String,
    /// The name to display.
    pub name: String,
    /// The name folded for sorting (lower-case, no accents).
    pub sort_name: String,
    /// The city to display.
    pub city: String,
    /// Accent-free, lower-case words for prefix search.
    pub search_terms: Vec<String>,
    /// The document heads the row was derived from (hex change hashes).
    pub heads: Vec<String>,
}
