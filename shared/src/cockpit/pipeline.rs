//! The pipeline: open deals by stage, raw and weighted by their probability, for the whole
//! workspace, per rep and per team; and deals won and lost per Paris month.
//!
//! A deal without an amount counts in the number of deals but adds no value (and is counted
//! apart, so the screen can say "3 deals without amount"). A person in two teams counts in both:
//! team figures may overlap and are never added together.

use std::collections::BTreeMap;

use super::calendar::{paris_date, Period, PeriodKind};
use super::facts::{DealFact, TeamName, Teams};
use super::sums::{weighted, SumOverflow, Sums};
use super::CockpitError;
use crate::deal::DealStatus;
use crate::ids::UserId;
use crate::values::Money;

/// The open deals of one stage.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StageFigures {
    /// How many open deals.
    pub deals: usize,
    /// How many of them have no amount.
    pub without_amount: usize,
    /// Their amounts, per currency.
    pub raw: Sums,
    /// Their amounts weighted by probability (each rounded to the minor unit), per currency.
    pub weighted: Sums,
}

/// Figures per stage key.
pub type ByStage = BTreeMap<String, StageFigures>;

/// The open pipeline.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Pipeline {
    /// The whole workspace, by stage.
    pub by_stage: ByStage,
    /// Per owner (`None`: deals nobody owns), by stage.
    pub by_rep: BTreeMap<Option<UserId>, ByStage>,
    /// Per team of the owner, by stage.
    pub by_team: BTreeMap<TeamName, ByStage>,
}

/// How many deals and what they were worth.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    /// How many.
    pub count: usize,
    /// Their amounts, per currency.
    pub value: Sums,
}

/// Deals won and lost in one period.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Outcomes {
    /// Won.
    pub won: Tally,
    /// Lost.
    pub lost: Tally,
}

/// Deals won and lost per Paris month.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OutcomesByMonth {
    /// The whole workspace, per month.
    pub months: BTreeMap<Period, Outcomes>,
    /// Per owner, per month.
    pub by_rep: BTreeMap<Option<UserId>, BTreeMap<Period, Outcomes>>,
    /// Won or lost deals whose closing moment is unknown (counted nowhere else).
    pub undated: usize,
}

/// The open pipeline of `deals`, teams taken from `teams`.
pub fn open_pipeline(deals: &[DealFact], teams: &Teams) -> Result<Pipeline, CockpitError> {
    let mut pipeline = Pipeline::default();
    for deal in deals.iter().filter(|deal| deal.status == DealStatus::Open) {
        add_open(&mut pipeline.by_stage, deal)?;
        add_open(pipeline.by_rep.entry(deal.owner).or_default(), deal)?;
        if let Some(owner) = deal.owner {
            for team in teams.of(owner) {
                add_open(pipeline.by_team.entry(team.clone()).or_default(), deal)?;
            }
        }
    }
    Ok(pipeline)
}

/// Deals won and lost per Paris month of the moment they were marked so.
pub fn outcomes_by_month(deals: &[DealFact]) -> Result<OutcomesByMonth, CockpitError> {
    let mut report = OutcomesByMonth::default();
    for deal in deals {
        let won = match deal.status {
            DealStatus::Won => true,
            DealStatus::Lost => false,
            _ => continue,
        };
        let Some(closed_at) = deal.closed_at else {
            report.undated += 1;
            continue;
        };
        let month = Period::containing(PeriodKind::Month, paris_date(closed_at)?)?;
        let by_rep = report.by_rep.entry(deal.owner).or_default();
        for outcomes in [
            report.months.entry(month).or_default(),
            by_rep.entry(month).or_default(),
        ] {
            let tally = if won {
                &mut outcomes.won
            } else {
                &mut outcomes.lost
            };
            tally.add(deal.amount)?;
        }
    }
    Ok(report)
}

impl Tally {
    /// Counts one more, worth `amount` when known.
    pub fn add(&mut self, amount: Option<Money>) -> Result<(), SumOverflow> {
        self.count += 1;
        amount.map_or(Ok(()), |money| self.value.add(money))
    }
}

fn add_open(stages: &mut ByStage, deal: &DealFact) -> Result<(), SumOverflow> {
    let figures = stages.entry(deal.stage.clone()).or_default();
    figures.deals += 1;
    match deal.amount {
        Some(money) => {
            figures.raw.add(money)?;
            figures.weighted.add(weighted(money, deal.probability))?;
        }
        None => figures.without_amount += 1,
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cockpit::fixture::Fixture;
    use crate::values::CurrencyCode;

    type Outcome = Result<(), Box<dyn std::error::Error>>;

    #[test]
    fn the_open_pipeline_is_summed_per_stage_per_currency_raw_and_weighted() -> Outcome {
        let fixture = Fixture::new()?;
        let pipeline = open_pipeline(&fixture.facts.deals, &fixture.teams)?;
        // "propose": Bakery oven 12 000.00 EUR at 50 % (6 000.00) and Geneva slicer 8 000.00 CHF
        // at 40 % (3 200.00). Never one figure for both.
        let propose = pipeline.by_stage.get("propose").ok_or("no propose stage")?;
        assert_eq!(propose.deals, 2);
        assert_eq!(propose.raw.get(CurrencyCode::EUR).minor_units, 1_200_000);
        assert_eq!(propose.raw.get(fixture.chf).minor_units, 800_000);
        assert_eq!(propose.weighted.get(CurrencyCode::EUR).minor_units, 600_000);
        assert_eq!(propose.weighted.get(fixture.chf).minor_units, 320_000);
        // "qualify": Butcher scales 3 333.33 EUR at 10 % = 333.333 → 333.33, plus a deal with no
        // amount.
        let qualify = pipeline.by_stage.get("qualify").ok_or("no qualify stage")?;
        assert_eq!(qualify.deals, 2);
        assert_eq!(qualify.without_amount, 1);
        assert_eq!(qualify.weighted.get(CurrencyCode::EUR).minor_units, 33_333);
        // Won and lost deals are not in the open pipeline.
        assert!(!pipeline.by_stage.contains_key("sign"));
        Ok(())
    }

    #[test]
    fn each_rep_and_each_of_their_teams_gets_the_deals_they_own() -> Outcome {
        let fixture = Fixture::new()?;
        let pipeline = open_pipeline(&fixture.facts.deals, &fixture.teams)?;
        // Alice owns the bakery oven (EUR, propose) and the butcher scales (EUR, qualify).
        let alice = pipeline
            .by_rep
            .get(&Some(fixture.alice))
            .ok_or("no figures for Alice")?;
        assert_eq!(alice.values().map(|stage| stage.deals).sum::<usize>(), 2);
        // Bruno owns the Geneva slicer (CHF); the unowned deal has no amount.
        let bruno = pipeline
            .by_rep
            .get(&Some(fixture.bruno))
            .ok_or("no figures for Bruno")?;
        assert_eq!(
            bruno
                .get("propose")
                .map(|stage| stage.raw.get(fixture.chf).minor_units),
            Some(800_000)
        );
        assert!(pipeline.by_rep.contains_key(&None));
        // Alice is in both "Rhône" and "Export"; Bruno in "Export" only.
        let rhone = pipeline
            .by_team
            .get(&fixture.rhone)
            .ok_or("no Rhône team")?;
        assert_eq!(rhone.values().map(|stage| stage.deals).sum::<usize>(), 2);
        let export = pipeline
            .by_team
            .get(&fixture.export)
            .ok_or("no Export team")?;
        assert_eq!(export.values().map(|stage| stage.deals).sum::<usize>(), 3);
        Ok(())
    }

    #[test]
    fn a_deal_won_at_half_past_midnight_in_paris_on_the_first_of_april_counts_in_april() -> Outcome
    {
        let fixture = Fixture::new()?;
        let report = outcomes_by_month(&fixture.facts.deals)?;
        let march = Period::Month {
            year: 2026,
            month: 3,
        };
        let april = Period::Month {
            year: 2026,
            month: 4,
        };
        // Won 2026-03-10: pastry counter 5 000.00 EUR. Lost 2026-03-20: Lausanne mixer
        // 2 000.00 CHF.
        let in_march = report.months.get(&march).ok_or("nothing in March")?;
        assert_eq!(in_march.won.count, 1);
        assert_eq!(
            in_march.won.value.get(CurrencyCode::EUR).minor_units,
            500_000
        );
        assert_eq!(in_march.lost.value.get(fixture.chf).minor_units, 200_000);
        // Won at 2026-03-31T22:30:00Z = 2026-04-01 00:30 in Paris: the cold room, 9 000.00 EUR.
        let in_april = report.months.get(&april).ok_or("nothing in April")?;
        assert_eq!(in_april.won.count, 1);
        assert_eq!(
            in_april.won.value.get(CurrencyCode::EUR).minor_units,
            900_000
        );
        assert_eq!(in_april.lost, Tally::default());
        // The lost deal without a closing moment is only counted as undated.
        assert_eq!(report.undated, 1);
        // May is an empty period: no entry at all, rather than zeros.
        assert!(!report.months.contains_key(&Period::Month {
            year: 2026,
            month: 5
        }));
        Ok(())
    }

    #[test]
    fn no_deal_gives_an_empty_pipeline() -> Outcome {
        assert_eq!(open_pipeline(&[], &Teams::new())?, Pipeline::default());
        assert_eq!(outcomes_by_month(&[])?, OutcomesByMonth::default());
        Ok(())
    }
}
