//! Storage failures in words a rep can act on, classified from the browser's `DOMException`s.

use wasm_bindgen::{JsCast, JsValue};
use web_sys::DomException;

use crate::state::problem::Problem;

/// Why the device's storage refused an operation. Nothing is half-written in any case.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum StorageError {
    /// The origin's quota is used up.
    #[error("This device's storage is full. Free some space, then try again; nothing was lost.")]
    QuotaExceeded,
    /// The browser offers no IndexedDB here (private browsing, disabled storage, old browser).
    #[error("This browser does not let Carnet keep data on the device ({0}). Leave private browsing or allow site data.")]
    Unavailable(String),
    /// Another tab holds the database open at an older version.
    #[error("Another Carnet tab is still open on an older version. Close it to continue.")]
    VersionChangeBlocked,
    /// Creating or upgrading the database's layout failed; the old layout was kept.
    #[error("Carnet could not prepare its storage: {0}")]
    Upgrade(String),
    /// The browser aborted the transaction.
    #[error("The browser cancelled the save; nothing was written. Try again.")]
    Aborted,
    /// Stored data cannot be read back.
    #[error("A stored record is damaged: {0}")]
    Corrupt(String),
    /// Any other failure, with the browser's own words.
    #[error("Storage failed: {0}")]
    Failed(String),
}

impl StorageError {
    /// The problem to show the rep, in the catalogue's words.
    pub fn problem(&self) -> Problem {
        match self {
            Self::QuotaExceeded => Problem::new("problem-storage-full"),
            Self::Unavailable(detail) => {
                Problem::with_detail("problem-storage-unavailable", detail.clone())
            }
            Self::VersionChangeBlocked => Problem::new("problem-storage-blocked"),
            Self::Upgrade(detail) => {
                Problem::with_detail("problem-storage-upgrade", detail.clone())
            }
            Self::Aborted => Problem::new("problem-storage-aborted"),
            Self::Corrupt(detail) => {
                Problem::with_detail("problem-storage-corrupt", detail.clone())
            }
            Self::Failed(detail) => Problem::with_detail("problem-storage-failed", detail.clone()),
        }
    }

    /// Classifies a raw JavaScript error value.
    pub(crate) fn from_js(value: JsValue) -> Self {
        match value.dyn_ref::<DomException>() {
            Some(exception) => match exception.name().as_str() {
                "QuotaExceededError" => Self::QuotaExceeded,
                "AbortError" => Self::Aborted,
                "InvalidStateError" | "SecurityError" | "NotAllowedError" => {
                    Self::Unavailable(exception.message())
                }
                name => Self::Failed(format!("{name}: {}", exception.message())),
            },
            None => Self::Failed(value.as_string().unwrap_or_else(|| format!("{value:?}"))),
        }
    }

    /// Stored data that does not decode.
    pub(crate) fn corrupt(error: impl std::fmt::Display) -> Self {
        Self::Corrupt(error.to_string())
    }

    /// A value that could not be turned into a storable form (a bug, not a user error).
    pub(crate) fn encoding(error: impl std::fmt::Display) -> Self {
        Self::Failed(format!("cannot encode a value: {error}"))
    }
}

impl From<idb::Error> for StorageError {
    fn from(error: idb::Error) -> Self {
        use idb::Error as E;
        match error {
            E::DomException(exception) => Self::from_js(exception.into()),
            E::IndexedDbNotFound(value) | E::IndexedDbOpenFailed(value) => {
                match Self::from_js(value) {
                    Self::Failed(text) => Self::Unavailable(text),
                    classified => classified,
                }
            }
            E::AddFailed(value)
            | E::ClearFailed(value)
            | E::CountFailed(value)
            | E::DeleteFailed(value)
            | E::GetAllFailed(value)
            | E::GetFailed(value)
            | E::UpdateFailed(value)
            | E::TransactionOpenFailed(value)
            | E::TransactionCommitError(value)
            | E::TransactionAbortError(value)
            | E::ObjectStoreNotFound(value)
            | E::IndexNotFound(value) => Self::from_js(value),
            other => Self::Failed(other.to_string()),
        }
    }
}
