//! The relay's ingest path for pushed changes: validation, actor binding and the durable append,
//! in one function that the sync session calls and the `ingest_changes` fuzz target drives.
//!
//! Validation (parsing, capped inflation, the checks of `shared::protocol::change`) is CPU work
//! on attacker-chosen bytes, so it never runs on an async worker: it runs on the blocking pool,
//! at most [`Validators`]' permits at a time, which also bounds the memory inflation may take
//! (each validation holds at most one capped chunk). Actor binding and the append are the change
//! log's single durable transaction. This module touches no socket and publishes nothing: the
//! session fans out what was stored.

// The relay survives a panic on hostile bytes only by unwinding: `inspect_change` catches a
// panic inside Automerge, and tokio answers a panicked task with an error. Built to abort, one
// crafted change would end the process, so such a build must not exist.
#[cfg(panic = "abort")]
compile_error!(
    "the relay must be built with `panic = \"unwind\"`: its panic guards need it \
     (the workspace's `release` profile unwinds; only the client's `wasm-release` aborts)"
);

use std::collections::{HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use automerge::AutoCommit;
use shared::protocol::change::{inspect_change, ChangeError};
use shared::protocol::{Change, DeviceId, DocumentId, ErrorCode, Seq};
use shared::replica::{self as replica, Missing, RecordKind, ReplicaError, Sequences};
use shared::settings::settings_beyond_plans;
use tokio::sync::{Mutex, MutexGuard, Semaphore};

use crate::access::{AccessKeys, Grants};
use crate::identity::{Principal, UserId, WorkspaceId};
use crate::storage::{AccessStore, AppendOutcome, ChangeLog, IncomingChange, StorageError};

/// How many locks serialise pushes per workspace (workspaces share them by hash).
const WORKSPACE_TURNS: usize = 64;

/// The bounded pool validation runs on (at most this many batches are validated at once), the
/// turns that make one workspace's pushes derive access keys one after the other, so each
/// derivation sees every change stored before it, and the documents folded lately, so a push to
/// a busy document applies only what is new instead of folding its whole log again.
#[derive(Clone, Debug)]
pub struct Validators {
    slots: Arc<Semaphore>,
    turns: Arc<[Mutex<()>]>,
    folded: FoldedDocuments,
}

/// How many folded documents the relay keeps (least recently pushed to first out).
const FOLDED_DOCUMENTS: usize = 256;

/// Documents folded by recent pushes, each with the log position it holds everything through.
#[derive(Clone, Debug, Default)]
struct FoldedDocuments {
    inner: Arc<std::sync::Mutex<FoldedInner>>,
}

#[derive(Debug, Default)]
struct FoldedInner {
    documents: HashMap<(WorkspaceId, DocumentId), (FoldedDocument, Seq)>,
    order: std::collections::VecDeque<(WorkspaceId, DocumentId)>,
}

impl FoldedDocuments {
    /// Takes the folded document out (a push that fails leaves nothing behind).
    fn take(&self, workspace: WorkspaceId, document: DocumentId) -> Option<(FoldedDocument, Seq)> {
        let mut inner = self.lock();
        let taken = inner.documents.remove(&(workspace, document));
        if taken.is_some() {
            inner.order.retain(|key| *key != (workspace, document));
        }
        taken
    }

    /// Keeps a document folded through `through`, dropping the oldest past the cap.
    fn keep(
        &self,
        workspace: WorkspaceId,
        document: DocumentId,
        folded: FoldedDocument,
        through: Seq,
    ) {
        let mut inner = self.lock();
        let key = (workspace, document);
        inner.order.retain(|kept| *kept != key);
        inner.order.push_back(key);
        inner.documents.insert(key, (folded, through));
        while inner.order.len() > FOLDED_DOCUMENTS {
            if let Some(oldest) = inner.order.pop_front() {
                inner.documents.remove(&oldest);
            }
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, FoldedInner> {
        // Every update leaves the map and the order consistent, even after a panic.
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl Validators {
    /// A pool validating at most `parallel` batches at once (at least one).
    pub fn new(parallel: usize) -> Self {
        Self {
            slots: Arc::new(Semaphore::new(parallel.max(1))),
            turns: (0..WORKSPACE_TURNS).map(|_| Mutex::new(())).collect(),
            folded: FoldedDocuments::default(),
        }
    }

    /// Runs `work` on the blocking pool, holding one of the pool's permits.
    async fn on_pool<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> Result<T, IngestError> + Send + 'static,
    ) -> Result<T, IngestError> {
        let permit = self
            .slots
            .clone()
            .acquire_owned()
            .await
            .map_err(|_closed| IngestError::Validation(None))?;
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            work()
        })
        .await
        .map_err(|error| IngestError::Validation(Some(error)))?
    }

    /// Waits for `workspace`'s turn to store a push.
    async fn turn(&self, workspace: WorkspaceId) -> Option<MutexGuard<'_, ()>> {
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        workspace.hash(&mut hasher);
        let index = usize::try_from(hasher.finish() % WORKSPACE_TURNS as u64).unwrap_or(0);
        Some(self.turns.get(index)?.lock().await)
    }
}

impl Default for Validators {
    /// As many validations at once as the machine has cores.
    fn default() -> Self {
        Self::new(std::thread::available_parallelism().map_or(2, usize::from))
    }
}

/// Why a pushed batch was not stored.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    /// A change of the batch is not a valid change (nothing of the batch is stored).
    #[error("change {index} of the batch is refused")]
    BadChange {
        /// Its position in the batch.
        index: usize,
        /// Why.
        #[source]
        source: ChangeError,
    },
    /// A change's actor belongs to another device (nothing of the batch is stored).
    #[error("the batch carries another device's actor")]
    ForeignActor,
    /// A change names an author other than the person and device pushing it (nothing of the
    /// batch is stored): history would put the edit in someone else's name.
    #[error("change {index} of the batch names another author")]
    ForgedAuthor {
        /// Its position in the batch.
        index: usize,
    },
    /// Changes of the batch touch records the pushing person may not change, or would take
    /// a record out of their reach (nothing of the batch is stored).
    #[error("the batch changes {} records out of the person's reach", documents.len())]
    Forbidden {
        /// The documents refused.
        documents: Vec<DocumentId>,
    },
    /// Changes of the batch depend on changes of their documents the relay does not hold
    /// (nothing of the batch is stored). An honest device gets here only when an earlier change
    /// of the same record was refused (out of reach) and set aside: the device sets these aside
    /// too, as for [`IngestError::Forbidden`] (the same answer), and they go to the relay again
    /// after it when the record is granted back.
    #[error("the batch's changes to {} records miss their history", documents.len())]
    MissingHistory {
        /// The documents refused.
        documents: Vec<DocumentId>,
    },
    /// A change of the batch breaks its record kind's edit rules as its author saw the record
    /// (it rewrites a sent quote, an order's lines…; nothing of the batch is stored). An honest
    /// device checks the same rules before writing, so it never gets here; it is answered as
    /// [`IngestError::Forbidden`] (the device sets the change aside).
    #[error("a change to {} breaks its record's edit rules: {reason}", document.0)]
    EditRefused {
        /// The document refused.
        document: DocumentId,
        /// Why.
        reason: shared::record::RefusedChange,
    },
    /// A document of the batch does not merge into a record (nothing of the batch is stored).
    #[error("a document of the batch does not read")]
    Unreadable(#[source] ReplicaError),
    /// Storing the batch would take the device or its workspace over its quota (nothing of the
    /// batch is stored; the device keeps it).
    #[error("the batch would exceed a storage quota")]
    QuotaExceeded,
    /// The log could not store the batch.
    #[error("the batch could not be stored")]
    Storage(#[from] StorageError),
    /// The validation task died or its pool is gone.
    #[error("the batch could not be validated")]
    Validation(#[source] Option<tokio::task::JoinError>),
}

impl IngestError {
    /// The protocol's answer to the device.
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::BadChange { .. } | Self::Unreadable(_) => ErrorCode::BadChange,
            Self::ForeignActor
            | Self::ForgedAuthor { .. }
            | Self::Forbidden { .. }
            | Self::EditRefused { .. }
            | Self::MissingHistory { .. } => ErrorCode::Unauthorised,
            Self::QuotaExceeded => ErrorCode::QuotaExceeded,
            Self::Storage(_) | Self::Validation(_) => ErrorCode::ServerBusy,
        }
    }
}

/// Who pushes a batch: the workspace it goes to, and the one author its changes may name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pusher {
    /// The pushing device's workspace.
    pub workspace: WorkspaceId,
    /// The person signed in on the device.
    pub user: UserId,
    /// The device.
    pub device: DeviceId,
}

impl Pusher {
    /// The author bytes this pusher's changes carry (`shared::edit::Editor::to_author`).
    fn author(self) -> [u8; 32] {
        let mut author = [0_u8; 32];
        author[..16].copy_from_slice(self.user.0.as_bytes());
        author[16..].copy_from_slice(self.device.0.as_bytes());
        author
    }
}

impl From<Principal> for Pusher {
    fn from(principal: Principal) -> Self {
        Self {
            workspace: principal.workspace,
            user: principal.user,
            device: principal.device,
        }
    }
}

/// What a stored push did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Ingested {
    /// The append's outcome.
    pub outcome: AppendOutcome,
    /// Whether the push changed who may read some record (its keys changed, or it is new).
    pub access_changed: bool,
}

/// Validates `changes` off the async workers, then appends them to the pusher's workspace log in
/// one durable transaction, binding their unknown actors to its device. Nothing is stored unless
/// every change is valid, names no author but the pusher (a change naming none is the device's
/// own, made before anyone signed in), no actor belongs to another device, the quotas hold, and
/// `grants` allow every record the batch touches to change as it does (`access`). The records'
/// access keys are derived from the merged documents and stored once the batch is.
pub async fn ingest(
    log: &dyn ChangeLog,
    access: &dyn AccessStore,
    validators: &Validators,
    pusher: Pusher,
    grants: &Grants,
    changes: Vec<Change>,
    received_at: i64,
) -> Result<Ingested, IngestError> {
    let incoming = validate(validators, pusher.author(), changes).await?;
    let workspace = pusher.workspace;
    let _turn = validators.turn(workspace).await;
    let mut documents: Vec<DocumentId> = Vec::new();
    for change in &incoming {
        if !documents.contains(&change.document) {
            documents.push(change.document);
        }
    }
    let before = access
        .record_access_of(workspace, documents.clone())
        .await?;
    let mut after: HashMap<DocumentId, AccessKeys> = HashMap::with_capacity(documents.len());
    let mut folded = Vec::with_capacity(documents.len());
    let mut orphaned = Vec::new();
    let mut plans_only: HashSet<DocumentId> = HashSet::new();
    for document in &documents {
        let creator = match before.get(document) {
            Some(keys) => keys.creator,
            None => access
                .creator(workspace, *document)
                .await?
                .or(Some(pusher.user)),
        };
        let new = incoming
            .iter()
            .filter(|change| change.document == *document)
            .map(|change| change.bytes.clone())
            .collect();
        let cached = validators.folded.take(workspace, *document);
        match fold_for_keys(log, validators, workspace, *document, cached, new, creator).await {
            Ok((keys, automerge, settings)) => {
                if settings == SettingsChange::PlansOnly {
                    plans_only.insert(*document);
                }
                after.insert(*document, keys);
                folded.push((*document, automerge));
            }
            Err(IngestError::Unreadable(ReplicaError::MissingHistory)) => {
                orphaned.push(*document);
            }
            Err(IngestError::Unreadable(ReplicaError::EditRefused(reason))) => {
                return Err(IngestError::EditRefused {
                    document: *document,
                    reason,
                });
            }
            Err(error) => return Err(error),
        }
    }
    if !orphaned.is_empty() {
        return Err(IngestError::MissingHistory {
            documents: orphaned,
        });
    }
    let elsewhere: Vec<DocumentId> = after
        .values()
        .flat_map(|keys| keys.accounts.iter().copied())
        .filter(|account| !after.contains_key(account))
        .collect();
    let others = access.record_access_of(workspace, elsewhere).await?;
    let reads_account = |account: &DocumentId| {
        after
            .get(account)
            .or_else(|| others.get(account))
            .is_some_and(|keys| {
                keys.kind == Some(RecordKind::Account) && grants.reads(keys, |_| false)
            })
    };
    let forbidden: Vec<DocumentId> = documents
        .iter()
        .filter(|document| {
            after.get(document).is_none_or(|keys| {
                let before = before.get(document);
                let planning =
                    plans_only.contains(document) && grants.may_change_plans(before, keys);
                !planning && !grants.may_change(before, keys, reads_account)
            })
        })
        .copied()
        .collect();
    if !forbidden.is_empty() {
        return Err(IngestError::Forbidden {
            documents: forbidden,
        });
    }
    let outcome = log
        .append(workspace, pusher.device, incoming, received_at)
        .await?;
    if outcome.foreign_actor {
        return Err(IngestError::ForeignActor);
    }
    if outcome.quota_exceeded {
        return Err(IngestError::QuotaExceeded);
    }
    // Stored: the folded documents now hold everything of theirs the log holds through its head
    // (this process stores one push per workspace at a time), and the next push starts there.
    let through = log.head(workspace).await?;
    for (document, automerge) in folded {
        validators
            .folded
            .keep(workspace, document, automerge, through);
    }
    let changed: Vec<(DocumentId, AccessKeys)> = after
        .into_iter()
        .filter(|(document, keys)| before.get(document) != Some(keys))
        .collect();
    let access_changed = !changed.is_empty();
    if access_changed {
        access.set_record_access(workspace, changed).await?;
    }
    Ok(Ingested {
        outcome,
        access_changed,
    })
}

/// A document the relay folded, with its count of each actor's changes (so that the next push to
/// it is checked without counting them again).
#[derive(Debug)]
struct FoldedDocument {
    automerge: AutoCommit,
    sequences: Sequences,
}

/// Derives `document`'s access keys from everything the relay holds of it (its snapshot and the
/// log after it) and `new` changes, folded on the blocking pool under one of its permits.
pub async fn derive_keys(
    log: &dyn ChangeLog,
    validators: &Validators,
    workspace: WorkspaceId,
    document: DocumentId,
    new: Vec<Vec<u8>>,
    creator: Option<UserId>,
) -> Result<AccessKeys, IngestError> {
    let (keys, _folded, _settings) =
        fold_for_keys(log, validators, workspace, document, None, new, creator).await?;
    Ok(keys)
}

/// Folds `document` (from `cached`, the document as folded through a log position, when given,
/// else from its snapshot and the log after it) with `new` changes, and derives its keys; gives
/// the folded document back, to cache once the changes are stored. Each new change must follow
/// what the document holds: everything it depends on is there, and it is its actor's next change
/// (`Sequences`); else the push is refused as unreadable. For the settings, also says whether
/// the new changes left everything but objectives and segments as it was (managers may change
/// those only: `Grants::may_change_plans`).
async fn fold_for_keys(
    log: &dyn ChangeLog,
    validators: &Validators,
    workspace: WorkspaceId,
    document: DocumentId,
    cached: Option<(FoldedDocument, Seq)>,
    new: Vec<Vec<u8>>,
    creator: Option<UserId>,
) -> Result<(AccessKeys, FoldedDocument, SettingsChange), IngestError> {
    let head = log.head(workspace).await?;
    let (base, after) = match cached {
        Some((folded, through)) => (Base::Folded(Box::new(folded)), through),
        None => {
            let snapshot = log.snapshot(workspace, document).await?;
            let covers = snapshot
                .as_ref()
                .map(|(_, covers)| *covers)
                .unwrap_or_default();
            (Base::Snapshot(snapshot.map(|(bytes, _)| bytes)), covers)
        }
    };
    let stored = log
        .document_changes(workspace, document, after, head)
        .await?;
    validators
        .on_pool(move || {
            let fold = || {
                let FoldedDocument {
                    mut automerge,
                    mut sequences,
                } = match base {
                    Base::Snapshot(snapshot) => FoldedDocument {
                        automerge: replica::open(snapshot.as_deref())?,
                        sequences: Sequences::default(),
                    },
                    Base::Folded(folded) => *folded,
                };
                for bytes in &stored {
                    sequences.load(&mut automerge, bytes, Missing::Queue)?;
                }
                // Read only for the settings (`None` for every other document).
                let settings_before = settings_beyond_plans(&automerge);
                for bytes in &new {
                    sequences.load(&mut automerge, bytes, Missing::Refuse)?;
                    replica::judge_edit_rules(&mut automerge, bytes)?;
                }
                let settings = match settings_before {
                    Some(before) if settings_beyond_plans(&automerge).as_ref() == Some(&before) => {
                        SettingsChange::PlansOnly
                    }
                    _ => SettingsChange::Beyond,
                };
                let folded = replica::describe(document, automerge)?;
                Ok((folded, sequences, settings))
            };
            let (folded, sequences, settings) = fold().map_err(IngestError::Unreadable)?;
            Ok((
                AccessKeys::of_folded(&folded, creator),
                FoldedDocument {
                    automerge: folded.automerge,
                    sequences,
                },
                settings,
            ))
        })
        .await
}

/// What a push does to the settings beyond what managers plan.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum SettingsChange {
    /// The document held settings before the push, and everything of them but objectives and
    /// segments reads the same after it.
    PlansOnly,
    /// Anything else (or not the settings).
    Beyond,
}

/// Where a fold starts.
enum Base {
    /// A compacted snapshot (or nothing).
    Snapshot(Option<Vec<u8>>),
    /// A document folded earlier.
    Folded(Box<FoldedDocument>),
}

/// The whole of `document` as the relay holds it now (its snapshot and every change after it),
/// with its summary, to send a device it just entered the reach of; `None` when the log holds
/// nothing of it.
pub async fn whole_document(
    log: &dyn ChangeLog,
    validators: &Validators,
    workspace: WorkspaceId,
    document: DocumentId,
) -> Result<Option<shared::protocol::DocumentSnapshot>, IngestError> {
    let snapshot = log.snapshot(workspace, document).await?;
    let covers = snapshot
        .as_ref()
        .map(|(_, covers)| *covers)
        .unwrap_or_default();
    let head = log.head(workspace).await?;
    let changes = log
        .document_changes(workspace, document, covers, head)
        .await?;
    if snapshot.is_none() && changes.is_empty() {
        return Ok(None);
    }
    validators
        .on_pool(move || {
            let stored = snapshot.as_ref().map(|(bytes, _)| bytes.as_slice());
            let mut folded =
                replica::fold(document, stored, &changes).map_err(IngestError::Unreadable)?;
            let summary = folded.summary();
            Ok(Some(shared::protocol::DocumentSnapshot {
                document,
                bytes: folded.automerge.save(),
                summary: Some(summary),
            }))
        })
        .await
}

/// Derives and stores the keys of documents the log holds without keys (a database from before
/// per-record access, or a freshly seeded log), a batch at a time; returns how many.
pub async fn derive_missing_keys(
    log: &dyn ChangeLog,
    access: &dyn AccessStore,
    validators: &Validators,
) -> Result<usize, IngestError> {
    let mut derived = 0;
    loop {
        let missing = access.documents_without_access(500).await?;
        if missing.is_empty() {
            return Ok(derived);
        }
        let mut by_workspace: HashMap<WorkspaceId, Vec<(DocumentId, AccessKeys)>> = HashMap::new();
        for (workspace, document) in missing {
            let creator = access.creator(workspace, document).await?;
            let keys = match derive_keys(log, validators, workspace, document, Vec::new(), creator)
                .await
            {
                Ok(keys) => keys,
                // A document the relay cannot read belongs to whoever pushed it.
                Err(IngestError::Unreadable(error)) => {
                    tracing::warn!(document = %document.0, %error, "a logged document does not read");
                    AccessKeys {
                        creator,
                        ..AccessKeys::default()
                    }
                }
                Err(error) => return Err(error),
            };
            by_workspace
                .entry(workspace)
                .or_default()
                .push((document, keys));
            derived += 1;
        }
        for (workspace, records) in by_workspace {
            access.set_record_access(workspace, records).await?;
        }
    }
}

/// Parses and checks every change on the blocking pool, holding one of the pool's permits.
async fn validate(
    validators: &Validators,
    author: [u8; 32],
    changes: Vec<Change>,
) -> Result<Vec<IncomingChange>, IngestError> {
    validators
        .on_pool(move || {
            changes
                .into_iter()
                .enumerate()
                .map(|(index, change)| {
                    let facts = inspect_change(&change.bytes)
                        .map_err(|source| IngestError::BadChange { index, source })?;
                    if facts
                        .author
                        .as_ref()
                        .is_some_and(|named| named.as_slice() != author)
                    {
                        return Err(IngestError::ForgedAuthor { index });
                    }
                    Ok(IncomingChange {
                        document: change.document,
                        hash: facts.hash,
                        actor: facts.actor,
                        bytes: change.bytes,
                    })
                })
                .collect()
        })
        .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::sqlite::SqliteStorage;
    use automerge::transaction::Transactable;
    use automerge::{AutoCommit, ROOT};
    use shared::protocol::change::chunk::{ChunkError, MAX_INFLATED_BYTES};
    use shared::protocol::DocumentId;
    use uuid::Uuid;

    type TestResult = Result<(), Box<dyn std::error::Error>>;

    /// A log in a temporary directory with one workspace and two devices of one user (as the
    /// pushers they are).
    async fn log() -> Result<
        (tempfile::TempDir, SqliteStorage, WorkspaceId, [Pusher; 2]),
        Box<dyn std::error::Error>,
    > {
        let data = tempfile::tempdir()?;
        let storage = SqliteStorage::open_in(data.path()).await?;
        let workspace = WorkspaceId(Uuid::new_v4());
        let user = Uuid::new_v4();
        let devices = [DeviceId(Uuid::new_v4()), DeviceId(Uuid::new_v4())];
        let connection = rusqlite::Connection::open(data.path().join("carnet.sqlite3"))?;
        connection.busy_timeout(std::time::Duration::from_secs(5))?;
        connection.execute(
            "INSERT INTO workspaces (id, name, created_at) VALUES (?1, 'Test', 0)",
            [workspace.to_string()],
        )?;
        connection.execute(
            "INSERT INTO users (id, workspace, email, name, role, password_hash, created_at)
             VALUES (?1, ?2, 'rep@carnet.test', 'Rep', 'rep', 'x', 0)",
            [user.to_string(), workspace.to_string()],
        )?;
        for device in &devices {
            connection.execute(
                "INSERT INTO devices (id, user, name, created_at) VALUES (?1, ?2, 'tablet', 0)",
                [device.0.to_string(), user.to_string()],
            )?;
        }
        let pushers = devices.map(|device| Pusher {
            workspace,
            user: UserId(user),
            device,
        });
        Ok((data, storage, workspace, pushers))
    }

    /// What the test's rep may reach: what they created.
    fn grants_of(pusher: Pusher) -> crate::access::Grants {
        crate::access::Grants {
            user: pusher.user,
            role: crate::identity::Role::Rep,
            people: [pusher.user].into(),
            territories: Default::default(),
        }
    }

    /// One real change that Automerge compresses (a long note), as the device pushes it.
    fn compressed_change(document: &mut AutoCommit) -> Result<Vec<u8>, Box<dyn std::error::Error>> {
        let words: Vec<String> = (0..20_000).map(|index| format!("visite{index}")).collect();
        document.put(ROOT, "notes", words.join(" "))?;
        document.commit();
        let mut change = document.get_last_local_change().ok_or("no change")?;
        Ok(change.bytes().into_owned())
    }

    /// A compressed change chunk whose 1 MiB body inflates to 1 GiB of zeros.
    fn gigabyte_bomb() -> Vec<u8> {
        use flate2::{Compress, Compression, FlushCompress};
        let zeros = vec![0_u8; 8 << 20];
        let mut encoder = Compress::new(Compression::best(), false);
        let mut segment = Vec::with_capacity(1 << 20);
        let mut end = Vec::with_capacity(64);
        let flushed = encoder.compress_vec(&zeros, &mut segment, FlushCompress::Full);
        let finished = encoder.compress_vec(&[], &mut end, FlushCompress::Finish);
        assert!(flushed.is_ok() && finished.is_ok(), "the encoder failed");
        // After a full flush the encoder starts afresh: the segment repeats byte for byte.
        let deflated: Vec<u8> = std::iter::repeat_n(segment.as_slice(), 128)
            .chain([end.as_slice()])
            .flatten()
            .copied()
            .collect();
        let mut chunk = vec![0x85, 0x6f, 0x4a, 0x83, 0, 0, 0, 0, 2];
        let mut length = deflated.len();
        loop {
            let byte = (length & 0x7f) as u8;
            length >>= 7;
            if length == 0 {
                chunk.push(byte);
                break;
            }
            chunk.push(byte | 0x80);
        }
        chunk.extend_from_slice(&deflated);
        chunk
    }

    #[tokio::test]
    async fn a_real_compressed_change_is_stored_under_automerges_hash() -> TestResult {
        let (_data, log, workspace, pushers) = log().await?;
        let mut document = AutoCommit::new();
        let bytes = compressed_change(&mut document)?;
        let hash = automerge::Change::try_from(bytes.as_slice())?.hash().0;
        let change = Change {
            document: DocumentId(Uuid::new_v4()),
            bytes,
        };
        let validators = Validators::new(1);
        let outcome = ingest(
            &log,
            &log,
            &validators,
            pushers[0],
            &grants_of(pushers[0]),
            vec![change.clone()],
            0,
        )
        .await?;
        assert_eq!(outcome.outcome.stored.len(), 1);
        assert_eq!(outcome.outcome.stored[0].change, change);
        let again = ingest(
            &log,
            &log,
            &validators,
            pushers[0],
            &grants_of(pushers[0]),
            vec![change],
            0,
        )
        .await?;
        assert_eq!(again.outcome.duplicates, 1);
        let stored = log
            .document_changes(
                workspace,
                outcome.outcome.stored[0].change.document,
                shared::protocol::Seq(0),
                shared::protocol::Seq(1),
            )
            .await?;
        assert_eq!(
            automerge::Change::try_from(stored[0].as_slice())?.hash().0,
            hash
        );
        Ok(())
    }

    #[tokio::test]
    async fn a_gigabyte_decompression_bomb_is_refused_and_nothing_is_stored() -> TestResult {
        let (_data, log, workspace, pushers) = log().await?;
        let bomb = gigabyte_bomb();
        assert!(bomb.len() < (1 << 20) + (64 << 10), "{} bytes", bomb.len());
        let mut document = AutoCommit::new();
        let valid = Change {
            document: DocumentId(Uuid::new_v4()),
            bytes: compressed_change(&mut document)?,
        };
        let batch = vec![
            valid,
            Change {
                document: DocumentId(Uuid::new_v4()),
                bytes: bomb,
            },
        ];
        let refused = ingest(
            &log,
            &log,
            &Validators::new(1),
            pushers[0],
            &grants_of(pushers[0]),
            batch,
            0,
        )
        .await;
        assert!(
            matches!(
                refused,
                Err(IngestError::BadChange {
                    index: 1,
                    source: ChangeError::Chunk(ChunkError::TooLarge {
                        limit: MAX_INFLATED_BYTES
                    })
                })
            ),
            "{refused:?}"
        );
        assert_eq!(
            refused.map_err(|error| error.code()).err(),
            Some(ErrorCode::BadChange)
        );
        assert_eq!(log.head(workspace).await?, shared::protocol::Seq(0));
        Ok(())
    }

    /// A first change to a new document, made under `author` (raw author bytes, or none).
    fn authored_change(
        author: Option<Vec<u8>>,
        name: &str,
    ) -> Result<Change, Box<dyn std::error::Error>> {
        let mut document = AutoCommit::new();
        document.set_author(author.map(automerge::Author::from));
        document.put(ROOT, "name", name)?;
        document.commit();
        let bytes = document
            .get_last_local_change()
            .ok_or("no change")?
            .raw_bytes()
            .to_vec();
        Ok(Change {
            document: DocumentId(Uuid::new_v4()),
            bytes,
        })
    }

    #[tokio::test]
    async fn a_change_in_another_persons_name_is_refused_and_nothing_of_its_batch_is_stored(
    ) -> TestResult {
        let (_data, log, workspace, pushers) = log().await?;
        let validators = Validators::new(1);
        let mine = authored_change(Some(pushers[0].author().to_vec()), "Dupont")?;
        // The manager's name on this device, and this person's name on the other device.
        let mut manager = pushers[0].author();
        manager[..16].copy_from_slice(Uuid::new_v4().as_bytes());
        for forged in [manager, pushers[1].author()] {
            let batch = vec![
                mine.clone(),
                authored_change(Some(forged.to_vec()), "Forged")?,
            ];
            let refused = ingest(
                &log,
                &log,
                &validators,
                pushers[0],
                &grants_of(pushers[0]),
                batch,
                0,
            )
            .await;
            assert!(
                matches!(refused, Err(IngestError::ForgedAuthor { index: 1 })),
                "{refused:?}"
            );
            assert_eq!(
                refused.map_err(|error| error.code()).err(),
                Some(ErrorCode::Unauthorised)
            );
        }
        assert_eq!(log.head(workspace).await?, shared::protocol::Seq(0));
        Ok(())
    }

    #[tokio::test]
    async fn changes_in_the_pushers_own_name_or_in_nobodys_are_stored() -> TestResult {
        let (_data, log, workspace, pushers) = log().await?;
        let batch = vec![
            authored_change(Some(pushers[1].author().to_vec()), "Dupont")?,
            authored_change(None, "Martin")?,
        ];
        let outcome = ingest(
            &log,
            &log,
            &Validators::new(1),
            pushers[1],
            &grants_of(pushers[1]),
            batch,
            0,
        )
        .await?;
        assert_eq!(outcome.outcome.stored.len(), 2);
        assert_eq!(log.head(workspace).await?, shared::protocol::Seq(2));
        Ok(())
    }

    #[tokio::test]
    async fn a_change_breaking_its_actors_history_is_refused_and_the_document_still_takes_the_next(
    ) -> TestResult {
        let (_data, log, workspace, pushers) = log().await?;
        let validators = Validators::new(1);
        let grants = grants_of(pushers[0]);
        let id = DocumentId(Uuid::new_v4());
        let mut document = AutoCommit::new();
        let mut changes = Vec::new();
        for name in ["Dupont", "Dupond", "Durand"] {
            document.put(ROOT, "name", name)?;
            document.commit();
            changes.push(document.get_last_local_change().ok_or("no change")?);
        }
        let push = |bytes: Vec<u8>| {
            ingest(
                &log,
                &log,
                &validators,
                pushers[0],
                &grants,
                vec![Change {
                    document: id,
                    bytes,
                }],
                0,
            )
        };
        push(changes[0].raw_bytes().to_vec()).await?;
        // The third change before the second: it depends on a change the relay does not hold.
        let early = push(changes[2].raw_bytes().to_vec()).await;
        assert!(
            matches!(
                early,
                Err(IngestError::MissingHistory { ref documents }) if documents == &[id]
            ),
            "{early:?}"
        );
        // The same actor's change numbered 58, depending on its first only: Automerge would
        // crash on it (it asserts an actor's changes come numbered 1, 2, 3 …).
        let mut expanded: automerge::ExpandedChange = changes[1].decode();
        expanded.seq = 58;
        expanded.deps = vec![changes[0].hash()];
        expanded.hash = None;
        let hostile = automerge::Change::from(expanded).raw_bytes().to_vec();
        let refused = push(hostile).await;
        assert!(
            matches!(
                refused,
                Err(IngestError::Unreadable(ReplicaError::ImpossibleHistory {
                    seq: 58
                }))
            ),
            "{refused:?}"
        );
        assert_eq!(
            refused.map_err(|error| error.code()).err(),
            Some(ErrorCode::BadChange)
        );
        assert_eq!(log.head(workspace).await?, shared::protocol::Seq(1));
        // The real second and third changes still go in, in order.
        push(changes[1].raw_bytes().to_vec()).await?;
        push(changes[2].raw_bytes().to_vec()).await?;
        assert_eq!(log.head(workspace).await?, shared::protocol::Seq(3));
        Ok(())
    }

    #[tokio::test]
    async fn another_devices_actor_is_refused_as_foreign() -> TestResult {
        let (_data, log, _workspace, pushers) = log().await?;
        let validators = Validators::new(1);
        let mut document = AutoCommit::new();
        document.put(ROOT, "name", "Dupont")?;
        document.commit();
        let id = DocumentId(Uuid::new_v4());
        let first = document
            .get_last_local_change()
            .ok_or("no change")?
            .raw_bytes()
            .to_vec();
        ingest(
            &log,
            &log,
            &validators,
            pushers[0],
            &grants_of(pushers[0]),
            vec![Change {
                document: id,
                bytes: first,
            }],
            0,
        )
        .await?;
        // The same actor's next change, pushed by the other device.
        document.put(ROOT, "name", "Dupond")?;
        document.commit();
        let second = document
            .get_last_local_change()
            .ok_or("no change")?
            .raw_bytes()
            .to_vec();
        let refused = ingest(
            &log,
            &log,
            &validators,
            pushers[1],
            &grants_of(pushers[1]),
            vec![Change {
                document: id,
                bytes: second,
            }],
            0,
        )
        .await;
        assert!(
            matches!(refused, Err(IngestError::ForeignActor)),
            "{refused:?}"
        );
        assert_eq!(
            refused.map_err(|error| error.code()).err(),
            Some(ErrorCode::Unauthorised)
        );
        Ok(())
    }
}
