//! `ingest_changes`: arbitrary bytes pushed as one change through the relay's real ingest path,
//! `server::ingest::ingest` (validation on the blocking pool, actor binding, the durable append
//! to SQLite in a temporary directory), then folded on a device as the relay would relay them.
//!
//! Refused or stored, nothing may panic; a refusal is always one of the refusals of a change
//! (`BadChange`, `Unreadable`, `ForgedAuthor` for a change naming an author other than the
//! pusher, `Forbidden`, `MissingHistory`), never a failure of the relay; a stored change is
//! stored once (a second push is a duplicate, from either device of the workspace). The input's
//! checksum is set to what its content calls for first, so that the fuzzer reaches the checks
//! past it instead of spending its time on SHA-256.

use std::sync::OnceLock;

use server::access::Grants;
use server::identity::{Role, UserId, WorkspaceId};
use server::ingest::{ingest, IngestError, Pusher, Validators};
use server::storage::sqlite::SqliteStorage;
use server::storage::ChangeLog;
use shared::protocol::change::chunk::expand_change;
use shared::protocol::{Change, DeviceId, DocumentId};
use uuid::Uuid;

/// One relay database for the whole run, with one workspace and two devices of one user.
struct Relay {
    runtime: tokio::runtime::Runtime,
    log: SqliteStorage,
    validators: Validators,
    workspace: WorkspaceId,
    user: UserId,
    devices: [DeviceId; 2],
    document: DocumentId,
    _data: tempfile::TempDir,
}

fn relay() -> &'static Relay {
    static RELAY: OnceLock<Relay> = OnceLock::new();
    RELAY.get_or_init(|| match open() {
        Ok(relay) => relay,
        Err(error) => panic!("the fuzzing relay cannot start: {error}"),
    })
}

fn open() -> Result<Relay, Box<dyn std::error::Error>> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()?;
    let data = tempfile::tempdir()?;
    let log = runtime.block_on(SqliteStorage::open_in(data.path()))?;
    let workspace = WorkspaceId(Uuid::new_v4());
    let user = Uuid::new_v4();
    let devices = [DeviceId(Uuid::new_v4()), DeviceId(Uuid::new_v4())];
    // The people and devices the log's foreign keys name, written as the accounts code does.
    let connection = rusqlite::Connection::open(data.path().join("carnet.sqlite3"))?;
    connection.busy_timeout(std::time::Duration::from_secs(5))?;
    connection.execute(
        "INSERT INTO workspaces (id, name, created_at) VALUES (?1, 'Fuzz', 0)",
        [workspace.to_string()],
    )?;
    connection.execute(
        "INSERT INTO users (id, workspace, email, name, role, password_hash, created_at)
         VALUES (?1, ?2, 'fuzz@carnet.test', 'Fuzz', 'rep', 'x', 0)",
        [user.to_string(), workspace.to_string()],
    )?;
    for device in &devices {
        connection.execute(
            "INSERT INTO devices (id, user, name, created_at) VALUES (?1, ?2, 'fuzz', 0)",
            [device.0.to_string(), user.to_string()],
        )?;
    }
    Ok(Relay {
        runtime,
        log,
        validators: Validators::new(2),
        workspace,
        user: UserId(user),
        devices,
        document: DocumentId(Uuid::new_v4()),
        _data: data,
    })
}

/// `bytes` with the checksum its content calls for, when they are a change chunk at all.
fn sealed(bytes: &[u8]) -> Vec<u8> {
    use sha2::Digest;
    let mut sealed = bytes.to_vec();
    if let Ok(expanded) = expand_change(bytes) {
        // The checksum covers the uncompressed change's type, length and body.
        let hash = sha2::Sha256::digest(expanded.get(8..).unwrap_or_default());
        if let (Some(checksum), Some(first)) = (sealed.get_mut(4..8), hash.get(..4)) {
            checksum.copy_from_slice(first);
        }
    }
    sealed
}

/// Runs one input.
pub fn run(bytes: &[u8]) {
    let relay = relay();
    let bytes = sealed(bytes);
    let push = |device: DeviceId| {
        let change = Change {
            document: relay.document,
            bytes: bytes.clone(),
        };
        let pusher = Pusher {
            workspace: relay.workspace,
            user: relay.user,
            device,
        };
        // A rep reaching only what they created: a change claiming to be the settings, or an
        // account given to someone else, is refused like any hostile change.
        let grants = Grants {
            user: relay.user,
            role: Role::Rep,
            people: [relay.user].into(),
            territories: Default::default(),
        };
        relay.runtime.block_on(ingest(
            &relay.log,
            &relay.log,
            &relay.validators,
            pusher,
            &grants,
            vec![change],
            0,
        ))
    };
    match push(relay.devices[0]) {
        Ok(first) => {
            assert_eq!(
                first.outcome.stored.len() + first.outcome.duplicates as usize,
                1
            );
            for device in relay.devices {
                match push(device) {
                    Ok(again) => {
                        assert!(again.outcome.stored.is_empty() && again.outcome.duplicates == 1)
                    }
                    // A change in the first device's name may not be pushed by the second.
                    Err(IngestError::ForgedAuthor { .. }) if device != relay.devices[0] => {}
                    Err(error) => panic!("a stored change pushed again was refused: {error}"),
                }
            }
            // Devices fold what the relay sends them: that must not panic either.
            let _folded = shared::replica::fold(relay.document, None, [bytes.as_slice()]);
            let head = relay.runtime.block_on(relay.log.head(relay.workspace));
            assert!(head.is_ok_and(|head| head.0 > 0));
        }
        Err(
            IngestError::BadChange { .. }
            | IngestError::ForgedAuthor { .. }
            | IngestError::Unreadable(_)
            | IngestError::Forbidden { .. }
            | IngestError::MissingHistory { .. },
        ) => {}
        Err(error) => panic!("ingest failed other than by refusing the change: {error}"),
    }
}
