//! The full backup file: every document of a workspace in Automerge's binary form, plus a
//! manifest, in one file the rep can keep anywhere.
//!
//! Layout (all integers big-endian):
//!
//! | offset | size | content |
//! | --- | --- | --- |
//! | 0 | 8 | magic `CARNETBK` |
//! | 8 | 2 | format version (1) |
//! | 10 | 4 | manifest length `M` in bytes |
//! | 14 | 32 | SHA-256 of the manifest |
//! | 46 | `M` | the manifest, UTF-8 JSON (below) |
//! | 46 + `M` | … | each document's bytes, in manifest order, nothing after the last |
//!
//! The manifest: `{"format":1,"workspace":"<uuid>","created_at":<unix seconds>,
//! "counts":{"account":n,…},"documents":[{"id":"<uuid>","kind":"account","length":n,
//! "sha256":"<hex>"},…]}`. JSON so that a person (or a future tool) can read what a backup
//! holds with nothing but a hex viewer. [`Backup::read`] checks every length and digest before
//! handing anything out: a truncated, corrupt or foreign file is refused whole. Restoring (merging
//! into the device's documents) is the client's job, with [`super::merge_backup_document`].

use std::collections::{BTreeMap, HashSet};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::ids::WorkspaceId;

/// The first eight bytes of every backup file.
pub const BACKUP_MAGIC: &[u8; 8] = b"CARNETBK";

/// The format version this build writes and reads.
pub const BACKUP_FORMAT_VERSION: u16 = 1;

const HEADER_LENGTH: usize = 8 + 2 + 4 + 32;

/// The kind of a document in a backup: the record kinds the device stores.
pub use crate::replica::RecordKind as DocumentKind;

/// One document in a backup.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BackupDocument {
    /// The record's id, as text.
    pub id: String,
    /// The record's kind.
    pub kind: DocumentKind,
    /// The document, as `Document::save` wrote it.
    pub bytes: Vec<u8>,
}

/// What a backup holds, written before the documents.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackupManifest {
    /// The format version (the header's, repeated).
    pub format: u16,
    /// The workspace backed up.
    pub workspace: WorkspaceId,
    /// When the backup was made (Unix seconds, passed in by the caller).
    pub created_at: i64,
    /// How many documents of each kind.
    pub counts: BTreeMap<DocumentKind, u64>,
    /// Each document, in the order their bytes follow.
    pub documents: Vec<ManifestEntry>,
}

/// One document's entry in the manifest.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestEntry {
    /// The record's id.
    pub id: String,
    /// The record's kind.
    pub kind: DocumentKind,
    /// The length of its bytes.
    pub length: u64,
    /// The SHA-256 of its bytes, lower-case hex.
    pub sha256: String,
}

/// A backup read back and verified.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Backup {
    /// The manifest.
    pub manifest: BackupManifest,
    /// Every document, in manifest order.
    pub documents: Vec<BackupDocument>,
}

/// Why a backup cannot be written or read. Each has a stable [`BackupError::code`].
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    /// The file does not start like a Carnet backup.
    #[error("this file is not a Carnet backup")]
    NotABackup,
    /// Written by a newer (or unknown) version of the format.
    #[error("this backup was written in format {0}, which this version of Carnet cannot read")]
    UnsupportedVersion(u16),
    /// The file ends before what its header or manifest announces.
    #[error("the backup file is incomplete: it ends before its last document")]
    Truncated,
    /// Bytes follow the last document.
    #[error("the backup file has {0} unexpected bytes after its last document")]
    TrailingBytes(u64),
    /// The manifest does not match its digest.
    #[error("the backup's table of contents is damaged")]
    CorruptManifest,
    /// The manifest is not what this format describes.
    #[error("the backup's table of contents cannot be read")]
    BadManifest(#[source] serde_json::Error),
    /// The manifest contradicts itself (counts, versions or repeated ids).
    #[error("the backup's table of contents is inconsistent: {0}")]
    InconsistentManifest(&'static str),
    /// A document's bytes do not match their digest.
    #[error("the backup's copy of record {id} is damaged")]
    CorruptDocument {
        /// The damaged document's id.
        id: String,
    },
    /// Too much to hold in one file of this format.
    #[error("the backup is too large for one file")]
    TooLarge,
}

impl BackupError {
    /// A stable identifier of the error, for the UI and for logs.
    pub fn code(&self) -> &'static str {
        match self {
            Self::NotABackup => "not_a_backup",
            Self::UnsupportedVersion(_) => "unsupported_version",
            Self::Truncated => "truncated",
            Self::TrailingBytes(_) => "trailing_bytes",
            Self::CorruptManifest => "corrupt_manifest",
            Self::BadManifest(_) => "bad_manifest",
            Self::InconsistentManifest(_) => "inconsistent_manifest",
            Self::CorruptDocument { .. } => "corrupt_document",
            Self::TooLarge => "too_large",
        }
    }
}

impl Backup {
    /// Writes a backup of `workspace` made at `created_at` holding `documents`.
    pub fn write(
        workspace: WorkspaceId,
        created_at: i64,
        documents: &[BackupDocument],
    ) -> Result<Vec<u8>, BackupError> {
        let mut counts = BTreeMap::new();
        let mut entries = Vec::with_capacity(documents.len());
        for document in documents {
            *counts.entry(document.kind).or_insert(0) += 1;
            entries.push(ManifestEntry {
                id: document.id.clone(),
                kind: document.kind,
                length: u64::try_from(document.bytes.len()).map_err(|_| BackupError::TooLarge)?,
                sha256: hex(&Sha256::digest(&document.bytes)),
            });
        }
        let manifest = BackupManifest {
            format: BACKUP_FORMAT_VERSION,
            workspace,
            created_at,
            counts,
            documents: entries,
        };
        let manifest = serde_json::to_vec(&manifest).map_err(BackupError::BadManifest)?;
        let manifest_length = u32::try_from(manifest.len()).map_err(|_| BackupError::TooLarge)?;
        let body: usize = documents.iter().map(|document| document.bytes.len()).sum();
        let mut file = Vec::with_capacity(HEADER_LENGTH + manifest.len() + body);
        file.extend_from_slice(BACKUP_MAGIC);
        file.extend_from_slice(&BACKUP_FORMAT_VERSION.to_be_bytes());
        file.extend_from_slice(&manifest_length.to_be_bytes());
        file.extend_from_slice(&Sha256::digest(&manifest));
        file.extend_from_slice(&manifest);
        for document in documents {
            file.extend_from_slice(&document.bytes);
        }
        Ok(file)
    }

    /// Reads and verifies a backup file: magic, version, lengths, the manifest's digest and
    /// every document's digest.
    pub fn read(file: &[u8]) -> Result<Self, BackupError> {
        let magic = file.get(..BACKUP_MAGIC.len());
        if magic != Some(BACKUP_MAGIC.as_slice()) {
            let is_prefix = BACKUP_MAGIC.starts_with(file) && !file.is_empty();
            return Err(if is_prefix {
                BackupError::Truncated
            } else {
                BackupError::NotABackup
            });
        }
        let header = file.get(..HEADER_LENGTH).ok_or(BackupError::Truncated)?;
        let version = u16::from_be_bytes([header[8], header[9]]);
        if version != BACKUP_FORMAT_VERSION {
            return Err(BackupError::UnsupportedVersion(version));
        }
        let manifest_length = u32::from_be_bytes([header[10], header[11], header[12], header[13]]);
        let manifest_end = usize::try_from(manifest_length)
            .ok()
            .and_then(|length| HEADER_LENGTH.checked_add(length))
            .ok_or(BackupError::Truncated)?;
        let manifest_bytes = file
            .get(HEADER_LENGTH..manifest_end)
            .ok_or(BackupError::Truncated)?;
        if Sha256::digest(manifest_bytes).as_slice() != &header[14..HEADER_LENGTH] {
            return Err(BackupError::CorruptManifest);
        }
        let manifest: BackupManifest =
            serde_json::from_slice(manifest_bytes).map_err(BackupError::BadManifest)?;
        check_manifest(&manifest)?;
        let mut rest = &file[manifest_end..];
        let mut documents = Vec::with_capacity(manifest.documents.len());
        for entry in &manifest.documents {
            let length = usize::try_from(entry.length).map_err(|_| BackupError::Truncated)?;
            if rest.len() < length {
                return Err(BackupError::Truncated);
            }
            let (bytes, after) = rest.split_at(length);
            if hex(&Sha256::digest(bytes)) != entry.sha256 {
                return Err(BackupError::CorruptDocument {
                    id: entry.id.clone(),
                });
            }
            documents.push(BackupDocument {
                id: entry.id.clone(),
                kind: entry.kind,
                bytes: bytes.to_vec(),
            });
            rest = after;
        }
        if !rest.is_empty() {
            return Err(BackupError::TrailingBytes(
                u64::try_from(rest.len()).unwrap_or(u64::MAX),
            ));
        }
        Ok(Self {
            manifest,
            documents,
        })
    }

    /// Every document as (id, kind, bytes), in manifest order: what a restore merges.
    pub fn documents(&self) -> impl Iterator<Item = (&str, DocumentKind, &[u8])> {
        self.documents.iter().map(|document| {
            (
                document.id.as_str(),
                document.kind,
                document.bytes.as_slice(),
            )
        })
    }
}

/// Refuses a manifest that contradicts itself.
fn check_manifest(manifest: &BackupManifest) -> Result<(), BackupError> {
    if manifest.format != BACKUP_FORMAT_VERSION {
        return Err(BackupError::InconsistentManifest(
            "its version differs from the header's",
        ));
    }
    let mut counts = BTreeMap::new();
    for entry in &manifest.documents {
        *counts.entry(entry.kind).or_insert(0_u64) += 1;
    }
    if counts != manifest.counts {
        return Err(BackupError::InconsistentManifest(
            "its counts do not match its documents",
        ));
    }
    let mut ids = HashSet::new();
    if !manifest
        .documents
        .iter()
        .all(|entry| ids.insert(entry.id.as_str()))
    {
        return Err(BackupError::InconsistentManifest("a record appears twice"));
    }
    Ok(())
}

/// Lower-case hexadecimal.
fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut text = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        text.push(char::from(DIGITS[usize::from(byte >> 4)]));
        text.push(char::from(DIGITS[usize::from(byte & 0x0f)]));
    }
    text
}
