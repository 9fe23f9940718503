//! What one device keeps of a record it received: its Automerge bytes folded together with new
//! bytes from the relay (log entries or compacted snapshots), the record's kind, and the index
//! row lists read.
//!
//! The device stores documents of every kind side by side and learns a document's kind from the
//! document itself, so this module is the one place that dispatches on it. It does no IO: stored
//! bytes and received bytes in, new bytes and a row out.
//!
//! Bytes reach Automerge only after [`check_inflation`] has bounded what each of their chunks
//! inflates to (the relay's bytes, and the stored ones, which keep what the relay sent), and
//! changes only through [`Sequences::load`], which refuses the histories Automerge would crash on.

mod edit_rules;
mod sequences;

use automerge::{AutoCommit, ReadDoc, Value, ROOT};

use crate::account::AccountDocument;
use crate::contact::ContactDocument;
use crate::deal::DealDocument;
use crate::document::DocumentError;
use crate::index::{AccountIndexRow, ContactIndexRow, DealIndexRow};
use crate::protocol::change::chunk::{check_inflation, ChunkError};
use crate::protocol::DocumentId;
use crate::sales::{
    OrderDocument, OrderIndexRow, ProductDocument, ProductIndexRow, QuoteDocument, QuoteIndexRow,
};

pub use self::edit_rules::judge as judge_edit_rules;
pub use self::sequences::{Missing, Sequences};

/// The kinds of record a workspace holds, as stored in each document's `kind` key (and in a
/// backup's manifest).
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum RecordKind {
    /// A customer company (with its activities and tasks).
    Account,
    /// A person.
    Contact,
    /// A sales opportunity.
    Deal,
    /// The workspace's settings.
    Settings,
    /// A catalogue product or service.
    Product,
    /// One version of a quote (devis).
    Quote,
    /// An order (bon de commande).
    Order,
}

impl RecordKind {
    /// The name stored in documents.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Account => "account",
            Self::Contact => "contact",
            Self::Deal => "deal",
            Self::Settings => "settings",
            Self::Product => "product",
            Self::Quote => "quote",
            Self::Order => "order",
        }
    }

    /// The kind stored as `name` (as `Record::KIND` spells it); `None` for a kind this version
    /// does not know.
    pub fn from_name(name: &str) -> Option<Self> {
        [
            Self::Account,
            Self::Contact,
            Self::Deal,
            Self::Settings,
            Self::Product,
            Self::Quote,
            Self::Order,
        ]
        .into_iter()
        .find(|kind| kind.as_str() == name)
    }
}

impl std::fmt::Display for RecordKind {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(self.as_str())
    }
}

/// The row a document contributes to the device's index.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum IndexRow {
    /// An account's row.
    Account(AccountIndexRow),
    /// A contact's row.
    Contact(ContactIndexRow),
    /// A deal's row.
    Deal(DealIndexRow),
    /// A catalogue product's row.
    Product(ProductIndexRow),
    /// A quote version's row.
    Quote(QuoteIndexRow),
    /// An order's row.
    Order(OrderIndexRow),
    /// No row: settings, or a document whose kind or content is not known yet (its first change
    /// has not arrived, or a newer version wrote it).
    None,
}

impl IndexRow {
    /// The id the row names, when there is a row.
    pub fn id(&self) -> Option<&str> {
        match self {
            Self::Account(row) => Some(&row.id),
            Self::Contact(row) => Some(&row.id),
            Self::Deal(row) => Some(&row.id),
            Self::Product(row) => Some(&row.id),
            Self::Quote(row) => Some(&row.id),
            Self::Order(row) => Some(&row.id),
            Self::None => None,
        }
    }

    /// The kind of record the row lists, when there is a row.
    pub fn kind(&self) -> Option<RecordKind> {
        match self {
            Self::Account(_) => Some(RecordKind::Account),
            Self::Contact(_) => Some(RecordKind::Contact),
            Self::Deal(_) => Some(RecordKind::Deal),
            Self::Product(_) => Some(RecordKind::Product),
            Self::Quote(_) => Some(RecordKind::Quote),
            Self::Order(_) => Some(RecordKind::Order),
            Self::None => None,
        }
    }
}

/// What a device keeps beside a document's bytes, derived from them by [`describe`]: enough to
/// list, search and store the record without parsing it. The relay derives it when it compacts a
/// document and sends it with the snapshot, so a new device stores snapshots without Automerge.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Summary {
    /// The record's kind, once known.
    pub kind: Option<RecordKind>,
    /// Its index row.
    pub row: IndexRow,
    /// The document's heads (hex change hashes).
    pub heads: Vec<String>,
}

impl Summary {
    /// Whether this summary can describe the document `document`: its row names that document
    /// and is of the summary's kind. A device folds the bytes itself when it cannot.
    pub fn fits(&self, document: DocumentId) -> bool {
        let names_document = self
            .row
            .id()
            .is_none_or(|id| id.parse::<uuid::Uuid>().ok() == Some(document.0));
        let kind_agrees = self.row.kind().is_none_or(|kind| self.kind == Some(kind));
        names_document && kind_agrees
    }

    /// The summary as the relay stores it beside a snapshot: the postcard form it has on the
    /// wire in this protocol version.
    pub fn encode(&self) -> Result<Vec<u8>, SummaryError> {
        Ok(postcard::to_allocvec(self)?)
    }

    /// Reads a summary [`Summary::encode`] wrote (postcard allocates no more than `bytes` hold).
    pub fn decode(bytes: &[u8]) -> Result<Self, SummaryError> {
        Ok(postcard::from_bytes(bytes)?)
    }
}

/// Why a summary could not be encoded or decoded.
#[derive(Debug, thiserror::Error)]
#[error("a document summary is not readable or writable")]
pub struct SummaryError(#[from] postcard::Error);

/// Why received bytes could not be folded into a document.
#[derive(Debug, thiserror::Error)]
pub enum ReplicaError {
    /// The stored or received bytes are not Automerge data.
    #[error("a document's bytes are not readable")]
    Unreadable(#[source] Box<automerge::AutomergeError>),
    /// The stored or received bytes were refused before Automerge read them (a chunk would
    /// inflate past the cap, or is not an Automerge chunk).
    #[error("a document's bytes were refused")]
    Refused(#[from] ChunkError),
    /// A change would break its actor's numbering (it is not its actor's next change, or names
    /// an author though it is not its actor's first): Automerge would crash on it.
    #[error("a change numbered {seq} does not follow its actor's history")]
    ImpossibleHistory {
        /// The change's sequence number.
        seq: u64,
    },
    /// A pushed change depends on changes the document does not hold.
    #[error("a change depends on changes the document does not hold")]
    MissingHistory,
    /// A pushed change breaks its record kind's edit rules as its author saw the record (it
    /// rewrites a sent quote, an order's lines…).
    #[error("a change breaks its record's edit rules")]
    EditRefused(#[source] crate::record::RefusedChange),
    /// The document names another id than the one it is stored under.
    #[error("document {} holds the record {found}", expected.0)]
    WrongDocument {
        /// The id it is stored under.
        expected: DocumentId,
        /// The id it holds.
        found: String,
    },
}

/// A document after new bytes were folded in.
#[derive(Debug)]
pub struct Folded {
    /// The record's kind, once known.
    pub kind: Option<RecordKind>,
    /// The document's index row.
    pub row: IndexRow,
    /// The document's heads (hex change hashes) after folding.
    pub heads: Vec<String>,
    /// Whether the received bytes brought anything the stored document lacked (an echo of
    /// this device's own changes, or a page delivered twice, brings nothing).
    pub grew: bool,
    /// The document, to save or to append the received bytes to.
    pub automerge: AutoCommit,
    /// Who made the changes [`fold`] added (each person and device once, in the order first
    /// met), as far as the changes name their author; empty when nothing was added.
    pub editors: Vec<crate::edit::Editor>,
}

impl Folded {
    /// The kind, row and heads, to keep beside the document's bytes.
    pub fn summary(&self) -> Summary {
        Summary {
            kind: self.kind,
            row: self.row.clone(),
            heads: self.heads.clone(),
        }
    }
}

/// Folds `received` (log entries' change bytes or snapshots, in any order and with duplicates)
/// into the document stored as `stored` (saved bytes, optionally followed by incremental chunks;
/// `None` when the device has never seen the document), and derives its index row.
pub fn fold<B: AsRef<[u8]>>(
    document: DocumentId,
    stored: Option<&[u8]>,
    received: impl IntoIterator<Item = B>,
) -> Result<Folded, ReplicaError> {
    let mut automerge = open(stored)?;
    let before = automerge.get_heads();
    let mut sequences = Sequences::default();
    for bytes in received {
        sequences.load(&mut automerge, bytes.as_ref(), Missing::Queue)?;
    }
    let grew = automerge.get_heads() != before;
    let editors = if grew {
        editors_after(&mut automerge, &before)
    } else {
        Vec::new()
    };
    let mut folded = describe(document, automerge)?;
    folded.grew = grew;
    folded.editors = editors;
    Ok(folded)
}

/// Who made the changes `automerge` holds beyond `before` (its heads earlier): each named
/// editor once, in the order first met.
fn editors_after(
    automerge: &mut AutoCommit,
    before: &[automerge::ChangeHash],
) -> Vec<crate::edit::Editor> {
    let mut editors = Vec::new();
    for change in automerge.get_changes_meta(before) {
        if let Some(editor) = change
            .author
            .as_ref()
            .and_then(crate::edit::Editor::from_author)
        {
            if !editors.contains(&editor) {
                editors.push(editor);
            }
        }
    }
    editors
}

/// Folds `changes`, single changes made on this device (each one change's bytes), into the
/// document stored as `stored`, and says which of them (by index, in order) it did not hold
/// yet. A save handed over twice (a worker that died before answering, then the same save
/// replayed) stores its changes once: the ones already held are neither applied nor queued
/// for the relay again.
pub fn fold_local<B: AsRef<[u8]>>(
    document: DocumentId,
    stored: Option<&[u8]>,
    changes: &[B],
) -> Result<(Folded, Vec<usize>), ReplicaError> {
    let mut automerge = open(stored)?;
    let before = automerge.get_heads();
    let mut sequences = Sequences::default();
    let mut fresh = Vec::with_capacity(changes.len());
    for (index, bytes) in changes.iter().enumerate() {
        let bytes = bytes.as_ref();
        check_inflation(bytes)?;
        // A change that does not parse alone is applied (and its error reported) as received.
        let held = automerge::Change::from_bytes(bytes.to_vec())
            .ok()
            .is_some_and(|change| automerge.get_change_by_hash(&change.hash()).is_some());
        if !held {
            sequences.load(&mut automerge, bytes, Missing::Queue)?;
            fresh.push(index);
        }
    }
    let grew = automerge.get_heads() != before;
    let mut folded = describe(document, automerge)?;
    folded.grew = grew;
    Ok((folded, fresh))
}

fn unreadable(error: automerge::AutomergeError) -> ReplicaError {
    ReplicaError::Unreadable(Box::new(error))
}

/// The stored document (saved bytes, optionally followed by incremental chunks), or an empty one
/// for a document never seen.
pub fn open(stored: Option<&[u8]>) -> Result<AutoCommit, ReplicaError> {
    match stored {
        Some(bytes) => {
            check_inflation(bytes)?;
            AutoCommit::load(bytes).map_err(unreadable)
        }
        None => Ok(AutoCommit::new()),
    }
}

/// The kind, row and heads of the document `automerge`, stored under `document`.
pub fn describe(document: DocumentId, mut automerge: AutoCommit) -> Result<Folded, ReplicaError> {
    let heads = automerge
        .get_heads()
        .iter()
        .map(ToString::to_string)
        .collect();
    if let Some(found) = root_text(&automerge, "id") {
        if found != document.0.to_string() {
            return Err(ReplicaError::WrongDocument {
                expected: document,
                found,
            });
        }
    }
    let kind = root_text(&automerge, "kind").and_then(|kind| RecordKind::from_name(&kind));
    let (row, automerge) = match kind {
        Some(RecordKind::Account) => row_of(automerge, |mut account: AccountDocument| {
            (IndexRow::Account(account.index_row()), account)
        }),
        Some(RecordKind::Contact) => row_of(automerge, |mut contact: ContactDocument| {
            let row = contact
                .index_row()
                .map_or(IndexRow::None, IndexRow::Contact);
            (row, contact)
        }),
        Some(RecordKind::Deal) => row_of(automerge, |mut deal: DealDocument| {
            let row = deal.index_row().map_or(IndexRow::None, IndexRow::Deal);
            (row, deal)
        }),
        Some(RecordKind::Product) => row_of(automerge, |mut product: ProductDocument| {
            let row = product
                .index_row()
                .map_or(IndexRow::None, IndexRow::Product);
            (row, product)
        }),
        Some(RecordKind::Quote) => row_of(automerge, |mut quote: QuoteDocument| {
            let row = quote.index_row().map_or(IndexRow::None, IndexRow::Quote);
            (row, quote)
        }),
        Some(RecordKind::Order) => row_of(automerge, |mut order: OrderDocument| {
            let row = order.index_row().map_or(IndexRow::None, IndexRow::Order);
            (row, order)
        }),
        Some(RecordKind::Settings) | None => (IndexRow::None, automerge),
    };
    Ok(Folded {
        kind,
        row,
        heads,
        grew: true,
        automerge,
        editors: Vec::new(),
    })
}

/// Wraps `automerge` as a typed document to derive its row; a document that does not wrap
/// (its id key is missing so far) has no row yet.
fn row_of<R: crate::record::Record>(
    automerge: AutoCommit,
    derive: impl FnOnce(crate::document::Document<R>) -> (IndexRow, crate::document::Document<R>),
) -> (IndexRow, AutoCommit) {
    // `from_automerge` consumes the document; a clone is cheap next to hydrating it, and only
    // taken for the rare document that fails to wrap.
    match crate::document::Document::<R>::from_automerge(automerge.clone()) {
        Ok(document) => {
            let (row, mut document) = derive(document);
            let automerge = std::mem::take(document.automerge_mut());
            (row, automerge)
        }
        Err(DocumentError::WrongKind { .. } | DocumentError::MissingId) => {
            (IndexRow::None, automerge)
        }
        Err(_) => (IndexRow::None, automerge),
    }
}

fn root_text(automerge: &AutoCommit, key: &str) -> Option<String> {
    match automerge.get(ROOT, key) {
        Ok(Some((Value::Scalar(scalar), _))) => scalar.as_str().map(str::to_owned),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::account::AccountDraft;
    use crate::contact::Contact;
    use crate::edit::Edit;
    use crate::ids::{AccountId, ContactId};

    fn draft(name: &str) -> AccountDraft {
        AccountDraft {
            name: name.to_owned(),
            city: "Lyon".to_owned(),
            postcode: String::new(),
        }
    }

    #[test]
    fn a_new_document_folded_from_its_changes_gives_its_account_row(
    ) -> Result<(), Box<dyn std::error::Error>> {
        let id = AccountId::generate();
        let mut account = AccountDocument::create(id, &draft("Boulangerie Élevé"), 1)?;
        let changes = account.changes_since(&[]);
        let folded = fold(
            DocumentId(uuid::Uuid::from_bytes(*id.as_bytes())),
            None,
            &changes,
        )?;
        assert_eq!(folded.kind, Some(RecordKind::Account));
        let IndexRow::Account(row) = folded.row else {
            return Err("no account row".into());
        };
        assert_eq!(row.name, "Boulangerie Élevé");
        assert_eq!(row.city, "Lyon");
        Ok(())
    }

    #[test]
    fn folding_a_colleagues_edit_into_stored_bytes_updates_the_row(
    ) -> Result<(), Box<dyn std::error::Error>> {
        let id = AccountId::generate();
        let mut mine = AccountDocument::create(id, &draft("Fromagerie"), 1)?;
        let stored = mine.save();
        let mut theirs = mine.fork();
        let before = theirs.heads();
        theirs.update(&Edit::anonymous(2), "rename", |account| {
            account.name = "Fromagerie Dupont".into();
        })?;
        let received = theirs.changes_since(&before);
        let folded = fold(
            DocumentId(uuid::Uuid::from_bytes(*id.as_bytes())),
            Some(&stored),
            &received,
        )?;
        let IndexRow::Account(row) = folded.row else {
            return Err("no account row".into());
        };
        assert_eq!(row.name, "Fromagerie Dupont");
        assert_eq!(folded.heads, vec![theirs.heads()[0].to_string()]);
        assert!(folded.grew);
        let echo = fold(
            DocumentId(uuid::Uuid::from_bytes(*id.as_bytes())),
            Some(&theirs.save()),
            &received,
        )?;
        assert!(!echo.grew, "bytes the document already holds bring nothing");
        Ok(())
    }

    #[test]
    fn folding_names_the_colleagues_whose_changes_it_added(
    ) -> Result<(), Box<dyn std::error::Error>> {
        let id = AccountId::generate();
        let document = DocumentId(uuid::Uuid::from_bytes(*id.as_bytes()));
        let mut mine = AccountDocument::create(id, &draft("Fromagerie"), 1)?;
        let stored = mine.save();
        let rachida = crate::edit::Editor {
            user: crate::ids::UserId::generate(),
            device: crate::ids::DeviceId::generate(),
        };
        let mut theirs = mine.fork();
        let before = theirs.heads();
        for (time, name) in [(2, "Fromagerie Dupont"), (3, "Fromagerie Dupont & fils")] {
            theirs.update(&Edit::by(rachida, time), "rename", |account| {
                account.name = name.into();
            })?;
        }
        theirs.update(&Edit::anonymous(4), "migrate", |account| {
            account.name = "Fromagerie Dupont et fils".into();
        })?;
        let received = theirs.changes_since(&before);
        let folded = fold(document, Some(&stored), &received)?;
        assert_eq!(
            folded.editors,
            vec![rachida],
            "named once; the anonymous change names nobody"
        );
        let echo = fold(document, Some(&theirs.save()), &received)?;
        assert!(echo.editors.is_empty());
        Ok(())
    }

    #[test]
    fn a_local_save_handed_over_twice_folds_only_the_changes_the_document_lacks(
    ) -> Result<(), Box<dyn std::error::Error>> {
        let id = AccountId::generate();
        let document = DocumentId(uuid::Uuid::from_bytes(*id.as_bytes()));
        let mut account = AccountDocument::create(id, &draft("Cave Martin"), 1)?;
        let stored = account.save();
        let before = account.heads();
        account.update(&Edit::anonymous(2), "rename", |account| {
            account.name = "Cave Martin & fils".into();
        })?;
        account.update(&Edit::anonymous(3), "website", |account| {
            account.website = Some("cave-martin.fr".into());
        })?;
        let first = account.changes_since(&before);
        assert_eq!(first.len(), 2);
        let (folded, fresh) = fold_local(document, Some(&stored), &first)?;
        assert_eq!(fresh, vec![0, 1], "a first save holds none of its changes");
        assert!(folded.grew);
        // The worker stored the save and died before answering; the page hands it over again,
        // with one more change made meanwhile.
        let mut folded_document = folded.automerge;
        let stored_after = folded_document.save();
        let between = account.heads();
        account.update(&Edit::anonymous(4), "rename again", |account| {
            account.name = "Cave Martin et fils".into();
        })?;
        let mut again = first;
        again.extend(account.changes_since(&between));
        let (replayed, fresh) = fold_local(document, Some(&stored_after), &again)?;
        assert_eq!(fresh, vec![2], "only the change made since is new");
        let IndexRow::Account(row) = replayed.row else {
            return Err("no account row".into());
        };
        assert_eq!(row.name, "Cave Martin et fils");
        let (echo, fresh) = fold_local(document, Some(&replayed.automerge.clone().save()), &again)?;
        assert!(
            fresh.is_empty() && !echo.grew,
            "a save stored whole brings nothing"
        );
        Ok(())
    }

    #[test]
    fn a_snapshot_and_duplicate_changes_fold_to_the_same_document(
    ) -> Result<(), Box<dyn std::error::Error>> {
        let id = ContactId::generate();
        let mut contact =
            ContactDocument::new(id, &Contact::named("Élodie", "Martin"), &Edit::anonymous(1))?;
        let snapshot = contact.save();
        let changes = contact.changes_since(&[]);
        let folded = fold(
            DocumentId(uuid::Uuid::from_bytes(*id.as_bytes())),
            None,
            [
                snapshot.as_slice(),
                changes[0].as_slice(),
                snapshot.as_slice(),
            ],
        )?;
        assert_eq!(folded.kind, Some(RecordKind::Contact));
        assert!(
            matches!(folded.row, IndexRow::Contact(ref row) if row.display_name == "Élodie Martin")
        );
        Ok(())
    }

    #[test]
    fn a_document_stored_under_another_id_is_refused() -> Result<(), Box<dyn std::error::Error>> {
        let mut account = AccountDocument::create(AccountId::generate(), &draft("A"), 1)?;
        let other = DocumentId(uuid::Uuid::from_bytes(*AccountId::generate().as_bytes()));
        let refused = fold(other, None, account.changes_since(&[]));
        assert!(matches!(refused, Err(ReplicaError::WrongDocument { .. })));
        Ok(())
    }

    #[test]
    fn garbage_bytes_are_refused_not_a_panic() {
        let refused = fold(
            DocumentId(uuid::Uuid::from_bytes(*AccountId::generate().as_bytes())),
            None,
            [b"not automerge".as_slice()],
        );
        assert!(matches!(
            refused,
            Err(ReplicaError::Refused(ChunkError::Malformed))
        ));
    }

    #[test]
    fn a_received_decompression_bomb_is_refused_before_automerge_inflates_it() {
        use crate::protocol::change::chunk::{compressed_chunk, deflate_bomb, MAX_INFLATED_BYTES};
        let bomb = compressed_chunk(&deflate_bomb(128));
        let id = DocumentId(uuid::Uuid::from_bytes(*AccountId::generate().as_bytes()));
        let refused = fold(id, None, [bomb.as_slice()]);
        assert!(matches!(
            refused,
            Err(ReplicaError::Refused(ChunkError::TooLarge {
                limit: MAX_INFLATED_BYTES
            }))
        ));
        let stored = fold(id, Some(&bomb), Vec::<Vec<u8>>::new());
        assert!(matches!(
            stored,
            Err(ReplicaError::Refused(ChunkError::TooLarge { .. }))
        ));
    }

    #[test]
    fn large_documents_with_deflated_columns_and_compressed_changes_still_fold(
    ) -> Result<(), Box<dyn std::error::Error>> {
        let id = AccountId::generate();
        let mut account = AccountDocument::create(id, &draft("Cave à vins"), 1)?;
        let notes: Vec<String> = (0..4_000).map(|index| format!("note{index}")).collect();
        account.splice_text(
            &Edit::anonymous(2),
            &crate::field::FieldPath::root("notes"),
            0,
            0,
            &notes.join(" "),
        )?;
        let changes = account.changes_since(&[]);
        assert!(
            changes.iter().any(|change| change.get(8) == Some(&2)),
            "no compressed change to test with"
        );
        let snapshot = account.save();
        let document = DocumentId(uuid::Uuid::from_bytes(*id.as_bytes()));
        let from_snapshot = fold(document, Some(&snapshot), Vec::<Vec<u8>>::new())?;
        let from_changes = fold(document, None, changes)?;
        assert_eq!(from_snapshot.heads, from_changes.heads);
        assert_eq!(from_changes.heads, vec![account.heads()[0].to_string()]);
        let IndexRow::Account(row) = from_changes.row else {
            return Err("no account row".into());
        };
        assert_eq!(row.name, "Cave à vins");
        Ok(())
    }
}
