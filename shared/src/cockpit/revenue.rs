//! Revenue from orders: the net (before VAT) of confirmed and delivered orders, per currency,
//! per month of the day each was taken, by département and région of the customer's postcode,
//! and by industry.
//!
//! A cancelled order is no revenue. An order whose account is not among the facts, or whose
//! account has no valid postcode or no industry, is counted under `None` rather than dropped,
//! so every breakdown adds up to the total.

use std::collections::BTreeMap;

use super::calendar::{Period, PeriodKind, Span};
use super::facts::{AccountFact, OrderFact};
use super::region::Region;
use super::sums::{SumOverflow, Sums};
use super::CockpitError;
use crate::ids::AccountId;
use crate::values::Departement;

/// Revenue over some orders: a total and the same per month.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RevenueLine {
    /// All of it, per currency.
    pub total: Sums,
    /// Per Paris month, per currency (months without revenue have no entry).
    pub months: BTreeMap<Period, Sums>,
}

/// Revenue, whole and broken down.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Revenue {
    /// Every order counted.
    pub whole: RevenueLine,
    /// By the département of the customer's postcode.
    pub by_departement: BTreeMap<Option<Departement>, RevenueLine>,
    /// By the région of that département.
    pub by_region: BTreeMap<Option<Region>, RevenueLine>,
    /// By the customer's industry, as typed (trimmed).
    pub by_industry: BTreeMap<Option<String>, RevenueLine>,
}

/// The revenue of `orders` taken within `span` (all of them for `None`), placed with the help
/// of `accounts`.
pub fn revenue(
    orders: &[OrderFact],
    accounts: &[AccountFact],
    span: Option<Span>,
) -> Result<Revenue, CockpitError> {
    let accounts: BTreeMap<AccountId, &AccountFact> = accounts
        .iter()
        .map(|account| (account.id, account))
        .collect();
    let mut revenue = Revenue::default();
    for order in orders.iter().filter(|order| counts_within(order, span)) {
        let month = Period::containing(PeriodKind::Month, order.ordered_on)?;
        let account = accounts.get(&order.account);
        let departement = account.and_then(|account| account.departement());
        let region = departement.as_ref().and_then(Region::of);
        let industry = account
            .and_then(|account| account.industry.as_deref())
            .map(str::trim)
            .filter(|industry| !industry.is_empty())
            .map(str::to_owned);
        revenue.whole.add(order, month)?;
        let lines = [
            revenue.by_departement.entry(departement).or_default(),
            revenue.by_region.entry(region).or_default(),
            revenue.by_industry.entry(industry).or_default(),
        ];
        for line in lines {
            line.add(order, month)?;
        }
    }
    Ok(revenue)
}

/// Whether `order` is revenue taken within `span`.
pub(super) fn counts_within(order: &OrderFact, span: Option<Span>) -> bool {
    order.counts_as_revenue() && span.is_none_or(|span| span.contains(order.ordered_on))
}

impl RevenueLine {
    fn add(&mut self, order: &OrderFact, month: Period) -> Result<(), SumOverflow> {
        self.total.add(order.net)?;
        self.months.entry(month).or_default().add(order.net)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cockpit::fixture::Fixture;
    use crate::values::CurrencyCode;

    type Outcome = Result<(), Box<dyn std::error::Error>>;

    fn month(year: u16, month: u8) -> Period {
        Period::Month { year, month }
    }

    #[test]
    fn revenue_counts_confirmed_and_delivered_orders_per_month_and_currency() -> Outcome {
        let fixture = Fixture::new()?;
        let revenue = revenue(&fixture.facts.orders, &fixture.facts.accounts, None)?;
        let eur = CurrencyCode::EUR;
        // EUR: 700 + 4 750 + 100 + 1 100 + 9 500 + 1 500 = 17 650.00; CHF: 240 + 4 000 =
        // 4 240.00 (the cancelled 600.00 CHF order of April is left out).
        assert_eq!(revenue.whole.total.get(eur).minor_units, 1_765_000);
        assert_eq!(revenue.whole.total.get(fixture.chf).minor_units, 424_000);
        let months = &revenue.whole.months;
        // January 2026: 1 000.00 (bakery) + 100.00 (grocery).
        assert_eq!(
            months
                .get(&month(2026, 1))
                .map(|sums| sums.get(eur).minor_units),
            Some(110_000)
        );
        // March 2026: 9 500.00 EUR and 4 000.00 CHF, side by side.
        let march = months.get(&month(2026, 3)).ok_or("no March")?;
        assert_eq!(march.get(eur).minor_units, 950_000);
        assert_eq!(march.get(fixture.chf).minor_units, 400_000);
        // April 2026: only the pastry shop's 1 500.00 EUR; no CHF at all.
        let april = months.get(&month(2026, 4)).ok_or("no April")?;
        assert_eq!(april.iter().count(), 1);
        assert_eq!(april.get(eur).minor_units, 150_000);
        // February 2026 is an empty period: no entry.
        assert!(!months.contains_key(&month(2026, 2)));
        Ok(())
    }

    #[test]
    fn revenue_is_placed_by_departement_region_and_industry() -> Outcome {
        let fixture = Fixture::new()?;
        let revenue = revenue(&fixture.facts.orders, &fixture.facts.accounts, None)?;
        let eur = CurrencyCode::EUR;
        let by_departement = |code: &str| -> Result<Sums, Box<dyn std::error::Error>> {
            let line = revenue.by_departement.get(&Some(Departement::parse(code)?));
            Ok(line.map(|line| line.total.clone()).unwrap_or_default())
        };
        // 69 (bakery, Lyon): 9 500 + 1 000; 01 (cheese shop, Ferney): 240 + 4 000 CHF;
        // 2A (pastry, Ajaccio): 1 500; 2B (grocery, Bastia): 4 750 + 100 + 100; 972: 700.
        assert_eq!(by_departement("69")?.get(eur).minor_units, 1_050_000);
        assert_eq!(by_departement("01")?.get(fixture.chf).minor_units, 424_000);
        assert_eq!(by_departement("2A")?.get(eur).minor_units, 150_000);
        assert_eq!(by_departement("2B")?.get(eur).minor_units, 495_000);
        assert_eq!(by_departement("972")?.get(eur).minor_units, 70_000);
        let rhone_alpes = revenue
            .by_region
            .get(&Some(Region::AuvergneRhoneAlpes))
            .ok_or("no Auvergne-Rhône-Alpes")?;
        assert_eq!(rhone_alpes.total.get(eur).minor_units, 1_050_000);
        assert_eq!(rhone_alpes.total.get(fixture.chf).minor_units, 424_000);
        let corsica = revenue
            .by_region
            .get(&Some(Region::Corse))
            .ok_or("no Corse")?;
        assert_eq!(corsica.total.get(eur).minor_units, 645_000);
        // Boulangerie: bakery 10 500 + pastry 1 500 (typed " Boulangerie " with spaces).
        let bakeries = revenue
            .by_industry
            .get(&Some("Boulangerie".to_owned()))
            .ok_or("no Boulangerie")?;
        assert_eq!(bakeries.total.get(eur).minor_units, 1_200_000);
        Ok(())
    }

    #[test]
    fn revenue_within_a_quarter_leaves_the_others_out() -> Outcome {
        let fixture = Fixture::new()?;
        let first_quarter = Period::Quarter {
            year: 2026,
            quarter: 1,
        }
        .span()?;
        let revenue = revenue(
            &fixture.facts.orders,
            &fixture.facts.accounts,
            Some(first_quarter),
        )?;
        // 1 000 + 100 (January) + 9 500 (March) EUR; 4 000 CHF.
        assert_eq!(
            revenue.whole.total.get(CurrencyCode::EUR).minor_units,
            1_060_000
        );
        assert_eq!(revenue.whole.total.get(fixture.chf).minor_units, 400_000);
        assert_eq!(revenue.whole.months.len(), 2);
        Ok(())
    }

    #[test]
    fn no_order_gives_no_revenue() -> Outcome {
        assert_eq!(revenue(&[], &[], None)?, Revenue::default());
        Ok(())
    }
}
