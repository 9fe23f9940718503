//! Quotes to orders: of the offers first sent in a period, how many became orders and for how
//! much, and the median number of days from sending to ordering.
//!
//! An offer is one quote number with all its versions: a second version of a quote is the same
//! offer priced again, not a second offer. It counts in the period its first version was sent
//! (Paris date), for the net of its last sent version; it is converted when a confirmed or
//! delivered order was made from any of its versions, whenever that order came (a cohort).
//! Its delay runs from its first sending to its first such order.

use std::collections::{BTreeMap, BTreeSet};

use super::calendar::{days_between, paris_date, Span};
use super::facts::{OrderFact, QuoteFact};
use super::statistics::{ratio_in_basis_points, MedianDays};
use super::sums::Sums;
use super::CockpitError;
use crate::ids::{QuoteId, UserId};
use crate::sales::DocumentNumber;
use crate::values::{CurrencyCode, Date, Money};

/// Conversion of the offers sent in one period.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Conversion {
    /// How many offers were first sent in the period.
    pub offers_sent: usize,
    /// What they were worth (each at its last sent version's net), per currency.
    pub quoted: Sums,
    /// How many of them became orders.
    pub converted: usize,
    /// The net of the orders made from them, per currency.
    pub ordered: Sums,
    /// The median days from first sending to first order, over the converted offers.
    pub median_days: Option<MedianDays>,
}

impl Conversion {
    /// Converted offers per offer sent, in basis points (`None` when none was sent).
    pub fn count_rate(&self) -> Option<u32> {
        ratio_in_basis_points(
            i64::try_from(self.converted).unwrap_or(i64::MAX),
            i64::try_from(self.offers_sent).unwrap_or(i64::MAX),
        )
    }

    /// Ordered value per quoted value in `currency`, in basis points (`None` when nothing was
    /// quoted in it).
    pub fn value_rate(&self, currency: CurrencyCode) -> Option<u32> {
        ratio_in_basis_points(
            self.ordered.get(currency).minor_units,
            self.quoted.get(currency).minor_units,
        )
    }
}

/// One offer: its versions as sent.
#[derive(Default)]
pub(super) struct Offer {
    /// The Paris day its first version was sent.
    pub(super) first_sent: Option<Date>,
    /// The owner of that first sent version.
    pub(super) first_owner: Option<UserId>,
    /// The last sent version: when, its id (for ties), its net.
    last: Option<(i64, QuoteId, Money)>,
    versions: BTreeSet<QuoteId>,
}

/// The sent offers of `quotes`, by number (drafts never sent are left out).
pub(super) fn sent_offers(
    quotes: &[QuoteFact],
) -> Result<BTreeMap<&DocumentNumber, Offer>, CockpitError> {
    let mut offers: BTreeMap<&DocumentNumber, Offer> = BTreeMap::new();
    for quote in quotes {
        let Some(sent_at) = quote.sent_at else {
            continue;
        };
        let sent_on = paris_date(sent_at)?;
        let offer = offers.entry(&quote.number).or_default();
        offer.versions.insert(quote.id);
        if offer.first_sent.is_none_or(|first| sent_on < first) {
            offer.first_sent = Some(sent_on);
            offer.first_owner = quote.owner;
        }
        if offer
            .last
            .is_none_or(|last| (last.0, last.1) < (sent_at, quote.id))
        {
            offer.last = Some((sent_at, quote.id, quote.net));
        }
    }
    Ok(offers)
}

/// The conversion of the offers first sent within `span`.
pub fn quote_conversion(
    quotes: &[QuoteFact],
    orders: &[OrderFact],
    span: Span,
) -> Result<Conversion, CockpitError> {
    let offers = sent_offers(quotes)?;
    let mut conversion = Conversion::default();
    let mut delays = Vec::new();
    for offer in offers.values() {
        let (Some(first_sent), Some((_, _, net))) = (offer.first_sent, offer.last) else {
            continue;
        };
        if !span.contains(first_sent) {
            continue;
        }
        conversion.offers_sent += 1;
        conversion.quoted.add(net)?;
        let made: Vec<&OrderFact> = orders
            .iter()
            .filter(|order| order.counts_as_revenue())
            .filter(|order| {
                order
                    .quote
                    .is_some_and(|quote| offer.versions.contains(&quote))
            })
            .collect();
        let Some(first_order) = made.iter().map(|order| order.ordered_on).min() else {
            continue;
        };
        conversion.converted += 1;
        for order in made {
            conversion.ordered.add(order.net)?;
        }
        delays.push(days_between(first_sent, first_order));
    }
    conversion.median_days = MedianDays::of(delays);
    Ok(conversion)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cockpit::calendar::Period;
    use crate::cockpit::fixture::Fixture;

    type Outcome = Result<(), Box<dyn std::error::Error>>;

    fn month(month: u8) -> Result<Span, CockpitError> {
        Ok(Period::Month { year: 2026, month }.span()?)
    }

    #[test]
    fn offers_sent_in_march_are_followed_to_their_orders() -> Outcome {
        let fixture = Fixture::new()?;
        let march = quote_conversion(&fixture.facts.quotes, &fixture.facts.orders, month(3)?)?;
        // Offers first sent in March (Paris): 0001 (v1 2 March, v2 5 March), 0002 (10 March),
        // 0003 (25 March). 0004 was sent at 22:30Z on 31 March: 1 April in Paris.
        assert_eq!(march.offers_sent, 3);
        // Quoted: 0001 at its last version, 9 500.00 (not 10 000.00 + 9 500.00), plus 0003's
        // 2 000.00 EUR; 0002's 4 000.00 CHF apart.
        assert_eq!(march.quoted.get(CurrencyCode::EUR).minor_units, 1_150_000);
        assert_eq!(march.quoted.get(fixture.chf).minor_units, 400_000);
        // Converted: 0001 (order 12 March) and 0002 (order 13 March).
        assert_eq!(march.converted, 2);
        assert_eq!(march.count_rate(), Some(6_666));
        assert_eq!(march.ordered.get(CurrencyCode::EUR).minor_units, 950_000);
        // 9 500 / 11 500 = 82.6 %; CHF 4 000 / 4 000 = 100 %.
        assert_eq!(march.value_rate(CurrencyCode::EUR), Some(8_260));
        assert_eq!(march.value_rate(fixture.chf), Some(10_000));
        // Delays: 2 → 12 March is 10 days (from the first version), 10 → 13 March is 3 days;
        // the median of 3 and 10 is 6.5 days.
        assert_eq!(march.median_days.map(MedianDays::twice), Some(13));
        Ok(())
    }

    #[test]
    fn a_quote_sent_at_half_past_midnight_in_paris_on_the_first_of_april_is_an_april_offer(
    ) -> Outcome {
        let fixture = Fixture::new()?;
        let april = quote_conversion(&fixture.facts.quotes, &fixture.facts.orders, month(4)?)?;
        // 0004: sent 1 April (Paris), ordered 8 April: 7 days.
        assert_eq!(april.offers_sent, 1);
        assert_eq!(april.converted, 1);
        assert_eq!(april.median_days.map(MedianDays::twice), Some(14));
        Ok(())
    }

    #[test]
    fn a_period_without_quotes_has_no_rate_and_no_median() -> Outcome {
        let fixture = Fixture::new()?;
        let february = quote_conversion(&fixture.facts.quotes, &fixture.facts.orders, month(2)?)?;
        assert_eq!(february, Conversion::default());
        assert_eq!(february.count_rate(), None);
        assert_eq!(february.value_rate(CurrencyCode::EUR), None);
        assert_eq!(february.median_days, None);
        Ok(())
    }
}
