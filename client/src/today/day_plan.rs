//! The rep's day, pure: what is due, which accounts to visit in which order, what was reported
//! today, and what a visit report writes into its account.
//!
//! **What "planned for a visit today" means.** A task can say what kind of activity it plans
//! (`Task::kind`); an account is planned for a visit today when it has an open task of the rep's
//! that plans a visit (`Task::plans_visit`) and is due today — or earlier and still open: a
//! missed visit stays on the round until it is done, as it would in a paper diary. Those
//! accounts are listed once each (by their earliest such task) and ordered by the distance from
//! the rep's position to the account's visit address; without a position (or without
//! coordinates) they keep their due order, after those with a distance. Every other open task
//! due today or before is a task to do, overdue first.
//!
//! A task is the rep's when it is assigned to them, or is unassigned on an account they own (or
//! nobody owns). The page only loads the documents of accounts whose index row says they have an
//! open task due by today or an activity since the start of the day ([`needs_document`]).

use autosurgeon::Text;
use shared::account::{Account, Activity, ActivityKind, CheckIn, Task};
use shared::ids::{ActivityId, TaskId, UserId};
use shared::index::AccountIndexRow;
use shared::values::{Date, GeoPoint};

/// A task to do today (or overdue).
#[derive(Clone, Debug, PartialEq)]
pub struct DueTask {
    /// The account's id.
    pub account: String,
    /// The account's name.
    pub account_name: String,
    /// The task's key in the account.
    pub task: String,
    /// What to do.
    pub title: String,
    /// When it was due.
    pub due: Date,
    /// Whether it was due before today.
    pub overdue: bool,
}

/// An account to visit today.
#[derive(Clone, Debug, PartialEq)]
pub struct PlannedVisit {
    /// The account's id.
    pub account: String,
    /// The account's name.
    pub account_name: String,
    /// The city of its address.
    pub city: String,
    /// The task planning the visit.
    pub task: String,
    /// The task's title.
    pub title: String,
    /// When the visit was due.
    pub due: Date,
    /// Where the visit address is, when it has coordinates.
    pub location: Option<GeoPoint>,
    /// Metres from the rep's position, once both are known.
    pub distance_metres: Option<f64>,
}

/// A visit the rep reported today.
#[derive(Clone, Debug, PartialEq)]
pub struct ReportedVisit {
    /// The account's id.
    pub account: String,
    /// The account's name.
    pub account_name: String,
    /// The activity's key in the account.
    pub activity: String,
    /// When it happened (Unix seconds).
    pub at: i64,
    /// Its outcome.
    pub outcome: Option<String>,
    /// The report.
    pub report: String,
    /// Where the rep checked in.
    pub check_in: Option<CheckIn>,
    /// Metres from the check-in to the account's visit address, when both are known.
    pub distance_metres: Option<f64>,
}

/// The day as the Today page shows it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Agenda {
    /// Tasks due today or overdue (visits excepted), overdue first.
    pub tasks: Vec<DueTask>,
    /// Accounts planned for a visit, by due date (see [`order_by_distance`]).
    pub visits: Vec<PlannedVisit>,
    /// Visits reported since the start of the day, latest first.
    pub reported: Vec<ReportedVisit>,
}

/// Whether the Today page needs account `row`'s document: it has an open task due by `today`,
/// or an activity since `day_start` (Unix seconds).
pub fn needs_document(row: &AccountIndexRow, today: Date, day_start: i64) -> bool {
    let due = row
        .next_task_due
        .as_deref()
        .and_then(|due| due.parse::<Date>().ok())
        .is_some_and(|due| due <= today);
    let active = row.last_activity.is_some_and(|at| at >= day_start);
    !row.unreadable && (due || active)
}

/// Whether `task` of `account` is `me`'s to do (everyone's when nobody is signed in).
fn is_mine(task: &Task, account: &Account, me: Option<UserId>) -> bool {
    let Some(me) = me else {
        return true;
    };
    match task.assignee {
        Some(assignee) => assignee == me,
        None => account.owner.is_none_or(|owner| owner == me),
    }
}

/// The agenda of `me` on `today` from the accounts' documents (id, account).
pub fn agenda(
    accounts: &[(String, Account)],
    me: Option<UserId>,
    today: Date,
    day_start: i64,
) -> Agenda {
    let mut agenda = Agenda::default();
    for (id, account) in accounts {
        let mut visit: Option<PlannedVisit> = None;
        for (key, task) in &account.tasks {
            let Some(due) = task.due.filter(|due| *due <= today) else {
                continue;
            };
            if task.done || !is_mine(task, account, me) {
                continue;
            }
            if task.plans_visit() {
                if visit
                    .as_ref()
                    .is_some_and(|v| (v.due, &v.task) <= (due, key))
                {
                    continue;
                }
                visit = Some(PlannedVisit {
                    account: id.clone(),
                    account_name: account.name.clone(),
                    city: account
                        .display_address()
                        .map(|address| address.city.clone())
                        .unwrap_or_default(),
                    task: key.clone(),
                    title: task.title.clone(),
                    due,
                    location: account.visit_location(),
                    distance_metres: None,
                });
            } else {
                agenda.tasks.push(DueTask {
                    account: id.clone(),
                    account_name: account.name.clone(),
                    task: key.clone(),
                    title: task.title.clone(),
                    due,
                    overdue: due < today,
                });
            }
        }
        agenda.visits.extend(visit);
        for (key, activity) in &account.activities {
            let by_me = me.is_none() || activity.by == me;
            if activity.kind != ActivityKind::Visit || activity.at < day_start || !by_me {
                continue;
            }
            agenda.reported.push(ReportedVisit {
                account: id.clone(),
                account_name: account.name.clone(),
                activity: key.clone(),
                at: activity.at,
                outcome: activity.outcome.clone(),
                report: activity.report.as_str().to_owned(),
                check_in: activity.check_in.clone(),
                distance_metres: check_in_distance(activity, account),
            });
        }
    }
    agenda.tasks.sort_by(|a, b| {
        (a.due, &a.account_name, &a.title, &a.task).cmp(&(
            b.due,
            &b.account_name,
            &b.title,
            &b.task,
        ))
    });
    agenda.visits.sort_by(|a, b| {
        (a.due, &a.account_name, &a.account).cmp(&(b.due, &b.account_name, &b.account))
    });
    agenda
        .reported
        .sort_by(|a, b| (b.at, &b.activity).cmp(&(a.at, &a.activity)));
    agenda
}

/// Sets each visit's distance from `position` and puts the nearest first; visits whose distance
/// is unknown keep their order after the others. Without a position, distances are cleared and
/// the order is left as it is.
pub fn order_by_distance(visits: &mut [PlannedVisit], position: Option<&GeoPoint>) {
    for visit in visits.iter_mut() {
        visit.distance_metres = position
            .zip(visit.location.as_ref())
            .map(|(from, to)| from.distance_metres(to));
    }
    // A stable sort: equal keys (all the unknown distances) keep their due order.
    visits.sort_by(|a, b| match (a.distance_metres, b.distance_metres) {
        (Some(a), Some(b)) => a.total_cmp(&b),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => std::cmp::Ordering::Equal,
    });
}

/// Metres from `activity`'s check-in to `account`'s visit address, when both are known.
pub fn check_in_distance(activity: &Activity, account: &Account) -> Option<f64> {
    let check_in = activity.check_in.as_ref()?;
    Some(
        check_in
            .location
            .distance_metres(&account.visit_location()?),
    )
}

/// A distance as people read it: metres under a kilometre (to the metre), else kilometres to one
/// decimal. Returns the number and whether it is in kilometres.
pub fn readable_distance(metres: f64) -> (f64, bool) {
    if metres < 1_000.0 {
        (metres.round(), false)
    } else {
        ((metres / 100.0).round() / 10.0, true)
    }
}

/// The next step a visit report plans.
#[derive(Clone, Debug, PartialEq)]
pub struct NextStep {
    /// What to do.
    pub title: String,
    /// When.
    pub due: Date,
    /// Which kind of activity it plans (`None`: anything else).
    pub kind: Option<ActivityKind>,
}

/// What the rep writes at the end of a visit.
#[derive(Clone, Debug, PartialEq)]
pub struct VisitReport {
    /// The task that planned the visit, completed by the report.
    pub planned_task: Option<String>,
    /// The outcome in a few words.
    pub outcome: String,
    /// The report.
    pub report: String,
    /// The position captured on site, if any.
    pub check_in: Option<CheckIn>,
    /// The next step, if any.
    pub next_step: Option<NextStep>,
}

impl VisitReport {
    /// Writes the report into `account`: a visit activity by `by` at `at` (with its check-in),
    /// the planned task done, and the next step as an open task following the visit up.
    pub fn apply(
        &self,
        account: &mut Account,
        by: Option<UserId>,
        at: i64,
        activity: ActivityId,
        next_task: TaskId,
    ) {
        let mut visit = Activity::new(ActivityKind::Visit, at);
        visit.by = by;
        let outcome = self.outcome.trim();
        visit.outcome = (!outcome.is_empty()).then(|| outcome.to_owned());
        visit.report = Text::with_value(self.report.trim_end());
        visit.check_in = self.check_in.clone();
        if let Some(planned) = self
            .planned_task
            .as_ref()
            .and_then(|key| account.tasks.get_mut(key))
        {
            planned.done = true;
            if let Some(contact) = planned.contact {
                visit.contacts.insert(contact.to_string());
            }
            visit.deal = planned.deal;
        }
        if let Some(step) = self
            .next_step
            .as_ref()
            .filter(|s| !s.title.trim().is_empty())
        {
            let mut task = Task::new(step.title.trim(), Some(step.due));
            task.kind = step.kind.clone();
            task.assignee = by;
            task.activity = Some(activity);
            task.deal = visit.deal;
            account.tasks.insert(next_task.to_string(), task);
        }
        account.activities.insert(activity.to_string(), visit);
    }
}

#[cfg(test)]
mod tests {
    use shared::account::MAIN_ADDRESS;
    use shared::record::{Address, AddressKind};

    use super::*;

    type TestResult = Result<(), Box<dyn std::error::Error>>;

    fn date(text: &str) -> Result<Date, shared::values::DateError> {
        text.parse()
    }

    fn user(byte: u8) -> UserId {
        UserId::from_bytes([byte; 16])
    }

    fn account_at(name: &str, latitude: f64, longitude: f64) -> Account {
        let mut account = Account::named(name);
        let mut address = Address::in_city(AddressKind::Visit, "Lyon");
        address.location = GeoPoint::new(latitude, longitude).ok();
        account.addresses.insert(MAIN_ADDRESS.to_owned(), address);
        account.owner = Some(user(1));
        account
    }

    const TODAY: &str = "2026-03-10";
    const DAY_START: i64 = 1_773_100_800;

    #[test]
    fn due_and_overdue_tasks_are_listed_overdue_first_and_later_ones_are_not() -> TestResult {
        let mut account = account_at("Boulangerie Élevé", 45.76, 4.83);
        for (key, title, due) in [
            ("t1", "Envoyer le devis", "2026-03-10"),
            ("t2", "Rappeler Ana", "2026-03-02"),
            ("t3", "Relancer", "2026-03-11"),
        ] {
            account
                .tasks
                .insert(key.to_owned(), Task::new(title, Some(date(due)?)));
        }
        let mut done = Task::new("Déjà fait", Some(date("2026-03-01")?));
        done.done = true;
        account.tasks.insert("t4".to_owned(), done);
        let agenda = agenda(
            &[("a".to_owned(), account)],
            Some(user(1)),
            date(TODAY)?,
            DAY_START,
        );
        let titles: Vec<(&str, bool)> = agenda
            .tasks
            .iter()
            .map(|t| (t.title.as_str(), t.overdue))
            .collect();
        assert_eq!(
            titles,
            [("Rappeler Ana", true), ("Envoyer le devis", false)]
        );
        assert!(agenda.visits.is_empty());
        Ok(())
    }

    #[test]
    fn only_the_reps_own_tasks_count() -> TestResult {
        let mut account = account_at("Cave Martin", 45.0, 4.0);
        let mut theirs = Task::new("Pour Rachida", Some(date(TODAY)?));
        theirs.assignee = Some(user(2));
        account.tasks.insert("t1".to_owned(), theirs);
        account.tasks.insert(
            "t2".to_owned(),
            Task::new("Sans attribution", Some(date(TODAY)?)),
        );
        let agenda = agenda(
            &[("a".to_owned(), account.clone())],
            Some(user(1)),
            date(TODAY)?,
            0,
        );
        let titles: Vec<&str> = agenda.tasks.iter().map(|t| t.title.as_str()).collect();
        assert_eq!(titles, ["Sans attribution"]);
        // On a colleague's account, an unassigned task is the colleague's.
        account.owner = Some(user(3));
        let agenda = super::agenda(&[("a".to_owned(), account)], Some(user(1)), date(TODAY)?, 0);
        assert!(agenda.tasks.is_empty());
        Ok(())
    }

    #[test]
    fn visit_tasks_due_today_or_missed_plan_one_visit_per_account() -> TestResult {
        let mut account = account_at("Épicerie Fine", 45.0, 4.0);
        account.tasks.insert(
            "v1".to_owned(),
            Task::visit("Visite de suivi", date(TODAY)?),
        );
        account.tasks.insert(
            "v2".to_owned(),
            Task::visit("Visite manquée", date("2026-03-09")?),
        );
        account
            .tasks
            .insert("v3".to_owned(), Task::visit("Demain", date("2026-03-11")?));
        let agenda = agenda(&[("a".to_owned(), account)], Some(user(1)), date(TODAY)?, 0);
        assert_eq!(agenda.visits.len(), 1);
        assert_eq!(agenda.visits[0].task, "v2");
        assert!(agenda.visits[0].location.is_some());
        assert!(agenda.tasks.is_empty());
        Ok(())
    }

    #[test]
    fn visits_are_ordered_by_distance_from_the_position_unknown_distances_last() -> TestResult {
        let lyon = GeoPoint::new(45.7640, 4.8357).ok();
        let accounts = [
            ("far", account_at("Far", 43.2965, 5.3698)), // Marseille
            ("near", account_at("Near", 45.7578, 4.8320)), // Lyon Bellecour
            ("middle", account_at("Middle", 45.4397, 4.3872)), // Saint-Étienne
            ("nowhere", Account::named("Nowhere")),
        ];
        let today = date(TODAY)?;
        let accounts: Vec<(String, Account)> = accounts
            .into_iter()
            .map(|(id, mut account)| {
                account.owner = None;
                account
                    .tasks
                    .insert("v".to_owned(), Task::visit("Visite", today));
                (id.to_owned(), account)
            })
            .collect();
        let mut visits = agenda(&accounts, Some(user(1)), date(TODAY)?, 0).visits;
        order_by_distance(&mut visits, lyon.as_ref());
        let order: Vec<&str> = visits.iter().map(|v| v.account.as_str()).collect();
        assert_eq!(order, ["near", "middle", "far", "nowhere"]);
        let near = visits[0].distance_metres.unwrap_or(f64::MAX);
        assert!((700.0..900.0).contains(&near), "{near}");
        assert_eq!(visits[3].distance_metres, None);

        // Without a position the list still shows, in due and name order.
        order_by_distance(&mut visits, None);
        assert!(visits.iter().all(|v| v.distance_metres.is_none()));
        assert_eq!(visits.len(), 4);
        Ok(())
    }

    #[test]
    fn a_visit_report_logs_the_visit_completes_its_task_and_plans_the_next_step() -> TestResult {
        let mut account = account_at("Boulangerie Élevé", 45.7640, 4.8357);
        account.tasks.insert(
            "planned".to_owned(),
            Task::visit("Visite de suivi", date(TODAY)?),
        );
        let check_in = CheckIn {
            location: GeoPoint::new(45.7641, 4.8358)?,
            accuracy_metres: 12.0,
            captured_at: DAY_START + 3_600,
        };
        let report = VisitReport {
            planned_task: Some("planned".to_owned()),
            outcome: " Commande passée ".to_owned(),
            report: "40 baguettes par jour.".to_owned(),
            check_in: Some(check_in.clone()),
            next_step: Some(NextStep {
                title: "Livrer la commande".to_owned(),
                due: date("2026-03-17")?,
                kind: Some(ActivityKind::Visit),
            }),
        };
        let activity = ActivityId::from_bytes([7; 16]);
        let next = TaskId::from_bytes([8; 16]);
        report.apply(
            &mut account,
            Some(user(1)),
            DAY_START + 3_700,
            activity,
            next,
        );
        assert!(account.tasks.get("planned").is_some_and(|t| t.done));
        let visit = account.activities.get(&activity.to_string());
        assert_eq!(
            visit.and_then(|v| v.outcome.as_deref()),
            Some("Commande passée")
        );
        assert_eq!(visit.and_then(|v| v.check_in.clone()), Some(check_in));
        let step = account.tasks.get(&next.to_string());
        assert_eq!(
            step.map(|t| (t.done, t.activity)),
            Some((false, Some(activity)))
        );
        assert!(step.is_some_and(Task::plans_visit));

        let agenda = agenda(
            &[("a".to_owned(), account)],
            Some(user(1)),
            date(TODAY)?,
            DAY_START,
        );
        assert!(agenda.visits.is_empty());
        assert_eq!(agenda.reported.len(), 1);
        let distance = agenda.reported[0].distance_metres.unwrap_or(f64::MAX);
        assert!((5.0..20.0).contains(&distance), "{distance}");
        Ok(())
    }

    #[test]
    fn only_accounts_with_something_due_or_done_today_are_loaded() -> TestResult {
        let row = |due: Option<&str>, last: Option<i64>| AccountIndexRow {
            next_task_due: due.map(str::to_owned),
            last_activity: last,
            ..AccountIndexRow::default()
        };
        assert!(needs_document(
            &row(Some("2026-03-01"), None),
            date(TODAY)?,
            DAY_START
        ));
        assert!(needs_document(
            &row(Some(TODAY), None),
            date(TODAY)?,
            DAY_START
        ));
        assert!(!needs_document(
            &row(Some("2026-03-11"), None),
            date(TODAY)?,
            DAY_START
        ));
        assert!(needs_document(
            &row(None, Some(DAY_START + 5)),
            date(TODAY)?,
            DAY_START
        ));
        assert!(!needs_document(
            &row(None, Some(DAY_START - 5)),
            date(TODAY)?,
            DAY_START
        ));
        Ok(())
    }

    #[test]
    fn distances_read_in_metres_then_kilometres() -> TestResult {
        assert_eq!(readable_distance(42.4), (42.0, false));
        assert_eq!(readable_distance(3_456.0), (3.5, true));
        Ok(())
    }
}
