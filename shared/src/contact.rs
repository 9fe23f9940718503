//! The contact record (a person) and its document.
//!
//! A contact can belong to several accounts (a set of account ids), so it lives in its own
//! document rather than inside one account's. Names are registers; notes are text; phones and
//! e-mails are maps keyed by id, like the account's.

use std::collections::BTreeMap;

use autosurgeon::{Hydrate, Reconcile, Text};
use serde::{Deserialize, Serialize};

use crate::document::{Document, DocumentError};
use crate::field::FieldPath;
use crate::ids::{ContactId, UserId};
use crate::index::ContactIndexRow;
use crate::record::{named_values, Address, EmailEntry, KeySet, PhoneEntry, Record};
use crate::record_patch::TextFields;
use crate::values::Date;

/// The schema version this build writes into contact documents.
pub const CONTACT_SCHEMA_VERSION: u64 = 1;

named_values!(
    /// How the person prefers to be reached.
    ContactChannel {
        /// By phone.
        Phone => "phone",
        /// By e-mail.
        Email => "email",
        /// In person.
        Visit => "visit",
        /// By text message.
        Sms => "sms",
    }
);

/// A person at one or more accounts.
#[derive(Clone, Debug, PartialEq, Reconcile, Hydrate, Serialize, Deserialize)]
pub struct Contact {
    /// Given name.
    pub first_name: String,
    /// Family name.
    pub last_name: String,
    /// Job title or role.
    #[autosurgeon(missing = "Default::default")]
    pub job_title: String,
    /// Phone numbers by key.
    #[autosurgeon(missing = "Default::default")]
    pub phones: BTreeMap<String, PhoneEntry>,
    /// E-mail addresses by key.
    #[autosurgeon(missing = "Default::default")]
    pub emails: BTreeMap<String, EmailEntry>,
    /// Private address.
    #[autosurgeon(missing = "Default::default")]
    pub private_address: Option<Address>,
    /// Preferred channel.
    #[autosurgeon(missing = "Default::default")]
    pub preferred_channel: Option<ContactChannel>,
    /// Birthday.
    #[autosurgeon(missing = "Default::default")]
    pub birthday: Option<Date>,
    /// Consents to be contacted by e-mail.
    pub consent_email: bool,
    /// Consents to be contacted by phone.
    pub consent_phone: bool,
    /// The accounts (ids) the person belongs to.
    #[autosurgeon(missing = "Default::default")]
    pub accounts: KeySet,
    /// Tags.
    #[autosurgeon(missing = "Default::default")]
    pub tags: KeySet,
    /// Who holds the contact when it belongs to no account (its creator until someone is
    /// named: an offboarding names the colleague taking over). A contact of an account follows
    /// the account.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub owner: Option<UserId>,
    /// Free notes, edited concurrently.
    #[serde(with = "crate::record::text_as_string")]
    pub notes: Text,
}

impl Contact {
    /// A contact with just a name.
    pub fn named(first_name: &str, last_name: &str) -> Self {
        Self {
            first_name: first_name.to_owned(),
            last_name: last_name.to_owned(),
            job_title: String::new(),
            phones: BTreeMap::new(),
            emails: BTreeMap::new(),
            private_address: None,
            preferred_channel: None,
            birthday: None,
            consent_email: false,
            consent_phone: false,
            accounts: KeySet::default(),
            tags: KeySet::default(),
            owner: None,
            notes: Text::with_value(""),
        }
    }

    /// "First Last", trimmed.
    pub fn display_name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
            .trim()
            .to_owned()
    }
}

impl Record for Contact {
    type Id = ContactId;
    const KIND: &'static str = "contact";
    const SCHEMA_VERSION: u64 = CONTACT_SCHEMA_VERSION;
}

/// A contact held as its Automerge document.
pub type ContactDocument = Document<Contact>;

impl Document<Contact> {
    /// The row that lists and search read instead of loading this document.
    pub fn index_row(&mut self) -> Result<ContactIndexRow, DocumentError> {
        let heads = self.heads();
        Ok(ContactIndexRow::from_contact(
            self.id(),
            &self.record()?,
            &heads,
        ))
    }
}

/// Its Automerge texts, for [`crate::record_patch`].
impl TextFields for Contact {
    fn text_fields_mut(&mut self) -> Vec<(FieldPath, &mut Text)> {
        vec![(FieldPath::root("notes"), &mut self.notes)]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::edit::Edit;
    use crate::values::EmailAddress;

    #[test]
    fn a_contact_row_folds_names_and_lists_accounts() -> Result<(), DocumentError> {
        let mut contact = Contact::named("Jérôme", "Lefèvre");
        contact.job_title = "Gérant".to_owned();
        contact.accounts.insert("a1");
        contact.accounts.insert("a2");
        if let Ok(address) = EmailAddress::parse("j.lefevre@orange.fr") {
            contact.emails.insert(
                "work".to_owned(),
                EmailEntry {
                    label: String::new(),
                    address,
                },
            );
        }
        let mut document =
            ContactDocument::new(ContactId::generate(), &contact, &Edit::anonymous(1))?;
        let row = document.index_row()?;
        assert_eq!(row.display_name, "Jérôme Lefèvre");
        assert_eq!(row.sort_name, "lefevre jerome");
        assert!(row.search_terms.contains(&"gerant".to_owned()));
        assert!(row.search_terms.contains(&"orange".to_owned()));
        assert_eq!(row.accounts, vec!["a1", "a2"]);
        Ok(())
    }
}
