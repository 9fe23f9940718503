//! Rankings over revenue orders: top customers and top reps by net revenue, top products by net
//! revenue and by quantity. Money rankings are per currency (a customer buying in two
//! currencies ranks in both); the quantity ranking adds units of one product whatever the
//! currency. Ties break by id, so every device shows the same order.
//!
//! Free lines (no catalogue product) rank no product; orders nobody owns rank no rep.

use std::collections::BTreeMap;

use super::calendar::Span;
use super::facts::OrderFact;
use super::revenue::counts_within;
use super::sums::SumOverflow;
use super::CockpitError;
use crate::ids::{AccountId, ProductId, UserId};
use crate::values::{CurrencyCode, Money};

/// One row of a ranking.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ranked<K> {
    /// What is ranked.
    pub key: K,
    /// Its figure: minor units of the ranking's currency, or thousandths of a unit.
    pub amount: i64,
}

/// The rankings, each cut to the requested length.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Rankings {
    /// Customers by net revenue, per currency.
    pub customers: BTreeMap<CurrencyCode, Vec<Ranked<AccountId>>>,
    /// Catalogue products by net revenue, per currency.
    pub products_by_revenue: BTreeMap<CurrencyCode, Vec<Ranked<ProductId>>>,
    /// Catalogue products by quantity sold (thousandths of their unit).
    pub products_by_quantity: Vec<Ranked<ProductId>>,
    /// Reps by net revenue, per currency.
    pub reps: BTreeMap<CurrencyCode, Vec<Ranked<UserId>>>,
}

/// The rankings of the revenue orders taken within `span` (all for `None`), at most `length`
/// rows each.
pub fn rankings(
    orders: &[OrderFact],
    span: Option<Span>,
    length: usize,
) -> Result<Rankings, CockpitError> {
    let mut customers = PerCurrency::default();
    let mut products = PerCurrency::default();
    let mut reps = PerCurrency::default();
    let mut quantities: BTreeMap<ProductId, i64> = BTreeMap::new();
    for order in orders.iter().filter(|order| counts_within(order, span)) {
        customers.add(order.account, order.net)?;
        if let Some(owner) = order.owner {
            reps.add(owner, order.net)?;
        }
        for line in &order.lines {
            let Some(product) = line.product else {
                continue;
            };
            products.add(product, line.net)?;
            let quantity = quantities.entry(product).or_insert(0);
            *quantity = quantity
                .checked_add(line.quantity.thousandths())
                .ok_or(CockpitError::QuantityOverflow)?;
        }
    }
    Ok(Rankings {
        customers: customers.ranked(length),
        products_by_revenue: products.ranked(length),
        products_by_quantity: ranked(quantities, length),
        reps: reps.ranked(length),
    })
}

/// Sums per currency per key.
struct PerCurrency<K>(BTreeMap<CurrencyCode, BTreeMap<K, i64>>);

impl<K> Default for PerCurrency<K> {
    fn default() -> Self {
        Self(BTreeMap::new())
    }
}

impl<K: Ord + Copy> PerCurrency<K> {
    fn add(&mut self, key: K, money: Money) -> Result<(), SumOverflow> {
        let sum = self
            .0
            .entry(money.currency)
            .or_default()
            .entry(key)
            .or_insert(0);
        *sum = sum.checked_add(money.minor_units).ok_or(SumOverflow {
            currency: money.currency,
        })?;
        Ok(())
    }

    fn ranked(self, length: usize) -> BTreeMap<CurrencyCode, Vec<Ranked<K>>> {
        self.0
            .into_iter()
            .map(|(currency, sums)| (currency, ranked(sums, length)))
            .collect()
    }
}

/// The `length` largest figures, largest first, ties by key.
fn ranked<K: Ord + Copy>(figures: BTreeMap<K, i64>, length: usize) -> Vec<Ranked<K>> {
    let mut rows: Vec<Ranked<K>> = figures
        .into_iter()
        .map(|(key, amount)| Ranked { key, amount })
        .collect();
    rows.sort_by(|left, right| {
        right
            .amount
            .cmp(&left.amount)
            .then_with(|| left.key.cmp(&right.key))
    });
    rows.truncate(length);
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cockpit::fixture::Fixture;
    use crate::cockpit::{OrderLineFact, Period};
    use crate::ids::OrderId;
    use crate::sales::{OrderStatus, Quantity};
    use crate::values::Date;

    type Outcome = Result<(), Box<dyn std::error::Error>>;

    #[test]
    fn customers_products_and_reps_are_ranked_per_currency() -> Outcome {
        let fixture = Fixture::new()?;
        let rankings = rankings(&fixture.facts.orders, None, 10)?;
        let [a1, a2, _, a4, a5, _, a7] = fixture.accounts;
        let [p1, p2] = fixture.products;
        let eur = CurrencyCode::EUR;
        // Customers in EUR: bakery 9 500 + 1 000; grocery 4 750 + 100 + 100; pastry 1 500;
        // caterer 700. In CHF: the cheese shop alone (240 + 4 000; the cancelled order left out).
        let customers: Vec<(AccountId, i64)> = rankings
            .customers
            .get(&eur)
            .ok_or("no EUR customers")?
            .iter()
            .map(|row| (row.key, row.amount))
            .collect();
        assert_eq!(
            customers,
            vec![(a1, 1_050_000), (a7, 495_000), (a4, 150_000), (a5, 70_000)]
        );
        assert_eq!(
            rankings.customers.get(&fixture.chf),
            Some(&vec![Ranked {
                key: a2,
                amount: 424_000
            }])
        );
        // Products in EUR: P1 9 500 + 4 750; P2 1 000 + 1 500 + 100 + 100 (the caterer's free
        // line ranks no product).
        assert_eq!(
            rankings.products_by_revenue.get(&eur),
            Some(&vec![
                Ranked {
                    key: p1,
                    amount: 1_425_000
                },
                Ranked {
                    key: p2,
                    amount: 270_000
                }
            ])
        );
        // By quantity, all currencies: P2 100 + 150 + 20 + 10 + 10 = 290 units (the cancelled 50
        // left out); P1 2 + 1 + 1 = 4 units.
        assert_eq!(
            rankings.products_by_quantity,
            vec![
                Ranked {
                    key: p2,
                    amount: 290_000
                },
                Ranked {
                    key: p1,
                    amount: 4_000
                }
            ]
        );
        // Reps in EUR: Alice 9 500 + 1 000 + 1 500 + 4 750 + 100 + 100; Bruno 700.
        assert_eq!(
            rankings.reps.get(&eur),
            Some(&vec![
                Ranked {
                    key: fixture.alice,
                    amount: 1_695_000
                },
                Ranked {
                    key: fixture.bruno,
                    amount: 70_000
                }
            ])
        );
        Ok(())
    }

    #[test]
    fn equal_figures_rank_by_id_and_the_length_is_kept() -> Outcome {
        let fixture = Fixture::new()?;
        let [a1, a2, a3, ..] = fixture.accounts;
        let order = |number: u8, account| -> Result<OrderFact, Box<dyn std::error::Error>> {
            Ok(OrderFact {
                id: OrderId::from_bytes([number; 16]),
                account,
                owner: None,
                status: OrderStatus::Confirmed,
                ordered_on: Date::parse("2026-02-02")?,
                lines: vec![OrderLineFact {
                    product: None,
                    quantity: Quantity::ONE,
                    net: Money::new(1_000, CurrencyCode::EUR),
                }],
                net: Money::new(1_000, CurrencyCode::EUR),
                quote: None,
            })
        };
        // Listed in reverse: the ranking still puts the smaller id first.
        let orders = [order(1, a3)?, order(2, a2)?, order(3, a1)?];
        let february = Period::Month {
            year: 2026,
            month: 2,
        }
        .span()?;
        let ranked = rankings(&orders, Some(february), 2)?;
        let keys: Vec<AccountId> = ranked
            .customers
            .get(&CurrencyCode::EUR)
            .ok_or("no customers")?
            .iter()
            .map(|row| row.key)
            .collect();
        assert_eq!(keys, vec![a1, a2]);
        assert!(ranked.reps.is_empty());
        assert_eq!(rankings(&[], None, 5)?, Rankings::default());
        Ok(())
    }
}
