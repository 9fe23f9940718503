use std::error::Error;

use automerge::ROOT;
use proptest::prelude::*;

use super::*;
use crate::account::{Account, Activity, ActivityKind, LifecycleStage, Task};
use crate::demo::{DemoData, DemoSpec};
use crate::ids::{AccountId, UserId};
use crate::record::{Address, AddressKind};
use crate::values::Date;

type TestResult = Result<(), Box<dyn Error>>;

/// An account with two activities, two tasks and a main address, as the page was shown it.
fn shown_account() -> Result<Account, Box<dyn Error>> {
    let mut account = Account::named("Boulangerie Élevé");
    account.addresses.insert(
        "main".to_owned(),
        Address::in_city(AddressKind::Visit, "Lyon"),
    );
    account.notes = Text::with_value("Sonner deux fois.");
    account
        .activities
        .insert("a1".to_owned(), Activity::new(ActivityKind::Visit, 100));
    account
        .activities
        .insert("a2".to_owned(), Activity::new(ActivityKind::Call, 200));
    account.tasks.insert(
        "t1".to_owned(),
        Task::new("Relancer", Some(Date::parse("2026-03-02")?)),
    );
    account
        .tasks
        .insert("t2".to_owned(), Task::new("Devis", None));
    Ok(account)
}

/// The page edits the account it was shown while a colleague edits the same account; returns
/// the colleague's version with the page's patch applied.
fn merge(
    page: impl FnOnce(&mut Account),
    colleague: impl FnOnce(&mut Account),
) -> Result<Patched<Account>, Box<dyn Error>> {
    merge_as(diff, page, colleague)
}

/// Like [`merge`], where the page's edit is typing.
fn merge_typed(
    page: impl FnOnce(&mut Account),
    colleague: impl FnOnce(&mut Account),
) -> Result<Patched<Account>, Box<dyn Error>> {
    merge_as(diff_typed, page, colleague)
}

fn merge_as(
    diff: fn(&Account, &Account) -> Result<RecordPatch, RecordPatchError>,
    page: impl FnOnce(&mut Account),
    colleague: impl FnOnce(&mut Account),
) -> Result<Patched<Account>, Box<dyn Error>> {
    let base = shown_account()?;
    let mut edited = base.clone();
    page(&mut edited);
    let mut current = base.clone();
    colleague(&mut current);
    Ok(apply(&current, &diff(&base, &edited)?)?)
}

fn demo() -> Result<DemoData, Box<dyn Error>> {
    Ok(DemoData::generate(&DemoSpec {
        seed: 0x00ca_52e7,
        accounts: 12,
        manager: UserId::from_bytes([1; 16]),
        reps: vec![UserId::from_bytes([2; 16]), UserId::from_bytes([3; 16])],
        now: 1_767_225_600,
        workspace: None,
    })?)
}

/// Checks that `record` comes back equal from its serde form, as a value and as JSON text.
fn assert_round_trips<R: Record + Serialize + DeserializeOwned>(record: &R) -> TestResult {
    let value = serde_json::to_value(record)?;
    assert_eq!(&serde_json::from_value::<R>(value)?, record);
    let text = serde_json::to_string(record)?;
    assert_eq!(&serde_json::from_str::<R>(&text)?, record);
    assert!(diff(record, record)?.is_empty());
    Ok(())
}

#[test]
fn a_colleagues_concurrent_change_to_another_field_survives() -> TestResult {
    let patched = merge(
        |page| page.name = "Boulangerie Élevé & Fils".to_owned(),
        |colleague| {
            colleague.industry = Some("Boulangerie".to_owned());
            colleague.stage = LifecycleStage::Active;
        },
    )?;
    assert_eq!(patched.dropped, 0);
    assert_eq!(patched.record.name, "Boulangerie Élevé & Fils");
    assert_eq!(patched.record.industry.as_deref(), Some("Boulangerie"));
    assert_eq!(patched.record.stage, LifecycleStage::Active);
    Ok(())
}

#[test]
fn a_colleagues_change_to_another_key_of_the_same_map_survives() -> TestResult {
    let patched = merge(
        |page| {
            if let Some(activity) = page.activities.get_mut("a1") {
                activity.outcome = Some("Commande prévue".to_owned());
            }
            if let Some(main) = page.addresses.get_mut("main") {
                main.street = "3 rue Mercière".to_owned();
            }
        },
        |colleague| {
            if let Some(activity) = colleague.activities.get_mut("a2") {
                activity.outcome = Some("Rappeler lundi".to_owned());
            }
            if let Some(main) = colleague.addresses.get_mut("main") {
                main.postcode = "69002".to_owned();
            }
        },
    )?
    .record;
    let outcomes: Vec<Option<&str>> = patched
        .activities
        .values()
        .map(|activity| activity.outcome.as_deref())
        .collect();
    assert_eq!(outcomes, [Some("Commande prévue"), Some("Rappeler lundi")]);
    let main = patched.addresses.get("main").ok_or("no main address")?;
    assert_eq!(
        (
            main.street.as_str(),
            main.postcode.as_str(),
            main.city.as_str()
        ),
        ("3 rue Mercière", "69002", "Lyon")
    );
    Ok(())
}

#[test]
fn the_pages_change_wins_on_the_field_it_changed() -> TestResult {
    let patched = merge(
        |page| page.name = "Élevé SARL".to_owned(),
        |colleague| colleague.name = "Boulangerie Élevé SA".to_owned(),
    )?;
    assert_eq!(patched.record.name, "Élevé SARL");
    let patched = merge(
        |page| page.stage = LifecycleStage::Active,
        |colleague| colleague.stage = LifecycleStage::Lost,
    )?;
    assert_eq!(patched.record.stage, LifecycleStage::Active);
    Ok(())
}

#[test]
fn text_the_rep_typed_is_merged_into_text_changed_meanwhile() -> TestResult {
    let patched = merge_typed(
        |page| page.name = "Élevé SARL".to_owned(),
        |colleague| colleague.name = "Boulangerie Élevé SA".to_owned(),
    )?;
    assert_eq!(patched.record.name, "Élevé SARL SA");
    Ok(())
}

#[test]
fn a_keystroke_typed_on_a_city_shown_before_another_tabs_keystroke_keeps_both() -> TestResult {
    let city = |text: &'static str| {
        move |account: &mut Account| {
            if let Some(main) = account.addresses.get_mut("main") {
                main.city = text.to_owned();
            }
        }
    };
    // Shown "Lyon"; this tab typed " 2" while the other tab's " 1" was stored.
    let patched = merge_typed(city("Lyon 2"), city("Lyon 1"))?.record;
    let main = patched.addresses.get("main").ok_or("no main address")?;
    assert_eq!(main.city, "Lyon 1 2");
    Ok(())
}

#[test]
fn removing_a_task_removes_only_that_task() -> TestResult {
    let patched = merge(
        |page| {
            page.tasks.remove("t1");
        },
        |colleague| {
            colleague
                .tasks
                .insert("t3".to_owned(), Task::new("Livrer", None));
            if let Some(task) = colleague.tasks.get_mut("t2") {
                task.done = true;
            }
        },
    )?
    .record;
    let keys: Vec<&str> = patched.tasks.keys().map(String::as_str).collect();
    assert_eq!(keys, ["t2", "t3"]);
    assert!(patched.tasks.get("t2").is_some_and(|task| task.done));
    Ok(())
}

#[test]
fn removing_a_task_is_one_removal_in_the_patch() -> TestResult {
    let base = shown_account()?;
    let mut edited = base.clone();
    edited.tasks.remove("t1");
    assert_eq!(
        diff(&base, &edited)?.changes(),
        [FieldChange::Remove {
            path: vec!["tasks".to_owned(), "t1".to_owned()]
        }]
    );
    Ok(())
}

#[test]
fn a_task_the_page_adds_is_added_whole() -> TestResult {
    let task = Task::new("Goûter", None);
    let patched = merge(
        |page| {
            page.tasks.insert("t9".to_owned(), task.clone());
        },
        |_| {},
    )?;
    assert_eq!(patched.record.tasks.get("t9"), Some(&task));
    assert_eq!(patched.dropped, 0);
    Ok(())
}

#[test]
fn editing_a_field_of_an_activity_a_colleague_removed_is_dropped_and_counted() -> TestResult {
    let patched = merge(
        |page| {
            if let Some(activity) = page.activities.get_mut("a1") {
                activity.outcome = Some("Commande prévue".to_owned());
                activity.report = Text::with_value("Stock de farine bas.");
            }
            page.name = "Élevé".to_owned();
        },
        |colleague| {
            colleague.activities.remove("a1");
        },
    )?;
    assert_eq!(patched.dropped, 2);
    assert!(!patched.record.activities.contains_key("a1"));
    assert_eq!(patched.record.name, "Élevé");
    Ok(())
}

#[test]
fn removing_a_key_a_colleague_already_removed_does_nothing() -> TestResult {
    let remove_first_task = |account: &mut Account| {
        account.tasks.remove("t1");
    };
    let patched = merge(remove_first_task, remove_first_task)?;
    let mut expected = shown_account()?;
    remove_first_task(&mut expected);
    assert_eq!(patched.record, expected);
    assert_eq!(patched.dropped, 0);
    Ok(())
}

#[test]
fn equal_records_give_an_empty_patch() -> TestResult {
    let account = shown_account()?;
    let patch = diff(&account, &account.clone())?;
    assert!(patch.is_empty());
    assert_eq!(apply(&account, &patch)?.record, account);
    Ok(())
}

#[test]
fn a_tag_added_by_each_side_keeps_both() -> TestResult {
    let patched = merge(
        |page| {
            page.tags.insert("bio");
        },
        |colleague| {
            colleague.tags.insert("centre-ville");
        },
    )?;
    assert_eq!(
        patched.record.tags.iter().collect::<Vec<_>>(),
        ["bio", "centre-ville"]
    );
    Ok(())
}

#[test]
fn every_demo_record_survives_a_serde_round_trip() -> TestResult {
    let data = demo()?;
    assert_round_trips(&data.settings.record()?)?;
    for account in &data.accounts {
        assert_round_trips(&account.record()?)?;
    }
    for contact in &data.contacts {
        assert_round_trips(&contact.record()?)?;
    }
    for deal in &data.deals {
        assert_round_trips(&deal.record()?)?;
    }
    Ok(())
}

#[test]
fn value_types_serialise_as_their_canonical_text() -> TestResult {
    let mut account = shown_account()?;
    account.siren = Some(crate::values::Siren::parse("732 829 320")?);
    let value = serde_json::to_value(&account)?;
    assert_eq!(value["siren"], "732829320");
    assert_eq!(value["stage"], "prospect");
    assert_eq!(value["notes"], "Sonner deux fois.");
    assert_eq!(value["tasks"]["t1"]["due"], "2026-03-02");
    assert_eq!(value["tags"], serde_json::json!({}));
    Ok(())
}

#[test]
fn a_patch_that_makes_an_invalid_record_is_refused() -> TestResult {
    let account = shown_account()?;
    for (field, value) in [
        ("siren", serde_json::json!("123456789")),
        ("stage", serde_json::json!(42)),
        ("name", serde_json::Value::Null),
    ] {
        let patch = RecordPatch::new(vec![FieldChange::Set {
            path: vec![field.to_owned()],
            value,
            base: None,
        }])?;
        assert!(
            matches!(apply(&account, &patch), Err(RecordPatchError::Invalid(_))),
            "{field}"
        );
    }
    Ok(())
}

#[test]
fn a_patch_over_the_caps_is_refused_before_any_work() -> TestResult {
    let account = shown_account()?;
    let remove = |depth: usize| FieldChange::Remove {
        path: vec!["tasks".to_owned(); depth],
    };
    let too_many = vec![remove(2); MAX_CHANGES + 1];
    assert!(matches!(
        RecordPatch::new(too_many.clone()),
        Err(RecordPatchError::TooManyChanges(count)) if count == MAX_CHANGES + 1
    ));
    let smuggled = RecordPatch { changes: too_many };
    assert!(matches!(
        apply(&account, &smuggled),
        Err(RecordPatchError::TooManyChanges(_))
    ));
    assert!(RecordPatch::new(vec![remove(2); MAX_CHANGES]).is_ok());
    assert!(matches!(
        RecordPatch::new(vec![remove(MAX_PATH_DEPTH + 1)]),
        Err(RecordPatchError::PathTooDeep(depth)) if depth == MAX_PATH_DEPTH + 1
    ));
    assert!(RecordPatch::new(vec![remove(MAX_PATH_DEPTH)]).is_ok());
    assert!(matches!(
        RecordPatch::new(vec![remove(0)]),
        Err(RecordPatchError::EmptyPath)
    ));
    let wire = serde_json::to_string(&smuggled)?;
    assert!(serde_json::from_str::<RecordPatch>(&wire).is_err());
    Ok(())
}

#[test]
fn a_patch_survives_the_trip_as_json() -> TestResult {
    let base = shown_account()?;
    let mut edited = base.clone();
    edited.name = "Élevé".to_owned();
    edited.tasks.remove("t2");
    let patch = diff(&base, &edited)?;
    let received: RecordPatch = serde_json::from_str(&serde_json::to_string(&patch)?)?;
    assert_eq!(received, patch);
    Ok(())
}

/// The worker's document after a colleague's edits merged in, and the record the page was shown
/// before them.
struct Diverged {
    worker: Document<Account>,
    colleague: Document<Account>,
    shown: Account,
}

fn diverged() -> Result<Diverged, Box<dyn Error>> {
    let mut worker = Document::new(
        AccountId::generate(),
        &shown_account()?,
        &Edit::anonymous(1),
    )?;
    // The page receives the record as plain data: its texts arrive fresh.
    let shown: Account = serde_json::from_str(&serde_json::to_string(&worker.record()?)?)?;
    let mut colleague = worker.fork();
    colleague.update(&Edit::anonymous(2), "industry", |account| {
        account.industry = Some("Boulangerie".to_owned());
    })?;
    colleague.splice_text(
        &Edit::anonymous(2),
        &FieldPath::root("notes"),
        0,
        0,
        "Client fidèle. ",
    )?;
    worker.merge(&mut colleague)?;
    Ok(Diverged {
        worker,
        colleague,
        shown,
    })
}

fn notes_object(document: &Document<Account>) -> Result<automerge::ObjId, Box<dyn Error>> {
    match document.automerge().get(ROOT, "notes")? {
        Some((Value::Object(ObjType::Text), notes)) => Ok(notes),
        _ => Err("notes are not text".into()),
    }
}

#[test]
fn a_stale_pages_patch_and_a_colleagues_changes_both_reach_the_document() -> TestResult {
    let Diverged {
        mut worker,
        mut colleague,
        shown,
    } = diverged()?;
    let mut edited = shown.clone();
    edited.name = "Élevé & Fils".to_owned();
    if let Some(activity) = edited.activities.get_mut("a1") {
        activity.outcome = Some("Commande prévue".to_owned());
    }
    edited.tasks.remove("t2");
    let wire = serde_json::to_string(&diff(&shown, &edited)?)?;
    let patch: RecordPatch = serde_json::from_str(&wire)?;

    // The colleague keeps typing while the worker applies the page's patch.
    colleague.splice_text(
        &Edit::anonymous(3),
        &FieldPath::root("notes"),
        0,
        0,
        "Livrer avant 7 h. ",
    )?;
    let notes_before = notes_object(&worker)?;
    let applied = worker.apply_patch(&Edit::anonymous(3), "edit from the page", &patch)?;
    assert!(applied.change.is_some());
    assert_eq!(applied.dropped, 0);
    assert_eq!(notes_object(&worker)?, notes_before);
    let history = worker.history();
    let last = history.last().ok_or("no history")?;
    let mut fields = last.fields.clone();
    fields.sort();
    assert_eq!(fields, ["activities", "name", "tasks"]);
    worker.merge(&mut colleague)?;

    let merged = worker.record()?;
    assert_eq!(merged.name, "Élevé & Fils");
    assert_eq!(merged.industry.as_deref(), Some("Boulangerie"));
    assert_eq!(
        merged
            .activities
            .get("a1")
            .and_then(|a| a.outcome.as_deref()),
        Some("Commande prévue")
    );
    assert!(!merged.tasks.contains_key("t2") && merged.tasks.contains_key("t1"));
    assert_eq!(
        merged.notes.as_str(),
        "Livrer avant 7 h. Client fidèle. Sonner deux fois."
    );
    Ok(())
}

#[test]
fn notes_the_page_retyped_become_character_edits_that_merge_with_a_colleagues() -> TestResult {
    let Diverged {
        mut worker,
        mut colleague,
        shown,
    } = diverged()?;
    let mut edited = shown.clone();
    edited.notes = Text::with_value("Sonner trois fois, côté cour.");
    colleague.splice_text(
        &Edit::anonymous(3),
        &FieldPath::root("notes"),
        0,
        0,
        "Été : ",
    )?;
    let notes_before = notes_object(&worker)?;
    worker.apply_patch(&Edit::anonymous(3), "notes", &diff(&shown, &edited)?)?;
    assert_eq!(notes_object(&worker)?, notes_before);
    worker.merge(&mut colleague)?;
    // The page's version wins on the notes it changed, but as edits: the colleague's words
    // typed concurrently with the patch are kept.
    let notes = worker.record()?.notes;
    assert!(notes.as_str().starts_with("Été : "), "{notes:?}");
    assert!(
        notes.as_str().ends_with("Sonner trois fois, côté cour."),
        "{notes:?}"
    );
    Ok(())
}

#[test]
fn a_report_in_an_activity_the_page_added_is_written_as_new_text() -> TestResult {
    let Diverged {
        mut worker, shown, ..
    } = diverged()?;
    let mut edited = shown.clone();
    let mut visit = Activity::new(ActivityKind::Visit, 300);
    visit.report = Text::with_value("Première visite.");
    edited.activities.insert("a3".to_owned(), visit);
    worker.apply_patch(&Edit::anonymous(3), "log visit", &diff(&shown, &edited)?)?;
    let report = FieldPath::new(["activities", "a3", "report"]);
    assert_eq!(worker.text(&report)?, "Première visite.");
    Ok(())
}

#[test]
fn an_empty_patch_writes_no_change() -> TestResult {
    let Diverged {
        mut worker, shown, ..
    } = diverged()?;
    let applied = worker.apply_patch(&Edit::anonymous(3), "nothing", &diff(&shown, &shown)?)?;
    assert_eq!(applied.change, None);
    Ok(())
}

proptest! {
    #[test]
    fn applying_the_diff_to_the_base_gives_the_edited_record(
        name in "\\PC{0,20}",
        outcome in proptest::option::of("\\PC{0,20}"),
        report in "\\PC{0,40}",
        done in any::<bool>(),
        remove_task in any::<bool>(),
        tag in "[a-z]{1,8}",
    ) {
        let base = shown_account().map_err(|error| TestCaseError::fail(error.to_string()))?;
        let mut edited = base.clone();
        edited.name = name;
        edited.tags.insert(tag);
        if let Some(activity) = edited.activities.get_mut("a2") {
            activity.outcome = outcome;
            activity.report = Text::with_value(report);
        }
        if let Some(task) = edited.tasks.get_mut("t1") {
            task.done = done;
        }
        if remove_task {
            edited.tasks.remove("t2");
        }
        let patched = diff(&base, &edited)
            .and_then(|patch| apply(&base, &patch))
            .map_err(|error| TestCaseError::fail(error.to_string()))?;
        prop_assert_eq!(patched.record, edited);
        prop_assert_eq!(patched.dropped, 0);
    }
}
