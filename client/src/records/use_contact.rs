//! One contact opened for editing: the contact page's view of its document and its edits.

use std::str::FromStr;

use shared::contact::{Contact, ContactChannel};
use shared::field::FieldPath;
use shared::ids::ContactId;
use yew::prelude::*;

use super::use_account::blank_as_none;
use super::use_document::{use_document, DocumentHandle};
use crate::records::contact_view::{contact_view, ContactView};
use crate::records::field_input::{self, InputProblem};
use crate::records::typed_text::TypedText;

/// The open contact and the edits a page can make.
#[derive(Clone, PartialEq)]
pub struct ContactHandle {
    document: DocumentHandle<Contact, ContactView>,
}

/// A text field of a contact edited as a whole value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ContactText {
    /// Given name.
    FirstName,
    /// Family name.
    LastName,
    /// Job title.
    JobTitle,
}

impl ContactHandle {
    /// What to show.
    pub fn view(&self) -> &ContactView {
        self.document.view()
    }

    /// The underlying record handle (history, restore, conflicts, phones and e-mails).
    pub fn document(&self) -> &DocumentHandle<Contact, ContactView> {
        &self.document
    }

    /// Sets a name part or the job title (a name cannot become blank).
    pub fn set_text(&self, field: ContactText, typed: TypedText) -> Result<(), InputProblem> {
        match field {
            ContactText::FirstName | ContactText::LastName => {
                let other_blank = match field {
                    ContactText::FirstName => self.view().last_name.trim().is_empty(),
                    _ => self.view().first_name.trim().is_empty(),
                };
                if other_blank {
                    field_input::required_text(typed.text())?;
                }
            }
            ContactText::JobTitle => {}
        }
        self.document.type_into("edit contact", move |contact| {
            let text = match field {
                ContactText::FirstName => &mut contact.first_name,
                ContactText::LastName => &mut contact.last_name,
                ContactText::JobTitle => &mut contact.job_title,
            };
            *text = typed.onto(text);
        });
        Ok(())
    }

    /// Sets the preferred channel (its stored name; blank clears it).
    pub fn set_channel(&self, channel: String) {
        let channel = blank_as_none(channel).map(|channel| {
            let Ok(channel) = ContactChannel::from_str(&channel);
            channel
        });
        self.document
            .update("change preferred channel", move |contact| {
                contact.preferred_channel = channel;
            });
    }

    /// Records whether the person consents to e-mails (`email`) or calls.
    pub fn set_consent(&self, email: bool, given: bool) {
        self.document.update("change consent", move |contact| {
            if email {
                contact.consent_email = given;
            } else {
                contact.consent_phone = given;
            }
        });
    }

    /// The rep typed into the notes.
    pub fn type_notes(&self, typed: TypedText) {
        self.document.type_text(FieldPath::root("notes"), typed);
    }
}

/// Opens contact `id` from the device and keeps it current.
#[hook]
pub fn use_contact(id: ContactId) -> ContactHandle {
    ContactHandle {
        document: use_document::<Contact, ContactView>(id, contact_view, |error| ContactView {
            loaded: true,
            missing: error.is_none(),
            error,
            ..ContactView::default()
        }),
    }
}
