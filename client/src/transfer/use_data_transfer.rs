//! Data out and back in: CSV exports per kind of record, vCard exports (every contact, or one),
//! the full backup file and its restore. Files are built on the device, in the workspace worker
//! (which reads the documents), and handed over here as downloads; a restore reads a picked file
//! here and the worker merges it (nothing overwritten), then sync is told so the changes new to
//! this device go out.
//!
//! The accounts list has no filter state yet, so exports hold every record of their kind.

use shared::ids::{ContactId, WorkspaceId};
use shared::transfer::{Delimiter, Entity};
use yew::prelude::*;

use crate::download;
use crate::hooks::{use_sync, SessionState, SyncHandle};
use crate::state::file_bytes::FileBytes;
use crate::state::problem::Problem;
use crate::state::transfer_outcome::Restored;
use crate::workspace::service::WorkspaceService;
use crate::workspace::transfer_job::{TransferDone, TransferJob};

/// What the last export, backup or restore did.
#[derive(Clone, Debug, PartialEq)]
pub enum TransferOutcome {
    /// Records written to a downloaded file.
    Exported(usize),
    /// Documents written to a downloaded backup.
    BackedUp(usize),
    /// A backup merged into the device's data.
    Restored(Restored),
    /// The picked file is not a backup this app can restore (the stable code says why).
    Refused(String),
    /// Something failed; nothing was changed.
    Failed(Problem),
}

/// The state of the data transfer section.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DataTransfer {
    /// Whether a file is being made or restored.
    pub busy: bool,
    /// The last outcome.
    pub outcome: Option<TransferOutcome>,
}

/// What the settings page (and the contact page) can do with the device's data.
#[derive(Clone, PartialEq)]
pub struct DataTransferHandle {
    state: UseStateHandle<DataTransfer>,
    sync: Option<SyncHandle>,
}

impl DataTransferHandle {
    /// What to show.
    pub fn state(&self) -> &DataTransfer {
        &self.state
    }

    /// Downloads every record of `entity` as CSV (UTF-8 with BOM) separated by `delimiter`.
    pub fn export_csv(&self, entity: Entity, delimiter: Delimiter) {
        let name = format!("carnet-{}-{}.csv", plural(entity), download::today());
        self.offer(
            TransferJob::ExportCsv { entity, delimiter },
            "text/csv;charset=utf-8",
            move |_| name,
        );
    }

    /// Downloads every contact as one vCard 4.0 file.
    pub fn export_vcards(&self) {
        let name = format!("carnet-contacts-{}.vcf", download::today());
        self.offer(
            TransferJob::ExportVcards,
            "text/vcard;charset=utf-8",
            move |_| name,
        );
    }

    /// Downloads one contact as a vCard 4.0 file (the hook for a contact page's button).
    pub fn export_contact_vcard(&self, id: ContactId) {
        self.offer(
            TransferJob::ExportContactVcard(id),
            "text/vcard;charset=utf-8",
            |named| format!("{}.vcf", file_stem(named.unwrap_or_default())),
        );
    }

    /// Downloads the full backup: every document in Automerge's binary form and a manifest.
    pub fn backup(&self) {
        let Some(workspace) = self.workspace_id() else {
            self.state.set(DataTransfer {
                busy: false,
                outcome: Some(TransferOutcome::Failed(Problem::new("problem-signed-out"))),
            });
            return;
        };
        let name = format!("carnet-sauvegarde-{}.carnet", download::today());
        let time = (js_sys::Date::now() / 1000.0) as i64;
        self.offer(
            TransferJob::Backup { workspace, time },
            "application/octet-stream",
            move |_| name,
        );
    }

    /// Reads the picked backup file and merges it into the device's data (in the workspace
    /// worker); a damaged, foreign or other workspace's file is refused whole and changes
    /// nothing.
    pub fn restore(&self, file: web_sys::File) {
        let sync = self.sync.clone();
        let workspace = self.workspace_id();
        let device = sync.as_ref().and_then(|sync| match sync.session() {
            SessionState::SignedIn(session) => Some(session.device_id),
            _ => None,
        });
        self.run(move |service| async move {
            let file = gloo::file::File::from(file);
            let bytes = gloo::file::futures::read_as_bytes(&file)
                .await
                .map_err(|error| failure("problem-file-unreadable", error))?;
            let job = TransferJob::Restore {
                bytes: FileBytes(bytes),
                workspace,
                device,
            };
            let finished = service.transfer(job, |_, _| {});
            match finished.await? {
                TransferDone::Restored(restored) => {
                    if let Some(sync) = &sync {
                        sync.saved_locally();
                    }
                    Ok(TransferOutcome::Restored(restored))
                }
                TransferDone::Refused(code) => Ok(TransferOutcome::Refused(code)),
                _ => Err(Problem::new("problem-storage-aborted")),
            }
        });
    }

    fn workspace_id(&self) -> Option<WorkspaceId> {
        self.sync.as_ref().and_then(|sync| match sync.session() {
            SessionState::SignedIn(session) => Some(session.workspace.id),
            _ => None,
        })
    }

    /// Runs `job` in the worker and offers the file it makes as `mime`, named by `name` (given
    /// the name of the file's one record, if it has one).
    fn offer(
        &self,
        job: TransferJob,
        mime: &'static str,
        name: impl FnOnce(Option<&str>) -> String + 'static,
    ) {
        self.run(move |service| async move {
            let finished = service.transfer(job, |_, _| {});
            match finished.await? {
                TransferDone::File {
                    bytes,
                    count,
                    named,
                } => {
                    let name = name(named.as_deref());
                    download::offer(&bytes.0, mime, &name)
                        .map_err(|error| failure("problem-download-failed", error))?;
                    Ok(if mime == "application/octet-stream" {
                        TransferOutcome::BackedUp(count)
                    } else {
                        TransferOutcome::Exported(count)
                    })
                }
                _ => Err(Problem::new("problem-storage-aborted")),
            }
        });
    }

    /// Runs `work` with the workspace service, showing it busy, then its outcome.
    fn run<W, F>(&self, work: W)
    where
        W: FnOnce(WorkspaceService) -> F + 'static,
        F: std::future::Future<Output = Result<TransferOutcome, Problem>> + 'static,
    {
        let Some(service) = self.sync.as_ref().and_then(SyncHandle::workspace) else {
            return;
        };
        let state = self.state.clone();
        state.set(DataTransfer {
            busy: true,
            outcome: None,
        });
        wasm_bindgen_futures::spawn_local(async move {
            let outcome = work(service).await.unwrap_or_else(TransferOutcome::Failed);
            state.set(DataTransfer {
                busy: false,
                outcome: Some(outcome),
            });
        });
    }
}

/// Exports, backups and restores of the device's data.
#[hook]
pub fn use_data_transfer() -> DataTransferHandle {
    DataTransferHandle {
        state: use_state(DataTransfer::default),
        sync: use_sync(),
    }
}

/// `id`'s problem, with the error's own words as detail.
fn failure(id: &str, error: impl std::fmt::Display) -> Problem {
    Problem::with_detail(id, error.to_string())
}

fn plural(entity: Entity) -> &'static str {
    match entity {
        Entity::Account => "comptes",
        Entity::Contact => "contacts",
        Entity::Deal => "affaires",
        Entity::Product => "produits",
    }
}

/// A name made safe for a file name.
fn file_stem(name: &str) -> String {
    let stem: String = name
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' {
                c
            } else {
                '-'
            }
        })
        .collect();
    if stem.trim_matches('-').is_empty() {
        "contact".to_owned()
    } else {
        stem
    }
}
