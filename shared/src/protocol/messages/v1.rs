//! The relay's messages as protocol version 1 wrote them, for devices still running a build of
//! that version: the same variants in the same order as version 2, except that a snapshot carries
//! no [`Summary`](crate::replica::Summary).
//!
//! Frozen: nothing here changes again. The codec converts to and from these types at the edge;
//! nothing past the codec sees them.

use serde::{Deserialize, Serialize};

use super::{serde_bytes_compat, DocumentId, Entry, ErrorCode, Seq};

/// Relay → device, version 1.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ServerMessage {
    /// See [`super::ServerMessage::Welcome`].
    Welcome {
        /// The newest position of the workspace's log.
        head: Seq,
    },
    /// See [`super::ServerMessage::Ack`].
    Ack {
        /// The acknowledged batch.
        batch: super::BatchId,
        /// Changes newly stored.
        stored: u32,
        /// Changes the log already had.
        duplicates: u32,
    },
    /// See [`super::ServerMessage::Entries`].
    Entries {
        /// The entries.
        entries: Vec<Entry>,
        /// Whether more follow.
        more: bool,
    },
    /// See [`super::ServerMessage::Snapshot`].
    Snapshot {
        /// The document.
        document: DocumentId,
        /// `Automerge::save()` bytes.
        #[serde(with = "serde_bytes_compat")]
        bytes: Vec<u8>,
        /// The log position the snapshot includes.
        covers: Seq,
    },
    /// See [`super::ServerMessage::Pong`].
    Pong {
        /// The ping's nonce.
        nonce: u64,
    },
    /// See [`super::ServerMessage::Error`].
    Error {
        /// Stable, machine-readable.
        code: ErrorCode,
        /// For humans.
        message: String,
    },
    /// See [`super::ServerMessage::Snapshots`].
    Snapshots {
        /// The documents' snapshots, without summaries.
        snapshots: Vec<DocumentSnapshot>,
        /// The position every snapshot covers.
        epoch: Seq,
        /// The last document of this page when more pages follow.
        next: Option<DocumentId>,
    },
}

/// One document's compacted state, version 1: the bytes alone.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentSnapshot {
    /// The document.
    pub document: DocumentId,
    /// `Automerge::save()` bytes.
    #[serde(with = "serde_bytes_compat")]
    pub bytes: Vec<u8>,
}

impl From<super::ServerMessage> for ServerMessage {
    /// The message as a version 1 device reads it: snapshots lose their summaries.
    fn from(message: super::ServerMessage) -> Self {
        use super::ServerMessage as Current;
        match message {
            Current::Welcome { head } => Self::Welcome { head },
            Current::Ack {
                batch,
                stored,
                duplicates,
            } => Self::Ack {
                batch,
                stored,
                duplicates,
            },
            Current::Entries { entries, more } => Self::Entries { entries, more },
            // Never sent to a version 1 device (the relay checks the version); read as what it
            // means to such a device should it be: nothing new.
            Current::Passed { more, .. } => Self::Entries {
                entries: Vec::new(),
                more,
            },
            Current::Revoked { .. } | Current::Granted { .. } | Current::Reach { .. } => {
                Self::Entries {
                    entries: Vec::new(),
                    more: false,
                }
            }
            Current::Forbidden { .. } => Self::Error {
                code: super::ErrorCode::Unauthorised,
                message: super::ErrorCode::Unauthorised.describe().to_owned(),
            },
            Current::Snapshot {
                document,
                bytes,
                covers,
            } => Self::Snapshot {
                document,
                bytes,
                covers,
            },
            Current::Pong { nonce } => Self::Pong { nonce },
            Current::Error { code, message } => Self::Error { code, message },
            Current::Snapshots {
                snapshots,
                epoch,
                next,
            } => Self::Snapshots {
                snapshots: snapshots
                    .into_iter()
                    .map(|snapshot| DocumentSnapshot {
                        document: snapshot.document,
                        bytes: snapshot.bytes,
                    })
                    .collect(),
                epoch,
                next,
            },
        }
    }
}

impl From<ServerMessage> for super::ServerMessage {
    /// A version 1 message as this version reads it: snapshots come without summaries.
    fn from(message: ServerMessage) -> Self {
        match message {
            ServerMessage::Welcome { head } => Self::Welcome { head },
            ServerMessage::Ack {
                batch,
                stored,
                duplicates,
            } => Self::Ack {
                batch,
                stored,
                duplicates,
            },
            ServerMessage::Entries { entries, more } => Self::Entries { entries, more },
            ServerMessage::Snapshot {
                document,
                bytes,
                covers,
            } => Self::Snapshot {
                document,
                bytes,
                covers,
            },
            ServerMessage::Pong { nonce } => Self::Pong { nonce },
            ServerMessage::Error { code, message } => Self::Error { code, message },
            ServerMessage::Snapshots {
                snapshots,
                epoch,
                next,
            } => Self::Snapshots {
                snapshots: snapshots
                    .into_iter()
                    .map(|snapshot| super::DocumentSnapshot {
                        document: snapshot.document,
                        bytes: snapshot.bytes,
                        summary: None,
                    })
                    .collect(),
                epoch,
                next,
            },
        }
    }
}
