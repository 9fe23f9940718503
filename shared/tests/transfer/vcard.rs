use shared::contact::Contact;
use shared::transfer::{
    read_vcards, Candidate, Entity, ExistingKeys, ImportPlan, RowProblem, VcardError,
};
use shared::values::EmailError;

use super::{fixture, TestResult};

fn contacts(rows: &[shared::transfer::ValidatedRow]) -> Vec<(u64, &Contact)> {
    rows.iter()
        .filter_map(|row| match &row.outcome {
            Ok(Candidate::Contact(contact)) => Some((row.line, contact)),
            _ => None,
        })
        .collect()
}

fn phones(contact: &Contact) -> Vec<(String, String)> {
    let mut phones: Vec<(String, String)> = contact
        .phones
        .values()
        .map(|entry| (entry.label.clone(), entry.number.to_string()))
        .collect();
    phones.sort();
    phones
}

#[test]
fn a_multi_contact_vcard_3_file_is_read_with_its_types_escapes_and_folds() -> TestResult {
    let cards = read_vcards(&fixture("contacts-3.0.vcf")?)?;
    assert_eq!(cards.len(), 4);
    let read = contacts(&cards);
    assert_eq!(
        read.iter().map(|(line, _)| *line).collect::<Vec<_>>(),
        vec![1, 15, 24]
    );

    let (_, jerome) = read[0];
    assert_eq!(
        (jerome.first_name.as_str(), jerome.last_name.as_str()),
        ("Jérôme", "Lefèvre")
    );
    assert_eq!(jerome.job_title, "Chef d'atelier");
    assert_eq!(
        phones(jerome),
        vec![
            ("Bureau".to_owned(), "+33556001122".to_owned()),
            ("Portable".to_owned(), "+33612345678".to_owned()),
        ]
    );
    let email = jerome.emails.values().next().ok_or("no e-mail")?;
    assert_eq!(
        (email.label.as_str(), email.address.as_str()),
        ("work", "j.lefevre@garage-lefevre.fr")
    );
    assert_eq!(
        jerome.notes.as_str(),
        "Préfère être appelé le matin, avant 10 h.\nNe pas appeler le lundi; jour de fermeture."
    );
    assert_eq!(
        jerome.birthday.map(|date| date.to_string()).as_deref(),
        Some("1975-04-12")
    );
    assert_eq!(
        jerome.tags.iter().collect::<Vec<_>>(),
        vec!["client fidèle", "garage"]
    );
    let home = jerome.private_address.as_ref().ok_or("no home address")?;
    assert_eq!(
        (
            home.street.as_str(),
            home.postcode.as_str(),
            home.city.as_str()
        ),
        ("14 rue des Remparts", "33000", "Bordeaux")
    );

    let (_, sophie) = read[1];
    assert_eq!(
        sophie.notes.as_str(),
        "Une note très longue qui a été repliée par le logiciel d'export car elle dépasse \
         soixante-quinze octets sur une seule ligne."
    );
    assert_eq!(
        phones(sophie),
        vec![("Portable".to_owned(), "+33711223344".to_owned())]
    );

    let (_, anais) = read[2];
    assert_eq!(
        (anais.first_name.as_str(), anais.last_name.as_str()),
        ("Anaïs", "Crépin")
    );
    assert_eq!(
        phones(anais),
        vec![("Domicile".to_owned(), "+33478000000".to_owned())]
    );

    assert_eq!(cards[3].line, 30);
    assert_eq!(
        cards[3].outcome.as_ref().err().map(Vec::as_slice),
        Some(
            [RowProblem::BadEmail {
                value: "pas-une-adresse".to_owned(),
                reason: EmailError::NotOneAt,
            }]
            .as_slice()
        )
    );
    Ok(())
}

#[test]
fn a_single_vcard_4_is_read_with_uri_phones_and_grouped_properties() -> TestResult {
    let cards = read_vcards(&fixture("contact-4.0.vcf")?)?;
    let read = contacts(&cards);
    let [(_, claire)] = read.as_slice() else {
        return Err(format!("expected one contact, read {cards:?}").into());
    };
    assert_eq!(claire.display_name(), "Claire Dubois");
    assert_eq!(
        phones(claire),
        vec![("Portable".to_owned(), "+33698765432".to_owned())]
    );
    let mut emails: Vec<&str> = claire
        .emails
        .values()
        .map(|entry| entry.address.as_str())
        .collect();
    emails.sort_unstable();
    assert_eq!(emails, vec!["claire.dubois@exemple.fr", "claire@perso.fr"]);
    assert_eq!(
        claire.birthday.map(|date| date.to_string()).as_deref(),
        Some("1980-02-29")
    );
    Ok(())
}

#[test]
fn vcard_contacts_go_through_the_same_duplicate_checks() -> TestResult {
    let cards = read_vcards(&fixture("contacts-3.0.vcf")?)?;
    let mut existing = ExistingKeys::new();
    let mut stored = Contact::named("Sophie", "Martin");
    stored.emails.insert(
        "e".to_owned(),
        shared::record::EmailEntry {
            label: String::new(),
            address: shared::values::EmailAddress::parse("Sophie.Martin@laposte.net")?,
        },
    );
    existing.insert_contact("sophie", &stored);
    let plan = ImportPlan::from_rows(Entity::Contact, cards, &existing);
    assert_eq!(plan.duplicates().len(), 1);
    assert_eq!(plan.duplicates()[0].line, 15);
    let summary = plan.summary();
    assert_eq!((summary.create, summary.skip, summary.invalid), (2, 1, 1));
    Ok(())
}

#[test]
fn files_without_cards_or_with_an_unfinished_card_are_refused() {
    assert_eq!(read_vcards(b""), Err(VcardError::Empty));
    assert_eq!(
        read_vcards(b"Nom;Ville\r\nAzur;Nice\r\n"),
        Err(VcardError::NotVcard)
    );
    assert_eq!(
        read_vcards(b"BEGIN:VCARD\r\nVERSION:4.0\r\nFN:A\r\nEND:VCARD\r\nBEGIN:VCARD\r\nFN:B\r\n"),
        Err(VcardError::Unterminated { line: 5 })
    );
}
