//! What the account page shows of one account: plain data derived from its document.

/// What the account page shows.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AccountView {
    /// Whether the document was read.
    pub loaded: bool,
    /// Whether this device has no such account.
    pub missing: bool,
    /// The name.
    pub name: String,
    /// The main address's city.
    pub city: String,
    /// The notes.
    pub notes: String,
    /// Visits, newest first: id, when (Unix seconds), report.
    pub visits: Vec<(String, i64, String)>,
    /// Concurrent values of the name, the shown one first (empty when there is one).
    pub name_conflicts: Vec<String>,
    /// The last save or load problem, in plain words.
    pub error: Option<String>,
}
