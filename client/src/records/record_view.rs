//! View data every record page shares: the fields two reps changed concurrently, phone numbers
//! and e-mail addresses with their `tel:`/`mailto:` links, and map links for addresses. Pure:
//! derived from a record's snapshot (or, in the worker and in tests, its document), no browser.

use std::collections::BTreeMap;
use std::rc::Rc;

use shared::document::Document;

use crate::state::problem::Problem;
use shared::field::FieldPath;
use shared::record::{Address, EmailEntry, PhoneEntry, Record};

pub use crate::workspace::record::FieldConflict;

/// What a record page is shown of one record: the record as plain data (or why it cannot be
/// shown: a newer version of the app wrote it) and the fields two reps changed concurrently.
#[derive(Clone, Debug, PartialEq)]
pub struct RecordSnapshot<R> {
    /// The record, or why it cannot be shown.
    pub record: Result<R, Problem>,
    /// Its conflicted fields.
    pub conflicts: Vec<Rc<FieldConflict>>,
}

impl<R: Record> RecordSnapshot<R> {
    /// The snapshot of `document` (in the worker, and in native tests).
    pub fn of_document(document: &Document<R>) -> Self {
        Self {
            record: document
                .record()
                .map_err(|_| Problem::new("problem-record-too-new")),
            conflicts: conflicts_of(document),
        }
    }
}

/// Every conflicted field of `document` with its values (fields whose concurrent values
/// cannot be read are left out: there is nothing to offer).
pub fn conflicts_of<R: Record>(document: &Document<R>) -> Vec<Rc<FieldConflict>> {
    document
        .conflicted_fields()
        .into_iter()
        .filter_map(|path| {
            let (values, editors): (Vec<String>, Vec<_>) = document
                .conflicts(&path)
                .ok()?
                .into_iter()
                .map(|value| (value.value.to_string(), value.editor))
                .unzip();
            (values.len() > 1).then(|| {
                Rc::new(FieldConflict {
                    path,
                    values,
                    editors,
                })
            })
        })
        .collect()
}

/// The conflict at `path` among `conflicts`, if any.
pub fn conflict_at(conflicts: &[Rc<FieldConflict>], path: &FieldPath) -> Option<Rc<FieldConflict>> {
    conflicts
        .iter()
        .find(|conflict| &conflict.path == path)
        .cloned()
}

/// The conflicts whose field is not one of `inline` (the page shows those next to their field).
pub fn conflicts_elsewhere(
    conflicts: &[Rc<FieldConflict>],
    inline: &[FieldPath],
) -> Vec<Rc<FieldConflict>> {
    conflicts
        .iter()
        .filter(|conflict| !inline.contains(&conflict.path))
        .cloned()
        .collect()
}

/// A phone number or e-mail address as a page lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContactPoint {
    /// Its key in the record's map.
    pub key: String,
    /// What it is for (`standard`, `accounting`…), possibly empty.
    pub label: String,
    /// The value as the rep reads and edits it (`06 12 34 56 78`, `jean@exemple.fr`).
    pub value: String,
    /// The link that calls or writes to it (`tel:+33612345678`, `mailto:jean@exemple.fr`).
    pub href: String,
}

/// The phone numbers of `phones`, in key order, with `tel:` links in E.164.
pub fn phone_points(phones: &BTreeMap<String, PhoneEntry>) -> Vec<ContactPoint> {
    phones
        .iter()
        .map(|(key, entry)| ContactPoint {
            key: key.clone(),
            label: entry.label.clone(),
            value: entry.number.to_national(),
            href: format!("tel:{}", entry.number.as_e164()),
        })
        .collect()
}

/// The e-mail addresses of `emails`, in key order, with `mailto:` links.
pub fn email_points(emails: &BTreeMap<String, EmailEntry>) -> Vec<ContactPoint> {
    emails
        .iter()
        .map(|(key, entry)| ContactPoint {
            key: key.clone(),
            label: entry.label.clone(),
            value: entry.address.as_str().to_owned(),
            href: format!("mailto:{}", entry.address.as_str()),
        })
        .collect()
}

/// An address as a page lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AddressLine {
    /// Its key in the record's map.
    pub key: String,
    /// What it is for (`visit`, `billing`…).
    pub kind: String,
    /// Street, postcode and city on one line.
    pub text: String,
    /// An OpenStreetMap link: the coordinates when geocoded, else a search for the text.
    pub map_href: String,
}

/// The addresses of `addresses`, in key order.
pub fn address_lines(addresses: &BTreeMap<String, Address>) -> Vec<AddressLine> {
    addresses
        .iter()
        .map(|(key, address)| {
            let text = address_text(address);
            AddressLine {
                key: key.clone(),
                kind: address.kind.as_str().to_owned(),
                map_href: map_href(address, &text),
                text,
            }
        })
        .collect()
}

/// "12 rue de la Paix, 69002 Lyon" (blank parts left out).
fn address_text(address: &Address) -> String {
    let town = [address.postcode.trim(), address.city.trim()]
        .into_iter()
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    [address.street.trim(), town.as_str()]
        .into_iter()
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Where `address` is on OpenStreetMap.
fn map_href(address: &Address, text: &str) -> String {
    match &address.location {
        Some(point) => {
            let (latitude, longitude) = (point.latitude.degrees(), point.longitude.degrees());
            format!(
                "https://www.openstreetmap.org/?mlat={latitude}&mlon={longitude}#map=17/{latitude}/{longitude}"
            )
        }
        None => {
            let country = if address.country.is_empty() {
                String::new()
            } else {
                format!(", {}", address.country)
            };
            format!(
                "https://www.openstreetmap.org/search?query={}",
                query_component(&format!("{text}{country}"))
            )
        }
    }
}

/// Percent-encodes `text` for a URL query (RFC 3986 unreserved characters kept).
fn query_component(text: &str) -> String {
    let mut encoded = String::with_capacity(text.len());
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                encoded.push(char::from(byte));
            }
            b' ' => encoded.push('+'),
            other => encoded.push_str(&format!("%{other:02X}")),
        }
    }
    encoded
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::account::{Account, AccountDocument};
    use shared::edit::Edit;
    use shared::ids::AccountId;
    use shared::record::AddressKind;
    use shared::values::{EmailAddress, GeoPoint, PhoneNumber};

    type TestResult = Result<(), Box<dyn std::error::Error>>;

    #[test]
    fn phones_and_e_mails_link_to_calling_and_writing() -> TestResult {
        let phones = BTreeMap::from([(
            "standard".to_owned(),
            PhoneEntry {
                label: "Standard".to_owned(),
                number: PhoneNumber::parse("04 78 12 34 56")?,
            },
        )]);
        let emails = BTreeMap::from([(
            "work".to_owned(),
            EmailEntry {
                label: String::new(),
                address: EmailAddress::parse("compta@boulangerie.fr")?,
            },
        )]);
        let phone = &phone_points(&phones)[0];
        assert_eq!(phone.href, "tel:+33478123456");
        assert_eq!(phone.value, "04 78 12 34 56");
        let email = &email_points(&emails)[0];
        assert_eq!(email.href, "mailto:compta@boulangerie.fr");
        Ok(())
    }

    #[test]
    fn a_geocoded_address_links_to_its_coordinates_and_another_to_a_search() -> TestResult {
        let mut located = Address::in_city(AddressKind::Visit, "Lyon");
        located.street = "12 rue de la République".to_owned();
        located.postcode = "69002".to_owned();
        located.location = Some(GeoPoint::new(45.764, 4.8357)?);
        let plain = Address {
            location: None,
            ..located.clone()
        };
        let lines = address_lines(&BTreeMap::from([
            ("main".to_owned(), located),
            ("other".to_owned(), plain),
        ]));
        assert_eq!(lines[0].text, "12 rue de la République, 69002 Lyon");
        assert_eq!(
            lines[0].map_href,
            "https://www.openstreetmap.org/?mlat=45.764&mlon=4.8357#map=17/45.764/4.8357"
        );
        assert_eq!(
            lines[1].map_href,
            "https://www.openstreetmap.org/search?query=12+rue+de+la+R%C3%A9publique%2C+69002+Lyon%2C+FR"
        );
        Ok(())
    }

    #[test]
    fn fields_two_reps_changed_are_listed_with_both_values_and_an_element_id() -> TestResult {
        let mut first = AccountDocument::new(
            AccountId::generate(),
            &Account::named("Garage Dupuis"),
            &Edit::anonymous(1),
        )?;
        let mut second = first.fork();
        first.update(&Edit::anonymous(2), "industry", |a| {
            a.industry = Some("Garage".to_owned())
        })?;
        second.update(&Edit::anonymous(2), "industry", |a| {
            a.industry = Some("Carrosserie".to_owned())
        })?;
        first.merge(&mut second)?;
        let conflicts = conflicts_of(&first);
        assert_eq!(conflicts.len(), 1);
        let industry = FieldPath::root("industry");
        let conflict = conflict_at(&conflicts, &industry).ok_or("no conflict")?;
        assert_eq!(conflict.element_id(), "industry-conflict");
        let mut values = conflict.values.clone();
        values.sort();
        assert_eq!(values, vec!["Carrosserie", "Garage"]);
        assert!(conflicts_elsewhere(&conflicts, &[industry]).is_empty());
        assert_eq!(conflicts_elsewhere(&conflicts, &[]).len(), 1);
        Ok(())
    }
}
