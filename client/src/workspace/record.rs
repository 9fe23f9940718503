//! Which record a command, an effect or a subscription is about: its kind and its id, parsed
//! once at the edge into the shared newtypes; and what crosses the worker bridge about one open
//! record: its content as plain data ([`RecordData`]), the edits a page sends
//! ([`RecordEdit`]) and the change ids history speaks of ([`ChangeId`]). Nothing here reads or
//! writes a record.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use shared::account::Account;
use shared::contact::Contact;
use shared::deal::Deal;
use shared::field::FieldPath;
use shared::ids::{
    AccountId, ContactId, DealId, Identifier, OrderId, ProductId, QuoteId, WorkspaceId,
};
use shared::record::Record;
use shared::record_patch::RecordPatch;
use shared::replica::RecordKind;
use shared::sales::{Order, Product, Quote};
use shared::settings::Settings;

use crate::state::problem::Problem;

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
    /// A catalogue product.
    Product(ProductId),
    /// One version of a quote.
    Quote(QuoteId),
    /// An order.
    Order(OrderId),
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
    /// Every catalogue product's row.
    Products,
}

impl RecordRef {
    /// The record of kind `kind` whose id is these 16 bytes (a document id read from storage).
    pub fn of_kind(kind: RecordKind, bytes: [u8; 16]) -> Self {
        match kind {
            RecordKind::Account => Self::Account(AccountId::from_bytes(bytes)),
            RecordKind::Contact => Self::Contact(ContactId::from_bytes(bytes)),
            RecordKind::Deal => Self::Deal(DealId::from_bytes(bytes)),
            RecordKind::Settings => Self::Settings(WorkspaceId::from_bytes(bytes)),
            RecordKind::Product => Self::Product(ProductId::from_bytes(bytes)),
            RecordKind::Quote => Self::Quote(QuoteId::from_bytes(bytes)),
            RecordKind::Order => Self::Order(OrderId::from_bytes(bytes)),
        }
    }

    /// The list this record's index row belongs to (`None` for settings, which have no row,
    /// and for quotes and orders, read per account).
    pub fn list(self) -> Option<ListKind> {
        match self {
            Self::Account(_) => Some(ListKind::Accounts),
            Self::Contact(_) => Some(ListKind::Contacts),
            Self::Deal(_) => Some(ListKind::Deals),
            Self::Product(_) => Some(ListKind::Products),
            Self::Settings(_) | Self::Quote(_) | Self::Order(_) => None,
        }
    }

    /// The record's kind.
    pub fn kind(self) -> RecordKind {
        match self {
            Self::Account(_) => RecordKind::Account,
            Self::Contact(_) => RecordKind::Contact,
            Self::Deal(_) => RecordKind::Deal,
            Self::Settings(_) => RecordKind::Settings,
            Self::Product(_) => RecordKind::Product,
            Self::Quote(_) => RecordKind::Quote,
            Self::Order(_) => RecordKind::Order,
        }
    }

    /// The record's 16 id bytes (its document id on the device and the relay).
    pub fn id_bytes(self) -> [u8; 16] {
        match self {
            Self::Account(id) => *id.as_bytes(),
            Self::Contact(id) => *id.as_bytes(),
            Self::Deal(id) => *id.as_bytes(),
            Self::Settings(id) => *id.as_bytes(),
            Self::Product(id) => *id.as_bytes(),
            Self::Quote(id) => *id.as_bytes(),
            Self::Order(id) => *id.as_bytes(),
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
            Self::Product(id) => write!(formatter, "product {id}"),
            Self::Quote(id) => write!(formatter, "quote {id}"),
            Self::Order(id) => write!(formatter, "order {id}"),
        }
    }
}

/// One record's content as the worker sends it to the page: plain data, hydrated from its
/// document in the worker (the page never holds an Automerge document).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum RecordData {
    /// An account.
    Account(Account),
    /// A contact.
    Contact(Contact),
    /// A deal.
    Deal(Deal),
    /// The workspace's settings.
    Settings(Settings),
    /// A catalogue product.
    Product(Product),
    /// A quote version.
    Quote(Quote),
    /// An order.
    Order(Order),
}

/// A record kind the page can open: its plain data in and out of [`RecordData`], and its name
/// for the service.
pub trait OpenableRecord: Record + Clone + Serialize + DeserializeOwned + 'static {
    /// This record as bridge data.
    fn into_data(self) -> RecordData;
    /// The record in `data`, when it is of this kind.
    fn from_data(data: RecordData) -> Option<Self>;
    /// The service's name for record `id` of this kind.
    fn reference(id: Self::Id) -> RecordRef;
}

macro_rules! openable {
    ($record:ident, $id:ident) => {
        impl OpenableRecord for $record {
            fn into_data(self) -> RecordData {
                RecordData::$record(self)
            }

            fn from_data(data: RecordData) -> Option<Self> {
                match data {
                    RecordData::$record(record) => Some(record),
                    _ => None,
                }
            }

            fn reference(id: Self::Id) -> RecordRef {
                RecordRef::$record($id::from_bytes(id.to_bytes()))
            }
        }
    };
}

openable!(Account, AccountId);
openable!(Contact, ContactId);
openable!(Deal, DealId);
openable!(Settings, WorkspaceId);
openable!(Product, ProductId);
openable!(Quote, QuoteId);
openable!(Order, OrderId);

/// One change of a record's history, by its hash (Automerge's, as bytes: the page does not link
/// Automerge).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ChangeId(pub [u8; 32]);

/// An edit a page asks of an open record; the worker applies it to the record's document as it
/// is then (colleagues' changes included) and saves the change through the one save queue.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum RecordEdit {
    /// What the page changed between the copy it was shown and its edited copy (a 3-way
    /// patch: fields it did not change keep their current values), described as `message` in
    /// the record's history.
    Patch {
        /// The history's description (`rename`, `change stage`…).
        message: String,
        /// The changes.
        patch: RecordPatch,
    },
    /// The text field at `path` read `base` on the page and now reads `text`: what was typed
    /// is merged into the text as it is then (another tab's keystrokes stored meanwhile are
    /// kept) and written as one splice, so a colleague's concurrent typing is kept too.
    Text {
        /// The field.
        path: FieldPath,
        /// The text the page typed on (`None`: unknown to the page, the text is written as it
        /// reads).
        base: Option<String>,
        /// Its whole new text.
        text: String,
    },
    /// Resolves the concurrent values of the field at `path` by keeping the one that reads
    /// `chosen` (as the page shows values).
    Choose {
        /// The field.
        path: FieldPath,
        /// The value kept.
        chosen: String,
    },
    /// Creates the record with this content (nothing to do when the device already has it:
    /// record ids are fresh random ids, so that is this creation replayed).
    Create {
        /// The new record, of the kind its reference names.
        data: Box<RecordData>,
    },
    /// The field at `path` gets back its value as of change `at` (a new change).
    Restore {
        /// The field.
        path: FieldPath,
        /// The change whose value comes back.
        at: ChangeId,
    },
}

/// A field holding values two reps set concurrently, and the values to choose from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FieldConflict {
    /// The field.
    pub path: FieldPath,
    /// The values, the one shown now first, as they read.
    pub values: Vec<String>,
    /// Who set each value (same order as `values`), when the change names its author.
    #[serde(default)]
    pub editors: Vec<Option<shared::edit::Editor>>,
}

impl FieldConflict {
    /// The element id of this conflict's choice group: `name-conflict`,
    /// `addresses-main-city-conflict`.
    pub fn element_id(&self) -> String {
        format!("{}-conflict", self.path.segments().join("-"))
    }
}

/// What the worker sends of one open record: its data (or why it cannot be shown) and its
/// conflicted fields.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RecordContent {
    /// The record, or why it cannot be shown (a newer version of the app wrote it).
    pub record: Result<Box<RecordData>, Problem>,
    /// Its conflicted fields.
    pub conflicts: Vec<FieldConflict>,
}
