//! Catalogue products through the CSV import: a supplier's French file, its refused rows and
//! duplicates, the documents the plan creates, and an export read back.

use shared::edit::Edit;
use shared::ids::ProductId;
use shared::sales::{ProductDocument, ProductDraft, VatRate, VatRateError};
use shared::settings::Settings;
use shared::transfer::{
    export_products, Candidate, Decision, Delimiter, DuplicateKey, DuplicateOf, Entity,
    ExistingKeys, Field, ImportPlan, ImportRules, ImportWrite, Mapping, ReadOptions,
    RecordDocument, RowProblem, Table, TextEncoding,
};
use shared::values::{CurrencyCode, Money};

use super::{fixture, TestResult, NOW};

const SUPPLIER: &str = "catalogue-fournisseur-windows-1252.csv";

fn rules() -> ImportRules {
    ImportRules::from_settings(&Settings::starter())
}

fn plan_for(
    bytes: &[u8],
    existing: &ExistingKeys,
) -> Result<ImportPlan, shared::transfer::ReadError> {
    let table = Table::read(bytes, &ReadOptions::default())?;
    let mapping = Mapping::guess(Entity::Product, &table.headers);
    Ok(ImportPlan::new(&table, &mapping, &rules(), existing))
}

/// The demo catalogue's flour, stored on the device.
fn stored_flour() -> Result<(ExistingKeys, ProductDocument), Box<dyn std::error::Error>> {
    let draft = ProductDraft {
        reference: "FAR-T65-25".to_owned(),
        name: "Farine T65, sac de 25 kg".to_owned(),
        description: String::new(),
        unit: "sac".to_owned(),
        unit_price: "18,40".to_owned(),
        currency: CurrencyCode::EUR,
        vat_rate: "5,5".to_owned(),
        category: String::new(),
    };
    let mut document =
        ProductDocument::create(ProductId::generate(), &draft, &Edit::anonymous(NOW))?;
    let row = document.index_row()?;
    let mut existing = ExistingKeys::new();
    existing.insert_product_row(&row);
    Ok((existing, document))
}

fn created_products(plan: &ImportPlan) -> Result<Vec<ProductDocument>, Box<dyn std::error::Error>> {
    let edit = Edit::anonymous(NOW);
    let mut products = Vec::new();
    for chunk in plan.writes(&edit, 2) {
        for write in chunk? {
            match write {
                ImportWrite::Create(new_record) => match new_record.document {
                    RecordDocument::Product(product) => products.push(product),
                    other => return Err(format!("not a product: {:?}", other.entity()).into()),
                },
                ImportWrite::Merge(_) => {}
            }
        }
    }
    Ok(products)
}

#[test]
fn a_french_supplier_catalogue_in_windows_1252_is_read_and_mapped() -> TestResult {
    let bytes = fixture(SUPPLIER)?;
    let table = Table::read(&bytes, &ReadOptions::default())?;
    assert_eq!(table.format.encoding, TextEncoding::Windows1252);
    assert_eq!(table.format.delimiter, Delimiter::Semicolon);
    assert_eq!(table.headers[1], "Désignation");
    let mapping = Mapping::guess(Entity::Product, &table.headers);
    assert_eq!(
        mapping.columns,
        vec![
            Some(Field::Reference),
            Some(Field::ProductName),
            Some(Field::Description),
            Some(Field::Unit),
            Some(Field::UnitPrice),
            Some(Field::VatRate),
            Some(Field::Category),
        ]
    );
    assert!(mapping.missing_required().is_empty());

    let plan = plan_for(&bytes, &ExistingKeys::new())?;
    let Ok(Candidate::Product(salt)) = &plan.rows()[0].outcome else {
        return Err(format!("the salt was refused: {:?}", plan.rows()[0]).into());
    };
    assert_eq!(salt.reference, "SEL-GUE-25");
    assert_eq!(salt.name, "Sel de Guérande, sac de 25 kg");
    assert_eq!(salt.description.as_str(), "Gros sel gris récolté à la main");
    assert_eq!(
        salt.unit_price,
        Money::new(1_260, CurrencyCode::EUR),
        "the € sign is dropped"
    );
    assert_eq!(salt.vat_rate, VatRate::Reduced);
    assert_eq!(salt.category.as_deref(), Some("Épicerie"));
    let Ok(Candidate::Product(yeast)) = &plan.rows()[1].outcome else {
        return Err("the yeast was refused".into());
    };
    assert_eq!(
        yeast.vat_rate,
        VatRate::Reduced,
        "“5,5 %” is the reduced rate"
    );
    assert!(yeast.description.as_str().is_empty());
    Ok(())
}

#[test]
fn english_product_headers_are_recognised_too() {
    let headers: Vec<String> = [
        "SKU",
        "Product name",
        "Unit price excl. VAT",
        "VAT rate",
        "Unit",
        "Category",
    ]
    .iter()
    .map(|header| (*header).to_owned())
    .collect();
    let mapping = Mapping::guess(Entity::Product, &headers);
    assert_eq!(
        mapping.columns,
        vec![
            Some(Field::Reference),
            Some(Field::ProductName),
            Some(Field::UnitPrice),
            Some(Field::VatRate),
            Some(Field::Unit),
            Some(Field::Category),
        ]
    );
    let french: Vec<String> = ["Référence", "Libellé", "PU HT", "Taux de TVA", "Catégorie"]
        .iter()
        .map(|header| (*header).to_owned())
        .collect();
    let mapping = Mapping::guess(Entity::Product, &french);
    assert_eq!(
        mapping.columns,
        vec![
            Some(Field::Reference),
            Some(Field::ProductName),
            Some(Field::UnitPrice),
            Some(Field::VatRate),
            Some(Field::Category),
        ]
    );
}

#[test]
fn a_vat_rate_france_does_not_have_refuses_the_row_with_its_code() -> TestResult {
    let plan = plan_for(&fixture(SUPPLIER)?, &ExistingKeys::new())?;
    let invalid: Vec<(u64, &[RowProblem])> = plan.invalid_rows().collect();
    assert_eq!(invalid.len(), 1, "{invalid:?}");
    let (line, problems) = invalid[0];
    assert_eq!(line, 5);
    assert_eq!(
        problems,
        &[RowProblem::BadVatRate {
            value: "8,5".to_owned(),
            reason: VatRateError::Unknown("8.5".to_owned()),
        }]
    );
    assert_eq!(problems[0].code(), "bad_vat_rate");
    Ok(())
}

#[test]
fn every_fault_of_a_product_row_is_reported_at_once() -> TestResult {
    let file = "Référence;Désignation;Prix HT;TVA\r\n;;douze;19,6\r\nABC;Abricots;-3,00;20\r\n";
    let plan = plan_for(file.as_bytes(), &ExistingKeys::new())?;
    let codes: Vec<Vec<&str>> = plan
        .invalid_rows()
        .map(|(_, problems)| problems.iter().map(RowProblem::code).collect())
        .collect();
    assert_eq!(
        codes,
        vec![
            vec![
                "bad_price",
                "bad_vat_rate",
                "missing_value",
                "missing_value"
            ],
            vec!["negative_price"],
        ]
    );
    Ok(())
}

#[test]
fn a_reference_repeated_in_the_file_or_already_in_the_catalogue_is_a_duplicate() -> TestResult {
    let (existing, mut stored) = stored_flour()?;
    let plan = plan_for(&fixture(SUPPLIER)?, &existing)?;
    let duplicates: Vec<(u64, &DuplicateKey, &DuplicateOf)> = plan
        .duplicates()
        .iter()
        .map(|duplicate| (duplicate.line, &duplicate.key, &duplicate.of))
        .collect();
    assert_eq!(
        duplicates,
        vec![
            (
                6,
                &DuplicateKey::Reference("far t65 25".to_owned()),
                &DuplicateOf::Existing {
                    id: stored.id().to_string()
                }
            ),
            (
                7,
                &DuplicateKey::Reference("sel gue 25".to_owned()),
                &DuplicateOf::Row { line: 2 }
            ),
        ]
    );
    let summary = plan.summary();
    assert_eq!(
        (summary.rows, summary.invalid, summary.duplicates),
        (6, 1, 2)
    );
    assert_eq!(
        (summary.create, summary.skip),
        (3, 2),
        "duplicates start skipped"
    );
    let references: Vec<String> = created_products(&plan)?
        .iter()
        .map(|document| document.record().map(|product| product.reference))
        .collect::<Result<_, _>>()?;
    assert_eq!(references, vec!["SEL-GUE-25", "LEV-SEC-500", "MOU-PAN-12"]);

    // Merging fills blanks and overwrites nothing: the stored name and price stay.
    let mut merging = plan.clone();
    merging.decide_all(Decision::Merge);
    let summary = merging.summary();
    assert_eq!(
        (
            summary.create,
            summary.merge_existing,
            summary.merge_in_file
        ),
        (3, 1, 1)
    );
    let edit = Edit::anonymous(NOW + 60);
    let mut merged = None;
    let mut salt = None;
    for chunk in merging.writes(&edit, 10) {
        for write in chunk? {
            match write {
                ImportWrite::Merge(merge) => {
                    merged = Some(merge.apply(&stored.save(), &edit)?.document);
                }
                ImportWrite::Create(new_record) => {
                    if let RecordDocument::Product(product) = new_record.document {
                        let product = product.record()?;
                        if product.reference == "SEL-GUE-25" {
                            salt = Some(product);
                        }
                    }
                }
            }
        }
    }
    let Some(RecordDocument::Product(flour)) = merged else {
        return Err("the flour was not merged".into());
    };
    let flour = flour.record()?;
    assert_eq!(flour.name, "Farine T65, sac de 25 kg");
    assert_eq!(flour.unit_price, Money::new(1_840, CurrencyCode::EUR));
    assert_eq!(
        flour.category.as_deref(),
        Some("Farines"),
        "a blank is filled"
    );
    let salt = salt.ok_or("no salt created")?;
    assert_eq!(salt.category.as_deref(), Some("Épicerie"));
    assert_eq!(salt.description.as_str(), "Gros sel gris récolté à la main");
    Ok(())
}

#[test]
fn exported_products_import_back_to_the_same_products() -> TestResult {
    let data = shared::demo::DemoData::generate(&shared::demo::DemoSpec {
        seed: 7,
        accounts: 4,
        manager: shared::ids::UserId::from_bytes([1; 16]),
        reps: vec![shared::ids::UserId::from_bytes([2; 16])],
        now: NOW,
        workspace: None,
    })?;
    let products = data
        .products
        .iter()
        .map(|document| document.record())
        .collect::<Result<Vec<_>, _>>()?;
    assert_eq!(products.len(), 10);
    for delimiter in [Delimiter::Semicolon, Delimiter::Comma] {
        let exported = export_products(&products, delimiter)?;
        let plan = plan_for(&exported, &ExistingKeys::new())?;
        let invalid: Vec<_> = plan.invalid_rows().collect();
        assert!(invalid.is_empty(), "{invalid:?}");
        assert!(plan.duplicates().is_empty());
        let imported = created_products(&plan)?
            .iter()
            .map(|document| document.record())
            .collect::<Result<Vec<_>, _>>()?;
        assert_eq!(imported, products, "{delimiter:?}");
        assert_eq!(export_products(&imported, delimiter)?, exported);
    }
    Ok(())
}
