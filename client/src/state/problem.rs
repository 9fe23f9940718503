//! A problem to show the rep: a message of the Fluent catalogue and, when there is one, the
//! browser's or server's own words as detail. Errors become problems at the edge of storage and
//! sync, so every problem the rep reads exists in both languages.

use serde::{Deserialize, Serialize};

/// A problem, by message id.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    /// The catalogue's message id (`problem-storage-full`…).
    pub id: String,
    /// Extra words from the browser or the server, shown smaller, untranslated.
    pub detail: Option<String>,
}

impl Problem {
    /// The problem `id` with no detail.
    pub fn new(id: &str) -> Self {
        Self {
            id: id.to_owned(),
            detail: None,
        }
    }

    /// The problem `id` with `detail`.
    pub fn with_detail(id: &str, detail: impl Into<String>) -> Self {
        Self {
            id: id.to_owned(),
            detail: Some(detail.into()),
        }
    }
}
