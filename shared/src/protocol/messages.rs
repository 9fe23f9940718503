//! The messages of protocol version 2.
//!
//! Evolution rule: variants are only ever appended (postcard encodes a variant by its index), and a
//! change to an existing variant's fields is a new protocol version with its own types, decoded
//! side by side with the previous one (the relay accepts the current and the previous version).
//!
//! Version 2 added the [`Summary`] (kind, index row, heads) to each [`DocumentSnapshot`], so a new
//! device stores snapshots without parsing them. Version 1's relay messages live in `v1`; its
//! device messages are the same as version 2's.
//!
//! Version 4 changed the [`Summary`]'s form: new record kinds (products, quotes, orders) and
//! their index rows, and a contact row's owner. Devices of versions 2 and 3 receive snapshots
//! without summaries (`codec::encode_server`), which they fold themselves as they did before
//! summaries existed.
//!
//! Version 5 changed the [`Summary`]'s form again: an account's row carries its industry, a
//! phone and its newest activities, a deal's row its own probability, and both their form
//! (`index::ROW_FORM`), so the dashboard reads rows only. Devices of version 4 receive
//! snapshots without summaries, like those of versions 2 and 3.
//!
//! Version 3 added [`ServerMessage::Passed`] and [`ServerMessage::Forbidden`]: the relay sends a
//! device only the records its person may read, so a page or a publication may hold nothing for
//! it, and a push may touch a record its person may not change. Devices of versions 1 and 2 never
//! receive either (`codec::encode_server` turns them into what those builds read).

pub mod v1;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::replica::Summary;

/// The protocol version this build speaks.
pub const PROTOCOL_VERSION: u16 = 5;
/// The oldest version the relay still accepts (a tablet with a stale cached app keeps syncing).
pub const OLDEST_PROTOCOL_VERSION: u16 = 1;

/// A document (one record) in the workspace, named by the device that created it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct DocumentId(pub Uuid);

/// A registered device of a user.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct DeviceId(pub Uuid);

/// A position in a workspace's change log: entry numbers start at 1; `Seq(0)` is "nothing yet".
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
pub struct Seq(pub u64);

/// A client-chosen number naming one pushed batch, echoed by its ack.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct BatchId(pub u64);

/// One Automerge change, as its standard binary encoding, tagged with its document.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    /// The document the change belongs to.
    pub document: DocumentId,
    /// The change's bytes (`automerge::Change::raw_bytes`).
    #[serde(with = "serde_bytes_compat")]
    pub bytes: Vec<u8>,
}

/// One entry of the workspace's log, as the relay stored it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// Its position in the log.
    pub seq: Seq,
    /// The change.
    pub change: Change,
}

/// What a device says first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hello {
    /// The single-use ticket obtained over the authenticated HTTP API.
    pub ticket: String,
    /// The device speaking.
    pub device: DeviceId,
    /// The last log position this device has stored; the relay sends what follows.
    pub cursor: Seq,
}

/// Device → relay.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ClientMessage {
    /// Opens the session.
    Hello(Hello),
    /// Local changes to store and relay; answered by [`ServerMessage::Ack`] once durable.
    Push {
        /// Echoed by the ack.
        batch: BatchId,
        /// The changes, in causal order per document.
        changes: Vec<Change>,
    },
    /// Asks for the log page after `after` (catching up from a cursor).
    CatchUp {
        /// The last position the device has.
        after: Seq,
    },
    /// Asks for a document's compacted snapshot (bootstrapping a new device).
    Snapshot {
        /// The document.
        document: DocumentId,
    },
    /// Keeps the connection alive; answered by [`ServerMessage::Pong`].
    Ping {
        /// Echoed back.
        nonce: u64,
    },
    /// Asks for the next page of the workspace's compacted snapshots (a new device's first sync),
    /// answered by [`ServerMessage::Snapshots`].
    Bootstrap {
        /// The last document of the previous page; `None` for the first page.
        after: Option<DocumentId>,
    },
    /// A page of the documents this device holds, sent after the welcome, so the relay tells it
    /// which left its person's reach ([`ServerMessage::Revoked`]) and sends those that entered it
    /// ([`ServerMessage::Granted`]). Version 3.
    Holding {
        /// The documents (at most [`MAX_HOLDING_PAGE`] per page).
        documents: Vec<DocumentId>,
        /// Whether this is the last page.
        complete: bool,
    },
    /// The device purged these documents, as [`ServerMessage::Revoked`] asked. Version 3.
    Purged {
        /// The documents purged.
        documents: Vec<DocumentId>,
    },
}

/// How many document ids one [`ClientMessage::Holding`] page carries at most (256 KiB of ids).
pub const MAX_HOLDING_PAGE: usize = 16_384;

/// Relay → device.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ServerMessage {
    /// The session is open.
    Welcome {
        /// The newest position of the workspace's log at this moment.
        head: Seq,
    },
    /// Every change of `batch` is durable (stored now, or already stored before).
    Ack {
        /// The acknowledged batch.
        batch: BatchId,
        /// Changes newly stored.
        stored: u32,
        /// Changes the log already had (a re-push after a lost ack).
        duplicates: u32,
    },
    /// Log entries in order: a catch-up page, or live entries pushed by other devices.
    Entries {
        /// The entries, by increasing position, none at or before the device's cursor.
        entries: Vec<Entry>,
        /// Whether the log holds more after this page (ask with [`ClientMessage::CatchUp`]).
        more: bool,
    },
    /// A document's snapshot: its whole state through log position `covers`.
    Snapshot {
        /// The document.
        document: DocumentId,
        /// `Automerge::save()` bytes, empty when the document is unknown or not visible.
        #[serde(with = "serde_bytes_compat")]
        bytes: Vec<u8>,
        /// The log position the snapshot includes.
        covers: Seq,
    },
    /// Answers [`ClientMessage::Ping`].
    Pong {
        /// The ping's nonce.
        nonce: u64,
    },
    /// A refusal; the connection may stay open (e.g. rate limited) or be closed after it.
    Error {
        /// Stable, machine-readable.
        code: ErrorCode,
        /// For humans; never contains another workspace's data.
        message: String,
    },
    /// A page of compacted snapshots, in document order. Every snapshot holds its document's
    /// state at least through `epoch`; the log after `epoch` completes them.
    Snapshots {
        /// The documents' snapshots.
        snapshots: Vec<DocumentSnapshot>,
        /// The log position every snapshot of the workspace covers at the time of this page.
        epoch: Seq,
        /// The last document of this page when more pages follow.
        next: Option<DocumentId>,
    },
    /// The log through `through` holds nothing more for this device (its person may not read
    /// the records the skipped entries belong to): its cursor moves there. Version 3.
    Passed {
        /// The position the device's cursor moves to.
        through: Seq,
        /// Whether the log holds more after it (ask with [`ClientMessage::CatchUp`]).
        more: bool,
    },
    /// Nothing of `batch` was stored: its changes to `documents` touch records this person may
    /// not change (or would move out of their reach). The session stays open; the device sets
    /// those documents' changes aside and pushes the rest again. Version 3.
    Forbidden {
        /// The refused batch.
        batch: BatchId,
        /// The documents whose changes were refused (at most the batch's documents).
        documents: Vec<DocumentId>,
    },
    /// These documents left the person's reach (reassigned, territory redrawn, role or team
    /// changed): the device purges them (document, index row, search terms, history), sets its
    /// unsynced changes to them aside (never pushed, never lost) and answers
    /// [`ClientMessage::Purged`]. Version 3.
    Revoked {
        /// The documents to purge.
        documents: Vec<DocumentId>,
    },
    /// Documents that entered the person's reach, whole as they are now (their earlier changes
    /// lie before the device's cursor). Version 3.
    Granted {
        /// The documents.
        snapshots: Vec<DocumentSnapshot>,
    },
    /// Sent after the welcome: the [`holdings_digest`] of the documents the person may read. A
    /// device holding exactly those (the usual case) lists nothing; otherwise it sends its
    /// holdings ([`ClientMessage::Holding`]). Version 3.
    Reach {
        /// The digest.
        digest: [u8; 32],
    },
}

/// The digest of a set of documents: SHA-256 over their ids' bytes in increasing order, so both
/// sides compute it alike whatever order they hold them in.
pub fn holdings_digest(documents: impl IntoIterator<Item = DocumentId>) -> [u8; 32] {
    use sha2::Digest as _;
    let mut sorted: Vec<DocumentId> = documents.into_iter().collect();
    sorted.sort_unstable();
    sorted.dedup();
    let mut hasher = sha2::Sha256::new();
    for document in &sorted {
        hasher.update(document.0.as_bytes());
    }
    hasher.finalize().into()
}

/// One document's compacted state.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentSnapshot {
    /// The document.
    pub document: DocumentId,
    /// `Automerge::save()` bytes.
    #[serde(with = "serde_bytes_compat")]
    pub bytes: Vec<u8>,
    /// The kind, index row and heads the relay derived from `bytes` with the shared code when it
    /// compacted the document; `None` for a snapshot compacted before relays derived them (the
    /// device then folds the bytes itself).
    pub summary: Option<Summary>,
}

/// Stable error codes, shared by both sides.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ErrorCode {
    /// The bytes are not a message of a supported version.
    BadMessage,
    /// The message exceeds the size limit.
    TooLarge,
    /// No valid ticket, an expired or reused one, a revoked device, a foreign actor, or a change
    /// in another person's or device's name.
    Unauthorised,
    /// Too many messages or bytes; slow down.
    RateLimited,
    /// The relay is at capacity; retry later.
    ServerBusy,
    /// The protocol version is not supported.
    UnsupportedVersion,
    /// A change's bytes are not a valid Automerge change.
    BadChange,
    /// The message came before `Hello` or after an error that closes the session.
    OutOfOrder,
    /// Storing the push would take the device or its workspace over its storage quota on the
    /// relay: nothing of the batch was stored, and the device keeps it in its outbox.
    QuotaExceeded,
}

impl ErrorCode {
    /// The stable text form, e.g. for logs and metrics labels.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::BadMessage => "bad_message",
            Self::TooLarge => "too_large",
            Self::Unauthorised => "unauthorised",
            Self::RateLimited => "rate_limited",
            Self::ServerBusy => "server_busy",
            Self::UnsupportedVersion => "unsupported_version",
            Self::BadChange => "bad_change",
            Self::OutOfOrder => "out_of_order",
            Self::QuotaExceeded => "quota_exceeded",
        }
    }

    /// A sentence for the person using the device.
    pub fn describe(self) -> &'static str {
        match self {
            Self::BadMessage => "The server could not read a message from this device.",
            Self::TooLarge => "A change was too large to send.",
            Self::Unauthorised => "This device needs to sign in again.",
            Self::RateLimited => "Syncing too fast; slowing down.",
            Self::ServerBusy => "The server is busy; retrying shortly.",
            Self::UnsupportedVersion => "This version of Carnet is too old; reload to update.",
            Self::BadChange => "A change from this device was refused as damaged.",
            Self::OutOfOrder => "The sync session was out of step; reconnecting.",
            Self::QuotaExceeded => {
                "The server has no room left for this device's changes; they stay on this device."
            }
        }
    }
}

/// Serialises byte vectors as one byte string rather than a sequence of numbers, for compactness
/// in any serde format (postcard writes both the same way; self-describing formats do not).
pub(crate) mod serde_bytes_compat {
    use serde::{Deserializer, Serializer};

    pub(crate) fn serialize<S: Serializer>(bytes: &[u8], serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_bytes(bytes)
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Vec<u8>, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Vec<u8>;

            fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                formatter.write_str("a byte string")
            }

            fn visit_bytes<E: serde::de::Error>(self, bytes: &[u8]) -> Result<Self::Value, E> {
                Ok(bytes.to_vec())
            }

            fn visit_byte_buf<E: serde::de::Error>(self, bytes: Vec<u8>) -> Result<Self::Value, E> {
                Ok(bytes)
            }
        }
        deserializer.deserialize_byte_buf(Visitor)
    }
}
