//! The accounts list's filters and sort, applied to index rows (never documents): place (city or
//! postcode), tag, lifecycle stage, owner, last visit older than N days, next task due; and the
//! filters a rep saves under a name.

use std::cmp::Ordering;

use serde::{Deserialize, Serialize};
use shared::index::AccountIndexRow;
use shared::search::search_terms;

/// Whose accounts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum OwnerFilter {
    /// Everyone's.
    #[default]
    Anyone,
    /// The signed-in rep's.
    Me,
}

/// When the next open task is due.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum TaskFilter {
    /// Any.
    #[default]
    Any,
    /// Before today.
    Overdue,
    /// Within the next seven days (overdue included).
    ThisWeek,
    /// No open task.
    None,
}

/// How the list is ordered.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum AccountSort {
    /// By name.
    #[default]
    Name,
    /// By city, then name.
    City,
    /// Least recently visited first (never visited first of all).
    LastVisit,
    /// Soonest next task first (none last).
    NextTask,
}

/// The list's filters and sort.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AccountFilter {
    /// A city or postcode prefix (accent- and case-insensitive).
    pub place: String,
    /// A tag (matched against the row's folded terms).
    pub tag: String,
    /// A lifecycle stage's stored name; empty for any.
    pub stage: String,
    /// Whose accounts.
    pub owner: OwnerFilter,
    /// Only accounts with no activity for at least this many days.
    pub not_visited_for_days: Option<u32>,
    /// The next task's due date.
    pub next_task: TaskFilter,
    /// The order.
    pub sort: AccountSort,
}

/// A filter the rep named.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedFilter {
    /// The name shown on its chip.
    pub name: String,
    /// The filter.
    pub filter: AccountFilter,
}

const DAY: i64 = 24 * 60 * 60;

impl AccountFilter {
    /// Whether nothing is filtered (the sort may still differ).
    pub fn is_empty(&self) -> bool {
        Self {
            sort: self.sort,
            ..Self::default()
        } == *self
    }

    /// The rows that pass, in the chosen order; `me` is the signed-in user's id, `today` the
    /// date (`YYYY-MM-DD`) and `now` the time (Unix seconds), both passed in.
    pub fn apply(
        &self,
        rows: &[AccountIndexRow],
        me: Option<&str>,
        today: &str,
        now: i64,
    ) -> Vec<AccountIndexRow> {
        let place = search_terms(&self.place).join(" ");
        let tag = search_terms(&self.tag).join(" ");
        let week_end = add_days(today, 7);
        let mut kept: Vec<AccountIndexRow> = rows
            .iter()
            .filter(|row| {
                place.is_empty()
                    || search_terms(&row.city).join(" ").starts_with(&place)
                    || row.postcode.starts_with(self.place.trim())
            })
            .filter(|row| tag.is_empty() || row.search_terms.contains(&tag))
            .filter(|row| self.stage.is_empty() || row.stage == self.stage)
            .filter(|row| match self.owner {
                OwnerFilter::Anyone => true,
                OwnerFilter::Me => me.is_some() && row.owner.as_deref() == me,
            })
            .filter(|row| match self.not_visited_for_days {
                None => true,
                Some(days) => row
                    .last_activity
                    .is_none_or(|at| now - at >= i64::from(days) * DAY),
            })
            .filter(|row| match (self.next_task, row.next_task_due.as_deref()) {
                (TaskFilter::Any, _) => true,
                (TaskFilter::None, due) => due.is_none(),
                (_, None) => false,
                (TaskFilter::Overdue, Some(due)) => due < today,
                (TaskFilter::ThisWeek, Some(due)) => due <= week_end.as_str(),
            })
            .cloned()
            .collect();
        let by_name = |a: &AccountIndexRow, b: &AccountIndexRow| {
            a.sort_name.cmp(&b.sort_name).then_with(|| a.id.cmp(&b.id))
        };
        kept.sort_by(|a, b| match self.sort {
            AccountSort::Name => by_name(a, b),
            AccountSort::City => a.city.cmp(&b.city).then_with(|| by_name(a, b)),
            AccountSort::LastVisit => a
                .last_activity
                .cmp(&b.last_activity)
                .then_with(|| by_name(a, b)),
            AccountSort::NextTask => match (&a.next_task_due, &b.next_task_due) {
                (Some(x), Some(y)) => x.cmp(y),
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (None, None) => Ordering::Equal,
            }
            .then_with(|| by_name(a, b)),
        });
        kept
    }
}

/// `date` (`YYYY-MM-DD`) plus `days`, by the proleptic Gregorian calendar; the input itself if
/// it is not a date.
fn add_days(date: &str, days: i64) -> String {
    let Ok(parsed) = date.parse::<shared::values::Date>() else {
        return date.to_owned();
    };
    let ordinal = days_from_civil(
        i64::from(parsed.year()),
        i64::from(parsed.month()),
        i64::from(parsed.day()),
    ) + days;
    let (year, month, day) = civil_from_days(ordinal);
    format!("{year:04}-{month:02}-{day:02}")
}

/// Days since 1970-01-01 of a calendar date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let day_of_year = (153 * (month + if month > 2 { -3 } else { 9 }) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The calendar date of a day count since 1970-01-01.
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let days = days + 719_468;
    let era = days.div_euclid(146_097);
    let day_of_era = days - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: &str, name: &str, city: &str) -> AccountIndexRow {
        AccountIndexRow {
            id: id.to_owned(),
            name: name.to_owned(),
            sort_name: search_terms(name).join(" "),
            city: city.to_owned(),
            postcode: "69001".to_owned(),
            stage: "customer".to_owned(),
            ..AccountIndexRow::default()
        }
    }

    const NOW: i64 = 1_790_000_000;

    #[test]
    fn a_place_matches_cities_without_accents_and_postcodes_by_prefix() {
        let rows = [row("1", "A", "Évry"), row("2", "B", "Lyon")];
        let filter = AccountFilter {
            place: "evr".to_owned(),
            ..AccountFilter::default()
        };
        assert_eq!(filter.apply(&rows, None, "2026-11-24", NOW).len(), 1);
        let filter = AccountFilter {
            place: "690".to_owned(),
            ..AccountFilter::default()
        };
        assert_eq!(filter.apply(&rows, None, "2026-11-24", NOW).len(), 2);
    }

    #[test]
    fn owner_stage_and_visits_combine() {
        let mut mine = row("1", "Mine", "Lyon");
        mine.owner = Some("me".to_owned());
        mine.last_activity = Some(NOW - 40 * DAY);
        let mut recent = row("2", "Recent", "Lyon");
        recent.owner = Some("me".to_owned());
        recent.last_activity = Some(NOW - 2 * DAY);
        let mut prospect = row("3", "Prospect", "Lyon");
        prospect.owner = Some("me".to_owned());
        prospect.stage = "prospect".to_owned();
        let theirs = row("4", "Theirs", "Lyon");
        let filter = AccountFilter {
            owner: OwnerFilter::Me,
            stage: "customer".to_owned(),
            not_visited_for_days: Some(30),
            ..AccountFilter::default()
        };
        let kept = filter.apply(
            &[mine, recent, prospect, theirs],
            Some("me"),
            "2026-11-24",
            NOW,
        );
        let names: Vec<&str> = kept.iter().map(|row| row.name.as_str()).collect();
        assert_eq!(names, ["Mine"]);
    }

    #[test]
    fn next_task_filters_and_sorts_soonest_first() {
        let mut late = row("1", "Late", "Lyon");
        late.next_task_due = Some("2026-11-20".to_owned());
        let mut soon = row("2", "Soon", "Lyon");
        soon.next_task_due = Some("2026-11-28".to_owned());
        let mut later = row("3", "Later", "Lyon");
        later.next_task_due = Some("2027-01-10".to_owned());
        let none = row("4", "None", "Lyon");
        let rows = [later, none, soon, late];
        let this_week = AccountFilter {
            next_task: TaskFilter::ThisWeek,
            sort: AccountSort::NextTask,
            ..AccountFilter::default()
        };
        let names: Vec<String> = this_week
            .apply(&rows, None, "2026-11-24", NOW)
            .into_iter()
            .map(|row| row.name)
            .collect();
        assert_eq!(names, ["Late", "Soon"]);
        let overdue = AccountFilter {
            next_task: TaskFilter::Overdue,
            ..AccountFilter::default()
        };
        assert_eq!(overdue.apply(&rows, None, "2026-11-24", NOW).len(), 1);
        let without = AccountFilter {
            next_task: TaskFilter::None,
            ..AccountFilter::default()
        };
        assert_eq!(
            without.apply(&rows, None, "2026-11-24", NOW)[0].name,
            "None"
        );
    }

    #[test]
    fn a_week_ahead_crosses_months_and_years() {
        assert_eq!(add_days("2026-11-28", 7), "2026-12-05");
        assert_eq!(add_days("2026-12-29", 7), "2027-01-05");
        assert_eq!(add_days("2028-02-26", 7), "2028-03-04");
        assert_eq!(add_days("not a date", 7), "not a date");
    }

    #[test]
    fn an_empty_filter_keeps_everything_in_name_order() {
        let rows = [row("1", "Zèbre", "Lyon"), row("2", "azur", "Nice")];
        let kept = AccountFilter::default().apply(&rows, None, "2026-11-24", NOW);
        assert_eq!(kept[0].name, "azur");
        assert!(AccountFilter::default().is_empty());
    }
}
