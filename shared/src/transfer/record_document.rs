//! One imported or merged record's document, whichever its kind, as the client stores it.

use automerge::ChangeHash;

use super::entity::Entity;
use super::row::Candidate;
use crate::account::{AccountDocument, AccountListing};
use crate::contact::ContactDocument;
use crate::deal::DealDocument;
use crate::document::DocumentError;
use crate::edit::Edit;
use crate::ids::{AccountId, ContactId, DealId, ProductId};
use crate::index::{AccountIndexRow, ContactIndexRow, DealIndexRow};
use crate::replica::IndexRow;
use crate::sales::{ProductDocument, ProductIndexRow};

/// An account, contact, deal or product document.
#[derive(Debug)]
pub enum RecordDocument {
    /// An account's document.
    Account(AccountDocument),
    /// A contact's document.
    Contact(ContactDocument),
    /// A deal's document.
    Deal(DealDocument),
    /// A catalogue product's document.
    Product(ProductDocument),
}

/// A document an import created, with the row lists read for it.
#[derive(Debug)]
pub struct CreatedRecord {
    /// The document.
    pub document: RecordDocument,
    /// Its index row, made from the record the document was created from: reading it back from
    /// the document (hydrating it) would cost as much again as a third of building it.
    pub row: IndexRow,
}

impl RecordDocument {
    /// A new document (with a fresh id) holding `candidate`, created as one change by `edit`.
    pub fn create(candidate: &Candidate, edit: &Edit) -> Result<Self, DocumentError> {
        CreatedRecord::create(candidate, edit).map(|created| created.document)
    }

    /// Loads stored bytes as a document of `entity`.
    pub fn load(entity: Entity, bytes: &[u8]) -> Result<Self, DocumentError> {
        Ok(match entity {
            Entity::Account => Self::Account(AccountDocument::load(bytes)?),
            Entity::Contact => Self::Contact(ContactDocument::load(bytes)?),
            Entity::Deal => Self::Deal(DealDocument::load(bytes)?),
            Entity::Product => Self::Product(ProductDocument::load(bytes)?),
        })
    }

    /// The kind of record.
    pub fn entity(&self) -> Entity {
        match self {
            Self::Account(_) => Entity::Account,
            Self::Contact(_) => Entity::Contact,
            Self::Deal(_) => Entity::Deal,
            Self::Product(_) => Entity::Product,
        }
    }

    /// The record's id, as text (the storage key).
    pub fn id(&self) -> String {
        match self {
            Self::Account(document) => document.id().to_string(),
            Self::Contact(document) => document.id().to_string(),
            Self::Deal(document) => document.id().to_string(),
            Self::Product(document) => document.id().to_string(),
        }
    }

    /// The whole document in Automerge's binary format.
    pub fn save(&mut self) -> Vec<u8> {
        match self {
            Self::Account(document) => document.save(),
            Self::Contact(document) => document.save(),
            Self::Deal(document) => document.save(),
            Self::Product(document) => document.save(),
        }
    }

    /// The document's current heads.
    pub fn heads(&mut self) -> Vec<ChangeHash> {
        match self {
            Self::Account(document) => document.heads(),
            Self::Contact(document) => document.heads(),
            Self::Deal(document) => document.heads(),
            Self::Product(document) => document.heads(),
        }
    }

    /// The changes a peer at `heads` lacks (every change for `[]`), for the outbox.
    pub fn changes_since(&mut self, heads: &[ChangeHash]) -> Vec<Vec<u8>> {
        match self {
            Self::Account(document) => document.changes_since(heads),
            Self::Contact(document) => document.changes_since(heads),
            Self::Deal(document) => document.changes_since(heads),
            Self::Product(document) => document.changes_since(heads),
        }
    }
}

impl CreatedRecord {
    /// A new document (with a fresh id) holding `candidate`, created as one change by `edit`,
    /// and its index row.
    pub fn create(candidate: &Candidate, edit: &Edit) -> Result<Self, DocumentError> {
        Ok(match candidate {
            Candidate::Account(account) => {
                let mut document = AccountDocument::new(AccountId::generate(), account, edit)?;
                let listing = AccountListing::from(account);
                let row = AccountIndexRow::from_listing(document.id(), &listing, &document.heads());
                Self {
                    document: RecordDocument::Account(document),
                    row: IndexRow::Account(row),
                }
            }
            Candidate::Contact(contact) => {
                let mut document = ContactDocument::new(ContactId::generate(), contact, edit)?;
                let row = ContactIndexRow::from_contact(document.id(), contact, &document.heads());
                Self {
                    document: RecordDocument::Contact(document),
                    row: IndexRow::Contact(row),
                }
            }
            Candidate::Deal(deal) => {
                let mut document = DealDocument::new(DealId::generate(), deal, edit)?;
                let row = DealIndexRow::from_deal(document.id(), deal, &document.heads());
                Self {
                    document: RecordDocument::Deal(document),
                    row: IndexRow::Deal(row),
                }
            }
            Candidate::Product(product) => {
                let mut document = ProductDocument::new(ProductId::generate(), product, edit)?;
                let row = ProductIndexRow::from_product(document.id(), product, &document.heads());
                Self {
                    document: RecordDocument::Product(document),
                    row: IndexRow::Product(row),
                }
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::Settings;
    use crate::transfer::{ExistingKeys, ImportPlan, ImportRules, Mapping, ReadOptions, Table};

    const FRENCH: &[u8] =
        include_bytes!("../../tests/fixtures/import/french-export-windows-1252.csv");
    const CATALOGUE: &[u8] =
        include_bytes!("../../tests/fixtures/import/catalogue-fournisseur-windows-1252.csv");

    /// The row read back from the document, as storage would otherwise make it.
    fn read_back(document: &mut RecordDocument) -> Result<IndexRow, DocumentError> {
        Ok(match document {
            RecordDocument::Account(account) => IndexRow::Account(account.index_row()),
            RecordDocument::Contact(contact) => IndexRow::Contact(contact.index_row()?),
            RecordDocument::Deal(deal) => IndexRow::Deal(deal.index_row()?),
            RecordDocument::Product(product) => IndexRow::Product(product.index_row()?),
        })
    }

    #[test]
    fn the_row_of_a_created_record_is_the_row_its_document_reads_back(
    ) -> Result<(), Box<dyn std::error::Error>> {
        let edit = Edit {
            editor: None,
            time: 1_700_000_000,
        };
        let rules = ImportRules::from_settings(&Settings::starter());
        let mut compared = 0;
        for (bytes, entities) in [
            (
                FRENCH,
                &[Entity::Account, Entity::Contact, Entity::Deal][..],
            ),
            (CATALOGUE, &[Entity::Product][..]),
        ] {
            let table = Table::read(bytes, &ReadOptions::default())?;
            for entity in entities {
                let mapping = Mapping::guess(*entity, &table.headers);
                let plan = ImportPlan::new(&table, &mapping, &rules, &ExistingKeys::new());
                for candidate in plan.work().creates {
                    let mut created = CreatedRecord::create(&candidate, &edit)?;
                    assert_eq!(created.row, read_back(&mut created.document)?);
                    compared += 1;
                }
            }
        }
        assert!(compared >= 4, "only {compared} records compared");
        Ok(())
    }
}
