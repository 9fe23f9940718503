//! Data in and out, as jobs for the workspace worker: exports and backups are built there from
//! the documents (the page gets the file's bytes to offer as a download), restores are written
//! there in one transaction with progress. Plain data, so they cross the bridge. (An import is
//! the import page's session in the worker: `import_session`.)

use serde::{Deserialize, Serialize};
use shared::ids::{ContactId, DeviceId, WorkspaceId};
use shared::transfer::{Delimiter, Entity};

use crate::state::file_bytes::FileBytes;
use crate::state::transfer_outcome::Restored;
use crate::team::quarantine::QuarantineFormat;

/// A transfer the worker carries out.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum TransferJob {
    /// Every record of `entity` as CSV.
    ExportCsv {
        /// Which records.
        entity: Entity,
        /// Between fields.
        delimiter: Delimiter,
    },
    /// Every contact as one vCard file.
    ExportVcards,
    /// One contact as a vCard file.
    ExportContactVcard(ContactId),
    /// The full backup of `workspace`, dated `time` (Unix seconds).
    Backup {
        /// The signed-in workspace.
        workspace: WorkspaceId,
        /// When.
        time: i64,
    },
    /// Merge the backup file `bytes` into the device's data; a damaged, foreign or other
    /// workspace's file is refused whole.
    Restore {
        /// The picked file.
        bytes: FileBytes,
        /// The signed-in workspace, if any.
        workspace: Option<WorkspaceId>,
        /// This device, if signed in (its own changes in the backup go to the outbox).
        device: Option<DeviceId>,
    },
    /// Rebuild every list row from the documents (after a layout change or damage).
    RebuildIndex,
    /// Every change set aside in the quarantine, as a file in this format.
    ExportQuarantine(QuarantineFormat),
    /// Delete every change set aside in the quarantine (the rep confirmed).
    DiscardQuarantine,
}

/// What a transfer produced.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum TransferDone {
    /// A file to offer: its bytes, how many records it holds, and the name of its one record
    /// (a single contact's vCard is named after the contact).
    File {
        /// The file.
        bytes: FileBytes,
        /// Records (or documents) in it.
        count: usize,
        /// The one record's name, if it holds one.
        named: Option<String>,
    },
    /// A backup merged.
    Restored(Restored),
    /// The file is not a backup this app can restore (the stable code says why).
    Refused(String),
    /// Every list row was rebuilt from this many documents.
    Rebuilt(usize),
    /// This many changes set aside were discarded.
    Discarded(usize),
}
