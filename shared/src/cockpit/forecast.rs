//! The forecast of the current Paris quarter: what was won in it, plus the open pipeline
//! expected to close in it, weighted by probability. Per currency.
//!
//! An open deal expected to close before the quarter (overdue) or after it is not in the
//! forecast; an open deal with no expected close is counted apart, so the screen can ask for
//! dates rather than guess.

use super::calendar::{paris_date, Period, PeriodKind};
use super::facts::DealFact;
use super::sums::{weighted, Sums};
use super::CockpitError;
use crate::deal::DealStatus;

/// The current quarter's forecast.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Forecast {
    /// The quarter (Paris) holding "now".
    pub quarter: Period,
    /// Deals won in the quarter.
    pub won: Sums,
    /// Open deals expected to close in the quarter, weighted by probability.
    pub weighted_open: Sums,
    /// Won plus weighted open, per currency.
    pub total: Sums,
    /// Open deals with no expected close date (in no forecast).
    pub open_without_date: usize,
}

/// The forecast of the quarter holding `now` (Unix seconds).
pub fn quarter_forecast(deals: &[DealFact], now: i64) -> Result<Forecast, CockpitError> {
    let quarter = Period::at(PeriodKind::Quarter, now)?;
    let span = quarter.span()?;
    let mut won = Sums::new();
    let mut weighted_open = Sums::new();
    let mut open_without_date = 0;
    for deal in deals {
        match deal.status {
            DealStatus::Won => {
                if let (Some(closed_at), Some(amount)) = (deal.closed_at, deal.amount) {
                    if span.contains(paris_date(closed_at)?) {
                        won.add(amount)?;
                    }
                }
            }
            DealStatus::Open => match deal.expected_close {
                None => open_without_date += 1,
                Some(expected) if span.contains(expected) => {
                    if let Some(amount) = deal.amount {
                        weighted_open.add(weighted(amount, deal.probability))?;
                    }
                }
                Some(_) => {}
            },
            _ => {}
        }
    }
    let mut total = won.clone();
    total.add_all(&weighted_open)?;
    Ok(Forecast {
        quarter,
        won,
        weighted_open,
        total,
        open_without_date,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cockpit::fixture::{utc, Fixture};
    use crate::values::CurrencyCode;

    type Outcome = Result<(), Box<dyn std::error::Error>>;

    #[test]
    fn the_forecast_adds_won_deals_to_the_weighted_pipeline_closing_this_quarter() -> Outcome {
        let fixture = Fixture::new()?;
        let forecast = quarter_forecast(&fixture.facts.deals, fixture.now)?;
        let eur = CurrencyCode::EUR;
        assert_eq!(
            forecast.quarter,
            Period::Quarter {
                year: 2026,
                quarter: 2
            }
        );
        // Won in Q2: the cold room, 9 000.00 EUR, won 2026-03-31T22:30Z = 1 April in Paris.
        // The pastry counter (10 March) is Q1.
        assert_eq!(forecast.won.get(eur).minor_units, 900_000);
        // Open, closing in Q2: oven 12 000.00 × 50 % = 6 000.00 and scales 3 333.33 × 10 % =
        // 333.33. The CHF slicer closes in July: not this quarter.
        assert_eq!(forecast.weighted_open.get(eur).minor_units, 633_333);
        assert_eq!(forecast.total.get(eur).minor_units, 1_533_333);
        assert!(forecast.total.get(fixture.chf).minor_units == 0);
        assert_eq!(forecast.total.iter().count(), 1);
        assert_eq!(forecast.open_without_date, 1);
        Ok(())
    }

    #[test]
    fn a_quarter_with_nothing_won_or_expected_forecasts_nothing() -> Outcome {
        let fixture = Fixture::new()?;
        let forecast = quarter_forecast(&fixture.facts.deals, utc("2026-11-02", 12, 0)?)?;
        assert!(forecast.won.is_empty());
        assert!(forecast.total.is_empty());
        Ok(())
    }
}
