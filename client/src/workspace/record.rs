//! Which record a command, an effect or a subscription is about: its kind and its id, parsed
//! once at the edge into the shared newtypes. Nothing here reads or writes a record.

use serde::{Deserialize, Serialize};
use shared::ids::{AccountId, ContactId, DealId, WorkspaceId};
use shared::replica::RecordKind;

/// One record of the workspace, by kind and id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum RecordRef {
    /// An account (with its activities and tasks).
    Account(AccountId),
    /// A contact.
    Contact(ContactId),
    /// A deal.
    Deal(DealId),
    /// The workspace's settings document (pipeline stages, currency).
    Settings(WorkspaceId),
}

/// A list of index rows of one kind (what lists and search read).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum ListKind {
    /// Every account's row.
    Accounts,
    /// Every contact's row.
    Contacts,
    /// Every deal's row.
    Deals,
}

impl RecordRef {
    /// The record of kind `kind` whose id is these 16 bytes (a document id read from storage).
    pub fn of_kind(kind: RecordKind, bytes: [u8; 16]) -> Self {
        match kind {
            RecordKind::Account => Self::Account(AccountId::from_bytes(bytes)),
            RecordKind::Contact => Self::Contact(ContactId::from_bytes(bytes)),
            RecordKind::Deal => Self::Deal(DealId::from_bytes(bytes)),
            RecordKind::Settings => Self::Settings(WorkspaceId::from_bytes(bytes)),
        }
    }

    /// The list this record's index row belongs to (`None` for settings, which have no row).
    pub fn list(self) -> Option<ListKind> {
        match self {
            Self::Account(_) => Some(ListKind::Accounts),
            Self::Contact(_) => Some(ListKind::Contacts),
            Self::Deal(_) => Some(ListKind::Deals),
            Self::Settings(_) => None,
        }
    }

    /// The record's 16 id bytes (its document id on the device and the relay).
    pub fn id_bytes(self) -> [u8; 16] {
        match self {
            Self::Account(id) => *id.as_bytes(),
            Self::Contact(id) => *id.as_bytes(),
            Self::Deal(id) => *id.as_bytes(),
            Self::Settings(id) => *id.as_bytes(),
        }
    }
}

impl std::fmt::Display for RecordRef {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Account(id) => write!(formatter, "account {id}"),
            Self::Contact(id) => write!(formatter, "contact {id}"),
            Self::Deal(id) => write!(formatter, "deal {id}"),
            Self::Settings(id) => write!(formatter, "settings {id}"),
        }
    }
}
