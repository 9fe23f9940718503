//! What the contact page shows of one contact: plain data derived from its document.

use std::rc::Rc;

use crate::state::problem::Problem;

use shared::contact::Contact;

use super::record_view::{email_points, phone_points, ContactPoint, FieldConflict, RecordSnapshot};

/// What the contact page shows.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ContactView {
    /// Whether the document was read.
    pub loaded: bool,
    /// Whether this device has no such contact.
    pub missing: bool,
    /// "First Last".
    pub display_name: String,
    /// Given name.
    pub first_name: String,
    /// Family name.
    pub last_name: String,
    /// Job title.
    pub job_title: String,
    /// Phone numbers with `tel:` links.
    pub phones: Vec<ContactPoint>,
    /// E-mail addresses with `mailto:` links.
    pub emails: Vec<ContactPoint>,
    /// The accounts (ids) the person belongs to.
    pub accounts: Vec<String>,
    /// Preferred channel (stored name), or empty.
    pub preferred_channel: String,
    /// Consents to e-mail.
    pub consent_email: bool,
    /// Consents to phone calls.
    pub consent_phone: bool,
    /// Tags.
    pub tags: Vec<String>,
    /// The notes.
    pub notes: String,
    /// Fields holding concurrent values.
    pub conflicts: Vec<Rc<FieldConflict>>,
    /// The last save or load problem, in plain words.
    pub error: Option<Problem>,
}

/// The contact page's view of `snapshot`, given the last save problem.
pub fn contact_view(snapshot: &RecordSnapshot<Contact>, error: Option<&Problem>) -> ContactView {
    let Ok(contact) = &snapshot.record else {
        return ContactView {
            loaded: true,
            error: Some(Problem::new("problem-record-too-new")),
            ..ContactView::default()
        };
    };
    ContactView {
        loaded: true,
        missing: false,
        display_name: contact.display_name(),
        first_name: contact.first_name.clone(),
        last_name: contact.last_name.clone(),
        job_title: contact.job_title.clone(),
        phones: phone_points(&contact.phones),
        emails: email_points(&contact.emails),
        accounts: contact.accounts.iter().map(str::to_owned).collect(),
        preferred_channel: contact
            .preferred_channel
            .as_ref()
            .map(|channel| channel.as_str().to_owned())
            .unwrap_or_default(),
        consent_email: contact.consent_email,
        consent_phone: contact.consent_phone,
        tags: contact.tags.iter().map(str::to_owned).collect(),
        notes: contact.notes.as_str().to_owned(),
        conflicts: snapshot.conflicts.clone(),
        error: error.cloned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::contact::Contact;
    use shared::contact::ContactDocument;
    use shared::edit::Edit;
    use shared::ids::ContactId;

    #[test]
    fn a_contact_view_names_the_person_and_lists_their_accounts(
    ) -> Result<(), Box<dyn std::error::Error>> {
        let mut contact = Contact::named("Jérôme", "Lefèvre");
        contact.accounts.insert("a1");
        let document = ContactDocument::new(ContactId::generate(), &contact, &Edit::anonymous(1))?;
        let view = contact_view(&RecordSnapshot::of_document(&document), None);
        assert_eq!(view.display_name, "Jérôme Lefèvre");
        assert_eq!(view.accounts, vec!["a1"]);
        assert!(view.conflicts.is_empty());
        Ok(())
    }
}
