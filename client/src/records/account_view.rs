//! What the account page shows of one account: plain data derived from its document (details,
//! addresses with map links, phones and e-mails with their links, the activity timeline newest
//! first, tasks open first, and the fields two reps changed concurrently).

use std::rc::Rc;

use crate::state::problem::Problem;

use shared::account::{Account, ActivityKind, MAIN_ADDRESS};
use shared::ids::UserId;
use shared::search::search_terms;
use shared::settings::Settings;
use shared::values::Date;

use super::record_view::{
    address_lines, email_points, phone_points, AddressLine, ContactPoint, FieldConflict,
    RecordSnapshot,
};

/// What the account page shows.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AccountView {
    /// Whether the document was read.
    pub loaded: bool,
    /// Whether this device has no such account.
    pub missing: bool,
    /// The name.
    pub name: String,
    /// SIREN, as stored (digits), or empty.
    pub siren: String,
    /// SIRET, as stored (digits), or empty.
    pub siret: String,
    /// VAT number, or empty.
    pub vat: String,
    /// Industry, or empty.
    pub industry: String,
    /// Website, or empty.
    pub website: String,
    /// Tags in order.
    pub tags: Vec<String>,
    /// Lifecycle stage (its stored name).
    pub stage: String,
    /// The owner, when set.
    pub owner: Option<UserId>,
    /// The territory's key, when set.
    pub territory: Option<String>,
    /// The main address's street.
    pub street: String,
    /// The main address's postcode.
    pub postcode: String,
    /// The main address's city (the display address's when there is no main one).
    pub city: String,
    /// Every address, with its map link.
    pub addresses: Vec<AddressLine>,
    /// Phone numbers with `tel:` links.
    pub phones: Vec<ContactPoint>,
    /// E-mail addresses with `mailto:` links.
    pub emails: Vec<ContactPoint>,
    /// The notes.
    pub notes: String,
    /// Activities, newest first.
    pub timeline: Vec<TimelineItem>,
    /// Tasks: open ones by due date (undated last), then done ones.
    pub tasks: Vec<TaskItem>,
    /// Fields holding concurrent values.
    pub conflicts: Vec<Rc<FieldConflict>>,
    /// The last save or load problem, in plain words.
    pub error: Option<Problem>,
}

/// One activity in the timeline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TimelineItem {
    /// Its id (key in the account's activities).
    pub id: String,
    /// Visit, call, meeting, e-mail, note.
    pub kind: ActivityKind,
    /// When it happened (Unix seconds).
    pub at: i64,
    /// The outcome in a few words, or empty.
    pub outcome: String,
    /// The report.
    pub report: String,
}

/// One task.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaskItem {
    /// Its id (key in the account's tasks).
    pub id: String,
    /// What to do.
    pub title: String,
    /// When it is due.
    pub due: Option<Date>,
    /// Whether it is done.
    pub done: bool,
}

impl TaskItem {
    /// Whether the task is open and was due before `today`.
    pub fn is_overdue(&self, today: Date) -> bool {
        !self.done && self.due.is_some_and(|due| due < today)
    }
}

/// The account page's view of `snapshot`, given the last save problem.
pub fn account_view(snapshot: &RecordSnapshot<Account>, error: Option<&Problem>) -> AccountView {
    let Ok(account) = &snapshot.record else {
        return AccountView {
            loaded: true,
            error: Some(Problem::new("problem-record-too-new")),
            ..AccountView::default()
        };
    };
    let main = account
        .addresses
        .get(MAIN_ADDRESS)
        .or_else(|| account.display_address());
    AccountView {
        loaded: true,
        missing: false,
        name: account.name.clone(),
        siren: account
            .siren
            .map(|siren| siren.as_str().to_owned())
            .unwrap_or_default(),
        siret: account
            .siret
            .map(|siret| siret.as_str().to_owned())
            .unwrap_or_default(),
        vat: account
            .vat
            .as_ref()
            .map(|vat| vat.as_str().to_owned())
            .unwrap_or_default(),
        industry: account.industry.clone().unwrap_or_default(),
        website: account.website.clone().unwrap_or_default(),
        tags: account.tags.iter().map(str::to_owned).collect(),
        stage: account.stage.as_str().to_owned(),
        owner: account.owner,
        territory: account.territory.clone(),
        street: main.map(|a| a.street.clone()).unwrap_or_default(),
        postcode: main.map(|a| a.postcode.clone()).unwrap_or_default(),
        city: main.map(|a| a.city.clone()).unwrap_or_default(),
        addresses: address_lines(&account.addresses),
        phones: phone_points(&account.phones),
        emails: email_points(&account.emails),
        notes: account.notes.as_str().to_owned(),
        timeline: timeline(account),
        tasks: tasks(account),
        conflicts: snapshot.conflicts.clone(),
        error: error.cloned(),
    }
}

fn timeline(account: &Account) -> Vec<TimelineItem> {
    let mut items: Vec<TimelineItem> = account
        .activities
        .iter()
        .map(|(id, activity)| TimelineItem {
            id: id.clone(),
            kind: activity.kind.clone(),
            at: activity.at,
            outcome: activity.outcome.clone().unwrap_or_default(),
            report: activity.report.as_str().to_owned(),
        })
        .collect();
    items.sort_by(|a, b| b.at.cmp(&a.at).then_with(|| a.id.cmp(&b.id)));
    items
}

fn tasks(account: &Account) -> Vec<TaskItem> {
    let mut items: Vec<TaskItem> = account
        .tasks
        .iter()
        .map(|(id, task)| TaskItem {
            id: id.clone(),
            title: task.title.clone(),
            due: task.due,
            done: task.done,
        })
        .collect();
    // Open first; by due date with undated tasks after dated ones; then by title.
    items.sort_by(|a, b| {
        (a.done, a.due.is_none(), a.due, &a.title, &a.id).cmp(&(
            b.done,
            b.due.is_none(),
            b.due,
            &b.title,
            &b.id,
        ))
    });
    items
}

/// One territory an account may be placed in: its key and its name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TerritoryChoice {
    /// The key the account stores.
    pub key: String,
    /// The name shown.
    pub name: String,
}

/// The territories of `settings` by name (accents and case folded; ties by key), and `current` named by its key when
/// the settings do not list it (removed, or not synced yet), so the page never hides it.
pub fn territory_choices(
    settings: Option<&Settings>,
    current: Option<&str>,
) -> Vec<TerritoryChoice> {
    let mut choices: Vec<TerritoryChoice> = settings
        .map(|settings| {
            settings
                .territories
                .iter()
                .map(|(key, territory)| TerritoryChoice {
                    key: key.clone(),
                    name: territory.name.clone(),
                })
                .collect()
        })
        .unwrap_or_default();
    // Accents and case folded, so "Île-de-France" sorts among the I.
    choices.sort_by_cached_key(|choice| (search_terms(&choice.name), choice.key.clone()));
    if let Some(current) = current.filter(|key| !choices.iter().any(|choice| choice.key == *key)) {
        choices.push(TerritoryChoice {
            key: current.to_owned(),
            name: current.to_owned(),
        });
    }
    choices
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::account::{AccountDocument, Activity, Task};
    use shared::edit::Edit;
    use shared::ids::AccountId;

    type TestResult = Result<(), Box<dyn std::error::Error>>;

    #[test]
    fn the_timeline_is_newest_first_and_open_tasks_come_first_by_due_date() -> TestResult {
        let mut account = Account::named("Boulangerie Élevé");
        for (id, kind, at) in [
            ("a", ActivityKind::Visit, 100),
            ("b", ActivityKind::Call, 300),
            ("c", ActivityKind::Note, 200),
        ] {
            account
                .activities
                .insert(id.to_owned(), Activity::new(kind, at));
        }
        let mut done = Task::new("Envoyer le devis", Some(Date::parse("2025-01-02")?));
        done.done = true;
        account.tasks.insert("t1".to_owned(), done);
        account
            .tasks
            .insert("t2".to_owned(), Task::new("Rappeler", None));
        account.tasks.insert(
            "t3".to_owned(),
            Task::new("Livrer", Some(Date::parse("2025-03-01")?)),
        );
        let document = AccountDocument::new(AccountId::generate(), &account, &Edit::anonymous(1))?;
        let view = account_view(&RecordSnapshot::of_document(&document), None);
        let kinds: Vec<ActivityKind> = view.timeline.iter().map(|i| i.kind.clone()).collect();
        assert_eq!(
            kinds,
            vec![ActivityKind::Call, ActivityKind::Note, ActivityKind::Visit]
        );
        let titles: Vec<&str> = view.tasks.iter().map(|t| t.title.as_str()).collect();
        assert_eq!(titles, vec!["Livrer", "Rappeler", "Envoyer le devis"]);
        let today = Date::parse("2025-03-02")?;
        let overdue: Vec<bool> = view.tasks.iter().map(|t| t.is_overdue(today)).collect();
        assert_eq!(overdue, vec![true, false, false]);
        Ok(())
    }

    #[test]
    fn territories_are_offered_by_name_and_an_unlisted_current_one_by_its_key() {
        let mut settings = Settings::starter();
        for (key, name) in [
            ("ouest", "Grand Ouest"),
            ("idf", "Île-de-France"),
            ("centre", "Centre"),
        ] {
            settings
                .territories
                .insert(key.to_owned(), shared::settings::Territory::named(name));
        }
        let names = |choices: Vec<TerritoryChoice>| -> Vec<(String, String)> {
            choices
                .into_iter()
                .map(|choice| (choice.key, choice.name))
                .collect()
        };
        let pair = |key: &str, name: &str| (key.to_owned(), name.to_owned());
        assert_eq!(
            names(territory_choices(Some(&settings), Some("idf"))),
            vec![
                pair("centre", "Centre"),
                pair("ouest", "Grand Ouest"),
                pair("idf", "Île-de-France")
            ]
        );
        assert_eq!(
            names(territory_choices(Some(&settings), Some("retired"))).last(),
            Some(&pair("retired", "retired"))
        );
        assert_eq!(
            names(territory_choices(None, Some("idf"))),
            vec![pair("idf", "idf")]
        );
        assert!(territory_choices(None, None).is_empty());
    }
}
