//! What makes two records the same company or person, and the keys of what is already stored.
//!
//! Three keys for companies and people: the same SIRET; the same normalised name in the same
//! postcode (accents, case, punctuation and legal forms ignored: "SARL Boulangerie Élevé" is
//! "Boulangerie Eleve S.A.R.L."); the same e-mail address (case ignored). One for products: the
//! same reference, folded ("far-t65-25" is "FAR T65 25"). The caller passes the keys of existing records; this
//! module never reads storage.

use std::collections::HashMap;

use super::row::Candidate;
use crate::account::{Account, MAIN_ADDRESS};
use crate::contact::Contact;
use crate::index::AccountIndexRow;
use crate::sales::ProductIndexRow;
use crate::search::search_terms;
use crate::values::Siret;

/// A key two records share when they are probably the same.
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum DuplicateKey {
    /// The same establishment.
    Siret(Siret),
    /// The same normalised company name in the same postcode.
    NameAndPostcode {
        /// [`normalised_name`] of the name.
        name: String,
        /// The postcode as written (may be empty).
        postcode: String,
    },
    /// The same e-mail address, lower-cased.
    Email(String),
    /// The same product reference, folded ([`folded_reference`]).
    Reference(String),
}

/// What a row duplicates.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum DuplicateOf {
    /// An earlier row of the same file.
    Row {
        /// That row's physical line.
        line: u64,
    },
    /// A stored record.
    Existing {
        /// Its identifier, as text.
        id: String,
    },
}

/// One row found to duplicate something.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Duplicate {
    /// The duplicating row's physical line.
    pub line: u64,
    /// The key it shares.
    pub key: DuplicateKey,
    /// What it duplicates (a stored record is preferred over an earlier row).
    pub of: DuplicateOf,
}

/// The keys of stored records, each with its record's id.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ExistingKeys {
    keys: HashMap<DuplicateKey, String>,
}

impl ExistingKeys {
    /// No stored records.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records `key` as belonging to the record `id` (the first record to claim a key keeps it).
    pub fn insert(&mut self, key: DuplicateKey, id: impl Into<String>) {
        self.keys.entry(key).or_insert_with(|| id.into());
    }

    /// Records every key of a stored account.
    pub fn insert_account(&mut self, id: impl Into<String>, account: &Account) {
        let id = id.into();
        for key in account_keys(account) {
            self.insert(key, id.clone());
        }
    }

    /// Records every key of a stored contact.
    pub fn insert_contact(&mut self, id: impl Into<String>, contact: &Contact) {
        let id = id.into();
        for key in contact_keys(contact) {
            self.insert(key, id.clone());
        }
    }

    /// Records the name-and-postcode key of an account from its index row (rows carry neither
    /// SIRET nor e-mails: pass those with [`ExistingKeys::insert`]).
    pub fn insert_account_row(&mut self, row: &AccountIndexRow) {
        if !row.unreadable {
            self.insert(name_key(&row.name, &row.postcode), row.id.clone());
        }
    }

    /// Records the reference of a stored product from its index row.
    pub fn insert_product_row(&mut self, row: &ProductIndexRow) {
        self.insert(reference_key(&row.reference), row.id.clone());
    }

    /// The record holding `key`, if any.
    pub fn get(&self, key: &DuplicateKey) -> Option<&str> {
        self.keys.get(key).map(String::as_str)
    }

    /// How many keys are known.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Whether no key is known.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }
}

/// A company name reduced to what identifies it: folded words, legal forms and "Ets"-style
/// fillers left out, initials such as "S.A.R.L." joined before they are recognised.
pub fn normalised_name(name: &str) -> String {
    const LEGAL_FORMS: &[&str] = &[
        "sarl",
        "sas",
        "sasu",
        "sa",
        "eurl",
        "sci",
        "snc",
        "scop",
        "scp",
        "selarl",
        "earl",
        "gaec",
        "ei",
        "eirl",
        "ets",
        "etablissements",
        "etabl",
        "ste",
        "societe",
        "cie",
        "compagnie",
        "sarlu",
        "ltd",
        "llc",
        "inc",
        "gmbh",
    ];
    let mut words: Vec<String> = Vec::new();
    let mut initials = String::new();
    for word in search_terms(name) {
        if word.chars().count() == 1 && word.chars().all(char::is_alphabetic) {
            initials.push_str(&word);
            continue;
        }
        if !initials.is_empty() {
            words.push(std::mem::take(&mut initials));
        }
        words.push(word);
    }
    if !initials.is_empty() {
        words.push(initials);
    }
    let kept: Vec<&str> = words
        .iter()
        .map(String::as_str)
        .filter(|word| !LEGAL_FORMS.contains(word))
        .collect();
    if kept.is_empty() {
        words.join(" ")
    } else {
        kept.join(" ")
    }
}

/// The keys of a candidate record, strongest first.
pub(super) fn candidate_keys(candidate: &Candidate) -> Vec<DuplicateKey> {
    match candidate {
        Candidate::Account(account) => account_keys(account),
        Candidate::Contact(contact) => contact_keys(contact),
        Candidate::Deal(_) => Vec::new(),
        Candidate::Product(product) => vec![reference_key(&product.reference)],
    }
}

/// A product reference reduced to what identifies it: folded words (accents, case and
/// punctuation ignored) joined by single spaces.
pub fn folded_reference(reference: &str) -> String {
    search_terms(reference).join(" ")
}

fn reference_key(reference: &str) -> DuplicateKey {
    DuplicateKey::Reference(folded_reference(reference))
}

fn account_keys(account: &Account) -> Vec<DuplicateKey> {
    let mut keys: Vec<DuplicateKey> = account.siret.map(DuplicateKey::Siret).into_iter().collect();
    keys.extend(
        account
            .emails
            .values()
            .map(|entry| DuplicateKey::Email(entry.address.as_str().to_lowercase())),
    );
    let postcode = account
        .addresses
        .get(MAIN_ADDRESS)
        .map_or("", |address| address.postcode.as_str());
    keys.push(name_key(&account.name, postcode));
    keys
}

fn contact_keys(contact: &Contact) -> Vec<DuplicateKey> {
    contact
        .emails
        .values()
        .map(|entry| DuplicateKey::Email(entry.address.as_str().to_lowercase()))
        .collect()
}

fn name_key(name: &str, postcode: &str) -> DuplicateKey {
    DuplicateKey::NameAndPostcode {
        name: normalised_name(name),
        postcode: postcode.split_whitespace().collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn legal_forms_accents_and_punctuation_do_not_make_a_new_company() {
        let expected = "boulangerie eleve";
        for name in [
            "Boulangerie Élevé",
            "SARL Boulangerie Elevé",
            "Boulangerie ÉLEVÉ S.A.R.L.",
            "Ets. Boulangerie-Élevé",
        ] {
            assert_eq!(normalised_name(name), expected, "{name}");
        }
        assert_eq!(normalised_name("S.A.S."), "sas");
        assert_ne!(normalised_name("Boulangerie Martin"), expected);
    }
}
