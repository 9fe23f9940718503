//! Contacts written as vCard 4.0: CRLF line ends, lines folded at 75 octets, text escaped.

use super::{escape, FOLD_AT};
use crate::contact::Contact;
use crate::ids::ContactId;
use crate::transfer::csv_export::is_mobile;

/// One contact to export, with the name of its company when the caller knows it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct VcardContact<'a> {
    /// The contact's id (written as the card's `UID`).
    pub id: ContactId,
    /// The contact.
    pub contact: &'a Contact,
    /// The company's name, for `ORG`.
    pub organisation: Option<&'a str>,
}

/// The contacts as one vCard 4.0 file (one card each, in order).
pub fn contacts_to_vcard<'a>(contacts: impl IntoIterator<Item = VcardContact<'a>>) -> String {
    let mut file = String::new();
    for card in contacts {
        write_card(&mut file, &card);
    }
    file
}

fn write_card(file: &mut String, card: &VcardContact<'_>) {
    let contact = card.contact;
    let mut line = |text: String| push_folded(file, &text);
    line("BEGIN:VCARD".to_owned());
    line("VERSION:4.0".to_owned());
    line(format!("UID:urn:uuid:{}", card.id));
    line(format!("FN:{}", escape(&contact.display_name())));
    line(format!(
        "N:{};{};;;",
        escape(&contact.last_name),
        escape(&contact.first_name)
    ));
    if let Some(organisation) = card.organisation.filter(|name| !name.is_empty()) {
        line(format!("ORG:{}", escape(organisation)));
    }
    if !contact.job_title.is_empty() {
        line(format!("TITLE:{}", escape(&contact.job_title)));
    }
    for entry in contact.phones.values() {
        let kind = if is_mobile(entry) { "cell" } else { "voice" };
        line(format!(
            "TEL;VALUE=uri;TYPE={kind}:tel:{}",
            entry.number.as_e164()
        ));
    }
    for entry in contact.emails.values() {
        let label = entry.label.to_lowercase();
        let kind = match label.as_str() {
            "home" | "perso" | "personnel" | "domicile" => ";TYPE=home",
            "work" | "pro" | "travail" | "bureau" => ";TYPE=work",
            _ => "",
        };
        line(format!("EMAIL{kind}:{}", entry.address));
    }
    if let Some(birthday) = contact.birthday {
        line(format!(
            "BDAY:{:04}{:02}{:02}",
            birthday.year(),
            birthday.month(),
            birthday.day()
        ));
    }
    if let Some(address) = &contact.private_address {
        line(format!(
            "ADR;TYPE=home:;;{};{};;{};{}",
            escape(&address.street),
            escape(&address.city),
            escape(&address.postcode),
            escape(&address.country)
        ));
    }
    let tags: Vec<String> = contact.tags.iter().map(escape).collect();
    if !tags.is_empty() {
        line(format!("CATEGORIES:{}", tags.join(",")));
    }
    if !contact.notes.as_str().is_empty() {
        line(format!("NOTE:{}", escape(contact.notes.as_str())));
    }
    line("END:VCARD".to_owned());
}

/// Appends `text` as one content line, folded so no physical line exceeds 75 octets (a
/// continuation's leading space counts), never splitting a UTF-8 character.
fn push_folded(file: &mut String, text: &str) {
    let mut budget = FOLD_AT;
    let mut used = 0;
    for character in text.chars() {
        let width = character.len_utf8();
        if used + width > budget {
            file.push_str("\r\n ");
            used = 1;
            budget = FOLD_AT;
        }
        file.push(character);
        used += width;
    }
    file.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lines_fold_at_75_octets_without_splitting_characters() {
        let mut file = String::new();
        let text = format!("NOTE:{}", "é".repeat(60));
        push_folded(&mut file, &text);
        for line in file.split("\r\n").filter(|line| !line.is_empty()) {
            assert!(line.len() <= 75, "{} octets: {line}", line.len());
        }
        let unfolded = file.replace("\r\n ", "");
        assert_eq!(unfolded, format!("{text}\r\n"));
    }
}
