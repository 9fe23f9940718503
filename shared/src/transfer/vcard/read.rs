//! vCard files (3.0, 4.0, and 2.1's quoted-printable) read into contacts, one row per card.
//!
//! Each card becomes a [`ValidatedRow`] at the line of its `BEGIN:VCARD`, validated by the same
//! value types as a CSV row, so cards go through the same duplicate checks and import plan.
//! Unknown properties are ignored; only a file that holds no card, or a card never ended, is
//! refused whole.

use std::collections::BTreeMap;

use autosurgeon::Text;

use super::{split_unescaped, unescape};
use crate::contact::Contact;
use crate::ids::EntryId;
use crate::record::{Address, AddressKind, EmailEntry, PhoneEntry};
use crate::transfer::row::{Candidate, RowProblem, ValidatedRow, MOBILE_LABEL};
use crate::transfer::sniff::TextEncoding;
use crate::transfer::Field;
use crate::values::{Date, EmailAddress, PhoneNumber};

/// Why a file cannot be read as vCards. Each has a stable [`VcardError::code`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum VcardError {
    /// No bytes, or only blank lines.
    #[error("the file is empty")]
    Empty,
    /// No `BEGIN:VCARD` anywhere.
    #[error("the file holds no vCard")]
    NotVcard,
    /// A card that starts and never ends.
    #[error("line {line}: the card that starts here has no END:VCARD")]
    Unterminated {
        /// The line of its `BEGIN:VCARD`.
        line: u64,
    },
}

impl VcardError {
    /// A stable identifier of the error, for the UI and for logs.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Empty => "empty_file",
            Self::NotVcard => "not_vcard",
            Self::Unterminated { .. } => "unterminated_card",
        }
    }
}

/// One unfolded content line.
struct Property {
    /// The physical line it starts on.
    line: u64,
    /// Upper-cased name, without its group (`item1.EMAIL` is `EMAIL`).
    name: String,
    /// Upper-cased parameter names with their values (a bare `CELL` is `TYPE=CELL`).
    parameters: Vec<(String, String)>,
    /// The raw (still escaped) value.
    value: String,
}

/// Reads every card of a `.vcf` file.
pub fn read_vcards(bytes: &[u8]) -> Result<Vec<ValidatedRow>, VcardError> {
    let encoding = if std::str::from_utf8(bytes).is_ok() {
        TextEncoding::Utf8WithBom
    } else {
        TextEncoding::Windows1252
    };
    let text = encoding.decode(bytes);
    if text.trim().is_empty() {
        return Err(VcardError::Empty);
    }
    let mut cards = Vec::new();
    let mut current: Option<(u64, Vec<Property>)> = None;
    for property in unfold(&text)
        .into_iter()
        .filter_map(|(line, text)| parse(line, &text))
    {
        match (property.name.as_str(), &mut current) {
            ("BEGIN", None) if property.value.eq_ignore_ascii_case("VCARD") => {
                current = Some((property.line, Vec::new()));
            }
            ("BEGIN", Some((line, _))) if property.value.eq_ignore_ascii_case("VCARD") => {
                return Err(VcardError::Unterminated { line: *line });
            }
            ("END", Some(_)) if property.value.eq_ignore_ascii_case("VCARD") => {
                if let Some((line, properties)) = current.take() {
                    cards.push(card(line, &properties));
                }
            }
            (_, Some((_, properties))) => properties.push(property),
            (_, None) => {}
        }
    }
    if let Some((line, _)) = current {
        return Err(VcardError::Unterminated { line });
    }
    if cards.is_empty() {
        return Err(VcardError::NotVcard);
    }
    Ok(cards)
}

/// Joins folded lines (a line starting with a space or tab continues the previous one) and
/// quoted-printable soft breaks (a line ending in `=`), keeping each content line's first line.
fn unfold(text: &str) -> Vec<(u64, String)> {
    let mut lines: Vec<(u64, String)> = Vec::new();
    let mut soft_break = false;
    for (number, physical) in (1..).zip(text.lines()) {
        let physical = physical.strip_suffix('\r').unwrap_or(physical);
        let previous = lines.last_mut();
        match previous {
            Some((_, content)) if soft_break => {
                content.pop();
                content.push_str(physical);
            }
            Some((_, content)) if physical.starts_with([' ', '\t']) => {
                content.push_str(&physical[1..]);
            }
            _ if physical.trim().is_empty() => {}
            _ => lines.push((number, physical.to_owned())),
        }
        soft_break = lines
            .last()
            .is_some_and(|(_, content)| content.ends_with('=') && is_quoted_printable(content));
    }
    lines
}

fn is_quoted_printable(content: &str) -> bool {
    content
        .split_once(':')
        .is_some_and(|(head, _)| head.to_ascii_uppercase().contains("QUOTED-PRINTABLE"))
}

/// Splits a content line into name, parameters and value; `None` for a line with no colon.
fn parse(line: u64, text: &str) -> Option<Property> {
    let mut in_quotes = false;
    let colon = text.char_indices().find_map(|(index, character)| {
        match character {
            '"' => in_quotes = !in_quotes,
            ':' if !in_quotes => return Some(index),
            _ => {}
        }
        None
    })?;
    let (head, value) = (&text[..colon], &text[colon + 1..]);
    let mut parts = head.split(';');
    let name = parts.next()?;
    let name = name.rsplit('.').next().unwrap_or(name).to_ascii_uppercase();
    let parameters: Vec<(String, String)> = parts
        .map(|parameter| match parameter.split_once('=') {
            Some((key, value)) => (key.to_ascii_uppercase(), value.trim_matches('"').to_owned()),
            None => ("TYPE".to_owned(), parameter.to_owned()),
        })
        .collect();
    let quoted_printable = parameters
        .iter()
        .any(|(key, value)| key == "ENCODING" && value.eq_ignore_ascii_case("QUOTED-PRINTABLE"));
    let value = if quoted_printable {
        decode_quoted_printable(value)
    } else {
        value.to_owned()
    };
    Some(Property {
        line,
        name,
        parameters,
        value,
    })
}

/// Decodes `=XX` escapes (the charset is UTF-8, or Windows-1252 when that is not valid).
fn decode_quoted_printable(value: &str) -> String {
    let bytes = value.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        let escape = (bytes[index] == b'=')
            .then(|| bytes.get(index + 1..index + 3))
            .flatten()
            .and_then(|hex| std::str::from_utf8(hex).ok())
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        match escape {
            Some(byte) => {
                decoded.push(byte);
                index += 3;
            }
            None => {
                decoded.push(bytes[index]);
                index += 1;
            }
        }
    }
    match String::from_utf8(decoded) {
        Ok(text) => text,
        Err(error) => TextEncoding::Windows1252
            .decode(error.as_bytes())
            .into_owned(),
    }
}

impl Property {
    /// The values of the `TYPE` parameters, lower-cased (`TYPE=work,voice;TYPE=pref`).
    fn types(&self) -> Vec<String> {
        self.parameters
            .iter()
            .filter(|(key, _)| key == "TYPE")
            .flat_map(|(_, value)| value.split(','))
            .map(|value| value.trim().to_ascii_lowercase())
            .collect()
    }

    fn text(&self) -> String {
        unescape(self.value.trim())
    }
}

/// One card as a contact, or the problems that keep it out.
fn card(line: u64, properties: &[Property]) -> ValidatedRow {
    let mut problems = Vec::new();
    let mut contact = Contact::named("", "");
    let mut formatted_name = String::new();
    let mut organisation = String::new();
    let mut notes = Vec::new();
    for property in properties {
        match property.name.as_str() {
            "FN" => formatted_name = property.text(),
            "N" => {
                let parts = split_unescaped(property.value.trim(), ';');
                contact.last_name = parts.first().map(|part| unescape(part)).unwrap_or_default();
                contact.first_name = parts.get(1).map(|part| unescape(part)).unwrap_or_default();
            }
            "ORG" => {
                let value = property.value.trim().to_owned();
                let parts = split_unescaped(&value, ';');
                organisation = parts.first().map(|part| unescape(part)).unwrap_or_default();
            }
            "TITLE" => contact.job_title = property.text(),
            "ROLE" if contact.job_title.is_empty() => contact.job_title = property.text(),
            "TEL" => phone(property, &mut contact.phones, &mut problems),
            "EMAIL" => email(property, &mut contact.emails, &mut problems),
            "BDAY" => match birthday(&property.text()) {
                Ok(date) => contact.birthday = date,
                Err(reason) => problems.push(RowProblem::BadDate {
                    field: Field::Birthday,
                    value: property.text(),
                    reason,
                }),
            },
            "ADR" if property.types().iter().any(|kind| kind == "home") => {
                contact.private_address = Some(address(property));
            }
            "CATEGORIES" => {
                for tag in split_unescaped(property.value.trim(), ',') {
                    let tag = unescape(tag.trim());
                    if !tag.is_empty() {
                        contact.tags.insert(tag);
                    }
                }
            }
            "NOTE" => notes.push(property.text()),
            _ => {}
        }
    }
    if contact.first_name.is_empty() && contact.last_name.is_empty() {
        // No structured name: the formatted one, split at its last word, else the company.
        let name = if formatted_name.is_empty() {
            organisation
        } else {
            formatted_name
        };
        match name.trim().rsplit_once(' ') {
            Some((first, last)) => {
                contact.first_name = first.trim().to_owned();
                contact.last_name = last.to_owned();
            }
            None => contact.last_name = name.trim().to_owned(),
        }
    }
    if contact.first_name.is_empty() && contact.last_name.is_empty() {
        problems.push(RowProblem::Missing {
            field: Field::LastName,
        });
    }
    contact.notes = Text::with_value(notes.join("\n\n"));
    ValidatedRow {
        line,
        outcome: if problems.is_empty() {
            Ok(Candidate::Contact(contact))
        } else {
            Err(problems)
        },
    }
}

fn phone(
    property: &Property,
    phones: &mut BTreeMap<String, PhoneEntry>,
    problems: &mut Vec<RowProblem>,
) {
    let text = property.text();
    let number = text.strip_prefix("tel:").unwrap_or(&text);
    let types = property.types();
    let label = if types.iter().any(|kind| kind == "cell" || kind == "mobile") {
        MOBILE_LABEL
    } else if types.iter().any(|kind| kind == "home") {
        "Domicile"
    } else {
        "Bureau"
    };
    match PhoneNumber::parse(number) {
        Ok(number) => {
            let entry = PhoneEntry {
                label: label.to_owned(),
                number,
            };
            phones.insert(EntryId::generate().to_string(), entry);
        }
        Err(reason) => problems.push(RowProblem::BadPhone {
            value: number.to_owned(),
            reason,
        }),
    }
}

fn email(
    property: &Property,
    emails: &mut BTreeMap<String, EmailEntry>,
    problems: &mut Vec<RowProblem>,
) {
    let text = property.text();
    let types = property.types();
    let label = if types.iter().any(|kind| kind == "home") {
        "home"
    } else if types.iter().any(|kind| kind == "work") {
        "work"
    } else {
        ""
    };
    match EmailAddress::parse(&text) {
        Ok(address) => {
            let entry = EmailEntry {
                label: label.to_owned(),
                address,
            };
            emails.insert(EntryId::generate().to_string(), entry);
        }
        Err(reason) => problems.push(RowProblem::BadEmail {
            value: text,
            reason,
        }),
    }
}

/// `1985-04-12`, `19850412` or a date-time starting so; `--0412` (no year) is not stored.
fn birthday(text: &str) -> Result<Option<Date>, crate::values::DateError> {
    if text.starts_with("--") {
        return Ok(None);
    }
    let date = text.split('T').next().unwrap_or(text);
    let digits: String = date.chars().filter(char::is_ascii_digit).collect();
    if digits.len() == 8 && date.len() == 8 {
        Date::parse(&format!(
            "{}-{}-{}",
            &digits[..4],
            &digits[4..6],
            &digits[6..]
        ))
        .map(Some)
    } else {
        Date::parse(date).map(Some)
    }
}

/// `ADR`'s seven components: box; extended; street; city; region; postcode; country.
fn address(property: &Property) -> Address {
    let parts: Vec<String> = split_unescaped(property.value.trim(), ';')
        .into_iter()
        .map(unescape)
        .collect();
    let part = |index: usize| parts.get(index).cloned().unwrap_or_default();
    let street = [part(1), part(2)]
        .into_iter()
        .filter(|line| !line.is_empty())
        .collect::<Vec<_>>()
        .join("\n");
    Address {
        kind: AddressKind::Private,
        street,
        postcode: part(5),
        city: part(3),
        country: part(6),
        location: None,
    }
}
