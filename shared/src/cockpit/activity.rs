//! Activity per rep per ISO week (Paris dates): visits, calls and meetings, the rest counted
//! apart (e-mails, notes, kinds written by newer versions).

use std::collections::BTreeMap;

use super::calendar::{paris_date, Period, PeriodKind, Span};
use super::facts::ActivityFact;
use super::CockpitError;
use crate::account::ActivityKind;
use crate::ids::UserId;

/// What one rep did in one week.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct WeekActivity {
    /// On-site visits.
    pub visits: usize,
    /// Phone calls.
    pub calls: usize,
    /// Meetings.
    pub meetings: usize,
    /// Anything else (e-mails, notes…).
    pub other: usize,
}

/// Activities per author (`None`: nobody recorded) per ISO week, those whose Paris date falls
/// within `span` (all for `None`). Weeks without activity have no entry.
pub fn activity_by_week(
    activities: &[ActivityFact],
    span: Option<Span>,
) -> Result<BTreeMap<Option<UserId>, BTreeMap<Period, WeekActivity>>, CockpitError> {
    let mut weeks: BTreeMap<Option<UserId>, BTreeMap<Period, WeekActivity>> = BTreeMap::new();
    for activity in activities {
        let date = paris_date(activity.at)?;
        if span.is_some_and(|span| !span.contains(date)) {
            continue;
        }
        let week = Period::containing(PeriodKind::IsoWeek, date)?;
        let tally = weeks
            .entry(activity.by)
            .or_default()
            .entry(week)
            .or_default();
        match activity.kind {
            ActivityKind::Visit => tally.visits += 1,
            ActivityKind::Call => tally.calls += 1,
            ActivityKind::Meeting => tally.meetings += 1,
            _ => tally.other += 1,
        }
    }
    Ok(weeks)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cockpit::fixture::Fixture;

    type Outcome = Result<(), Box<dyn std::error::Error>>;

    fn week(week: u8) -> Period {
        Period::IsoWeek { year: 2026, week }
    }

    #[test]
    fn activities_are_counted_per_rep_per_paris_iso_week() -> Outcome {
        let fixture = Fixture::new()?;
        let weeks = activity_by_week(&fixture.facts.activities, None)?;
        let alice = weeks.get(&Some(fixture.alice)).ok_or("nothing for Alice")?;
        // Week 14 (30 March – 5 April): the visit, the call, and the meeting on Sunday at
        // 23:30 in Paris (21:30Z).
        assert_eq!(
            alice.get(&week(14)),
            Some(&WeekActivity {
                visits: 1,
                calls: 1,
                meetings: 1,
                other: 0
            })
        );
        // 2026-04-05T22:30Z is Monday 00:30 in Paris: week 15.
        assert_eq!(alice.get(&week(15)).map(|tally| tally.visits), Some(1));
        assert_eq!(alice.get(&week(20)).map(|tally| tally.visits), Some(1));
        assert_eq!(alice.len(), 3);
        Ok(())
    }

    #[test]
    fn a_visit_in_the_night_summer_time_began_counts_in_the_paris_week() -> Outcome {
        let fixture = Fixture::new()?;
        let weeks = activity_by_week(&fixture.facts.activities, None)?;
        let bruno = weeks.get(&Some(fixture.bruno)).ok_or("nothing for Bruno")?;
        // 2026-03-29T22:30Z: summer time began at 01:00Z that day, so it is 00:30 on Monday
        // 30 March in Paris (week 14), not 23:30 on Sunday (week 13). The e-mail is "other".
        assert_eq!(
            bruno.get(&week(14)),
            Some(&WeekActivity {
                visits: 1,
                calls: 0,
                meetings: 0,
                other: 1
            })
        );
        assert!(!bruno.contains_key(&week(13)));
        Ok(())
    }

    #[test]
    fn a_span_keeps_only_its_days_and_an_empty_one_gives_nothing() -> Outcome {
        let fixture = Fixture::new()?;
        let april = Period::Month {
            year: 2026,
            month: 4,
        }
        .span()?;
        let weeks = activity_by_week(&fixture.facts.activities, Some(april))?;
        // In April (Paris): Alice's call, meeting and Monday visit; Bruno's e-mail.
        let alice = weeks.get(&Some(fixture.alice)).ok_or("nothing for Alice")?;
        assert_eq!(alice.get(&week(14)).map(|tally| tally.visits), Some(0));
        assert_eq!(alice.get(&week(15)).map(|tally| tally.visits), Some(1));
        let june = Period::Month {
            year: 2026,
            month: 6,
        }
        .span()?;
        assert!(activity_by_week(&fixture.facts.activities, Some(june))?.is_empty());
        Ok(())
    }
}
