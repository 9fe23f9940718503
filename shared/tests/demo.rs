//! The demo data generator: deterministic, valid by the domain's own validators, and linked.
//!
//! Time 10,000 accounts with the relay's optimised profile:
//! `cargo test -p shared --profile server-release --test demo -- --ignored --nocapture`.

use std::collections::BTreeSet;
use std::error::Error;

use automerge::AutoCommit;
use shared::account::{Account, AccountDocument, ActivityKind, LifecycleStage};
use shared::contact::{Contact, ContactDocument};
use shared::deal::DealDocument;
use shared::demo::{DemoData, DemoSpec};
use shared::ids::UserId;
use shared::values::{EmailAddress, PhoneNumber, Siren, Siret, VatNumber};

type TestResult = Result<(), Box<dyn Error>>;

/// 2026-03-02 09:00 UTC, a Monday.
const NOW: i64 = 1_772_442_000;
const MANAGER: UserId = UserId::from_bytes([1; 16]);
const REMI: UserId = UserId::from_bytes([2; 16]);
const RACHIDA: UserId = UserId::from_bytes([3; 16]);

fn spec(seed: u64, accounts: usize) -> DemoSpec {
    DemoSpec {
        seed,
        accounts,
        manager: MANAGER,
        reps: vec![REMI, RACHIDA],
        now: NOW,
        workspace: None,
    }
}

fn accounts(data: &DemoData) -> Result<Vec<Account>, Box<dyn Error>> {
    Ok(data
        .accounts
        .iter()
        .map(AccountDocument::record)
        .collect::<Result<_, _>>()?)
}

fn contacts(data: &DemoData) -> Result<Vec<Contact>, Box<dyn Error>> {
    Ok(data
        .contacts
        .iter()
        .map(ContactDocument::record)
        .collect::<Result<_, _>>()?)
}

#[test]
fn the_same_seed_gives_the_same_demo_ids_records_and_bytes() -> TestResult {
    let mut first = DemoData::generate(&spec(42, 60))?;
    let mut second = DemoData::generate(&spec(42, 60))?;
    assert_eq!(first.workspace, second.workspace);
    assert_eq!(accounts(&first)?, accounts(&second)?);
    assert_eq!(contacts(&first)?, contacts(&second)?);
    assert_eq!(first.saved(), second.saved());
    assert_eq!(first.changes(), second.changes());

    let other = DemoData::generate(&spec(43, 60))?;
    assert_ne!(first.workspace, other.workspace);
    assert_ne!(
        first.accounts.first().map(AccountDocument::id),
        other.accounts.first().map(AccountDocument::id)
    );
    Ok(())
}

#[test]
fn a_demo_account_is_the_same_whatever_the_number_generated() -> TestResult {
    let small = DemoData::generate(&spec(7, 10))?;
    let large = DemoData::generate(&spec(7, 30))?;
    assert_eq!(accounts(&small)?, accounts(&large)?[..10]);
    Ok(())
}

#[test]
fn every_demo_identifier_phone_and_email_passes_the_domain_validators() -> TestResult {
    let data = DemoData::generate(&spec(1, 200))?;
    for account in accounts(&data)? {
        let siren = account.siren.ok_or("no SIREN")?;
        let siret = account.siret.ok_or("no SIRET")?;
        let vat = account.vat.clone().ok_or("no VAT number")?;
        assert_eq!(Siren::parse(siren.as_str())?, siren);
        assert_eq!(Siret::parse(siret.as_str())?.siren(), siren);
        assert_eq!(VatNumber::parse(vat.as_str())?, vat);
        assert!(vat.as_str().starts_with("FR"));
        assert!(vat.as_str().ends_with(siren.as_str()), "{vat} {siren}");
        assert!(!account.phones.is_empty() && !account.emails.is_empty());
        for phone in account.phones.values() {
            assert_eq!(
                PhoneNumber::parse(&phone.number.to_national())?,
                phone.number
            );
            assert!(phone.number.as_e164().starts_with("+33"));
        }
        for email in account.emails.values() {
            assert_eq!(EmailAddress::parse(email.address.as_str())?, email.address);
        }
        if let Some(website) = &account.website {
            assert!(website.starts_with("https://www."), "{website}");
        }
    }
    for contact in contacts(&data)? {
        assert!(!contact.first_name.is_empty() && !contact.last_name.is_empty());
        assert!(!contact.job_title.is_empty());
        for phone in contact.phones.values() {
            let national = phone.number.to_national();
            assert!(national.starts_with("06") || national.starts_with("07"));
            assert_eq!(PhoneNumber::parse(&national)?, phone.number);
        }
        for email in contact.emails.values() {
            assert_eq!(EmailAddress::parse(email.address.as_str())?, email.address);
        }
    }
    Ok(())
}

#[test]
fn every_demo_account_row_has_a_city_a_postcode_a_stage_and_an_owner() -> TestResult {
    let mut data = DemoData::generate(&spec(2, 200))?;
    let team = [MANAGER.to_string(), REMI.to_string(), RACHIDA.to_string()];
    let mut stages = BTreeSet::new();
    for document in &mut data.accounts {
        let row = document.index_row();
        assert!(!row.unreadable);
        assert!(!row.city.is_empty(), "{row:?}");
        assert_eq!(row.postcode.len(), 5, "{row:?}");
        assert!(row.postcode.bytes().all(|b| b.is_ascii_digit()));
        assert!(team.contains(row.owner.as_ref().ok_or("no owner")?));
        assert!(row.last_activity.is_some_and(|at| at < NOW));
        stages.insert(row.stage);
    }
    let all: BTreeSet<String> = [
        LifecycleStage::Prospect,
        LifecycleStage::NewCustomer,
        LifecycleStage::Active,
        LifecycleStage::ToReactivate,
        LifecycleStage::Lost,
    ]
    .iter()
    .map(ToString::to_string)
    .collect();
    assert_eq!(stages, all);
    Ok(())
}

#[test]
fn demo_addresses_and_check_ins_lie_in_metropolitan_france() -> TestResult {
    let data = DemoData::generate(&spec(3, 200))?;
    let mut check_ins = 0;
    for account in accounts(&data)? {
        let main = account.display_address().ok_or("no address")?;
        let location = main.location.ok_or("no location")?;
        let (latitude, longitude) = (location.latitude.degrees(), location.longitude.degrees());
        assert!((41.3..51.1).contains(&latitude), "{latitude}");
        assert!((-5.2..9.6).contains(&longitude), "{longitude}");
        for activity in account.activities.values() {
            if let Some(check_in) = &activity.check_in {
                assert_eq!(activity.kind, ActivityKind::Visit);
                assert!(check_in.location.distance_metres(&location) < 150.0);
                check_ins += 1;
            }
        }
    }
    assert!(check_ins > 50, "{check_ins}");
    Ok(())
}

#[test]
fn demo_tasks_are_done_overdue_or_upcoming_around_now() -> TestResult {
    let data = DemoData::generate(&spec(4, 200))?;
    // NOW's date: ISO dates compare correctly as text.
    let today = "2026-03-02";
    let (mut done, mut overdue, mut upcoming) = (0, 0, 0);
    for account in accounts(&data)? {
        for task in account.tasks.values() {
            let due = task.due.ok_or("a task without a due date")?.to_string();
            match (task.done, due.as_str() < today) {
                (true, _) => done += 1,
                (false, true) => overdue += 1,
                (false, false) => upcoming += 1,
            }
            assert!(!task.title.is_empty());
        }
    }
    assert!(
        done > 20 && overdue > 10 && upcoming > 20,
        "{done} {overdue} {upcoming}"
    );
    Ok(())
}

#[test]
fn demo_contacts_deals_activities_and_tasks_link_to_existing_records() -> TestResult {
    let data = DemoData::generate(&spec(5, 200))?;
    let account_ids: BTreeSet<String> = data.accounts.iter().map(|a| a.id().to_string()).collect();
    let contact_ids: BTreeSet<String> = data.contacts.iter().map(|c| c.id().to_string()).collect();
    let deal_ids: BTreeSet<String> = data.deals.iter().map(|d| d.id().to_string()).collect();
    let mut people_of = std::collections::BTreeMap::<String, BTreeSet<String>>::new();
    for document in &data.contacts {
        let contact = document.record()?;
        assert_eq!(contact.accounts.iter().count(), 1);
        for account in contact.accounts.iter() {
            assert!(account_ids.contains(account));
            people_of
                .entry(account.to_owned())
                .or_default()
                .insert(document.id().to_string());
        }
    }
    assert_eq!(
        people_of.len(),
        account_ids.len(),
        "every account has contacts"
    );
    let settings = data.settings.record()?;
    let stages = settings.ordered_stages();
    let mut statuses = BTreeSet::new();
    for document in &data.deals {
        let deal = document.record()?;
        let account = deal.account.ok_or("a deal without an account")?.to_string();
        let people = people_of
            .get(&account)
            .ok_or("a deal's account has no contacts")?;
        assert!(deal.contacts.iter().all(|contact| people.contains(contact)));
        assert!(stages.contains(&deal.stage.as_str()), "{}", deal.stage);
        let amount = deal.amount.ok_or("a deal without an amount")?;
        assert!(amount.minor_units > 0 && amount.minor_units % 100 == 0);
        assert_eq!(amount.currency.as_str(), "EUR");
        assert!(deal.expected_close.is_some());
        statuses.insert(deal.status.to_string());
    }
    assert_eq!(statuses.len(), 3, "{statuses:?}");
    for document in &data.accounts {
        let account = document.record()?;
        let id = document.id().to_string();
        let people = people_of.get(&id).ok_or("an account without contacts")?;
        assert_eq!(
            account
                .territory
                .as_deref()
                .map(|t| settings.territories.contains_key(t)),
            Some(true)
        );
        for activity in account.activities.values() {
            assert!(activity.contacts.iter().all(|c| people.contains(c)));
            assert!(activity
                .deal
                .is_none_or(|deal| deal_ids.contains(&deal.to_string())));
        }
        for task in account.tasks.values() {
            assert!(task
                .contact
                .is_none_or(|c| contact_ids.contains(&c.to_string())));
            assert!(task
                .activity
                .is_none_or(|activity| account.activities.contains_key(&activity.to_string())));
        }
    }
    Ok(())
}

#[test]
fn the_demo_changes_rebuild_every_document() -> TestResult {
    let mut data = DemoData::generate(&spec(6, 30))?;
    let saved = data.saved();
    let changes = data.changes();
    assert_eq!(changes.len(), data.document_count());
    assert_eq!(changes.len(), saved.len());
    for (log, whole) in changes.iter().zip(&saved) {
        assert_eq!((log.kind, log.id), (whole.kind, whole.id));
        let mut rebuilt = AutoCommit::new();
        rebuilt.apply_changes(
            log.changes
                .iter()
                .map(|bytes| automerge::Change::from_bytes(bytes.clone()))
                .collect::<Result<Vec<_>, _>>()?,
        )?;
        let mut loaded = AutoCommit::load(&whole.bytes)?;
        assert_eq!(rebuilt.get_heads(), loaded.get_heads());
    }
    let kinds: BTreeSet<&str> = changes.iter().map(|log| log.kind).collect();
    assert_eq!(
        kinds,
        BTreeSet::from(["account", "contact", "deal", "product", "settings"])
    );
    let deal = data.deals.first_mut().ok_or("no deal")?;
    let bytes = deal.save();
    assert_eq!(DealDocument::load(&bytes)?.record()?, deal.record()?);
    Ok(())
}

#[test]
#[ignore = "timing: run in release with --ignored --nocapture"]
fn generating_ten_thousand_demo_accounts_is_timed() -> TestResult {
    let started = std::time::Instant::now();
    let mut data = DemoData::generate(&spec(2026, 10_000))?;
    let generated = started.elapsed();
    let changes: usize = data.changes().iter().map(|log| log.changes.len()).sum();
    println!(
        "10,000 accounts: {} contacts, {} deals, {changes} changes, generated in {generated:.2?}, \
         changes read in {:.2?}",
        data.contacts.len(),
        data.deals.len(),
        started.elapsed() - generated,
    );
    Ok(())
}
