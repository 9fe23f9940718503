//! Documents written by the first schema versions, kept in `shared/tests/fixtures/`: every later
//! version must keep loading and editing them.
//!
//! The files are generated once by the ignored test below and committed. It only writes files
//! that do not exist yet, so running it to add a fixture never rewrites an old one:
//! `cargo test -p shared --test documents -- --ignored regenerate_fixtures`.

use std::path::PathBuf;

use shared::account::{
    Account, AccountDocument, Activity, ActivityKind, CheckIn, LifecycleStage, Task, MAIN_ADDRESS,
};
use shared::contact::{Contact, ContactChannel, ContactDocument};
use shared::deal::{Deal, DealDocument, DealStatus};
use shared::edit::{Edit, Editor};
use shared::field::FieldPath;
use shared::ids::{
    AccountId, ActivityId, ContactId, DealId, DeviceId, TaskId, UserId, WorkspaceId,
};
use shared::record::{Address, AddressKind, CustomValue, EmailEntry, PhoneEntry};
use shared::settings::{Settings, SettingsDocument, Territory};
use shared::values::{
    CurrencyCode, Date, EmailAddress, GeoPoint, Money, PhoneNumber, Siren, Siret, VatNumber,
};

use super::legacy;

type TestResult = Result<(), Box<dyn std::error::Error>>;

const ACCOUNT_V1: &str = "account-schema-1.automerge";
const ACCOUNT_V2: &str = "account-schema-2.automerge";
const CONTACT_V1: &str = "contact-schema-1.automerge";
const DEAL_V1: &str = "deal-schema-1.automerge";
const SETTINGS_V1: &str = "settings-schema-1.automerge";

const LEGACY_ACCOUNT: AccountId = AccountId::from_bytes([0x11; 16]);
const ACCOUNT: AccountId = AccountId::from_bytes([0x12; 16]);
const CONTACT: ContactId = ContactId::from_bytes([0x21; 16]);
const DEAL: DealId = DealId::from_bytes([0x31; 16]);
const WORKSPACE: WorkspaceId = WorkspaceId::from_bytes([0x41; 16]);
const ACTIVITY: ActivityId = ActivityId::from_bytes([0x51; 16]);
const TASK: TaskId = TaskId::from_bytes([0x61; 16]);
const MARIE: Editor = Editor {
    user: UserId::from_bytes([0x71; 16]),
    device: DeviceId::from_bytes([0x72; 16]),
};
const TIME: i64 = 1_767_225_600; // 2026-01-01

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// Writes a fixture that does not exist yet; existing fixtures are never rewritten.
fn write_new(name: &str, bytes: &[u8]) -> std::io::Result<()> {
    let path = fixture(name);
    if path.exists() {
        return Ok(());
    }
    std::fs::write(path, bytes)
}

fn rich_account() -> Result<Account, Box<dyn std::error::Error>> {
    let mut account = Account::named("Boulangerie Élevé");
    account.siren = Some(Siren::parse("732 829 320")?);
    account.siret = Some(Siret::parse("732 829 320 00074")?);
    account.vat = Some(VatNumber::parse("FR44732829320")?);
    account.industry = Some("10.71C Boulangerie".to_owned());
    account.tags.insert("artisan");
    account.stage = LifecycleStage::Active;
    let mut address = Address::in_city(AddressKind::Visit, "Lyon");
    address.street = "12 rue Mercière".to_owned();
    address.postcode = "69002".to_owned();
    address.location = Some(GeoPoint::new(45.7626, 4.8330)?);
    account.addresses.insert(MAIN_ADDRESS.to_owned(), address);
    account.phones.insert(
        "standard".to_owned(),
        PhoneEntry {
            label: "Standard".to_owned(),
            number: PhoneNumber::parse("04 78 42 00 00")?,
        },
    );
    account.emails.insert(
        "orders".to_owned(),
        EmailEntry {
            label: "Commandes".to_owned(),
            address: EmailAddress::parse("commandes@boulangerie-eleve.fr")?,
        },
    );
    account.website = Some("https://boulangerie-eleve.fr".to_owned());
    account.owner = Some(MARIE.user);
    account.territory = Some("rhone".to_owned());
    account
        .custom
        .insert("ovens".to_owned(), CustomValue::Number(3.0));
    let mut visit = Activity::new(ActivityKind::Visit, TIME);
    visit.by = Some(MARIE.user);
    visit.deal = Some(DEAL);
    visit.outcome = Some("Commande de farine T65".to_owned());
    visit.contacts.insert(CONTACT.to_string());
    visit.check_in = Some(CheckIn {
        location: GeoPoint::new(45.7627, 4.8331)?,
        accuracy_metres: 12.5,
        captured_at: TIME,
    });
    account.activities.insert(ACTIVITY.to_string(), visit);
    let mut task = Task::new("Envoyer le devis", Some(Date::parse("2026-01-15")?));
    task.assignee = Some(MARIE.user);
    task.activity = Some(ACTIVITY);
    account.tasks.insert(TASK.to_string(), task);
    Ok(account)
}

#[test]
#[ignore = "writes missing fixture files; run only to add fixtures, then commit them"]
fn regenerate_fixtures() -> TestResult {
    let edit = Edit::by(MARIE, TIME);
    let mut legacy = legacy::account_schema_1(LEGACY_ACCOUNT, "Boulangerie Élevé", "Lyon", TIME)?;
    write_new(ACCOUNT_V1, &legacy.save())?;

    let mut account = AccountDocument::new(ACCOUNT, &rich_account()?, &edit)?;
    let report = FieldPath::new(["activities", ACTIVITY.to_string().as_str(), "report"]);
    account.splice_text(&edit, &report, 0, 0, "Accueil par le gérant, stock bas.")?;
    account.splice_text(
        &edit,
        &FieldPath::root("notes"),
        0,
        0,
        "Livraison avant 6 h.",
    )?;
    write_new(ACCOUNT_V2, &account.save())?;

    let mut contact = Contact::named("Jérôme", "Lefèvre");
    contact.job_title = "Gérant".to_owned();
    contact.phones.insert(
        "mobile".to_owned(),
        PhoneEntry {
            label: "Mobile".to_owned(),
            number: PhoneNumber::parse("06 12 34 56 78")?,
        },
    );
    contact.preferred_channel = Some(ContactChannel::Phone);
    contact.birthday = Some(Date::parse("14/07/1980")?);
    contact.consent_phone = true;
    contact.accounts.insert(ACCOUNT.to_string());
    let mut contact = ContactDocument::new(CONTACT, &contact, &edit)?;
    write_new(CONTACT_V1, &contact.save())?;

    let mut deal = Deal::new("Farine 2026", "propose");
    deal.account = Some(ACCOUNT);
    deal.amount = Some(Money::parse("12 500,00", CurrencyCode::EUR)?);
    deal.probability = Some(50);
    deal.expected_close = Some(Date::parse("2026-02-28")?);
    deal.owner = Some(MARIE.user);
    let mut deal = DealDocument::new(DEAL, &deal, &edit)?;
    write_new(DEAL_V1, &deal.save())?;

    let mut settings = Settings::starter();
    settings
        .territories
        .insert("rhone".to_owned(), Territory::named("Rhône"));
    let mut settings = SettingsDocument::new(WORKSPACE, &settings, &edit)?;
    write_new(SETTINGS_V1, &settings.save())?;
    Ok(())
}

#[test]
fn a_schema_1_account_fixture_loads_and_migrates_on_first_edit() -> TestResult {
    let mut document = AccountDocument::load(&std::fs::read(fixture(ACCOUNT_V1))?)?;
    assert_eq!(document.id(), LEGACY_ACCOUNT);
    assert_eq!(document.schema_version(), 1);
    assert_eq!(document.name(), "Boulangerie Élevé");
    assert_eq!(document.city(), "Lyon");
    document.update(&Edit::by(MARIE, TIME + 60), "stage", |a| {
        a.stage = LifecycleStage::Active;
    })?;
    assert_eq!(document.schema_version(), 2);
    let mut reloaded = AccountDocument::load(&document.save())?;
    let row = reloaded.index_row();
    assert_eq!((row.city.as_str(), row.stage.as_str()), ("Lyon", "active"));
    Ok(())
}

#[test]
fn a_schema_2_account_fixture_keeps_every_field() -> TestResult {
    let mut document = AccountDocument::load(&std::fs::read(fixture(ACCOUNT_V2))?)?;
    assert_eq!(document.id(), ACCOUNT);
    let account = document.record()?;
    assert_eq!(account.notes.as_str(), "Livraison avant 6 h.");
    assert_eq!(
        account
            .activities
            .get(&ACTIVITY.to_string())
            .map(|a| a.report.as_str()),
        Some("Accueil par le gérant, stock bas.")
    );
    let mut without_text = account;
    for activity in without_text.activities.values_mut() {
        activity.report = autosurgeon::Text::with_value("");
    }
    without_text.notes = autosurgeon::Text::with_value("");
    assert_eq!(without_text, rich_account()?);
    let history = document.history();
    assert!(history.iter().all(|entry| entry.editor == Some(MARIE)));
    assert_eq!(history.len(), 3);
    let row = document.index_row();
    assert_eq!(row.postcode, "69002");
    assert_eq!(row.next_task_due.as_deref(), Some("2026-01-15"));
    assert_eq!(row.last_activity, Some(TIME));
    Ok(())
}

#[test]
fn contact_deal_and_settings_fixtures_load() -> TestResult {
    let contact = ContactDocument::load(&std::fs::read(fixture(CONTACT_V1))?)?.record()?;
    assert_eq!(contact.display_name(), "Jérôme Lefèvre");
    assert_eq!(contact.birthday, Some(Date::parse("1980-07-14")?));
    assert!(contact.accounts.contains(&ACCOUNT.to_string()));

    let deal = DealDocument::load(&std::fs::read(fixture(DEAL_V1))?)?.record()?;
    assert_eq!(deal.amount, Some(Money::new(1_250_000, CurrencyCode::EUR)));
    assert_eq!(deal.status, DealStatus::Open);

    let settings = SettingsDocument::load(&std::fs::read(fixture(SETTINGS_V1))?)?.record()?;
    assert_eq!(
        settings.ordered_stages(),
        vec!["qualify", "meet", "propose", "negotiate", "sign"]
    );
    assert_eq!(settings.default_currency, CurrencyCode::EUR);
    // Written before territories listed départements and postcode prefixes: both read empty.
    let rhone = settings
        .territories
        .get("rhone")
        .ok_or("the fixture's territory is missing")?;
    assert_eq!(rhone, &Territory::named("Rhône"));
    assert_eq!(settings.territory_of_postcode("69003"), None);
    Ok(())
}
