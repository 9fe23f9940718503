//! Phone numbers and e-mail addresses of any record that has them (accounts, contacts), edited
//! through its `DocumentHandle`: a value is written only once it parses, under a new key when
//! it is added, so two reps adding numbers concurrently keep both.

use std::collections::BTreeMap;

use shared::account::Account;
use shared::contact::Contact;
use shared::record::{EmailEntry, PhoneEntry};
use uuid::Uuid;

use super::use_document::DocumentHandle;
use crate::records::field_input::{self, InputProblem};
use crate::workspace::record::OpenableRecord;

/// A record with phone numbers and e-mail addresses.
pub trait Reachable: OpenableRecord {
    /// Its phone numbers by key.
    fn phones_mut(&mut self) -> &mut BTreeMap<String, PhoneEntry>;
    /// Its e-mail addresses by key.
    fn emails_mut(&mut self) -> &mut BTreeMap<String, EmailEntry>;
}

impl Reachable for Account {
    fn phones_mut(&mut self) -> &mut BTreeMap<String, PhoneEntry> {
        &mut self.phones
    }

    fn emails_mut(&mut self) -> &mut BTreeMap<String, EmailEntry> {
        &mut self.emails
    }
}

impl Reachable for Contact {
    fn phones_mut(&mut self) -> &mut BTreeMap<String, PhoneEntry> {
        &mut self.phones
    }

    fn emails_mut(&mut self) -> &mut BTreeMap<String, EmailEntry> {
        &mut self.emails
    }
}

impl<R: Reachable + 'static, V: Clone + PartialEq + 'static> DocumentHandle<R, V> {
    /// The phone number under `key` (a new one when `None`) now reads `text`, if it is one.
    pub fn set_phone(&self, key: Option<String>, text: &str) -> Result<(), InputProblem> {
        let number = field_input::phone(text)?;
        let key = key.unwrap_or_else(new_key);
        self.update("change phone", move |record| {
            let phones = record.phones_mut();
            match phones.get_mut(&key) {
                Some(entry) => entry.number = number,
                None => {
                    phones.insert(
                        key,
                        PhoneEntry {
                            label: String::new(),
                            number,
                        },
                    );
                }
            }
        });
        Ok(())
    }

    /// The e-mail address under `key` (a new one when `None`) now reads `text`, if it is one.
    pub fn set_email(&self, key: Option<String>, text: &str) -> Result<(), InputProblem> {
        let address = field_input::email(text)?;
        let key = key.unwrap_or_else(new_key);
        self.update("change e-mail", move |record| {
            let emails = record.emails_mut();
            match emails.get_mut(&key) {
                Some(entry) => entry.address = address,
                None => {
                    emails.insert(
                        key,
                        EmailEntry {
                            label: String::new(),
                            address,
                        },
                    );
                }
            }
        });
        Ok(())
    }

    /// Removes the phone number under `key`.
    pub fn remove_phone(&self, key: String) {
        self.update("remove phone", move |record| {
            record.phones_mut().remove(&key);
        });
    }

    /// Removes the e-mail address under `key`.
    pub fn remove_email(&self, key: String) {
        self.update("remove e-mail", move |record| {
            record.emails_mut().remove(&key);
        });
    }
}

fn new_key() -> String {
    Uuid::new_v4().simple().to_string()
}
