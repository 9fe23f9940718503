//! The account record (a company: customer or prospect) and its document.
//!
//! One document per account holds everything a rep knows about the company, including its
//! activities and tasks, so a visit report and the account it belongs to share one history and
//! sync as one unit. Layout decisions:
//! - names, identifiers, stage, owner: registers (last writer wins, concurrent values kept as
//!   conflicts the UI can show);
//! - notes and activity reports: Automerge text, so concurrent typing merges character-wise;
//! - addresses, phones, e-mails, custom fields, activities, tasks: maps keyed by id, so
//!   concurrent additions never clash and a removal removes exactly one entry;
//! - tags: a set stored as a map to `true`.
//!
//! Schema 1 is what the first slice wrote (`name` and `city` at the root); schema 2 is this
//! layout, reached by [`ACCOUNT_MIGRATIONS`].

use std::collections::BTreeMap;

use automerge::transaction::Transactable;
use automerge::{AutoCommit, AutomergeError, ObjType, ReadDoc, ScalarValue, Value, ROOT};
use autosurgeon::{Hydrate, Reconcile, Text};
use serde::{Deserialize, Serialize};

use crate::document::{Document, DocumentError};
use crate::edit::Edit;
use crate::field::FieldPath;
use crate::ids::AccountId;
use crate::migration::Migration;
use crate::record::{
    named_values, Address, AddressKind, CustomValue, EmailEntry, KeySet, PhoneEntry, Record,
};
use crate::record_patch::TextFields;
use crate::values::{Date, GeoPoint, Siren, Siret, VatNumber};

/// The schema version this build writes into account documents.
pub const ACCOUNT_SCHEMA_VERSION: u64 = 2;

/// The key of the address that schema 1's root `city` moved into.
pub const MAIN_ADDRESS: &str = "main";

named_values!(
    /// Where the company stands in its life with us.
    LifecycleStage {
        /// Not yet a customer.
        Prospect => "prospect",
        /// First order placed recently.
        NewCustomer => "new_customer",
        /// Orders regularly.
        Active => "active",
        /// Has stopped ordering; worth a visit.
        ToReactivate => "to_reactivate",
        /// Gone.
        Lost => "lost",
    }
);

named_values!(
    /// What kind of interaction an activity records.
    ActivityKind {
        /// An on-site visit.
        Visit => "visit",
        /// A phone call.
        Call => "call",
        /// A meeting (on site or remote).
        Meeting => "meeting",
        /// An e-mail exchange.
        Email => "email",
        /// A free note.
        Note => "note",
    }
);

/// A company, customer or prospect.
#[derive(Clone, Debug, PartialEq, Reconcile, Hydrate, Serialize, Deserialize)]
pub struct Account {
    /// The company's name as reps call it.
    pub name: String,
    /// SIREN (the company).
    #[autosurgeon(missing = "Default::default")]
    pub siren: Option<Siren>,
    /// SIRET (the establishment visited).
    #[autosurgeon(missing = "Default::default")]
    pub siret: Option<Siret>,
    /// Intra-community VAT number.
    #[autosurgeon(missing = "Default::default")]
    pub vat: Option<VatNumber>,
    /// Industry, free text or a NAF code.
    #[autosurgeon(missing = "Default::default")]
    pub industry: Option<String>,
    /// Category tags.
    #[autosurgeon(missing = "Default::default")]
    pub tags: KeySet,
    /// Lifecycle stage.
    pub stage: LifecycleStage,
    /// Addresses by key.
    #[autosurgeon(missing = "Default::default")]
    pub addresses: BTreeMap<String, Address>,
    /// Phone numbers by key.
    #[autosurgeon(missing = "Default::default")]
    pub phones: BTreeMap<String, PhoneEntry>,
    /// E-mail addresses by key.
    #[autosurgeon(missing = "Default::default")]
    pub emails: BTreeMap<String, EmailEntry>,
    /// Website URL.
    #[autosurgeon(missing = "Default::default")]
    pub website: Option<String>,
    /// The rep who owns the account (a user id).
    #[autosurgeon(missing = "Default::default")]
    pub owner: Option<crate::ids::UserId>,
    /// Territory key (from the workspace settings).
    #[autosurgeon(missing = "Default::default")]
    pub territory: Option<String>,
    /// Free notes, edited concurrently.
    #[serde(with = "crate::record::text_as_string")]
    pub notes: Text,
    /// Custom field values by field key.
    #[autosurgeon(missing = "Default::default")]
    pub custom: BTreeMap<String, CustomValue>,
    /// Activities by id.
    #[autosurgeon(missing = "Default::default")]
    pub activities: BTreeMap<String, Activity>,
    /// Tasks by id.
    #[autosurgeon(missing = "Default::default")]
    pub tasks: BTreeMap<String, Task>,
}

/// One interaction with the account.
#[derive(Clone, Debug, PartialEq, Reconcile, Hydrate, Serialize, Deserialize)]
pub struct Activity {
    /// Visit, call, meeting…
    pub kind: ActivityKind,
    /// When it happened (Unix seconds).
    pub at: i64,
    /// Who did it.
    #[autosurgeon(missing = "Default::default")]
    pub by: Option<crate::ids::UserId>,
    /// The contacts involved.
    #[autosurgeon(missing = "Default::default")]
    pub contacts: KeySet,
    /// The deal it was about.
    #[autosurgeon(missing = "Default::default")]
    pub deal: Option<crate::ids::DealId>,
    /// Outcome in a few words.
    #[autosurgeon(missing = "Default::default")]
    pub outcome: Option<String>,
    /// The report, edited concurrently.
    #[serde(with = "crate::record::text_as_string")]
    pub report: Text,
    /// Where the rep checked in, if they did.
    #[autosurgeon(missing = "Default::default")]
    pub check_in: Option<CheckIn>,
}

/// A geolocated check-in captured on site.
#[derive(Clone, Debug, PartialEq, Reconcile, Hydrate, Serialize, Deserialize)]
pub struct CheckIn {
    /// Where the device was.
    pub location: GeoPoint,
    /// The fix's accuracy radius in metres.
    pub accuracy_metres: f64,
    /// When the fix was captured (Unix seconds, device clock).
    pub captured_at: i64,
}

/// Something to do for the account.
#[derive(Clone, Debug, PartialEq, Reconcile, Hydrate, Serialize, Deserialize)]
pub struct Task {
    /// What to do.
    pub title: String,
    /// When it is due.
    #[autosurgeon(missing = "Default::default")]
    pub due: Option<Date>,
    /// Who should do it.
    #[autosurgeon(missing = "Default::default")]
    pub assignee: Option<crate::ids::UserId>,
    /// Whether it is done.
    pub done: bool,
    /// The activity it follows up.
    #[autosurgeon(missing = "Default::default")]
    pub activity: Option<crate::ids::ActivityId>,
    /// The contact it concerns.
    #[autosurgeon(missing = "Default::default")]
    pub contact: Option<crate::ids::ContactId>,
    /// The deal it concerns.
    #[autosurgeon(missing = "Default::default")]
    pub deal: Option<crate::ids::DealId>,
    /// The kind of activity the task plans (a visit, a call…); `None` for anything else.
    #[autosurgeon(missing = "Default::default")]
    pub kind: Option<ActivityKind>,
}

/// The part of an account that lists and search need, hydrated without most fields: reading it
/// costs a fraction of the whole record (see the `documents` benchmark). Of the texts it reads
/// only the notes and the activity reports, whose words search covers.
/// Its field names are the [`Account`]'s; a test checks both give the same index row.
#[derive(Clone, Debug, PartialEq, Hydrate)]
pub struct AccountListing {
    /// See [`Account::name`].
    pub name: String,
    /// See [`Account::siren`].
    #[autosurgeon(missing = "Default::default")]
    pub siren: Option<Siren>,
    /// See [`Account::industry`].
    #[autosurgeon(missing = "Default::default")]
    pub industry: Option<String>,
    /// See [`Account::tags`].
    #[autosurgeon(missing = "Default::default")]
    pub tags: KeySet,
    /// See [`Account::stage`].
    pub stage: LifecycleStage,
    /// See [`Account::addresses`].
    #[autosurgeon(missing = "Default::default")]
    pub addresses: BTreeMap<String, Address>,
    /// See [`Account::phones`] (the dashboard's call lists show one).
    #[autosurgeon(missing = "Default::default")]
    pub phones: BTreeMap<String, PhoneEntry>,
    /// See [`Account::owner`].
    #[autosurgeon(missing = "Default::default")]
    pub owner: Option<crate::ids::UserId>,
    /// See [`Account::notes`] (search indexes its words).
    #[autosurgeon(missing = "Default::default")]
    pub notes: Text,
    /// When each activity happened, and its report.
    #[autosurgeon(missing = "Default::default")]
    pub activities: BTreeMap<String, ActivityListing>,
    /// Each task's due date and state.
    #[autosurgeon(missing = "Default::default")]
    pub tasks: BTreeMap<String, TaskListing>,
}

/// The part of an activity that lists, search and the dashboard need.
#[derive(Clone, Debug, PartialEq, Hydrate)]
pub struct ActivityListing {
    /// See [`Activity::kind`].
    pub kind: ActivityKind,
    /// See [`Activity::at`].
    pub at: i64,
    /// See [`Activity::by`].
    #[autosurgeon(missing = "Default::default")]
    pub by: Option<crate::ids::UserId>,
    /// See [`Activity::report`] (search indexes its words).
    #[autosurgeon(missing = "Default::default")]
    pub report: Text,
}

/// The part of a task that lists need.
#[derive(Clone, Debug, PartialEq, Hydrate)]
pub struct TaskListing {
    /// See [`Task::due`].
    #[autosurgeon(missing = "Default::default")]
    pub due: Option<Date>,
    /// See [`Task::done`].
    pub done: bool,
}

impl From<&Account> for AccountListing {
    fn from(account: &Account) -> Self {
        Self {
            name: account.name.clone(),
            siren: account.siren,
            industry: account.industry.clone(),
            tags: account.tags.clone(),
            stage: account.stage.clone(),
            addresses: account.addresses.clone(),
            phones: account.phones.clone(),
            owner: account.owner,
            notes: account.notes.clone(),
            activities: account
                .activities
                .iter()
                .map(|(key, activity)| {
                    let listing = ActivityListing {
                        kind: activity.kind.clone(),
                        at: activity.at,
                        by: activity.by,
                        report: activity.report.clone(),
                    };
                    (key.clone(), listing)
                })
                .collect(),
            tasks: account
                .tasks
                .iter()
                .map(|(key, task)| {
                    let listing = TaskListing {
                        due: task.due,
                        done: task.done,
                    };
                    (key.clone(), listing)
                })
                .collect(),
        }
    }
}

impl AccountListing {
    /// The address lists show: the main one, else a visit address, else any.
    pub fn display_address(&self) -> Option<&Address> {
        display_address(&self.addresses)
    }
}

/// The main address, else a visit address, else any.
fn display_address(addresses: &BTreeMap<String, Address>) -> Option<&Address> {
    addresses
        .get(MAIN_ADDRESS)
        .or_else(|| addresses.values().find(|a| a.kind == AddressKind::Visit))
        .or_else(|| addresses.values().next())
}

impl Account {
    /// A prospect called `name`, everything else empty.
    pub fn named(name: &str) -> Self {
        Self {
            name: name.to_owned(),
            siren: None,
            siret: None,
            vat: None,
            industry: None,
            tags: KeySet::default(),
            stage: LifecycleStage::Prospect,
            addresses: BTreeMap::new(),
            phones: BTreeMap::new(),
            emails: BTreeMap::new(),
            website: None,
            owner: None,
            territory: None,
            notes: Text::with_value(""),
            custom: BTreeMap::new(),
            activities: BTreeMap::new(),
            tasks: BTreeMap::new(),
        }
    }

    /// The address lists show: the main one, else a visit address, else any.
    pub fn display_address(&self) -> Option<&Address> {
        self.addresses
            .get(MAIN_ADDRESS)
            .or_else(|| {
                self.addresses
                    .values()
                    .find(|a| a.kind == AddressKind::Visit)
            })
            .or_else(|| self.addresses.values().next())
    }

    /// Where a rep visits the company: the coordinates of the main address when it is a visit
    /// address, else of any visit address, else of the display address; `None` when none has
    /// coordinates.
    pub fn visit_location(&self) -> Option<GeoPoint> {
        let main = self
            .addresses
            .get(MAIN_ADDRESS)
            .filter(|address| address.kind == AddressKind::Visit);
        main.into_iter()
            .chain(
                self.addresses
                    .values()
                    .filter(|address| address.kind == AddressKind::Visit),
            )
            .chain(self.display_address())
            .find_map(|address| address.location)
    }
}

impl Activity {
    /// An activity of `kind` at `at`, with an empty report.
    pub fn new(kind: ActivityKind, at: i64) -> Self {
        Self {
            kind,
            at,
            by: None,
            contacts: KeySet::default(),
            deal: None,
            outcome: None,
            report: Text::with_value(""),
            check_in: None,
        }
    }
}

impl Task {
    /// An open task called `title`.
    pub fn new(title: &str, due: Option<Date>) -> Self {
        Self {
            title: title.to_owned(),
            due,
            assignee: None,
            done: false,
            activity: None,
            contact: None,
            deal: None,
            kind: None,
        }
    }

    /// An open task planning a visit, due on `due`.
    pub fn visit(title: &str, due: Date) -> Self {
        Self {
            kind: Some(ActivityKind::Visit),
            ..Self::new(title, Some(due))
        }
    }

    /// Whether the task plans a visit on site.
    pub fn plans_visit(&self) -> bool {
        self.kind == Some(ActivityKind::Visit)
    }
}

impl Record for Account {
    type Id = AccountId;
    const KIND: &'static str = "account";
    const SCHEMA_VERSION: u64 = ACCOUNT_SCHEMA_VERSION;
    const MIGRATIONS: &'static [Migration] = ACCOUNT_MIGRATIONS;
}

/// Schema 1 → 2: the first slice's root `city` becomes the main address; the collections,
/// notes text and stage appear.
pub const ACCOUNT_MIGRATIONS: &[Migration] = &[Migration {
    to: 2,
    prepare: prepare_schema_2,
    carry_over: carry_city_over,
}];

const LEGACY_CITY: &str = "city";

fn prepare_schema_2(document: &mut AutoCommit) -> Result<(), AutomergeError> {
    for key in [
        "tags",
        "addresses",
        "phones",
        "emails",
        "custom",
        "activities",
        "tasks",
    ] {
        document.put_object(ROOT, key, ObjType::Map)?;
    }
    document.put_object(ROOT, "notes", ObjType::Text)?;
    document.put(ROOT, "stage", LifecycleStage::Prospect.as_str())?;
    carry_city_over(document)
}

/// Moves a schema-1 root `city` into the main address (created empty when needed), and
/// deletes it: idempotent, and only scalar puts once the address exists.
fn carry_city_over(document: &mut AutoCommit) -> Result<(), AutomergeError> {
    let Some(city) = document
        .get(ROOT, LEGACY_CITY)?
        .and_then(|(value, _)| match value {
            Value::Scalar(scalar) => scalar.as_str().map(str::to_owned),
            Value::Object(_) => None,
        })
    else {
        return Ok(());
    };
    let Some((Value::Object(ObjType::Map), addresses)) = document.get(ROOT, "addresses")? else {
        return Ok(());
    };
    let main = match document.get(&addresses, MAIN_ADDRESS)? {
        Some((Value::Object(ObjType::Map), main)) => main,
        _ => {
            let main = document.put_object(&addresses, MAIN_ADDRESS, ObjType::Map)?;
            document.put(&main, "kind", AddressKind::Visit.as_str())?;
            for key in ["street", "postcode"] {
                document.put(&main, key, "")?;
            }
            document.put(&main, "country", "FR")?;
            document.put(&main, "location", ScalarValue::Null)?;
            main
        }
    };
    document.put(&main, "city", city)?;
    document.delete(ROOT, LEGACY_CITY)
}

/// An account held as its Automerge document.
pub type AccountDocument = Document<Account>;

/// What a rep types to create an account.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AccountDraft {
    /// The company's name, as the rep calls it.
    pub name: String,
    /// The city of the company's main address.
    pub city: String,
    /// The postcode of the company's main address (it places the account in a territory).
    pub postcode: String,
}

/// Why an account could not be created or read.
#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    /// The name is empty once trimmed.
    #[error("an account needs a name")]
    MissingName,
    /// The document layer failed.
    #[error(transparent)]
    Document(#[from] DocumentError),
}

impl Account {
    /// The account a draft describes (a name is required; a city and a postcode make the main
    /// address). It has no territory yet: [`crate::settings::Settings::assign_territory`] gives
    /// it the one of its postcode.
    pub fn from_draft(draft: &AccountDraft) -> Result<Self, AccountError> {
        let name = draft.name.trim();
        if name.is_empty() {
            return Err(AccountError::MissingName);
        }
        let mut account = Account::named(name);
        let (city, postcode) = (draft.city.trim(), draft.postcode.trim());
        if !city.is_empty() || !postcode.is_empty() {
            let mut address = Address::in_city(AddressKind::Visit, city);
            postcode.clone_into(&mut address.postcode);
            account.addresses.insert(MAIN_ADDRESS.to_owned(), address);
        }
        Ok(account)
    }
}

impl Document<Account> {
    /// Creates an account from a draft, as one anonymous change made at `time` (Unix seconds).
    pub fn create(id: AccountId, draft: &AccountDraft, time: i64) -> Result<Self, AccountError> {
        Self::create_by(id, draft, &Edit::anonymous(time))
    }

    /// Creates an account from a draft, as one change stamped with `edit`.
    pub fn create_by(
        id: AccountId,
        draft: &AccountDraft,
        edit: &Edit,
    ) -> Result<Self, AccountError> {
        Ok(Self::new(id, &Account::from_draft(draft)?, edit)?)
    }

    /// The account's name (empty when the document cannot be read).
    pub fn name(&self) -> String {
        self.record()
            .map(|account| account.name)
            .unwrap_or_default()
    }

    /// The city of the account's main address (empty when none).
    pub fn city(&self) -> String {
        self.record()
            .ok()
            .and_then(|account| {
                account
                    .display_address()
                    .map(|address| address.city.clone())
            })
            .unwrap_or_default()
    }

    /// The row that lists and search read instead of loading this document.
    pub fn index_row(&mut self) -> crate::index::AccountIndexRow {
        let heads = self.heads();
        let listing = if self.schema_version() >= ACCOUNT_SCHEMA_VERSION {
            autosurgeon::hydrate::<_, AccountListing>(self.automerge()).ok()
        } else {
            self.record()
                .ok()
                .map(|account| AccountListing::from(&account))
        };
        match listing {
            Some(listing) => {
                crate::index::AccountIndexRow::from_listing(self.id(), &listing, &heads)
            }
            None => crate::index::AccountIndexRow::unreadable(self.id(), &heads),
        }
    }
}

/// Its Automerge texts, for [`crate::record_patch`].
impl TextFields for Account {
    fn text_fields_mut(&mut self) -> Vec<(FieldPath, &mut Text)> {
        let mut texts = vec![(FieldPath::root("notes"), &mut self.notes)];
        texts.extend(self.activities.iter_mut().map(|(key, activity)| {
            let path = FieldPath::new(["activities", key.as_str(), "report"]);
            (path, &mut activity.report)
        }));
        texts
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::edit::Editor;
    use crate::field::FieldPath;
    use crate::ids::{ActivityId, UserId};

    fn draft(name: &str, city: &str) -> AccountDraft {
        AccountDraft {
            name: name.to_owned(),
            city: city.to_owned(),
            postcode: String::new(),
        }
    }

    #[test]
    fn a_created_account_survives_save_and_load() -> Result<(), AccountError> {
        let id = AccountId::generate();
        let mut created = AccountDocument::create(id, &draft("Boulangerie Élevé", "Lyon"), 1)?;
        let loaded = AccountDocument::load(&created.save())?;
        assert_eq!(loaded.id(), id);
        assert_eq!(loaded.name(), "Boulangerie Élevé");
        assert_eq!(loaded.city(), "Lyon");
        assert_eq!(loaded.record()?, created.record()?);
        Ok(())
    }

    #[test]
    fn a_drafted_postcode_places_the_new_account_in_its_territory() -> Result<(), AccountError> {
        let mut settings = crate::settings::Settings::starter();
        let mut rhone = crate::settings::Territory::named("Rhône");
        rhone.departements.insert("69");
        settings.territories.insert("rhone".to_owned(), rhone);
        let drafted = AccountDraft {
            postcode: " 69003 ".to_owned(),
            ..draft("Boulangerie Élevé", "")
        };
        let mut account = Account::from_draft(&drafted)?;
        let address = account.addresses.get(MAIN_ADDRESS).cloned();
        assert_eq!(
            address.map(|address| address.postcode),
            Some("69003".to_owned())
        );
        assert_eq!(settings.assign_territory(&mut account), Some("rhone"));
        assert_eq!(account.territory.as_deref(), Some("rhone"));
        Ok(())
    }

    #[test]
    fn an_account_without_a_name_is_refused() {
        let result = AccountDocument::create(AccountId::generate(), &draft("  ", "Lyon"), 1);
        assert!(matches!(result, Err(AccountError::MissingName)));
    }

    #[test]
    fn garbage_bytes_are_not_an_account() {
        assert!(AccountDocument::load(b"not automerge").is_err());
    }

    #[test]
    fn the_index_row_carries_accent_free_terms() -> Result<(), AccountError> {
        let mut account =
            AccountDocument::create(AccountId::generate(), &draft("Élevé SARL", "Orléans"), 1)?;
        let row = account.index_row();
        assert_eq!(row.search_terms, vec!["eleve", "orleans", "sarl"]);
        assert_eq!(row.stage, "prospect");
        assert_eq!(row.heads.len(), 1);
        Ok(())
    }

    #[test]
    fn an_update_that_changes_nothing_makes_no_change() -> Result<(), AccountError> {
        let mut account =
            AccountDocument::create(AccountId::generate(), &draft("Azur", "Nice"), 1)?;
        let edit = Edit::by(Editor::random(), 2);
        assert_eq!(account.update(&edit, "nothing", |_| {})?, None);
        let changed = account.update(&edit, "rename", |a| a.name = "Azur & Fils".to_owned())?;
        assert!(changed.is_some());
        let history = account.history();
        assert_eq!(history.len(), 2);
        assert_eq!(history[1].fields, vec!["name"]);
        assert_eq!(history[1].editor, edit.editor);
        Ok(())
    }

    #[test]
    fn activities_and_tasks_shape_the_index_row() -> Result<(), AccountError> {
        let mut account =
            AccountDocument::create(AccountId::generate(), &draft("Azur", "Nice"), 1)?;
        let edit = Edit::by(Editor::random(), 10);
        account.update(&edit, "log visit", |a| {
            a.activities.insert(
                ActivityId::generate().to_string(),
                Activity::new(ActivityKind::Visit, 500),
            );
            a.activities.insert(
                ActivityId::generate().to_string(),
                Activity::new(ActivityKind::Call, 900),
            );
            a.tasks.insert(
                "t1".to_owned(),
                Task::new("Relancer", Date::parse("2026-03-02").ok()),
            );
            a.tasks.insert(
                "t2".to_owned(),
                Task::new("Devis", Date::parse("2026-02-01").ok()),
            );
            if let Some(task) = a.tasks.get_mut("t2") {
                task.done = true;
            }
        })?;
        let row = account.index_row();
        assert_eq!(row.last_activity, Some(900));
        assert_eq!(row.next_task_due.as_deref(), Some("2026-03-02"));
        Ok(())
    }

    #[test]
    fn concurrent_typing_in_a_report_keeps_both_reps_words() -> Result<(), AccountError> {
        let mut first = AccountDocument::create(AccountId::generate(), &draft("Azur", "Nice"), 1)?;
        let activity = ActivityId::generate().to_string();
        first.update(&Edit::anonymous(2), "log visit", |a| {
            a.activities
                .insert(activity.clone(), Activity::new(ActivityKind::Visit, 2));
        })?;
        let mut second = first.fork();
        let report = FieldPath::new(["activities", activity.as_str(), "report"]);
        first.splice_text(
            &Edit::by(Editor::random(), 3),
            &report,
            0,
            0,
            "Client satisfait.",
        )?;
        second.splice_text(
            &Edit::by(Editor::random(), 3),
            &report,
            0,
            0,
            "Commande prévue.",
        )?;
        first.merge(&mut second)?;
        let text = first.text(&report)?;
        assert!(
            text.contains("Client satisfait.") && text.contains("Commande prévue."),
            "{text}"
        );
        Ok(())
    }

    #[test]
    fn notes_and_reports_give_the_row_a_bounded_list_of_new_words() -> Result<(), AccountError> {
        let mut account =
            AccountDocument::create(AccountId::generate(), &draft("Azur", "Nice"), 1)?;
        let long_notes: String = (0..100).map(|word| format!("mot{word} ")).collect();
        account.update(&Edit::anonymous(2), "fill", |a| {
            a.notes = Text::with_value(format!("Azur à Nice : sonner, sonner. {long_notes}"));
            let mut old = Activity::new(ActivityKind::Visit, 100);
            old.report = Text::with_value("Ancienne visite.");
            let mut new = Activity::new(ActivityKind::Visit, 200);
            new.report = Text::with_value("Stock de farine bas ; sonner.");
            a.activities.insert("old".to_owned(), old);
            a.activities.insert("new".to_owned(), new);
        })?;
        let row = account.index_row();
        let notes: Vec<&str> = row.note_words.split(' ').collect();
        assert_eq!(notes.len(), crate::index::NOTE_WORDS_CAP);
        assert_eq!(&notes[..3], ["sonner", "mot0", "mot1"]);
        assert_eq!(row.report_words, "stock farine bas ancienne visite");
        Ok(())
    }

    #[test]
    fn an_accounts_row_carries_its_industry_first_phone_and_newest_activities_for_the_dashboard(
    ) -> Result<(), Box<dyn std::error::Error>> {
        let rep = UserId::generate();
        let mut account =
            AccountDocument::create(AccountId::generate(), &draft("Azur", "Nice"), 1)?;
        account.update(&Edit::anonymous(2), "fill", |a| {
            a.industry = Some("Boulangerie".to_owned());
            for (key, number) in [("b", "04 93 00 00 02"), ("a", "06 12 34 56 78")] {
                if let Ok(number) = crate::values::PhoneNumber::parse(number) {
                    let label = String::new();
                    a.phones
                        .insert(key.to_owned(), PhoneEntry { label, number });
                }
            }
            let cap = i64::try_from(crate::index::ACTIVITY_STAMPS_CAP).unwrap_or(0);
            for at in 0..cap + 5 {
                let mut activity = Activity::new(ActivityKind::Visit, 1_000 + at);
                activity.by = Some(rep);
                a.activities.insert(format!("a{at}"), activity);
            }
            a.activities
                .insert("call".to_owned(), Activity::new(ActivityKind::Call, 9_999));
        })?;
        let row = account.index_row();
        assert_eq!(row.form, crate::index::ROW_FORM);
        assert_eq!(row.industry.as_deref(), Some("Boulangerie"));
        assert_eq!(row.phone.as_deref(), Some("04 93 00 00 02"));
        assert_eq!(row.activities.len(), crate::index::ACTIVITY_STAMPS_CAP);
        let newest = row.activities.first().ok_or("no activity")?;
        assert_eq!(
            (newest.at, newest.kind.as_str(), &newest.by),
            (9_999, "call", &None)
        );
        let second = row.activities.get(1).ok_or("one activity")?;
        assert_eq!(second.kind, "visit");
        assert_eq!(second.by, Some(rep.to_string()));
        // The oldest ones beyond the cap are left out, never the newest.
        let oldest = row.activities.last().ok_or("no activity")?;
        assert_eq!(oldest.at, 1_000 + 6);
        Ok(())
    }

    #[test]
    fn the_listing_reads_the_same_index_row_as_the_whole_record() -> Result<(), AccountError> {
        let mut account =
            AccountDocument::create(AccountId::generate(), &draft("Azur", "Nice"), 1)?;
        account.update(&Edit::anonymous(2), "fill", |a| {
            a.industry = Some("Hôtellerie".to_owned());
            a.siren = Siren::parse("732829320").ok();
            a.tags.insert("mer");
            a.owner = Some(UserId::generate());
            a.activities
                .insert("v".to_owned(), Activity::new(ActivityKind::Call, 77));
            a.tasks.insert(
                "t".to_owned(),
                Task::new("Rappeler", Date::parse("2026-05-01").ok()),
            );
        })?;
        account.splice_text(
            &Edit::anonymous(3),
            &FieldPath::root("notes"),
            0,
            0,
            "Sonner.",
        )?;
        let report = FieldPath::new(["activities", "v", "report"]);
        account.splice_text(&Edit::anonymous(3), &report, 0, 0, "Stock de farine bas.")?;
        let heads = account.heads();
        let whole = AccountListing::from(&account.record()?);
        let listed: AccountListing =
            autosurgeon::hydrate(account.automerge()).map_err(DocumentError::hydrate)?;
        assert_eq!(listed, whole);
        assert_eq!(
            account.index_row(),
            crate::index::AccountIndexRow::from_listing(account.id(), &whole, &heads)
        );
        Ok(())
    }
}
