//! The demo workspace's documents: made by `shared::demo` (realistic, deterministic French data)
//! and appended to the log as if the manager's "demo data" device had pushed them, so every device
//! signing in to the demo workspace syncs them like any colleague's work.

use shared::demo::{DemoData, DemoError, DemoSpec, DocumentChanges, SalesSpec};
use shared::protocol::change::{inspect_change, ChangeError};
use shared::protocol::{DocumentId, Seq};
use uuid::Uuid;

use crate::accounts::demo::{TEAMS, TERRITORIES_OF};
use crate::accounts::AccountsError;
use crate::identity::WorkspaceId;
use crate::state::AppState;
use crate::storage::access::TeamSpec;
use crate::storage::{IncomingChange, StorageError};

/// How many accounts the demo workspace starts with (each with contacts, deals and history).
pub const DEMO_ACCOUNTS: usize = 120;
/// The generator's seed: every demo starts with the same customers.
pub const DEMO_SEED: u64 = 0x00ca_52e7;
/// Changes appended per transaction.
const BATCH: usize = 2_000;

/// Why the demo documents could not be seeded.
#[derive(Debug, thiserror::Error)]
pub enum SeedingError {
    /// The demo people or device are missing.
    #[error("the demo workspace's people are missing")]
    Accounts(#[from] AccountsError),
    /// The generator failed.
    #[error("the demo data could not be generated")]
    Generation(#[from] DemoError),
    /// A generated change did not pass the relay's own validation.
    #[error("a generated change is invalid")]
    Change(#[from] ChangeError),
    /// The log refused the changes.
    #[error("the demo documents could not be stored")]
    Storage(#[from] StorageError),
    /// The generator's task died.
    #[error("the demo documents' access keys could not be derived")]
    Access(#[from] crate::ingest::IngestError),
    #[error("the demo generator failed")]
    Task(#[from] tokio::task::JoinError),
}

/// Seeds the demo workspace's log unless it already has entries, with `accounts` accounts and
/// `sales` (none in the plain demo; benchmarks ask for orders, quotes and activities); returns
/// the changes appended.
pub async fn seed_demo_documents(
    state: &AppState,
    workspace: WorkspaceId,
    now: i64,
    accounts: usize,
    sales: SalesSpec,
) -> Result<usize, SeedingError> {
    if state.log.head(workspace).await? > Seq(0) {
        return Ok(0);
    }
    let seeder = state.accounts.demo_seeder().await?;
    let spec = DemoSpec {
        workspace: Some(shared::ids::WorkspaceId::from_bytes(
            *workspace.0.as_bytes(),
        )),
        seed: DEMO_SEED,
        accounts,
        manager: shared::ids::UserId::from_bytes(*seeder.manager.0.as_bytes()),
        reps: seeder
            .reps
            .iter()
            .map(|rep| shared::ids::UserId::from_bytes(*rep.0.as_bytes()))
            .collect(),
        now,
    };
    let documents =
        tokio::task::spawn_blocking(move || -> Result<Vec<DocumentChanges>, DemoError> {
            let mut data = DemoData::generate(&spec)?;
            data.add_sales(&spec, &sales)?;
            Ok(data.changes())
        })
        .await??;
    let mut appended = 0;
    let mut batch = Vec::with_capacity(BATCH);
    for document in documents {
        let id = DocumentId(Uuid::from_bytes(document.id));
        for bytes in document.changes {
            let facts = inspect_change(&bytes)?;
            batch.push(IncomingChange {
                document: id,
                hash: facts.hash,
                actor: facts.actor,
                bytes,
            });
        }
        if batch.len() >= BATCH {
            appended += append(
                state,
                workspace,
                seeder.device,
                std::mem::take(&mut batch),
                now,
            )
            .await?;
        }
    }
    appended += append(state, workspace, seeder.device, batch, now).await?;
    // Appended straight to the log: their access keys are derived here, as ingest would have.
    crate::ingest::derive_missing_keys(
        state.log.as_ref(),
        state.access.as_ref(),
        &state.validators,
    )
    .await?;
    Ok(appended)
}

/// Gives the demo workspace its teams and the reps their territories (`accounts::demo::TEAMS`,
/// `TERRITORIES_OF`); safe on every start. People an older demo workspace lacks are left out.
pub async fn seed_demo_teams(state: &AppState, workspace: WorkspaceId) -> Result<(), SeedingError> {
    let seeder = state.accounts.demo_seeder().await?;
    let person = |index: &usize| seeder.people.get(*index).copied().flatten();
    for team in TEAMS {
        state
            .access
            .set_team(
                workspace,
                TeamSpec {
                    name: team.name.to_owned(),
                    leads: team.leads.iter().filter_map(person).collect(),
                    members: team.members.iter().filter_map(person).collect(),
                    territories: team.territories.iter().map(|t| (*t).to_owned()).collect(),
                },
            )
            .await?;
    }
    for (index, territories) in TERRITORIES_OF {
        if let Some(user) = person(&index) {
            let territories = territories.iter().map(|t| (*t).to_owned()).collect();
            state
                .access
                .set_territories(workspace, user, territories)
                .await?;
        }
    }
    Ok(())
}

async fn append(
    state: &AppState,
    workspace: WorkspaceId,
    device: shared::protocol::DeviceId,
    batch: Vec<IncomingChange>,
    now: i64,
) -> Result<usize, SeedingError> {
    if batch.is_empty() {
        return Ok(0);
    }
    let outcome = state.log.append(workspace, device, batch, now).await?;
    if outcome.foreign_actor {
        return Err(StorageError::Corrupt("a demo actor already belongs to another device").into());
    }
    Ok(outcome.stored.len())
}
