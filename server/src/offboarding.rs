//! Offboarding: a leaving person's customer base handed to a colleague, so that disabling a rep
//! never leaves their accounts without an owner.
//!
//! Every account and deal the person holds (that names them as owner, or names no owner and was
//! created by them) is given the colleague as owner. The relay writes those edits itself, in the
//! name of the admin who asked and of the device they asked from (the change names them as its
//! author, as an edit made on that device would), and stores them through the same ingest path as
//! a push from that device: validated, checked against the admin's grants, durably appended,
//! then published, so every device concerned receives the new owner and the records move
//! between reaches like any reassignment. Contacts follow their accounts; a contact linked to no
//! account is handed over like an account (it is given an owner). Quotes and orders follow
//! their accounts.

use std::time::Instant;

use shared::account::Account;
use shared::contact::Contact;
use shared::deal::Deal;
use shared::document::{Document, DocumentError};
use shared::edit::{Edit, Editor};
use shared::protocol::{Change, DocumentId};
use shared::record::Record;
use shared::replica::RecordKind;

use crate::accounts::AccountsError;
use crate::hub::Publication;
use crate::identity::{Principal, Role, UserId};
use crate::ingest::{self, IngestError};
use crate::state::AppState;
use crate::storage::StorageError;

/// How many records one stored batch of reassignments covers (each is one small change; the
/// batches keep one ingest, and the memory it folds, bounded).
pub const HANDOVER_BATCH: usize = 100;

/// Why a handover is refused when its colleague is wrong.
pub const HANDOVER_RULE: &str = "records go to another active member of the workspace";

/// Why records could not be handed over.
#[derive(Debug, thiserror::Error)]
pub enum HandoverError {
    /// Refused: not an admin, or the colleague is not an active member (the text says which).
    #[error("the handover is refused")]
    Refused(#[from] AccountsError),
    /// The store failed.
    #[error("the handover could not read the workspace")]
    Storage(#[from] StorageError),
    /// A record's document could not be edited (it stays with its holder).
    #[error("document {} could not be edited", document.0)]
    Document {
        /// The record.
        document: DocumentId,
        /// Why.
        #[source]
        source: DocumentError,
    },
    /// The edits were not stored (nothing of the failed batch is; earlier batches are).
    #[error("the reassignments were not stored")]
    Ingest(#[from] IngestError),
}

/// Gives every account, deal and account-less contact `from` holds to `to`, in the name of `principal` (an admin) and
/// their device; returns how many records changed owner. `to` must be an active member of the
/// workspace other than `from`.
pub async fn hand_over(
    state: &AppState,
    principal: Principal,
    from: UserId,
    to: UserId,
) -> Result<usize, HandoverError> {
    if principal.role != Role::Admin {
        return Err(AccountsError::Forbidden.into());
    }
    let workspace = principal.workspace;
    if to == from || state.access.grants(workspace, to).await?.is_none() {
        return Err(AccountsError::InvalidInput(HANDOVER_RULE).into());
    }
    let grants = state
        .access
        .grants(workspace, principal.user)
        .await?
        .ok_or(AccountsError::Forbidden)?;
    let mut held: Vec<(DocumentId, RecordKind)> = state
        .access
        .record_access(workspace)
        .await?
        .into_iter()
        .filter(|(_, keys)| keys.holder() == Some(from))
        .filter_map(|(document, keys)| match keys.kind {
            Some(kind @ (RecordKind::Account | RecordKind::Deal)) => Some((document, kind)),
            // A contact of an account follows the account; one of no account is held by
            // whoever created (or was given) it, and is handed over like an account.
            Some(RecordKind::Contact) if keys.accounts.is_empty() => {
                Some((document, RecordKind::Contact))
            }
            _ => None,
        })
        .collect();
    held.sort_by_key(|(document, _)| *document);
    let editor = editor_of(principal);
    let owner = shared::ids::UserId::from_bytes(*to.0.as_bytes());
    let mut handed = 0;
    for batch in held.chunks(HANDOVER_BATCH) {
        let edit = Edit::by(editor, unix_seconds());
        let mut changes = Vec::with_capacity(batch.len());
        for (document, kind) in batch {
            let Some(whole) =
                ingest::whole_document(state.log.as_ref(), &state.validators, workspace, *document)
                    .await?
            else {
                continue;
            };
            let bytes = match kind {
                RecordKind::Deal => {
                    reassigned::<Deal>(&whole.bytes, &edit, owner, |deal| &mut deal.owner)
                }
                RecordKind::Contact => {
                    reassigned::<Contact>(&whole.bytes, &edit, owner, |contact| &mut contact.owner)
                }
                _ => {
                    reassigned::<Account>(&whole.bytes, &edit, owner, |account| &mut account.owner)
                }
            }
            .map_err(|source| HandoverError::Document {
                document: *document,
                source,
            })?;
            handed += usize::from(!bytes.is_empty());
            changes.extend(bytes.into_iter().map(|bytes| Change {
                document: *document,
                bytes,
            }));
        }
        store_edits(state, principal, &grants, changes, edit.time).await?;
    }
    tracing::info!(%from, %to, by = %principal.user, records = handed, "records handed over");
    Ok(handed)
}

/// Stores edits the relay made itself in `principal`'s name (an admin, on their device) through
/// the ingest path a push from that device takes (validated, checked against `grants`, durably
/// appended), then publishes them; nothing when there are none.
pub(crate) async fn store_edits(
    state: &AppState,
    principal: Principal,
    grants: &crate::access::Grants,
    changes: Vec<Change>,
    time: i64,
) -> Result<(), IngestError> {
    if changes.is_empty() {
        return Ok(());
    }
    let ingested = ingest::ingest(
        state.log.as_ref(),
        state.access.as_ref(),
        &state.validators,
        principal.into(),
        grants,
        changes,
        time,
    )
    .await?;
    state.hub.publish(
        principal.workspace,
        Publication::entries(
            ingested.outcome.stored,
            Instant::now(),
            ingested.access_changed,
        ),
    );
    Ok(())
}

/// The editor an admin's edits made by the relay name: the admin, on the device they asked from.
pub(crate) fn editor_of(principal: Principal) -> Editor {
    Editor {
        user: shared::ids::UserId::from_bytes(*principal.user.0.as_bytes()),
        device: shared::ids::DeviceId::from_bytes(*principal.device.0.as_bytes()),
    }
}

/// The changes (bytes) that make `owner` the owner of the record saved as `saved`; none when it
/// is already.
fn reassigned<R: Record>(
    saved: &[u8],
    edit: &Edit,
    owner: shared::ids::UserId,
    field: impl FnOnce(&mut R) -> &mut Option<shared::ids::UserId>,
) -> Result<Vec<Vec<u8>>, DocumentError> {
    let mut document = Document::<R>::load(saved)?;
    let before = document.heads();
    document.update(edit, "hand over to a colleague", |record| {
        *field(record) = Some(owner);
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
