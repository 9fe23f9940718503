//! Objectives: a target for a rep or a team over a month, a quarter or a year, and how far
//! along it is at "now" compared with where an even pace would be.
//!
//! Metrics: revenue in one currency (net of the revenue orders taken in the period), visits
//! (Paris days), new customers (accounts whose first revenue order falls in the period, for the
//! owner of that order) and quotes sent (offers first sent in the period, for their first
//! version's owner; see `conversion`). The expected figure grows day by day: on day 45 of a
//! 91-day quarter it is 45/91 of the target, rounded down.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::calendar::{paris_date, Period};
use super::conversion::sent_offers;
use super::facts::{Facts, OrderFact, TeamName, Teams};
use super::statistics::ratio_in_basis_points;
use super::sums::SumOverflow;
use super::CockpitError;
use crate::account::ActivityKind;
use crate::ids::{AccountId, UserId};
use crate::values::CurrencyCode;

/// Whose objective it is.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Assignee {
    /// One rep.
    Rep(UserId),
    /// Every member of a team, together.
    Team(TeamName),
}

/// What an objective counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Metric {
    /// Net revenue in one currency, in minor units.
    Revenue {
        /// The currency.
        currency: CurrencyCode,
    },
    /// On-site visits.
    Visits,
    /// Accounts placing their first order.
    NewCustomers,
    /// Offers sent.
    QuotesSent,
}

/// A target for someone over a period.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Objective {
    /// Whose it is.
    pub who: Assignee,
    /// Over which period.
    pub period: Period,
    /// What it counts.
    pub metric: Metric,
    /// How much (minor units for revenue, else a count).
    pub target: i64,
}

/// How far an objective is at some moment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Progress {
    /// What has been achieved in the period so far.
    pub achieved: i64,
    /// The target.
    pub target: i64,
    /// Achieved per target, in basis points (`None` for a target of zero or less).
    pub ratio: Option<u32>,
    /// What an even pace would have achieved by today (the whole target once the period is
    /// over, nothing before it starts).
    pub expected: i64,
    /// Whether the achieved figure is at least the expected one.
    pub on_track: bool,
}

impl Objective {
    /// The same objective for the next period of the same kind.
    pub fn carried_over(&self) -> Result<Self, CockpitError> {
        Ok(Self {
            period: self.period.next()?,
            ..self.clone()
        })
    }
}

/// The progress of `objective` at `now` (Unix seconds).
pub fn progress(
    objective: &Objective,
    facts: &Facts,
    teams: &Teams,
    now: i64,
) -> Result<Progress, CockpitError> {
    let span = objective.period.span()?;
    let counts_for = |person: Option<UserId>| match (&objective.who, person) {
        (Assignee::Rep(rep), Some(person)) => *rep == person,
        (Assignee::Team(team), Some(person)) => teams.includes(team, person),
        (_, None) => false,
    };
    let achieved = match objective.metric {
        Metric::Revenue { currency } => facts
            .orders
            .iter()
            .filter(|order| order.counts_as_revenue() && span.contains(order.ordered_on))
            .filter(|order| order.net.currency == currency && counts_for(order.owner))
            .try_fold(0_i64, |sum, order| sum.checked_add(order.net.minor_units))
            .ok_or(SumOverflow { currency })?,
        Metric::Visits => {
            let mut visits = 0;
            for activity in &facts.activities {
                if activity.kind == ActivityKind::Visit
                    && counts_for(activity.by)
                    && span.contains(paris_date(activity.at)?)
                {
                    visits += 1;
                }
            }
            visits
        }
        Metric::NewCustomers => count(
            first_orders(&facts.orders)
                .into_values()
                .filter(|order| span.contains(order.ordered_on) && counts_for(order.owner)),
        ),
        Metric::QuotesSent => count(sent_offers(&facts.quotes)?.into_values().filter(|offer| {
            offer.first_sent.is_some_and(|sent| span.contains(sent))
                && counts_for(offer.first_owner)
        })),
    };
    let days_begun = span.days_begun(paris_date(now)?);
    let expected = i128::from(objective.target) * i128::from(days_begun) / i128::from(span.days());
    let expected = i64::try_from(expected).unwrap_or(objective.target);
    Ok(Progress {
        achieved,
        target: objective.target,
        ratio: ratio_in_basis_points(achieved, objective.target),
        expected,
        on_track: achieved >= expected,
    })
}

/// Each account's first revenue order (the earliest day, ties by order id).
fn first_orders(orders: &[OrderFact]) -> BTreeMap<AccountId, &OrderFact> {
    let mut first: BTreeMap<AccountId, &OrderFact> = BTreeMap::new();
    for order in orders.iter().filter(|order| order.counts_as_revenue()) {
        let earlier = first
            .get(&order.account)
            .is_none_or(|known| (order.ordered_on, order.id) < (known.ordered_on, known.id));
        if earlier {
            first.insert(order.account, order);
        }
    }
    first
}

fn count<T>(items: impl Iterator<Item = T>) -> i64 {
    i64::try_from(items.count()).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cockpit::fixture::Fixture;

    type Outcome = Result<(), Box<dyn std::error::Error>>;

    #[test]
    fn revenue_for_a_rep_this_quarter_is_compared_with_an_even_pace() -> Outcome {
        let fixture = Fixture::new()?;
        let objective = Objective {
            who: Assignee::Rep(fixture.alice),
            period: Period::Quarter {
                year: 2026,
                quarter: 2,
            },
            metric: Metric::Revenue {
                currency: CurrencyCode::EUR,
            },
            target: 300_000,
        };
        let progress = progress(&objective, &fixture.facts, &fixture.teams, fixture.now)?;
        // Alice's revenue in Q2: the pastry shop's 1 500.00 EUR. On 15 May, 30 + 15 = 45 of
        // the quarter's 91 days have begun: 3 000.00 × 45 / 91 = 1 483.51, so she is on track.
        assert_eq!(
            progress,
            Progress {
                achieved: 150_000,
                target: 300_000,
                ratio: Some(5_000),
                expected: 148_351,
                on_track: true,
            }
        );
        Ok(())
    }

    #[test]
    fn a_team_objective_counts_every_member_and_a_past_period_expects_it_all() -> Outcome {
        let fixture = Fixture::new()?;
        let objective = Objective {
            who: Assignee::Team(fixture.export.clone()),
            period: Period::Month {
                year: 2026,
                month: 4,
            },
            metric: Metric::Visits,
            target: 4,
        };
        let progress = progress(&objective, &fixture.facts, &fixture.teams, fixture.now)?;
        // April visits in Paris: Alice's on Monday 6 April (22:30Z on the 5th). Bruno's visit
        // of 29 March 22:30Z is 30 March in Paris. April is over: all 4 are expected.
        assert_eq!(progress.achieved, 1);
        assert_eq!(progress.expected, 4);
        assert_eq!(progress.ratio, Some(2_500));
        assert!(!progress.on_track);
        Ok(())
    }

    #[test]
    fn new_customers_and_quotes_sent_count_for_the_owner() -> Outcome {
        let fixture = Fixture::new()?;
        let year = Period::Year { year: 2026 };
        let new_customers = Objective {
            who: Assignee::Rep(fixture.alice),
            period: year,
            metric: Metric::NewCustomers,
            target: 4,
        };
        let progress_new = progress(&new_customers, &fixture.facts, &fixture.teams, fixture.now)?;
        // First orders in 2026 taken by Alice: the bakery (20 January) and the pastry shop
        // (8 April); the grocery first ordered in 2025. 135 of 365 days begun: 4 × 135 / 365 =
        // 1.48, expected 1.
        assert_eq!(progress_new.achieved, 2);
        assert_eq!(progress_new.expected, 1);
        assert!(progress_new.on_track);
        let quotes = Objective {
            who: Assignee::Rep(fixture.bruno),
            period: Period::Month {
                year: 2026,
                month: 3,
            },
            metric: Metric::QuotesSent,
            target: 2,
        };
        let progress_quotes = progress(&quotes, &fixture.facts, &fixture.teams, fixture.now)?;
        // Bruno sent one offer in March (0002).
        assert_eq!(progress_quotes.achieved, 1);
        assert_eq!(progress_quotes.ratio, Some(5_000));
        Ok(())
    }

    #[test]
    fn a_period_not_yet_begun_expects_nothing_and_a_zero_target_has_no_ratio() -> Outcome {
        let fixture = Fixture::new()?;
        let june = Objective {
            who: Assignee::Rep(fixture.alice),
            period: Period::Month {
                year: 2026,
                month: 6,
            },
            metric: Metric::Revenue {
                currency: CurrencyCode::EUR,
            },
            target: 0,
        };
        let progress = progress(&june, &fixture.facts, &fixture.teams, fixture.now)?;
        assert_eq!(
            progress,
            Progress {
                achieved: 0,
                target: 0,
                ratio: None,
                expected: 0,
                on_track: true,
            }
        );
        Ok(())
    }

    #[test]
    fn an_objective_is_carried_over_to_the_next_period_and_reads_back_from_json() -> Outcome {
        let fixture = Fixture::new()?;
        let objective = Objective {
            who: Assignee::Team(fixture.rhone),
            period: Period::Quarter {
                year: 2026,
                quarter: 4,
            },
            metric: Metric::QuotesSent,
            target: 12,
        };
        let next = objective.carried_over()?;
        assert_eq!(
            next.period,
            Period::Quarter {
                year: 2027,
                quarter: 1
            }
        );
        let json = serde_json::to_string(&objective)?;
        assert_eq!(
            json,
            r#"{"who":{"team":"Rhône"},"period":{"kind":"quarter","year":2026,"quarter":4},"metric":{"kind":"quotes_sent"},"target":12}"#
        );
        assert_eq!(serde_json::from_str::<Objective>(&json)?, objective);
        Ok(())
    }
}
