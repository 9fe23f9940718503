//! How both backends store values in columns, in one place: log positions as signed integers,
//! ids as text or 16 bytes, snapshot summaries, names one per line, a credential's kind and a
//! principal's columns.

use shared::protocol::{DeviceId, DocumentId, Seq};
use shared::replica::Summary;
use uuid::Uuid;

use super::accounts::CredentialKind;
use super::StorageError;
use crate::identity::{Principal, Role, UserId, WorkspaceId};

/// The form stored summaries are written in: the postcard encoding of this protocol version's
/// `Summary` (changed in protocol version 4: new kinds and rows; in version 5: rows carry what
/// the dashboard reads, see `shared::index::ROW_FORM`). A relay of another version
/// ignores summaries it cannot be sure to read, and compaction writes them again.
pub(crate) const SUMMARY_VERSION: i64 = 5;

/// A stored summary, or `None` (logged) when it does not read: the device then folds the
/// snapshot itself, which costs time but loses nothing.
pub(crate) fn read_summary(document: DocumentId, bytes: &[u8]) -> Option<Summary> {
    match Summary::decode(bytes) {
        Ok(summary) => Some(summary),
        Err(error) => {
            tracing::warn!(document = %document.0, %error, "a stored summary does not read");
            None
        }
    }
}

/// A stored log position as a sequence number (a negative one, impossible, as 0).
pub(crate) fn seq(position: i64) -> Seq {
    Seq(u64::try_from(position).unwrap_or(0))
}

/// A sequence number as a stored log position.
pub(crate) fn position(seq: Seq) -> i64 {
    i64::try_from(seq.0).unwrap_or(i64::MAX)
}

/// A logged document's id from its 16 stored bytes.
pub(crate) fn document_id(bytes: &[u8]) -> Result<DocumentId, StorageError> {
    Uuid::from_slice(bytes)
        .map(DocumentId)
        .map_err(|_| StorageError::Corrupt("a logged document id is not 16 bytes"))
}

/// An id stored as text.
pub(crate) fn uuid(text: &str) -> Result<Uuid, StorageError> {
    Uuid::parse_str(text).map_err(|_| StorageError::Corrupt("a stored id"))
}

/// Names stored one per line (names hold no control characters).
pub(crate) fn names(text: &str) -> Vec<String> {
    text.lines()
        .filter(|line| !line.is_empty())
        .map(str::to_owned)
        .collect()
}

/// A credential's kind as stored.
pub(crate) fn kind_text(kind: CredentialKind) -> &'static str {
    match kind {
        CredentialKind::Access => "access",
        CredentialKind::Refresh => "refresh",
    }
}

/// A role from its stored name.
pub(crate) fn role_of(text: &str) -> Result<Role, StorageError> {
    text.parse().map_err(|_| StorageError::Corrupt("a role"))
}

/// A principal from its stored columns.
pub(crate) fn principal(
    device: &str,
    user: &str,
    workspace: &str,
    role: &str,
) -> Result<Principal, StorageError> {
    Ok(Principal {
        workspace: WorkspaceId(uuid(workspace)?),
        user: UserId(uuid(user)?),
        role: role_of(role)?,
        device: DeviceId(uuid(device)?),
    })
}
