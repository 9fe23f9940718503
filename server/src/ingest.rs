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

use std::sync::Arc;

use shared::protocol::change::{inspect_change, ChangeError};
use shared::protocol::{Change, DeviceId, ErrorCode};
use tokio::sync::Semaphore;

use crate::identity::{Principal, UserId, WorkspaceId};
use crate::storage::{AppendOutcome, ChangeLog, IncomingChange, StorageError};

/// The bounded pool validation runs on: at most this many batches are validated at once.
#[derive(Clone, Debug)]
pub struct Validators {
    slots: Arc<Semaphore>,
}

impl Validators {
    /// A pool validating at most `parallel` batches at once (at least one).
    pub fn new(parallel: usize) -> Self {
        Self {
            slots: Arc::new(Semaphore::new(parallel.max(1))),
        }
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
            Self::BadChange { .. } => ErrorCode::BadChange,
            Self::ForeignActor | Self::ForgedAuthor { .. } => ErrorCode::Unauthorised,
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

/// Validates `changes` off the async workers, then appends them to the pusher's workspace log in
/// one durable transaction, binding their unknown actors to its device. Nothing is stored unless
/// every change is valid, names no author but the pusher (a change naming none is the device's
/// own, made before anyone signed in), no actor belongs to another device and the quotas hold.
pub async fn ingest(
    log: &dyn ChangeLog,
    validators: &Validators,
    pusher: Pusher,
    changes: Vec<Change>,
    received_at: i64,
) -> Result<AppendOutcome, IngestError> {
    let incoming = validate(validators, pusher.author(), changes).await?;
    let outcome = log
        .append(pusher.workspace, pusher.device, incoming, received_at)
        .await?;
    if outcome.foreign_actor {
        return Err(IngestError::ForeignActor);
    }
    if outcome.quota_exceeded {
        return Err(IngestError::QuotaExceeded);
    }
    Ok(outcome)
}

/// Parses and checks every change on the blocking pool, holding one of the pool's permits.
async fn validate(
    validators: &Validators,
    author: [u8; 32],
    changes: Vec<Change>,
) -> Result<Vec<IncomingChange>, IngestError> {
    let permit = validators
        .slots
        .clone()
        .acquire_owned()
        .await
        .map_err(|_closed| IngestError::Validation(None))?;
    tokio::task::spawn_blocking(move || {
        let _permit = permit;
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
    .map_err(|error| IngestError::Validation(Some(error)))?
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
        let outcome = ingest(&log, &validators, pushers[0], vec![change.clone()], 0).await?;
        assert_eq!(outcome.stored.len(), 1);
        assert_eq!(outcome.stored[0].change, change);
        let again = ingest(&log, &validators, pushers[0], vec![change], 0).await?;
        assert_eq!(again.duplicates, 1);
        let stored = log
            .document_changes(
                workspace,
                outcome.stored[0].change.document,
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
        let refused = ingest(&log, &Validators::new(1), pushers[0], batch, 0).await;
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
            let refused = ingest(&log, &validators, pushers[0], batch, 0).await;
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
        let outcome = ingest(&log, &Validators::new(1), pushers[1], batch, 0).await?;
        assert_eq!(outcome.stored.len(), 2);
        assert_eq!(log.head(workspace).await?, shared::protocol::Seq(2));
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
            &validators,
            pushers[0],
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
            &validators,
            pushers[1],
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
