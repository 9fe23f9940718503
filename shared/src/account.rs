//! The account record as an Automerge document.
//!
//! One document per account: the document is the unit of history, merge and sync. This module is
//! the only place that knows the account's document layout.

use automerge::transaction::{CommitOptions, Transactable};
use automerge::{AutoCommit, ObjType, ReadDoc, ScalarValue, Value, ROOT};

use crate::ids::AccountId;
use crate::index::AccountIndexRow;
use crate::search::search_terms;

/// The schema version this build writes into new account documents.
pub const ACCOUNT_SCHEMA_VERSION: u64 = 1;

const KEY_KIND: &str = "kind";
const KEY_SCHEMA: &str = "schema";
const KEY_ID: &str = "id";
const KEY_NAME: &str = "name";
const KEY_CITY: &str = "city";
const KIND_ACCOUNT: &str = "account";

/// What a rep types to create an account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccountDraft {
    /// The company's name, as the rep calls it.
    pub name: String,
    /// The city of the company's main address.
    pub city: String,
}

/// Why a draft or a stored document is not an account.
#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    /// The name is empty once trimmed.
    #[error("an account needs a name")]
    MissingName,
    /// The bytes are not an Automerge document.
    #[error("the stored document is not readable")]
    Unreadable(#[source] automerge::AutomergeError),
    /// The document is readable but is not an account document.
    #[error("the document is not an account: {0}")]
    NotAnAccount(&'static str),
    /// Automerge refused an edit.
    #[error("the account could not be edited")]
    Edit(#[source] automerge::AutomergeError),
}

/// An account held as its Automerge document.
#[derive(Debug)]
pub struct AccountDocument {
    id: AccountId,
    document: AutoCommit,
}

impl AccountDocument {
    /// Creates a new account document from a draft, as one change made at `time` (Unix seconds).
    pub fn create(id: AccountId, draft: &AccountDraft, time: i64) -> Result<Self, AccountError> {
        let name = draft.name.trim();
        if name.is_empty() {
            return Err(AccountError::MissingName);
        }
        let mut document = AutoCommit::new();
        let put = |document: &mut AutoCommit, key: &str, value: ScalarValue| {
            document.put(ROOT, key, value).map_err(AccountError::Edit)
        };
        put(&mut document, KEY_KIND, KIND_ACCOUNT.into())?;
        put(
            &mut document,
            KEY_SCHEMA,
            ScalarValue::Uint(ACCOUNT_SCHEMA_VERSION),
        )?;
        put(&mut document, KEY_ID, id.to_string().into())?;
        put(&mut document, KEY_NAME, name.into())?;
        put(&mut document, KEY_CITY, draft.city.trim().into())?;
        document.commit_with(
            CommitOptions::default()
                .with_message("create account")
                .with_time(time),
        );
        Ok(Self { id, document })
    }

    /// Loads an account document from the bytes `save` produced (or any Automerge encoding).
    pub fn load(bytes: &[u8]) -> Result<Self, AccountError> {
        let document = AutoCommit::load(bytes).map_err(AccountError::Unreadable)?;
        if read_string(&document, KEY_KIND).as_deref() != Some(KIND_ACCOUNT) {
            return Err(AccountError::NotAnAccount("its kind is not \"account\""));
        }
        let id = read_string(&document, KEY_ID)
            .and_then(|text| text.parse::<AccountId>().ok())
            .ok_or(AccountError::NotAnAccount("it has no valid id"))?;
        Ok(Self { id, document })
    }

    /// The whole document, compressed, as Automerge's standard binary format.
    pub fn save(&mut self) -> Vec<u8> {
        self.document.save()
    }

    /// The account's identifier.
    pub fn id(&self) -> AccountId {
        self.id
    }

    /// The account's name.
    pub fn name(&self) -> String {
        read_string(&self.document, KEY_NAME).unwrap_or_default()
    }

    /// The city of the account's main address.
    pub fn city(&self) -> String {
        read_string(&self.document, KEY_CITY).unwrap_or_default()
    }

    /// The row that lists and search read instead of loading this document.
    pub fn index_row(&mut self) -> AccountIndexRow {
        let name = self.name();
        let city = self.city();
        let mut terms = search_terms(&name);
        terms.extend(search_terms(&city));
        terms.sort();
        terms.dedup();
        AccountIndexRow {
            id: self.id.to_string(),
            sort_name: search_terms(&name).join(" "),
            name,
            city,
            search_terms: terms,
            heads: self
                .document
                .get_heads()
                .iter()
                .map(ToString::to_string)
                .collect(),
        }
    }
}

/// Reads a string register at the document's root; `None` when absent or of another type.
fn read_string(document: &AutoCommit, key: &str) -> Option<String> {
    match document.get(ROOT, key) {
        Ok(Some((Value::Scalar(scalar), _))) => scalar.as_str().map(str::to_owned),
        Ok(Some((Value::Object(ObjType::Text), id))) => document.text(id).ok(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft(name: &str, city: &str) -> AccountDraft {
        AccountDraft {
            name: name.to_owned(),
            city: city.to_owned(),
        }
    }

    #[test]
    fn a_created_account_survives_save_and_load() -> Result<(), AccountError> {
        let id = AccountId::generate();
        let mut created = AccountDocument::create(id, &draft("Boulangerie Élevé", "Lyon"), 1)?;
        let loaded = AccountDocument::load(&created.save())?;
        assert_eq!(loaded.id(), id);
        assert_eq!(loaded.name(), "Boulangerie Élevé");
        assert_eq!(loaded.city(), "Lyon");
        Ok(())
    }

    #[test]
    fn an_account_without_a_name_is_refused() {
        let result = AccountDocument::create(AccountId::generate(), &draft("  ", "Lyon"), 1);
        assert!(matches!(result, Err(AccountError::MissingName)));
    }

    #[test]
    fn garbage_bytes_are_not_an_account() {
        assert!(AccountDocument::load(b"not automerge").is_err());
    }

    #[test]
    fn the_index_row_carries_accent_free_terms() -> Result<(), AccountError> {
        let mut account =
            AccountDocument::create(AccountId::generate(), &draft("Élevé SARL", "Orléans"), 1)?;
        let row = account.index_row();
        assert_eq!(row.search_terms, vec!["eleve", "orleans", "sarl"]);
        assert_eq!(row.heads.len(), 1);
        Ok(())
    }
}
