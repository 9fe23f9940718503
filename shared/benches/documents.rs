//! Costs of account documents: size, create/save/load, applying remote changes, index rows.
//!
//! Run with `cargo bench -p shared --bench documents`. A "typical" account is a customer after
//! months of use: identifiers, two addresses, phones, e-mails, notes, eight visits with reports,
//! four tasks, and about forty edits of history.

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use shared::account::{
    Account, AccountDocument, AccountDraft, Activity, ActivityKind, LifecycleStage, Task,
    MAIN_ADDRESS,
};
use shared::edit::{Edit, Editor};
use shared::field::FieldPath;
use shared::ids::{AccountId, ActivityId, DeviceId, TaskId, UserId};
use shared::record::{Address, AddressKind, EmailEntry, PhoneEntry};
use shared::values::{Date, EmailAddress, GeoPoint, PhoneNumber, Siren, Siret};

const TIME: i64 = 1_767_225_600;

fn editor() -> Editor {
    Editor {
        user: UserId::generate(),
        device: DeviceId::generate(),
    }
}

type Failure = Box<dyn std::error::Error>;

/// A document shaped like a real customer after a few months.
fn typical_account() -> Result<AccountDocument, Failure> {
    let edit = Edit::by(editor(), TIME);
    let draft = AccountDraft {
        name: "Boulangerie Élevé".to_owned(),
        city: "Lyon".to_owned(),
        postcode: String::new(),
    };
    let mut document = AccountDocument::create_by(AccountId::generate(), &draft, &edit)?;
    let (phone, email) = (
        PhoneNumber::parse("04 78 42 00 00")?,
        EmailAddress::parse("commandes@boulangerie-eleve.fr")?,
    );
    document.update(&edit, "details", |a: &mut Account| {
        a.siren = Siren::parse("732829320").ok();
        a.siret = Siret::parse("73282932000074").ok();
        a.stage = LifecycleStage::Active;
        a.website = Some("https://boulangerie-eleve.fr".to_owned());
        a.tags.insert("artisan");
        if let Some(main) = a.addresses.get_mut(MAIN_ADDRESS) {
            main.street = "12 rue Mercière".to_owned();
            main.postcode = "69002".to_owned();
            main.location = GeoPoint::new(45.7626, 4.833).ok();
        }
        let mut billing = Address::in_city(AddressKind::Billing, "Villeurbanne");
        billing.postcode = "69100".to_owned();
        a.addresses.insert("billing".to_owned(), billing);
        a.phones.insert(
            "standard".to_owned(),
            PhoneEntry {
                label: "Standard".to_owned(),
                number: phone,
            },
        );
        a.emails.insert(
            "orders".to_owned(),
            EmailEntry {
                label: "Commandes".to_owned(),
                address: email,
            },
        );
    })?;
    let notes = FieldPath::root("notes");
    document.splice_text(
        &edit,
        &notes,
        0,
        0,
        "Livraison avant 6 h, sonner à l'arrière.",
    )?;
    for visit in 0..8_i64 {
        let id = ActivityId::generate().to_string();
        let at = TIME + visit * 604_800;
        document.update(&Edit::by(editor(), at), "visit", |a| {
            a.activities
                .insert(id.clone(), Activity::new(ActivityKind::Visit, at));
        })?;
        let report = FieldPath::new(["activities", id.as_str(), "report"]);
        for sentence in [
            "Accueil par le gérant. ",
            "Stock de farine bas. ",
            "Commande prévue.",
        ] {
            let position = document.text(&report)?.chars().count();
            document.splice_text(&Edit::anonymous(at), &report, position, 0, sentence)?;
        }
    }
    for task in 0..4_u8 {
        let id = TaskId::generate().to_string();
        let due = Date::new(2026, 2, task + 1)?;
        document.update(&edit, "task", |a| {
            a.tasks.insert(id, Task::new("Relancer", Some(due)));
        })?;
    }
    Ok(document)
}

fn documents(criterion: &mut Criterion) {
    if let Err(failure) = measure(criterion) {
        eprintln!("the benchmark could not set up its documents: {failure}");
    }
}

fn measure(criterion: &mut Criterion) -> Result<(), Failure> {
    let mut typical = typical_account()?;
    let bytes = typical.save();
    let history = typical.history().len();
    println!(
        "typical account document: {} bytes saved ({history} changes)",
        bytes.len()
    );

    let mut group = criterion.benchmark_group("documents");
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(10));

    group.bench_function("create, save and load 10,000 accounts", |bench| {
        bench.iter(|| {
            for index in 0..10_000 {
                let draft = AccountDraft {
                    name: format!("Client {index}"),
                    city: "Lyon".to_owned(),
                    postcode: String::new(),
                };
                if let Ok(mut created) =
                    AccountDocument::create(AccountId::generate(), &draft, TIME)
                {
                    let saved = created.save();
                    black_box(AccountDocument::load(&saved).is_ok());
                }
            }
        });
    });

    // 1,000 changes made on another device, applied to a copy that has none of them.
    let mut remote = AccountDocument::load(&bytes)?;
    let base = remote.heads();
    let remote_edit = Edit::by(editor(), TIME);
    let notes = FieldPath::root("notes");
    for change in 0..1_000_usize {
        if change % 2 == 0 {
            remote.splice_text(&remote_edit, &notes, change % 40, 0, "x")?;
        } else {
            remote.update(&remote_edit, "stage", |a| {
                a.stage = if change % 4 == 1 {
                    LifecycleStage::Active
                } else {
                    LifecycleStage::ToReactivate
                };
            })?;
        }
    }
    let changes = remote.changes_since(&base);
    println!("remote changes to apply: {}", changes.len());
    group.bench_function("apply 1,000 remote changes", |bench| {
        bench.iter_batched(
            || AccountDocument::load(&bytes).ok(),
            |local| {
                if let Some(mut local) = local {
                    black_box(local.apply_changes(&changes).is_ok());
                }
            },
            BatchSize::LargeInput,
        );
    });

    let mut loaded: Vec<AccountDocument> = (0..10_000)
        .filter_map(|_| AccountDocument::load(&bytes).ok())
        .collect();
    group.bench_function("compute 10,000 index rows", |bench| {
        bench.iter(|| {
            for document in &mut loaded {
                black_box(document.index_row());
            }
        });
    });
    group.finish();
    Ok(())
}

criterion_group!(benches, documents);
criterion_main!(benches);
