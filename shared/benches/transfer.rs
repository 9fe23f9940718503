//! Cost of a CSV import: a generated 10,000-row French export read, mapped, validated, checked
//! for duplicates and built into account documents (everything the client does but storing).
//!
//! Run with `cargo bench -p shared --bench transfer`. Measured natively (2 shared cores): the
//! whole import about 2.3 s, nearly all of it creating the 10,000 Automerge documents (about
//! 230 µs each); reading, mapping, validating and checking duplicates about 47 ms.

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use shared::edit::Edit;
use shared::settings::Settings;
use shared::transfer::{
    Entity, ExistingKeys, ImportPlan, ImportRules, Mapping, ReadOptions, Table,
};

const ROWS: u32 = 10_000;

/// A `;`-separated Windows-1252 export like a French spreadsheet writes, with a few quoted
/// multi-line addresses.
fn french_export() -> Vec<u8> {
    let mut text = String::from(
        "Raison sociale;N° SIRET;Adresse;Code postal;Ville;Téléphone;E-mail;Étape;Commentaires\r\n",
    );
    for index in 0..ROWS {
        let street = if index % 10 == 0 {
            format!("\"{index} rue de la République\r\nBâtiment B\"")
        } else {
            format!("{index} rue de la République")
        };
        text.push_str(&format!(
            "Société Élevé n°{index};;{street};{:05};Lyon;04 78 {:02} {:02} {:02};contact{index}@exemple.fr;Client actif;Créée par l'import\r\n",
            69001 + index % 9,
            index / 10_000 % 100,
            index / 100 % 100,
            index % 100,
        ));
    }
    encoding_rs::WINDOWS_1252.encode(&text).0.into_owned()
}

fn import(bytes: &[u8], rules: &ImportRules) -> usize {
    let Ok(table) = Table::read(bytes, &ReadOptions::default()) else {
        return 0;
    };
    let mapping = Mapping::guess(Entity::Account, &table.headers);
    let plan = ImportPlan::new(&table, &mapping, rules, &ExistingKeys::new());
    let edit = Edit::anonymous(1_767_225_600);
    plan.writes(&edit, 500)
        .filter_map(Result::ok)
        .map(|chunk| chunk.len())
        .sum()
}

fn benches(criterion: &mut Criterion) {
    let bytes = french_export();
    let rules = ImportRules::from_settings(&Settings::starter());
    assert_eq!(import(&bytes, &rules), ROWS as usize, "every row imports");
    let mut group = criterion.benchmark_group("transfer");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(30));
    group.bench_function("import 10,000 CSV rows into documents", |bencher| {
        bencher.iter(|| import(black_box(&bytes), &rules))
    });
    group.bench_function(
        "read and validate 10,000 CSV rows (no documents)",
        |bencher| {
            bencher.iter(|| {
                let Ok(table) = Table::read(black_box(&bytes), &ReadOptions::default()) else {
                    return 0;
                };
                let mapping = Mapping::guess(Entity::Account, &table.headers);
                ImportPlan::new(&table, &mapping, &rules, &ExistingKeys::new())
                    .summary()
                    .create
            })
        },
    );
    group.finish();
}

criterion_group!(transfer, benches);
criterion_main!(transfer);
