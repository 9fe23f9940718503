//! Objectives kept in the workspace settings (issue 16): a target for a rep or a team over a
//! month, a quarter or a year, on revenue, visits, new customers or quotes sent.
//!
//! They are stored as plain names and numbers in a map keyed by objective id, so two admins
//! adding objectives offline both keep theirs; [`ObjectiveSetting::objective`] reads one as the
//! cockpit's [`Objective`], which the figures use. A stored objective this version cannot read
//! (no assignee, an unknown metric or period, a revenue target without currency) is skipped,
//! never guessed. It must not compute progress (that is `cockpit::objectives`).

use autosurgeon::{Hydrate, Reconcile};
use serde::{Deserialize, Serialize};

use crate::cockpit::{Assignee, Metric, Objective, Period, TeamName};
use crate::ids::UserId;
use crate::record::named_values;
use crate::values::CurrencyCode;

named_values!(
    /// What an objective counts.
    ObjectiveMetric {
        /// Net revenue of confirmed and delivered orders, in one currency.
        Revenue => "revenue",
        /// On-site visits.
        Visits => "visits",
        /// Accounts placing their first order.
        NewCustomers => "new_customers",
        /// Offers sent.
        QuotesSent => "quotes_sent",
    }
);

/// One objective as the settings document holds it.
#[derive(Clone, Debug, PartialEq, Reconcile, Hydrate, Serialize, Deserialize)]
pub struct ObjectiveSetting {
    /// The rep it is for, when it is a rep's.
    #[autosurgeon(missing = "Default::default")]
    pub rep: Option<UserId>,
    /// The team it is for (its name), when it is a team's.
    #[autosurgeon(missing = "Default::default")]
    pub team: Option<String>,
    /// The period: `2026`, `2026-Q2` or `2026-05`.
    pub period: String,
    /// What it counts.
    pub metric: ObjectiveMetric,
    /// The currency of a revenue objective.
    #[autosurgeon(missing = "Default::default")]
    pub currency: Option<CurrencyCode>,
    /// How much: minor units for revenue, else a count.
    pub target: i64,
}

impl ObjectiveSetting {
    /// The objective as the cockpit reads it, or `None` when this version cannot read it.
    pub fn objective(&self) -> Option<Objective> {
        let who = match (&self.rep, &self.team) {
            (Some(rep), _) => Assignee::Rep(*rep),
            (None, Some(team)) if !team.trim().is_empty() => {
                Assignee::Team(TeamName(team.trim().to_owned()))
            }
            _ => return None,
        };
        let metric = match &self.metric {
            ObjectiveMetric::Revenue => Metric::Revenue {
                currency: self.currency?,
            },
            ObjectiveMetric::Visits => Metric::Visits,
            ObjectiveMetric::NewCustomers => Metric::NewCustomers,
            ObjectiveMetric::QuotesSent => Metric::QuotesSent,
            ObjectiveMetric::Other(_) => return None,
        };
        let period = period_of_text(&self.period)?;
        period.span().ok()?;
        Some(Objective {
            who,
            period,
            metric,
            target: self.target,
        })
    }
}

/// The period a text names: `2026` (a year), `2026-Q2` (a quarter) or `2026-05` (a month).
pub fn period_of_text(text: &str) -> Option<Period> {
    let text = text.trim();
    let (year, rest) = match text.split_once('-') {
        Some((year, rest)) => (year, Some(rest)),
        None => (text, None),
    };
    if year.len() != 4 {
        return None;
    }
    let year: u16 = year.parse().ok()?;
    let period = match rest {
        None => Period::Year { year },
        Some(rest) => match rest.strip_prefix(['Q', 'q']) {
            Some(quarter) => Period::Quarter {
                year,
                quarter: quarter.parse().ok()?,
            },
            None if rest.len() == 2 => Period::Month {
                year,
                month: rest.parse().ok()?,
            },
            None => return None,
        },
    };
    period.span().ok().map(|_| period)
}

/// The text of a month, quarter or year period (`None` for a week: objectives have none).
pub fn text_of_period(period: Period) -> Option<String> {
    match period {
        Period::Year { year } => Some(format!("{year:04}")),
        Period::Quarter { year, quarter } => Some(format!("{year:04}-Q{quarter}")),
        Period::Month { year, month } => Some(format!("{year:04}-{month:02}")),
        Period::IsoWeek { .. } => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn setting(metric: ObjectiveMetric, period: &str) -> ObjectiveSetting {
        ObjectiveSetting {
            rep: Some(UserId::from_bytes([7; 16])),
            team: None,
            period: period.to_owned(),
            metric,
            currency: None,
            target: 12,
        }
    }

    #[test]
    fn periods_read_back_as_they_are_written() {
        for text in ["2026", "2026-Q2", "2026-05", "2025-12"] {
            let period = period_of_text(text);
            assert_eq!(period.and_then(text_of_period).as_deref(), Some(text));
        }
    }

    #[test]
    fn objectives_two_admins_add_offline_both_survive_the_merge(
    ) -> Result<(), Box<dyn std::error::Error>> {
        use crate::edit::Edit;
        use crate::ids::WorkspaceId;
        use crate::settings::{Settings, SettingsDocument};

        let edit = Edit::anonymous(0);
        let workspace = WorkspaceId::from_bytes([1; 16]);
        let mut paris = SettingsDocument::new(workspace, &Settings::starter(), &edit)?;
        let mut lyon = paris.fork();
        paris.update(&edit, "set an objective", |settings| {
            settings
                .objectives
                .insert("a".to_owned(), setting(ObjectiveMetric::Visits, "2026-05"));
        })?;
        lyon.update(&edit, "set an objective", |settings| {
            settings.objectives.insert(
                "b".to_owned(),
                setting(ObjectiveMetric::QuotesSent, "2026-Q2"),
            );
        })?;
        paris.merge(&mut lyon)?;
        let merged = paris.record()?;
        let keys: Vec<&str> = merged.objectives.keys().map(String::as_str).collect();
        assert_eq!(keys, ["a", "b"]);
        Ok(())
    }

    #[test]
    fn impossible_periods_are_refused() {
        for text in [
            "", "26", "2026-Q5", "2026-Q0", "2026-13", "2026-00", "2026-5", "x",
        ] {
            assert_eq!(period_of_text(text), None, "{text}");
        }
    }

    #[test]
    fn a_visits_objective_of_a_rep_reads_as_the_cockpits() {
        let read = setting(ObjectiveMetric::Visits, "2026-Q2").objective();
        assert_eq!(
            read,
            Some(Objective {
                who: Assignee::Rep(UserId::from_bytes([7; 16])),
                period: Period::Quarter {
                    year: 2026,
                    quarter: 2
                },
                metric: Metric::Visits,
                target: 12,
            })
        );
    }

    #[test]
    fn a_revenue_objective_without_currency_or_an_unknown_metric_is_skipped() {
        assert_eq!(setting(ObjectiveMetric::Revenue, "2026").objective(), None);
        let unknown = ObjectiveMetric::Other("margin".to_owned());
        assert_eq!(setting(unknown, "2026").objective(), None);
        let nobody = ObjectiveSetting {
            rep: None,
            ..setting(ObjectiveMetric::Visits, "2026")
        };
        assert_eq!(nobody.objective(), None);
    }
}
