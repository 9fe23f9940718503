//! The objective form's pure part: the periods an admin may pick (this and next month,
//! quarter and year, Paris time), who an objective may be for (reps by name, then teams), and
//! the typed target read through `shared::values` (money for revenue, a whole count
//! otherwise). Errors are catalogue ids.

use shared::cockpit::{Period, PeriodKind};
use shared::ids::UserId;
use shared::settings::{text_of_period, ObjectiveMetric, ObjectiveSetting};
use shared::values::{CurrencyCode, Money};

use crate::team::people::People;

/// Why a target was refused (a catalogue id).
pub const TARGET_INVALID: &str = "dashboard-objective-target-invalid";
/// Why an objective names nobody (a catalogue id).
pub const ASSIGNEE_MISSING: &str = "dashboard-objective-assignee-missing";

/// The periods offered at `now`: this month, next month, this quarter, next quarter, this year,
/// next year (stored texts, e.g. `2026-05`).
pub fn period_choices(now: i64) -> Vec<(Period, String)> {
    let mut choices = Vec::new();
    for kind in [PeriodKind::Month, PeriodKind::Quarter, PeriodKind::Year] {
        let Ok(this) = Period::at(kind, now) else {
            continue;
        };
        for period in [Some(this), this.next().ok()].into_iter().flatten() {
            if let Some(text) = text_of_period(period) {
                choices.push((period, text));
            }
        }
    }
    choices
}

/// Whom an objective may be for, as the form's options: `rep:<id>` for each active person by
/// name, then `team:<name>` for each team anyone is in or leads, by name.
pub fn assignee_choices(people: &People) -> Vec<(String, String)> {
    let mut choices: Vec<(String, String)> = people
        .owners()
        .into_iter()
        .map(|(id, name)| (format!("rep:{id}"), name))
        .collect();
    let mut teams: Vec<String> = people.teams();
    teams.sort();
    teams.dedup();
    choices.extend(teams.into_iter().map(|team| (format!("team:{team}"), team)));
    choices
}

/// The objective an admin typed: `assignee` as [`assignee_choices`] gives it, `target` as typed.
pub fn read_objective(
    assignee: &str,
    metric: &ObjectiveMetric,
    period: &str,
    currency: CurrencyCode,
    target: &str,
) -> Result<ObjectiveSetting, &'static str> {
    let (rep, team) = match assignee.split_once(':') {
        Some(("rep", id)) => (
            Some(id.parse::<UserId>().map_err(|_| ASSIGNEE_MISSING)?),
            None,
        ),
        Some(("team", name)) if !name.trim().is_empty() => (None, Some(name.trim().to_owned())),
        _ => return Err(ASSIGNEE_MISSING),
    };
    let (target, currency) = match metric {
        ObjectiveMetric::Revenue => (
            Money::parse(target, currency)
                .map_err(|_| TARGET_INVALID)?
                .minor_units,
            Some(currency),
        ),
        _ => (
            target
                .trim()
                .parse::<u32>()
                .map_err(|_| TARGET_INVALID)?
                .into(),
            None,
        ),
    };
    if target <= 0 {
        return Err(TARGET_INVALID);
    }
    Ok(ObjectiveSetting {
        rep,
        team,
        period: period.to_owned(),
        metric: metric.clone(),
        currency,
        target,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dashboard::gathered::noon_of;
    use shared::values::Date;

    type Outcome = Result<(), Box<dyn std::error::Error>>;

    #[test]
    fn the_periods_offered_in_december_reach_into_next_year() -> Outcome {
        let now = noon_of(Date::parse("2026-12-03")?);
        let texts: Vec<String> = period_choices(now)
            .into_iter()
            .map(|(_, text)| text)
            .collect();
        assert_eq!(
            texts,
            ["2026-12", "2027-01", "2026-Q4", "2027-Q1", "2026", "2027"]
        );
        Ok(())
    }

    #[test]
    fn a_revenue_target_is_read_as_money_in_the_workspace_currency() -> Outcome {
        let rep = UserId::from_bytes([3; 16]);
        let read = read_objective(
            &format!("rep:{rep}"),
            &ObjectiveMetric::Revenue,
            "2026-Q2",
            CurrencyCode::EUR,
            "12 500,50",
        )?;
        assert_eq!(read.rep, Some(rep));
        assert_eq!(read.target, 1_250_050);
        assert_eq!(read.currency, Some(CurrencyCode::EUR));
        Ok(())
    }

    #[test]
    fn a_count_target_is_whole_and_positive_and_someone_must_be_named() {
        let visits = ObjectiveMetric::Visits;
        let eur = CurrencyCode::EUR;
        assert_eq!(
            read_objective("team:Lyon", &visits, "2026", eur, "12").map(|read| read.target),
            Ok(12)
        );
        assert_eq!(
            read_objective("team:Lyon", &visits, "2026", eur, "1,5"),
            Err(TARGET_INVALID)
        );
        assert_eq!(
            read_objective("team:Lyon", &visits, "2026", eur, "0"),
            Err(TARGET_INVALID)
        );
        assert_eq!(
            read_objective("", &visits, "2026", eur, "3"),
            Err(ASSIGNEE_MISSING)
        );
        assert_eq!(
            read_objective("rep:nobody", &visits, "2026", eur, "3"),
            Err(ASSIGNEE_MISSING)
        );
    }
}
