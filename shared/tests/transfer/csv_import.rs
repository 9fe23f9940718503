use shared::account::{Account, AccountDocument, LifecycleStage, MAIN_ADDRESS};
use shared::edit::Edit;
use shared::ids::AccountId;
use shared::index::AccountIndexRow;
use shared::settings::{Settings, Territory};
use shared::transfer::{
    Candidate, Decision, Delimiter, DuplicateKey, DuplicateOf, Entity, ExistingKeys, Field,
    ImportPlan, ImportRules, ImportSummary, ImportWrite, Mapping, ReadError, ReadOptions,
    RecordDocument, RowProblem, Table, TextEncoding,
};
use shared::values::{EmailError, PhoneError, RegistrationError, Siret};

use super::{fixture, TestResult, NOW};

fn plan_for(table: &Table, entity: Entity, existing: &ExistingKeys) -> ImportPlan {
    let mapping = Mapping::guess(entity, &table.headers);
    let rules = ImportRules::from_settings(&Settings::starter());
    ImportPlan::new(table, &mapping, &rules, existing)
}

fn accounts(plan: &ImportPlan) -> Vec<(u64, &Account)> {
    plan.rows()
        .iter()
        .filter_map(|row| match &row.outcome {
            Ok(Candidate::Account(account)) => Some((row.line, account)),
            _ => None,
        })
        .collect()
}

#[test]
fn a_semicolon_windows_1252_export_is_detected_and_read() -> TestResult {
    let bytes = fixture("french-export-windows-1252.csv")?;
    let table = Table::read(&bytes, &ReadOptions::default())?;
    assert_eq!(table.format.encoding, TextEncoding::Windows1252);
    assert_eq!(table.format.delimiter, Delimiter::Semicolon);
    assert_eq!(table.headers[1], "N° SIRET");
    assert_eq!(table.headers[7], "Étape");
    let lines: Vec<u64> = table.rows.iter().map(|row| row.line).collect();
    assert_eq!(lines, vec![2, 4, 6, 7], "quoted newlines push rows down");

    let mapping = Mapping::guess(Entity::Account, &table.headers);
    assert_eq!(
        mapping.columns,
        vec![
            Some(Field::AccountName),
            Some(Field::Siret),
            Some(Field::Street),
            Some(Field::Postcode),
            Some(Field::City),
            Some(Field::Phone),
            Some(Field::Email),
            Some(Field::LifecycleStage),
            Some(Field::Notes),
        ]
    );
    let preview = table.preview(2);
    assert_eq!(preview.len(), 2);
    assert_eq!(preview[1].cells[0], "Garage Lefèvre & Fils");

    let plan = plan_for(&table, Entity::Account, &ExistingKeys::new());
    assert_eq!(plan.invalid_rows().count(), 0, "{:?}", plan.rows());
    let accounts = accounts(&plan);
    let (_, boulangerie) = accounts[0];
    assert_eq!(boulangerie.name, "Boulangerie Élevé");
    assert_eq!(boulangerie.siret, Some(Siret::parse("73282932000074")?));
    assert_eq!(
        boulangerie.siren.map(|siren| siren.to_string()),
        Some("732829320".to_owned())
    );
    assert_eq!(boulangerie.stage, LifecycleStage::Active);
    let address = boulangerie
        .addresses
        .get(MAIN_ADDRESS)
        .ok_or("no main address")?;
    assert_eq!(address.street, "12 rue Mercière\r\nBâtiment B");
    assert_eq!(
        (address.postcode.as_str(), address.city.as_str()),
        ("69002", "Lyon")
    );
    assert_eq!(
        boulangerie.notes.as_str(),
        "Livraison le mardi; code porte 1234"
    );
    let (_, garage) = accounts[1];
    assert_eq!(
        garage.notes.as_str(),
        "Rappeler en mars.\r\nDemander Jérôme \"le chef\"."
    );
    let (_, hotel) = accounts[2];
    assert_eq!(hotel.name, "Hôtel Côte d'Azur");
    assert_eq!(hotel.stage, LifecycleStage::ToReactivate);
    assert_eq!(hotel.notes.as_str(), "Panier moyen 250 €");
    let (_, creperie) = accounts[3];
    assert_eq!(creperie.stage, LifecycleStage::NewCustomer);
    assert_eq!(creperie.siret, None);
    Ok(())
}

#[test]
fn bad_rows_are_reported_with_their_line_and_every_reason() -> TestResult {
    let table = Table::read(&fixture("mixed-good-and-bad.csv")?, &ReadOptions::default())?;
    assert_eq!(table.format.delimiter, Delimiter::Comma);
    let plan = plan_for(&table, Entity::Account, &ExistingKeys::new());
    let invalid: Vec<(u64, Vec<RowProblem>)> = plan
        .invalid_rows()
        .map(|(line, problems)| (line, problems.to_vec()))
        .collect();
    assert_eq!(
        invalid,
        vec![
            (
                3,
                vec![RowProblem::BadSiret {
                    value: "732 829 320 00075".to_owned(),
                    reason: RegistrationError::BadCheckDigit,
                }]
            ),
            (
                4,
                vec![RowProblem::BadEmail {
                    value: "cave@papes".to_owned(),
                    reason: EmailError::BadDomain,
                }]
            ),
            (
                6,
                vec![RowProblem::Missing {
                    field: Field::AccountName
                }]
            ),
            (
                7,
                vec![
                    RowProblem::UnknownStage {
                        value: "hibernating".to_owned()
                    },
                    RowProblem::BadPhone {
                        value: "06 12 34".to_owned(),
                        reason: PhoneError::BadFrenchNumber,
                    },
                ]
            ),
            (
                8,
                vec![RowProblem::WrongFieldCount {
                    expected: 8,
                    found: 4
                }]
            ),
        ]
    );
    let messages: Vec<String> = invalid
        .iter()
        .flat_map(|(line, problems)| {
            problems
                .iter()
                .map(move |problem| format!("line {line}: {problem} [{}]", problem.code()))
        })
        .collect();
    assert_eq!(
        messages[0],
        "line 3: SIRET \"732 829 320 00075\": the check digit does not match (a digit is probably mistyped) [bad_siret]"
    );
    assert_eq!(
        messages[2],
        "line 6: Raison sociale is empty [missing_value]"
    );
    assert_eq!(
        messages[5],
        "line 8: the line has 4 fields where the header has 8 [wrong_field_count]"
    );
    let good: Vec<(u64, &str)> = accounts(&plan)
        .into_iter()
        .map(|(line, account)| (line, account.name.as_str()))
        .collect();
    assert_eq!(good, vec![(2, "Azur Nautisme"), (9, "Fromagerie Alpine")]);
    assert_eq!(
        plan.summary(),
        ImportSummary {
            rows: 7,
            invalid: 5,
            create: 2,
            ..ImportSummary::default()
        }
    );
    let created = plan
        .writes(&Edit::anonymous(NOW), 100)
        .collect::<Result<Vec<_>, _>>()?;
    assert_eq!(
        created.iter().map(Vec::len).sum::<usize>(),
        2,
        "bad rows change nothing"
    );
    Ok(())
}

#[test]
fn duplicates_are_found_in_the_file_and_against_stored_records() -> TestResult {
    let table = Table::read(&fixture("duplicates.csv")?, &ReadOptions::default())?;
    assert_eq!(table.format.encoding, TextEncoding::Utf8WithBom);
    assert_eq!(table.headers[0], "Raison sociale");

    // The stored base: an account with the same SIRET (no address yet), one listed with the
    // same name and postcode, one holding the same e-mail.
    let mut stored = Account::named("Boulangerie Élevé");
    stored.siret = Some(Siret::parse("73282932000074")?);
    let stored_id = AccountId::generate();
    let mut stored_document =
        AccountDocument::new(stored_id, &stored, &Edit::anonymous(NOW - 1000))?;
    let mut existing = ExistingKeys::new();
    existing.insert_account(stored_id.to_string(), &stored);
    existing.insert_account_row(&AccountIndexRow {
        id: "halles".to_owned(),
        name: "Les Halles de Lyon".to_owned(),
        postcode: "69003".to_owned(),
        ..AccountIndexRow::default()
    });
    existing.insert(
        DuplicateKey::Email("contact@atelier-bleu.fr".to_owned()),
        "atelier",
    );

    let mut plan = plan_for(&table, Entity::Account, &existing);
    let found: Vec<(u64, &DuplicateOf)> = plan
        .duplicates()
        .iter()
        .map(|duplicate| (duplicate.line, &duplicate.of))
        .collect();
    let existing_of = |id: &str| DuplicateOf::Existing { id: id.to_owned() };
    assert_eq!(
        found,
        vec![
            (2, &existing_of(&stored_id.to_string())),
            (4, &DuplicateOf::Row { line: 3 }),
            (5, &DuplicateOf::Row { line: 3 }),
            (6, &existing_of("halles")),
            (7, &existing_of("atelier")),
        ]
    );
    assert!(matches!(plan.duplicates()[0].key, DuplicateKey::Siret(_)));
    assert!(matches!(
        plan.duplicates()[1].key,
        DuplicateKey::NameAndPostcode { .. }
    ));
    assert_eq!(
        plan.duplicates()[2].key,
        DuplicateKey::Email("garage.martin@orange.fr".to_owned())
    );
    assert_eq!(
        plan.summary(),
        ImportSummary {
            rows: 7,
            duplicates: 5,
            create: 2,
            skip: 5,
            ..ImportSummary::default()
        },
        "every duplicate is skipped until the rep chooses"
    );

    assert!(plan.decide(2, Decision::Merge));
    assert!(plan.decide(4, Decision::Merge));
    assert!(plan.decide(5, Decision::ImportAnyway));
    assert!(plan.decide(7, Decision::Merge));
    assert!(!plan.decide(3, Decision::Merge), "row 3 duplicates nothing");
    assert_eq!(
        plan.summary(),
        ImportSummary {
            rows: 7,
            duplicates: 5,
            create: 3,
            merge_existing: 2,
            merge_in_file: 1,
            skip: 1,
            ..ImportSummary::default()
        }
    );

    let edit = Edit::anonymous(NOW);
    let chunks = plan.writes(&edit, 2).collect::<Result<Vec<_>, _>>()?;
    assert_eq!(
        chunks.iter().map(Vec::len).collect::<Vec<_>>(),
        vec![2, 2, 1]
    );
    let mut created = Vec::new();
    let mut merges = Vec::new();
    for write in chunks.into_iter().flatten() {
        match write {
            ImportWrite::Create(new_record) => created.push(new_record.document),
            ImportWrite::Merge(merge) => merges.push(*merge),
        }
    }
    let mut names = Vec::new();
    for document in &created {
        let RecordDocument::Account(account) = document else {
            return Err("an account file made something else".into());
        };
        let record = account.record()?;
        if record.name == "Garage Martin" {
            let numbers: Vec<String> = record
                .phones
                .values()
                .map(|entry| entry.number.to_string())
                .collect();
            assert_eq!(numbers, vec!["+33556112233"], "row 4 merged into row 3");
        }
        names.push(record.name);
    }
    assert_eq!(
        names,
        vec!["Garage Martin", "Pâtisserie Dupont", "Atelier Rouge"]
    );

    let merge = merges
        .iter()
        .find(|merge| merge.existing == stored_id.to_string())
        .ok_or("no merge into the stored account")?;
    assert_eq!(merge.lines, vec![2]);
    let mut merged = merge.apply(&stored_document.save(), &Edit::anonymous(NOW))?;
    let RecordDocument::Account(document) = &mut merged.document else {
        return Err("merged into something else".into());
    };
    let record = document.record()?;
    assert_eq!(record.name, "Boulangerie Élevé");
    let address = record.addresses.get(MAIN_ADDRESS).ok_or("no address")?;
    assert_eq!(
        address.city, "Lyon",
        "the stored account gained the address"
    );
    assert_eq!(merged.known, stored_document.heads());
    assert_eq!(merged.document.changes_since(&merged.known).len(), 1);
    Ok(())
}

#[test]
fn accounts_the_import_creates_are_placed_in_the_territory_of_their_postcode() -> TestResult {
    let table = Table::read(&fixture("duplicates.csv")?, &ReadOptions::default())?;
    let mut settings = Settings::starter();
    for (key, departements, prefixes) in [
        ("idf", &["75", "92"][..], &[][..]),
        ("ouest", &["44", "35"][..], &[][..]),
        ("sud-ouest", &["33"][..], &[][..]),
        ("lyon-2", &[][..], &["69002"][..]),
    ] {
        let territory = Territory {
            departements: departements.iter().copied().collect(),
            postcode_prefixes: prefixes.iter().copied().collect(),
            ..Territory::named(key)
        };
        settings.territories.insert(key.to_owned(), territory);
    }
    let mut stored = Account::named("Boulangerie Élevé");
    stored.siret = Some(Siret::parse("73282932000074")?);
    let stored_id = AccountId::generate();
    let mut stored_document =
        AccountDocument::new(stored_id, &stored, &Edit::anonymous(NOW - 1000))?;
    let mut existing = ExistingKeys::new();
    existing.insert_account(stored_id.to_string(), &stored);

    let mapping = Mapping::guess(Entity::Account, &table.headers);
    let mut plan = ImportPlan::new(
        &table,
        &mapping,
        &ImportRules::from_settings(&settings),
        &existing,
    );
    // Row 2 (69002) merges into the stored account; row 4 into row 3; row 5 is imported anyway.
    assert!(plan.decide(2, Decision::Merge));
    assert!(plan.decide(4, Decision::Merge));
    assert!(plan.decide(5, Decision::ImportAnyway));
    let edit = Edit::anonymous(NOW);
    let mut placed = Vec::new();
    let mut merges = Vec::new();
    for write in plan
        .writes(&edit, 10)
        .collect::<Result<Vec<_>, _>>()?
        .into_iter()
        .flatten()
    {
        match write {
            ImportWrite::Create(new_record) => {
                let RecordDocument::Account(account) = new_record.document else {
                    return Err("an account file made something else".into());
                };
                let record = account.record()?;
                placed.push((record.name, record.territory));
            }
            ImportWrite::Merge(merge) => merges.push(*merge),
        }
    }
    let territory = |key: &str| Some(key.to_owned());
    assert_eq!(
        placed,
        vec![
            ("Garage Martin".to_owned(), territory("sud-ouest")),
            ("Pâtisserie Dupont".to_owned(), territory("idf")),
            ("Les Halles de Lyon".to_owned(), None),
            ("Atelier Bleu".to_owned(), territory("ouest")),
            ("Atelier Rouge".to_owned(), territory("ouest")),
        ],
        "69003 is in no territory (only 69002 is)"
    );
    // A row merged into a stored account fills its blanks but moves it to no territory.
    let merge = merges.first().ok_or("no merge into the stored account")?;
    let mut merged = merge.apply(&stored_document.save(), &edit)?;
    let RecordDocument::Account(document) = &mut merged.document else {
        return Err("merged into something else".into());
    };
    let record = document.record()?;
    assert_eq!(record.territory, None);
    assert!(record.addresses.contains_key(MAIN_ADDRESS));
    Ok(())
}

#[test]
fn files_that_are_not_csv_exports_get_a_clear_error() -> TestResult {
    for (name, expected, code) in [
        ("empty.csv", ReadError::Empty, "empty_file"),
        ("header-only.csv", ReadError::HeaderOnly, "header_only"),
        ("binary-renamed.csv", ReadError::NotText, "not_text"),
    ] {
        let error = Table::read(&fixture(name)?, &ReadOptions::default())
            .err()
            .ok_or(format!("{name} was read"))?;
        assert_eq!(error, expected, "{name}");
        assert_eq!(error.code(), code);
        assert!(!error.to_string().is_empty());
    }
    let workbook = b"PK\x03\x04\x14\x00\x06\x00[Content_Types].xml";
    assert_eq!(
        Table::read(workbook, &ReadOptions::default()).err(),
        Some(ReadError::Workbook)
    );
    Ok(())
}

#[test]
fn deals_are_checked_against_the_workspace_pipeline() -> TestResult {
    let file = "Intitulé;Montant;Étape;Probabilité;Date de clôture;Statut\r\n\
                Four à sole;12 500,00 €;Proposition;50 %;30/06/2026;en cours\r\n\
                Vitrine réfrigérée;3 200;hibernation;20;2026-04-01;ouvert\r\n\
                Pétrin;douze;meet;150;31/02/2026;gagné\r\n";
    let table = Table::read(file.as_bytes(), &ReadOptions::default())?;
    let plan = plan_for(&table, Entity::Deal, &ExistingKeys::new());
    let Ok(Candidate::Deal(deal)) = &plan.rows()[0].outcome else {
        return Err(format!("line 2 refused: {:?}", plan.rows()[0]).into());
    };
    assert_eq!(deal.stage, "propose");
    assert_eq!(deal.amount.map(|money| money.minor_units), Some(1_250_000));
    assert_eq!(deal.probability, Some(50));
    assert_eq!(
        deal.expected_close.map(|date| date.to_string()).as_deref(),
        Some("2026-06-30")
    );
    let codes: Vec<(u64, Vec<&str>)> = plan
        .invalid_rows()
        .map(|(line, problems)| (line, problems.iter().map(RowProblem::code).collect()))
        .collect();
    assert_eq!(
        codes,
        vec![
            (3, vec!["unknown_stage"]),
            (4, vec!["bad_amount", "bad_probability", "bad_date"]),
        ]
    );
    Ok(())
}

#[test]
fn a_territory_column_places_accounts_by_key_or_name_and_refuses_an_unknown_one() -> TestResult {
    let csv = "Raison sociale;Code postal;Territoire\n\
               Boulangerie Martin;69002;grand ouest\n\
               Garage du Port;44000;IDF\n\
               Fromagerie Sud;33000;\n\
               Épicerie Fine;75001;Bretagne Nord\n";
    let table = Table::read(csv.as_bytes(), &ReadOptions::default())?;
    let mut settings = Settings::starter();
    for (key, name, departements) in [
        ("idf", "Île-de-France", &["75"][..]),
        ("ouest", "Grand Ouest", &["44"][..]),
        ("sud-ouest", "Sud-Ouest", &["33"][..]),
    ] {
        let territory = Territory {
            departements: departements.iter().copied().collect(),
            ..Territory::named(name)
        };
        settings.territories.insert(key.to_owned(), territory);
    }
    let mapping = Mapping::guess(Entity::Account, &table.headers);
    assert_eq!(mapping.column_of(Field::Territory), Some(2));
    let plan = ImportPlan::new(
        &table,
        &mapping,
        &ImportRules::from_settings(&settings),
        &ExistingKeys::new(),
    );
    // Named by its name (accents and case aside) or its key, the file's territory wins over the
    // postcode's; an empty cell leaves the postcode's rule to place the account.
    let placed: Vec<(String, Option<String>)> = accounts(&plan)
        .into_iter()
        .map(|(_, account)| (account.name.clone(), account.territory.clone()))
        .collect();
    assert_eq!(
        placed,
        vec![
            ("Boulangerie Martin".to_owned(), Some("ouest".to_owned())),
            ("Garage du Port".to_owned(), Some("idf".to_owned())),
            ("Fromagerie Sud".to_owned(), None),
        ]
    );
    let refused = plan
        .rows()
        .iter()
        .find(|row| row.line == 5)
        .ok_or("no row 5")?;
    assert_eq!(
        refused.outcome.as_ref().err(),
        Some(&vec![RowProblem::UnknownTerritory {
            value: "Bretagne Nord".to_owned()
        }])
    );
    let edit = Edit::anonymous(NOW);
    let mut created = Vec::new();
    for write in plan
        .writes(&edit, 10)
        .collect::<Result<Vec<_>, _>>()?
        .into_iter()
        .flatten()
    {
        if let ImportWrite::Create(new_record) = write {
            if let RecordDocument::Account(account) = new_record.document {
                let record = account.record()?;
                created.push((record.name, record.territory));
            }
        }
    }
    assert!(created.contains(&("Fromagerie Sud".to_owned(), Some("sud-ouest".to_owned()))));
    assert!(created.contains(&("Garage du Port".to_owned(), Some("idf".to_owned()))));
    Ok(())
}
