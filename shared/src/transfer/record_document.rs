//! One imported or merged record's document, whichever its kind, as the client stores it.

use automerge::ChangeHash;

use super::entity::Entity;
use super::row::Candidate;
use crate::account::AccountDocument;
use crate::contact::ContactDocument;
use crate::deal::DealDocument;
use crate::document::DocumentError;
use crate::edit::Edit;
use crate::ids::{AccountId, ContactId, DealId, ProductId};
use crate::sales::ProductDocument;

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

impl RecordDocument {
    /// A new document (with a fresh id) holding `candidate`, created as one change by `edit`.
    pub fn create(candidate: &Candidate, edit: &Edit) -> Result<Self, DocumentError> {
        Ok(match candidate {
            Candidate::Account(account) => {
                Self::Account(AccountDocument::new(AccountId::generate(), account, edit)?)
            }
            Candidate::Contact(contact) => {
                Self::Contact(ContactDocument::new(ContactId::generate(), contact, edit)?)
            }
            Candidate::Deal(deal) => Self::Deal(DealDocument::new(DealId::generate(), deal, edit)?),
            Candidate::Product(product) => {
                Self::Product(ProductDocument::new(ProductId::generate(), product, edit)?)
            }
        })
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
