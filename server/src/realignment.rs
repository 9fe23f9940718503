//! Territory realignment: after an admin redraws the territories (their départements and
//! postcode prefixes, in the workspace settings), every account whose postcode now falls in
//! another territory is moved there, so its reach follows the new map: the reps of its new
//! territory receive it at their next sync, those of the old one purge it.
//!
//! As for offboarding, the relay writes the edits itself, in the name of the admin who asked and
//! of their device, through the ingest path (validated, checked against the admin's grants,
//! durably appended, then published), in batches. An account whose postcode falls in no
//! territory keeps the one it has (a territory given by hand to an account abroad stays).

use shared::account::Account;
use shared::document::{Document, DocumentError};
use shared::edit::Edit;
use shared::protocol::{Change, DocumentId};
use shared::replica::RecordKind;
use shared::settings::{territory_of_postcode, Settings};

use crate::accounts::AccountsError;
use crate::identity::{Principal, Role};
use crate::ingest::{self, IngestError};
use crate::offboarding::{editor_of, store_edits, HANDOVER_BATCH};
use crate::state::AppState;
use crate::storage::StorageError;

/// Why accounts could not be realigned.
#[derive(Debug, thiserror::Error)]
pub enum RealignmentError {
    /// Refused: not an admin.
    #[error("the realignment is refused")]
    Refused(#[from] AccountsError),
    /// The store failed.
    #[error("the realignment could not read the workspace")]
    Storage(#[from] StorageError),
    /// A document (the settings, or an account) could not be read or edited.
    #[error("document {} could not be read or edited", document.0)]
    Document {
        /// The document.
        document: DocumentId,
        /// Why.
        #[source]
        source: DocumentError,
    },
    /// The edits were not stored (nothing of the failed batch is; earlier batches are).
    #[error("the realignment's edits were not stored")]
    Ingest(#[from] IngestError),
}

/// Moves every account of `principal`'s workspace (an admin's) into the territory its postcode
/// falls in under the current settings; returns how many accounts moved.
pub async fn realign_territories(
    state: &AppState,
    principal: Principal,
) -> Result<usize, RealignmentError> {
    if principal.role != Role::Admin {
        return Err(AccountsError::Forbidden.into());
    }
    let workspace = principal.workspace;
    let grants = state
        .access
        .grants(workspace, principal.user)
        .await?
        .ok_or(AccountsError::Forbidden)?;
    // The settings document's id is the workspace's.
    let settings_id = DocumentId(workspace.0);
    let Some(saved) = ingest::whole_document(
        state.log.as_ref(),
        &state.validators,
        workspace,
        settings_id,
    )
    .await?
    else {
        return Ok(0);
    };
    let settings = Document::<Settings>::load(&saved.bytes)
        .and_then(|document| document.record())
        .map_err(|source| RealignmentError::Document {
            document: settings_id,
            source,
        })?;
    if settings.territories.is_empty() {
        return Ok(0);
    }
    let mut accounts: Vec<DocumentId> = state
        .access
        .record_access(workspace)
        .await?
        .into_iter()
        .filter(|(_, keys)| keys.kind == Some(RecordKind::Account))
        .map(|(document, _)| document)
        .collect();
    accounts.sort();
    let editor = editor_of(principal);
    let mut moved = 0;
    for batch in accounts.chunks(HANDOVER_BATCH) {
        let edit = Edit::by(editor, unix_seconds());
        let mut changes = Vec::new();
        for document in batch {
            let Some(whole) =
                ingest::whole_document(state.log.as_ref(), &state.validators, workspace, *document)
                    .await?
            else {
                continue;
            };
            let bytes = realigned(&whole.bytes, &edit, &settings).map_err(|source| {
                RealignmentError::Document {
                    document: *document,
                    source,
                }
            })?;
            moved += usize::from(!bytes.is_empty());
            changes.extend(bytes.into_iter().map(|bytes| Change {
                document: *document,
                bytes,
            }));
        }
        store_edits(state, principal, &grants, changes, edit.time).await?;
    }
    tracing::info!(%workspace, by = %principal.user, accounts = moved, "territories realigned");
    Ok(moved)
}

/// The changes (bytes) that move the account saved as `saved` into the territory of its postcode;
/// none when it is there already, or its postcode falls in no territory.
fn realigned(
    saved: &[u8],
    edit: &Edit,
    settings: &Settings,
) -> Result<Vec<Vec<u8>>, DocumentError> {
    let mut document = Document::<Account>::load(saved)?;
    let account = document.record()?;
    let Some(postcode) = account
        .display_address()
        .map(|address| address.postcode.clone())
    else {
        return Ok(Vec::new());
    };
    let Some(territory) = territory_of_postcode(&settings.territories, &postcode) else {
        return Ok(Vec::new());
    };
    if account.territory.as_deref() == Some(territory) {
        return Ok(Vec::new());
    }
    let territory = territory.to_owned();
    let before = document.heads();
    document.update(edit, "realign with the redrawn territories", |record| {
        record.territory = Some(territory);
    })?;
    Ok(document.changes_since(&before))
}

fn unix_seconds() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| {
            i64::try_from(elapsed.as_secs()).unwrap_or(i64::MAX)
        })
}
