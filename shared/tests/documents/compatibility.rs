//! Older and newer versions editing the same documents.

use automerge::transaction::Transactable;
use automerge::{ObjType, ReadDoc, ScalarValue, Value, ROOT};
use shared::account::{
    AccountDocument, AccountDraft, Activity, ActivityKind, LifecycleStage, ACCOUNT_SCHEMA_VERSION,
    MAIN_ADDRESS,
};
use shared::edit::Edit;
use shared::field::FieldPath;
use shared::ids::{AccountId, ActivityId};

use super::legacy;

type TestResult = Result<(), Box<dyn std::error::Error>>;

#[test]
fn fields_a_newer_version_wrote_survive_this_versions_edits() -> TestResult {
    let draft = AccountDraft {
        name: "Cave Lamartine".to_owned(),
        city: "Mâcon".to_owned(),
        postcode: String::new(),
    };
    let mut document = AccountDocument::create(AccountId::generate(), &draft, 1)?;
    let activity = ActivityId::generate().to_string();
    document.update(&Edit::anonymous(2), "visit", |a| {
        a.activities
            .insert(activity.clone(), Activity::new(ActivityKind::Visit, 2));
    })?;

    // A future version adds a root field, a field inside an activity, an unknown stage value,
    // and a whole unknown collection.
    let future = document.automerge_mut();
    future.put(ROOT, "loyalty_points", 42_i64)?;
    future.put(ROOT, "stage", "key_account")?;
    let Some((Value::Object(ObjType::Map), activities)) = future.get(ROOT, "activities")? else {
        return Err("no activities map".into());
    };
    let Some((_, visit)) = future.get(&activities, activity.as_str())? else {
        return Err("no activity".into());
    };
    future.put(&visit, "weather", "rain")?;
    let quotes = future.put_object(ROOT, "quotes", ObjType::Map)?;
    future.put(&quotes, "q1", "1200 EUR")?;
    future.commit();

    let mut reloaded = AccountDocument::load(&document.save())?;
    assert_eq!(
        reloaded.record()?.stage,
        LifecycleStage::Other("key_account".to_owned())
    );
    reloaded.update(&Edit::anonymous(3), "edit", |a| {
        a.name = "Cave Lamartine & Fils".to_owned();
        a.activities
            .values_mut()
            .for_each(|v| v.outcome = Some("order".to_owned()));
        a.tags.insert("wine");
    })?;
    reloaded.splice_text(
        &Edit::anonymous(4),
        &FieldPath::root("notes"),
        0,
        0,
        "Cave voûtée",
    )?;

    let edited = reloaded.automerge();
    let scalar = |object: &automerge::ObjId, key: &str| -> Option<ScalarValue> {
        match edited.get(object, key).ok().flatten() {
            Some((Value::Scalar(value), _)) => Some(value.into_owned()),
            _ => None,
        }
    };
    assert_eq!(scalar(&ROOT, "loyalty_points"), Some(ScalarValue::Int(42)));
    assert_eq!(
        scalar(&ROOT, "stage"),
        Some(ScalarValue::Str("key_account".into()))
    );
    assert_eq!(
        scalar(&visit, "weather"),
        Some(ScalarValue::Str("rain".into()))
    );
    assert_eq!(
        scalar(&quotes, "q1"),
        Some(ScalarValue::Str("1200 EUR".into()))
    );
    assert_eq!(reloaded.name(), "Cave Lamartine & Fils");
    Ok(())
}

#[test]
fn a_document_from_a_newer_schema_is_edited_without_being_downgraded() -> TestResult {
    let draft = AccountDraft {
        name: "Atelier Roux".to_owned(),
        city: "Nantes".to_owned(),
        postcode: String::new(),
    };
    let mut document = AccountDocument::create(AccountId::generate(), &draft, 1)?;
    document.automerge_mut().put(
        ROOT,
        "schema",
        ScalarValue::Uint(ACCOUNT_SCHEMA_VERSION + 1),
    )?;
    document.automerge_mut().commit();
    document.update(&Edit::anonymous(2), "rename", |a| {
        a.name = "Atelier Roux SAS".to_owned()
    })?;
    assert_eq!(document.schema_version(), ACCOUNT_SCHEMA_VERSION + 1);
    assert_eq!(document.name(), "Atelier Roux SAS");
    Ok(())
}

#[test]
fn a_schema_1_account_reads_as_the_current_shape_without_being_changed() -> TestResult {
    let legacy = legacy::account_schema_1(AccountId::generate(), "Boulangerie Élevé", "Lyon", 7)?;
    let mut document = AccountDocument::from_automerge(legacy)?;
    let heads = document.heads();
    assert_eq!(document.schema_version(), 1);
    let account = document.record()?;
    assert_eq!(account.name, "Boulangerie Élevé");
    assert_eq!(document.name(), "Boulangerie Élevé");
    assert_eq!(document.city(), "Lyon");
    assert_eq!(document.index_row().city, "Lyon");
    assert_eq!(document.heads(), heads, "reading must not write");
    Ok(())
}

#[test]
fn devices_migrating_the_same_account_concurrently_converge_without_conflicts() -> TestResult {
    let id = AccountId::generate();
    let legacy = legacy::account_schema_1(id, "Boulangerie Élevé", "Lyon", 7)?;
    let mut first = AccountDocument::from_automerge(legacy)?;
    let mut second = first.fork();
    let mut third = first.fork();

    first.update(&Edit::anonymous(10), "rename", |a| {
        a.name = "Boulangerie Élevé SARL".to_owned()
    })?;
    second.splice_text(
        &Edit::anonymous(11),
        &FieldPath::root("notes"),
        0,
        0,
        "Ouvert le dimanche",
    )?;
    third.migrate(&Edit::anonymous(12))?;
    // A device still on schema 1 edits the old `city` after the others migrated.
    first.merge(&mut second)?;
    first.merge(&mut third)?;
    second.merge(&mut first)?;

    assert_eq!(first.schema_version(), 2);
    assert_eq!(first.heads(), second.heads());
    assert!(
        first.conflicted_fields().is_empty(),
        "{:?}",
        first.conflicted_fields()
    );
    let account = first.record()?;
    assert_eq!(account.name, "Boulangerie Élevé SARL");
    assert_eq!(account.notes.as_str(), "Ouvert le dimanche");
    assert_eq!(
        account.addresses.get(MAIN_ADDRESS).map(|a| a.city.as_str()),
        Some("Lyon")
    );
    assert!(first.automerge().get(ROOT, "city")?.is_none());
    // The structural migration is one change shared by all three devices.
    let migrations = first
        .history()
        .into_iter()
        .filter(|entry| entry.message.as_deref() == Some("migrate to schema 2"))
        .count();
    assert_eq!(migrations, 1);
    Ok(())
}

#[test]
fn a_city_edited_by_an_old_version_after_migration_is_carried_over() -> TestResult {
    let legacy = legacy::account_schema_1(AccountId::generate(), "Forge Bardin", "Tours", 7)?;
    let mut old_device = AccountDocument::from_automerge(legacy)?;
    let mut new_device = old_device.fork();
    new_device.migrate(&Edit::anonymous(8))?;
    old_device.automerge_mut().put(ROOT, "city", "Amboise")?;
    old_device.automerge_mut().commit();
    new_device.merge(&mut old_device)?;
    new_device.update(&Edit::anonymous(9), "tag", |a| {
        a.tags.insert("forge");
    })?;
    assert!(new_device.automerge().get(ROOT, "city")?.is_none());
    assert_eq!(new_device.city(), "Amboise");
    Ok(())
}
